"""DataLoader: shuffle then partition, every sample once per epoch, reproducible reshuffles."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as al
from autograd_lite.data import DataLoader, Dataset, Subset, TensorDataset, default_collate
from autograd_lite.tensor import Tensor


def _dataset(n, features=3):
    X = np.arange(n * features, dtype=np.float32).reshape(n, features)
    y = np.arange(n, dtype=np.int64)  # y is the sample's index: batches say which rows they hold
    return TensorDataset(X, y)


def _epoch_ids(loader):
    return [batch[1]._data.copy() for batch in loader]


class ListDataset(Dataset):
    """A plain map-style dataset without the batch fast path."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.full(2, i, dtype=np.float32), i


@pytest.mark.parametrize("n,batch_size", [(10, 3), (10, 5), (64, 64), (7, 10), (1, 1), (300, 64)])
@pytest.mark.parametrize("shuffle", [False, True])
def test_every_sample_once_last_batch_smaller(n, batch_size, shuffle):
    loader = DataLoader(_dataset(n), batch_size=batch_size, shuffle=shuffle, seed=0)
    ids = _epoch_ids(loader)
    assert len(ids) == len(loader) == math.ceil(n / batch_size)
    assert all(len(b) == batch_size for b in ids[:-1])
    assert len(ids[-1]) == n - batch_size * (len(ids) - 1)  # the remainder, possibly smaller
    assert sorted(np.concatenate(ids).tolist()) == list(range(n))


@pytest.mark.parametrize("n,batch_size", [(10, 3), (10, 5), (7, 10), (300, 64)])
def test_drop_last(n, batch_size):
    loader = DataLoader(_dataset(n), batch_size=batch_size, shuffle=True, drop_last=True, seed=1)
    ids = _epoch_ids(loader)
    assert len(ids) == len(loader) == n // batch_size
    assert all(len(b) == batch_size for b in ids)
    flat = np.concatenate(ids) if ids else np.array([], dtype=np.int64)
    assert len(set(flat.tolist())) == len(flat) == (n // batch_size) * batch_size


def test_shuffle_false_keeps_order_and_repeats():
    loader = DataLoader(_dataset(11), batch_size=4)
    for _ in range(2):
        ids = _epoch_ids(loader)
        assert [b.tolist() for b in ids] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10]]


def test_batches_are_tuples_of_tensors_matching_the_rows():
    X = np.random.default_rng(0).standard_normal((20, 4)).astype(np.float32)
    y = np.arange(20)
    for xb, yb in DataLoader(TensorDataset(X, y), batch_size=6, shuffle=True, seed=3):
        assert isinstance(xb, Tensor) and isinstance(yb, Tensor)
        assert xb.dtype == al.float32 and yb.dtype == al.int64
        np.testing.assert_array_equal(xb._data, X[yb._data])
    batch = next(iter(DataLoader(TensorDataset(X), batch_size=4)))
    assert isinstance(batch, tuple) and len(batch) == 1


def test_batches_are_copies_not_views():
    X = np.zeros((6, 2), dtype=np.float32)
    xb, = next(iter(DataLoader(TensorDataset(X), batch_size=3)))
    xb._data[...] = 5
    assert not X.any()


def test_new_permutation_every_epoch_reproducible_from_seed():
    a = DataLoader(_dataset(50), batch_size=8, shuffle=True, seed=42)
    b = DataLoader(_dataset(50), batch_size=8, shuffle=True, seed=42)
    epochs_a = [np.concatenate(_epoch_ids(a)) for _ in range(3)]
    epochs_b = [np.concatenate(_epoch_ids(b)) for _ in range(3)]
    for ea, eb in zip(epochs_a, epochs_b):
        np.testing.assert_array_equal(ea, eb)
    assert not np.array_equal(epochs_a[0], epochs_a[1])
    assert not np.array_equal(epochs_a[1], epochs_a[2])
    assert not np.array_equal(epochs_a[0], np.arange(50))
    other_loader = DataLoader(_dataset(50), batch_size=8, shuffle=True, seed=43)
    other = np.concatenate(_epoch_ids(other_loader))
    assert not np.array_equal(other, epochs_a[0])


def test_resume_at_an_epoch_gives_that_epochs_order():
    a = DataLoader(_dataset(30), batch_size=7, shuffle=True, seed=5)
    orders = [np.concatenate(_epoch_ids(a)) for _ in range(3)]
    assert a.epoch == 3 and a.state_dict() == {"epoch": 3}
    b = DataLoader(_dataset(30), batch_size=7, shuffle=True, seed=5)
    b.load_state_dict({"epoch": 2})
    np.testing.assert_array_equal(np.concatenate(_epoch_ids(b)), orders[2])
    b.set_epoch(0)
    np.testing.assert_array_equal(np.concatenate(_epoch_ids(b)), orders[0])


def test_seed_none_draws_from_the_framework_generator():
    def two_epochs():
        loader = DataLoader(_dataset(40), batch_size=16, shuffle=True)
        return [np.concatenate(_epoch_ids(loader)) for _ in range(2)]

    al.manual_seed(123)
    first = two_epochs()
    al.manual_seed(123)
    second = two_epochs()
    for e1, e2 in zip(first, second):
        np.testing.assert_array_equal(e1, e2)
    assert not np.array_equal(first[0], first[1])


def test_order_is_fixed_when_the_epoch_starts():
    al.manual_seed(0)
    loader = DataLoader(_dataset(20), batch_size=5, shuffle=True)
    it = iter(loader)
    head = next(it)[1]._data.copy()
    al.manual_seed(0)
    expected = al.random.generator().permutation(20)
    al.randn(100)  # other draws mid-epoch (dropout, say) do not change this epoch's batches
    rest = [b[1]._data for b in it]
    np.testing.assert_array_equal(np.concatenate([head] + rest), expected)


def test_generic_dataset_goes_through_collate():
    loader = DataLoader(ListDataset(7), batch_size=3, shuffle=True, seed=0)
    seen = []
    for xb, ib in loader:
        assert isinstance(xb, Tensor) and xb.shape[1:] == (2,) and xb.dtype == al.float32
        assert ib.dtype == al.int64
        np.testing.assert_array_equal(xb._data[:, 0], ib._data)
        seen += ib.tolist()
    assert sorted(seen) == list(range(7))


def test_subset_of_tensor_dataset_uses_the_fast_path_and_maps_indices():
    ds = _dataset(20)
    sub = Subset(ds, [19, 3, 7, 11, 0])
    ids = _epoch_ids(DataLoader(sub, batch_size=2))
    assert [b.tolist() for b in ids] == [[19, 3], [7, 11], [0]]

    class Counting(TensorDataset):
        calls = 0

        def __getitem__(self, index):
            Counting.calls += 1
            return super().__getitem__(index)

    counting = Counting(np.zeros((100, 2)), np.arange(100))
    for _ in DataLoader(Subset(counting, range(50)), batch_size=8, shuffle=True, seed=0):
        pass
    assert Counting.calls == 0  # no per-sample fetching


def test_default_collate_structures():
    samples = [(al.tensor([1.0, 2.0]), 3, 0.5, np.int64(4), {"a": np.ones(2)}, "s")] * 3
    xs, ints, floats, npints, d, strings = default_collate(samples)
    assert xs.shape == (3, 2) and xs.dtype == al.float32
    assert ints.dtype == al.int64 and ints.tolist() == [3, 3, 3]
    assert floats.dtype == al.get_default_dtype()
    assert npints.dtype == al.int64
    assert d["a"].shape == (3, 2) and d["a"].dtype == al.float64
    assert strings == ["s", "s", "s"]
    single = default_collate([al.tensor([1.0]), al.tensor([2.0])])
    assert isinstance(single, Tensor) and single.shape == (2, 1)


def test_collate_keeps_gradients_flowing():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    batch = default_collate([w * 2, w * 3])
    batch.sum().backward()
    np.testing.assert_allclose(w.grad._data, [5.0, 5.0])


def test_custom_collate_fn():
    loader = DataLoader(_dataset(5), batch_size=2, collate_fn=lambda samples: len(samples))
    assert list(loader) == [2, 2, 1]


@pytest.mark.parametrize("kwargs,match", [
    ({"batch_size": 0}, "batch_size"), ({"batch_size": -2}, "batch_size"),
    ({"batch_size": 2.5}, "batch_size"), ({"batch_size": True}, "batch_size"),
    ({"seed": -1}, "seed"), ({"seed": 1.5}, "seed"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DataLoader(_dataset(4), **kwargs)


def test_not_a_dataset():
    with pytest.raises(TypeError, match="__len__"):
        DataLoader(5)


def test_empty_dataset_gives_no_batches():
    loader = DataLoader(_dataset(0), batch_size=4, shuffle=True, seed=0)
    assert len(loader) == 0 and list(loader) == []


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 200), batch_size=st.integers(1, 70), shuffle=st.booleans(),
       drop_last=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_partition_property(n, batch_size, shuffle, drop_last, seed):
    loader = DataLoader(_dataset(n, 1), batch_size=batch_size, shuffle=shuffle,
                        drop_last=drop_last, seed=seed)
    for _ in range(2):
        ids = _epoch_ids(loader)
        assert len(ids) == len(loader)
        sizes = [len(b) for b in ids]
        assert all(s == batch_size for s in sizes[:-1])
        if drop_last:
            assert len(ids) == n // batch_size and all(s == batch_size for s in sizes)
        else:
            assert len(ids) == -(-n // batch_size)
            assert sorted(np.concatenate(ids).tolist() if ids else []) == list(range(n))
        flat = np.concatenate(ids).tolist() if ids else []
        assert len(set(flat)) == len(flat)  # no sample twice in an epoch
        if not shuffle:
            assert flat == list(range(len(flat)))
