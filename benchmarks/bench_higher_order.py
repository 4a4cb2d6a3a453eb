"""Second order: a Hessian-vector product of the W-tiny loss with respect to all its parameters.

W-tiny is bench_e2e.py's tiny model (2-16-16-1, tanh/tanh/sigmoid, BCE on a batch of 64 moons,
305 parameters). One call computes H·v for a fixed v with ``al.autograd.functional.hvp`` and
with ``torch.autograd.functional.hvp`` (same weights, same batch), interleaved in one run at
1 thread; the values are checked to agree before timing. The issue's target: ours ≤ 0.5× torch.

    python benchmarks/bench_higher_order.py [--repeats 15] [--inner 50]
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import numpy_reference as ref  # noqa: E402
from _harness import environment, fix_threads, interleaved, markdown_table, summarize  # noqa: E402


def hvp_cases(seed=0):
    """{library: hvp()} for the W-tiny loss, plus the two results for the agreement check."""
    import autograd_lite as al
    from autograd_lite.datasets import make_moons
    rng = np.random.default_rng(seed)
    params, _ = ref.init_params(ref.TINY_SPEC, rng)
    weights = list(params.values())  # w1, b1, w2, b2, w3, b3 in layer order
    X, y = make_moons(64, noise=0.2, seed=seed)
    x, t = X.astype(np.float32), y.astype(np.float32).reshape(-1, 1)
    v = [rng.standard_normal(w.shape).astype(np.float32) for w in weights]
    F = al.nn.functional
    xa, ta = al.from_numpy(x), al.from_numpy(t)

    def al_loss(w1, b1, w2, b2, w3, b3):
        h = F.linear(xa, w1, b1).tanh()
        h = F.linear(h, w2, b2).tanh()
        return F.binary_cross_entropy(F.linear(h, w3, b3).sigmoid(), ta)

    al_inputs = tuple(al.from_numpy(w.copy()) for w in weights)
    al_v = tuple(al.from_numpy(a) for a in v)

    def al_hvp():
        return al.autograd.functional.hvp(al_loss, al_inputs, al_v)[1]

    cases = {"autograd_lite": al_hvp}
    results = {"autograd_lite": [r.numpy() for r in al_hvp()]}
    try:
        import torch
    except ImportError:
        return cases, results
    tF = torch.nn.functional
    xt, tt = torch.from_numpy(x), torch.from_numpy(t)

    def torch_loss(w1, b1, w2, b2, w3, b3):
        h = tF.linear(xt, w1, b1).tanh()
        h = tF.linear(h, w2, b2).tanh()
        return tF.binary_cross_entropy(tF.linear(h, w3, b3).sigmoid(), tt)

    t_inputs = tuple(torch.from_numpy(w.copy()) for w in weights)
    t_v = tuple(torch.from_numpy(a) for a in v)

    def torch_hvp():
        return torch.autograd.functional.hvp(torch_loss, t_inputs, t_v)[1]

    cases["torch"] = torch_hvp
    results["torch"] = [r.numpy() for r in torch_hvp()]
    return cases, results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--inner", type=int, default=50)
    args = parser.parse_args(argv)
    fix_threads(1)
    cases, results = hvp_cases()
    if "torch" in results:
        for ours, theirs in zip(results["autograd_lite"], results["torch"]):
            np.testing.assert_allclose(ours, theirs, rtol=2e-3, atol=1e-5)
    interleaved(cases, 1, 5)  # warm-up
    stats = summarize(interleaved(cases, args.repeats, args.inner))
    torch_median = stats.get("torch", {}).get("median")
    rows = [(name, f"{s['median'] * 1e3:.3f}", f"{s['min'] * 1e3:.3f}–{s['max'] * 1e3:.3f}",
             f"{s['median'] / torch_median:.2f}×" if torch_median else "n/a (torch not installed)")
            for name, s in stats.items()]
    print("Hessian-vector product of the W-tiny loss (305 parameters), 1 thread, "
          f"{args.repeats} interleaved rounds of {args.inner}; {environment()}")
    print(markdown_table(["", "median ms", "range ms", "vs torch"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
