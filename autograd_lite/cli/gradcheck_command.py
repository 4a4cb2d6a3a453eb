"""``autograd-lite gradcheck [OP ...]``: gradcheck every registered op (or the named ones)."""
import numpy as np

from .errors import UsageError, non_negative_float, positive_float


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "gradcheck", help="gradcheck the registered ops in float64 and print a table",
        description="Compare every registered op's analytic gradient with central differences "
                    "(float64) and its forward with the numpy reference (float32 and float64).")
    parser.add_argument("ops", nargs="*", help="op names (default: all registered ops)")
    parser.add_argument("--eps", type=positive_float, default=1e-6,
                        help="central-difference step, > 0 (default 1e-6)")
    parser.add_argument("--atol", type=non_negative_float, default=1e-5)
    parser.add_argument("--rtol", type=non_negative_float, default=1e-3)
    parser.set_defaults(func=run)


def check_op(info, eps, atol, rtol):
    """(worst relative error over the samples, passed, note) for one op."""
    from ..gradcheck import gradcheck_report
    from ..testing import gradcheck_target, run_check

    if "gradcheck" in info.skips:
        return None, True, "skipped: " + info.skips["gradcheck"]
    worst, passed = 0.0, True
    for sample in info.samples():
        target = gradcheck_target(info, sample)
        if target is None:
            continue
        for report in gradcheck_report(*target, eps=eps, atol=atol, rtol=rtol,
                                       **info.gradcheck_kwargs):
            worst = max(worst, report.relative_error)
            passed &= report.passed
    note = ""
    for dtype in info.dtypes:
        try:
            run_check(info, "forward_reference", dtype)
        except AssertionError:
            passed, note = False, f"forward differs from the numpy reference in {np.dtype(dtype)}"
    return worst, passed, note


def run(args):
    from ..opinfo import get_op, registered_ops

    known = {n for info in registered_ops() for n in (info.name, *info.aliases)}
    unknown = [name for name in args.ops if name not in known]
    if unknown:
        raise UsageError(f"no registered op named {', '.join(map(repr, unknown))}; known ops: "
                         f"{', '.join(info.name for info in registered_ops())}")
    infos = [get_op(name) for name in args.ops] if args.ops else registered_ops()
    rows, failures = [], 0
    for info in infos:
        worst, passed, note = check_op(info, args.eps, args.atol, args.rtol)
        failures += not passed
        rows.append((info.name, "float64", "-" if worst is None else f"{worst:.2e}",
                     "pass" if passed else "FAIL", note))
    widths = [max(len(r[i]) for r in rows + [("op", "dtype", "max rel error", "result", "")])
              for i in range(4)]
    header = ("op", "dtype", "max rel error", "result")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row[:4], widths)) + ("  " + row[4] if row[4] else ""))
    print(f"\n{len(rows) - failures} passed, {failures} failed "
          f"(relative error ‖g−g̃‖/(‖g‖+‖g̃‖); course: < 1e-7 great, > 1e-3 wrong)")
    return 1 if failures else 0
