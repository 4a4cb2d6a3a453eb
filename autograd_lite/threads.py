"""One setting for both thread pools: Numba's and the BLAS that numpy links."""
import numba
from threadpoolctl import threadpool_limits

_limits = [None]


def set_num_threads(n: int) -> None:
    """Use ``n`` threads in Numba kernels and in BLAS calls (1 <= n <= the machine's cores)."""
    maximum = numba.config.NUMBA_NUM_THREADS
    if not isinstance(n, int) or not 1 <= n <= maximum:
        raise ValueError(f"set_num_threads: n must be an int in [1, {maximum}], got {n!r}")
    numba.set_num_threads(n)
    _limits[0] = threadpool_limits(limits=n, user_api="blas")


def get_num_threads() -> int:
    return numba.get_num_threads()
