"""Whether operations are recorded on the tape: ``no_grad``, ``enable_grad``, ``is_grad_enabled``.

The flag is process-global (a one-element list read on every op), which is what the per-op
overhead budget allows; autograd_lite does not record from several threads at once.
"""
import functools

_enabled = [True]


def is_grad_enabled() -> bool:
    """Whether operations are being recorded for backward (False inside ``al.no_grad()``)."""
    return _enabled[0]


def set_grad_enabled(mode: bool) -> None:
    """Turn recording on or off (for the whole process) until it is changed again."""
    _enabled[0] = bool(mode)


class _GradMode:
    """Context manager and decorator that sets grad mode and restores the previous one."""

    mode = True

    def __enter__(self):
        self._previous = _enabled[0]
        _enabled[0] = self.mode
        return self

    def __exit__(self, *exc):
        _enabled[0] = self._previous
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
