"""More reductions with PyTorch's names and semantics: prod, all, any, amax, amin,
count_nonzero and norm (API.md's second-edition Reductions bullet; the scans live in
``ops/scans.py``, ``al.linalg.vector_norm``/``al.linalg.norm`` in ``autograd_lite/linalg.py``).

Each differentiable op writes its derivative once, as ``vjp`` in Tensor ops, or is composed of
existing ops. ``axis=`` is accepted as an alias of ``dim`` everywhere, as in PyTorch.
"""
import numpy as np

from ..autograd.function import NumpyFunction
from ..errors import OpError
from ..tensor import _wrap
from ._dims import dim_or_axis, normalize_dim, normalize_dims
from .shape import as_tensor
from .pointwise import where

__all__ = ["prod", "all", "any", "amax", "amin", "count_nonzero"]


# ---- helpers --------------------------------------------------------------------------------
def _kept(shape, dims):
    return tuple(1 if d in dims else n for d, n in enumerate(shape))


def _unreduce(g, shape, dims, keepdim):
    """A reduced gradient reshaped so that it broadcasts against the input again."""
    kept = _kept(shape, dims)
    return g if g.shape == kept else g.reshape(kept)


# ---- Functions ------------------------------------------------------------------------------
class Prod(NumpyFunction):
    """The product along one dim. Gradient: out / x where the input has no zero along the dim
    (exact), otherwise the product of the other elements (built by repeating the input along a
    new dim with 1 on the diagonal), so a zero gives the exact gradient, never NaN."""

    @staticmethod
    def forward(ctx, x, dim, keepdim):
        ctx.dim, ctx.keepdim, ctx.shape = dim, keepdim, x.shape
        out = np.asarray(np.prod(x, axis=dim, keepdims=keepdim))
        ctx.save_for_backward(x, out)  # the output itself: connected to the graph in vjp
        return out

    @staticmethod
    def vjp(ctx, g):
        x, out = ctx.saved_tensors
        dim = ctx.dim
        g = _unreduce(g, ctx.shape, (dim,), ctx.keepdim)
        if not (x._data == 0).any():
            return g * _unreduce(out, ctx.shape, (dim,), ctx.keepdim) / x, None, None
        n = ctx.shape[dim]
        # others[..., i, ...] = prod over j != i of x[..., j, ...]: x repeated along a new dim
        # (dim), with 1 where the new index equals the old one, multiplied out along dim + 1
        rows = list(ctx.shape)
        rows.insert(dim, n)
        repeated = x.unsqueeze(dim).broadcast_to(tuple(rows))
        eye = np.eye(n, dtype=bool).reshape((n, n) + (1,) * (x.ndim - dim - 1))
        others = Prod.apply(where(eye, 1.0, repeated), dim + 1, False)
        return g * others, None, None


class Amax(NumpyFunction):
    """amax/amin over dims; ties share the gradient evenly, as PyTorch."""

    @staticmethod
    def forward(ctx, x, dims, keepdim, is_max):
        out = (np.max if is_max else np.min)(x, axis=dims, keepdims=True)
        ctx.dims, ctx.shape = dims, x.shape
        ctx.share = (x == out)
        ctx.share = ctx.share / ctx.share.sum(axis=dims, keepdims=True)
        return out if keepdim else np.squeeze(out, axis=dims)

    @staticmethod
    def vjp(ctx, g):
        share = _wrap(ctx.share.astype(g.dtype))
        return _unreduce(g, ctx.shape, ctx.dims, True) * share, None, None, None


# ---- public functions -----------------------------------------------------------------------
def prod(input, dim=None, keepdim=False, *, dtype=None, axis=None):  # noqa: A002
    """The product of the elements (over one ``dim``). Integer and bool inputs give int64, as
    PyTorch; ``dtype`` casts the input first. The gradient is exact when elements are zero."""
    x = as_tensor(input)
    dim = dim_or_axis(dim, axis, "prod")
    if dtype is not None:
        x = x.to(dtype)
    elif x._data.dtype.kind in "biu":
        x = _wrap(x._data.astype(np.int64))
    if dim is None:
        return Prod.apply(x if x.ndim == 1 else x.reshape(-1), 0, False)
    if isinstance(dim, (tuple, list)):
        raise TypeError("prod: dim must be one int (PyTorch's prod reduces one dim at a time)")
    dim = normalize_dim(dim, x.ndim, "prod")
    if x.ndim == 0:  # a 0-d tensor stays 0-d, with or without keepdim
        return Prod.apply(x.reshape(1), 0, False)
    return Prod.apply(x, dim, keepdim)


def _bool_reduce(fn, input, dim, keepdim, axis, op):
    data = as_tensor(input)._data
    dim = dim_or_axis(dim, axis, op)
    dims = normalize_dims(dim, data.ndim, op)
    out = np.asarray(fn(data, axis=dims, keepdims=keepdim))
    if data.dtype == np.uint8:  # PyTorch keeps uint8 for uint8 inputs
        out = out.astype(np.uint8)
    return _wrap(out)


def all(input, dim=None, keepdim=False, *, axis=None):  # noqa: A001,A002
    """True where every element (over ``dim``, an int or a tuple) is nonzero; a bool tensor."""
    return _bool_reduce(np.all, input, dim, keepdim, axis, "all")


def any(input, dim=None, keepdim=False, *, axis=None):  # noqa: A001,A002
    """True where some element (over ``dim``, an int or a tuple) is nonzero; a bool tensor."""
    return _bool_reduce(np.any, input, dim, keepdim, axis, "any")


def _amax(input, dim, keepdim, axis, is_max):
    op = "amax" if is_max else "amin"
    x = as_tensor(input)
    dim = dim_or_axis(dim, axis, op, default=())
    dims = normalize_dims(None if dim == () else dim, x.ndim, op)
    if x._data.size == 0 and (not dims or 0 in [x.shape[d] for d in dims]):
        raise OpError(f"{op}: cannot reduce over a zero-size dim of a tensor of shape {x.shape}")
    return Amax.apply(x, dims, keepdim, is_max)


def amax(input, dim=(), keepdim=False, *, axis=None):  # noqa: A002
    """The largest values over ``dim`` (an int or a tuple; () or None: all dims), without
    indices; tied maxima share the gradient evenly."""
    return _amax(input, dim, keepdim, axis, True)


def amin(input, dim=(), keepdim=False, *, axis=None):  # noqa: A002
    """The smallest values over ``dim`` (an int or a tuple; () or None: all dims), without
    indices; tied minima share the gradient evenly."""
    return _amax(input, dim, keepdim, axis, False)


def count_nonzero(input, dim=None, *, axis=None):  # noqa: A002
    """How many elements are nonzero (over ``dim``, an int or a tuple); an int64 tensor."""
    data = as_tensor(input)._data
    dims = normalize_dims(dim_or_axis(dim, axis, "count_nonzero"), data.ndim, "count_nonzero")
    return _wrap(np.asarray(np.count_nonzero(data, axis=dims), dtype=np.int64))
