"""Layers against numpy formulas written independently here, and float64 gradchecks of each
layer as a module (parameters included)."""
import math

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import nn
from autograd_lite.nn import functional as F


def t64(a, requires_grad=True):
    return al.tensor(np.asarray(a, dtype=np.float64), dtype=np.float64,
                     requires_grad=requires_grad)


# ---- Linear -------------------------------------------------------------------------------
def test_linear_forward_is_x_wT_plus_b():
    al.manual_seed(0)
    layer = nn.Linear(3, 5)
    assert layer.weight.shape == (5, 3) and layer.bias.shape == (5,)
    assert layer.weight.dtype == np.float32
    x = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    expected = x @ layer.weight._data.T + layer.bias._data
    np.testing.assert_allclose(layer(al.tensor(x))._data, expected, rtol=1e-6, atol=1e-6)


def test_linear_default_init_bounds():
    al.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = layer.weight._data, layer.bias._data
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # kaiming_uniform_(a=√5) is U(−1/√in, 1/√in): variance bound²/3
    assert abs(w.var() - bound ** 2 / 3) < 0.03 * bound ** 2 / 3


def test_linear_without_bias_and_gradcheck():
    al.manual_seed(0)
    layer = nn.Linear(3, 2, bias=False).double()
    assert layer.bias is None and [n for n, _ in layer.named_parameters()] == ["weight"]
    x = t64(np.random.default_rng(0).standard_normal((4, 3)))
    assert al.gradcheck(lambda x, w: F.linear(x, w), [x, layer.weight])


def test_linear_module_gradcheck_with_parameters():
    al.manual_seed(0)
    layer = nn.Linear(4, 3).double()
    x = t64(np.random.default_rng(0).standard_normal((2, 5, 4)))
    assert al.gradcheck(lambda x, w, b: F.linear(x, w, b), [x, layer.weight, layer.bias])


def test_linear_shape_error_names_both_shapes():
    layer = nn.Linear(3, 2)
    with pytest.raises(ValueError, match=r"\(4, 5\).*\(2, 3\)"):
        layer(al.zeros(4, 5))


# ---- activations --------------------------------------------------------------------------
X = np.array([[-2.0, -0.5, 0.3], [1.5, -1.0, 2.5]])


@pytest.mark.parametrize("module, formula", [
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (nn.LeakyReLU(), lambda x: np.where(x > 0, x, 0.01 * x)),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.Tanh(), np.tanh),
    (nn.Softmax(dim=1), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True)),
    (nn.Softmax(dim=0), lambda x: np.exp(x) / np.exp(x).sum(0, keepdims=True)),
    (nn.LogSoftmax(dim=1), lambda x: x - np.log(np.exp(x).sum(1, keepdims=True))),
    (nn.Identity(54, unused="ok"), lambda x: x),
    (nn.Flatten(), lambda x: x.reshape(2, -1)),
])
def test_activation_formula_and_gradcheck(module, formula):
    x = t64(X)
    np.testing.assert_allclose(module(x)._data, formula(X), rtol=1e-12, atol=1e-12)
    assert al.gradcheck(module, [x])


def test_softmax_without_dim_uses_pytorch_legacy_rule():
    x = np.random.default_rng(0).standard_normal((2, 3))
    out = nn.Softmax()(t64(x))._data
    np.testing.assert_allclose(out.sum(axis=1), 1.0)


def test_flatten_keeps_batch_dim():
    x = al.zeros(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 1)(x).shape == (6, 4, 5)


# ---- Dropout ------------------------------------------------------------------------------
def test_dropout_is_inverted_dropout_of_the_course():
    al.manual_seed(0)
    x = al.ones(200, 300)
    p = 0.2
    out = F.dropout(x, p, training=True)._data
    keep = 1 - p
    # A = A * D / keep_prob: survivors are exactly 1/keep_prob, the rest exactly 0
    assert set(np.unique(out)) <= {0.0, np.float32(1 / keep)}
    kept = (out != 0).mean()
    assert abs(kept - keep) < 4 * math.sqrt(keep * p / out.size)
    assert abs(out.mean() - 1.0) < 0.01


def test_dropout_backward_uses_the_same_mask_scaled():
    al.manual_seed(3)
    x = al.randn(50, 40, requires_grad=True)
    out = F.dropout(x, 0.5)
    out.sum().backward()
    mask = out._data / x._data
    np.testing.assert_allclose(x.grad._data, mask, rtol=1e-6)
    assert set(np.unique(np.round(x.grad._data, 5))) == {0.0, 2.0}


def test_dropout_fresh_mask_each_call_and_reproducible_under_manual_seed():
    layer = nn.Dropout(0.5)
    x = al.ones(30, 30)
    al.manual_seed(7)
    a, b = layer(x)._data, layer(x)._data
    assert not np.array_equal(a, b)
    al.manual_seed(7)
    np.testing.assert_array_equal(layer(x)._data, a)
    np.testing.assert_array_equal(layer(x)._data, b)


def test_dropout_identity_in_eval_and_for_training_false():
    layer = nn.Dropout(0.7)
    x = al.randn(5, 5)
    layer.eval()
    assert layer(x) is x
    assert F.dropout(x, 0.7, training=False) is x
    assert F.dropout(x, 0.0, training=True) is x


def test_dropout_p_one_zeroes_and_bad_p_raises():
    al.manual_seed(0)
    x = al.randn(4, 4, requires_grad=True)
    out = F.dropout(x, 1.0)
    assert np.all(out._data == 0) and np.all(np.isfinite(out._data))
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match="between 0 and 1"):
            nn.Dropout(p)
        with pytest.raises(ValueError, match="between 0 and 1"):
            F.dropout(x, p)


def test_dropout_gradcheck_with_fixed_seed():
    x = t64(np.random.default_rng(0).standard_normal((6, 7)))
    layer = nn.Dropout(0.4)

    def fn(x):
        al.manual_seed(11)
        return layer(x)

    assert al.gradcheck(fn, [x])


# ---- BatchNorm ----------------------------------------------------------------------------
def _bn_formula(x, gamma, beta, eps):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mu = x.mean(axis=axes, keepdims=True)
    sigma2 = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
    z_norm = (x - mu) / np.sqrt(sigma2 + eps)
    return gamma.reshape(shape) * z_norm + beta.reshape(shape)


@pytest.mark.parametrize("cls, shape", [(nn.BatchNorm1d, (8, 3)), (nn.BatchNorm1d, (4, 3, 5)),
                                        (nn.BatchNorm2d, (3, 3, 4, 2))])
def test_batchnorm_training_output_is_the_course_formula(cls, shape):
    bn = cls(3).double()
    rng = np.random.default_rng(0)
    with al.no_grad():
        bn.weight.copy_(rng.uniform(0.5, 2, 3))
        bn.bias.copy_(rng.standard_normal(3))
    x = rng.standard_normal(shape) * 3 + 2
    out = bn(t64(x, requires_grad=False))._data
    np.testing.assert_allclose(out, _bn_formula(x, bn.weight._data, bn.bias._data, 1e-5),
                               rtol=1e-10, atol=1e-10)
    axes = (0,) + tuple(range(2, len(shape)))
    # with γ = 1, β = 0 the course's Z_norm has mean 0 and std 1 per channel
    normed = (out - bn.bias._data.reshape((1, -1) + (1,) * (len(shape) - 2))) / \
        bn.weight._data.reshape((1, -1) + (1,) * (len(shape) - 2))
    np.testing.assert_allclose(normed.mean(axis=axes), 0, atol=1e-10)


def test_batchnorm_running_stats_are_the_exponentially_weighted_average():
    """v_t = β v_{t−1} + (1 − β) θ_t with β = 1 − momentum, θ_t the batch mean and the
    *unbiased* batch variance, starting from mean 0 and var 1; computed by hand here."""
    momentum = 0.1
    beta = 1 - momentum
    bn = nn.BatchNorm1d(4, momentum=momentum).double()
    rng = np.random.default_rng(0)
    v_mean, v_var = np.zeros(4), np.ones(4)
    for t in range(1, 6):
        z = rng.standard_normal((10, 4)) * (t + 1) + t
        bn(t64(z, requires_grad=False))
        mu = z.sum(axis=0) / 10
        sigma2_unbiased = ((z - mu) ** 2).sum(axis=0) / (10 - 1)
        v_mean = beta * v_mean + (1 - beta) * mu
        v_var = beta * v_var + (1 - beta) * sigma2_unbiased
        np.testing.assert_allclose(bn.running_mean._data, v_mean, rtol=1e-12)
        np.testing.assert_allclose(bn.running_var._data, v_var, rtol=1e-12)
        assert bn.num_batches_tracked.item() == t
    # test time: normalise with the averaged statistics
    bn.eval()
    x = rng.standard_normal((3, 4))
    expected = (x - v_mean) / np.sqrt(v_var + 1e-5)
    np.testing.assert_allclose(bn(t64(x, requires_grad=False))._data, expected, rtol=1e-10)
    assert bn.num_batches_tracked.item() == 5  # eval does not count batches


def test_batchnorm2d_running_stats_over_n_h_w():
    bn = nn.BatchNorm2d(2, momentum=0.3).double()
    x = np.random.default_rng(1).standard_normal((3, 2, 4, 5)) + 1.5
    bn(t64(x, requires_grad=False))
    mu = x.transpose(1, 0, 2, 3).reshape(2, -1).mean(1)
    var = x.transpose(1, 0, 2, 3).reshape(2, -1).var(1, ddof=1)
    np.testing.assert_allclose(bn.running_mean._data, 0.3 * mu, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var._data, 0.7 + 0.3 * var, rtol=1e-12)


def test_batchnorm_momentum_none_is_a_cumulative_average():
    bn = nn.BatchNorm1d(3, momentum=None).double()
    rng = np.random.default_rng(2)
    batches = [rng.standard_normal((6, 3)) * (i + 1) + i for i in range(4)]
    for z in batches:
        bn(t64(z, requires_grad=False))
    np.testing.assert_allclose(bn.running_mean._data, np.mean([z.mean(0) for z in batches], 0),
                               rtol=1e-12)
    np.testing.assert_allclose(bn.running_var._data,
                               np.mean([z.var(0, ddof=1) for z in batches], 0), rtol=1e-12)


def test_batchnorm_without_affine_or_running_stats():
    bn = nn.BatchNorm1d(3, affine=False, track_running_stats=False)
    assert bn.weight is None and bn.running_mean is None
    assert list(bn.state_dict()) == []
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    expected = _bn_formula(x.astype(np.float64), np.ones(3), np.zeros(3), 1e-5)
    bn.eval()  # without running statistics, eval still uses the batch's own
    np.testing.assert_allclose(bn(al.tensor(x))._data, expected, rtol=1e-5, atol=1e-5)


def test_batchnorm_batch_of_one_in_training_raises_clearly():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        bn(al.randn(1, 3))
    assert bn.num_batches_tracked.item() == 0
    bn.eval()
    assert bn(al.randn(1, 3)).shape == (1, 3)  # fine with running statistics
    bn.train()
    assert bn(al.randn(1, 3, 2)).shape == (1, 3, 2)  # two values per channel: allowed


def test_batchnorm_wrong_channels_or_dims():
    with pytest.raises(ValueError, match="channels"):
        nn.BatchNorm1d(3)(al.randn(4, 5))
    with pytest.raises(ValueError, match="4D"):
        nn.BatchNorm2d(3)(al.randn(4, 3))
    with pytest.raises(ValueError, match="2D or 3D"):
        nn.BatchNorm1d(3)(al.randn(4, 3, 2, 2))


@pytest.mark.parametrize("shape", [(6, 3), (3, 3, 4)])
def test_batchnorm1d_module_gradcheck_train(shape):
    bn = nn.BatchNorm1d(3).double()
    rng = np.random.default_rng(0)
    with al.no_grad():
        bn.weight.copy_(rng.uniform(0.5, 2, 3))
        bn.bias.copy_(rng.standard_normal(3))
    x = t64(rng.standard_normal(shape))
    assert al.gradcheck(lambda x, w, b: bn(x), [x, bn.weight, bn.bias])


def test_batchnorm2d_module_gradcheck_train_and_eval():
    bn = nn.BatchNorm2d(2).double()
    rng = np.random.default_rng(1)
    x = t64(rng.standard_normal((2, 2, 3, 3)))
    assert al.gradcheck(lambda x, w, b: bn(x), [x, bn.weight, bn.bias])
    bn.eval()
    with al.no_grad():
        bn.running_mean.copy_(rng.standard_normal(2))
        bn.running_var.copy_(rng.uniform(0.5, 2, 2))
    assert al.gradcheck(lambda x, w, b: bn(x), [x, bn.weight, bn.bias])


def test_batchnorm_gradient_of_normalisation_sums_to_zero():
    """With γ = 1, Σ_i ∂L/∂x_i = 0 per channel (the batch mean is subtracted), for any L."""
    bn = nn.BatchNorm1d(3).double()
    x = t64(np.random.default_rng(0).standard_normal((7, 3)))
    w = np.random.default_rng(1).standard_normal((7, 3))
    (bn(x) * al.tensor(w, dtype=np.float64)).sum().backward()
    np.testing.assert_allclose(x.grad._data.sum(0), 0, atol=1e-12)


def test_batchnorm_eval_in_float32_keeps_dtype():
    bn = nn.BatchNorm1d(3)
    bn.eval()
    out = bn(al.randn(4, 3))
    assert out.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batchnorm_fused_2d_path_agrees_with_general_path(dtype):
    """(N, C) runs the fused kernel; (N, C, 1) the general numpy path: same numbers."""
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((9, 4)) * 3 + 1).astype(dtype)
    g = rng.standard_normal((9, 4)).astype(dtype)
    a, b = nn.BatchNorm1d(4).to(dtype), nn.BatchNorm1d(4).to(dtype)
    with al.no_grad():
        for bn in (a, b):
            bn.weight.copy_(np.linspace(0.5, 2, 4))
            bn.bias.copy_(np.linspace(-1, 1, 4))
    xa = al.tensor(x, dtype=dtype, requires_grad=True)
    xb = al.tensor(x[:, :, None], dtype=dtype, requires_grad=True)
    out_a, out_b = a(xa), b(xb)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out_a._data, out_b._data[:, :, 0], rtol=tol, atol=tol)
    out_a.backward(al.tensor(g, dtype=dtype))
    out_b.backward(al.tensor(g[:, :, None], dtype=dtype))
    np.testing.assert_allclose(xa.grad._data, xb.grad._data[:, :, 0], rtol=tol, atol=tol)
    for pa, pb in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(pa.grad._data, pb.grad._data, rtol=tol, atol=tol)
    np.testing.assert_allclose(a.running_mean._data, b.running_mean._data, rtol=tol, atol=tol)
    np.testing.assert_allclose(a.running_var._data, b.running_var._data, rtol=tol, atol=tol)


def test_dropout_float16_uses_the_numpy_path():
    al.manual_seed(0)
    x = al.from_numpy(np.ones((20, 20), dtype=np.float16))
    out = F.dropout(x, 0.5)._data
    assert out.dtype == np.float16 and set(np.unique(out)) == {0.0, 2.0}
