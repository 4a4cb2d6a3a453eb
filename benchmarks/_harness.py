"""Shared benchmark plumbing: fixed threads, interleaved repetitions, medians, a markdown table,
the results file."""
import json
import os
import platform
import statistics
import time

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def fix_threads(n):
    """Pin every pool (Numba, BLAS, PyTorch) to ``n`` threads for the rest of the process."""
    import autograd_lite as al
    al.set_num_threads(n)
    try:
        import torch
        torch.set_num_threads(n)
    except ImportError:
        pass


def interleaved(cases, repeats, inner):
    """Run each case ``inner`` times per round, rounds interleaved across cases so that machine
    noise hits all of them alike; returns {name: [seconds per call, one per round]}."""
    times = {name: [] for name in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            start = time.perf_counter()
            for _ in range(inner):
                fn()
            times[name].append((time.perf_counter() - start) / inner)
    return times


def summarize(times):
    return {name: {"median": statistics.median(t), "min": min(t), "max": max(t)}
            for name, t in times.items()}


def environment():
    import numpy as np
    info = {"python": platform.python_version(), "numpy": np.__version__,
            "machine": platform.machine(), "cpus": os.cpu_count(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "")}
    try:
        import numba
        info["numba"] = numba.__version__
    except ImportError:
        pass
    try:
        import torch
        info["torch"] = torch.__version__
    except ImportError:
        info["torch"] = "not installed"
    try:
        from threadpoolctl import threadpool_info
        info["blas"] = ", ".join(f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')})"
                                 for p in threadpool_info() if p.get("user_api") == "blas")
    except ImportError:
        pass
    return info


def markdown_table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_results(name, payload, path=None, indent=2):
    """Write ``payload`` as JSON to ``path``, or to benchmarks/results/<name>-<time>.json
    (git-ignored); print and return the path."""
    path = path or os.path.join(RESULTS, time.strftime(f"{name}-%Y%m%d-%H%M%S.json"))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(payload, f, indent=indent)
    print("wrote", path)
    return path
