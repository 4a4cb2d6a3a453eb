"""The course's planar (2-D) classification data sets: moons, circles, spirals and the flower.

Each returns ``(X, y)``: ``X`` float32 of shape ``(n_samples, 2)``, ``y`` int64 class labels of
shape ``(n_samples,)``. ``seed`` (an int) makes the data repeat exactly; ``seed=None`` draws
from the framework generator, so ``al.manual_seed`` controls it. ``noise`` is the standard
deviation of Gaussian noise (see each function for where it is added); 0 or None gives the
noiseless shape. Rows are shuffled unless ``shuffle=False`` (then class 0 comes first).
"""
import math
import numbers

import numpy as np

from ..data.dataset import _rng_from_seed


def _check_count(value, name, who, minimum=1):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{who}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_noise(noise, who):
    if noise is None:
        return 0.0
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not (
            math.isfinite(noise) and noise >= 0):
        raise ValueError(f"{who}: noise must be a finite number >= 0 (or None), got {noise!r}")
    return float(noise)


def _two_class_counts(n_samples, who):
    """``n_samples`` as an int (split as n//2 for class 0, the rest for class 1) or a pair."""
    if isinstance(n_samples, (tuple, list)):
        if len(n_samples) != 2:
            raise ValueError(f"{who}: n_samples must be an int or a pair (class 0, class 1), "
                             f"got {n_samples!r}")
        counts = [_check_count(c, "each count in n_samples", who, 0) for c in n_samples]
        if sum(counts) < 1:
            raise ValueError(f"{who}: n_samples must hold at least one sample, got {n_samples!r}")
        return counts
    n = _check_count(n_samples, "n_samples", who)
    return [n // 2, n - n // 2]


def _finish(points, labels, noise, shuffle, rng):
    """Add the coordinate noise, shuffle, and cast to (float32 X, int64 y)."""
    if noise > 0:
        points = points + noise * rng.standard_normal(points.shape)
    if shuffle:
        order = rng.permutation(len(labels))
        points, labels = points[order], labels[order]
    return points.astype(np.float32), labels.astype(np.int64)


def make_moons(n_samples=100, noise=0.0, seed=None, shuffle=True):
    """Two interleaving half circles (the course's optimisation data set: ``n_samples=300,
    noise=0.2``).

    Class 0 is the upper half of the unit circle centred at (0, 0); class 1 the lower half
    centred at (1, 0.5). ``n_samples`` is the total (class 0 gets ``n // 2``) or a pair of
    per-class counts; ``noise`` is added to each coordinate.
    """
    who = "make_moons"
    n_upper, n_lower = _two_class_counts(n_samples, who)
    noise = _check_noise(noise, who)
    rng = _rng_from_seed(seed, who)
    t_upper = np.linspace(0.0, math.pi, n_upper)
    t_lower = np.linspace(0.0, math.pi, n_lower)
    points = np.concatenate([
        np.stack([np.cos(t_upper), np.sin(t_upper)], axis=1),
        np.stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)], axis=1),
    ]).reshape(-1, 2)
    labels = np.repeat([0, 1], [n_upper, n_lower])
    return _finish(points, labels, noise, shuffle, rng)


def make_circles(n_samples=100, noise=0.0, factor=0.8, seed=None, shuffle=True):
    """A circle inside a circle (the course's initialisation data set: ``n_samples=300,
    noise=0.05``).

    Class 0 lies on the unit circle, class 1 on the circle of radius ``factor`` (0 <= factor
    < 1), points evenly spaced in angle. ``n_samples`` is the total (class 0 gets ``n // 2``)
    or a pair of per-class counts; ``noise`` is added to each coordinate.
    """
    who = "make_circles"
    n_outer, n_inner = _two_class_counts(n_samples, who)
    noise = _check_noise(noise, who)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0 <= factor < 1:
        raise ValueError(f"{who}: factor must be a number in [0, 1), got {factor!r}")
    rng = _rng_from_seed(seed, who)
    t_outer = np.linspace(0.0, 2 * math.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0.0, 2 * math.pi, n_inner, endpoint=False)
    points = np.concatenate([
        np.stack([np.cos(t_outer), np.sin(t_outer)], axis=1),
        float(factor) * np.stack([np.cos(t_inner), np.sin(t_inner)], axis=1),
    ]).reshape(-1, 2)
    labels = np.repeat([0, 1], [n_outer, n_inner])
    return _finish(points, labels, noise, shuffle, rng)


def _per_class(n_samples, n_classes):
    """Class sizes as equal as possible: the first ``n % k`` classes get one more."""
    base, extra = divmod(n_samples, n_classes)
    return [base + (k < extra) for k in range(n_classes)]


def make_spirals(n_samples=300, n_classes=3, noise=0.2, seed=None, shuffle=True):
    """``n_classes`` spiral arms winding out from the origin (the classic planar data set that
    a linear classifier cannot separate).

    Arm ``k`` holds ``n_samples // n_classes`` points (the first ``n_samples % n_classes`` arms
    one more) at radius ``r`` evenly spaced in [0, 1] and angle ``2πk/n_classes + 4r`` radians
    (each arm turns through 4 radians); ``noise`` is the standard deviation of Gaussian noise
    added to each point's angle, in radians. A point is ``(r sin θ, r cos θ)``.
    """
    who = "make_spirals"
    n_classes = _check_count(n_classes, "n_classes", who, 2)
    n_samples = _check_count(n_samples, "n_samples", who, n_classes)
    noise = _check_noise(noise, who)
    rng = _rng_from_seed(seed, who)
    counts = _per_class(n_samples, n_classes)
    radius = np.concatenate([np.linspace(0.0, 1.0, c) for c in counts])
    labels = np.repeat(np.arange(n_classes), counts)
    theta = 2 * math.pi * labels / n_classes + 4.0 * radius
    if noise > 0:
        theta = theta + noise * rng.standard_normal(n_samples)
    points = np.stack([radius * np.sin(theta), radius * np.cos(theta)], axis=1)
    return _finish(points, labels, 0.0, shuffle, rng)


def make_flower(n_samples=400, noise=0.2, seed=None, shuffle=True):
    """The "flower" of the course's planar-data assignment: two classes of points on the curve
    ``r = 4 sin(4θ)``, each class over its own half-turn of θ, so the petals alternate.

    Class ``j`` (0 or 1) takes half of the points (class 1 the odd one), with θ evenly spaced
    over ``[3.12 j, 3.12 (j + 1)]`` plus Gaussian noise of standard deviation ``noise``; then
    ``r = 4 sin(4θ)`` plus noise of the same size. A point is ``(r sin θ, r cos θ)``.
    """
    who = "make_flower"
    n_samples = _check_count(n_samples, "n_samples", who, 2)
    noise = _check_noise(noise, who)
    rng = _rng_from_seed(seed, who)
    counts = _per_class(n_samples, 2)[::-1]  # class 1 gets the odd sample
    labels = np.repeat([0, 1], counts)
    theta = np.concatenate([np.linspace(3.12 * j, 3.12 * (j + 1), c) for j, c in enumerate(counts)])
    if noise > 0:
        theta = theta + noise * rng.standard_normal(n_samples)
    radius = 4.0 * np.sin(4.0 * theta)
    if noise > 0:
        radius = radius + noise * rng.standard_normal(n_samples)
    points = np.stack([radius * np.sin(theta), radius * np.cos(theta)], axis=1)
    return _finish(points, labels, 0.0, shuffle, rng)
