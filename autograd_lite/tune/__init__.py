"""Hyperparameter search: random search on the right scales, coarse to fine, many models in
parallel ("caviar") and babysitting one ("panda").  See docs/tune.md.

>>> from autograd_lite import tune
>>> space = {"lr": tune.LogUniform(1e-4, 1e-1), "beta": tune.OneMinusLogUniform(0.9, 0.999),
...          "hidden": tune.IntUniform(16, 128), "act": tune.Choice(["relu", "tanh"])}
>>> result = tune.random_search(objective, space, n_trials=30, seed=0, n_jobs=2,
...                             log_path="runs/search.jsonl")            # doctest: +SKIP
>>> print(result.table()); result.plot("search.png")                      # doctest: +SKIP

Depends only on numpy and the standard library at import time; Dask, matplotlib and tqdm
are imported by the functions that use them.
"""

from .callbacks import Callback, LiveProgress
from .early_stopping import MedianStoppingRule
from .reporter import Reporter, TrialPruned
from .result import SearchResult, Trial
from .search import coarse_to_fine, random_search
from .spaces import (
    Choice,
    IntUniform,
    LogUniform,
    OneMinusLogUniform,
    Space,
    Uniform,
    space_from_dict,
)

__all__ = [
    "Uniform",
    "LogUniform",
    "OneMinusLogUniform",
    "IntUniform",
    "Choice",
    "Space",
    "space_from_dict",
    "random_search",
    "coarse_to_fine",
    "SearchResult",
    "Trial",
    "Reporter",
    "TrialPruned",
    "Callback",
    "LiveProgress",
    "MedianStoppingRule",
]
