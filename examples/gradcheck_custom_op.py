"""The course's gradient checking: "give me a proof that your backpropagation works".

A custom op, Swish ``f(x) = x·σ(x)``, is written twice as an ``al.autograd.Function``:

- ``BuggySwish``: its backward has a planted bug, the product rule half forgotten:
  ``σ(x)·g`` instead of ``(σ(x) + x·σ(x)(1 − σ(x)))·g``;
- ``Swish``: the correct backward.

Each is used inside a small network (Linear → swish → Linear → mean) and checked in float64
with ``al.gradcheck_report`` against central differences ``(J(θ+ε) − J(θ−ε))/2ε``. The
course's reading of the relative error ``‖g − g̃‖₂ / (‖g‖₂ + ‖g̃‖₂)``: below 1e-7 great,
above 1e-3 almost certainly a bug. ``al.gradcheck`` raises ``GradcheckError`` on the buggy op,
naming the input and the worst element; the fixed op passes.

    python examples/gradcheck_custom_op.py [--out runs/gradcheck_custom_op.png]
"""
import argparse
import os

import numpy as np

import autograd_lite as al
from autograd_lite.autograd import Function
from autograd_lite.train.report import save_figure, table

GREAT, WRONG = 1e-7, 1e-3   # the course's thresholds


def _sigmoid(x):
    """σ(x) on a Tensor, with Tensor methods as in a torch.autograd.Function."""
    return 1.0 / (1.0 + (-x).exp())


class Swish(Function):
    """x·σ(x), with the right derivative σ(x) + x·σ(x)(1 − σ(x))."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * _sigmoid(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        s = _sigmoid(x)
        return (s + x * s * (1.0 - s)) * g


class BuggySwish(Swish):
    """The same forward; the backward forgets the x·σ'(x) half of the product rule."""

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return _sigmoid(x) * g          # BUG: should be (σ + x·σ(1 − σ))·g


def course_reading(relative_error):
    if relative_error < GREAT:
        return "great (< 1e-7)"
    if relative_error < WRONG:
        return "look closer (1e-7 .. 1e-3)"
    return "wrong (> 1e-3)"


def problem(seed=0):
    """Float64 inputs of a tiny network: x (8×3), W1 (3×5), W2 (5×1)."""
    rng = np.random.default_rng(seed)
    names = ("x", "W1", "W2")
    shapes = ((8, 3), (3, 5), (5, 1))
    tensors = tuple(al.tensor(rng.normal(size=s), dtype=al.float64, requires_grad=True)
                    for s in shapes)
    return names, tensors


def network(op):
    def J(x, W1, W2):
        return (op.apply(x @ W1) @ W2).tanh().mean()
    return J


def run(seed=0):
    """One row per (op, input): relative error, max abs error, the course's reading, and
    whether al.gradcheck passes; plus al.gradcheck's message for each op."""
    rows, messages = [], {}
    for label, op in (("BuggySwish", BuggySwish), ("Swish (fixed)", Swish)):
        names, inputs = problem(seed)
        for report in al.gradcheck_report(network(op), inputs):
            rows.append({"op": label, "input": names[report.input_index],
                         "relative error": report.relative_error,
                         "max abs error": report.max_abs_error,
                         "course": course_reading(report.relative_error),
                         "gradcheck": "pass" if report.passed else "FAIL"})
        names, inputs = problem(seed)
        try:
            al.gradcheck(network(op), inputs)
            messages[label] = "al.gradcheck: True"
        except al.GradcheckError as error:
            messages[label] = "al.gradcheck raised GradcheckError: " + str(error).splitlines()[1].strip()
    return rows, messages


COLUMNS = ["op", "input", "relative error", "max abs error", "course", "gradcheck"]
FORMATS = {"relative error": ".2e", "max abs error": ".2e"}


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 3.8))
    labels = [f"{r['op']}\n{r['input']}" for r in rows]
    values = [max(r["relative error"], 1e-17) for r in rows]
    colors = ["tab:red" if r["gradcheck"] == "FAIL" else "tab:green" for r in rows]
    ax.bar(range(len(rows)), values, color=colors)
    ax.set_yscale("log")
    ax.axhline(GREAT, color="green", ls="--", lw=1, label="1e-7: great below")
    ax.axhline(WRONG, color="red", ls="--", lw=1, label="1e-3: wrong above")
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(labels, fontsize=7)
    ax.set_ylabel("relative error")
    ax.set_title("Gradient check of a custom op: planted bug vs fixed")
    ax.legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "gradcheck_custom_op.png"))
    args = parser.parse_args(argv)
    rows, messages = run(args.seed)
    print("Gradient checking J = mean(tanh(swish(x W1) W2)) in float64, eps 1e-6")
    print(f"course: relative error < {GREAT:g} great, > {WRONG:g} wrong")
    print(table(rows, COLUMNS, FORMATS))
    for label, message in messages.items():
        print(f"{label}: {message}")
    plot(rows, args.out)
    print(f"wrote {args.out}")
    return rows


if __name__ == "__main__":
    main()
