"""``autograd-lite train [flags] [--config FILE]``: train an MLP on a bundled data set.

Settings come from the defaults, then the config file (TOML or JSON, the keys of
``autograd_lite.train.TrainConfig``), then the flags given on the command line. With
``--resume`` the checkpoint's own settings are the starting point, so ``autograd-lite train
--out DIR --resume`` continues a run without repeating its flags (``--epochs`` may be raised).

Exit status: 0 trained, 1 diverged, 2 bad config, 130 interrupted (checkpoint written).
"""
import argparse

_NAMES = dict(
    datasets="digits, moons, circles, spirals, flower",
    activations="relu, tanh, sigmoid, leaky_relu",
    inits="zeros, random, he, xavier, default",
    optimizers="gd, momentum, rmsprop, adam",
    schedules="none, inverse_time, exponential, inverse_sqrt, inverse_sqrt_step, step, cosine",
)


def add_parser(subparsers):
    p = subparsers.add_parser(
        "train", help="train an MLP (flags or a config file), report accuracy and a "
                      "bias/variance verdict, write metrics.json and plots",
        description="Train a fully connected network on a bundled data set with the course's "
                    "techniques (initialisation, L2, dropout, batch norm, mini-batches, "
                    "momentum/RMSprop/Adam, learning-rate decay). Defaults: a BatchNorm + "
                    "Dropout MLP 64-256-128-10 on the 8x8 digits, Adam with lr 0.01 decaying "
                    "as 0.95^epoch, 40 epochs.")
    a = p.add_argument
    a("--config", metavar="FILE", help="TOML or JSON file of settings (flags override it)")
    g = p.add_argument_group("data")
    g.add_argument("--dataset", help=f"one of {_NAMES['datasets']} (default digits)")
    g.add_argument("--n-samples", type=int, help="points to generate (2-D sets; default 600)")
    g.add_argument("--noise", type=float, help="noise of a generated 2-D set")
    g.add_argument("--split", type=_floats, metavar="TRAIN,DEV,TEST",
                   help="fractions of the train/dev/test sets (default 0.6,0.2,0.2)")
    g = p.add_argument_group("model")
    g.add_argument("--model", help="mlp (default) or cnn: two 3x3 conv + BatchNorm2d blocks on "
                                   "the digits as 1x8x8 images before the hidden layers")
    g.add_argument("--hidden", metavar="SIZES",
                   help="hidden layer sizes, comma separated (default 256,128; '' for none)")
    g.add_argument("--activation", help=f"one of {_NAMES['activations']} (default relu)")
    g.add_argument("--init", help=f"initialiser: one of {_NAMES['inits']} (default he)")
    g.add_argument("--init-scale", type=float, help="scale of --init random (default 10)")
    g.add_argument("--batchnorm", action=argparse.BooleanOptionalAction,
                   help="batch norm after every hidden Linear (default on)")
    g.add_argument("--dropout", type=float, metavar="P",
                   help="dropout probability between hidden layers, 0 <= p < 1 (default 0.3)")
    g.add_argument("--compile", action=argparse.BooleanOptionalAction,
                   help="record the training step once and replay it (al.compile; same "
                        "results; default: on when the run has 100 steps or more)")
    g.add_argument("--l2", type=float, metavar="LAMBDA",
                   help="L2 regularisation lambda: cost + (1/m)(lambda/2)sum||W||^2 (default 0)")
    g = p.add_argument_group("optimisation")
    g.add_argument("--optimizer", help=f"one of {_NAMES['optimizers']} (default adam)")
    g.add_argument("--lr", type=float, help="learning rate alpha_0 (default 0.01)")
    g.add_argument("--beta", "--momentum", dest="beta", type=float,
                   help="momentum beta / RMSprop beta / Adam beta1 (default 0.9)")
    g.add_argument("--beta2", type=float, help="Adam beta2 (default 0.999)")
    g.add_argument("--eps", type=float, help="RMSprop/Adam epsilon (default 1e-8)")
    g.add_argument("--schedule", help=f"learning-rate decay: one of {_NAMES['schedules']} "
                                      f"(default exponential)")
    g.add_argument("--decay", type=float,
                   help="the schedule's parameter: decay_rate (inverse_time, default 1), gamma "
                        "(exponential 0.95, step 0.5), k (inverse_sqrt[_step], 1), final "
                        "fraction (cosine, 0)")
    g.add_argument("--step-size", type=int, help="epochs between drops of --schedule step")
    g.add_argument("--batch-size", type=int,
                   help="mini-batch size; 0 for the whole training set (default 64)")
    g.add_argument("--epochs", type=int, help="epochs to train (default 40)")
    g.add_argument("--seed", type=int, help="seed of the split, the initialisation, the "
                                            "mini-batch order and dropout (default 0)")
    g = p.add_argument_group("verdict")
    g.add_argument("--bayes-error", type=float,
                   help="estimate of the best achievable error, e.g. human level (default 0)")
    g.add_argument("--tolerance", type=float,
                   help="gap that counts as high bias / high variance (default 0.03)")
    g = p.add_argument_group("output")
    g.add_argument("--out", metavar="DIR", help="output folder (default runs/train)")
    g.add_argument("--checkpoint-every", type=int, metavar="N",
                   help="write a checkpoint every N epochs; 0: only at the end (default 10)")
    g.add_argument("--resume", action="store_true", default=None,
                   help="continue the run saved in OUT/checkpoint.npz, bit for bit")
    g.add_argument("--overwrite", action="store_true", default=None,
                   help="replace the run already in OUT (without it, a folder holding a "
                        "checkpoint or metrics.json is refused)")
    g.add_argument("--no-progress", dest="progress", action="store_false", default=None,
                   help="plain lines instead of a progress bar")
    g.add_argument("--no-plots", dest="plots", action="store_false", default=None,
                   help="do not write curves.png / boundary.png")
    p.set_defaults(func=run)
    return p


def _floats(text):
    try:
        return [float(x) for x in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got {text!r}")


SETTINGS = ("dataset", "n_samples", "noise", "split", "model", "hidden", "activation", "init",
            "init_scale", "batchnorm", "dropout", "l2", "optimizer", "lr", "beta", "beta2", "eps",
            "schedule", "decay", "step_size", "batch_size", "epochs", "seed", "bayes_error",
            "tolerance", "out", "overwrite", "checkpoint_every", "resume", "progress", "plots", "compile")


def config_from_args(args):
    """The ``TrainConfig`` for parsed arguments: defaults < checkpoint (with --resume) < config
    file < flags. Raises ``ConfigError``."""
    import os

    from ..train import TrainConfig, load_config_file
    from ..train.loop import CHECKPOINT_NAME, read_checkpoint_config

    explicit = {}
    if args.config is not None:
        explicit.update({str(k).replace("-", "_"): v
                         for k, v in load_config_file(args.config).items()})
        TrainConfig.from_dict(explicit, source=args.config)  # unknown keys, early
    explicit.update({k: getattr(args, k) for k in SETTINGS if getattr(args, k, None) is not None})
    base = {}
    if explicit.get("resume"):
        out = explicit.get("out", TrainConfig().out)
        path = os.path.join(out, CHECKPOINT_NAME) if out else None
        if path and os.path.isfile(path):
            base = read_checkpoint_config(path)
            explicit.setdefault("out", out)
    return TrainConfig.from_dict({**base, **explicit}, source="settings").validate()


def run(args):
    from ..train import train

    result = train(config_from_args(args))  # a ConfigError is reported by cli.main (exit 2)
    if result.status == "interrupted":
        return 130
    return 1 if result.status == "diverged" else 0
