"""The pytest plugin as a user meets it: a project's own op checked in one line."""
import pytest

pytest_plugins = ["pytester"]

USER_TESTS = '''
import numpy as np
import autograd_lite as al
from autograd_lite.autograd import Function
from autograd_lite.testing import OpInfo, SampleInput, op_tests

FACTOR = {factor}

class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 3 * x * x * g * FACTOR

def cube_samples(rng):
    return [SampleInput((rng.normal(size=(3, 4)),), name="3x4")]

test_cube = op_tests(OpInfo("user_cube", op=Cube.apply, ref=lambda x: x ** 3,
                            sample_inputs=cube_samples))

def test_fixture(gradcheck):
    x = al.tensor([0.5, 1.5], dtype=al.float64, requires_grad=True)
    gradcheck(lambda t: Cube.apply(t).sum(), (x,))
'''


@pytest.mark.parametrize("factor, outcome", [(1.0, {"passed": 10}), (1.01, {"passed": 8, "failed": 2})])
def test_user_op_checked_by_one_line(pytester, factor, outcome):
    pytester.makepyfile(test_user_op=USER_TESTS.format(factor=factor))
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(**outcome)
    if factor != 1.0:
        result.stdout.fnmatch_lines(["*relative error*"])
