"""Registry entries for convolution, pooling, padding and resampling (issue 12). Each reference
is a direct numpy loop over output positions (or numpy's own ``np.pad``), written from the
definition and independent of the im2col kernels; samples are tiny (gradgradcheck runs on
each in float64) and random, so max-pool windows have no ties."""
import math

import numpy as np

from ..nn import functional as F
from ..ops import conv_ops
from .entry import OpInfo, SampleInput

__all__ = ["CONV_OPS"]


def _pairs(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v)


def _conv_pads(padding, k, d):
    if padding == "valid":
        return [(0, 0)] * len(k)
    if padding == "same":
        return [(di * (ki - 1) // 2, di * (ki - 1) - di * (ki - 1) // 2) for ki, di in zip(k, d)]
    return [(p, p) for p in _pairs(padding, len(k))]


def _conv_ref(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """y[n, o, i, j] = b[o] + Σ_{c, a, e} xpad[n, g·C/G + c, i·s + a·d, j·s + e·d] w[o, c, a, e]
    for any number of spatial dims (1 or 2), g = o's group: a direct loop."""
    if x.ndim == w.ndim - 1:  # unbatched
        return _conv_ref(x[None], w, b, stride, padding, dilation, groups)[0]
    sp = x.ndim - 2
    k = w.shape[2:]
    s, d = _pairs(stride, sp), _pairs(dilation, sp)
    xp = np.pad(x, [(0, 0), (0, 0)] + _conv_pads(padding, k, d))
    out_sp = [(xp.shape[2 + i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(sp)]
    n, o = x.shape[0], w.shape[0]
    cg, og = w.shape[1], o // groups
    y = np.zeros((n, o) + tuple(out_sp), dtype=np.float64)
    for pos in np.ndindex(*out_sp):
        for oc in range(o):
            g = oc // og
            window = xp[(slice(None), slice(g * cg, (g + 1) * cg))
                        + tuple(slice(pos[i] * s[i], pos[i] * s[i] + d[i] * (k[i] - 1) + 1, d[i])
                                for i in range(sp))]
            y[(slice(None), oc) + pos] = (window * w[oc]).reshape(n, -1).sum(1)
    if b is not None:
        y += b.reshape((1, -1) + (1,) * sp)
    return y.astype(x.dtype)


def _conv2d_samples(rng):
    r = rng.standard_normal
    yield SampleInput((r((2, 2, 5, 5)), r((3, 2, 3, 3)), r(3)), name="3x3")
    yield SampleInput((r((2, 3, 5, 4)), r((2, 3, 2, 3)), None),
                      {"stride": (2, 1), "padding": (1, 2), "dilation": (1, 2)},
                      name="stride, pad, dilation pairs")
    yield SampleInput((r((1, 4, 5, 5)), r((4, 2, 3, 3)), r(4)), {"groups": 2, "padding": "same"},
                      name="groups 2, same")
    yield SampleInput((r((2, 2, 4, 5)), r((4, 1, 2, 2)), None), {"groups": 2, "padding": "same"},
                      name="depthwise x2, even kernel same (asymmetric)")
    yield SampleInput((r((2, 4, 4)), r((2, 2, 3, 3)), r(2)), {"padding": "valid"},
                      name="unbatched (C, H, W)")


def _conv1d_samples(rng):
    r = rng.standard_normal
    yield SampleInput((r((2, 2, 7)), r((3, 2, 3)), r(3)), {"stride": 2, "padding": 1},
                      name="stride 2 pad 1")
    yield SampleInput((r((2, 4, 6)), r((4, 1, 2)), None), {"groups": 4, "padding": "same",
                                                          "dilation": 2}, name="depthwise same")


def _conv_t_ref(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Scatter form: out[n, g·O/G + o, i·s − p + a·d, j·s − p + e·d] += x[n, c, i, j] w[c, o, a, e]
    (c in group g)."""
    s, p, op, d = (_pairs(v, 2) for v in (stride, padding, output_padding, dilation))
    n, c, h, wd = x.shape
    og, kh, kw = w.shape[1:]
    cg = c // groups
    full = ((h - 1) * s[0] + d[0] * (kh - 1) + 1 + op[0], (wd - 1) * s[1] + d[1] * (kw - 1) + 1
            + op[1])
    out = np.zeros((n, og * groups) + full)
    for ci in range(c):
        g = ci // cg
        for i in range(h):
            for j in range(wd):
                for a in range(kh):
                    for e in range(kw):
                        out[:, g * og:(g + 1) * og, i * s[0] + a * d[0], j * s[1] + e * d[1]] += \
                            x[:, ci, i, j][:, None] * w[ci, :, a, e][None]
    out = out[:, :, p[0]:full[0] - p[0], p[1]:full[1] - p[1]]
    if b is not None:
        out = out + b.reshape(1, -1, 1, 1)
    return out.astype(x.dtype)


def _conv_t_samples(rng):
    r = rng.standard_normal
    yield SampleInput((r((2, 2, 3, 3)), r((2, 3, 3, 3)), r(3)), name="3x3")
    yield SampleInput((r((1, 4, 3, 2)), r((4, 1, 2, 3)), r(2)),
                      {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2},
                      name="stride 2, output_padding, groups 2")
    yield SampleInput((r((2, 2, 3, 3)), r((2, 2, 2, 2)), None), {"dilation": 2, "stride": (1, 2)},
                      name="dilation 2")


# ---- pooling --------------------------------------------------------------------------------
def _windows(size, k, s, p, d, ceil_mode):
    e = d * (k - 1) + 1
    out = (size + 2 * p - e + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _max_pool_ref(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                  return_indices=False, dims=2):
    k = _pairs(kernel_size, dims)
    s = k if stride is None else _pairs(stride, dims)
    p, d = _pairs(padding, dims), _pairs(dilation, dims)
    sp = x.shape[-dims:]
    outs = [_windows(sp[i], k[i], s[i], p[i], d[i], ceil_mode) for i in range(dims)]
    lead = x.shape[:-dims]
    y = np.empty(lead + tuple(outs), x.dtype)
    idx = np.empty(lead + tuple(outs), np.int64)
    for lpos in np.ndindex(*lead):
        for pos in np.ndindex(*outs):
            best, arg = -np.inf, None
            for kpos in np.ndindex(*k):
                src = [pos[i] * s[i] - p[i] + kpos[i] * d[i] for i in range(dims)]
                if all(0 <= src[i] < sp[i] for i in range(dims)):
                    v = x[lpos + tuple(src)]
                    if v > best:
                        best, arg = v, int(np.ravel_multi_index(src, sp))
            y[lpos + pos], idx[lpos + pos] = best, arg
    return (y, idx) if return_indices else y


def _max_pool1d_ref(x, *args, **kwargs):
    return _max_pool_ref(x, *args, dims=1, **kwargs)


def _max_pool2d_samples(rng):
    r = rng.standard_normal
    yield SampleInput((r((2, 2, 5, 5)), 2), name="k2")
    yield SampleInput((r((2, 2, 5, 6)), 3), {"stride": 2, "padding": 1, "ceil_mode": True},
                      name="k3 s2 p1 ceil")
    yield SampleInput((r((2, 5, 5)), (2, 3)), {"stride": 1, "dilation": (2, 1),
                                              "return_indices": True},
                      name="unbatched, dilation, return_indices")


def _max_pool1d_samples(rng):
    r = rng.standard_normal
    yield SampleInput((r((2, 2, 7)), 3), {"stride": 2, "padding": 1}, name="k3 s2 p1")
    yield SampleInput((r((2, 7)), 2), {"ceil_mode": True, "return_indices": True},
                      name="unbatched ceil, indices")


def _max_pool_scatter(g, idx, hw):
    """max_pool2d's gradient as an op of g (its indices fixed): registered so that its own
    derivative, the gather MaxPoolGather, is checked too (it appears only at third order)."""
    return conv_ops.MaxPoolScatter.apply(g, idx.numpy(), hw)


def _max_pool_scatter_ref(g, idx, hw):
    planes = int(np.prod(g.shape[:-2]))
    out = np.zeros((planes, hw[0] * hw[1]), g.dtype)
    for row, (gr, ir) in enumerate(zip(g.reshape(planes, -1), idx.reshape(planes, -1))):
        np.add.at(out[row], ir, gr)
    return out.reshape(g.shape[:-2] + tuple(hw))


def _max_pool_scatter_samples(rng):
    idx = rng.integers(0, 20, size=(2, 3, 2, 3))  # repeats accumulate (overlapping windows)
    yield SampleInput((rng.standard_normal((2, 3, 2, 3)), idx, (4, 5)), name="(2,3) -> (4,5)")


def _avg_pool_ref(x, kernel_size, stride=None, padding=0, ceil_mode=False,
                  count_include_pad=True, divisor_override=None, dims=2):
    k = _pairs(kernel_size, dims)
    s = k if stride is None else _pairs(stride, dims)
    p = _pairs(padding, dims)
    sp = x.shape[-dims:]
    outs = [_windows(sp[i], k[i], s[i], p[i], 1, ceil_mode) for i in range(dims)]
    y = np.empty(x.shape[:-dims] + tuple(outs), np.float64)
    for pos in np.ndindex(*outs):
        lo = [pos[i] * s[i] - p[i] for i in range(dims)]
        hi_pad = [min(lo[i] + k[i], sp[i] + p[i]) for i in range(dims)]
        clo = [max(v, 0) for v in lo]
        chi = [min(hi_pad[i], sp[i]) for i in range(dims)]
        win = x[(Ellipsis,) + tuple(slice(a, b) for a, b in zip(clo, chi))]
        total = win.reshape(x.shape[:-dims] + (-1,)).sum(-1)
        if divisor_override:
            div = divisor_override
        elif count_include_pad:
            div = math.prod(h - a for a, h in zip(lo, hi_pad))
        else:
            div = math.prod(b - a for a, b in zip(clo, chi))
        y[(Ellipsis,) + pos] = total / div
    return y.astype(x.dtype)


def _avg_pool1d_ref(x, *args, **kwargs):
    return _avg_pool_ref(x, *args, dims=1, **kwargs)


def _avg_pool2d_samples(rng):
    r = rng.standard_normal
    yield SampleInput((r((2, 2, 5, 5)), 2), name="k2")
    yield SampleInput((r((2, 2, 5, 6)), 3), {"stride": 2, "padding": 1, "ceil_mode": True,
                                             "count_include_pad": False},
                      name="k3 s2 p1 ceil, exclude pad")
    yield SampleInput((r((2, 5, 5)), (2, 3)), {"stride": 2, "padding": 1, "ceil_mode": True},
                      name="unbatched, ceil, include pad")
    yield SampleInput((r((1, 2, 4, 4)), 2), {"divisor_override": 3}, name="divisor_override")


def _avg_pool1d_samples(rng):
    r = rng.standard_normal
    yield SampleInput((r((2, 2, 7)), 3), {"stride": 2, "padding": 1}, name="k3 s2 p1")
    yield SampleInput((r((2, 7)), 2), {"ceil_mode": True, "count_include_pad": False},
                      name="unbatched ceil")


def _adaptive_ref(x, output_size, dims=2):
    outs = _pairs(output_size, dims)
    sp = x.shape[-dims:]
    outs = tuple(sp[i] if outs[i] is None else outs[i] for i in range(dims))
    y = np.empty(x.shape[:-dims] + outs, np.float64)
    for pos in np.ndindex(*outs):
        sl = tuple(slice(pos[i] * sp[i] // outs[i], -(-(pos[i] + 1) * sp[i] // outs[i]))
                   for i in range(dims))
        y[(Ellipsis,) + pos] = x[(Ellipsis,) + sl].reshape(x.shape[:-dims] + (-1,)).mean(-1)
    return y.astype(x.dtype)


def _adaptive1d_ref(x, output_size):
    return _adaptive_ref(x, output_size, dims=1)


def _adaptive2d_samples(rng):
    r = rng.standard_normal
    yield SampleInput((r((2, 2, 5, 7)), (3, 4)), name="5x7 -> 3x4 (overlapping)")
    yield SampleInput((r((2, 4, 4)), 2), name="unbatched 4x4 -> 2x2")
    yield SampleInput((r((1, 2, 5, 3)), (None, 2)), name="None keeps H")


def _adaptive1d_samples(rng):
    yield SampleInput((rng.standard_normal((2, 2, 7)), 3), name="7 -> 3")


# ---- pad and interpolate ----------------------------------------------------------------------
_NP_MODE = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _pad_ref(x, pad, mode="constant", value=None):
    width = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        width[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    crop = tuple(slice(max(-a, 0), x.shape[k] - max(-b, 0)) for k, (a, b) in enumerate(width))
    x = x[crop]
    width = [(max(a, 0), max(b, 0)) for a, b in width]
    if mode == "constant":
        return np.pad(x, width, constant_values=0.0 if value is None else value)
    return np.pad(x, width, mode=_NP_MODE[mode])


def _pad_samples(rng):
    r = rng.standard_normal
    yield SampleInput((r((2, 3, 4)), (1, 2)), name="constant last dim")
    yield SampleInput((r((2, 3, 4)), (2, -1, 1, 0)), {"value": 1.5}, name="constant crop, value")
    for mode in ("reflect", "replicate", "circular"):
        yield SampleInput((r((1, 2, 4, 5)), (2, 1, 1, 3)), {"mode": mode}, name=f"{mode} 2-D")
        yield SampleInput((r((2, 2, 5)), (3, 1)), {"mode": mode}, name=f"{mode} 1-D")


def _interp_coords(n_in, n_out, scale, mode, align_corners):
    out = []
    for j in range(n_out):
        if mode == "nearest":
            out.append(min(int(math.floor(np.float32(j) * np.float32(scale))), n_in - 1))
        elif align_corners:
            out.append(j * (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
        else:
            out.append(max((j + 0.5) * scale - 0.5, 0.0))
    return out


def _interpolate_ref(x, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Each output element from its own source coordinates: nearest picks, (bi)linear weighs
    the 2^dims surrounding inputs by the products of (1 − t, t) along each axis."""
    dims = x.ndim - 2
    sp = x.shape[2:]
    if size is not None:
        outs = _pairs(size, dims)
        scales = [sp[i] / outs[i] for i in range(dims)]
    else:
        sf = _pairs(scale_factor, dims)
        outs = tuple(int(math.floor(sp[i] * sf[i])) for i in range(dims))
        scales = [1.0 / f for f in sf]
    coords = [_interp_coords(sp[i], outs[i], scales[i], mode, align_corners) for i in range(dims)]
    y = np.zeros(x.shape[:2] + outs)
    for pos in np.ndindex(*outs):
        src = [coords[i][pos[i]] for i in range(dims)]
        if mode == "nearest":
            y[(Ellipsis,) + pos] = x[(Ellipsis,) + tuple(src)]
            continue
        for corner in np.ndindex(*(2,) * dims):
            weight, at = 1.0, []
            for i in range(dims):
                i0 = min(int(math.floor(src[i])), sp[i] - 1)
                t = src[i] - i0
                weight *= t if corner[i] else 1 - t
                at.append(min(i0 + corner[i], sp[i] - 1))
            y[(Ellipsis,) + pos] += weight * x[(Ellipsis,) + tuple(at)]
    return y.astype(x.dtype)


def _interpolate_samples(rng):
    r = rng.standard_normal
    yield SampleInput((r((1, 2, 3, 4)),), {"size": (5, 3)}, name="nearest size")
    yield SampleInput((r((2, 1, 3, 3)),), {"scale_factor": 2}, name="nearest x2")
    yield SampleInput((r((1, 2, 3, 4)),), {"size": (5, 7), "mode": "bilinear"},
                      name="bilinear size")
    yield SampleInput((r((1, 2, 4, 3)),), {"scale_factor": (1.5, 2), "mode": "bilinear",
                                           "align_corners": True}, name="bilinear corners")
    yield SampleInput((r((2, 2, 5)),), {"size": 3, "mode": "linear"}, name="linear down")


CONV_OPS = [
    OpInfo("nn.functional.conv2d", F.conv2d, _conv_ref, _conv2d_samples, aliases=("nn.Conv2d",),
           float32_tol=1e-4),
    OpInfo("nn.functional.conv1d", F.conv1d, _conv_ref, _conv1d_samples, aliases=("nn.Conv1d",),
           float32_tol=1e-4),
    OpInfo("nn.functional.conv_transpose2d", F.conv_transpose2d, _conv_t_ref, _conv_t_samples,
           aliases=("nn.ConvTranspose2d",), float32_tol=1e-4),
    OpInfo("nn.functional.max_pool2d", F.max_pool2d, _max_pool_ref, _max_pool2d_samples,
           aliases=("nn.MaxPool2d",)),
    OpInfo("nn.functional.max_pool1d", F.max_pool1d, _max_pool1d_ref, _max_pool1d_samples,
           aliases=("nn.MaxPool1d",)),
    OpInfo("nn.functional.max_pool2d_scatter", _max_pool_scatter, _max_pool_scatter_ref,
           _max_pool_scatter_samples),
    OpInfo("nn.functional.avg_pool2d", F.avg_pool2d, _avg_pool_ref, _avg_pool2d_samples,
           aliases=("nn.AvgPool2d",)),
    OpInfo("nn.functional.avg_pool1d", F.avg_pool1d, _avg_pool1d_ref, _avg_pool1d_samples,
           aliases=("nn.AvgPool1d",)),
    OpInfo("nn.functional.adaptive_avg_pool2d", F.adaptive_avg_pool2d, _adaptive_ref,
           _adaptive2d_samples, aliases=("nn.AdaptiveAvgPool2d",)),
    OpInfo("nn.functional.adaptive_avg_pool1d", F.adaptive_avg_pool1d, _adaptive1d_ref,
           _adaptive1d_samples),
    OpInfo("nn.functional.pad", F.pad, _pad_ref, _pad_samples),
    OpInfo("nn.functional.interpolate", F.interpolate, _interpolate_ref, _interpolate_samples,
           aliases=("nn.Upsample",)),
]
