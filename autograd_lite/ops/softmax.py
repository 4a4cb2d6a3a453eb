"""softmax and log_softmax along one dim, shifted by the max for stability.

Along the last dim of a float array the Numba row kernels do it in one pass per row; other dims
use the numpy expression (moving the dim last would cost a transposed copy each way).
"""
import numpy as np

from .. import kernels
from ..autograd.function import NumpyFunction
from ..dtypes import kernel_dtype
from ._dims import normalize_dim


def _rows(x, dim):
    """x as a 2-D C-contiguous (rows, dim) view when the kernels apply, else None."""
    if dim == x.ndim - 1 and x.ndim >= 1 and kernel_dtype(x.dtype) and x.flags.c_contiguous and x.size:
        return x.reshape(-1, x.shape[-1])
    return None


class Softmax(NumpyFunction):
    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        rows = _rows(x, dim)
        if rows is not None:
            out = kernels.softmax(rows).reshape(x.shape)
        else:
            e = np.exp(x - np.max(x, axis=dim, keepdims=True))
            out = e / np.sum(e, axis=dim, keepdims=True)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        rows = _rows(out, ctx.dim)
        if rows is not None and g.dtype == out.dtype:
            return kernels.softmax_backward(np.ascontiguousarray(g).reshape(rows.shape),
                                            rows).reshape(out.shape), None
        return out * (g - np.sum(g * out, axis=ctx.dim, keepdims=True)), None

    @staticmethod
    def vjp(ctx, g):
        out, = ctx.saved_tensors
        return out * (g - (g * out).sum(ctx.dim, keepdim=True)), None


class LogSoftmax(NumpyFunction):
    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        rows = _rows(x, dim)
        if rows is not None:
            out = kernels.log_softmax(rows).reshape(x.shape)
        else:
            shifted = x - np.max(x, axis=dim, keepdims=True)
            out = shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        rows = _rows(out, ctx.dim)
        if rows is not None and g.dtype == out.dtype:
            return kernels.log_softmax_backward(np.ascontiguousarray(g).reshape(rows.shape),
                                                rows).reshape(out.shape), None
        return g - np.exp(out) * np.sum(g, axis=ctx.dim, keepdims=True), None

    @staticmethod
    def vjp(ctx, g):
        out, = ctx.saved_tensors
        return g - out.exp() * g.sum(ctx.dim, keepdim=True), None

# ---- public functions ---------------------------------------------------------------------
def softmax(x, dim):
    """The softmax along ``dim``: ``exp(x) / sum(exp(x))``, shifted by the maximum.

    Along the last dim of a float32/float64 tensor a fused Numba kernel does it in one pass
    per row.

    Args:
        x (Tensor): the input.
        dim (int): the dim whose entries sum to 1.
    """
    return Softmax.apply(x, normalize_dim(dim, x.ndim, "softmax"))


def log_softmax(x, dim):
    """The logarithm of the softmax along ``dim``: ``x - logsumexp(x, dim)``.

    More accurate than ``softmax(x, dim).log()`` where probabilities are tiny.

    Args:
        x (Tensor): the input.
        dim (int): the dim to normalise over.
    """
    return LogSoftmax.apply(x, normalize_dim(dim, x.ndim, "log_softmax"))
