"""One optimizer step over 10M float32 parameters: SGD with momentum, RMSprop, Adam.

Compared in one interleaved run, 1 thread everywhere (Numba, BLAS, PyTorch):

- ``autograd_lite``: ``al.optim.X.step()`` on one parameter tensor (the fused one-pass Numba
  kernel from ``autograd_lite.kernels.optim_updates``, plus the optimizer's Python overhead);
- ``al numpy path``: the same optimizer with the kernels switched off (its fallback path:
  in-place numpy ufuncs, several passes);
- ``numpy by hand``: the course's update equations as a learner writes them in numpy;
- ``torch``: ``torch.optim.X`` with its CPU default (single-tensor loop) and ``fused=True``
  where PyTorch has a fused CPU kernel (SGD, Adam; not RMSprop).

Every case updates its own copy of the same data (float32, gradient fixed), medians of
``--repeats`` interleaved rounds. Prints a markdown table; ``--json`` writes the numbers under
benchmarks/results/ (git-ignored).

    python benchmarks/bench_optim.py [--n 10000000] [--repeats 11] [--json]
"""
import argparse
import gc
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import environment, fix_threads, interleaved, markdown_table, summarize  # noqa: E402

import autograd_lite as al  # noqa: E402
from autograd_lite import optim  # noqa: E402
from autograd_lite.optim import _functional  # noqa: E402

try:
    import torch
except ImportError:  # the torch columns are left empty
    torch = None

OPTIMIZERS = {
    "SGD momentum": ("SGD", dict(lr=0.01, momentum=0.9)),
    "RMSprop": ("RMSprop", dict(lr=0.01, alpha=0.99, eps=1e-8)),
    "Adam": ("Adam", dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8)),
}
COLUMNS = ["autograd_lite", "al numpy path", "numpy by hand", "torch", "torch fused"]


def numpy_by_hand(kind, p, g, hp):
    """The course's equations in plain numpy (state rebound each step, parameter in place)."""
    state = {"v": np.zeros_like(p), "s": np.zeros_like(p), "t": 0}
    if kind == "SGD momentum":
        beta, lr = hp["momentum"], hp["lr"]

        def step():
            state["v"] = beta * state["v"] + g
            p[...] -= lr * state["v"]
    elif kind == "RMSprop":
        beta, lr, eps = hp["alpha"], hp["lr"], hp["eps"]

        def step():
            state["s"] = beta * state["s"] + (1 - beta) * g ** 2
            p[...] -= lr * g / (np.sqrt(state["s"]) + eps)
    else:
        (b1, b2), lr, eps = hp["betas"], hp["lr"], hp["eps"]

        def step():
            state["t"] += 1
            t = state["t"]
            state["v"] = b1 * state["v"] + (1 - b1) * g
            state["s"] = b2 * state["s"] + (1 - b2) * g ** 2
            v_corrected = state["v"] / (1 - b1 ** t)
            s_corrected = state["s"] / (1 - b2 ** t)
            p[...] -= lr * v_corrected / (np.sqrt(s_corrected) + eps)
    return step


def make_cases(kind, n):
    cls_name, hp = OPTIMIZERS[kind]
    rng = np.random.default_rng(0)
    p0 = (0.1 * rng.standard_normal(n)).astype(np.float32)
    g = (1e-3 * rng.standard_normal(n)).astype(np.float32)
    cases = {}

    def al_case(kernels):
        w = al.tensor(p0, requires_grad=True)
        w.grad = al.tensor(g)
        opt = getattr(optim, cls_name)([w], **hp)

        def step():
            saved = _functional.use_kernels
            _functional.use_kernels = kernels
            try:
                opt.step()
            finally:
                _functional.use_kernels = saved
        return step

    cases["autograd_lite"] = al_case(True)
    cases["al numpy path"] = al_case(False)
    cases["numpy by hand"] = numpy_by_hand(kind, p0.copy(), g, hp)
    if torch is not None:
        def torch_case(**extra):
            w = torch.tensor(p0, requires_grad=True)
            w.grad = torch.from_numpy(g.copy())
            opt = getattr(torch.optim, cls_name)([w], **hp, **extra)

            def step():
                opt.step()
            return step

        cases["torch"] = torch_case()
        if cls_name in ("SGD", "Adam"):
            try:
                cases["torch fused"] = torch_case(fused=True)
            except (RuntimeError, TypeError, ValueError):
                pass
    return cases


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="parameters (float32)")
    parser.add_argument("--repeats", type=int, default=11, help="interleaved rounds")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps per case")
    parser.add_argument("--json", action="store_true",
                        help="write benchmarks/results/bench_optim.json")
    args = parser.parse_args(argv)
    fix_threads(1)
    if not _functional.kernels_available():
        print("note: kernels/optim_updates.py is missing; 'autograd_lite' is the numpy path")

    results = {}
    rows = []
    for kind in OPTIMIZERS:
        cases = make_cases(kind, args.n)
        for fn in cases.values():
            for _ in range(args.warmup):
                fn()
        stats = summarize(interleaved(cases, args.repeats, 1))
        results[kind] = stats
        del cases
        gc.collect()
        ms = {name: s["median"] * 1e3 for name, s in stats.items()}
        ours = ms["autograd_lite"]
        best_torch = min((ms[c] for c in ("torch", "torch fused") if c in ms), default=None)
        row = [kind] + [f"{ms[c]:.2f}" if c in ms else "n/a" for c in COLUMNS]
        row.append(f"{ms['numpy by hand'] / ours:.2f}x")
        row.append(f"{best_torch / ours:.2f}x" if best_torch is not None else "n/a")
        rows.append(row)

    print(f"One optimizer step, {args.n:,} float32 parameters, 1 thread, median of "
          f"{args.repeats} interleaved rounds (ms; speedup = other / autograd_lite)\n")
    headers = ["optimizer"] + [f"{c} (ms)" for c in COLUMNS] + \
        ["vs numpy by hand", "vs best torch"]
    print(markdown_table(headers, rows))
    if args.json:
        out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
        os.makedirs(out_dir, exist_ok=True)
        path = os.path.join(out_dir, "bench_optim.json")
        with open(path, "w") as f:
            json.dump({"benchmark": "optim_step", "n": args.n, "dtype": "float32",
                       "threads": 1, "repeats": args.repeats, "seconds": results,
                       "environment": environment()}, f, indent=2)
        print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
