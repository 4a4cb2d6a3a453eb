"""Linear: BLAS GEMM + fused bias/activation epilogue, and its backward."""
import numpy as np
import pytest

import autograd_lite.kernels as K
from _kernel_testutil import DTYPES, randn

TOL = {np.float32: 1e-4, np.float64: 1e-11}  # k-term dot products in the input dtype
REF = {None: lambda z: z, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
       "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
DREF = {None: lambda y: 1.0, "relu": lambda y: (y > 0) * 1.0, "tanh": lambda y: 1 - y * y,
        "sigmoid": lambda y: y * (1 - y)}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", [None, "relu", "tanh", "sigmoid"])
def test_forward_and_backward(activation, dtype):
    x, w, b = randn((32, 20), dtype), randn((17, 20), dtype, 1), randn(17, dtype, 2)
    y = K.linear_forward(x, w, b, activation)
    x64, w64 = x.astype(np.float64), w.astype(np.float64)
    np.testing.assert_allclose(y, REF[activation](x64 @ w64.T + b), rtol=TOL[dtype], atol=TOL[dtype])
    g = randn(y.shape, dtype, 3)
    dx, dw, db = K.linear_backward(g, x, w, y, activation)
    dz = g.astype(np.float64) * DREF[activation](y.astype(np.float64))
    np.testing.assert_allclose(db, dz.sum(0), rtol=TOL[dtype], atol=TOL[dtype])
    np.testing.assert_allclose(dw, dz.T @ x64, rtol=TOL[dtype], atol=TOL[dtype])
    np.testing.assert_allclose(dx, dz @ w64, rtol=TOL[dtype], atol=TOL[dtype])
    assert K.linear_backward(g, x, w, y, activation, need_dx=False)[0] is None


def test_no_bias_and_out():
    x, w = randn((8, 5), np.float32), randn((3, 5), np.float32, 1)
    out = np.empty((8, 3), np.float32)
    assert K.linear_forward(x, w, out=out) is out
    np.testing.assert_allclose(out, x @ w.T, rtol=1e-6)
    np.testing.assert_allclose(K.linear_forward(x, w, None, "relu"), np.maximum(x @ w.T, 0), rtol=1e-6)
    np.testing.assert_allclose(K.bias_grad(out), out.sum(0), rtol=1e-5)


def test_linear_errors():
    x = np.zeros((4, 5), np.float32)
    with pytest.raises(ValueError, match=r"w must have shape \(out_features, 5\).*\(4, 5\).*\(3, 6\)"):
        K.linear_forward(x, np.zeros((3, 6), np.float32))
    with pytest.raises(ValueError, match="w has dtype float64 but x has dtype float32"):
        K.linear_forward(x, np.zeros((3, 5)))
    with pytest.raises(ValueError, match=r"b must have shape \(3,\)"):
        K.linear_forward(x, np.zeros((3, 5), np.float32), np.zeros(4, np.float32))
    with pytest.raises(ValueError, match="y .* is needed"):
        K.linear_backward(np.zeros((4, 3), np.float32), x, np.zeros((3, 5), np.float32), None, "relu")
    with pytest.raises(ValueError, match=r"grad \(4, 2\), x \(4, 5\), w \(3, 5\)"):
        K.linear_backward(np.zeros((4, 2), np.float32), x, np.zeros((3, 5), np.float32))
