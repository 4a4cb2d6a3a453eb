"""Softmax, log-softmax and fused softmax + cross-entropy along the last axis of a 2-D array.

Every row is shifted by its maximum before exponentiation (stable for any finite logits), and
the exponential is the vectorising ``fexp`` of fastmath.py. Rows are independent, so the
``prange`` version hands each thread a block of rows.

Cross-entropy takes int64 class labels (one per row). Forward returns the loss (mean over rows,
or sum, or per-row) and the softmax probabilities, which the backward turns into
``(probs - onehot(labels)) * grad_loss`` (divided by N for the mean) in one pass.
An out-of-range label raises ValueError naming the label, its row and the number of classes.
"""
import numpy as np
from numba import njit, prange

from . import threads
from ._checks import like, matrix, out_array
from .fastmath import fexp

_FLAGS = dict(cache=True, error_model="numpy", fastmath={"contract"})
# row sums may be reassociated (vectorised); the max is exact either way
_RFLAGS = dict(cache=True, error_model="numpy", fastmath={"contract", "reassoc"})

SOFTMAX, LOG_SOFTMAX = 0, 1


@njit(**_RFLAGS)
def _max(xr):
    """Max of a contiguous row with 8 independent accumulators: LLVM does not vectorise a
    single-accumulator float max reduction (measured 0.54 ms vs 0.16 ms per 1M elements).
    Used only as the stabilising shift, so NaNs are left to propagate through exp."""
    c = xr.shape[0]
    m0 = m1 = m2 = m3 = m4 = m5 = m6 = m7 = xr[0]
    nb = c // 8 * 8
    for j in range(0, nb, 8):
        m0 = xr[j] if xr[j] > m0 else m0
        m1 = xr[j + 1] if xr[j + 1] > m1 else m1
        m2 = xr[j + 2] if xr[j + 2] > m2 else m2
        m3 = xr[j + 3] if xr[j + 3] > m3 else m3
        m4 = xr[j + 4] if xr[j + 4] > m4 else m4
        m5 = xr[j + 5] if xr[j + 5] > m5 else m5
        m6 = xr[j + 6] if xr[j + 6] > m6 else m6
        m7 = xr[j + 7] if xr[j + 7] > m7 else m7
    m = max(max(max(m0, m1), max(m2, m3)), max(max(m4, m5), max(m6, m7)))
    for j in range(nb, c):
        m = xr[j] if xr[j] > m else m
    return m


@njit(**_RFLAGS)
def _rows(x, out, mode, r0, r1):
    c = x.shape[1]
    for r in range(r0, r1):
        xr, orow = x[r], out[r]
        m = _max(xr)
        s = x.dtype.type(0)
        if mode == SOFTMAX:
            for j in range(c):
                e = fexp(xr[j] - m)
                orow[j] = e
                s += e
            inv = x.dtype.type(1) / s
            for j in range(c):
                orow[j] *= inv
        else:
            for j in range(c):
                s += fexp(xr[j] - m)
            lse = m + np.log(s)
            for j in range(c):
                orow[j] = xr[j] - lse


@njit(**_RFLAGS)
def _softmax(x, out, mode):
    _rows(x, out, mode, 0, x.shape[0])


@njit(parallel=True, **_RFLAGS)
def _softmax_par(x, out, mode, parts):
    n = x.shape[0]
    step = (n + parts - 1) // parts
    for c in prange(parts):
        lo = min(c * step, n)
        _rows(x, out, mode, lo, min(lo + step, n))


@njit(**_RFLAGS)
def _softmax_bwd(g, y, out, mode):
    """softmax: dx = y (g - sum g y); log_softmax: dx = g - exp(y) sum g."""
    c = g.shape[1]
    for r in range(g.shape[0]):
        gr, yr, orow = g[r], y[r], out[r]
        s = g.dtype.type(0)
        if mode == SOFTMAX:
            for j in range(c):
                s += gr[j] * yr[j]
            for j in range(c):
                orow[j] = yr[j] * (gr[j] - s)
        else:
            for j in range(c):
                s += gr[j]
            for j in range(c):
                orow[j] = gr[j] - fexp(yr[j]) * s


@njit(**_RFLAGS)
def _xent_fwd(x, labels, probs, losses):
    """Softmax into probs and per-row loss; returns the first bad row, or -1."""
    n, c = x.shape
    for r in range(n):
        k = labels[r]
        if k < 0 or k >= c:
            return r
    for r in range(n):
        xr, pr = x[r], probs[r]
        m = _max(xr)
        s = x.dtype.type(0)
        for j in range(c):
            e = fexp(xr[j] - m)
            pr[j] = e
            s += e
        inv = x.dtype.type(1) / s
        for j in range(c):
            pr[j] *= inv
        losses[r] = (m + np.log(s)) - xr[labels[r]]
    return -1


@njit(**_RFLAGS)
def _xent_bwd(probs, labels, scale, out):
    """out = (probs - onehot) * scale[r] (scale has one entry per row)."""
    n, c = probs.shape
    for r in range(n):
        pr, orow = probs[r], out[r]
        s = scale[r]
        for j in range(c):
            orow[j] = pr[j] * s
        orow[labels[r]] -= s


def _run(x, out, mode, fn):
    x = matrix(x, fn)
    if x.shape[1] == 0:
        raise ValueError(f"{fn}: x of shape {x.shape} has no columns")
    out = out_array(out, x.shape, x.dtype, fn)
    if x.shape[0] >= threads.PARALLEL_MIN_ROWS and threads.use_parallel(x.size, "transcendental"):
        _softmax_par(x, out, mode, threads.get_num_threads())
    else:
        _softmax(x, out, mode)
    return out


def softmax(x, out=None):
    """Row-wise softmax of a 2-D array (along the last axis)."""
    return _run(x, out, SOFTMAX, "softmax")


def log_softmax(x, out=None):
    """Row-wise log-softmax: x - max - log(sum(exp(x - max)))."""
    return _run(x, out, LOG_SOFTMAX, "log_softmax")


def softmax_backward(grad, y, out=None):
    """Gradient of softmax from the output ``y``: y * (grad - sum(grad * y, row))."""
    grad = matrix(grad, "softmax_backward", "grad")
    y = like(y, grad, "softmax_backward", "y", "grad")
    out = out_array(out, grad.shape, grad.dtype, "softmax_backward")
    _softmax_bwd(grad, y, out, SOFTMAX)
    return out


def log_softmax_backward(grad, y, out=None):
    """Gradient of log_softmax from its output ``y``: grad - exp(y) * sum(grad, row)."""
    grad = matrix(grad, "log_softmax_backward", "grad")
    y = like(y, grad, "log_softmax_backward", "y", "grad")
    out = out_array(out, grad.shape, grad.dtype, "log_softmax_backward")
    _softmax_bwd(grad, y, out, LOG_SOFTMAX)
    return out


_REDUCTIONS = ("mean", "sum", "none")


def _labels(labels, n, fn):
    labels = np.asarray(labels)
    if labels.dtype != np.int64:
        raise ValueError(f"{fn}: labels must be int64 class indices, got dtype {labels.dtype}")
    if labels.shape != (n,):
        raise ValueError(f"{fn}: labels must have shape ({n},), one per row of the logits, "
                         f"got shape {labels.shape}")
    return np.ascontiguousarray(labels)


def softmax_cross_entropy(logits, labels, reduction="mean", probs_out=None):
    """Fused softmax + cross-entropy; returns (loss, probs).

    ``logits`` (N, C) float, ``labels`` (N,) int64 in [0, C). ``loss`` is a 0-d array (mean or
    sum) or the (N,) per-row losses (``reduction='none'``), in the logits' dtype; ``probs`` is
    the softmax, kept for ``softmax_cross_entropy_backward``.
    """
    fn = "softmax_cross_entropy"
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    x = matrix(logits, fn, "logits")
    n, c = x.shape
    if n == 0 or c == 0:
        raise ValueError(f"{fn}: logits of shape {x.shape} are empty")
    labels = _labels(labels, n, fn)
    probs = out_array(probs_out, x.shape, x.dtype, fn, "probs_out")
    losses = np.empty(n, x.dtype)
    bad = _xent_fwd(x, labels, probs, losses)
    if bad >= 0:
        raise ValueError(f"{fn}: label {labels[bad]} at row {bad} is out of range for "
                         f"{c} classes (valid labels are 0 .. {c - 1})")
    if reduction == "none":
        return losses, probs
    total = losses.sum(dtype=np.float64)
    loss = total / n if reduction == "mean" else total
    return np.asarray(loss, dtype=x.dtype), probs


def softmax_cross_entropy_backward(probs, labels, grad_loss=1.0, reduction="mean", out=None):
    """Gradient of the fused loss w.r.t. the logits: (probs - onehot) * grad_loss (/ N for mean).

    ``grad_loss`` is a scalar for 'mean'/'sum', or an (N,) array for 'none'.
    """
    fn = "softmax_cross_entropy_backward"
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    probs = matrix(probs, fn, "probs")
    n, c = probs.shape
    labels = _labels(labels, n, fn)
    if labels.size and (labels.min() < 0 or labels.max() >= c):
        k = int(labels[(labels < 0) | (labels >= c)][0])
        raise ValueError(f"{fn}: label {k} is out of range for {c} classes "
                         f"(valid labels are 0 .. {c - 1})")
    g = np.asarray(grad_loss, dtype=probs.dtype)
    if reduction == "none":
        if g.shape != (n,):
            raise ValueError(f"{fn}: with reduction='none' grad_loss must have shape ({n},), "
                             f"got shape {g.shape}")
        scale = np.ascontiguousarray(g)
    else:
        if g.size != 1:
            raise ValueError(f"{fn}: grad_loss must be a scalar for reduction={reduction!r}, "
                             f"got shape {g.shape}")
        s = g.reshape(()) / n if reduction == "mean" else g.reshape(())
        scale = np.full(n, s, probs.dtype)
    out = out_array(out, probs.shape, probs.dtype, fn)
    _xent_bwd(probs, labels, scale, out)
    return out
