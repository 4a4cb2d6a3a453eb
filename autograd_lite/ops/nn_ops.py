"""Fused Functions behind ``autograd_lite.nn.functional``: linear, batch norm (train and eval),
dropout with a seeded mask, cross-entropy (log-softmax + NLL in one node), binary cross-entropy
and its with-logits form. Each works on numpy arrays; forward and backward sit side by side.

Where one node instead of a chain of small ops buys speed or numerical stability, the layer is
a Function here; everything else in ``nn.functional`` composes the public ops.
"""
import numpy as np

from .. import kernels
from ..autograd.function import NumpyFunction
from ..dtypes import kernel_dtype
from ..tensor import _wrap


def _param_shape(ndim):
    """Shape that broadcasts a per-channel vector (C,) against (N, C, *)."""
    return (1, -1) + (1,) * (ndim - 2)


def _stat_axes(ndim):
    """The axes a batch statistic reduces over: every axis but the channel axis 1."""
    return (0,) + tuple(range(2, ndim))


# ---- linear -------------------------------------------------------------------------------
class Linear(NumpyFunction):
    """y = x Wᵀ + b with W of shape (out, in), x of shape (*, in). For 2-D float inputs the GEMM
    runs in BLAS with the bias added by the Numba epilogue (kernels.linear_*); below
    ``SMALL_LINEAR`` output elements the same arithmetic runs as two numpy calls, because
    there the kernel wrappers' argument checks cost more than the whole layer (W-tiny)."""

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        ctx.has_bias = bias is not None
        if _fused_linear_ok(x, weight, bias):
            if x.shape[0] * weight.shape[0] < SMALL_LINEAR:
                out = kernels.matmul(x, weight.T)
                if bias is not None:
                    out += bias
                return out
            return kernels.linear_forward(x, weight, bias)
        out = kernels.matmul(x, weight.T)
        if bias is not None:
            out = out + bias
        return out

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        if _fused_linear_ok(x, weight, None) and g.dtype == x.dtype:
            if g.size < SMALL_LINEAR:
                return (kernels.matmul(g, weight) if need_x else None,
                        kernels.matmul(g.T, x) if need_w else None,
                        g.sum(axis=0) if need_b else None)
            gx, gw, gb = kernels.linear_backward(g, x, weight, need_dx=need_x)
            return gx, (gw if need_w else None), (gb if need_b else None)
        gx = kernels.matmul(g, weight) if need_x else None
        gw = gb = None
        if need_w or need_b:
            g2 = g.reshape(-1, weight.shape[0])
            if need_w:
                gw = kernels.matmul(g2.T, x.reshape(-1, weight.shape[1]))
            if need_b:
                gb = g2.sum(axis=0)
        return gx, gw, gb

    @staticmethod
    def vjp(ctx, g):
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        gx = g @ weight if need_x else None
        g2 = g.reshape(-1, weight.shape[0])
        gw = g2.T @ x.reshape(-1, weight.shape[1]) if need_w else None
        gb = g2.sum(0) if need_b else None
        return gx, gw, gb


#: output elements (batch × out_features) below which Linear skips the kernel wrappers
SMALL_LINEAR = 16384


def _fused_linear_ok(x, weight, bias):
    c = x.dtype.char
    return (x.ndim == 2 and kernel_dtype(x.dtype) and weight.dtype.char == c
            and weight.ndim == 2 and (bias is None or bias.dtype.char == c))


# ---- batch normalisation -------------------------------------------------------------------
class BatchNormTrain(NumpyFunction):
    """Normalise with the batch's own statistics (biased variance), then scale and shift.

    ``stats`` is a dict that forward fills with the batch ``mean``, the biased ``var`` and the
    count ``n`` per channel, so the caller can update running estimates without a second pass.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, eps, stats):
        if x.ndim == 2 and kernel_dtype(x.dtype):
            return BatchNormTrain._forward_kernel(ctx, x, weight, bias, eps, stats)
        ctx.kernel = False
        axes = _stat_axes(x.ndim)
        pshape = _param_shape(x.ndim)
        mean = x.mean(axis=axes, keepdims=True)
        centred = x - mean
        var = (centred * centred).mean(axis=axes, keepdims=True)
        invstd = 1.0 / np.sqrt(var + eps)
        xhat = centred * invstd
        out = xhat
        if weight is not None:
            out = out * weight.reshape(pshape)
        if bias is not None:
            out = out + bias.reshape(pshape)
        if stats is not None:
            stats["mean"] = mean.reshape(-1)
            stats["var"] = var.reshape(-1)
            stats["n"] = x.size // x.shape[1]
        ctx.save_for_backward(x, xhat, invstd, weight)
        ctx.axes, ctx.eps = axes, eps
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def _forward_kernel(ctx, x, weight, bias, eps, stats):
        """(N, C) in float32/float64: the fused Numba forward (one pass for the statistics,
        one for the output) and, in backward, the fused Numba backward."""
        c = x.shape[1]
        gamma = (np.ones(c, x.dtype) if weight is None else weight.astype(x.dtype, copy=False))
        beta = (np.zeros(c, x.dtype) if bias is None else bias.astype(x.dtype, copy=False))
        out, mean, invstd = kernels.batchnorm_forward_train(x, gamma, beta, eps=eps)
        if stats is not None:
            stats["mean"] = mean
            # the kernel returns 1/√(σ² + ε); recover the biased σ² in float64
            stats["var"] = np.maximum(1.0 / np.square(invstd.astype(np.float64)) - eps, 0.0)
            stats["n"] = x.shape[0]
        ctx.save_for_backward(x, mean, invstd, gamma)
        ctx.kernel = True
        ctx.axes, ctx.eps = (0,), eps
        return out

    @staticmethod
    def backward(ctx, g):
        if ctx.kernel:
            x, mean, invstd, gamma = ctx.saved_tensors
            dx, dgamma, dbeta = kernels.batchnorm_backward(g, x, mean, invstd, gamma)
            need_x, need_w, need_b = ctx.needs_input_grad[:3]
            return (dx if need_x else None, dgamma if need_w else None,
                    dbeta if need_b else None, None, None)
        _, xhat, invstd, weight = ctx.saved_tensors
        return _batchnorm_train_grads(ctx, g, xhat, invstd, weight, keepdims=True)

    @staticmethod
    def vjp(ctx, g):
        """The numpy formula of ``backward`` on Tensors, with the batch statistics recomputed
        from x by recorded ops (they depend on x, so a second derivative must see them)."""
        x, *_, weight = ctx.saved_tensors
        axes = ctx.axes
        centred = x - x.mean(axes, keepdim=True)
        invstd = ((centred * centred).mean(axes, keepdim=True) + ctx.eps) ** -0.5
        return _batchnorm_train_grads(ctx, g, centred * invstd, invstd, weight, keepdim=True)


def _batchnorm_train_grads(ctx, g, xhat, invstd, weight, **keep):
    """(dx, dγ, dβ) of batch norm in training: dx = invstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with
    ĝ = g·γ (Ioffe & Szegedy 2015, eq. after Algorithm 1). One formula for arrays
    (``keepdims=True``) and Tensors (``keepdim=True``): the keyword is the only difference."""
    axes = ctx.axes
    need_x, need_w, need_b = ctx.needs_input_grad[:3]
    gx = gw = gb = None
    if need_x:
        gy = g if weight is None else g * weight.reshape(_param_shape(g.ndim))
        gx = invstd * (gy - gy.mean(axes, **keep) - xhat * (gy * xhat).mean(axes, **keep))
    if need_w:
        gw = (g * xhat).sum(axes)
    if need_b:
        gb = g.sum(axes)
    return gx, gw, gb, None, None


class BatchNormEval(NumpyFunction):
    """Normalise with given (running) statistics: y = (x − μ)/√(σ² + ε)·γ + β, a per-channel
    affine map. Gradients flow to every input, running statistics included."""

    @staticmethod
    def forward(ctx, x, mean, var, weight, bias, eps):
        pshape = _param_shape(x.ndim)
        invstd = 1.0 / np.sqrt(var + eps)
        centred = x - mean.reshape(pshape)
        scale = invstd if weight is None else invstd * weight
        out = centred * scale.reshape(pshape)
        if bias is not None:
            out = out + bias.reshape(pshape)
        ctx.save_for_backward(x, mean, var, weight)
        ctx.eps = eps
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        """One formula for arrays and (as ``vjp``) Tensors: only operators and reshape/sum."""
        x, mean, var, weight = ctx.saved_tensors
        need_x, need_mean, need_var, need_w, need_b = ctx.needs_input_grad[:5]
        axes = _stat_axes(g.ndim)
        pshape = _param_shape(g.ndim)
        invstd = (var + ctx.eps) ** -0.5
        centred = x - mean.reshape(pshape)
        scale = invstd if weight is None else invstd * weight
        gx = g * scale.reshape(pshape) if need_x else None
        gmean = -((g.sum(axes)) * scale) if need_mean else None
        gvar = None
        if need_var:
            gvar = (g * centred).sum(axes) * (-0.5) * scale * invstd * invstd
        gw = (g * centred).sum(axes) * invstd if need_w else None
        gb = g.sum(axes) if need_b else None
        return gx, gmean, gvar, gw, gb, None

    vjp = backward


# ---- layer normalisation -------------------------------------------------------------------
class LayerNorm(NumpyFunction):
    """y = (x − μ)/√(σ² + ε)·γ + β over the last ``d`` elements of each row (Ba, Kiros &
    Hinton 2016; biased variance), for float32/float64: one fused Numba pass forward and one
    backward (kernels/layernorm.py). Measured, forward + backward of (4096, 256) float32 with
    γ, β, 1 thread, two runs: this op 3.62 / 3.51 ms, the composed ops 12.8 / 17.3 ms, PyTorch
    3.64 / 4.53 ms. ``weight``/``bias`` are (d,) or None.
    The ``vjp`` is the same gradient composed from ops, with the statistics recomputed from x,
    so any order goes through; the registry checks the two on every sample."""

    @staticmethod
    def forward(ctx, x, weight, bias, d, eps):
        rows = np.ascontiguousarray(x).reshape(-1, d)
        y, ctx.mean, ctx.rstd = kernels.layernorm_forward(rows, weight, bias, eps)
        ctx.save_for_backward(x, weight)
        ctx.d, ctx.eps = d, eps
        return y.reshape(x.shape)

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        d = ctx.d
        dx, dgamma, dbeta = kernels.layernorm_backward(
            np.ascontiguousarray(g, dtype=x.dtype).reshape(-1, d),
            np.ascontiguousarray(x).reshape(-1, d), ctx.mean, ctx.rstd, weight)
        return (dx.reshape(x.shape) if need_x else None, dgamma if need_w else None,
                dbeta if need_b else None, None, None)

    @staticmethod
    def vjp(ctx, g):
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        rows, g2 = x.reshape(-1, ctx.d), g.reshape(-1, ctx.d)
        centred = rows - rows.mean(1, keepdim=True)
        invstd = ((centred * centred).mean(1, keepdim=True) + ctx.eps) ** -0.5
        xhat = centred * invstd
        gx = None
        if need_x:
            gy = g2 if weight is None else g2 * weight
            gx = (invstd * (gy - gy.mean(1, keepdim=True)
                            - xhat * (gy * xhat).mean(1, keepdim=True))).reshape(x.shape)
        return (gx, (g2 * xhat).sum(0) if need_w else None, g2.sum(0) if need_b else None,
                None, None)


def fused_layer_norm_ok(x, weight, bias):
    """The fused LayerNorm applies: float32/float64 input, and γ, β absent or of its dtype."""
    return kernel_dtype(x.dtype) and x.numel() > 0 and all(
        p is None or p.dtype == x.dtype for p in (weight, bias))


# ---- dropout ------------------------------------------------------------------------------
def dropout_mask(shape, dtype, p, seed):
    """The inverted-dropout mask: D = (U < keep_prob) / keep_prob with U uniform on [0, 1)
    (the course's ``D = rand(...) < keep_prob``, with the ``/ keep_prob`` scaling folded in),
    a pure function of ``seed``. float32/float64 use the Numba kernel's counter-based generator
    (U with 24-bit resolution); other dtypes a numpy generator. p = 1 gives all zeros."""
    dtype = np.dtype(dtype)
    keep = 1.0 - p
    if keep <= 0.0:
        return np.zeros(shape, dtype=dtype)
    if kernel_dtype(dtype):
        return kernels.dropout_mask(shape, p, seed, dtype)
    draw_dtype = np.float32 if dtype == np.float32 else np.float64
    u = np.random.default_rng(seed).random(shape, dtype=draw_dtype)
    mask = (u < keep).astype(dtype)
    mask *= dtype.type(1.0 / keep)
    return mask


class Dropout(NumpyFunction):
    """out = x · D with the mask of ``dropout_mask``; backward multiplies by the same D. With
    the Numba kernel no mask is stored: backward regenerates it from the seed."""

    @staticmethod
    def forward(ctx, x, p, seed):
        ctx.p, ctx.seed = p, seed
        ctx.kernel = p < 1.0 and kernel_dtype(x.dtype)
        if ctx.kernel:
            return kernels.dropout(x, p, seed)
        mask = dropout_mask(x.shape, x.dtype, p, seed)
        ctx.save_for_backward(mask)
        return x * mask

    @staticmethod
    def backward(ctx, g):
        if ctx.kernel:
            if not kernel_dtype(g.dtype):
                g = g.astype(np.float64)
            return kernels.dropout_backward(g, ctx.p, ctx.seed), None, None
        mask, = ctx.saved_tensors
        return g * mask, None, None

    @staticmethod
    def vjp(ctx, g):
        """g times the same mask, as a constant (regenerated from the seed on the kernel path)."""
        if ctx.kernel:
            mask = dropout_mask(g.shape, g.dtype, ctx.p, ctx.seed)
        else:
            mask, = ctx.saved_tensors
            mask = mask._data
        return g * _wrap(mask), None, None


# ---- cross-entropy ------------------------------------------------------------------------
def _log_softmax_rows(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def cross_entropy_coefficients(target, n_classes, dtype, weight, ignore_index, label_smoothing):
    """The (N, C) matrix A with per-sample loss ℓᵢ = −Σ_c A_ic log p_ic, and the denominator of
    the 'mean' reduction. Integer targets: A_ic = wᵢ((1−ε)[c = yᵢ]) + ε w_c / C for rows not
    ignored (wᵢ = w[yᵢ]); the mean divides by Σᵢ w[yᵢ] over rows not ignored (PyTorch's rule).
    Probability targets: A_ic = w_c((1−ε) t_ic + ε/C); the mean divides by N."""
    eps = float(label_smoothing)
    if target.dtype.kind == "f":
        a = (1.0 - eps) * target.astype(dtype, copy=False) + eps / n_classes
        if weight is not None:
            a = a * weight
        return a.astype(dtype, copy=False), float(target.shape[0])
    n = target.shape[0]
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    bad = valid & ((target < 0) | (target >= n_classes))
    if bad.any():
        raise IndexError(f"cross_entropy: target {int(target[bad][0])} is out of range for "
                         f"{n_classes} classes (expected 0 .. {n_classes - 1}, or ignore_index "
                         f"{ignore_index})")
    row_weight = (weight[safe] if weight is not None else np.ones(n)) * valid
    a = np.zeros((n, n_classes), dtype=dtype)
    a[np.arange(n), safe] = (1.0 - eps) * row_weight
    if eps:
        class_weight = weight if weight is not None else np.ones(n_classes)
        a += (eps / n_classes) * valid[:, None] * class_weight[None, :]
    return a, float(row_weight.sum())


class CrossEntropy(NumpyFunction):
    """Log-softmax and negative log-likelihood fused over rows of ``logits`` (N, C).

    The gradient is ∂ℓᵢ/∂z_ic = p_ic Σ_c' A_ic' − A_ic (softmax minus target, with weights and
    smoothing folded into A), which is exact and never takes the log of a rounded softmax."""

    @staticmethod
    def forward(ctx, logits, target, weight, ignore_index, reduction, label_smoothing):
        ctx.kernel = False
        ctx.ignore_index, ctx.reduction, ctx.weight = ignore_index, reduction, weight
        ctx.smoothing = float(label_smoothing)
        if (weight is None and not label_smoothing and target.dtype.kind in "iu"
                and target.ndim == 1 and logits.ndim == 2 and kernel_dtype(logits.dtype)
                and logits.size and not _ignores_a_label(target, ignore_index, logits.shape[1])):
            # the common case (class labels, no weights, no smoothing): the fused Numba
            # softmax + cross-entropy, one pass, no (N, C) coefficient matrix. A label out of
            # range (or equal to ignore_index) makes the kernel refuse: the general path below
            # then ignores it or raises the error that names it.
            try:
                loss, probs = kernels.softmax_cross_entropy(logits, target, reduction)
            except ValueError:
                pass
            else:
                ctx.kernel = True
                ctx.save_for_backward(probs, logits, target)
                ctx.labels = target
                return loss
        logp = _log_softmax_rows(logits)
        a, denominator = cross_entropy_coefficients(target, logits.shape[1], logits.dtype,
                                                    weight, ignore_index, label_smoothing)
        per_sample = -(a * logp).sum(axis=1)
        ctx.save_for_backward(logp, a, logits, target)
        ctx.denominator = denominator
        if reduction == "none":
            return per_sample
        total = per_sample.sum()
        if reduction == "sum":
            return np.asarray(total, dtype=logits.dtype)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(total / ctx.denominator, dtype=logits.dtype)

    @staticmethod
    def backward(ctx, g):
        if ctx.kernel:
            probs, _, _ = ctx.saved_tensors
            glogits = None
            if ctx.needs_input_grad[0]:
                glogits = kernels.softmax_cross_entropy_backward(
                    probs, ctx.labels, g.astype(probs.dtype, copy=False), ctx.reduction)
            return glogits, None, None, None, None, None
        logp, a, _, _ = ctx.saved_tensors
        return _cross_entropy_grads(ctx, g, logp, np.exp(logp), a, ctx.denominator)

    @staticmethod
    def vjp(ctx, g):
        """``backward``'s formula on Tensors: log-softmax recomputed from the logits by a
        recorded op, and the coefficients A recomputed from a probability target when it is a
        tensor (for class labels A is a constant)."""
        *_, logits, target = ctx.saved_tensors
        logp = logits.log_softmax(1)
        if target.dtype.kind == "f":
            a = (1.0 - ctx.smoothing) * target + ctx.smoothing / logits.shape[1]
            if ctx.weight is not None:
                a = a * _wrap(ctx.weight)
            denominator = float(target.shape[0])
        else:
            a, denominator = cross_entropy_coefficients(
                target._data, logits.shape[1], logits.dtype, ctx.weight, ctx.ignore_index,
                ctx.smoothing)
            a = _wrap(a)
        return _cross_entropy_grads(ctx, g, logp, logp.exp(), a, denominator)


def _ignores_a_label(target, ignore_index, n_classes):
    """True when ignore_index is a real class that occurs in target (the fused kernel knows
    nothing of ignore_index; it only refuses labels outside 0 .. C−1)."""
    return 0 <= ignore_index < n_classes and bool((target == ignore_index).any())


def _cross_entropy_grads(ctx, g, logp, probs, a, denominator):
    """∂/∂z = coeff·(p·ΣA − A), ∂/∂t = −(1−ε)·coeff·log p (·w); coeff is g spread per row by
    the reduction. One formula for arrays and Tensors."""
    if ctx.reduction == "none":
        coeff = g.reshape(-1, 1)
    elif ctx.reduction == "sum":
        coeff = g
    else:
        coeff = g / denominator
    need_logits, need_target = ctx.needs_input_grad[:2]
    glogits = gtarget = None
    if need_logits:
        glogits = coeff * (probs * a.sum(1, keepdims=True) - a) if isinstance(a, np.ndarray) \
            else coeff * (probs * a.sum(1, keepdim=True) - a)
    if need_target:
        gtarget = -(1.0 - ctx.smoothing) * coeff * logp
        if ctx.weight is not None:
            gtarget = gtarget * (ctx.weight if isinstance(gtarget, np.ndarray)
                                 else _wrap(ctx.weight))
    return glogits, gtarget, None, None, None, None


# ---- binary cross-entropy -------------------------------------------------------------------
class BinaryCrossEntropy(NumpyFunction):
    """ℓ = −(y log p + (1 − y) log(1 − p)) elementwise, each log clamped at −100 (PyTorch's rule,
    so p = 0 or 1 gives a finite loss); ∂ℓ/∂p = (p − y) / max(p(1 − p), 1e-12).

    ``reduction`` "mean" or "sum" reduces inside the node (one node instead of two on the
    tape: a tiny model's loss is call-bound); "none" returns the elementwise loss."""

    @staticmethod
    def forward(ctx, p, y, reduction="none"):
        ctx.reduction = reduction
        ctx.kernel = _bce_kernel_ok(p, y)
        if ctx.kernel:  # the kernel checks the range in its pass (so does every replay)
            ctx.save_for_backward(p, y)
            return kernels.binary_cross_entropy(p, y, reduction)
        # min/max propagate NaN, and NaN compares False: one test catches both
        if p.size and not (p.min() >= 0 and p.max() <= 1):
            raise ValueError(kernels.bce.OUTSIDE)
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), -100.0)
            log_q = np.maximum(np.log1p(-p), -100.0)
        ctx.save_for_backward(p, y, log_p, log_q)
        loss = -(y * log_p + (1.0 - y) * log_q)
        if reduction == "mean":
            return np.asarray(loss.mean(), dtype=p.dtype)
        if reduction == "sum":
            return np.asarray(loss.sum(), dtype=p.dtype)
        return loss.astype(p.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        need_p, need_y = ctx.needs_input_grad[:2]
        p, y, *logs = ctx.saved_tensors
        if ctx.kernel and g.dtype == p.dtype:
            gp, gy = kernels.binary_cross_entropy_backward(g, p, y, ctx.reduction, need_p,
                                                           need_y)
            return gp, gy, None
        if ctx.reduction == "mean":
            g = g / p.size
        gp = gy = None
        if need_p:
            gp = g * (p - y) / np.maximum(p * (1.0 - p), 1e-12)
        if need_y:
            with np.errstate(divide="ignore"):
                log_p, log_q = logs or (np.log(p), np.log1p(-p))
            gy = g * (np.maximum(log_q, -100.0) - np.maximum(log_p, -100.0))
        return gp, gy, None

    @staticmethod
    def vjp(ctx, g):
        p, y = ctx.saved_tensors[:2]
        if ctx.reduction == "mean":
            g = g / p.numel()
        gp = gy = None
        if ctx.needs_input_grad[0]:
            gp = g * (p - y) / (p * (1.0 - p)).clamp(min=1e-12)
        if ctx.needs_input_grad[1]:
            gy = g * ((1.0 - p).log().clamp(min=-100.0) - p.log().clamp(min=-100.0))
        return gp, gy, None


def _bce_kernel_ok(p, y):
    """Probabilities (or logits) and targets the BCE kernels take: float32/float64 of one
    dtype and shape."""
    return kernel_dtype(p.dtype) and y.dtype == p.dtype and y.shape == p.shape


def _softplus_neg(x):
    """log(1 + e^(−x)), stable for any x."""
    return np.maximum(-x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class BinaryCrossEntropyWithLogits(NumpyFunction):
    """ℓ = (1 − y)·x + (1 + (w₊ − 1)·y)·log(1 + e^(−x)) elementwise (w₊ = pos_weight, 1 when
    None): the sigmoid folded into the loss, finite and exact for logits of ±1e4."""

    @staticmethod
    def forward(ctx, x, y, pos_weight):
        ctx.kernel = pos_weight is None and _bce_kernel_ok(x, y)
        if ctx.kernel:
            ctx.save_for_backward(x, y, None, None)
            return kernels.binary_cross_entropy_with_logits(x, y)
        sp = _softplus_neg(x)
        lw = 1.0 if pos_weight is None else 1.0 + (pos_weight - 1.0) * y
        ctx.save_for_backward(x, y, sp, pos_weight)
        return ((1.0 - y) * x + lw * sp).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, y, sp, pos_weight = ctx.saved_tensors
        need_x, need_y, need_pw = ctx.needs_input_grad
        gx = gy = gpw = None
        if ctx.kernel:
            if need_x:
                gx = kernels.binary_cross_entropy_with_logits_backward(
                    np.asarray(g, x.dtype), x, y)
            return gx, (g * -x if need_y else None), None
        if need_x:
            lw = 1.0 if pos_weight is None else 1.0 + (pos_weight - 1.0) * y
            gx = g * ((1.0 - y) - lw * _sigmoid(-x))
        if need_y:
            gy = g * (-x if pos_weight is None else -x + (pos_weight - 1.0) * sp)
        if need_pw:
            gpw = g * y * sp
        return gx, gy, gpw

    @staticmethod
    def vjp(ctx, g):
        """``backward``'s formula with log(1 + e^(−x)) and σ(−x) as recorded ops."""
        x, y, _, pos_weight = ctx.saved_tensors
        need_x, need_y, need_pw = ctx.needs_input_grad
        sp = (-x).relu() + ((-x.abs()).exp() + 1.0).log()
        gx = gy = gpw = None
        if need_x:
            lw = 1.0 if pos_weight is None else 1.0 + (pos_weight - 1.0) * y
            gx = g * ((1.0 - y) - lw * (-x).sigmoid())
        if need_y:
            gy = g * (-x if pos_weight is None else -x + (pos_weight - 1.0) * sp)
        if need_pw:
            gpw = g * y * sp
        return gx, gy, gpw
