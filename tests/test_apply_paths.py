"""Function.apply's paths (recorded; grad mode on but nothing requires grad; no_grad), for one to
four arguments: forward sees the same arrays and needs_input_grad, outputs the same values, and
errors are named the same way on every path."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.autograd import NumpyFunction


def _op(n):
    seen = []

    class Combine(NumpyFunction):
        @staticmethod
        def forward(ctx, *arrays):
            seen.append(ctx.needs_input_grad)
            ctx.save_for_backward(*[a for a in arrays if isinstance(a, np.ndarray)])
            ctx.count = len(arrays)
            total = arrays[0] * 1.0
            for a in arrays[1:]:
                total = total + a
            return total

        @staticmethod
        def backward(ctx, g):
            ctx.saved_tensors
            return tuple(g for _ in range(ctx.count))

    return Combine, seen


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_every_path_gives_the_same_forward(n):
    Combine, seen = _op(n)
    xs = [al.tensor(np.arange(3.0) + i, dtype=al.float64, requires_grad=(i == 0))
          for i in range(n)]
    args = xs[:-1] + [2.0] if n > 1 else xs  # a non-Tensor argument too
    recorded = Combine.apply(*args)
    with al.no_grad():
        off = Combine.apply(*args)
    plain = Combine.apply(*[a.detach() if isinstance(a, al.Tensor) else a for a in args])
    np.testing.assert_array_equal(recorded._data, off._data)
    np.testing.assert_array_equal(recorded._data, plain._data)
    expected = tuple([i == 0 for i in range(n)]) if n == 1 else \
        tuple([i == 0 for i in range(n - 1)] + [False])
    assert seen[0] == expected and seen[1] == expected
    assert seen[2] == (False,) * n
    assert recorded.requires_grad and not off.requires_grad and not plain.requires_grad
    assert off.is_leaf and plain.is_leaf
    recorded.sum().backward()
    np.testing.assert_array_equal(xs[0].grad._data, np.ones(3))


def test_unrecorded_outputs_get_their_own_version_and_views_share_it():
    x = al.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    with al.no_grad():
        y = x * 2
        v = x.reshape(4)
    assert y._version is not x._version
    assert v._version is x._version


@pytest.mark.parametrize("mode", ["grad", "no_grad"])
def test_matmul_shape_errors_name_both_shapes_on_every_path(mode):
    a, b = al.ones(2, 3), al.ones(4, 5)
    ctx = al.no_grad() if mode == "no_grad" else al.enable_grad()
    with ctx, pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 5\)"):
        a @ b
    with ctx, pytest.raises(ValueError, match="at least 1 dim"):
        al.matmul(al.tensor(1.0), b)
