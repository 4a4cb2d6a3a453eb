"""Elementwise math with PyTorch's names and semantics: trigonometry, the exp/log family, erf,
rounding, fmod/remainder/floor_divide, lerp, logaddexp, nan_to_num, the float predicates, and
add/sub/mul/div with PyTorch's keywords (``alpha=``, ``rounding_mode=``).

Each differentiable op writes its derivative once, as ``vjp`` in Tensor ops (so second
derivatives come from differentiating it again); there is no numpy ``backward``. Forward is
numpy on arrays. Rounding ops (floor, ceil, round, trunc, sign and rounded division) have a zero
gradient, as in PyTorch. Integer inputs to ops that need floats are computed in the default
float dtype (``al.sin(int_tensor)`` is float32, as ``torch.sin``).
"""
import math

import numpy as np

from .. import dtypes
from ..autograd.function import NumpyFunction
from ..errors import OpError
from ..tensor import Tensor, _wrap
from .arithmetic import Add, Mul, Sub

__all__ = [
    "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "arcsin", "arccos", "arctan", "arctan2",
    "sinh", "cosh", "erf", "exp2", "expm1", "log2", "log10", "log1p", "reciprocal", "rsqrt",
    "square", "sign", "floor", "ceil", "round", "trunc", "fix", "frac", "fmod", "remainder",
    "floor_divide", "lerp", "logaddexp", "nan_to_num", "isnan", "isinf", "isfinite", "isclose",
    "allclose",
]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


# ---- helpers --------------------------------------------------------------------------------
def _array(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def _is_float(x):
    return _array(x).dtype.kind == "f"


def _as_float(x):
    """``x`` itself when it is a float Tensor or a Python number, else its values in the default
    float dtype (integer and bool tensors never require grad, so nothing is lost)."""
    if isinstance(x, Tensor):
        return x if x.data.dtype.kind == "f" else _wrap(x.data.astype(dtypes.get_default_dtype()))
    if isinstance(x, (bool, int, float)):
        return float(x)
    return _wrap(np.asarray(x, dtype=dtypes.get_default_dtype()))


def _as_floats(a, b):
    """Both operands ready for a float op: int tensors become default-float tensors."""
    return _as_float(a), _as_float(b)


def _binary_operands(a, b):
    """Operands for an op that keeps integer dtypes (fmod, remainder, floor_divide): when an
    integer tensor meets a float Python number, the tensor is taken in the default float dtype
    (numpy would otherwise give float64, PyTorch gives the default float)."""
    a_float, b_float = _is_float(a), _is_float(b)
    if a_float != b_float:
        return _as_floats(a, b)
    return a, b


def _float_only(x, op):
    if not _is_float(x):
        raise NotImplementedError(f"{op}: not implemented for {_array(x).dtype} tensors "
                                  f"(use a floating-point tensor, as PyTorch requires)")


def _quiet(forward):
    """Outside an op's domain the result is nan or ±inf without a numpy warning, as PyTorch."""
    def run(ctx, *args):
        with np.errstate(invalid="ignore", divide="ignore"):
            return forward(ctx, *args)
    return run


def _zeros_like(g):
    """A zero gradient that is still a function of ``g`` (so higher orders see 0, not None)."""
    return g * 0.0


# ---- unary Functions ------------------------------------------------------------------------
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


#: numpy has no erf: Python's math.erf (correctly rounded in double) applied to each element,
#: in float64, then cast back. Exact, but an element-at-a-time Python call: slow on big arrays.
_erf_each = np.frompyfunc(math.erf, 1, 1)


def _erf_array(x):
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


class Frac(NumpyFunction):
    """x − trunc(x): gradient 1 (the integer part is piecewise constant)."""

    @staticmethod
    def forward(ctx, x):
        return x - np.trunc(x)

    @staticmethod
    def vjp(ctx, g):
        return g


class _ZeroGrad:  # a mixin, so each op below counts as vjp-only (see Function.__init_subclass__)
    """A piecewise-constant op (floor, ceil, round, trunc, sign): the output requires grad when
    the input does, and its gradient is 0 everywhere, as PyTorch's."""

    @staticmethod
    def vjp(ctx, g, *_):
        n = len(ctx.needs_input_grad)
        return _zeros_like(g) if n == 1 else (_zeros_like(g),) + (None,) * (n - 1)


class Floor(_ZeroGrad, NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        return np.floor(x)


class Ceil(_ZeroGrad, NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        return np.ceil(x)


class Round(_ZeroGrad, NumpyFunction):
    """Halves to even (numpy's and PyTorch's rule); ``decimals`` places."""

    @staticmethod
    def forward(ctx, x, decimals):
        return np.round(x, decimals)


class Trunc(_ZeroGrad, NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        return np.trunc(x)


class Sign(_ZeroGrad, NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        return np.sign(x)


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
class Fmod(NumpyFunction):
    """a − trunc(a/b)·b (the sign of the dividend). d/da = 1, d/db = −trunc(a/b)."""

    @staticmethod
    @_quiet
    def forward(ctx, a, b):
        ctx.quotient = np.trunc(np.divide(a, b)) if ctx.needs_input_grad[1] else None
        return np.fmod(a, b)

    @staticmethod
    def vjp(ctx, g):
        need_a, need_b = ctx.needs_input_grad
        gb = -(g * _wrap(ctx.quotient.astype(g.dtype))) if need_b else None
        return (g if need_a else None), gb


class Remainder(NumpyFunction):
    """a − floor(a/b)·b (the sign of the divisor, Python's %). d/da = 1, d/db = −floor(a/b)."""

    @staticmethod
    @_quiet
    def forward(ctx, a, b):
        ctx.quotient = np.floor_divide(a, b) if ctx.needs_input_grad[1] else None
        return np.remainder(a, b)

    @staticmethod
    def vjp(ctx, g):
        need_a, need_b = ctx.needs_input_grad
        gb = -(g * _wrap(np.asarray(ctx.quotient).astype(g.dtype))) if need_b else None
        return (g if need_a else None), gb


class RoundedDiv(NumpyFunction):
    """a / b rounded toward zero ("trunc") or down ("floor"): piecewise constant, so both
    gradients are 0 (PyTorch's rule for ``div(..., rounding_mode=...)``)."""

    @staticmethod
    @_quiet
    def forward(ctx, a, b, mode):
        if mode == "floor":
            return np.floor_divide(a, b)
        if np.result_type(a, b).kind in "iub":  # integers stay integers: floor, then toward 0
            q = np.floor_divide(a, b)
            return q + ((np.remainder(a, b) != 0) & ((np.asarray(a) < 0) != (np.asarray(b) < 0)))
        return np.trunc(np.divide(a, b))

    @staticmethod
    def vjp(ctx, g):
        need_a, need_b, _ = ctx.needs_input_grad
        return (_zeros_like(g) if need_a else None), (_zeros_like(g) if need_b else None), None


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


def sign(input):  # noqa: A002
    """-1, 0 or 1 by the sign of each element; the gradient is 0."""
    if _array(input).dtype.kind == "b":
        return _wrap(_array(input).copy())
    return Sign.apply(input)


def floor(input):  # noqa: A002
    """The largest integer not above each element; the gradient is 0."""
    return Floor.apply(input)


def ceil(input):  # noqa: A002
    """The smallest integer not below each element; the gradient is 0."""
    return Ceil.apply(input)


def round(input, *, decimals=0):  # noqa: A001,A002
    """Each element rounded to ``decimals`` places, halves to even; the gradient is 0."""
    return Round.apply(input, decimals)


def trunc(input):  # noqa: A002
    """Each element rounded toward zero; the gradient is 0."""
    return Trunc.apply(input)


fix = trunc


def frac(input):  # noqa: A002
    """The fractional part of each element, x − trunc(x), with its sign."""
    _float_only(input, "frac")
    return Frac.apply(input)


def fmod(input, other):  # noqa: A002
    """The remainder of input / other with the sign of input (C's fmod)."""
    return Fmod.apply(*_binary_operands(input, other))


def remainder(input, other):  # noqa: A002
    """The remainder of input / other with the sign of other (Python's %)."""
    return Remainder.apply(*_binary_operands(input, other))


def floor_divide(input, other):  # noqa: A002
    """input / other rounded down (Python's //); integers stay integer; the gradient is 0."""
    return RoundedDiv.apply(*_binary_operands(input, other), "floor")


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
        return _wrap(_array(input).copy())
    return NanToNum.apply(input, nan, posinf, neginf)


def isnan(input):  # noqa: A002
    """A bool tensor: True where the element is nan."""
    return _wrap(np.isnan(_array(input)))


def isinf(input):  # noqa: A002
    """A bool tensor: True where the element is +inf or -inf."""
    return _wrap(np.isinf(_array(input)))


def isfinite(input):  # noqa: A002
    """A bool tensor: True where the element is neither nan nor infinite."""
    return _wrap(np.isfinite(_array(input)))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """A bool tensor: True where |input − other| ≤ atol + rtol·|other|."""
    return _wrap(np.asarray(np.isclose(_array(input), _array(other), rtol=rtol, atol=atol,
                                       equal_nan=equal_nan)))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """True (a Python bool) when every element is close in the sense of ``isclose``."""
    return bool(np.allclose(_array(input), _array(other), rtol=rtol, atol=atol,
                            equal_nan=equal_nan))


def rounded_div(a, b, rounding_mode):
    """``div(a, b, rounding_mode=...)`` for "trunc" and "floor" (``ops.arithmetic.div`` calls it)."""
    if rounding_mode not in ("trunc", "floor"):
        raise OpError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                         f"found '{rounding_mode}'")
    return RoundedDiv.apply(*_binary_operands(a, b), rounding_mode)


arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
