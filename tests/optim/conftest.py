import pytest

from autograd_lite.optim import _functional
from optim_testlib import KernelSwitch

PATHS = ["kernel", "numpy"] if _functional.kernels_available() else ["numpy"]


@pytest.fixture(params=PATHS)
def path(request):
    """Run the test once on the fused Numba kernels and once on the numpy fallback."""
    with KernelSwitch(request.param == "kernel"):
        yield request.param
