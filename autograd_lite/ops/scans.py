"""Cumulative ops along one dim with PyTorch's names and semantics: cumsum, cumprod, cummax,
cummin (``(values, indices)`` named tuples) and logcumsumexp.

Each derivative is written once, as ``vjp`` in Tensor ops built from these same scans, so that
second derivatives come from differentiating it again. ``axis=`` is an alias of ``dim``.
"""
from collections import namedtuple

import numpy as np

from .. import dtypes
from ..autograd.function import NumpyFunction
from ..tensor import _wrap
from ._dims import dim_or_axis, normalize_dim
from .shape import as_tensor
from .pointwise import where

__all__ = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"]

cummax_result = namedtuple("cummax", ["values", "indices"])
cummin_result = namedtuple("cummin", ["values", "indices"])


def _reverse_cumsum(h, dim):
    """Σ_{j ≥ i} h_j along ``dim`` (recorded)."""
    return ReverseCumsum.apply(h, dim)


class Cumsum(NumpyFunction):
    """The running sum; its gradient is the running sum from the other end."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return np.cumsum(x, axis=dim, dtype=x.dtype)

    @staticmethod
    def vjp(ctx, g):
        return ReverseCumsum.apply(g, ctx.dim), None


class ReverseCumsum(NumpyFunction):
    """Σ_{j ≥ i} x_j: the running sum from the last element back (summed in that order, so
    no cancellation); its gradient is the forward running sum."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        flipped = np.flip(x, axis=dim)
        return np.ascontiguousarray(np.flip(np.cumsum(flipped, axis=dim, dtype=x.dtype), axis=dim))

    @staticmethod
    def vjp(ctx, g):
        return Cumsum.apply(g, ctx.dim), None


class Cumprod(NumpyFunction):
    """Gradient Σ_{j≥i} g_j·out_j / x_i when no element along the dim is zero; otherwise each
    out_j / x_i is formed as the running product of x with x_i replaced by 1 (exact at zeros)."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        out = np.cumprod(x, axis=dim, dtype=x.dtype)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def vjp(ctx, g):
        x, out = ctx.saved_tensors
        dim = ctx.dim
        if not (x._data == 0).any():
            return _reverse_cumsum(g * out, dim) / x, None
        n = x.shape[dim]
        # partial[..., i, j, ...] = prod_{k ≤ j, k ≠ i} x_k: x repeated along a new dim (dim)
        # with 1 at k = i, cumulated along dim + 1; only j ≥ i enters the gradient
        rows = list(x.shape)
        rows.insert(dim, n)
        repeated = x.unsqueeze(dim).broadcast_to(tuple(rows))
        tail = (1,) * (x.ndim - dim - 1)
        eye = np.eye(n, dtype=bool).reshape((n, n) + tail)
        partial = Cumprod.apply(where(eye, 1.0, repeated), dim + 1)
        upper = np.triu(np.ones((n, n), dtype=bool)).reshape((n, n) + tail)
        terms = where(upper, partial * g.unsqueeze(dim), 0.0)
        return terms.sum(dim + 1), None


class _TakeAlong(NumpyFunction):
    """x gathered at constant ``indices`` along ``dim`` (same shape as indices)."""

    @staticmethod
    def forward(ctx, x, indices, dim):
        ctx.indices, ctx.dim, ctx.shape = indices, dim, x.shape
        return np.take_along_axis(x, indices, axis=dim)

    @staticmethod
    def vjp(ctx, g):
        return _AddAlong.apply(g, ctx.indices, ctx.dim, ctx.shape), None, None


class _AddAlong(NumpyFunction):
    """g summed into a zero tensor of ``shape`` at constant ``indices`` along ``dim``."""

    @staticmethod
    def forward(ctx, g, indices, dim, shape):
        ctx.indices, ctx.dim = indices, dim
        out = np.zeros(shape, dtype=g.dtype)
        # np.add.at with full index grids: repeated indices accumulate
        grid = list(np.indices(indices.shape, sparse=True))
        grid[dim] = indices
        np.add.at(out, tuple(grid), g)
        return out

    @staticmethod
    def vjp(ctx, g):
        return _TakeAlong.apply(g, ctx.indices, ctx.dim), None, None, None


def _cum_extreme(x, dim, is_max):
    """(values, indices) of the running max/min; at ties the later index, as PyTorch."""
    data = x._data
    n = data.shape[dim]
    if data.dtype.kind != "f" or not np.isnan(data).any():
        # the index is the last j ≤ i where x_j equals the running extreme at j
        running = (np.maximum if is_max else np.minimum).accumulate(data, axis=dim)
        shape = [1] * data.ndim
        shape[dim] = n
        positions = np.arange(n).reshape(shape)
        return np.maximum.accumulate(np.where(data == running, positions, 0), axis=dim)
    moved = np.moveaxis(data, dim, -1)
    idx = np.empty(moved.shape, dtype=np.int64)
    best = moved[..., 0].copy()
    idx[..., 0] = 0
    better = np.greater_equal if is_max else np.less_equal
    for i in range(1, n):
        current = moved[..., i]
        take = better(current, best)
        if data.dtype.kind == "f":  # a nan, once seen, stays the running extreme (as PyTorch)
            take = (take | np.isnan(current)) & ~np.isnan(best)
        best = np.where(take, current, best)
        idx[..., i] = np.where(take, i, idx[..., i - 1])
    return np.moveaxis(idx, -1, dim)


# ---- public functions -----------------------------------------------------------------------
def _prepare(input, dim, axis, op, dtype=None):
    x = as_tensor(input)
    dim = dim_or_axis(dim, axis, op)
    if dim is None:
        raise TypeError(f"{op}: missing the required argument dim")
    dim = normalize_dim(dim, x.ndim, op)
    if dtype is not None:
        x = x.to(dtype)
    if x.ndim == 0:
        return x.reshape(1), 0, True
    return x, dim, False


def _finish(out, scalar):
    return out.reshape(()) if scalar else out


def _integers_to_int64(x):
    return _wrap(x._data.astype(np.int64)) if x._data.dtype.kind in "biu" else x


def cumsum(input, dim=None, *, dtype=None, axis=None):  # noqa: A002
    """The running sum along ``dim``; integer and bool inputs give int64, as PyTorch."""
    x, d, scalar = _prepare(input, dim, axis, "cumsum", dtype)
    return _finish(Cumsum.apply(_integers_to_int64(x) if dtype is None else x, d), scalar)


def cumprod(input, dim=None, *, dtype=None, axis=None):  # noqa: A002
    """The running product along ``dim``; integer and bool inputs give int64. The gradient is
    exact when elements are zero."""
    x, d, scalar = _prepare(input, dim, axis, "cumprod", dtype)
    return _finish(Cumprod.apply(_integers_to_int64(x) if dtype is None else x, d), scalar)


def _cummax(input, dim, axis, is_max):
    op = "cummax" if is_max else "cummin"
    x, d, scalar = _prepare(input, dim, axis, op)
    if x.shape[d] == 0:
        values, indices = x.clone(), _wrap(np.zeros(x.shape, dtype=np.int64))
    else:
        idx = _cum_extreme(x, d, is_max)
        values, indices = _TakeAlong.apply(x, idx, d), _wrap(idx)
    result = cummax_result if is_max else cummin_result
    return result(_finish(values, scalar), _finish(indices, scalar))


def cummax(input, dim=None, *, axis=None):  # noqa: A002
    """(values, indices): the running maximum along ``dim`` and where it was found (the later
    index at ties). The gradient of each value goes to the element it came from."""
    return _cummax(input, dim, axis, True)


def cummin(input, dim=None, *, axis=None):  # noqa: A002
    """(values, indices): the running minimum along ``dim``; as ``cummax``."""
    return _cummax(input, dim, axis, False)


class Logcumsumexp(NumpyFunction):
    """log Σ_{j≤i} exp(x_j), accumulated pairwise by ``np.logaddexp`` (no overflow).
    Gradient: Σ_{j≥i} g_j·exp(x_i − out_j), computed as exp(x_i − c)·Σ_{j≥i} g_j·exp(c − out_j)
    with c the last (largest) output along the dim, so no factor overflows until the outputs
    along one dim span more than the dtype's exp range (≈ 88 in float32, ≈ 709 in float64)."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        out = np.logaddexp.accumulate(x, axis=dim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def vjp(ctx, g):
        x, out = ctx.saved_tensors
        dim = ctx.dim
        last = out._data.take([-1], axis=dim)
        c = _wrap(np.where(np.isfinite(last), last, 0).astype(out.dtype))
        return (x - c).exp() * _reverse_cumsum(g * (c - out).exp(), dim), None


def logcumsumexp(input, dim=None, *, axis=None):  # noqa: A002
    """log of the running sum of exp along ``dim``, without overflow; float tensors (integer
    inputs give the default float dtype)."""
    x, d, scalar = _prepare(input, dim, axis, "logcumsumexp")
    if x._data.dtype.kind != "f":
        x = _wrap(x._data.astype(dtypes.get_default_dtype()))
    return _finish(Logcumsumexp.apply(x, d), scalar)
