"""Losses against the course's and the textbook formulas, written here with numpy; stability at
extreme logits; reductions; argument errors."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import nn
from autograd_lite.nn import functional as F

RNG = np.random.default_rng(0)


def t64(a, requires_grad=True):
    return al.tensor(np.asarray(a, dtype=np.float64), dtype=np.float64,
                     requires_grad=requires_grad)


def test_cross_entropy_is_mean_negative_log_softmax_at_label():
    z = RNG.standard_normal((6, 4))
    y = np.array([0, 3, 1, 1, 2, 0])
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    expected = -np.mean(np.log(p[np.arange(6), y]))
    logits = t64(z)
    loss = F.cross_entropy(logits, y)
    assert loss.shape == ()
    np.testing.assert_allclose(loss.item(), expected, rtol=1e-12)
    loss.backward()
    onehot = np.eye(4)[y]
    np.testing.assert_allclose(logits.grad._data, (p - onehot) / 6, rtol=1e-10, atol=1e-14)


def test_cross_entropy_accepts_int_tensor_targets_and_matches_module():
    z = al.tensor(RNG.standard_normal((3, 5)))
    y = al.tensor([4, 0, 2])
    assert F.cross_entropy(z, y).item() == nn.CrossEntropyLoss()(z, y).item()


def test_cross_entropy_label_smoothing_formula():
    z = RNG.standard_normal((5, 3))
    y = np.array([0, 1, 2, 2, 1])
    eps = 0.3
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    q = (1 - eps) * np.eye(3)[y] + eps / 3
    expected = -(q * logp).sum(1).mean()
    np.testing.assert_allclose(F.cross_entropy(t64(z), y, label_smoothing=eps).item(), expected,
                               rtol=1e-12)


def test_cross_entropy_reductions_and_stability():
    z = np.array([[1e4, 0.0, -1e4], [-5e3, 5e3, 0.0]])
    y = np.array([1, 1])
    none = F.cross_entropy(t64(z), y, reduction="none")._data
    np.testing.assert_allclose(none, [1e4, 0.0])
    assert F.cross_entropy(t64(z), y, reduction="sum").item() == pytest.approx(1e4)
    logits = t64(z)
    F.cross_entropy(logits, y).backward()
    assert np.all(np.isfinite(logits.grad._data))


def test_cross_entropy_errors():
    z = al.randn(3, 4)
    with pytest.raises(IndexError, match="out of range"):
        F.cross_entropy(z, np.array([0, 4, 1]))
    with pytest.raises(ValueError, match=r"target of shape \(2,\).*\(3, 4\)"):
        F.cross_entropy(z, np.array([0, 1]))
    with pytest.raises(TypeError, match="integer class labels"):
        F.cross_entropy(z, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(z, np.array([0, 1, 2]), reduction="avg")


def test_nll_of_log_softmax_equals_cross_entropy():
    z = t64(RNG.standard_normal((4, 3)))
    y = np.array([2, 0, 1, 1])
    a = F.nll_loss(F.log_softmax(z, dim=1), y).item()
    b = F.cross_entropy(z, y).item()
    assert a == pytest.approx(b, rel=1e-12)


def test_binary_cross_entropy_is_the_course_cost():
    """J = −(1/m) Σ y log a + (1 − y) log(1 − a)."""
    a = RNG.uniform(0.01, 0.99, (1, 20))
    y = (RNG.random((1, 20)) > 0.5).astype(float)
    m = a.shape[1]
    expected = -1 / m * np.sum(y * np.log(a) + (1 - y) * np.log(1 - a))
    np.testing.assert_allclose(F.binary_cross_entropy(t64(a), t64(y, False)).item(), expected,
                               rtol=1e-12)


def test_binary_cross_entropy_clamps_log_at_minus_100_and_checks_range():
    p = t64([0.0, 1.0, 0.5])
    y = t64([1.0, 0.0, 1.0], False)
    loss = F.binary_cross_entropy(p, y, reduction="none")._data
    np.testing.assert_allclose(loss, [100.0, 100.0, np.log(2)])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        F.binary_cross_entropy(t64([1.5]), t64([1.0], False))


def test_bce_with_logits_equals_sigmoid_then_bce_and_is_stable():
    x = RNG.standard_normal((3, 4)) * 3
    y = RNG.uniform(0, 1, (3, 4))
    s = 1 / (1 + np.exp(-x))
    expected = -np.mean(y * np.log(s) + (1 - y) * np.log(1 - s))
    np.testing.assert_allclose(F.binary_cross_entropy_with_logits(t64(x), t64(y, False)).item(),
                               expected, rtol=1e-10)
    big = t64([1e4, -1e4, 1e4, -1e4])
    target = t64([1.0, 0.0, 0.0, 1.0], False)
    loss = F.binary_cross_entropy_with_logits(big, target, reduction="none")
    np.testing.assert_allclose(loss._data, [0.0, 0.0, 1e4, 1e4])
    loss.sum().backward()
    np.testing.assert_allclose(big.grad._data, [0.0, 0.0, 1.0, -1.0])
    f32 = al.tensor([1e4, -1e4], requires_grad=True)
    out = F.binary_cross_entropy_with_logits(f32, al.tensor([0.0, 1.0]))
    out.backward()
    assert np.isfinite(out.item()) and np.all(np.isfinite(f32.grad._data))


def test_bce_with_logits_pos_weight():
    x = RNG.standard_normal((4, 2))
    y = (RNG.random((4, 2)) > 0.5).astype(float)
    pw = np.array([2.0, 0.5])
    s = 1 / (1 + np.exp(-x))
    expected = -(pw * y * np.log(s) + (1 - y) * np.log(1 - s))
    got = F.binary_cross_entropy_with_logits(t64(x), t64(y, False), reduction="none",
                                             pos_weight=pw)._data
    np.testing.assert_allclose(got, expected, rtol=1e-10)


@pytest.mark.parametrize("fn, formula", [
    (F.mse_loss, lambda a, b: (a - b) ** 2),
    (F.l1_loss, lambda a, b: np.abs(a - b)),
])
def test_regression_losses(fn, formula):
    a, b = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    np.testing.assert_allclose(fn(t64(a), t64(b), reduction="none")._data, formula(a, b))
    np.testing.assert_allclose(fn(t64(a), t64(b)).item(), formula(a, b).mean())
    np.testing.assert_allclose(fn(t64(a), t64(b), reduction="sum").item(), formula(a, b).sum())
    with pytest.raises(ValueError, match=r"\(3, 4\).*\(4, 3\)"):
        fn(t64(a), t64(b.T))


def test_loss_modules_repr_and_reduction_check():
    assert repr(nn.MSELoss()) == "MSELoss()"
    assert repr(nn.L1Loss(reduction="sum")) == "L1Loss(reduction='sum')"
    with pytest.raises(ValueError, match="reduction"):
        nn.BCELoss(reduction="average")
