"""Vectorising exp, expm1, tanh and sigmoid for float32 and float64, written in plain arithmetic.

Why: inside ``@njit`` code ``np.exp``/``np.tanh`` are scalar libm calls (no SVML on these
machines), 1.5-7x slower than numpy's ufuncs and they stop the surrounding loop from
vectorising (docs/kernels.md). These helpers use only multiply/add, compare/select and bit tricks,
so LLVM turns a loop that calls them into AVX2/AVX-512 code.

Method (exp): Cody-Waite range reduction ``x = n ln2 + r`` with ``|r| <= ln2/2``, a Taylor
polynomial for ``e^r`` (degree 7 for float32, 13 for float64), and ``2^n`` built from its
exponent bits. ``2^n`` is applied as two factors ``2^(n//2) * 2^(n - n//2)`` so the result can
overflow to inf and underflow gradually through the denormals exactly as IEEE arithmetic does.
NaN propagates; +inf gives inf, -inf gives 0.

``expm1`` returns ``2^n (e^r - 1) + (2^n - 1)``, with ``e^r - 1`` evaluated without the leading
one, so it stays accurate for tiny arguments; tanh is ``u / (u + 2)`` with ``u = expm1(2|x|)``.

The float32 and float64 bodies are written out separately; the generic ``fexp``/``fexpm1``/
``ftanh``/``fsigmoid`` pick one by the argument's type at compile time (numba ``overload``), so a
kernel compiled for float32 runs float32 arithmetic throughout (a runtime ``if dtype`` would
unify both branches' types to float64).

Cache note (docs/kernels.md rule 2): a kernel in another module that calls these helpers does not
see edits here through numba's per-file cache stamp; ``_numba_setup`` clears this package's
numba cache when any kernels/*.py file changes, which covers that.
"""
import numpy as np
from numba import njit
from numba.core import types
from numba.extending import overload

# ---- constants -------------------------------------------------------------------------------
_LOG2E = 1.4426950408889634
# ln2 split so that n * _LN2_HI is exact for |n| < 2**10 (float64) and |n| < 2**8 (float32)
_LN2_HI64 = 6.93147180369123816490e-01
_LN2_LO64 = 1.90821492927058770002e-10
_LN2_HI32 = 0.693359375
_LN2_LO32 = -2.12194440e-4
# clamp ranges: beyond them the result is already inf / 0 in the dtype, and the two-factor
# scaling keeps every factor a normal number.
_XMAX64, _XMIN64 = 710.0, -746.0
_XMAX32, _XMIN32 = 89.0, -104.0
# float64/float32 "round to nearest integer" shifter: 1.5 * 2**52 / 1.5 * 2**23
_SHIFT64 = 6755399441055744.0
_SHIFT32 = 12582912.0
# |x| above which tanh(x) rounds to +-1 in float64 (and float32)
_TANH_CLAMP = 20.0


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _exp32_parts(x):
    """float32: clamp, reduce x = n ln2 + r; return (n, e^r - 1)."""
    xc = min(max(x, np.float32(_XMIN32)), np.float32(_XMAX32))
    nf = (xc * np.float32(_LOG2E) + np.float32(_SHIFT32)) - np.float32(_SHIFT32)
    r = (xc - nf * np.float32(_LN2_HI32)) - nf * np.float32(_LN2_LO32)
    p = np.float32(1.0 / 5040.0)
    p = p * r + np.float32(1.0 / 720.0)
    p = p * r + np.float32(1.0 / 120.0)
    p = p * r + np.float32(1.0 / 24.0)
    p = p * r + np.float32(1.0 / 6.0)
    p = p * r + np.float32(0.5)
    return np.int32(nf), (p * r) * r + r


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _exp64_parts(x):
    """float64: clamp, reduce x = n ln2 + r; return (n, e^r - 1)."""
    xc = min(max(x, _XMIN64), _XMAX64)
    nf = (xc * _LOG2E + _SHIFT64) - _SHIFT64
    r = (xc - nf * _LN2_HI64) - nf * _LN2_LO64
    p = 1.0 / 6227020800.0
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    return np.int64(nf), (p * r) * r + r


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _pow2_32(n):
    """2**n as float32 for -126 <= n <= 127, from its exponent bits."""
    return np.int32((n + np.int32(127)) << np.int32(23)).view(np.float32)


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _pow2_64(n):
    """2**n as float64 for -1022 <= n <= 1023, from its exponent bits."""
    return np.int64((n + np.int64(1023)) << np.int64(52)).view(np.float64)


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _exp32(x):
    n, q = _exp32_parts(x)
    n1 = n >> np.int32(1)
    y = (q + np.float32(1.0)) * _pow2_32(n1) * _pow2_32(n - n1)
    return x if x != x else y


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _exp64(x):
    n, q = _exp64_parts(x)
    n1 = n >> np.int64(1)
    y = (q + 1.0) * _pow2_64(n1) * _pow2_64(n - n1)
    return x if x != x else y


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _expm1_32(x):
    n, q = _exp32_parts(x)
    n1 = n >> np.int32(1)
    s1 = _pow2_32(n1)
    s2 = _pow2_32(n - n1)
    s = s1 * s2
    small = s * q + (s - np.float32(1.0))
    big = ((q + np.float32(1.0)) * s1) * s2 - np.float32(1.0)  # 2**n alone would overflow
    y = big if n > np.int32(30) else small
    return x if x != x else y


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _expm1_64(x):
    n, q = _exp64_parts(x)
    n1 = n >> np.int64(1)
    s1 = _pow2_64(n1)
    s2 = _pow2_64(n - n1)
    s = s1 * s2
    small = s * q + (s - 1.0)
    big = ((q + 1.0) * s1) * s2 - 1.0  # 2**n alone would overflow
    y = big if n > np.int64(60) else small
    return x if x != x else y


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _expm1_32_moderate(x):
    """e**x - 1 for finite |x| <= 40 (2**n cannot overflow): tanh's argument."""
    n, q = _exp32_parts(x)
    n1 = n >> np.int32(1)
    s = _pow2_32(n1) * _pow2_32(n - n1)
    return s * q + (s - np.float32(1.0))


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _tanh32(x):
    u = _expm1_32_moderate(np.float32(2.0) * min(abs(x), np.float32(_TANH_CLAMP)))
    t = u / (u + np.float32(2.0))
    t = -t if x < np.float32(0.0) else t
    return t if abs(x) > np.float32(0.0) else x  # x itself for NaN and for +-0


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _expm1_64_moderate(x):
    """e**x - 1 for finite |x| <= 40 (2**n cannot overflow): tanh's argument."""
    n, q = _exp64_parts(x)
    n1 = n >> np.int64(1)
    s = _pow2_64(n1) * _pow2_64(n - n1)
    return s * q + (s - 1.0)


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _tanh64(x):
    u = _expm1_64_moderate(2.0 * min(abs(x), _TANH_CLAMP))
    t = u / (u + 2.0)
    t = -t if x < 0.0 else t
    return t if abs(x) > 0.0 else x  # x itself for NaN and for +-0


# ---- generic entry points: the overload picks the float32 or float64 body at compile time -----
def fexp(x):
    """e**x (use inside jitted code; vectorisable)."""
    return np.exp(x)


def fexpm1(x):
    """e**x - 1, accurate for tiny x (use inside jitted code; vectorisable)."""
    return np.expm1(x)


def ftanh(x):
    """tanh(x): +-1 for large |x|, x for tiny or denormal x (inside jitted code; vectorisable)."""
    return np.tanh(x)


def fsigmoid(x):
    """1 / (1 + e**-x): 0 and 1 at -inf and +inf (inside jitted code; vectorisable)."""
    return 1.0 / (1.0 + np.exp(-x))


@overload(fexp)
def _ov_fexp(x):
    if x == types.float32:
        return lambda x: _exp32(x)
    return lambda x: _exp64(x)


@overload(fexpm1)
def _ov_fexpm1(x):
    if x == types.float32:
        return lambda x: _expm1_32(x)
    return lambda x: _expm1_64(x)


@overload(ftanh)
def _ov_ftanh(x):
    if x == types.float32:
        return lambda x: _tanh32(x)
    return lambda x: _tanh64(x)


@overload(fsigmoid)
def _ov_fsigmoid(x):
    if x == types.float32:
        return lambda x: np.float32(1.0) / (np.float32(1.0) + _exp32(-x))
    return lambda x: 1.0 / (1.0 + _exp64(-x))


# ---- array wrappers (for tests, benchmarks and callers that want exp/tanh alone) --------------
@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _exp_kernel(x, out):
    for i in range(x.shape[0]):
        out[i] = fexp(x[i])


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _expm1_kernel(x, out):
    for i in range(x.shape[0]):
        out[i] = fexpm1(x[i])


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _tanh_kernel(x, out):
    for i in range(x.shape[0]):
        out[i] = ftanh(x[i])


def _apply(kernel, x, out, name):
    x = np.asarray(x)
    if x.dtype not in (np.float32, np.float64):
        raise ValueError(f"{name}: expected a float32 or float64 array, got dtype {x.dtype}")
    xc = np.ascontiguousarray(x)
    if out is None:
        out = np.empty_like(xc)
    elif out.shape != x.shape or out.dtype != x.dtype or not out.flags.c_contiguous:
        raise ValueError(
            f"{name}: out must be a C-contiguous {x.dtype} array of shape {x.shape}, "
            f"got {out.dtype} of shape {out.shape}")
    kernel(xc.reshape(-1), out.reshape(-1))
    return out


def exp(x, out=None):
    """Elementwise e**x with the vectorising kernel (float32 or float64)."""
    return _apply(_exp_kernel, x, out, "exp")


def expm1(x, out=None):
    """Elementwise e**x - 1 with the vectorising kernel (float32 or float64)."""
    return _apply(_expm1_kernel, x, out, "expm1")


def tanh(x, out=None):
    """Elementwise tanh with the vectorising kernel (float32 or float64)."""
    return _apply(_tanh_kernel, x, out, "tanh")
