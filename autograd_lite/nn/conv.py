"""Convolutions: ``F.conv1d``, ``F.conv2d``, ``F.conv_transpose2d`` and the modules ``Conv1d``,
``Conv2d``, ``ConvTranspose2d``, PyTorch's semantics, weight layouts, initialisation and
error classes. The arithmetic is the three Functions of ``ops/conv_ops.py`` (Numba kernels,
derivatives of every order); this file resolves the arguments (padding "same"/"valid", pairs,
unbatched inputs, 1-D as 2-D with a unit height) and checks them with PyTorch's messages.

Output size per axis: ⌊(size + pad_lo + pad_hi − dilation·(kernel − 1) − 1) / stride⌋ + 1;
transposed: (size − 1)·stride − pad_lo − pad_hi + dilation·(kernel − 1) + output_padding + 1.
"""
import numbers

import numpy as np

from .. import dtypes
from ..errors import OpError
from ..ops import conv_ops
from ..tensor import Tensor
from . import init
from .module import Module, Parameter

__all__ = ["conv1d", "conv2d", "conv_transpose2d", "Conv1d", "Conv2d", "ConvTranspose2d"]


def _tuple(v, n, name, fn):
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return (int(v),) * n
    t = tuple(int(e) for e in v)
    if len(t) == 1:
        t = t * n
    if len(t) != n:
        raise OpError(f"{fn}: {name} must be an int or a tuple of {n} ints, got {v!r}")
    return t


def _as_tensor(x, fn, name="input"):
    if isinstance(x, Tensor):
        return x
    raise TypeError(f"{fn}: {name} must be a Tensor, got {type(x).__name__}")


def _resolve_padding(padding, kernel, stride, dilation, fn):
    """Per-axis (lo, hi) pairs from an int, a tuple, "valid" or "same" (PyTorch: total
    dilation·(k − 1), the extra odd element on the high side; stride 1 only)."""
    n = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return [(0, 0)] * n
        if padding != "same":
            raise OpError(f"{fn}: invalid padding string {padding!r}, expected 'same' or 'valid'")
        if any(s != 1 for s in stride):
            raise OpError(f"{fn}: padding='same' is not supported for strided convolutions "
                          f"(stride {stride})")
        out = []
        for k, d in zip(kernel, dilation):
            total = d * (k - 1)
            out.append((total // 2, total - total // 2))
        return out
    p = _tuple(padding, n, "padding", fn)
    if min(p) < 0:
        raise OpError(f"{fn}: negative padding is not supported, got padding={padding!r}")
    return [(e, e) for e in p]


def _check(fn, x, weight, groups, spatial, transposed=False):
    """Input rank, channels against the weight, groups; returns (x batched, was unbatched)."""
    n = spatial + 2
    if weight.ndim != n:
        raise OpError(f"{fn}: expected a {n}-D weight, got weight of size {list(weight.shape)}")
    if x.ndim not in (n - 1, n):
        raise OpError(f"{fn}: Expected {n - 1}D (unbatched) or {n}D (batched) input to {fn}, but "
                      f"got input of size: {list(x.shape)}")
    unbatched = x.ndim == n - 1
    if unbatched:
        x = x.unsqueeze(0)
    g = int(groups)
    if g < 1:
        raise OpError(f"{fn}: non-positive groups is not supported (groups={groups})")
    c = x.shape[1]
    if transposed:
        if weight.shape[0] != c:
            raise OpError(f"{fn}: Given transposed=1, weight of size {list(weight.shape)}, "
                          f"expected input{list(x.shape)} to have {weight.shape[0]} channels, "
                          f"but got {c} channels instead")
        if c % g:
            raise OpError(f"{fn}: Given groups={g}, expected the input's {c} channels (input "
                          f"{list(x.shape)}, weight {list(weight.shape)}) to be divisible by "
                          f"groups")
    else:
        if weight.shape[0] % g:
            raise OpError(f"{fn}: Given groups={g}, expected weight to be divisible by {g} at "
                          f"dimension 0, but got weight of size {list(weight.shape)}")
        if weight.shape[1] * g != c:
            raise OpError(f"{fn}: Given groups={g}, weight of size {list(weight.shape)}, "
                          f"expected input{list(x.shape)} to have {weight.shape[1] * g} "
                          f"channels, but got {c} channels instead")
    if x.dtype != weight.dtype:
        raise OpError(f"{fn}: expected input and weight to have the same dtype, got "
                      f"{x.dtype} and {weight.dtype}")
    return x, unbatched


def _check_size(fn, x, weight, pads, dilation):
    for ax, ((lo, hi), d) in enumerate(zip(pads, dilation)):
        size = x.shape[2 + ax] + lo + hi
        span = d * (weight.shape[2 + ax] - 1) + 1
        if span > size:
            raise OpError(f"{fn}: Calculated padded input size per channel: "
                          f"{tuple(x.shape[2 + i] + p[0] + p[1] for i, p in enumerate(pads))}. "
                          f"Kernel size: {tuple(weight.shape[2:])} (dilation {dilation}). Kernel "
                          f"size can't be greater than actual input size (input "
                          f"{list(x.shape)}, weight {list(weight.shape)})")


def _conv(fn, x, weight, bias, stride, padding, dilation, groups, spatial):
    x = _as_tensor(x, fn)
    weight = _as_tensor(weight, fn, "weight")
    x, unbatched = _check(fn, x, weight, groups, spatial)
    k = tuple(weight.shape[2:])
    stride = _tuple(stride, spatial, "stride", fn)
    dilation = _tuple(dilation, spatial, "dilation", fn)
    if min(stride) < 1 or min(dilation) < 1:
        raise OpError(f"{fn}: stride and dilation must be positive, got stride={stride}, "
                      f"dilation={dilation}")
    pads = _resolve_padding(padding, k, stride, dilation, fn)
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise OpError(f"{fn}: expected bias of size [{weight.shape[0]}] (the weight's out "
                      f"channels), got {list(bias.shape)}")
    _check_size(fn, x, weight, pads, dilation)
    if spatial == 1:
        x = x.unsqueeze(2)
        weight = weight.unsqueeze(2)
        geom = ((1, stride[0]), (0, 0) + pads[0], (1, dilation[0]), int(groups))
        y = conv_ops.Conv2d.apply(x, weight, bias, geom).squeeze(2)
    else:
        geom = (stride, pads[0] + pads[1], dilation, int(groups))
        y = conv_ops.Conv2d.apply(x, weight, bias, geom)
    return y.squeeze(0) if unbatched else y


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """1-D convolution (cross-correlation, as PyTorch) of (N, C, L) or (C, L) with weight
    (O, C/groups, k); padding an int, a 1-tuple, "same" or "valid"."""
    return _conv("conv1d", input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """2-D convolution (cross-correlation, as PyTorch) of (N, C, H, W) or unbatched (C, H, W)
    with weight (O, C/groups, kH, kW); padding an int, (ph, pw), "same" or "valid"."""
    return _conv("conv2d", input, weight, bias, stride, padding, dilation, groups, 2)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,  # noqa: A002
                     groups=1, dilation=1):
    """Transposed 2-D convolution (the adjoint of conv2d in x, "fractionally strided"; Dumoulin
    & Visin 2016) of (N, C_in, H, W) or (C_in, H, W) with weight (C_in, C_out/groups, kH, kW)."""
    fn = "conv_transpose2d"
    x = _as_tensor(input, fn)
    weight = _as_tensor(weight, fn, "weight")
    x, unbatched = _check(fn, x, weight, groups, 2, transposed=True)
    stride = _tuple(stride, 2, "stride", fn)
    dilation = _tuple(dilation, 2, "dilation", fn)
    if isinstance(padding, str):
        raise OpError(f"{fn}: padding must be an int or a pair, got {padding!r}")
    pad = _tuple(padding, 2, "padding", fn)
    out_pad = _tuple(output_padding, 2, "output_padding", fn)
    if min(pad) < 0 or min(out_pad) < 0:
        raise OpError(f"{fn}: negative padding is not supported, got padding={padding!r}, "
                      f"output_padding={output_padding!r}")
    if min(stride) < 1 or min(dilation) < 1:
        raise OpError(f"{fn}: stride and dilation must be positive, got stride={stride}, "
                      f"dilation={dilation}")
    for op, s, d in zip(out_pad, stride, dilation):
        if op >= max(s, d):
            raise OpError(f"{fn}: output padding must be smaller than either stride or dilation, "
                          f"got output_padding={out_pad}, stride={stride}, dilation={dilation}")
    c_out = weight.shape[1] * int(groups)
    if bias is not None and tuple(bias.shape) != (c_out,):
        raise OpError(f"{fn}: expected bias of size [{c_out}], got {list(bias.shape)}")
    out_hw = tuple((x.shape[2 + i] - 1) * stride[i] - 2 * pad[i]
                   + dilation[i] * (weight.shape[2 + i] - 1) + out_pad[i] + 1 for i in range(2))
    if min(out_hw) < 1:
        raise OpError(f"{fn}: output size {out_hw} is too small (input {list(x.shape)}, weight "
                      f"{list(weight.shape)}, padding {pad})")
    geom = (stride, (pad[0], pad[0], pad[1], pad[1]), dilation, int(groups))
    y = conv_ops.ConvTranspose2d.apply(x, weight, bias, geom, out_hw)
    return y.squeeze(0) if unbatched else y


# ---- modules --------------------------------------------------------------------------------
class _ConvNd(Module):
    """Shared parameters and init: weight kaiming_uniform_(a=√5), i.e. U(±1/√fan_in), bias
    U(±1/√fan_in), fan_in = weight.shape[1]·∏kernel, as PyTorch's _ConvNd.reset_parameters."""

    _spatial = 2
    _transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", dtype=None, output_padding=0):
        super().__init__()
        n, name = self._spatial, type(self).__name__
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: in_channels ({in_channels}) and out_channels "
                             f"({out_channels}) must be divisible by groups ({groups})")
        if padding_mode != "zeros":
            raise ValueError(f"{name}: padding_mode {padding_mode!r} is not supported (only "
                             f"'zeros'); pad with F.pad first")
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = _tuple(kernel_size, n, "kernel_size", name)
        self.stride = _tuple(stride, n, "stride", name)
        self.dilation = _tuple(dilation, n, "dilation", name)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"{name}: invalid padding string {padding!r}, expected 'same' "
                                 f"or 'valid'")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(f"{name}: padding='same' is not supported for strided "
                                 f"convolutions")
            self.padding = padding
        else:
            self.padding = _tuple(padding, n, "padding", name)
        self.output_padding = _tuple(output_padding, n, "output_padding", name)
        self.groups, self.padding_mode = int(groups), padding_mode
        dtype = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
        if self._transposed:
            shape = (self.in_channels, self.out_channels // self.groups) + self.kernel_size
        else:
            shape = (self.out_channels, self.in_channels // self.groups) + self.kernel_size
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((self.out_channels,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.layer_default_(self.weight, self.bias)

    def extra_repr(self):
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * self._spatial:
            s += f", padding={self.padding!r}"
        if self.dilation != (1,) * self._spatial:
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


class Conv1d(_ConvNd):
    """1-D convolution over (N, C_in, L): weight (out, in/groups, k), bias (out,)."""

    _spatial = 1

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, dtype)

    def forward(self, x):
        p = self._parameters
        return conv1d(x, p["weight"], p["bias"], self.stride, self.padding, self.dilation,
                      self.groups)


class Conv2d(_ConvNd):
    """2-D convolution over (N, C_in, H, W): weight (out, in/groups, kH, kW), bias (out,)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, dtype)

    def forward(self, x):
        p = self._parameters
        return conv2d(x, p["weight"], p["bias"], self.stride, self.padding, self.dilation,
                      self.groups)


class ConvTranspose2d(_ConvNd):
    """Transposed 2-D convolution: weight (in, out/groups, kH, kW), bias (out,)."""

    _transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 dtype=None):
        if isinstance(padding, str):
            raise ValueError("ConvTranspose2d: padding must be an int or a pair, not a string")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, dtype, output_padding)

    def forward(self, x, output_size=None):
        p = self._parameters
        out_pad = self.output_padding
        if output_size is not None:
            size = tuple(output_size)[-2:]
            base = [(x.shape[-2 + i] - 1) * self.stride[i] - 2 * self.padding[i]
                    + self.dilation[i] * (self.kernel_size[i] - 1) + 1 for i in range(2)]
            out_pad = tuple(s - b for s, b in zip(size, base))
        return conv_transpose2d(x, p["weight"], p["bias"], self.stride, self.padding, out_pad,
                                self.groups, self.dilation)
