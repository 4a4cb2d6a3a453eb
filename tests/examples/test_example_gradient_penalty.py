"""Example 10: the input-gradient penalty keeps ‖∂f/∂x‖ several times smaller at about the
same accuracy; its parameter gradients (a second derivative, through create_graph) match
central differences."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.train import build_mlp
from example_loader import PNG, load_example

example = load_example("gradient_penalty")


def test_the_penalty_flattens_the_logit_at_similar_accuracy():
    rows, _, _ = example.run(steps=600, lam=0.03, lr=0.02, hidden=(16, 16), n_samples=200)
    plain, penalised = rows
    assert plain["lambda"] == 0 and penalised["lambda"] == 0.03
    assert penalised["mean |df/dx|"] < 0.3 * plain["mean |df/dx|"]
    assert penalised["max |df/dx|"] < plain["max |df/dx|"]
    assert penalised["dev acc"] > 0.93 and plain["dev acc"] > 0.93
    assert abs(penalised["dev acc"] - plain["dev acc"]) < 0.03
    assert all(h[1] is not None for h in penalised["history"])


def test_the_penalised_loss_gradients_match_central_differences():
    al.manual_seed(1)
    model = build_mlp(2, (3,), 2, activation="tanh", init="xavier").double()
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 2)), np.array([0, 1, 1, 0, 1])
    loss, _, penalty = example.penalised_loss(model, X, y, lam=0.5)
    assert penalty is not None
    loss.backward()
    eps = 1e-6
    for p in model.parameters():
        fd = np.zeros(p.shape)
        for idx in np.ndindex(*p.shape):
            old = p.data[idx]
            p.data[idx] = old + eps
            up = float(example.penalised_loss(model, X, y, 0.5)[0].item())
            p.data[idx] = old - eps
            down = float(example.penalised_loss(model, X, y, 0.5)[0].item())
            p.data[idx] = old
            fd[idx] = (up - down) / (2 * eps)
        np.testing.assert_allclose(p.grad.numpy(), fd, rtol=1e-6, atol=1e-8)


def test_main_writes_the_figure(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "gp.png"
    example.main(["--steps", "20", "--out", str(out)])
    assert "penalty" in capsys.readouterr().out
    assert out.read_bytes()[:8] == PNG
