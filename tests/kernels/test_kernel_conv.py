"""conv2d forward, input/weight/bias gradients and conv_transpose2d, against a numpy reference.

The reference is a different algorithm from the kernel's im2col + GEMM: shift-and-accumulate
over the kernel offsets on an np.pad-ed input (float64), with the input gradient as its exact
adjoint (a scatter of the same strided views). PyTorch cross-checks run when torch is importable.
"""
import tracemalloc

import numpy as np
import pytest

import autograd_lite.kernels as K
from _kernel_testutil import DTYPES, randn

TOL = {np.float32: 2e-4, np.float64: 1e-11}  # sums of C k^2 (or N P) terms in the input dtype


def _pad4(p):
    if isinstance(p, int):
        return (p, p, p, p)
    return (p[0], p[0], p[1], p[1]) if len(p) == 2 else tuple(p)


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _views(xp, g, cg, i, j, oh, ow, s, d):
    """The (N, Cg, OH, OW) strided view of padded xp that meets kernel offset (i, j)."""
    return xp[:, g * cg:(g + 1) * cg,
              i * d[0]:i * d[0] + s[0] * (oh - 1) + 1:s[0],
              j * d[1]:j * d[1] + s[1] * (ow - 1) + 1:s[1]]


def ref_conv(x, w, b, stride, padding, dilation, groups):
    s, d, (pt, pb, pl, pr) = _pair(stride), _pair(dilation), _pad4(padding)
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    n, c, hp, wp = xp.shape
    o, cg, kh, kw = w.shape
    og = o // groups
    oh = (hp - d[0] * (kh - 1) - 1) // s[0] + 1
    ow = (wp - d[1] * (kw - 1) - 1) // s[1] + 1
    y = np.zeros((n, o, oh, ow))
    for g in range(groups):
        for i in range(kh):
            for j in range(kw):
                patch = _views(xp, g, cg, i, j, oh, ow, s, d)
                y[:, g * og:(g + 1) * og] += np.einsum("nchw,oc->nohw", patch,
                                                       w[g * og:(g + 1) * og, :, i, j])
    if b is not None:
        y += b[:, None, None]
    return y


def ref_grads(grad, x, w, stride, padding, dilation, groups):
    s, d, (pt, pb, pl, pr) = _pair(stride), _pair(dilation), _pad4(padding)
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    dxp = np.zeros_like(xp)
    o, cg, kh, kw = w.shape
    og = o // groups
    oh, ow = grad.shape[2:]
    g64, w64 = grad.astype(np.float64), w.astype(np.float64)
    dw = np.zeros(w.shape)
    for g in range(groups):
        gg = g64[:, g * og:(g + 1) * og]
        for i in range(kh):
            for j in range(kw):
                patch = _views(xp, g, cg, i, j, oh, ow, s, d)
                dw[g * og:(g + 1) * og, :, i, j] = np.einsum("nohw,nchw->oc", gg, patch)
                _views(dxp, g, cg, i, j, oh, ow, s, d)[...] += np.einsum(
                    "nohw,oc->nchw", gg, w64[g * og:(g + 1) * og, :, i, j])
    dx = dxp[:, :, pt:xp.shape[2] - pb, pl:xp.shape[3] - pr]
    return dx, dw, g64.sum((0, 2, 3))


# (x shape, w shape, stride, padding, dilation, groups)
CASES = [
    ((2, 3, 7, 9), (4, 3, 3, 2), 1, 1, 1, 1),                  # odd sizes, non-square kernel
    ((3, 4, 10, 8), (6, 2, 3, 3), 2, (1, 2), (2, 1), 2),       # stride, dilation, groups
    ((2, 6, 5, 5), (12, 1, 3, 3), 1, 1, 1, 6),                 # depthwise, multiplier 2
    ((70, 2, 5, 6), (4, 2, 2, 2), 1, 0, 1, 1),                 # small maps: chunks of images
    ((5, 4, 6, 7), (8, 1, 2, 3), (2, 3), 0, 1, 4),             # groups with C/groups = 1
    ((2, 3, 24, 24), (5, 3, 1, 1), 1, 0, 1, 1),                # 1x1: columns are the input
    ((2, 2, 6, 7), (3, 2, 2, 4), 1, (0, 1, 1, 2), 1, 1),       # asymmetric ("same") padding
    ((2, 3, 1, 11), (4, 3, 1, 3), (1, 2), (0, 2), (1, 2), 1),  # conv1d as H = 1
    ((1, 2, 4, 4), (2, 2, 3, 3), 3, 1, 1, 1),                  # stride larger than the kernel
    ((2, 4, 7, 6), (4, 1, 3, 2), 1, (1, 2, 0, 3), (2, 1), 4),  # depthwise, dilation, asym. pad
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_forward_and_gradients(case, dtype):
    xs, ws, s, p, d, g = case
    x, w, b = randn(xs, dtype), randn(ws, dtype, 1), randn(ws[0], dtype, 2)
    y = K.conv2d_forward(x, w, b, s, p, d, g)
    ref = ref_conv(x, w, b, s, p, d, g)
    assert y.shape == ref.shape == K.conv2d_output_shape(xs, ws, s, p, d, g) and y.dtype == dtype
    np.testing.assert_allclose(y, ref, rtol=TOL[dtype], atol=TOL[dtype])
    grad = randn(y.shape, dtype, 3)
    dx, dw, db = K.conv2d_backward(grad, x, w, s, p, d, g, need_bias=True)
    rdx, rdw, rdb = ref_grads(grad, x, w, s, p, d, g)
    for got, want in ((dx, rdx), (dw, rdw), (db, rdb)):
        assert got.shape == want.shape and got.dtype == dtype
        np.testing.assert_allclose(got, want, rtol=TOL[dtype], atol=TOL[dtype] * 10)
    np.testing.assert_array_equal(K.conv2d_backward_input(grad, w, xs[2:], s, p, d, g), dx)
    np.testing.assert_array_equal(K.conv2d_backward_weight(grad, x, ws, s, p, d, g), dw)
    np.testing.assert_array_equal(K.conv2d_bias_grad(grad), db)


def test_input_gradient_is_the_adjoint():
    """<conv(x), g> == <x, dx(g)> for the bias-free convolution (a check without any reference)."""
    x, w = randn((3, 4, 9, 7), np.float64), randn((6, 2, 3, 2), np.float64, 1)
    y = K.conv2d_forward(x, w, None, (2, 1), (1, 0, 2, 1), (1, 2), 2)
    g = randn(y.shape, np.float64, 2)
    dx = K.conv2d_backward_input(g, w, (9, 7), (2, 1), (1, 0, 2, 1), (1, 2), 2)
    assert np.isclose((y * g).sum(), (x * dx).sum(), rtol=1e-12)


def test_backward_flags_and_out():
    x, w = randn((2, 3, 6, 6), np.float32), randn((4, 3, 3, 3), np.float32, 1)
    out = np.empty((2, 4, 4, 4), np.float32)
    assert K.conv2d_forward(x, w, out=out) is out
    g = randn(out.shape, np.float32, 2)
    dx, dw, db = K.conv2d_backward(g, x, w, need_input=False)
    assert dx is None and db is None and dw.shape == w.shape
    dx, dw, db = K.conv2d_backward(g, x, w, need_weight=False)
    assert dw is None and dx.shape == x.shape


def ref_conv_transpose(x, wt, stride, padding, output_padding, dilation, groups):
    """Scatter each input pixel times the kernel into the (uncropped) output, then crop."""
    s, d, op = _pair(stride), _pair(dilation), _pair(output_padding)
    pt, pb, pl, pr = _pad4(padding)
    n, cin, h, w = x.shape
    _, cog, kh, kw = wt.shape
    cig = cin // groups
    full = np.zeros((n, cog * groups, (h - 1) * s[0] + d[0] * (kh - 1) + 1 + op[0],
                     (w - 1) * s[1] + d[1] * (kw - 1) + 1 + op[1]))
    for g in range(groups):
        xg = x[:, g * cig:(g + 1) * cig].astype(np.float64)
        for i in range(kh):
            for j in range(kw):
                full[:, g * cog:(g + 1) * cog, i * d[0]:i * d[0] + s[0] * (h - 1) + 1:s[0],
                     j * d[1]:j * d[1] + s[1] * (w - 1) + 1:s[1]] += np.einsum(
                         "nchw,co->nohw", xg, wt[g * cig:(g + 1) * cig, :, i, j])
    return full[:, :, pt:full.shape[2] - pb, pl:full.shape[3] - pr]


TRANSPOSE_CASES = [  # (x shape, wt shape, stride, padding, output_padding, dilation, groups)
    ((2, 4, 5, 6), (4, 3, 3, 3), 2, 1, 1, 1, 1),
    ((1, 4, 4, 3), (4, 2, 2, 3), (1, 2), (0, 1), (0, 1), (2, 1), 2),
    ((2, 3, 3, 3), (3, 1, 3, 3), 1, 0, 0, 1, 3),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", TRANSPOSE_CASES, ids=["s2-op1", "groups-dil", "depthwise"])
def test_conv_transpose_forward(case, dtype):
    xs, wts, s, p, op, d, g = case
    x, wt, b = randn(xs, dtype), randn(wts, dtype, 1), randn(wts[1] * g, dtype, 2)
    y = K.conv_transpose2d_forward(x, wt, b, s, p, op, d, g)
    ref = ref_conv_transpose(x, wt, s, p, op, d, g) + b[:, None, None]
    assert y.shape == ref.shape and y.dtype == dtype
    np.testing.assert_allclose(y, ref, rtol=TOL[dtype], atol=TOL[dtype])


def test_conv_transpose_mapping_against_torch():
    """The module docstring's mapping: transposed conv forward/backward from the conv kernels."""
    torch = pytest.importorskip("torch", reason="PyTorch cross-check")
    for xs, wts, s, p, op, d, g in TRANSPOSE_CASES:
        x, wt, b = randn(xs, np.float64), randn(wts, np.float64, 1), randn(wts[1] * g, np.float64, 2)
        tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, wt, b))
        ty = torch.nn.functional.conv_transpose2d(tx, tw, tb, s, p, op, g, d)
        grad = randn(tuple(ty.shape), np.float64, 3)
        ty.backward(torch.tensor(grad))
        y = K.conv_transpose2d_forward(x, wt, b, s, p, op, d, g)
        np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-11, atol=1e-11)
        np.testing.assert_allclose(K.conv2d_forward(grad, wt, None, s, p, d, g),
                                   tx.grad.numpy(), rtol=1e-11, atol=1e-11)
        np.testing.assert_allclose(K.conv2d_backward_weight(x, grad, wt.shape, s, p, d, g),
                                   tw.grad.numpy(), rtol=1e-11, atol=1e-11)
        np.testing.assert_allclose(K.conv2d_bias_grad(grad), tb.grad.numpy(), rtol=1e-11)


@pytest.mark.parametrize("dtype", DTYPES)
def test_against_torch(dtype):
    torch = pytest.importorskip("torch", reason="PyTorch cross-check")
    for xs, ws, s, p, d, g in CASES:
        if len(_pad4(p)) == 4 and _pad4(p)[0::2] != _pad4(p)[1::2]:
            continue  # torch's conv2d takes symmetric numeric padding only
        p2 = _pad4(p)[0::2]
        x, w, b = randn(xs, dtype), randn(ws, dtype, 1), randn(ws[0], dtype, 2)
        tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
        ty = torch.nn.functional.conv2d(tx, tw, tb, s, p2, d, g)
        grad = randn(tuple(ty.shape), dtype, 3)
        ty.backward(torch.tensor(grad))
        y = K.conv2d_forward(x, w, b, s, p, d, g)
        dx, dw, db = K.conv2d_backward(grad, x, w, s, p, d, g, need_bias=True)
        for got, want in ((y, ty), (dx, tx.grad), (dw, tw.grad), (db, tb.grad)):
            np.testing.assert_allclose(got, want.detach().numpy(), rtol=TOL[dtype],
                                       atol=TOL[dtype] * 10)


def test_column_buffer_is_bounded():
    """No N x C k^2 x OH OW column copy: peak allocation stays far below it."""
    x, w = randn((128, 8, 16, 16), np.float32), randn((8, 8, 3, 3), np.float32, 1)
    y = K.conv2d_forward(x, w, None, 1, 1)
    g = randn(y.shape, np.float32, 2)
    K.conv2d_backward(g, x, w, 1, 1)  # compile outside the measurement
    full_columns = 128 * 8 * 9 * 16 * 16 * 4
    tracemalloc.start()
    try:
        K.conv2d_forward(x, w, None, 1, 1, out=y)
        K.conv2d_backward(g, x, w, 1, 1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # dx itself is x.nbytes; the columns of one chunk (here 16 of 128 images) add 1/8 of them
    assert peak < x.nbytes + full_columns / 4, (peak, full_columns)


def test_conv_errors():
    x, w = np.zeros((2, 4, 5, 5), np.float32), np.zeros((6, 2, 3, 3), np.float32)
    with pytest.raises(ValueError, match=r"4-D input.*\(4, 5, 5\)"):
        K.conv2d_forward(x[0], w, groups=2)
    with pytest.raises(ValueError, match=r"expects 2 input channels.*\(2, 4, 5, 5\) has 4"):
        K.conv2d_forward(x, w)
    with pytest.raises(ValueError, match="groups=3 must divide the input channels"):
        K.conv2d_forward(x, np.zeros((6, 1, 3, 3), np.float32), groups=3)
    with pytest.raises(ValueError, match=r"larger than the padded input \(5, 5\)"):
        K.conv2d_forward(x, np.zeros((6, 2, 6, 6), np.float32), groups=2)
    with pytest.raises(ValueError, match="padding must be non-negative"):
        K.conv2d_forward(x, w, padding=-1, groups=2)
    with pytest.raises(ValueError, match="w has dtype float64 but the input has dtype float32"):
        K.conv2d_forward(x, w.astype(np.float64), groups=2)
    with pytest.raises(ValueError, match=r"grad must have shape \(2, 6, 3, 3\)"):
        K.conv2d_backward(np.zeros((2, 6, 4, 4), np.float32), x, w, groups=2)
    with pytest.raises(ValueError, match=r"bias must have shape \(6,\)"):
        K.conv2d_forward(x, w, np.zeros(5, np.float32), groups=2)
