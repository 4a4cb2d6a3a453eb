"""Example 4: the course's four decay schedules lower the rate as their formulas say and
settle the cost that a constant large rate leaves bouncing."""
import pytest

from example_loader import PNG, load_example

example = load_example("lr_decay")


def test_schedules_follow_their_formulas_and_settle(tmp_path):
    rows = example.run(epochs=30)
    by = {r["schedule"]: r for r in rows}
    lr = {k: r["history"]["lr"] for k, r in by.items()}
    assert lr["none"] == [1.0] * 30
    assert lr["inverse_time"][5] == pytest.approx(1.0 / (1 + 5))
    assert lr["exponential"][5] == pytest.approx(0.95 ** 5)
    assert lr["inverse_sqrt"][4] == pytest.approx(1 / 4 ** 0.5)
    assert lr["inverse_sqrt_step"][1] < lr["inverse_sqrt"][1]     # per update: faster
    for name in ("inverse_time", "exponential", "inverse_sqrt", "inverse_sqrt_step"):
        assert by[name]["wobble"] < by["none"]["wobble"]
        assert by[name]["train acc"] > 0.8
    pytest.importorskip("matplotlib")
    example.plot(rows, str(tmp_path / "lr.png"))
    assert (tmp_path / "lr.png").read_bytes()[:8] == PNG
