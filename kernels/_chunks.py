"""The chunking rule of the ``prange`` kernels, one jitted helper they all call."""
from numba import njit


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
