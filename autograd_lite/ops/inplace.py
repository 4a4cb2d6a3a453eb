"""In-place ops (``add_``, ``x[i] = v``, ...): not recorded, refused on a tensor that requires
grad while gradients are recorded, and each bumps the tensor's version counter so that a
backward which saved the old values raises instead of returning a wrong gradient."""
import numpy as np

from .. import grad_mode
from .. import random as al_random
from .comparison import _data
from .indexing import _prepare_index, is_basic, torch_order


def _check_inplace(t, op):
    if t.requires_grad and grad_mode.is_grad_enabled():
        kind = "a leaf tensor" if t._node is None else "a tensor"
        raise RuntimeError(
            f"{op}: in-place change of {kind} that requires grad while gradients are recorded. "
            f"Use the out-of-place form (x = x + y), or wrap parameter updates in al.no_grad().")


def _inplace(t, op, fn):
    _check_inplace(t, op)
    fn(t._data)
    t._version[0] += 1
    return t


def add_(t, other, *, alpha=1):
    """``t += alpha * other``, in place; returns ``t``.

    Not recorded. Raises a ``RuntimeError`` on a tensor that requires grad while gradients
    are recorded (use ``al.no_grad()``); bumps ``t``'s version, so that a backward which saved
    the old values raises instead of using them.

    Args:
        t (Tensor): the tensor to change.
        other (Tensor or number): the other operand, broadcast to ``t``'s shape.
    """
    other = _data(other) if alpha == 1 else _data(other) * alpha
    return _inplace(t, "add_", lambda d: np.add(d, other, out=d, casting="unsafe"))


def sub_(t, other, *, alpha=1):
    """``t -= alpha * other``, in place; returns ``t``.

    Not recorded. Raises a ``RuntimeError`` on a tensor that requires grad while gradients
    are recorded (use ``al.no_grad()``); bumps ``t``'s version, so that a backward which saved
    the old values raises instead of using them.

    Args:
        t (Tensor): the tensor to change.
        other (Tensor or number): the other operand, broadcast to ``t``'s shape.
    """
    other = _data(other) if alpha == 1 else _data(other) * alpha
    return _inplace(t, "sub_", lambda d: np.subtract(d, other, out=d, casting="unsafe"))


def mul_(t, other):
    """``t *= other``, in place; returns ``t``.

    Not recorded. Raises a ``RuntimeError`` on a tensor that requires grad while gradients
    are recorded (use ``al.no_grad()``); bumps ``t``'s version, so that a backward which saved
    the old values raises instead of using them.

    Args:
        t (Tensor): the tensor to change.
        other (Tensor or number): the other operand, broadcast to ``t``'s shape.
    """
    return _inplace(t, "mul_", lambda d: np.multiply(d, _data(other), out=d, casting="unsafe"))


def div_(t, other):
    """``t /= other``, in place; returns ``t``.

    Not recorded. Raises a ``RuntimeError`` on a tensor that requires grad while gradients
    are recorded (use ``al.no_grad()``); bumps ``t``'s version, so that a backward which saved
    the old values raises instead of using them.

    Args:
        t (Tensor): the tensor to change.
        other (Tensor or number): the other operand, broadcast to ``t``'s shape.
    """
    return _inplace(t, "div_", lambda d: np.divide(d, _data(other), out=d, casting="unsafe"))


def fill_(t, value):
    """Sets every element of ``t`` to ``value``, in place; returns ``t``.

    Not recorded. Raises a ``RuntimeError`` on a tensor that requires grad while gradients
    are recorded (use ``al.no_grad()``); bumps ``t``'s version, so that a backward which saved
    the old values raises instead of using them.

    Args:
        t (Tensor): the tensor to change.
        value (Tensor or number): the other operand, broadcast to ``t``'s shape.
    """
    return _inplace(t, "fill_", lambda d: d.fill(_data(value)))


def copy_(t, source):
    """Copies ``source`` into ``t``, in place; returns ``t``.

    Not recorded. Raises a ``RuntimeError`` on a tensor that requires grad while gradients
    are recorded (use ``al.no_grad()``); bumps ``t``'s version, so that a backward which saved
    the old values raises instead of using them.

    Args:
        t (Tensor): the tensor to change.
        source (Tensor or number): the other operand, broadcast to ``t``'s shape.
    """
    return _inplace(t, "copy_", lambda d: np.copyto(d, _data(source), casting="unsafe"))


def setitem_(t, index, value):
    """``t[index] = value`` (what ``Tensor.__setitem__`` calls), in place.

    Not recorded. Raises a ``RuntimeError`` on a tensor that requires grad while gradients
    are recorded (use ``al.no_grad()``); bumps ``t``'s version, so that a backward which saved
    the old values raises instead of using them.

    Args:
        t (Tensor): the tensor to change.
        index: as for ``getitem``.
        value (Tensor or number): broadcast to the indexed shape.
    """
    index = _prepare_index(index)
    value = _data(value)
    if not is_basic(index):
        index, int_dims = torch_order(index, t.ndim)
        if int_dims:  # the value fits PyTorch's shape: give it numpy's size-1 dims back
            full = t._data[index].shape
            value = np.broadcast_to(value, tuple(n for d, n in enumerate(full)
                                                 if d not in int_dims)).reshape(full)
    _inplace(t, "__setitem__", lambda d: d.__setitem__(index, value))


def zero_(t):
    """Sets every element of ``t`` to 0, in place; returns ``t`` (rules as ``fill_``)."""
    return _inplace(t, "zero_", lambda d: d.fill(0))


def clamp_(t, min=None, max=None):  # noqa: A002
    """Limits every element of ``t`` to [min, max], in place; returns ``t`` (rules as ``add_``)."""
    if min is None and max is None:
        raise RuntimeError("clamp_: at least one of min and max must be given")
    low = -np.inf if min is None else _data(min)
    high = np.inf if max is None else _data(max)
    return _inplace(t, "clamp_", lambda d: np.copyto(d, np.minimum(np.maximum(d, low), high),
                                                     casting="unsafe"))


def _float_target(t, op):
    if t.dtype.kind != "f":
        raise TypeError(f"{op}: needs a floating-point tensor, got {t.dtype}")


def uniform_(t, a=0.0, b=1.0, *, generator=None):
    """Fills ``t`` with values drawn uniformly from [a, b), in place; returns ``t``. Draws from
    the framework generator, so ``al.manual_seed`` repeats them (rules as ``fill_``)."""
    _float_target(t, "uniform_")
    rng = generator or al_random.generator()
    return _inplace(t, "uniform_", lambda d: np.copyto(d, rng.uniform(a, b, d.shape),
                                                       casting="unsafe"))


def normal_(t, mean=0.0, std=1.0, *, generator=None):
    """Fills ``t`` with values drawn from the normal distribution N(mean, std²), in place;
    returns ``t``. Draws from the framework generator (rules as ``fill_``)."""
    _float_target(t, "normal_")
    if std < 0:
        raise RuntimeError(f"normal_: std must be non-negative, got {std}")
    rng = generator or al_random.generator()
    return _inplace(t, "normal_", lambda d: np.copyto(d, rng.normal(mean, std, d.shape),
                                                      casting="unsafe"))


def masked_fill_(t, mask, value):
    """Sets the elements of ``t`` where the bool ``mask`` (broadcast to ``t``) is True to
    ``value``, in place; returns ``t`` (rules as ``fill_``)."""
    mask = _data(mask)
    if mask.dtype != np.bool_:
        raise TypeError(f"masked_fill_: mask must be a bool tensor, got {mask.dtype}")
    return _inplace(t, "masked_fill_", lambda d: np.copyto(d, _data(value), casting="unsafe",
                                                           where=np.broadcast_to(mask, d.shape)))
