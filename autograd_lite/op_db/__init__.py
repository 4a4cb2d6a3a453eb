"""The built-in registry entries: ``BUILTIN_OPS``, put first in the registry by
``autograd_lite.opinfo`` on its first use (this package never imports the registry)."""
from .nn_ops import NN_OPS
from .tensor_ops import TENSOR_OPS

BUILTIN_OPS = TENSOR_OPS + NN_OPS
