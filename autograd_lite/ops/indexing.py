"""t[index]: ints, slices, steps, None, Ellipsis, integer arrays and boolean masks."""
import numpy as np

from ..autograd.function import NumpyFunction


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
