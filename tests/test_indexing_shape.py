"""Rules of the indexing, rearranging, sorting and in-place ops that need no PyTorch: bad input
raises PyTorch's exception classes (IndexError for indices out of range, OpError, a
RuntimeError, for shapes that do not fit), copies are copies, ``axis=`` is ``dim``, and the
in-place forms follow the in-place rules (refused on tensors that require grad while recording,
version bumped, random fills repeat under ``al.manual_seed``)."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.errors import OpError

X = np.arange(12.0, dtype=np.float32).reshape(3, 4)


# ---- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda x: al.gather(x, 1, al.tensor([[0, 4]])),
    lambda x: al.gather(x, 0, al.tensor([[-1, 0]])),
    lambda x: al.index_select(x, 1, al.tensor([-1])),
    lambda x: al.scatter(x, 1, al.tensor([[5]]), 1.0),
    lambda x: al.scatter_add(x, 0, al.tensor([[3]]), al.ones(1, 1)),
    lambda x: al.index_select(x, 0, al.tensor([0, 3])),
    lambda x: al.take_along_dim(x, al.tensor([12])),
    lambda x: al.narrow(x, 0, 4, 0),
    lambda x: al.gather(x, 2, al.tensor([[0]])),
    lambda x: al.sort(x, dim=2),
    lambda x: al.diagonal(x, 0, 0, 2),
], ids=["gather", "gather negative", "index_select negative", "scatter", "scatter_add",
        "index_select", "take_along_dim", "narrow start", "gather dim", "sort dim", "diagonal dim"])
def test_index_out_of_range_is_index_error(call):
    with pytest.raises(IndexError):
        call(al.tensor(X))


@pytest.mark.parametrize("call", [
    lambda x: al.gather(x, 1, al.tensor([0, 1])),                 # index has fewer dims
    lambda x: al.gather(x, 1, al.tensor([[0]] * 4)),              # index larger in dim 0
    lambda x: al.scatter(x, 1, al.tensor([[0, 1]]), al.ones(1, 1)),  # src smaller than index
    lambda x: al.scatter(x, 1, al.tensor([[0]]), al.ones(1, 1, dtype=al.float64)),  # dtypes
    lambda x: al.index_select(x, 0, al.tensor([[0]])),
    lambda x: al.masked_fill(x, al.ones(2, 3, 4, dtype=al.bool), 0.0),
    lambda x: al.masked_fill(x, x > 1, al.ones(2)),
    lambda x: al.masked_select(x, al.ones(2, dtype=al.bool)),
    lambda x: al.take_along_dim(x, al.zeros(2, 2, dtype=al.int64), dim=0),
    lambda x: al.narrow(x, 1, 2, 3),
    lambda x: al.tril(x[0]),
    lambda x: al.diag(x[None]),
    lambda x: al.diagonal(x, 0, 1, -1),
    lambda x: al.roll(x, (1, 2), 0),
    lambda x: al.repeat(x, 2),
    lambda x: al.repeat_interleave(x, al.tensor([1, 2]), dim=0),
    lambda x: al.movedim(x, (0, 1), 0),
    lambda x: al.unflatten(x, 1, (3, 2)),
    lambda x: al.meshgrid(x),
    lambda x: al.t(x[None]),
    lambda x: al.topk(x, 5),
], ids=["gather ndim", "gather larger", "scatter src", "scatter dtype", "index_select 2-d",
        "masked_fill mask", "masked_fill value", "masked_select", "take_along_dim", "narrow length",
        "tril 1-d", "diag 3-d", "diagonal same dim", "roll lengths", "repeat too few", "repeat_interleave",
        "movedim lengths", "unflatten sizes", "meshgrid 2-d", "t 3-d", "topk k"])
def test_shape_mismatch_is_op_error(call):
    with pytest.raises(OpError):
        call(al.tensor(X))
    with pytest.raises(RuntimeError):  # PyTorch's class for these
        call(al.tensor(X))


def test_non_integer_index_and_mask_are_type_errors():
    x = al.tensor(X)
    with pytest.raises(TypeError):
        al.gather(x, 0, al.zeros(1, 4))
    with pytest.raises(TypeError):
        al.masked_fill(x, al.zeros(3, 4), 1.0)


# ---- semantics ---------------------------------------------------------------------------------
def test_axis_alias_and_methods_agree_with_functions():
    x = al.tensor(X)
    i = al.tensor([[1, 0], [3, 3], [0, 2]])
    np.testing.assert_array_equal(al.gather(x, axis=1, index=i).numpy(), x.gather(1, i).numpy())
    np.testing.assert_array_equal(al.sort(x, axis=0, descending=True).values.numpy(),
                                  x.sort(0, True).values.numpy())
    np.testing.assert_array_equal(al.narrow(x, axis=1, start=1, length=2).numpy(), X[:, 1:3])
    np.testing.assert_array_equal(al.tile(x, (2, 1)).numpy(), x.tile(2, 1).numpy())


def test_copies_do_not_share_memory_and_views_do():
    x = al.tensor(X)
    for copy in (x.flip(0), x.roll(0, 0), x.repeat(1, 1), al.tile(x, (1,)), x.diagonal(),
                 x.gather(1, al.tensor([[0]] * 3))):
        assert not np.shares_memory(copy.numpy(), x.numpy())
    for view in (x.narrow(0, 1, 1), x.unbind(0)[1], x.t(), x.movedim(0, 1), x.unflatten(1, (2, 2))):
        assert np.shares_memory(view.numpy(), x.numpy())


def test_sort_returns_named_tuple_and_int64_indices_without_grad():
    x = al.tensor([[0.3, -1.0, 2.0]], requires_grad=True)
    values, indices = al.sort(x, descending=True)
    out = al.topk(x, 2, largest=False)
    assert out.values.requires_grad and not out.indices.requires_grad
    assert indices.dtype == al.int64 and out.indices.dtype == al.int64
    assert indices.tolist() == [[2, 0, 1]] and out.indices.tolist() == [[1, 0]]
    assert al.argsort(x).tolist() == [[1, 0, 2]]


def test_zero_dim_inputs():
    s = al.tensor(2.5, requires_grad=True)
    assert al.gather(s, 0, al.tensor(0)).item() == 2.5
    assert al.sort(s).values.item() == 2.5 and al.sort(s).indices.item() == 0
    assert al.t(s).shape == () and al.flip(s, ()).item() == 2.5
    assert al.nonzero(s).shape == (1, 0)


def test_scatter_duplicates_and_scatter_add_accumulates():
    x = al.zeros(5)
    out = al.scatter_add(x, 0, al.tensor([1, 1, 3]), al.tensor([1.0, 2.0, 4.0]))
    assert out.tolist() == [0.0, 3.0, 0.0, 4.0, 0.0]
    src = al.tensor([1.0, 2.0, 4.0], requires_grad=True)
    al.gather(src, 0, al.tensor([2, 2, 0])).sum().backward()
    assert src.grad.tolist() == [1.0, 0.0, 2.0]


def test_second_derivatives_flow_through_gather_and_diag():
    x = al.tensor([0.5, -1.0, 2.0], dtype=al.float64, requires_grad=True)
    y = (al.diag(x) ** 3).sum() + (al.gather(x, 0, al.tensor([2, 2])) ** 2).sum()
    g, = al.autograd.grad(y, x, create_graph=True)
    h, = al.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), 6 * x.detach().numpy() + np.array([0, 0, 4.0]))


# ---- in-place forms ------------------------------------------------------------------------------
@pytest.mark.parametrize("op", [
    lambda t: t.add_(1.0, alpha=2), lambda t: t.sub_(1.0), lambda t: t.mul_(2.0), lambda t: t.div_(2.0),
    lambda t: t.zero_(), lambda t: t.fill_(1.0), lambda t: t.copy_(al.ones(3)), lambda t: t.clamp_(0, 1),
    lambda t: t.uniform_(), lambda t: t.normal_(), lambda t: t.masked_fill_(al.ones(3, dtype=al.bool), 0.0),
], ids=["add_", "sub_", "mul_", "div_", "zero_", "fill_", "copy_", "clamp_", "uniform_", "normal_",
        "masked_fill_"])
def test_inplace_refused_on_grad_tensors_allowed_under_no_grad(op):
    w = al.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError):
        op(w)
    version = w._version[0]
    with al.no_grad():
        assert op(w) is w
    assert w._version[0] == version + 1
    assert op(al.zeros(3)) is not None


def test_uniform_and_normal_repeat_under_manual_seed():
    al.manual_seed(7)
    a = al.empty(1000).uniform_(-2.0, 3.0).numpy().copy()
    b = al.empty(1000).normal_(1.5, 0.5).numpy().copy()
    al.manual_seed(7)
    np.testing.assert_array_equal(al.empty(1000).uniform_(-2.0, 3.0).numpy(), a)
    np.testing.assert_array_equal(al.empty(1000).normal_(1.5, 0.5).numpy(), b)
    assert a.min() >= -2.0 and a.max() < 3.0 and abs(a.mean() - 0.5) < 0.15
    assert abs(b.mean() - 1.5) < 0.1 and abs(b.std() - 0.5) < 0.05
    assert al.empty(4).uniform_().dtype == al.float32


def test_add_alpha_and_clamp_():
    t = al.ones(3)
    t.add_(al.tensor([1.0, 2.0, 3.0]), alpha=-2)
    assert t.tolist() == [-1.0, -3.0, -5.0]
    assert t.clamp_(min=-4.0).tolist() == [-1.0, -3.0, -4.0]
    assert al.ops.add_(t, 1.0, alpha=3).tolist() == [2.0, 0.0, -1.0]
