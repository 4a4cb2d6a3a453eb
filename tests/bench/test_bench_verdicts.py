"""The benchmark table does not call a torch-ratio target "missed" when there is no PyTorch
timing to take the ratio of (issue 16)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks"))

import bench_e2e  # noqa: E402


def _stats(median):
    return {"median": median, "min": median, "max": median}


def test_ratio_targets_without_torch_are_not_applicable(monkeypatch):
    monkeypatch.setattr(bench_e2e, "_torch", lambda: None)
    results = {1: {"W-cold": {"autograd_lite": _stats(0.5)},
                   "W-mem peak": {"autograd_lite": {**_stats(100.0), "unit": "MB"}},
                   "W-mem growth": {"autograd_lite": {**_stats(1.0), "unit": "MB"}}}}
    rows = {line.split("|")[1].strip(): line for line in bench_e2e.table(results).splitlines()
            if line.startswith("| W-")}
    for workload in ("W-cold", "W-mem peak"):
        assert "n/a (torch not installed)" in rows[workload] and "missed" not in rows[workload]
    assert "met" in rows["W-mem growth"]
