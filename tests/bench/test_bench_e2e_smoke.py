"""The end-to-end benchmark runs from start to finish (tiny shapes, few rounds, no PyTorch):
a smoke test of the pipeline, not a timing test."""
import json
import os
import subprocess
import sys

BENCH = os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks", "bench_e2e.py")


def test_quick_bench_runs_end_to_end(tmp_path):
    out = tmp_path / "e2e.json"
    proc = subprocess.run(
        [sys.executable, BENCH, "--smoke", "--threads", "1", "--no-torch", "--json", str(out)],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "| W-mlp | 1 |" in proc.stdout and "| W-mem growth | 1 |" in proc.stdout
    data = json.loads(out.read_text())
    results = data["results"]["1"]
    for workload in ("W-mlp", "W-tiny", "W-digits", "W-gradcheck", "W-cold", "W-mem peak",
                     "W-mem growth"):
        assert "autograd_lite" in results[workload], workload
    assert "numpy by hand" in results["W-mlp"]
    assert results["W-mlp"]["autograd_lite"]["median"] > 0
    assert data["environment"]["threads"] == [1]


def test_bench_command_is_registered():
    from autograd_lite.cli import build_parser
    args = build_parser().parse_args(["bench", "--quick"])
    assert args.quick and callable(args.func)
