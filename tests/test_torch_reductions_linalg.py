"""The reductions, scans, norms and products of API.md's second edition side by side with
PyTorch (skipped, with the reason, when torch is not installed): values and first derivatives on
the same float64 inputs (zeros in prod/cumprod, exact ties in amax/amin, zero vectors in norms),
function and method forms, ``axis=``, returned types and dtypes, and shape errors."""
import math

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.errors import OpError

torch = pytest.importorskip("torch", reason="torch is not installed: PyTorch reductions/linalg cross-check skipped")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(3, 4))
X3 = RNG.normal(size=(2, 3, 4))
Z1 = X.copy()
Z1[1, 2] = 0.0                                     # one zero in row 1
Z2 = Z1.copy()
Z2[1, 0] = 0.0                                     # two zeros in row 1
TIES = np.array([[1.0, 3.0, 3.0, -2.0], [0.5, -1.0, -1.0, 0.5], [2.0, 2.0, 2.0, 2.0]])
B = RNG.normal(size=(4, 5))
C = RNG.normal(size=(3, 5))
V4, V3 = RNG.normal(size=4), RNG.normal(size=3)
BA, BB = RNG.normal(size=(2, 3, 4)), RNG.normal(size=(2, 4, 2))
INF = math.inf

# name: (expression of (module, *inputs), inputs)
CASES = {
    "prod all": (lambda m, x: m.prod(x), [X]),
    "prod dim keepdim": (lambda m, x: x.prod(1, keepdim=True), [X]),
    "prod one zero": (lambda m, x: m.prod(x, 1), [Z1]),
    "prod two zeros": (lambda m, x: m.prod(x, dim=1), [Z2]),
    "prod all with a zero": (lambda m, x: m.prod(x), [Z1]),
    "prod axis=": (lambda m, x: m.prod(x, axis=0), [X]),
    "cumsum": (lambda m, x: m.cumsum(x, 1), [X]),
    "cumsum method dim 0": (lambda m, x: x.cumsum(dim=0), [X3]),
    "cumprod": (lambda m, x: m.cumprod(x, 1), [X]),
    "cumprod one zero": (lambda m, x: m.cumprod(x, 1), [Z1]),
    "cumprod two zeros": (lambda m, x: x.cumprod(1), [Z2]),
    "cummax values": (lambda m, x: m.cummax(x, 1).values, [X]),
    "cummax ties": (lambda m, x: m.cummax(x, 1)[0], [TIES]),
    "cummin values": (lambda m, x: x.cummin(0).values, [X3]),
    "cummin ties": (lambda m, x: m.cummin(x, dim=1).values, [TIES]),
    "logcumsumexp": (lambda m, x: m.logcumsumexp(x * 20, 1), [X]),
    "logcumsumexp method": (lambda m, x: x.logcumsumexp(0), [X3]),
    "amax all": (lambda m, x: m.amax(x), [X]),
    "amax ties dim": (lambda m, x: m.amax(x, 1), [TIES]),
    "amax ties all": (lambda m, x: x.amax(), [TIES]),
    "amin ties dims keepdim": (lambda m, x: m.amin(x, (0, 1), keepdim=True), [TIES]),
    "amin axis=": (lambda m, x: x.amin(axis=0), [TIES]),
    "norm default": (lambda m, x: m.norm(x), [X]),
    "norm p=1 dim": (lambda m, x: x.norm(1, dim=1), [X]),
    "norm p=inf": (lambda m, x: m.norm(x, INF), [X]),
    "norm p=3 keepdim": (lambda m, x: m.norm(x, 3, dim=(0, 2), keepdim=True), [X3]),
    "norm fro dims": (lambda m, x: m.norm(x, "fro", dim=(1, 2)), [X3]),
    "norm of zeros": (lambda m, x: m.norm(x * 0, dim=1), [X]),
    "vector_norm default": (lambda m, x: m.linalg.vector_norm(x), [X3]),
    "vector_norm ord=1": (lambda m, x: m.linalg.vector_norm(x, 1, dim=-1), [X]),
    "vector_norm ord=-inf": (lambda m, x: m.linalg.vector_norm(x, -INF, dim=0), [X]),
    "vector_norm ord=0.5": (lambda m, x: m.linalg.vector_norm(x, ord=0.5), [X]),
    "vector_norm zero row": (lambda m, x: m.linalg.vector_norm(x * 0, dim=(0, 1)), [X]),
    "linalg.norm default": (lambda m, x: m.linalg.norm(x), [X3]),
    "linalg.norm fro": (lambda m, x: m.linalg.norm(x, "fro"), [X]),
    "linalg.norm matrix 1": (lambda m, x: m.linalg.norm(x, 1), [X]),
    "linalg.norm matrix -1": (lambda m, x: m.linalg.norm(x, -1), [X]),
    "linalg.norm matrix inf batched": (lambda m, x: m.linalg.norm(x, INF, dim=(1, 2)), [X3]),
    "linalg.norm matrix -inf keepdim": (lambda m, x: m.linalg.norm(x, -INF, keepdim=True), [X]),
    "linalg.norm vector dim": (lambda m, x: m.linalg.norm(x, 3, dim=1), [X]),
    "linalg.matrix_norm": (lambda m, x: m.linalg.matrix_norm(x), [X3]),
    "mm": (lambda m, a, b: m.mm(a, b), [X, B]),
    "mm method": (lambda m, a, b: a.mm(b), [X, B]),
    "bmm": (lambda m, a, b: m.bmm(a, b), [BA, BB]),
    "mv": (lambda m, a, b: a.mv(b), [X, V4]),
    "dot": (lambda m, a, b: m.dot(a, b), [V4, X[0]]),
    "outer": (lambda m, a, b: m.outer(a, b), [V3, V4]),
    "outer method": (lambda m, a, b: a.outer(b), [V4, V3]),
    "addmm": (lambda m, i, a, b: m.addmm(i, a, b), [C, X, B]),
    "addmm beta alpha broadcast": (lambda m, i, a, b: i.addmm(a, b, beta=0.5, alpha=-2.0), [C[0], X, B]),
    "einsum matmul": (lambda m, a, b: m.einsum("ij,jk->ik", a, b), [X, B]),
    "einsum implicit": (lambda m, a, b: m.einsum("ij,jk", a, b), [X, B]),
    "einsum list operands": (lambda m, a, b: m.einsum("bij,bjk->bik", [a, b]), [BA, BB]),
    "einsum ellipsis": (lambda m, a, b: m.einsum("...ij,...jk->...ik", a, b), [BA, B]),
    "einsum transpose": (lambda m, a: m.einsum("ij->ji", a), [X]),
    "einsum total": (lambda m, a: m.einsum("ijk->", a), [X3]),
    "einsum private sum": (lambda m, a, b: m.einsum("ij,k->jk", a, b), [X, V3]),
    "einsum three operands": (lambda m, a, b, c: m.einsum("ij,jk,lk->il", a, b, c), [X, B, C]),
    "einsum spaces": (lambda m, a, b: m.einsum("i j , j -> i", a, b), [X, V4]),
}


def _run(module, fn, inputs):
    tensors = [module.tensor(x, dtype=module.float64, requires_grad=True) for x in inputs]
    out = fn(module, *tensors)
    seed = np.linspace(-1.0, 1.5, out.numel()).reshape(tuple(out.shape))
    out.backward(module.tensor(seed, dtype=module.float64))
    return out.detach().numpy(), [None if t.grad is None else t.grad.detach().numpy() for t in tensors]


@pytest.mark.parametrize("name", list(CASES))
def test_values_and_gradients_match_pytorch(name):
    fn, inputs = CASES[name]
    ours, our_grads = _run(al, fn, inputs)
    theirs, their_grads = _run(torch, fn, inputs)
    assert ours.shape == theirs.shape, f"{name}: shape {ours.shape}, PyTorch {theirs.shape}"
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12, err_msg=f"{name}: values")
    for k, (g, e) in enumerate(zip(our_grads, their_grads)):
        assert (g is None) == (e is None), f"{name}: input {k} gets a gradient in one library only"
        if g is not None:
            np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12, err_msg=f"{name}: gradient {k}")


def _same_dtype(ours, theirs):
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
    np.testing.assert_array_equal(np.asarray(ours.numpy()), theirs.numpy())


INTS = np.array([[3, 0, -2], [1, 4, 0]])
BOOLS = np.array([[True, False, True], [True, True, True]])


@pytest.mark.parametrize("expr", [
    lambda m, x: m.prod(x), lambda m, x: m.prod(x, 1), lambda m, x: m.cumsum(x, 1),
    lambda m, x: m.cumprod(x, 0), lambda m, x: m.all(x), lambda m, x: m.any(x, 1),
    lambda m, x: m.all(x, dim=0, keepdim=True), lambda m, x: x.any(), lambda m, x: x.all(1),
    lambda m, x: m.count_nonzero(x), lambda m, x: m.count_nonzero(x, dim=1),
    lambda m, x: m.count_nonzero(x, (0, 1)), lambda m, x: m.amax(x, 1), lambda m, x: m.amin(x),
    lambda m, x: m.cummax(x, 1).indices, lambda m, x: m.cummin(x, 1).values,
    lambda m, x: m.any(x, axis=1),
], ids=lambda e: "")
@pytest.mark.parametrize("values", [INTS, BOOLS, X], ids=["int64", "bool", "float64"])
def test_result_dtypes_match_pytorch(expr, values):
    try:
        theirs = expr(torch, torch.tensor(values))
    except RuntimeError:
        pytest.skip("PyTorch does not implement this for the dtype")
    _same_dtype(expr(al, al.tensor(values)), theirs)


def test_all_any_on_float32_and_uint8_keep_pytorch_dtypes():
    for dtype, tdtype in [(al.float32, torch.float32), (al.uint8, torch.uint8)]:
        v = np.array([[1, 0], [2, 3]])
        _same_dtype(al.all(al.tensor(v, dtype=dtype), 1), torch.all(torch.tensor(v, dtype=tdtype), 1))
        _same_dtype(al.any(al.tensor(v, dtype=dtype)), torch.any(torch.tensor(v, dtype=tdtype)))


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_cummax_cummin_return_named_tuples_as_pytorch(name):
    ours = getattr(al, name)(al.tensor(TIES), 1)
    theirs = getattr(torch, name)(torch.tensor(TIES), 1)
    values, indices = ours
    assert ours.values is values and ours.indices is indices
    assert type(ours).__name__ == name
    _same_dtype(ours.indices, theirs.indices)
    np.testing.assert_array_equal(values.numpy(), theirs.values.numpy())
    assert not indices.requires_grad


def test_float32_results_stay_float32():
    x32 = al.tensor(X, dtype=al.float32, requires_grad=True)
    for out in [al.prod(x32, 1), al.cumsum(x32, 0), al.cumprod(x32, 1), al.logcumsumexp(x32, 1),
                al.amax(x32, 0), al.norm(x32), al.linalg.vector_norm(x32, 1), al.linalg.norm(x32, 1),
                al.mm(x32, al.tensor(B, dtype=al.float32)), al.einsum("ij->j", x32)]:
        assert out.dtype == al.float32
        out.sum().backward()
        assert x32.grad.dtype == al.float32


def test_zero_dim_inputs_match_pytorch():
    for expr in [lambda m, x: m.prod(x), lambda m, x: m.prod(x, 0), lambda m, x: m.cumsum(x, 0),
                 lambda m, x: m.cumprod(x, -1), lambda m, x: m.amax(x), lambda m, x: m.norm(x),
                 lambda m, x: m.logcumsumexp(x, 0), lambda m, x: m.cummax(x, 0).values]:
        ours, theirs = expr(al, al.tensor(-1.5)), expr(torch, torch.tensor(-1.5, dtype=torch.float32))
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


@pytest.mark.parametrize("call,shapes", [
    (lambda m, a, b: m.mm(a, b), [(2, 3), (2, 3)]),
    (lambda m, a, b: m.mm(a, b), [(2, 3, 1), (3, 2)]),
    (lambda m, a, b: m.bmm(a, b), [(2, 3, 4), (3, 4, 2)]),
    (lambda m, a, b: m.bmm(a, b), [(3, 4), (4, 2)]),
    (lambda m, a, b: m.mv(a, b), [(3, 4), (3,)]),
    (lambda m, a, b: m.dot(a, b), [(3,), (4,)]),
    (lambda m, a, b: m.outer(a, b), [(3, 1), (4,)]),
    (lambda m, a, b: m.einsum("ij,jk->ik", a, b), [(2, 3), (4, 5)]),
    (lambda m, a, b: m.einsum("ij,jk->ik", a, b), [(2, 3, 1), (3, 5)]),
    (lambda m, a, b: m.einsum("ij,jk->iz", a, b), [(2, 3), (3, 5)]),
    (lambda m, a, b: m.addmm(a, a, b), [(2, 4), (3, 5)]),
])
def test_shape_errors_are_runtime_errors_naming_the_shapes(call, shapes):
    t_args = [torch.ones(s) for s in shapes]
    with pytest.raises(RuntimeError):
        call(torch, *t_args)
    with pytest.raises(OpError) as info:
        call(al, *[al.ones(s) for s in shapes])
    assert isinstance(info.value, RuntimeError)
    assert str(shapes[0]) in str(info.value) or "einsum" in str(info.value)


def test_mm_error_message_names_the_op_and_both_shapes():
    with pytest.raises(OpError, match=r"mm: shapes \(2, 3\) and \(2, 3\)"):
        al.mm(al.ones(2, 3), al.ones(2, 3))


def test_einsum_diagonal_is_not_implemented_with_a_clear_message():
    with pytest.raises(NotImplementedError, match="repeat a letter"):
        al.einsum("ii->i", al.ones(3, 3))


def test_matrix_nuclear_and_spectral_norms_are_not_implemented():
    with pytest.raises(NotImplementedError, match="singular values"):
        al.linalg.norm(al.ones(3, 3), "nuc")
    with pytest.raises(NotImplementedError):
        al.linalg.matrix_norm(al.ones(3, 3), 2)


def test_second_derivative_of_prod_with_a_zero_matches_pytorch():
    x, t = al.tensor(Z1, requires_grad=True), torch.tensor(Z1, requires_grad=True)
    g, = al.autograd.grad(al.prod(x, 1).sum(), x, create_graph=True)
    (g * al.tensor(X)).sum().backward()
    gt, = torch.autograd.grad(torch.prod(t, 1).sum(), t, create_graph=True)
    (gt * torch.tensor(X)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_vector_norm_ord_0_counts_nonzeros_with_a_zero_gradient():
    ours = al.linalg.vector_norm(al.tensor(Z2, requires_grad=True), ord=0, dim=1)
    theirs = torch.linalg.vector_norm(torch.tensor(Z2), ord=0, dim=1)
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.numpy())
    assert ours.dtype == al.float64
    x = al.tensor(Z2, requires_grad=True)  # PyTorch leaves no gradient; here it is zero
    al.linalg.vector_norm(x, ord=0).backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros_like(Z2))
