"""Comparisons (ops/comparison.py): bool results, never recorded."""
import numpy as np

import autograd_lite as al


def test_comparisons_return_bool_tensors_without_grad():
    x = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result in (x < 2, x <= 2, x > 2, x >= 2, x == 2, x != 2):
        assert result.dtype == al.bool and not result.requires_grad
    np.testing.assert_array_equal((x > 1.5).data, [False, True, True])
