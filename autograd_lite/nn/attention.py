"""``F.scaled_dot_product_attention``, composed from public ops (matmul, where, softmax,
dropout), so it differentiates to any order."""
import math

import numpy as np

from .. import ops, random
from ..ops import nn_ops as fused
from ..tensor import Tensor

__all__ = ["scaled_dot_product_attention"]


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """softmax(Q Kᵀ · scale + M) V (Vaswani et al. 2017), scale = 1/√E by default.

    query (*, L, E), key (*, S, E), value (*, S, Ev); leading dims broadcast. ``attn_mask``:
    bool (True = may attend; False becomes −inf) or float (added to the scores), broadcast to
    (*, L, S). ``is_causal``: query i attends to keys j ≤ i (the top-left aligned lower
    triangle, as PyTorch); it excludes ``attn_mask``. ``dropout_p`` > 0 drops attention weights
    with the framework generator (seed with ``al.manual_seed``). A row with every key masked
    gives NaN, as PyTorch's math path."""
    if enable_gqa:
        raise NotImplementedError("scaled_dot_product_attention: enable_gqa=True is not "
                                  "supported by autograd_lite")
    q, k, v = (x if isinstance(x, Tensor) else Tensor(np.asarray(x)) for x in (query, key, value))
    who = "scaled_dot_product_attention"
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise RuntimeError(f"{who}: query, key and value need at least 2 dims (*, L, E), got "
                           f"shapes {tuple(q.shape)}, {tuple(k.shape)}, {tuple(v.shape)}")
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise RuntimeError(f"{who}: query {tuple(q.shape)} and key {tuple(k.shape)} need the "
                           f"same last dim E, key and value {tuple(v.shape)} the same length S")
    length, source = q.shape[-2], k.shape[-2]
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    scores = ops.matmul(q, ops.transpose(k, -2, -1)) * scale
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError(f"{who}: an explicit attn_mask should not be set when "
                               f"is_causal=True")
        attn_mask = np.tril(np.ones((length, source), dtype=bool))
    if attn_mask is not None:
        mask = attn_mask._data if isinstance(attn_mask, Tensor) else np.asarray(attn_mask)
        try:
            np.broadcast_shapes(mask.shape, tuple(scores.shape))
        except ValueError:
            raise RuntimeError(f"{who}: attn_mask of shape {mask.shape} does not broadcast to "
                               f"the attention scores of shape {tuple(scores.shape)}") from None
        if mask.dtype == np.bool_:
            scores = ops.where(mask, scores, -math.inf)
        elif mask.dtype.kind == "f":
            scores = scores + (attn_mask if isinstance(attn_mask, Tensor)
                               else Tensor(mask.astype(scores.dtype, copy=False)))
        else:
            raise TypeError(f"{who}: attn_mask must be bool or floating point, got "
                            f"{mask.dtype}")
    weights = ops.softmax(scores, -1)
    if dropout_p > 0:  # the fused op F.dropout calls (functional imports this module)
        if not 0.0 <= dropout_p <= 1.0:
            raise ValueError(f"{who}: dropout_p must be between 0 and 1, got {dropout_p!r}")
        weights = fused.Dropout.apply(weights, float(dropout_p), random.next_kernel_seed())
    return ops.matmul(weights, v)
