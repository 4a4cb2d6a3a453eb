"""Reductions over dims (None, an int, negative, or a tuple), with keepdim."""
import builtins
from collections import namedtuple

import numpy as np

from ..autograd.function import NumpyFunction
from ..errors import OpError
from ..tensor import Tensor, _wrap
from ._dims import dim_or_axis, normalize_dim, normalize_dims
from .pointwise import maximum, minimum


def _kept_shape(shape, dims):
    """The reduced shape with the reduced dims kept as 1 (what keepdim=True gives)."""
    return tuple(1 if d in dims else n for d, n in enumerate(shape))


def _spread(g, kept, shape):
    """Copy a reduced gradient back over the input's shape (a fresh array, one numpy call)."""
    out = np.empty(shape, dtype=g.dtype)
    out[...] = g.reshape(kept)
    return out


def _expand_back(g, dims, keepdim):
    """Reshape a reduced gradient so that it broadcasts against the input again."""
    if not keepdim:
        g = np.expand_dims(g, dims)
    return g


def _unsqueeze(g, dims, keepdim):
    """``_expand_back`` for a Tensor gradient (a recorded reshape)."""
    if keepdim:
        return g
    shape = list(g.shape)
    for d in sorted(dims):
        shape.insert(d, 1)
    return g.reshape(tuple(shape))


class Sum(NumpyFunction):
    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims = x.shape, dims
        # the method, not np.sum: the same reduction without the dispatch wrapper (~1 µs);
        # over every dim, without keyword arguments (numpy reads axis=None as all of them)
        if not keepdim and len(dims) == x.ndim:
            return np.asarray(x.sum())
        return np.asarray(x.sum(axis=dims, keepdims=keepdim))

    @staticmethod
    def backward(ctx, g):
        return _spread(g, _kept_shape(ctx.shape, ctx.dims), ctx.shape), None, None

    @staticmethod
    def vjp(ctx, g):
        return g.reshape(_kept_shape(ctx.shape, ctx.dims)).broadcast_to(ctx.shape), None, None


class Mean(NumpyFunction):
    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims = x.shape, dims
        return np.asarray(x.mean(axis=dims, keepdims=keepdim))

    @staticmethod
    def backward(ctx, g):
        shape, dims = ctx.shape, ctx.dims
        return _spread(g / _count(shape, dims), _kept_shape(shape, dims), shape), None, None

    @staticmethod
    def vjp(ctx, g):
        shape, dims = ctx.shape, ctx.dims
        return (g / _count(shape, dims)).reshape(_kept_shape(shape, dims)).broadcast_to(shape), \
            None, None


def _count(shape, dims):
    """How many elements a reduction over ``dims`` of ``shape`` combines."""
    count = 1
    for d in dims:
        count *= shape[d]
    return count


def _centered(x, dims, correction):
    """(x − mean over dims, the divisor N − correction) shared by var and std."""
    count = int(np.prod([x.shape[d] for d in dims]))
    return x - np.mean(x, axis=dims, keepdims=True), builtins.max(count - correction, 0)


class Var(NumpyFunction):
    """Σ(x−μ)²/(N−correction); correction 1 is the unbiased estimate, 0 the biased one."""

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        centered, ctx.denominator = _centered(x, dims, correction)
        ctx.dims, ctx.keepdim = dims, keepdim
        ctx.save_for_backward(centered, x)
        return np.sum(centered * centered, axis=dims, keepdims=keepdim) / ctx.denominator

    @staticmethod
    def backward(ctx, g):
        centered, _ = ctx.saved_tensors
        g = _expand_back(g, ctx.dims, ctx.keepdim)
        return g * (2 / ctx.denominator) * centered, None, None, None

    @staticmethod
    def vjp(ctx, g):
        _, x = ctx.saved_tensors
        centered = x - x.mean(ctx.dims, keepdim=True)
        return _unsqueeze(g, ctx.dims, ctx.keepdim) * (2 / ctx.denominator) * centered, \
            None, None, None


class Std(NumpyFunction):
    """√var; d std = d var / (2·std)."""

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        centered, ctx.denominator = _centered(x, dims, correction)
        ctx.dims, ctx.keepdim = dims, keepdim
        out = np.sqrt(np.sum(centered * centered, axis=dims, keepdims=keepdim) / ctx.denominator)
        ctx.save_for_backward(centered, out, x)
        return out

    @staticmethod
    def backward(ctx, g):
        centered, out, _ = ctx.saved_tensors
        g = _expand_back(g / out, ctx.dims, ctx.keepdim)
        return g * centered / ctx.denominator, None, None, None

    @staticmethod
    def vjp(ctx, g):
        _, out, x = ctx.saved_tensors
        centered = x - x.mean(ctx.dims, keepdim=True)
        return _unsqueeze(g / out, ctx.dims, ctx.keepdim) * centered / ctx.denominator, \
            None, None, None


class MaxAll(NumpyFunction):
    """max or min over every element; ties share the gradient evenly (as PyTorch)."""

    @staticmethod
    def forward(ctx, x, is_max):
        out = np.max(x) if is_max else np.min(x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        hits = x == out
        return g * hits / np.count_nonzero(hits), None

    @staticmethod
    def vjp(ctx, g):
        x, out = ctx.saved_tensors
        hits = x._data == out._data
        return g * _wrap((hits / np.count_nonzero(hits)).astype(x.dtype)), None


class MaxDim(NumpyFunction):
    """max or min along one dim, returning (values, indices); the gradient goes to the index
    that was returned."""

    @staticmethod
    def forward(ctx, x, dim, keepdim, is_max):
        indices = np.expand_dims((np.argmax if is_max else np.argmin)(x, axis=dim), dim)
        values = np.take_along_axis(x, indices, axis=dim)
        ctx.shape, ctx.dim, ctx.indices = x.shape, dim, indices
        if not keepdim:
            values, indices = values.squeeze(dim), indices.squeeze(dim)
        return values, indices.astype(np.int64)

    @staticmethod
    def backward(ctx, g, _indices_grad):
        grad = np.zeros(ctx.shape, dtype=g.dtype)
        np.put_along_axis(grad, ctx.indices, g.reshape(ctx.indices.shape), axis=ctx.dim)
        return grad, None, None, None

    @staticmethod
    def vjp(ctx, g, _indices_grad):
        """The gradient times a constant one-hot of the chosen indices: linear in g, so any
        order of derivative goes through."""
        chosen = np.zeros(ctx.shape, dtype=g.dtype)
        np.put_along_axis(chosen, ctx.indices, 1, axis=ctx.dim)
        return g.reshape(ctx.indices.shape) * _wrap(chosen), None, None, None


class Logsumexp(NumpyFunction):
    """log Σ exp(x), shifted by the max so that it stays finite for any finite input."""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        shift = np.max(x, axis=dims, keepdims=True)
        shift = np.where(np.isfinite(shift), shift, 0)
        out = np.log(np.sum(np.exp(x - shift), axis=dims, keepdims=True)) + shift
        ctx.save_for_backward(x, out)
        ctx.dims, ctx.keepdim = dims, keepdim
        return out if keepdim else np.squeeze(out, axis=dims)

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        g = _expand_back(g, ctx.dims, ctx.keepdim)
        return g * np.exp(x - out), None, None

    @staticmethod
    def vjp(ctx, g):
        x, _ = ctx.saved_tensors  # the saved max-shifted total is not the output: recompute it
        lse = Logsumexp.apply(x, ctx.dims, True)
        return _unsqueeze(g, ctx.dims, ctx.keepdim) * (x - lse).exp(), None, None


def sum_to_shape(x, shape):
    """Sum a Tensor over the dims that broadcasting added or stretched, so that it has
    ``shape`` (the recorded twin of ``kernels.sum_to_shape``, used by the engine under
    ``create_graph``). Raises ValueError when ``x`` could not have been broadcast from ``shape``."""
    shape = tuple(shape)
    lead = x.ndim - len(shape)
    if lead < 0 or any(s != 1 and s != n for s, n in zip(shape, x.shape[lead:])):
        raise OpError(f"a gradient of shape {x.shape} cannot be summed to shape {shape}")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                      if s == 1 and x.shape[lead + i] != 1)
    if dims:
        x = Sum.apply(x, dims, True)
    return x if x.shape == shape else x.reshape(shape)

# ---- public functions ---------------------------------------------------------------------
#: tuple(range(n)) for small n: "every dim", without building the tuple on each call
_ALL_DIMS = tuple(tuple(range(n)) for n in range(8))

values_indices = namedtuple("values_indices", ["values", "indices"])


def _require_float(x, op):
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: needs a floating-point tensor, got {x.dtype} (use .float())")


def sum(x, dim=None, keepdim=False, *, axis=None, dtype=None):  # noqa: A001 - torch.sum
    """The sum of the elements over ``dim``.

    Args:
        x (Tensor): the input.
        dim (int or tuple of ints, optional): the dims to reduce; None (the default) reduces
            all of them. Negative dims count from the end.
        keepdim (bool): keep the reduced dims with size 1. Default: False.
    """
    if axis is not None:
        dim = dim_or_axis(dim, axis, "sum")
    if dtype is not None:
        x = x.to(dtype)
    if dim is None and isinstance(x, Tensor):  # the common loss.sum(): no dim to check
        ndim = x._data.ndim
        return Sum.apply(x, _ALL_DIMS[ndim] if ndim < 8 else tuple(range(ndim)), keepdim)
    return Sum.apply(x, normalize_dims(dim, x.ndim, "sum"), keepdim)


def mean(x, dim=None, keepdim=False, *, axis=None, dtype=None):
    """The mean of the elements over ``dim``.

    ``x`` must be a floating-point tensor (a ``TypeError`` says to call ``.float()``).

    Args:
        x (Tensor): the input.
        dim (int or tuple of ints, optional): the dims to reduce; None (the default) reduces
            all of them. Negative dims count from the end.
        keepdim (bool): keep the reduced dims with size 1. Default: False.
    """
    dim = dim_or_axis(dim, axis, "mean")
    if dtype is not None:
        x = x.to(dtype)
    _require_float(x, "mean")
    return Mean.apply(x, normalize_dims(dim, x.ndim, "mean"), keepdim)


def _correction(unbiased, correction, op):
    if unbiased is not None and correction is not None:
        raise OpError(f"{op}: give unbiased or correction, not both")
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def var(x, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None):
    """The variance over ``dim``, ``sum((x - mean)**2) / (N - correction)``.

    ``correction=1`` (the default, Bessel's correction) is the unbiased estimate;
    ``unbiased=False`` is ``correction=0``. Give one of ``unbiased`` and ``correction``.

    Args:
        x (Tensor): the input.
        dim (int or tuple of ints, optional): the dims to reduce; None (the default) reduces
            all of them. Negative dims count from the end.
        keepdim (bool): keep the reduced dims with size 1. Default: False.
        unbiased (bool, optional): True for ``correction=1``, False for ``correction=0``.
        correction (int, optional): subtracted from the number of elements ``N``.
    """
    return Var.apply(x, *_spread_args(x, dim, axis, unbiased, correction, "var"), keepdim)


def std(x, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None):
    """The standard deviation over ``dim``: the square root of ``var`` (same arguments).

    Args:
        x (Tensor): the input.
        dim (int or tuple of ints, optional): the dims to reduce; None (the default) reduces
            all of them. Negative dims count from the end.
        keepdim (bool): keep the reduced dims with size 1. Default: False.
        unbiased (bool, optional): True for ``correction=1``, False for ``correction=0``.
        correction (int, optional): subtracted from the number of elements ``N``.
    """
    return Std.apply(x, *_spread_args(x, dim, axis, unbiased, correction, "std"), keepdim)


def _spread_args(x, dim, axis, unbiased, correction, name):
    """The checked ``(dims, correction)`` of ``var``/``std``."""
    dim = dim_or_axis(dim, axis, name)
    _require_float(x, name)
    return normalize_dims(dim, x.ndim, name), _correction(unbiased, correction, name)


def _max_or_min(x, dim, keepdim, is_max):
    name = "max" if is_max else "min"
    if x._data.size == 0:
        raise OpError(f"{name}: the tensor is empty")
    if dim is None:
        return MaxAll.apply(x, is_max)
    dim = normalize_dim(dim, x.ndim, name)
    if x.ndim == 0:  # dim 0 of a 0-d tensor: the element itself, at index 0 (as PyTorch)
        values, indices = MaxDim.apply(x.reshape(1), 0, False, is_max)
        return values_indices(values, indices)
    return values_indices(*MaxDim.apply(x, dim, keepdim, is_max))


def max(x, dim=None, keepdim=False, *, axis=None):  # noqa: A001 - mirrors torch.max
    """The largest element, or the largest along a dim with its index, as ``torch.max``.

    - ``max(x)``: the largest element, a 0-d tensor; at ties the gradient is split evenly.
    - ``max(x, dim, keepdim=False)``: a ``(values, indices)`` named tuple along ``dim``
      (indices are int64, the first maximum's).
    - ``max(x, other)`` with a tensor ``other``: the elementwise ``maximum``.

    Args:
        x (Tensor): the input (not empty).
        dim (int or Tensor, optional): the dim to reduce, or the other tensor.
        keepdim (bool): keep the reduced dim with size 1. Default: False.
    """
    if isinstance(dim, Tensor):
        return maximum(x, dim)
    return _max_or_min(x, dim_or_axis(dim, axis, "max"), keepdim, True)


def min(x, dim=None, keepdim=False, *, axis=None):  # noqa: A001 - mirrors torch.min
    """The smallest element, or the smallest along a dim with its index, as ``torch.min``.

    The forms and arguments are those of ``max``: ``min(x)``, ``min(x, dim)`` (a
    ``(values, indices)`` named tuple), ``min(x, other)`` (the elementwise ``minimum``).

    Args:
        x (Tensor): the input (not empty).
        dim (int or Tensor, optional): the dim to reduce, or the other tensor.
        keepdim (bool): keep the reduced dim with size 1. Default: False.
    """
    if isinstance(dim, Tensor):
        return minimum(x, dim)
    return _max_or_min(x, dim_or_axis(dim, axis, "min"), keepdim, False)


def argmax(x, dim=None, keepdim=False, *, axis=None):
    """The index of the largest element (of the flattened tensor when ``dim`` is None).

    Not differentiable; the result is int64, the first index at ties.

    Args:
        x (Tensor): the input.
        dim (int, optional): the dim to search along.
        keepdim (bool): keep the reduced dim(s) with size 1. Default: False.
    """
    return _arg_extreme(np.argmax, x, dim_or_axis(dim, axis, "argmax"), keepdim, "argmax")


def argmin(x, dim=None, keepdim=False, *, axis=None):
    """The index of the smallest element (of the flattened tensor when ``dim`` is None).

    Not differentiable; the result is int64, the first index at ties.

    Args:
        x (Tensor): the input.
        dim (int, optional): the dim to search along.
        keepdim (bool): keep the reduced dim(s) with size 1. Default: False.
    """
    return _arg_extreme(np.argmin, x, dim_or_axis(dim, axis, "argmin"), keepdim, "argmin")


def _arg_extreme(fn, x, dim, keepdim, name):
    data = x._data
    if dim is None:
        out = np.asarray(fn(data))
        return _wrap(out.reshape((1,) * data.ndim) if keepdim else out)
    dim = normalize_dim(dim, data.ndim, name)
    if data.ndim == 0:
        return _wrap(np.zeros((), dtype=np.int64))
    return _wrap(np.asarray(fn(data, axis=dim, keepdims=keepdim), dtype=np.int64))


def logsumexp(x, dim=None, keepdim=False, *, axis=None):
    """``log(sum(exp(x)))`` over ``dim``, shifted by the maximum so that it never overflows.

    Args:
        x (Tensor): the input.
        dim (int or tuple of ints): the dims to reduce (required, as in PyTorch).
        keepdim (bool): keep the reduced dims with size 1. Default: False.
    """
    dim = dim_or_axis(dim, axis, "logsumexp")
    if dim is None:
        raise TypeError("logsumexp: dim is required (an int or a tuple of ints)")
    return Logsumexp.apply(x, normalize_dims(dim, x.ndim, "logsumexp"), keepdim)
