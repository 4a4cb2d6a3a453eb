"""Batch normalisation layers: ``BatchNorm1d`` ((N, C) or (N, C, L)) and ``BatchNorm2d``
(N, C, H, W), with PyTorch's semantics.

Training: normalise with the batch mean and biased variance, then γ·x̂ + β; update the running
estimates as the course's exponentially weighted average,
``running = (1 − momentum)·running + momentum·batch_stat`` (PyTorch's momentum is the course's
1 − β), using the unbiased batch variance for ``running_var``. ``momentum=None`` gives the
cumulative average (factor 1/t after t batches). Eval: normalise with the running estimates.
"""
import numpy as np

from .. import dtypes, grad_mode
from .._effects import not_replayable, replayable
from ..tensor import Tensor, mark_modified
from . import functional as F
from .module import Module, Parameter


class _BatchNorm(Module):
    _expected_dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, dtype=None):
        super().__init__()
        self.num_features = int(num_features)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dtype = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
        if affine:
            self.weight = Parameter(np.ones(self.num_features, dtype=dtype))
            self.bias = Parameter(np.zeros(self.num_features, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(self.num_features, dtype)))
            self.register_buffer("running_var", Tensor(np.ones(self.num_features, dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self):
        if self.track_running_stats:
            with grad_mode.no_grad():
                self.running_mean.fill_(0)
                self.running_var.fill_(1)
                self.num_batches_tracked.fill_(0)

    def reset_parameters(self):
        self.reset_running_stats()
        if self.affine:
            with grad_mode.no_grad():
                self.weight.fill_(1)
                self.bias.fill_(0)

    def _check_input(self, x):
        if x.ndim not in self._expected_dims:
            wanted = " or ".join(f"{d}D" for d in self._expected_dims)
            raise ValueError(f"{type(self).__name__}: expected {wanted} input, got shape "
                             f"{tuple(x.shape)}")
        if x.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}({self.num_features}): input of shape "
                             f"{tuple(x.shape)} has {x.shape[1]} channels in dim 1, expected "
                             f"{self.num_features}")

    def forward(self, x):
        self._check_input(x)
        # the registries read directly: each self.<parameter or buffer> would go through
        # Module.__getattr__ (~0.5 µs), and this runs twice a layer a step
        params, buffers = self._parameters, self._buffers
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            count = x._data.size // x.shape[1] if x.shape[1] else 0
            if count <= 1:
                raise ValueError(
                    f"{type(self).__name__}: expected more than 1 value per channel when "
                    f"training, got input of shape {tuple(x.shape)}. A batch of one cannot be "
                    f"normalised with its own statistics: use a larger batch, or call eval() "
                    f"to use the running statistics.")
            tracked = buffers["num_batches_tracked"]
            count_batch(tracked)
            if self.momentum is None:
                not_replayable(f"{type(self).__name__}(momentum=None): the cumulative average "
                               f"reads the batch count in Python")
                factor = 1.0 / float(tracked._data)
        use_batch_stats = self.training or not self.track_running_stats
        keep_running = not self.training or self.track_running_stats
        return F.batch_norm(
            x,
            buffers["running_mean"] if keep_running else None,
            buffers["running_var"] if keep_running else None,
            params["weight"], params["bias"], use_batch_stats, factor, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Over (N, C) or (N, C, L): statistics per channel C, over N (and L)."""

    _expected_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Over (N, C, H, W): statistics per channel C, over N, H and W."""

    _expected_dims = (4,)


@replayable(changes=lambda tracked: [tracked])
def count_batch(tracked):
    """``num_batches_tracked += 1``: what add_(1) under no_grad does, without its checks.
    ``@replayable``: ``al.compile`` records the call (it runs outside the ops)."""
    tracked._data += 1
    mark_modified(tracked)
