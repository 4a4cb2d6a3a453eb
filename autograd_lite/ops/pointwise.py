"""Elementwise math and activations: forward and backward of each, side by side.

Float32/float64 arrays go through the fused Numba kernels (one pass, a vectorising exp/tanh,
threads above the measured sizes); anything else (integer inputs) takes the numpy expression,
which is also the reference the registry checks both against.
"""
import numpy as np

from .. import kernels
from ..autograd.function import NumpyFunction
from ..dtypes import kernel_dtype
from ..errors import OpError
from ..tensor import Tensor, _wrap, array_of


def _is_float(x):
    return type(x) is np.ndarray and kernel_dtype(x.dtype)


#: below this many elements exp, log, relu and leaky_relu take numpy's one-call expression: it
#: is as fast or faster there (float32, 1 thread, machine shared; kernel / numpy µs: exp at 64
#: elements 1.60 / 0.52, at 1024 2.28 / 1.87, at 4096 4.05 / 5.71; relu 1.54 / 1.03, 1.73 /
#: 1.66, 2.09 / 3.12; log 1.75 / 1.44, 3.74 / 3.75), and a script of small tensors then never
#: loads numba (kernels/__init__.py). sigmoid keeps its kernel at every size (numpy's stable
#: formula is 4x slower from 12 elements up); tanh has its own measured SMALL_TANH below.
SMALL_ELEMENTWISE = 1024


def _large_float(x):
    """A float32/float64 array of at least SMALL_ELEMENTWISE elements: the kernel pays."""
    return type(x) is np.ndarray and x.size >= SMALL_ELEMENTWISE and kernel_dtype(x.dtype)


class Exp(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        out = kernels.exp(x) if _large_float(x) else np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return kernels.exp_backward(g, out) if _large_float(g) and g.dtype == out.dtype else g * out

    @staticmethod
    def vjp(ctx, g):
        out, = ctx.saved_tensors
        return g * out


class Log(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return kernels.log(x) if _large_float(x) else np.log(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return kernels.log_backward(g, x) if _large_float(x) and g.dtype == x.dtype else g / x

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return g / x


class Sqrt(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g / (2 * out)

    vjp = backward


class Abs(NumpyFunction):
    """d|x|/dx = sign(x), 0 at the kink (as PyTorch)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * np.sign(x)

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return g * _wrap(np.sign(x._data))


class Clamp(NumpyFunction):
    """Gradient passes where lo <= x <= hi (bounds inclusive, as PyTorch)."""

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * _clamp_inside(x, ctx.lo, ctx.hi), None, None

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return g * _wrap(_clamp_inside(x._data, ctx.lo, ctx.hi).astype(x.dtype)), None, None


def _clamp_inside(x, lo, hi):
    """Where clamp passes x through (bounds inclusive): the mask its gradient keeps."""
    inside = np.ones(x.shape, dtype=bool)
    if lo is not None:
        inside &= x >= lo
    if hi is not None:
        inside &= x <= hi
    return inside


class Relu(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        out = kernels.relu(x) if _large_float(x) else np.maximum(x, 0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors  # out > 0 exactly where x > 0
        if _large_float(out) and g.dtype == out.dtype:
            return kernels.relu_backward(g, out)
        return g * (out > 0)

    @staticmethod
    def vjp(ctx, g):
        out, = ctx.saved_tensors
        return g * _wrap((out._data > 0).astype(out.dtype))


class LeakyRelu(NumpyFunction):
    @staticmethod
    def forward(ctx, x, negative_slope):
        ctx.save_for_backward(x)
        ctx.slope = negative_slope
        if _large_float(x):
            return kernels.leaky_relu(x, negative_slope)
        return np.where(x > 0, x, x * negative_slope)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        if _large_float(x) and g.dtype == x.dtype:
            return kernels.leaky_relu_backward(g, x, ctx.slope), None
        return np.where(x > 0, g, g * ctx.slope), None

    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved_tensors
        return g * _wrap(np.where(x._data > 0, 1, ctx.slope).astype(x.dtype)), None


class Sigmoid(NumpyFunction):
    """σ(x) = 1/(1+e^-x), finite for every input (e^-x overflowing to inf gives 0)."""

    @staticmethod
    def forward(ctx, x):
        if _is_float(x):
            out = kernels.sigmoid(x)
        else:
            e = np.exp(-np.abs(x))
            out = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        if _is_float(out) and g.dtype == out.dtype:
            return kernels.sigmoid_backward(g, out)
        return g * out * (1 - out)

    @staticmethod
    def vjp(ctx, g):
        out, = ctx.saved_tensors
        return g * out * (1 - out)


#: below this many elements numpy's tanh (one C call) beats the kernel's Python wrapper
SMALL_TANH = 2048


class Tanh(NumpyFunction):
    @staticmethod
    def forward(ctx, x):
        if _large_float(x) and x.size >= SMALL_TANH:
            out = kernels.tanh(x)
        else:
            out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        if _large_float(out) and g.dtype == out.dtype:
            return kernels.tanh_backward(g, out)
        return g * (1 - out * out)

    @staticmethod
    def vjp(ctx, g):
        out, = ctx.saved_tensors
        return g * (1 - out * out)


class Maximum(NumpyFunction):
    """Ties split the gradient evenly between the two inputs (as PyTorch)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        share = (a > b) + 0.5 * (a == b)
        return g * share, g * (1 - share)

    @staticmethod
    def vjp(ctx, g):
        a, b = ctx.saved_tensors
        return _split_ties(g, array_of(a) > array_of(b), array_of(a) == array_of(b))


def _split_ties(g, first, tie):
    """(g·s, g·(1−s)) with s = 1 where ``first`` wins, ½ at ties: a constant share, so the
    product stays differentiable in g."""
    share = (first + 0.5 * tie).astype(g.dtype)
    return g * _wrap(share), g * _wrap(1 - share)


class Minimum(NumpyFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        share = (a < b) + 0.5 * (a == b)
        return g * share, g * (1 - share)

    @staticmethod
    def vjp(ctx, g):
        a, b = ctx.saved_tensors
        return _split_ties(g, array_of(a) < array_of(b), array_of(a) == array_of(b))


class Where(NumpyFunction):
    @staticmethod
    def forward(ctx, condition, a, b):
        ctx.condition = condition
        return np.where(condition, a, b)

    @staticmethod
    def backward(ctx, g):
        zero = np.zeros((), dtype=g.dtype)
        need_a, need_b = ctx.needs_input_grad[1:]
        return (None,
                np.where(ctx.condition, g, zero) if need_a else None,
                np.where(ctx.condition, zero, g) if need_b else None)

    @staticmethod
    def vjp(ctx, g):
        zero = _wrap(np.zeros((), dtype=g.dtype))
        need_a, need_b = ctx.needs_input_grad[1:]
        return (None,
                Where.apply(ctx.condition, g, zero) if need_a else None,
                Where.apply(ctx.condition, zero, g) if need_b else None)

# ---- public functions ---------------------------------------------------------------------
def exp(x):
    """The exponential ``e ** x``, elementwise.

    Args:
        x (Tensor): the input.

    Returns:
        Tensor: the same shape and dtype as ``x``.
    """
    return Exp.apply(x)


def log(x):
    """The natural logarithm ``ln x``, elementwise.

    ``x <= 0`` gives ``-inf`` or ``nan``, as numpy does.

    Args:
        x (Tensor): the input.

    Returns:
        Tensor: the same shape and dtype as ``x``.
    """
    return Log.apply(x)


def sqrt(x):
    """The square root of ``x``, elementwise.

    Args:
        x (Tensor): the input.

    Returns:
        Tensor: the same shape and dtype as ``x``.
    """
    return Sqrt.apply(x)


def abs(x):  # noqa: A001 - mirrors torch.abs
    """The absolute value ``|x|``, elementwise.

    The gradient at 0 is 0 (the sign of 0).

    Args:
        x (Tensor): the input.

    Returns:
        Tensor: the same shape and dtype as ``x``.
    """
    return Abs.apply(x)


def clamp(x, min=None, max=None):  # noqa: A002 - PyTorch's argument names
    """Limits ``x`` to ``[min, max]``, elementwise (``clip`` is the same function).

    The gradient passes where ``min <= x <= max`` (bounds included, as PyTorch) and is 0
    elsewhere.

    Args:
        x (Tensor): the input.
        min (number, optional): the lower bound; None for none.
        max (number, optional): the upper bound; None for none. At least one must be given.
    """
    if min is None and max is None:
        raise OpError("clamp: at least one of min and max must be given")
    return Clamp.apply(x, min, max)


clip = clamp


def maximum(a, b):
    """The larger of ``a`` and ``b``, elementwise (they broadcast).

    At ties the gradient is split evenly between the two inputs.

    Args:
        a (Tensor): the first operand.
        b (Tensor or number): the second operand.
    """
    return Maximum.apply(a, b)


def minimum(a, b):
    """The smaller of ``a`` and ``b``, elementwise (they broadcast).

    At ties the gradient is split evenly between the two inputs.

    Args:
        a (Tensor): the first operand.
        b (Tensor or number): the second operand.
    """
    return Minimum.apply(a, b)


def where(condition, a, b):
    """``a`` where ``condition`` holds, else ``b``, elementwise (all three broadcast).

    Gradients flow to ``a`` where the condition is true and to ``b`` where it is false.

    Args:
        condition (Tensor): a bool tensor (a ``TypeError`` otherwise), or a bool array.
        a (Tensor or number): values where ``condition`` is true.
        b (Tensor or number): values where it is false.
    """
    condition = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if condition.dtype != np.bool_:
        raise TypeError(f"where: condition must be a bool tensor, got {condition.dtype}")
    return Where.apply(condition, a, b)


def relu(x):
    """The rectified linear unit ``max(x, 0)``, elementwise.

    The gradient at 0 is 0.

    Args:
        x (Tensor): the input.

    Returns:
        Tensor: the same shape and dtype as ``x``.
    """
    return Relu.apply(x)


def leaky_relu(x, negative_slope=0.01):
    """The leaky rectified linear unit: ``x`` where ``x > 0``, else ``negative_slope * x``.

    Args:
        x (Tensor): the input.
        negative_slope (float): the slope for negative inputs. Default: 0.01.
    """
    return LeakyRelu.apply(x, negative_slope)


def sigmoid(x):
    """The logistic sigmoid ``1 / (1 + exp(-x))``, elementwise.

    Computed without overflow for large ``|x|`` (float32 included).

    Args:
        x (Tensor): the input.

    Returns:
        Tensor: the same shape and dtype as ``x``.
    """
    return Sigmoid.apply(x)


def tanh(x):
    """The hyperbolic tangent of ``x``, elementwise.

    Args:
        x (Tensor): the input.

    Returns:
        Tensor: the same shape and dtype as ``x``.
    """
    return Tanh.apply(x)
