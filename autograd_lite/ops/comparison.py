"""Comparisons: elementwise, not differentiable, bool results (no Function, nothing recorded)."""
import numpy as np

from ..tensor import Tensor, _wrap


def _data(x):
    """The array behind a Tensor; anything else (a number, an array) as it is."""
    return x.data if isinstance(x, Tensor) else x


def lt(a, b):
    """``a < b``, elementwise (they broadcast): a bool tensor, never recorded.

    Args:
        a (Tensor or number): the first operand.
        b (Tensor or number): the second operand.
    """
    return _wrap(np.asarray(_data(a) < _data(b)))


def le(a, b):
    """``a <= b``, elementwise (they broadcast): a bool tensor, never recorded.

    Args:
        a (Tensor or number): the first operand.
        b (Tensor or number): the second operand.
    """
    return _wrap(np.asarray(_data(a) <= _data(b)))


def gt(a, b):
    """``a > b``, elementwise (they broadcast): a bool tensor, never recorded.

    Args:
        a (Tensor or number): the first operand.
        b (Tensor or number): the second operand.
    """
    return _wrap(np.asarray(_data(a) > _data(b)))


def ge(a, b):
    """``a >= b``, elementwise (they broadcast): a bool tensor, never recorded.

    Args:
        a (Tensor or number): the first operand.
        b (Tensor or number): the second operand.
    """
    return _wrap(np.asarray(_data(a) >= _data(b)))


def eq(a, b):
    """``a == b``, elementwise (they broadcast): a bool tensor, never recorded.

    Args:
        a (Tensor or number): the first operand.
        b (Tensor or number): the second operand.
    """
    return _wrap(np.asarray(_data(a) == _data(b)))


def ne(a, b):
    """``a != b``, elementwise (they broadcast): a bool tensor, never recorded.

    Args:
        a (Tensor or number): the first operand.
        b (Tensor or number): the second operand.
    """
    return _wrap(np.asarray(_data(a) != _data(b)))
