"""The end of a run: the accuracy table, the course's bias/variance verdict with the basic
recipe's next step, ``metrics.json``, ``curves.png`` and (2-D data) ``boundary.png``.

matplotlib is imported only when a plot is written, with the Agg backend (no display needed);
without it the plots are skipped with a note.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass

import numpy as np

from .model import evaluate, predict

__all__ = ["Verdict", "verdict", "format_table", "finish", "plot_curves", "plot_boundary", "table",
           "write_metrics"]


@dataclass
class Verdict:
    kind: str              # "high bias", "high variance", "high bias and high variance", "fine"
    avoidable_bias: float  # train error − Bayes error estimate
    variance: float        # dev error − train error
    explanation: str
    next_step: str

    def __str__(self):
        return f"{self.kind}: {self.explanation}\nnext step: {self.next_step}"


def verdict(train_acc, dev_acc, bayes_error=0.0, tolerance=0.03):
    """The course's diagnosis from train and dev accuracy.

    High bias when the training error is more than ``tolerance`` above the Bayes (human-level)
    error estimate: the model does not even fit the training set. High variance when the dev
    error is more than ``tolerance`` above the training error: it fits the training set but
    does not generalise. The basic recipe's next step follows: bias first (bigger network,
    train longer), then variance (more data, regularisation).
    """
    train_err, dev_err = 1.0 - float(train_acc), 1.0 - float(dev_acc)
    bias = train_err - float(bayes_error)
    variance = dev_err - train_err
    high_bias, high_var = bias > tolerance, variance > tolerance
    facts = (f"train error {train_err:.2%} (Bayes estimate {bayes_error:.2%}, avoidable bias "
             f"{bias:.2%}), dev error {dev_err:.2%} (variance {variance:.2%}); tolerance "
             f"{tolerance:.2%}")
    if high_bias and high_var:
        return Verdict("high bias and high variance", bias, variance, facts,
                       "fix the bias first: a bigger network (more hidden units or layers), "
                       "train longer, a better optimizer; then more data or regularisation "
                       "(L2, dropout) for the variance")
    if high_bias:
        return Verdict("high bias", bias, variance, facts,
                       "a bigger network (more hidden units or layers), train longer (more "
                       "epochs, a better optimizer such as Adam or a tuned learning rate); "
                       "regularisation would not help")
    if high_var:
        return Verdict("high variance", bias, variance, facts,
                       "more data, or regularisation (raise the L2 lambda or dropout p), or a "
                       "smaller network; a bigger network alone would not help")
    return Verdict("fine", bias, variance, facts,
                   "low bias and low variance: done; the test accuracy estimates performance "
                   "on new data (do not tune against it)")


def format_table(final):
    rows = [("set", "examples", "loss", "accuracy", "error")]
    for name in ("train", "dev", "test"):
        f = final[name]
        rows.append((name, str(f["n"]), f"{f['loss']:.4f}", f"{f['accuracy']:.2%}",
                     f"{1 - f['accuracy']:.2%}"))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(r[0].ljust(widths[0]) if i == 0 else r[i].rjust(widths[i])
                               for i in range(5)).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _jsonable(x):
    if isinstance(x, float) and not math.isfinite(x):
        return None if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return _jsonable(x.item())
    return x


def write_metrics(path, result):
    data = {
        "status": result.status,
        "epochs_run": result.epochs_run,
        "seconds": round(result.seconds, 3),
        "final": result.final,
        "verdict": asdict(result.verdict) if result.verdict is not None else None,
        "history": result.history,
        "config": result.config.to_dict(),
        "n_parameters": int(sum(p.numel() for p in result.model.parameters())),
        "model": repr(result.model),
        "checkpoint": result.checkpoint,
        "files": result.files,
    }
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(_jsonable(data), fh, indent=2)
        fh.write("\n")
    os.replace(tmp, path)


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save_figure(fig, path):
    """Write ``fig`` to ``path`` (creating its folder) and release it."""
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    fig.savefig(path, dpi=80)
    _pyplot().close(fig)
    return path


def plot_curves(history, path, title=None):
    """Loss (left) and accuracy (right) per epoch, train and dev."""
    plt = _pyplot()
    epochs = history["epoch"]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.8))
    ax_loss.plot(epochs, history["train_loss"], label="train", color="tab:blue")
    ax_loss.plot(epochs, history["dev_loss"], label="dev", color="tab:orange")
    ax_loss.plot(epochs, history["loss"], label="mini-batch cost (training mode)",
                 color="tab:gray", lw=0.8, alpha=0.7)
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("loss")
    ax_loss.set_title("loss")
    finite = [v for v in history["train_loss"] + history["dev_loss"] if math.isfinite(v) and v > 0]
    if finite and max(finite) / min(finite) > 50:
        ax_loss.set_yscale("log")
    ax_acc.plot(epochs, history["train_acc"], label="train", color="tab:blue")
    ax_acc.plot(epochs, history["dev_acc"], label="dev", color="tab:orange")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_title("accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return save_figure(fig, path)


def boundary_grid(X, steps=200, margin=0.5):
    x0, x1 = X[:, 0].min() - margin, X[:, 0].max() + margin
    y0, y1 = X[:, 1].min() - margin, X[:, 1].max() + margin
    gx, gy = np.meshgrid(np.linspace(x0, x1, steps), np.linspace(y0, y1, steps))
    return gx, gy, np.c_[gx.ravel(), gy.ravel()].astype(np.float32)


def plot_boundary(predict_fn, X, y, path, title=None, ax=None):
    """The decision regions of ``predict_fn`` (rows in the data's own coordinates → labels)
    over a grid, with the points ``X`` coloured by ``y``. Draws into ``ax`` when given."""
    plt = _pyplot()
    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=(5, 4.5))
    gx, gy, grid = boundary_grid(X)
    zz = predict_fn(grid).reshape(gx.shape)
    ax.contourf(gx, gy, zz, alpha=0.35, cmap="Spectral",
                levels=np.arange(int(max(zz.max(), y.max())) + 2) - 0.5)
    ax.scatter(X[:, 0], X[:, 1], c=y, s=10, cmap="Spectral", edgecolors="k", linewidths=0.3)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    if own:
        fig.tight_layout()
        save_figure(fig, path)
    return path


def finish(result, log=print, write=True):
    """Evaluate on train/dev/test, decide the verdict, print the table, write the files."""
    cfg, model, s = result.config, result.model, result.splits
    final = {}
    for name, X, y in (("train", s.X_train, s.y_train), ("dev", s.X_dev, s.y_dev),
                       ("test", s.X_test, s.y_test)):
        loss, acc = evaluate(model, X, y)
        final[name] = {"accuracy": acc, "loss": loss, "n": int(len(y))}
    result.final = final
    result.verdict = verdict(final["train"]["accuracy"], final["dev"]["accuracy"],
                             cfg.bayes_error, cfg.tolerance)
    notes = []
    if write and cfg.out is not None:
        if cfg.plots and result.history["epoch"]:
            try:
                result.files["curves"] = plot_curves(
                    result.history, os.path.join(cfg.out, "curves.png"),
                    f"{cfg.dataset}: {cfg.optimizer}, lr {cfg.lr:g}, {cfg.schedule} schedule")
                if cfg.is_2d:
                    result.files["boundary"] = plot_boundary(
                        lambda G: predict(model, s.normalise(G)), s.X_raw_train, s.y_train,
                        os.path.join(cfg.out, "boundary.png"),
                        f"{cfg.dataset}: decision boundary, training set")
            except ImportError:
                notes.append("plots skipped: matplotlib is not installed (pip install "
                             "'autograd-lite[plot]')")
        result.files["metrics"] = os.path.join(cfg.out, "metrics.json")
        write_metrics(result.files["metrics"], result)
    if log is not None:
        log("")
        log(format_table(final))
        log("")
        if result.status == "diverged":
            log("note: training diverged; the figures are those of the last parameters")
        log(f"verdict: {result.verdict}")
        log(f"time: {result.seconds:.1f} s for {result.epochs_run} epochs")
        for note in notes:
            log(note)
        if result.files:
            log("wrote: " + ", ".join(result.files[k] for k in sorted(result.files)))
    return result


def table(rows, columns=None, formats=None):
    """A plain-text table of ``rows`` (dicts): ``columns`` picks and orders the keys,
    ``formats`` maps a key to a format spec (e.g. ``{"acc": ".2%"}``)."""
    columns = list(columns or rows[0].keys())
    formats = formats or {}

    def cell(row, key):
        value = row.get(key, "")
        if value is None:
            return "-"
        if key in formats and isinstance(value, (int, float, np.number)):
            if isinstance(value, float) and not math.isfinite(value):
                return str(value)
            return format(value, formats[key])
        return str(value)

    body = [[cell(r, c) for c in columns] for r in rows]
    widths = [max(len(c), *(len(b[i]) for b in body)) for i, c in enumerate(columns)]
    numeric = [all(isinstance(r.get(c), (int, float, np.number)) or r.get(c) is None
                   for r in rows) for c in columns]

    def line(cells):
        return "  ".join(x.rjust(w) if num else x.ljust(w)
                         for x, w, num in zip(cells, widths, numeric)).rstrip()

    out = [line(columns), "  ".join("-" * w for w in widths)]
    out += [line(b) for b in body]
    return "\n".join(out)
