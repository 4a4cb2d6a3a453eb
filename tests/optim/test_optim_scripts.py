"""Smoke tests: the EWA example writes its PNG; the optimizer benchmark's cases all run."""
import importlib.util
import os

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load(relative, name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, relative))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ewa_london_example_writes_png(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed")
    example = load("examples/ewa_london.py", "ewa_london_example")
    out = tmp_path / "sub" / "ewa.png"
    assert example.main(["--out", str(out)]) == str(out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_ewa_london_series_is_seasonal_and_reproducible():
    example = load("examples/ewa_london.py", "ewa_london_example2")
    a, b = example.london_temperatures(seed=0), example.london_temperatures(seed=0)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (365,) and a[180:220].mean() > a[:30].mean() + 15


def test_bench_optim_cases_run_and_agree():
    bench = load("benchmarks/bench_optim.py", "bench_optim_module")
    for kind in bench.OPTIMIZERS:
        cases = bench.make_cases(kind, 1000)
        assert {"autograd_lite", "al numpy path", "numpy by hand"} <= set(cases)
        for fn in cases.values():
            fn()
