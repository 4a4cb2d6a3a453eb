"""The course's batch normalisation: with and without, across a range of learning rates.

A 64-100-100-100-10 network on the 8x8 digits (60/20/20 split), plain mini-batch gradient
descent (batches of 64), 8 epochs at a constant rate, for learning rates from 0.003 to 10,
with ReLU and with sigmoid units, each with and without BatchNorm1d after every hidden Linear
(the course's Z → Z̃ = γ·Z_norm + β → activation; at evaluation the running averages of μ and σ²
are used). The table gives the dev accuracy, or "diverged" when the cost overflowed.

What the course says to expect: batch norm makes the network much more robust to the choice
of hyperparameters. Without it the usable range of rates is narrow (too small: slow, above
it: divergence, and sigmoid units saturate); with it a wide range trains well.

    python examples/batchnorm_lr.py [--epochs 8] [--out runs/batchnorm_lr.png]
"""
import argparse
import os
import time

import numpy as np

from autograd_lite.train import TrainConfig, train
from autograd_lite.train.report import finish, save_figure, table

LRS = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
VARIANTS = (("relu", False), ("relu", True), ("sigmoid", False), ("sigmoid", True))


def label(activation, batchnorm):
    return activation + (" + BN" if batchnorm else "")


def dev_accuracy(lr, activation, batchnorm, epochs=8, seed=0, hidden=(100, 100, 100)):
    """(dev accuracy, status) of one run."""
    cfg = TrainConfig(dataset="digits", hidden=hidden, activation=activation,
                      batchnorm=batchnorm, dropout=0.0, init="he", optimizer="gd", lr=lr,
                      schedule="none", epochs=epochs, batch_size=64, seed=seed, out=None,
                      progress=False, plots=False)
    with np.errstate(all="ignore"):
        result = train(cfg, log=None, report=False)
        finish(result, log=None, write=False)
    return result.final["dev"]["accuracy"], result.status


def run(lrs=LRS, epochs=8, seed=0, variants=VARIANTS, hidden=(100, 100, 100)):
    """One row per learning rate; a column per variant: the dev accuracy, or "diverged"."""
    rows, curves = [], {label(*v): [] for v in variants}
    start = time.perf_counter()
    for lr in lrs:
        row = {"lr": lr}
        for activation, bn in variants:
            acc, status = dev_accuracy(lr, activation, bn, epochs, seed, hidden)
            key = label(activation, bn)
            row[key] = "diverged" if status == "diverged" else f"{acc:.1%}"
            curves[key].append(np.nan if status == "diverged" else acc)
        rows.append(row)
    return rows, curves, time.perf_counter() - start


def plot(lrs, curves, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    styles = {"relu": "tab:blue", "sigmoid": "tab:orange"}
    for key, accs in curves.items():
        ax.plot(lrs, accs, marker="o", color=styles[key.split()[0]],
                ls="-" if "BN" in key else "--", label=key)
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("dev accuracy")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title("Batch norm: digits, mini-batch GD, 8 epochs (gaps: diverged)")
    fig.tight_layout()
    save_figure(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "batchnorm_lr.png"))
    args = parser.parse_args(argv)
    rows, curves, seconds = run(LRS, args.epochs, args.seed)
    print(f"Batch norm vs learning rate: digits, 64-100-100-100-10, mini-batch GD (64), "
          f"{args.epochs} epochs; dev accuracy")
    print(table(rows, ["lr"] + [label(*v) for v in VARIANTS], {"lr": "g"}))
    print(f"({seconds:.1f} s for {len(rows) * len(VARIANTS)} runs)")
    plot(list(LRS), curves, args.out)
    print(f"wrote {args.out}")
    return rows


if __name__ == "__main__":
    main()
