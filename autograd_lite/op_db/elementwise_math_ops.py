"""Registry entries for ops/elementwise_math.py (API.md's second-edition Pointwise bullet).

Samples avoid every kink, pole and jump so that central differences are valid: asin/acos inside
(-0.9, 0.9), the log family and rsqrt on positive values, tan inside (-1.2, 1.2), rounding ops
away from integers and halves, and fmod/remainder/floor_divide with quotients a/b kept at least
0.15 from an integer. The non-differentiable predicates (isnan, isinf, isfinite, isclose,
allclose) have no entry: tests/test_torch_pointwise.py compares them with PyTorch.
"""
import math

import numpy as np

from .. import ops as al  # the ops under their public names (al.sin is ops.sin)
from .entry import OpInfo, SampleInput
from .tensor_ops import away_from_zero, binary_samples, positive, unary_samples


def uniform(low, high):
    def make(rng, shape):
        return np.asarray(rng.uniform(low, high, shape))
    return make


def normal(scale=1.0):
    def make(rng, shape):
        return np.asarray(rng.normal(size=shape) * scale)
    return make


def off_integers(rng, shape):
    """Values in [-3, 3] whose fractional part is in [0.1, 0.4] (away from integers and halves)."""
    whole = rng.integers(-3, 3, shape)
    return np.asarray(whole + rng.uniform(0.1, 0.4, shape) * np.where(whole < 0, -1, 1))


def quotient(rng, shape):
    """Quotients a/b whose distance to the nearest integer is at least 0.15."""
    return np.asarray(rng.integers(-3, 4, shape) + rng.uniform(0.15, 0.85, shape))


def division_samples(rng, kwargs=None):
    """(a, b) with a/b away from integers, so that fmod, remainder and rounded division are
    smooth (or flat) around every sample."""
    kwargs = kwargs or {}
    out = []
    for sa, sb in [((3, 4), (3, 4)), ((3, 4), (4,)), ((), ())]:
        b = away_from_zero(rng, sb, 0.5, 2.0)
        a = np.asarray(np.broadcast_to(b, sa) * quotient(rng, sa))
        out.append(SampleInput((a, b), dict(kwargs), name=f"{sa}x{sb}"))
    out.append(SampleInput((0.7 * quotient(rng, (3, 4)), 0.7), dict(kwargs), name="tensor x python scalar"))
    out.append(SampleInput((2.3, 2.3 / quotient(rng, (3, 4))), dict(kwargs), name="python scalar x tensor"))
    return out


def np_erf(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x).astype(x.dtype)


def np_remainder(a, b):
    return np.asarray(a - b * np.floor(np.divide(a, b)))


def np_fmod(a, b):
    return np.asarray(a - b * np.trunc(np.divide(a, b)))


def np_div(a, b, rounding_mode=None):
    if rounding_mode is None:
        return np.divide(a, b)
    rounding = np.floor if rounding_mode == "floor" else np.trunc
    return np.asarray(rounding(np.divide(a, b)))


def lerp_samples(rng):
    return [SampleInput((rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), 0.3), name="scalar weight"),
            SampleInput((rng.normal(size=(3, 4)), rng.normal(size=(4,)), rng.uniform(0, 1, (3, 1))),
                        name="tensor weight, broadcast"),
            SampleInput((rng.normal(size=()), rng.normal(size=()), rng.uniform(0, 1, ())), name="0-d")]


def np_lerp(start, end, weight):
    return np.asarray(start + weight * (end - start))


def nan_to_num_samples(rng):
    x = rng.normal(size=(3, 4))
    x[0, 0], x[1, 2], x[2, 3] = np.nan, np.inf, -np.inf
    return [SampleInput((rng.normal(size=(3, 4)),), name="finite"),
            SampleInput((x,), {"nan": 0.5, "posinf": 10.0, "neginf": -10.0}, name="nan, ±inf replaced")]


def round_samples(rng):
    return [SampleInput((off_integers(rng, (3, 4)),), name="decimals=0"),
            SampleInput((off_integers(rng, (5,)),), name="(5,)"),
            # tenths offset by 0.02: away from the rounding boundaries at 0.05 multiples
            SampleInput((rng.integers(-30, 30, (3, 4)) / 10 + 0.02,), {"decimals": 1}, name="decimals=1")]


def alpha_samples(rng):
    return [SampleInput((rng.normal(size=(3, 4)), rng.normal(size=(4,))), {"alpha": 2.5}, name="alpha 2.5"),
            SampleInput((rng.normal(size=(3, 4)), 1.5), {"alpha": -0.5}, name="scalar other"),
            SampleInput((rng.normal(size=()), rng.normal(size=(3,))), {"alpha": 1}, name="alpha 1")]


ELEMENTWISE_MATH_OPS = [
    OpInfo("sin", al.sin, np.sin, unary_samples(normal(2.0))),
    OpInfo("cos", al.cos, np.cos, unary_samples(normal(2.0))),
    OpInfo("tan", al.tan, np.tan, unary_samples(uniform(-1.2, 1.2))),
    OpInfo("asin", al.asin, np.arcsin, unary_samples(uniform(-0.9, 0.9)), aliases=("arcsin",)),
    OpInfo("acos", al.acos, np.arccos, unary_samples(uniform(-0.9, 0.9)), aliases=("arccos",)),
    OpInfo("atan", al.atan, np.arctan, unary_samples(normal(2.0)), aliases=("arctan",)),
    # atan2 away from the origin: |a|, |b| >= 0.3
    OpInfo("atan2", al.atan2, np.arctan2,
           binary_samples(make_a=lambda r, s: away_from_zero(r, s, 0.3), make_b=lambda r, s: away_from_zero(r, s, 0.3)),
           aliases=("arctan2",)),
    OpInfo("sinh", al.sinh, np.sinh, unary_samples(normal(1.5))),
    OpInfo("cosh", al.cosh, np.cosh, unary_samples(normal(1.5))),
    OpInfo("erf", al.erf, np_erf, unary_samples(normal(1.0))),
    OpInfo("exp2", al.exp2, np.exp2, unary_samples(normal(2.0))),
    OpInfo("expm1", al.expm1, np.expm1, unary_samples(normal(1.0))),
    OpInfo("log2", al.log2, np.log2, unary_samples(positive)),
    OpInfo("log10", al.log10, np.log10, unary_samples(positive)),
    OpInfo("log1p", al.log1p, np.log1p, unary_samples(uniform(-0.5, 2.0))),
    OpInfo("reciprocal", al.reciprocal, np.reciprocal, unary_samples(lambda r, s: away_from_zero(r, s, 0.5))),
    OpInfo("rsqrt", al.rsqrt, lambda x: 1 / np.sqrt(x), unary_samples(positive)),
    OpInfo("square", al.square, np.square, unary_samples(normal(1.5))),
    OpInfo("sign", al.sign, np.sign, unary_samples()),
    OpInfo("floor", al.floor, np.floor, unary_samples(off_integers)),
    OpInfo("ceil", al.ceil, np.ceil, unary_samples(off_integers)),
    OpInfo("round", al.round, lambda x, decimals=0: np.round(x, decimals), round_samples),
    OpInfo("trunc", al.trunc, np.trunc, unary_samples(off_integers), aliases=("fix",)),
    OpInfo("frac", al.frac, lambda x: x - np.trunc(x), unary_samples(off_integers)),
    OpInfo("fmod", al.fmod, np_fmod, division_samples),
    OpInfo("remainder", al.remainder, np_remainder, division_samples, aliases=("__mod__", "__rmod__")),
    OpInfo("floor_divide", al.floor_divide, lambda a, b: np_div(a, b, "floor"), division_samples,
           aliases=("__floordiv__", "__rfloordiv__")),
    OpInfo("div_rounding_mode", al.div, np_div,
           lambda rng: (division_samples(rng, {"rounding_mode": "trunc"})
                        + division_samples(rng, {"rounding_mode": "floor"})),
           aliases=("divide",)),
    OpInfo("add_alpha", al.add, lambda a, b, alpha=1: np.asarray(a + alpha * b), alpha_samples),
    OpInfo("sub_alpha", al.sub, lambda a, b, alpha=1: np.asarray(a - alpha * b), alpha_samples,
           aliases=("subtract",)),
    OpInfo("lerp", al.lerp, np_lerp, lerp_samples),
    OpInfo("logaddexp", al.logaddexp, np.logaddexp, binary_samples(make_a=normal(3.0), make_b=normal(3.0))),
    OpInfo("nan_to_num", al.nan_to_num, np.nan_to_num, nan_to_num_samples),
]
