"""kernels.special.erf against Python's math.erf element by element (the numpy reference)."""
import math

import numpy as np
import pytest

from autograd_lite import kernels


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_erf_equals_math_erf(dtype):
    x = np.concatenate([np.linspace(-6, 6, 1001), [0.0, -0.0, 1e-30, np.inf, -np.inf, np.nan]])
    x = x.astype(dtype)
    expected = np.array([math.erf(float(v)) for v in x]).astype(dtype)
    got = kernels.erf(x)
    assert got.dtype == dtype and got.shape == x.shape
    np.testing.assert_array_equal(got, expected)


def test_erf_keeps_the_shape_and_writes_into_out():
    x = np.random.default_rng(0).normal(size=(3, 4, 5))
    out = np.empty_like(x)
    assert kernels.erf(x, out=out) is out
    np.testing.assert_array_equal(out, np.vectorize(math.erf)(x))
