"""autograd_lite: a small tape-based reverse-mode autodiff framework on numpy, with Numba kernels.

``import autograd_lite as al`` and use it like a small PyTorch; see API.md for the contract.
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
from .ops.elementwise_math import *  # noqa: F401,F403,A004
from .random import get_rng_state, manual_seed, set_rng_state
from .tensor import Tensor
from .threads import get_num_threads, set_num_threads

from . import data, datasets, nn, optim, tune  # noqa: E402  (build on the core above)
from .serialization import load, save  # noqa: E402

__version__ = "0.1.0"
