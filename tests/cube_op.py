"""The custom op several tests share: x³ as a Function, optionally with a planted backward bug."""
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
