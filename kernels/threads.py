"""One thread count for Numba and the BLAS together, and the sizes where threads pay off.

``set_num_threads(n)`` sets Numba's pool (``numba.set_num_threads``) and the BLAS pool that
numpy links (OpenBLAS, through threadpoolctl) to the same ``n``. The default is the machine's
cores. How the two pools are kept from spinning against each other is described (and set up)
in ``_numba_setup.py``: a bounded OpenMP spin, ``GOMP_SPINCOUNT=10000``.

Note ``numba.set_num_threads`` is per calling Python thread; call ``set_num_threads`` from the
thread that runs the kernels.

The thresholds below are the only place that decides serial vs ``prange``; every wrapper asks
``use_parallel(n_elements, kind)``. Measured on the 2-core Zen 3 box (docs/kernels.md
and benchmarks/bench_kernels.py): two threads pay off from about 64K elements for memory-bound
loops and about 8K for loops that evaluate exp/tanh per element.
"""
import numba
from numba import njit

PARALLEL_MIN_MEMORY_BOUND = 1 << 16  # elements: relu, dropout, optimizer updates, copies
PARALLEL_MIN_TRANSCENDENTAL = 1 << 13  # elements: sigmoid, tanh, exp, softmax rows
PARALLEL_MIN_ROWS = 64  # rows for row-wise kernels (softmax, cross-entropy) when also above the element threshold

THRESHOLDS = {
    "memory": PARALLEL_MIN_MEMORY_BOUND,
    "transcendental": PARALLEL_MIN_TRANSCENDENTAL,
}

_state = {"n": numba.get_num_threads()}


def get_num_threads() -> int:
    """The thread count used by the kernels (Numba) and the BLAS."""
    return _state["n"]


def set_num_threads(n: int) -> int:
    """Use ``n`` threads in Numba kernels and in the BLAS; returns the previous count.

    ``n`` must be between 1 and the number of threads Numba started with
    (``numba.config.NUMBA_NUM_THREADS``, the machine's cores unless ``NUMBA_NUM_THREADS`` is set).
    """
    n_max = numba.config.NUMBA_NUM_THREADS
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= n_max:
        raise ValueError(f"set_num_threads: n must be an int between 1 and {n_max}, got {n!r}")
    previous = _state["n"]
    numba.set_num_threads(n)
    try:
        from threadpoolctl import ThreadpoolController
        ThreadpoolController().limit(limits=n, user_api="blas")
    except ImportError:  # threadpoolctl missing: Numba alone follows n
        pass
    _state["n"] = n
    return previous


def use_parallel(n_elements: int, kind: str = "memory") -> bool:
    """True when a kernel over ``n_elements`` should run its ``prange`` version."""
    return _state["n"] > 1 and n_elements >= THRESHOLDS[kind]


@njit(cache=True)
def chunk_bounds(c, n, parts):
    """Elements ``[lo, hi)`` of chunk ``c`` when a ``prange`` loop splits ``n`` elements into
    ``parts`` chunks: equal chunks rounded up to a multiple of 64 elements, so every chunk but
    the last starts on a cache-line and SIMD boundary. The one copy of this formula, called
    from the ``*_par`` kernels (a jitted helper in another module is safe here: the stale-cache
    guard of ``_numba_setup.py`` hashes every kernels/*.py)."""
    step = ((n + parts - 1) // parts + 63) // 64 * 64
    lo = min(c * step, n)
    return lo, min(lo + step, n)
