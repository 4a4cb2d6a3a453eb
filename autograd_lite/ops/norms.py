"""Vector and matrix norms with PyTorch's names and semantics: ``torch.norm`` here as ``norm``,
``torch.linalg``'s as ``vector_norm``, ``matrix_norm`` and ``linalg_norm`` (``al.linalg.norm``;
autograd_lite/linalg.py is that namespace's face).

- ``vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None)``: ord a number, inf or -inf;
  over every element when ``dim`` is None.
- ``matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False)``: 'fro', 1, -1, inf, -inf
  ('nuc', 2 and -2 need singular values and raise NotImplementedError).
- ``linalg_norm(A, ord=None, dim=None, keepdim=False)``: a vector norm, or a matrix norm when ``ord``
  is a string or ``dim`` names two dims (or the input is 2-D and ``ord`` is given).

The 2-norm is one op whose gradient x/‖x‖ is 0 where the norm is 0 (as PyTorch); the other
orders are compositions of abs, pow, sum, amax and amin.
"""
import math

import numpy as np

from ..autograd.function import NumpyFunction
from ..errors import OpError
from ._dims import dim_or_axis, normalize_dims
from .pointwise import where
from .reductions_more import amax, amin
from .shape import as_tensor
from ..tensor import Tensor, _wrap

#: ops exports ``norm`` (torch.norm); autograd_lite/linalg.py, the face of ``al.linalg``,
#: exports ``vector_norm``, ``matrix_norm`` and ``linalg_norm`` as ``norm``
__all__ = ["norm"]


class VectorNorm2(NumpyFunction):
    """√Σx² over dims (scaled by the largest |x| so that it neither overflows nor underflows)."""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.dims, ctx.shape = dims, x.shape
        scale = np.max(np.abs(x), axis=dims, keepdims=True) if x.size else np.zeros((), x.dtype)
        safe = np.where(scale > 0, scale, 1).astype(x.dtype)
        out = np.sqrt(np.sum(np.square(x / safe), axis=dims, keepdims=True)) * safe
        out = out.astype(x.dtype, copy=False)
        if not keepdim:
            out = np.squeeze(out, axis=dims)
        ctx.save_for_backward(x, out)  # the output itself: connected to the graph in vjp
        return out

    @staticmethod
    def vjp(ctx, g):
        x, out = ctx.saved_tensors
        kept = tuple(1 if d in ctx.dims else n for d, n in enumerate(ctx.shape))
        g, out = g.reshape(kept), out.reshape(kept)
        zero = out._data == 0
        return g * x / where(zero, 1.0, out) * _wrap((~zero).astype(x.dtype)), None, None


def _float_input(x, dtype, op):
    if dtype is not None:
        x = x.to(dtype)
    if x._data.dtype.kind != "f":
        raise OpError(f"{op}: expected a floating-point tensor, got {x.dtype} (use .float())")
    return x


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """The vector ``ord``-norm (Σ|x|^ord)^(1/ord) over ``dim`` (all elements when None); ord
    inf/-inf are the largest/smallest |x|, ord 0 counts the nonzero elements."""
    x = _float_input(as_tensor(x), dtype, "linalg.vector_norm")
    if isinstance(dim, int):
        dim = (dim,)
    dims = normalize_dims(dim, x.ndim, "linalg.vector_norm")
    if isinstance(ord, Tensor) or not isinstance(ord, (int, float)) or isinstance(ord, bool):
        raise TypeError(f"linalg.vector_norm: ord must be a number, got {ord!r}")
    if ord == 2:
        return VectorNorm2.apply(x, dims, keepdim)
    if ord == math.inf:
        return amax(x.abs(), dims, keepdim)
    if ord == -math.inf:
        return amin(x.abs(), dims, keepdim)
    if ord == 0:
        count = np.sum(x._data != 0, axis=dims, keepdims=keepdim).astype(x.dtype)
        return x.sum(dims, keepdim) * 0.0 + _wrap(np.asarray(count))
    if ord == 1:
        return x.abs().sum(dims, keepdim)
    return (x.abs() ** ord).sum(dims, keepdim) ** (1.0 / ord)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):  # noqa: A002
    """A matrix norm over the two dims ``dim``: 'fro' (√Σa²), 1/-1 (largest/smallest column
    sum of |a|), inf/-inf (largest/smallest row sum of |a|)."""
    A = _float_input(as_tensor(A), dtype, "linalg.matrix_norm")
    if A.ndim < 2:
        raise OpError(f"linalg.matrix_norm: expected a tensor with 2 or more dims, got shape "
                      f"{A.shape}")
    if len(dim) != 2:
        raise OpError(f"linalg.matrix_norm: dim must be a 2-tuple, got {dim!r}")
    rows, cols = normalize_dims(dim[0], A.ndim, "linalg.matrix_norm")[0], \
        normalize_dims(dim[1], A.ndim, "linalg.matrix_norm")[0]
    if rows == cols:
        raise OpError(f"linalg.matrix_norm: dims must be different, got {dim!r}")
    if ord == "fro":
        return VectorNorm2.apply(A, tuple(sorted((rows, cols))), keepdim)
    if ord in ("nuc", 2, -2):
        raise NotImplementedError(f"linalg.matrix_norm: ord={ord!r} needs singular values, which "
                                  f"autograd_lite does not differentiate yet")
    if ord in (1, -1):
        sum_dim, pick_dim = rows, cols  # column sums, then the extreme column
    elif ord in (math.inf, -math.inf):
        sum_dim, pick_dim = cols, rows  # row sums, then the extreme row
    else:
        raise OpError(f"linalg.matrix_norm: ord must be 'fro', 'nuc', 1, -1, 2, -2, inf or -inf, "
                      f"got {ord!r}")
    pick = amax if ord > 0 else amin
    out = pick(A.abs().sum(sum_dim, keepdim=True), pick_dim, keepdim=True)
    if not keepdim:
        out = out.squeeze(max(rows, cols)).squeeze(min(rows, cols))
    return out


def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """A vector or matrix norm as ``torch.linalg.norm``: with ``ord`` None, the 2-norm of the
    flattened input (``dim`` None) or over ``dim``; a string ``ord`` or a 2-tuple ``dim`` (or a
    2-D input with ``ord`` given) selects a matrix norm."""
    A = as_tensor(A)
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        if dim is not None and len(dim) == 2:
            return matrix_norm(A, "fro", dim, keepdim, dtype=dtype)
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if dim is None:
        if A.ndim == 2:
            return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
        if A.ndim != 1:
            raise OpError(f"linalg.norm: with ord given and dim None the input must be 1-D or "
                          f"2-D, got shape {A.shape}")
        if isinstance(ord, str):
            raise OpError(f"linalg.norm: ord={ord!r} is a matrix norm, the input is 1-D")
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    if len(dim) == 2:
        return matrix_norm(A, ord, dim, keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise OpError(f"linalg.norm: ord={ord!r} needs two dims, got dim={dim!r}")
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None, *, axis=None):  # noqa: A002
    """``torch.norm``: a vector norm (``p`` a number, inf, -inf, or 'fro' over at most two dims:
    the 2-norm of those elements) or the nuclear norm (``p='nuc'``, not implemented)."""
    dim = dim_or_axis(dim, axis, "norm")
    if isinstance(dim, int):
        dim = (dim,)
    if isinstance(p, str):
        if p == "fro":
            if dim is not None and len(dim) > 2:
                raise OpError(f"norm: 'fro' takes at most 2 dims, got dim={tuple(dim)}")
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        if p == "nuc":
            return matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim,
                                      dtype=dtype)
        raise OpError(f"norm: p must be a number, 'fro' or 'nuc', got {p!r}")
    return vector_norm(input, 2 if p is None else p, dim, keepdim, dtype=dtype)
