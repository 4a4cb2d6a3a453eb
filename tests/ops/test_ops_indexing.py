"""Indexing (ops/indexing.py): the index forms getitem accepts."""
import numpy as np

import autograd_lite as al


def test_indexing_forms():
    x = al.tensor(np.arange(24.0).reshape(2, 3, 4))
    assert x[1].shape == (3, 4) and x[:, ::2].shape == (2, 2, 4) and x[..., -1].shape == (2, 3)
    assert x[al.tensor([1, 0, 1])].shape == (3, 3, 4)
    mask = x > 20
    assert x[mask].tolist() == [21.0, 22.0, 23.0]
    assert x[[0, 1], [2, 0]].shape == (2, 4)
