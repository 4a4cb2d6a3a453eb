"""Making tensors: from data, filled, ranges, and random (from the framework's seeded generator).

Every function takes PyTorch's ``device=`` keyword: "cpu" (or None) is accepted, any other
device raises (``device.check_device``). Sizes are ints or one tuple, as in PyTorch.
"""
import numpy as np

from . import dtypes, random
from .device import check_device
from .tensor import Tensor, _wrap


def _shape(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(size)


def _float_dtype(dtype):
    return dtypes.get_default_dtype() if dtype is None else dtypes.as_dtype(dtype)


def _finish(array, requires_grad, device=None, who="tensor"):
    check_device(device, who)
    return _wrap(array).requires_grad_(True) if requires_grad else _wrap(array)


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of ``data``; floats default to float32, ints to int64."""
    check_device(device, "tensor")
    return Tensor(data, dtype=None if dtype is None else dtypes.as_dtype(dtype, "tensor"),
                  requires_grad=requires_grad)


def from_numpy(array):
    """A tensor sharing memory with ``array`` (dtype kept)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return _wrap(array)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    """A tensor filled with 0.

    Args:
        *size (int or tuple of ints): the shape, as ints or one tuple.
        dtype (optional): the dtype; floating by default (``al.get_default_dtype()``).
        device (optional): "cpu" or None; another device raises.
        requires_grad (bool): record operations on the result. Default: False.
    """
    return _finish(np.zeros(_shape(size), dtype=_float_dtype(dtype)), requires_grad, device, "zeros")


def ones(*size, dtype=None, device=None, requires_grad=False):
    """A tensor filled with 1.

    Args:
        *size (int or tuple of ints): the shape, as ints or one tuple.
        dtype (optional): the dtype; floating by default (``al.get_default_dtype()``).
        device (optional): "cpu" or None; another device raises.
        requires_grad (bool): record operations on the result. Default: False.
    """
    return _finish(np.ones(_shape(size), dtype=_float_dtype(dtype)), requires_grad, device, "ones")


def empty(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of the given shape whose values are not initialised.

    Args:
        *size (int or tuple of ints): the shape, as ints or one tuple.
        dtype (optional): the dtype; floating by default (``al.get_default_dtype()``).
        device (optional): "cpu" or None; another device raises.
        requires_grad (bool): record operations on the result. Default: False.
    """
    return _finish(np.empty(_shape(size), dtype=_float_dtype(dtype)), requires_grad, device, "empty")


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of shape ``size`` filled with ``fill_value``.

    Without ``dtype``, an int ``fill_value`` gives int64 and a float the default dtype.

    Args:
        size (tuple of ints): the shape.
        fill_value (number): the value of every element.
        dtype (optional): the dtype.
        device (optional): "cpu" or None; another device raises.
        requires_grad (bool): record operations on the result. Default: False.
    """
    if dtype is None:
        dtype = np.asarray(fill_value).dtype
        dtype = dtypes.infer_dtype(np.empty(0, dtype))
    size = (size,) if isinstance(size, int) else tuple(size)
    return _finish(np.full(size, fill_value, dtype=dtype), requires_grad, device, "full")


def zeros_like(t, dtype=None, device=None, requires_grad=False):
    """A tensor of 0 with ``t``'s shape and (unless ``dtype`` is given) its dtype."""
    return full_like(t, 0, dtype, device, requires_grad)


def ones_like(t, dtype=None, device=None, requires_grad=False):
    """A tensor of 1 with ``t``'s shape and (unless ``dtype`` is given) its dtype."""
    return full_like(t, 1, dtype, device, requires_grad)


def empty_like(t, dtype=None, device=None, requires_grad=False):
    return full_like(t, 0, dtype, device, requires_grad)


def full_like(t, fill_value, dtype=None, device=None, requires_grad=False):
    dtype = t.dtype if dtype is None else dtypes.as_dtype(dtype, "full_like")
    return _finish(np.full(t.shape, fill_value, dtype=dtype), requires_grad, device, "full_like")


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """The values ``start, start + step, ...`` below ``end`` (``arange(n)``: 0 to n - 1).

    int64 when the values are integers, else the default floating dtype (as ``torch.arange``).

    Args:
        start (number): the first value, or the end when ``end`` is None.
        end (number, optional): the bound, not included.
        step (number): the spacing. Default: 1.
        dtype (optional): the dtype.
        device (optional): "cpu" or None; another device raises.
        requires_grad (bool): record operations on the result. Default: False.
    """
    if end is None:
        start, end = 0, start
    array = np.arange(start, end, step)
    dtype = dtypes.infer_dtype(array) if dtype is None else dtypes.as_dtype(dtype, "arange")
    return _finish(array.astype(dtype), requires_grad, device, "arange")


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    return _finish(np.linspace(start, end, int(steps)).astype(_float_dtype(dtype)), requires_grad,
                   device, "linspace")


def logspace(start, end, steps, base=10.0, dtype=None, device=None, requires_grad=False):
    """``base ** linspace(start, end, steps)``."""
    values = np.power(float(base), np.linspace(start, end, int(steps)))
    return _finish(values.astype(_float_dtype(dtype)), requires_grad, device, "logspace")


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """The ``n`` × ``m`` identity matrix (``m`` defaults to ``n``), in the default floating
    dtype unless ``dtype`` is given."""
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad, device, "eye")


def rand(*size, dtype=None, device=None, requires_grad=False, generator=None):
    """Uniform on [0, 1), from the generator that ``al.manual_seed`` seeds."""
    dtype = _float_dtype(dtype)
    return _finish(random.generator().random(_shape(size), dtype=np.float64).astype(dtype),
                   requires_grad, device, "rand")


def randn(*size, dtype=None, device=None, requires_grad=False, generator=None):
    """Standard normal, from the generator that ``al.manual_seed`` seeds."""
    dtype = _float_dtype(dtype)
    return _finish(random.generator().standard_normal(_shape(size)).astype(dtype), requires_grad,
                   device, "randn")


def rand_like(t, dtype=None, device=None, requires_grad=False):
    return rand(t.shape, dtype=t.dtype if dtype is None else dtype, device=device,
                requires_grad=requires_grad)


def randn_like(t, dtype=None, device=None, requires_grad=False):
    return randn(t.shape, dtype=t.dtype if dtype is None else dtype, device=device,
                 requires_grad=requires_grad)


def randint(low, high=None, size=None, dtype=None, device=None, requires_grad=False,
            generator=None):
    """Integers uniform on [low, high) (``randint(high, size)`` starts at 0), int64 by default."""
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint: size is required, e.g. randint(0, 10, (3,))")
    array = random.generator().integers(low, high, _shape((size,) if isinstance(size, int)
                                                          else tuple(size)))
    dtype = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype, "randint")
    return _finish(array.astype(dtype), requires_grad, device, "randint")


def randperm(n, dtype=None, device=None, requires_grad=False, generator=None):
    """A random permutation of 0 .. n−1 (int64)."""
    dtype = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype, "randperm")
    return _finish(random.generator().permutation(int(n)).astype(dtype), requires_grad, device,
                   "randperm")


def normal(mean=0.0, std=1.0, size=None, dtype=None, device=None, requires_grad=False,
           generator=None):
    """Normal draws: ``normal(mean, std, size)`` with numbers, or elementwise with tensor
    ``mean``/``std`` (broadcast, as PyTorch's tensor forms)."""
    mean_a = mean.data if isinstance(mean, Tensor) else np.asarray(mean, dtype=np.float64)
    std_a = std.data if isinstance(std, Tensor) else np.asarray(std, dtype=np.float64)
    if np.any(std_a < 0):
        raise RuntimeError("normal: std must be >= 0")
    shape = np.broadcast_shapes(mean_a.shape, std_a.shape) if size is None else \
        _shape((size,) if isinstance(size, int) else tuple(size))
    like = [x.dtype for x in (mean, std) if isinstance(x, Tensor)]
    dtype = (like[0] if like else _float_dtype(None)) if dtype is None else _float_dtype(dtype)
    draws = mean_a + std_a * random.generator().standard_normal(shape)
    return _finish(np.asarray(draws).astype(dtype), requires_grad, device, "normal")
