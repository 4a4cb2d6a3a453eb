"""BatchNorm1d: fused training forward (with running stats), eval forward, fused backward."""
import numpy as np
import pytest

import autograd_lite.kernels as K
from _kernel_testutil import DTYPES, SUM_RTOL, randn

TOL = {np.float32: 2e-4, np.float64: 1e-10}


def _ref_forward(x, gamma, beta, eps):
    x = x.astype(np.float64)
    mean, var = x.mean(0), x.var(0)
    xhat = (x - mean) / np.sqrt(var + eps)
    return xhat * gamma + beta, mean, var, xhat


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 3), (256, 300)])  # 256x300 crosses the prange threshold
def test_train_forward_and_running_stats(shape, dtype, nthreads):
    n, f = shape
    x = randn(shape, dtype) * 2 + 5
    gamma, beta = randn(f, dtype, 1), randn(f, dtype, 2)
    rm0, rv0 = randn(f, dtype, 3), np.abs(randn(f, dtype, 4)) + 1
    rm, rv = rm0.copy(), rv0.copy()
    y, mean, invstd = K.batchnorm_forward_train(x, gamma, beta, rm, rv, momentum=0.2, eps=1e-3)
    ref_y, ref_mean, ref_var, _ = _ref_forward(x, gamma, beta, 1e-3)
    np.testing.assert_allclose(y, ref_y, rtol=TOL[dtype], atol=TOL[dtype])
    np.testing.assert_allclose(mean, ref_mean, rtol=TOL[dtype], atol=TOL[dtype])
    np.testing.assert_allclose(invstd, 1 / np.sqrt(ref_var + 1e-3), rtol=TOL[dtype])
    # PyTorch: running = (1 - momentum) running + momentum batch, unbiased batch variance
    np.testing.assert_allclose(rm, 0.8 * rm0 + 0.2 * ref_mean, rtol=TOL[dtype], atol=TOL[dtype])
    np.testing.assert_allclose(rv, 0.8 * rv0 + 0.2 * ref_var * n / (n - 1), rtol=TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_eval_forward(dtype):
    x = randn((10, 6), dtype)
    gamma, beta, rm = randn(6, dtype, 1), randn(6, dtype, 2), randn(6, dtype, 3)
    rv = np.abs(randn(6, dtype, 4)) + 0.5
    y = K.batchnorm_forward_eval(x, gamma, beta, rm, rv, eps=1e-5)
    ref = (x.astype(np.float64) - rm) / np.sqrt(rv.astype(np.float64) + 1e-5) * gamma + beta
    np.testing.assert_allclose(y, ref, rtol=TOL[dtype], atol=TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 3), (256, 300)])
def test_backward(shape, dtype, nthreads):
    n, f = shape
    x, g = randn(shape, dtype) * 2 + 1, randn(shape, dtype, 5)
    gamma, beta = randn(f, dtype, 1), randn(f, dtype, 2)
    _, mean, invstd = K.batchnorm_forward_train(x, gamma, beta)
    dx, dgamma, dbeta = K.batchnorm_backward(g, x, mean, invstd, gamma)
    _, _, var, xhat = _ref_forward(x, gamma, beta, 1e-5)
    g64 = g.astype(np.float64)
    ref_dbeta, ref_dgamma = g64.sum(0), (g64 * xhat).sum(0)
    ref_dx = gamma / np.sqrt(var + 1e-5) / n * (n * g64 - ref_dbeta - xhat * ref_dgamma)
    tol = dict(rtol=SUM_RTOL[dtype], atol=SUM_RTOL[dtype] * 10)
    np.testing.assert_allclose(dbeta, ref_dbeta, **tol)
    np.testing.assert_allclose(dgamma, ref_dgamma, **tol)
    np.testing.assert_allclose(dx, ref_dx, **tol)


def test_backward_matches_finite_differences():
    x = randn((6, 4), np.float64)
    gamma, beta, g = randn(4, np.float64, 1), randn(4, np.float64, 2), randn((6, 4), np.float64, 3)

    def loss(x_):
        return float((K.batchnorm_forward_train(x_, gamma, beta)[0] * g).sum())

    _, mean, invstd = K.batchnorm_forward_train(x, gamma, beta)
    dx, _, _ = K.batchnorm_backward(g, x, mean, invstd, gamma)
    h = 1e-6
    num = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        num[i] = (loss(x + e) - loss(x - e)) / (2 * h)
    np.testing.assert_allclose(dx, num, rtol=1e-6, atol=1e-8)


def test_batchnorm_errors():
    x = np.zeros((4, 3), np.float32)
    with pytest.raises(ValueError, match=r"gamma must have shape \(3,\).*got shape \(4,\)"):
        K.batchnorm_forward_train(x, np.ones(4, np.float32), np.zeros(3, np.float32))
    with pytest.raises(ValueError, match="beta has dtype float64 but x has dtype float32"):
        K.batchnorm_forward_train(x, np.ones(3, np.float32), np.zeros(3))
    with pytest.raises(ValueError, match="more than one row"):
        K.batchnorm_forward_train(x[:1], np.ones(3, np.float32), np.zeros(3, np.float32))
    with pytest.raises(ValueError, match=r"x has shape \(4, 2\) but grad has shape \(4, 3\)"):
        K.batchnorm_backward(x, x[:, :2], np.zeros(3, np.float32), np.ones(3, np.float32),
                             np.ones(3, np.float32))
