"""Start-up: what a small script pays before and for its first op, in fresh processes.

Rows (each a new ``python -c`` process, warm Numba cache, rounds interleaved, medians):
``import numpy`` alone (the floor), ``import autograd_lite``, import + a 3×4 op chain and its
backward (no Numba is imported: the ops take numpy below their kernels' size thresholds), the
same with a 64×1024 tensor (the first kernel loads Numba and its cached machine code), and
PyTorch's import + the 3×4 op when torch is installed.

    python benchmarks/bench_startup.py [--rounds 7]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

SMALL_OP = ("x = al.randn(3, 4, requires_grad=True); "
            "(x * x).relu().tanh().exp().sum().backward()")
CASES = {
    "import numpy": "import numpy",
    "import autograd_lite": "import autograd_lite as al",
    "import + 3x4 op + backward": "import autograd_lite as al; " + SMALL_OP,
    "import + 64x1024 op + backward (loads Numba)":
        "import autograd_lite as al; " + SMALL_OP.replace("3, 4", "64, 1024"),
    "torch: import + 3x4 op + backward":
        "import torch as al; " + SMALL_OP,
}


def run(code):
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd="/",
                   env=dict(os.environ, OMP_NUM_THREADS="1"))
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    cases = dict(CASES)
    try:
        import torch  # noqa: F401
    except ImportError:
        cases.pop("torch: import + 3x4 op + backward")
    for code in cases.values():  # warm every cache (files, Numba's) once
        run(code)
    times = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, code in cases.items():
            times[name].append(run(code))
    floor = statistics.median(times["import numpy"])
    print(f"start-up, fresh processes, {args.rounds} interleaved rounds, medians (s); the "
          f"interpreter's own start-up is in every row")
    print("| case | median s | range s | minus `import numpy` |")
    print("|---|---|---|---|")
    for name, t in times.items():
        m = statistics.median(t)
        print(f"| {name} | {m:.3f} | {min(t):.3f}-{max(t):.3f} | {m - floor:+.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
