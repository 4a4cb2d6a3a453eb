"""autograd_lite: a small tape-based reverse-mode autodiff framework on numpy, with Numba kernels.

``import autograd_lite as al`` and use it like a small PyTorch; the API reference is docs/api/.
"""
from . import autograd, ops
from .creation import (arange, empty, empty_like, eye, from_numpy, full, full_like, linspace,
                       logspace, normal, ones, ones_like, rand, rand_like, randint, randn,
                       randn_like, randperm, tensor, zeros, zeros_like)
from .device import device
from .dtypes import (bool, double, float, float16, float32, float64, get_default_dtype,  # noqa: A004
                     half, int, int8, int16, int32, int64, long, promote_types, result_type,
                     set_default_dtype, uint8)
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradcheck_report, gradgradcheck
from .ops import (add, div, divide, mul, multiply, sub, subtract, true_divide)  # noqa: A004
from .ops import (abs, argmax, argmin, broadcast_to, cat, chunk, clamp, clip, exp, expand,  # noqa: A004
                  flatten, log, log_softmax, logsumexp, matmul, max, maximum, mean, min, minimum,
                  permute, pow, relu, reshape, sigmoid, softmax, split, sqrt, squeeze, stack, std,
                  sum, tanh, transpose, unsqueeze, var, view, where)
from .ops.elementwise_math import *  # noqa: F401,F403,A004
from .ops.rounding import *  # noqa: F401,F403,A004
from .ops.reductions_more import *  # noqa: F401,F403,A004
from .ops.norms import *  # noqa: F401,F403
from .ops.scans import *  # noqa: F401,F403
from .ops.products import *  # noqa: F401,F403
from . import linalg  # noqa: E402
from .ops.gather_scatter import *  # noqa: F401,F403
from .ops.rearrange import *  # noqa: F401,F403
from .ops.sorting import *  # noqa: F401,F403
from .random import get_rng_state, manual_seed, set_rng_state
from .tensor import Tensor
from .threads import get_num_threads, set_num_threads

from . import cuda, data, nn, optim, utils  # noqa: E402  (build on the core above)
from .serialization import load, save  # noqa: E402
from .compile import compile  # noqa: E402,A004

__version__ = "0.1.0"

__all__ = [
    # subpackages
    "autograd", "ops", "linalg", "data", "datasets", "nn", "optim", "tune", "cuda",  # noqa: F405
    "utils",  # (datasets and tune load on first use: __getattr__ below)
    # tensors, devices, dtypes and creation
    "Tensor", "tensor", "from_numpy", "zeros", "ones", "empty", "full", "zeros_like", "ones_like",
    "empty_like", "full_like", "rand_like", "randn_like", "arange", "linspace", "logspace", "eye",
    "rand", "randn", "randint", "randperm", "normal", "device",
    "float16", "half", "float32", "float", "float64", "double", "int8", "int16", "int32", "int",
    "int64", "long", "uint8", "bool", "get_default_dtype", "set_default_dtype", "promote_types",
    "result_type",
    # ops
    "add", "sub", "mul", "div", "subtract", "multiply", "divide", "true_divide",
    "abs", "argmax", "argmin", "broadcast_to", "cat", "chunk", "clamp", "clip", "exp", "expand",
    "flatten", "log", "log_softmax", "logsumexp", "matmul", "max", "maximum", "mean", "min",
    "minimum", "permute", "pow", "relu", "reshape", "sigmoid", "softmax", "split", "sqrt",
    "squeeze", "stack", "std", "sum", "tanh", "transpose", "unsqueeze", "var", "view", "where",
    # autograd, gradcheck, randomness, threads, files
    "no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled",
    "gradcheck", "gradcheck_report", "gradgradcheck", "GradcheckError",
    "manual_seed", "get_rng_state", "set_rng_state", "get_num_threads", "set_num_threads",
    "save", "load", "compile",
]
__all__ += (ops.reductions_more.__all__ + ops.norms.__all__ + ops.scans.__all__
            + ops.products.__all__)
# indexing and shape (API.md's second edition): gather ... nonzero, narrow ... t, sort/argsort/topk
__all__ += ops.gather_scatter.__all__ + ops.rearrange.__all__ + ops.sorting.__all__


def __getattr__(name):
    """``al.tune`` and ``al.datasets`` load on first use (PEP 562): a script that never searches
    hyperparameters or loads a bundled dataset does not pay their import (~30 ms of the ~0.25 s
    ``import autograd_lite`` on the 2-core box)."""
    if name in ("tune", "datasets"):
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
