"""Ops that move elements around without arithmetic: reshape, permute, expand, cat, split, casts."""
import builtins

import numpy as np

from ..autograd.function import NumpyFunction
from ..errors import OpError
from ..tensor import Tensor
from ._dims import normalize_dim, normalize_dims


class Reshape(NumpyFunction):
    """Also squeeze, unsqueeze, flatten and view: all are reshapes."""

    returns_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None

    vjp = backward


class Permute(NumpyFunction):
    """Also transpose and .T."""

    returns_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.inverse = tuple(np.argsort(dims))
        return np.transpose(x, dims)

    @staticmethod
    def backward(ctx, g):
        return np.transpose(g, ctx.inverse), None

    @staticmethod
    def vjp(ctx, g):
        return Permute.apply(g, ctx.inverse), None


class BroadcastTo(NumpyFunction):
    """Also expand. Backward is the identity: the engine sums the gradient back to the input."""

    returns_view = True

    @staticmethod
    def forward(ctx, x, shape):
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return g, None

    vjp = backward


class Cat(NumpyFunction):
    """Also stack (cat of unsqueezed inputs). forward(dim, *tensors)."""

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        ctx.bounds = np.cumsum([x.shape[dim] for x in xs])[:-1]
        return np.concatenate(xs, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return (None, *np.split(g, ctx.bounds, axis=ctx.dim))

    @staticmethod
    def vjp(ctx, g):
        return (None, *Split.apply(g, ctx.bounds, ctx.dim))


class Split(NumpyFunction):
    """Also chunk. Returns one output per piece; unused pieces get zero gradient."""

    returns_view = True

    @staticmethod
    def forward(ctx, x, bounds, dim):
        ctx.dim = dim
        return tuple(np.split(x, bounds, axis=dim))

    @staticmethod
    def backward(ctx, *grads):
        return np.concatenate(grads, axis=ctx.dim), None, None

    @staticmethod
    def vjp(ctx, *grads):
        return Cat.apply(ctx.dim, *grads), None, None


class Cast(NumpyFunction):
    """astype/to/float/double: the gradient is cast back by the engine."""

    @staticmethod
    def forward(ctx, x, dtype):
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        return g, None

    vjp = backward


class Clone(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        return g

    vjp = backward

# ---- public functions ---------------------------------------------------------------------
def as_tensor(x):
    """``x`` itself when it is a Tensor, else a new Tensor holding ``x`` (an array or a number)."""
    return x if isinstance(x, Tensor) else Tensor(x)


def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def reshape(x, *shape):
    """The same elements in a new shape (``view`` is the same function).

    One size may be -1 and is then inferred. Returns a view of ``x``'s data when numpy can.

    Args:
        x (Tensor): the input.
        *shape (int or tuple of ints): the new shape, as ints or one tuple.
    """
    shape = _shape_args(shape)
    size = x.data.size
    known = int(np.prod([n for n in shape if n != -1]))
    if shape.count(-1) > 1 or (-1 not in shape and known != size) or (
            -1 in shape and (known == 0 or size % known)):
        raise OpError(f"reshape: cannot reshape a tensor of shape {x.shape} ({size} elements) "
                         f"into shape {shape}")
    return Reshape.apply(x, shape)


view = reshape


def flatten(x, start_dim=0, end_dim=-1):
    """Joins dims ``start_dim`` to ``end_dim`` (inclusive) into one.

    A 0-d tensor becomes 1-d.

    Args:
        x (Tensor): the input.
        start_dim (int): the first dim to join. Default: 0.
        end_dim (int): the last dim to join. Default: -1.
    """
    if x.ndim == 0:
        return Reshape.apply(x, (1,))
    start = normalize_dim(start_dim, x.ndim, "flatten")
    end = normalize_dim(end_dim, x.ndim, "flatten")
    if start > end:
        raise OpError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    shape = x.shape[:start] + (-1,) + x.shape[end + 1:]
    return reshape(x, shape)


def squeeze(x, dim=None):
    """Removes dims of size 1: all of them, or those among ``dim``.

    Args:
        x (Tensor): the input.
        dim (int or tuple of ints, optional): the dims to remove when they have size 1.
    """
    if dim is None:
        dims = [d for d, n in enumerate(x.shape) if n == 1]
    else:
        dims = [d for d in normalize_dims(dim, x.ndim, "squeeze") if x.shape[d] == 1]
    return Reshape.apply(x, tuple(n for d, n in enumerate(x.shape) if d not in dims))


def unsqueeze(x, dim):
    """Inserts a dim of size 1 at position ``dim``.

    Args:
        x (Tensor): the input.
        dim (int): the position of the new dim, in ``[-x.ndim - 1, x.ndim]``.
    """
    dim = normalize_dim(dim, x.ndim + 1, "unsqueeze")
    return Reshape.apply(x, x.shape[:dim] + (1,) + x.shape[dim:])


def permute(x, *dims):
    """Reorders the dims: dim ``i`` of the result is dim ``dims[i]`` of ``x`` (a view).

    Args:
        x (Tensor): the input.
        *dims (int or tuple of ints): a permutation of ``range(x.ndim)``.
    """
    dims = _shape_args(dims)
    if len(dims) != x.ndim:
        raise OpError(f"permute: {len(dims)} dims given for a tensor of {x.ndim} dims "
                         f"(shape {x.shape})")
    dims = tuple(normalize_dim(d, x.ndim, "permute") for d in dims)
    if len(set(dims)) != len(dims):
        raise OpError(f"permute: dims {dims} repeat a dimension")
    return Permute.apply(x, dims)


def transpose(x, dim0, dim1):
    """Swaps dims ``dim0`` and ``dim1`` (a view).

    Args:
        x (Tensor): the input.
        dim0 (int): one dim.
        dim1 (int): the other.
    """
    dims = list(range(x.ndim))
    a, b = normalize_dim(dim0, x.ndim, "transpose"), normalize_dim(dim1, x.ndim, "transpose")
    dims[a], dims[b] = dims[b], dims[a]
    return Permute.apply(x, tuple(dims))


def broadcast_to(x, shape):
    """``x`` broadcast to ``shape`` by numpy's rules (a read-only view); the gradient is
    summed back to ``x``'s shape.

    Args:
        x (Tensor): the input.
        shape (tuple of ints): the target shape.
    """
    shape = tuple(shape)
    try:
        np.broadcast_shapes(x.shape, shape)
        ok = np.broadcast_shapes(x.shape, shape) == shape
    except ValueError:
        ok = False
    if not ok:
        raise OpError(f"broadcast_to: a tensor of shape {x.shape} cannot be broadcast to {shape}")
    return BroadcastTo.apply(x, shape)


def expand(x, *sizes):
    """``x`` broadcast to ``sizes``, where -1 keeps the size of that dim (``Tensor.expand``).

    Args:
        x (Tensor): the input.
        *sizes (int or tuple of ints): the new sizes; leading new dims may be added.
    """
    sizes = _shape_args(sizes)
    lead = len(sizes) - x.ndim
    if lead < 0:
        raise OpError(f"expand: {len(sizes)} sizes given for a tensor of {x.ndim} dims")
    shape = tuple(x.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(sizes))
    return broadcast_to(x, shape)


def cat(tensors, dim=0):
    """Joins tensors along an existing dim.

    Args:
        tensors (sequence of Tensors): shapes equal except along ``dim``.
        dim (int): the dim to join along. Default: 0.
    """
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise OpError("cat: expected a non-empty list of tensors")
    first = tensors[0]
    dim = normalize_dim(dim, first.ndim, "cat")
    for i, t in enumerate(tensors[1:], 1):
        if t.ndim != first.ndim or any(a != b for d, (a, b) in enumerate(zip(t.shape, first.shape))
                                       if d != dim):
            raise OpError(f"cat: tensor {i} has shape {t.shape}, which does not match tensor 0's "
                             f"shape {first.shape} outside dim {dim}")
    return Cat.apply(dim, *tensors)


def stack(tensors, dim=0):
    """Joins tensors of equal shape along a new dim.

    Args:
        tensors (sequence of Tensors): tensors of one shape.
        dim (int): the position of the new dim. Default: 0.
    """
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise OpError("stack: expected a non-empty list of tensors")
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != tensors[0].shape:
            raise OpError(f"stack: tensor {i} has shape {t.shape}, tensor 0 has "
                             f"{tensors[0].shape}; stack needs equal shapes")
    dim = normalize_dim(dim, tensors[0].ndim + 1, "stack")
    return cat([unsqueeze(t, dim) for t in tensors], dim)


def split(x, split_size_or_sections, dim=0):
    """Splits ``x`` along ``dim`` into chunks of ``split_size`` (the last may be smaller)
    or into pieces of the given sizes.

    Args:
        x (Tensor): the input.
        split_size_or_sections (int or list of ints): the chunk size, or the sizes (which
            must sum to ``x.shape[dim]``).
        dim (int): the dim to split. Default: 0.

    Returns:
        tuple of Tensors: views of ``x``.
    """
    dim = normalize_dim(dim, x.ndim, "split")
    length = x.shape[dim]
    if isinstance(split_size_or_sections, int):
        size = split_size_or_sections
        if size <= 0:
            raise OpError(f"split: split_size must be positive, got {size}")
        bounds = list(range(size, length, size))
    else:
        sections = list(split_size_or_sections)
        if builtins.sum(sections) != length:
            raise OpError(f"split: sections {sections} sum to {builtins.sum(sections)}, but dim "
                             f"{dim} has size {length}")
        bounds = list(np.cumsum(sections)[:-1])
    return Split.apply(x, bounds, dim)


def chunk(x, chunks, dim=0):
    """Splits ``x`` along ``dim`` into at most ``chunks`` pieces of ``ceil(size / chunks)``.

    Args:
        x (Tensor): the input.
        chunks (int): the number of pieces wanted.
        dim (int): the dim to split. Default: 0.
    """
    if chunks <= 0:
        raise OpError(f"chunk: chunks must be positive, got {chunks}")
    length = x.shape[normalize_dim(dim, x.ndim, "chunk")]
    return split(x, builtins.max(1, -(-length // chunks)), dim)


def clone(x):
    """A copy of ``x`` with its own data; gradients flow back to ``x``."""
    return Clone.apply(x)


def astype(x, dtype):
    """``x`` converted to ``dtype`` (``x`` itself when it already has it).

    The gradient comes back in ``x``'s dtype.

    Args:
        x (Tensor): the input.
        dtype: a numpy dtype or an autograd_lite dtype (``al.float64``, ...).
    """
    dtype = np.dtype(dtype)
    if dtype == x.dtype:
        return x
    return Cast.apply(x, dtype)
