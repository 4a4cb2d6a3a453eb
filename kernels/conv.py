"""2-D convolution (PyTorch's conv2d semantics): forward, input-gradient, weight-gradient, bias-gradient.

Arrays (all C-contiguous, one float dtype, float32 or float64):
    x      (N, C, H, W)                  the convolution's input
    w      (O, C // groups, kH, kW)      PyTorch's weight layout
    b      (O,) or None
    y      (N, O, OH, OW)                OH = (H + pad_top + pad_bottom - dH (kH - 1) - 1) // sH + 1
                                         (same for OW with the left/right padding)
``stride`` and ``dilation`` are an int or (h, w); ``padding`` is already resolved by the caller
(the op layer turns "same"/"valid" into numbers): an int, (ph, pw) for both sides, or
(top, bottom, left, right) for asymmetric padding (PyTorch's "same" with an even kernel).
Padding is zeros. 1-D convolution is this with H = 1, kH = 1 (and the 1-D stride/padding/dilation
in the w slot).

How: im2col into a column buffer and one BLAS GEMM per group (numpy's batched matmul over the
groups: ``w (G, O/G, K) @ cols (G, K, P)``, K = C/G kH kW, P = OH OW); col2im scatters the
column gradient back for the input gradient. The im2col/col2im loops are Numba (a contiguous,
vectorised inner copy when the stride is 1). Depthwise-style convolutions (C/groups == 1, any
channel multiplier) take direct Numba loops instead (measured 3x faster; see _dw_loops).

Memory: the column buffer holds one chunk of images at a time, ``(C kH kW, nc P)`` with
``nc = clamp(_CHUNK_COLS // P, 1, N)`` and at most ``_MAX_BUFFER`` elements; nothing of size
N C kH kW OH OW is ever allocated. Extra memory per call: that buffer (at most 16 MiB in
float32) plus an (O, nc P) regroup buffer when nc > 1; the depthwise loops allocate one row.
The backward recomputes im2col per chunk rather than keeping the forward's columns (one extra
im2col: ~4 ms against the backward's two ~22 ms GEMMs in the case below).

Measured (benchmarks/bench_kernels.py, 1 thread, 64x32x28x28 -> 64, 3x3, pad 1, float32):
forward 28.3 ms vs PyTorch 22.5, forward + backward 86.7 vs 74.5 (1.16x PyTorch's time). The
three GEMMs run at OpenBLAS's peak (84-86 GFLOPS, ~65 ms together); what is left is memory
traffic PyTorch's direct (oneDNN) convolution does not have: im2col twice (~4 ms each, writing
9x the input), col2im (~3 ms), the regroup copies (~2 ms). Smaller tiles of output rows (to keep
the columns in L2) measured slower (27.0 ms forward at 28 rows, 28.3 at 14, 29.1 at 7).

Transposed convolution (``conv_transpose2d``) needs no kernel of its own; with its weight
``wt`` of PyTorch's transposed layout (C_in, C_out // groups, kH, kW), read as a conv2d weight
(O = C_in, C/groups = C_out/groups):
    conv_transpose2d forward(x, wt)   = conv2d_backward_input(x, wt, (H_out, W_out), ...)
        where H_out = (H_in - 1) sH - pad_top - pad_bottom + dH (kH - 1) + output_padding + 1
    its input-gradient   d/dx         = conv2d_forward(grad, wt, None, ...)
    its weight-gradient  d/dwt        = conv2d_backward_weight(x, grad, wt.shape, ...)
                                        (conv's "grad" slot gets x, conv's "x" slot gets grad)
    its bias-gradient                 = conv2d_bias_grad(grad)
with the same stride/padding/dilation/groups. ``conv_transpose2d_forward`` wraps the first line.
"""
import numpy as np
from numba import njit, uint64

from ._checks import FLOATS, out_array

_FLAGS = dict(cache=True, error_model="numpy", fastmath={"contract"})

# Images per GEMM: enough that the GEMM's column count nc*P reaches _CHUNK_COLS (small feature
# maps such as LeNet's 8x8 make per-image GEMMs call-bound), bounded by _MAX_BUFFER elements of
# column buffer. Measured fwd+bwd medians, 1 thread, ms (columns per GEMM: 1 image / 256 /
# 1024 / 4096 / all 64 images; noisy shared machine, so only the clear trends count):
#   LeNet c2 64x6x12x12 -> 16 5x5:  5.49 / 3.52 / 3.38 / 3.19 / 2.90   (torch 3.08)
#   LeNet c1 64x1x28x28 -> 6 5x5:   1024: 3.02, 2048: 2.99, 4096: 2.13, 8192: 1.98   (torch 7.05)
#   64x32x28x28 -> 64 3x3:          1024 (1 image): 84.0, 4096 (5 images): 81.3   (torch 73.2);
#                                   all 64 images (a 58 MB buffer): 143 vs 124 at 4096
_CHUNK_COLS = 4096
_MAX_BUFFER = 1 << 22  # elements (16 MiB in float32)


@njit(**_FLAGS)
def _valid_range(off, stride, size, n_out):
    """The output positions q in [lo, hi) whose input index q*stride + off lies in [0, size)."""
    lo = 0 if off >= 0 else (-off + stride - 1) // stride
    hi = (size - 1 - off) // stride + 1 if size - 1 - off >= 0 else 0
    lo = min(lo, n_out)
    hi = max(min(hi, n_out), lo)
    return lo, hi


@njit(**_FLAGS)
def _im2col(x, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, cols):
    """x (nc, C, H, W) -> cols (C kh kw, nc oh ow); row (c, i, j), column (n, y, q).

    Flat arrays indexed with unsigned ints: numba then drops its negative-index wraparound and
    the copies vectorise. Measured per 64 images of 32x28x28, 3x3, pad 1 (load ~4 on 2 cores):
    slices per output row 26 ms, flat signed indices 41 ms, flat unsigned 7.6 ms (a padded
    copy + one contiguous copy per row with garbage columns fed to the GEMM ("wide"): 7.0 ms,
    but +7 % GEMM work at 28x28 and +50 % at LeNet's 12x12, so not kept).
    """
    nc, c_in, h, w = x.shape
    xf = x.ravel()
    cf = cols.ravel()
    p = oh * ow
    ncols = nc * p
    zero = x.dtype.type(0)
    for c in range(c_in):
        for i in range(kh):
            for j in range(kw):
                row0 = ((c * kh + i) * kw + j) * ncols
                off = j * dw - pl
                lo, hi = _valid_range(off, sw, w, ow)
                for n in range(nc):
                    for y in range(oh):
                        d = uint64(row0 + n * p + y * ow)
                        ih = y * sh - pt + i * dh
                        if ih < 0 or ih >= h:
                            for q in range(ow):
                                cf[d + uint64(q)] = zero
                            continue
                        for q in range(lo):
                            cf[d + uint64(q)] = zero
                        s = uint64(((n * c_in + c) * h + ih) * w + off + lo * sw)
                        dl = d + uint64(lo)
                        if sw == 1:
                            for q in range(hi - lo):
                                cf[dl + uint64(q)] = xf[s + uint64(q)]
                        else:
                            for q in range(hi - lo):
                                cf[dl + uint64(q)] = xf[s + uint64(q * sw)]
                        for q in range(hi, ow):
                            cf[d + uint64(q)] = zero


@njit(**_FLAGS)
def _col2im(cols, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, dx):
    """The adjoint of _im2col: dx (nc, C, H, W) = sum of cols (C kh kw, nc oh ow) into place.
    Unsigned flat indices as in _im2col (same measured reason). Kept apart from _im2col: one
    kernel for both directions with a flag measured 15-25 % slower (im2col 9.55 vs 8.2 ms,
    col2im 4.0 vs 3.2 ms per 64 images, interleaved)."""
    nc, c_in, h, w = dx.shape
    p = oh * ow
    ncols = nc * p
    cf = cols.ravel()
    xf = dx.ravel()
    for k in range(xf.shape[0]):
        xf[k] = 0
    for c in range(c_in):
        for i in range(kh):
            for j in range(kw):
                row0 = ((c * kh + i) * kw + j) * ncols
                off = j * dw - pl
                lo, hi = _valid_range(off, sw, w, ow)
                for n in range(nc):
                    for y in range(oh):
                        ih = y * sh - pt + i * dh
                        if ih < 0 or ih >= h:
                            continue
                        d = uint64(row0 + n * p + y * ow + lo)
                        s = uint64(((n * c_in + c) * h + ih) * w + off + lo * sw)
                        if sw == 1:
                            for q in range(hi - lo):
                                xf[s + uint64(q)] += cf[d + uint64(q)]
                        else:
                            for q in range(hi - lo):
                                xf[s + uint64(q * sw)] += cf[d + uint64(q)]


@njit(**_FLAGS)
def _store(tmp, b, has_bias, out):
    """out (nc, O, P) = tmp (O, nc P) regrouped per image, + b (O,) when has_bias."""
    nc, o, p = out.shape
    for n in range(nc):
        for k in range(o):
            src = tmp[k, n * p:(n + 1) * p]
            dst = out[n, k]
            bk = b[k] if has_bias else out.dtype.type(0)
            for q in range(p):
                dst[q] = src[q] + bk


@njit(**_FLAGS)
def _gather(g, gt):
    """gt (O, nc P) = g (nc, O, P) regrouped: the inverse of _store without bias."""
    nc, o, p = g.shape
    for n in range(nc):
        for k in range(o):
            src = g[n, k]
            dst = gt[k, n * p:(n + 1) * p]
            for q in range(p):
                dst[q] = src[q]


@njit(cache=True, error_model="numpy", fastmath={"contract", "reassoc"})
def _bias_grad(g, db):
    """db (O,) = g (N, O, P) summed over N and P (reassociating, so the row sums vectorise:
    measured 0.40 ms at 64x64x784 float32, against 0.74 ms with eight hand-unrolled
    accumulators and 0.74 ms for numpy's g.sum((0, 2)))."""
    n_img, o, p = g.shape
    for k in range(o):
        s = g.dtype.type(0)
        for n in range(n_img):
            r = g[n, k]
            for q in range(p):
                s += r[q]
        db[k] = s


# ---- depthwise (C/groups == 1): direct loops, no columns --------------------------------------
# Each output channel o reads the single input channel o // m (m = O / C, the multiplier), so
# the GEMM per group degenerates to (m x k^2) @ (k^2 x P) and the batched matmul spends its time
# in per-group call overhead and matrix-vector shapes. Measured at 64x32x28x28, groups 32, 3x3,
# pad 1, 1 thread, interleaved in one run on a loaded machine (ms, fwd / fwd+bwd): these loops
# 8.0 / 19.6, im2col + GEMM 15.1 / 75.8, torch 11.0 / 25.8 (another run: 7.4 / 28.8, 18.1 / 83.2,
# 21.6 / 35.5). Quieter runs: these loops 3.6 / 11.3, im2col + GEMM 6.4 / 37.2, torch
# 2.2 / 7.3 in one run and 9.4 / 17.8 in the next (torch's depthwise times are bimodal here).
# Tried and not kept: a zero-padded "wide" plane so that at stride 1 each
# (i, j) is one contiguous loop of OH * Wp elements instead of OH loops of OW (garbage columns
# dropped on compaction): 3.31 vs 3.62 ms forward, 10.7 vs 11.5 fwd+bwd, too little for ~80
# more lines.

_DW_FORWARD, _DW_INPUT, _DW_WEIGHT = 0, 1, 2


@njit(**_FLAGS)
def _dw_loops(x, g, w, b, has_bias, kh, kw, sh, sw, pt, pl, dh, dw, mode, dwt):
    """One loop nest for the three depthwise passes; x (N, C, H, W), g (N, O, OH, OW),
    w and dwt (O, 1, kh, kw), O = m C, output channel o reading input channel o // m.

    mode _DW_FORWARD: g = conv(x, w) + b (g is the output);  _DW_INPUT: x = its adjoint
    applied to g (x is dx);  _DW_WEIGHT: dwt = sum of g times the matching x.
    Image and channel are outermost so both planes stay in L1 over the k^2 offsets. For the
    weight gradient the products accumulate column-wise into a row-long vector (a vertical
    FMA that vectorises), summed once per offset: measured 19.0 ms with one reassociated dot
    per output row, 15.4 ms this way (64x32x28x28, 3x3, loaded machine).
    """
    n_img, c_in, h, wd = x.shape
    o_ch, oh, ow = g.shape[1], g.shape[2], g.shape[3]
    m = o_ch // c_in
    xf = x.ravel()
    gf = g.ravel()
    p = oh * ow
    acc = np.empty(ow, x.dtype)
    zero = x.dtype.type(0)
    if mode == _DW_INPUT:
        for t in range(xf.shape[0]):
            xf[t] = zero
    elif mode == _DW_WEIGHT:
        dwt[:] = zero
    for n in range(n_img):
        for o in range(o_ch):
            gbase = (n * o_ch + o) * p
            xbase = (n * c_in + o // m) * h * wd
            if mode == _DW_FORWARD:
                bo = b[o] if has_bias else zero
                for t in range(p):
                    gf[uint64(gbase + t)] = bo
            for i in range(kh):
                for j in range(kw):
                    wv = w[o, 0, i, j]
                    off = j * dw - pl
                    lo, hi = _valid_range(off, sw, wd, ow)
                    for q in range(ow):
                        acc[q] = zero
                    for r in range(oh):
                        ih = r * sh - pt + i * dh
                        if ih < 0 or ih >= h:
                            continue
                        d = uint64(gbase + r * ow + lo)
                        s = uint64(xbase + ih * wd + off + lo * sw)
                        # unit stride spelled out: a run-time stride multiply in the index
                        # kept the loops from vectorising (forward 10.1 vs 8.0 ms, loaded machine)
                        if mode == _DW_FORWARD and sw == 1:
                            for q in range(hi - lo):
                                gf[d + uint64(q)] += wv * xf[s + uint64(q)]
                        elif mode == _DW_FORWARD:
                            for q in range(hi - lo):
                                gf[d + uint64(q)] += wv * xf[s + uint64(q * sw)]
                        elif mode == _DW_INPUT and sw == 1:
                            for q in range(hi - lo):
                                xf[s + uint64(q)] += wv * gf[d + uint64(q)]
                        elif mode == _DW_INPUT:
                            for q in range(hi - lo):
                                xf[s + uint64(q * sw)] += wv * gf[d + uint64(q)]
                        elif sw == 1:
                            for q in range(hi - lo):
                                acc[q] += gf[d + uint64(q)] * xf[s + uint64(q)]
                        else:
                            for q in range(hi - lo):
                                acc[q] += gf[d + uint64(q)] * xf[s + uint64(q * sw)]
                    if mode == _DW_WEIGHT:
                        t = zero
                        for q in range(ow):
                            t += acc[q]
                        dwt[o, 0, i, j] += t


# ---- argument handling ------------------------------------------------------------------------

def _pair(v, fn, name):
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v), int(v)
    t = tuple(int(e) for e in v)
    if len(t) != 2:
        raise ValueError(f"{fn}: {name} must be an int or a pair, got {v!r}")
    return t


def _pad4(padding, fn):
    """(top, bottom, left, right) from an int, (ph, pw) or the four sides."""
    if isinstance(padding, (int, np.integer)) and not isinstance(padding, bool):
        p = (int(padding),) * 4
    else:
        t = tuple(int(e) for e in padding)
        if len(t) == 2:
            p = (t[0], t[0], t[1], t[1])
        elif len(t) == 4:
            p = t
        else:
            raise ValueError(f"{fn}: padding must be an int, (ph, pw) or (top, bottom, left, "
                             f"right), got {padding!r}")
    if min(p) < 0:
        raise ValueError(f"{fn}: padding must be non-negative, got {padding!r}")
    return p


class _Geom:
    """Checked sizes of one convolution: x_shape (N, C, H, W), w_shape (O, C/G, kH, kW)."""

    def __init__(self, fn, x_shape, w_shape, stride, padding, dilation, groups, dtype):
        if dtype not in FLOATS:
            raise ValueError(f"{fn}: arrays must be float32 or float64, got dtype {dtype}")
        if len(x_shape) != 4 or len(w_shape) != 4:
            raise ValueError(f"{fn}: expected 4-D input (N, C, H, W) and 4-D weight "
                             f"(out, in/groups, kH, kW), got input {tuple(x_shape)} and weight "
                             f"{tuple(w_shape)}")
        self.n, self.c, self.h, self.w = (int(s) for s in x_shape)
        self.o, cg, self.kh, self.kw = (int(s) for s in w_shape)
        self.sh, self.sw = _pair(stride, fn, "stride")
        self.dh, self.dw = _pair(dilation, fn, "dilation")
        self.pt, self.pb, self.pl, self.pr = _pad4(padding, fn)
        self.groups = g = int(groups)
        if min(self.sh, self.sw, self.dh, self.dw) < 1:
            raise ValueError(f"{fn}: stride and dilation must be >= 1, got stride {stride!r}, "
                             f"dilation {dilation!r}")
        if g < 1 or self.c % g or self.o % g:
            raise ValueError(f"{fn}: groups={groups} must divide the input channels ({self.c}) "
                             f"and the output channels ({self.o})")
        if cg * g != self.c:
            raise ValueError(f"{fn}: weight {tuple(w_shape)} expects {cg * g} input channels "
                             f"(in/groups={cg}, groups={g}) but the input {tuple(x_shape)} has "
                             f"{self.c}")
        eh = self.dh * (self.kh - 1) + 1
        ew = self.dw * (self.kw - 1) + 1
        ph, pw = self.h + self.pt + self.pb, self.w + self.pl + self.pr
        if eh > ph or ew > pw:
            raise ValueError(f"{fn}: kernel ({self.kh}, {self.kw}) with dilation ({self.dh}, "
                             f"{self.dw}) spans ({eh}, {ew}), larger than the padded input "
                             f"({ph}, {pw}) of input {tuple(x_shape)}")
        self.oh = (ph - eh) // self.sh + 1
        self.ow = (pw - ew) // self.sw + 1
        self.p = self.oh * self.ow
        self.k = cg * self.kh * self.kw
        self.og = self.o // g
        self.out_shape = (self.n, self.o, self.oh, self.ow)
        self.x_shape = (self.n, self.c, self.h, self.w)
        self.w_shape = (self.o, cg, self.kh, self.kw)
        rows = self.c * self.kh * self.kw
        nc = max(1, min(self.n, _CHUNK_COLS // max(self.p, 1)))
        self.chunk = max(1, min(nc, _MAX_BUFFER // max(rows * self.p, 1)))
        self.depthwise = cg == 1 and g > 1  # direct loops, see _dw_loops
        # a 1x1 kernel, stride 1, no padding: the columns are the input itself
        self.identity = (self.kh == self.kw == 1 and self.sh == self.sw == 1
                         and self.pt == self.pb == self.pl == self.pr == 0)

    def args(self):
        return (self.kh, self.kw, self.sh, self.sw, self.pt, self.pl, self.dh, self.dw,
                self.oh, self.ow)

    def cols(self, x, n0, n1, buf):
        """The (G, K, nc P) columns of images n0:n1 (a view of x when identity and nc == 1)."""
        nc = n1 - n0
        if self.identity and nc == 1:
            return x[n0].reshape(self.groups, self.k, self.p)
        c = _head(buf, nc * self.p)
        _im2col(x[n0:n1], *self.args(), c)
        return c.reshape(self.groups, self.k, nc * self.p)

    def buffer(self, dtype):
        return np.empty((self.c * self.kh * self.kw, self.chunk * self.p), dtype)


def _head(buf, ncols):
    """The first ncols columns of the (rows, chunk P) buffer as a C-contiguous (rows, ncols)
    array (the kernels index it flat, so a strided slice would not do)."""
    return buf.reshape(-1)[:buf.shape[0] * ncols].reshape(buf.shape[0], ncols)


def _array(a, fn, name, dtype=None, shape=None):
    a = np.asarray(a)
    if a.dtype not in FLOATS:
        raise ValueError(f"{fn}: {name} must be float32 or float64, got dtype {a.dtype}")
    if dtype is not None and a.dtype != dtype:
        raise ValueError(f"{fn}: {name} has dtype {a.dtype} but the input has dtype {dtype}")
    if shape is not None and a.shape != tuple(shape):
        raise ValueError(f"{fn}: {name} must have shape {tuple(shape)}, got {a.shape}")
    return np.ascontiguousarray(a)


def _bias(b, o, dtype, fn):
    if b is None:
        return np.zeros(1, dtype), False
    b = _array(b, fn, "b", dtype)
    if b.shape != (o,):
        raise ValueError(f"{fn}: bias must have shape ({o},) (the weight's out channels), "
                         f"got {b.shape}")
    return b, True


# ---- public kernels ---------------------------------------------------------------------------

def conv2d_output_shape(x_shape, w_shape, stride=1, padding=0, dilation=1, groups=1):
    """(N, O, OH, OW) of conv2d_forward, with the same checks (ValueError naming the shapes)."""
    return _Geom("conv2d", x_shape, w_shape, stride, padding, dilation, groups,
                 np.dtype(np.float32)).out_shape


def conv2d_forward(x, w, b=None, stride=1, padding=0, dilation=1, groups=1, out=None):
    """y = conv2d(x, w) + b: x (N, C, H, W), w (O, C/groups, kH, kW), b (O,) or None.

    Returns y (N, O, OH, OW), written into ``out`` when given (C-contiguous, x's dtype).
    """
    fn = "conv2d_forward"
    x = _array(x, fn, "x")
    w = _array(w, fn, "w", x.dtype)
    gm = _Geom(fn, x.shape, w.shape, stride, padding, dilation, groups, x.dtype)
    b, has_bias = _bias(b, gm.o, x.dtype, fn)
    y = out_array(out, gm.out_shape, x.dtype, fn)
    if gm.depthwise:
        _dw_loops(x, y, w, b, has_bias, *gm.args()[:8], _DW_FORWARD, w)
        return y
    y3 = y.reshape(gm.n, gm.o, gm.p)
    w3 = w.reshape(gm.groups, gm.og, gm.k)
    buf = gm.buffer(x.dtype)
    tmp = np.empty((gm.groups, gm.og, gm.chunk * gm.p), x.dtype) if gm.chunk > 1 else None
    for n0 in range(0, gm.n, gm.chunk):
        n1 = min(n0 + gm.chunk, gm.n)
        nc = n1 - n0
        cols = gm.cols(x, n0, n1, buf)
        if nc == 1:
            yn = y3[n0]
            np.matmul(w3, cols, out=yn.reshape(gm.groups, gm.og, gm.p))
            if has_bias:
                yn += b[:, None]
        else:
            t = tmp[:, :, :nc * gm.p]
            np.matmul(w3, cols, out=t)
            _store(t.reshape(gm.o, nc * gm.p), b, has_bias, y3[n0:n1])
    return y


def conv2d_backward(grad, x, w, stride=1, padding=0, dilation=1, groups=1,
                    need_input=True, need_weight=True, need_bias=False):
    """Gradients of conv2d_forward; returns (dx, dw, db), None for those not asked for.

    grad (N, O, OH, OW), x (N, C, H, W), w (O, C/groups, kH, kW), one dtype.
    dx (N, C, H, W) = col2im(w^T grad) per group; dw (O, C/groups, kH, kW) = sum over images of
    grad im2col(x)^T per group; db (O,) = grad summed over N, OH, OW. One pass over the image
    chunks does both GEMMs on the same gathered grad (and the weight GEMM's im2col).
    """
    fn = "conv2d_backward"
    x = _array(x, fn, "x")
    w = _array(w, fn, "w", x.dtype)
    gm = _Geom(fn, x.shape, w.shape, stride, padding, dilation, groups, x.dtype)
    grad = _array(grad, fn, "grad", x.dtype, gm.out_shape)
    dx = np.empty(gm.x_shape, x.dtype) if need_input else None
    dw = np.zeros((gm.groups, gm.og, gm.k), x.dtype) if need_weight else None
    db = conv2d_bias_grad(grad) if need_bias else None
    if need_input or need_weight:
        _backward(gm, grad, x, w, dx, dw)
    return dx, (dw.reshape(gm.w_shape) if need_weight else None), db


def conv2d_backward_input(grad, w, input_hw, stride=1, padding=0, dilation=1, groups=1, out=None):
    """dx (N, C, H, W) of conv2d_forward from grad (N, O, OH, OW) and w (O, C/groups, kH, kW).

    ``input_hw`` = (H, W), the forward input's spatial size (several sizes give the same OH when
    the stride is > 1; this is also how conv_transpose2d's output_padding is expressed).
    Also conv_transpose2d's forward (see the module docstring). Writes into ``out`` when given.
    """
    fn = "conv2d_backward_input"
    grad = _array(grad, fn, "grad")
    w = _array(w, fn, "w", grad.dtype)
    if grad.ndim != 4:
        raise ValueError(f"{fn}: grad must be 4-D (N, O, OH, OW), got shape {grad.shape}")
    h, wd = _pair(input_hw, fn, "input_hw")
    x_shape = (grad.shape[0], w.shape[1] * int(groups), h, wd)
    gm = _Geom(fn, x_shape, w.shape, stride, padding, dilation, groups, grad.dtype)
    if gm.out_shape != grad.shape or grad.shape[1] != w.shape[0]:
        raise ValueError(f"{fn}: grad has shape {grad.shape} but input size {(h, wd)} with weight "
                         f"{w.shape} gives output {gm.out_shape}")
    dx = out_array(out, gm.x_shape, grad.dtype, fn)
    _backward(gm, grad, None, w, dx, None)
    return dx


def conv2d_backward_weight(grad, x, w_shape, stride=1, padding=0, dilation=1, groups=1):
    """dw (O, C/groups, kH, kW) of conv2d_forward from grad (N, O, OH, OW) and x (N, C, H, W)."""
    fn = "conv2d_backward_weight"
    x = _array(x, fn, "x")
    gm = _Geom(fn, x.shape, tuple(w_shape), stride, padding, dilation, groups, x.dtype)
    grad = _array(grad, fn, "grad", x.dtype, gm.out_shape)
    dw = np.zeros((gm.groups, gm.og, gm.k), x.dtype)
    _backward(gm, grad, x, None, None, dw)
    return dw.reshape(gm.w_shape)


def conv2d_bias_grad(grad, out=None):
    """db (O,) = grad (N, O, OH, OW) summed over N, OH and OW (in grad's dtype)."""
    fn = "conv2d_bias_grad"
    grad = _array(grad, fn, "grad")
    if grad.ndim < 2:
        raise ValueError(f"{fn}: grad must be (N, O, ...), got shape {grad.shape}")
    db = out_array(out, (grad.shape[1],), grad.dtype, fn)
    _bias_grad(grad.reshape(grad.shape[0], grad.shape[1], -1), db)
    return db


def conv_transpose2d_forward(x, wt, b=None, stride=1, padding=0, output_padding=0, dilation=1,
                             groups=1, out=None):
    """PyTorch's conv_transpose2d: x (N, C_in, H, W), wt (C_in, C_out/groups, kH, kW), b (C_out,).

    Returns (N, C_out, H_out, W_out), H_out = (H - 1) sH - pad_top - pad_bottom + dH (kH - 1)
    + output_padding_h + 1. It is conv2d_backward_input with wt as a conv weight; the backward
    mapping is in the module docstring.
    """
    fn = "conv_transpose2d_forward"
    x = _array(x, fn, "x")
    wt = _array(wt, fn, "wt", x.dtype)
    if x.ndim != 4 or wt.ndim != 4 or x.shape[1] != wt.shape[0]:
        raise ValueError(f"{fn}: expected x (N, C_in, H, W) and wt (C_in, C_out/groups, kH, kW) "
                         f"with the same C_in, got x {x.shape} and wt {wt.shape}")
    sh, sw = _pair(stride, fn, "stride")
    dh, dw = _pair(dilation, fn, "dilation")
    oph, opw = _pair(output_padding, fn, "output_padding")
    pt, pb, pl, pr = _pad4(padding, fn)
    if not (0 <= oph < max(sh, dh) and 0 <= opw < max(sw, dw)):
        raise ValueError(f"{fn}: output_padding {output_padding!r} must be smaller than stride "
                         f"or dilation ({stride!r}, {dilation!r})")
    h_out = (x.shape[2] - 1) * sh - pt - pb + dh * (wt.shape[2] - 1) + oph + 1
    w_out = (x.shape[3] - 1) * sw - pl - pr + dw * (wt.shape[3] - 1) + opw + 1
    y = conv2d_backward_input(x, wt, (h_out, w_out), stride, padding, dilation, groups, out)
    if b is not None:
        b, _ = _bias(b, y.shape[1], x.dtype, fn)
        y += b[:, None, None]
    return y


def _backward(gm, grad, x, w, dx, dw):
    """Shared chunk loop: dx (N, C, H, W) and/or dw (G, O/G, K), whichever is not None."""
    if gm.depthwise:
        zb = np.zeros(1, grad.dtype)
        if dx is not None:
            _dw_loops(dx, grad, w, zb, False, *gm.args()[:8], _DW_INPUT, w)
        if dw is not None:
            dw4 = dw.reshape(gm.w_shape)
            _dw_loops(x, grad, dw4, zb, False, *gm.args()[:8], _DW_WEIGHT, dw4)
        return
    dtype = grad.dtype
    g3 = grad.reshape(gm.n, gm.o, gm.p)
    w3 = w.reshape(gm.groups, gm.og, gm.k) if dx is not None else None
    buf = gm.buffer(dtype) if (dw is not None or not gm.identity or gm.chunk > 1) else None
    gt_buf = np.empty((gm.o, gm.chunk * gm.p), dtype) if gm.chunk > 1 else None
    dw_tmp = np.empty_like(dw) if dw is not None else None
    for n0 in range(0, gm.n, gm.chunk):
        n1 = min(n0 + gm.chunk, gm.n)
        nc = n1 - n0
        if nc == 1:
            gt = g3[n0].reshape(gm.groups, gm.og, gm.p)
        else:
            gt2 = gt_buf[:, :nc * gm.p]
            _gather(g3[n0:n1], gt2)
            gt = gt2.reshape(gm.groups, gm.og, nc * gm.p)
        if dw is not None:
            cols = gm.cols(x, n0, n1, buf)
            np.matmul(gt, cols.transpose(0, 2, 1), out=dw_tmp)
            dw += dw_tmp
        if dx is not None:
            if gm.identity and nc == 1:
                np.matmul(w3.transpose(0, 2, 1), gt, out=dx[n0].reshape(gm.groups, gm.k, gm.p))
                continue
            c = _head(buf, nc * gm.p)
            np.matmul(w3.transpose(0, 2, 1), gt, out=c.reshape(gm.groups, gm.k, nc * gm.p))
            _col2im(c, *gm.args(), dx[n0:n1])
