"""The tape: ordering, accumulation, freeing, grad mode, autograd.grad, custom Functions,
version counters, anomaly detection and the errors for misuse."""
import gc
import weakref

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.autograd import Function
from cube_op import Cube


def test_gradients_accumulate_into_leaves_across_backward_calls():
    x = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * x.data + 3)


def test_shared_subexpression_gets_the_sum_of_both_paths():
    x = al.tensor(2.0, requires_grad=True)
    y = x * x
    z = y * y + y  # x^4 + x^2
    z.backward()
    assert x.grad.item() == pytest.approx(4 * 8 + 2 * 2)


def test_long_chain_backpropagates_without_recursion():
    x = al.tensor(1.0, dtype=al.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_second_backward_without_retain_graph_raises_clearly():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, 4 * x.data)


def test_intermediates_are_freed_right_after_backward_without_gc():
    gc.disable()
    try:
        x = al.tensor(np.ones(4), requires_grad=True)
        h = (x * 2).exp()
        watch = weakref.ref(h)
        loss = h.sum()
        del h
        loss.backward()
        del loss
        assert watch() is None, "an intermediate tensor outlived its graph (a reference cycle?)"
    finally:
        gc.enable()


def test_no_grad_records_nothing_and_enable_grad_reenables():
    x = al.tensor([1.0], requires_grad=True)
    with al.no_grad():
        y = x * 2
        assert not al.is_grad_enabled()
        with al.enable_grad():
            z = x * 2
    assert al.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None


def test_no_grad_as_decorator():
    @al.no_grad()
    def double(t):
        return t * 2

    assert not double(al.tensor([1.0], requires_grad=True)).requires_grad
    assert al.is_grad_enabled()


def test_detach_shares_data_and_stops_gradients():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.is_leaf
    y = (x * d).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.data, d.data)


def test_autograd_grad_leaves_dot_grad_untouched_and_handles_non_leaves():
    x = al.tensor([1.0, 2.0], dtype=al.float64, requires_grad=True)
    h = x * x
    y = (h * 3).sum()
    gx, gh = al.autograd.grad(y, [x, h], retain_graph=True)
    np.testing.assert_allclose(gx.data, 6 * x.data)
    np.testing.assert_allclose(gh.data, [3.0, 3.0])
    assert x.grad is None


def test_autograd_grad_allow_unused():
    x = al.tensor([1.0], requires_grad=True)
    unused = al.tensor([1.0], requires_grad=True)
    y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="allow_unused"):
        al.autograd.grad(y, [x, unused], retain_graph=True)
    gx, gu = al.autograd.grad(y, [x, unused], allow_unused=True)
    assert gu is None and gx.item() == 2.0


def test_create_graph_gives_a_gradient_on_its_own_graph():
    x = al.tensor([1.0, 3.0], requires_grad=True)
    g, = al.autograd.grad((x * x).sum(), x, create_graph=True)
    assert g.requires_grad and g.grad_fn is not None
    np.testing.assert_allclose(al.autograd.grad(g.sum(), x)[0].numpy(), [2.0, 2.0])


def test_custom_function_forward_backward_and_needs_input_grad():
    seen = {}

    class Scale(Function):
        @staticmethod
        def forward(ctx, x, factor):
            seen["needs"] = ctx.needs_input_grad
            ctx.factor = factor
            return x * factor

        @staticmethod
        def backward(ctx, g):
            return g * ctx.factor, None

    x = al.tensor([1.0, 2.0], dtype=al.float64, requires_grad=True)
    Scale.apply(Cube.apply(x), 2.0).sum().backward()
    assert seen["needs"] == (True, False)
    np.testing.assert_allclose(x.grad.data, 6 * x.data ** 2)
    assert al.gradcheck(lambda t: Cube.apply(t), (x,))


def test_backward_returning_the_wrong_number_of_gradients_is_named():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g

    x = al.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="Bad.backward returned 1 gradients but forward took 2"):
        Bad.apply(x, 2.0).sum().backward()


def test_in_place_change_of_a_saved_tensor_raises_instead_of_a_wrong_gradient():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    w = al.tensor([3.0, 4.0])
    y = (x * w).sum()  # Mul saved w
    w.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


def test_in_place_change_through_a_view_is_detected():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    w = al.tensor([[3.0, 4.0]])
    row = w[0]
    y = (x * w).sum()
    row.fill_(0.0)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


def test_saved_output_modified_in_place_is_detected():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    e = x.exp()
    y = e.sum()
    with al.no_grad():
        e.add_(1.0)
    with pytest.raises(RuntimeError, match="Exp"):
        y.backward()


def test_in_place_on_a_leaf_that_requires_grad_is_refused_while_recording():
    x = al.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="in-place"):
        x.add_(1.0)
    with al.no_grad():
        x -= 0.5  # parameter updates are allowed outside the tape
    assert x.item() == 0.5


def test_detect_anomaly_names_the_op_that_produced_nan():
    x = al.tensor([0.0, 1.0], requires_grad=True)
    with al.autograd.detect_anomaly():
        y = x.sqrt().sum()  # d sqrt / dx at 0 is inf
        with pytest.raises(RuntimeError, match="SqrtBackward"), np.errstate(divide="ignore"):
            y.backward()


def test_backward_on_a_non_scalar_needs_a_gradient():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(2,\)"):
        (x * 2).backward()
    (x * 2).backward(al.tensor([1.0, 10.0]))
    np.testing.assert_allclose(x.grad.data, [2.0, 20.0])


def test_backward_on_a_tensor_that_does_not_require_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        al.tensor([1.0]).sum().backward()


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(RuntimeError, match="int64"):
        al.tensor([1, 2], requires_grad=True)


def test_gradient_dtype_follows_the_input_after_promotion():
    x = al.tensor([1.0, 2.0], dtype=al.float32, requires_grad=True)
    y = al.tensor([1.0, 2.0], dtype=al.float64)
    z = (x * y).sum()
    assert z.dtype == al.float64
    z.backward()
    assert x.grad.dtype == al.float32


def test_multi_output_op_with_an_unused_output():
    x = al.tensor(np.arange(6.0), requires_grad=True)
    a, b, c = al.split(x, 2)
    (b * 2).sum().backward()
    np.testing.assert_allclose(x.grad.data, [0, 0, 2, 2, 0, 0])


def test_grad_of_repeated_indices_accumulates():
    x = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[np.array([0, 0, 2, 0])].sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 0.0, 1.0])
