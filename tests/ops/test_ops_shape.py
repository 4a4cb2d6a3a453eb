"""Shape ops (ops/shape.py): casts, split and chunk, cat and stack."""
import numpy as np

import autograd_lite as al


def test_cast_gradient_comes_back_in_the_input_dtype():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    (x.double() * 3).sum().backward()
    assert x.grad.dtype == al.float32
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])


def test_split_and_chunk_follow_pytorch():
    x = al.arange(7)
    assert [p.tolist() for p in x.split(3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [p.tolist() for p in x.split([2, 5])] == [[0, 1], [2, 3, 4, 5, 6]]
    assert [p.tolist() for p in x.chunk(3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert len(al.arange(6).chunk(4)) == 3  # chunk sizes ceil(6/4) = 2 → 3 chunks, as PyTorch


def test_cat_and_stack():
    a, b = al.ones(2, 3), al.zeros(1, 3)
    assert al.cat([a, b]).shape == (3, 3) and al.stack([a, a], dim=1).shape == (2, 2, 3)
