"""Give each trial its own thread count, so trials side by side do not oversubscribe cores.

Two layers, because a thread pool reads its size when its library first loads:

* ``thread_env(n)``: the environment variables BLAS/OpenMP/Numba read at load time.  Set in
  the search's process while it starts worker processes (they inherit them) and by the
  worker initializer, before the objective imports anything heavy.
* ``limit_threads(n)``: a context manager around each trial that also resizes pools already
  loaded: ``autograd_lite.set_num_threads`` when the framework has it, ``numba`` when it is
  imported, and ``threadpoolctl`` (BLAS, OpenMP) when it is installed.  Everything is
  restored afterwards, so a trial run in the search's own process leaves no trace.

Nothing here imports autograd_lite, numba or threadpoolctl unless it is already importable
and needed.
"""

from __future__ import annotations

import contextlib
import os
import sys

__all__ = ["THREAD_ENV_VARS", "thread_env", "set_thread_env", "limit_threads", "worker_initializer"]

THREAD_ENV_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "NUMBA_NUM_THREADS",
)


def thread_env(n: int) -> dict:
    return {name: str(int(n)) for name in THREAD_ENV_VARS}


@contextlib.contextmanager
def set_thread_env(n):
    """Set the thread variables in os.environ for the duration of the block (no-op for None)."""
    if n is None:
        yield
        return
    saved = {k: os.environ.get(k) for k in THREAD_ENV_VARS}
    os.environ.update(thread_env(n))
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def worker_initializer(n):
    """Initializer for worker processes that run only trials: set the variables for good."""
    if n is not None:
        os.environ.update(thread_env(n))


@contextlib.contextmanager
def limit_threads(n):
    """Run the block with at most ``n`` threads in the pools we can reach (no-op for None)."""
    if n is None:
        yield
        return
    n = max(1, int(n))
    with contextlib.ExitStack() as stack:
        stack.enter_context(set_thread_env(n))
        # autograd_lite's own switch, if the framework provides one
        al = sys.modules.get("autograd_lite")
        setter = getattr(al, "set_num_threads", None)
        if callable(setter):
            getter = getattr(al, "get_num_threads", None)
            before = getter() if callable(getter) else None
            try:
                setter(n)
            except Exception:
                pass
            else:
                if before is not None:
                    stack.callback(_quiet, setter, before)
        numba = sys.modules.get("numba")
        if numba is not None:
            try:
                before = numba.get_num_threads()
                numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
                stack.callback(_quiet, numba.set_num_threads, before)
            except Exception:
                pass
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            pass
        else:
            try:
                stack.enter_context(threadpool_limits(limits=n))
            except Exception:
                pass
        yield


def _quiet(fn, *args):
    try:
        fn(*args)
    except Exception:
        pass
