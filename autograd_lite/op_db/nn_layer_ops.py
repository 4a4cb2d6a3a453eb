"""Registry entries for the second-edition layers and functions of ``al.nn.functional``
(issue 12): normalisation, embedding, activations, distances, losses and attention. Each
reference is written in numpy from the formula (loops or numpy's own functions), independent
of the composed implementation; samples keep away from kinks (|x| at 0, clamp bounds, the
smooth-L1/Huber switch point)."""
import math

import numpy as np

from ..nn import functional as F
from .entry import OpInfo, SampleInput

__all__ = ["NN_LAYER_OPS"]


# ---- normalisation ------------------------------------------------------------------------
def _layer_norm_ref(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    k = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    rows = x.reshape(-1, int(np.prod(x.shape[x.ndim - k:])))
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        mu = row.mean()
        out[i] = (row - mu) / np.sqrt(((row - mu) ** 2).mean() + eps)
    out = out.reshape(x.shape)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out.astype(x.dtype)


def _layer_norm_samples(rng):
    yield SampleInput((rng.standard_normal((4, 5)) * 2 + 1, 5, rng.uniform(0.5, 1.5, 5),
                       rng.standard_normal(5)), name="(4,5) int shape")
    yield SampleInput((rng.standard_normal((2, 3, 4)), (3, 4), rng.uniform(0.5, 1.5, (3, 4)),
                       rng.standard_normal((3, 4))), name="(2,3,4) over (3,4)")
    yield SampleInput((rng.standard_normal((3, 2, 4)), (4,), None, None), name="no affine")
    yield SampleInput((rng.standard_normal((3, 4)), [4], rng.uniform(0.5, 1.5, 4), None),
                      {"eps": 1e-3}, name="weight only, eps=1e-3")
    yield SampleInput((rng.standard_normal(6), 6, None, rng.standard_normal(6)), name="1-D")


def _group_norm_ref(x, num_groups, weight=None, bias=None, eps=1e-5):
    n, c = x.shape[:2]
    out = np.empty_like(x)
    per = c // num_groups
    for i in range(n):
        for g in range(num_groups):
            block = x[i, g * per:(g + 1) * per]
            mu = block.mean()
            out[i, g * per:(g + 1) * per] = (block - mu) / np.sqrt(((block - mu) ** 2).mean()
                                                                    + eps)
    shape = (1, c) + (1,) * (x.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out.astype(x.dtype)


def _group_norm_samples(rng):
    yield SampleInput((rng.standard_normal((2, 6, 3)) * 2, 3, rng.uniform(0.5, 1.5, 6),
                       rng.standard_normal(6)), name="(2,6,3) 3 groups")
    yield SampleInput((rng.standard_normal((2, 4, 2, 3)), 2, rng.uniform(0.5, 1.5, 4),
                       rng.standard_normal(4)), name="(2,4,2,3) 2 groups")
    yield SampleInput((rng.standard_normal((3, 4)), 4, None, None), name="(3,4) instance-like")
    yield SampleInput((rng.standard_normal((2, 3, 5)), 1, rng.uniform(0.5, 1.5, 3), None),
                      {"eps": 1e-3}, name="1 group (layer-norm-like)")


# ---- embedding ----------------------------------------------------------------------------
def _embedding_ref(indices, weight, padding_idx=None):
    return np.stack([weight[i] for i in np.asarray(indices).reshape(-1)]).reshape(
        np.shape(indices) + (weight.shape[1],))


def _embedding_samples(rng):
    yield SampleInput((np.array([0, 2, 2, 4]), rng.standard_normal((5, 3))), name="(4,)")
    yield SampleInput((np.array([[1, 0], [3, 1]]), rng.standard_normal((4, 2))), name="(2,2)")
    yield SampleInput((np.array(3), rng.standard_normal((4, 2))), name="0-d index")
    yield SampleInput((np.array([[2, 0, 3]]), rng.standard_normal((5, 3))),
                      {"padding_idx": -1}, name="padding_idx=-1 unused")


def _embedding_padding_samples(rng):
    yield SampleInput((np.array([[1, 0], [3, 1]]), rng.standard_normal((4, 2))),
                      {"padding_idx": 1}, name="(2,2) padding_idx=1")
    yield SampleInput((np.array([4, 0, 4, 2]), rng.standard_normal((5, 3))),
                      {"padding_idx": -1}, name="padding_idx=-1 used")


# ---- activations --------------------------------------------------------------------------
_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _gelu_ref(x, approximate="none"):
    if approximate == "tanh":
        c = math.sqrt(2 / math.pi)
        return (0.5 * x * (1 + np.tanh(c * (x + 0.044715 * x ** 3)))).astype(x.dtype)
    return (0.5 * x * _erfc(-x / math.sqrt(2))).astype(x.dtype)   # x·Φ(x), Φ via erfc


def _act_samples(rng):
    x = rng.standard_normal((3, 4)) * 2
    x[np.abs(x) < 0.05] += 0.2   # away from the kinks at 0
    yield SampleInput((x,), name="(3,4)")
    yield SampleInput((np.array([-5.0, -1.3, 0.4, 2.5, 7.0]),), name="wide")


def _gelu_samples(rng):
    for sample in _act_samples(rng):
        yield sample
        yield SampleInput(sample.args, {"approximate": "tanh"}, name=sample.name + " tanh")


def _silu_ref(x):
    return (x / (1 + np.exp(-x))).astype(x.dtype)


def _elu_ref(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype)


def _elu_samples(rng):
    for sample in _act_samples(rng):
        yield sample
    yield SampleInput((rng.standard_normal(6),), {"alpha": 0.5}, name="alpha=0.5")


def _softplus_ref(x, beta=1.0, threshold=20.0):
    return np.where(beta * x > threshold, x, np.logaddexp(0, beta * x) / beta).astype(x.dtype)


def _softplus_samples(rng):
    for sample in _act_samples(rng):
        yield sample
    yield SampleInput((np.array([-3.0, -0.5, 0.7, 1.9, 2.1, 4.0]),),
                      {"beta": 2.0, "threshold": 4.0}, name="beta=2 threshold=4")


def _mish_ref(x):
    return (x * np.tanh(np.logaddexp(0, x))).astype(x.dtype)


def _hardtanh_ref(x, min_val=-1.0, max_val=1.0):
    return np.minimum(np.maximum(x, min_val), max_val).astype(x.dtype)


def _hardtanh_samples(rng):
    yield SampleInput((np.array([-2.5, -0.7, 0.1, 0.6, 1.4]),), name="default")
    yield SampleInput((np.array([-3.0, -1.5, 0.2, 1.7, 2.9]),),
                      {"min_val": -2.0, "max_val": 2.5}, name="[-2, 2.5]")


def _relu6_ref(x):
    return np.minimum(np.maximum(x, 0), 6).astype(x.dtype)


def _relu6_samples(rng):
    yield SampleInput((np.array([[-1.0, 0.3, 3.2], [5.5, 6.4, 8.0]]),), name="(2,3)")


# ---- distances ----------------------------------------------------------------------------
def _normalize_ref(x, p=2.0, dim=1, eps=1e-12):
    norm = np.linalg.norm(x, ord=p, axis=dim, keepdims=True) if p != 2 else np.sqrt(
        (x ** 2).sum(axis=dim, keepdims=True))
    return (x / np.maximum(norm, eps)).astype(x.dtype)


def _normalize_samples(rng):
    yield SampleInput((rng.standard_normal((3, 4)),), name="p=2 dim=1")
    yield SampleInput((rng.standard_normal((3, 4)) + 0.5,), {"p": 1.0, "dim": 0},
                      name="p=1 dim=0")
    yield SampleInput((rng.standard_normal((2, 3, 2)),), {"p": 3.0, "dim": -1}, name="p=3")
    yield SampleInput((rng.standard_normal(5),), {"dim": 0, "p": math.inf}, name="p=inf")


def _cosine_ref(x1, x2, dim=1, eps=1e-8):
    x1, x2 = np.broadcast_arrays(x1, x2)
    n1 = np.maximum(np.sqrt((x1 ** 2).sum(axis=dim, keepdims=True)), eps)
    n2 = np.maximum(np.sqrt((x2 ** 2).sum(axis=dim, keepdims=True)), eps)
    return ((x1 / n1) * (x2 / n2)).sum(axis=dim).astype(x1.dtype)


def _cosine_samples(rng):
    yield SampleInput((rng.standard_normal((4, 5)), rng.standard_normal((4, 5))), name="(4,5)")
    yield SampleInput((rng.standard_normal((3, 1, 4)), rng.standard_normal((2, 4))),
                      {"dim": -1}, name="broadcast dim=-1")
    yield SampleInput((rng.standard_normal(6), rng.standard_normal(6)), {"dim": 0}, name="1-D")


# ---- losses -------------------------------------------------------------------------------
def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def _smooth_l1_ref(x, y, reduction="mean", beta=1.0):
    d = np.abs(x - y)
    loss = d if beta == 0 else np.where(d < beta, 0.5 * d ** 2 / beta, d - 0.5 * beta)
    return np.asarray(_reduce(loss, reduction), dtype=x.dtype)


def _huber_ref(x, y, reduction="mean", delta=1.0):
    d = np.abs(x - y)
    loss = np.where(d < delta, 0.5 * d ** 2, delta * (d - 0.5 * delta))
    return np.asarray(_reduce(loss, reduction), dtype=x.dtype)


def _robust_samples(key):
    def samples(rng):
        x = rng.standard_normal((4, 3)) * 2
        # |x − y| away from the switch points 0.5, 1 and 2 and from 0
        gaps = rng.choice([-1.0, 1.0], (4, 3)) * rng.choice([0.2, 0.7, 1.4, 2.6], (4, 3))
        for reduction in ("mean", "sum", "none"):
            yield SampleInput((x, x + gaps), {"reduction": reduction}, name=reduction)
        yield SampleInput((x, x + gaps), {key: 0.5}, name=f"{key}=0.5")
        yield SampleInput((x, x + gaps), {key: 2.0, "reduction": "sum"}, name=f"{key}=2")
        if key == "beta":
            yield SampleInput((x, x + gaps), {"beta": 0.0}, name="beta=0 (L1)")
    return samples


def _smooth_l1_op(x, y, **kwargs):
    return F.smooth_l1_loss(x, y, **kwargs)


def _kl_ref(x, target, reduction="mean", log_target=False):
    if log_target:
        loss = np.exp(target) * (target - x)
    else:
        t = np.asarray(target, dtype=np.float64)
        loss = np.where(t > 0, t * np.log(np.where(t > 0, t, 1.0)), 0.0) - t * x
    if reduction == "batchmean":
        out = loss.sum() / x.shape[0]
    else:
        out = _reduce(loss, reduction)
    return np.asarray(out, dtype=x.dtype)


def _kl_op(x, target, **kwargs):
    return F.kl_div(x, target, **kwargs)


def _kl_samples(rng):
    logp = np.log(rng.dirichlet(np.ones(4), 3))
    q = rng.dirichlet(np.ones(4), 3)
    for reduction in ("mean", "sum", "none", "batchmean"):
        yield SampleInput((logp, q), {"reduction": reduction}, name=reduction)
    yield SampleInput((logp, np.log(q)), {"log_target": True, "reduction": "batchmean"},
                      name="log_target")
    with_zero = q.copy()
    with_zero[0, 1] = 0.0
    # a zero target (0·log 0 = 0) as a constant: its derivative in the target is −∞
    yield SampleInput((logp,), {"target": with_zero, "reduction": "sum"}, name="zero target")


# ---- attention ----------------------------------------------------------------------------
def _sdpa_ref(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = np.matmul(q, np.swapaxes(k, -1, -2)) * scale
    if is_causal:
        attn_mask = np.tril(np.ones(scores.shape[-2:], dtype=bool))
    if attn_mask is not None:
        if attn_mask.dtype == np.bool_:
            scores = np.where(attn_mask, scores, -np.inf)
        else:
            scores = scores + attn_mask
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return np.matmul(e / e.sum(axis=-1, keepdims=True), v).astype(q.dtype)


def _sdpa_samples(rng):
    q, k, v = (rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4)),
               rng.standard_normal((2, 5, 3)))
    yield SampleInput((q, k, v), name="(2,3,4)")
    mask = rng.random((3, 5)) > 0.4
    mask[:, 0] = True   # every query attends to something
    yield SampleInput((q, k, v, mask), name="bool mask")
    yield SampleInput((q, k, v, rng.standard_normal((3, 5))), {"scale": 0.3},
                      name="float mask, scale")
    yield SampleInput((rng.standard_normal((2, 2, 4, 3)), rng.standard_normal((2, 2, 4, 3)),
                       rng.standard_normal((2, 2, 4, 2))), {"is_causal": True}, name="causal 4-D")


NN_LAYER_OPS = [
    OpInfo("nn.functional.layer_norm", F.layer_norm, _layer_norm_ref, _layer_norm_samples,
           aliases=("nn.LayerNorm",), float32_tol=1e-4),
    OpInfo("nn.functional.group_norm", F.group_norm, _group_norm_ref, _group_norm_samples,
           aliases=("nn.GroupNorm",), float32_tol=1e-4),
    OpInfo("nn.functional.embedding", F.embedding, _embedding_ref, _embedding_samples,
           aliases=("nn.Embedding",)),
    OpInfo("nn.functional.embedding_padding_idx", F.embedding, _embedding_ref,
           _embedding_padding_samples,
           skips={"gradcheck": "padding_idx gives the padding row no gradient by definition, "
                               "which central differences cannot see; tests/nn/"
                               "test_layers_second_edition.py checks that the row's gradient "
                               "is zero and the others' are right"}),
    OpInfo("nn.functional.gelu", F.gelu, _gelu_ref, _gelu_samples, aliases=("nn.GELU",)),
    OpInfo("nn.functional.silu", F.silu, _silu_ref, _act_samples, aliases=("nn.SiLU",)),
    OpInfo("nn.functional.elu", F.elu, _elu_ref, _elu_samples, aliases=("nn.ELU",)),
    OpInfo("nn.functional.softplus", F.softplus, _softplus_ref, _softplus_samples,
           aliases=("nn.Softplus",)),
    OpInfo("nn.functional.mish", F.mish, _mish_ref, _act_samples, aliases=("nn.Mish",)),
    OpInfo("nn.functional.hardtanh", F.hardtanh, _hardtanh_ref, _hardtanh_samples,
           aliases=("nn.Hardtanh",)),
    OpInfo("nn.functional.relu6", F.relu6, _relu6_ref, _relu6_samples, aliases=("nn.ReLU6",)),
    OpInfo("nn.functional.normalize", F.normalize, _normalize_ref, _normalize_samples),
    OpInfo("nn.functional.cosine_similarity", F.cosine_similarity, _cosine_ref,
           _cosine_samples, aliases=("nn.CosineSimilarity",)),
    OpInfo("nn.functional.smooth_l1_loss", _smooth_l1_op, _smooth_l1_ref,
           _robust_samples("beta"), aliases=("nn.SmoothL1Loss",)),
    OpInfo("nn.functional.huber_loss", F.huber_loss, _huber_ref, _robust_samples("delta"),
           aliases=("nn.HuberLoss",)),
    OpInfo("nn.functional.kl_div", _kl_op, _kl_ref, _kl_samples, aliases=("nn.KLDivLoss",)),
    OpInfo("nn.functional.scaled_dot_product_attention", F.scaled_dot_product_attention,
           _sdpa_ref, _sdpa_samples, float32_tol=1e-4),
]
