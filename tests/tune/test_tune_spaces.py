"""Search spaces: distributions on the course's scales, validation, shrinking, dict form."""
import math

import numpy as np
import pytest

from autograd_lite.tune import (Choice, IntUniform, LogUniform, OneMinusLogUniform, Uniform,
                                space_from_dict)
from autograd_lite.tune.spaces import sample_config, shrink_space, space_to_dict

N = 4000


def draw(space, n=N, seed=0):
    rng = np.random.default_rng(seed)
    return np.array([space.sample(rng) for _ in range(n)])


def test_log_uniform_puts_a_quarter_in_each_decade():
    x = draw(LogUniform(1e-4, 1))
    assert x.min() >= 1e-4 and x.max() <= 1
    counts, _ = np.histogram(np.log10(x), bins=[-4, -3, -2, -1, 0])
    frac = counts / N
    # binomial sd is 0.007: 0.03 is > 4 sd, and a linear uniform would put 90% in [0.1, 1]
    np.testing.assert_allclose(frac, 0.25, atol=0.03)


def test_uniform_is_linear_not_log():
    x = draw(Uniform(1e-4, 1))
    assert np.mean(x > 0.1) == pytest.approx(0.9, abs=0.03)
    assert np.mean(x) == pytest.approx(0.5, abs=0.02)


def test_one_minus_log_uniform_spreads_over_one_minus_beta_decades():
    b = draw(OneMinusLogUniform(0.9, 0.999))
    assert b.min() >= 0.9 and b.max() <= 0.999
    one_minus = 1 - b
    # beta in [0.9, 0.99] and [0.99, 0.999] each get half: the course's point
    assert np.mean(one_minus >= 0.01) == pytest.approx(0.5, abs=0.03)
    counts, _ = np.histogram(np.log10(one_minus), bins=np.linspace(-3, -1, 5))
    np.testing.assert_allclose(counts / N, 0.25, atol=0.03)


def test_int_uniform_bounds_inclusive_and_even():
    x = draw(IntUniform(1, 3), n=3000)
    assert set(x.tolist()) == {1, 2, 3}
    assert all(isinstance(v, int) for v in (IntUniform(1, 3).sample(np.random.default_rng(0)),))
    np.testing.assert_allclose(np.bincount(x)[1:] / 3000, 1 / 3, atol=0.035)
    assert set(draw(IntUniform(5, 5), n=10).tolist()) == {5}


def test_choice_even_and_python_types():
    c = Choice(["relu", "tanh", np.int64(3)])
    x = [c.sample(np.random.default_rng(i)) for i in range(600)]
    assert {type(v) for v in x} == {str, int}
    for opt in ("relu", "tanh", 3):
        assert x.count(opt) / 600 == pytest.approx(1 / 3, abs=0.07)


@pytest.mark.parametrize("make, match", [
    (lambda: Uniform(1, 1), "lo < hi"),
    (lambda: Uniform(2, 1), "lo < hi"),
    (lambda: LogUniform(0, 1), "lo must be > 0"),
    (lambda: LogUniform(-1, 1), "lo must be > 0"),
    (lambda: OneMinusLogUniform(0.9, 1.0), r"inside \(0, 1\)"),
    (lambda: OneMinusLogUniform(0.0, 0.9), r"inside \(0, 1\)"),
    (lambda: OneMinusLogUniform(0.99, 0.9), "lo < hi"),
    (lambda: IntUniform(3, 2), "lo <= hi"),
    (lambda: Uniform(0, math.inf), "finite"),
    (lambda: Choice([]), "at least one"),
])
def test_bad_arguments_raise_clear_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("make", [lambda: IntUniform(1.5, 3), lambda: Uniform("a", 1),
                                  lambda: Choice("abc"), lambda: LogUniform(True, 3)])
def test_bad_types_raise_type_error(make):
    with pytest.raises(TypeError):
        make()


def test_log_uniform_shrinks_on_log_scale():
    s = LogUniform(1e-5, 1)  # 5 decades
    new = s.shrink([10 ** -2.6, 10 ** -2.4], margin=0.1)  # span 0.2 decade + 0.5 each side
    assert isinstance(new, LogUniform)
    assert math.log10(new.lo) == pytest.approx(-3.1)
    assert math.log10(new.hi) == pytest.approx(-1.9)


def test_one_minus_log_uniform_shrinks_on_its_scale():
    s = OneMinusLogUniform(0.9, 0.999)  # log10(1-beta) in [-3, -1]
    new = s.shrink([0.99], margin=0.1)
    assert math.log10(1 - new.hi) == pytest.approx(-2.2)
    assert math.log10(1 - new.lo) == pytest.approx(-1.8)


def test_shrink_clips_to_current_range_and_keeps_choices():
    s = Uniform(0, 10)
    new = s.shrink([0.0, 0.5], margin=0.1)
    assert (new.lo, new.hi) == (0.0, pytest.approx(1.5))
    i = IntUniform(1, 100).shrink([50], margin=0.05)
    assert (i.lo, i.hi) == (45, 55)
    c = Choice(["a", "b"])
    assert c.shrink(["a"]) is c
    space = shrink_space({"x": Uniform(0, 10), "k": 7}, [{"x": 5.0, "k": 7}], margin=0.1)
    assert space["k"] == 7 and space["x"].lo == pytest.approx(4.0)


def test_dict_form_round_trips_and_rejects_bad_entries():
    space = {"lr": LogUniform(1e-4, 1e-1), "beta": OneMinusLogUniform(0.9, 0.999),
             "hidden": IntUniform(16, 128), "act": Choice(["relu", "tanh"]), "epochs": 10,
             "opts": {"a": 1}}
    d = space_to_dict(space)
    back = {k: space_from_dict(v) for k, v in d.items()}
    assert back == space
    with pytest.raises(ValueError, match="unknown search-space type"):
        space_from_dict({"type": "loguniform", "low": 1, "high": 2})
    with pytest.raises(ValueError, match="needs"):
        space_from_dict({"type": "uniform", "low": 1})
    with pytest.raises(ValueError, match="no 'type'"):
        space_from_dict({"low": 1, "high": 2})


def test_sample_config_is_plain_python_and_keeps_constants():
    cfg = sample_config({"lr": LogUniform(1e-3, 1), "n": IntUniform(1, 4), "k": np.float32(2)},
                        np.random.default_rng(0))
    assert type(cfg["lr"]) is float and type(cfg["n"]) is int and type(cfg["k"]) is float
