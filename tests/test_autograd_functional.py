"""al.autograd.functional: values against formulas, and against torch.autograd.functional."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.autograd import functional as AF

RNG = np.random.default_rng(0)
X, W, VX, VW = (RNG.normal(size=s) for s in [(3, 4), (4, 2), (3, 4), (4, 2)])


def f_al(x, w):
    return ((x @ w).tanh() ** 2).sum()


def t(a):
    return al.tensor(a, dtype=al.float64)


def test_hessian_of_a_cubic_is_diagonal_six_x():
    x = RNG.normal(size=4)
    h = AF.hessian(lambda v: (v ** 3).sum(), t(x))
    np.testing.assert_allclose(h.numpy(), np.diag(6 * x), atol=1e-12)


def test_hvp_equals_hessian_times_v_and_vhp():
    x, v = RNG.normal(size=4), RNG.normal(size=4)
    fn = lambda z: (z.tanh() * z).sum() ** 2  # noqa: E731
    h = AF.hessian(fn, t(x)).numpy()
    out, hv = AF.hvp(fn, t(x), t(v))
    _, vh = AF.vhp(fn, t(x), t(v))
    np.testing.assert_allclose(hv.numpy(), h @ v, rtol=1e-10)
    np.testing.assert_allclose(vh.numpy(), v @ h, rtol=1e-10)
    assert out.grad_fn is None and not hv.requires_grad


def test_jvp_and_vjp_against_the_jacobian():
    fn = lambda z: (z @ t(W)).tanh()  # noqa: E731
    jac = AF.jacobian(fn, t(X)).numpy().reshape(3 * 2, 3 * 4)
    _, jv = AF.jvp(fn, t(X), t(VX))
    u = RNG.normal(size=(3, 2))
    _, uj = AF.vjp(fn, t(X), t(u))
    np.testing.assert_allclose(jv.numpy().ravel(), jac @ VX.ravel(), rtol=1e-10)
    np.testing.assert_allclose(uj.numpy().ravel(), u.ravel() @ jac, rtol=1e-10)


def test_strict_refuses_an_output_independent_of_an_input():
    with pytest.raises(RuntimeError, match="independent of input 1"):
        AF.vjp(lambda a, b: a.sum(), (t([1.0]), t([2.0])), strict=True)
    _, (ga, gb) = AF.vjp(lambda a, b: a.sum(), (t([1.0]), t([2.0])))
    assert gb.numpy().tolist() == [0.0]


def test_create_graph_keeps_results_differentiable():
    x = al.tensor([0.5, 1.5], dtype=al.float64, requires_grad=True)
    _, hv = AF.hvp(lambda z: (z ** 4).sum(), x, t([1.0, 1.0]), create_graph=True)
    third, = al.autograd.grad(hv.sum(), x)
    np.testing.assert_allclose(third.numpy(), 24 * x.data)


def test_inputs_are_left_alone():
    x = al.tensor([0.5, 1.5], dtype=al.float64, requires_grad=True)
    AF.hessian(lambda z: (z ** 3).sum(), x)
    assert x.grad is None and x.is_leaf


def test_bad_v_shape_is_named():
    with pytest.raises(RuntimeError, match=r"v 0 has shape \(3,\) but should have \(2,\)"):
        AF.hvp(lambda z: (z ** 2).sum(), t([1.0, 2.0]), t([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("name", ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"])
def test_matches_torch(name):
    torch = pytest.importorskip("torch", reason="torch not installed: cross-check skipped")
    TF = torch.autograd.functional

    def f_torch(x, w):
        return ((x @ w).tanh() ** 2).sum()

    def g_al(x, w):
        return (x @ w).tanh()

    def g_torch(x, w):
        return (x @ w).tanh()

    ours_in, theirs_in = (t(X), t(W)), (torch.tensor(X), torch.tensor(W))
    u = RNG.normal(size=(3, 2))
    if name == "vjp":
        ours = AF.vjp(g_al, ours_in, t(u))[1]
        theirs = TF.vjp(g_torch, theirs_in, torch.tensor(u))[1]
    elif name == "jvp":
        ours = (AF.jvp(g_al, ours_in, (t(VX), t(VW)))[1],)
        theirs = (TF.jvp(g_torch, theirs_in, (torch.tensor(VX), torch.tensor(VW)))[1],)
    elif name == "jacobian":
        ours, theirs = AF.jacobian(g_al, ours_in), TF.jacobian(g_torch, theirs_in)
    elif name == "hessian":
        ours = [b for row in AF.hessian(f_al, ours_in) for b in row]
        theirs = [b for row in TF.hessian(f_torch, theirs_in) for b in row]
    else:
        fn = getattr(AF, name)
        ours = fn(f_al, ours_in, (t(VX), t(VW)))[1]
        theirs = getattr(TF, name)(f_torch, theirs_in, (torch.tensor(VX), torch.tensor(VW)))[1]
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-9, atol=1e-12)


def test_benchmark_hvp_agrees_with_torch():
    pytest.importorskip("torch", reason="torch not installed: cross-check skipped")
    import os
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "benchmarks"))
    from bench_higher_order import hvp_cases
    _, results = hvp_cases()
    for ours, theirs in zip(results["autograd_lite"], results["torch"]):
        np.testing.assert_allclose(ours, theirs, rtol=2e-3, atol=1e-5)
