"""Cross-checks of convolution, pooling, pad and interpolate (issue 12) against PyTorch (CPU,
float64): values and the gradients of every float input, functions and modules (parameters
copied over), and max-pool indices. Skipped when torch is not installed."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import nn
from autograd_lite.nn import functional as F
from torch_compare import compare

torch = pytest.importorskip("torch", reason="PyTorch is an optional cross-check; not installed")
TF = torch.nn.functional

RNG = np.random.default_rng(121)


def _compare(ours_fn, theirs_fn, arrays, rtol=1e-10, atol=1e-11):
    compare(ours_fn, theirs_fn, arrays, RNG, rtol, atol)


def _x(*shape):
    return RNG.standard_normal(shape)


def _both(name, *args, **kwargs):
    return (lambda *t: getattr(F, name)(*t, *args, **kwargs),
            lambda *t: getattr(TF, name)(*t, *args, **kwargs))


CASES = {
    "conv2d stride/pad/dilation/groups": (
        _both("conv2d", stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2),
        [_x(2, 4, 7, 6), _x(6, 2, 3, 2), _x(6)]),
    "conv2d same, even kernel": (_both("conv2d", padding="same"), [_x(2, 3, 6, 5), _x(4, 3, 4, 2)]),
    "conv2d valid unbatched": (_both("conv2d", padding="valid"), [_x(3, 6, 5), _x(4, 3, 3, 3)]),
    "conv2d depthwise x2 dilated same": (_both("conv2d", padding="same", groups=4, dilation=2),
                                         [_x(2, 4, 7, 7), _x(8, 1, 3, 3), _x(8)]),
    "conv1d": (_both("conv1d", stride=2, padding=1, groups=2), [_x(2, 4, 9), _x(6, 2, 3), _x(6)]),
    "conv1d same dilated": (_both("conv1d", padding="same", dilation=3), [_x(2, 3, 9), _x(2, 3, 4)]),
    "conv_transpose2d": (_both("conv_transpose2d", stride=2, padding=1, output_padding=1, groups=2),
                         [_x(2, 4, 4, 5), _x(4, 3, 3, 3), _x(6)]),
    "conv_transpose2d dilation": (_both("conv_transpose2d", stride=(1, 2), dilation=2),
                                  [_x(2, 3, 4, 3), _x(3, 2, 2, 3)]),
    "max_pool2d k3 s2 p1 ceil": (_both("max_pool2d", 3, 2, 1, ceil_mode=True), [_x(2, 3, 7, 6)]),
    "max_pool2d dilation": (_both("max_pool2d", (2, 3), 1, 0, (2, 1)), [_x(2, 6, 7)]),
    "max_pool1d": (_both("max_pool1d", 3, 2, 1), [_x(2, 3, 9)]),
    "avg_pool2d exclude pad ceil": (_both("avg_pool2d", 3, 2, 1, True, False), [_x(2, 3, 7, 6)]),
    "avg_pool2d divisor_override": (_both("avg_pool2d", 2, divisor_override=3), [_x(2, 2, 6, 6)]),
    "avg_pool1d": (_both("avg_pool1d", 3, 2, 1, True), [_x(2, 3, 8)]),
    "adaptive_avg_pool2d": (_both("adaptive_avg_pool2d", (3, 4)), [_x(2, 3, 7, 9)]),
    "adaptive_avg_pool1d": (_both("adaptive_avg_pool1d", 4), [_x(2, 3, 7)]),
    "pad constant crop": (_both("pad", (-1, 2, 0, 1), value=1.5), [_x(2, 3, 4, 5)]),
    "pad reflect": (_both("pad", (2, 1, 1, 3), mode="reflect"), [_x(2, 3, 4, 5)]),
    "pad replicate": (_both("pad", (2, 1, 1, 3), mode="replicate"), [_x(2, 3, 4, 5)]),
    "pad circular": (_both("pad", (2, 1, 1, 3), mode="circular"), [_x(2, 3, 4, 5)]),
    "interpolate nearest size": (_both("interpolate", size=(9, 13)), [_x(2, 3, 4, 5)]),
    "interpolate nearest 1.7": (_both("interpolate", scale_factor=1.7), [_x(2, 3, 4, 5)]),
    "interpolate bilinear": (_both("interpolate", size=(9, 4), mode="bilinear"), [_x(2, 3, 4, 5)]),
    "interpolate bilinear corners": (_both("interpolate", scale_factor=(2, 0.5), mode="bilinear",
                                           align_corners=True), [_x(2, 3, 4, 5)]),
    "interpolate linear": (_both("interpolate", scale_factor=2.5, mode="linear"), [_x(2, 3, 5)]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_function_matches_torch(name):
    (ours, theirs), arrays = CASES[name]
    _compare(ours, theirs, arrays)


def test_max_pool_indices_match_torch():
    x = _x(2, 3, 7, 6)
    for args in [(3, 2, 1, 1, True), (2, 1, 0, 2, False)]:
        _, ours = F.max_pool2d(al.tensor(x), *args, return_indices=True)
        _, theirs = TF.max_pool2d(torch.tensor(x), *args, return_indices=True)
        assert np.array_equal(ours._data, theirs.numpy())
    _, ours = F.max_pool1d(al.tensor(x[:, :, 0]), 3, 2, 1, return_indices=True)
    _, theirs = TF.max_pool1d(torch.tensor(x[:, :, 0]), 3, 2, 1, return_indices=True)
    assert np.array_equal(ours._data, theirs.numpy())


MODULES = [
    (lambda m: m.Conv2d(4, 6, 3, stride=2, padding=1, groups=2), (2, 4, 7, 7)),
    (lambda m: m.Conv2d(3, 5, (2, 3), padding="same", bias=False), (2, 3, 6, 6)),
    (lambda m: m.Conv1d(3, 4, 3, dilation=2), (2, 3, 9)),
    (lambda m: m.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
     (2, 4, 4, 4)),
    (lambda m: m.MaxPool2d(2), (2, 3, 6, 6)),
    (lambda m: m.MaxPool1d(3, 2, 1), (2, 3, 8)),
    (lambda m: m.AvgPool2d(3, 2, 1, count_include_pad=False), (2, 3, 7, 7)),
    (lambda m: m.AvgPool1d(2), (2, 3, 8)),
    (lambda m: m.AdaptiveAvgPool2d((2, 3)), (2, 3, 7, 7)),
    (lambda m: m.Upsample(scale_factor=2, mode="bilinear"), (2, 3, 3, 4)),
    (lambda m: m.Upsample(size=(5, 7)), (2, 3, 3, 4)),
]


@pytest.mark.parametrize("k", range(len(MODULES)))
def test_module_matches_torch(k):
    make, shape = MODULES[k]
    ours, theirs = make(nn).double(), make(torch.nn).double()
    assert set(ours.state_dict()) == set(theirs.state_dict())
    for name, p in theirs.named_parameters():
        assert tuple(p.shape) == tuple(getattr(ours, name).shape), name
        getattr(ours, name)._data[...] = p.detach().numpy()
    x = _x(*shape)
    _compare(lambda t: ours(t), lambda t: theirs(t), [x])
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(getattr(ours, name).grad._data, p.grad.numpy(), rtol=1e-10,
                                   atol=1e-11, err_msg=name)


def test_conv_second_derivative_matches_torch():
    x, w = _x(2, 3, 5, 5), _x(4, 3, 3, 3)
    xa, wa = al.tensor(x, requires_grad=True), al.tensor(w, requires_grad=True)
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    ga = al.autograd.grad((F.conv2d(xa, wa, stride=2, padding=1) ** 2).sum(), xa,
                          create_graph=True)[0]
    gt = torch.autograd.grad((TF.conv2d(xt, wt, stride=2, padding=1) ** 2).sum(), xt,
                             create_graph=True)[0]
    (ga * ga).sum().backward()
    (gt * gt).sum().backward()
    np.testing.assert_allclose(wa.grad._data, wt.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(xa.grad._data, xt.grad.numpy(), rtol=1e-9, atol=1e-10)
