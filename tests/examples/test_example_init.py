"""Example 1: zeros do not break symmetry (chance), random × 10 starts huge, He trains."""
import pytest

from example_loader import PNG, load_example

example = load_example("init_circles")


def test_zeros_stay_at_chance_and_he_trains():
    rows, models, _ = example.run(iterations=3000, lr=0.05)
    by = {r["init"]: r for r in rows}
    zeros, big, he = by["zeros"], by["random x10"], by["He"]
    # zeros: symmetry never broken, cost stuck at ln 2, accuracy at chance
    assert zeros["first cost"] == pytest.approx(0.6931, abs=1e-3)
    assert zeros["final cost"] == pytest.approx(0.6931, abs=1e-3)
    assert zeros["train acc"] == pytest.approx(0.5, abs=0.02)
    hidden = list(models["zeros"].children())[0].weight.detach().numpy()
    assert (hidden == 0).all()           # the hidden weights never moved
    # random × 10: the cost starts very high
    assert big["first cost"] > 10 * he["first cost"]
    # He trains well
    assert he["train acc"] > 0.9 and he["test acc"] > 0.85
    assert he["final cost"] < 0.3


def test_main_prints_table_and_writes_png(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "init.png"
    example.main(["--iterations", "200", "--out", str(out)])
    text = capsys.readouterr().out
    assert "zeros" in text and "He" in text and "test acc" in text
    assert out.read_bytes()[:8] == PNG
