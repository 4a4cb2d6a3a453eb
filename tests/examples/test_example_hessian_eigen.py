"""Example 11: power iteration on Hessian-vector products finds the top eigenvalues of a
2-8-1 network's loss Hessian, as numpy.linalg.eigvalsh of the full Hessian says."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.autograd.functional import hessian, hvp
from example_loader import PNG, load_example

example = load_example("hessian_eigen")


def test_power_iteration_matches_eigvalsh():
    rows, info = example.run(n_samples=100, top=2, train_steps=200)
    H = info["H"]
    assert H.shape == (33, 33) and info["symmetry"] < 1e-12
    eig = info["eigenvalues"]
    assert eig[-1] > 0 and eig[-1] > abs(eig[0])   # near a minimum: the top one is positive
    for row in rows:
        assert row["converged"] and row["iterations"] < 1000
        assert row["relative error"] < 1e-6
    assert rows[0]["eigvalsh"] == eig[-1] and rows[1]["eigvalsh"] == eig[-2]
    assert rows[0]["power iteration"] > rows[1]["power iteration"]


def _gradient(J, theta):
    t = al.tensor(theta, dtype=al.float64, requires_grad=True)
    g, = al.autograd.grad(J(t), t)
    return g.numpy()


def test_hvp_is_the_full_hessian_times_v_and_a_difference_of_gradients():
    X, y = al.datasets.make_moons(40, noise=0.2, seed=1)
    J = example.loss_function(X, y)
    rng = np.random.default_rng(0)
    theta, v = rng.normal(size=(2, example.n_params()))
    point = al.tensor(theta, dtype=al.float64)
    H = hessian(J, point).numpy()
    _, Hv = hvp(J, point, al.tensor(v, dtype=al.float64))
    np.testing.assert_allclose(Hv.numpy(), H @ v, rtol=1e-10, atol=1e-12)
    eps = 1e-5   # central difference of the gradient along v: Hv + O(ε²)
    fd = (_gradient(J, theta + eps * v) - _gradient(J, theta - eps * v)) / (2 * eps)
    np.testing.assert_allclose(Hv.numpy(), fd, rtol=1e-6, atol=1e-8)


def test_main_writes_the_figure(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "eigen.png"
    example.main(["--n-samples", "60", "--top", "1", "--out", str(out)])
    assert "eigvalsh" in capsys.readouterr().out
    assert out.read_bytes()[:8] == PNG
