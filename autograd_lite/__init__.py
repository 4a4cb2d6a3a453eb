"""autograd_lite: a small tape-based reverse-mode autodiff framework on numpy, with Numba kernels.

``import autograd_lite as al`` and use it like a small PyTorch; the API reference is docs/api/.
"""
from . import autograd, ops
from .creation import (arange, empty, eye, from_numpy, full, ones, ones_like, rand, randn, tensor,
                       zeros, zeros_like)
from .dtypes import bool, float32, float64, get_default_dtype, int64, set_default_dtype  # noqa: A004
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradcheck_report, gradgradcheck
from .ops import (abs, argmax, argmin, broadcast_to, cat, chunk, clamp, clip, exp, expand,  # noqa: A004
                  flatten, log, log_softmax, logsumexp, matmul, max, maximum, mean, min, minimum,
                  permute, pow, relu, reshape, sigmoid, softmax, split, sqrt, squeeze, stack, std,
                  sum, tanh, transpose, unsqueeze, var, view, where)
from .random import get_rng_state, manual_seed, set_rng_state
from .tensor import Tensor
from .threads import get_num_threads, set_num_threads

from . import data, datasets, nn, optim, tune  # noqa: E402  (build on the core above)
from .serialization import load, save  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    # subpackages
    "autograd", "ops", "data", "datasets", "nn", "optim", "tune",
    # tensors, dtypes and creation
    "Tensor", "tensor", "from_numpy", "zeros", "ones", "empty", "full", "zeros_like", "ones_like",
    "arange", "eye", "rand", "randn",
    "float32", "float64", "int64", "bool", "get_default_dtype", "set_default_dtype",
    # ops
    "abs", "argmax", "argmin", "broadcast_to", "cat", "chunk", "clamp", "clip", "exp", "expand",
    "flatten", "log", "log_softmax", "logsumexp", "matmul", "max", "maximum", "mean", "min",
    "minimum", "permute", "pow", "relu", "reshape", "sigmoid", "softmax", "split", "sqrt",
    "squeeze", "stack", "std", "sum", "tanh", "transpose", "unsqueeze", "var", "view", "where",
    # autograd, gradcheck, randomness, threads, files
    "no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled",
    "gradcheck", "gradcheck_report", "gradgradcheck", "GradcheckError",
    "manual_seed", "get_rng_state", "set_rng_state", "get_num_threads", "set_num_threads",
    "save", "load",
]
