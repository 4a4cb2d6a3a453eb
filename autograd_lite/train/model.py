"""The course's fully connected network, built from ``al.nn`` layers.

Each hidden layer is ``Linear → [BatchNorm1d] → activation → [Dropout]`` (the course's
"fitting batch norm into a network": normalise Z before the activation; with batch norm the
Linear layer has no bias, since the normalisation subtracts it out and β takes its place).
Dropout goes between hidden layers only, never on the input or the output layer. The output
layer is a plain Linear: one logit for two classes (sigmoid + binary cross-entropy, as the
course's planar examples), ``n_classes`` logits otherwise (softmax + cross-entropy).
"""
from __future__ import annotations

import contextlib

import numpy as np

from .. import nn, no_grad, tensor
from ..nn import functional as F

__all__ = ["build_mlp", "build_cnn", "build_model", "init_linear_", "loss_fn", "predict", "n_outputs", "layer_sizes"]

_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
                "leaky_relu": nn.LeakyReLU}


def n_outputs(n_classes):
    """One logit for a binary problem, one per class otherwise."""
    return 1 if n_classes == 2 else int(n_classes)


def layer_sizes(n_in, hidden, n_classes):
    """The course's ``layers_dims``: ``[n_x, n_h1, ..., n_y]``."""
    return [int(n_in), *[int(h) for h in hidden], n_outputs(n_classes)]


def init_linear_(linear, scheme, scale=10.0):
    """Initialise one Linear layer with the course's schemes; biases start at zero (except for
    ``default``, PyTorch's own initialisation, which is left as built)."""
    w = linear.weight
    if scheme == "zeros":
        nn.init.zeros_(w)
    elif scheme == "random":
        nn.init.scaled_normal_(w, scale)              # randn · 10: too large on purpose
    elif scheme == "he":
        nn.init.kaiming_normal_(w, nonlinearity="relu")    # randn · √(2/n[l−1])
    elif scheme == "xavier":
        nn.init.kaiming_normal_(w, nonlinearity="linear")  # the course's randn · √(1/n[l−1])
    elif scheme == "default":
        return linear
    else:
        raise ValueError(f"unknown initialiser {scheme!r}")
    if linear.bias is not None:
        nn.init.zeros_(linear.bias)
    return linear


def build_mlp(n_in, hidden, n_classes, activation="relu", init="he", batchnorm=False,
              dropout=0.0, init_scale=10.0):
    """A ``Sequential`` MLP ``n_in → hidden... → n_outputs(n_classes)``."""
    if activation not in _ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of "
                         f"{', '.join(_ACTIVATIONS)}")
    layers = []
    width = int(n_in)
    for size in hidden:
        linear = nn.Linear(width, int(size), bias=not batchnorm)
        init_linear_(linear, init, init_scale)
        layers.append(linear)
        if batchnorm:
            layers.append(nn.BatchNorm1d(int(size)))
        layers.append(_ACTIVATIONS[activation]())
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = int(size)
    out = nn.Linear(width, n_outputs(n_classes))
    init_linear_(out, init, init_scale)
    layers.append(out)
    return nn.Sequential(*layers)


def build_cnn(n_in, hidden, n_classes, activation="relu", init="he", batchnorm=True,
              dropout=0.0, init_scale=10.0, channels=(16, 32)):
    """A small CNN on rows of ``n_in`` = s·s pixels seen as 1×s×s images: two blocks
    ``Conv2d 3×3 (pad 1) → [BatchNorm2d] → activation`` (no conv bias with batch norm, as in
    the MLP), one 2×2 max pool, then ``build_mlp``'s layers on the flattened features."""
    side = int(round(float(n_in) ** 0.5))
    if side * side != int(n_in) or side < 2:
        raise ValueError(f"build_cnn: {n_in} input features are not a square image")
    if activation not in _ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of "
                         f"{', '.join(_ACTIVATIONS)}")
    layers = [nn.Unflatten(1, (1, side, side))]
    width = 1
    for c in channels:
        conv = nn.Conv2d(width, int(c), 3, padding=1, bias=not batchnorm)
        init_linear_(conv, init, init_scale)   # the same schemes; fan_in = C·3·3
        layers.append(conv)
        if batchnorm:
            layers.append(nn.BatchNorm2d(int(c)))
        layers.append(_ACTIVATIONS[activation]())
        width = int(c)
    layers += [nn.MaxPool2d(2), nn.Flatten()]
    head = build_mlp(width * (side // 2) ** 2, hidden, n_classes, activation, init, batchnorm,
                     dropout, init_scale)
    return nn.Sequential(*layers, *head)


def build_model(cfg, n_in, n_classes):
    """The network a ``TrainConfig`` asks for (``cfg.model``: mlp or cnn)."""
    build = build_cnn if cfg.model == "cnn" else build_mlp
    return build(n_in, cfg.hidden, n_classes, cfg.activation, cfg.init, cfg.batchnorm,
                 cfg.dropout, cfg.init_scale)


def loss_fn(logits, target):
    """Binary cross-entropy on one logit, or softmax cross-entropy on several (mean over the
    batch). ``target`` holds int class labels."""
    if logits.shape[1] == 1:
        return F.binary_cross_entropy_with_logits(logits.reshape(-1), target.float())
    return F.cross_entropy(logits, target)


@contextlib.contextmanager
def _evaluating(model):
    """Eval mode and no recording inside; the model's training flag is put back afterwards."""
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            yield
    finally:
        model.train(was_training)


def _batches(X, batch_size):
    for start in range(0, len(X), batch_size):
        yield start, tensor(np.ascontiguousarray(X[start:start + batch_size]))


def _labels(logits):
    """Class labels from logits: one output unit is a binary logit, more are class scores."""
    z = logits.numpy()
    return (z[:, 0] > 0).astype(np.int64) if z.shape[1] == 1 else z.argmax(axis=1)


def predict(model, X, batch_size=4096):
    """Class labels for the rows of ``X`` (numpy), in eval mode, without recording."""
    with _evaluating(model):
        parts = [_labels(model(xb)) for _, xb in _batches(X, batch_size)]
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def evaluate(model, X, y, batch_size=4096):
    """(mean loss, accuracy) on ``(X, y)`` in eval mode."""
    total, correct = 0.0, 0
    with _evaluating(model):
        for start, xb in _batches(X, batch_size):
            yb = y[start:start + len(xb)]
            logits = model(xb)
            total += float(loss_fn(logits, tensor(yb)).item()) * len(yb)
            correct += int((_labels(logits) == yb).sum())
    n = max(len(y), 1)
    return total / n, correct / n
