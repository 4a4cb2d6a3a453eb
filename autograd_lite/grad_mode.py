"""Whether operations are recorded on the tape: ``no_grad``, ``enable_grad``, ``is_grad_enabled``.

Grad mode is per thread, as in PyTorch: ``no_grad`` in one thread does not stop another thread
from recording, and every new thread starts with grad mode on. Each thread's flag is a
one-element list held in a ``ContextVar`` (each thread has its own context; in Python <= 3.13
a new ``threading.Thread`` starts from an empty one, so it reads the default list, which is
never written, until its first ``no_grad`` or ``set_grad_enabled`` gives it a list of its own).

Why a list in a ContextVar: the flag is read once per op (``Function.apply``) and set twice per
``no_grad`` block (and per node whose backward runs on Tensors), so both must be cheap.
Measured (CPython 3.11, timeit, ns, machine shared): read: ``var.get(default)[0]`` 27,
``ContextVar.get()`` 45, a ``threading.local`` attribute 51-96, the old process-wide list 16-32;
set and restore: the list in place 51, ``ContextVar.set`` + ``reset`` 211 (it was +0.4 µs a
``no_grad`` block, +23 % on bench_overhead's no-grad forward).

Note ``asyncio`` tasks of one thread share that thread's list (grad mode is per thread, not
per task, as PyTorch's), and a thread started with ``contextvars.copy_context().run`` (or under
Python 3.14's ``thread_inherit_context``) shares its parent's list until it sets a mode.
"""
import contextvars
import functools

_flags = contextvars.ContextVar("autograd_lite_grad_enabled")
#: what a thread reads before it sets a mode: grad mode on (never written)
DEFAULT = (True,)


def _own_flags():
    """This thread's one-element list, created on its first write."""
    flags = _flags.get(None)
    if flags is None:
        flags = [True]
        _flags.set(flags)
    return flags


def is_grad_enabled() -> bool:
    """Whether operations are being recorded for backward in this thread (False inside
    ``al.no_grad()``)."""
    return _flags.get(DEFAULT)[0]


def set_grad_enabled(mode: bool) -> None:
    """Turn recording on or off (for this thread) until it is changed again."""
    _own_flags()[0] = bool(mode)


class _GradMode:
    """Context manager and decorator that sets grad mode and restores the previous one."""

    mode = True

    def __enter__(self):
        flags = self._flags = _own_flags()
        self._previous = flags[0]
        flags[0] = self.mode
        return self

    def __exit__(self, *exc):
        self._flags[0] = self._previous
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
