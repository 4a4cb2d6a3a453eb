"""The 8x8 handwritten digits (UCI "Optical Recognition of Handwritten Digits", test set),
bundled with the package: no download, no scikit-learn. See DIGITS_LICENSE.txt (CC BY 4.0)."""
import gzip
import numbers
from importlib import resources

import numpy as np

N_SAMPLES, N_FEATURES = 1797, 64
_cache = []


def _raw():
    """The bundled table as int64, shape (1797, 65): 64 pixels in 0..16, then the digit."""
    if not _cache:
        with resources.files(__package__).joinpath("digits.csv.gz").open("rb") as handle:
            with gzip.open(handle, "rt") as text:
                table = np.loadtxt(text, delimiter=",", dtype=np.int64, ndmin=2)
        if table.shape != (N_SAMPLES, N_FEATURES + 1):
            raise RuntimeError(f"load_digits: the bundled digits.csv.gz has shape {table.shape}, "
                               f"expected {(N_SAMPLES, N_FEATURES + 1)}; the install is damaged")
        table.setflags(write=False)
        _cache.append(table)
    return _cache[0]


def load_digits(n_class=10, normalize=False, return_images=False):
    """The 8x8 handwritten digits: 1,797 images of the digits 0..9 (about 180 each).

    Args:
        n_class: keep only the digits ``0 .. n_class-1`` (1 to 10).
        normalize: divide the pixels by 16, so ``X`` lies in [0, 1] (the raw values are the
            integers 0..16, as in the original data and scikit-learn).
        return_images: give ``X`` the shape ``(n, 8, 8)`` instead of ``(n, 64)``.

    Returns:
        ``(X, y)``: ``X`` float32 of shape ``(n, 64)`` (or ``(n, 8, 8)``), pixel by pixel, row by
        row; ``y`` int64 of shape ``(n,)``. The rows are in the file's fixed order (identical to
        ``sklearn.datasets.load_digits``); shuffle with a DataLoader or a split.
    """
    if isinstance(n_class, bool) or not isinstance(n_class, numbers.Integral) or not (
            1 <= n_class <= 10):
        raise ValueError(f"load_digits: n_class must be an integer from 1 to 10, got {n_class!r}")
    table = _raw()
    keep = table[:, -1] < n_class
    X = table[keep, :-1].astype(np.float32)
    y = table[keep, -1].copy()
    if normalize:
        X /= np.float32(16.0)
    if return_images:
        X = X.reshape(-1, 8, 8)
    return X, y
