"""Optional cross-checks against PyTorch (CPU): Linear, BatchNorm (train, running statistics,
eval), losses and their gradients. Skipped when torch is not installed."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import nn
from autograd_lite.nn import functional as F

torch = pytest.importorskip("torch", reason="PyTorch is an optional cross-check; not installed")

RNG = np.random.default_rng(0)


def t64(a):
    return al.tensor(np.asarray(a, dtype=np.float64), dtype=np.float64, requires_grad=True)


def th(a):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def test_linear_matches_torch_forward_and_backward():
    x, w, b = RNG.standard_normal((5, 4)), RNG.standard_normal((3, 4)), RNG.standard_normal(3)
    g = RNG.standard_normal((5, 3))
    ours = [t64(x), t64(w), t64(b)]
    theirs = [th(x), th(w), th(b)]
    out = F.linear(*ours)
    ref = torch.nn.functional.linear(*theirs)
    np.testing.assert_allclose(out._data, ref.detach().numpy(), rtol=1e-12)
    out.backward(g)
    ref.backward(torch.tensor(g))
    for a, t in zip(ours, theirs):
        np.testing.assert_allclose(a.grad._data, t.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("shape, momentum", [((8, 3), 0.1), ((4, 3, 5), None), ((3, 3, 2, 4), 0.3)])
def test_batchnorm_matches_torch_over_several_steps(shape, momentum):
    cls, tcls = ((nn.BatchNorm2d, torch.nn.BatchNorm2d) if len(shape) == 4
                 else (nn.BatchNorm1d, torch.nn.BatchNorm1d))
    ours = cls(3, momentum=momentum).double()
    theirs = tcls(3, momentum=momentum).double()
    w, b = RNG.uniform(0.5, 2, 3), RNG.standard_normal(3)
    with al.no_grad():
        ours.weight.copy_(w)
        ours.bias.copy_(b)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(w))
        theirs.bias.copy_(torch.tensor(b))
    for step in range(3):
        x = RNG.standard_normal(shape) * 2 + step
        g = RNG.standard_normal(shape)
        xa, xt = t64(x), th(x)
        out, ref = ours(xa), theirs(xt)
        np.testing.assert_allclose(out._data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
        out.backward(g)
        ref.backward(torch.tensor(g))
        np.testing.assert_allclose(xa.grad._data, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.weight.grad._data, theirs.weight.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours.bias.grad._data, theirs.bias.grad.numpy(), rtol=1e-10)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key]._data, value.numpy(), rtol=1e-12)
    ours.eval(), theirs.eval()
    x = RNG.standard_normal(shape)
    np.testing.assert_allclose(ours(t64(x))._data, theirs(th(x)).detach().numpy(), rtol=1e-10)


@pytest.mark.parametrize("kwargs", [
    {}, {"reduction": "sum"}, {"reduction": "none"}, {"label_smoothing": 0.2},
    {"weight": "w"}, {"weight": "w", "label_smoothing": 0.1, "ignore_index": 1},
    {"ignore_index": 2, "reduction": "sum"},
])
def test_cross_entropy_matches_torch(kwargs):
    z = RNG.standard_normal((7, 4)) * 3
    y = RNG.integers(0, 4, 7)
    w = RNG.uniform(0.5, 2, 4)
    ours_kw = {k: (w if v == "w" else v) for k, v in kwargs.items()}
    theirs_kw = {k: (torch.tensor(w) if v == "w" else v) for k, v in kwargs.items()}
    za, zt = t64(z), th(z)
    out = F.cross_entropy(za, y, **ours_kw)
    ref = torch.nn.functional.cross_entropy(zt, torch.tensor(y), **theirs_kw)
    np.testing.assert_allclose(out._data, ref.detach().numpy(), rtol=1e-12, atol=1e-14)
    g = RNG.standard_normal(out.shape)
    out.backward(g)
    ref.backward(torch.tensor(g))
    np.testing.assert_allclose(za.grad._data, zt.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_cross_entropy_probability_targets_and_spatial_match_torch():
    z = RNG.standard_normal((2, 3, 4))
    y = RNG.integers(0, 3, (2, 4))
    out = F.cross_entropy(t64(z), y, reduction="none", label_smoothing=0.1)
    ref = torch.nn.functional.cross_entropy(th(z), torch.tensor(y), reduction="none",
                                            label_smoothing=0.1)
    np.testing.assert_allclose(out._data, ref.detach().numpy(), rtol=1e-12)
    p = RNG.uniform(0.1, 1, (5, 3))
    p /= p.sum(1, keepdims=True)
    z = RNG.standard_normal((5, 3))
    out = F.cross_entropy(t64(z), t64(p), label_smoothing=0.3)
    ref = torch.nn.functional.cross_entropy(th(z), th(p), label_smoothing=0.3)
    np.testing.assert_allclose(out.item(), ref.item(), rtol=1e-12)


def test_binary_losses_match_torch():
    x = RNG.standard_normal((4, 3)) * 4
    x[0, 0], x[1, 1] = 1e4, -1e4
    y = RNG.uniform(0, 1, (4, 3))
    pw = RNG.uniform(0.5, 3, 3)
    xa, xt = t64(x), th(x)
    out = F.binary_cross_entropy_with_logits(xa, y, pos_weight=pw)
    ref = torch.nn.functional.binary_cross_entropy_with_logits(
        xt, torch.tensor(y), pos_weight=torch.tensor(pw))
    np.testing.assert_allclose(out.item(), ref.item(), rtol=1e-12)
    out.backward()
    ref.backward()
    np.testing.assert_allclose(xa.grad._data, xt.grad.numpy(), rtol=1e-10, atol=1e-15)
    p = RNG.uniform(0.01, 0.99, (4, 3))
    p[0, 0], p[1, 1] = 0.0, 1.0
    out = F.binary_cross_entropy(t64(p), y, reduction="sum")
    ref = torch.nn.functional.binary_cross_entropy(th(p), torch.tensor(y), reduction="sum")
    np.testing.assert_allclose(out.item(), ref.item(), rtol=1e-12)


def test_default_init_gains_match_torch():
    for name, param in [("relu", None), ("tanh", None), ("leaky_relu", 0.3), ("sigmoid", None),
                        ("selu", None)]:
        assert nn.init.calculate_gain(name, param) == pytest.approx(
            torch.nn.init.calculate_gain(name, param), rel=1e-12)
