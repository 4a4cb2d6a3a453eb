"""Max / avg / adaptive-avg pooling kernels against numpy references and PyTorch.

The references are written differently from the kernels: max pooling on an -inf-padded copy
(np.pad) with np.argmax per window; average pooling as (window sum of a zero-padded x) /
(window sum of a mask), the mask being 1 over the padded extent (count_include_pad) or over the
input only, and 0 in the ceil_mode overhang; backward passes by np.add.at.
"""
import math

import numpy as np
import pytest

import autograd_lite.kernels as K
from _kernel_testutil import DTYPES, randn

TOL = {np.float32: 1e-5, np.float64: 1e-12}


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _out_len(size, k, s, p, d, ceil):
    e = d * (k - 1) + 1
    out = (math.ceil if ceil else math.floor)((size + 2 * p - e) / s) + 1
    if ceil and (out - 1) * s >= size + p:  # the last window may not start in the right padding
        out -= 1
    return out


def ref_max_pool(x, k, s, p, d, ceil):
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = _pair(k), _pair(s), _pair(p), _pair(d)
    *lead, h, w = x.shape
    oh, ow = _out_len(h, kh, sh, ph, dh, ceil), _out_len(w, kw, sw, pw, dw, ceil)
    big = 2 * max(kh * dh, kw * dw, sh, sw)  # room for the ceil_mode overhang
    xp = np.pad(x.reshape(-1, h, w).astype(np.float64), ((0, 0), (ph, big), (pw, big)),
                constant_values=-np.inf)
    flat_index = np.pad(np.arange(h * w).reshape(h, w), ((ph, big), (pw, big)), constant_values=-1)
    y = np.empty((xp.shape[0], oh, ow))
    idx = np.empty((xp.shape[0], oh, ow), np.int64)
    for a in range(oh):
        for b in range(ow):
            rows = a * sh + dh * np.arange(kh)
            cols = b * sw + dw * np.arange(kw)
            win = xp[:, rows][:, :, cols].reshape(xp.shape[0], -1)
            where = flat_index[rows][:, cols].reshape(-1)
            arg = np.argmax(win, axis=1)  # first maximum
            y[:, a, b] = win[np.arange(len(arg)), arg]
            idx[:, a, b] = where[arg]
    return y.reshape(*lead, oh, ow), idx.reshape(*lead, oh, ow)


def ref_avg_pool(x, k, s, p, ceil, include_pad, divisor=None):
    (kh, kw), (sh, sw), (ph, pw) = _pair(k), _pair(s), _pair(p)
    *lead, h, w = x.shape
    oh, ow = _out_len(h, kh, sh, ph, 1, ceil), _out_len(w, kw, sw, pw, 1, ceil)
    big = kh + kw + sh + sw
    xp = np.pad(x.reshape(-1, h, w).astype(np.float64), ((0, 0), (ph, big), (pw, big)))
    pad_mask = np.zeros(xp.shape[1:])
    pad_mask[:h + 2 * ph, :w + 2 * pw] = 1  # the padded extent, not the overhang
    in_mask = np.pad(np.ones((h, w)), ((ph, big), (pw, big)))
    mask = pad_mask if include_pad else in_mask
    y = np.empty((xp.shape[0], oh, ow))
    divisors = np.empty((oh, ow))
    for a in range(oh):
        for b in range(ow):
            win = (slice(a * sh, a * sh + kh), slice(b * sw, b * sw + kw))
            divisors[a, b] = divisor or mask[win].sum()
            y[:, a, b] = xp[(slice(None),) + win].sum((1, 2)) / divisors[a, b]
    return y.reshape(*lead, oh, ow), divisors


def ref_avg_pool_backward(g, hw, k, s, p, divisors):
    (kh, kw), (sh, sw), (ph, pw) = _pair(k), _pair(s), _pair(p)
    *lead, oh, ow = g.shape
    big = kh + kw + sh + sw
    dxp = np.zeros((int(np.prod(lead)), hw[0] + ph + big, hw[1] + pw + big))
    g3 = g.reshape(-1, oh, ow).astype(np.float64)
    for a in range(oh):
        for b in range(ow):
            dxp[:, a * sh:a * sh + kh, b * sw:b * sw + kw] += (g3[:, a, b] / divisors[a, b])[:, None, None]
    return dxp[:, ph:ph + hw[0], pw:pw + hw[1]].reshape(*lead, *hw)


MAX_CASES = [  # (x shape, kernel, stride, padding, dilation, ceil_mode)
    ((2, 3, 8, 8), 2, None, 0, 1, False),             # LeNet's max-pool 2 (the 2x2 fast path)
    ((1, 2, 7, 9), 2, 2, 0, 1, False),                # fast path, odd sizes: last row/column left out
    ((1, 2, 7, 9), 2, 2, 0, 1, True),                 # same with ceil_mode: the generic loops
    ((2, 3, 7, 9), 3, 2, 1, 1, True),                 # odd sizes, padding, ceil overhang
    ((1, 2, 10, 11), (3, 2), (2, 3), 1, (2, 1), True),
    ((2, 5, 5), 2, 1, 1, 1, False),                   # no batch axis; overlapping windows
    ((3, 1, 9), (1, 3), (1, 2), (0, 1), 1, True),     # max_pool1d as H = 1
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", MAX_CASES, ids=[str(i) for i in range(len(MAX_CASES))])
def test_max_pool(case, dtype):
    shape, k, s, p, d, ceil = case
    x = np.round(randn(shape, dtype) * 2) / 2  # many ties: the first maximum must win
    y, idx = K.max_pool2d_forward(x, k, s, p, d, ceil)
    ry, ridx = ref_max_pool(x, k, s if s is not None else k, p, d, ceil)
    assert y.shape == ry.shape and y.dtype == dtype and idx.dtype == np.int64
    np.testing.assert_array_equal(y, ry)
    np.testing.assert_array_equal(idx, ridx)
    g = randn(y.shape, dtype, 1)
    dx = K.max_pool2d_backward(g, idx, x.shape[-2:])
    ref_dx = np.zeros((int(np.prod(shape[:-2])), shape[-2] * shape[-1]))
    np.add.at(ref_dx, (np.arange(ref_dx.shape[0])[:, None], ridx.reshape(ref_dx.shape[0], -1)),
              g.reshape(ref_dx.shape[0], -1).astype(np.float64))
    np.testing.assert_allclose(dx, ref_dx.reshape(shape), rtol=TOL[dtype], atol=TOL[dtype])


def test_max_pool_nan_and_all_padding_rows():
    x = np.array([[[1.0, np.nan, 3.0, 2.0]]], np.float32)
    y, idx = K.max_pool2d_forward(x, (1, 2), (1, 2))
    assert np.isnan(y[0, 0, 0]) and idx[0, 0, 0] == 1 and y[0, 0, 1] == 3 and idx[0, 0, 1] == 2


AVG_CASES = [  # (x shape, kernel, stride, padding, ceil_mode)
    ((2, 3, 8, 8), 2, None, 0, False),
    ((2, 3, 7, 9), 3, 2, 1, True),          # windows run into the ceil_mode overhang
    ((1, 2, 10, 11), (3, 2), (2, 3), 1, True),
    ((2, 6, 5), (2, 4), (3, 1), (1, 2), True),
    ((3, 1, 9), (1, 3), (1, 2), (0, 1), False),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("include_pad", [True, False])
@pytest.mark.parametrize("case", AVG_CASES, ids=[str(i) for i in range(len(AVG_CASES))])
def test_avg_pool(case, include_pad, dtype):
    shape, k, s, p, ceil = case
    s = k if s is None else s
    x = randn(shape, dtype)
    for divisor in (None, 3):
        y = K.avg_pool2d_forward(x, k, s, p, ceil, include_pad, divisor)
        ry, divisors = ref_avg_pool(x, k, s, p, ceil, include_pad, divisor)
        np.testing.assert_allclose(y, ry, rtol=TOL[dtype], atol=TOL[dtype])
        g = randn(y.shape, dtype, 1)
        dx = K.avg_pool2d_backward(g, shape[-2:], k, s, p, ceil, include_pad, divisor)
        np.testing.assert_allclose(dx, ref_avg_pool_backward(g, shape[-2:], k, s, p, divisors),
                                   rtol=TOL[dtype], atol=TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,size", [((2, 3, 7, 9), (3, 4)), ((1, 2, 10, 5), (4, 3)),
                                        ((2, 6, 6), 2), ((1, 1, 5, 5), (7, 1))])
def test_adaptive_avg_pool(shape, size, dtype):
    x = randn(shape, dtype)
    oh, ow = _pair(size)
    h, w = shape[-2:]
    y = K.adaptive_avg_pool2d_forward(x, size)
    g = randn(y.shape, dtype, 1)
    dx = K.adaptive_avg_pool2d_backward(g, (h, w))
    ry = np.empty(shape[:-2] + (oh, ow))
    rdx = np.zeros(shape)
    for a in range(oh):
        r0, r1 = math.floor(a * h / oh), math.ceil((a + 1) * h / oh)
        for b in range(ow):
            c0, c1 = math.floor(b * w / ow), math.ceil((b + 1) * w / ow)
            ry[..., a, b] = x[..., r0:r1, c0:c1].astype(np.float64).mean((-2, -1))
            rdx[..., r0:r1, c0:c1] += g[..., a, b, None, None] / ((r1 - r0) * (c1 - c0))
    np.testing.assert_allclose(y, ry, rtol=TOL[dtype], atol=TOL[dtype])
    np.testing.assert_allclose(dx, rdx, rtol=TOL[dtype], atol=TOL[dtype])


def test_against_torch():
    torch = pytest.importorskip("torch", reason="PyTorch cross-check")
    F = torch.nn.functional
    for shape, k, s, p, d, ceil in MAX_CASES:
        x = randn(shape, np.float64)
        tx = torch.tensor(x, requires_grad=True)
        ty, ti = F.max_pool2d(tx, k, s, p, d, ceil, return_indices=True)
        g = randn(tuple(ty.shape), np.float64, 1)
        ty.backward(torch.tensor(g))
        y, idx = K.max_pool2d_forward(x, k, s, p, d, ceil)
        np.testing.assert_array_equal(y, ty.detach().numpy())
        np.testing.assert_array_equal(idx, ti.numpy())
        np.testing.assert_array_equal(K.max_pool2d_backward(g, idx, shape[-2:]), tx.grad.numpy())
    for shape, k, s, p, ceil in AVG_CASES:
        for include_pad in (True, False):
            x = randn(shape, np.float64)
            tx = torch.tensor(x, requires_grad=True)
            ty = F.avg_pool2d(tx, k, s, p, ceil, include_pad)
            g = randn(tuple(ty.shape), np.float64, 1)
            ty.backward(torch.tensor(g))
            np.testing.assert_allclose(K.avg_pool2d_forward(x, k, s, p, ceil, include_pad),
                                       ty.detach().numpy(), rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(
                K.avg_pool2d_backward(g, shape[-2:], k, s, p, ceil, include_pad),
                tx.grad.numpy(), rtol=1e-12, atol=1e-12)
    x = randn((2, 3, 10, 7), np.float64)
    tx = torch.tensor(x, requires_grad=True)
    ty = F.adaptive_avg_pool2d(tx, (4, 3))
    ty.backward(torch.ones_like(ty))
    np.testing.assert_allclose(K.adaptive_avg_pool2d_forward(x, (4, 3)), ty.detach().numpy(),
                               rtol=1e-12)
    np.testing.assert_allclose(K.adaptive_avg_pool2d_backward(np.ones((2, 3, 4, 3)), (10, 7)),
                               tx.grad.numpy(), rtol=1e-12)


def test_pooling_errors():
    x = np.zeros((1, 2, 4, 4), np.float32)
    with pytest.raises(ValueError, match="at most half the kernel size"):
        K.max_pool2d_forward(x, 2, padding=2)
    with pytest.raises(ValueError, match=r"too small for kernel \(5, 5\)"):
        K.avg_pool2d_forward(x, 5)
    with pytest.raises(ValueError, match="must be float32 or float64"):
        K.max_pool2d_forward(x.astype(np.int32), 2)
    with pytest.raises(ValueError, match=r"indices must be int64 with grad's shape"):
        K.max_pool2d_backward(np.zeros((1, 2, 2, 2), np.float32), np.zeros((1, 2, 2, 2), np.int32),
                              (4, 4))
    with pytest.raises(ValueError, match=r"indices must lie in \[0, 16\)"):
        K.max_pool2d_backward(np.zeros((1, 1, 1, 1), np.float32), np.full((1, 1, 1, 1), 16), (4, 4))
