"""The built-in registry entries: ``BUILTIN_OPS``, put first in the registry by
``autograd_lite.opinfo`` on its first use (this package never imports the registry)."""
from .compile_ops import COMPILE_OPS
from .conv_ops import CONV_OPS
from .elementwise_math_ops import ELEMENTWISE_MATH_OPS
from .indexing_shape_ops import INDEXING_SHAPE_OPS
from .nn_layer_ops import NN_LAYER_OPS
from .nn_ops import NN_OPS
from .reductions_linalg_ops import REDUCTIONS_LINALG_OPS
from .tensor_ops import TENSOR_OPS

BUILTIN_OPS = (TENSOR_OPS + NN_OPS + NN_LAYER_OPS + ELEMENTWISE_MATH_OPS + REDUCTIONS_LINALG_OPS
               + INDEXING_SHAPE_OPS + CONV_OPS + COMPILE_OPS)
