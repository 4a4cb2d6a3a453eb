"""``train_dev_test_split``: the course's train / dev (hold-out, cross-validation) / test sets.

Samples are rows (the first axis), as everywhere in autograd_lite, not the course's columns.
"""
import math

import numpy as np

from .dataset import _rng_from_seed


def _largest_remainder(total, weights):
    """Integers proportional to ``weights`` that sum exactly to ``total`` (Hamilton's method).

    ``weights`` are non-negative ints (exact integer arithmetic); ties between equal remainders
    go to the earlier entry.
    """
    weights = [int(w) for w in weights]
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [0] * len(weights)
    floors = [w * total // weight_sum for w in weights]
    remainders = [w * total % weight_sum for w in weights]
    missing = total - sum(floors)
    for i in sorted(range(len(weights)), key=lambda i: -remainders[i])[:missing]:
        floors[i] += 1
    return floors


def _split_sizes(n, fractions):
    """Sizes of the three sets: ``fractions * n`` rounded by largest remainder (exact sum)."""
    exact = [f * n for f in fractions]
    sizes = [math.floor(x) for x in exact]
    missing = n - sum(sizes)
    order = sorted(range(3), key=lambda i: -(exact[i] - sizes[i]))
    for i in order[:missing]:
        sizes[i] += 1
    return sizes


def _check_fractions(fractions):
    try:
        fractions = [float(f) for f in fractions]
    except (TypeError, ValueError):
        raise TypeError("train_dev_test_split: fractions must be three numbers "
                        f"(train, dev, test), got {fractions!r}") from None
    if len(fractions) != 3:
        raise ValueError("train_dev_test_split: fractions must be three numbers (train, dev, "
                         f"test), got {len(fractions)}: {fractions}")
    if not all(math.isfinite(f) and f > 0 for f in fractions):
        raise ValueError(f"train_dev_test_split: every fraction must be positive, got {fractions}")
    if not math.isclose(sum(fractions), 1.0, abs_tol=1e-6):
        raise ValueError(f"train_dev_test_split: fractions must sum to 1, got {fractions} "
                         f"(sum {sum(fractions):.6g})")
    return fractions


def _labels(y, stratify, n):
    """Integer class codes ``0..k-1`` of the labels that stratification balances."""
    labels = np.asarray(y) if stratify is True else np.asarray(stratify)
    if labels.ndim == 0 or labels.shape[0] != n:
        raise ValueError(f"train_dev_test_split: stratify labels must have {n} rows, got shape "
                         f"{labels.shape}")
    if labels.ndim == 1:
        _, codes = np.unique(labels, return_inverse=True)
    else:  # one-hot or multi-column labels: each distinct row is a class
        _, codes = np.unique(labels.reshape(n, -1), axis=0, return_inverse=True)
    return codes.reshape(-1)


def train_dev_test_split(X, y, fractions=(0.6, 0.2, 0.2), seed=None, stratify=False):
    """Shuffle the samples (rows) of ``X`` and ``y`` and cut them into train, dev and test sets.

    Args:
        X: array-like (numpy array, ``Tensor``, list) of shape ``(n, ...)``.
        y: array-like of shape ``(n, ...)``: one label (or target row) per sample.
        fractions: ``(train, dev, test)``, each positive, summing to 1 (the course's 60/20/20
            for small data, 98/1/1 for big data). The set sizes are ``fraction * n`` rounded so
            that they sum exactly to ``n`` (largest remainder); every set must get at least one
            sample, else ``ValueError``.
        seed: an int makes the split repeat; ``None`` draws from the framework generator
            (``al.manual_seed``).
        stratify: ``True`` keeps each class's proportion (classes are the distinct values of
            ``y``, or distinct rows of a 2-D ``y``) the same in the three sets, as closely as
            integer counts allow, while the set sizes stay exactly as without it. An array of
            ``n`` labels stratifies on those labels instead.

    Returns:
        ``((X_train, y_train), (X_dev, y_dev), (X_test, y_test))``, numpy arrays (copies) with
        the dtypes of ``X`` and ``y``, each set in random order.
    """
    fractions = _check_fractions(fractions)
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError("train_dev_test_split: X and y need a first (sample) dimension, got "
                         f"shapes {X.shape} and {y.shape}")
    n = X.shape[0]
    if y.shape[0] != n:
        raise ValueError("train_dev_test_split: X and y must have the same number of samples "
                         f"(rows), got shapes {X.shape} and {y.shape}")
    sizes = _split_sizes(n, fractions)
    if min(sizes) == 0:
        names = [name for name, size in zip(("train", "dev", "test"), sizes) if size == 0]
        raise ValueError(f"train_dev_test_split: {n} samples split by {fractions} leave the "
                         f"{' and '.join(names)} set empty; use more samples or larger fractions")
    if isinstance(stratify, (bool, np.bool_)):
        stratify = bool(stratify)
    if not (stratify is False or stratify is None or stratify is True
            or isinstance(stratify, (np.ndarray, list, tuple)) or hasattr(stratify, "__array__")):
        raise TypeError("train_dev_test_split: stratify must be a bool or an array of labels")
    rng = _rng_from_seed(seed, "train_dev_test_split")

    if stratify is False or stratify is None:
        permutation = rng.permutation(n)
        bounds = np.cumsum([0] + sizes)
        parts = [permutation[bounds[i]:bounds[i + 1]] for i in range(3)]
    else:
        codes = _labels(y, stratify, n)
        class_counts = np.bincount(codes)
        # test first, then dev from what is left: each class gets its proportional share of a
        # set, and the shares add up exactly to the set's size
        test_per_class = _largest_remainder(sizes[2], class_counts)
        rest = class_counts - np.asarray(test_per_class)
        dev_per_class = _largest_remainder(sizes[1], rest)
        parts = [[], [], []]
        for k, count in enumerate(class_counts):
            members = rng.permutation(np.flatnonzero(codes == k))
            n_test, n_dev = test_per_class[k], dev_per_class[k]
            parts[2].append(members[:n_test])
            parts[1].append(members[n_test:n_test + n_dev])
            parts[0].append(members[n_test + n_dev:count])
        parts = [rng.permutation(np.concatenate(p)) for p in parts]
    return tuple((X[p], y[p]) for p in parts)
