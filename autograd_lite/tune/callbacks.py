"""Callbacks: how a search tells the outside world what is going on.

Subclass ``Callback`` and override what you need; pass instances as
``random_search(..., callbacks=[...])``.  All methods run in the search's own process (the
main thread), whatever executor runs the trials.  ``on_epoch`` receives the reports of trials
run in this process, in local worker processes (``n_jobs > 1``) and on a
``ThreadPoolExecutor``; trials on a Dask cluster report only when they finish.

``LiveProgress`` is the live view of the running trials ("panda" babysitting): a tqdm bar
when tqdm is installed, plain printed lines otherwise.  ``progress=True`` adds one.
"""

from __future__ import annotations

import sys

__all__ = ["Callback", "LiveProgress", "wants_epochs"]


class Callback:
    """Hooks a search calls as it runs; subclass it and override the ones you need (each does
    nothing by default).
    """

    def on_search_start(self, n_trials: int, n_done: int) -> None:
        """Before the first trial: how many trials in all, and how many a resumed log held."""

    def on_trial_start(self, index: int, config: dict) -> None:
        """A trial was handed to the executor."""

    def on_epoch(self, index: int, epoch, score: float, metrics: dict) -> None:
        """A running trial called ``reporter.report(epoch, score, **metrics)``."""

    def on_trial_end(self, trial) -> None:
        """A trial finished (ok, failed or pruned) and was written to the log."""

    def on_search_end(self, result) -> None:
        """The search is over; ``result`` is the SearchResult about to be returned."""


def wants_epochs(callbacks) -> bool:
    return any(type(cb).on_epoch is not Callback.on_epoch for cb in callbacks)


class LiveProgress(Callback):
    """One line per event: trials done, the best score so far, and each running trial's
    latest epoch.  ``use_tqdm=None`` uses tqdm when it can be imported."""

    def __init__(self, maximize: bool = False, stream=None, use_tqdm=None):
        self.maximize = maximize
        self.stream = stream if stream is not None else sys.stderr
        self.use_tqdm = use_tqdm
        self._bar = None
        self._total = 0
        self._done = 0
        self._best = None
        self._running: dict = {}  # index -> (epoch, score)

    def _better(self, a, b):
        return b is None or (a > b if self.maximize else a < b)

    def on_search_start(self, n_trials, n_done):
        self._total, self._done = n_trials, n_done
        if self.use_tqdm is not False:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self._bar = tqdm(total=n_trials, initial=n_done, file=self.stream,
                                 desc="tune", unit="trial")
            elif self.use_tqdm:
                raise ImportError("LiveProgress(use_tqdm=True) needs tqdm: pip install tqdm")

    def _status(self):
        best = "-" if self._best is None else f"{self._best:.6g}"
        running = " ".join(
            f"#{i}" if e is None else f"#{i}@{e}={s:.4g}" for i, (e, s) in sorted(self._running.items())
        )
        return f"best={best}" + (f" running: {running}" if running else "")

    def _emit(self, line):
        if self._bar is not None:
            self._bar.set_postfix_str(self._status(), refresh=True)
        else:
            print(line, file=self.stream, flush=True)

    def on_trial_start(self, index, config):
        self._running[index] = (None, None)

    def on_epoch(self, index, epoch, score, metrics):
        self._running[index] = (epoch, score)
        self._emit(f"[tune] trial {index} epoch {epoch}: score={score:.6g}  ({self._status()})")

    def on_trial_end(self, trial):
        self._running.pop(trial.index, None)
        self._done += 1
        if trial.status == "ok" and self._better(trial.score, self._best):
            self._best = trial.score
        if self._bar is not None:
            self._bar.update(1)
        what = f"score={trial.score:.6g}" if trial.status == "ok" else trial.status
        if trial.status == "failed":
            what += f" ({trial.error})"
        self._emit(
            f"[tune] {self._done}/{self._total} trial {trial.index} {what} "
            f"in {trial.seconds:.2f}s  ({self._status()})"
        )

    def on_search_end(self, result):
        if self._bar is not None:
            self._bar.close()
            self._bar = None
