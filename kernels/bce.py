"""Binary cross-entropy on probabilities (forward reduced or elementwise, and backward) and
on logits (elementwise forward and the logits' gradient), one pass each.

Formula (PyTorch's, docs/course.md "Logistic regression cost"): for a probability ``p`` and a
target ``y``, ``ℓ = −(y·log p + (1 − y)·log(1 − p))`` with each log clamped at −100 so that
``p = 0`` or ``1`` gives a finite loss; ``∂ℓ/∂p = (p − y) / max(p(1 − p), 1e-12)`` and
``∂ℓ/∂y = log(1 − p) − log p`` (clamped logs). Why a kernel: numpy spends ten ufunc calls on it,
and on a small model's batch (W-tiny, 64 elements) those calls were its costliest node
(17 µs; this kernel 2 µs). The logs are libm's (``math.log``/``math.log1p``) in the array's
dtype; the sum of a reduction is accumulated in float64.

On a logit ``x`` (no ``pos_weight``): ``ℓ = (1 − y)·x + log(1 + e^(−x))``, the softplus written
``max(−x, 0) + log1p(e^(−|x|))`` so it is finite for any x, and ``∂ℓ/∂x = (1 − y) − σ(−x)``
with ``σ(−x) = e/(1 + e)`` or ``1/(1 + e)`` (``e = e^(−|x|)``) by the sign of x; the course's
experiments (init, regularization, optimizers) all train on this loss.
"""
import math

import numpy as np
from numba import njit

from ._checks import as_float, like, out_array

_FLAGS = dict(cache=True, error_model="numpy")


@njit(**_FLAGS)
def _clamped_logs(p, low):
    """(log p, log(1 − p)), each raised to ``low`` (−100) if below; NaN stays NaN, as in
    ``np.maximum``."""
    log_p = math.log(p)
    log_q = math.log1p(-p)
    if log_p < low:
        log_p = low
    if log_q < low:
        log_q = low
    return log_p, log_q


@njit(**_FLAGS)
def _loss(p, y, out, store):
    """Elementwise losses into ``out`` (when ``store``); returns their float64 sum and the
    number of probabilities outside [0, 1] (NaN included)."""
    low = p.dtype.type(-100.0)
    one = p.dtype.type(1.0)
    total = 0.0
    outside = 0
    for i in range(p.shape[0]):
        pi = p[i]
        if not (pi >= 0 and pi <= one):
            outside += 1
        yi = y[i]
        log_p, log_q = _clamped_logs(pi, low)
        loss = -(yi * log_p + (one - yi) * log_q)
        if store:
            out[i] = loss
        total += loss
    return total, outside


@njit(**_FLAGS)
def _grad_p(p, y, g, g_step, scale, out):
    """out = g·scale·(p − y) / max(p(1 − p), 1e-12); ``g`` has one element (g_step 0) or n."""
    tiny = p.dtype.type(1e-12)
    one = p.dtype.type(1.0)
    for i in range(p.shape[0]):
        pi = p[i]
        d = pi * (one - pi)
        if d < tiny:
            d = tiny
        out[i] = g[i * g_step] * scale * (pi - y[i]) / d


@njit(**_FLAGS)
def _grad_y(p, g, g_step, scale, out):
    """out = g·scale·(log(1 − p) − log p), the logs clamped at −100."""
    low = p.dtype.type(-100.0)
    for i in range(p.shape[0]):
        log_p, log_q = _clamped_logs(p[i], low)
        out[i] = g[i * g_step] * scale * (log_q - log_p)


#: the message for probabilities outside [0, 1] (the op's numpy path raises the same)
OUTSIDE = ("binary_cross_entropy: all elements of input must be probabilities in [0, 1] "
           "(apply sigmoid first, or use binary_cross_entropy_with_logits)")


def binary_cross_entropy(p, y, reduction="mean"):
    """The loss of probabilities ``p`` against targets ``y`` (same shape and float dtype):
    the elementwise array (``"none"``) or its ``"mean"``/``"sum"`` as a 0-d array. A ``p``
    outside [0, 1] (or NaN) raises ValueError, found in the same pass."""
    fn = "binary_cross_entropy"
    p = as_float(p, fn, "p")
    y = like(y, p, fn, "y", "p")
    out = np.empty(p.shape, p.dtype) if reduction == "none" else p
    total, outside = _loss(p.reshape(-1), y.reshape(-1), out.reshape(-1), reduction == "none")
    if outside:
        raise ValueError(OUTSIDE)
    if reduction == "none":
        return out
    if reduction == "mean":
        total = total / p.size if p.size else np.nan
    return np.asarray(total, dtype=p.dtype)


def binary_cross_entropy_backward(g, p, y, reduction="mean", need_p=True, need_y=False):
    """The gradients ``(∂/∂p, ∂/∂y)`` (None where not needed) for the upstream gradient ``g``
    (0-d for "mean"/"sum", ``p``'s shape for "none")."""
    fn = "binary_cross_entropy_backward"
    p = as_float(p, fn, "p")
    y = like(y, p, fn, "y", "p")
    g = np.asarray(g, dtype=p.dtype)
    if reduction == "none":
        g = like(g, p, fn, "grad", "p").reshape(-1)
        step = 1
    else:
        if g.size != 1:
            raise ValueError(f"{fn}: a reduced loss takes a gradient of one element, got shape "
                             f"{g.shape}")
        g = g.reshape(1)
        step = 0
    scale = p.dtype.type(1.0 / p.size if reduction == "mean" and p.size else 1.0)
    gp = gy = None
    if need_p:
        gp = out_array(None, p.shape, p.dtype, fn)
        _grad_p(p.reshape(-1), y.reshape(-1), g, step, scale, gp.reshape(-1))
    if need_y:
        gy = out_array(None, p.shape, p.dtype, fn)
        _grad_y(p.reshape(-1), g, step, scale, gy.reshape(-1))
    return gp, gy


@njit(**_FLAGS)
def _with_logits_loss(x, y, out):
    one = x.dtype.type(1.0)
    zero = x.dtype.type(0.0)
    for i in range(x.shape[0]):
        xi = x[i]
        softplus_neg = max(-xi, zero) + math.log1p(math.exp(-abs(xi)))
        out[i] = (one - y[i]) * xi + softplus_neg


@njit(**_FLAGS)
def _with_logits_grad(g, x, y, out):
    one = x.dtype.type(1.0)
    for i in range(x.shape[0]):
        xi = x[i]
        e = math.exp(-abs(xi))
        sigmoid_neg = e / (one + e) if xi >= 0 else one / (one + e)
        out[i] = g[i] * ((one - y[i]) - sigmoid_neg)


def binary_cross_entropy_with_logits(x, y):
    """The elementwise loss of logits ``x`` against targets ``y`` (same shape and float dtype)."""
    fn = "binary_cross_entropy_with_logits"
    x = as_float(x, fn, "x")
    y = like(y, x, fn, "y")
    out = np.empty(x.shape, x.dtype)
    _with_logits_loss(x.reshape(-1), y.reshape(-1), out.reshape(-1))
    return out


def binary_cross_entropy_with_logits_backward(g, x, y):
    """The logits' gradient for the elementwise upstream gradient ``g``."""
    fn = "binary_cross_entropy_with_logits_backward"
    x = as_float(x, fn, "x")
    y = like(y, x, fn, "y")
    g = like(g, x, fn, "grad")
    out = np.empty(x.shape, x.dtype)
    _with_logits_grad(g.reshape(-1), x.reshape(-1), y.reshape(-1), out.reshape(-1))
    return out
