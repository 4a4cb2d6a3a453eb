"""Datasets: the map-style ``Dataset`` protocol, ``TensorDataset``, ``Subset``, ``ConcatDataset``
and ``random_split``, with PyTorch's names and semantics.

A dataset is anything with ``__len__`` and ``__getitem__(i)`` for ``0 <= i < len``. Datasets
that can fetch a whole batch at once (``TensorDataset``; ``Subset`` of one forwards it) define
``_get_batch(indices)``; the ``DataLoader`` uses it to make each batch with one fancy-index
per stored array instead of a Python loop over samples.
"""
import math
import numbers
from bisect import bisect_right

import numpy as np

from .. import random as _random
from ..creation import from_numpy
from ..tensor import Tensor


def _rng_from_seed(seed, who):
    """A numpy Generator: a fresh one from an int seed, the framework generator for None."""
    if seed is None:
        return _random.generator()
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise TypeError(f"{who}: seed must be a non-negative int, a numpy Generator or None, "
                        f"got {seed!r}")
    return np.random.default_rng(int(seed))


def _check_index(index, length, who):
    if isinstance(index, bool) or not isinstance(index, numbers.Integral):
        raise TypeError(f"{who} indices must be integers, got {type(index).__name__}")
    index = int(index)
    if index < 0:
        index += length
    if not 0 <= index < length:
        raise IndexError(f"{who} index {index} out of range for length {length}")
    return index


class Dataset:
    """Base class of map-style datasets: subclasses define ``__getitem__`` and ``__len__``.

    ``a + b`` concatenates two datasets (a ``ConcatDataset``), as in PyTorch.
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __add__(self, other):
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """Samples are the ``i``-th rows of each given tensor: ``ds[i] == (t0[i], t1[i], ...)``.

    Accepts ``Tensor`` s and numpy arrays (or anything ``np.asarray`` takes), which must all
    have the same first dimension. Arrays are wrapped without a copy (``al.from_numpy``; lists
    go through ``al.tensor``). ``ds.tensors`` is the tuple of tensors.
    """

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        converted = []
        for position, t in enumerate(tensors):
            if isinstance(t, Tensor):
                pass
            elif isinstance(t, np.ndarray):
                t = from_numpy(t)
            else:
                try:
                    t = Tensor(t)
                except (TypeError, ValueError) as error:
                    raise TypeError(f"TensorDataset: argument {position} is not a tensor or "
                                    f"array ({type(t).__name__}): {error}") from None
            if t.ndim == 0:
                raise ValueError(f"TensorDataset: argument {position} is 0-d; every tensor "
                                 "needs a first (sample) dimension")
            converted.append(t)
        lengths = [t.shape[0] for t in converted]
        if any(n != lengths[0] for n in lengths):
            shapes = ", ".join(str(tuple(t.shape)) for t in converted)
            raise ValueError("TensorDataset: all tensors must have the same size in their first "
                             f"dimension, got shapes {shapes}")
        self.tensors = tuple(converted)

    def __len__(self):
        return self.tensors[0].shape[0]

    def __getitem__(self, index):
        index = _check_index(index, len(self), "TensorDataset")
        return tuple(t[index] for t in self.tensors)

    def _get_batch(self, indices):
        """The batch at ``indices`` (an int array), one fancy-index per tensor."""
        indices = np.asarray(indices, dtype=np.intp)
        return tuple(t[indices] if t.requires_grad else from_numpy(t._data[indices])
                     for t in self.tensors)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64).reshape(-1)

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, index):
        index = _check_index(index, len(self), "Subset")
        return self.dataset[int(self.indices[index])]


class ConcatDataset(Dataset):
    """The datasets one after another."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset needs at least one dataset")
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]))

    def __len__(self):
        return int(self.cumulative_sizes[-1])

    def __getitem__(self, index):
        index = _check_index(index, len(self), "ConcatDataset")
        which = bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]


def batch_getter(dataset):
    """A function ``indices -> batch`` that fetches a whole batch at once, or None.

    ``TensorDataset`` (and subclasses) and ``Subset`` s of one have it; so does any dataset
    that defines ``_get_batch(indices)`` returning the collated batch.
    """
    if isinstance(dataset, Subset):
        inner = batch_getter(dataset.dataset)
        if inner is None:
            return None
        indices = dataset.indices
        return lambda batch_indices: inner(indices[np.asarray(batch_indices, dtype=np.intp)])
    getter = getattr(dataset, "_get_batch", None)
    return getter if callable(getter) else None


def _split_lengths(lengths, n):
    lengths = list(lengths)
    if not lengths:
        raise ValueError("random_split: lengths is empty")
    for value in lengths:
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
            raise ValueError(f"random_split: lengths must be non-negative numbers, got {lengths}")
    if all(isinstance(v, numbers.Integral) for v in lengths) and sum(lengths) == n:
        return [int(v) for v in lengths]
    if all(0 <= v <= 1 for v in lengths) and math.isclose(sum(lengths), 1.0, abs_tol=1e-9):
        # fractions: floor each, then hand the remainder out one by one, first split first
        # (PyTorch's rule)
        counts = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        return counts
    raise ValueError(f"random_split: lengths {lengths} must be integers summing to the dataset "
                     f"length ({n}) or fractions summing to 1")


def random_split(dataset, lengths, seed=None):
    """Split ``dataset`` at random into non-overlapping ``Subset`` s of the given lengths.

    ``lengths`` holds integers that sum to ``len(dataset)``, or fractions that sum to 1 (each
    split gets ``floor(n * f)`` samples and the remainder goes one by one to the first splits,
    as in PyTorch). ``seed`` (an int) makes the split repeat; ``None`` draws from the framework
    generator (``al.manual_seed``). Returns a list of ``Subset``.
    """
    n = len(dataset)
    counts = _split_lengths(lengths, n)
    permutation = _rng_from_seed(seed, "random_split").permutation(n)
    bounds = np.cumsum([0] + counts)
    return [Subset(dataset, permutation[bounds[i]:bounds[i + 1]]) for i in range(len(counts))]
