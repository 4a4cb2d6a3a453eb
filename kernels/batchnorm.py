"""BatchNorm over the rows of a (batch, features) array: fused training forward, eval, backward.

Training forward (PyTorch BatchNorm1d semantics), per feature column j over the N rows:
    mean = sum x / N;  var = sum (x - mean)^2 / N          (two passes, docs/kernels.md rule 10)
    y = (x - mean) / sqrt(var + eps) * gamma + beta      (biased var for normalising)
    running_mean = (1 - momentum) running_mean + momentum mean
    running_var  = (1 - momentum) running_var  + momentum var * N / (N - 1)   (unbiased)
Backward, with xhat = (x - mean) * invstd recomputed from x (not stored):
    dbeta = sum g;  dgamma = sum g xhat;  dx = gamma invstd / N (N g - dbeta - xhat dgamma)

Loops run row by row with one accumulator per column, so the inner loop is contiguous and
vectorises; the ``prange`` version gives each thread a block of columns. Accumulation is in the
input dtype (two-pass keeps float32 accurate: the measured error matches numpy's).
"""
import numpy as np
from numba import njit, prange

from . import threads
from ._checks import like, matrix, out_array, vector_for

_FLAGS = dict(cache=True, error_model="numpy", fastmath={"contract"})


@njit(**_FLAGS)
def _fwd_cols(x, gamma, beta, eps, out, mean, invstd, var, c0, c1):
    # every array is sliced to the column block first so each loop starts at 0: numba then
    # drops its negative-index wraparound and LLVM vectorises (with range(c0, c1) it did not:
    # measured 1.04 ms vs 0.085 ms at 256x1024)
    n = x.shape[0]
    k = c1 - c0
    zero = x.dtype.type(0)
    inv_n = x.dtype.type(1) / n
    mu, vr, inv = mean[c0:c1], var[c0:c1], invstd[c0:c1]
    ga, be = gamma[c0:c1], beta[c0:c1]
    for j in range(k):
        mu[j] = zero
        vr[j] = zero
    for r in range(n):
        xr = x[r, c0:c1]
        for j in range(k):
            mu[j] += xr[j]
    for j in range(k):
        mu[j] *= inv_n
    for r in range(n):
        xr = x[r, c0:c1]
        for j in range(k):
            d = xr[j] - mu[j]
            vr[j] += d * d
    for j in range(k):
        vr[j] *= inv_n
        inv[j] = x.dtype.type(1) / np.sqrt(vr[j] + eps)
    for r in range(n):
        xr, orow = x[r, c0:c1], out[r, c0:c1]
        for j in range(k):
            orow[j] = (xr[j] - mu[j]) * (inv[j] * ga[j]) + be[j]


@njit(**_FLAGS)
def _fwd(x, gamma, beta, eps, out, mean, invstd, var):
    _fwd_cols(x, gamma, beta, eps, out, mean, invstd, var, 0, x.shape[1])


@njit(parallel=True, **_FLAGS)
def _fwd_par(x, gamma, beta, eps, out, mean, invstd, var, parts):
    f = x.shape[1]
    step = ((f + parts - 1) // parts + 15) // 16 * 16
    for c in prange(parts):
        lo = min(c * step, f)
        _fwd_cols(x, gamma, beta, eps, out, mean, invstd, var, lo, min(lo + step, f))


@njit(**_FLAGS)
def _bwd_cols(g, x, mean, invstd, gamma, dx, dgamma, dbeta, c0, c1):
    n = x.shape[0]
    k = c1 - c0
    zero = x.dtype.type(0)
    mu, inv, ga = mean[c0:c1], invstd[c0:c1], gamma[c0:c1]
    dg, db = dgamma[c0:c1], dbeta[c0:c1]
    for j in range(k):
        db[j] = zero
        dg[j] = zero
    for r in range(n):
        gr, xr = g[r, c0:c1], x[r, c0:c1]
        for j in range(k):
            gj = gr[j]
            db[j] += gj
            dg[j] += gj * ((xr[j] - mu[j]) * inv[j])
    inv_n = x.dtype.type(1) / n
    for r in range(n):
        gr, xr, dr = g[r, c0:c1], x[r, c0:c1], dx[r, c0:c1]
        for j in range(k):
            xhat = (xr[j] - mu[j]) * inv[j]
            dr[j] = (ga[j] * inv[j]) * (gr[j] - (db[j] + xhat * dg[j]) * inv_n)


@njit(**_FLAGS)
def _bwd(g, x, mean, invstd, gamma, dx, dgamma, dbeta):
    _bwd_cols(g, x, mean, invstd, gamma, dx, dgamma, dbeta, 0, x.shape[1])


@njit(parallel=True, **_FLAGS)
def _bwd_par(g, x, mean, invstd, gamma, dx, dgamma, dbeta, parts):
    f = x.shape[1]
    step = ((f + parts - 1) // parts + 15) // 16 * 16
    for c in prange(parts):
        lo = min(c * step, f)
        _bwd_cols(g, x, mean, invstd, gamma, dx, dgamma, dbeta, lo, min(lo + step, f))


@njit(**_FLAGS)
def _affine(x, scale, shift, out):
    f = x.shape[1]
    for r in range(x.shape[0]):
        xr, orow = x[r], out[r]
        for j in range(f):
            orow[j] = xr[j] * scale[j] + shift[j]


def _parts(x):
    if x.shape[1] >= 32 and threads.use_parallel(x.size, "memory"):
        return threads.get_num_threads()
    return 0


def batchnorm_forward_train(x, gamma, beta, running_mean=None, running_var=None,
                            momentum=0.1, eps=1e-5, out=None):
    """Training-mode BatchNorm1d of ``x`` (N, F); returns (y, mean, invstd).

    Updates ``running_mean``/``running_var`` (F,) in place when given (PyTorch semantics:
    unbiased variance in the running estimate). ``mean`` and ``invstd = 1/sqrt(var + eps)`` are
    what ``batchnorm_backward`` needs.
    """
    fn = "batchnorm_forward_train"
    x = matrix(x, fn)
    n, f = x.shape
    if n < 2:
        raise ValueError(f"{fn}: training BatchNorm needs more than one row per feature, got x of "
                         f"shape {x.shape}")
    gamma = vector_for(gamma, f, x.dtype, fn, "gamma")
    beta = vector_for(beta, f, x.dtype, fn, "beta")
    for name, r in (("running_mean", running_mean), ("running_var", running_var)):
        if r is not None:
            vector_for(r, f, x.dtype, fn, name)
            if not r.flags.writeable:
                raise ValueError(f"{fn}: {name} must be writable (updated in place)")
    out = out_array(out, x.shape, x.dtype, fn)
    mean = np.empty(f, x.dtype)
    invstd = np.empty(f, x.dtype)
    var = np.empty(f, x.dtype)
    e = x.dtype.type(eps)
    parts = _parts(x)
    if parts:
        _fwd_par(x, gamma, beta, e, out, mean, invstd, var, parts)
    else:
        _fwd(x, gamma, beta, e, out, mean, invstd, var)
    if running_mean is not None:
        running_mean *= 1.0 - momentum
        running_mean += momentum * mean
    if running_var is not None:
        running_var *= 1.0 - momentum
        running_var += (momentum * n / (n - 1)) * var
    return out, mean, invstd


def batchnorm_forward_eval(x, gamma, beta, running_mean, running_var, eps=1e-5, out=None):
    """Eval-mode BatchNorm1d: (x - running_mean) / sqrt(running_var + eps) * gamma + beta."""
    fn = "batchnorm_forward_eval"
    x = matrix(x, fn)
    f = x.shape[1]
    gamma = vector_for(gamma, f, x.dtype, fn, "gamma")
    beta = vector_for(beta, f, x.dtype, fn, "beta")
    rm = vector_for(running_mean, f, x.dtype, fn, "running_mean")
    rv = vector_for(running_var, f, x.dtype, fn, "running_var")
    out = out_array(out, x.shape, x.dtype, fn)
    scale = (gamma / np.sqrt(rv + x.dtype.type(eps))).astype(x.dtype)
    shift = (beta - rm * scale).astype(x.dtype)
    _affine(x, scale, shift, out)
    return out


def batchnorm_backward(grad, x, mean, invstd, gamma, out=None):
    """Backward of training BatchNorm1d; returns (dx, dgamma, dbeta) in one fused kernel."""
    fn = "batchnorm_backward"
    grad = matrix(grad, fn, "grad")
    x = like(x, grad, fn, "x", "grad")
    f = x.shape[1]
    mean = vector_for(mean, f, x.dtype, fn, "mean", "grad")
    invstd = vector_for(invstd, f, x.dtype, fn, "invstd", "grad")
    gamma = vector_for(gamma, f, x.dtype, fn, "gamma", "grad")
    dx = out_array(out, x.shape, x.dtype, fn)
    dgamma = np.empty(f, x.dtype)
    dbeta = np.empty(f, x.dtype)
    parts = _parts(x)
    if parts:
        _bwd_par(grad, x, mean, invstd, gamma, dx, dgamma, dbeta, parts)
    else:
        _bwd(grad, x, mean, invstd, gamma, dx, dgamma, dbeta)
    return dx, dgamma, dbeta
