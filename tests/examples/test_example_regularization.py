"""Example 2: on a small noisy set the plain network overfits; L2 and dropout shrink the gap."""
import pytest

from example_loader import PNG, load_example

example = load_example("regularization")


def test_regularisation_shrinks_the_train_dev_gap(tmp_path):
    rows, models, data = example.run(iterations=500)
    by = {r["regularisation"].split()[0]: r for r in rows}
    none, l2, dropout = by["none"], by["L2"], by["dropout"]
    assert none["train acc"] > 0.95 and none["gap"] > 0.08          # overfits
    assert l2["gap"] < none["gap"] / 2 and dropout["gap"] < none["gap"] / 2
    assert l2["dev acc"] > none["dev acc"] and dropout["dev acc"] > none["dev acc"]
    pytest.importorskip("matplotlib")
    example.plot(rows, models, data, str(tmp_path / "reg.png"))
    assert (tmp_path / "reg.png").read_bytes()[:8] == PNG
