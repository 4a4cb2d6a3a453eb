"""SGD against the course's (and PyTorch's) update equations, written out by hand in numpy."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import optim
from optim_testlib import (assert_close_1e12, initial_values, make_params, run_optimizer,
                           run_reference)


def test_plain_gradient_descent(path):
    values = initial_values()
    params, _ = run_optimizer(lambda ps: optim.SGD(ps, lr=0.1), values)

    def update(w, g, state, t):
        return w - 0.1 * g                              # W := W - α dW

    assert_close_1e12(params, run_reference(update, values))


def test_course_momentum_is_dampening_equal_to_momentum(path):
    """VdW = β VdW + (1 − β) dW, W := W − α VdW, VdW starting at 0 (the course's form)."""
    beta, alpha = 0.9, 0.05
    values = initial_values(1)
    params, _ = run_optimizer(
        lambda ps: optim.SGD(ps, lr=alpha, momentum=beta, dampening=beta), values)

    def update(w, g, state, t):
        v = state.get("v", np.zeros_like(w))
        v = beta * v + (1 - beta) * g
        state["v"] = v
        return w - alpha * v

    assert_close_1e12(params, run_reference(update, values))


def test_course_momentum_first_step_is_one_minus_beta_times_gradient(path):
    w = al.tensor([1.0, -2.0], dtype=al.float64, requires_grad=True)
    opt = optim.SGD([w], lr=1.0, momentum=0.9, dampening=0.9)
    w.grad = al.tensor([10.0, 20.0], dtype=al.float64)
    opt.step()
    np.testing.assert_allclose(opt.state[w]["momentum_buffer"], [1.0, 2.0], rtol=1e-15)
    np.testing.assert_allclose(w._data, [0.0, -4.0], atol=1e-15)


def test_pytorch_momentum(path):
    """dampening=0: v = β v + dW, W := W − α v."""
    beta, alpha = 0.8, 0.03
    values = initial_values(2)
    params, _ = run_optimizer(lambda ps: optim.SGD(ps, lr=alpha, momentum=beta), values)

    def update(w, g, state, t):
        v = beta * state.get("v", np.zeros_like(w)) + g
        state["v"] = v
        return w - alpha * v

    assert_close_1e12(params, run_reference(update, values))


def test_nesterov(path):
    beta, alpha = 0.9, 0.02
    values = initial_values(3)
    params, _ = run_optimizer(
        lambda ps: optim.SGD(ps, lr=alpha, momentum=beta, nesterov=True), values)

    def update(w, g, state, t):
        v = beta * state.get("v", np.zeros_like(w)) + g
        state["v"] = v
        return w - alpha * (g + beta * v)

    assert_close_1e12(params, run_reference(update, values))


@pytest.mark.parametrize("momentum,dampening,nesterov", [(0.0, 0.0, False), (0.9, 0.9, False),
                                                         (0.9, 0.0, True), (0.7, 0.2, False)])
def test_weight_decay_is_coupled_l2(path, momentum, dampening, nesterov):
    """weight_decay = λ/m adds λ/m · W to dW, the gradient of the course's (λ/2m)‖W‖²."""
    lam_over_m, alpha = 0.01, 0.05
    values = initial_values(4)
    params, _ = run_optimizer(
        lambda ps: optim.SGD(ps, lr=alpha, momentum=momentum, dampening=dampening,
                             nesterov=nesterov, weight_decay=lam_over_m), values)

    def update(w, g, state, t):
        g = g + lam_over_m * w
        if momentum == 0:
            return w - alpha * g
        v = momentum * state.get("v", np.zeros_like(w)) + (1 - dampening) * g
        state["v"] = v
        return w - alpha * (g + momentum * v if nesterov else v)

    assert_close_1e12(params, run_reference(update, values))


def test_param_groups_with_different_hyperparameters(path):
    values = initial_values(5)
    params = make_params(values)
    groups = [{"params": [params[0]]},
              {"params": [params[1]], "lr": 0.2, "momentum": 0.5, "dampening": 0.5}]
    run_optimizer(None, values, params=params,
                  opt=optim.SGD(groups, lr=0.05, momentum=0.9, dampening=0.9))

    def make_update(lr, beta):
        def update(w, g, state, t):
            v = beta * state.get("v", np.zeros_like(w)) + (1 - beta) * g
            state["v"] = v
            return w - lr * v
        return update

    # parameter 0 sees grad index 0, parameter 1 grad index 1: run each reference on its own
    expected0 = run_reference(make_update(0.05, 0.9), values)[0]
    expected1 = run_reference(make_update(0.2, 0.5), values)[1]
    assert_close_1e12(params, [expected0, expected1])


def test_positional_order_is_pytorchs():
    w = al.tensor([1.0], requires_grad=True)
    opt = optim.SGD([w], 0.1, 0.9, 0.0, 1e-4)
    assert opt.param_groups[0]["weight_decay"] == 1e-4 and opt.param_groups[0]["nesterov"] is False
    with pytest.raises(TypeError, match="nesterov must be True or False"):
        optim.SGD([w], lr=0.1, momentum=0.9, nesterov=1e-4)


def test_nesterov_needs_momentum_and_zero_dampening():
    w = al.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([w], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([w], lr=0.1, momentum=0.9, dampening=0.9, nesterov=True)


def test_sgd_trains_a_model_through_backward():
    """End to end: gradients from backward, the update through the optimizer."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3))
    y = X @ np.array([1.5, -2.0, 0.5]) + 0.3
    w = al.zeros(3, dtype=al.float64, requires_grad=True)
    b = al.zeros(1, dtype=al.float64, requires_grad=True)
    Xt, yt = al.tensor(X, dtype=al.float64), al.tensor(y, dtype=al.float64)
    opt = optim.SGD([w, b], lr=0.1, momentum=0.9, dampening=0.9)
    for _ in range(300):
        opt.zero_grad()
        loss = ((Xt @ w + b - yt) ** 2).mean()
        loss.backward()
        opt.step()
    np.testing.assert_allclose(w._data, [1.5, -2.0, 0.5], atol=1e-4)
    np.testing.assert_allclose(b._data, [0.3], atol=1e-4)
