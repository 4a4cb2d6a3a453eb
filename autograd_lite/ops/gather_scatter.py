"""Picking and placing elements by index or mask, with PyTorch's names and meaning: gather,
scatter, scatter_add, index_select, masked_fill, masked_select, take_along_dim, nonzero.

Most are compositions of indexing (``GetItem`` and its transpose ``IndexBackward``), so their
derivatives of every order come from those two. Only ``scatter`` (which overwrites) is a
Function of its own, with a ``vjp`` in Tensor ops. Indices are integer tensors (or arrays,
lists); an index outside the dim raises ``IndexError``, mismatched shapes ``OpError``.
"""
import functools

import numpy as np

from ..autograd.function import NumpyFunction
from ..errors import OpError
from ..tensor import Tensor, _wrap
from ._dims import normalize_dim
from .indexing import GetItem, GetItemView, IndexBackward
from .pointwise import Where
from .shape import Reshape, broadcast_to

__all__ = ["gather", "scatter", "scatter_add", "index_select", "masked_fill", "masked_select",
           "take_along_dim", "nonzero"]


# ---- helpers --------------------------------------------------------------------------------
def axis_alias(fn):
    """Accept ``axis=`` as another name for ``dim=`` (PyTorch does, numpy-style)."""
    @functools.wraps(fn)
    def call(*args, **kwargs):
        if "axis" in kwargs:
            if "dim" in kwargs:
                raise TypeError(f"{fn.__name__}: got both dim= and axis=")
            kwargs["dim"] = kwargs.pop("axis")
        return fn(*args, **kwargs)
    return call


def index_array(index, op, what="the index"):
    """An integer index (Tensor, array, list or int) as an int64 array; TypeError, naming
    ``what`` it is, otherwise."""
    array = index._data if isinstance(index, Tensor) else np.asarray(index)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op}: {what} must be an integer tensor, got {array.dtype}")
    return array.astype(np.int64, copy=False)


class IndexOutOfRange(IndexError, RuntimeError):
    """An index outside [0, size): an IndexError, and a RuntimeError as PyTorch raises for
    gather and scatter, so code catching either works."""


def check_range(index, size, op, dim):
    """Indices must lie in [0, size) (negative ones are refused, as in PyTorch)."""
    if index.size and (index.min() < 0 or index.max() >= size):
        bad = index.max() if index.max() >= size else index.min()
        raise IndexOutOfRange(f"{op}: index {int(bad)} is out of range for dim {dim} of size "
                              f"{size} (indices must be in [0, {size}))")
    return index


def open_index(shape, dim, index):
    """The numpy index that picks ``index[i…]`` along ``dim`` and ``i`` along every other dim:
    the result has ``index``'s shape (``index.shape[d] <= shape[d]`` elsewhere)."""
    parts = []
    for d in range(len(shape)):
        if d == dim:
            parts.append(index)
        else:
            view = [1] * len(shape)
            view[d] = index.shape[d]
            parts.append(np.arange(index.shape[d]).reshape(view))
    return tuple(parts)


def _as_1d(x):
    """A 0-d tensor as a one-element 1-D one (gather and scatter treat 0-d as 1-D, as PyTorch)."""
    return Reshape.apply(x, (1,)) if x.ndim == 0 else x


def _gather_index(x, dim, index, op, other="input"):
    """Checks ``index`` against ``x`` for gather/scatter and returns (dim, numpy index)."""
    index = index_array(index, op)
    ndim = max(x.ndim, 1)
    if index.ndim == 0:
        index = index.reshape(1)
    if index.ndim != ndim:
        raise OpError(f"{op}: index has {index.ndim} dims, {other} has {x.ndim}; they must match")
    dim = normalize_dim(dim, x.ndim, op)
    shape = x.shape or (1,)
    for d in range(ndim):
        if d != dim and index.shape[d] > shape[d]:
            raise OpError(f"{op}: index shape {index.shape} is larger than {other} shape "
                          f"{x.shape} in dim {d}")
    index = check_range(index, shape[dim], op, dim)
    return dim, open_index(shape, dim, index), index.shape


class Scatter(NumpyFunction):
    """``x`` with ``src`` written at the positions of a numpy index (a later duplicate wins).
    The gradient to ``x`` is zero where it was overwritten; to ``src`` it is ``g`` read back at
    the index (both linear in ``g``, so built from Where and GetItem)."""

    @staticmethod
    def forward(ctx, x, src, index):
        ctx.index = index
        out = x.copy()
        out[index] = src
        keep = np.ones(x.shape, dtype=bool)
        keep[index] = False
        ctx.keep = keep
        return out

    @staticmethod
    def vjp(ctx, g):
        need_x, need_src = ctx.needs_input_grad[:2]
        zero = _wrap(np.zeros((), dtype=g.dtype))
        return (Where.apply(ctx.keep, g, zero) if need_x else None,
                GetItem.apply(g, ctx.index) if need_src else None, None)


def _src_part(src, shape):
    """The leading ``shape`` block of ``src`` (PyTorch reads only that much of it)."""
    src = _as_1d(src)
    if src.ndim != len(shape) or any(i > s for i, s in zip(shape, src.shape)):
        raise OpError(f"scatter: src of shape {src.shape} is smaller than index of shape {shape}")
    if src.shape == tuple(shape):
        return src
    return GetItemView.apply(src, tuple(slice(0, n) for n in shape))


# ---- public functions -----------------------------------------------------------------------
@axis_alias
def gather(input, dim, index, *, sparse_grad=False):  # noqa: A002
    """Values of ``input`` picked along ``dim`` by ``index``: ``out[i][j] = input[index[i][j]][j]``
    for dim 0 (and likewise for other dims). ``index`` has ``input``'s number of dims and is no
    larger in the other dims; the result has ``index``'s shape. The gradient is scattered back
    (summed where an index repeats)."""
    dim, idx, shape = _gather_index(input, dim, index, "gather")
    out = GetItem.apply(_as_1d(input), idx)
    return Reshape.apply(out, ()) if input.ndim == 0 else out


@axis_alias
def scatter(input, dim, index, src=None, *, value=None, reduce=None):  # noqa: A002
    """A copy of ``input`` with ``src`` (a tensor, read in ``index``'s shape) or a number
    ``value`` written along ``dim`` at ``index``: ``out[index[i][j]][j] = src[i][j]`` for dim 0.
    Where an index repeats, one of the values wins (as PyTorch, which leaves it unspecified)."""
    if reduce is not None:
        raise NotImplementedError("scatter: reduce= is not supported; use scatter_add for sums")
    if src is None and value is None:
        raise TypeError("scatter: give src (a tensor) or value (a number)")
    dim, idx, shape = _gather_index(input, dim, index, "scatter")
    x = _as_1d(input)
    if src is None or not isinstance(src, Tensor):
        filler = value if src is None else src
        part = _wrap(np.full(shape, filler, dtype=input.dtype))
    else:
        if src.dtype != input.dtype:
            raise OpError(f"scatter: src is {src.dtype}, input is {input.dtype}; they must match")
        part = _src_part(src, shape)
    out = Scatter.apply(x, part, idx)
    return Reshape.apply(out, ()) if input.ndim == 0 else out


@axis_alias
def scatter_add(input, dim, index, src):  # noqa: A002
    """A copy of ``input`` with ``src`` (read in ``index``'s shape) added along ``dim`` at
    ``index``: ``out[index[i][j]][j] += src[i][j]`` for dim 0; repeated indices accumulate."""
    if not isinstance(src, Tensor):
        raise TypeError("scatter_add: src must be a tensor")
    if src.dtype != input.dtype:
        raise OpError(f"scatter_add: src is {src.dtype}, input is {input.dtype}; they must match")
    dim, idx, shape = _gather_index(input, dim, index, "scatter_add")
    x = _as_1d(input)
    out = x + IndexBackward.apply(_src_part(src, shape), x.shape, idx)
    return Reshape.apply(out, ()) if input.ndim == 0 else out


@axis_alias
def index_select(input, dim, index):  # noqa: A002
    """The slices of ``input`` along ``dim`` at the positions in the 1-D ``index`` (in that
    order, repeats allowed); the other dims are kept."""
    index = index_array(index, "index_select")
    if index.ndim > 1:
        raise OpError(f"index_select: index must be 1-D or 0-d, got {index.ndim} dims")
    index = index.reshape(-1)
    dim = normalize_dim(dim, input.ndim, "index_select")
    x = _as_1d(input)
    index = check_range(index, x.shape[dim], "index_select", dim)
    out = GetItem.apply(x, (slice(None),) * dim + (index,))
    return Reshape.apply(out, ()) if input.ndim == 0 else out


def _mask_array(mask, op):
    array = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    if array.dtype != np.bool_:
        raise TypeError(f"{op}: mask must be a bool tensor, got {array.dtype}")
    return array


def masked_fill(input, mask, value):  # noqa: A002
    """A copy of ``input`` with ``value`` (a number or a 0-d tensor, which gets a gradient)
    where the bool ``mask`` (broadcast to ``input``'s shape) is True."""
    mask = _mask_array(mask, "masked_fill")
    try:
        fits = np.broadcast_shapes(mask.shape, input.shape) == input.shape
    except ValueError:
        fits = False
    if not fits:
        raise OpError(f"masked_fill: mask of shape {mask.shape} does not broadcast to the "
                      f"input's shape {input.shape}")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise OpError(f"masked_fill: value must be a number or a 0-d tensor, got a tensor "
                          f"of shape {value.shape}")
        if value.dtype != input.dtype:
            value = value.astype(input.dtype)
    else:
        value = _wrap(np.asarray(value, dtype=input.dtype))
    return Where.apply(mask, value, input)


def masked_select(input, mask):  # noqa: A002
    """The elements of ``input`` where the bool ``mask`` is True, as a 1-D tensor (the two
    are broadcast together first)."""
    mask = _mask_array(mask, "masked_select")
    try:
        shape = np.broadcast_shapes(mask.shape, input.shape)
    except ValueError:
        raise OpError(f"masked_select: mask of shape {mask.shape} and input of shape "
                      f"{input.shape} do not broadcast") from None
    x = input if input.shape == shape else broadcast_to(input, shape)
    positions = np.nonzero(np.broadcast_to(mask, shape).reshape(-1))[0]
    return GetItem.apply(Reshape.apply(x, (-1,)), positions)


@axis_alias
def take_along_dim(input, indices, dim=None):  # noqa: A002
    """Values of ``input`` picked along ``dim`` by ``indices`` (numpy's take_along_axis): the
    two are broadcast in every other dim. With ``dim=None`` both are read flattened."""
    index = index_array(indices, "take_along_dim")
    if dim is None:
        return gather(Reshape.apply(input, (-1,)), 0, index.reshape(-1))
    if index.ndim != input.ndim:
        raise OpError(f"take_along_dim: indices have {index.ndim} dims, input has {input.ndim}; "
                      f"they must match")
    dim = normalize_dim(dim, input.ndim, "take_along_dim")
    if input.ndim == 0:
        return gather(input, 0, index)
    rest = lambda s: s[:dim] + (1,) + s[dim + 1:]  # noqa: E731
    try:
        common = np.broadcast_shapes(rest(input.shape), rest(index.shape))
    except ValueError:
        raise OpError(f"take_along_dim: input {input.shape} and indices {index.shape} do not "
                      f"broadcast outside dim {dim}") from None
    x_shape = common[:dim] + (input.shape[dim],) + common[dim + 1:]
    i_shape = common[:dim] + (index.shape[dim],) + common[dim + 1:]
    x = input if input.shape == x_shape else broadcast_to(input, x_shape)
    return gather(x, dim, np.broadcast_to(index, i_shape))


def nonzero(input, *, as_tuple=False):  # noqa: A002
    """The indices of the nonzero elements: an int64 tensor of shape (count, ndim), or with
    ``as_tuple=True`` one 1-D int64 tensor per dim. Not differentiable."""
    array = input._data if isinstance(input, Tensor) else np.asarray(input)
    if as_tuple:
        return tuple(_wrap(i.astype(np.int64)) for i in np.nonzero(np.atleast_1d(array)))
    return _wrap(np.argwhere(array).astype(np.int64))
