"""Random search and coarse-to-fine search (the course's "tuning process").

Both sample every config up front from the seed (trial i of round r draws from its own
``SeedSequence(seed, spawn_key=(r, i))``), so a seeded search repeats exactly whether its
trials run serially, in local processes or on a cluster, and a longer search starts with the
same trials as a shorter one.
"""

from __future__ import annotations

import functools
import numbers

import numpy as np

from .callbacks import Callback, LiveProgress, wants_epochs
from .early_stopping import MedianStoppingRule
from .executors import (TrialTask, WorkerDied, accepts_reporter, default_threads,
                        infrastructure_failure, make_runner)
from .result import SearchResult
from .spaces import sample_config, shrink_space, space_to_dict, validate_space
from .storage import TrialLog, canonical_config
from .trial import CRASHED, FAILED, OK, sort_key

__all__ = ["random_search", "coarse_to_fine"]


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _resolve_seed(seed, header):
    if seed is None and header is not None and header.get("seed") is not None:
        return header["seed"]  # resuming an unseeded search: repeat its configs
    if seed is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
    return int(seed)


def objective_args(objective) -> str:
    """The arguments bound to an objective (``functools.partial``: the config's
    ``objective_args``), as canonical text; "{}" for none. A resumed search must have the
    same ones, since trials are keyed on (index, config) only. The function itself may change
    (fixing its bug and rerunning failed trials is the point of ``retry_failed``)."""
    args, kwargs = (), {}
    while isinstance(objective, functools.partial):
        args, kwargs = objective.args + args, {**objective.keywords, **kwargs}
        objective = objective.func
    return canonical_config({"args": list(args), **kwargs} if args else kwargs)


def _rerun_on_resume(trial, retry_failed):
    """Trials a resumed search runs again: failed ones when asked, and those a dead worker
    took down beside it in logs written before crashed trials were told apart."""
    if trial.status in (FAILED, CRASHED) and retry_failed:
        return True
    return trial.status == FAILED and (trial.error or "").startswith("BrokenProcessPool")


def _configs(space, seed, round_, start, n):
    return [
        sample_config(space, np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(round_, i))))
        for i in range(start, start + n)
    ]


class _Session:
    """One search's machinery: runner, log, callbacks, early stopping, resumed trials."""

    def __init__(self, objective, space, *, seed, maximize, executor, n_jobs, log_path, resume,
                 callbacks, early_stopping, progress, threads_per_trial, retry_failed,
                 max_pending, mode):
        if not callable(objective):
            raise TypeError(f"objective must be callable, got {type(objective).__name__}")
        self.objective = objective
        self.space = validate_space(space)
        self.maximize = bool(maximize)
        n_jobs = _check_int("n_jobs", n_jobs, 1)
        if executor is not None and n_jobs != 1:
            raise ValueError("give either executor= or n_jobs > 1, not both")
        if early_stopping is True:
            early_stopping = MedianStoppingRule()
        if early_stopping is not None and not hasattr(early_stopping, "snapshot"):
            raise TypeError("early_stopping must be a MedianStoppingRule (or True for the default)")
        self.rule = early_stopping
        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks must be Callback instances, got {type(cb).__name__}")
        if progress:
            self.callbacks.append(LiveProgress(maximize=self.maximize))
        if threads_per_trial is None and executor is None and n_jobs > 1:
            threads_per_trial = default_threads(n_jobs)
        self.threads = threads_per_trial
        self.retry_failed = retry_failed

        # the log: read what a previous run left, then append
        self.log = TrialLog(log_path) if log_path is not None else None
        header, previous = (None, [])
        if self.log is not None and resume:
            header, previous = self.log.read()
            if header is not None and "maximize" in header and bool(header["maximize"]) != self.maximize:
                raise ValueError(
                    f"{log_path} holds a search with maximize={header['maximize']}; this one has "
                    f"maximize={self.maximize}. Use another log_path (or resume=False)."
                )
            # trials are keyed on (index, config); other objective arguments (epochs 3 -> 6)
            # would make them other trials, so refuse to mix them
            bound = objective_args(objective)
            if header is not None and header.get("objective_args", bound) != bound:
                raise ValueError(
                    f"{log_path} holds trials run with objective_args {header['objective_args']}"
                    f"; this search has {bound}. Use another log path, or start the log over "
                    f"(--fresh, resume=False)."
                )
        elif self.log is not None and not resume:
            import os

            if os.path.exists(self.log.path):
                os.remove(self.log.path)
        self.seed = _resolve_seed(seed, header)
        self.done = {}
        for t in previous:  # a later record of the same (index, config) wins
            if _rerun_on_resume(t, retry_failed):
                continue
            self.done[(t.index, canonical_config(t.config))] = t
        if self.log is not None:
            self.log.open({"seed": self.seed, "maximize": self.maximize, "mode": mode,
                           "objective_args": objective_args(objective),
                           "space": space_to_dict(self.space)})

        self.pass_reporter = accepts_reporter(objective)
        self.runner = make_runner(
            objective, executor=executor, n_jobs=n_jobs, threads=self.threads,
            need_window=self.rule is not None, max_pending=max_pending,
            want_events=wants_epochs(self.callbacks), on_event=self._dispatch_event,
        )

    # callbacks -------------------------------------------------------------------------
    def _call(self, name, *args):
        for cb in self.callbacks:
            getattr(cb, name)(*args)

    def _dispatch_event(self, event):
        _, index, epoch, score, metrics = event
        self._call("on_epoch", index, epoch, score, metrics)

    def start(self, n_trials):
        self._call("on_search_start", n_trials, min(n_trials, len(self.done)))

    # running ---------------------------------------------------------------------------
    def run_round(self, round_, start_index, configs):
        """Run one batch of configs (skipping those the log already holds); Trials by index."""
        trials, todo = {}, []
        for k, config in enumerate(configs):
            index = start_index + k
            old = self.done.get((index, canonical_config(config)))
            if old is not None:
                old.config = dict(config)  # the in-memory values, not their JSON text
                trials[index] = old
                if self.rule is not None:
                    self.rule.record(old)
            else:
                todo.append(TrialTask(self.objective, index, config, round_, self.threads,
                                      sink=None, pass_reporter=self.pass_reporter))
        todo.reverse()  # pop() from the end gives index order
        # When a worker dies, every trial then running fails with it; each of them (a
        # "suspect") is run again alone, and one that kills its worker alone is CRASHED.
        running, suspects, alone = {}, [], None
        try:
            while todo or suspects or running:
                if alone is None and suspects and not running:
                    alone = suspects.pop(0)
                    self._submit(alone, running)
                while alone is None and not suspects and todo and (
                        self.runner.window is None or len(running) < self.runner.window):
                    self._submit(todo.pop(), running)
                done = self.runner.wait(set(running), timeout=0.1)
                for event in self.runner.drain_events():
                    self._dispatch_event(event)
                for fut in sorted(done, key=lambda f: running[f].index):
                    task = running.pop(fut)
                    try:
                        trial = self.runner.result(fut, task)
                    except WorkerDied as exc:
                        if task is not alone:
                            suspects.append(task)
                            continue
                        trial = infrastructure_failure(task, exc.__cause__ or exc,
                                                       status=CRASHED)
                    if task is alone:
                        alone = None
                    trial.config = dict(task.config)
                    trials[trial.index] = trial
                    if self.rule is not None:
                        self.rule.record(trial)
                    if self.log is not None:
                        self.log.append(trial)
                    self._call("on_trial_end", trial)
        except BaseException:
            self.runner.cancel(list(running))
            self.close(cancel=True)
            raise
        for event in self.runner.drain_events():
            self._dispatch_event(event)
        return [trials[i] for i in sorted(trials)]

    def _submit(self, task, running):
        if self.rule is not None:
            task.stopper = self.rule.snapshot(self.maximize)
        task.sink = self.runner.sink
        self._call("on_trial_start", task.index, task.config)
        running[self.runner.submit(task)] = task

    def close(self, cancel=False):
        if getattr(self, "_closed", False):
            return
        self._closed = True
        try:
            self.runner.close(cancel=cancel)
        finally:
            if self.log is not None:
                self.log.close()


def random_search(objective, space, n_trials, seed=None, executor=None, maximize=False, *,
                  n_jobs=1, log_path=None, resume=True, callbacks=None, early_stopping=None,
                  progress=False, threads_per_trial=None, retry_failed=False,
                  max_pending=None) -> SearchResult:
    """Sample ``n_trials`` configs from ``space`` at random and score each with ``objective``.

    objective: ``objective(config) -> float`` or a dict with a ``"score"`` key (the other keys
        are kept as metrics); ``objective(config, reporter)`` to report per-epoch scores
        (``reporter.report(epoch, score, **metrics)``) for progress and early stopping.
        Lower is better unless ``maximize=True``.
    space: dict of name -> Space (Uniform, LogUniform, OneMinusLogUniform, IntUniform,
        Choice, or their dict form) or a constant.
    seed: an int repeats the search exactly; None draws one (kept in ``result.seed`` and the
        log header; resuming an unseeded search from its log reuses it).
    executor: any concurrent.futures-style executor or a dask.distributed Client.
    n_jobs: >1 runs trials in that many local worker processes (the objective must be
        picklable).  Each trial's thread count is ``threads_per_trial`` (default: cores //
        n_jobs with n_jobs > 1, untouched otherwise).
    log_path: JSON-lines file each trial is appended to as it finishes; with ``resume=True``
        trials the file already holds (same index and config) are not run again; failed ones
        are run again only with ``retry_failed=True``.  ``resume=False`` starts the file over.
    early_stopping: a MedianStoppingRule (or True for the default one).
    callbacks: Callback instances; ``progress=True`` adds a LiveProgress display.
    max_pending: most trials submitted to an executor at once (default: all, or the worker
        count when early stopping is on).

    A trial that raises is recorded with its error and the search goes on.
    """
    n_trials = _check_int("n_trials", n_trials, 0)
    session = _Session(
        objective, space, seed=seed, maximize=maximize, executor=executor, n_jobs=n_jobs,
        log_path=log_path, resume=resume, callbacks=callbacks, early_stopping=early_stopping,
        progress=progress, threads_per_trial=threads_per_trial, retry_failed=retry_failed,
        max_pending=max_pending, mode="random_search",
    )
    try:
        session.start(n_trials)
        configs = _configs(session.space, session.seed, 0, 0, n_trials)
        trials = session.run_round(0, 0, configs)
    finally:
        session.close()
    result = SearchResult(trials, space=session.space, maximize=session.maximize, seed=session.seed)
    session._call("on_search_end", result)
    return result


def coarse_to_fine(objective, space, rounds, n_trials, keep_top, seed=None, executor=None,
                   maximize=False, *, margin=0.1, n_jobs=1, log_path=None, resume=True,
                   callbacks=None, early_stopping=None, progress=False, threads_per_trial=None,
                   retry_failed=False, max_pending=None) -> SearchResult:
    """Random search in ``rounds`` rounds of ``n_trials`` trials, zooming in between rounds.

    After each round the ``keep_top`` best finished trials so far are kept and every numeric
    range shrinks, on its own scale (log for LogUniform, log of 1-beta for
    OneMinusLogUniform), to the span of their values plus ``margin`` times the current width
    on each side, clipped to the current range.  Choice and constants stay as they are.  A round
    with no finished trial leaves the space unchanged.  ``n_trials`` may be a list, one count
    per round.  The result holds every round's trials (``trial.round``) and the space each
    round sampled from (``result.spaces``).  Other arguments are random_search's.
    """
    rounds = _check_int("rounds", rounds, 1)
    if isinstance(n_trials, (list, tuple)):
        if len(n_trials) != rounds:
            raise ValueError(f"n_trials has {len(n_trials)} entries for {rounds} rounds")
        counts = [_check_int("n_trials", n, 1) for n in n_trials]
    else:
        counts = [_check_int("n_trials", n_trials, 1)] * rounds
    keep_top = _check_int("keep_top", keep_top, 1)
    if not (isinstance(margin, numbers.Real) and margin >= 0):
        raise ValueError(f"margin must be a number >= 0, got {margin!r}")
    session = _Session(
        objective, space, seed=seed, maximize=maximize, executor=executor, n_jobs=n_jobs,
        log_path=log_path, resume=resume, callbacks=callbacks, early_stopping=early_stopping,
        progress=progress, threads_per_trial=threads_per_trial, retry_failed=retry_failed,
        max_pending=max_pending, mode="coarse_to_fine",
    )
    all_trials, spaces = [], []
    current = session.space
    try:
        session.start(sum(counts))
        start = 0
        for r, n in enumerate(counts):
            if r > 0:
                finished = sorted((t for t in all_trials if t.status == OK),
                                  key=lambda t: sort_key(t, session.maximize))
                top = finished[:keep_top]
                current = shrink_space(current, [t.config for t in top], margin)
            spaces.append(current)
            configs = _configs(current, session.seed, r, 0, n)
            all_trials += session.run_round(r, start, configs)
            start += n
    finally:
        session.close()
    result = SearchResult(all_trials, space=session.space, maximize=session.maximize,
                          seed=session.seed, spaces=spaces)
    session._call("on_search_end", result)
    return result
