"""Regression losses with a quadratic core (``smooth_l1_loss``, ``huber_loss``) and the
Kullback–Leibler divergence ``kl_div``, composed from public ops (their modules are in
nn/loss.py)."""
import numpy as np

from .. import ops
from ..tensor import Tensor

__all__ = ["smooth_l1_loss", "huber_loss", "kl_div"]


def _pair(input, target, who):
    if not isinstance(input, Tensor):
        input = Tensor(np.asarray(input))
    if not isinstance(target, Tensor):
        array = np.asarray(target)
        target = Tensor(array.astype(input.dtype) if array.dtype.kind == "f" else array)
    if tuple(input.shape) != tuple(target.shape):
        raise ValueError(f"{who}: input of shape {tuple(input.shape)} and target of shape "
                         f"{tuple(target.shape)} differ; give them the same shape")
    return input, target


def _reduction(size_average, reduce, reduction, who, allowed=("none", "mean", "sum")):
    if size_average is not None or reduce is not None:
        raise NotImplementedError(f"{who}: size_average and reduce are deprecated in PyTorch "
                                  f"and not supported here; use reduction=")
    if reduction not in allowed:
        raise ValueError(f"{who}: reduction must be one of {', '.join(map(repr, allowed))}; "
                         f"got {reduction!r}")
    return reduction


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean",  # noqa: A002
                   beta=1.0):
    """0.5·d²/β where |d| < β, |d| − 0.5·β elsewhere (d = x − y; Girshick 2015, Fast R-CNN);
    β = 0 is the L1 loss."""
    reduction = _reduction(size_average, reduce, reduction, "smooth_l1_loss")
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    x, y = _pair(input, target, "smooth_l1_loss")
    diff = x - y
    size = ops.abs(diff)
    if beta == 0:
        return _reduce(size, reduction)
    beta = float(beta)
    loss = ops.where(size.data < beta, diff * diff * (0.5 / beta), size - 0.5 * beta)
    return _reduce(loss, reduction)


def huber_loss(input, target, reduction="mean", delta=1.0):  # noqa: A002
    """0.5·d² where |d| < δ, δ·(|d| − 0.5·δ) elsewhere (Huber 1964); smooth_l1 scaled by δ."""
    reduction = _reduction(None, None, reduction, "huber_loss")
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    x, y = _pair(input, target, "huber_loss")
    diff = x - y
    size = ops.abs(diff)
    delta = float(delta)
    loss = ops.where(size.data < delta, diff * diff * 0.5, (size - 0.5 * delta) * delta)
    return _reduce(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean",  # noqa: A002
           log_target=False):
    """KL(target ‖ exp(input)) pointwise, with ``input`` log-probabilities:
    target·(log target − input), 0 where target = 0; with ``log_target`` the target is given
    as log-probabilities too: e^t·(t − input). "batchmean" divides the sum by the batch size
    (the mathematical KL divergence); "mean" divides by the number of elements, as PyTorch."""
    reduction = _reduction(size_average, reduce, reduction, "kl_div",
                           ("none", "mean", "sum", "batchmean"))
    x, t = _pair(input, target, "kl_div")
    if log_target:
        loss = ops.exp(t) * (t - x)
    else:
        positive = t.data > 0
        safe = ops.where(positive, t, Tensor(np.ones((), dtype=t.dtype)))
        loss = t * ops.log(safe) - t * x   # xlogy(t, t): 0·log 0 = 0
    if reduction == "batchmean":
        batch = x.shape[0] if x.ndim else 1
        return loss.sum() / float(batch)
    return _reduce(loss, reduction)
