"""Making tensors: from data, filled, ranges, and random (from the framework's seeded generator)."""
import numpy as np

from . import dtypes, random
from .tensor import Tensor, _wrap


def _shape(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(size)


def _float_dtype(dtype):
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


def _finish(array, requires_grad):
    return _wrap(array).requires_grad_(True) if requires_grad else _wrap(array)


def tensor(data, dtype=None, requires_grad=False):
    """A new tensor holding a copy of ``data``; floats default to float32, ints to int64."""
    return Tensor(data, dtype=dtype, requires_grad=requires_grad)


def from_numpy(array):
    """A tensor sharing memory with ``array`` (dtype kept)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return _wrap(array)


def zeros(*size, dtype=None, requires_grad=False):
    """A tensor filled with 0.

    Args:
        *size (int or tuple of ints): the shape, as ints or one tuple.
        dtype (optional): the dtype; floating by default (``al.get_default_dtype()``).
        requires_grad (bool): record operations on the result. Default: False.
    """
    return _finish(np.zeros(_shape(size), dtype=_float_dtype(dtype)), requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    """A tensor filled with 1.

    Args:
        *size (int or tuple of ints): the shape, as ints or one tuple.
        dtype (optional): the dtype; floating by default (``al.get_default_dtype()``).
        requires_grad (bool): record operations on the result. Default: False.
    """
    return _finish(np.ones(_shape(size), dtype=_float_dtype(dtype)), requires_grad)


def empty(*size, dtype=None, requires_grad=False):
    """A tensor of the given shape whose values are not initialised.

    Args:
        *size (int or tuple of ints): the shape, as ints or one tuple.
        dtype (optional): the dtype; floating by default (``al.get_default_dtype()``).
        requires_grad (bool): record operations on the result. Default: False.
    """
    return _finish(np.empty(_shape(size), dtype=_float_dtype(dtype)), requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    """A tensor of shape ``size`` filled with ``fill_value``.

    Without ``dtype``, an int ``fill_value`` gives int64 and a float the default dtype.

    Args:
        size (tuple of ints): the shape.
        fill_value (number): the value of every element.
        dtype (optional): the dtype.
        requires_grad (bool): record operations on the result. Default: False.
    """
    if dtype is None:
        dtype = np.asarray(fill_value).dtype
        dtype = dtypes.infer_dtype(np.empty(0, dtype))
    return _finish(np.full(tuple(size), fill_value, dtype=dtype), requires_grad)


def zeros_like(t, dtype=None, requires_grad=False):
    """A tensor of 0 with ``t``'s shape and (unless ``dtype`` is given) its dtype."""
    return _finish(np.zeros(t.shape, dtype=t.dtype if dtype is None else dtype), requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    """A tensor of 1 with ``t``'s shape and (unless ``dtype`` is given) its dtype."""
    return _finish(np.ones(t.shape, dtype=t.dtype if dtype is None else dtype), requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """The values ``start, start + step, ...`` below ``end`` (``arange(n)``: 0 to n - 1).

    int64 when the values are integers, else the default floating dtype (as ``torch.arange``).

    Args:
        start (number): the first value, or the end when ``end`` is None.
        end (number, optional): the bound, not included.
        step (number): the spacing. Default: 1.
        dtype (optional): the dtype.
        requires_grad (bool): record operations on the result. Default: False.
    """
    if end is None:
        start, end = 0, start
    array = np.arange(start, end, step)
    dtype = dtypes.infer_dtype(array) if dtype is None else dtype
    return _finish(array.astype(dtype), requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False):
    """The ``n`` × ``m`` identity matrix (``m`` defaults to ``n``), in the default floating
    dtype unless ``dtype`` is given."""
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def rand(*size, dtype=None, requires_grad=False):
    """Uniform on [0, 1), from the generator that ``al.manual_seed`` seeds."""
    dtype = _float_dtype(dtype)
    return _finish(random.generator().random(_shape(size), dtype=np.float64).astype(dtype),
                   requires_grad)


def randn(*size, dtype=None, requires_grad=False):
    """Standard normal, from the generator that ``al.manual_seed`` seeds."""
    dtype = _float_dtype(dtype)
    return _finish(random.generator().standard_normal(_shape(size)).astype(dtype), requires_grad)
