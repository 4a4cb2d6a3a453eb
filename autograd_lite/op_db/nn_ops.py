"""Registry entries for the nn Functions (autograd_lite/ops/nn_ops.py) and the losses of
``al.nn.functional``: each with a numpy reference written from the formula, independent of the
implementation, and sample inputs kept away from kinks.

``NN_OPS`` is the list to register. Dropout is ``random=True``: its reference redraws the mask
from the framework generator exactly as the op does, so the checks must seed
``al.manual_seed`` before calling the op and before calling the reference.
"""
import numpy as np

from .. import kernels, random
from ..nn import functional as F
from .entry import OpInfo, SampleInput

__all__ = ["NN_OPS"]


def _bshape(ndim):
    return (1, -1) + (1,) * (ndim - 2)


def _axes(ndim):
    return (0,) + tuple(range(2, ndim))


# ---- linear -------------------------------------------------------------------------------
def _linear_ref(x, w, b=None):
    out = np.matmul(x, np.swapaxes(w, 0, 1))
    return out if b is None else out + b


def _linear_samples(rng):
    for x_shape in [(4, 3), (3,), (2, 4, 3)]:
        yield SampleInput((rng.standard_normal(x_shape), rng.standard_normal((5, 3)),
                           rng.standard_normal(5)), name=f"x{x_shape}")
    yield SampleInput((rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), None),
                      name="no bias")


# ---- batch norm ---------------------------------------------------------------------------
def _bn_train_op(x, weight, bias, eps=1e-5):
    return F.batch_norm(x, None, None, weight, bias, training=True, eps=eps)


def _bn_train_ref(x, weight, bias, eps=1e-5):
    axes = _axes(x.ndim)
    mu = x.mean(axis=axes, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)   # biased: the course's σ²
    out = (x - mu) / np.sqrt(var + eps)
    if weight is not None:
        out = out * weight.reshape(_bshape(x.ndim))
    if bias is not None:
        out = out + bias.reshape(_bshape(x.ndim))
    return out


def _bn_train_samples(rng):
    for shape in [(6, 3), (4, 3, 5), (3, 2, 4, 4)]:
        c = shape[1]
        yield SampleInput((rng.standard_normal(shape) * 2 + 1, rng.uniform(0.5, 1.5, c),
                           rng.standard_normal(c)), name=f"{shape}")
    yield SampleInput((rng.standard_normal((5, 4)), None, None), name="affine=False")
    yield SampleInput((rng.standard_normal((5, 2)), rng.uniform(0.5, 1.5, 2),
                       rng.standard_normal(2)), {"eps": 1e-3}, name="eps=1e-3")


def _bn_eval_op(x, running_mean, running_var, weight, bias, eps=1e-5):
    return F.batch_norm(x, running_mean, running_var, weight, bias, training=False, eps=eps)


def _bn_eval_ref(x, running_mean, running_var, weight, bias, eps=1e-5):
    shape = _bshape(x.ndim)
    out = (x - running_mean.reshape(shape)) / np.sqrt(running_var.reshape(shape) + eps)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def _bn_eval_samples(rng):
    for shape in [(5, 3), (1, 3), (2, 3, 4), (2, 2, 3, 3)]:
        c = shape[1]
        yield SampleInput((rng.standard_normal(shape), rng.standard_normal(c),
                           rng.uniform(0.5, 2.0, c), rng.uniform(0.5, 1.5, c),
                           rng.standard_normal(c)), name=f"{shape}")
    yield SampleInput((rng.standard_normal((4, 2)), rng.standard_normal(2),
                       rng.uniform(0.5, 2.0, 2), None, None), name="affine=False")


# ---- dropout ------------------------------------------------------------------------------
def _dropout_op(x, p):
    return F.dropout(x, p, training=True)


def _dropout_ref(x, p):
    # the course's inverted dropout, A = A * D / keep_prob, with the keep/drop pattern taken
    # from the kernel's counter-based generator for the seed the op draws from the framework
    # generator (so the checks must seed al.manual_seed before the op and before the reference)
    keep = 1.0 - p
    seed = random.next_kernel_seed()
    if keep == 0:
        return np.zeros_like(x)
    kept = kernels.dropout_mask(x.shape, p, seed, x.dtype) != 0
    return x * kept / x.dtype.type(keep)


def _dropout_samples(rng):
    yield SampleInput((rng.standard_normal((6, 5)), 0.5), name="p=0.5")
    yield SampleInput((rng.standard_normal((3, 4, 2)), 0.2), name="p=0.2")
    yield SampleInput((rng.standard_normal((4, 3)), 1.0), name="p=1")


# ---- losses -------------------------------------------------------------------------------
def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def _log_softmax(z, axis):
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _cross_entropy_ref(logits, target, weight=None, ignore_index=-100, reduction="mean",
                       label_smoothing=0.0):
    """Written per sample, as the textbook states it: ℓᵢ = −Σ_c q_ic log softmax(zᵢ)_c with
    q = (1 − ε)·onehot(yᵢ)·w[yᵢ] + ε/C·w_c."""
    c_axis = 0 if logits.ndim == 1 else 1
    n_classes = logits.shape[c_axis]
    logp = np.moveaxis(_log_softmax(logits, c_axis), c_axis, -1).reshape(-1, n_classes)
    w = np.ones(n_classes) if weight is None else np.asarray(weight, dtype=np.float64)
    eps = label_smoothing
    if np.asarray(target).dtype.kind == "f":
        q = np.moveaxis(target, c_axis, -1).reshape(-1, n_classes)
        losses = [-np.sum(((1 - eps) * q[i] + eps / n_classes) * w * logp[i])
                  for i in range(len(logp))]
        out_shape = np.moveaxis(target, c_axis, -1).shape[:-1]
        denominator = len(logp)
    else:
        labels = np.asarray(target).reshape(-1)
        losses, denominator = [], 0.0
        for i, y in enumerate(labels):
            if y == ignore_index:
                losses.append(0.0)
                continue
            smooth = -np.sum(w * logp[i]) / n_classes
            losses.append((1 - eps) * (-w[y] * logp[i, y]) + eps * smooth)
            denominator += w[y]
        out_shape = np.shape(target)
    losses = np.asarray(losses, dtype=logits.dtype).reshape(out_shape)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return np.asarray(losses.sum() / denominator, dtype=logits.dtype)


def _cross_entropy_samples(rng):
    labels = np.array([0, 2, 1, 2, 3])
    for reduction in ("mean", "sum", "none"):
        yield SampleInput((rng.standard_normal((5, 4)), labels), {"reduction": reduction},
                          name=reduction)
    yield SampleInput((rng.standard_normal((5, 4)), labels), {"label_smoothing": 0.1},
                      name="label_smoothing")
    yield SampleInput((rng.standard_normal((5, 4)), labels),
                      {"weight": rng.uniform(0.5, 2.0, 4), "label_smoothing": 0.2},
                      name="weight+smoothing")
    yield SampleInput((rng.standard_normal((5, 4)), np.array([0, -100, 1, 3, -100])),
                      {"reduction": "mean"}, name="ignore_index")
    yield SampleInput((rng.standard_normal((2, 3, 4)), rng.integers(0, 3, (2, 4))),
                      {"reduction": "none"}, name="(N,C,L)")
    yield SampleInput((rng.standard_normal(4), np.array(2)), name="(C,)")
    probs = rng.uniform(0.1, 1.0, (3, 4))
    yield SampleInput((rng.standard_normal((3, 4)), probs / probs.sum(1, keepdims=True)),
                      {"label_smoothing": 0.1}, name="probability target")


def _nll_ref(logp, target, weight=None, ignore_index=-100, reduction="mean"):
    n_classes = logp.shape[1]
    flat = np.moveaxis(logp, 1, -1).reshape(-1, n_classes)
    labels = np.asarray(target).reshape(-1)
    w = np.ones(n_classes, dtype=logp.dtype) if weight is None else weight.astype(logp.dtype)
    losses = np.array([0.0 if y == ignore_index else -w[y] * flat[i, y]
                       for i, y in enumerate(labels)], dtype=logp.dtype)
    if reduction == "none":
        return losses.reshape(np.shape(target))
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / w[labels[labels != ignore_index]].sum()


def _nll_samples(rng):
    labels = np.array([1, 0, 2, 2])
    for reduction in ("mean", "sum", "none"):
        yield SampleInput((rng.standard_normal((4, 3)), labels), {"reduction": reduction},
                          name=reduction)
    yield SampleInput((rng.standard_normal((4, 3)), np.array([1, -100, 2, 0])),
                      {"weight": rng.uniform(0.5, 2.0, 3)}, name="weight+ignore")
    yield SampleInput((rng.standard_normal((2, 3, 2)), rng.integers(0, 3, (2, 2))),
                      {"reduction": "none"}, name="(N,C,L)")


def _bce_ref(p, y, weight=None, reduction="mean"):
    loss = -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log(1 - p), -100))
    if weight is not None:
        loss = loss * weight.astype(p.dtype)
    return _reduce(loss, reduction)


def _bce_samples(rng):
    for reduction in ("mean", "sum", "none"):
        yield SampleInput((rng.uniform(0.05, 0.95, (4, 3)), rng.uniform(0, 1, (4, 3))),
                          {"reduction": reduction}, name=reduction)
    yield SampleInput((rng.uniform(0.05, 0.95, (5,)), (rng.random(5) > 0.5).astype(float)),
                      {"weight": rng.uniform(0.5, 2, 5)}, name="weight")


def _bce_logits_ref(x, y, pos_weight=None, weight=None, reduction="mean"):
    # −[w₊·y·log σ(x) + (1 − y)·log(1 − σ(x))], in float64 with log σ(x) = −log(1 + e^(−x))
    x64 = x.astype(np.float64)
    log_sig = -np.logaddexp(0.0, -x64)
    log_one_minus = -np.logaddexp(0.0, x64)
    pw = 1.0 if pos_weight is None else pos_weight
    loss = -(pw * y * log_sig + (1 - y) * log_one_minus)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction).astype(x.dtype)


def _bce_logits_op(x, y, pos_weight=None, **kwargs):
    return F.binary_cross_entropy_with_logits(x, y, pos_weight=pos_weight, **kwargs)


def _bce_logits_samples(rng):
    for reduction in ("mean", "sum", "none"):
        yield SampleInput((rng.standard_normal((4, 3)) * 3, rng.uniform(0, 1, (4, 3))),
                          {"reduction": reduction}, name=reduction)
    yield SampleInput((rng.standard_normal((4, 3)), (rng.random((4, 3)) > 0.5).astype(float),
                       rng.uniform(0.5, 3.0, 3)), name="pos_weight")
    yield SampleInput((rng.standard_normal((5,)), rng.uniform(0, 1, 5)),
                      {"weight": rng.uniform(0.5, 2, 5)}, name="weight")


def _mse_ref(x, y, reduction="mean"):
    return _reduce((x - y) ** 2, reduction)


def _l1_ref(x, y, reduction="mean"):
    return _reduce(np.abs(x - y), reduction)


def _pair_samples(rng):
    for reduction in ("mean", "sum", "none"):
        x = rng.standard_normal((4, 3))
        # keep |x − y| ≥ 0.1 so l1's kink at x = y is never within eps
        y = x + rng.choice([-1.0, 1.0], (4, 3)) * rng.uniform(0.1, 1.0, (4, 3))
        yield SampleInput((x, y), {"reduction": reduction}, name=reduction)


NN_OPS = [
    OpInfo("nn.functional.linear", F.linear, _linear_ref, _linear_samples,
           aliases=("nn.Linear",)),
    OpInfo("nn.functional.batch_norm", _bn_train_op, _bn_train_ref, _bn_train_samples,
           aliases=("nn.BatchNorm1d", "nn.BatchNorm2d"), float32_tol=1e-4),
    OpInfo("nn.functional.batch_norm_eval", _bn_eval_op, _bn_eval_ref, _bn_eval_samples),
    OpInfo("nn.functional.dropout", _dropout_op, _dropout_ref, _dropout_samples,
           aliases=("nn.Dropout",), random=True),
    OpInfo("nn.functional.cross_entropy", F.cross_entropy, _cross_entropy_ref,
           _cross_entropy_samples, aliases=("nn.CrossEntropyLoss",)),
    OpInfo("nn.functional.nll_loss", F.nll_loss, _nll_ref, _nll_samples,
           aliases=("nn.NLLLoss",)),
    OpInfo("nn.functional.binary_cross_entropy", F.binary_cross_entropy, _bce_ref, _bce_samples,
           aliases=("nn.BCELoss",)),
    OpInfo("nn.functional.binary_cross_entropy_with_logits", _bce_logits_op, _bce_logits_ref,
           _bce_logits_samples, aliases=("nn.BCEWithLogitsLoss",)),
    OpInfo("nn.functional.mse_loss", F.mse_loss, _mse_ref, _pair_samples, aliases=("nn.MSELoss",)),
    OpInfo("nn.functional.l1_loss", F.l1_loss, _l1_ref, _pair_samples, aliases=("nn.L1Loss",)),
]
