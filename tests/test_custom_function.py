"""Custom ops in both flavours: ``Function`` behaves like torch.autograd.Function (Tensors in
forward, saved_tensors and backward), ``NumpyFunction`` is the same protocol on arrays."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.autograd import Function, NumpyFunction


class Exp(Function):
    """Written exactly as PyTorch's documentation writes it."""

    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result


class MyReLU(Function):
    """PyTorch's tutorial ReLU: clamp in forward, clone and masked assignment in backward."""

    @staticmethod
    def forward(ctx, input):  # noqa: A002 - the tutorial's name
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors  # noqa: A001
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


def x64(*shape, seed=0):
    return al.tensor(np.random.default_rng(seed).normal(size=shape), dtype=al.float64,
                     requires_grad=True)


def test_pytorch_style_functions_run_and_gradcheck():
    x = x64(3, 4)
    np.testing.assert_allclose(Exp.apply(x)._data, np.exp(x._data))
    assert al.gradcheck(lambda t: Exp.apply(t).sum(), (x,))
    y = al.tensor(np.array([[-1.5, 0.7], [2.0, -0.3]]), dtype=al.float64, requires_grad=True)
    assert al.gradcheck(lambda t: (MyReLU.apply(t) * t).sum(), (y,))
    MyReLU.apply(y).sum().backward()
    np.testing.assert_array_equal(y.grad._data, (y._data > 0).astype(float))


def test_function_sees_tensors_and_numpy_function_sees_arrays():
    seen = {}

    class Probe(Function):
        @staticmethod
        def forward(ctx, x, k):
            seen["forward"] = (type(x), type(k), al.is_grad_enabled())
            ctx.save_for_backward(x)
            return x * k

        @staticmethod
        def backward(ctx, g):
            seen["backward"] = (type(g), type(ctx.saved_tensors[0]))
            return g * 2, None

    class ArrayProbe(NumpyFunction):
        @staticmethod
        def forward(ctx, x):
            seen["array forward"] = type(x)
            return x * 3

        @staticmethod
        def backward(ctx, g):
            seen["array backward"] = type(g)
            return g * 3

    x = x64(2)
    (Probe.apply(x, 2.0).sum() + ArrayProbe.apply(x).sum()).backward()
    assert seen["forward"] == (al.Tensor, float, False)  # forward is not recorded
    assert seen["backward"] == (al.Tensor, al.Tensor)
    assert seen["array forward"] is np.ndarray and seen["array backward"] is np.ndarray
    np.testing.assert_allclose(x.grad._data, [5.0, 5.0])


def test_operations_inside_a_tensor_function_are_not_recorded():
    class Square(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            out = 2 * x * g
            assert out.grad_fn is None
            return out

    x = x64(3)
    y = Square.apply(x)
    assert y.grad_fn is not None and y.grad_fn.name == "Square"
    y.sum().backward()
    np.testing.assert_allclose(x.grad._data, 2 * x._data)


def test_in_place_change_of_a_tensor_saved_by_a_function_is_detected():
    w = al.tensor([1.0, 2.0])
    x = al.tensor([3.0, 4.0], requires_grad=True)

    class MulSaved(Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g * b, g * a

    y = MulSaved.apply(x, w).sum()
    w.mul_(2)
    with pytest.raises(RuntimeError, match="MulSaved"):
        y.backward()


def test_multiple_outputs_and_needs_input_grad():
    class SplitScale(Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.needs = ctx.needs_input_grad
            return x * 2, y * 3

        @staticmethod
        def backward(ctx, ga, gb):
            return ga * 2, (gb * 3 if ctx.needs[1] else None)

    x, y = x64(2), al.tensor([1.0, 1.0], dtype=al.float64)
    a, b = SplitScale.apply(x, y)
    assert b.grad_fn is not None and not y.requires_grad
    (a.sum() + b.sum()).backward()
    np.testing.assert_allclose(x.grad._data, [2.0, 2.0])
