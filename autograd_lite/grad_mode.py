"""Whether operations are recorded on the tape: ``no_grad``, ``enable_grad``, ``is_grad_enabled``.

Grad mode is per thread, as in PyTorch: ``no_grad`` in one thread does not stop another thread
from recording, and every new thread starts with grad mode on. The flag is a ``ContextVar``
(each thread has its own context; in Python <= 3.13 a new ``threading.Thread`` starts from an
empty one, so it sees the default, True). Its getter is read once per op
(``Function.apply``), so the choice is the cheapest thread-local read measured (CPython 3.11,
per read, timeit): a one-element list (the old process-wide flag) 16.5 ns, ``ContextVar.get``
22.7 ns, a ``threading.local`` attribute 51-57 ns. bench_overhead shows no difference between
the list and the ContextVar (see the issue 16 note).

Note ``asyncio`` tasks each run in a copy of the context, so a mode set inside a task stays in
that task, and that a thread started with ``contextvars.copy_context().run`` (or under Python
3.14's ``thread_inherit_context``) starts in its parent's mode.
"""
import contextvars
import functools

_enabled = contextvars.ContextVar("autograd_lite_grad_enabled", default=True)


def is_grad_enabled() -> bool:
    """Whether operations are being recorded for backward in this thread (False inside
    ``al.no_grad()``)."""
    return _enabled.get()


def set_grad_enabled(mode: bool) -> None:
    """Turn recording on or off (for this thread) until it is changed again."""
    _enabled.set(bool(mode))


class _GradMode:
    """Context manager and decorator that sets grad mode and restores the previous one."""

    mode = True

    def __enter__(self):
        self._previous = _enabled.get()
        _enabled.set(self.mode)
        return self

    def __exit__(self, *exc):
        _enabled.set(self._previous)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradMode):
    """Operations inside are not recorded: no graph, no saved tensors."""

    mode = False


class enable_grad(_GradMode):
    """Re-enables recording inside a ``no_grad`` block."""

    mode = True
