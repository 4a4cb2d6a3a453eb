"""``al.nn.utils``: the course's L2 cost term, gradient clipping, and flattening parameters
into one vector (and back)."""
import math

import numpy as np

from .. import grad_mode, ops
from .._effects import replayable
from ..tensor import Tensor, _wrap, mark_modified
from .module import Module

__all__ = ["l2_penalty", "weight_matrices", "clip_grad_norm_", "clip_grad_value_",
           "parameters_to_vector", "vector_to_parameters"]


def weight_matrices(module):
    """The parameters the course's L2 term sums over: every parameter with two or more
    dimensions (Linear weights W[l]), each once. Biases and BatchNorm's γ, β are 1-D, so they
    are left out."""
    if not isinstance(module, Module):
        raise TypeError(f"weight_matrices: expected a Module, got {type(module).__name__}")
    return [p for p in module.parameters() if p.ndim >= 2]


def l2_penalty(module, lambd, m):
    """The course's L2 regularisation cost (1/m)·(λ/2)·Σ_l ‖W[l]‖²_F over the module's weight
    matrices (not biases, not normalisation parameters), as a differentiable 0-d tensor; its
    gradient adds (λ/m)·W[l] to each dW[l]. ``m`` is the number of training examples."""
    if m <= 0:
        raise ValueError(f"l2_penalty: m (the number of examples) must be positive, got {m}")
    weights = weight_matrices(module)
    if not weights:
        dtype = next((p.dtype for p in module.parameters()), np.float32)
        return _wrap(np.zeros((), dtype=dtype))
    total = None
    for w in weights:
        term = (w * w).sum()
        total = term if total is None else total + term
    return total * (float(lambd) / (2.0 * float(m)))


def _params_with_grad(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p for p in parameters if p.grad is not None]


@replayable()
def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale all gradients together so their joint ``norm_type``-norm is at most ``max_norm``
    (coefficient max_norm / (norm + 1e-6), applied only when below 1). Returns the norm before
    clipping, as a 0-d tensor."""
    params = _params_with_grad(parameters)
    max_norm = float(max_norm)
    norm_type = float(norm_type)
    if not params:
        return _wrap(np.zeros((), dtype=np.float32))
    grads = [p.grad._data for p in params]
    if math.isinf(norm_type):
        total = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)
    else:
        total = float(sum(float(np.sum(np.abs(g.astype(np.float64)) ** norm_type))
                          for g in grads) ** (1.0 / norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the "
                           f"gradients is non-finite ({total}), so they cannot be clipped")
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        for p in params:
            p.grad._data *= p.grad._data.dtype.type(coef)
    return _wrap(np.asarray(total, dtype=params[0].grad._data.dtype))


@replayable()
def clip_grad_value_(parameters, clip_value):
    """Clamp every gradient element into [−clip_value, clip_value]."""
    clip_value = float(clip_value)
    for p in _params_with_grad(parameters):
        np.clip(p.grad._data, -clip_value, clip_value, out=p.grad._data)


def parameters_to_vector(parameters):
    """All parameters flattened and concatenated into one 1-D tensor (differentiable)."""
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    if not params:
        raise ValueError("parameters_to_vector: no parameters given")
    return ops.cat([p.reshape(-1) for p in params], 0)


@replayable(changes=lambda vec, parameters: parameters)
def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-D ``vec`` into the parameters (in place, under
    no_grad), the inverse of ``parameters_to_vector``."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: expected a Tensor, got {type(vec).__name__}")
    if vec.ndim != 1:
        raise ValueError(f"vector_to_parameters: expected a 1-D vector, got shape {vec.shape}")
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    needed = sum(p.numel() for p in params)
    if vec.numel() != needed:
        raise ValueError(f"vector_to_parameters: the vector has {vec.numel()} elements but the "
                         f"parameters hold {needed}")
    offset = 0
    with grad_mode.no_grad():
        for p in params:
            n = p.numel()
            np.copyto(p._data, vec._data[offset:offset + n].reshape(p.shape), casting="unsafe")
            mark_modified(p)
            offset += n
