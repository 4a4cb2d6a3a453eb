"""RMSprop against the course's update equations, written out by hand in numpy."""
import math

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import optim
from optim_testlib import assert_close_1e12, initial_values, make_params, run_optimizer, \
    run_reference


def test_course_rmsprop(path):
    """SdW = β SdW + (1 − β) dW², W := W − α dW / (√SdW + ε)."""
    beta, alpha, eps = 0.9, 0.01, 1e-8
    values = initial_values(10)
    params, _ = run_optimizer(lambda ps: optim.RMSprop(ps, lr=alpha, alpha=beta, eps=eps), values)

    def update(w, g, state, t):
        s = beta * state.get("s", np.zeros_like(w)) + (1 - beta) * g ** 2
        state["s"] = s
        return w - alpha * g / (np.sqrt(s) + eps)

    assert_close_1e12(params, run_reference(update, values))


def test_eps_sits_outside_the_square_root(path):
    """One step from S = 0: S = (1 − β) g², so the step is α g / (√((1−β)) |g| + ε); with a
    large ε the inside-the-root variant would give a clearly different number."""
    w = al.tensor([0.0], dtype=al.float64, requires_grad=True)
    opt = optim.RMSprop([w], lr=1.0, alpha=0.75, eps=0.5)
    w.grad = al.tensor([2.0], dtype=al.float64)
    opt.step()
    outside = -2.0 / (math.sqrt(0.25 * 4.0) + 0.5)
    inside = -2.0 / math.sqrt(0.25 * 4.0 + 0.5)
    assert w._data[0] == pytest.approx(outside, rel=1e-15)
    assert abs(outside - inside) > 0.1


@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.8])
@pytest.mark.parametrize("weight_decay", [0.0, 0.02])
def test_variants(path, centered, momentum, weight_decay):
    a, lr, eps = 0.95, 0.005, 1e-6
    values = initial_values(11)
    params, _ = run_optimizer(
        lambda ps: optim.RMSprop(ps, lr=lr, alpha=a, eps=eps, weight_decay=weight_decay,
                                 momentum=momentum, centered=centered), values)

    def update(w, g, state, t):
        g = g + weight_decay * w
        s = a * state.get("s", np.zeros_like(w)) + (1 - a) * g * g
        state["s"] = s
        if centered:
            m = a * state.get("m", np.zeros_like(w)) + (1 - a) * g
            state["m"] = m
            den = np.sqrt(s - m * m) + eps
        else:
            den = np.sqrt(s) + eps
        if momentum:
            b = momentum * state.get("b", np.zeros_like(w)) + g / den
            state["b"] = b
            return w - lr * b
        return w - lr * g / den

    assert_close_1e12(params, run_reference(update, values))


def test_param_groups_different_lr(path):
    values = initial_values(12)
    params = make_params(values)
    opt = optim.RMSprop([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.03}],
                        lr=0.001, alpha=0.9)
    run_optimizer(None, values, params=params, opt=opt)

    def make_update(lr):
        def update(w, g, state, t):
            s = 0.9 * state.get("s", np.zeros_like(w)) + 0.1 * g * g
            state["s"] = s
            return w - lr * g / (np.sqrt(s) + 1e-8)
        return update

    assert_close_1e12(params, [run_reference(make_update(0.001), values)[0],
                               run_reference(make_update(0.03), values)[1]])
    assert opt.state[params[0]]["step"] == 20


def test_bad_hyperparameters():
    w = al.tensor([1.0], requires_grad=True)
    for kwargs in [dict(alpha=1.5), dict(alpha=-0.1), dict(eps=-1.0), dict(momentum=-0.5),
                   dict(weight_decay=-1e-4)]:
        with pytest.raises(ValueError):
            optim.RMSprop([w], lr=0.01, **kwargs)
