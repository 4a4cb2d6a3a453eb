"""ExponentialMovingAverage against the course's formula, with and without bias correction."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.optim import ExponentialMovingAverage


def reference(thetas, beta):
    """v_t = β v_{t−1} + (1 − β) θ_t from v_0 = 0; returns (raw, corrected) for t = 1..T."""
    v, raw, corrected = 0.0, [], []
    for t, theta in enumerate(thetas, start=1):
        v = beta * v + (1 - beta) * theta
        raw.append(v)
        corrected.append(v / (1 - beta ** t))
    return raw, corrected


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.98])
def test_numbers_against_formula(beta):
    thetas = list(np.random.default_rng(0).uniform(0, 30, size=100))
    raw, corrected = reference(thetas, beta)
    with_bc, without_bc = ExponentialMovingAverage(beta), \
        ExponentialMovingAverage(beta, bias_correction=False)
    for theta, r, c in zip(thetas, raw, corrected):
        got_c, got_r = with_bc.update(theta), without_bc.update(theta)
        assert isinstance(got_c, float) and isinstance(got_r, float)
        assert got_c == pytest.approx(c, rel=1e-13) and with_bc.value == got_c
        assert got_r == pytest.approx(r, rel=1e-13) and without_bc.value == got_r
        assert with_bc.raw_value == pytest.approx(r, rel=1e-13)
    assert with_bc.t == 100


def test_course_bias_example():
    """β = 0.98: without correction v_1 = 0.02·θ_1, far below θ_1; with it, v_1 = θ_1."""
    raw = ExponentialMovingAverage(0.98, bias_correction=False)
    assert raw.update(40.0) == pytest.approx(0.8)
    corrected = ExponentialMovingAverage(0.98)
    assert corrected.update(40.0) == pytest.approx(40.0)
    assert corrected.update(50.0) == pytest.approx((0.98 * 0.8 + 0.02 * 50) / (1 - 0.98 ** 2))


def test_constant_series_is_exact_with_correction():
    ema = ExponentialMovingAverage(0.9)
    for _ in range(50):
        assert ema.update(7.0) == pytest.approx(7.0, rel=1e-14)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_arrays_against_formula(dtype):
    rng = np.random.default_rng(1)
    thetas = [rng.standard_normal((3, 4)).astype(dtype) for _ in range(20)]
    ema = ExponentialMovingAverage(0.9)
    v = np.zeros((3, 4))
    for t, theta in enumerate(thetas, start=1):
        v = 0.9 * v + 0.1 * theta.astype(np.float64)
        out = ema.update(theta)
        assert isinstance(out, np.ndarray) and out.dtype == dtype
        rtol = 1e-13 if dtype == np.float64 else 1e-5
        np.testing.assert_allclose(out, v / (1 - 0.9 ** t), rtol=rtol, atol=rtol)
    out = ema.value
    out[...] = 1e9                                   # a copy: the average is untouched
    assert not np.any(ema.value == 1e9)
    assert ExponentialMovingAverage(0.5).update(np.array([1, 2])).dtype == np.float64


def test_input_array_is_not_aliased():
    x = np.array([1.0, 2.0])
    ema = ExponentialMovingAverage(0.5, bias_correction=False)
    ema.update(x)
    ema.update(x)
    np.testing.assert_array_equal(x, [1.0, 2.0])
    np.testing.assert_allclose(ema.value, [0.75, 1.5])


def test_tensors_are_accepted():
    ema = ExponentialMovingAverage(0.9)
    out = ema.update(al.tensor([2.0, 4.0], dtype=al.float64))
    np.testing.assert_allclose(out, [2.0, 4.0])


def test_value_before_update_reset_and_state_dict():
    ema = ExponentialMovingAverage(0.9)
    assert ema.value is None and ema.raw_value is None
    for x in [1.0, 2.0, 3.0]:
        ema.update(x)
    saved = ema.state_dict()
    other = ExponentialMovingAverage(0.5, bias_correction=False)
    other.load_state_dict(saved)
    assert other.update(4.0) == ema.update(4.0)
    ema.reset()
    assert ema.value is None and ema.t == 0
    arr = ExponentialMovingAverage(0.9)
    arr.update(np.ones(3))
    copy_ = ExponentialMovingAverage(0.9)
    copy_.load_state_dict(arr.state_dict())
    np.testing.assert_array_equal(copy_.update(np.zeros(3)), arr.update(np.zeros(3)))


def test_errors():
    for beta in [-0.1, 1.0, 1.5, float("nan")]:
        with pytest.raises(ValueError):
            ExponentialMovingAverage(beta)
    ema = ExponentialMovingAverage(0.9)
    ema.update(np.zeros(3))
    with pytest.raises(ValueError, match="shape"):
        ema.update(np.zeros(4))
    numbers = ExponentialMovingAverage(0.9)
    numbers.update(1.0)
    with pytest.raises(TypeError, match="numbers"):
        numbers.update(np.zeros(3))
    with pytest.raises(TypeError):
        ExponentialMovingAverage(0.9).update(np.array(["a"]))
