"""PyTorch's ``torch.utils`` path: ``al.utils.data`` is ``al.data`` (the same module object, so
``from autograd_lite.utils.data import DataLoader`` works too)."""
import sys

from .. import data

sys.modules[__name__ + ".data"] = data

__all__ = ["data"]
