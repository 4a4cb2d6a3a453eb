"""``al.cuda``: PyTorch's availability checks, answered for a CPU-only framework, so that
``device = "cuda" if al.cuda.is_available() else "cpu"`` picks the CPU."""


def is_available():
    """False: autograd_lite has no GPU backend."""
    return False


def device_count():
    return 0


def manual_seed(seed):
    """Accepted and ignored (no CUDA generator exists); seed with ``al.manual_seed``."""


manual_seed_all = manual_seed
