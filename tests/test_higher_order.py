"""create_graph: the backward pass is recorded, so gradients can be differentiated again."""
import numpy as np
import pytest

import autograd_lite as al
import autograd_lite.nn.functional as F
from autograd_lite.autograd import NumpyFunction
from cube_op import Cube


def f64(values, grad=True):
    return al.tensor(np.asarray(values, dtype=np.float64), dtype=al.float64, requires_grad=grad)


def test_second_and_third_derivatives_of_a_power():
    x = f64([0.5, -1.5, 2.0])
    g, = al.autograd.grad((x ** 4).sum(), x, create_graph=True)
    h, = al.autograd.grad(g.sum(), x, create_graph=True)
    t, = al.autograd.grad(h.sum(), x)
    np.testing.assert_allclose(g.data, 4 * x.data ** 3)
    np.testing.assert_allclose(h.data, 12 * x.data ** 2)
    np.testing.assert_allclose(t.data, 24 * x.data)


def test_backward_create_graph_leaves_a_differentiable_grad():
    x = f64([0.3, 0.7])
    (x.sin() if hasattr(x, "sin") else x.tanh()).sum().backward(create_graph=True)
    assert x.grad.grad_fn is not None
    first = x.grad
    h, = al.autograd.grad(first.sum(), x)
    y = np.tanh(x.data) if not hasattr(x, "sin") else np.sin(x.data)
    expected = -2 * y * (1 - y ** 2) if not hasattr(x, "sin") else -y
    np.testing.assert_allclose(h.data, expected)


def test_hessian_vector_product_of_a_quadratic_form():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 4))
    x, v = f64(rng.normal(size=4)), rng.normal(size=4)
    loss = 0.5 * (x @ (al.tensor(a, dtype=al.float64) @ x))
    g, = al.autograd.grad(loss, x, create_graph=True)
    hv, = al.autograd.grad(g, x, al.tensor(v, dtype=al.float64))
    np.testing.assert_allclose(hv.data, 0.5 * (a + a.T) @ v, rtol=1e-12)


def test_a_custom_function_is_differentiable_through_its_backward():
    """Cube's backward is 3·x·x·g in Tensor ops, so its second derivative is 6x (PyTorch's
    custom-Function rule)."""
    x = f64([0.5, 1.0, 2.0])
    g, = al.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    h, = al.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.data, 6 * x.data)


def test_a_numpy_function_without_vjp_says_what_to_add():
    class Square(NumpyFunction):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x * g

    x = f64([1.0, 2.0])
    assert np.allclose(al.autograd.grad(Square.apply(x).sum(), x)[0].data, [2, 4])
    with pytest.raises(RuntimeError, match="Square does not support create_graph.*vjp"):
        al.autograd.grad(Square.apply(x).sum(), x, create_graph=True)


def test_a_numpy_function_with_only_a_vjp_runs_it_on_both_paths():
    class Square(NumpyFunction):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def vjp(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x * g

    x = f64([1.0, 2.0])
    g, = al.autograd.grad(Square.apply(x).sum(), x)
    np.testing.assert_allclose(g.data, [2, 4])
    assert al.gradgradcheck(lambda t: Square.apply(t).sum(), (x,))


def test_create_graph_retains_the_graph_by_default():
    x = f64([1.0, 2.0])
    y = (x * x).sum()
    al.autograd.grad(y, x, create_graph=True)
    g, = al.autograd.grad(y, x)  # a second pass over the same graph works
    np.testing.assert_allclose(g.data, [2, 4])


def test_gradient_penalty_gradients_match_finite_differences():
    """WGAN-GP style: the penalty (‖∂D/∂x‖ − 1)² differentiated with respect to D's weights."""
    rng = np.random.default_rng(1)
    x = f64(rng.normal(size=(5, 3)), grad=False)
    w1, w2 = f64(rng.normal(size=(4, 3))), f64(rng.normal(size=(1, 4)))

    @al.enable_grad()  # gradcheck evaluates under no_grad; the penalty needs a graph inside
    def penalty(w1, w2):
        xi = x.detach().requires_grad_()
        d = F.linear(F.linear(xi, w1).tanh(), w2).sum()
        gx, = al.autograd.grad(d, xi, create_graph=True)
        return ((gx * gx).sum(1).sqrt() - 1) ** 2

    assert al.gradcheck(lambda a, b: penalty(a, b).sum(), (w1, w2))


@pytest.mark.parametrize("train", [True, False])
def test_second_derivatives_through_the_fused_nn_ops(train):
    """Kernel-backed ops (linear, batch norm, dropout with its mask, cross-entropy): the
    recorded backward is differentiated again and checked against finite differences."""
    rng = np.random.default_rng(2)
    x = f64(rng.normal(size=(6, 3)))
    w = f64(rng.normal(size=(4, 3)))
    gamma, beta = f64(rng.uniform(0.5, 1.5, 4)), f64(rng.normal(size=4))
    labels = al.tensor([0, 1, 2, 3, 1, 0])
    mean, var = al.zeros(4, dtype=al.float64), al.ones(4, dtype=al.float64)

    def loss(x, w, gamma, beta):
        h = F.linear(x, w)
        h = F.batch_norm(h, mean.clone(), var.clone(), gamma, beta, training=train)
        al.manual_seed(3)
        h = F.dropout(h.tanh(), 0.25, training=train)
        return F.cross_entropy(h, labels)

    assert al.gradgradcheck(loss, (x, w, gamma, beta))


def test_indexing_with_repeated_indices_has_second_derivatives():
    x = f64([0.5, 1.5, -1.0])
    index = al.tensor([0, 0, 2, 1, 0])
    assert al.gradgradcheck(lambda t: (t[index] ** 3).sum(), (x,))


def test_max_with_ties_second_derivative_follows_the_chosen_element():
    assert al.gradgradcheck(lambda t: (t.max(1).values ** 2).sum(),
                            (f64([[1.0, 3.0, 2.5], [2.0, 0.5, 1.0]]),))
    x = f64([[1.0, 3.0, 3.0], [2.0, 0.5, 1.0]])  # a tie: finite differences do not apply
    g, = al.autograd.grad((x.max() ** 2), x, create_graph=True)
    h, = al.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.data, [[0, 1, 1], [0, 0, 0]])  # d/dx of 2·max·share, ties split
