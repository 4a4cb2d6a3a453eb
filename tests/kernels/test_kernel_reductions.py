"""Column/row sum, mean, var (two-pass) and max with argmax against numpy."""
import numpy as np
import pytest

import autograd_lite.kernels as K
from _kernel_testutil import DTYPES, SUM_RTOL, randn


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("shape", [(1, 7), (256, 100), (3, 1000)])
def test_sum_mean_var(shape, axis, dtype):
    x = randn(shape, dtype) * 3 + 10  # an offset mean: two-pass variance must stay accurate
    x64 = x.astype(np.float64)
    tol = dict(rtol=SUM_RTOL[dtype], atol=SUM_RTOL[dtype] * 10)
    np.testing.assert_allclose(K.reduce_sum(x, axis), x64.sum(axis), **tol)
    np.testing.assert_allclose(K.reduce_mean(x, axis), x64.mean(axis), **tol)
    if shape[axis] > 1:
        var, mean = K.reduce_var(x, axis, ddof=1)
        np.testing.assert_allclose(var, x64.var(axis, ddof=1), rtol=SUM_RTOL[dtype])
        np.testing.assert_allclose(mean, x64.mean(axis), **tol)
    var, _ = K.reduce_var(x, axis)
    np.testing.assert_allclose(var, x64.var(axis), rtol=SUM_RTOL[dtype], atol=SUM_RTOL[dtype])
    np.testing.assert_allclose(K.column_sum(x), x64.sum(0), **tol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis", [0, 1])
def test_max_argmax_first_occurrence(axis, dtype):
    x = np.round(randn((50, 40), dtype) * 2)  # many ties
    m, idx = K.reduce_max(x, axis)
    np.testing.assert_array_equal(m, x.max(axis))
    np.testing.assert_array_equal(idx, x.argmax(axis))
    assert idx.dtype == np.int64
    x[3, 5] = np.nan
    m, idx = K.reduce_max(x, axis)
    np.testing.assert_array_equal(m, x.max(axis))
    np.testing.assert_array_equal(idx, x.argmax(axis))


def test_reduction_errors():
    with pytest.raises(ValueError, match="axis must be 0 or 1"):
        K.reduce_sum(np.zeros((2, 3)), axis=2)
    with pytest.raises(ValueError, match=r"shape \(1, 3\) along axis 0"):
        K.reduce_var(np.zeros((1, 3)), 0, ddof=1)
    with pytest.raises(ValueError, match="2-D"):
        K.reduce_max(np.zeros(3))
    with pytest.raises(ValueError, match=r"shape \(3,\) and dtype float64"):
        K.reduce_sum(np.zeros((2, 3)), 0, out=np.zeros(2))
