"""Softmax, log-softmax and fused softmax + cross-entropy against numpy references."""
import numpy as np
import pytest

import autograd_lite.kernels as K
from _kernel_testutil import DTYPES, RTOL, randn


def _ref_softmax(x):
    x = x.astype(np.float64)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _ref_log_softmax(x):
    x = x.astype(np.float64)
    s = x - x.max(axis=1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=1, keepdims=True))


TOL = {np.float32: 1e-5, np.float64: 1e-12}  # c-term sums in the input dtype


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1), (5, 10), (200, 130)])
def test_softmax_and_log_softmax(shape, dtype, nthreads):
    x = randn(shape, dtype) * 5
    np.testing.assert_allclose(K.softmax(x), _ref_softmax(x), rtol=TOL[dtype], atol=TOL[dtype] * 1e-2)
    np.testing.assert_allclose(K.log_softmax(x), _ref_log_softmax(x), rtol=TOL[dtype], atol=TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_stable_for_huge_logits(dtype):
    x = np.array([[1e4, 0.0, -1e4], [-1e30, -1e30, -1e30]], dtype)
    np.testing.assert_allclose(K.softmax(x), [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], rtol=TOL[dtype])
    assert np.isfinite(K.log_softmax(x)).all()


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_backward(dtype):
    x, g = randn((7, 9), dtype), randn((7, 9), dtype, 1)
    y = K.softmax(x)
    y64, g64 = y.astype(np.float64), g.astype(np.float64)
    ref = y64 * (g64 - (g64 * y64).sum(1, keepdims=True))
    np.testing.assert_allclose(K.softmax_backward(g, y), ref, rtol=TOL[dtype], atol=TOL[dtype])
    ly = K.log_softmax(x)
    ref = g64 - np.exp(ly.astype(np.float64)) * g64.sum(1, keepdims=True)
    np.testing.assert_allclose(K.log_softmax_backward(g, ly), ref, rtol=TOL[dtype], atol=TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_forward_backward(reduction, dtype):
    n, c = 64, 10
    x = randn((n, c), dtype) * 3
    labels = np.random.default_rng(1).integers(0, c, n)
    loss, probs = K.softmax_cross_entropy(x, labels, reduction)
    per_row = -_ref_log_softmax(x)[np.arange(n), labels]
    ref = {"mean": per_row.mean(), "sum": per_row.sum(), "none": per_row}[reduction]
    assert loss.dtype == dtype
    np.testing.assert_allclose(loss, ref, rtol=TOL[dtype])
    np.testing.assert_allclose(probs, _ref_softmax(x), rtol=TOL[dtype], atol=TOL[dtype] * 1e-2)
    gl = randn(n, dtype, 3) if reduction == "none" else 0.5
    d = K.softmax_cross_entropy_backward(probs, labels, gl, reduction)
    onehot = np.eye(c)[labels]
    if reduction == "none":
        scale = np.asarray(gl, np.float64)[:, None]
    else:
        scale = 0.5 / n if reduction == "mean" else 0.5
    np.testing.assert_allclose(d, (probs.astype(np.float64) - onehot) * scale,
                               rtol=4 * RTOL[dtype], atol=4 * RTOL[dtype] * np.max(np.abs(scale)))


def test_cross_entropy_label_errors():
    x = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"label 4 at row 1 is out of range for 4 classes"):
        K.softmax_cross_entropy(x, np.array([0, 4, 1]))
    with pytest.raises(ValueError, match=r"label -1 .*4 classes"):
        K.softmax_cross_entropy(x, np.array([0, 1, -1]))
    with pytest.raises(ValueError, match="int64"):
        K.softmax_cross_entropy(x, np.array([0, 1, 2], np.int32))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        K.softmax_cross_entropy(x, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"label 7 is out of range for 4 classes"):
        K.softmax_cross_entropy_backward(np.full((3, 4), 0.25), np.array([0, 7, 1]))
    with pytest.raises(ValueError, match="2-D"):
        K.softmax(np.zeros(3))
