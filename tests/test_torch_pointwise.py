"""The pointwise ops of API.md's second edition side by side with PyTorch (skipped, with the
reason, when torch is not installed): values and first derivatives on the same float64 inputs,
function and method forms, result dtypes for integer and float32 inputs, and the conventions at
edges (signs of fmod/remainder, halves in round, rounding ops at integers, nan and inf)."""
import numpy as np
import pytest

import autograd_lite as al

torch = pytest.importorskip("torch", reason="torch is not installed: PyTorch pointwise cross-check skipped")

X = np.array([[0.3, -1.7, 2.2, 0.9], [-0.45, 1.25, -2.6, 0.05]])       # general values
U = np.array([[0.3, -0.7, 0.85, -0.1], [0.6, -0.45, 0.05, 0.2]])       # inside (-1, 1)
P = np.array([[0.3, 1.7, 2.2, 0.9], [0.45, 1.25, 2.6, 0.05]])          # positive
Y = np.array([[0.7, -0.4, 1.3, -2.1], [0.9, 0.35, -0.75, 1.6]])        # divisors, away from 0
W = np.array([[0.1, 0.9, 0.5, 0.25], [0.0, 1.0, 0.75, 0.3]])           # lerp weights

# name: (expression of (module, x, y), input x, input y or None[, the expression for torch]); the
# module is al or torch. Where torch has no derivative (floor_divide; remainder with a Python
# number as the dividend) the torch side computes the same values with an op that has one.
CASES = {
    "sin": (lambda m, x, y: m.sin(x), X, None),
    "cos": (lambda m, x, y: m.cos(x), X, None),
    "tan": (lambda m, x, y: m.tan(x), U, None),
    "asin": (lambda m, x, y: m.asin(x), U, None),
    "acos": (lambda m, x, y: m.acos(x), U, None),
    "atan": (lambda m, x, y: m.atan(x), X, None),
    "atan2": (lambda m, x, y: m.atan2(x, y), X, Y),
    "atan2 scalar other": (lambda m, x, y: x.atan2(m.tensor(-0.5, dtype=m.float64)), X, None),
    "sinh": (lambda m, x, y: m.sinh(x), X, None),
    "cosh": (lambda m, x, y: m.cosh(x), X, None),
    "erf": (lambda m, x, y: m.erf(x), X, None),
    "exp2": (lambda m, x, y: m.exp2(x), X, None),
    "expm1": (lambda m, x, y: m.expm1(x), X, None),
    "log2": (lambda m, x, y: m.log2(x), P, None),
    "log10": (lambda m, x, y: m.log10(x), P, None),
    "log1p": (lambda m, x, y: m.log1p(x), U, None),
    "reciprocal": (lambda m, x, y: m.reciprocal(x), Y, None),
    "rsqrt": (lambda m, x, y: m.rsqrt(x), P, None),
    "square": (lambda m, x, y: m.square(x), X, None),
    "sign (0 included)": (lambda m, x, y: m.sign(x) * x, np.array([0.0, -1.5, 2.0]), None),
    "floor at integers": (lambda m, x, y: m.floor(x) * x, np.array([1.0, -2.0, 0.5, -0.5]), None),
    "ceil": (lambda m, x, y: m.ceil(x) * x, X, None),
    "round halves to even": (lambda m, x, y: m.round(x) * x, np.array([0.5, 1.5, 2.5, -0.5, -1.4]), None),
    "round decimals=1": (lambda m, x, y: m.round(x, decimals=1) * x, X, None),
    "trunc": (lambda m, x, y: m.trunc(x) * x, X, None),
    "frac": (lambda m, x, y: m.frac(x), X, None),
    "fmod (sign of dividend)": (lambda m, x, y: m.fmod(x, y), X, Y),
    "remainder (sign of divisor)": (lambda m, x, y: m.remainder(x, y), X, Y),
    "% operator": (lambda m, x, y: x % y, X, Y),
    "% python scalar": (lambda m, x, y: x % -0.8, X, None),
    "rmod": (lambda m, x, y: 2.5 % y, Y, Y, lambda m, x, y: m.remainder(m.full_like(y, 2.5), y)),
    "// operator": (lambda m, x, y: (x // y) * x, X, Y,
                    lambda m, x, y: m.div(x, y, rounding_mode="floor") * x),
    "floor_divide scalar": (lambda m, x, y: m.floor_divide(x, 0.6) * x, X, None,
                            lambda m, x, y: m.div(x, 0.6, rounding_mode="floor") * x),
    "rfloordiv": (lambda m, x, y: (3.0 // y) * y, Y, Y,
                  lambda m, x, y: m.div(m.full_like(y, 3.0), y, rounding_mode="floor") * y),
    "div trunc": (lambda m, x, y: m.div(x, y, rounding_mode="trunc") * x, X, Y),
    "div floor": (lambda m, x, y: x.div(y, rounding_mode="floor") * y, X, Y),
    "div true": (lambda m, x, y: m.div(x, y), X, Y),
    "add alpha": (lambda m, x, y: m.add(x, y, alpha=-2.5), X, Y),
    "sub alpha": (lambda m, x, y: x.sub(y, alpha=0.5), X, Y),
    "sub alpha scalar": (lambda m, x, y: m.sub(x, 2.0, alpha=3), X, None),
    "mul": (lambda m, x, y: m.mul(x, y), X, Y),
    "lerp scalar weight": (lambda m, x, y: m.lerp(x, y, 0.3), X, Y),
    "lerp tensor weight": (lambda m, x, y: x.lerp(y, m.tensor(W, dtype=m.float64)), X, Y),
    "logaddexp": (lambda m, x, y: m.logaddexp(x, y), X * 10, Y * 10),
    "nan_to_num": (lambda m, x, y: m.nan_to_num(x, nan=0.5, posinf=9.0, neginf=-7.0) * 2,
                   np.array([np.nan, np.inf, -np.inf, 1.5]), None),
    "nan_to_num defaults": (lambda m, x, y: x.nan_to_num(), np.array([np.nan, 1e300, -2.0]), None),
}


def _run(module, fn, x, y):
    if module is torch:
        xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        yt = None if y is None else torch.tensor(y, dtype=torch.float64, requires_grad=True)
    else:
        xt = al.tensor(x, dtype=al.float64, requires_grad=True)
        yt = None if y is None else al.tensor(y, dtype=al.float64, requires_grad=True)
    out = fn(module, xt, yt)
    seed = np.linspace(-1.0, 1.5, out.numel()).reshape(tuple(out.shape))
    out.backward(module.tensor(seed, dtype=module.float64))
    grads = [t.grad for t in (xt, yt) if t is not None]
    as_array = (lambda t: t.detach().numpy()) if module is torch else (lambda t: t.numpy())
    return (as_array(out.detach()), out.requires_grad,
            [None if g is None else as_array(g) for g in grads])


def test_values_without_a_torch_derivative_match_pytorch():
    x, y = torch.tensor(X), torch.tensor(Y)
    np.testing.assert_array_equal((al.tensor(X) // al.tensor(Y)).numpy(), (x // y).numpy())
    np.testing.assert_array_equal((3.0 // al.tensor(Y)).numpy(), (3.0 // y).numpy())
    np.testing.assert_allclose((2.5 % al.tensor(Y)).numpy(), (2.5 % y).numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", list(CASES))
def test_values_and_gradients_match_pytorch(name):
    fn, x, y, *torch_fn = CASES[name]
    ours, ours_requires, our_grads = _run(al, fn, x, y)
    theirs, theirs_requires, their_grads = _run(torch, (torch_fn or [fn])[0], x, y)
    assert ours_requires == theirs_requires
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12, err_msg=f"{name}: values")
    for k, (g, e) in enumerate(zip(our_grads, their_grads)):
        assert (g is None) == (e is None), f"{name}: input {k} gets a gradient in one library only"
        if g is not None:
            np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12, err_msg=f"{name}: gradient {k}")


UNARY_FLOAT = "sin cos tan asin acos atan sinh cosh erf exp2 expm1 log2 log10 log1p reciprocal rsqrt".split()
KEEP_DTYPE = "square sign floor ceil round trunc".split()


@pytest.mark.parametrize("name", UNARY_FLOAT + KEEP_DTYPE)
def test_result_dtypes_match_pytorch(name):
    ints = np.array([3, -2, 0, 1])
    for values, ours_dtype, torch_dtype in [(ints, None, None), (X, al.float32, torch.float32),
                                            (X, al.float64, torch.float64)]:
        ours = getattr(al, name)(al.tensor(values, dtype=ours_dtype))
        theirs = getattr(torch, name)(torch.tensor(values, dtype=torch_dtype))
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (name, values.dtype)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-6, equal_nan=True)
        method = getattr(al.tensor(values, dtype=ours_dtype), name)()
        np.testing.assert_array_equal(method.numpy(), ours.numpy())


@pytest.mark.parametrize("expr", [
    lambda m, a, b: a % b, lambda m, a, b: a // b, lambda m, a, b: m.fmod(a, b),
    lambda m, a, b: m.remainder(a, -3), lambda m, a, b: m.div(a, b, rounding_mode="trunc"),
    lambda m, a, b: m.div(a, b, rounding_mode="floor"), lambda m, a, b: -7 // b,
    lambda m, a, b: a % 2.5, lambda m, a, b: m.atan2(a, b),
])
def test_integer_division_family_matches_pytorch(expr):
    a, b = np.array([7, -7, 7, -7, 0, 5]), np.array([2, 2, -2, -2, 3, 5])
    ours = expr(al, al.tensor(a), al.tensor(b))
    theirs = expr(torch, torch.tensor(a), torch.tensor(b))
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_predicates_match_pytorch():
    values = np.array([1.0, np.nan, np.inf, -np.inf, 0.0, 1e-9])
    other = np.array([1.0 + 1e-7, np.nan, np.inf, 1.0, 1e-9, 0.0])
    a, b, ta, tb = al.tensor(values), al.tensor(other), torch.tensor(values), torch.tensor(other)
    for name in ("isnan", "isinf", "isfinite"):
        ours, theirs = getattr(al, name)(a), getattr(torch, name)(ta)
        assert ours.dtype == al.bool and not ours.requires_grad
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        np.testing.assert_array_equal(getattr(a, name)().numpy(), theirs.numpy())
    for kwargs in ({}, {"equal_nan": True}, {"rtol": 0.0, "atol": 1e-8}):
        np.testing.assert_array_equal(al.isclose(a, b, **kwargs).numpy(), torch.isclose(ta, tb, **kwargs).numpy())
        np.testing.assert_array_equal(a.isclose(b, **kwargs).numpy(), torch.isclose(ta, tb, **kwargs).numpy())
        assert al.allclose(a, b, **kwargs) is torch.allclose(ta, tb, **kwargs)
        assert a.allclose(b, **kwargs) is torch.allclose(ta, tb, **kwargs)
    assert al.allclose(a[:1], b[:1]) is True


def test_rounding_ops_have_zero_gradient_and_require_grad_like_pytorch():
    for name in ("floor", "ceil", "round", "trunc", "sign"):
        x = al.tensor([1.3, -0.7], requires_grad=True)
        out = getattr(x, name)()
        assert out.requires_grad is getattr(torch, name)(torch.tensor([1.3], requires_grad=True)).requires_grad
        out.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])


def test_float32_inputs_stay_float32():
    x = al.tensor(X, dtype=al.float32, requires_grad=True)
    y = al.tensor(Y, dtype=al.float32)
    outs = [x.sin(), x % y, x // 0.5, x.fmod(2), al.lerp(x, y, 0.25), al.add(x, 2.0, alpha=0.5),
            al.logaddexp(x, y), x.atan2(y), x.nan_to_num(), al.erf(x)]
    assert all(o.dtype == al.float32 for o in outs), [o.dtype for o in outs]
