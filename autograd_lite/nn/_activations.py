"""The second-edition activation functions of ``al.nn.functional``, composed from public ops
(so derivatives of every order come from the ops' own ``vjp``)."""
import math

import numpy as np

from .. import ops
from ..tensor import Tensor

__all__ = ["gelu", "silu", "elu", "softplus", "mish", "hardtanh", "relu6"]

def _float_tensor(x, who):
    if not isinstance(x, Tensor):
        x = Tensor(np.asarray(x))
    if x.dtype.kind != "f":
        raise TypeError(f"{who}: needs a floating-point tensor, got {x.dtype}")
    return x


def gelu(input, approximate="none"):  # noqa: A002 - PyTorch's argument name
    """Gaussian Error Linear Unit (Hendrycks & Gimpel 2016): x·Φ(x) = ½x(1 + erf(x/√2));
    approximate="tanh": ½x(1 + tanh(√(2/π)(x + 0.044715x³)))."""
    x = _float_tensor(input, "gelu")
    if approximate == "none":
        return x * (ops.erf(x * (1.0 / math.sqrt(2.0))) + 1.0) * 0.5
    if approximate == "tanh":
        inner = (x + x * x * x * 0.044715) * math.sqrt(2.0 / math.pi)
        return x * (ops.tanh(inner) + 1.0) * 0.5
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(input, inplace=False):  # noqa: A002
    """x·σ(x) (Elfwing et al. 2018; "swish" of Ramachandran et al. 2017)."""
    x = _float_tensor(input, "silu")
    return x * ops.sigmoid(x)


def elu(input, alpha=1.0, inplace=False):  # noqa: A002
    """x for x > 0, α(eˣ − 1) otherwise (Clevert et al. 2015)."""
    x = _float_tensor(input, "elu")
    negative = (ops.exp(ops.clamp(x, max=0.0)) - 1.0) * float(alpha)
    return ops.where(x.data > 0, x, negative)


def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    """(1/β)·log(1 + e^(βx)), and x itself where βx > threshold (PyTorch's linear region)."""
    x = _float_tensor(input, "softplus")
    beta, threshold = float(beta), float(threshold)
    z = x * beta if beta != 1.0 else x
    soft = ops.log(ops.exp(ops.clamp(z, max=threshold)) + 1.0)
    if beta != 1.0:
        soft = soft * (1.0 / beta)
    return ops.where(z.data > threshold, x, soft)


def mish(input, inplace=False):  # noqa: A002
    """x·tanh(softplus(x)) (Misra 2019)."""
    x = _float_tensor(input, "mish")
    return x * ops.tanh(softplus(x))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):  # noqa: A002
    """x clipped to [min_val, max_val]; gradient 1 strictly inside, 0 elsewhere (PyTorch's
    convention at the two bounds, where clamp would pass the gradient)."""
    x = _float_tensor(input, "hardtanh")
    lo, hi = float(min_val), float(max_val)
    if lo > hi:
        raise ValueError(f"hardtanh: min_val ({lo}) cannot be greater than max_val ({hi})")
    inside = (x.data > lo) & (x.data < hi)
    clipped = Tensor(np.clip(x.data, lo, hi))
    return ops.where(inside, x, clipped)


def relu6(input, inplace=False):  # noqa: A002
    """min(max(0, x), 6) = hardtanh(x, 0, 6)."""
    return hardtanh(input, 0.0, 6.0)
