"""``al.linalg``: PyTorch's ``torch.linalg`` norms (``vector_norm``, ``matrix_norm``, ``norm``);
the ops themselves live in ``autograd_lite/ops/norms.py``."""
from .ops.norms import linalg_norm as norm
from .ops.norms import matrix_norm, vector_norm

__all__ = ["vector_norm", "matrix_norm", "norm"]
