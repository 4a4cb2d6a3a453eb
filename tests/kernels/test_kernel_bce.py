"""kernels.bce against the formula written in float64 numpy (kernels/bce.py's docstring):
ℓ = −(y log p + (1 − y) log(1 − p)), logs clamped at −100."""
import numpy as np
import pytest

from autograd_lite import kernels

from _kernel_testutil import DTYPES, RTOL, SUM_RTOL, rng


def _reference(p, y):
    p = p.astype(np.float64)
    y = y.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = np.maximum(np.log(p), -100.0)
        log_q = np.maximum(np.log1p(-p), -100.0)
    return -(y * log_p + (1 - y) * log_q), log_p, log_q


def _data(dtype, shape=(37, 3), seed=0):
    r = rng(seed)
    p = r.uniform(0.001, 0.999, shape).astype(dtype)
    p.flat[:4] = [0.0, 1.0, 1e-30, 1 - 1e-7]  # the clamped ends
    y = r.uniform(0, 1, shape).astype(dtype)
    y.flat[:3] = [0.0, 1.0, 1.0]
    return p, y


@pytest.mark.parametrize("dtype", DTYPES)
def test_elementwise_and_reduced_losses_match_the_formula(dtype):
    p, y = _data(dtype)
    ref, _, _ = _reference(p, y)
    none = kernels.binary_cross_entropy(p, y, "none")
    assert none.dtype == dtype and none.shape == p.shape
    np.testing.assert_allclose(none, ref, rtol=RTOL[dtype] * 8, atol=RTOL[dtype])
    for reduction, expected in (("mean", ref.mean()), ("sum", ref.sum())):
        got = kernels.binary_cross_entropy(p, y, reduction)
        assert got.shape == () and got.dtype == dtype
        np.testing.assert_allclose(got, expected, rtol=SUM_RTOL[dtype])


def test_clamped_ends_are_finite_and_probabilities_outside_raise():
    p = np.array([0.0, 1.0], np.float32)
    y = np.array([1.0, 0.0], np.float32)
    np.testing.assert_array_equal(kernels.binary_cross_entropy(p, y, "none"), [100.0, 100.0])
    for bad in (np.nan, 1.5, -1e-7):
        for reduction in ("none", "mean"):
            with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
                kernels.binary_cross_entropy(np.array([0.5, bad]), np.ones(2), reduction)
    assert np.isnan(kernels.binary_cross_entropy(np.empty(0), np.empty(0), "mean"))
    assert kernels.binary_cross_entropy(np.empty(0), np.empty(0), "sum") == 0.0


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_backward_matches_the_formula(dtype, reduction):
    p, y = _data(dtype, seed=1)
    _, log_p, log_q = _reference(p, y)
    if reduction == "none":
        g = rng(2).standard_normal(p.shape).astype(dtype)
        g64 = g.astype(np.float64)
    else:
        g = np.asarray(0.7, dtype)
        g64 = 0.7 / p.size if reduction == "mean" else 0.7
    p64, y64 = p.astype(np.float64), y.astype(np.float64)
    gp, gy = kernels.binary_cross_entropy_backward(g, p, y, reduction, True, True)
    np.testing.assert_allclose(gp, g64 * (p64 - y64) / np.maximum(p64 * (1 - p64), 1e-12),
                               rtol=RTOL[dtype] * 8)
    np.testing.assert_allclose(gy, g64 * (log_q - log_p), rtol=RTOL[dtype] * 8,
                               atol=RTOL[dtype])
    gp_only, none = kernels.binary_cross_entropy_backward(g, p, y, reduction, True, False)
    assert none is None
    np.testing.assert_array_equal(gp_only, gp)


def test_bad_input_names_the_arrays():
    p = np.full(4, 0.5, np.float32)
    with pytest.raises(ValueError, match="y has shape"):
        kernels.binary_cross_entropy(p, np.zeros(3, np.float32))
    with pytest.raises(ValueError, match="y has dtype"):
        kernels.binary_cross_entropy(p, np.zeros(4))
    with pytest.raises(ValueError, match="float32 or float64"):
        kernels.binary_cross_entropy(p.astype(np.float16), p.astype(np.float16))
    with pytest.raises(ValueError, match="one element"):
        kernels.binary_cross_entropy_backward(np.ones(4, np.float32), p, p, "mean")


@pytest.mark.parametrize("dtype", DTYPES)
def test_with_logits_loss_and_gradient_match_the_formula(dtype):
    r = rng(3)
    x = (r.standard_normal((50, 3)) * 8).astype(dtype)
    x.flat[:4] = [0.0, 1e4, -1e4, 30.0]  # the softplus must stay finite and exact at the ends
    y = r.uniform(0, 1, x.shape).astype(dtype)
    g = r.standard_normal(x.shape).astype(dtype)
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    loss64 = (1 - y64) * x64 + np.logaddexp(0.0, -x64)  # log(1 + e^(-x)), independently
    got = kernels.binary_cross_entropy_with_logits(x, y)
    assert got.dtype == dtype and got.shape == x.shape
    np.testing.assert_allclose(got, loss64, rtol=RTOL[dtype] * 8, atol=RTOL[dtype])
    sigmoid_neg = 0.5 * (1 - np.tanh(x64 / 2))  # σ(−x) without overflow
    grad64 = g.astype(np.float64) * ((1 - y64) - sigmoid_neg)
    np.testing.assert_allclose(kernels.binary_cross_entropy_with_logits_backward(g, x, y),
                               grad64, rtol=RTOL[dtype] * 8, atol=RTOL[dtype])


def test_with_logits_bad_input_names_the_arrays():
    x = np.zeros(4, np.float32)
    with pytest.raises(ValueError, match="y has shape"):
        kernels.binary_cross_entropy_with_logits(x, np.zeros(5, np.float32))
    with pytest.raises(ValueError, match="grad has dtype"):
        kernels.binary_cross_entropy_with_logits_backward(np.zeros(4), x, x)
