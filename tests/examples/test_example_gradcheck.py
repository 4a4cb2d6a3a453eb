"""Example 6: the planted backward bug fails gradcheck (relative error > 1e-3), the fix
passes (< 1e-7)."""
import pytest

import autograd_lite as al
from example_loader import PNG, load_example

example = load_example("gradcheck_custom_op")


def test_planted_bug_is_caught_and_fix_passes(tmp_path, capsys):
    rows, messages = example.run()
    buggy = {r["input"]: r for r in rows if r["op"] == "BuggySwish"}
    fixed = {r["input"]: r for r in rows if r["op"] == "Swish (fixed)"}
    for name in ("x", "W1"):                 # inputs whose gradient flows through the op
        assert buggy[name]["relative error"] > 1e-3 and buggy[name]["gradcheck"] == "FAIL"
    assert buggy["W2"]["gradcheck"] == "pass"  # downstream of the op: unaffected
    for row in fixed.values():
        assert row["relative error"] < 1e-7 and row["gradcheck"] == "pass"
    assert "GradcheckError" in messages["BuggySwish"]
    assert messages["Swish (fixed)"] == "al.gradcheck: True"
    names, inputs = example.problem()
    with pytest.raises(al.GradcheckError, match="input 0"):
        al.gradcheck(example.network(example.BuggySwish), inputs)


def test_main_prints_the_course_thresholds(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "gc.png"
    example.main(["--out", str(out)])
    text = capsys.readouterr().out
    assert "1e-07" in text and "0.001" in text and "wrong (> 1e-3)" in text
    assert out.read_bytes()[:8] == PNG
