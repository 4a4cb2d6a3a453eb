"""Kernels on plain numpy arrays, installed as ``autograd_lite.kernels``.

This folder knows nothing of Tensor or autograd: every function takes numpy arrays and returns
(or writes into) numpy arrays. The framework's ops call these; the tests compare each with a
numpy reference.

Loaded on first use: ``import autograd_lite`` imports neither numba nor a kernel module (numba
alone took ~0.4 s of a 0.5 s import); the first access to a kernel (``kernels.relu``) imports
``_numba_setup`` (a writable numba cache, a stale one cleared, the OpenMP spin bounded, before
anything compiles: see its docstring) and then that kernel's module. ``sum_to_shape`` and the
thread settings need no numba and load at once. The ops call kernels only for arrays large
enough to pay for them (ops/pointwise.py's thresholds), so a script of small tensors never
loads numba. Modules:
fastmath (vectorising exp/expm1/tanh), activations (forward/backward, bias + activation),
softmax_rows (softmax, log-softmax, fused cross-entropy), reductions, batchnorm, dropout_hash,
optim_updates (SGD, RMSprop, Adam/AdamW), linear (BLAS GEMM + Numba epilogue), threads (thread
counts, size thresholds, and ``matmul``: every GEMM, with the BLAS's threads chosen by size),
conv (conv2d and its gradients, conv_transpose2d; im2col + BLAS), pooling (max/avg/adaptive avg),
layernorm, special (erf).
"""
import importlib

from .broadcast import sum_to_shape
from .threads import get_num_threads, matmul, set_num_threads

#: each kernel module and the public names it defines (loaded on first access)
_MODULE_NAMES = {
    "activations": ("relu", "relu_backward", "leaky_relu", "leaky_relu_backward", "sigmoid",
                    "sigmoid_backward", "tanh", "tanh_backward", "exp", "exp_backward", "log",
                    "log_backward", "bias_activation", "bias_activation_backward"),
    "softmax_rows": ("softmax", "softmax_backward", "log_softmax", "log_softmax_backward",
                     "softmax_cross_entropy", "softmax_cross_entropy_backward"),
    "reductions": ("column_sum", "reduce_sum", "reduce_mean", "reduce_var", "reduce_max"),
    "batchnorm": ("batchnorm_forward_train", "batchnorm_forward_eval", "batchnorm_backward"),
    "bce": ("binary_cross_entropy", "binary_cross_entropy_backward",
            "binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits_backward"),
    "dropout_hash": ("dropout", "dropout_backward", "dropout_mask"),
    "optim_updates": ("sgd_step", "rmsprop_step", "adam_step", "adamw_step"),
    "linear": ("linear_forward", "linear_backward", "bias_grad"),
    "conv": ("conv2d_output_shape", "conv2d_forward", "conv2d_backward", "conv2d_backward_input",
             "conv2d_backward_weight", "conv2d_bias_grad", "conv_transpose2d_forward"),
    "pooling": ("pool_output_size", "max_pool2d_forward", "max_pool2d_backward",
                "avg_pool2d_forward", "avg_pool2d_backward", "adaptive_avg_pool2d_forward",
                "adaptive_avg_pool2d_backward"),
    "layernorm": ("layernorm_forward", "layernorm_backward"),
    "special": ("erf",),
    "fastmath": (),
    "_chunks": (),
}
_WHERE = {name: module for module, names in _MODULE_NAMES.items() for name in names}

__all__ = ["sum_to_shape", "get_num_threads", "set_num_threads", "matmul", *_WHERE]


def __getattr__(name):
    """Load the module behind a kernel (or a kernel module) on its first access (PEP 562)."""
    module = _WHERE.get(name, name if name in _MODULE_NAMES else None)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import _numba_setup  # noqa: F401  (must run before numba compiles anything)
    loaded = importlib.import_module(f"{__name__}.{module}")
    value = loaded if module == name else getattr(loaded, name)  # no module shares a kernel's name
    globals()[name] = value
    return value
