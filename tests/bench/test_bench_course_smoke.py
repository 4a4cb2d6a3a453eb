"""The course-experiments benchmark runs from start to finish (a few steps per setting, one
round): a smoke test of the pipeline and of its equalities, not a timing test."""
import json
import os
import subprocess
import sys

import pytest

BENCH = os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks", "bench_course.py")
EXPERIMENTS = ("init", "regularization", "optimizers")


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    """One ``--smoke`` run (with PyTorch when it is installed): (stdout, the JSON it wrote)."""
    out = tmp_path_factory.mktemp("bench_course") / "course.json"
    proc = subprocess.run([sys.executable, BENCH, "--smoke", "--json", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return proc.stdout, json.loads(out.read_text())


def test_table_has_every_experiment_and_the_total(smoke):
    stdout, data = smoke
    for row in (*EXPERIMENTS, "total"):
        assert f"| {row} |" in stdout, row
    for name in EXPERIMENTS:
        for lib in ("eager", "compiled"):
            assert data["results"][name][lib]["median"] > 0, (name, lib)
    assert data["environment"]["threads"] == 1


def test_compiled_gives_eager_final_costs_bit_for_bit(smoke):
    _, data = smoke
    for name in EXPERIMENTS:
        eager = [r["final cost"] for r in data["final"][name]["eager"]]
        compiled = [r["final cost"] for r in data["final"][name]["compiled"]]
        assert len(eager) == {"init": 1}.get(name, 3), name
        assert eager == compiled, name   # exact: the JSON round-trips floats exactly
        assert data["bit_identical"][name] is True


def test_torch_runs_and_matches_eager_where_there_is_no_dropout(smoke):
    pytest.importorskip("torch", reason="the PyTorch case and its loss check need torch")
    stdout, data = smoke
    for name in EXPERIMENTS:
        assert data["results"][name]["torch"]["median"] > 0, name
    check = data["torch_check"]
    assert set(check["regularization"]) == {"none", "L2 lambda=0.7"}  # dropout not compared
    assert set(check["optimizers"]) == {"gd", "momentum", "adam"}
    assert max(v for d in check.values() for v in d.values()) <= 1e-4
    assert "| total |" in stdout and "× | compiled ≤ 0.4× torch |" in stdout
