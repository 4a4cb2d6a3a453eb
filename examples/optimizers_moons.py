"""The course's optimisation experiment: mini-batch gradient descent vs momentum vs Adam.

A 2-5-2-1 network (ReLU, ReLU, sigmoid output, He initialisation) on 300 noisy moons points
(noise 0.2), mini-batches of 64 reshuffled every epoch, lr 0.0007 for all three:

- gd: ``W := W − α dW``;
- momentum: ``v = βv + (1 − β)dW``, ``W := W − αv`` with β = 0.9;
- Adam: β1 = 0.9, β2 = 0.999, ε = 1e-8, with bias correction.

With so small a learning rate, gradient descent and momentum crawl; Adam's per-parameter
step sizes get it to a good boundary long before. (The course trains 10,000 epochs; the
default here is 5,000 to keep the run short: ``--epochs 10000`` for the course's figure.)

    python examples/optimizers_moons.py [--epochs 5000] [--out runs/optimizers_moons.png]
"""
import argparse
import os
import time

import autograd_lite as al
from autograd_lite.train import build_mlp, evaluate, fit, predict
from autograd_lite.train.report import plot_boundary, save_figure, table

OPTIMIZERS = ("gd", "momentum", "adam")


def moons(seed=3):
    X, y = al.datasets.make_moons(300, noise=0.2, seed=seed)
    X_dev, y_dev = al.datasets.make_moons(300, noise=0.2, seed=seed + 100)
    return X, y, X_dev, y_dev


def make_optimizer(name, params, lr, beta=0.9):
    if name == "gd":
        return al.optim.SGD(params, lr=lr)
    if name == "momentum":
        return al.optim.SGD(params, lr=lr, momentum=beta, dampening=beta)  # the course's form
    if name == "adam":
        return al.optim.Adam(params, lr=lr, betas=(beta, 0.999), eps=1e-8)
    raise ValueError(name)


def run(epochs=5000, lr=0.0007, batch_size=64, seed=0, data_seed=3, optimizers=OPTIMIZERS,
        compile=True):  # noqa: A002
    # compile: the step is recorded once and replayed (al.compile): the same costs, bit for
    # bit, and 300 epochs take 0.57-0.65 s eager, 0.37-0.40 s compiled (1 thread)
    X, y, Xd, yd = moons(data_seed)
    rows, models = [], {}
    for name in optimizers:
        start = time.perf_counter()
        al.manual_seed(seed)
        model = build_mlp(2, (5, 2), 2, activation="relu", init="he")
        opt = make_optimizer(name, model.parameters(), lr)
        costs = fit(model, X, y, opt, epochs, batch_size=batch_size, seed=seed, compile=compile)
        rows.append({"optimizer": name, "first cost": costs[0], "final cost": costs[-1],
                     "train acc": evaluate(model, X, y)[1],
                     "dev acc": evaluate(model, Xd, yd)[1],
                     "seconds": time.perf_counter() - start, "costs": costs})
        models[name] = model
    return rows, models, (X, y)


COLUMNS = ["optimizer", "first cost", "final cost", "train acc", "dev acc", "seconds"]
FORMATS = {"first cost": ".4f", "final cost": ".4f", "train acc": ".1%", "dev acc": ".1%",
           "seconds": ".1f"}


def plot(rows, models, data, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    X, y = data
    fig, axes = plt.subplots(1, 1 + len(rows), figsize=(4 * (1 + len(rows)), 3.8))
    for row in rows:
        axes[0].plot(range(1, len(row["costs"]) + 1), row["costs"], label=row["optimizer"],
                     lw=1)
    axes[0].set_xlabel("epoch")
    axes[0].set_title("mini-batch cost per epoch")
    axes[0].legend()
    for ax, row in zip(axes[1:], rows):
        plot_boundary(lambda G, m=models[row["optimizer"]]: predict(m, G), X, y, None,
                      f"{row['optimizer']}: train {row['train acc']:.1%}", ax=ax)
    fig.suptitle("Optimizers: 2-5-2-1 on moons, mini-batches of 64, lr 0.0007")
    fig.tight_layout()
    save_figure(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5000)
    parser.add_argument("--lr", type=float, default=0.0007)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "optimizers_moons.png"))
    args = parser.parse_args(argv)
    rows, models, data = run(args.epochs, args.lr, seed=args.seed)
    print(f"Optimizers on moons: 2-5-2-1, mini-batches of 64, lr {args.lr:g}, "
          f"{args.epochs} epochs")
    print(table(rows, COLUMNS, FORMATS))
    plot(rows, models, data, args.out)
    print(f"wrote {args.out}")
    return rows


if __name__ == "__main__":
    main()
