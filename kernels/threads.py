"""One thread count for Numba and the BLAS together, and the sizes where threads pay off.

``set_num_threads(n)`` sets Numba's pool (``numba.set_num_threads``) and the most threads a
GEMM may use in the BLAS that numpy links (OpenBLAS) to the same ``n``. The default is the
machine's cores (the BLAS: its own default, e.g. ``OPENBLAS_NUM_THREADS``). How the two pools
are kept from spinning against each other is described (and set up) in ``_numba_setup.py``: a
bounded OpenMP spin, ``GOMP_SPINCOUNT=10000``.

Note ``numba.set_num_threads`` is per calling Python thread; call ``set_num_threads`` from the
thread that runs the kernels.

The thresholds below are the only place that decides serial vs threaded: every Numba wrapper
asks ``use_parallel(n_elements, kind)``, and every GEMM goes through ``matmul`` here, which
gives the BLAS one thread below ``GEMM_PARALLEL_MIN``. Measured on the 2-core Zen 3 box
(docs/kernels.md and benchmarks/bench_kernels.py): two threads pay off from about 64K elements
for memory-bound loops and about 8K for loops that evaluate exp/tanh per element.

At-fork rule: Numba's OpenMP layer (GNU libgomp) cannot run in a process forked from one that
had started it: the child's first parallel kernel printed "Terminating: fork() called from a
process already using GNU OpenMP" and died, and a ``multiprocessing`` fork pool then hung
forever re-spawning workers. The pool starts once numba has run a kernel, so in a child of
``os.fork`` (the "fork" start method) every kernel runs
serial (``get_num_threads()`` is 1, and ``set_num_threads(n > 1)`` raises, saying to use the
"spawn" or "forkserver" start method, as the tune process pool does). The BLAS is unaffected
(OpenBLAS re-creates its threads after fork).
"""
import ctypes
import os
import sys

import numpy as np

PARALLEL_MIN_MEMORY_BOUND = 1 << 16  # elements: relu, dropout, optimizer updates, copies
PARALLEL_MIN_TRANSCENDENTAL = 1 << 13  # elements: sigmoid, tanh, exp, softmax rows
PARALLEL_MIN_ROWS = 64  # rows for row-wise kernels (softmax, cross-entropy) when also above the element threshold

# GEMM work (m * k * n) below which the BLAS runs on one thread (``matmul``). OpenBLAS alone
# threads every GEMM above m*k*n = 262144 and its workers then busy-wait; next to one busy
# process on 2 cores the default train run (batch 64, 64-256-128-10: GEMMs of 82K-2.1M; the
# per-epoch evaluation on 1078 rows: 17.7M and 35M) took 22.8 s for 40 epochs at 2 BLAS threads
# against 1.4 s at 1 (issue 16; bench_load.py before this change, machine shared: 28.2 s vs
# 3.0 s). Measured with loops of np.matmul(x, w.T) (float32, 1 vs 2 threads set through
# openblas_set_num_threads, machine shared, load ~4.5): 2 threads gained only 10-20 % from
# 262K to 16.8M (64x64x64 9.7 -> 8.5 us, 64x256x128 60 -> 47 us, 256^3 416 -> 349 us), float64
# 0.9-1.9x at those sizes (slower as often as faster); 2 threads pay only for W-mlp's GEMMs
# (205M-268M, 7-20 ms). Default train next to a busy process, 2 rounds, load 3.5-4.5 from other
# work: threshold 2^24 (evaluation GEMMs on 2 threads) 5.7 / 7.6 s, 2^26 5.2 / 2.9 s, never
# 6.8 / 5.6 s, 1 thread 11.4 / 5.2 s. 2^26 (256x512x512, ~1.5 ms at one thread) keeps every
# small-model GEMM, evaluation included, on one thread and W-mlp's large ones on two.
GEMM_PARALLEL_MIN = 1 << 26

THRESHOLDS = {
    "memory": PARALLEL_MIN_MEMORY_BOUND,
    "transcendental": PARALLEL_MIN_TRANSCENDENTAL,
}

# n: the thread count; blas_max: the most BLAS threads a large GEMM gets (None: not read yet);
# blas_now: the count the BLAS is set to now (None: unknown); forked: in a fork child of a
# process whose OpenMP pool had started
_state = {"n": None, "blas_max": None, "blas_now": None, "forked": False}


def _numba():
    """numba, imported on first need (``import autograd_lite`` does not import it: see
    kernels/__init__.py), after ``_numba_setup`` has prepared its cache and OpenMP settings."""
    from . import _numba_setup  # noqa: F401
    import numba
    return numba


def _default_threads():
    """Numba's own default thread count, read without importing numba: ``NUMBA_NUM_THREADS``
    when set, else the cores this process may run on (numba.config's rule)."""
    value = os.environ.get("NUMBA_NUM_THREADS")
    if value:
        return int(value)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity API (macOS, Windows)
        return os.cpu_count() or 1


_state["n"] = _default_threads()
_blas = {}  # "set"/"get": the BLAS library's own ctypes functions, found once (_blas_functions)


def get_num_threads() -> int:
    """The thread count used by the kernels (Numba) and the BLAS."""
    return _state["n"]


def set_num_threads(n: int) -> int:
    """Use ``n`` threads in Numba kernels and in the BLAS; returns the previous count.

    ``n`` must be between 1 and the number of threads Numba started with
    (``numba.config.NUMBA_NUM_THREADS``, the machine's cores unless ``NUMBA_NUM_THREADS`` is set).
    """
    numba = _numba()
    n_max = numba.config.NUMBA_NUM_THREADS
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= n_max:
        raise ValueError(f"set_num_threads: n must be an int between 1 and {n_max}, got {n!r}")
    if n > 1 and _state["forked"]:
        raise RuntimeError(
            f"set_num_threads({n}): this process was forked (os.fork, or multiprocessing's "
            f"'fork' start method) from one that had started Numba's OpenMP thread pool, and "
            f"GNU OpenMP cannot run in such a child, so kernels run on 1 thread here. Start "
            f"workers with multiprocessing.get_context('spawn') or 'forkserver' to use {n} "
            f"threads in them.")
    previous = _state["n"]
    numba.set_num_threads(n)
    _state["n"] = n
    _state["blas_max"] = n
    _set_blas(n, every_blas=True)
    return previous


def use_parallel(n_elements: int, kind: str = "memory") -> bool:
    """True when a kernel over ``n_elements`` should run its ``prange`` version."""
    return _state["n"] > 1 and n_elements >= THRESHOLDS[kind]


def matmul(a, b, out=None):
    """``np.matmul(a, b, out=out)`` with the BLAS on one thread below ``GEMM_PARALLEL_MIN``.

    The work is ``a.size * n`` (m*k*n; exact for 2-D operands and a batched ``a``). Switching
    is one ctypes call to the BLAS's own set-threads function, made only when the count
    changes. Measured per switch (1 <-> 2, machine loaded): ``ThreadpoolController().limit``
    4.2-4.9 ms, ``.limit`` on a cached controller 8.5-90 us, the library's own function 2 us;
    the check when nothing changes is a few dict reads.
    """
    if _state["n"] > 1:
        want = 1
        try:
            big = a.size * (b.shape[-1] if b.ndim > 1 else 1) >= GEMM_PARALLEL_MIN
        except AttributeError:  # a list or a scalar: np.matmul converts it (or says why not)
            big = np.size(a) * (np.shape(b)[-1] if np.ndim(b) > 1 else 1) >= GEMM_PARALLEL_MIN
        if big:
            want = _state["blas_max"] or _blas_max()
        if want != _state["blas_now"]:
            _set_blas(want)
    if out is None:
        return np.matmul(a, b)
    return np.matmul(a, b, out=out)


def _blas_functions():
    """The set/get-threads functions of the OpenBLAS numpy links, looked up once through
    threadpoolctl (which knows the library's file and its symbol prefixes); {} when the BLAS is
    not OpenBLAS or threadpoolctl is missing (then only ``set_num_threads`` changes it)."""
    if "found" in _blas:
        return _blas
    _blas["found"] = True
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return _blas
    libs = [i for i in threadpool_info() if i.get("internal_api") == "openblas"]
    numpy_dir = os.path.dirname(os.path.dirname(os.path.abspath(np.__file__)))
    libs.sort(key=lambda i: not os.path.abspath(i["filepath"]).startswith(numpy_dir))
    for info in libs[:1]:
        lib = ctypes.CDLL(info["filepath"])
        for prefix in ("", "scipy_"):
            for suffix in ("", "64_", "_64"):
                setter = getattr(lib, f"{prefix}openblas_set_num_threads{suffix}", None)
                getter = getattr(lib, f"{prefix}openblas_get_num_threads{suffix}", None)
                if setter is not None and getter is not None:
                    setter.argtypes, setter.restype = [ctypes.c_int], None
                    getter.argtypes, getter.restype = [], ctypes.c_int
                    _blas["set"], _blas["get"] = setter, getter
                    if _state["blas_max"] is None:  # the BLAS's own default, before any change
                        _state["blas_max"] = min(getter(), _state["n"])
                    return _blas
    return _blas


def _blas_max():
    """The BLAS's own thread count (read when its functions are found), else ours."""
    _blas_functions()
    if _state["blas_max"] is None:
        _state["blas_max"] = _state["n"]
    return _state["blas_max"]


def _set_blas(n, every_blas=False):
    """Set numpy's BLAS to ``n`` threads with its own function (per GEMM: one ctypes call).
    ``every_blas`` (``set_num_threads``): every BLAS loaded (SciPy's, PyTorch's too), through
    threadpoolctl when it is installed."""
    functions = _blas_functions()
    if every_blas:
        try:
            from threadpoolctl import ThreadpoolController
            ThreadpoolController().limit(limits=n, user_api="blas")
        except ImportError:  # threadpoolctl missing: numpy's OpenBLAS alone, if found
            every_blas = False
    if "set" in functions and not every_blas:
        functions["set"](n)
    _state["blas_now"] = n


def _omp_pool_started():
    if "numba" not in sys.modules:  # numba never ran in this process: no pool to inherit
        return False
    import numba
    from numba.np.ufunc import parallel
    if not getattr(parallel, "_is_initialized", True):
        return False
    try:
        return numba.threading_layer() == "omp"
    except ValueError:  # no layer loaded
        return False


def _after_fork_in_child():
    if _omp_pool_started():
        _state["n"] = 1
        _state["forked"] = True


os.register_at_fork(after_in_child=_after_fork_in_child)
