"""``DataLoader``: mini-batches the way the course builds them — shuffle, then partition.

Each epoch (each ``iter(loader)``) takes a permutation of the sample indices (or ``0..n-1`` in
order when ``shuffle=False``) and cuts it into consecutive batches of ``batch_size``; the last
batch holds what is left and may be smaller, unless ``drop_last`` drops it.
"""
import math
import numbers

import numpy as np

from .. import random as _random
from ..creation import from_numpy
from ..ops import stack
from ..tensor import Tensor
from .dataset import batch_getter


def default_collate(samples):
    """Stack a list of samples into a batch, mirroring the structure of one sample.

    Tensors are stacked along a new first dimension (with ``al.stack``, so gradients flow, when
    one requires grad), numpy arrays and numpy scalars are stacked keeping their dtype, Python
    ints become an int64 tensor, Python floats a tensor of the default float dtype, bools a bool
    tensor. Tuples and lists of fields give a tuple of batched fields, dicts a dict; strings and
    anything else are returned as a list.
    """
    first = samples[0]
    if isinstance(first, Tensor):
        if any(s.requires_grad for s in samples):
            return stack(list(samples), 0)
        return from_numpy(np.stack([s.data for s in samples]))
    if isinstance(first, (np.ndarray, np.generic)):
        return from_numpy(np.stack([np.asarray(s) for s in samples]))
    if isinstance(first, (bool, numbers.Number)) and not isinstance(first, complex):
        return Tensor(list(samples))
    if isinstance(first, dict):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    if isinstance(first, (tuple, list)):
        width = len(first)
        if any(len(s) != width for s in samples):
            raise ValueError("default_collate: samples have different numbers of fields")
        return tuple(default_collate([s[i] for s in samples]) for i in range(width))
    return list(samples)


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"DataLoader: {name} must be a positive integer, got {value!r}")
    return int(value)


class DataLoader:
    """Iterate over ``dataset`` in mini-batches.

    ``DataLoader(dataset, batch_size=1, shuffle=False, drop_last=False, seed=None,
    collate_fn=None, num_workers=0, pin_memory=False, generator=None, ...)``: ``num_workers``,
    ``pin_memory`` and PyTorch's other worker keywords are accepted and have no effect (batches
    are built in this process); a ``generator`` (anything with ``initial_seed()``, or an int)
    seeds the shuffle like ``seed``.

    - Every epoch visits each sample exactly once (the last batch may be smaller; with
      ``drop_last=True`` an incomplete last batch is skipped). ``len(loader)`` is the number of
      batches per epoch: ``ceil(n / batch_size)``, or ``floor`` with ``drop_last``.
    - ``shuffle=True`` draws a new permutation at the start of every epoch. With an int
      ``seed`` the permutation of epoch ``e`` depends only on ``(seed, e)``, so two loaders
      with the same seed give the same batches epoch after epoch, and a run restored with
      ``load_state_dict`` (or ``set_epoch``) carries on with the same order. With
      ``seed=None`` each epoch's permutation is drawn from the framework generator, so
      ``al.manual_seed`` (and the generator state saved in a checkpoint) reproduces it.
    - Batches: for a ``TensorDataset`` (or a ``Subset`` of one) a tuple with one tensor per
      stored tensor, made with one fancy-index each (no per-sample loop); otherwise the samples
      are gathered and combined by ``collate_fn`` (``default_collate``: a tuple of stacked
      tensors when samples are tuples). Batch tensors are fresh copies, never views of the data.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=None,
                 collate_fn=None, num_workers=0, pin_memory=False, generator=None, timeout=0,
                 worker_init_fn=None, persistent_workers=False, prefetch_factor=None):
        # PyTorch's other keywords: batches are made in this process, from arrays already in
        # memory, so worker processes and pinned memory have nothing to do here; they are
        # checked and accepted so that PyTorch code runs. A generator seeds the shuffle.
        if isinstance(num_workers, bool) or not isinstance(num_workers, numbers.Integral) \
                or num_workers < 0:
            raise ValueError(f"DataLoader: num_workers must be a non-negative int, got "
                             f"{num_workers!r}")
        if generator is not None:
            if seed is not None:
                raise ValueError("DataLoader: give seed or generator, not both")
            seed = generator.initial_seed() if hasattr(generator, "initial_seed") else generator
        if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
            raise TypeError("DataLoader: dataset must define __len__ and __getitem__, got "
                            f"{type(dataset).__name__}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
                                 or seed < 0):
            raise ValueError(f"DataLoader: seed must be a non-negative int or None, got {seed!r}")
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError("DataLoader: collate_fn must be callable")
        self.dataset = dataset
        self.batch_size = _positive_int(batch_size, "batch_size")
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.seed = None if seed is None else int(seed)
        self.collate_fn = collate_fn
        self._epoch = 0  # epochs started so far

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    @property
    def epoch(self):
        """The number of epochs started so far (the next ``iter`` starts epoch ``epoch``)."""
        return self._epoch

    def set_epoch(self, epoch):
        """Make the next ``iter(loader)`` use the order of epoch ``epoch`` (0-based)."""
        if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral) or epoch < 0:
            raise ValueError(f"DataLoader.set_epoch: epoch must be a non-negative int, "
                             f"got {epoch!r}")
        self._epoch = int(epoch)

    def state_dict(self):
        return {"epoch": self._epoch}

    def load_state_dict(self, state):
        self.set_epoch(int(state["epoch"]))

    def _order(self, epoch):
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        if self.seed is None:
            return _random.generator().permutation(n)
        return np.random.default_rng([self.seed, epoch]).permutation(n)

    def __iter__(self):
        order = self._order(self._epoch)  # drawn now, so the order is fixed at epoch start
        self._epoch += 1
        return self._batches(order)

    def _batches(self, order):
        n_batches = len(self)
        getter = batch_getter(self.dataset) if self.collate_fn is None else None
        collate = self.collate_fn or default_collate
        size = self.batch_size
        for b in range(n_batches):
            indices = order[b * size:(b + 1) * size]
            if getter is not None:
                yield getter(indices)
            else:
                yield collate([self.dataset[int(i)] for i in indices])

    def __repr__(self):
        return (f"DataLoader(dataset={type(self.dataset).__name__}(n={len(self.dataset)}), "
                f"batch_size={self.batch_size}, shuffle={self.shuffle}, "
                f"drop_last={self.drop_last}, seed={self.seed})")
