"""TensorDataset, Subset, ConcatDataset and random_split."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.data import ConcatDataset, Dataset, Subset, TensorDataset, random_split
from autograd_lite.tensor import Tensor


def test_tensor_dataset_from_arrays_and_tensors():
    X = np.arange(12, dtype=np.float32).reshape(6, 2)
    y = al.tensor([0, 1, 0, 1, 1, 0])
    ds = TensorDataset(X, y)
    assert len(ds) == 6 and all(isinstance(t, Tensor) for t in ds.tensors)
    x3, y3 = ds[3]
    np.testing.assert_array_equal(x3._data, X[3])
    assert y3.item() == 1
    np.testing.assert_array_equal(ds[-1][0]._data, X[5])
    assert ds.tensors[0]._data is X or np.shares_memory(ds.tensors[0]._data, X)  # no copy
    assert TensorDataset([[1.0], [2.0]]).tensors[0].dtype == al.float32


def test_tensor_dataset_errors():
    with pytest.raises(ValueError, match=r"same size in their first dimension.*\(5, 2\).*\(4,\)"):
        TensorDataset(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="at least one"):
        TensorDataset()
    with pytest.raises(ValueError, match="0-d"):
        TensorDataset(np.float32(3.0))
    with pytest.raises(TypeError):
        TensorDataset(np.zeros(3), object())
    ds = TensorDataset(np.zeros(3))
    with pytest.raises(IndexError):
        ds[3]
    with pytest.raises(TypeError):
        ds[1.0]


def test_dataset_base_is_abstract_and_concatenates():
    with pytest.raises(NotImplementedError):
        len(Dataset())
    a, b = TensorDataset(np.arange(3)), TensorDataset(np.arange(10, 14))
    both = a + b
    assert isinstance(both, ConcatDataset) and len(both) == 7
    assert [both[i][0].item() for i in range(7)] == [0, 1, 2, 10, 11, 12, 13]
    assert both[-1][0].item() == 13


def test_subset():
    ds = TensorDataset(np.arange(10) * 10)
    sub = Subset(ds, [9, 0, 4])
    assert len(sub) == 3 and [sub[i][0].item() for i in range(3)] == [90, 0, 40]
    with pytest.raises(IndexError):
        sub[3]


@pytest.mark.parametrize("lengths,expected", [
    ([7, 3], [7, 3]), ([0.7, 0.3], [7, 3]), ([0.5, 0.5], [5, 5]),
    ([1 / 3, 1 / 3, 1 / 3], [4, 3, 3]), ([10, 0], [10, 0]),
])
def test_random_split_sizes_and_disjointness(lengths, expected):
    ds = TensorDataset(np.arange(10))
    parts = random_split(ds, lengths, seed=0)
    assert [len(p) for p in parts] == expected
    assert all(isinstance(p, Subset) for p in parts)
    everything = np.concatenate([p.indices for p in parts])
    assert sorted(everything.tolist()) == list(range(10))  # disjoint and complete


def test_random_split_reproducible():
    ds = TensorDataset(np.arange(100))
    a = random_split(ds, [60, 40], seed=7)
    b = random_split(ds, [60, 40], seed=7)
    c = random_split(ds, [60, 40], seed=8)
    np.testing.assert_array_equal(a[0].indices, b[0].indices)
    assert not np.array_equal(a[0].indices, c[0].indices)
    al.manual_seed(1)
    d = random_split(ds, [0.5, 0.5])
    al.manual_seed(1)
    e = random_split(ds, [0.5, 0.5])
    np.testing.assert_array_equal(d[1].indices, e[1].indices)


@pytest.mark.parametrize("lengths", [[5, 4], [0.5, 0.6], [-1, 11], [], ["a", 1]])
def test_random_split_bad_lengths(lengths):
    with pytest.raises(ValueError, match="random_split"):
        random_split(TensorDataset(np.arange(10)), lengths, seed=0)
