"""Activation forward/backward and fused bias + activation against numpy references."""
import numpy as np
import pytest

import autograd_lite.kernels as K
from _kernel_testutil import DTYPES, RTOL, SUM_RTOL, randn

SIZES = (1, 1000, 70_000)  # 70K crosses the prange thresholds (with 2 threads)


def _sig(x):
    x = x.astype(np.float64)
    return 1.0 / (1.0 + np.exp(-x))


FORWARD = {
    "relu": (K.relu, lambda x: np.maximum(x, 0)),
    "leaky_relu": (lambda x: K.leaky_relu(x, 0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    "sigmoid": (K.sigmoid, _sig),
    "tanh": (K.tanh, lambda x: np.tanh(x.astype(np.float64))),
    "exp": (K.exp, lambda x: np.exp(x.astype(np.float64))),
    "log": (K.log, lambda x: np.log(x.astype(np.float64))),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", sorted(FORWARD))
def test_forward_matches_numpy(name, n, dtype, nthreads):
    x = randn(n, dtype) * 3
    if name == "log":
        x = np.abs(x) + dtype(1e-3)
    kernel, ref = FORWARD[name]
    got = kernel(x)
    assert got.dtype == dtype and got.shape == x.shape
    np.testing.assert_allclose(got, ref(x), rtol=RTOL[dtype], atol=0)


BACKWARD = {  # name: (kernel, what it takes (x or y), reference dL/dx)
    "relu": (K.relu_backward, "x", lambda g, x, y: g * (x > 0)),
    "leaky_relu": (lambda g, v: K.leaky_relu_backward(g, v, 0.1), "x",
                   lambda g, x, y: np.where(x > 0, g, 0.1 * g)),
    "sigmoid": (K.sigmoid_backward, "y", lambda g, x, y: g * y * (1 - y)),
    "tanh": (K.tanh_backward, "y", lambda g, x, y: g * (1 - y * y)),
    "exp": (K.exp_backward, "y", lambda g, x, y: g * y),
    "log": (K.log_backward, "x", lambda g, x, y: g / x),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", sorted(BACKWARD))
def test_backward_matches_numpy(name, n, dtype, nthreads):
    x = randn(n, dtype, 1) * 2
    if name == "log":
        x = np.abs(x) + dtype(1e-2)
    g = randn(n, dtype, 2)
    y = FORWARD[name][1](x).astype(dtype)
    kernel, takes, ref = BACKWARD[name]
    got = kernel(g, x if takes == "x" else y)
    L = np.longdouble  # the reference must not cancel worse than the kernel (which uses FMA)
    expect = ref(g.astype(L), x.astype(L), y.astype(L))
    np.testing.assert_allclose(got, expect, rtol=4 * RTOL[dtype], atol=0)


def test_forward_keeps_shape_and_writes_into_out():
    x = randn((3, 4, 5), np.float32)
    out = np.empty_like(x)
    assert K.relu(x, out=out) is out
    np.testing.assert_array_equal(out, np.maximum(x, 0))
    # non-contiguous input is accepted (copied), result has the input's shape
    xt = x.transpose(2, 0, 1)
    np.testing.assert_array_equal(K.relu(xt), np.maximum(xt, 0))


def test_relu_propagates_nan_like_numpy():
    x = np.array([np.nan, -1.0, 2.0, -np.inf, np.inf], np.float32)
    np.testing.assert_array_equal(K.relu(x), np.maximum(x, 0))
    np.testing.assert_array_equal(K.sigmoid(np.array([-np.inf, np.inf, np.nan])), [0.0, 1.0, np.nan])


ACTS = ["identity", "relu", "leaky_relu", "sigmoid", "tanh", "exp"]
REF_ACT = {"identity": lambda z: z, "relu": lambda z: np.maximum(z, 0),
           "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z), "sigmoid": _sig,
           "tanh": np.tanh, "exp": np.exp}
REF_DACT = {"identity": lambda y: np.ones_like(y), "relu": lambda y: (y > 0) * 1.0,
            "leaky_relu": lambda y: np.where(y > 0, 1.0, 0.01), "sigmoid": lambda y: y * (1 - y),
            "tanh": lambda y: 1 - y * y, "exp": lambda y: y}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rows", [3, 300])
@pytest.mark.parametrize("act", ACTS)
def test_bias_activation(act, rows, dtype, nthreads):
    z = randn((rows, 257), dtype)
    b = randn(257, dtype, 1)
    got = K.bias_activation(z, b, act)
    expect = REF_ACT[act](z.astype(np.float64) + b)
    np.testing.assert_allclose(got, expect, rtol=RTOL[dtype], atol=RTOL[dtype])
    # in place
    z2 = z.copy()
    assert K.bias_activation(z2, b, act, out=z2) is z2
    np.testing.assert_array_equal(z2, got)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("act", ACTS)
def test_bias_activation_backward(act, dtype):
    g = randn((40, 33), dtype)
    y = K.bias_activation(randn((40, 33), dtype, 1), randn(33, dtype, 2), act)
    dz, db = K.bias_activation_backward(g, y, act)
    ref = g.astype(np.longdouble) * REF_DACT[act](y.astype(np.longdouble))
    np.testing.assert_allclose(dz, ref, rtol=4 * RTOL[dtype], atol=0)
    np.testing.assert_allclose(db, ref.sum(0), rtol=SUM_RTOL[dtype], atol=SUM_RTOL[dtype])


def test_bad_inputs_name_shapes_and_dtypes():
    with pytest.raises(ValueError, match="int64"):
        K.relu(np.arange(4))
    with pytest.raises(ValueError, match=r"\(3,\).*\(4,\)"):
        K.relu_backward(np.zeros(4), np.zeros(3))
    with pytest.raises(ValueError, match="float32.*float64"):
        K.sigmoid_backward(np.zeros(4), np.zeros(4, np.float32))
    with pytest.raises(ValueError, match=r"shape \(4,\).*float32"):
        K.relu(np.zeros(4), out=np.zeros(5, np.float32))
    with pytest.raises(ValueError, match=r"shape \(4,\) to match the 4 columns of z, got shape \(5,\)"):
        K.bias_activation(np.zeros((2, 4)), np.zeros(5))
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        K.bias_activation(np.zeros((2, 4)), np.zeros(4), "gelu")
    with pytest.raises(ValueError, match="2-D"):
        K.bias_activation(np.zeros(4), np.zeros(4))
