"""Output of a search: a text table sorted by score and a PNG plot.

matplotlib is imported only inside ``plot_result`` (it is the optional ``plot`` extra), and
through its object API with the Agg canvas, so plotting never touches pyplot's global state
or the user's backend.
"""

from __future__ import annotations

import math

from .spaces import Choice, OneMinusLogUniform, Space

__all__ = ["format_table", "plot_result", "build_figure"]


def _fmt(v):
    if isinstance(v, float):
        if v != v or v in (math.inf, -math.inf):
            return str(v)
        return f"{v:.4g}"
    return str(v)


def format_table(result, limit=None) -> str:
    """Trials best first (finished by score, then pruned, then failed), one row each:
    rank, trial index, round (when there were several), status, score, seconds, each
    hyperparameter, each metric, and the error of failed trials."""
    trials = result.sorted_trials()
    if limit is not None:
        trials = trials[:limit]
    names = list(result.space) or sorted({k for t in trials for k in t.config})
    metrics = sorted({k for t in trials for k in t.metrics})
    rounds = len({t.round for t in result.trials}) > 1
    header = ["rank", "trial"] + (["round"] if rounds else []) + ["status", "score", "seconds"]
    header += names + metrics + ["error"]
    rows = []
    for rank, t in enumerate(trials, 1):
        row = [str(rank), str(t.index)] + ([str(t.round)] if rounds else [])
        row += [t.status, "" if t.score is None else _fmt(t.score), f"{t.seconds:.2f}"]
        row += [_fmt(t.config.get(n, "")) for n in names]
        row += [_fmt(t.metrics.get(m, "")) for m in metrics]
        err = (t.error or "") if t.status == "failed" else ""
        row.append(err if len(err) <= 60 else err[:57] + "...")
        rows.append(row)
    if not any(r[-1] for r in rows):  # no failures shown: drop the error column
        header = header[:-1]
        rows = [r[:-1] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    best = result.best
    direction = "max" if result.maximize else "min"
    summary = (
        f"{len(result.trials)} trials ({len(result.failed)} failed, {len(result.pruned)} pruned); "
        f"best ({direction}): " + ("none" if best is None else f"trial {best.index} score "
                                   f"{_fmt(best.score)} config {best.config}")
    )
    return "\n".join(lines + [summary])


def plot_result(result, path):
    """Write ``build_figure(result)`` as a PNG at ``path``; returns the path."""
    fig = build_figure(result)
    fig.savefig(path, dpi=100, format="png")
    return path


def build_figure(result):
    """Score against each hyperparameter, one panel each: log x-axis for LogUniform, 1 - beta
    on a log axis for OneMinusLogUniform, categories for Choice; rounds of coarse_to_fine in
    their own colours, pruned trials hollow, the best trial starred.  A matplotlib Figure
    (Agg canvas, no pyplot)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(
            "SearchResult.plot needs matplotlib (the 'plot' extra): pip install matplotlib"
        ) from exc

    names = [n for n, s in result.space.items() if isinstance(s, Space)]
    if not names:
        names = [n for n in {k for t in result.trials for k in t.config}
                 if all(isinstance(t.config.get(n), (int, float)) for t in result.trials)]
        names.sort()
    if not names:
        raise ValueError("nothing to plot: the space has no sampled hyperparameters")
    shown = [t for t in result.trials if t.status != "failed" and t.score is not None]
    best = result.best
    rounds = sorted({t.round for t in shown}) or [0]

    ncols = min(3, len(names))
    nrows = math.ceil(len(names) / ncols)
    fig = Figure(figsize=(4.2 * ncols, 3.4 * nrows), layout="constrained")
    FigureCanvasAgg(fig)
    colors = ["C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"]
    for k, name in enumerate(names):
        ax = fig.add_subplot(nrows, ncols, k + 1)
        space = result.space.get(name)
        label = name
        if isinstance(space, Choice):
            cats = [str(o) for o in space.options]

            def xof(v, cats=cats):
                return cats.index(str(v)) if str(v) in cats else float("nan")

            ax.set_xticks(range(len(cats)), cats)
        elif isinstance(space, OneMinusLogUniform):

            def xof(v):
                return 1.0 - v

            label = f"1 - {name}"
            ax.set_xscale("log")
        else:

            def xof(v):
                return v

            if getattr(space, "log_scale", False):
                ax.set_xscale("log")
        for r in rounds:
            pts = [t for t in shown if t.round == r]
            c = colors[r % len(colors)]
            ok = [t for t in pts if t.status == "ok"]
            pr = [t for t in pts if t.status == "pruned"]
            lab = f"round {r}" if len(rounds) > 1 else None
            ax.scatter([xof(t.config[name]) for t in ok], [t.score for t in ok], s=18,
                       color=c, label=lab)
            if pr:
                ax.scatter([xof(t.config[name]) for t in pr], [t.score for t in pr], s=18,
                           facecolors="none", edgecolors=c,
                           label="pruned" if r == rounds[0] else None)
        if best is not None:
            ax.scatter([xof(best.config[name])], [best.score], marker="*", s=160, color="k",
                       label="best", zorder=3)
        ax.set_xlabel(label)
        ax.set_ylabel("score")
        ax.grid(True, alpha=0.3, which="both")
        if k == 0:
            ax.legend(fontsize="small")
    direction = "higher is better" if result.maximize else "lower is better"
    fig.suptitle(f"{len(result.trials)} trials, score ({direction})")
    return fig
