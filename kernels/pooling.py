"""2-D pooling over the last two axes (PyTorch semantics): max, average, adaptive average.

Arrays: ``x`` (..., H, W), C-contiguous float32/float64; the leading axes (N, C, or none) are
independent planes, so 1-D pooling is this with H = 1 (kernel (1, k)). Outputs are
(..., OH, OW) in x's dtype. ``kernel_size``, ``stride`` (default: the kernel), ``padding``,
``dilation`` are an int or (h, w).

Output size (PyTorch's pooling_output_shape), per axis with e = dilation (kernel - 1) + 1:
    out = floor_or_ceil((size + 2 pad - e) / stride) + 1, and with ceil_mode the last window
    is dropped when it would start in the right padding: (out - 1) stride >= size + pad.
Padding must be at most half the kernel (PyTorch's rule).

max_pool2d:  padding counts as -inf; ``indices`` (int64, same shape as the output) hold the flat
             position ``ih * W + iw`` of the maximum inside its input plane (PyTorch's
             convention); the first maximum wins, a NaN wins and propagates (PyTorch's rule).
             backward scatter-adds grad into a zeroed plane at those indices.
avg_pool2d:  PyTorch's divisor: the window clipped to [-pad, size + pad) (so the ceil_mode
             overhang beyond the padding is never counted) when count_include_pad, else the
             window clipped to the input; ``divisor_override`` replaces both.
adaptive_avg_pool2d: output cell i averages rows floor(i H / OH) .. ceil((i + 1) H / OH) - 1
             (and the same for columns).

Loops are serial over planes (the work per plane is small and the LeNet/CNN shapes are at most
a few hundred K elements); thread use can be added behind ``threads.use_parallel`` once a
benchmark shows it paying.
"""
import numpy as np
from numba import njit

from ._checks import FLOATS, out_array
from .conv import _pair

_FLAGS = dict(cache=True, error_model="numpy", fastmath={"contract"})


@njit(**_FLAGS)
def _max_fwd(x, kh, kw, sh, sw, ph, pw, dh, dw, out, idx):
    planes, h, w = x.shape
    oh, ow = out.shape[1], out.shape[2]
    ninf = -np.inf
    for p in range(planes):
        xp = x[p]
        for y in range(oh):
            h0 = y * sh - ph
            h1 = min(h0 + (kh - 1) * dh + 1, h)
            while h0 < 0:
                h0 += dh
            for q in range(ow):
                w0 = q * sw - pw
                w1 = min(w0 + (kw - 1) * dw + 1, w)
                while w0 < 0:
                    w0 += dw
                best = x.dtype.type(ninf)
                arg = h0 * w + w0
                for ih in range(h0, h1, dh):
                    row = xp[ih]
                    for iw in range(w0, w1, dw):
                        v = row[iw]
                        if v > best or v != v:
                            best = v
                            arg = ih * w + iw
                out[p, y, q] = best
                idx[p, y, q] = arg


@njit(**_FLAGS)
def _max_fwd_2x2(x, out, idx):
    """Only an optimisation of _max_fwd for kernel 2, stride 2, no padding or dilation, every
    window inside the input (LeNet's and most CNNs' pooling): the fixed window unrolls.
    Measured at 384 planes of 24x24, float32, 1 thread: 0.82 ms against 2.15 ms generic (1.94
    with the generic loops minus padding and dilation); PyTorch 1.35 ms."""
    planes, h, w = x.shape
    oh, ow = out.shape[1], out.shape[2]
    ninf = x.dtype.type(-np.inf)
    for p in range(planes):
        xp, op, ip = x[p], out[p], idx[p]
        for y in range(oh):
            for q in range(ow):
                best = ninf
                arg = 2 * y * w + 2 * q
                for a in range(2):
                    row = xp[2 * y + a]
                    for b in range(2):
                        v = row[2 * q + b]
                        if v > best or v != v:  # first maximum wins; NaN wins (PyTorch)
                            best = v
                            arg = (2 * y + a) * w + 2 * q + b
                op[y, q] = best
                ip[y, q] = arg


@njit(**_FLAGS)
def _max_bwd(grad, idx, dx):
    planes = dx.shape[0]
    for p in range(planes):
        d = dx[p]
        for k in range(d.shape[0]):
            d[k] = 0
        g, ix = grad[p], idx[p]
        for k in range(g.shape[0]):
            d[ix[k]] += g[k]


@njit(**_FLAGS)
def _avg_window(y, q, kh, kw, sh, sw, ph, pw, h, w, include_pad, divisor):
    """(h0, h1, w0, w1, 1/divisor) of output cell (y, q), PyTorch's avg_pool2d rules."""
    h0 = y * sh - ph
    w0 = q * sw - pw
    h1 = min(h0 + kh, h + ph)
    w1 = min(w0 + kw, w + pw)
    size = (h1 - h0) * (w1 - w0)
    h0, w0 = max(h0, 0), max(w0, 0)
    h1, w1 = min(h1, h), min(w1, w)
    if divisor > 0:
        div = divisor
    elif include_pad:
        div = size
    else:
        div = (h1 - h0) * (w1 - w0)
    return h0, h1, w0, w1, div


@njit(**_FLAGS)
def _avg(x, out, kh, kw, sh, sw, ph, pw, include_pad, divisor, backward, adaptive):
    """Forward: out (P, OH, OW) = window sums of x (P, H, W) / divisor. Backward
    (backward=True): x is the gradient (P, OH, OW) and out the zeroed-then-filled dx (P, H, W).
    Windows: avg_pool2d's (_avg_window), or with ``adaptive`` rows floor(y H / OH) to
    ceil((y + 1) H / OH) (and columns alike) divided by their size; kh..pw unused then."""
    if backward:
        planes, oh, ow = x.shape
        h, w = out.shape[1], out.shape[2]
        out[:] = 0
    else:
        planes, h, w = x.shape
        oh, ow = out.shape[1], out.shape[2]
    for p in range(planes):
        for y in range(oh):
            for q in range(ow):
                if adaptive:
                    h0, h1 = (y * h) // oh, ((y + 1) * h + oh - 1) // oh
                    w0, w1 = (q * w) // ow, ((q + 1) * w + ow - 1) // ow
                    div = (h1 - h0) * (w1 - w0)
                else:
                    h0, h1, w0, w1, div = _avg_window(y, q, kh, kw, sh, sw, ph, pw, h, w,
                                                      include_pad, divisor)
                if backward:
                    g = x[p, y, q] / div
                    for ih in range(h0, h1):
                        for iw in range(w0, w1):
                            out[p, ih, iw] += g
                else:
                    s = x.dtype.type(0)
                    for ih in range(h0, h1):
                        for iw in range(w0, w1):
                            s += x[p, ih, iw]
                    out[p, y, q] = s / div


# ---- argument handling ------------------------------------------------------------------------

def pool_output_size(size, kernel, stride, padding, dilation=1, ceil_mode=False):
    """PyTorch's pooling output length along one axis."""
    eff = dilation * (kernel - 1) + 1
    num = size + 2 * padding - eff + (stride - 1 if ceil_mode else 0)
    out = num // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def _planes(x, fn, name="x"):
    """x as a C-contiguous float array and its (planes, H, W) view."""
    x = np.asarray(x)
    if x.dtype not in FLOATS:
        raise ValueError(f"{fn}: {name} must be float32 or float64, got dtype {x.dtype}")
    if x.ndim < 2:
        raise ValueError(f"{fn}: {name} must be (..., H, W), got shape {x.shape}")
    x = np.ascontiguousarray(x)
    return x, x.reshape((-1,) + x.shape[-2:])


def _geometry(fn, hw, kernel_size, stride, padding, dilation, ceil_mode):
    kh, kw = _pair(kernel_size, fn, "kernel_size")
    sh, sw = _pair(kernel_size if stride is None or stride == () else stride, fn, "stride")
    ph, pw = _pair(padding, fn, "padding")
    dh, dw = _pair(dilation, fn, "dilation")
    if min(kh, kw, sh, sw, dh, dw) < 1:
        raise ValueError(f"{fn}: kernel_size, stride and dilation must be >= 1, got "
                         f"{kernel_size!r}, {stride!r}, {dilation!r}")
    if ph < 0 or pw < 0 or ph > kh // 2 or pw > kw // 2:
        raise ValueError(f"{fn}: padding {padding!r} must be non-negative and at most half the "
                         f"kernel size {kernel_size!r}")
    oh = pool_output_size(hw[0], kh, sh, ph, dh, ceil_mode)
    ow = pool_output_size(hw[1], kw, sw, pw, dw, ceil_mode)
    if oh < 1 or ow < 1:
        raise ValueError(f"{fn}: input of spatial size {tuple(hw)} is too small for kernel "
                         f"{(kh, kw)} (dilation {(dh, dw)}, padding {(ph, pw)}): output would be "
                         f"{(oh, ow)}")
    return kh, kw, sh, sw, ph, pw, dh, dw, oh, ow


# ---- public kernels ---------------------------------------------------------------------------

def max_pool2d_forward(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                       out=None, indices_out=None):
    """Max pooling of x (..., H, W); returns (y, indices), both (..., OH, OW), indices int64
    flat positions ih * W + iw in the input plane. Writes into out/indices_out when given."""
    fn = "max_pool2d_forward"
    x, x3 = _planes(x, fn)
    kh, kw, sh, sw, ph, pw, dh, dw, oh, ow = _geometry(fn, x.shape[-2:], kernel_size, stride,
                                                       padding, dilation, ceil_mode)
    shape = x.shape[:-2] + (oh, ow)
    y = out_array(out, shape, x.dtype, fn)
    idx = out_array(indices_out, shape, np.dtype(np.int64), fn, "indices_out")
    y3, i3 = y.reshape((-1, oh, ow)), idx.reshape((-1, oh, ow))
    if (kh, kw, sh, sw, ph, pw, dh, dw) == (2, 2, 2, 2, 0, 0, 1, 1) and 2 * oh <= x.shape[-2] \
            and 2 * ow <= x.shape[-1]:
        _max_fwd_2x2(x3, y3, i3)
    else:
        _max_fwd(x3, kh, kw, sh, sw, ph, pw, dh, dw, y3, i3)
    return y, idx


def max_pool2d_backward(grad, indices, input_hw, out=None):
    """dx (..., H, W): grad (..., OH, OW) scatter-added at ``indices`` (from the forward) into
    zeroed input planes of size ``input_hw`` = (H, W)."""
    fn = "max_pool2d_backward"
    grad, g3 = _planes(grad, fn, "grad")
    indices = np.asarray(indices)
    if indices.shape != grad.shape or indices.dtype != np.int64:
        raise ValueError(f"{fn}: indices must be int64 with grad's shape {grad.shape}, got "
                         f"{indices.shape} {indices.dtype}")
    h, w = _pair(input_hw, fn, "input_hw")
    p, k = g3.shape[0], g3.shape[1] * g3.shape[2]
    dx = out_array(out, grad.shape[:-2] + (h, w), grad.dtype, fn)
    if indices.size and (indices.min() < 0 or indices.max() >= h * w):
        raise ValueError(f"{fn}: indices must lie in [0, {h * w}) for input planes {(h, w)}")
    _max_bwd(g3.reshape(p, k), np.ascontiguousarray(indices).reshape(p, k), dx.reshape(p, h * w))
    return dx


def avg_pool2d_forward(x, kernel_size, stride=None, padding=0, ceil_mode=False,
                       count_include_pad=True, divisor_override=None, out=None):
    """Average pooling of x (..., H, W) -> (..., OH, OW) with PyTorch's divisor rules."""
    fn = "avg_pool2d_forward"
    x, x3 = _planes(x, fn)
    kh, kw, sh, sw, ph, pw, _, _, oh, ow = _geometry(fn, x.shape[-2:], kernel_size, stride,
                                                     padding, 1, ceil_mode)
    div = _divisor(divisor_override, fn)
    y = out_array(out, x.shape[:-2] + (oh, ow), x.dtype, fn)
    _avg(x3, y.reshape((-1, oh, ow)), kh, kw, sh, sw, ph, pw, bool(count_include_pad), div, False,
         False)
    return y


def avg_pool2d_backward(grad, input_hw, kernel_size, stride=None, padding=0, ceil_mode=False,
                        count_include_pad=True, divisor_override=None, out=None):
    """dx (..., H, W) of avg_pool2d_forward from grad (..., OH, OW); ``input_hw`` = (H, W)."""
    fn = "avg_pool2d_backward"
    h, w = _pair(input_hw, fn, "input_hw")
    grad, g3 = _planes(grad, fn, "grad")
    kh, kw, sh, sw, ph, pw, _, _, oh, ow = _geometry(fn, (h, w), kernel_size, stride, padding, 1,
                                                     ceil_mode)
    if g3.shape[1:] != (oh, ow):
        raise ValueError(f"{fn}: grad has shape {grad.shape} but input {(h, w)} pools to {(oh, ow)}")
    dx = out_array(out, grad.shape[:-2] + (h, w), grad.dtype, fn)
    _avg(g3, dx.reshape((-1, h, w)), kh, kw, sh, sw, ph, pw, bool(count_include_pad),
         _divisor(divisor_override, fn), True, False)
    return dx


def _divisor(d, fn):
    if d is None:
        return 0
    if int(d) != d or d <= 0:
        raise ValueError(f"{fn}: divisor_override must be a positive int, got {d!r}")
    return int(d)


def adaptive_avg_pool2d_forward(x, output_size, out=None):
    """Adaptive average pooling of x (..., H, W) to (..., OH, OW) = output_size (int or pair)."""
    fn = "adaptive_avg_pool2d_forward"
    x, x3 = _planes(x, fn)
    oh, ow = _pair(output_size, fn, "output_size")
    if oh < 1 or ow < 1:
        raise ValueError(f"{fn}: output_size must be positive, got {output_size!r}")
    y = out_array(out, x.shape[:-2] + (oh, ow), x.dtype, fn)
    _avg(x3, y.reshape((-1, oh, ow)), 1, 1, 1, 1, 0, 0, False, 0, False, True)
    return y


def adaptive_avg_pool2d_backward(grad, input_hw, out=None):
    """dx (..., H, W) of adaptive_avg_pool2d_forward from grad (..., OH, OW)."""
    fn = "adaptive_avg_pool2d_backward"
    h, w = _pair(input_hw, fn, "input_hw")
    grad, g3 = _planes(grad, fn, "grad")
    dx = out_array(out, grad.shape[:-2] + (h, w), grad.dtype, fn)
    _avg(g3, dx.reshape((-1, h, w)), 1, 1, 1, 1, 0, 0, False, 0, True, True)
    return dx


__all__ = ["pool_output_size", "max_pool2d_forward", "max_pool2d_backward", "avg_pool2d_forward",
           "avg_pool2d_backward", "adaptive_avg_pool2d_forward", "adaptive_avg_pool2d_backward"]
