"""Before/after rows from one run: the same autograd_lite workload timed from two source trees.

Each round starts one child process per tree (``PYTHONPATH=<tree>``), alternating, so both see
the same machine noise; a child times one workload at 1 thread and prints its median. Used to
show what each framework fix bought (a copy of the tree before the fix against the tree after).

    python benchmarks/bench_versions.py --before /tmp/before --after . --workloads W-tiny W-digits
    python benchmarks/bench_versions.py --before /tmp/before --case compiled   # al.compile rows
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
INNER = {"W-mlp": 3, "W-tiny": 300, "W-digits": 2, "W-gradcheck": 2, "overhead": 2000,
         "overhead-no_grad": 2000}


def child(workload, repeats, case="autograd_lite"):
    sys.path.insert(0, HERE)
    import bench_e2e as b
    import bench_overhead as o
    from _harness import fix_threads
    fix_threads(1)
    if workload.startswith("overhead"):  # bench_overhead.py's a*b+c step
        name = "fwd (no_grad)" if workload.endswith("no_grad") else "fwd+bwd"
        fn = o.make_cases()[f"autograd_lite {name}"]
    else:
        make = {"W-mlp": b.mlp_cases, "W-tiny": b.tiny_cases, "W-digits": b.digits_cases,
                "W-gradcheck": b.gradcheck_cases}[workload]
        fn = make()[case]
    inner = INNER[workload]
    for _ in range(inner):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - start) / inner)
    import autograd_lite
    print(json.dumps({"median": statistics.median(times), "min": min(times),
                      "file": autograd_lite.__file__}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", default=os.path.dirname(HERE))
    parser.add_argument("--workloads", nargs="+", default=list(INNER))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--case", default="autograd_lite",
                        help="which bench_e2e case of each workload: autograd_lite (eager) or "
                             "compiled (al.compile)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.repeats, args.case)
    trees = {"before": os.path.abspath(args.before), "after": os.path.abspath(args.after)}
    rows = []
    for workload in args.workloads:
        medians = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                env = dict(os.environ, PYTHONPATH=tree)
                # a tree with its own virtual environment runs in it (its kernels/ are
                # installed there as autograd_lite.kernels); otherwise this interpreter
                own = os.path.join(tree, ".venv", "bin", "python")
                python = own if os.path.exists(own) else sys.executable
                proc = subprocess.run([python, os.path.abspath(__file__), "--child",
                                       workload, "--repeats", str(args.repeats),
                                       "--case", args.case, "--before", "-"], capture_output=True, text=True,
                                      env=env, cwd="/")
                if proc.returncode:
                    raise RuntimeError(proc.stderr[-2000:])
                out = json.loads(proc.stdout.strip().splitlines()[-1])
                assert out["file"].startswith(tree), (out["file"], tree)
                medians[name].append(out["median"])
        b, a = statistics.median(medians["before"]), statistics.median(medians["after"])
        rows.append((workload, b, a))
        print(f"| {workload} | {b * 1e3:.3f} ms | {a * 1e3:.3f} ms | {b / a:.2f}× |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
