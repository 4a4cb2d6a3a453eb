"""Python side effects that ``al.compile`` must replay: the framework functions that change
state outside the ops (gradients cleared, parameters updated, running statistics, learning
rates) are marked ``@replayable``; while a thread records (``autograd_lite.compile``), a call
of one is recorded as a step and replayed as the same call. Outside a recording the wrapper
costs one dict truthiness test per call (these are per-step functions, not per-op ones).

Here, below every other module, so that tensor.py, nn and optim can use it without importing
the compile package.
"""
import functools
import threading

#: thread id -> the recorder of that thread (set by ``compile.capture.recording``)
RECORDERS = {}


def replayable(changes=None):
    """Mark a function whose effect is outside the ops. ``changes(*args, **kwargs)`` names the
    tensors it changes in place (so the recording knows their version moves for a reason)."""
    def mark(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if RECORDERS:
                rec = RECORDERS.get(threading.get_ident())
                if rec is not None:
                    return rec.record_call(fn, args, kwargs, changes)
            return fn(*args, **kwargs)
        wrapper.replays = fn
        return wrapper
    return mark


def not_replayable(cause):
    """Called where a value is read in Python in a way that a replay would bake in: a
    recording in this thread fails with ``cause`` (the call itself goes on eagerly)."""
    if RECORDERS:
        rec = RECORDERS.get(threading.get_ident())
        if rec is not None:
            rec.fail(cause)
