"""Dropout: the counter-based mask, its statistics, thread-count independence, backward."""
import importlib

import numpy as np
import pytest

import autograd_lite.kernels as K
from _kernel_testutil import DTYPES, randn

D = importlib.import_module("autograd_lite.kernels.dropout_hash")


def _ref_keep(n, p, seed):
    """The mask rebuilt in pure numpy from the documented hash (splitmix64 of key + i*golden)."""
    key = int(D._key(seed))
    i = np.arange(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(key) + i * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(40)) < np.uint64(round((1 - p) * (1 << 24)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_forward_matches_reference_hash(dtype):
    x = randn((300, 7), dtype)
    y = K.dropout(x, 0.25, seed=123)
    keep = _ref_keep(x.size, 0.25, 123).reshape(x.shape)
    np.testing.assert_array_equal(y, np.where(keep, x * dtype(1 / 0.75), 0))
    assert y.dtype == dtype


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_mask_statistics(p):
    n = 200_000
    m = K.dropout_mask(n, p, seed=7)
    kept = m != 0
    # the kept fraction is within 5 standard deviations of 1 - p
    sd = np.sqrt(p * (1 - p) / n)
    assert abs(kept.mean() - (1 - p)) < 5 * sd
    np.testing.assert_allclose(m[kept], np.float32(1 / (1 - p)))
    # E[mask] = 1: inverted dropout keeps the expected activation
    assert abs(m.astype(np.float64).mean() - 1) < 5 * sd / (1 - p)
    # neighbouring elements and neighbouring seeds are uncorrelated
    k = kept.astype(np.float64) - kept.mean()
    assert abs((k[1:] * k[:-1]).mean()) / k.var() < 0.02
    k2 = (K.dropout_mask(n, p, seed=8) != 0).astype(np.float64)
    k2 -= k2.mean()
    assert abs((k * k2).mean()) / k.var() < 0.02


def test_same_result_for_any_thread_count():
    x = randn(300_000, np.float32)  # above the prange threshold
    prev = K.get_num_threads()
    try:
        K.set_num_threads(1)
        one = K.dropout(x, 0.3, seed=99)
        K.set_num_threads(K.threads._numba().config.NUMBA_NUM_THREADS)
        many = K.dropout(x, 0.3, seed=99)
        many_b = K.dropout_backward(x, 0.3, seed=99)
    finally:
        K.set_num_threads(prev)
    np.testing.assert_array_equal(one, many)
    np.testing.assert_array_equal(one, many_b)
    np.testing.assert_array_equal(one != 0, _ref_keep(x.size, 0.3, 99) & (x != 0))


def test_backward_regenerates_the_mask():
    x, g = randn((64, 33), np.float64), randn((64, 33), np.float64, 1)
    y = K.dropout(x, 0.5, seed=5)
    dx = K.dropout_backward(g, 0.5, seed=5)
    np.testing.assert_array_equal(dx, np.where(y != 0, g * 2.0, 0.0))
    assert not np.array_equal(K.dropout(x, 0.5, seed=6), y)


def test_p_zero_is_identity_and_errors():
    x = randn(10, np.float32)
    np.testing.assert_array_equal(K.dropout(x, 0.0, 1), x)
    with pytest.raises(ValueError, match=r"\[0, 1\), got 1.0"):
        K.dropout(x, 1.0, 1)
    with pytest.raises(ValueError, match="seed must be an int"):
        K.dropout(x, 0.5, 1.5)
    with pytest.raises(ValueError, match="int32"):
        K.dropout(np.arange(3, dtype=np.int32), 0.5, 1)
