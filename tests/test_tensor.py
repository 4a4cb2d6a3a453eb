"""Tensor creation, attributes, conversion, operators, numerics and error messages."""
import numpy as np
import pytest

import autograd_lite as al


def test_default_dtypes_follow_pytorch():
    assert al.tensor([1.0]).dtype == al.float32
    assert al.tensor([1]).dtype == al.int64
    assert al.tensor([True]).dtype == al.bool
    assert al.zeros(2, 3).dtype == al.float32 and al.zeros((2, 3)).shape == (2, 3)
    assert al.arange(5).dtype == al.int64 and al.arange(0.0, 1.0, 0.5).dtype == al.float32
    assert al.full((2,), 7).dtype == al.int64 and al.full((2,), 0.5).dtype == al.float32
    al.set_default_dtype(al.float64)
    try:
        assert al.ones(1).dtype == al.float64 and al.randn(2).dtype == al.float64
    finally:
        al.set_default_dtype(al.float32)


def test_creation_functions():
    np.testing.assert_array_equal(al.eye(3).data, np.eye(3))
    np.testing.assert_array_equal(al.ones_like(al.zeros(2, 2)).data, np.ones((2, 2)))
    assert al.empty(2, 4).shape == (2, 4)
    assert al.zeros(3, requires_grad=True).requires_grad
    a = np.arange(3.0)
    t = al.from_numpy(a)
    a[0] = 9
    assert t[0].item() == 9 and t.dtype == al.float64


def test_manual_seed_repeats_random_tensors():
    al.manual_seed(3)
    a, b = al.rand(4), al.randn(2, 2)
    al.manual_seed(3)
    np.testing.assert_array_equal(a.data, al.rand(4).data)
    np.testing.assert_array_equal(b.data, al.randn(2, 2).data)


def test_rng_state_round_trip():
    al.manual_seed(1)
    state = al.get_rng_state()
    first = al.randn(3).data
    al.set_rng_state(state)
    np.testing.assert_array_equal(first, al.randn(3).data)


def test_attributes_and_conversions():
    t = al.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert t.shape == (2, 2) and t.ndim == 2 and t.size() == (2, 2) and t.size(-1) == 2
    assert t.numel() == 4 and t.is_leaf and t.T.tolist() == [[1.0, 3.0], [2.0, 4.0]]
    assert np.asarray(t) is t.data and t.numpy() is t.data
    assert t.sum().item() == 10.0 and float(t[0, 1]) == 2.0
    assert t.double().dtype == al.float64 and t.to(al.float64).float().dtype == al.float32
    c = t.clone()
    c.data[0, 0] = 5
    assert t[0, 0].item() == 1.0


def test_numpy_refused_for_a_tensor_that_requires_grad():
    with pytest.raises(RuntimeError, match="detach"):
        al.tensor([1.0], requires_grad=True).numpy()


def test_cast_gradient_comes_back_in_the_input_dtype():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    (x.double() * 3).sum().backward()
    assert x.grad.dtype == al.float32
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])


def test_comparisons_return_bool_tensors_without_grad():
    x = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result in (x < 2, x <= 2, x > 2, x >= 2, x == 2, x != 2):
        assert result.dtype == al.bool and not result.requires_grad
    np.testing.assert_array_equal((x > 1.5).data, [False, True, True])


def test_mixed_numpy_operands_defer_to_tensor():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([2.0, 3.0]) * x
    assert isinstance(y, al.Tensor) and y.requires_grad


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


def test_split_and_chunk_follow_pytorch():
    x = al.arange(7)
    assert [p.tolist() for p in x.split(3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [p.tolist() for p in x.split([2, 5])] == [[0, 1], [2, 3, 4, 5, 6]]
    assert [p.tolist() for p in x.chunk(3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert len(al.arange(6).chunk(4)) == 3  # chunk sizes ceil(6/4) = 2 → 3 chunks, as PyTorch


def test_cat_and_stack():
    a, b = al.ones(2, 3), al.zeros(1, 3)
    assert al.cat([a, b]).shape == (3, 3) and al.stack([a, a], dim=1).shape == (2, 2, 3)


def test_indexing_forms():
    x = al.tensor(np.arange(24.0).reshape(2, 3, 4))
    assert x[1].shape == (3, 4) and x[:, ::2].shape == (2, 2, 4) and x[..., -1].shape == (2, 3)
    assert x[al.tensor([1, 0, 1])].shape == (3, 3, 4)
    mask = x > 20
    assert x[mask].tolist() == [21.0, 22.0, 23.0]
    assert x[[0, 1], [2, 0]].shape == (2, 4)


def test_setitem_writes_and_bumps_the_version():
    x = al.zeros(3)
    x[1] = 5.0
    x[al.tensor([True, False, False])] = 2.0
    assert x.tolist() == [2.0, 5.0, 0.0]


def test_stable_activations_in_float32_at_large_magnitudes():
    big = al.tensor([-1e4, -50.0, 0.0, 50.0, 1e4])
    assert np.all(np.isfinite(big.sigmoid().data))
    np.testing.assert_allclose(big.sigmoid().data, [0, 0, 0.5, 1, 1], atol=1e-7)
    rows = al.tensor([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]])
    for out in (rows.softmax(1), rows.log_softmax(1), rows.logsumexp(1)):
        assert np.all(np.isfinite(out.data)), out
    np.testing.assert_allclose(rows.logsumexp(1).data, [1e4, -1e4 + np.log(3)], rtol=1e-6)
    np.testing.assert_allclose(rows.softmax(1).data[1], [1 / 3] * 3, rtol=1e-6)


def test_stable_activation_gradients_stay_finite():
    x = al.tensor([-1e4, 0.0, 1e4], requires_grad=True)
    (x.sigmoid().sum() + x.reshape(1, 3).log_softmax(1).sum() + x.logsumexp(0)).backward()
    assert np.all(np.isfinite(x.grad.data))


@pytest.mark.parametrize("make_error, pattern", [
    (lambda: al.ones(2, 3) @ al.ones(4, 5), r"matmul: shapes \(2, 3\) and \(4, 5\)"),
    (lambda: al.ones(2, 3) + al.ones(4), r"Add: .*\(2, ?3\).*\(4,?\)"),
    (lambda: al.cat([al.ones(2, 3), al.ones(2, 4)]), r"cat: tensor 1 has shape \(2, 4\).*\(2, 3\)"),
    (lambda: al.ones(2, 3).sum(2), r"sum: dim 2 is out of range for a tensor of 2 dims"),
    (lambda: al.ones(2, 3).softmax(-3), r"softmax: dim -3 is out of range"),
    (lambda: al.ones(2, 3).reshape(4, 2), r"reshape: cannot reshape a tensor of shape \(2, 3\)"),
    (lambda: al.ones(2, 3).expand(4, 3), r"broadcast_to: .*\(2, 3\) cannot be broadcast to \(4, 3\)"),
    (lambda: al.ones(3)[5], r"getitem: index 5 does not fit a tensor of shape \(3,\)"),
    (lambda: al.stack([al.ones(2), al.ones(3)]), r"stack: tensor 1 has shape \(3,\)"),
    (lambda: al.ones(2).split([1, 2]), r"split: sections \[1, 2\] sum to 3"),
])
def test_bad_input_errors_name_the_op_and_the_shapes(make_error, pattern):
    with pytest.raises((ValueError, IndexError, RuntimeError)) as info:
        make_error()
    assert __import__("re").search(pattern, str(info.value)), str(info.value)


def test_repr_is_readable():
    assert repr(al.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    x = al.tensor([1.0], requires_grad=True)
    assert "requires_grad=True" in repr(x) and "MulBackward" in repr(x * 2)
    assert "float64" in repr(al.tensor([1.0], dtype=al.float64))


def test_threads_setting_round_trips():
    before = al.get_num_threads()
    al.set_num_threads(1)
    assert al.get_num_threads() == 1
    al.set_num_threads(before)
    with pytest.raises(ValueError, match="set_num_threads"):
        al.set_num_threads(0)


def test_numpy_float_data_keeps_its_dtype_like_torch_tensor():
    assert al.tensor(np.zeros(2)).dtype == al.float64
    assert al.tensor(np.zeros(2, np.float32)).dtype == al.float32
    assert al.tensor([0.5]).dtype == al.float32 and al.tensor(np.float64(1.0)).dtype == al.float64


def test_max_and_min_of_two_tensors_are_elementwise_like_torch():
    a, b = al.tensor([1.0, 5.0]), al.tensor([3.0, 2.0])
    assert al.max(a, b).tolist() == [3.0, 5.0] and al.min(a, b).tolist() == [1.0, 2.0]
    assert a.max(b).tolist() == [3.0, 5.0]


def test_accuracy_idiom_from_pytorch_code():
    logits = al.tensor([[0.1, 2.0], [3.0, -1.0], [0.5, 0.4]])
    target = al.tensor([1, 0, 1])
    accuracy = (logits.argmax(1) == target).float().mean().item()
    assert accuracy == pytest.approx(2 / 3)
    assert al.tensor([1.7, -2.2]).long().tolist() == [1, -2]
