"""nn.utils: the course's L2 term and its gradient, gradient clipping, parameter vectors."""
import math

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import nn
from autograd_lite.nn import utils


def model():
    al.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 2)).double()


def test_l2_penalty_is_the_course_term_over_weight_matrices_only():
    net = model()
    lambd, m = 0.7, 32
    # the course: L2 = Σ_l 1/m · λ/2 · np.sum(np.square(W[l]))
    expected = 0.0
    for W in (net[0].weight._data, net[3].weight._data):
        expected += 1 / m * lambd / 2 * np.sum(np.square(W))
    penalty = utils.l2_penalty(net, lambd, m)
    assert penalty.shape == ()
    np.testing.assert_allclose(penalty.item(), expected, rtol=1e-12)


def test_l2_penalty_gradient_is_lambda_over_m_times_w_and_skips_biases_and_bn():
    net = model()
    lambd, m = 0.7, 32
    utils.l2_penalty(net, lambd, m).backward()
    for W in (net[0].weight, net[3].weight):
        np.testing.assert_allclose(W.grad._data, lambd / m * W._data, rtol=1e-12)
    for p in (net[0].bias, net[1].weight, net[1].bias, net[3].bias):
        assert p.grad is None
    assert [id(p) for p in utils.weight_matrices(net)] == [id(net[0].weight), id(net[3].weight)]


def test_l2_penalty_errors_and_empty_module():
    with pytest.raises(ValueError, match="m"):
        utils.l2_penalty(model(), 0.1, 0)
    assert utils.l2_penalty(nn.ReLU(), 0.1, 10).item() == 0.0


def _grads(values):
    params = []
    for v in values:
        p = nn.Parameter(np.zeros_like(np.asarray(v, dtype=np.float64)))
        p.grad = al.tensor(np.asarray(v, dtype=np.float64), dtype=np.float64)
        params.append(p)
    return params


def test_clip_grad_norm_scales_jointly():
    params = _grads([[3.0, 0.0], [[4.0]]])
    total = utils.clip_grad_norm_(params, 1.0)
    assert total.item() == pytest.approx(5.0)
    coef = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(params[0].grad._data, [3 * coef, 0.0])
    np.testing.assert_allclose(params[1].grad._data, [[4 * coef]])
    new_norm = math.sqrt(sum(np.sum(p.grad._data ** 2) for p in params))
    assert new_norm <= 1.0


def test_clip_grad_norm_leaves_small_gradients_and_supports_inf_norm():
    params = _grads([[0.3, -0.4]])
    assert utils.clip_grad_norm_(params, 1.0).item() == pytest.approx(0.5)
    np.testing.assert_array_equal(params[0].grad._data, [0.3, -0.4])
    params = _grads([[1.0, -6.0], [2.0]])
    assert utils.clip_grad_norm_(params, 3.0, norm_type="inf").item() == 6.0
    np.testing.assert_allclose(params[0].grad._data, [0.5, -3.0], rtol=1e-6)


def test_clip_grad_norm_nonfinite():
    params = _grads([[np.inf, 1.0]])
    with pytest.raises(RuntimeError, match="non-finite"):
        utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)


def test_clip_grad_value():
    params = _grads([[3.0, -0.2, -5.0]])
    utils.clip_grad_value_(params, 1.0)
    np.testing.assert_array_equal(params[0].grad._data, [1.0, -0.2, -1.0])


def test_parameters_to_vector_and_back():
    net = model()
    vec = utils.parameters_to_vector(net.parameters())
    n = net.num_parameters()
    assert vec.shape == (n,)
    expected = np.concatenate([p._data.reshape(-1) for p in net.parameters()])
    np.testing.assert_array_equal(vec._data, expected)
    new = al.tensor(np.arange(n, dtype=np.float64), dtype=np.float64)
    utils.vector_to_parameters(new, net.parameters())
    np.testing.assert_array_equal(utils.parameters_to_vector(net.parameters())._data,
                                  np.arange(n))
    assert net[0].weight._data[0, 1] == 1.0
    with pytest.raises(ValueError, match="elements"):
        utils.vector_to_parameters(al.zeros(n + 1, dtype=np.float64), net.parameters())


def test_parameters_to_vector_is_differentiable():
    net = model()
    vec = utils.parameters_to_vector(net.parameters())
    (vec * vec).sum().backward()
    np.testing.assert_allclose(net[0].weight.grad._data, 2 * net[0].weight._data)
