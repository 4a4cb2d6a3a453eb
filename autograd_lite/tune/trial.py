"""One trial of a search (``Trial``), its statuses, and the order that ranks trials.

The bottom of ``tune``: ``storage`` (the JSON-lines log), ``executors`` and ``result`` build on
it, so none of them has to import another for the record they share.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

__all__ = ["Trial", "OK", "FAILED", "PRUNED", "CRASHED", "sort_key"]

# crashed: the trial's worker process died (os._exit, segfault, out-of-memory kill) while the
# trial ran alone, so the trial itself is the cause
OK, FAILED, PRUNED, CRASHED = "ok", "failed", "pruned", "crashed"


@dataclass
class Trial:
    """One trial of a search.

    ``status`` is ``"ok"`` (finished, ``score`` set), ``"failed"`` (the objective raised or
    returned no usable score; ``error`` is ``"TypeName: message"`` and ``traceback`` the text),
    ``"crashed"`` (its worker process died while it ran alone), or ``"pruned"`` (early
    stopping; ``score`` is the last reported score).  ``history`` holds
    the ``[epoch, score]`` pairs the trial reported.
    """

    index: int
    config: dict
    score: float | None = None
    metrics: dict = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    status: str = OK
    round: int = 0
    history: list = field(default_factory=list)
    traceback: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == OK

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Trial":
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in names})


def sort_key(trial: Trial, maximize: bool):
    """The key that orders trials best first: ok trials by score, then pruned by score, then
    failed; ties by index (``SearchResult.sorted_trials`` and ``coarse_to_fine`` use it)."""
    rank = {OK: 0, PRUNED: 1}.get(trial.status, 2)
    s = trial.score
    if s is None or (isinstance(s, float) and math.isnan(s)):
        s = math.inf
    elif maximize:
        s = -s
    return (rank, s, trial.index)
