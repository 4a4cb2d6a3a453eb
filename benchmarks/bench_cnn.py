"""CNN workloads (issue 12), autograd_lite against PyTorch, rounds interleaved in one process,
float32, 1 thread by default (Numba, BLAS and PyTorch pools pinned):

- W-lenet: one LeNet-5 training step, batch 64 of 1x28x28: conv 6@5x5 (pad 2), ReLU, max-pool 2,
  conv 16@5x5, ReLU, max-pool 2, Linear 400-120-84-10, cross-entropy, SGD(0.01, momentum 0.9)
  (zero_grad, forward, backward, step); both start from the same weights.
- W-conv: F.conv2d forward + backward (input, weight and bias gradients) at batch 64,
  32 -> 64 channels, 3x3, padding 1, 28x28: the op level, through the autograd Functions.
- W-lenet peak RSS: a fresh child process per library that builds LeNet and runs 20 steps;
  its VmHWM (what resource.getrusage's ru_maxrss reports, without the parent's peak that
  ru_maxrss carries across fork + exec).

    python benchmarks/bench_cnn.py             # table of medians (min-max)
    python benchmarks/bench_cnn.py --quick     # fewer rounds
    python benchmarks/bench_cnn.py --profile   # cProfile of 30 LeNet steps (autograd_lite)
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
from _harness import environment, fix_threads, interleaved, markdown_table, summarize  # noqa: E402


def _torch():
    try:
        import torch
        return torch
    except ImportError:
        return None


def lenet(nn):
    """LeNet-5 (LeCun et al. 1998) from ``nn`` (autograd_lite's or PyTorch's: same names). The
    first conv pads by 2 so that 28x28 inputs reach 16x5x5 = 400 features, as the original's
    32x32 inputs do (28 -> 28 -> 14 -> 10 -> 5)."""
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
                         nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def lenet_cases(batch=64, seed=0, libs=("autograd_lite", "torch")):
    """{lib: one training step} on the same data, from the same initial weights when both
    libraries run (a single-library case imports only that library, for the RSS children)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, batch)
    cases, weights = {}, None
    if "autograd_lite" in libs:
        import autograd_lite as al
        al.manual_seed(seed)
        model = lenet(al.nn)
        weights = {k: v._data.copy() for k, v in model.state_dict().items()}
        opt = al.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        xa, ya = al.tensor(x), al.tensor(y)
        F = al.nn.functional

        def al_step():
            opt.zero_grad()
            F.cross_entropy(model(xa), ya).backward()
            opt.step()
        cases["autograd_lite"] = al_step
    torch = _torch() if "torch" in libs else None
    if torch is not None:
        tm = lenet(torch.nn)
        if weights is not None:
            tm.load_state_dict({k: torch.tensor(v) for k, v in weights.items()})
        topt = torch.optim.SGD(tm.parameters(), lr=0.01, momentum=0.9)
        xt, yt = torch.tensor(x), torch.tensor(y)

        def torch_step():
            topt.zero_grad()
            torch.nn.functional.cross_entropy(tm(xt), yt).backward()
            topt.step()
        cases["torch"] = torch_step
    return cases


def conv_cases(n=64, c=32, o=64, hw=28, seed=0):
    import autograd_lite as al
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, hw, hw)).astype(np.float32)
    w = (rng.standard_normal((o, c, 3, 3)) * 0.1).astype(np.float32)
    b = rng.standard_normal(o).astype(np.float32)
    g = rng.standard_normal((n, o, hw, hw)).astype(np.float32)
    xa, wa, ba = (al.tensor(a, requires_grad=True) for a in (x, w, b))
    ga = al.tensor(g)

    def al_step():
        xa.grad = wa.grad = ba.grad = None
        al.nn.functional.conv2d(xa, wa, ba, padding=1).backward(ga)
    cases = {"autograd_lite": al_step}
    torch = _torch()
    if torch is not None:
        xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
        gt = torch.tensor(g)

        def torch_step():
            xt.grad = wt.grad = bt.grad = None
            torch.nn.functional.conv2d(xt, wt, bt, padding=1).backward(gt)
        cases["torch"] = torch_step
    return cases


def child_rss(lib, threads, steps=20):
    """Run in a fresh process: build LeNet, ``steps`` steps, print the peak RSS (MiB)."""
    if lib == "autograd_lite":
        import autograd_lite as al
        al.set_num_threads(threads)
    else:
        import torch
        torch.set_num_threads(threads)
    step = lenet_cases(libs=(lib,))[lib]
    for _ in range(steps):
        step()
    peak = None
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024.0
    if peak is None:
        import resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"peak_rss_mib": peak}))


def _child(lib, threads):
    cmd = [sys.executable, os.path.abspath(__file__), "--child-rss", lib, "--threads",
           str(threads)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])["peak_rss_mib"]


def profile(steps=30):
    import cProfile
    import pstats
    step = lenet_cases(libs=("autograd_lite",))["autograd_lite"]
    for _ in range(5):
        step()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(steps):
        step()
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(18)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--child-rss", default=None)
    args = ap.parse_args(argv)
    if args.child_rss:
        child_rss(args.child_rss, args.threads)
        return
    fix_threads(args.threads)
    if args.profile:
        profile()
        return
    repeats = 7 if args.quick else 21
    rows, results = [], {}
    for name, cases, inner in (("W-lenet step", lenet_cases(), 5), ("W-conv fwd+bwd",
                                                                     conv_cases(), 1)):
        for fn in cases.values():  # warm up (numba compile, allocator)
            fn()
            fn()
        s = summarize(interleaved(cases, repeats, inner))
        results[name] = s
        ours, theirs = s["autograd_lite"], s.get("torch")

        def ms(v):
            return f"{v['median'] * 1e3:.2f} ({v['min'] * 1e3:.2f}-{v['max'] * 1e3:.2f})"
        rows.append([name, ms(ours), ms(theirs) if theirs else "-",
                     f"{ours['median'] / theirs['median']:.2f}x" if theirs else "-"])
    libs = ["autograd_lite"] + (["torch"] if _torch() is not None else [])
    rss = {lib: _child(lib, args.threads) for lib in libs}
    results["W-lenet peak RSS MiB"] = rss
    rows.append(["W-lenet peak RSS (MiB)", f"{rss['autograd_lite']:.0f}",
                 f"{rss['torch']:.0f}" if "torch" in rss else "-",
                 f"{rss['autograd_lite'] / rss['torch']:.2f}x" if "torch" in rss else "-"])
    print(f"threads={args.threads}, rounds={repeats}, float32; ms per call, median (min-max)")
    print(markdown_table(["workload", "autograd_lite", "PyTorch", "ours / PyTorch"], rows))
    out = os.path.join(HERE, "results")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "bench_cnn.json"), "w") as f:
        json.dump({"env": environment(), "threads": args.threads, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
