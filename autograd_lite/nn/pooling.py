"""Pooling, padding and resampling: ``F.max_pool1d/2d``, ``F.avg_pool1d/2d``,
``F.adaptive_avg_pool1d/2d``, ``F.pad``, ``F.interpolate`` and the modules ``MaxPool1d``,
``MaxPool2d``, ``AvgPool1d``, ``AvgPool2d``, ``AdaptiveAvgPool2d``, ``Upsample``; PyTorch's
semantics and error classes.

Pooling runs on the Numba kernels (ops/conv_ops.py); 1-D pooling is 2-D pooling with a unit
height. ``pad`` and ``interpolate`` are composed from indexing, concatenation and arithmetic
ops, so their derivatives (of every order) come from those ops.
"""
import math
import numbers

import numpy as np

from .. import ops
from ..errors import OpError
from ..ops import conv_ops
from ..tensor import Tensor
from .conv import _as_tensor, _tuple
from .module import Module

__all__ = ["max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d",
           "adaptive_avg_pool2d", "pad", "interpolate", "MaxPool1d", "MaxPool2d", "AvgPool1d",
           "AvgPool2d", "AdaptiveAvgPool2d", "Upsample"]


def _pool_args(fn, x, n, kernel_size, stride, padding, dilation):
    """Checked (kernel, stride, padding, dilation) as (h, w) pairs; 1-D (n == 1) as (1, k)."""
    x = _as_tensor(x, fn)
    if x.ndim not in (n + 1, n + 2):
        raise OpError(f"{fn}: Expected {n + 1}D or {n + 2}D (batch mode) input to {fn}, but got "
                      f"input of size: {list(x.shape)}")
    k = _tuple(kernel_size, n, "kernel_size", fn)
    s = k if stride is None or (not isinstance(stride, numbers.Integral) and len(stride) == 0) \
        else _tuple(stride, n, "stride", fn)
    p = _tuple(padding, n, "padding", fn)
    d = _tuple(dilation, n, "dilation", fn)
    if min(k) < 1 or min(s) < 1 or min(d) < 1:
        raise OpError(f"{fn}: kernel_size, stride and dilation must be positive, got kernel "
                      f"{k}, stride {s}, dilation {d} (input {list(x.shape)})")
    if min(p) < 0:
        raise OpError(f"{fn}: negative padding is not supported, got padding={padding!r} "
                      f"(input {list(x.shape)})")
    if any(pi > ki // 2 for pi, ki in zip(p, k)):
        raise OpError(f"{fn}: pad should be at most half of effective kernel size, but got "
                      f"pad={p}, kernel_size={k} (input {list(x.shape)})")
    if n == 1:
        k, s, p, d = (1,) + k, (1,) + s, (0,) + p, (1,) + d
        x = x.unsqueeze(-2)
    return x, k, s, p, d


def _too_small(fn, x, k, d, p):
    for ax in (-2, -1):
        if x.shape[ax] + 2 * p[ax] < d[ax] * (k[ax] - 1) + 1:
            raise OpError(f"{fn}: input of size {list(x.shape)} is too small for kernel "
                          f"{k} (dilation {d}, padding {p}): the output would be empty")


def _max_pool(fn, n, x, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    x, k, s, p, d = _pool_args(fn, x, n, kernel_size, stride, padding, dilation)
    _too_small(fn, x, k, d, p)
    y, idx = conv_ops.MaxPool2d.apply(x, (k, s, p, d, bool(ceil_mode)))
    if n == 1:
        y, idx = y.squeeze(-2), idx.squeeze(-2)
    return (y, idx) if return_indices else y


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """Max over windows of (N, C, L) or (C, L); indices are positions along L."""
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """Max over windows of (N, C, H, W) or (C, H, W); padding counts as −∞; indices are flat
    positions h·W + w in each plane (PyTorch's, usable by max_unpool)."""
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def _avg_pool(fn, n, x, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    x, k, s, p, d = _pool_args(fn, x, n, kernel_size, stride, padding, 1)
    _too_small(fn, x, k, d, p)
    if divisor_override is not None and divisor_override == 0:
        raise OpError(f"{fn}: divisor must be not zero")
    spec = ("avg", k, s, p, bool(ceil_mode), bool(count_include_pad), divisor_override)
    y = conv_ops.AvgPool.apply(x, spec)
    return y.squeeze(-2) if n == 1 else y


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True):
    """Mean over windows of (N, C, L) or (C, L), PyTorch's divisor rules."""
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True, divisor_override=None):
    """Mean over windows of (N, C, H, W) or (C, H, W): the divisor counts the padding when
    count_include_pad (never the ceil_mode overhang), or is divisor_override."""
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def _adaptive(fn, n, x, output_size):
    x = _as_tensor(x, fn)
    if x.ndim not in (n + 1, n + 2) or any(s == 0 for s in x.shape[1:]):
        raise OpError(f"{fn}: Expected {n + 1}D or {n + 2}D tensor with non-zero sizes for the "
                      f"non-batch dims, but got input of size: {list(x.shape)}")
    if n == 1:
        size = (1, _tuple(output_size, 1, "output_size", fn)[0])
        x = x.unsqueeze(-2)
    else:
        if isinstance(output_size, numbers.Integral):
            output_size = (output_size, output_size)
        size = tuple(x.shape[-2 + i] if o is None else int(o) for i, o in enumerate(output_size))
    if min(size) < 1:
        raise OpError(f"{fn}: output_size must be positive, got {output_size!r}")
    y = conv_ops.AvgPool.apply(x, ("adaptive", size))
    return y.squeeze(-2) if n == 1 else y


def adaptive_avg_pool1d(input, output_size):  # noqa: A002
    """Adaptive average pooling of (N, C, L): cell i averages floor(iL/O) .. ceil((i+1)L/O)−1."""
    return _adaptive("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    """Adaptive average pooling of (N, C, H, W) to output_size (an int, a pair, None keeps the
    input's size), windows as adaptive_avg_pool1d per axis (non-divisible sizes overlap)."""
    return _adaptive("adaptive_avg_pool2d", 2, input, output_size)


# ---- pad --------------------------------------------------------------------------------------
def _take(x, dim, idx):
    """x indexed along ``dim`` by the int array idx (a recorded GetItem)."""
    return x[(slice(None),) * dim + (idx,)]


def pad(input, pad, mode="constant", value=None):  # noqa: A002
    """Pad the last len(pad)/2 dims, pad = (last_lo, last_hi, prev_lo, prev_hi, ...).

    constant: ``value`` (0 by default) around the input (negative amounts crop); reflect:
    mirror without repeating the edge (amount < size); replicate: repeat the edge; circular:
    wrap around (amount ≤ size). Composed from cat/narrow and integer indexing."""
    fn = "pad"
    x = _as_tensor(input, fn)
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise OpError(f"{fn}: padding length must be even and at most twice the input's dims, "
                      f"got pad={pad} for input of size {list(x.shape)}")
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"{fn}: unsupported padding mode {mode!r} (constant, reflect, "
                                  f"replicate, circular)")
    if mode != "constant" and value not in (None, 0):
        raise OpError(f"{fn}: padding mode {mode!r} doesn't take in value argument")
    for i in range(len(pad) // 2):
        dim = x.ndim - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        n = x.shape[dim]
        if mode == "constant":
            x = _pad_constant(x, dim, lo, hi, 0.0 if value is None else value)
            continue
        if min(lo, hi) < 0:
            raise OpError(f"{fn}: negative padding is not supported in {mode} mode, got "
                          f"pad={pad} (input {list(x.shape)})")
        if mode == "reflect" and max(lo, hi) >= n:
            raise OpError(f"{fn}: Padding size should be less than the corresponding input "
                          f"dimension, but got: padding ({lo}, {hi}) at dimension {dim} of "
                          f"input {list(x.shape)}")
        if mode == "circular" and max(lo, hi) > n:
            raise OpError(f"{fn}: Padding value causes wrapping around more than once (pad "
                          f"{pad}, input {list(x.shape)})")
        if n == 0:
            raise OpError(f"{fn}: cannot pad an empty dimension {dim} in {mode} mode")
        j = np.arange(-lo, n + hi)
        if mode == "reflect":
            j = np.abs(j)
            j = np.where(j > n - 1, 2 * (n - 1) - j, j)
        elif mode == "replicate":
            j = np.clip(j, 0, n - 1)
        else:
            j = j % n
        x = _take(x, dim, j)
    return x


def _pad_constant(x, dim, lo, hi, value):
    if lo < 0 or hi < 0:
        start, stop = max(-lo, 0), x.shape[dim] - max(-hi, 0)
        if stop < start:
            raise OpError(f"pad: the negative padding ({lo}, {hi}) crops dimension {dim} of size "
                          f"{x.shape[dim]} below zero")
        x = ops.narrow(x, dim, start, stop - start)
        lo, hi = max(lo, 0), max(hi, 0)
    parts = []
    for amount in (lo, None, hi):
        if amount is None:
            parts.append(x)
        elif amount > 0:
            shape = list(x.shape)
            shape[dim] = amount
            parts.append(Tensor(np.full(shape, value, dtype=x.dtype)))
    return parts[0] if len(parts) == 1 else ops.cat(parts, dim)


# ---- interpolate ------------------------------------------------------------------------------
_LINEAR = {"linear": 1, "bilinear": 2, "trilinear": 3}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,  # noqa: A002
                recompute_scale_factor=None, antialias=False):
    """Resample the spatial dims of (N, C, *spatial): nearest (source ⌊dst·scale⌋) or
    (bi/tri)linear, separable per axis, source (dst + ½)·scale − ½ clamped at 0, or
    dst·(in − 1)/(out − 1) with align_corners; scale = in/out, or 1/scale_factor when given
    and not recomputed (PyTorch's rules). Composed from indexing and arithmetic ops."""
    fn = "interpolate"
    x = _as_tensor(input, fn)
    n = x.ndim - 2
    if n < 1:
        raise OpError(f"{fn}: expected an input of at least 3 dims (N, C, *spatial), got "
                      f"{list(x.shape)}")
    if mode not in ("nearest",) + tuple(_LINEAR):
        raise NotImplementedError(f"{fn}: mode {mode!r} is not supported (nearest, linear, "
                                  f"bilinear, trilinear)")
    if mode in _LINEAR and _LINEAR[mode] != n:
        raise NotImplementedError(f"{fn}: Got {x.ndim}D input, but {mode} mode needs "
                                  f"{_LINEAR[mode] + 2}D input")
    if mode == "nearest" and align_corners is not None:
        raise ValueError(f"{fn}: align_corners option can only be set with the interpolating "
                         f"modes: linear | bilinear | bicubic | trilinear")
    if antialias:
        raise NotImplementedError(f"{fn}: antialias is not supported")
    if size is None and scale_factor is None:
        raise ValueError(f"{fn}: either size or scale_factor should be defined (input of size "
                         f"{list(x.shape)})")
    if size is not None and scale_factor is not None:
        raise ValueError(f"{fn}: only one of size or scale_factor should be defined")
    in_sizes = tuple(x.shape[2:])
    if size is not None:
        out_sizes = _tuple(size, n, "size", fn)
        scales = [None] * n
    else:
        sf = (tuple(float(s) for s in scale_factor) if isinstance(scale_factor, (tuple, list))
              else (float(scale_factor),) * n)
        if len(sf) != n:
            raise ValueError(f"{fn}: scale_factor {scale_factor!r} must have {n} elements for "
                             f"input of size {list(x.shape)}")
        out_sizes = tuple(int(math.floor(i * s)) for i, s in zip(in_sizes, sf))
        scales = [None if recompute_scale_factor else 1.0 / s for s in sf]
    if min(out_sizes) < 1:
        raise OpError(f"{fn}: output size {out_sizes} must be positive (input {list(x.shape)})")
    corners = bool(align_corners)
    for ax in range(n):
        dim, n_in, n_out = 2 + ax, in_sizes[ax], out_sizes[ax]
        scale = scales[ax] if scales[ax] is not None else n_in / n_out
        dst = np.arange(n_out)
        if mode == "nearest":
            src = np.floor(dst.astype(np.float32) * np.float32(scale)).astype(np.int64)
            x = _take(x, dim, np.minimum(src, n_in - 1))
            continue
        if corners:
            src = dst * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
        else:
            src = np.maximum((dst + 0.5) * scale - 0.5, 0.0)
        i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
        i1 = np.minimum(i0 + 1, n_in - 1)
        shape = [1] * x.ndim
        shape[dim] = n_out
        lam = Tensor((src - i0).astype(x.dtype).reshape(shape))
        x = _take(x, dim, i0) * (1 - lam) + _take(x, dim, i1) * lam
    return x


# ---- modules ----------------------------------------------------------------------------------
class _MaxPoolNd(Module):
    _fn = None

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride or kernel_size, padding
        self.dilation, self.return_indices, self.ceil_mode = dilation, return_indices, ceil_mode

    def forward(self, x):
        return type(self)._fn(x, self.kernel_size, self.stride, self.padding, self.dilation,
                              self.ceil_mode, self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """Max pooling over (N, C, L); see F.max_pool1d."""
    _fn = staticmethod(max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """Max pooling over (N, C, H, W); see F.max_pool2d."""
    _fn = staticmethod(max_pool2d)


class AvgPool1d(Module):
    """Average pooling over (N, C, L); see F.avg_pool1d."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride or kernel_size, padding
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, x):
        return avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(Module):
    """Average pooling over (N, C, H, W); see F.avg_pool2d."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride or kernel_size, padding
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad
        self.divisor_override = divisor_override

    def forward(self, x):
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Adaptive average pooling to ``output_size``; see F.adaptive_avg_pool2d."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, x):
        return adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class Upsample(Module):
    """Resampling by ``size`` or ``scale_factor``; see F.interpolate."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.size, self.scale_factor, self.mode = size, scale_factor, mode
        self.align_corners, self.recompute_scale_factor = align_corners, recompute_scale_factor

    def forward(self, x):
        return interpolate(x, self.size, self.scale_factor, self.mode, self.align_corners,
                           self.recompute_scale_factor)

    def extra_repr(self):
        info = (f"size={self.size}" if self.scale_factor is None
                else f"scale_factor={self.scale_factor}")
        return f"{info}, mode={self.mode!r}"
