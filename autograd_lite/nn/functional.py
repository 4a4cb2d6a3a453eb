"""``al.nn.functional`` (``F``): the stateless forms of the layers and the losses.

Layers with a fused Function (linear, batch_norm, dropout, cross_entropy, binary cross-entropy)
call it from ``autograd_lite.ops.nn_ops``; the rest compose public ops. Losses take
``reduction`` = "none" | "mean" | "sum" as in PyTorch.
"""
import numpy as np

from .. import ops, random
from .._effects import replayable
from ..errors import OpError
from ..ops import nn_ops as fused
from ..ops.gather_scatter import index_array
from ..tensor import Tensor, mark_modified

__all__ = ["linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax",
           "dropout", "batch_norm", "cross_entropy", "nll_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "mse_loss", "l1_loss", "flatten",
           # second edition (issue 12), from the modules imported at the end of this file
           "layer_norm", "group_norm", "embedding", "one_hot", "normalize", "cosine_similarity",
           "gelu", "silu", "elu", "softplus", "mish", "hardtanh", "relu6", "smooth_l1_loss",
           "huber_loss", "kl_div", "scaled_dot_product_attention",
           "conv1d", "conv2d", "conv_transpose2d", "max_pool1d", "max_pool2d", "avg_pool1d",
           "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "pad", "interpolate"]

_REDUCTIONS = ("none", "mean", "sum")


def _tensor(x, who, name="input", like=None):
    """``x`` as a Tensor; non-Tensor float data takes the dtype of the Tensor ``like`` (so a
    float64 numpy target next to a float64 input stays float64)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (np.ndarray, list, tuple, float, int, np.generic)):
        array = np.asarray(x)
        if like is not None and array.dtype.kind == "f":
            return Tensor(array, dtype=like.dtype)
        return Tensor(array)
    raise TypeError(f"{who}: {name} must be a Tensor, got {type(x).__name__}")


def _array_or_none(x):
    if x is None:
        return None
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _check_reduction(reduction, who):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{who}: reduction must be one of 'none', 'mean', 'sum'; got "
                         f"{reduction!r}")


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.mean()


# ---- layers -------------------------------------------------------------------------------
def linear(input, weight, bias=None):  # noqa: A002 - PyTorch's argument name
    """y = x Wᵀ + b, with W of shape (out_features, in_features) and x of shape (*, in)."""
    input = _tensor(input, "linear")
    if isinstance(weight, Tensor):
        # the common case (a layer's parameters), checked on the arrays in one test
        x, w = input._data, weight._data
        if (w.ndim == 2 and x.ndim != 0 and x.shape[-1] == w.shape[1] and x.dtype is w.dtype
                and (bias is None or (isinstance(bias, Tensor)
                                      and bias._data.shape == (w.shape[0],)))):
            return fused.Linear.apply(input, weight, bias)
    if weight.ndim != 2:
        raise OpError(f"linear: weight must be 2-D (out_features, in_features), got shape "
                      f"{tuple(weight.shape)}")
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise OpError(f"linear: input of shape {tuple(input.shape)} does not match weight of "
                      f"shape {tuple(weight.shape)} (the input's last dim must be "
                      f"in_features = {weight.shape[1]})")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise OpError(f"linear: bias of shape {tuple(bias.shape)} does not match weight of "
                      f"shape {tuple(weight.shape)} (expected ({weight.shape[0]},))")
    if input.dtype != weight.dtype:
        # PyTorch refuses instead of promoting; a float64 batch into a float32 layer would
        # otherwise compute (and train) in float64 without a word
        raise OpError(f"linear: input is {input.dtype} but the weight is {weight.dtype}; convert "
                      f"one of them (x.float(), or model.double())")
    return fused.Linear.apply(input, weight, bias)


def relu(input, inplace=False):  # noqa: A002
    """``ops.relu``: ``max(input, 0)`` elementwise. ``inplace`` is accepted and ignored."""
    return ops.relu(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    """``ops.leaky_relu``; ``inplace`` is accepted and ignored."""
    return ops.leaky_relu(input, negative_slope)


def sigmoid(input):  # noqa: A002
    """``ops.sigmoid``: ``1 / (1 + exp(-input))`` elementwise."""
    return ops.sigmoid(input)


def tanh(input):  # noqa: A002
    """``ops.tanh``: the hyperbolic tangent elementwise."""
    return ops.tanh(input)


def _softmax_dim(ndim):
    """PyTorch's legacy choice when dim is not given: 0 for 0-, 1- and 3-D inputs, else 1."""
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None):  # noqa: A002
    """``ops.softmax`` along ``dim``; without ``dim``, PyTorch's legacy choice (dim 0 for 0-, 1-
    and 3-D inputs, else 1)."""
    return ops.softmax(input, _softmax_dim(input.ndim) if dim is None else dim)


def log_softmax(input, dim=None):  # noqa: A002
    """``ops.log_softmax`` along ``dim`` (the default dim as for ``softmax``)."""
    return ops.log_softmax(input, _softmax_dim(input.ndim) if dim is None else dim)


def flatten(input, start_dim=0, end_dim=-1):  # noqa: A002
    """``ops.flatten``: joins dims ``start_dim`` to ``end_dim`` into one."""
    return ops.flatten(input, start_dim, end_dim)


def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Inverted dropout: in training, each element is kept with probability 1 − p and scaled by
    1/(1 − p) (a fresh mask on every call, drawn from the framework generator, so
    ``al.manual_seed`` repeats it); with ``training=False`` (or p = 0) the input comes back
    unchanged. ``inplace`` is accepted for PyTorch compatibility and ignored."""
    if not isinstance(p, (int, float)) or isinstance(p, bool) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: probability must be between 0 and 1, got {p!r}")
    input = _tensor(input, "dropout")
    if not training or p == 0:
        return input
    if input.dtype.kind != "f":
        raise TypeError(f"dropout: needs a floating-point tensor, got {input.dtype}")
    return fused.Dropout.apply(input, float(p), random.next_kernel_seed())


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,  # noqa: A002
               momentum=0.1, eps=1e-5):
    """Batch normalisation over the channel axis 1 of (N, C), (N, C, L) or (N, C, H, W).

    training=True: normalise with the batch mean and biased variance; if running statistics are
    given, update them in place as exponentially weighted averages,
    ``running = (1 − momentum)·running + momentum·batch``, with the *unbiased* batch variance
    (PyTorch's convention). training=False: normalise with ``running_mean``/``running_var``.
    """
    input = _tensor(input, "batch_norm")
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected an input of at least 2 dims (N, C, ...), got "
                         f"shape {tuple(input.shape)}")
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (channels,):
            raise ValueError(f"batch_norm: {name} has shape {tuple(t.shape)} but the input "
                             f"(shape {tuple(input.shape)}) has {channels} channels")
    if not training:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: training=False needs running_mean and running_var")
        return fused.BatchNormEval.apply(input, running_mean, running_var, weight, bias,
                                         float(eps))
    count = input._data.size // channels if channels else 0
    if count <= 1:
        raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                         f"got input of shape {tuple(input.shape)}; a batch of one cannot be "
                         f"normalised with its own statistics (use a larger batch, or eval())")
    stats = {}
    out = fused.BatchNormTrain.apply(input, weight, bias, float(eps), stats)
    if running_mean is not None or running_var is not None:
        if momentum is None:
            raise ValueError("batch_norm: momentum must be a number (BatchNorm modules turn "
                             "momentum=None into the cumulative-average factor 1/t)")
        update_running_stats(running_mean, running_var, stats, float(momentum))
    return out


@replayable(changes=lambda running_mean, running_var, stats, m: [running_mean, running_var])
def update_running_stats(running_mean, running_var, stats, m):
    """``running = (1 − m)·running + m·batch`` in place (the unbiased variance), what
    ``running.copy_(...)`` under no_grad does, without copy_'s checks (this runs every training
    step). ``@replayable``: ``al.compile`` records the call (it runs outside the ops).
    """
    n = stats["n"]
    if running_mean is not None:
        np.copyto(running_mean._data, (1.0 - m) * running_mean._data + m * stats["mean"],
                  casting="unsafe")
        mark_modified(running_mean)
    if running_var is not None:
        unbiased = stats["var"] * (n / (n - 1))
        np.copyto(running_var._data, (1.0 - m) * running_var._data + m * unbiased,
                  casting="unsafe")
        mark_modified(running_var)


# ---- losses -------------------------------------------------------------------------------
#: what an integer target is, in index_array's message
_LABELS = "the target (class labels)"


def _classes_last(input, who):
    """(N, C) stays; (C,) becomes (1, C); (N, C, d1, ...) becomes (N·d1·…, C)."""
    if input.ndim == 1:
        return input.reshape(1, -1)
    if input.ndim == 2:
        return input
    if input.ndim == 0:
        raise ValueError(f"{who}: input must have a class dimension, got a 0-d tensor")
    order = (0,) + tuple(range(2, input.ndim)) + (1,)
    return input.permute(order).reshape(-1, input.shape[1])


def _check_target_shape(input, target_shape, who):
    expected = (() if input.ndim == 1 else (input.shape[0],) + tuple(input.shape[2:]))
    if tuple(target_shape) != expected:
        raise ValueError(f"{who}: target of shape {tuple(target_shape)} does not match input of "
                         f"shape {tuple(input.shape)} (expected target shape {expected})")
    return expected


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean",  # noqa: A002
                  label_smoothing=0.0):
    """Softmax cross-entropy from unnormalised logits, fused with log-softmax for stability.

    ``target``: integer class indices of shape (N,) (or (N, d1, ...) for logits (N, C, d1, ...)),
    or class probabilities of the input's shape. ``weight``: per-class weights (C,);
    ``ignore_index``: label whose samples contribute nothing; ``label_smoothing`` ε mixes the
    target with the uniform distribution: (1 − ε)·y + ε/C. The mean divides by the summed
    weights of the samples not ignored, as in PyTorch."""
    _check_reduction(reduction, "cross_entropy")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got "
                         f"{label_smoothing}")
    input = _tensor(input, "cross_entropy")
    if input.dtype.kind != "f":
        raise TypeError(f"cross_entropy: logits must be floating point, got {input.dtype}")
    weight = _array_or_none(weight)
    n_classes = input.shape[-1] if input.ndim == 1 else input.shape[1] if input.ndim else 0
    if weight is not None and weight.shape != (n_classes,):
        raise ValueError(f"cross_entropy: weight of shape {weight.shape} does not match "
                         f"{n_classes} classes")
    logits = _classes_last(input, "cross_entropy")
    target_shape = target.shape if isinstance(target, (Tensor, np.ndarray)) else np.shape(target)
    probabilities = (isinstance(target, Tensor) and target.dtype.kind == "f") or (
        not isinstance(target, Tensor) and np.asarray(target).dtype.kind == "f")
    if probabilities:
        if tuple(target_shape) != tuple(input.shape):
            raise TypeError(f"cross_entropy: a floating-point target is read as class "
                            f"probabilities and must have the input's shape "
                            f"{tuple(input.shape)}, got {tuple(target_shape)}; for integer "
                            f"class labels pass an integer tensor")
        target = _tensor(target, "cross_entropy", "target", like=input)
        flat_target = _classes_last(target, "cross_entropy")
        out_shape = _check_target_shape(input, target_shape[:1] + target_shape[2:]
                                        if input.ndim > 1 else (), "cross_entropy")
    else:
        labels = index_array(target, "cross_entropy", _LABELS)
        out_shape = _check_target_shape(input, labels.shape, "cross_entropy")
        flat_target = labels.reshape(-1)
    loss = fused.CrossEntropy.apply(logits, flat_target, weight, int(ignore_index), reduction,
                                    float(label_smoothing))
    if reduction == "none" and tuple(loss.shape) != tuple(out_shape):
        loss = loss.reshape(out_shape)
    return loss


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):  # noqa: A002
    """Negative log-likelihood of log-probabilities ``input`` (N, C) at integer ``target`` (N,):
    ℓᵢ = −w[yᵢ]·input[i, yᵢ]; the mean divides by Σ w[yᵢ] over samples not ignored."""
    _check_reduction(reduction, "nll_loss")
    input = _tensor(input, "nll_loss")
    labels = index_array(target, "nll_loss", _LABELS)
    out_shape = _check_target_shape(input, labels.shape, "nll_loss")
    logp = _classes_last(input, "nll_loss")
    n_classes = logp.shape[1]
    flat = labels.reshape(-1)
    valid = flat != ignore_index
    bad = valid & ((flat < 0) | (flat >= n_classes))
    if bad.any():
        raise IndexError(f"nll_loss: target {int(flat[bad][0])} is out of range for {n_classes} "
                         f"classes (expected 0 .. {n_classes - 1}, or ignore_index "
                         f"{ignore_index})")
    safe = np.where(valid, flat, 0)
    weight = _array_or_none(weight)
    if weight is not None and weight.shape != (n_classes,):
        raise ValueError(f"nll_loss: weight of shape {weight.shape} does not match {n_classes} "
                         f"classes")
    row_weight = (weight[safe] if weight is not None else np.ones(len(flat))) * valid
    row_weight = row_weight.astype(input.dtype)
    picked = logp[np.arange(len(flat)), safe]
    per_sample = -(picked * row_weight)
    if reduction == "none":
        return per_sample.reshape(out_shape)
    if reduction == "sum":
        return per_sample.sum()
    return per_sample.sum() / float(row_weight.sum())


def _check_same_shape(input, target, who):
    if tuple(input.shape) != tuple(target.shape):
        raise ValueError(f"{who}: input of shape {tuple(input.shape)} and target of shape "
                         f"{tuple(target.shape)} differ; give them the same shape")


def _weighted(loss, weight, who):
    if weight is None:
        return loss
    weight = _tensor(weight, who, "weight", like=loss)
    try:
        np.broadcast_shapes(tuple(weight.shape), tuple(loss.shape))
    except ValueError:
        raise ValueError(f"{who}: weight of shape {tuple(weight.shape)} does not broadcast to "
                         f"the loss of shape {tuple(loss.shape)}") from None
    return loss * weight


def binary_cross_entropy(input, target, weight=None, reduction="mean"):  # noqa: A002
    """−(y log p + (1 − y) log(1 − p)) for probabilities p (each log clamped at −100, as
    PyTorch), optionally rescaled elementwise by ``weight``."""
    _check_reduction(reduction, "binary_cross_entropy")
    input = _tensor(input, "binary_cross_entropy")
    target = _tensor(target, "binary_cross_entropy", "target", like=input)
    _check_same_shape(input, target, "binary_cross_entropy")
    # the op checks that input holds probabilities in [0, 1] (in the kernel's pass)
    if weight is None:  # the reduction inside the node: one op on the tape, not two
        return fused.BinaryCrossEntropy.apply(input, target, reduction)
    loss = fused.BinaryCrossEntropy.apply(input, target, "none")
    return _reduce(_weighted(loss, weight, "binary_cross_entropy"), reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean",  # noqa: A002
                                     pos_weight=None):
    """Sigmoid and binary cross-entropy in one stable expression of the logits ``input``:
    ℓ = (1 − y)·x + (1 + (w₊ − 1)·y)·log(1 + e^(−x)); finite for logits of any size.
    ``pos_weight`` w₊ (broadcast over the last dim) weighs the positive term."""
    _check_reduction(reduction, "binary_cross_entropy_with_logits")
    input = _tensor(input, "binary_cross_entropy_with_logits")
    target = _tensor(target, "binary_cross_entropy_with_logits", "target", like=input)
    _check_same_shape(input, target, "binary_cross_entropy_with_logits")
    if pos_weight is not None:
        pos_weight = _tensor(pos_weight, "binary_cross_entropy_with_logits", "pos_weight",
                             like=input)
    loss = fused.BinaryCrossEntropyWithLogits.apply(input, target, pos_weight)
    return _reduce(_weighted(loss, weight, "binary_cross_entropy_with_logits"), reduction)


def mse_loss(input, target, reduction="mean"):  # noqa: A002
    """(x − y)² elementwise, reduced."""
    _check_reduction(reduction, "mse_loss")
    input = _tensor(input, "mse_loss")
    target = _tensor(target, "mse_loss", "target", like=input)
    _check_same_shape(input, target, "mse_loss")
    diff = input - target
    return _reduce(diff * diff, reduction)


def l1_loss(input, target, reduction="mean"):  # noqa: A002
    """|x − y| elementwise, reduced (gradient sign(x − y), 0 where they are equal)."""
    _check_reduction(reduction, "l1_loss")
    input = _tensor(input, "l1_loss")
    target = _tensor(target, "l1_loss", "target", like=input)
    _check_same_shape(input, target, "l1_loss")
    return _reduce(ops.abs(input - target), reduction)


# ---- second edition (issue 12): composed from public ops in their own modules --------------
from ._activations import elu, gelu, hardtanh, mish, relu6, silu, softplus  # noqa: E402
from .attention import scaled_dot_product_attention  # noqa: E402
from .conv import conv1d, conv2d, conv_transpose2d  # noqa: E402
from .distance import cosine_similarity, normalize  # noqa: E402
from .normalization import group_norm, layer_norm  # noqa: E402
from .pooling import (adaptive_avg_pool1d, adaptive_avg_pool2d, avg_pool1d,  # noqa: E402
                      avg_pool2d, interpolate, max_pool1d, max_pool2d, pad)
from .robust_losses import huber_loss, kl_div, smooth_l1_loss  # noqa: E402
from .sparse import embedding, one_hot  # noqa: E402
