"""al.datasets: planar generators and the bundled 8x8 digits."""
import gzip
from importlib import resources

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.datasets import (load_digits, make_circles, make_flower, make_moons,
                                    make_spirals)

GENERATORS = [
    (make_moons, {"n_samples": 300, "noise": 0.2}, 2),
    (make_circles, {"n_samples": 300, "noise": 0.05}, 2),
    (make_spirals, {"n_samples": 300, "n_classes": 3, "noise": 0.2}, 3),
    (make_flower, {"n_samples": 400, "noise": 0.2}, 2),
]


def _ids(value):
    return getattr(value, "__name__", "")


@pytest.mark.parametrize("make,kwargs,n_classes", GENERATORS, ids=_ids)
def test_shapes_dtypes_balance(make, kwargs, n_classes):
    X, y = make(seed=0, **kwargs)
    n = kwargs["n_samples"]
    assert X.shape == (n, 2) and X.dtype == np.float32
    assert y.shape == (n,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [n // n_classes] * n_classes
    assert np.isfinite(X).all()


@pytest.mark.parametrize("make,kwargs,n_classes", GENERATORS, ids=_ids)
def test_deterministic_for_a_seed(make, kwargs, n_classes):
    X1, y1 = make(seed=7, **kwargs)
    X2, y2 = make(seed=7, **kwargs)
    X3, _ = make(seed=8, **kwargs)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    al.manual_seed(3)
    X4, _ = make(**kwargs)
    al.manual_seed(3)
    X5, _ = make(**kwargs)
    np.testing.assert_array_equal(X4, X5)


def test_odd_counts_and_pairs():
    assert np.bincount(make_moons(n_samples=7, seed=0)[1]).tolist() == [3, 4]
    assert np.bincount(make_circles(n_samples=(10, 4), seed=0)[1]).tolist() == [10, 4]
    assert np.bincount(make_spirals(n_samples=11, n_classes=4, seed=0)[1]).tolist() == [3, 3, 3, 2]
    assert np.bincount(make_flower(n_samples=9, seed=0)[1]).tolist() == [4, 5]


def test_noiseless_geometry():
    X, y = make_circles(n_samples=200, noise=0.0, factor=0.5, seed=0)
    radius = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(radius[y == 0], 1.0, rtol=1e-6)
    np.testing.assert_allclose(radius[y == 1], 0.5, rtol=1e-6)
    X, y = make_moons(n_samples=200, noise=0.0, seed=0, shuffle=False)
    np.testing.assert_allclose(np.linalg.norm(X[y == 0], axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(X[y == 1] - [1.0, 0.5], axis=1), 1.0, rtol=1e-6)
    assert (X[y == 0, 1] >= -1e-6).all() and (X[y == 1, 1] <= 0.5 + 1e-6).all()
    X, y = make_spirals(n_samples=90, n_classes=3, noise=0.0, seed=0)
    assert np.linalg.norm(X, axis=1).max() <= 1.0 + 1e-6
    X, y = make_flower(n_samples=40, noise=0.0, seed=0)
    assert np.linalg.norm(X, axis=1).max() <= 4.0 + 1e-5


def test_shuffle_flag():
    _, y = make_moons(n_samples=20, seed=0, shuffle=False)
    assert y.tolist() == [0] * 10 + [1] * 10
    _, y = make_moons(n_samples=20, seed=0)
    assert y.tolist() != sorted(y.tolist())


def test_noise_adds_spread():
    X0, _ = make_moons(n_samples=100, noise=0.0, seed=0, shuffle=False)
    X1, _ = make_moons(n_samples=100, noise=0.3, seed=0, shuffle=False)
    assert 0.2 < np.std(X1 - X0) < 0.4


@pytest.mark.parametrize("call,match", [
    (lambda: make_moons(n_samples=0), "n_samples"),
    (lambda: make_moons(n_samples=2.5), "n_samples"),
    (lambda: make_moons(noise=-0.1), "noise"),
    (lambda: make_moons(n_samples=(1, 2, 3)), "pair"),
    (lambda: make_circles(factor=1.0), "factor"),
    (lambda: make_circles(factor=-0.2), "factor"),
    (lambda: make_circles(noise=float("inf")), "noise"),
    (lambda: make_spirals(n_classes=1), "n_classes"),
    (lambda: make_spirals(n_samples=2, n_classes=3), "n_samples"),
    (lambda: make_flower(n_samples=1), "n_samples"),
])
def test_argument_validation(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_seed():
    with pytest.raises(TypeError, match="seed"):
        make_moons(seed=-3)


# ---- digits ---------------------------------------------------------------------------------

def test_digits_shape_dtype_values():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    assert set(np.unique(X).tolist()) <= set(range(17)) and X.max() == 16 and X.min() == 0
    assert np.array_equal(X, np.round(X))
    counts = np.bincount(y)
    assert len(counts) == 10 and counts.sum() == 1797 and counts.min() >= 170


def test_digits_flags():
    X, y = load_digits()
    Xn, _ = load_digits(normalize=True)
    np.testing.assert_allclose(Xn, X / 16)
    assert Xn.max() == 1.0
    images, _ = load_digits(return_images=True)
    assert images.shape == (1797, 8, 8)
    np.testing.assert_array_equal(images.reshape(1797, 64), X)
    X5, y5 = load_digits(n_class=5)
    assert set(y5.tolist()) == {0, 1, 2, 3, 4} and len(X5) == (y < 5).sum()
    for bad in (0, 11, 2.0, True):
        with pytest.raises(ValueError, match="n_class"):
            load_digits(n_class=bad)


def test_digits_returns_fresh_arrays():
    X, y = load_digits()
    X[:] = -1
    y[:] = -1
    X2, y2 = load_digits()
    assert X2.min() == 0 and y2.min() == 0


def test_digits_bundled_with_licence():
    package = resources.files("autograd_lite.datasets")
    with package.joinpath("digits.csv.gz").open("rb") as handle:
        first = gzip.decompress(handle.read()).decode().splitlines()[0]
    assert first.count(",") == 64
    licence = package.joinpath("DIGITS_LICENSE.txt").read_text()
    for needle in ("Alpaydin", "Kaynak", "UCI", "CC BY 4.0"):
        assert needle in licence


def test_digits_match_scikit_learn():
    sklearn_datasets = pytest.importorskip(
        "sklearn.datasets",
        reason="scikit-learn is not installed (optional: the digits are bundled; this only "
               "cross-checks the bundled copy against scikit-learn's)")
    reference = sklearn_datasets.load_digits()
    X, y = load_digits()
    np.testing.assert_array_equal(X, reference.data.astype(np.float32))
    np.testing.assert_array_equal(y, reference.target)
    images, _ = load_digits(return_images=True)
    np.testing.assert_array_equal(images, reference.images)


def test_digits_work_with_the_data_pipeline():
    from autograd_lite.data import DataLoader, TensorDataset, train_dev_test_split
    X, y = load_digits(normalize=True)
    (Xtr, ytr), (Xdv, ydv), (Xte, yte) = train_dev_test_split(X, y, (0.8, 0.1, 0.1), seed=0,
                                                              stratify=True)
    assert (len(Xtr), len(Xdv), len(Xte)) == (1437, 180, 180)
    assert np.bincount(ydv).min() >= 17
    loader = DataLoader(TensorDataset(Xtr, ytr), batch_size=64, shuffle=True, seed=0)
    assert len(loader) == 23
    assert sum(len(yb) for _, yb in loader) == 1437
