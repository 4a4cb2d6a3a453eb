"""Adam and AdamW against the course's update equations, written out by hand in numpy."""
import math

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import optim
from optim_testlib import assert_close_1e12, initial_values, make_params, run_optimizer, \
    run_reference


def course_adam(alpha, beta1, beta2, eps, weight_decay=0.0, amsgrad=False, decoupled=False):
    """The course's Adam, literally: V, S, V_corrected, S_corrected, W := W − α V̂/(√Ŝ + ε)."""
    def update(w, g, state, t):
        if decoupled:
            w = w * (1 - alpha * weight_decay)
        else:
            g = g + weight_decay * w
        v = beta1 * state.get("v", np.zeros_like(w)) + (1 - beta1) * g
        s = beta2 * state.get("s", np.zeros_like(w)) + (1 - beta2) * g ** 2
        state["v"], state["s"] = v, s
        if amsgrad:
            s = np.maximum(state.get("smax", np.zeros_like(w)), s)
            state["smax"] = s
        v_corrected = v / (1 - beta1 ** t)
        s_corrected = s / (1 - beta2 ** t)
        return w - alpha * v_corrected / (np.sqrt(s_corrected) + eps)
    return update


def test_course_adam_with_bias_correction(path):
    values = initial_values(20)
    params, opt = run_optimizer(lambda ps: optim.Adam(ps, lr=0.01), values)
    assert_close_1e12(params, run_reference(course_adam(0.01, 0.9, 0.999, 1e-8), values))
    assert opt.state[params[0]]["step"] == 20


def test_first_step_is_lr_times_sign_of_gradient(path):
    """With bias correction, V̂₁ = g and Ŝ₁ = g², so the first step is α·g/(|g| + ε)."""
    w = al.tensor([0.0, 0.0, 0.0], dtype=al.float64, requires_grad=True)
    opt = optim.Adam([w], lr=0.1, eps=1e-8)
    w.grad = al.tensor([3.0, -0.5, 1e-3], dtype=al.float64)
    opt.step()
    expected = -0.1 * np.array([3.0, -0.5, 1e-3]) / (np.array([3.0, 0.5, 1e-3]) + 1e-8)
    np.testing.assert_allclose(w._data, expected, rtol=1e-13)


def test_eps_sits_outside_the_square_root(path):
    w = al.tensor([0.0], dtype=al.float64, requires_grad=True)
    opt = optim.Adam([w], lr=1.0, eps=0.5)
    w.grad = al.tensor([1.0], dtype=al.float64)
    opt.step()
    assert w._data[0] == pytest.approx(-1.0 / (1.0 + 0.5), rel=1e-14)        # outside
    assert abs(w._data[0] - (-1.0 / math.sqrt(1.0 + 0.5))) > 0.1             # not inside


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.9), (0.0, 0.99)])
def test_betas(path, betas):
    values = initial_values(21)
    params, _ = run_optimizer(lambda ps: optim.Adam(ps, lr=0.02, betas=betas, eps=1e-6), values)
    assert_close_1e12(params, run_reference(course_adam(0.02, *betas, 1e-6), values))


def test_amsgrad(path):
    values = initial_values(22)
    params, opt = run_optimizer(lambda ps: optim.Adam(ps, lr=0.05, betas=(0.8, 0.9),
                                                      amsgrad=True), values)
    assert_close_1e12(params, run_reference(course_adam(0.05, 0.8, 0.9, 1e-8, amsgrad=True),
                                            values))
    state = opt.state[params[0]]
    assert np.all(state["max_exp_avg_sq"] >= state["exp_avg_sq"])


@pytest.mark.parametrize("amsgrad", [False, True])
def test_coupled_l2_weight_decay(path, amsgrad):
    values = initial_values(23)
    params, _ = run_optimizer(lambda ps: optim.Adam(ps, lr=0.01, weight_decay=0.1,
                                                    amsgrad=amsgrad), values)
    assert_close_1e12(params, run_reference(
        course_adam(0.01, 0.9, 0.999, 1e-8, weight_decay=0.1, amsgrad=amsgrad), values))


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adamw_decoupled_weight_decay(path, amsgrad):
    values = initial_values(24)
    params, _ = run_optimizer(lambda ps: optim.AdamW(ps, lr=0.01, weight_decay=0.3,
                                                     amsgrad=amsgrad), values)
    assert_close_1e12(params, run_reference(
        course_adam(0.01, 0.9, 0.999, 1e-8, weight_decay=0.3, amsgrad=amsgrad,
                    decoupled=True), values))


def test_adamw_default_weight_decay_and_zero_decay_equals_adam(path):
    assert optim.AdamW(make_params(initial_values()), lr=1e-3).defaults["weight_decay"] == 1e-2
    values = initial_values(25)
    a, _ = run_optimizer(lambda ps: optim.Adam(ps, lr=0.01), values)
    b, _ = run_optimizer(lambda ps: optim.AdamW(ps, lr=0.01, weight_decay=0.0), values)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x._data, y._data)


def test_param_groups_with_different_lr_and_betas(path):
    values = initial_values(26)
    params = make_params(values)
    opt = optim.Adam([{"params": [params[0]], "lr": 0.003},
                      {"params": [params[1]], "betas": (0.5, 0.6)}], lr=0.02)
    run_optimizer(None, values, params=params, opt=opt)
    assert_close_1e12(params, [
        run_reference(course_adam(0.003, 0.9, 0.999, 1e-8), values)[0],
        run_reference(course_adam(0.02, 0.5, 0.6, 1e-8), values)[1]])


def test_bad_hyperparameters():
    w = al.tensor([1.0], requires_grad=True)
    for kwargs in [dict(betas=(1.0, 0.999)), dict(betas=(0.9, -0.1)), dict(betas=(0.9,)),
                   dict(eps=-1e-8), dict(weight_decay=-0.1), dict(lr=-1e-3)]:
        with pytest.raises(ValueError):
            optim.Adam([w], **kwargs)
