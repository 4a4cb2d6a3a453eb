"""Early stopping of trials that fall behind: the median rule.

A trial whose score at epoch k is worse than the median score at epoch k of the trials that
already finished is stopped ("pruned"), once it has made ``grace_period`` reports and at least
``min_trials`` finished trials reported epoch k.

The rule lives in the search's process.  Each trial takes a ``MedianSnapshot`` when it starts
(picklable, so it travels to worker processes and Dask workers); trials running side by side
therefore compare against the trials finished before they started.
"""

from __future__ import annotations

import math
import statistics

__all__ = ["MedianStoppingRule", "MedianSnapshot"]


class MedianSnapshot:
    """The medians per epoch at one moment, and the test a running trial applies."""

    def __init__(self, medians: dict, grace_period: int, maximize: bool):
        self.medians = dict(medians)
        self.grace_period = grace_period
        self.maximize = maximize

    def check(self, epoch, score, n_reports):
        if n_reports <= self.grace_period:
            return None
        median = self.medians.get(epoch)
        if median is None:
            return None
        if math.isnan(score):  # a diverged trial is behind any median
            return f"score is NaN (median of finished trials {median:.6g})"
        behind = score < median if self.maximize else score > median
        if behind:
            return f"score {score:.6g} is worse than the median {median:.6g} of finished trials"
        return None


class MedianStoppingRule:
    """Stop a trial whose score at epoch k is worse than the finished trials' median at k.

    grace_period: a trial's first ``grace_period`` reports are never pruned.
    min_trials: a median needs at least this many finished trials that reported that epoch.
    """

    def __init__(self, grace_period: int = 1, min_trials: int = 3):
        if grace_period < 0:
            raise ValueError(f"grace_period must be >= 0, got {grace_period!r}")
        if min_trials < 1:
            raise ValueError(f"min_trials must be >= 1, got {min_trials!r}")
        self.grace_period = int(grace_period)
        self.min_trials = int(min_trials)
        self._scores: dict = {}  # epoch -> scores of finished trials at that epoch

    def record(self, trial) -> None:
        """Add a finished trial's reported curve (only status "ok" trials count)."""
        if trial.status != "ok":
            return
        for epoch, score in trial.history:
            if score is not None and math.isfinite(score):
                self._scores.setdefault(_epoch_key(epoch), []).append(float(score))

    def medians(self) -> dict:
        return {
            e: statistics.median(s) for e, s in self._scores.items() if len(s) >= self.min_trials
        }

    def snapshot(self, maximize: bool) -> MedianSnapshot:
        return MedianSnapshot(self.medians(), self.grace_period, maximize)

    def __repr__(self):
        return f"MedianStoppingRule(grace_period={self.grace_period}, min_trials={self.min_trials})"


def _epoch_key(epoch):
    # epochs read back from JSON may be floats like 3.0; match them with the ints reported live
    if isinstance(epoch, float) and epoch.is_integer():
        return int(epoch)
    return epoch
