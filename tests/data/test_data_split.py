"""train_dev_test_split: sizes from fractions, disjoint sets, stratification, clear errors."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.data import train_dev_test_split


def _data(n, n_classes=3):
    X = np.arange(n, dtype=np.float32)[:, None] * np.ones((1, 2), dtype=np.float32)
    y = np.arange(n) % n_classes
    return X, y


@pytest.mark.parametrize("n,fractions,sizes", [
    (100, (0.6, 0.2, 0.2), [60, 20, 20]), (1000, (0.98, 0.01, 0.01), [980, 10, 10]),
    (10, (0.5, 0.25, 0.25), [5, 3, 2]), (7, (1 / 3, 1 / 3, 1 / 3), [3, 2, 2]),
])
def test_sizes_and_partition(n, fractions, sizes):
    X, y = _data(n)
    (Xtr, ytr), (Xdv, ydv), (Xte, yte) = train_dev_test_split(X, y, fractions, seed=0)
    assert [len(Xtr), len(Xdv), len(Xte)] == sizes
    assert [len(ytr), len(ydv), len(yte)] == sizes
    ids = np.concatenate([Xtr[:, 0], Xdv[:, 0], Xte[:, 0]]).astype(int)
    assert sorted(ids.tolist()) == list(range(n))
    for Xs, ys in [(Xtr, ytr), (Xdv, ydv), (Xte, yte)]:
        assert isinstance(Xs, np.ndarray) and isinstance(ys, np.ndarray)
        assert Xs.dtype == np.float32 and ys.dtype == y.dtype
        np.testing.assert_array_equal(ys, Xs[:, 0].astype(int) % 3)  # rows stay paired


def test_reproducible_and_shuffled():
    X, y = _data(50)
    a = train_dev_test_split(X, y, (0.6, 0.2, 0.2), seed=3)
    b = train_dev_test_split(X, y, (0.6, 0.2, 0.2), seed=3)
    c = train_dev_test_split(X, y, (0.6, 0.2, 0.2), seed=4)
    for (xa, ya), (xb, yb) in zip(a, b):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(a[0][0], c[0][0])
    assert not np.array_equal(a[0][0][:, 0], np.sort(a[0][0][:, 0]))
    al.manual_seed(9)
    d = train_dev_test_split(X, y, (0.6, 0.2, 0.2))
    al.manual_seed(9)
    e = train_dev_test_split(X, y, (0.6, 0.2, 0.2))
    np.testing.assert_array_equal(d[2][0], e[2][0])


def test_accepts_tensors_and_lists():
    X, y = _data(20)
    (Xtr, ytr), _, _ = train_dev_test_split(al.tensor(X), y.tolist(), (0.5, 0.25, 0.25), seed=0)
    assert isinstance(Xtr, np.ndarray) and Xtr.shape == (10, 2) and ytr.shape == (10,)


def test_stratify_keeps_class_proportions():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], [500, 300, 200])  # 50% / 30% / 20%
    X = rng.standard_normal((1000, 4)).astype(np.float32)
    parts = train_dev_test_split(X, y, (0.7, 0.15, 0.15), seed=1, stratify=True)
    assert [len(p[1]) for p in parts] == [700, 150, 150]
    for _, ys in parts:
        counts = np.bincount(ys, minlength=3)
        np.testing.assert_allclose(counts / len(ys), [0.5, 0.3, 0.2], atol=1 / len(ys) + 1e-12)
    assert np.bincount(parts[1][1]).tolist() == [75, 45, 30]
    assert np.bincount(parts[2][1]).tolist() == [75, 45, 30]


def test_stratify_with_uneven_counts_stays_close():
    y = np.repeat(np.arange(5), [13, 7, 29, 3, 48])
    X = np.arange(len(y))[:, None]
    parts = train_dev_test_split(X, y, (0.6, 0.2, 0.2), seed=0, stratify=True)
    sizes = [len(p[1]) for p in parts]
    assert sizes == [60, 20, 20]
    totals = np.bincount(y)
    for (_, ys), fraction in zip(parts, (0.6, 0.2, 0.2)):
        counts = np.bincount(ys, minlength=5)
        # test is rounded from the class totals, dev from what test left, train takes the rest:
        # each is within 2 of its exact share
        assert np.all(np.abs(counts - totals * fraction) <= 2.0)
    assert sorted(np.concatenate([p[0][:, 0] for p in parts]).tolist()) == list(range(len(y)))


def test_stratify_on_one_hot_or_given_labels():
    y = np.repeat([0, 1], [80, 20])
    one_hot = np.eye(2)[y]
    X = np.arange(100)[:, None]
    parts = train_dev_test_split(X, one_hot, (0.5, 0.25, 0.25), seed=0, stratify=True)
    assert [p[1][:, 1].sum() for p in parts] == [10, 5, 5]
    parts = train_dev_test_split(X, np.zeros(100), (0.5, 0.25, 0.25), seed=0, stratify=y)
    assert [int(y[p[0][:, 0]].sum()) for p in parts] == [10, 5, 5]


def test_stratify_differs_from_plain_split_only_in_balance():
    y = np.repeat([0, 1], [90, 10])
    X = np.arange(100)[:, None]
    for seed in range(5):
        parts = train_dev_test_split(X, y, (0.8, 0.1, 0.1), seed=seed, stratify=True)
        assert [int(p[1].sum()) for p in parts] == [8, 1, 1]


@pytest.mark.parametrize("fractions,error,match", [
    ((0.6, 0.2, 0.1), ValueError, "sum to 1"),
    ((0.8, 0.3, -0.1), ValueError, "positive"),
    ((1.0, 0.0, 0.0), ValueError, "positive"),
    ((0.5, 0.5), ValueError, "three numbers"),
    ("abc", TypeError, "three numbers"),
    ((0.6, float("nan"), 0.4), ValueError, "positive"),
])
def test_bad_fractions(fractions, error, match):
    X, y = _data(10)
    with pytest.raises(error, match=match):
        train_dev_test_split(X, y, fractions, seed=0)


def test_other_errors():
    X, y = _data(10)
    with pytest.raises(ValueError, match=r"same number of samples.*\(10, 2\).*\(9,\)"):
        train_dev_test_split(X, y[:9], (0.6, 0.2, 0.2), seed=0)
    with pytest.raises(ValueError, match="dev and test set empty"):
        train_dev_test_split(X, y, (0.98, 0.01, 0.01), seed=0)
    with pytest.raises(TypeError, match="seed"):
        train_dev_test_split(X, y, (0.6, 0.2, 0.2), seed="x")
    with pytest.raises(ValueError, match="stratify labels"):
        train_dev_test_split(X, y, (0.6, 0.2, 0.2), seed=0, stratify=np.zeros(3))
