"""Initialiser statistics on large matrices against their formulas (PyTorch's fan and gain
conventions, the course's He and "× 10"), reproducibility, and in-place bookkeeping."""
import math

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import nn
from autograd_lite.nn import init

OUT, IN = 400, 500          # 200,000 draws: the sample std is within ~0.5% of the true one
N = OUT * IN


def w(shape=(OUT, IN), dtype=np.float32):
    return nn.Parameter(np.empty(shape, dtype=dtype))


def assert_std(t, std, mean=0.0):
    a = t._data.astype(np.float64)
    # sample mean within 5 standard errors, sample std within 5 standard errors of std
    assert abs(a.mean() - mean) < 5 * std / math.sqrt(a.size)
    assert abs(a.std() - std) < 5 * std / math.sqrt(2 * a.size)


def assert_uniform(t, bound):
    a = t._data.astype(np.float64)
    assert a.min() >= -bound and a.max() <= bound
    assert a.max() > 0.999 * bound and a.min() < -0.999 * bound
    assert_std(t, bound / math.sqrt(3))


@pytest.mark.parametrize("name, param, gain", [
    ("linear", None, 1.0), ("identity", None, 1.0), ("sigmoid", None, 1.0),
    ("tanh", None, 5 / 3), ("relu", None, math.sqrt(2)),
    ("leaky_relu", None, math.sqrt(2 / (1 + 0.01 ** 2))),
    ("leaky_relu", 0.2, math.sqrt(2 / 1.04)), ("selu", None, 0.75),
])
def test_calculate_gain(name, param, gain):
    assert init.calculate_gain(name, param) == pytest.approx(gain, rel=1e-15)


def test_calculate_gain_rejects_unknown():
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        init.calculate_gain("swish")


def test_he_normal_is_the_course_formula():
    """The course: randn(n[l], n[l−1]) · √(2 / n[l−1])."""
    al.manual_seed(0)
    t = init.kaiming_normal_(w(), nonlinearity="relu")
    assert_std(t, math.sqrt(2 / IN))


def test_kaiming_fan_out_and_default_leaky_relu_gain():
    al.manual_seed(1)
    assert_std(init.kaiming_normal_(w(), mode="fan_out", nonlinearity="relu"),
               math.sqrt(2 / OUT))
    al.manual_seed(2)
    assert_std(init.kaiming_normal_(w()), math.sqrt(2 / (1 + 0.01 ** 2)) / math.sqrt(IN))


def test_kaiming_uniform_bound():
    al.manual_seed(3)
    assert_uniform(init.kaiming_uniform_(w(), nonlinearity="relu"), math.sqrt(6 / IN))
    al.manual_seed(4)
    bound = math.sqrt(3) * init.calculate_gain("tanh") / math.sqrt(OUT)
    assert_uniform(init.kaiming_uniform_(w(), mode="fan_out", nonlinearity="tanh"), bound)


def test_xavier():
    al.manual_seed(5)
    assert_std(init.xavier_normal_(w()), math.sqrt(2 / (IN + OUT)))
    al.manual_seed(6)
    assert_uniform(init.xavier_uniform_(w(), gain=init.calculate_gain("tanh")),
                   5 / 3 * math.sqrt(6 / (IN + OUT)))


def test_fans_of_a_4d_weight_include_the_receptive_field():
    al.manual_seed(7)
    t = init.kaiming_normal_(w((64, 32, 3, 3)), nonlinearity="relu")
    assert_std(t, math.sqrt(2 / (32 * 9)))


def test_scaled_normal_is_randn_times_ten():
    al.manual_seed(8)
    assert_std(init.scaled_normal_(w(), 10.0), 10.0)
    al.manual_seed(9)
    expected = al.random.generator().standard_normal((OUT, IN)) * 10
    al.manual_seed(9)
    t = init.scaled_normal_(w(dtype=np.float64))
    np.testing.assert_array_equal(t._data, expected)


def test_normal_uniform_constant_zeros_ones():
    al.manual_seed(10)
    assert_std(init.normal_(w(), mean=3.0, std=0.5), 0.5, mean=3.0)
    al.manual_seed(11)
    t = init.uniform_(w(), -2.0, 4.0)
    assert t._data.min() >= -2 and t._data.max() < 4
    assert abs(t._data.mean() - 1.0) < 5 * 6 / math.sqrt(12 * N)
    assert np.all(init.zeros_(w((3, 4)))._data == 0)
    assert np.all(init.ones_(w((3, 4)))._data == 1)
    assert np.all(init.constant_(w((3, 4)), 0.25)._data == 0.25)


def test_initialisers_repeat_under_manual_seed_and_keep_dtype_and_identity():
    p = w((30, 20), np.float64)
    al.manual_seed(123)
    a = init.xavier_uniform_(p)._data.copy()
    al.manual_seed(123)
    assert init.xavier_uniform_(p) is p
    np.testing.assert_array_equal(p._data, a)
    assert p.dtype == np.float64 and p.requires_grad and p.is_leaf


def test_initialiser_bumps_version_so_stale_graphs_refuse_backward():
    p = w((3, 3))
    init.ones_(p)
    y = (p * p).sum()
    init.zeros_(p)
    with pytest.raises(RuntimeError, match="modified by an in-place"):
        y.backward()


def test_fan_needs_two_dims():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_normal_(w((5,)))
    with pytest.raises(ValueError, match="mode"):
        init.kaiming_normal_(w((5, 5)), mode="fan_avg")


def test_zero_initialisation_fails_to_break_symmetry():
    """The course's point: with all weights equal, every hidden unit gets the same gradient."""
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    for p in model.parameters():
        init.zeros_(p)
    with al.no_grad():
        model[2].weight.fill_(0.5)
    x = al.randn(8, 3)
    y = al.randn(8, 1)
    ((model(x) - y) ** 2).mean().backward()
    g = model[0].weight.grad._data
    np.testing.assert_allclose(g, np.broadcast_to(g[0], g.shape))
