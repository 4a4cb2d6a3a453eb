"""Rounding and division with PyTorch's names and semantics: sign, floor, ceil, round, trunc
(and fix), frac, fmod, remainder (``%``), floor_divide (``//``) and ``div``'s rounding modes.

The piecewise-constant ops (floor, ceil, round, trunc, sign, rounded division) have a zero
gradient, as in PyTorch; frac's is 1. Derivatives are written once, as ``vjp`` (see
``autograd_lite/autograd/function.py``). Integer operands stay integers where PyTorch keeps
them (``%``, ``//``, fmod and rounded division of two integer tensors).
"""
import numpy as np

from ..autograd.function import NumpyFunction
from ..errors import OpError
from ..tensor import _wrap, array_of
from ._elementwise import _binary_operands, _float_only, _quiet, _zeros_like

__all__ = ["sign", "floor", "ceil", "round", "trunc", "fix", "frac", "fmod", "remainder",
           "floor_divide"]


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


# ---- public functions ---------------------------------------------------------------------
def sign(input):  # noqa: A002
    """-1, 0 or 1 by the sign of each element; the gradient is 0."""
    if array_of(input).dtype.kind == "b":
        return _wrap(array_of(input).copy())
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


def rounded_div(a, b, rounding_mode):
    """``div(a, b, rounding_mode=...)`` for "trunc" and "floor" (``ops.arithmetic.div`` calls it)."""
    if rounding_mode not in ("trunc", "floor"):
        raise OpError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                         f"found '{rounding_mode}'")
    return RoundedDiv.apply(*_binary_operands(a, b), rounding_mode)
