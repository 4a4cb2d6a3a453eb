"""Thread control, parallel/serial agreement, and the numba cache setup."""
import importlib
import os

import numba
import numpy as np
import pytest
from threadpoolctl import threadpool_info

import autograd_lite.kernels as K
from autograd_lite.kernels import threads

setup_mod = importlib.import_module("autograd_lite.kernels._numba_setup")


def test_set_num_threads_sets_numba_and_blas_together():
    prev = K.set_num_threads(1)
    try:
        assert K.get_num_threads() == 1
        assert numba.get_num_threads() == 1
        blas = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
        assert blas and all(n == 1 for n in blas)
        assert not threads.use_parallel(10**8)
    finally:
        K.set_num_threads(prev)
    assert K.get_num_threads() == prev


@pytest.mark.parametrize("bad", [0, -1, 10**6, 1.5, True])
def test_set_num_threads_rejects_bad_counts(bad):
    with pytest.raises(ValueError, match="between 1 and"):
        K.set_num_threads(bad)


def test_thresholds_are_named_constants():
    assert threads.THRESHOLDS["memory"] == threads.PARALLEL_MIN_MEMORY_BOUND
    assert threads.PARALLEL_MIN_TRANSCENDENTAL < threads.PARALLEL_MIN_MEMORY_BOUND


def test_omp_spin_is_bounded():
    # set by _numba_setup unless the user chose a wait policy themselves
    assert os.environ.get("GOMP_SPINCOUNT") or os.environ.get("OMP_WAIT_POLICY")


def test_cache_folder_falls_back_when_package_dir_is_read_only(monkeypatch, tmp_path):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    real = setup_mod._writable_dir
    monkeypatch.setattr(setup_mod, "_writable_dir",
                        lambda p: False if p.startswith(setup_mod._HERE) else real(p))
    old_cfg = numba.config.CACHE_DIR
    try:
        folder = setup_mod._cache_folder()
        assert os.environ["NUMBA_CACHE_DIR"] == str(tmp_path / "autograd_lite" / "numba")
        assert numba.config.CACHE_DIR == os.environ["NUMBA_CACHE_DIR"]
        assert folder.startswith(str(tmp_path))
    finally:
        numba.config.CACHE_DIR = old_cfg


def test_stale_cache_is_cleared(tmp_path):
    (tmp_path / "activations._forward-30.py311.nbi").write_text("x")
    (tmp_path / "other_module.f-1.py311.nbi").write_text("x")
    setup_mod._clear_if_stale(str(tmp_path))
    assert not (tmp_path / "activations._forward-30.py311.nbi").exists()
    assert (tmp_path / "other_module.f-1.py311.nbi").exists()
    (tmp_path / "activations._forward-30.py311.nbi").write_text("x")
    setup_mod._clear_if_stale(str(tmp_path))  # same sources: the stamp matches, nothing removed
    assert (tmp_path / "activations._forward-30.py311.nbi").exists()


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs 2 threads")
def test_parallel_and_serial_paths_agree():
    r = np.random.default_rng(0)
    x = r.standard_normal(100_000).astype(np.float32)
    z = r.standard_normal((256, 400)).astype(np.float32)
    b = r.standard_normal(400).astype(np.float32)
    results = {}
    prev = K.get_num_threads()
    try:
        for n in (1, 2):
            K.set_num_threads(n)
            p = x.copy()
            K.adam_step(p, x, np.zeros_like(x), np.zeros_like(x), 1)
            results[n] = (K.sigmoid(x), K.relu_backward(x, x), K.bias_activation(z, b, "tanh"),
                          K.softmax(z), K.batchnorm_forward_train(z, b, b)[0], p)
    finally:
        K.set_num_threads(prev)
    for a, c in zip(results[1], results[2]):
        np.testing.assert_array_equal(a, c)
