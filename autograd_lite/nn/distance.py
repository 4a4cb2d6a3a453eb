"""``F.normalize`` and ``F.cosine_similarity`` (and the ``CosineSimilarity`` module), composed
from public ops with PyTorch's eps conventions."""
import math

import numpy as np

from .. import ops
from ..tensor import Tensor
from .module import Module

__all__ = ["normalize", "cosine_similarity", "CosineSimilarity"]


def _as_float(x, who, name="input"):
    if not isinstance(x, Tensor):
        x = Tensor(np.asarray(x))
    if x.dtype.kind != "f":
        raise TypeError(f"{who}: {name} must be floating point, got {x.dtype}")
    return x


def _vector_norm(x, p, dim):
    """‖x‖_p along ``dim`` (kept): √Σx² for p = 2, (Σ|x|^p)^(1/p) otherwise, max|x| for inf."""
    if p == 2:
        return ops.sqrt(ops.sum(x * x, dim, True))
    if p == math.inf:
        return ops.max(ops.abs(x), dim, True).values
    if p == 1:
        return ops.sum(ops.abs(x), dim, True)
    if not p > 0:
        raise ValueError(f"normalize: p must be positive (or inf), got {p}")
    return ops.pow(ops.sum(ops.pow(ops.abs(x), float(p)), dim, True), 1.0 / p)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):  # noqa: A002
    """x / max(‖x‖_p, eps) along ``dim`` (PyTorch's form: the clamp is part of the graph, so
    a vector with norm below eps is divided by eps and gets gradient 1/eps)."""
    if out is not None:
        raise NotImplementedError("normalize: out= is not supported by autograd_lite")
    x = _as_float(input, "normalize")
    if x.ndim == 0:
        raise IndexError("normalize: input must have at least one dim, got a 0-d tensor")
    dim = ops.normalize_dim(dim, x.ndim, "normalize")
    return x / ops.clamp(_vector_norm(x, float(p), dim), min=float(eps))


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Σ (x₁/max(‖x₁‖, eps))·(x₂/max(‖x₂‖, eps)) along ``dim``, after broadcasting x₁ and x₂.

    PyTorch's formula (ATen's cosine_similarity): each norm is clamped at eps in place and
    without grad, so the gradient treats the clamped value as the norm's value but flows
    through the unclamped norm."""
    x1 = _as_float(x1, "cosine_similarity", "x1")
    x2 = _as_float(x2, "cosine_similarity", "x2")
    try:
        shape = np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    except ValueError:
        raise RuntimeError(f"cosine_similarity: x1 of shape {tuple(x1.shape)} and x2 of shape "
                           f"{tuple(x2.shape)} do not broadcast") from None
    if tuple(x1.shape) != shape:
        x1 = ops.broadcast_to(x1, shape)
    if tuple(x2.shape) != shape:
        x2 = ops.broadcast_to(x2, shape)
    if not shape:
        raise IndexError("cosine_similarity: inputs must have at least one dim")
    dim = ops.normalize_dim(dim, len(shape), "cosine_similarity")
    n1, n2 = _vector_norm(x1, 2, dim), _vector_norm(x2, 2, dim)
    eps = float(eps)
    # clamp the values, not the graph: n + (max(n, eps) − n), the correction a constant
    n1 = n1 + Tensor(np.maximum(n1.data, eps) - n1.data)
    n2 = n2 + Tensor(np.maximum(n2.data, eps) - n2.data)
    return ops.sum((x1 / n1) * (x2 / n2), dim)


class CosineSimilarity(Module):
    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return cosine_similarity(x1, x2, self.dim, self.eps)

    def extra_repr(self):
        return f"dim={self.dim}, eps={self.eps}"
