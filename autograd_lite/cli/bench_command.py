"""``autograd-lite bench [--quick]``: the end-to-end benchmarks (benchmarks/bench_e2e.py).

The benchmark suite lives in the repository's ``benchmarks/`` folder (it is not installed with
the package); this command finds it next to the package (an editable install or a checkout) or
at ``--path``, and runs it with the given flags.
"""
import os
import sys

from .errors import positive_int


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "bench", help="run the end-to-end benchmarks against numpy by hand and PyTorch",
        description="Time the issue-7 workloads (W-mlp, W-tiny, W-digits, W-gradcheck, W-cold, "
                    "W-mem) for autograd_lite, a hand-written numpy version and PyTorch (when "
                    "installed), interleaved, at 1 and 2 threads; print a markdown table and "
                    "write JSON under benchmarks/results/.")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (under 90 s)")
    parser.add_argument("--threads", type=positive_int, nargs="+", default=[1, 2],
                        help="thread counts to run (default: 1 2)")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument("--path", help="the benchmarks folder (default: found beside the package)")
    parser.set_defaults(func=run)


def _find_benchmarks(path):
    if path:
        candidates = [path]
    else:
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        candidates = [os.path.join(os.path.dirname(package), "benchmarks"),
                      os.path.join(os.getcwd(), "benchmarks")]
    for folder in candidates:
        if os.path.isfile(os.path.join(folder, "bench_e2e.py")):
            return os.path.abspath(folder)
    raise SystemExit("autograd-lite bench: benchmarks/bench_e2e.py not found (looked in "
                     + ", ".join(candidates) + "); run it from a checkout of the repository "
                     "or pass --path")


def run(args):
    folder = _find_benchmarks(args.path)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    import bench_e2e
    argv = ["--threads", *map(str, args.threads)]
    if args.quick:
        argv.append("--quick")
    if args.json:
        argv += ["--json", args.json]
    if args.no_torch:
        argv.append("--no-torch")
    return bench_e2e.main(argv)
