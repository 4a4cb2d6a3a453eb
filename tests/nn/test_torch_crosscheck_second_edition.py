"""Cross-checks of the second-edition layers and functions (issue 12) against PyTorch (CPU,
float64): values and the gradients of every float input, for the functions and their modules
(same parameters copied over). Skipped when torch is not installed."""
import math

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import nn
from autograd_lite.nn import functional as F
from torch_compare import compare

torch = pytest.importorskip("torch", reason="PyTorch is an optional cross-check; not installed")
TF = torch.nn.functional

RNG = np.random.default_rng(12)


def _compare(ours_fn, theirs_fn, arrays, rtol=1e-10, atol=1e-12):
    compare(ours_fn, theirs_fn, arrays, RNG, rtol, atol)


def _x(*shape, scale=1.0):
    return RNG.standard_normal(shape) * scale


CASES = {
    "layer_norm (3,)": (lambda x, w, b: F.layer_norm(x, (4,), w, b),
                        lambda x, w, b: TF.layer_norm(x, (4,), w, b),
                        lambda: [_x(3, 4, scale=2), _x(4), _x(4)]),
    "layer_norm (2,3,4) over (3,4)": (lambda x, w, b: F.layer_norm(x, (3, 4), w, b, 1e-3),
                                      lambda x, w, b: TF.layer_norm(x, (3, 4), w, b, 1e-3),
                                      lambda: [_x(2, 3, 4), _x(3, 4), _x(3, 4)]),
    "group_norm": (lambda x, w, b: F.group_norm(x, 2, w, b),
                   lambda x, w, b: TF.group_norm(x, 2, w, b),
                   lambda: [_x(3, 4, 2, 3), _x(4), _x(4)]),
    "embedding padding_idx": (lambda i, w: F.embedding(i, w, padding_idx=2),
                              lambda i, w: TF.embedding(i, w, padding_idx=2),
                              lambda: [np.array([[0, 2, 3], [2, 2, 1]]), _x(4, 3)]),
    "normalize p=2": (lambda x: F.normalize(x), lambda x: TF.normalize(x), lambda: [_x(3, 4)]),
    "normalize p=3 dim=0": (lambda x: F.normalize(x, 3.0, 0), lambda x: TF.normalize(x, 3.0, 0),
                            lambda: [_x(3, 4)]),
    "normalize below eps": (lambda x: F.normalize(x, eps=1e-3),
                            lambda x: TF.normalize(x, eps=1e-3),
                            lambda: [np.array([[1e-5, -2e-5], [0.3, 0.4]])]),
    "cosine_similarity": (lambda a, b: F.cosine_similarity(a, b),
                          lambda a, b: TF.cosine_similarity(a, b),
                          lambda: [_x(4, 5), _x(4, 5)]),
    "cosine_similarity broadcast": (lambda a, b: F.cosine_similarity(a, b, dim=-1),
                                    lambda a, b: TF.cosine_similarity(a, b, dim=-1),
                                    lambda: [_x(3, 1, 4), _x(2, 4)]),
    "cosine_similarity eps clamp": (lambda a, b: F.cosine_similarity(a, b, 1, 1e-2),
                                    lambda a, b: TF.cosine_similarity(a, b, 1, 1e-2),
                                    lambda: [np.array([[1e-3, 2e-3], [0.5, -1.0]]),
                                             _x(2, 2)]),
    "gelu": (F.gelu, TF.gelu, lambda: [_x(20, scale=3)]),
    "gelu tanh": (lambda x: F.gelu(x, "tanh"), lambda x: TF.gelu(x, approximate="tanh"),
                  lambda: [_x(20, scale=3)]),
    "silu": (F.silu, TF.silu, lambda: [_x(20, scale=3)]),
    "elu": (lambda x: F.elu(x, 0.7), lambda x: TF.elu(x, 0.7), lambda: [_x(20, scale=3)]),
    "softplus": (F.softplus, TF.softplus, lambda: [_x(20, scale=3)]),
    "softplus beta threshold": (lambda x: F.softplus(x, 2.0, 3.0),
                                lambda x: TF.softplus(x, 2.0, 3.0),
                                lambda: [_x(20, scale=3)]),
    "mish": (F.mish, TF.mish, lambda: [_x(20, scale=3)]),
    "hardtanh": (lambda x: F.hardtanh(x, -0.5, 2.0), lambda x: TF.hardtanh(x, -0.5, 2.0),
                 lambda: [_x(20, scale=3)]),
    "hardtanh at the bounds": (F.hardtanh, TF.hardtanh,
                               lambda: [np.array([-1.0, 1.0, 0.5, -2.0])]),
    "relu6": (F.relu6, TF.relu6, lambda: [np.concatenate([_x(20, scale=5), [0.0, 6.0]])]),
    "smooth_l1_loss": (lambda x, y: F.smooth_l1_loss(x, y, beta=0.5),
                       lambda x, y: TF.smooth_l1_loss(x, y, beta=0.5),
                       lambda: [_x(4, 3, scale=2), _x(4, 3)]),
    "smooth_l1_loss beta=0": (lambda x, y: F.smooth_l1_loss(x, y, reduction="sum", beta=0.0),
                              lambda x, y: TF.smooth_l1_loss(x, y, reduction="sum", beta=0.0),
                              lambda: [_x(4, 3, scale=2), _x(4, 3)]),
    "huber_loss": (lambda x, y: F.huber_loss(x, y, "none", 0.8),
                   lambda x, y: TF.huber_loss(x, y, "none", 0.8),
                   lambda: [_x(4, 3, scale=2), _x(4, 3)]),
    "kl_div batchmean": (lambda x, t: F.kl_div(x, t, reduction="batchmean"),
                         lambda x, t: TF.kl_div(x, t, reduction="batchmean"),
                         lambda: [np.log(RNG.dirichlet(np.ones(5), 3)),
                                  RNG.dirichlet(np.ones(5), 3)]),
    "kl_div log_target none": (lambda x, t: F.kl_div(x, t, reduction="none", log_target=True),
                               lambda x, t: TF.kl_div(x, t, reduction="none", log_target=True),
                               lambda: [np.log(RNG.dirichlet(np.ones(5), 3)),
                                        np.log(RNG.dirichlet(np.ones(5), 3))]),
    "kl_div mean": (lambda x, t: F.kl_div(x, t, reduction="mean"),
                    lambda x, t: TF.kl_div(x, t, reduction="mean"),
                    lambda: [np.log(RNG.dirichlet(np.ones(5), 3)), RNG.dirichlet(np.ones(5), 3)]),
    "cross_entropy probabilities": (
        lambda z, p: F.cross_entropy(z, p), lambda z, p: TF.cross_entropy(z, p),
        lambda: [_x(5, 4), RNG.dirichlet(np.ones(4), 5)]),
    "cross_entropy probabilities (N,C,L) smoothing none": (
        lambda z, p: F.cross_entropy(z, p, reduction="none", label_smoothing=0.2),
        lambda z, p: TF.cross_entropy(z, p, reduction="none", label_smoothing=0.2),
        lambda: [_x(2, 3, 4), np.moveaxis(RNG.dirichlet(np.ones(3), (2, 4)), -1, 1)]),
    "sdpa": (F.scaled_dot_product_attention, TF.scaled_dot_product_attention,
             lambda: [_x(2, 3, 4), _x(2, 5, 4), _x(2, 5, 3)]),
    "sdpa bool mask": (F.scaled_dot_product_attention, TF.scaled_dot_product_attention,
                       lambda: [_x(2, 3, 4), _x(2, 5, 4), _x(2, 5, 3),
                                np.array([[1, 0, 1, 1, 0], [1, 1, 0, 0, 0], [0, 0, 0, 1, 1]],
                                         dtype=bool)]),
    "sdpa float mask, scale": (lambda q, k, v, m: F.scaled_dot_product_attention(
        q, k, v, m, scale=0.25), lambda q, k, v, m: TF.scaled_dot_product_attention(
        q, k, v, m, scale=0.25), lambda: [_x(2, 2, 3, 4), _x(2, 2, 5, 4), _x(2, 2, 5, 3),
                                          _x(3, 5)]),
    "sdpa causal L<S": (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),
                        lambda q, k, v: TF.scaled_dot_product_attention(q, k, v,
                                                                        is_causal=True),
                        lambda: [_x(2, 3, 4), _x(2, 5, 4), _x(2, 5, 3)]),
}


@pytest.mark.filterwarnings("ignore:reduction. .mean. divides:UserWarning")
@pytest.mark.parametrize("name", list(CASES))
def test_function_matches_torch(name):
    ours, theirs, make = CASES[name]
    _compare(ours, theirs, make())


def test_one_hot_matches_torch():
    labels = np.array([[0, 3], [2, 1]])
    np.testing.assert_array_equal(F.one_hot(al.tensor(labels))._data,
                                  TF.one_hot(torch.tensor(labels)).numpy())
    np.testing.assert_array_equal(F.one_hot(al.tensor(labels), 6)._data,
                                  TF.one_hot(torch.tensor(labels), 6).numpy())


def _copy_params(ours, theirs):
    with al.no_grad():
        for name, p in theirs.named_parameters():
            dict(ours.named_parameters())[name].copy_(p.detach().numpy())


MODULES = {
    "LayerNorm": (lambda: nn.LayerNorm((3, 4)), lambda: torch.nn.LayerNorm((3, 4)), (2, 3, 4)),
    "LayerNorm no bias": (lambda: nn.LayerNorm(4, bias=False),
                          lambda: torch.nn.LayerNorm(4, bias=False), (5, 4)),
    "LayerNorm no affine": (lambda: nn.LayerNorm(4, elementwise_affine=False),
                            lambda: torch.nn.LayerNorm(4, elementwise_affine=False), (5, 4)),
    "GroupNorm": (lambda: nn.GroupNorm(3, 6), lambda: torch.nn.GroupNorm(3, 6), (2, 6, 5)),
    "GELU": (lambda: nn.GELU(), lambda: torch.nn.GELU(), (4, 5)),
    "GELU tanh": (lambda: nn.GELU("tanh"), lambda: torch.nn.GELU("tanh"), (4, 5)),
    "SiLU": (lambda: nn.SiLU(), lambda: torch.nn.SiLU(), (4, 5)),
    "ELU": (lambda: nn.ELU(0.3), lambda: torch.nn.ELU(0.3), (4, 5)),
    "Softplus": (lambda: nn.Softplus(3.0, 2.0), lambda: torch.nn.Softplus(3.0, 2.0), (4, 5)),
    "Mish": (lambda: nn.Mish(), lambda: torch.nn.Mish(), (4, 5)),
    "Hardtanh": (lambda: nn.Hardtanh(-2.0, 0.5), lambda: torch.nn.Hardtanh(-2.0, 0.5), (4, 5)),
    "ReLU6": (lambda: nn.ReLU6(), lambda: torch.nn.ReLU6(), (4, 5)),
    "Unflatten": (lambda: nn.Unflatten(1, (2, -1)), lambda: torch.nn.Unflatten(1, (2, -1)),
                  (3, 6)),
}


@pytest.mark.parametrize("name", list(MODULES))
def test_module_matches_torch(name):
    make_ours, make_theirs, shape = MODULES[name]
    ours, theirs = make_ours().double(), make_theirs().double()
    assert sorted(ours.state_dict()) == sorted(theirs.state_dict())
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.tensor(RNG.standard_normal(tuple(p.shape))))
    _copy_params(ours, theirs)
    x = RNG.standard_normal(shape) * 3
    xa = al.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    out, ref = ours(xa), theirs(xt)
    np.testing.assert_allclose(out._data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    seed = RNG.standard_normal(tuple(ref.shape))
    out.backward(seed)
    ref.backward(torch.tensor(seed))
    np.testing.assert_allclose(xa.grad._data, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    named = dict(ours.named_parameters())
    for pname, p in theirs.named_parameters():
        np.testing.assert_allclose(named[pname].grad._data, p.grad.numpy(), rtol=1e-10,
                                   atol=1e-12, err_msg=pname)


def test_embedding_module_matches_torch_padding_row_gets_no_gradient():
    ours, theirs = nn.Embedding(6, 3, padding_idx=1).double(), torch.nn.Embedding(
        6, 3, padding_idx=1).double()
    assert sorted(ours.state_dict()) == sorted(theirs.state_dict()) == ["weight"]
    assert not theirs.weight.detach().numpy()[1].any() and not ours.weight._data[1].any()
    _copy_params(ours, theirs)
    idx = np.array([[1, 0, 5], [1, 1, 3]])
    out, ref = ours(al.tensor(idx)), theirs(torch.tensor(idx))
    np.testing.assert_allclose(out._data, ref.detach().numpy())
    seed = RNG.standard_normal((2, 3, 3))
    out.backward(seed)
    ref.backward(torch.tensor(seed))
    np.testing.assert_allclose(ours.weight.grad._data, theirs.weight.grad.numpy(), rtol=1e-12)
    assert not ours.weight.grad._data[1].any()


@pytest.mark.parametrize("ours_cls, theirs_cls, kwargs, target", [
    (nn.SmoothL1Loss, torch.nn.SmoothL1Loss, {"beta": 0.3}, "values"),
    (nn.HuberLoss, torch.nn.HuberLoss, {"delta": 2.0, "reduction": "sum"}, "values"),
    (nn.KLDivLoss, torch.nn.KLDivLoss, {"reduction": "batchmean"}, "probabilities"),
    (nn.KLDivLoss, torch.nn.KLDivLoss, {"reduction": "sum", "log_target": True},
     "log-probabilities"),
])
def test_loss_modules_match_torch(ours_cls, theirs_cls, kwargs, target):
    x = RNG.standard_normal((4, 5))
    if target == "values":
        y = x + RNG.standard_normal((4, 5)) * 2
    else:
        x = np.log(RNG.dirichlet(np.ones(5), 4))
        y = RNG.dirichlet(np.ones(5), 4)
        if target == "log-probabilities":
            y = np.log(y)
    _compare(lambda a, b: ours_cls(**kwargs)(a, b), lambda a, b: theirs_cls(**kwargs)(a, b),
             [x, y])


def test_sdpa_second_derivative_matches_torch():
    q, k, v = _x(2, 3, 4), _x(2, 4, 4), _x(2, 4, 2)
    qa = al.tensor(q, requires_grad=True)
    qt = torch.tensor(q, requires_grad=True)
    out = F.scaled_dot_product_attention(qa, al.tensor(k), al.tensor(v), is_causal=True)
    ref = TF.scaled_dot_product_attention(qt, torch.tensor(k), torch.tensor(v), is_causal=True)
    g, = al.autograd.grad((out * out).sum(), [qa], create_graph=True)
    gt, = torch.autograd.grad((ref * ref).sum(), [qt], create_graph=True)
    (g * g).sum().backward()
    (gt * gt).sum().backward()
    np.testing.assert_allclose(qa.grad._data, qt.grad.numpy(), rtol=1e-9, atol=1e-12)
    assert math.isfinite(float(qa.grad._data.sum()))
