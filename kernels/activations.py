"""Activation forward and backward in one pass each, and fused bias + activation.

One serial kernel per direction covers every activation: the activation is an integer code and
the ``if`` sits outside the element loop, so each branch is its own vectorised loop and the whole
family compiles to one specialisation per dtype (compile time matters: docs/kernels.md). A ``prange``
twin splits the array into one contiguous chunk per thread and runs the serial kernel on each;
``threads.use_parallel`` decides which runs.

Backward kernels take what makes the derivative cheapest: relu/leaky_relu/log take the forward
input ``x``; sigmoid/tanh/exp take the forward output ``y`` (``y(1-y)``, ``1-y^2``, ``y``).
``log`` forward is numpy's ufunc (rule 7 allows a ufunc for a transcendental step; nothing to
fuse), its backward ``g / x`` is a kernel.
"""
import numpy as np
from numba import njit, prange

from . import threads
from ._chunks import chunk_bounds
from ._checks import as_float, like, matrix, out_array, vector_for
from .fastmath import fexp, fsigmoid, ftanh

IDENTITY, RELU, LEAKY_RELU, SIGMOID, TANH, EXP = 0, 1, 2, 3, 4, 5
ACTIVATIONS = {"identity": IDENTITY, "relu": RELU, "leaky_relu": LEAKY_RELU,
               "sigmoid": SIGMOID, "tanh": TANH, "exp": EXP}
_TRANSCENDENTAL = (SIGMOID, TANH, EXP)
_FLAGS = dict(cache=True, error_model="numpy", fastmath={"contract"})


@njit(**_FLAGS)
def _forward(x, out, act, slope):
    n = x.shape[0]
    zero = x.dtype.type(0)
    if act == RELU:
        for i in range(n):
            v = x[i]
            out[i] = zero if v < zero else v  # NaN passes through like np.maximum
    elif act == LEAKY_RELU:
        for i in range(n):
            v = x[i]
            out[i] = v * slope if v < zero else v
    elif act == SIGMOID:
        for i in range(n):
            out[i] = fsigmoid(x[i])
    elif act == TANH:
        for i in range(n):
            out[i] = ftanh(x[i])
    elif act == EXP:
        for i in range(n):
            out[i] = fexp(x[i])
    else:
        for i in range(n):
            out[i] = x[i]


@njit(**_FLAGS)
def _backward(g, v, out, act, slope):
    """dL/dx from dL/dy = g; v is x (relu, leaky_relu, log) or y (sigmoid, tanh, exp)."""
    n = g.shape[0]
    one = v.dtype.type(1)
    zero = v.dtype.type(0)
    if act == RELU:
        for i in range(n):
            out[i] = g[i] if v[i] > zero else zero
    elif act == LEAKY_RELU:
        for i in range(n):
            out[i] = g[i] if v[i] > zero else g[i] * slope
    elif act == SIGMOID:
        for i in range(n):
            y = v[i]
            out[i] = g[i] * (y * (one - y))
    elif act == TANH:
        for i in range(n):
            y = v[i]
            out[i] = g[i] * (one - y * y)
    elif act == EXP:
        for i in range(n):
            out[i] = g[i] * v[i]
    else:  # LOG: g / x
        for i in range(n):
            out[i] = g[i] / v[i]


@njit(parallel=True, **_FLAGS)
def _forward_par(x, out, act, slope, parts):
    n = x.shape[0]
    for c in prange(parts):
        lo, hi = chunk_bounds(c, n, parts)
        _forward(x[lo:hi], out[lo:hi], act, slope)


@njit(parallel=True, **_FLAGS)
def _backward_par(g, v, out, act, slope, parts):
    n = g.shape[0]
    for c in prange(parts):
        lo, hi = chunk_bounds(c, n, parts)
        _backward(g[lo:hi], v[lo:hi], out[lo:hi], act, slope)


_LOG = -1  # backward-only code (anything not listed above)


_ZERO = {"f": np.float32(0), "d": np.float64(0)}


def _flat(a):
    return a if a.ndim == 1 else a.reshape(-1)


def _run_forward(x, out, act, slope, fn):
    # kept lean: at 1K elements the Python around the kernel costs more than the kernel
    x = as_float(x, fn)
    out = out_array(out, x.shape, x.dtype, fn)
    s = _ZERO[x.dtype.char] if slope == 0 else x.dtype.type(slope)
    n = x.size
    if n >= threads.PARALLEL_MIN_TRANSCENDENTAL and threads.use_parallel(
            n, "transcendental" if act in _TRANSCENDENTAL else "memory"):
        _forward_par(_flat(x), _flat(out), act, s, threads.get_num_threads())
    else:
        _forward(_flat(x), _flat(out), act, s)
    return out


def _run_backward(grad, v, out, act, slope, fn, v_name):
    grad = as_float(grad, fn, "grad")
    v = like(v, grad, fn, v_name, "grad")
    out = out_array(out, grad.shape, grad.dtype, fn)
    s = _ZERO[grad.dtype.char] if slope == 0 else grad.dtype.type(slope)
    n = grad.size
    if n >= threads.PARALLEL_MIN_MEMORY_BOUND and threads.use_parallel(n, "memory"):
        _backward_par(_flat(grad), _flat(v), _flat(out), act, s, threads.get_num_threads())
    else:
        _backward(_flat(grad), _flat(v), _flat(out), act, s)
    return out


# ---- public wrappers -------------------------------------------------------------------------
def relu(x, out=None):
    """max(x, 0) elementwise."""
    return _run_forward(x, out, RELU, 0.0, "relu")


def relu_backward(grad, x, out=None):
    """grad * (x > 0); ``x`` is the forward input."""
    return _run_backward(grad, x, out, RELU, 0.0, "relu_backward", "x")


def leaky_relu(x, slope=0.01, out=None):
    """x if x > 0 else slope * x."""
    return _run_forward(x, out, LEAKY_RELU, slope, "leaky_relu")


def leaky_relu_backward(grad, x, slope=0.01, out=None):
    """grad if x > 0 else slope * grad; ``x`` is the forward input."""
    return _run_backward(grad, x, out, LEAKY_RELU, slope, "leaky_relu_backward", "x")


def sigmoid(x, out=None):
    """1 / (1 + exp(-x)) with the vectorising exp."""
    return _run_forward(x, out, SIGMOID, 0.0, "sigmoid")


def sigmoid_backward(grad, y, out=None):
    """grad * y * (1 - y); ``y`` is the forward output."""
    return _run_backward(grad, y, out, SIGMOID, 0.0, "sigmoid_backward", "y")


def tanh(x, out=None):
    """tanh(x) with the vectorising tanh."""
    return _run_forward(x, out, TANH, 0.0, "tanh")


def tanh_backward(grad, y, out=None):
    """grad * (1 - y^2); ``y`` is the forward output."""
    return _run_backward(grad, y, out, TANH, 0.0, "tanh_backward", "y")


def exp(x, out=None):
    """exp(x) with the vectorising exp."""
    return _run_forward(x, out, EXP, 0.0, "exp")


def exp_backward(grad, y, out=None):
    """grad * y; ``y`` is the forward output exp(x)."""
    return _run_backward(grad, y, out, EXP, 0.0, "exp_backward", "y")


def log(x, out=None):
    """Natural log (numpy's ufunc: there is nothing to fuse in the forward)."""
    x = as_float(x, "log")
    out = out_array(out, x.shape, x.dtype, "log")
    return np.log(x, out=out)


def log_backward(grad, x, out=None):
    """grad / x; ``x`` is the forward input."""
    return _run_backward(grad, x, out, _LOG, 0.0, "log_backward", "x")


# ---- fused bias + activation (the Linear epilogue) -------------------------------------------
@njit(**_FLAGS)
def _bias_act_rows(z, bias, out, act, slope, r0, r1):
    f = z.shape[1]
    zero = z.dtype.type(0)
    for r in range(r0, r1):
        zr = z[r]
        orow = out[r]
        if act == RELU:
            for j in range(f):
                v = zr[j] + bias[j]
                orow[j] = zero if v < zero else v
        elif act == LEAKY_RELU:
            for j in range(f):
                v = zr[j] + bias[j]
                orow[j] = v * slope if v < zero else v
        elif act == SIGMOID:
            for j in range(f):
                orow[j] = fsigmoid(zr[j] + bias[j])
        elif act == TANH:
            for j in range(f):
                orow[j] = ftanh(zr[j] + bias[j])
        elif act == EXP:
            for j in range(f):
                orow[j] = fexp(zr[j] + bias[j])
        else:
            for j in range(f):
                orow[j] = zr[j] + bias[j]


@njit(**_FLAGS)
def _bias_act(z, bias, out, act, slope):
    _bias_act_rows(z, bias, out, act, slope, 0, z.shape[0])


@njit(parallel=True, **_FLAGS)
def _bias_act_par(z, bias, out, act, slope, parts):
    n = z.shape[0]
    step = (n + parts - 1) // parts
    for c in prange(parts):
        lo = min(c * step, n)
        _bias_act_rows(z, bias, out, act, slope, lo, min(lo + step, n))


@njit(**_FLAGS)
def _bias_act_backward(g, y, dz, db, act, slope):
    """dz = g * act'(y) row by row, and db = column sums of dz (one pass over g and y)."""
    rows, f = g.shape
    one = y.dtype.type(1)
    zero = y.dtype.type(0)
    for j in range(f):
        db[j] = zero
    for r in range(rows):
        gr, yr, dr = g[r], y[r], dz[r]
        if act == RELU:
            for j in range(f):
                dr[j] = gr[j] if yr[j] > zero else zero
        elif act == LEAKY_RELU:
            for j in range(f):
                dr[j] = gr[j] if yr[j] > zero else gr[j] * slope
        elif act == SIGMOID:
            for j in range(f):
                dr[j] = gr[j] * (yr[j] * (one - yr[j]))
        elif act == TANH:
            for j in range(f):
                dr[j] = gr[j] * (one - yr[j] * yr[j])
        elif act == EXP:
            for j in range(f):
                dr[j] = gr[j] * yr[j]
        else:
            for j in range(f):
                dr[j] = gr[j]
        for j in range(f):
            db[j] += dr[j]


def _act_code(activation, fn):
    if activation is None:
        return IDENTITY
    try:
        return ACTIVATIONS[activation]
    except (KeyError, TypeError):
        raise ValueError(f"{fn}: unknown activation {activation!r}; expected one of "
                         f"{sorted(ACTIVATIONS)} or None") from None


def bias_activation(z, bias, activation="relu", slope=0.01, out=None, parallel=None):
    """act(z + bias) for z of shape (rows, features) and bias of shape (features,), one pass.

    ``out`` may be ``z`` itself (in place). ``activation`` is one of identity, relu,
    leaky_relu, sigmoid, tanh, exp, or None for identity. ``parallel``: None decides by size
    (threads.py), False forces the serial kernel (the Linear epilogue does, see linear.py).
    """
    act = _act_code(activation, "bias_activation")
    z = matrix(z, "bias_activation", "z")
    bias = vector_for(bias, z.shape[1], z.dtype, "bias_activation", "bias", "z")
    out = out_array(out, z.shape, z.dtype, "bias_activation")
    s = z.dtype.type(slope)
    kind = "transcendental" if act in _TRANSCENDENTAL else "memory"
    if parallel is not False and z.shape[0] >= 2 and threads.use_parallel(z.size, kind):
        _bias_act_par(z, bias, out, act, s, threads.get_num_threads())
    else:
        _bias_act(z, bias, out, act, s)
    return out


def bias_activation_backward(grad, y, activation="relu", slope=0.01, out=None):
    """Backward of ``bias_activation``: returns (dz, dbias) from the output gradient and output y.

    dz = grad * act'(y) (which is also the gradient of the GEMM result), dbias = dz summed over
    rows, in one pass. Accumulation is in the input dtype, row by row.
    """
    act = _act_code(activation, "bias_activation_backward")
    grad = matrix(grad, "bias_activation_backward", "grad")
    y = like(y, grad, "bias_activation_backward", "y", "grad")
    out = out_array(out, grad.shape, grad.dtype, "bias_activation_backward")
    db = np.empty(grad.shape[1], grad.dtype)
    _bias_act_backward(grad, y, out, db, act, grad.dtype.type(slope))
    return out, db
