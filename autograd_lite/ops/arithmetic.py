"""+ - * / ** and negation. Gradients may keep the broadcast shape: the engine sums them back."""
import numpy as np

from ..autograd.function import NumpyFunction


class Add(NumpyFunction):
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, g):
        return g, g


class Sub(NumpyFunction):
    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, g):
        return g, (-g if ctx.needs_input_grad[1] else None)


class Mul(NumpyFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (g * b if need_a else None), (g * a if need_b else None)


class Div(NumpyFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = g / b if need_a else None
        gb = -g * a / (b * b) if need_b else None
        return ga, gb


class Neg(NumpyFunction):
    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, g):
        return -g


class Pow(NumpyFunction):
    """a ** b for a tensor base, a tensor exponent, or both. d/db = a^b · ln a (needs a > 0)."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = g * b * np.power(a, b - 1) if need_a else None
        gb = g * out * np.log(a) if need_b else None
        return ga, gb


# ---- public functions ---------------------------------------------------------------------
def add(a, b):
    """Adds ``b`` to ``a``, elementwise: ``a + b``.

    The operands broadcast as numpy arrays do; each gradient is summed back to its input's
    shape. Either operand may be a Python number or a numpy array.

    Args:
        a (Tensor): the first operand.
        b (Tensor or number): the second operand.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.
    """
    return Add.apply(a, b)


def sub(a, b):
    """Subtracts ``b`` from ``a``, elementwise: ``a - b``.

    The operands broadcast as numpy arrays do; each gradient is summed back to its input's
    shape. Either operand may be a Python number or a numpy array.

    Args:
        a (Tensor): the first operand.
        b (Tensor or number): the second operand.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.
    """
    return Sub.apply(a, b)


def mul(a, b):
    """Multiplies ``a`` by ``b``, elementwise: ``a * b``.

    The operands broadcast as numpy arrays do; each gradient is summed back to its input's
    shape. Either operand may be a Python number or a numpy array.

    Args:
        a (Tensor): the first operand.
        b (Tensor or number): the second operand.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.
    """
    return Mul.apply(a, b)


def div(a, b):
    """Divides ``a`` by ``b`` (true division), elementwise: ``a / b``.

    The operands broadcast as numpy arrays do; each gradient is summed back to its input's
    shape. Either operand may be a Python number or a numpy array.

    Args:
        a (Tensor): the first operand.
        b (Tensor or number): the second operand.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.
    """
    return Div.apply(a, b)


def neg(a):
    """The negation of ``a``, elementwise: ``-a``.

    Args:
        a (Tensor): the input.
    """
    return Neg.apply(a)


def pow(a, exponent):  # noqa: A001 - mirrors torch.pow
    """``a`` raised to ``exponent``, elementwise: ``a ** exponent``.

    Either may be a tensor (they broadcast). The gradient with respect to a tensor exponent is
    ``a ** exponent * log(a)``, defined for ``a > 0`` only.

    Args:
        a (Tensor or number): the base.
        exponent (Tensor or number): the exponent.
    """
    return Pow.apply(a, exponent)
