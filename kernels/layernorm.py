"""LayerNorm over the last D elements of each row: fused forward and backward.

Arrays: ``x`` (R, D) C-contiguous float32/float64 (the op layer flattens the leading axes and
the normalised shape into rows and D); ``gamma``, ``beta`` (D,) or None (no affine).
Forward, per row r (PyTorch's F.layer_norm):
    mean_r = sum x / D;  var_r = sum (x - mean_r)^2 / D     (two passes, KERNELS.md rule 10)
    rstd_r = 1 / sqrt(var_r + eps);  y = (x - mean_r) rstd_r gamma + beta
Backward, with xhat = (x - mean) rstd recomputed from x and gh = grad gamma:
    dx = rstd (gh - mean_D(gh) - xhat mean_D(gh xhat))
    dgamma = sum over rows of grad xhat;  dbeta = sum over rows of grad
One pass per row for dx (two sums, then the write); dgamma/dbeta accumulate per column while the
rows stream by (contiguous, vectorised). Row sums use reassociating fastmath so they vectorise
(as reductions.py). The ``prange`` versions split rows into one block per thread; the backward
gives each block its own dgamma/dbeta row, summed afterwards.
"""
import numpy as np
from numba import njit, prange

from . import threads
from ._checks import like, matrix, out_array, vector_for

_FLAGS = dict(cache=True, error_model="numpy", fastmath={"contract", "reassoc"})


@njit(**_FLAGS)
def _fwd_rows(x, gamma, beta, eps, out, mean, rstd, r0, r1):
    d = x.shape[1]
    inv_d = x.dtype.type(1) / d
    for r in range(r0, r1):
        xr, yr = x[r], out[r]
        s = x.dtype.type(0)
        for j in range(d):
            s += xr[j]
        mu = s * inv_d
        v = x.dtype.type(0)
        for j in range(d):
            t = xr[j] - mu
            v += t * t
        inv = x.dtype.type(1) / np.sqrt(v * inv_d + eps)
        mean[r] = mu
        rstd[r] = inv
        for j in range(d):
            yr[j] = (xr[j] - mu) * inv * gamma[j] + beta[j]


@njit(**_FLAGS)
def _fwd(x, gamma, beta, eps, out, mean, rstd):
    _fwd_rows(x, gamma, beta, eps, out, mean, rstd, 0, x.shape[0])


@njit(parallel=True, **_FLAGS)
def _fwd_par(x, gamma, beta, eps, out, mean, rstd, parts):
    n = x.shape[0]
    step = (n + parts - 1) // parts
    for c in prange(parts):
        lo = min(c * step, n)
        _fwd_rows(x, gamma, beta, eps, out, mean, rstd, lo, min(lo + step, n))


@njit(**_FLAGS)
def _bwd_rows(g, x, mean, rstd, gamma, dx, dgamma, dbeta, r0, r1):
    d = x.shape[1]
    inv_d = x.dtype.type(1) / d
    zero = x.dtype.type(0)
    for j in range(d):
        dgamma[j] = zero
        dbeta[j] = zero
    for r in range(r0, r1):
        gr, xr, dr = g[r], x[r], dx[r]
        mu, inv = mean[r], rstd[r]
        a = zero
        b = zero
        for j in range(d):
            xhat = (xr[j] - mu) * inv
            gh = gr[j] * gamma[j]
            a += gh
            b += gh * xhat
            dgamma[j] += gr[j] * xhat
            dbeta[j] += gr[j]
        a *= inv_d
        b *= inv_d
        for j in range(d):
            xhat = (xr[j] - mu) * inv
            dr[j] = inv * (gr[j] * gamma[j] - a - xhat * b)


@njit(**_FLAGS)
def _bwd(g, x, mean, rstd, gamma, dx, dgamma, dbeta):
    _bwd_rows(g, x, mean, rstd, gamma, dx, dgamma, dbeta, 0, x.shape[0])


@njit(parallel=True, **_FLAGS)
def _bwd_par(g, x, mean, rstd, gamma, dx, dgamma_parts, dbeta_parts):
    n = x.shape[0]
    parts = dgamma_parts.shape[0]
    step = (n + parts - 1) // parts
    for c in prange(parts):
        lo = min(c * step, n)
        _bwd_rows(g, x, mean, rstd, gamma, dx, dgamma_parts[c], dbeta_parts[c], lo,
                  min(lo + step, n))


def _parts(x):
    if x.shape[0] >= 2 * threads.get_num_threads() and threads.use_parallel(x.size, "memory"):
        return threads.get_num_threads()
    return 0


def _affine(gamma, beta, d, dtype, fn):
    g = (np.ones(d, dtype) if gamma is None
         else vector_for(gamma, d, dtype, fn, "gamma"))
    b = (np.zeros(d, dtype) if beta is None
         else vector_for(beta, d, dtype, fn, "beta"))
    return g, b


def layernorm_forward(x, gamma=None, beta=None, eps=1e-5, out=None):
    """LayerNorm of each row of x (R, D); returns (y (R, D), mean (R,), rstd (R,)).

    ``gamma``/``beta`` (D,) or None (treated as ones/zeros). ``mean`` and ``rstd`` =
    1/sqrt(var + eps) (biased variance) are what ``layernorm_backward`` needs.
    """
    fn = "layernorm_forward"
    x = matrix(x, fn)
    r, d = x.shape
    g, b = _affine(gamma, beta, d, x.dtype, fn)
    y = out_array(out, x.shape, x.dtype, fn)
    mean = np.empty(r, x.dtype)
    rstd = np.empty(r, x.dtype)
    e = x.dtype.type(eps)
    parts = _parts(x)
    if parts:
        _fwd_par(x, g, b, e, y, mean, rstd, parts)
    else:
        _fwd(x, g, b, e, y, mean, rstd)
    return y, mean, rstd


def layernorm_backward(grad, x, mean, rstd, gamma=None, out=None):
    """Backward of layernorm_forward; returns (dx (R, D), dgamma (D,), dbeta (D,)).

    ``grad`` and ``x`` (R, D); ``mean``, ``rstd`` (R,) from the forward; ``gamma`` (D,) or None.
    dgamma and dbeta are returned even without gamma (the op layer drops them).
    """
    fn = "layernorm_backward"
    grad = matrix(grad, fn, "grad")
    x = like(x, grad, fn, "x", "grad")
    r, d = x.shape
    mean = vector_for(mean, r, x.dtype, fn, "mean", match=f"the {r} rows of grad")
    rstd = vector_for(rstd, r, x.dtype, fn, "rstd", match=f"the {r} rows of grad")
    g, _ = _affine(gamma, None, d, x.dtype, fn)
    dx = out_array(out, x.shape, x.dtype, fn)
    parts = _parts(x)
    if parts:
        dgp = np.empty((parts, d), x.dtype)
        dbp = np.empty((parts, d), x.dtype)
        _bwd_par(grad, x, mean, rstd, g, dx, dgp, dbp)
        return dx, dgp.sum(0), dbp.sum(0)
    dgamma = np.empty(d, x.dtype)
    dbeta = np.empty(d, x.dtype)
    _bwd(grad, x, mean, rstd, g, dx, dgamma, dbeta)
    return dx, dgamma, dbeta
