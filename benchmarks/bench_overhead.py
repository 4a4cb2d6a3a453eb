"""Per-op overhead: forward + backward of ``a * b + c`` on 8-element float32 tensors.

At this size the arithmetic is nothing, so the time is the framework's own Python: what a tiny
model pays per op. Compared in one interleaved run, 1 thread, against the same computation
written by hand in numpy (forward and backward) and PyTorch when installed.

    python benchmarks/bench_overhead.py [--repeats 15] [--inner 2000]
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _harness import environment, fix_threads, interleaved, markdown_table, summarize  # noqa: E402

import autograd_lite as al  # noqa: E402


def make_cases():
    rng = np.random.default_rng(0)
    a_np, b_np, c_np = (rng.normal(size=8).astype(np.float32) for _ in range(3))
    a, b, c = (al.tensor(x, requires_grad=True) for x in (a_np, b_np, c_np))

    def autograd_lite_step():
        a.grad = b.grad = c.grad = None
        ((a * b + c).sum()).backward()

    def autograd_lite_forward_no_grad():
        with al.no_grad():
            a * b + c

    def numpy_by_hand():
        out = a_np * b_np + c_np
        out.sum()
        g = np.ones_like(out)
        return g * b_np, g * a_np, g

    cases = {"autograd_lite fwd+bwd": autograd_lite_step,
             "autograd_lite fwd (no_grad)": autograd_lite_forward_no_grad,
             "numpy by hand fwd+bwd": numpy_by_hand}
    try:
        import torch
        ta, tb, tc = (torch.tensor(x, requires_grad=True) for x in (a_np, b_np, c_np))

        def torch_step():
            ta.grad = tb.grad = tc.grad = None
            ((ta * tb + tc).sum()).backward()

        def torch_forward():
            with torch.no_grad():
                ta * tb + tc

        cases["torch fwd+bwd"] = torch_step
        cases["torch fwd (no_grad)"] = torch_forward
    except ImportError:
        pass
    return cases


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--inner", type=int, default=2000)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args(argv)
    fix_threads(1)
    cases = make_cases()
    interleaved(cases, 1, 200)  # warm-up
    stats = summarize(interleaved(cases, args.repeats, args.inner))
    base = stats["numpy by hand fwd+bwd"]["median"]
    torch_median = stats.get("torch fwd+bwd", {}).get("median")
    rows = []
    for name, s in stats.items():
        rows.append((name, f"{s['median'] * 1e6:.2f}", f"{s['min'] * 1e6:.2f}–{s['max'] * 1e6:.2f}",
                     f"{s['median'] / base:.1f}×",
                     f"{s['median'] / torch_median:.2f}×" if torch_median else "-"))
    print(f"per-op overhead, a*b+c on 8 float32 elements (3 ops + sum), 1 thread, "
          f"{args.repeats} rounds × {args.inner} calls, interleaved")
    print(markdown_table(["case", "median µs", "range µs", "vs numpy", "vs torch fwd+bwd"], rows))
    env = environment()
    print("environment:", ", ".join(f"{k}={v}" for k, v in env.items()))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"stats": stats, "environment": env}, f, indent=2)


if __name__ == "__main__":
    main()
