"""The trial's side of babysitting ("panda"): a ``Reporter`` the objective reports to.

An objective that takes a second argument, ``objective(config, reporter)``, gets one and calls
``reporter.report(epoch, score, **metrics)`` as it trains.  Each report is passed on to the
search's callbacks (live progress) and checked against the early-stopping rule; a trial that
falls behind is stopped by ``TrialPruned`` raised from ``report`` and recorded as "pruned".
"""

from __future__ import annotations

__all__ = ["Reporter", "TrialPruned"]


class TrialPruned(Exception):
    """Raised by ``Reporter.report`` to stop a trial the early-stopping rule gave up on.

    Let it propagate out of the objective (do not swallow it in a broad ``except``).
    """


class Reporter:
    """Receives a trial's per-epoch scores.

    ``stopper`` (optional) has ``check(epoch, score, n_reports) -> str | None`` and returns a
    reason when the trial should stop; ``sink`` (optional) has ``put(event)`` and receives
    ``("epoch", index, epoch, score, metrics)`` tuples for the search's callbacks.
    """

    def __init__(self, index: int, stopper=None, sink=None):
        self.index = index
        self.history: list = []  # [epoch, score] pairs
        self.last_metrics: dict = {}
        self._stopper = stopper
        self._sink = sink

    @property
    def last_score(self):
        return self.history[-1][1] if self.history else None

    def report(self, epoch, score, **metrics):
        """Record the score (and any metrics) at ``epoch``; raise ``TrialPruned`` when the
        early-stopping rule says this trial has fallen behind."""
        try:
            score = float(score)
        except (TypeError, ValueError):
            raise TypeError(f"reporter.report: score must be a number, got {score!r}") from None
        self.history.append([epoch, score])
        self.last_metrics = dict(metrics)
        if self._sink is not None:
            try:
                self._sink.put(("epoch", self.index, epoch, score, dict(metrics)))
            except Exception:  # a progress display must never break a trial
                pass
        if self._stopper is not None:
            reason = self._stopper.check(epoch, score, len(self.history))
            if reason:
                raise TrialPruned(f"trial {self.index} pruned at epoch {epoch}: {reason}")
