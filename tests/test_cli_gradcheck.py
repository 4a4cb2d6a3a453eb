"""``autograd-lite gradcheck`` prints a table and fails when an op is wrong."""
import subprocess
import sys

from autograd_lite.cli import main


def test_gradcheck_command_prints_a_table_for_named_ops(capsys):
    assert main(["gradcheck", "mul", "softmax"]) == 0
    out = capsys.readouterr().out
    assert "op" in out and "max rel error" in out
    assert "mul" in out and "softmax" in out and "2 passed, 0 failed" in out


def test_gradcheck_command_reports_a_wrong_backward(monkeypatch, capsys):
    from autograd_lite.ops.pointwise import Exp
    original = Exp.backward
    monkeypatch.setattr(Exp, "backward", staticmethod(lambda ctx, g: original(ctx, g) * 1.01))
    assert main(["gradcheck", "exp"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_module_entry_point_runs():
    result = subprocess.run([sys.executable, "-m", "autograd_lite", "gradcheck", "relu"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "1 passed, 0 failed" in result.stdout
