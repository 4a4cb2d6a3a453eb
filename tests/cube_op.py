"""The custom op several tests share: x³ as a Function, optionally with a planted backward bug
(first order), or with a planted bug in its backward's own derivative (second order)."""
from autograd_lite.autograd import Function


def cube_with_backward_off_by(factor):
    """A Function computing x³ whose backward returns ``factor`` × the true gradient 3x²·g."""
    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 3 * x * x * g * factor

    return Cube


Cube = cube_with_backward_off_by(1.0)


def cube_with_second_derivative_off_by(factor):
    """x³ whose backward (3x²·g) is itself an op, CubeGrad, whose own backward is off by
    ``factor`` in its x-derivative: first order exact, second order wrong when factor != 1."""
    class CubeGrad(Function):
        @staticmethod
        def forward(ctx, x, g):
            ctx.save_for_backward(x, g)
            return 3 * x * x * g

        @staticmethod
        def backward(ctx, gg):
            x, g = ctx.saved_tensors
            return 6 * x * g * gg * factor, 3 * x * x * gg

    class Cube2(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return CubeGrad.apply(x, g)

    return Cube2
