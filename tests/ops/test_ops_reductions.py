"""Reductions (ops/reductions.py): max/min with dim, ties, var and std."""
import numpy as np

import autograd_lite as al


def test_max_with_dim_returns_values_and_indices_like_pytorch():
    x = al.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]], requires_grad=True)
    values, indices = x.max(1)
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]
    assert indices.dtype == al.int64
    assert x.max().item() == 7.0 and x.min(dim=0).indices.tolist() == [0, 1, 0]
    assert x.argmax().item() == 3 and x.argmin(1).tolist() == [0, 1]


def test_max_ties_share_the_gradient_evenly():
    x = al.tensor([2.0, 2.0, 1.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_allclose(x.grad.data, [0.5, 0.5, 0.0])


def test_var_and_std_unbiased_and_correction():
    data = np.random.default_rng(0).normal(size=(4, 5))
    x = al.tensor(data, dtype=al.float64)
    np.testing.assert_allclose(x.var().item(), data.var(ddof=1))
    np.testing.assert_allclose(x.var(unbiased=False).item(), data.var())
    np.testing.assert_allclose(x.std(1, correction=0).data, data.std(1))
    np.testing.assert_allclose(x.var(0, keepdim=True).data, data.var(0, ddof=1, keepdims=True))


def test_max_and_min_of_two_tensors_are_elementwise_like_torch():
    a, b = al.tensor([1.0, 5.0]), al.tensor([3.0, 2.0])
    assert al.max(a, b).tolist() == [3.0, 5.0] and al.min(a, b).tolist() == [1.0, 2.0]
    assert a.max(b).tolist() == [3.0, 5.0]
