"""LayerNorm: fused forward (mean, rstd per row) and backward (dx, dgamma, dbeta)."""
import numpy as np
import pytest

import autograd_lite.kernels as K
from _kernel_testutil import DTYPES, SUM_RTOL, randn

TOL = {np.float32: 2e-5, np.float64: 1e-12}


def _ref(x, gamma, beta, eps):
    x = x.astype(np.float64)
    mean = x.mean(1, keepdims=True)
    var = ((x - mean) ** 2).mean(1, keepdims=True)
    xhat = (x - mean) / np.sqrt(var + eps)
    return xhat * gamma + beta, mean[:, 0], 1 / np.sqrt(var[:, 0] + eps), xhat


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (7, 33), (512, 200)])  # 512x200 uses prange
def test_forward_and_backward(shape, dtype, nthreads):
    r, d = shape
    x = randn(shape, dtype) * 3 + 2
    gamma, beta, g = randn(d, dtype, 1), randn(d, dtype, 2), randn(shape, dtype, 3)
    y, mean, rstd = K.layernorm_forward(x, gamma, beta, 1e-5)
    ref_y, ref_mean, ref_rstd, xhat = _ref(x, gamma, beta, 1e-5)
    for got, want in ((y, ref_y), (mean, ref_mean), (rstd, ref_rstd)):
        assert got.dtype == dtype
        np.testing.assert_allclose(got, want, rtol=TOL[dtype], atol=TOL[dtype])
    dx, dgamma, dbeta = K.layernorm_backward(g, x, mean, rstd, gamma)
    g64 = g.astype(np.float64)
    gh = g64 * gamma
    ref_dx = ref_rstd[:, None] * (gh - gh.mean(1, keepdims=True)
                                  - xhat * (gh * xhat).mean(1, keepdims=True))
    tol = dict(rtol=SUM_RTOL[dtype], atol=SUM_RTOL[dtype] * 10)
    np.testing.assert_allclose(dx, ref_dx, **tol)
    np.testing.assert_allclose(dgamma, (g64 * xhat).sum(0), **tol)
    np.testing.assert_allclose(dbeta, g64.sum(0), **tol)


def test_backward_matches_finite_differences():
    x, g = randn((4, 6), np.float64), randn((4, 6), np.float64, 1)
    gamma, beta = randn(6, np.float64, 2), randn(6, np.float64, 3)
    def loss(x_, ga):
        return float((K.layernorm_forward(x_, ga, beta, 1e-3)[0] * g).sum())
    _, mean, rstd = K.layernorm_forward(x, gamma, beta, 1e-3)
    dx, dgamma, _ = K.layernorm_backward(g, x, mean, rstd, gamma)
    h = 1e-6
    for arr, grad, f in ((x, dx, lambda a: loss(a, gamma)), (gamma, dgamma, lambda a: loss(x, a))):
        num = np.zeros_like(arr)
        for i in np.ndindex(arr.shape):
            e = np.zeros_like(arr)
            e[i] = h
            num[i] = (f(arr + e) - f(arr - e)) / (2 * h)
        np.testing.assert_allclose(grad, num, rtol=1e-6, atol=1e-8)


def test_without_affine_and_out():
    x = randn((5, 8), np.float32)
    out = np.empty_like(x)
    y, mean, rstd = K.layernorm_forward(x, out=out)
    assert y is out
    ref_y = _ref(x, 1.0, 0.0, 1e-5)[0]
    np.testing.assert_allclose(y, ref_y, rtol=TOL[np.float32], atol=TOL[np.float32])
    dx, _, _ = K.layernorm_backward(np.ones_like(x), x, mean, rstd)
    np.testing.assert_allclose(dx, 0, atol=1e-5)  # a constant upstream gradient normalises away


def test_against_torch():
    torch = pytest.importorskip("torch", reason="PyTorch cross-check")
    x, g = randn((6, 10), np.float64), randn((6, 10), np.float64, 1)
    gamma, beta = randn(10, np.float64, 2), randn(10, np.float64, 3)
    tx, tga, tbe = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    ty = torch.nn.functional.layer_norm(tx, (10,), tga, tbe, 1e-5)
    ty.backward(torch.tensor(g))
    y, mean, rstd = K.layernorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = K.layernorm_backward(g, x, mean, rstd, gamma)
    for got, want in ((y, ty), (dx, tx.grad), (dgamma, tga.grad), (dbeta, tbe.grad)):
        np.testing.assert_allclose(got, want.detach().numpy(), rtol=1e-11, atol=1e-12)


def test_layernorm_errors():
    x = np.zeros((4, 3), np.float32)
    with pytest.raises(ValueError, match=r"gamma must have shape \(3,\).*got shape \(4,\)"):
        K.layernorm_forward(x, np.ones(4, np.float32))
    with pytest.raises(ValueError, match="beta has dtype float64 but x has dtype float32"):
        K.layernorm_forward(x, np.ones(3, np.float32), np.zeros(3))
    with pytest.raises(ValueError, match=r"mean must have shape \(4,\) to match the 4 rows"):
        K.layernorm_backward(x, x, np.zeros(3, np.float32), np.ones(4, np.float32))
