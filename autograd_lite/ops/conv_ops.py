"""Convolution and pooling Functions behind ``nn.functional.conv*`` and ``*_pool*``: forward and
numpy backward through the Numba kernels (``kernels.conv``, ``kernels.pooling``), and a ``vjp``
written with the same Functions, so derivatives of every order exist.

Convolution is bilinear, and its three maps form a closed family. With A_w x = conv2d(x, w):
    Conv2d(x, w)              y  = A_w x                      (+ b)
    ConvTranspose2d(y, w)     x  = A_wᵀ y                     (conv2d's input gradient)
    ConvWeightGrad(y, x)      dw = the w with ⟨dw, v⟩ = ⟨y, A_v x⟩ (conv2d's weight gradient)
and each one's gradients are the other two (derivations in each ``vjp``), so any order of
differentiation stays inside the three kernels. ``geom`` = (stride, (top, bottom, left, right),
dilation, groups), already resolved by the caller (nn/conv.py).

Pooling: max pooling's gradient scatters g to the saved argmax indices (``MaxPoolScatter``),
linear in g, whose own gradient gathers at the same indices (``MaxPoolGather``); average and
adaptive average pooling are linear maps, so ``AvgPool`` and ``AvgPoolT`` (its adjoint) are each
other's gradients.
"""
import numpy as np

from .. import kernels
from ..autograd.function import NumpyFunction


def _conv_kw(geom):
    stride, pad, dilation, groups = geom
    return dict(stride=stride, padding=pad, dilation=dilation, groups=groups)


def _bias_sum(g):
    """Σ over N, H, W of a (N, O, H, W) Tensor: the bias gradient, as recorded ops."""
    return g.sum((0, 2, 3))


class Conv2d(NumpyFunction):
    """y = conv2d(x, w) + b; x (N, C, H, W), w (O, C/groups, kH, kW), b (O,) or None."""

    @staticmethod
    def forward(ctx, x, w, b, geom):
        ctx.save_for_backward(x, w)
        ctx.geom = geom
        return kernels.conv2d_forward(x, w, b, **_conv_kw(geom))

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        dx, dw, db = kernels.conv2d_backward(g, x, w, need_input=need_x, need_weight=need_w,
                                             need_bias=need_b, **_conv_kw(ctx.geom))
        return dx, dw, db, None

    @staticmethod
    def vjp(ctx, g):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        geom = ctx.geom
        dx = ConvTranspose2d.apply(g, w, None, geom, tuple(x.shape[2:])) if need_x else None
        dw = ConvWeightGrad.apply(g, x, geom, tuple(w.shape)) if need_w else None
        return dx, dw, (_bias_sum(g) if need_b else None), None


class ConvTranspose2d(NumpyFunction):
    """y = A_wᵀ x + b: conv2d's input gradient as a map of x (PyTorch's conv_transpose2d with
    w in its (C_in, C_out/groups, kH, kW) layout); ``out_hw`` fixes the output size (output
    padding)."""

    @staticmethod
    def forward(ctx, x, w, b, geom, out_hw):
        ctx.save_for_backward(x, w)
        ctx.geom = geom
        y = kernels.conv2d_backward_input(x, w, out_hw, **_conv_kw(geom))
        if b is not None:
            y += b.reshape(-1, 1, 1).astype(y.dtype, copy=False)
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        kw = _conv_kw(ctx.geom)
        g = np.ascontiguousarray(g, x.dtype)
        dx = kernels.conv2d_forward(g, w, None, **kw) if need_x else None
        # ⟨gy, A_wᵀ x⟩ = ⟨A_w gy, x⟩: the weight gradient is conv2d's with the roles swapped
        dw = kernels.conv2d_backward_weight(x, g, w.shape, **kw) if need_w else None
        db = kernels.conv2d_bias_grad(g) if need_b else None
        return dx, dw, db, None, None

    @staticmethod
    def vjp(ctx, g):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        geom = ctx.geom
        dx = Conv2d.apply(g, w, None, geom) if need_x else None
        dw = ConvWeightGrad.apply(x, g, geom, tuple(w.shape)) if need_w else None
        return dx, dw, (_bias_sum(g) if need_b else None), None, None


class ConvWeightGrad(NumpyFunction):
    """dw = conv2d's weight gradient from y (N, O, OH, OW) and x (N, C, H, W): the w-shaped
    array with ⟨dw, v⟩ = ⟨y, A_v x⟩ for every v. Bilinear; for a seed v (w-shaped):
    d⟨v, dw⟩/dy = A_v x = Conv2d(x, v),  d⟨v, dw⟩/dx = A_vᵀ y = ConvTranspose2d(y, v)."""

    @staticmethod
    def forward(ctx, y, x, geom, w_shape):
        ctx.save_for_backward(y, x)
        ctx.geom = geom
        return kernels.conv2d_backward_weight(y, x, w_shape, **_conv_kw(geom))

    @staticmethod
    def backward(ctx, v):
        y, x = ctx.saved_tensors
        need_y, need_x = ctx.needs_input_grad[:2]
        kw = _conv_kw(ctx.geom)
        v = np.ascontiguousarray(v, x.dtype)
        dy = kernels.conv2d_forward(x, v, None, **kw) if need_y else None
        dx = kernels.conv2d_backward_input(y, v, x.shape[2:], **kw) if need_x else None
        return dy, dx, None, None

    @staticmethod
    def vjp(ctx, v):
        y, x = ctx.saved_tensors
        need_y, need_x = ctx.needs_input_grad[:2]
        geom = ctx.geom
        dy = Conv2d.apply(x, v, None, geom) if need_y else None
        dx = ConvTranspose2d.apply(y, v, None, geom, tuple(x.shape[2:])) if need_x else None
        return dy, dx, None, None


# ---- pooling ----------------------------------------------------------------------------------
class MaxPool2d(NumpyFunction):
    """(y, indices) = max pooling of x (..., H, W); ``spec`` = (kernel, stride, padding,
    dilation, ceil_mode) in (h, w) pairs. indices are int64 flat positions in each plane."""

    @staticmethod
    def forward(ctx, x, spec):
        y, idx = kernels.max_pool2d_forward(x, *spec)
        ctx.idx, ctx.hw = idx, x.shape[-2:]
        return y, idx

    @staticmethod
    def backward(ctx, g, _gi=None):
        return kernels.max_pool2d_backward(np.ascontiguousarray(g), ctx.idx, ctx.hw), None

    @staticmethod
    def vjp(ctx, g, _gi=None):
        return MaxPoolScatter.apply(g, ctx.idx, ctx.hw), None


class MaxPoolScatter(NumpyFunction):
    """dx (..., H, W): g (..., OH, OW) added at the flat ``idx`` of each plane; linear in g."""

    @staticmethod
    def forward(ctx, g, idx, hw):
        ctx.idx = idx
        return kernels.max_pool2d_backward(np.ascontiguousarray(g), idx, hw)

    @staticmethod
    def vjp(ctx, gg):
        return MaxPoolGather.apply(gg, ctx.idx), None, None


class MaxPoolGather(NumpyFunction):
    """g (..., OH, OW) = x (..., H, W) read at the flat ``idx`` of each plane: the adjoint of
    MaxPoolScatter (and the max pool's forward given its indices)."""

    @staticmethod
    def forward(ctx, x, idx):
        ctx.idx, ctx.hw = idx, x.shape[-2:]
        flat = x.reshape(x.shape[:-2] + (-1,))
        out = np.take_along_axis(flat, idx.reshape(idx.shape[:-2] + (-1,)), axis=-1)
        return out.reshape(idx.shape)

    @staticmethod
    def vjp(ctx, g):
        return MaxPoolScatter.apply(g, ctx.idx, ctx.hw), None


def _avg(x, spec, backward, hw=None):
    """Average or adaptive-average pooling (spec[0] names which) of x, or (backward) its
    adjoint applied to x with input size hw."""
    kind, args = spec[0], spec[1:]
    x = np.ascontiguousarray(x)
    if kind == "adaptive":
        if backward:
            return kernels.adaptive_avg_pool2d_backward(x, hw)
        return kernels.adaptive_avg_pool2d_forward(x, *args)
    if backward:
        return kernels.avg_pool2d_backward(x, hw, *args)
    return kernels.avg_pool2d_forward(x, *args)


class AvgPool(NumpyFunction):
    """y = P x, P the (adaptive) average-pooling matrix of ``spec``: ("avg", kernel, stride,
    padding, ceil_mode, count_include_pad, divisor_override) or ("adaptive", output_size)."""

    @staticmethod
    def forward(ctx, x, spec):
        ctx.spec, ctx.hw = spec, x.shape[-2:]
        return _avg(x, spec, False)

    @staticmethod
    def backward(ctx, g):
        return _avg(g, ctx.spec, True, ctx.hw), None

    @staticmethod
    def vjp(ctx, g):
        return AvgPoolT.apply(g, ctx.spec, ctx.hw), None


class AvgPoolT(NumpyFunction):
    """x = Pᵀ g: the average pooling's adjoint (its input gradient), itself linear; its
    gradient is P again."""

    @staticmethod
    def forward(ctx, g, spec, hw):
        ctx.spec = spec
        return _avg(g, spec, True, hw)

    @staticmethod
    def vjp(ctx, gg):
        return AvgPool.apply(gg, ctx.spec), None, None
