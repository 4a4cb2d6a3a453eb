"""``al.set_num_threads`` / ``al.get_num_threads``: one setting for Numba's pool and the BLAS
pool together. The work is done in ``kernels.threads`` (which also holds the size thresholds
where threads pay off); this module only gives it the framework's public names."""
from .kernels.threads import get_num_threads as get_num_threads
from .kernels.threads import set_num_threads as _set_num_threads


def set_num_threads(n: int) -> None:
    """Use ``n`` threads in Numba kernels and in BLAS calls (1 <= n <= the machine's cores)."""
    _set_num_threads(n)
