"""End-to-end workloads: autograd_lite against hand-written numpy and PyTorch, one process run.

Workloads (issue 7), each timed for autograd_lite, the same model written by hand in numpy
(``numpy_reference.py``) and PyTorch when installed, rounds interleaved across the three, at
1 thread and at 2 threads (Numba, BLAS and PyTorch pools all pinned):

- W-mlp: 784-1024-1024-10, BatchNorm1d + ReLU + Dropout(0.2), cross-entropy, Adam(1e-3,
  weight_decay=1e-4), batch 256: one full training step (zero_grad, forward, backward, step).
- W-tiny: 2-16-16-1 tanh/tanh/sigmoid + BCE, SGD momentum 0.9, a batch of 64 moons: one step.
- W-digits: 64-128-64-10 BN + ReLU + Dropout(0.1), Adam, batch 64: one epoch of the 1,347
  training digits; plus test accuracy after 40 epochs, mean over 5 seeds (autograd_lite).
- W-gradcheck: f = sum(tanh(x@W1)@W2), x 8×16, W1 16×32, W2 32×4, float64, every element of
  every input (``al.gradcheck`` / ``torch.autograd.gradcheck`` / central differences by hand).
- W-cold: a fresh process that imports the library, builds W-mlp and runs one step (numba's
  cache warm); wall time of the whole process.
- W-mem: the peak RSS of that W-cold process, and the RSS growth over 2,000 W-tiny steps
  after step 200 (separate process).

Prints a markdown table (medians, min–max over the rounds) and writes JSON under
benchmarks/results/ (git-ignored).

    python benchmarks/bench_e2e.py            # full run
    python benchmarks/bench_e2e.py --quick    # fewer rounds (< 90 s)
    autograd-lite bench [--quick]             # the same, from the command line
"""
import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
from _harness import (environment, fix_threads, interleaved, markdown_table, summarize,  # noqa: E402
                      write_results)
import numpy_reference as ref  # noqa: E402

#: targets: autograd_lite / PyTorch at 1 thread
TARGETS = {"W-mlp": 0.85, "W-tiny": 0.4, "W-digits": 0.5, "W-gradcheck": 0.25, "W-cold": 0.4,
           "W-mem peak": 0.6}
GROWTH_LIMIT_MB = 5.0
LIBS = ("autograd_lite", "numpy by hand", "torch", "compiled")


def _torch():
    try:
        import torch
        return torch
    except ImportError:
        return None


# ---- model builders ---------------------------------------------------------------------------
def _layers(nn, spec):
    """The modules of ``spec`` from ``nn`` (autograd_lite's or PyTorch's: same names, same
    constructor arguments)."""
    make = {"linear": nn.Linear, "bn": nn.BatchNorm1d,
            "relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "dropout": nn.Dropout}
    return [make[layer[0]](*layer[1:]) for layer in spec]


def al_model(spec, params, buffers):
    """An ``al.nn.Sequential`` of ``spec`` holding copies of ``params``/``buffers``."""
    import autograd_lite as al
    model = al.nn.Sequential(*_layers(al.nn, spec))
    dtype = next(iter(params.values())).dtype
    model.to(dtype)
    model.load_state_dict({**params, **buffers}, strict=False)
    return model


def torch_model(spec, params, buffers):
    torch = _torch()
    nn = torch.nn
    model = nn.Sequential(*_layers(nn, spec))
    dtype = next(iter(params.values())).dtype
    model.to(torch.float64 if dtype == np.float64 else torch.float32)
    model.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in
                           {**params, **buffers}.items()}, strict=False)
    return model


def _copy(d):
    return {k: v.copy() for k, v in d.items()}


# ---- W-mlp / W-tiny: one training step ----------------------------------------------------------
def step_cases(spec, batch, n_in, n_classes, loss, make_opt, seed=0):
    """{library: step()} for one training step of ``spec`` on a fixed batch."""
    rng = np.random.default_rng(seed)
    params, buffers = ref.init_params(spec, rng)
    if loss == "bce":
        from autograd_lite.datasets import make_moons
        X, y = make_moons(batch, noise=0.2, seed=seed)
        x = X.astype(np.float32)
        y_float = y.astype(np.float32).reshape(-1, 1)
    else:
        x = rng.standard_normal((batch, n_in)).astype(np.float32)
        y = rng.integers(0, n_classes, batch)
    cases = {}

    import autograd_lite as al
    model = al_model(spec, _copy(params), _copy(buffers))
    opt = make_opt["al"](list(model.parameters()))
    xt = al.from_numpy(x)
    F = al.nn.functional
    if loss == "bce":
        yt = al.from_numpy(y_float)

        def al_step():
            opt.zero_grad()
            out = F.binary_cross_entropy(model(xt), yt)
            out.backward()
            opt.step()
    else:
        yt = al.from_numpy(y.astype(np.int64))

        def al_step():
            opt.zero_grad()
            out = F.cross_entropy(model(xt), yt)
            out.backward()
            opt.step()
    cases["autograd_lite"] = al_step
    if hasattr(al, "compile"):  # bench_versions.py times trees from before al.compile too
        cases["compiled"] = _compiled_step(spec, params, buffers, make_opt, xt, yt,
                                           F.binary_cross_entropy if loss == "bce"
                                           else F.cross_entropy)

    np_model = ref.NumpyMLP(spec, _copy(params), _copy(buffers),
                            loss="bce" if loss == "bce" else "cross_entropy",
                            rng=np.random.default_rng(seed))
    np_opt = make_opt["numpy"](np_model.params)
    y_np = y_float if loss == "bce" else y

    def numpy_step():
        _, grads = np_model.loss_and_grads(x, y_np)
        np_opt.step(grads)
    cases["numpy by hand"] = numpy_step

    torch = _torch()
    if torch is not None:
        tmodel = torch_model(spec, _copy(params), _copy(buffers))
        topt = make_opt["torch"](tmodel.parameters())
        tx = torch.from_numpy(x)
        if loss == "bce":
            ty = torch.from_numpy(y_float)
            tloss = torch.nn.functional.binary_cross_entropy
        else:
            ty = torch.from_numpy(y.astype(np.int64))
            tloss = torch.nn.functional.cross_entropy

        def torch_step():
            topt.zero_grad()
            out = tloss(tmodel(tx), ty)
            out.backward()
            topt.step()
        cases["torch"] = torch_step
    return cases


def _compiled_step(spec, params, buffers, make_opt, xt, yt, loss_fn):
    """The same step on a model of its own, through al.compile (issue 15's "compiled" rows)."""
    import autograd_lite as al
    model = al_model(spec, _copy(params), _copy(buffers))
    opt = make_opt["al"](list(model.parameters()))

    @al.compile
    def step(x, y):
        opt.zero_grad()
        out = loss_fn(model(x), y)
        out.backward()
        opt.step()
        return out
    return lambda: step(xt, yt)


def mlp_optimizers(lr=1e-3, wd=1e-4):
    import autograd_lite as al
    torch = _torch()
    return {"al": lambda ps: al.optim.Adam(ps, lr=lr, weight_decay=wd),
            "numpy": lambda ps: ref.NumpyAdam(ps, lr=lr, weight_decay=wd),
            "torch": (lambda ps: torch.optim.Adam(ps, lr=lr, weight_decay=wd)) if torch else None}


def tiny_optimizers(lr=0.1, momentum=0.9):
    import autograd_lite as al
    torch = _torch()
    return {"al": lambda ps: al.optim.SGD(ps, lr=lr, momentum=momentum),
            "numpy": lambda ps: ref.NumpySGD(ps, lr=lr, momentum=momentum),
            "torch": (lambda ps: torch.optim.SGD(ps, lr=lr, momentum=momentum)) if torch else None}


def mlp_cases(scale=1):
    spec = ref.MLP_SPEC if scale == 1 else _scaled_mlp_spec(scale)
    return step_cases(spec, 256 // scale, spec[0][1], 10, "ce", mlp_optimizers())


def _scaled_mlp_spec(scale):
    h = 1024 // scale
    n_in = 784 // scale
    return [("linear", n_in, h), ("bn", h), ("relu",), ("dropout", 0.2),
            ("linear", h, h), ("bn", h), ("relu",), ("dropout", 0.2), ("linear", h, 10)]


def tiny_cases():
    return step_cases(ref.TINY_SPEC, 64, 2, 1, "bce", tiny_optimizers())


# ---- W-digits: one epoch ----------------------------------------------------------------------
def digits_data(seed=0):
    """The digits scaled to [0, 1], split 1,347 train / 450 test by a fixed permutation."""
    from autograd_lite.datasets import load_digits
    X, y = load_digits(normalize=True)
    order = np.random.default_rng(seed).permutation(len(X))
    train, test = order[:1347], order[1347:]
    return X[train], y[train], X[test], y[test]


def digits_epoch_fns(seed=0, batch=64):
    """{library: (run_epoch(), accuracy())} for W-digits with its own model and Adam."""
    Xtr, ytr, Xte, yte = digits_data()
    rng = np.random.default_rng(seed)
    params, buffers = ref.init_params(ref.DIGITS_SPEC, rng)
    n = len(Xtr)
    order_rng = np.random.default_rng(seed + 1)
    fns = {}

    import autograd_lite as al
    al.manual_seed(seed)
    model = al_model(ref.DIGITS_SPEC, _copy(params), _copy(buffers))
    opt = al.optim.Adam(list(model.parameters()), lr=1e-3)
    F = al.nn.functional

    def al_epoch():
        model.train()
        perm = order_rng.permutation(n)
        for start in range(0, n, batch):
            idx = perm[start:start + batch]
            xb, yb = al.from_numpy(Xtr[idx]), al.from_numpy(ytr[idx])
            opt.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            opt.step()

    def al_accuracy():
        model.eval()
        with al.no_grad():
            pred = model(al.from_numpy(Xte))._data.argmax(axis=1)
        return float((pred == yte).mean())
    fns["autograd_lite"] = (al_epoch, al_accuracy)

    cmodel = al_model(ref.DIGITS_SPEC, _copy(params), _copy(buffers))
    copt = al.optim.Adam(list(cmodel.parameters()), lr=1e-3)
    corder_rng = np.random.default_rng(seed + 1)

    @al.compile
    def compiled_step(xb, yb):
        copt.zero_grad()
        loss = F.cross_entropy(cmodel(xb), yb)
        loss.backward()
        copt.step()
        return loss

    reseed = [True]

    def compiled_epoch():
        if reseed.pop() if reseed else False:
            # the framework generator as eager's run started from: digits_accuracy runs the
            # libraries one after the other, so the same dropout masks give eager's accuracy
            al.set_rng_state(start_state)
        cmodel.train()
        perm = corder_rng.permutation(n)
        for start in range(0, n, batch):
            idx = perm[start:start + batch]
            compiled_step(al.from_numpy(Xtr[idx]), al.from_numpy(ytr[idx]))

    def compiled_accuracy():
        cmodel.eval()
        with al.no_grad():
            pred = cmodel(al.from_numpy(Xte))._data.argmax(axis=1)
        return float((pred == yte).mean())
    fns["compiled"] = (compiled_epoch, compiled_accuracy)

    np_model = ref.NumpyMLP(ref.DIGITS_SPEC, _copy(params), _copy(buffers),
                            rng=np.random.default_rng(seed))
    np_opt = ref.NumpyAdam(np_model.params, lr=1e-3)

    def numpy_epoch():
        perm = order_rng.permutation(n)
        for start in range(0, n, batch):
            idx = perm[start:start + batch]
            _, grads = np_model.loss_and_grads(Xtr[idx], ytr[idx])
            np_opt.step(grads)

    def numpy_accuracy():
        return float((np_model.predict(Xte).argmax(axis=1) == yte).mean())
    fns["numpy by hand"] = (numpy_epoch, numpy_accuracy)

    torch = _torch()
    if torch is not None:
        torch.manual_seed(seed)
        tmodel = torch_model(ref.DIGITS_SPEC, _copy(params), _copy(buffers))
        topt = torch.optim.Adam(tmodel.parameters(), lr=1e-3)
        tX, ty = torch.from_numpy(Xtr), torch.from_numpy(ytr)
        tXte = torch.from_numpy(Xte)

        def torch_epoch():
            tmodel.train()
            perm = torch.from_numpy(order_rng.permutation(n))
            for start in range(0, n, batch):
                idx = perm[start:start + batch]
                topt.zero_grad()
                torch.nn.functional.cross_entropy(tmodel(tX[idx]), ty[idx]).backward()
                topt.step()

        def torch_accuracy():
            tmodel.eval()
            with torch.no_grad():
                pred = tmodel(tXte).argmax(dim=1).numpy()
            return float((pred == yte).mean())
        fns["torch"] = (torch_epoch, torch_accuracy)
    # where eager's first epoch starts drawing dropout seeds (digits_accuracy runs it first)
    start_state = al.get_rng_state()
    return fns


def digits_cases():
    return {name: pair[0] for name, pair in digits_epoch_fns().items()}


def digits_accuracy(seeds=5, epochs=40):
    """Test accuracy after ``epochs`` epochs, per seed, for each library."""
    out = {}
    for seed in range(seeds):
        for name, (epoch, accuracy) in digits_epoch_fns(seed).items():
            for _ in range(epochs):
                epoch()
            out.setdefault(name, []).append(accuracy())
    return out


# ---- W-gradcheck ------------------------------------------------------------------------------
def gradcheck_cases(n=8, d=16, h=32, k=4):
    import autograd_lite as al
    rng = np.random.default_rng(0)
    x0, w10, w20 = rng.standard_normal((n, d)), rng.standard_normal((d, h)) / 4, \
        rng.standard_normal((h, k))
    cases = {}
    ax, aw1, aw2 = (al.tensor(a, dtype=al.float64, requires_grad=True) for a in (x0, w10, w20))

    def al_check():
        assert al.gradcheck(lambda x, w1, w2: (x @ w1).tanh().matmul(w2).sum(), (ax, aw1, aw2))
    cases["autograd_lite"] = al_check
    compiled = al.compile(lambda x, w1, w2: (x @ w1).tanh().matmul(w2).sum())

    def compiled_check():
        with warnings.catch_warnings():  # the analytic call keeps its graph: eager, warned
            warnings.simplefilter("ignore")
            assert al.gradcheck(compiled, (ax, aw1, aw2))
    cases["compiled"] = compiled_check

    nx, nw1, nw2 = x0.copy(), w10.copy(), w20.copy()

    def numpy_check():
        assert ref.gradcheck_by_hand(nx, nw1, nw2)
    cases["numpy by hand"] = numpy_check

    torch = _torch()
    if torch is not None:
        tx, tw1, tw2 = (torch.tensor(a, dtype=torch.float64, requires_grad=True)
                        for a in (x0, w10, w20))

        def torch_check():
            assert torch.autograd.gradcheck(lambda x, w1, w2: torch.tanh(x @ w1).matmul(w2).sum(),
                                            (tx, tw1, tw2))
        cases["torch"] = torch_check
    return cases


# ---- W-cold / W-mem: child processes --------------------------------------------------------------
def child_cold(lib, threads, scale):
    """Import, build W-mlp, one step; prints the peak RSS (MiB)."""
    if lib == "autograd_lite":
        import autograd_lite as al
        al.set_num_threads(threads)
        spec = ref.MLP_SPEC if scale == 1 else _scaled_mlp_spec(scale)
        n_in, batch = spec[0][1], 256 // scale
        model = al.nn.Sequential(
            al.nn.Linear(n_in, spec[4][1]), al.nn.BatchNorm1d(spec[4][1]), al.nn.ReLU(),
            al.nn.Dropout(0.2), al.nn.Linear(spec[4][1], spec[4][2]),
            al.nn.BatchNorm1d(spec[4][2]), al.nn.ReLU(), al.nn.Dropout(0.2),
            al.nn.Linear(spec[4][2], 10))
        opt = al.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
        rng = np.random.default_rng(0)
        x = al.from_numpy(rng.standard_normal((batch, n_in)).astype(np.float32))
        y = al.from_numpy(rng.integers(0, 10, batch))
        opt.zero_grad()
        al.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    else:
        import torch
        torch.set_num_threads(threads)
        spec = ref.MLP_SPEC if scale == 1 else _scaled_mlp_spec(scale)
        n_in, batch = spec[0][1], 256 // scale
        nn = torch.nn
        model = nn.Sequential(
            nn.Linear(n_in, spec[4][1]), nn.BatchNorm1d(spec[4][1]), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(spec[4][1], spec[4][2]), nn.BatchNorm1d(spec[4][2]), nn.ReLU(),
            nn.Dropout(0.2), nn.Linear(spec[4][2], 10))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
        rng = np.random.default_rng(0)
        x = torch.from_numpy(rng.standard_normal((batch, n_in)).astype(np.float32))
        y = torch.from_numpy(rng.integers(0, 10, batch))
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    print(json.dumps({"peak_rss_mib": _peak_rss_mib()}))


def _peak_rss_mib():
    """VmHWM of this process (ru_maxrss would carry the parent's peak across fork + exec)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def child_mem(lib, threads, warmup, steps):
    """RSS growth (MB) over ``steps`` W-tiny steps after ``warmup`` steps."""
    if lib == "autograd_lite":
        import autograd_lite as al
        al.set_num_threads(threads)
    else:
        import torch
        torch.set_num_threads(threads)
    cases = tiny_cases()
    step = cases[lib]
    for _ in range(warmup):
        step()
    gc.collect()
    before = _rss_mb()
    trace = []
    for i in range(steps):
        step()
        if (i + 1) % max(1, steps // 10) == 0:
            trace.append(_rss_mb())
    after = _rss_mb()
    print(json.dumps({"growth_mb": after - before, "before_mb": before, "trace_mb": trace}))


def _run_child(args):
    """Run this file as a child process; returns (wall seconds, the JSON it printed)."""
    cmd = [sys.executable, os.path.abspath(__file__)] + args
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{proc.stderr[-3000:]}")
    return wall, json.loads(proc.stdout.strip().splitlines()[-1])


def cold_and_mem(libs, threads, repeats, scale, mem_steps, mem_warmup):
    """W-cold times and peak RSS (interleaved child processes), and W-mem growth."""
    for lib in libs:  # warm the numba cache and the OS file cache
        _run_child(["--child", "cold", "--lib", lib, "--threads", str(threads),
                    "--scale", str(scale)])
    walls = {lib: [] for lib in libs}
    peaks = {lib: [] for lib in libs}
    for _ in range(repeats):
        for lib in libs:
            wall, out = _run_child(["--child", "cold", "--lib", lib, "--threads", str(threads),
                                    "--scale", str(scale)])
            walls[lib].append(wall)
            peaks[lib].append(out["peak_rss_mib"])
    growth = {}
    for lib in libs:
        _, out = _run_child(["--child", "mem", "--lib", lib, "--threads", str(threads),
                             "--steps", str(mem_steps), "--warmup", str(mem_warmup)])
        growth[lib] = out
    return walls, peaks, growth


# ---- the run ------------------------------------------------------------------------------------
def _stats(times):
    s = summarize(times)
    for name, t in times.items():
        s[name]["rounds"] = len(t)
    return s


def run_workloads(threads, cfg, log):
    """{workload: {library: stats}} at ``threads`` threads."""
    fix_threads(threads)
    results = {}
    plan = [("W-mlp", lambda: mlp_cases(cfg["mlp_scale"]), cfg["mlp_repeats"], cfg["mlp_inner"]),
            ("W-tiny", tiny_cases, cfg["tiny_repeats"], cfg["tiny_inner"]),
            ("W-digits", digits_cases, cfg["digits_repeats"], 1),
            ("W-gradcheck", gradcheck_cases, cfg["gc_repeats"], 1)]
    for name, make, repeats, inner in plan:
        cases = make()
        interleaved(cases, 1, max(1, inner))  # warm-up: JIT, caches, allocator
        gc.collect()
        results[name] = _stats(interleaved(cases, repeats, inner))
        log(f"  {name} @ {threads} thread(s): " + ", ".join(
            f"{k} {v['median'] * 1e3:.3f} ms" for k, v in results[name].items()))
    libs = ["autograd_lite"] + (["torch"] if _torch() is not None else [])
    walls, peaks, growth = cold_and_mem(libs, threads, cfg["cold_repeats"], cfg["mlp_scale"],
                                        cfg["mem_steps"], cfg["mem_warmup"])
    results["W-cold"] = _stats(walls)
    results["W-mem peak"] = {lib: {"median": statistics.median(p), "min": min(p),
                                   "max": max(p), "unit": "MiB"} for lib, p in peaks.items()}
    results["W-mem growth"] = {lib: {"median": g["growth_mb"], "min": g["growth_mb"],
                                     "max": g["growth_mb"], "unit": "MB", **g}
                               for lib, g in growth.items()}
    log(f"  W-cold/W-mem @ {threads} thread(s): " + ", ".join(
        f"{k} {statistics.median(v):.2f} s / {statistics.median(peaks[k]):.0f} MiB / "
        f"+{growth[k]['growth_mb']:.2f} MB" for k, v in walls.items()))
    return results


def _fmt(name, s):
    unit = s.get("unit")
    if unit:
        return f"{s['median']:.1f} {unit}" if s["min"] == s["max"] else \
            f"{s['median']:.0f} {unit} ({s['min']:.0f}–{s['max']:.0f})"
    m = s["median"]
    scale, u = (1.0, "s") if m >= 1 else (1e3, "ms") if m >= 1e-3 else (1e6, "µs")
    return f"{m * scale:.3g} {u} ({s['min'] * scale:.3g}–{s['max'] * scale:.3g})"


def table(all_results, accuracy=None):
    rows = []
    for threads, results in all_results.items():
        for workload, stats in results.items():
            al_s, np_s, t_s, c_s = (stats.get(lib) for lib in LIBS)
            c_ratio = c_s["median"] / t_s["median"] if c_s and t_s and t_s["median"] else None
            c_np = c_s["median"] / np_s["median"] if c_s and np_s and np_s["median"] else None
            ratio = al_s["median"] / t_s["median"] if t_s and t_s["median"] else None
            if workload == "W-mem growth":
                target = f"< {GROWTH_LIMIT_MB:g} MB"
                met = al_s["median"] < GROWTH_LIMIT_MB
                ratio_txt = "-"
            else:
                goal = TARGETS.get(workload)
                target = f"≤ {goal}× torch" if goal else "-"
                met = ratio is not None and goal is not None and ratio <= goal
                ratio_txt = f"{ratio:.2f}×" if ratio is not None else "-"
            extra = ""
            if workload == "W-digits" and accuracy:
                acc = statistics.mean(accuracy["autograd_lite"])
                extra = f"; acc {acc:.4f} (≥ 0.975)"
                met = met and acc >= 0.975
            if threads != 1:
                verdict = "(1-thread target)"
            elif workload != "W-mem growth" and goal and ratio is None:
                # a ratio to PyTorch cannot be judged without a PyTorch timing
                verdict = "n/a (torch not installed)" if _torch() is None else "n/a (no torch run)"
            else:
                verdict = "met" if met else "missed"
            rows.append((workload, threads, _fmt(workload, al_s) if al_s else "-",
                         _fmt(workload, np_s) if np_s else "-",
                         _fmt(workload, t_s) if t_s else "-", ratio_txt,
                         target + extra, verdict,
                         _fmt(workload, c_s) if c_s else "-",
                         f"{c_ratio:.2f}×" if c_ratio else "-", f"{c_np:.2f}×" if c_np else "-"))
    return markdown_table(["workload", "threads", "autograd_lite", "numpy by hand", "PyTorch",
                           "al / torch", "target", "1-thread verdict", "compiled",
                           "compiled / torch", "compiled / numpy"], rows)


CONFIGS = {
    "full": dict(mlp_scale=1, mlp_repeats=15, mlp_inner=3, tiny_repeats=15, tiny_inner=300,
                 digits_repeats=11, gc_repeats=9, cold_repeats=5, mem_steps=2000,
                 mem_warmup=200, acc_seeds=5, acc_epochs=40),
    "quick": dict(mlp_scale=1, mlp_repeats=5, mlp_inner=2, tiny_repeats=7, tiny_inner=100,
                  digits_repeats=5, gc_repeats=3, cold_repeats=2, mem_steps=2000,
                  mem_warmup=200, acc_seeds=5, acc_epochs=40),
    # for the test suite: small shapes, few rounds (a smoke test of the whole pipeline)
    "smoke": dict(mlp_scale=16, mlp_repeats=2, mlp_inner=1, tiny_repeats=2, tiny_inner=5,
                  digits_repeats=1, gc_repeats=1, cold_repeats=1, mem_steps=20,
                  mem_warmup=5, acc_seeds=1, acc_epochs=1),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (under 90 s)")
    parser.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", help="write the results here (default: "
                                       "benchmarks/results/bench_e2e-<time>.json)")
    parser.add_argument("--no-json", action="store_true")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    # child-process modes for W-cold and W-mem
    parser.add_argument("--child", choices=["cold", "mem"], help=argparse.SUPPRESS)
    parser.add_argument("--lib", default="autograd_lite", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, default=2000, help=argparse.SUPPRESS)
    parser.add_argument("--warmup", type=int, default=200, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "cold":
        return child_cold(args.lib, args.threads[0], args.scale)
    if args.child == "mem":
        return child_mem(args.lib, args.threads[0], args.warmup, args.steps)

    if args.no_torch:
        global _torch
        _torch = lambda: None  # noqa: E731
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    cfg = CONFIGS[mode]
    started = time.perf_counter()

    def log(msg):
        print(f"[{time.perf_counter() - started:6.1f} s]{msg}", file=sys.stderr, flush=True)

    all_results = {}
    for threads in args.threads:
        all_results[threads] = run_workloads(threads, cfg, log)
    fix_threads(min(args.threads))
    accuracy = digits_accuracy(cfg["acc_seeds"], cfg["acc_epochs"])
    log("  W-digits accuracy: " + ", ".join(
        f"{k} {statistics.mean(v):.4f} {v}" for k, v in accuracy.items()))
    env = environment()
    env["threads"] = args.threads
    env["mode"] = mode
    text = table(all_results, accuracy)
    print(f"bench_e2e ({mode}): medians (min–max) over interleaved rounds; threads pinned for "
          f"Numba, BLAS and PyTorch")
    print(text)
    print(f"W-digits test accuracy after {cfg['acc_epochs']} epochs, mean over "
          f"{cfg['acc_seeds']} seeds: " + ", ".join(
              f"{k} {statistics.mean(v):.4f}" for k, v in accuracy.items()))
    print("environment:", ", ".join(f"{k}={v}" for k, v in env.items()))
    print(f"total {time.perf_counter() - started:.1f} s")
    if not args.no_json:
        write_results("bench_e2e", {"mode": mode, "results": {str(k): v for k, v in
                                                              all_results.items()},
                                    "digits_accuracy": accuracy, "environment": env,
                                    "table": text}, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
