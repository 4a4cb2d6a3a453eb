"""Shared helpers for the kernel tests (imported by the test_kernel_*.py files beside it)."""
import numpy as np
import numba

DTYPES = (np.float32, np.float64)
# tolerances for results whose reference is computed in float64 / long double:
# a few ulp of the result dtype, never looser.
RTOL = {np.float32: 2e-6, np.float64: 1e-13}
# for results that sum n terms in the input dtype (reductions, backward of batchnorm, ...)
SUM_RTOL = {np.float32: 1e-4, np.float64: 1e-11}


def rng(seed=0):
    return np.random.default_rng(seed)


def randn(shape, dtype, seed=0):
    return rng(seed).standard_normal(shape).astype(dtype)


def ulp_error(got, ref, dtype):
    """Max error in units of the last place of ``dtype``, over finite nonzero reference values
    that are representable in ``dtype``; ``ref`` is a higher-precision array."""
    ref = np.asarray(ref, np.longdouble)
    finfo = np.finfo(dtype)
    ok = np.isfinite(ref) & (np.abs(ref) <= finfo.max) & (ref != 0)
    r = ref[ok]
    spacing = np.spacing(np.abs(r).astype(dtype)).astype(np.longdouble)
    spacing = np.maximum(spacing, np.longdouble(finfo.smallest_subnormal))
    return float(np.max(np.abs(np.asarray(got)[ok].astype(np.longdouble) - r) / spacing))


def uncached_asm(dispatcher, *args):
    """Assembly of a kernel compiled afresh without the cache (numba cannot inspect cached code)."""
    opts = dict(dispatcher.targetoptions)
    opts.pop("cache", None)
    opts.pop("nopython", None)
    fresh = numba.njit(**opts)(dispatcher.py_func)
    fresh(*args)
    return fresh.inspect_asm(fresh.signatures[0])


def has_avx2():
    try:
        with open("/proc/cpuinfo") as f:
            return " avx2 " in f.read().replace("\n", " ")
    except OSError:
        return False
