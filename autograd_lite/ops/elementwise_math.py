"""Elementwise math with PyTorch's names and semantics: trigonometry, the exp/log family, erf,
lerp, logaddexp, nan_to_num and the float predicates (rounding, fmod/remainder/floor_divide:
``rounding.py``; add/sub/mul/div with ``alpha=``/``rounding_mode=``: ``arithmetic.py``).

Each differentiable op writes its derivative once, as ``vjp`` in Tensor ops (so second
derivatives come from differentiating it again); there is no numpy ``backward``. Forward is
numpy on arrays. Integer inputs to ops that need floats are computed in the default
float dtype (``al.sin(int_tensor)`` is float32, as ``torch.sin``).
"""
import math

import numpy as np

from .. import kernels
from ..autograd.function import NumpyFunction
from ..dtypes import kernel_dtype
from ..tensor import _wrap, array_of
from ._elementwise import _as_float, _as_floats, _float_only, _is_float, _quiet
from .arithmetic import Add, Mul, Sub

__all__ = [
    "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "arcsin", "arccos", "arctan", "arctan2",
    "sinh", "cosh", "erf", "exp2", "expm1", "log2", "log10", "log1p", "reciprocal", "rsqrt",
    "square", "lerp", "logaddexp", "nan_to_num", "isnan", "isinf", "isfinite", "isclose",
    "allclose",
]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Sin(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return g * Cos.apply(x)


class Cos(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return -(g * Sin.apply(x))


class Tan(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        out = np.tan(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def vjp(ctx, g):
        out, = ctx.saved_tensors
        return g * (1 + out * out)


class Asin(NumpyFunction):
    @staticmethod
    @_quiet
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsin(x)

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return g * Rsqrt.apply(1 - x * x)


class Acos(NumpyFunction):
    @staticmethod
    @_quiet
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arccos(x)

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return -(g * Rsqrt.apply(1 - x * x))


class Atan(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctan(x)

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return g / (1 + x * x)


class Atan2(NumpyFunction):
    """atan2(a, b): the angle of the point (b, a). d/da = b/(a²+b²), d/db = −a/(a²+b²)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def vjp(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        scale = g / (a * a + b * b)
        return (scale * b if need_a else None), (-(scale * a) if need_b else None)


class Sinh(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sinh(x)

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return g * Cosh.apply(x)


class Cosh(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cosh(x)

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return g * Sinh.apply(x)


#: numpy has no erf: below SMALL_ERF elements (and for float16) Python's math.erf applied to
#: each element in float64, then cast back (no Numba loaded for a small tensor); above, the
#: same libm erf in one compiled loop (kernels/special.py). Both are the C library's erf, so
#: the two paths give the same values. 256 elements: ~0.1 ms of Python calls.
_erf_each = np.frompyfunc(math.erf, 1, 1)
SMALL_ERF = 256


def _erf_array(x):
    if x.size >= SMALL_ERF and kernel_dtype(x.dtype):
        return kernels.erf(x)
    return np.asarray(_erf_each(x.astype(np.float64)), dtype=np.float64).astype(x.dtype, copy=False)


class Erf(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _erf_array(x)

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return g * (-(x * x)).exp() * _TWO_OVER_SQRT_PI


class Exp2(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        out = np.exp2(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def vjp(ctx, g):
        out, = ctx.saved_tensors
        return g * out * _LN2


class Expm1(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        out = np.expm1(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def vjp(ctx, g):
        out, = ctx.saved_tensors
        return g * (out + 1)


class Log2(NumpyFunction):
    @staticmethod
    @_quiet
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log2(x)

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return g / (x * _LN2)


class Log10(NumpyFunction):
    @staticmethod
    @_quiet
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log10(x)

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return g / (x * _LN10)


class Log1p(NumpyFunction):
    @staticmethod
    @_quiet
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log1p(x)

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return g / (1 + x)


class Reciprocal(NumpyFunction):
    @staticmethod
    @_quiet
    def forward(ctx, x):
        out = np.reciprocal(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def vjp(ctx, g):
        out, = ctx.saved_tensors
        return -(g * out * out)


class Rsqrt(NumpyFunction):
    @staticmethod
    @_quiet
    def forward(ctx, x):
        out = 1 / np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def vjp(ctx, g):
        out, = ctx.saved_tensors
        return g * out * out * out * -0.5


class Square(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.square(x)

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return g * x * 2.0


class NanToNum(NumpyFunction):
    """Gradient flows where the input is finite, 0 where a nan or infinity was replaced."""

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.finite = np.isfinite(x)
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def vjp(ctx, g):
        return g * _wrap(ctx.finite.astype(g.dtype)), None, None, None


# ---- binary Functions -----------------------------------------------------------------------
class LogAddExp(NumpyFunction):
    """log(eˣ + eʸ) without overflow. d/dx = e^(x − out), d/dy = e^(y − out)."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.logaddexp(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def vjp(ctx, g):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return ((g * (a - out).exp()) if need_a else None,
                (g * (b - out).exp()) if need_b else None)


# ---- public functions -------------------------------------------------------------------------
def sin(input):  # noqa: A002 - PyTorch's argument name
    """The sine of each element."""
    return Sin.apply(_as_float(input))


def cos(input):  # noqa: A002
    """The cosine of each element."""
    return Cos.apply(_as_float(input))


def tan(input):  # noqa: A002
    """The tangent of each element."""
    return Tan.apply(_as_float(input))


def asin(input):  # noqa: A002
    """The arcsine of each element (nan outside [-1, 1])."""
    return Asin.apply(_as_float(input))


def acos(input):  # noqa: A002
    """The arccosine of each element (nan outside [-1, 1])."""
    return Acos.apply(_as_float(input))


def atan(input):  # noqa: A002
    """The arctangent of each element."""
    return Atan.apply(_as_float(input))


def atan2(input, other):  # noqa: A002
    """The angle of the point (other, input), elementwise, in (-π, π]."""
    return Atan2.apply(*_as_floats(input, other))


def sinh(input):  # noqa: A002
    """The hyperbolic sine of each element."""
    return Sinh.apply(_as_float(input))


def cosh(input):  # noqa: A002
    """The hyperbolic cosine of each element."""
    return Cosh.apply(_as_float(input))


def erf(input):  # noqa: A002
    """The error function of each element."""
    return Erf.apply(_as_float(input))


def exp2(input):  # noqa: A002
    """2 raised to each element."""
    return Exp2.apply(_as_float(input))


def expm1(input):  # noqa: A002
    """eˣ − 1 for each element, accurate near 0."""
    return Expm1.apply(_as_float(input))


def log2(input):  # noqa: A002
    """The base-2 logarithm of each element."""
    return Log2.apply(_as_float(input))


def log10(input):  # noqa: A002
    """The base-10 logarithm of each element."""
    return Log10.apply(_as_float(input))


def log1p(input):  # noqa: A002
    """log(1 + x) for each element, accurate near 0."""
    return Log1p.apply(_as_float(input))


def reciprocal(input):  # noqa: A002
    """1 / x for each element (integers give the default float dtype)."""
    return Reciprocal.apply(_as_float(input))


def rsqrt(input):  # noqa: A002
    """1 / √x for each element."""
    return Rsqrt.apply(_as_float(input))


def square(input):  # noqa: A002
    """Each element squared (integer tensors stay integer)."""
    return Square.apply(input)


def lerp(input, end, weight):  # noqa: A002
    """input + weight·(end − input): linear interpolation; weight is a number or a tensor."""
    _float_only(input, "lerp")
    return Add.apply(input, Mul.apply(weight, Sub.apply(end, input)))


def logaddexp(input, other):  # noqa: A002
    """log(eˣ + eʸ) elementwise, without overflow."""
    _float_only(input, "logaddexp")
    return LogAddExp.apply(input, other)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):  # noqa: A002
    """nan, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (by default 0 and the
    dtype's largest and lowest finite values)."""
    if not _is_float(input):
        return _wrap(array_of(input).copy())
    return NanToNum.apply(input, nan, posinf, neginf)


def isnan(input):  # noqa: A002
    """A bool tensor: True where the element is nan."""
    return _wrap(np.isnan(array_of(input)))


def isinf(input):  # noqa: A002
    """A bool tensor: True where the element is +inf or -inf."""
    return _wrap(np.isinf(array_of(input)))


def isfinite(input):  # noqa: A002
    """A bool tensor: True where the element is neither nan nor infinite."""
    return _wrap(np.isfinite(array_of(input)))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """A bool tensor: True where |input − other| ≤ atol + rtol·|other|."""
    return _wrap(np.asarray(np.isclose(array_of(input), array_of(other), rtol=rtol, atol=atol,
                                       equal_nan=equal_nan)))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """True (a Python bool) when every element is close in the sense of ``isclose``."""
    return bool(np.allclose(array_of(input), array_of(other), rtol=rtol, atol=atol,
                            equal_nan=equal_nan))


arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
