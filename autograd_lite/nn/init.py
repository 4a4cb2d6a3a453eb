"""Parameter initialisers with PyTorch's fan and gain conventions (``torch.nn.init``).

For a weight of shape (out, in, *k): fan_in = in·∏k, fan_out = out·∏k. Every random draw
comes from the framework generator, so ``al.manual_seed`` repeats an initialisation. Each
initialiser writes in place (under ``no_grad``, bumping the tensor's version) and returns it.

The course's schemes: zero initialisation is ``zeros_``; "random × 10" is
``scaled_normal_(w, 10)``; He initialisation ``randn · √(2/n[l−1])`` is
``kaiming_normal_(w, nonlinearity="relu")``; Xavier's ``√(1/n[l−1])`` is
``kaiming_normal_(w, nonlinearity="linear")`` (PyTorch's ``xavier_normal_`` uses the Glorot
form √(2/(fan_in + fan_out)) instead).
"""
import math

import numpy as np

from .. import grad_mode, random
from ..tensor import Tensor

__all__ = ["calculate_gain", "zeros_", "ones_", "constant_", "normal_", "uniform_",
           "xavier_normal_", "xavier_uniform_", "kaiming_normal_", "kaiming_uniform_",
           "scaled_normal_", "eye_"]


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity: 1 for linear/identity/conv/sigmoid, 5/3 for
    tanh, √2 for relu, √(2/(1 + slope²)) for leaky_relu (slope ``param``, default 0.01),
    3/4 for selu."""
    linear_fns = ("linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                  "conv_transpose2d", "conv_transpose3d")
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r} (use linear, "
                     f"sigmoid, tanh, relu, leaky_relu or selu)")


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.ndim < 2:
        raise ValueError(f"fan in and fan out cannot be computed for a tensor with fewer than 2 "
                         f"dimensions (shape {tuple(tensor.shape)})")
    receptive = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _write(tensor, values):
    if not isinstance(tensor, Tensor):
        raise TypeError(f"initialisers work on al.Tensor / al.nn.Parameter, got "
                        f"{type(tensor).__name__}")
    with grad_mode.no_grad():
        tensor.copy_(np.broadcast_to(np.asarray(values), tensor.shape))
    return tensor


def _float_check(tensor, who):
    if tensor.dtype.kind != "f":
        raise TypeError(f"{who}: needs a floating-point tensor, got {tensor.dtype}")


def zeros_(tensor):
    """Fill ``tensor`` with 0, in place (not recorded); returns it."""
    return _write(tensor, 0)


def ones_(tensor):
    """Fill ``tensor`` with 1, in place (not recorded); returns it."""
    return _write(tensor, 1)


def constant_(tensor, val):
    """Fill ``tensor`` with ``val``, in place (not recorded); returns it."""
    return _write(tensor, val)


def eye_(tensor):
    """Write the identity matrix into the 2-D ``tensor``, in place (not recorded); returns it."""
    if tensor.ndim != 2:
        raise ValueError(f"eye_: needs a 2-D tensor, got shape {tuple(tensor.shape)}")
    return _write(tensor, np.eye(*tensor.shape))


def uniform_(tensor, a=0.0, b=1.0):
    """Fill with U(a, b)."""
    _float_check(tensor, "uniform_")
    return _write(tensor, random.generator().uniform(a, b, tensor.shape))


def normal_(tensor, mean=0.0, std=1.0):
    """Fill with N(mean, std²)."""
    _float_check(tensor, "normal_")
    return _write(tensor, mean + std * random.generator().standard_normal(tensor.shape))


def scaled_normal_(tensor, scale=10.0):
    """The course's "random initialisation" experiment: ``randn(shape) · scale`` (× 10 by
    default, the example of weights too large that slow training down)."""
    return normal_(tensor, 0.0, scale)


def xavier_uniform_(tensor, gain=1.0):
    """U(−a, a) with a = gain·√(6/(fan_in + fan_out)) (Glorot & Bengio)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor, gain=1.0):
    """N(0, std²) with std = gain·√(2/(fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """He uniform: U(−b, b) with b = gain·√(3/fan), gain = calculate_gain(nonlinearity, a)."""
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound)


def layer_default_(weight, bias=None):
    """PyTorch's default initialisation of Linear and the convolutions: the weight
    ``kaiming_uniform_(a=√5)``, i.e. U(±1/√fan_in), and the bias U(±1/√fan_in) (fan_in of the
    weight: in·∏kernel), drawn in that order."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in = _calculate_fan_in_and_fan_out(weight)[0]
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)
    return weight


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """He normal: N(0, std²) with std = gain/√fan. With nonlinearity="relu" and fan_in this is
    the course's ``randn · √(2/n[l−1])``."""
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std)
