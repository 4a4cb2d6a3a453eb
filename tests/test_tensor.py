"""Tensor creation, attributes, conversion, operators and error messages (op-specific tests
live under tests/ops/, at the path of the op's module)."""
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


def test_mixed_numpy_operands_defer_to_tensor():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([2.0, 3.0]) * x
    assert isinstance(y, al.Tensor) and y.requires_grad


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


def test_accuracy_idiom_from_pytorch_code():
    logits = al.tensor([[0.1, 2.0], [3.0, -1.0], [0.5, 0.4]])
    target = al.tensor([1, 0, 1])
    accuracy = (logits.argmax(1) == target).float().mean().item()
    assert accuracy == pytest.approx(2 / 3)
    assert al.tensor([1.7, -2.2]).long().tolist() == [1, -2]
