"""Kernels on plain numpy arrays, installed as ``autograd_lite.kernels``.

This folder knows nothing of Tensor or autograd: every function takes numpy arrays and returns
(or writes into) numpy arrays. The framework's ops call these; the tests compare each with a
numpy reference.

``_numba_setup`` is imported first: it guarantees a writable numba cache, clears a stale one,
and bounds the OpenMP spin before any kernel is compiled (see its docstring). Modules:
fastmath (vectorising exp/expm1/tanh), activations (forward/backward, bias + activation),
softmax (softmax, log-softmax, fused cross-entropy), reductions, batchnorm, dropout,
optim_updates (SGD, RMSprop, Adam/AdamW), linear (BLAS GEMM + Numba epilogue), threads (thread
counts, size thresholds, and ``matmul``: every GEMM, with the BLAS's threads chosen by size),
conv (conv2d and its gradients, conv_transpose2d; im2col + BLAS), pooling (max/avg/adaptive avg),
layernorm.
"""
from . import _numba_setup  # noqa: F401  (must run before numba compiles anything)
from .broadcast import sum_to_shape
from .threads import get_num_threads, matmul, set_num_threads
from .activations import (
    relu, relu_backward, leaky_relu, leaky_relu_backward, sigmoid, sigmoid_backward,
    tanh, tanh_backward, exp, exp_backward, log, log_backward,
    bias_activation, bias_activation_backward,
)
from .softmax import (
    softmax, softmax_backward, log_softmax, log_softmax_backward,
    softmax_cross_entropy, softmax_cross_entropy_backward,
)
from .reductions import column_sum, reduce_sum, reduce_mean, reduce_var, reduce_max
from .batchnorm import batchnorm_forward_train, batchnorm_forward_eval, batchnorm_backward
from .dropout import dropout, dropout_backward, dropout_mask
from .optim_updates import sgd_step, rmsprop_step, adam_step, adamw_step
from .linear import linear_forward, linear_backward, bias_grad
from .conv import (
    conv2d_output_shape, conv2d_forward, conv2d_backward, conv2d_backward_input,
    conv2d_backward_weight, conv2d_bias_grad, conv_transpose2d_forward,
)
from .pooling import (
    pool_output_size, max_pool2d_forward, max_pool2d_backward, avg_pool2d_forward,
    avg_pool2d_backward, adaptive_avg_pool2d_forward, adaptive_avg_pool2d_backward,
)
from .layernorm import layernorm_forward, layernorm_backward

__all__ = [
    "sum_to_shape", "get_num_threads", "set_num_threads", "matmul",
    "relu", "relu_backward", "leaky_relu", "leaky_relu_backward", "sigmoid", "sigmoid_backward",
    "tanh", "tanh_backward", "exp", "exp_backward", "log", "log_backward",
    "bias_activation", "bias_activation_backward",
    "softmax", "softmax_backward", "log_softmax", "log_softmax_backward",
    "softmax_cross_entropy", "softmax_cross_entropy_backward",
    "column_sum", "reduce_sum", "reduce_mean", "reduce_var", "reduce_max",
    "batchnorm_forward_train", "batchnorm_forward_eval", "batchnorm_backward",
    "dropout", "dropout_backward", "dropout_mask",
    "sgd_step", "rmsprop_step", "adam_step", "adamw_step",
    "linear_forward", "linear_backward", "bias_grad",
    "conv2d_output_shape", "conv2d_forward", "conv2d_backward", "conv2d_backward_input",
    "conv2d_backward_weight", "conv2d_bias_grad", "conv_transpose2d_forward",
    "pool_output_size", "max_pool2d_forward", "max_pool2d_backward", "avg_pool2d_forward",
    "avg_pool2d_backward", "adaptive_avg_pool2d_forward", "adaptive_avg_pool2d_backward",
    "layernorm_forward", "layernorm_backward",
]
