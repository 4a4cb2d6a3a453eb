"""Where trials run: in this process, in local worker processes, or on any executor.

``run_trial`` is the unit of work: it takes a picklable ``TrialTask`` and returns a ``Trial``,
catching the objective's errors so a failing trial is a record, never a crash.  A ``Runner``
hides the differences between the places it can run:

* serial (``n_jobs=1``, no executor): in this process, one trial at a time;
* ``n_jobs > 1``: a ``ProcessPoolExecutor`` with the "spawn" start method (safe with the
  threads numpy/Numba/Dask start; the objective must be picklable, i.e. defined at module top
  level), its workers started with per-trial thread variables;
* ``executor=``: anything with ``submit(fn, *args)`` returning futures: a
  ``concurrent.futures`` executor, or a Dask ``distributed.Client`` (its futures are waited on
  with ``distributed.wait``; trials are submitted with ``pure=False``).  Other future types
  are polled through ``done()``.
"""

from __future__ import annotations

import concurrent.futures as cf
import inspect
import os
import pickle
import queue as queue_mod
import time
import traceback as traceback_mod
from dataclasses import dataclass

from .reporter import Reporter, TrialPruned
from .trial import FAILED, OK, PRUNED, Trial
from .storage import to_jsonable
from .thread_limits import limit_threads, set_thread_env, worker_initializer

__all__ = ["TrialTask", "run_trial", "accepts_reporter", "make_runner", "Runner", "WorkerDied"]


class WorkerDied(Exception):
    """A trial's worker process died (the pool broke): which of the trials running then was
    the cause is not known, so the search reruns each of them alone (see ``_Session``)."""


@dataclass
class TrialTask:
    objective: object
    index: int
    config: dict
    round: int = 0
    threads: int | None = None
    stopper: object = None  # MedianSnapshot or None
    sink: object = None  # has put(event); a queue, or None
    pass_reporter: bool = False


def accepts_reporter(objective) -> bool:
    """True when the objective takes a reporter: a parameter named ``reporter``, or a second
    positional parameter without a default."""
    try:
        sig = inspect.signature(objective)
    except (TypeError, ValueError):
        return False
    params = list(sig.parameters.values())
    if any(p.name == "reporter" for p in params):
        return True
    positional = [
        p for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return len(positional) >= 2 and positional[1].default is inspect.Parameter.empty


def parse_output(out):
    """(score, metrics) from what the objective returned."""
    if isinstance(out, dict):
        if "score" not in out:
            raise TypeError(
                f"objective returned a dict without a 'score' key (keys: {sorted(map(str, out))})"
            )
        metrics = {str(k): to_jsonable(v) for k, v in out.items() if k != "score"}
        out = out["score"]
    else:
        metrics = {}
    if isinstance(out, bool):
        raise TypeError(f"objective must return a number or a dict with a 'score' key, got {out!r}")
    try:
        score = float(out)
    except (TypeError, ValueError):
        raise TypeError(
            f"objective must return a number or a dict with a 'score' key, got {out!r}"
        ) from None
    if score != score or score in (float("inf"), float("-inf")):
        raise ValueError(f"objective returned a non-finite score ({score})")
    return score, metrics


def run_trial(task: TrialTask) -> Trial:
    """Run one trial and return its record; the objective's exceptions become the record."""
    reporter = Reporter(task.index, task.stopper, task.sink)
    config = dict(task.config)
    score, metrics, error, tb, status = None, {}, None, None, OK
    start = time.perf_counter()
    try:
        with limit_threads(task.threads):
            if task.pass_reporter:
                out = task.objective(config, reporter)
            else:
                out = task.objective(config)
        score, metrics = parse_output(out)
    except TrialPruned as exc:
        status, error = PRUNED, str(exc)
        score = reporter.last_score
        metrics = {str(k): to_jsonable(v) for k, v in reporter.last_metrics.items()}
    except (Exception, SystemExit) as exc:  # sys.exit() in an objective fails the trial only
        status = FAILED
        error = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, SystemExit):
            error = f"SystemExit: the objective called sys.exit({exc.code!r})"
        tb = traceback_mod.format_exc()
    seconds = time.perf_counter() - start
    return Trial(
        index=task.index,
        config=dict(task.config),
        score=score,
        metrics=metrics,
        seconds=seconds,
        error=error,
        status=status,
        round=task.round,
        history=[list(h) for h in reporter.history],
        traceback=tb,
    )


def infrastructure_failure(task: TrialTask, exc: BaseException, seconds=0.0,
                           status=FAILED) -> Trial:
    """The record of a trial whose worker, not its objective, failed (pool broken, worker
    killed, objective not picklable...); ``status`` CRASHED when its worker died."""
    return Trial(
        index=task.index,
        config=dict(task.config),
        seconds=seconds,
        error=f"{type(exc).__name__}: {exc}",
        status=status,
        round=task.round,
        traceback="".join(traceback_mod.format_exception(exc)),
    )


class _DirectSink:
    """Epoch events of trials run in this process: handed straight to a callback function."""

    def __init__(self, fn):
        self.fn = fn

    def put(self, event):
        self.fn(event)


class Runner:
    """Uniform submit / wait / events over the places trials can run."""

    #: how many trials may be submitted at once (None: no limit)
    window = None
    #: passed to tasks as their event sink (picklable where tasks leave this process)
    sink = None

    def submit(self, task):
        raise NotImplementedError

    def wait(self, futures, timeout):
        """The subset of ``futures`` that is done, waiting up to ``timeout`` for one."""
        raise NotImplementedError

    def result(self, future, task) -> Trial:
        try:
            return future.result()
        except Exception as exc:  # the worker failed, not the objective
            return infrastructure_failure(task, exc)

    def drain_events(self):
        return []

    def cancel(self, futures):
        for f in futures:
            try:
                f.cancel()
            except Exception:
                pass

    def close(self, cancel=False):
        pass


class SerialRunner(Runner):
    window = 1

    def __init__(self, on_event):
        self.sink = _DirectSink(on_event)

    def submit(self, task):
        fut = cf.Future()
        fut.set_result(run_trial(task))
        return fut

    def wait(self, futures, timeout):
        return set(futures)


class FuturesRunner(Runner):
    """A concurrent.futures executor, ours (a spawn process pool) or the caller's."""

    def __init__(self, executor, window=None, own_pool=None, events=None):
        self.executor = executor
        self.window = window
        self._own = own_pool  # (n_jobs, threads) when we made the pool and may remake it
        self._events = events  # (manager, queue) carrying epoch events from workers
        self.sink = events[1] if events else None
        self._pool_of = {}  # future -> the pool it was submitted to (our own pools only)

    def submit(self, task):
        if self._own is not None:
            # spawned workers inherit the environment at the moment they start (on submit)
            with set_thread_env(task.threads):
                future = self.executor.submit(run_trial, task)
            self._pool_of[future] = self.executor
            return future
        return self.executor.submit(run_trial, task)

    def result(self, future, task) -> Trial:
        """The trial; raises ``WorkerDied`` when a worker of our pool died (the pool is
        replaced once, by the first of its futures to report it)."""
        from concurrent.futures.process import BrokenProcessPool

        pool = self._pool_of.pop(future, None)
        try:
            return future.result()
        except BrokenProcessPool as exc:
            if pool is None:
                return infrastructure_failure(task, exc)
            if pool is self.executor:
                self.executor.shutdown(wait=False, cancel_futures=True)
                self.executor = _process_pool(*self._own)
            raise WorkerDied(exc) from exc
        except Exception as exc:  # the worker failed, not the objective
            return infrastructure_failure(task, exc)

    def wait(self, futures, timeout):
        done, _ = cf.wait(futures, timeout=timeout, return_when=cf.FIRST_COMPLETED)
        return done

    def drain_events(self):
        if self.sink is None:
            return []
        events = []
        while True:
            try:
                events.append(self.sink.get_nowait())
            except (queue_mod.Empty, EOFError, OSError):
                return events

    def close(self, cancel=False):
        if self._own is not None:
            self.executor.shutdown(wait=True, cancel_futures=cancel)
        if self._events is not None and self._events[0] is not None:
            self._events[0].shutdown()


class DaskRunner(Runner):
    """A dask.distributed Client: submit with pure=False, wait with distributed.wait."""

    def __init__(self, client, window=None):
        self.client = client
        self.window = window

    def submit(self, task):
        return self.client.submit(run_trial, task, pure=False)

    def wait(self, futures, timeout):
        from distributed import wait as dask_wait

        try:
            dask_wait(list(futures), timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            pass
        except Exception as exc:  # distributed's own TimeoutError on older releases
            if "timeout" not in type(exc).__name__.lower():
                raise
        return {f for f in futures if f.done()}


class PollingRunner(Runner):
    """Any object with submit() whose futures have done() and result()."""

    def __init__(self, executor, window=None):
        self.executor = executor
        self.window = window

    def submit(self, task):
        return self.executor.submit(run_trial, task)

    def wait(self, futures, timeout):
        deadline = time.monotonic() + (timeout if timeout is not None else 1e9)
        while True:
            done = {f for f in futures if f.done()}
            if done or time.monotonic() >= deadline:
                return done
            time.sleep(0.01)


def _process_pool(n_jobs, threads):
    import multiprocessing

    return cf.ProcessPoolExecutor(
        max_workers=n_jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=worker_initializer,
        initargs=(threads,),
    )


def _is_dask_client(executor) -> bool:
    return type(executor).__module__.split(".")[0] == "distributed" and hasattr(executor, "scheduler_info")


def _worker_count(executor):
    if _is_dask_client(executor):
        try:
            return max(1, sum(executor.nthreads().values()))
        except Exception:
            return None
    n = getattr(executor, "_max_workers", None)
    return n if isinstance(n, int) and n > 0 else None


def default_threads(n_jobs: int) -> int:
    return max(1, (os.cpu_count() or 1) // max(1, n_jobs))


def make_runner(objective, executor=None, n_jobs=1, threads=None, need_window=False,
                max_pending=None, want_events=False, on_event=None) -> Runner:
    """Pick the runner for these arguments.

    need_window: early stopping is on, so trials should be submitted only as workers free up
    (each starts with the medians known at that moment).  want_events: some callback wants
    per-epoch events, so worker processes get a queue to send them through.
    """
    if executor is not None:
        if not hasattr(executor, "submit"):
            raise TypeError(
                f"executor must have a submit() method (a concurrent.futures executor or a "
                f"dask.distributed Client), got {type(executor).__name__}"
            )
        window = max_pending
        if window is None and need_window:
            window = _worker_count(executor)
        if _is_dask_client(executor):
            return DaskRunner(executor, window)
        if isinstance(executor, cf.Executor):
            events = None
            if want_events and isinstance(executor, cf.ThreadPoolExecutor):
                events = (None, queue_mod.Queue())
            return FuturesRunner(executor, window, events=events)
        return PollingRunner(executor, window)
    if n_jobs == 1:
        return SerialRunner(on_event)
    try:
        pickle.dumps(objective)
    except Exception as exc:
        raise TypeError(
            f"n_jobs={n_jobs} runs trials in worker processes, so the objective must be "
            f"picklable: define it at module top level (not a lambda or a nested function). "
            f"Pickling failed with {type(exc).__name__}: {exc}"
        ) from exc
    events = None
    if want_events:
        import multiprocessing

        manager = multiprocessing.get_context("spawn").Manager()
        events = (manager, manager.Queue())
    pool = _process_pool(n_jobs, threads)
    return FuturesRunner(pool, max_pending or n_jobs, own_pool=(n_jobs, threads), events=events)
