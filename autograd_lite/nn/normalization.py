"""Layer and group normalisation: ``F.layer_norm`` / ``LayerNorm`` (the fused kernel op
``ops.nn_ops.LayerNorm`` for float32/float64, else composed from public ops) and
``F.group_norm`` / ``GroupNorm`` (composed), PyTorch's semantics, parameter names and
initialisation (weight ones, bias zeros)."""
import numbers

import numpy as np

from .. import dtypes, grad_mode, ops
from ..ops import nn_ops as fused
from ..tensor import Tensor
from .module import Module, Parameter

__all__ = ["layer_norm", "group_norm", "LayerNorm", "GroupNorm"]


def _as_tensor(x, who):
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (np.ndarray, list, tuple, float, int, np.generic)):
        return Tensor(np.asarray(x))
    raise TypeError(f"{who}: input must be a Tensor, got {type(x).__name__}")


def _shape_tuple(normalized_shape):
    if isinstance(normalized_shape, numbers.Integral):
        return (int(normalized_shape),)
    return tuple(int(s) for s in normalized_shape)


def _normalize(x, dims, eps):
    """(x − mean) / √(var + eps) over ``dims``, with the biased variance."""
    mean = ops.mean(x, dims, True)
    centred = x - mean
    var = ops.mean(centred * centred, dims, True)
    return centred / ops.sqrt(var + float(eps))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):  # noqa: A002
    """Layer normalisation (Ba, Kiros & Hinton 2016): each sample normalised over its last
    ``len(normalized_shape)`` dims with their mean and biased variance, then γ·x̂ + β with γ, β
    of shape ``normalized_shape``."""
    x = _as_tensor(input, "layer_norm")
    shape = _shape_tuple(normalized_shape)
    k = len(shape)
    if k == 0 or x.ndim < k or tuple(x.shape[x.ndim - k:]) != shape:
        raise RuntimeError(
            f"layer_norm: input of shape {tuple(x.shape)} does not end with normalized_shape "
            f"{list(shape)} (expected input of shape [*, {', '.join(map(str, shape))}])")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != shape:
            raise RuntimeError(f"layer_norm: {name} of shape {tuple(p.shape)} does not match "
                               f"normalized_shape {list(shape)}")
    if fused.fused_layer_norm_ok(x, weight, bias):
        d = int(np.prod(shape))
        flat = [None if p is None else p.reshape(d) for p in (weight, bias)]
        return fused.LayerNorm.apply(x, flat[0], flat[1], d, float(eps))
    out = _normalize(x, tuple(range(x.ndim - k, x.ndim)), eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):  # noqa: A002
    """Group normalisation (Wu & He 2018): the C channels of (N, C, *) split into
    ``num_groups`` groups, each sample's group normalised over its channels and positions,
    then the per-channel affine γ_c·x̂ + β_c."""
    x = _as_tensor(input, "group_norm")
    if x.ndim < 2:
        raise RuntimeError(f"group_norm: expected an input of at least 2 dims (N, C, *), got "
                           f"shape {tuple(x.shape)}")
    n, c = x.shape[0], x.shape[1]
    g = int(num_groups)
    if g <= 0 or c % g:
        raise RuntimeError(f"group_norm: expected the number of channels in the input to be "
                           f"divisible by num_groups, got input of shape {tuple(x.shape)} and "
                           f"num_groups={num_groups}")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != (c,):
            raise RuntimeError(f"group_norm: {name} of shape {tuple(p.shape)} does not match "
                               f"the input's {c} channels (input of shape {tuple(x.shape)})")
    out = _normalize(x.reshape(n, g, -1), (2,), eps).reshape(tuple(x.shape))
    channel_shape = (1, c) + (1,) * (x.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(channel_shape)
    if bias is not None:
        out = out + bias.reshape(channel_shape)
    return out


def _param_dtype(dtype):
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


class LayerNorm(Module):
    """Normalises over the last dims given by ``normalized_shape`` (int or tuple); with
    ``elementwise_affine`` a weight (ones) and, if ``bias``, a bias (zeros) of that shape."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 dtype=None):
        super().__init__()
        self.normalized_shape = _shape_tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        dtype = _param_dtype(dtype)
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self):
        with grad_mode.no_grad():
            if self.weight is not None:
                self.weight.fill_(1)
            if self.bias is not None:
                self.bias.fill_(0)

    def forward(self, x):
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class GroupNorm(Module):
    """``num_groups`` groups over ``num_channels`` channels; with ``affine`` a per-channel
    weight (ones) and bias (zeros)."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, dtype=None):
        super().__init__()
        if num_groups <= 0 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by "
                             f"num_groups ({num_groups})")
        self.num_groups = int(num_groups)
        self.num_channels = int(num_channels)
        self.eps = eps
        self.affine = affine
        dtype = _param_dtype(dtype)
        if affine:
            self.weight = Parameter(np.ones(self.num_channels, dtype=dtype))
            self.bias = Parameter(np.zeros(self.num_channels, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self):
        if self.affine:
            with grad_mode.no_grad():
                self.weight.fill_(1)
                self.bias.fill_(0)

    def forward(self, x):
        return group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"
