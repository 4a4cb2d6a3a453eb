"""Fixtures for the kernel tests."""
import numba
import pytest

import autograd_lite.kernels as K


@pytest.fixture(params=[1, 2], ids=["1thread", "2threads"])
def nthreads(request):
    """Run the test with 1 and with 2 threads (Numba and BLAS), so both the serial and the
    ``prange`` versions of a kernel are checked; restores the previous count."""
    n = min(request.param, numba.config.NUMBA_NUM_THREADS)
    prev = K.set_num_threads(n)
    yield n
    K.set_num_threads(prev)
