"""Ops that move elements around without arithmetic: reshape, permute, expand, cat, split, casts."""
import numpy as np

from ..autograd.function import NumpyFunction


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
