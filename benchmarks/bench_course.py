"""The course's three classic experiments: autograd_lite eager, compiled, and PyTorch, one process.

Each experiment is run three ways, rounds interleaved across the three (``_harness.interleaved``),
1 thread (Numba, BLAS and PyTorch pools pinned): autograd_lite eager, autograd_lite with every
training step compiled (``al.compile``, through ``make_step(..., compiled=True)`` /
``fit(..., compile=True)``), and the same loop written with torch.nn / torch.optim. The
iteration and epoch counts are the examples' defaults times ``--scale``:

- init: ``examples/init_circles.py``, the He setting: 2-10-5-1 (ReLU, ReLU, one logit), 300
  circles points, full-batch gradient descent lr 0.01, 15,000 iterations (the example's own
  ``train_one`` is the eager case).
- regularization: ``examples/regularization.py``: 2-64-64-1 ReLU, He init, 150 noisy moons,
  full-batch Adam lr 0.01 (the loader's shuffle of the full batch included), 2,000 steps, three
  settings: none, L2 λ = 0.7 (the course's (λ/2m)·Σ‖W‖² over the weight matrices, added to the
  cost) and dropout p = 0.5 on both hidden layers (the example's ``run`` is the eager and
  compiled case).
- optimizers: ``examples/optimizers_moons.py``: 2-5-2-1 ReLU, He init, 300 moons, mini-batches
  of 64 reshuffled every epoch, lr 0.0007, 5,000 epochs, three optimizers: gd, momentum (the
  course's form, β = 0.9: v = βv + (1−β)dW from v = 0) and Adam (0.9, 0.999, 1e-8) (the
  example's ``run`` is the eager and compiled case).

One call of a case is the whole experiment at that scale: data, model per setting, training
with a cost read back per step (as the examples do), then the train and dev/test loss and
accuracy. The PyTorch loop is the examples' loop written for PyTorch: the same data, the same
initial parameters (copied from the autograd_lite model built under the example's seed), the
same mini-batch order (``np.random.default_rng([seed, epoch]).permutation``, as
``al.data.DataLoader`` draws it), the same loss (binary cross-entropy with logits on one output,
as ``autograd_lite.train.loss_fn``), optimizer settings and L2 term; PyTorch's SGD starts its
momentum buffer at the first gradient, so the buffers are set to zero first (the course's
v₀ = 0, as autograd_lite's ``dampening=momentum`` form). PyTorch's ``binary_cross_entropy``
on a sigmoid output would add two ops per step; the with-logits form is the equivalent of what
autograd_lite runs.

Checks, before the timing: the costs of the first few steps (epochs) of eager autograd_lite and
PyTorch agree to 1e-4 relative for every setting without dropout (with dropout the masks come
from each library's own generator, so the runs differ from the first step and are not
compared). After the timing: eager and compiled final costs must be identical bit for bit
(al.compile replays the same kernels in the same order).

Prints a markdown table (medians, min–max over the rounds; ratios of medians; the total row
sums the three experiments' medians; target: compiled ≤ 0.4× PyTorch) and writes JSON under
benchmarks/results/ (git-ignored). Exit status 1 if compiled and eager disagree.

    python benchmarks/bench_course.py             # full run (scale 0.2, 5 rounds: ~2 min)
    python benchmarks/bench_course.py --quick     # scale 0.05, 3 rounds (~25 s)
    python benchmarks/bench_course.py --scale 1 --rounds 1   # the examples' own counts
"""
import argparse
import gc
import inspect
import math
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(os.path.dirname(HERE), "examples")
for _p in (HERE, EXAMPLES):
    if _p not in sys.path:
        sys.path.insert(0, _p)
from _harness import (environment, fix_threads, interleaved, markdown_table, summarize,  # noqa: E402
                      write_results)

import init_circles  # noqa: E402
import optimizers_moons  # noqa: E402
import regularization  # noqa: E402

TARGET = 0.4          # compiled / PyTorch at 1 thread
CHECK_STEPS = 4       # steps (epochs) compared between eager autograd_lite and PyTorch
CHECK_RTOL = 1e-4
LIBS = ("eager", "compiled", "torch")


def _torch():
    try:
        import torch
        return torch
    except ImportError:
        return None


def _defaults(fn):
    """The keyword defaults of one of the examples' functions (its hyperparameters)."""
    return {k: p.default for k, p in inspect.signature(fn).parameters.items()
            if p.default is not inspect.Parameter.empty}


INIT = _defaults(init_circles.run)           # iterations, seed, data_seed, lr
REG = _defaults(regularization.run)          # iterations, seed, data_seed, hidden, lr, settings
OPT = _defaults(optimizers_moons.run)        # epochs, lr, batch_size, seed, data_seed, optimizers
INIT_HIDDEN = (10, 5)   # init_circles.train_one's network
OPT_HIDDEN = (5, 2)     # optimizers_moons.run's network
INIT_SCHEME = ("He", "he")
INIT_RECORD_EVERY = _defaults(init_circles.train_one)["record_every"]


# ---- autograd_lite -------------------------------------------------------------------------------
def _al_result(model, data, label, cost):
    from autograd_lite.train import evaluate
    X, y, Xd, yd = data
    train_loss, train_acc = evaluate(model, X, y)
    dev_loss, dev_acc = evaluate(model, Xd, yd)
    return {"setting": label, "final cost": cost, "train acc": train_acc, "dev acc": dev_acc}


def _init_model():
    import autograd_lite as al
    from autograd_lite.train import build_mlp
    al.manual_seed(INIT["seed"])
    return build_mlp(2, INIT_HIDDEN, 2, activation="relu", init=INIT_SCHEME[1])


def _train_one_compiled(X, y, iterations, lr, record_every=INIT_RECORD_EVERY):
    """``init_circles.train_one`` with the step compiled (``make_step(compiled=True)`` runs
    the same forward, cost, zero_grad, backward, step)."""
    import autograd_lite as al
    from autograd_lite.train.loop import make_step
    model = _init_model()
    optimizer = al.optim.SGD(model.parameters(), lr=lr)
    step = make_step(model, optimizer, compiled=True)
    xt, yt = al.tensor(X), al.tensor(y)
    costs = []
    for i in range(iterations):
        cost = step(xt, yt)
        if i % record_every == 0 or i == iterations - 1:
            costs.append((i, float(cost.item())))
    return model, costs


def al_init(count, compiled):
    data = init_circles.circles(INIT["data_seed"])
    X, y = data[0], data[1]
    if compiled:
        model, costs = _train_one_compiled(X, y, count, INIT["lr"])
    else:
        model, costs = init_circles.train_one(INIT_SCHEME[1], X, y, count, lr=INIT["lr"],
                                              seed=INIT["seed"])
    return [_al_result(model, data, INIT_SCHEME[0], costs[-1][1])]


def al_regularization(count, compiled, settings=None):
    rows, _, _ = regularization.run(count, compile=compiled,
                                    settings=settings or REG["settings"])
    return [{"setting": r["regularisation"], "final cost": r["final cost"],
             "train acc": r["train acc"], "dev acc": r["dev acc"]} for r in rows]


def al_optimizers(count, compiled, optimizers=None):
    rows, _, _ = optimizers_moons.run(count, compile=compiled,
                                      optimizers=optimizers or OPT["optimizers"])
    return [{"setting": r["optimizer"], "final cost": r["final cost"],
             "train acc": r["train acc"], "dev acc": r["dev acc"]} for r in rows]


def _state(model):
    return {k: np.array(v.numpy(), copy=True) for k, v in model.state_dict().items()}


def _spec(model):
    """The layers of an autograd_lite ``Sequential`` as (kind, args) for the PyTorch twin."""
    spec = []
    for layer in model:
        kind = type(layer).__name__
        if kind == "Linear":
            spec.append((kind, (layer.in_features, layer.out_features, layer.bias is not None)))
        elif kind == "Dropout":
            spec.append((kind, (layer.p,)))
        elif kind in ("ReLU", "Tanh", "Sigmoid"):
            spec.append((kind, ()))
        else:
            raise ValueError(f"no PyTorch twin for {kind}")
    return spec


def initial_models():
    """{experiment: {setting: (layer spec, initial state)}}: the models the examples build,
    under their seeds, before any training (the PyTorch runs start from these)."""
    import autograd_lite as al
    from autograd_lite.train import build_mlp
    out = {"init": {}, "regularization": {}, "optimizers": {}}
    model = _init_model()
    out["init"][INIT_SCHEME[0]] = (_spec(model), _state(model))
    for label, _l2, p in REG["settings"]:
        al.manual_seed(REG["seed"])
        model = build_mlp(2, REG["hidden"], 2, activation="relu", init="he", dropout=p)
        out["regularization"][label] = (_spec(model), _state(model))
    for name in OPT["optimizers"]:
        al.manual_seed(OPT["seed"])
        model = build_mlp(2, OPT_HIDDEN, 2, activation="relu", init="he")
        out["optimizers"][name] = (_spec(model), _state(model))
    return out


# ---- PyTorch -------------------------------------------------------------------------------------
def torch_model(spec, state):
    torch = _torch()
    nn = torch.nn
    make = {"Linear": lambda i, o, b: nn.Linear(i, o, bias=b), "Dropout": nn.Dropout,
            "ReLU": nn.ReLU, "Tanh": nn.Tanh, "Sigmoid": nn.Sigmoid}
    model = nn.Sequential(*[make[kind](*args) for kind, args in spec])
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in state.items()})
    return model


def _torch_loss(logits, target):
    """``autograd_lite.train.loss_fn`` for one logit: BCE with logits, int labels cast."""
    torch = _torch()
    return torch.nn.functional.binary_cross_entropy_with_logits(logits.reshape(-1),
                                                               target.float())


def _torch_l2(weights, lambd, m):
    """``autograd_lite.nn.utils.l2_penalty``: (λ/2m)·Σ‖W‖², summed in the same order."""
    total = None
    for w in weights:
        term = (w * w).sum()
        total = term if total is None else total + term
    return total * (float(lambd) / (2.0 * float(m)))


def _torch_evaluate(model, X, y):
    """``autograd_lite.train.evaluate``: eval mode, no grad, (loss, accuracy)."""
    torch = _torch()
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(X))
        loss = float(_torch_loss(logits, torch.from_numpy(y)).item())
        acc = float(((logits[:, 0] > 0).numpy().astype(np.int64) == y).mean())
    model.train()
    return loss, acc


def _torch_result(model, data, label, cost):
    X, y, Xd, yd = data
    _, train_acc = _torch_evaluate(model, X, y)
    _, dev_acc = _torch_evaluate(model, Xd, yd)
    return {"setting": label, "final cost": cost, "train acc": train_acc, "dev acc": dev_acc}


def _zero_momentum(torch, optimizer):
    """The course's momentum starts from v = 0; PyTorch's SGD starts its buffer at the first
    gradient unless one is there already."""
    for group in optimizer.param_groups:
        for p in group["params"]:
            optimizer.state[p]["momentum_buffer"] = torch.zeros_like(p)


def torch_fit(model, X, y, optimizer, epochs, batch_size, l2, seed):
    """``autograd_lite.train.loop.fit`` for PyTorch: the DataLoader's per-epoch order
    (``default_rng([seed, epoch])``), fancy-indexed batches, the cost (+ L2) read back per
    step, mean cost per epoch; stops once a cost is not finite."""
    torch = _torch()
    n = len(y)
    size = n if batch_size == 0 else min(batch_size, n)
    tX, ty = torch.from_numpy(X), torch.from_numpy(y)
    weights = [p for p in model.parameters() if p.ndim >= 2]
    costs = []
    for epoch in range(epochs):
        model.train()
        order = torch.from_numpy(np.random.default_rng([seed, epoch]).permutation(n))
        total = 0.0
        for b in range(math.ceil(n / size)):
            idx = order[b * size:(b + 1) * size]
            xb, yb = tX[idx], ty[idx]
            cost = _torch_loss(model(xb), yb)
            if l2:
                cost = cost + _torch_l2(weights, l2, n)
            optimizer.zero_grad()
            cost.backward()
            optimizer.step()
            total += float(cost.item()) * yb.shape[0]
        cost = total / n
        costs.append(cost)
        if not math.isfinite(cost):
            break
    return costs


def torch_init(count, models):
    torch = _torch()
    data = init_circles.circles(INIT["data_seed"])
    X, y = data[0], data[1]
    label = INIT_SCHEME[0]
    model = torch_model(*models["init"][label])
    optimizer = torch.optim.SGD(model.parameters(), lr=INIT["lr"])
    xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    costs = []
    for i in range(count):            # init_circles.train_one
        cost = _torch_loss(model(xt), yt)
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
        if i % INIT_RECORD_EVERY == 0 or i == count - 1:
            costs.append((i, float(cost.item())))
    return [_torch_result(model, data, label, costs[-1][1])]


def torch_regularization(count, models, settings=None):
    torch = _torch()
    data = regularization.noisy_moons(REG["data_seed"])
    rows = []
    for label, l2, _p in settings or REG["settings"]:
        torch.manual_seed(REG["seed"])
        model = torch_model(*models["regularization"][label])
        optimizer = torch.optim.Adam(model.parameters(), lr=REG["lr"])
        costs = torch_fit(model, data[0], data[1], optimizer, count, 0, l2, REG["seed"])
        rows.append(_torch_result(model, data, label, costs[-1]))
    return rows


def torch_optimizers(count, models, optimizers=None):
    torch = _torch()
    data = optimizers_moons.moons(OPT["data_seed"])
    lr, beta = OPT["lr"], _defaults(optimizers_moons.make_optimizer)["beta"]
    rows = []
    for name in optimizers or OPT["optimizers"]:
        torch.manual_seed(OPT["seed"])
        model = torch_model(*models["optimizers"][name])
        params = list(model.parameters())
        if name == "gd":
            optimizer = torch.optim.SGD(params, lr=lr)
        elif name == "momentum":
            optimizer = torch.optim.SGD(params, lr=lr, momentum=beta, dampening=beta)
            _zero_momentum(torch, optimizer)
        elif name == "adam":
            optimizer = torch.optim.Adam(params, lr=lr, betas=(beta, 0.999), eps=1e-8)
        else:
            raise ValueError(name)
        costs = torch_fit(model, data[0], data[1], optimizer, count, OPT["batch_size"], 0.0,
                          OPT["seed"])
        rows.append(_torch_result(model, data, name, costs[-1]))
    return rows


# ---- the experiments -----------------------------------------------------------------------------
EXPERIMENTS = ("init", "regularization", "optimizers")
FULL_COUNTS = {"init": INIT["iterations"], "regularization": REG["iterations"],
               "optimizers": OPT["epochs"]}


def steps_per_count(name):
    """Training steps per iteration/epoch of one setting."""
    if name == "optimizers":
        n = len(optimizers_moons.moons(OPT["data_seed"])[1])
        return math.ceil(n / OPT["batch_size"])
    return 1


def n_settings(name):
    return {"init": 1, "regularization": len(REG["settings"]),
            "optimizers": len(OPT["optimizers"])}[name]


def cases(name, count, models, with_torch):
    """{library: () -> rows} for one experiment at ``count`` iterations/epochs."""
    al_fn = {"init": al_init, "regularization": al_regularization,
             "optimizers": al_optimizers}[name]
    out = {"eager": lambda: al_fn(count, False), "compiled": lambda: al_fn(count, True)}
    if with_torch:
        t_fn = {"init": torch_init, "regularization": torch_regularization,
                "optimizers": torch_optimizers}[name]
        out["torch"] = lambda: t_fn(count, models)
    return out


def check_against_torch(models, log, steps=CHECK_STEPS, rtol=CHECK_RTOL):
    """Eager autograd_lite and PyTorch costs after 1..``steps`` iterations/epochs, for every
    setting without dropout; raises AssertionError on a relative difference over ``rtol``.
    Returns {experiment: {setting: max relative difference}}."""
    plan = {
        "init": [(INIT_SCHEME[0], lambda k: al_init(k, False), lambda k: torch_init(k, models))],
        "regularization": [
            (s[0], lambda k, s=s: al_regularization(k, False, [s]),
             lambda k, s=s: torch_regularization(k, models, [s]))
            for s in REG["settings"] if s[2] == 0],
        "optimizers": [
            (o, lambda k, o=o: al_optimizers(k, False, [o]),
             lambda k, o=o: torch_optimizers(k, models, [o]))
            for o in OPT["optimizers"]],
    }
    report = {}
    for name, settings in plan.items():
        report[name] = {}
        for label, al_run, t_run in settings:
            a = [al_run(k)[0]["final cost"] for k in range(1, steps + 1)]
            t = [t_run(k)[0]["final cost"] for k in range(1, steps + 1)]
            rel = max(abs(x - z) / max(abs(z), 1e-12) for x, z in zip(a, t))
            report[name][label] = rel
            if rel > rtol:
                raise AssertionError(
                    f"{name}/{label}: autograd_lite and PyTorch costs differ over the first "
                    f"{steps} steps by {rel:.2e} relative (> {rtol:g}): al {a}, torch {t}")
        log(f"  check {name}: " + ", ".join(f"{k} {v:.1e}" for k, v in report[name].items())
            + " (relative, eager vs PyTorch)")
    return report


def run(scale, rounds, with_torch, log, warmup_count=2):
    models = initial_models() if with_torch else None
    check = check_against_torch(models, log) if with_torch else None
    counts = {name: max(1, round(FULL_COUNTS[name] * scale)) for name in EXPERIMENTS}
    stats, finals = {}, {}
    for name in EXPERIMENTS:
        interleaved(cases(name, min(warmup_count, counts[name]), models, with_torch), 1, 1)
        last = {}

        def keep(lib, fn):
            def call():
                last[lib] = fn()
            return call
        timed = {lib: keep(lib, fn) for lib, fn in
                 cases(name, counts[name], models, with_torch).items()}
        gc.collect()
        times = interleaved(timed, rounds, 1)
        s = summarize(times)
        for lib, t in times.items():
            s[lib]["rounds"] = len(t)
            s[lib]["seconds"] = t
        stats[name], finals[name] = s, last
        log(f"  {name} ({counts[name]} x {n_settings(name)}): " + ", ".join(
            f"{lib} {v['median']:.3f} s" for lib, v in s.items()))
    return counts, stats, finals, check


def bit_identical(finals):
    """{experiment: eager's final costs == compiled's, bit for bit}."""
    return {name: [r["final cost"] for r in f["eager"]] == [r["final cost"] for r in f["compiled"]]
            for name, f in finals.items()}


def _fmt(s):
    return f"{s['median']:.3g} s ({s['min']:.3g}–{s['max']:.3g})"


def _ratio(a, b):
    return f"{a / b:.2f}×" if a is not None and b else "-"


def table(counts, stats, identical, with_torch):
    rows = []
    totals = {lib: 0.0 for lib in LIBS}
    for name in EXPERIMENTS:
        s = stats[name]
        med = {lib: s[lib]["median"] if lib in s else None for lib in LIBS}
        for lib in LIBS:
            totals[lib] += med[lib] or 0.0
        per = counts[name] * steps_per_count(name)
        steps = f"{n_settings(name)} × {per:,}"
        rows.append(_row(name, steps, {lib: _fmt(s[lib]) if lib in s else "-" for lib in LIBS},
                         med, "yes" if identical[name] else "NO"))
    total_steps = sum(n_settings(n) * counts[n] * steps_per_count(n) for n in EXPERIMENTS)
    med = {lib: totals[lib] if (lib != "torch" or with_torch) else None for lib in LIBS}
    rows.append(_row("total", f"{total_steps:,}",
                     {lib: f"{v:.3g} s" if v is not None else "-" for lib, v in med.items()},
                     med, "yes" if all(identical.values()) else "NO"))
    return markdown_table(["experiment", "settings × steps", "eager", "compiled", "PyTorch",
                           "eager / torch", "compiled / torch", "target", "verdict",
                           "compiled ≡ eager"], rows)


def _row(name, steps, text, med, identical):
    ratio = med["compiled"] / med["torch"] if med["torch"] else None
    verdict = "n/a (no torch run)" if ratio is None else "met" if ratio <= TARGET else "missed"
    return (name, steps, text["eager"], text["compiled"], text["torch"],
            _ratio(med["eager"], med["torch"]), _ratio(med["compiled"], med["torch"]),
            f"compiled ≤ {TARGET}× torch", verdict, identical)


CONFIGS = {
    "full": dict(scale=0.2, rounds=5),
    "quick": dict(scale=0.05, rounds=3),
    # for the test suite: a few steps, one round (a smoke test of the whole pipeline)
    "smoke": dict(scale=0.001, rounds=1),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller scale, fewer rounds")
    parser.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=None,
                        help="fraction of the examples' iteration/epoch counts "
                             "(default 0.2; --quick 0.05)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="interleaved rounds (default 5; --quick 3)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", help="write the results here (default: "
                                       "benchmarks/results/bench_course-<time>.json)")
    parser.add_argument("--no-json", action="store_true")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    args = parser.parse_args(argv)
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    cfg = dict(CONFIGS[mode])
    if args.scale is not None:
        if not args.scale > 0:
            parser.error("--scale must be positive")
        cfg["scale"] = args.scale
    if args.rounds is not None:
        if args.rounds < 1:
            parser.error("--rounds must be at least 1")
        cfg["rounds"] = args.rounds
    with_torch = not args.no_torch and _torch() is not None
    started = time.perf_counter()

    def log(msg):
        print(f"[{time.perf_counter() - started:6.1f} s]{msg}", file=sys.stderr, flush=True)

    fix_threads(args.threads)
    counts, stats, finals, check = run(cfg["scale"], cfg["rounds"], with_torch, log)
    identical = bit_identical(finals)
    text = table(counts, stats, identical, with_torch)
    env = environment()
    env.update(threads=args.threads, mode=mode, scale=cfg["scale"], rounds=cfg["rounds"])
    print(f"bench_course ({mode}, scale {cfg['scale']:g}, {cfg['rounds']} rounds, "
          f"{args.threads} thread(s)): wall time of each whole experiment, medians (min–max) "
          f"over interleaved rounds")
    print(text)
    print("final cost / train acc / dev (test) acc of the last round:")
    for name in EXPERIMENTS:
        for lib, rows in finals[name].items():
            print(f"  {name} ({counts[name]} of {FULL_COUNTS[name]}) {lib}: " + "; ".join(
                f"{r['setting']} {r['final cost']:.4f} / {r['train acc']:.1%} / "
                f"{r['dev acc']:.1%}" for r in rows))
    if check is not None:
        worst = max(v for d in check.values() for v in d.values())
        print(f"eager vs PyTorch, first {CHECK_STEPS} steps (no dropout): max relative "
              f"difference {worst:.1e} (≤ {CHECK_RTOL:g})")
    print("environment:", ", ".join(f"{k}={v}" for k, v in env.items()))
    print(f"total {time.perf_counter() - started:.1f} s")
    if not args.no_json:
        write_results("bench_course", {"mode": mode, "counts": counts,
                                       "full_counts": FULL_COUNTS, "results": stats,
                                       "final": finals, "bit_identical": identical,
                                       "torch_check": check, "environment": env,
                                       "table": text}, args.json)
    return 0 if all(identical.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
