"""Convolution and pooling layers without PyTorch: bad input raises PyTorch's exception
classes with messages naming the op and the shapes; modules have PyTorch's parameter layout,
initialisation bounds and state_dict keys; memory of the conv backward stays bounded."""
import math

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import nn
from autograd_lite.nn import functional as F


def _t(*shape):
    return al.tensor(np.random.default_rng(0).standard_normal(shape), dtype=np.float32)


BAD = [
    ("conv2d 2-D input", lambda: F.conv2d(_t(3, 5), _t(2, 3, 3, 3)), RuntimeError,
     ["conv2d", "[3, 5]"]),
    ("conv2d channel mismatch", lambda: F.conv2d(_t(1, 4, 6, 6), _t(2, 3, 3, 3)), RuntimeError,
     ["conv2d", "[2, 3, 3, 3]", "[1, 4, 6, 6]"]),
    ("conv2d kernel larger than padded input", lambda: F.conv2d(_t(1, 3, 4, 4), _t(2, 3, 5, 5)),
     RuntimeError, ["conv2d", "Kernel size", "[1, 3, 4, 4]"]),
    ("conv2d groups not dividing", lambda: F.conv2d(_t(1, 4, 6, 6), _t(3, 2, 3, 3), groups=2),
     RuntimeError, ["conv2d", "groups=2", "[3, 2, 3, 3]"]),
    ("conv2d negative padding", lambda: F.conv2d(_t(1, 3, 6, 6), _t(2, 3, 3, 3), padding=-1),
     RuntimeError, ["conv2d", "negative padding"]),
    ("conv2d same with stride", lambda: F.conv2d(_t(1, 3, 6, 6), _t(2, 3, 3, 3), padding="same",
                                                 stride=2), RuntimeError, ["conv2d", "same"]),
    ("conv1d 4-D input", lambda: F.conv1d(_t(1, 3, 6, 6), _t(2, 3, 3)), RuntimeError,
     ["conv1d", "[1, 3, 6, 6]"]),
    ("conv_transpose2d channel mismatch",
     lambda: F.conv_transpose2d(_t(1, 4, 3, 3), _t(3, 2, 3, 3)), RuntimeError,
     ["conv_transpose2d", "[3, 2, 3, 3]", "[1, 4, 3, 3]"]),
    ("conv_transpose2d negative padding",
     lambda: F.conv_transpose2d(_t(1, 3, 3, 3), _t(3, 2, 3, 3), padding=-1), RuntimeError,
     ["conv_transpose2d", "negative padding"]),
    ("max_pool2d 2-D input", lambda: F.max_pool2d(_t(4, 4), 2), RuntimeError,
     ["max_pool2d", "[4, 4]"]),
    ("max_pool2d pad over half kernel", lambda: F.max_pool2d(_t(1, 1, 4, 4), 2, padding=2),
     RuntimeError, ["max_pool2d", "half"]),
    ("max_pool2d negative padding", lambda: F.max_pool2d(_t(1, 1, 4, 4), 3, padding=-1),
     RuntimeError, ["max_pool2d", "negative padding"]),
    ("max_pool2d kernel larger than input", lambda: F.max_pool2d(_t(1, 1, 2, 2), 3),
     RuntimeError, ["max_pool2d", "[1, 1, 2, 2]"]),
    ("avg_pool1d 4-D input", lambda: F.avg_pool1d(_t(1, 1, 4, 4), 2), RuntimeError,
     ["avg_pool1d", "[1, 1, 4, 4]"]),
    ("pad reflect too wide", lambda: F.pad(_t(1, 2, 3), (3, 0), mode="reflect"), RuntimeError,
     ["pad", "[1, 2, 3]"]),
    ("interpolate neither size nor scale", lambda: F.interpolate(_t(1, 1, 4, 4)), ValueError,
     ["interpolate", "size or scale_factor", "[1, 1, 4, 4]"]),
    ("interpolate both", lambda: F.interpolate(_t(1, 1, 4, 4), size=2, scale_factor=2),
     ValueError, ["interpolate"]),
    ("interpolate align_corners with nearest",
     lambda: F.interpolate(_t(1, 1, 4, 4), size=2, align_corners=True), ValueError,
     ["align_corners"]),
    ("Conv2d groups not dividing", lambda: nn.Conv2d(4, 6, 3, groups=4), ValueError, ["groups"]),
    ("Conv2d padding_mode", lambda: nn.Conv2d(4, 6, 3, padding_mode="reflect"), ValueError,
     ["padding_mode"]),
]


@pytest.mark.parametrize("name", [b[0] for b in BAD])
def test_bad_input_raises_pytorch_class_naming_op_and_shapes(name):
    _, call, kind, words = next(b for b in BAD if b[0] == name)
    with pytest.raises(kind) as info:
        call()
    for w in words:
        assert w in str(info.value), (w, str(info.value))


def test_unbatched_conv2d_and_pool_accepted():
    x, w = _t(3, 6, 6), _t(4, 3, 3, 3)
    assert F.conv2d(x, w, padding=1).shape == (4, 6, 6)
    assert F.max_pool2d(x, 2).shape == (3, 3, 3)
    assert F.conv1d(_t(3, 8), _t(2, 3, 3)).shape == (2, 6)


@pytest.mark.parametrize("make, w_shape", [
    (lambda: nn.Conv2d(6, 8, (3, 5), groups=2), (8, 3, 3, 5)),
    (lambda: nn.Conv1d(4, 2, 3), (2, 4, 3)),
    (lambda: nn.ConvTranspose2d(6, 4, 3, groups=2), (6, 2, 3, 3)),
])
def test_conv_modules_layout_init_and_state_dict(make, w_shape):
    al.manual_seed(0)
    m = make()
    assert tuple(m.weight.shape) == w_shape and tuple(m.bias.shape) == (m.out_channels,)
    assert list(m.state_dict()) == ["weight", "bias"]
    bound = 1 / math.sqrt(w_shape[1] * int(np.prod(w_shape[2:])))  # kaiming_uniform(a=√5)
    for p in (m.weight, m.bias):
        assert np.abs(p._data).max() <= bound
    assert np.abs(m.weight._data).max() > 0.8 * bound  # spread over the whole interval


def test_conv_same_padding_shapes_and_module_repr():
    m = nn.Conv2d(2, 3, 4, padding="same", dilation=(1, 2), bias=False)
    assert m(_t(1, 2, 7, 6)).shape == (1, 3, 7, 6)
    assert "padding='same'" in repr(m) and "bias=False" in repr(m)
    assert nn.Conv2d(2, 3, 3, padding="valid")(_t(1, 2, 7, 6)).shape == (1, 3, 5, 4)


def test_conv_transpose_output_size_argument():
    m = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    x = _t(1, 2, 4, 4)
    assert m(x).shape == (1, 3, 7, 7)
    assert m(x, output_size=(8, 8)).shape == (1, 3, 8, 8)


def test_pool_and_upsample_modules_shapes():
    x = _t(2, 3, 7, 7)
    assert nn.MaxPool2d(2)(x).shape == (2, 3, 3, 3)
    y, idx = nn.MaxPool2d(3, 2, 1, return_indices=True)(x)
    assert y.shape == idx.shape == (2, 3, 4, 4) and idx.dtype == np.int64
    assert nn.AvgPool2d(2, ceil_mode=True)(x).shape == (2, 3, 4, 4)
    assert nn.AdaptiveAvgPool2d(1)(x).shape == (2, 3, 1, 1)
    assert nn.Upsample(scale_factor=2)(x).shape == (2, 3, 14, 14)
    assert nn.MaxPool1d(2)(_t(2, 3, 7)).shape == (2, 3, 3)
    assert nn.AvgPool1d(3, 1, 1)(_t(2, 3, 7)).shape == (2, 3, 7)


def test_max_pool_gradient_goes_to_the_argmax_only():
    x = al.tensor(np.arange(16.0).reshape(1, 1, 4, 4), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    expected = np.zeros((4, 4))
    expected[1::2, 1::2] = 1
    assert np.array_equal(x.grad._data[0, 0], expected)


def test_lenet_float32_step_keeps_dtype_and_learns():
    al.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5),
                          nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * 4 * 4, 10))
    x = _t(8, 1, 28, 28)
    y = al.tensor(np.arange(8) % 10)
    opt = al.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _ in range(8):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert model[0].weight.grad.dtype == np.float32
    assert losses[-1] < 0.5 * losses[0]
