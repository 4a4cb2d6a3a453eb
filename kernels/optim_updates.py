"""Optimizer updates, in place, one pass over memory: SGD, RMSprop, Adam and AdamW.

Each update reads a parameter, its gradient and its state once and writes them back once; the
formulas are PyTorch's (torch.optim, single-tensor "foreach=False" semantics):

SGD      d = g + wd p;  b = d (first step) else mu b + (1 - dampening) d;
         d = d + mu b (nesterov) else b;  p -= lr d
RMSprop  g = g + wd p;  s = a s + (1 - a) g^2;  centered: ga = a ga + (1 - a) g,
         den = sqrt(s - ga^2) + eps, else den = sqrt(s) + eps;
         momentum: b = mu b + g / den, p -= lr b;  else p -= lr g / den
Adam     g = g + wd p (Adam: coupled) or p *= 1 - lr wd (AdamW: decoupled);
         m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  amsgrad: vmax = max(vmax, v);
         p -= lr/(1 - b1^t) * m / (sqrt(v or vmax) / sqrt(1 - b2^t) + eps)   (eps outside the root)

Scalars are converted to the parameter dtype in the wrapper, so a float32 model runs float32
arithmetic (and the loops vectorise: docs/kernels.md: a scalar Adam loop ran at 10 GB/s). The
flags that change the loop (amsgrad, centered, momentum, nesterov) are tested outside the loop.
Arrays may have any shape; state arrays must match the parameter's shape and dtype and all must
be C-contiguous (they are updated in place).
"""
import math

import numpy as np
from numba import njit, prange

from . import threads
from ._chunks import chunk_bounds

_FLAGS = dict(cache=True, error_model="numpy", fastmath={"contract"})


# ---- Adam / AdamW -----------------------------------------------------------------------------
@njit(**_FLAGS)
def _adam(p, g, m, v, vmax, lr_c, b1, b2, eps, inv_sqrt_bc2, wd, decay, amsgrad):
    """lr_c = lr / bias_correction1; wd: coupled weight decay; decay: 1 - lr*wd (decoupled)."""
    one = p.dtype.type(1)
    c1 = one - b1
    c2 = one - b2
    if amsgrad:
        for i in range(p.shape[0]):
            pi = p[i] * decay
            gi = g[i] + wd * pi
            mi = b1 * m[i] + c1 * gi
            vi = b2 * v[i] + c2 * (gi * gi)
            vm = max(vmax[i], vi)
            m[i] = mi
            v[i] = vi
            vmax[i] = vm
            p[i] = pi - lr_c * mi / (np.sqrt(vm) * inv_sqrt_bc2 + eps)
    else:
        for i in range(p.shape[0]):
            pi = p[i] * decay
            gi = g[i] + wd * pi
            mi = b1 * m[i] + c1 * gi
            vi = b2 * v[i] + c2 * (gi * gi)
            m[i] = mi
            v[i] = vi
            p[i] = pi - lr_c * mi / (np.sqrt(vi) * inv_sqrt_bc2 + eps)


@njit(parallel=True, **_FLAGS)
def _adam_par(p, g, m, v, vmax, lr_c, b1, b2, eps, inv_sqrt_bc2, wd, decay, amsgrad, parts):
    n = p.shape[0]
    for c in prange(parts):
        lo, hi = chunk_bounds(c, n, parts)
        vm = vmax[lo:hi] if amsgrad else vmax
        _adam(p[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi], vm, lr_c, b1, b2, eps, inv_sqrt_bc2,
              wd, decay, amsgrad)


# ---- SGD --------------------------------------------------------------------------------------
@njit(**_FLAGS)
def _sgd(p, g, buf, lr, mu, damp_c, wd, nesterov, first, use_buf):
    """damp_c = 1 - dampening."""
    if not use_buf:
        for i in range(p.shape[0]):
            p[i] = p[i] - lr * (g[i] + wd * p[i])
    elif first:
        for i in range(p.shape[0]):
            d = g[i] + wd * p[i]
            buf[i] = d
            p[i] = p[i] - lr * (d + mu * d if nesterov else d)
    elif nesterov:
        for i in range(p.shape[0]):
            d = g[i] + wd * p[i]
            b = mu * buf[i] + damp_c * d
            buf[i] = b
            p[i] = p[i] - lr * (d + mu * b)
    else:
        for i in range(p.shape[0]):
            d = g[i] + wd * p[i]
            b = mu * buf[i] + damp_c * d
            buf[i] = b
            p[i] = p[i] - lr * b


@njit(parallel=True, **_FLAGS)
def _sgd_par(p, g, buf, lr, mu, damp_c, wd, nesterov, first, use_buf, parts):
    n = p.shape[0]
    for c in prange(parts):
        lo, hi = chunk_bounds(c, n, parts)
        b = buf[lo:hi] if use_buf else buf
        _sgd(p[lo:hi], g[lo:hi], b, lr, mu, damp_c, wd, nesterov, first, use_buf)


# ---- RMSprop ----------------------------------------------------------------------------------
@njit(**_FLAGS)
def _rmsprop(p, g, sq, ga, buf, lr, alpha, eps, wd, mu, centered, use_buf):
    c = p.dtype.type(1) - alpha
    for i in range(p.shape[0]):
        gi = g[i] + wd * p[i]
        s = alpha * sq[i] + c * (gi * gi)
        sq[i] = s
        if centered:
            a = alpha * ga[i] + c * gi
            ga[i] = a
            den = np.sqrt(s - a * a) + eps
        else:
            den = np.sqrt(s) + eps
        if use_buf:
            b = mu * buf[i] + gi / den
            buf[i] = b
            p[i] = p[i] - lr * b
        else:
            p[i] = p[i] - lr * gi / den


@njit(parallel=True, **_FLAGS)
def _rmsprop_par(p, g, sq, ga, buf, lr, alpha, eps, wd, mu, centered, use_buf, parts):
    n = p.shape[0]
    for c in prange(parts):
        lo, hi = chunk_bounds(c, n, parts)
        a = ga[lo:hi] if centered else ga
        b = buf[lo:hi] if use_buf else buf
        _rmsprop(p[lo:hi], g[lo:hi], sq[lo:hi], a, b, lr, alpha, eps, wd, mu, centered, use_buf)


# ---- wrappers ---------------------------------------------------------------------------------
def _check_param(p, fn):
    if type(p) is np.ndarray and p.dtype.char in "fd":  # dtype.char: ~10x cheaper than ==
        flags = p.flags
        if flags.c_contiguous and flags.writeable:
            return p.reshape(-1)
    if not isinstance(p, np.ndarray) or p.dtype not in (np.float32, np.float64):
        raise ValueError(f"{fn}: param must be a float32 or float64 numpy array, got "
                         f"{getattr(p, 'dtype', type(p).__name__)}")
    if not p.flags.c_contiguous or not p.flags.writeable:
        raise ValueError(f"{fn}: param of shape {p.shape} must be writable and C-contiguous "
                         "(it is updated in place)")
    return p.reshape(-1)


def _check_state(a, p, fn, name, inplace=True):
    # the common case first and cheap: optimizer steps over many small parameters are
    # call-bound, and these checks run three or four times a parameter
    if type(a) is np.ndarray and a.shape == p.shape and a.dtype.char == p.dtype.char:
        flags = a.flags
        if flags.c_contiguous and (flags.writeable or not inplace):
            return a.reshape(-1)
    if a is None:
        raise ValueError(f"{fn}: {name} is required (an array shaped like param {p.shape})")
    if not isinstance(a, np.ndarray) or a.shape != p.shape or a.dtype != p.dtype:
        raise ValueError(f"{fn}: {name} must have param's shape {p.shape} and dtype {p.dtype}, "
                         f"got shape {getattr(a, 'shape', None)} and dtype {getattr(a, 'dtype', None)}")
    if not a.flags.c_contiguous or (inplace and not a.flags.writeable):
        raise ValueError(f"{fn}: {name} must be {'writable and ' if inplace else ''}C-contiguous")
    return a.reshape(-1)


def _all_ready(param, grad, *state):
    """True when ``param`` is a writable C-contiguous float32/float64 array and ``grad`` and
    every state array are C-contiguous arrays of its shape and dtype (states writable): what
    the checks below require, tested in one pass. False sends the caller to those checks."""
    if type(param) is not np.ndarray:
        return False
    c = param.dtype.char
    if c != "f" and c != "d":
        return False
    flags = param.flags
    if not flags.c_contiguous or not flags.writeable:
        return False
    shape = param.shape
    if (type(grad) is not np.ndarray or grad.shape != shape or grad.dtype.char != c
            or not grad.flags.c_contiguous):
        return False
    for a in state:
        if type(a) is not np.ndarray or a.shape != shape or a.dtype.char != c:
            return False
        flags = a.flags
        if not flags.c_contiguous or not flags.writeable:
            return False
    return True


def adam_scalars(dtype, step, lr, beta1, beta2, eps, weight_decay, decoupled):
    """The scalars of Adam's step ``step`` in ``dtype``, prepared in this one place for every
    path (``adam_step``, ``adam_step_prechecked``, ``adam_step_many`` and the numpy path of
    ``autograd_lite.optim``): ``(lr/(1 - b1^t), b1, b2, eps, 1/sqrt(1 - b2^t), wd, decay)``,
    with ``wd`` the coupled weight decay (0 for AdamW) and ``decay = 1 - lr*wd`` for AdamW
    (else 1). The bias corrections are folded into two scalars: sqrt(v/c) = sqrt(v)/sqrt(c)."""
    t = dtype.type
    bc1 = 1.0 - beta1 ** step
    bc2 = 1.0 - beta2 ** step
    wd, decay = (0.0, 1.0 - lr * weight_decay) if decoupled else (weight_decay, 1.0)
    return (t(lr / bc1), t(beta1), t(beta2), t(eps), t(1.0 / math.sqrt(bc2)), t(wd), t(decay))


def _parts(n):
    return threads.get_num_threads() if threads.use_parallel(n, "memory") else 0


def adam_step(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999,
              eps=1e-8, weight_decay=0.0, amsgrad=False, max_exp_avg_sq=None, decoupled=False):
    """One Adam step in place (AdamW when ``decoupled``); ``step`` counts from 1.

    Updates ``param``, ``exp_avg``, ``exp_avg_sq`` (and ``max_exp_avg_sq`` with amsgrad) in
    place and returns ``param``. Weight decay is added to the gradient (Adam) or multiplies the
    parameter by ``1 - lr * weight_decay`` before the update (AdamW, ``decoupled=True``).
    """
    if (type(step) is int and step >= 1 and 0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0
            and _all_ready(param, grad, exp_avg, exp_avg_sq,
                           max_exp_avg_sq if amsgrad else exp_avg_sq)):
        # the common case, checked in one pass: on a step over many small parameters the
        # separate checks below cost more than the update itself
        return adam_step_prechecked(param, grad, exp_avg, exp_avg_sq,
                                    max_exp_avg_sq if amsgrad else None, step, lr, beta1, beta2,
                                    eps, weight_decay, decoupled)
    fn = "adamw_step" if decoupled else "adam_step"
    p = _check_param(param, fn)
    g = _check_state(grad, param, fn, "grad", inplace=False)
    m = _check_state(exp_avg, param, fn, "exp_avg")
    v = _check_state(exp_avg_sq, param, fn, "exp_avg_sq")
    vmax = _check_state(max_exp_avg_sq, param, fn, "max_exp_avg_sq") if amsgrad else v
    if not (isinstance(step, (int, np.integer)) and step >= 1):
        raise ValueError(f"{fn}: step must be an int >= 1 (the step count after this step), got {step!r}")
    if not 0.0 <= beta1 < 1.0 or not 0.0 <= beta2 < 1.0:
        raise ValueError(f"{fn}: betas must be in [0, 1), got ({beta1}, {beta2})")
    args = adam_scalars(param.dtype, int(step), lr, beta1, beta2, eps, weight_decay,
                        decoupled) + (bool(amsgrad),)
    parts = _parts(p.shape[0]) if p.shape[0] >= threads.PARALLEL_MIN_MEMORY_BOUND else 0
    if parts:
        _adam_par(p, g, m, v, vmax, *args, parts)
    else:
        _adam(p, g, m, v, vmax, *args)
    return param


def adamw_step(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999,
               eps=1e-8, weight_decay=1e-2, amsgrad=False, max_exp_avg_sq=None):
    """One AdamW step in place: Adam with decoupled weight decay ``p *= 1 - lr * weight_decay``."""
    return adam_step(param, grad, exp_avg, exp_avg_sq, step, lr, beta1, beta2, eps,
                     weight_decay, amsgrad, max_exp_avg_sq, decoupled=True)


def sgd_step(param, grad, momentum_buffer=None, lr=1e-2, momentum=0.0, dampening=0.0,
             nesterov=False, weight_decay=0.0, first_step=False):
    """One SGD step in place; returns ``param``.

    With ``momentum > 0`` a ``momentum_buffer`` shaped like ``param`` is required; on
    ``first_step`` it is set to the (decayed) gradient, as PyTorch does when it creates it.
    """
    if (not first_step and not (nesterov and (momentum <= 0 or dampening != 0))
            and _all_ready(param, grad, *((momentum_buffer,) if momentum != 0 else ()))):
        return sgd_step_prechecked(param, grad, momentum_buffer, lr, momentum, dampening,
                                   nesterov, weight_decay)
    fn = "sgd_step"
    p = _check_param(param, fn)
    g = _check_state(grad, param, fn, "grad", inplace=False)
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError(f"{fn}: nesterov needs momentum > 0 and dampening = 0, got momentum="
                         f"{momentum}, dampening={dampening}")
    use_buf = momentum != 0
    buf = _check_state(momentum_buffer, param, fn, "momentum_buffer") if use_buf else p
    t = param.dtype.type
    args = (t(lr), t(momentum), t(1.0 - dampening), t(weight_decay), bool(nesterov),
            bool(first_step), use_buf)
    parts = _parts(p.shape[0]) if p.shape[0] >= threads.PARALLEL_MIN_MEMORY_BOUND else 0
    if parts:
        _sgd_par(p, g, buf, *args, parts)
    else:
        _sgd(p, g, buf, *args)
    return param


def adam_step_prechecked(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, lr, beta1,
                         beta2, eps, weight_decay, decoupled):
    """``adam_step`` without its argument checks, positional only (``max_exp_avg_sq`` None
    unless amsgrad), for callers that have already made sure that every array is a
    C-contiguous float32/float64 array of ``param``'s shape and dtype, ``param`` and the state
    writable, ``step >= 1`` and the betas in [0, 1) (autograd_lite.optim checks exactly this).
    The same arithmetic as ``adam_step``; on an optimizer step over many small parameters the
    checks cost more than the update (about 4 µs against 1 µs a parameter)."""
    p = param.reshape(-1)
    v = exp_avg_sq.reshape(-1)
    amsgrad = max_exp_avg_sq is not None
    args = (p, grad.reshape(-1), exp_avg.reshape(-1), v,
            max_exp_avg_sq.reshape(-1) if amsgrad else v,
            *adam_scalars(param.dtype, step, lr, beta1, beta2, eps, weight_decay, decoupled),
            amsgrad)
    n = p.shape[0]
    if n >= threads.PARALLEL_MIN_MEMORY_BOUND and threads.use_parallel(n, "memory"):
        _adam_par(*args, threads.get_num_threads())
    else:
        _adam(*args)
    return param


def sgd_step_prechecked(param, grad, momentum_buffer, lr, momentum, dampening, nesterov,
                        weight_decay):
    """``sgd_step`` (not the first step) without its argument checks, positional only
    (``momentum_buffer`` None when momentum is 0), on the same terms as
    ``adam_step_prechecked``; nesterov needs momentum > 0 and dampening 0 (checked by the
    caller)."""
    t = param.dtype.type
    p = param.reshape(-1)
    use_buf = momentum != 0
    args = (p, grad.reshape(-1), momentum_buffer.reshape(-1) if use_buf else p, t(lr),
            t(momentum), t(1.0 - dampening), t(weight_decay), bool(nesterov), False, use_buf)
    n = p.shape[0]
    if n >= threads.PARALLEL_MIN_MEMORY_BOUND and threads.use_parallel(n, "memory"):
        _sgd_par(*args, threads.get_num_threads())
    else:
        _sgd(*args)
    return param


# ---- many small parameters in one call ----------------------------------------------------------
#: parameters per kernel call in the ``*_many`` functions: a fixed tuple length, so each kernel
#: compiles once per dtype, whatever the model (shorter lists are padded with empty arrays)
MANY_CHUNK = 8


@njit(**_FLAGS)
def _sgd_many(P, G, B, lr, mu, damp_c, wd, nesterov, use_buf):
    for k in range(len(P)):
        _sgd(P[k], G[k], B[k], lr, mu, damp_c, wd, nesterov, False, use_buf)


@njit(**_FLAGS)
def _adam_many(P, G, M, V, lr_c, b1, b2, eps, inv_sqrt_bc2, wd, decay):
    for k in range(len(P)):
        _adam(P[k], G[k], M[k], V[k], V[k], lr_c, b1, b2, eps, inv_sqrt_bc2, wd, decay, False)


def _chunks(dtype, *lists):
    """The parallel lists cut into tuples of exactly MANY_CHUNK arrays (padded with one empty
    array of ``dtype``)."""
    n = len(lists[0])
    pad = np.empty(0, dtype=dtype)
    for start in range(0, n, MANY_CHUNK):
        fill = max(0, start + MANY_CHUNK - n)
        yield tuple([tuple(a[start:start + MANY_CHUNK]) + (pad,) * fill for a in lists])


def sgd_step_many(params, grads, momentum_buffers, lr, momentum, dampening, nesterov,
                  weight_decay):
    """``sgd_step_prechecked`` on many parameters at once: the same loop, one kernel call per
    MANY_CHUNK parameters instead of one a parameter. The lists hold 1-D C-contiguous arrays
    of one dtype (float32 or float64; the parameters' and buffers' writable), the i-th of each
    the same length; ``momentum_buffers`` is ignored when momentum is 0. For small parameters:
    the serial loop only (no threads)."""
    if not params:
        return
    dtype = params[0].dtype
    t = dtype.type
    use_buf = momentum != 0
    scalars = (t(lr), t(momentum), t(1.0 - dampening), t(weight_decay), bool(nesterov), use_buf)
    for P, G, B in _chunks(dtype, params, grads, momentum_buffers if use_buf else params):
        _sgd_many(P, G, B, *scalars)


def adam_step_many(params, grads, exp_avgs, exp_avg_sqs, step, lr, beta1, beta2, eps,
                   weight_decay, decoupled):
    """``adam_step_prechecked`` (no amsgrad) on many parameters that share the step count
    ``step``, one kernel call per MANY_CHUNK parameters; the lists as in ``sgd_step_many``."""
    if not params:
        return
    dtype = params[0].dtype
    scalars = adam_scalars(dtype, step, lr, beta1, beta2, eps, weight_decay, decoupled)
    for P, G, M, V in _chunks(dtype, params, grads, exp_avgs, exp_avg_sqs):
        _adam_many(P, G, M, V, *scalars)


def rmsprop_step(param, grad, square_avg, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0,
                 momentum=0.0, centered=False, grad_avg=None, momentum_buffer=None):
    """One RMSprop step in place (PyTorch semantics, eps outside the root); returns ``param``.

    ``centered`` needs ``grad_avg``; ``momentum > 0`` needs ``momentum_buffer`` (zeros at start).
    """
    fn = "rmsprop_step"
    p = _check_param(param, fn)
    g = _check_state(grad, param, fn, "grad", inplace=False)
    sq = _check_state(square_avg, param, fn, "square_avg")
    ga = _check_state(grad_avg, param, fn, "grad_avg") if centered else p
    use_buf = momentum != 0
    buf = _check_state(momentum_buffer, param, fn, "momentum_buffer") if use_buf else p
    t = param.dtype.type
    args = (t(lr), t(alpha), t(eps), t(weight_decay), t(momentum), bool(centered), use_buf)
    parts = _parts(p.shape[0])
    if parts:
        _rmsprop_par(p, g, sq, ga, buf, *args, parts)
    else:
        _rmsprop(p, g, sq, ga, buf, *args)
    return param
