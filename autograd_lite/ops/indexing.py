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
        grad = np.zeros(ctx.shape, dtype=g.dtype)
        if is_basic(ctx.index):
            grad[ctx.index] = g
        else:
            np.add.at(grad, ctx.index, g)
        return grad, None


class GetItemView(GetItem):
    """Basic indexing: the result is a view of the input and shares its version counter."""

    returns_view = True

    @classmethod
    def op_name(cls):
        return "GetItem"
