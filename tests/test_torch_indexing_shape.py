"""The indexing, rearranging and sorting ops of API.md's second edition side by side with
PyTorch (skipped, with the reason, when torch is not installed): values, first derivatives
(for a fixed random cotangent), function and method forms, the returned named tuples and the
dtypes of results and indices."""
import numpy as np
import pytest

import autograd_lite as al

torch = pytest.importorskip("torch", reason="torch is not installed: PyTorch indexing/shape cross-check skipped")

rng = np.random.default_rng(0)
X = rng.normal(size=(3, 4))
X3 = rng.normal(size=(2, 3, 4))
V = rng.normal(size=(4,))
D = (rng.permutation(20) * 0.1 + rng.uniform(-0.02, 0.02, 20)).reshape(4, 5)   # no ties
IDX = np.array([[0, 3], [2, 2], [1, 0]])                       # gather index along dim 1 of (3, 4)
P = np.array([[3, 0], [1, 2], [0, 3]])                       # distinct per row: scatter index
M = rng.uniform(size=(3, 4)) > 0.5


def _mk(m, a):
    if isinstance(a, np.ndarray):
        if a.dtype.kind == "f":
            return m.tensor(a, dtype=m.float64, requires_grad=True)
        return m.tensor(a)
    return a


# name: (expression of (module, *inputs), inputs); float arrays become leaves requiring grad
CASES = {
    "gather": (lambda m, x, i: m.gather(x, 1, i), (X, IDX)),
    "gather method": (lambda m, x, i: x.gather(0, i), (X, np.array([[2, 0, 1], [0, 0, 2]]))),
    "scatter src": (lambda m, x, i, s: m.scatter(x, 1, i, s), (X, P, rng.normal(size=(3, 2)))),
    "scatter value": (lambda m, x, i: x.scatter(1, i, 2.5), (X, P)),
    "scatter_add": (lambda m, x, i, s: m.scatter_add(x, 1, i, s), (X, IDX, rng.normal(size=(3, 2)))),
    "index_select": (lambda m, x, i: m.index_select(x, 1, i), (X, np.array([3, 0, 3]))),
    "masked_fill": (lambda m, x, k: x.masked_fill(k, -1.5), (X, M)),
    "masked_fill tensor value": (lambda m, x, k, v: m.masked_fill(x, k, v), (X, M, np.array(0.7))),
    "masked_select": (lambda m, x, k: m.masked_select(x, k), (V, M)),
    "take_along_dim": (lambda m, x, i: m.take_along_dim(x, i, dim=1), (X, IDX)),
    "take_along_dim flat": (lambda m, x, i: x.take_along_dim(i), (X, np.array([11, 0, 5]))),
    "narrow": (lambda m, x: m.narrow(x, 1, 1, 2), (X,)),
    "narrow negative": (lambda m, x: x.narrow(0, -2, 2), (X,)),
    "tril": (lambda m, x: m.tril(x, 1), (X,)),
    "triu": (lambda m, x: x.triu(-1), (X3,)),
    "diag 1-d": (lambda m, v: m.diag(v, -1), (V,)),
    "diag 2-d": (lambda m, x: x.diag(1), (X,)),
    "diagonal": (lambda m, x: m.diagonal(x, 1, 2, 0), (X3,)),
    "diagonal method": (lambda m, x: x.diagonal(-1), (X,)),
    "flip": (lambda m, x: m.flip(x, (0, 2)), (X3,)),
    "flip method varargs": (lambda m, x: x.flip(0, 1), (X,)),
    "roll flat": (lambda m, x: m.roll(x, 3), (X,)),
    "roll dims": (lambda m, x: x.roll((1, -2), (0, 1)), (X,)),
    "repeat": (lambda m, x: x.repeat(2, 1, 3), (X,)),
    "tile": (lambda m, x: m.tile(x, (2,)), (X,)),
    "repeat_interleave": (lambda m, x: m.repeat_interleave(x, 2, dim=0), (X,)),
    "repeat_interleave flat": (lambda m, x: x.repeat_interleave(3), (V,)),
    "repeat_interleave counts": (lambda m, x, r: m.repeat_interleave(x, r, dim=1), (X, np.array([1, 0, 2, 1]))),
    "movedim": (lambda m, x: m.movedim(x, (0, 2), (2, 0)), (X3,)),
    "moveaxis": (lambda m, x: x.moveaxis(0, -1), (X3,)),
    "swapaxes": (lambda m, x: m.swapaxes(x, 0, 2), (X3,)),
    "swapdims": (lambda m, x: x.swapdims(1, 0), (X,)),
    "unflatten": (lambda m, x: m.unflatten(x, 1, (2, -1)), (X,)),
    "t": (lambda m, x: x.t(), (X,)),
    "t 1-d": (lambda m, v: m.t(v), (V,)),
    "axis alias": (lambda m, x, i: m.gather(x, axis=1, index=i), (X, IDX)),
}


def _grads(m, fn, inputs):
    leaves = [_mk(m, a) for a in inputs]
    out = fn(m, *leaves)
    seed = np.random.default_rng(1).normal(size=tuple(out.shape))
    out_seed = m.tensor(seed, dtype=m.float64)
    (out * out_seed).sum().backward()
    grads = [leaf.grad for leaf in leaves if hasattr(leaf, "requires_grad") and leaf.requires_grad]
    return out, grads


@pytest.mark.parametrize("name", list(CASES))
def test_values_and_gradients_match_torch(name):
    fn, inputs = CASES[name]
    out, grads = _grads(al, fn, inputs)
    t_out, t_grads = _grads(torch, fn, inputs)
    assert tuple(out.shape) == tuple(t_out.shape)
    np.testing.assert_allclose(out.detach().numpy(), t_out.detach().numpy(), rtol=1e-12, atol=1e-12)
    assert len(grads) == len(t_grads)
    for g, tg in zip(grads, t_grads):
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid_matches_torch(indexing):
    a, b, c = rng.normal(size=3), rng.normal(size=4), rng.normal(size=2)
    ours = al.meshgrid(*[al.tensor(v) for v in (a, b, c)], indexing=indexing)
    theirs = torch.meshgrid(*[torch.tensor(v) for v in (a, b, c)], indexing=indexing)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        np.testing.assert_array_equal(o.numpy(), t.numpy())


def test_unbind_matches_torch():
    ours, theirs = al.tensor(X).unbind(1), torch.tensor(X).unbind(1)
    assert isinstance(ours, tuple) and len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        np.testing.assert_array_equal(o.numpy(), t.numpy())


@pytest.mark.parametrize("kwargs", [{}, {"dim": 0}, {"descending": True}, {"dim": 0, "descending": True},
                                    {"stable": True}])
def test_sort_matches_torch(kwargs):
    ours = al.sort(al.tensor(D, requires_grad=True), **kwargs)
    theirs = torch.sort(torch.tensor(D), **kwargs)
    assert ours._fields == ("values", "indices") and type(theirs).__name__ == "sort"
    np.testing.assert_array_equal(ours.values.detach().numpy(), theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    assert ours.indices.dtype == al.int64 and not ours.indices.requires_grad
    assert ours.values.dtype == al.float64 and ours.values.requires_grad


def test_sort_ties_stable_matches_torch():
    data = np.array([2.0, 1.0, 2.0, 1.0, 3.0, 2.0])
    for descending in (False, True):
        ours = al.tensor(data).sort(descending=descending, stable=True)
        theirs = torch.tensor(data).sort(descending=descending, stable=True)
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())


@pytest.mark.parametrize("kwargs", [{"k": 2}, {"k": 3, "dim": 0}, {"k": 2, "largest": False}])
def test_topk_and_argsort_match_torch(kwargs):
    ours = al.topk(al.tensor(D), **kwargs)
    theirs = torch.topk(torch.tensor(D), **kwargs)
    assert ours._fields == ("values", "indices")
    np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    np.testing.assert_array_equal(al.tensor(D).argsort(dim=0, descending=True).numpy(),
                                  torch.tensor(D).argsort(dim=0, descending=True).numpy())


def test_sort_and_topk_gradients_match_torch():
    seed = np.random.default_rng(3).normal(size=(4, 2))
    for m in (al, torch):
        x = m.tensor(D, dtype=m.float64, requires_grad=True)
        (m.topk(x, 2).values * m.tensor(seed)).sum().backward()
        (x.sort(0, descending=True).values * m.tensor(D)).sum().backward()
        if m is al:
            ours = x.grad.numpy()
        else:
            np.testing.assert_allclose(ours, x.grad.numpy(), rtol=1e-12)


def test_nonzero_matches_torch():
    data = np.array([[0, 1, 0], [2, 0, 3]])
    ours, theirs = al.tensor(data).nonzero(), torch.tensor(data).nonzero()
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert ours.dtype == al.int64
    for o, t in zip(al.nonzero(al.tensor(data), as_tuple=True), torch.nonzero(torch.tensor(data), as_tuple=True)):
        np.testing.assert_array_equal(o.numpy(), t.numpy())
        assert o.dtype == al.int64


def test_float32_and_integer_dtypes_kept_as_torch():
    x32 = X.astype(np.float32)
    for fn in (lambda m, x: m.flip(x, (0,)), lambda m, x: x.repeat(2, 1), lambda m, x: m.tril(x),
               lambda m, x: m.gather(x, 1, m.tensor(IDX)), lambda m, x: x.masked_fill(m.tensor(M), 2)):
        assert str(fn(al, al.tensor(x32)).dtype) == str(fn(torch, torch.tensor(x32)).dtype).replace("torch.", "")
        ints = np.arange(12).reshape(3, 4)
        assert str(fn(al, al.tensor(ints)).dtype) == str(fn(torch, torch.tensor(ints)).dtype).replace("torch.", "")


def test_inplace_forms_match_torch():
    ours, theirs = al.tensor(X), torch.tensor(X)
    for m, t in ((al, ours), (torch, theirs)):
        t.add_(m.tensor(V), alpha=2).sub_(0.5, alpha=3).mul_(1.5).div_(2.0)
        t.clamp_(-0.5, 0.8)
        t.masked_fill_(m.tensor(M), 0.25)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    assert ours.zero_().numpy().sum() == 0 and ours.fill_(2.0).numpy().min() == 2.0
