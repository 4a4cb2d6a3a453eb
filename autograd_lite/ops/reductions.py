"""Reductions over dims (None, an int, negative, or a tuple), with keepdim."""
import numpy as np

from ..autograd.function import NumpyFunction
from ..tensor import _wrap


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
    return x - np.mean(x, axis=dims, keepdims=True), max(count - correction, 0)


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
        hits = x.data == out.data
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
        raise ValueError(f"a gradient of shape {x.shape} cannot be summed to shape {shape}")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                      if s == 1 and x.shape[lead + i] != 1)
    if dims:
        x = Sum.apply(x, dims, True)
    return x if x.shape == shape else x.reshape(shape)
