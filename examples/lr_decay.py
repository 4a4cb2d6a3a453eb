"""The course's learning-rate decay: the four schedules of the notes against a constant rate.

Mini-batch gradient descent (batches of 32) on 1,000 noisy moons (noise 0.3; 60/20/20
train/dev/test), a 2-16-8-1 ReLU network, lr α₀ = 1.0 (deliberately large), 100 epochs,
through ``autograd_lite.train.train`` (``autograd-lite train --schedule ...``):

- none:               α = α₀
- inverse_time:       α = α₀ / (1 + decay_rate·epoch_num), decay_rate = 1
- exponential:        α = 0.95^epoch_num · α₀
- inverse_sqrt:       α = k/√epoch_num · α₀, k = 1
- inverse_sqrt_step:  α = k/√t · α₀, t = the mini-batch update, k = 1

At a constant large rate the cost keeps bouncing from epoch to epoch (mini-batch noise times
a large step); every decay lets it settle near the minimum, the faster ones (inverse time,
per step) at the price of slowing down early.

    python examples/lr_decay.py [--epochs 100] [--out runs/lr_decay.png]
"""
import argparse
import os
import time

import numpy as np

from autograd_lite.train import TrainConfig, train
from autograd_lite.train.report import finish, save_figure, table

SCHEDULES = (
    ("none", None, "a0"),
    ("inverse_time", 1.0, "a0/(1+1*epoch)"),
    ("exponential", 0.95, "0.95^epoch*a0"),
    ("inverse_sqrt", 1.0, "1/sqrt(epoch)*a0"),
    ("inverse_sqrt_step", 1.0, "1/sqrt(t)*a0"),
)


def config(schedule, decay, epochs=100, lr=1.0, seed=0):
    return TrainConfig(dataset="moons", n_samples=1000, noise=0.3, hidden=(16, 8),
                       batchnorm=False, dropout=0.0, init="he", optimizer="gd", lr=lr,
                       schedule=schedule, decay=decay, epochs=epochs, batch_size=32, seed=seed,
                       out=None, progress=False, plots=False)


def run(epochs=100, lr=1.0, seed=0, schedules=SCHEDULES):
    rows = []
    for name, decay, formula in schedules:
        start = time.perf_counter()
        result = train(config(name, decay, epochs, lr, seed), log=None, report=False)
        finish(result, log=None, write=False)
        h = result.history
        tail = max(1, min(10, len(h["train_loss"]) // 4))
        rows.append({"schedule": name, "formula": formula, "final lr": h["lr"][-1],
                     "train loss": h["train_loss"][-1],
                     "wobble": float(np.std(h["train_loss"][-tail:])),
                     "train acc": result.final["train"]["accuracy"],
                     "dev acc": result.final["dev"]["accuracy"],
                     "seconds": time.perf_counter() - start, "history": h})
    return rows


COLUMNS = ["schedule", "formula", "final lr", "train loss", "wobble", "train acc", "dev acc",
           "seconds"]
FORMATS = {"final lr": ".3g", "train loss": ".4f", "wobble": ".4f", "train acc": ".1%",
           "dev acc": ".1%", "seconds": ".1f"}


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (ax_lr, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
    for row in rows:
        h = row["history"]
        ax_lr.plot(h["epoch"], h["lr"], label=row["schedule"])
        ax_loss.plot(h["epoch"], h["train_loss"], label=row["schedule"], lw=1)
    ax_lr.set_yscale("log")
    ax_lr.set_title("learning rate (at the start of each epoch)")
    ax_loss.set_yscale("log")
    ax_loss.set_title("training cost after each epoch")
    for ax in (ax_lr, ax_loss):
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Learning-rate decay: mini-batch GD on moons, lr0 = 1.0")
    fig.tight_layout()
    save_figure(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--lr", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "lr_decay.png"))
    args = parser.parse_args(argv)
    rows = run(args.epochs, args.lr, args.seed)
    print(f"Learning-rate decay: mini-batch GD (32) on moons, 2-16-8-1, lr0 {args.lr:g}, "
          f"{args.epochs} epochs (wobble: std of the training cost over the last 10 epochs)")
    print(table(rows, COLUMNS, FORMATS))
    plot(rows, args.out)
    print(f"wrote {args.out}")
    return rows


if __name__ == "__main__":
    main()
