"""Kernel benchmark: autograd_lite's Numba kernels vs the numpy a learner writes vs PyTorch.

    python benchmarks/bench_kernels.py [--threads 1 2] [--quick] [--only NAME ...]

Prints one markdown table per thread count: the median time of each kernel at 64K, 1M and 16M
float32 elements (BatchNorm at batch 256 x 1024, Linear at 256x784 @ 784x1024, conv2d, max-pool
and LayerNorm at the shapes in their names), its
throughput (GB/s of the bytes the operation must move, or GFLOPS), and the speed-up over numpy
and over PyTorch (when importable). Limit rows give the machine's copy bandwidth and BLAS
GFLOPS. Candidates are timed in interleaved rounds (ours, numpy, torch, ours, ...) so machine
noise hits them alike; every pool (Numba, OpenBLAS, PyTorch) is fixed to the stated thread count.
``--quick`` drops the 16M rows and uses fewer rounds (< 60 s). Results JSON goes to
benchmarks/results/ (git-ignored).
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

# kernels first: its setup bounds the OpenMP spin (GOMP_SPINCOUNT) before torch loads libgomp
import autograd_lite.kernels as K  # noqa: E402

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # PyTorch is optional
    torch = None

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
from _harness import write_results  # noqa: E402
F32 = np.float32
B = 4  # bytes per float32


def _median_time(cases, rounds, budget_s):
    """Interleaved rounds; each call repeated so one round takes >= ~2 ms. Returns medians (s)."""
    inner = {}
    for name, fn in cases.items():
        fn()  # warm up (and compile)
        t = time.perf_counter()
        fn()
        dt = max(time.perf_counter() - t, 1e-7)
        inner[name] = max(1, int(2e-3 / dt))
    times = {name: [] for name in cases}
    start = time.perf_counter()
    for r in range(rounds):
        for name, fn in cases.items():
            t = time.perf_counter()
            for _ in range(inner[name]):
                fn()
            times[name].append((time.perf_counter() - t) / inner[name])
        if r >= 2 and time.perf_counter() - start > budget_s:  # slow rows: fewer rounds
            break
    return {name: statistics.median(ts) for name, ts in times.items()}


def _t(a):
    return torch.from_numpy(a) if torch is not None else None


# ---- the rows ---------------------------------------------------------------------------------
# each builder returns (cases, work, unit): cases maps "ours"/"numpy"/"torch" to a zero-arg
# callable, work is bytes (unit "GB/s") or flops (unit "GFLOPS") per call.

def relu_fwd(n, rng):
    x = rng.standard_normal(n).astype(F32)
    o = np.empty_like(x)
    c = {"ours": lambda: K.relu(x, out=o), "numpy": lambda: np.maximum(x, 0)}
    if torch is not None:
        tx = _t(x)
        c["torch"] = lambda: torch.relu(tx)
    return c, 2 * n * B, "GB/s"


def relu_bwd(n, rng):
    x, g = rng.standard_normal(n).astype(F32), rng.standard_normal(n).astype(F32)
    o = np.empty_like(x)
    c = {"ours": lambda: K.relu_backward(g, x, out=o), "numpy": lambda: g * (x > 0)}
    if torch is not None:
        tx, tg = _t(x), _t(g)
        c["torch"] = lambda: torch.ops.aten.threshold_backward(tg, tx, 0)
    return c, 3 * n * B, "GB/s"


def sigmoid_fwd(n, rng):
    x = rng.standard_normal(n).astype(F32)
    o = np.empty_like(x)
    c = {"ours": lambda: K.sigmoid(x, out=o), "numpy": lambda: 1 / (1 + np.exp(-x))}
    if torch is not None:
        tx = _t(x)
        c["torch"] = lambda: torch.sigmoid(tx)
    return c, 2 * n * B, "GB/s"


def sigmoid_bwd(n, rng):
    y, g = rng.random(n).astype(F32), rng.standard_normal(n).astype(F32)
    o = np.empty_like(y)
    c = {"ours": lambda: K.sigmoid_backward(g, y, out=o), "numpy": lambda: g * y * (1 - y)}
    if torch is not None:
        ty, tg = _t(y), _t(g)
        c["torch"] = lambda: torch.ops.aten.sigmoid_backward(tg, ty)
    return c, 3 * n * B, "GB/s"


def tanh_fwd(n, rng):
    x = rng.standard_normal(n).astype(F32)
    o = np.empty_like(x)
    c = {"ours": lambda: K.tanh(x, out=o), "numpy": lambda: np.tanh(x)}
    if torch is not None:
        tx = _t(x)
        c["torch"] = lambda: torch.tanh(tx)
    return c, 2 * n * B, "GB/s"


def bias_relu(n, rng):
    z = rng.standard_normal((n // 1024, 1024)).astype(F32)
    b = rng.standard_normal(1024).astype(F32)
    o = np.empty_like(z)
    c = {"ours": lambda: K.bias_activation(z, b, "relu", out=o),
         "numpy": lambda: np.maximum(z + b, 0)}
    if torch is not None:
        tz, tb = _t(z), _t(b)
        c["torch"] = lambda: torch.relu(tz + tb)
    return c, 2 * n * B, "GB/s"


def softmax_rows(n, rng):
    x = rng.standard_normal((n // 1024, 1024)).astype(F32)
    o = np.empty_like(x)

    def numpy_softmax():
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    c = {"ours": lambda: K.softmax(x, out=o), "numpy": numpy_softmax}
    if torch is not None:
        tx = _t(x)
        c["torch"] = lambda: torch.softmax(tx, 1)
    return c, 2 * n * B, "GB/s"


def xent_fwd_bwd(n, rng):
    rows = n // 1024
    x = rng.standard_normal((rows, 1024)).astype(F32)
    lab = rng.integers(0, 1024, rows)
    pr = np.empty_like(x)
    d = np.empty_like(x)

    def ours():
        _, p = K.softmax_cross_entropy(x, lab, probs_out=pr)
        return K.softmax_cross_entropy_backward(p, lab, 1.0, out=d)

    def numpy_xent():
        s = x - x.max(axis=1, keepdims=True)
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        loss = -logp[np.arange(rows), lab].mean()
        grad = np.exp(logp)
        grad[np.arange(rows), lab] -= 1
        return loss, grad / rows

    c = {"ours": ours, "numpy": numpy_xent}
    if torch is not None:
        tx, tl = _t(x), torch.from_numpy(lab)

        def torch_xent():
            t = tx.detach().requires_grad_()
            F.cross_entropy(t, tl).backward()
            return t.grad
        c["torch"] = torch_xent
    return c, 3 * n * B, "GB/s"


def dropout_fwd(n, rng):
    x = rng.standard_normal(n).astype(F32)
    o = np.empty_like(x)
    gen = np.random.default_rng(0)
    c = {"ours": lambda: K.dropout(x, 0.5, 1234, out=o),
         "numpy": lambda: x * (gen.random(x.shape, dtype=F32) < 0.5) / 0.5}
    if torch is not None:
        tx = _t(x)
        c["torch"] = lambda: F.dropout(tx, 0.5, training=True)
    return c, 2 * n * B, "GB/s"


def adam_step(n, rng):
    p, g = rng.standard_normal(n).astype(F32), rng.standard_normal(n).astype(F32)
    m, v = np.zeros_like(p), np.zeros_like(p)
    p2, m2, v2 = p.copy(), m.copy(), v.copy()
    state = {"t": 0, "t2": 0}
    lr, b1, b2, eps = 1e-3, 0.9, 0.999, 1e-8

    def ours():
        state["t"] += 1
        K.adam_step(p, g, m, v, state["t"], lr, b1, b2, eps)

    def numpy_adam():  # what a learner writes, in place where obvious
        state["t2"] += 1
        t = state["t2"]
        m2[:] = b1 * m2 + (1 - b1) * g
        v2[:] = b2 * v2 + (1 - b2) * g * g
        m_hat = m2 / (1 - b1 ** t)
        v_hat = v2 / (1 - b2 ** t)
        p2[:] -= lr * m_hat / (np.sqrt(v_hat) + eps)

    c = {"ours": ours, "numpy": numpy_adam}
    if torch is not None:
        tp = torch.nn.Parameter(torch.from_numpy(p.copy()))
        tp.grad = torch.from_numpy(g)
        opt = torch.optim.Adam([tp], lr=lr, fused=True)
        c["torch"] = opt.step
    return c, 7 * n * B, "GB/s"  # read p g m v, write p m v


def column_var(n, rng):
    x = rng.standard_normal((n // 1024, 1024)).astype(F32)
    o = np.empty(1024, F32)
    c = {"ours": lambda: K.reduce_var(x, 0, out=o), "numpy": lambda: x.var(axis=0)}
    if torch is not None:
        tx = _t(x)
        c["torch"] = lambda: torch.var(tx, 0, unbiased=False)
    return c, n * B, "GB/s"


def batchnorm(n, rng):
    shape = (256, 1024)
    x, g = rng.standard_normal(shape).astype(F32), rng.standard_normal(shape).astype(F32)
    gamma, beta = np.ones(1024, F32), np.zeros(1024, F32)
    rm, rv = np.zeros(1024, F32), np.ones(1024, F32)
    y, dx = np.empty_like(x), np.empty_like(x)

    def ours():
        _, mean, invstd = K.batchnorm_forward_train(x, gamma, beta, rm, rv, 0.1, 1e-5, out=y)
        return K.batchnorm_backward(g, x, mean, invstd, gamma, out=dx)

    def numpy_bn():
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        xhat = (x - mu) / np.sqrt(var + 1e-5)
        out = gamma * xhat + beta
        rm[:] = 0.9 * rm + 0.1 * mu
        rv[:] = 0.9 * rv + 0.1 * var * 256 / 255
        dbeta = g.sum(axis=0)
        dgamma = (g * xhat).sum(axis=0)
        dxhat = g * gamma
        d = (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / np.sqrt(var + 1e-5)
        return out, d, dgamma, dbeta

    c = {"ours": ours, "numpy": numpy_bn}
    if torch is not None:
        tx, tg = _t(x), _t(g)
        tw = torch.ones(1024, requires_grad=True)
        tb = torch.zeros(1024, requires_grad=True)
        trm, trv = torch.zeros(1024), torch.ones(1024)

        def torch_bn():
            t = tx.detach().requires_grad_()
            F.batch_norm(t, trm, trv, tw, tb, training=True).backward(tg)
        c["torch"] = torch_bn
    # forward reads x 3x, writes y; backward reads g, x 2x, writes dx
    return c, 8 * x.size * B, "GB/s"


def linear_fwd(n, rng):
    x = rng.standard_normal((256, 784)).astype(F32)
    w = (rng.standard_normal((1024, 784)) * 0.03).astype(F32)
    b = rng.standard_normal(1024).astype(F32)
    o = np.empty((256, 1024), F32)
    c = {"ours": lambda: K.linear_forward(x, w, b, "relu", out=o),
         "numpy": lambda: np.maximum(x @ w.T + b, 0)}
    if torch is not None:
        tx, tw, tb = _t(x), _t(w), _t(b)
        c["torch"] = lambda: torch.relu(F.linear(tx, tw, tb))
    return c, 2 * 256 * 784 * 1024, "GFLOPS"


def linear_bwd(n, rng):
    x = rng.standard_normal((256, 784)).astype(F32)
    w = (rng.standard_normal((1024, 784)) * 0.03).astype(F32)
    y = np.maximum(rng.standard_normal((256, 1024)), 0).astype(F32)
    g = rng.standard_normal((256, 1024)).astype(F32)

    def numpy_bwd():
        dz = g * (y > 0)
        return dz @ w, dz.T @ x, dz.sum(axis=0)

    c = {"ours": lambda: K.linear_backward(g, x, w, y, "relu"), "numpy": numpy_bwd}
    if torch is not None:
        tx, tw, ty, tg = _t(x), _t(w), _t(y), _t(g)

        def torch_bwd():
            dz = torch.ops.aten.threshold_backward(tg, ty, 0)
            return dz @ tw, dz.T @ tx, dz.sum(0)
        c["torch"] = torch_bwd
    return c, 2 * 2 * 256 * 784 * 1024, "GFLOPS"


# ---- convolution, pooling, LayerNorm (issue 12) -----------------------------------------------
# numpy columns: what a learner writes, im2col by sliding_window_view + tensordot, the input
# gradient by accumulating each kernel offset's contribution into a padded array.

def _numpy_conv(x, w, b, pad):
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = np.lib.stride_tricks.sliding_window_view(xp, w.shape[2:], axis=(2, 3))  # N C OH OW kh kw
    return np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2) + b[:, None, None]


def _numpy_conv_backward(g, x, w, pad):
    kh, kw = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))
    dw = np.tensordot(g, win, axes=([0, 2, 3], [0, 2, 3]))
    dxp = np.zeros_like(xp)
    oh, ow = g.shape[2:]
    for i in range(kh):
        for j in range(kw):
            dxp[:, :, i:i + oh, j:j + ow] += np.einsum("nohw,oc->nchw", g, w[:, :, i, j])
    return dxp[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]], dw, g.sum((0, 2, 3))


def _conv(n_img, c_in, hw, c_out, k, pad, backward):
    def build(n, rng):
        x = rng.standard_normal((n_img, c_in, hw, hw)).astype(F32)
        w = (rng.standard_normal((c_out, c_in, k, k)) * 0.1).astype(F32)
        b = rng.standard_normal(c_out).astype(F32)
        y = K.conv2d_forward(x, w, b, 1, pad)
        g = rng.standard_normal(y.shape).astype(F32)

        def ours():
            K.conv2d_forward(x, w, b, 1, pad, out=y)
            if backward:
                K.conv2d_backward(g, x, w, 1, pad, need_bias=True)

        def numpy_conv():
            _numpy_conv(x, w, b, pad)
            if backward:
                _numpy_conv_backward(g, x, w, pad)

        c = {"ours": ours, "numpy": numpy_conv}
        if torch is not None:
            tx, tw, tb, tg = _t(x), _t(w), _t(b), _t(g)

            def torch_conv():
                if not backward:
                    return F.conv2d(tx, tw, tb, 1, pad)
                a, ww, bb = (t.detach().requires_grad_() for t in (tx, tw, tb))
                F.conv2d(a, ww, bb, 1, pad).backward(tg)
            c["torch"] = torch_conv
        flops = 2 * y.size * c_in * k * k
        return c, flops * (3 if backward else 1), "GFLOPS"
    return build


def depthwise_conv(n, rng):
    x = rng.standard_normal((64, 32, 28, 28)).astype(F32)
    w = (rng.standard_normal((32, 1, 3, 3)) * 0.1).astype(F32)
    b = rng.standard_normal(32).astype(F32)
    y = K.conv2d_forward(x, w, b, 1, 1, 1, 32)
    g = rng.standard_normal(y.shape).astype(F32)

    def ours():
        K.conv2d_forward(x, w, b, 1, 1, 1, 32, out=y)
        K.conv2d_backward(g, x, w, 1, 1, 1, 32, need_bias=True)

    def numpy_dw():
        xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
        win = np.lib.stride_tricks.sliding_window_view(xp, (3, 3), axis=(2, 3))
        out = np.einsum("nchwij,cij->nchw", win, w[:, 0]) + b[:, None, None]
        dw = np.einsum("nchw,nchwij->cij", g, win)[:, None]
        dxp = np.zeros_like(xp)
        for i in range(3):
            for j in range(3):
                dxp[:, :, i:i + 28, j:j + 28] += g * w[None, :, 0, i, j, None, None]
        return out, dxp[:, :, 1:29, 1:29], dw, g.sum((0, 2, 3))

    c = {"ours": ours, "numpy": numpy_dw}
    if torch is not None:
        tx, tw, tb, tg = _t(x), _t(w), _t(b), _t(g)

        def torch_dw():
            a, ww, bb = (t.detach().requires_grad_() for t in (tx, tw, tb))
            F.conv2d(a, ww, bb, 1, 1, 1, 32).backward(tg)
        c["torch"] = torch_dw
    return c, 3 * 2 * y.size * 9, "GFLOPS"


def _max_pool(n_img, ch, hw):
    def build(n, rng):
        x = rng.standard_normal((n_img, ch, hw, hw)).astype(F32)
        y, idx = K.max_pool2d_forward(x, 2)
        g = rng.standard_normal(y.shape).astype(F32)
        dx = np.empty_like(x)

        def ours():
            K.max_pool2d_forward(x, 2, out=y, indices_out=idx)
            K.max_pool2d_backward(g, idx, (hw, hw), out=dx)

        def numpy_pool():  # reshape trick; ties send the gradient to every maximum
            v = x.reshape(n_img, ch, hw // 2, 2, hw // 2, 2)
            m = v.max(axis=(3, 5))
            mask = v == m[:, :, :, None, :, None]
            return m, (mask * g[:, :, :, None, :, None]).reshape(x.shape)

        c = {"ours": ours, "numpy": numpy_pool}
        if torch is not None:
            tx, tg = _t(x), _t(g)

            def torch_pool():
                a = tx.detach().requires_grad_()
                F.max_pool2d(a, 2).backward(tg)
            c["torch"] = torch_pool
        return c, (x.size * 2 + y.size * 3) * B, "GB/s"  # read x, write y + idx; read g idx, write dx
    return build


def layernorm(n, rng):
    shape = (4096, 512)
    x, g = rng.standard_normal(shape).astype(F32), rng.standard_normal(shape).astype(F32)
    gamma, beta = np.ones(512, F32), np.zeros(512, F32)
    y, dx = np.empty_like(x), np.empty_like(x)

    def ours():
        _, mean, rstd = K.layernorm_forward(x, gamma, beta, 1e-5, out=y)
        return K.layernorm_backward(g, x, mean, rstd, gamma, out=dx)

    def numpy_ln():
        mu = x.mean(axis=1, keepdims=True)
        var = x.var(axis=1, keepdims=True)
        xhat = (x - mu) / np.sqrt(var + 1e-5)
        out = gamma * xhat + beta
        dxhat = g * gamma
        d = (dxhat - dxhat.mean(axis=1, keepdims=True)
             - xhat * (dxhat * xhat).mean(axis=1, keepdims=True)) / np.sqrt(var + 1e-5)
        return out, d, (g * xhat).sum(axis=0), g.sum(axis=0)

    c = {"ours": ours, "numpy": numpy_ln}
    if torch is not None:
        tx, tg = _t(x), _t(g)
        tw = torch.ones(512, requires_grad=True)
        tb = torch.zeros(512, requires_grad=True)

        def torch_ln():
            t = tx.detach().requires_grad_()
            F.layer_norm(t, (512,), tw, tb).backward(tg)
        c["torch"] = torch_ln
    return c, 6 * x.size * B, "GB/s"  # forward reads x, writes y; backward reads g x, writes dx


# limit rows: the machine, not a kernel
def copy_limit(n, rng):
    x = rng.standard_normal(n).astype(F32)
    o = np.empty_like(x)
    return {"numpy": lambda: np.copyto(o, x)}, 2 * n * B, "GB/s"


def blas_limit(n, rng):
    x = rng.standard_normal((256, 784)).astype(F32)
    w = rng.standard_normal((1024, 784)).astype(F32)
    o = np.empty((256, 1024), F32)
    return {"numpy": lambda: np.matmul(x, w.T, out=o)}, 2 * 256 * 784 * 1024, "GFLOPS"


SIZES = {"64K": 1 << 16, "1M": 1 << 20, "16M": 1 << 24}
ROWS = [  # (name, builder, sizes)
    ("copy (limit: np.copyto)", copy_limit, ("64K", "1M", "16M")),
    ("sgemm 256x784@784x1024 (limit: bare np.matmul)", blas_limit, ("-",)),
    ("relu forward", relu_fwd, ("64K", "1M", "16M")),
    ("relu backward", relu_bwd, ("64K", "1M", "16M")),
    ("sigmoid forward", sigmoid_fwd, ("64K", "1M", "16M")),
    ("sigmoid backward", sigmoid_bwd, ("64K", "1M", "16M")),
    ("tanh forward", tanh_fwd, ("64K", "1M", "16M")),
    ("bias+relu (rows x 1024)", bias_relu, ("64K", "1M", "16M")),
    ("softmax (rows x 1024)", softmax_rows, ("64K", "1M", "16M")),
    ("softmax+xent fwd+bwd (rows x 1024)", xent_fwd_bwd, ("64K", "1M", "16M")),
    ("dropout forward p=0.5", dropout_fwd, ("64K", "1M", "16M")),
    ("Adam step (torch: fused=True)", adam_step, ("64K", "1M", "10M", "16M")),
    ("column var (rows x 1024)", column_var, ("64K", "1M", "16M")),
    ("BatchNorm1d fwd+bwd 256x1024", batchnorm, ("-",)),
    ("Linear fwd 256x784@784x1024 +bias+relu", linear_fwd, ("-",)),
    ("Linear bwd (relu, dx dw db)", linear_bwd, ("-",)),
    ("conv2d fwd 64x32x28x28 -> 64, 3x3 pad 1", _conv(64, 32, 28, 64, 3, 1, False), ("-",)),
    ("conv2d fwd+bwd (dx dw db) 64x32x28x28 -> 64, 3x3 pad 1", _conv(64, 32, 28, 64, 3, 1, True),
     ("-",)),
    ("conv2d fwd+bwd LeNet c1 64x1x28x28 -> 6, 5x5", _conv(64, 1, 28, 6, 5, 0, True), ("-",)),
    ("conv2d fwd+bwd LeNet c2 64x6x12x12 -> 16, 5x5", _conv(64, 6, 12, 16, 5, 0, True), ("-",)),
    ("conv2d fwd+bwd depthwise 64x32x28x28, 3x3 pad 1", depthwise_conv, ("-",)),
    ("max-pool 2 fwd+bwd 64x6x24x24", _max_pool(64, 6, 24), ("-",)),
    ("max-pool 2 fwd+bwd 64x16x8x8", _max_pool(64, 16, 8), ("-",)),
    ("LayerNorm fwd+bwd 4096x512", layernorm, ("-",)),
]


def run(threads, quick, only):
    K.set_num_threads(threads)
    if torch is not None:
        torch.set_num_threads(threads)
    rng = np.random.default_rng(0)
    results = []
    for name, build, sizes in ROWS:
        if only and not any(o.lower() in name.lower() for o in only):
            continue
        for size in sizes:
            if quick and size == "16M":
                continue
            n = {"10M": 10_000_000, "-": 0}[size] if size in ("10M", "-") else SIZES[size]
            cases, work, unit = build(n, rng)
            budget = 1.0 if quick else 4.0
            med = _median_time(cases, 5 if quick else 15, budget)
            results.append({"kernel": name, "size": size, "threads": threads,
                            "median_s": med, "work": work, "unit": unit})
            del cases
    return results


def _fmt_ms(s):
    return "" if s is None else (f"{s * 1e3:.3f}" if s < 0.1 else f"{s * 1e3:.1f}")


def table(results):
    head = ("| kernel | size | ours ms | numpy ms | torch ms | ours throughput | "
            "numpy/ours | torch/ours |\n|---|---|---|---|---|---|---|---|")
    lines = [head]
    for r in results:
        m = r["median_s"]
        ours = m.get("ours")
        ref = ours if ours is not None else m.get("numpy")
        scale = 1e9
        thr = f"{r['work'] / ref / scale:.1f} {r['unit']}" if ref else ""
        sp_np = f"{m['numpy'] / ours:.2f}x" if ours and "numpy" in m else ""
        sp_t = f"{m['torch'] / ours:.2f}x" if ours and "torch" in m else ""
        lines.append(f"| {r['kernel']} | {r['size']} | {_fmt_ms(ours)} | {_fmt_ms(m.get('numpy'))} | "
                     f"{_fmt_ms(m.get('torch'))} | {thr} | {sp_np} | {sp_t} |")
    return "\n".join(lines)


def environment():
    import numba
    from threadpoolctl import threadpool_info
    blas = ", ".join(f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')})"
                     for p in threadpool_info() if p.get("user_api") == "blas")
    return {"python": platform.python_version(), "numpy": np.__version__,
            "numba": numba.__version__, "torch": torch.__version__ if torch else "not installed",
            "blas": blas, "cpus": os.cpu_count(), "machine": platform.processor() or platform.machine(),
            "numba_threading_layer_env": os.environ.get("NUMBA_THREADING_LAYER", "default"),
            "GOMP_SPINCOUNT": os.environ.get("GOMP_SPINCOUNT")}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--quick", action="store_true", help="no 16M rows, fewer rounds (< 60 s)")
    ap.add_argument("--only", nargs="*", default=[], help="run only kernels whose name contains one of these")
    ap.add_argument("--no-json", action="store_true")
    args = ap.parse_args(argv)
    env = environment()
    print(f"# kernel benchmark ({'quick' if args.quick else 'full'}), float32, medians of "
          f"interleaved rounds\n\n{json.dumps(env)}\n")
    everything = []
    t0 = time.time()
    for n in args.threads:
        res = run(n, args.quick, args.only)
        everything += res
        print(f"## {n} thread{'s' if n > 1 else ''} (Numba, OpenBLAS and PyTorch all fixed to {n})\n")
        print(table(res))
        print()
        sys.stdout.flush()
    print(f"total {time.time() - t0:.1f} s")
    if not args.no_json:
        write_results("bench_kernels", {"environment": env, "quick": args.quick,
                                        "results": everything}, indent=1)


if __name__ == "__main__":
    main()
