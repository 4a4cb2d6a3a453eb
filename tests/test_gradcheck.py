"""The checker itself: it must fail on a deliberately wrong gradient, and say why."""
import re

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.autograd import Function
from cube_op import cube_with_backward_off_by, cube_with_second_derivative_off_by


def inputs():
    return (al.tensor(np.linspace(0.5, 1.5, 6).reshape(2, 3), dtype=al.float64, requires_grad=True),)


def test_correct_gradient_passes():
    assert al.gradcheck(cube_with_backward_off_by(1.0).apply, inputs())


def test_gradient_off_by_a_tenth_of_a_percent_fails():
    with pytest.raises(al.GradcheckError):
        al.gradcheck(cube_with_backward_off_by(1.001).apply, inputs())
    assert al.gradcheck(cube_with_backward_off_by(1.001).apply, inputs(),
                        raise_exception=False) is False


def test_failure_message_names_input_worst_element_and_both_values():
    cube = cube_with_backward_off_by(1.01)
    with pytest.raises(al.GradcheckError) as info:
        al.gradcheck(lambda x: cube.apply(x).sum(), inputs())
    message = str(info.value)
    assert "input 0" in message and "relative error" in message
    assert "index (1, 2)" in message  # the largest gradient, so the largest absolute error
    assert "analytic 6.8175" in message  # 3·1.5²·1.01
    assert re.search(r"numeric 6\.(75|7499999)", message)  # 3·1.5²


def test_report_gives_the_course_relative_error():
    cube = cube_with_backward_off_by(1.01)
    report, = al.gradcheck_report(lambda x: cube.apply(x).sum(), inputs())
    x = inputs()[0].data
    g, g_true = 3 * x * x * 1.01, 3 * x * x
    expected = np.linalg.norm(g - g_true) / (np.linalg.norm(g) + np.linalg.norm(g_true))
    assert report.relative_error == pytest.approx(expected, rel=1e-6)
    assert report.worst_index == (1, 2) and not report.passed


def test_wrong_gradient_of_one_input_among_several():
    class MulBadB(Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g * b, g * a * 1.002

    a = al.tensor([1.0, 2.0], dtype=al.float64, requires_grad=True)
    b = al.tensor([3.0, -1.0], dtype=al.float64, requires_grad=True)
    reports = al.gradcheck_report(MulBadB.apply, (a, b))
    assert [r.passed for r in reports] == [True, False]


def test_float32_inputs_are_refused():
    with pytest.raises(TypeError, match="float64"):
        al.gradcheck(lambda x: x * 2, (al.tensor([1.0], requires_grad=True),))


def test_nothing_to_check_is_an_error():
    with pytest.raises(ValueError, match="requires_grad"):
        al.gradcheck(lambda x: x * 2, (al.tensor([1.0], dtype=al.float64),))


def test_registry_checks_catch_a_wrong_builtin_backward(monkeypatch):
    """The generated registry tests can fail: break Mul's backward and the gradcheck check fails."""
    from autograd_lite.ops.arithmetic import Mul
    from autograd_lite.testing import check_gradcheck, get_op

    original = Mul.backward

    def wrong(ctx, g):
        ga, gb = original(ctx, g)
        return (ga * 1.001 if ga is not None else None), gb

    monkeypatch.setattr(Mul, "backward", staticmethod(wrong))
    with pytest.raises(AssertionError, match="mul"):
        check_gradcheck(get_op("mul"))


def test_registry_checks_catch_a_wrong_forward(monkeypatch):
    from autograd_lite.testing import check_forward_reference, get_op
    from autograd_lite.ops.pointwise import Tanh

    original = Tanh.forward
    monkeypatch.setattr(Tanh, "forward", staticmethod(lambda ctx, x: original(ctx, x) * (1 + 1e-4)))
    with pytest.raises(AssertionError):
        check_forward_reference(get_op("tanh"), np.float32)


def test_gradgradcheck_passes_a_right_second_derivative():
    x = al.tensor(np.linspace(0.5, 1.5, 5), dtype=al.float64, requires_grad=True)
    op = cube_with_second_derivative_off_by(1.0)
    assert al.gradcheck(lambda t: op.apply(t).sum(), (x,))
    assert al.gradgradcheck(lambda t: op.apply(t).sum(), (x,))


def test_gradgradcheck_catches_a_second_derivative_off_by_a_tenth_of_a_percent():
    """The planted failure of the second-order checker: first derivative right (gradcheck
    passes), the backward's own derivative 0.1 % off (gradgradcheck must fail)."""
    x = al.tensor(np.linspace(0.5, 1.5, 5), dtype=al.float64, requires_grad=True)
    op = cube_with_second_derivative_off_by(1.001)
    assert al.gradcheck(lambda t: op.apply(t).sum(), (x,))
    with pytest.raises(al.GradcheckError, match="input 0"):
        al.gradgradcheck(lambda t: op.apply(t).sum(), (x,))
    assert al.gradgradcheck(lambda t: op.apply(t).sum(), (x,), raise_exception=False) is False


def test_non_contiguous_input_is_perturbed_in_place():
    base = al.tensor(np.linspace(0.5, 1.5, 12).reshape(3, 4), dtype=al.float64)
    x = base.T.detach().requires_grad_()  # a transposed view: not C-contiguous
    assert not x.data.flags.c_contiguous
    cube = cube_with_backward_off_by(1.0)
    assert al.gradcheck(lambda t: cube.apply(t).sum(), (x,))
    with pytest.raises(al.GradcheckError):
        al.gradcheck(lambda t: cube_with_backward_off_by(1.001).apply(t).sum(), (x,))
