"""Example 9: Newton's method reaches the logistic-regression optimum in a handful of steps,
gradient descent needs hundreds; the Hessian it uses is the closed form ΦᵀSΦ/n + λI."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.autograd.functional import hessian
from example_loader import PNG, load_example

example = load_example("newton_logistic")


def test_newton_needs_a_handful_of_steps_gradient_descent_hundreds():
    rows, results, info = example.run(n_samples=100)
    by = {r["method"]: r for r in rows}
    assert by["newton"]["steps"] is not None and by["newton"]["steps"] <= 10
    assert by["gd"]["steps"] is not None and by["gd"]["steps"] >= 100
    assert by["newton"]["final |grad|"] < 1e-8 and by["gd"]["final |grad|"] < 1e-8
    assert abs(by["newton"]["final loss"] - by["gd"]["final loss"]) < 1e-10
    # strong convexity: ‖w − w*‖ ≤ ‖∇J(w)‖/μ, μ the Hessian's smallest eigenvalue
    gap = np.linalg.norm(results["newton"]["w"] - results["gd"]["w"])
    assert gap <= 1.1e-8 / info["mu"]
    # quadratic convergence: each of Newton's last steps at least squares the gradient norm
    norms = [h[1] for h in results["newton"]["history"]]
    assert norms[-1] < norms[-2] ** 1.5 and norms[-2] < norms[-3] ** 1.5


def test_the_hessian_is_the_closed_form():
    _, y, Phi = example.problem(50, seed=1)
    lam = 0.01
    w = np.random.default_rng(0).normal(size=Phi.shape[1])
    H = hessian(example.objective(Phi, y, lam), al.tensor(w, dtype=al.float64)).numpy()
    s = 1 / (1 + np.exp(-Phi @ w))
    expected = Phi.T @ (Phi * (s * (1 - s))[:, None]) / len(Phi) + lam * np.eye(len(w))
    np.testing.assert_allclose(H, expected, rtol=1e-10, atol=1e-12)


def test_main_writes_the_figure(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "newton.png"
    example.main(["--n-samples", "60", "--out", str(out)])
    assert "newton" in capsys.readouterr().out
    assert out.read_bytes()[:8] == PNG
