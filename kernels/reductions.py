"""Reductions of a 2-D C-contiguous array along axis 0 (columns) or 1 (rows), two-pass.

sum, mean, var (two passes: the mean, then squared deviations; docs/kernels.md: Welford 2x
slower and sum/sum-of-squares 7x less accurate) and max with argmax (the index the backward
routes the gradient to; the first maximum wins, like numpy).

Column reductions walk the rows with one accumulator per column (contiguous, vectorised inner
loop). Row reductions reduce each contiguous row with a reassociating (vectorised) sum.
``column_sum`` is the bias-gradient reduction of a Linear layer.
"""
import numpy as np
from numba import njit

from ._checks import matrix, out_array

_FLAGS = dict(cache=True, error_model="numpy", fastmath={"contract", "reassoc"})


@njit(**_FLAGS)
def _col_sum(x, out):
    f = x.shape[1]
    for j in range(f):
        out[j] = 0
    for r in range(x.shape[0]):
        xr = x[r]
        for j in range(f):
            out[j] += xr[j]


@njit(**_FLAGS)
def _col_var(x, mean, out, ddof):
    n, f = x.shape
    _col_sum(x, mean)
    for j in range(f):
        mean[j] /= n
        out[j] = 0
    for r in range(n):
        xr = x[r]
        for j in range(f):
            d = xr[j] - mean[j]
            out[j] += d * d
    for j in range(f):
        out[j] /= n - ddof


@njit(**_FLAGS)
def _row_sum(x, out):
    for r in range(x.shape[0]):
        xr = x[r]
        s = x.dtype.type(0)
        for j in range(x.shape[1]):
            s += xr[j]
        out[r] = s


@njit(**_FLAGS)
def _row_var(x, mean, out, ddof):
    n = x.shape[1]
    for r in range(x.shape[0]):
        xr = x[r]
        s = x.dtype.type(0)
        for j in range(n):
            s += xr[j]
        m = s / n
        mean[r] = m
        q = x.dtype.type(0)
        for j in range(n):
            d = xr[j] - m
            q += d * d
        out[r] = q / (n - ddof)


@njit(**_FLAGS)
def _col_max(x, out, idx):
    f = x.shape[1]
    for j in range(f):
        out[j] = x[0, j]
        idx[j] = 0
    for r in range(1, x.shape[0]):
        xr = x[r]
        for j in range(f):
            v = xr[j]
            if v > out[j] or (v != v and out[j] == out[j]):  # NaN wins, like numpy
                out[j] = v
                idx[j] = r


@njit(**_FLAGS)
def _row_max(x, out, idx):
    for r in range(x.shape[0]):
        xr = x[r]
        m = xr[0]
        k = 0
        for j in range(1, x.shape[1]):
            v = xr[j]
            if v > m or (v != v and m == m):
                m = v
                k = j
        out[r] = m
        idx[r] = k


def _prep(x, axis, fn, min_len=1):
    x = matrix(x, fn)
    if axis not in (0, 1, -1, -2):
        raise ValueError(f"{fn}: axis must be 0 or 1 for a 2-D array, got {axis!r}")
    axis = axis % 2
    if x.shape[axis] < min_len:
        raise ValueError(f"{fn}: cannot reduce x of shape {x.shape} along axis {axis} "
                         f"(needs at least {min_len} element{'s' if min_len > 1 else ''})")
    return x, axis


def reduce_sum(x, axis=0, out=None):
    """Sum of a 2-D array along ``axis`` (0: per column, 1: per row)."""
    x, axis = _prep(x, axis, "reduce_sum", 0)
    out = out_array(out, (x.shape[1 - axis],), x.dtype, "reduce_sum")
    (_col_sum if axis == 0 else _row_sum)(x, out)
    return out


def column_sum(x, out=None):
    """Per-column sum of a (rows, features) array: the bias gradient of a Linear layer."""
    return reduce_sum(x, 0, out)


def reduce_mean(x, axis=0, out=None):
    """Mean of a 2-D array along ``axis``."""
    x, axis = _prep(x, axis, "reduce_mean")
    out = reduce_sum(x, axis, out)
    out /= x.shape[axis]
    return out


def reduce_var(x, axis=0, ddof=0, out=None):
    """Variance (two-pass) of a 2-D array along ``axis``; returns (var, mean)."""
    x, axis = _prep(x, axis, "reduce_var", ddof + 1)
    k = x.shape[1 - axis]
    out = out_array(out, (k,), x.dtype, "reduce_var")
    mean = np.empty(k, x.dtype)
    (_col_var if axis == 0 else _row_var)(x, mean, out, ddof)
    return out, mean


def reduce_max(x, axis=0, out=None):
    """Max along ``axis`` and the argmax (int64, first occurrence); returns (max, argmax)."""
    x, axis = _prep(x, axis, "reduce_max")
    k = x.shape[1 - axis]
    out = out_array(out, (k,), x.dtype, "reduce_max")
    idx = np.empty(k, np.int64)
    (_col_max if axis == 0 else _row_max)(x, out, idx)
    return out, idx
