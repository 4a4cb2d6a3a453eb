"""The data of a training run: load the set, split it train/dev/test, normalise the inputs.

Everything here is a pure function of the config (dataset, n_samples, noise, split, seed), so
a resumed run rebuilds exactly the same sets. Inputs are normalised with the training set's
mean and standard deviation (the course's "normalising inputs"; dev and test use the same μ
and σ, never their own).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import datasets
from ..data import train_dev_test_split

__all__ = ["Splits", "load_dataset", "make_splits"]

# defaults for the generated 2-D sets: the course's sizes and noise levels
_PLANAR_DEFAULTS = {
    "moons": (600, 0.2), "circles": (600, 0.05), "spirals": (600, 0.2), "flower": (600, 0.2),
}


@dataclass
class Splits:
    X_train: np.ndarray
    y_train: np.ndarray
    X_dev: np.ndarray
    y_dev: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    mean: np.ndarray          # input normalisation (from the training set)
    std: np.ndarray
    n_classes: int
    X_raw_train: np.ndarray   # before normalisation, for plots in the data's own coordinates

    @property
    def n_features(self):
        return self.X_train.shape[1]

    def normalise(self, X):
        return ((np.asarray(X, np.float32) - self.mean) / self.std).astype(np.float32)


def load_dataset(name, n_samples=None, noise=None, seed=0):
    """``(X, y)`` for a dataset name (float32 rows, int64 labels)."""
    if name == "digits":
        return datasets.load_digits()
    if name not in _PLANAR_DEFAULTS:
        raise ValueError(f"unknown dataset {name!r}")
    default_n, default_noise = _PLANAR_DEFAULTS[name]
    n = default_n if n_samples is None else int(n_samples)
    noise = default_noise if noise is None else float(noise)
    maker = {"moons": datasets.make_moons, "circles": datasets.make_circles,
             "spirals": datasets.make_spirals, "flower": datasets.make_flower}[name]
    return maker(n_samples=n, noise=noise, seed=seed)


def make_splits(X, y, fractions=(0.6, 0.2, 0.2), seed=0, normalise=True):
    """Stratified train/dev/test split, then input normalisation with the training set's
    statistics (features with no spread in the training set are only centred)."""
    (Xtr, ytr), (Xd, yd), (Xte, yte) = train_dev_test_split(
        X, y, fractions, seed=seed, stratify=True)
    if normalise:
        mean = Xtr.mean(axis=0).astype(np.float32)
        std = Xtr.std(axis=0).astype(np.float32)
        std[std < 1e-6] = 1.0
    else:
        mean = np.zeros(X.shape[1], np.float32)
        std = np.ones(X.shape[1], np.float32)

    def norm(A):
        return np.ascontiguousarray(((A - mean) / std).astype(np.float32))

    n_classes = int(max(ytr.max(), yd.max(), yte.max())) + 1
    return Splits(norm(Xtr), ytr.astype(np.int64), norm(Xd), yd.astype(np.int64), norm(Xte),
                  yte.astype(np.int64), mean, std, n_classes, Xtr)


def splits_for(cfg):
    """The splits a ``TrainConfig`` asks for."""
    X, y = load_dataset(cfg.dataset, cfg.n_samples, cfg.noise, seed=cfg.seed)
    return make_splits(X, y, cfg.split, seed=cfg.seed)
