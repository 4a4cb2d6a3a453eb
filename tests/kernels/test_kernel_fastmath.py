"""fastmath: exp/expm1/tanh accuracy over the whole range, special values, vectorisation."""
import re

import numpy as np
import pytest

from autograd_lite.kernels import activations, fastmath, optim_updates
from _kernel_testutil import DTYPES, has_avx2, ulp_error, uncached_asm

MAX_ULP = 3.0  # measured: exp <= 1.5 ulp, tanh <= 2.5 ulp in both dtypes


def _full_range(dtype, n=200_000, seed=0):
    r = np.random.default_rng(seed)
    fi = np.finfo(dtype)
    lim = {np.float32: 110.0, np.float64: 750.0}[dtype]
    parts = [
        r.uniform(-lim, lim, n),                      # the whole interesting range and past it
        r.uniform(-1, 1, n // 4),                     # where tanh/expm1 cancel
        r.standard_normal(n // 4) * 1e-6,             # tiny
        np.sign(r.standard_normal(n // 8)) * 10.0 ** r.uniform(-30, 3, n // 8),  # all scales
        [fi.smallest_subnormal, -fi.smallest_subnormal, fi.tiny, -fi.tiny, fi.max, -fi.max],
    ]
    return np.concatenate(parts).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["exp", "expm1", "tanh"])
def test_accuracy_over_full_range(name, dtype):
    x = _full_range(dtype)
    got = getattr(fastmath, name)(x)
    with np.errstate(over="ignore"):
        ref = getattr(np, name)(x.astype(np.longdouble))
    assert got.dtype == dtype
    assert ulp_error(got, ref, dtype) <= MAX_ULP
    # overflow and underflow land where numpy's do
    with np.errstate(over="ignore"):
        ours_inf, np_inf = np.isinf(got), np.isinf(getattr(np, name)(x))
    assert np.array_equal(ours_inf, np_inf)


@pytest.mark.parametrize("dtype", DTYPES)
def test_special_values(dtype):
    fi = np.finfo(dtype)
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, fi.smallest_subnormal,
                  -fi.smallest_subnormal, fi.tiny / 8], dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        for name in ("exp", "expm1", "tanh"):
            got = getattr(fastmath, name)(x)
            ref = getattr(np, name)(x)
            np.testing.assert_array_equal(got, ref, err_msg=name)
    # tanh keeps the sign of zero and of tiny inputs
    t = fastmath.tanh(np.array([-0.0, -fi.smallest_subnormal], dtype))
    assert np.signbit(t).all()


@pytest.mark.parametrize("dtype", DTYPES)
def test_exp_underflows_gradually_through_denormals(dtype):
    fi = np.finfo(dtype)
    lo = np.log(float(fi.smallest_subnormal))
    x = np.linspace(np.log(float(fi.tiny)) , lo - 1, 2001).astype(dtype)
    got = fastmath.exp(x)
    ref = np.exp(x.astype(np.longdouble))
    # denormal results have fewer bits: compare in absolute units of the smallest subnormal
    err = np.abs(got.astype(np.longdouble) - ref) / np.longdouble(fi.smallest_subnormal)
    assert err.max() <= 1.0
    assert (got > 0).any() and (got == 0).any()


def test_exp_wrapper_rejects_integers():
    with pytest.raises(ValueError, match="int64"):
        fastmath.exp(np.arange(3))


def _vector_loop_ok(asm):
    # a vectorised float loop uses ymm or zmm registers and fused multiply-adds
    return bool(re.search(r"[yz]mm", asm)) and "vfmadd" in asm


@pytest.mark.skipif(not has_avx2(), reason="the CPU has no AVX2: there are no ymm/FMA instructions to look for")
@pytest.mark.parametrize("dtype", DTYPES)
def test_key_kernels_vectorise(dtype):
    x = np.ones(64, dtype)
    out = np.empty_like(x)
    assert _vector_loop_ok(uncached_asm(fastmath._tanh_kernel, x, out))
    asm = uncached_asm(activations._forward, x, out, activations.SIGMOID, dtype(0))
    assert _vector_loop_ok(asm)
    t = dtype
    asm = uncached_asm(optim_updates._adam, x.copy(), x.copy(), x.copy(), x.copy(), x.copy(),
                       t(1e-3), t(0.9), t(0.999), t(1e-8), t(1.0), t(0.0), t(1.0), False)
    assert _vector_loop_ok(asm)
    assert re.search(r"vsqrtp[sd]\s+%[yz]mm", asm), "Adam's sqrt is not vectorised"
