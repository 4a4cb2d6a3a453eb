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


_FORK_AFTER_PARALLEL = r"""
import multiprocessing, numpy as np
import autograd_lite as al
from autograd_lite import kernels
al.set_num_threads(2)
x = np.linspace(-1, 1, 1 << 18, dtype=np.float32)
expected = float(kernels.relu(x).sum())          # a 2-thread prange kernel in the parent
a = np.ones((300, 300))
a @ a                                            # and a 2-thread GEMM

def child(_):
    refused = False
    try:
        al.set_num_threads(2)
    except RuntimeError as e:
        refused = "spawn" in str(e)
    return (al.get_num_threads(), refused, float(kernels.relu(x).sum()),
            float((a @ a)[0, 0]))

with multiprocessing.get_context("fork").Pool(2) as pool:
    for threads, refused, total, corner in pool.map(child, range(4)):
        assert threads == 1 and refused and total == expected and corner == 300.0
print("ok")
"""


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs 2 threads")
@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_fork_pool_after_a_parallel_kernel_runs_serial_instead_of_hanging():
    # GNU OpenMP cannot run in a forked child: before the at-fork rule in threads.py the
    # child's first parallel kernel aborted and the pool hung forever re-spawning workers
    import subprocess
    import sys
    try:
        done = subprocess.run([sys.executable, "-c", _FORK_AFTER_PARALLEL], capture_output=True,
                              text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("a fork pool after a 2-thread kernel hung")
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def test_tune_process_pool_never_forks():
    from autograd_lite.tune import executors
    pool = executors._process_pool(1, 1)
    try:
        assert pool._mp_context.get_start_method() != "fork"
    finally:
        pool.shutdown()


def test_matmul_gives_the_blas_one_thread_below_the_gemm_threshold():
    prev = K.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    try:
        r = np.random.default_rng(0)
        small = r.standard_normal((16, 8)).astype(np.float32)
        np.testing.assert_allclose(K.matmul(small, small.T), small @ small.T, rtol=1e-6)
        assert threads._state["blas_now"] == 1
        side = int(round(threads.GEMM_PARALLEL_MIN ** (1 / 3))) + 1
        big = np.ones((side, side), np.float32)
        out = np.empty_like(big)
        assert K.matmul(big, big, out) is out and out[0, 0] == side
        assert threads._state["blas_now"] == threads.get_num_threads()
        blas = [p["num_threads"] for p in threadpool_info() if p["internal_api"] == "openblas"]
        assert blas[:1] in ([threads.get_num_threads()], [])
        assert K.matmul([[1.0, 2.0]], [[3.0], [4.0]]).tolist() == [[11.0]]  # lists still work
    finally:
        K.set_num_threads(prev)
