"""t[index]: ints, slices, steps, None, Ellipsis, integer arrays and boolean masks.

Index preparation (tensors and lists to arrays, boolean masks to integer index arrays) lives
here too: ``getitem`` and the in-place ``setitem_`` share it.
"""
import numpy as np

from ..autograd.function import NumpyFunction
from ..tensor import Tensor


def is_basic(index):
    """Basic indexing (ints, slices, None, Ellipsis) returns a view and never repeats an element."""
    parts = index if type(index) is tuple else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, slice)) for p in parts)


class GetItem(NumpyFunction):
    """Backward scatters the gradient back; repeated integer indices accumulate (np.add.at)."""

    @staticmethod
    def forward(ctx, x, index):
        ctx.shape, ctx.dtype, ctx.index = x.shape, x.dtype, index
        return x[index]

    @staticmethod
    def backward(ctx, g):
        return _scatter(g, ctx.shape, ctx.index), None

    @staticmethod
    def vjp(ctx, g):
        return IndexBackward.apply(g, ctx.shape, ctx.index), None


def _scatter(g, shape, index):
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeated indices accumulate)."""
    grad = np.zeros(shape, dtype=g.dtype)
    if is_basic(index):
        grad[index] = g
    else:
        np.add.at(grad, index, g)
    return grad


class IndexBackward(NumpyFunction):
    """GetItem's gradient as an op of its own (``_scatter``), so that it can be differentiated
    again: it is linear in g, and its own gradient is indexing by the same index."""

    @staticmethod
    def forward(ctx, g, shape, index):
        ctx.index = index
        return _scatter(g, shape, index)

    @staticmethod
    def vjp(ctx, gg):
        return GetItem.apply(gg, ctx.index), None, None


class GetItemView(GetItem):
    """Basic indexing: the result is a view of the input and shares its version counter."""

    returns_view = True

    @classmethod
    def op_name(cls):
        return "GetItem"


# ---- index preparation and the public function --------------------------------------------
def _index_part(part):
    if isinstance(part, Tensor):
        part = part.data
    if isinstance(part, list):
        part = np.asarray(part)
    if isinstance(part, np.ndarray) and part.dtype.kind not in "bi" and part.dtype.kind != "u":
        raise IndexError(f"tensors used as indices must be integer or bool, got {part.dtype}")
    return part


def _prepare_index(index):
    """Tensors and lists become arrays; boolean masks become integer index arrays (np.nonzero),
    so that the backward scatter handles every advanced index the same way."""
    parts = index if type(index) is tuple else (index,)
    out = []
    for part in parts:
        part = _index_part(part)
        if isinstance(part, np.ndarray) and part.dtype == np.bool_:
            out.extend(np.nonzero(part))
        else:
            out.append(part)
    return tuple(out) if type(index) is tuple or len(out) != 1 else out[0]


def getitem(x, index):
    """``x[index]`` with numpy's indexing rules: ints, slices (with steps), None, Ellipsis,
    integer tensors or lists, and bool masks.

    Basic indexing returns a view; advanced indexing a copy whose gradient is scattered
    back (summed where an element is picked twice). An index that does not fit raises an
    ``IndexError`` naming the index and the shape.

    Args:
        x (Tensor): the input.
        index: anything numpy accepts, with Tensors in place of arrays.
    """
    index = _prepare_index(index)
    try:
        if is_basic(index):
            return GetItemView.apply(x, index)
        return GetItem.apply(x, index)
    except IndexError as error:
        raise IndexError(f"getitem: index {index!r} does not fit a tensor of shape {x.shape}: "
                         f"{error}") from None
