"""What a search returns: one ``Trial`` per sampled config, gathered in a ``SearchResult``."""

from __future__ import annotations

from .storage import TrialLog
from .trial import CRASHED, FAILED, OK, PRUNED, Trial, sort_key

__all__ = ["Trial", "SearchResult", "OK", "FAILED", "PRUNED", "CRASHED"]


class SearchResult:
    """The trials of a search (ordered by index), the best one, a table and a plot.

    ``space`` is the search space the search started from; ``spaces`` the one each round of
    ``coarse_to_fine`` sampled from (one entry for ``random_search``); ``seed`` the seed that
    repeats the search (drawn from the OS when none was given).
    """

    def __init__(self, trials, space=None, maximize=False, seed=None, spaces=None):
        self.trials = sorted(trials, key=lambda t: t.index)
        self.space = dict(space or {})
        self.maximize = bool(maximize)
        self.seed = seed
        self.spaces = list(spaces) if spaces is not None else [self.space]

    @property
    def best(self) -> Trial | None:
        """The finished (status "ok") trial with the best score, or None when none finished."""
        ok = [t for t in self.trials if t.ok]
        if not ok:
            return None
        return min(ok, key=lambda t: sort_key(t, self.maximize))

    @property
    def best_config(self) -> dict | None:
        best = self.best
        return None if best is None else dict(best.config)

    def sorted_trials(self) -> list:
        """Trials best first: finished ones by score, then pruned, then failed."""
        return sorted(self.trials, key=lambda t: sort_key(t, self.maximize))

    @property
    def failed(self) -> list:
        return [t for t in self.trials if t.status in (FAILED, CRASHED)]

    @property
    def pruned(self) -> list:
        return [t for t in self.trials if t.status == PRUNED]

    def table(self, limit: int | None = None) -> str:
        """A text table of the trials sorted by score (best first)."""
        from .report import format_table

        return format_table(self, limit=limit)

    def plot(self, path):
        """Write a PNG of score against each hyperparameter (log axes for log-scaled ones)."""
        from .report import plot_result

        return plot_result(self, path)

    @classmethod
    def from_jsonl(cls, path) -> "SearchResult":
        """Read a search's JSON-lines log (the last record of each trial index wins)."""
        from .spaces import validate_space

        header, trials = TrialLog(path).read()
        space = validate_space(header["space"]) if header and header.get("space") else {}
        by_index = {t.index: t for t in trials}
        return cls(
            list(by_index.values()),
            space=space,
            maximize=bool(header.get("maximize", False)) if header else False,
            seed=header.get("seed") if header else None,
        )

    def __len__(self):
        return len(self.trials)

    def __repr__(self):
        best = self.best
        b = "none" if best is None else f"#{best.index} score={best.score:.6g} {best.config}"
        n_fail, n_prune = len(self.failed), len(self.pruned)
        return (
            f"SearchResult({len(self.trials)} trials, {n_fail} failed, {n_prune} pruned, "
            f"best: {b})"
        )
