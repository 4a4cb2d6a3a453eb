"""The built-in registry entries, registered on first use of ``opinfo.registered_ops()``."""
from ..opinfo import register_op
from .elementwise_math_ops import ELEMENTWISE_MATH_OPS
from .nn_ops import NN_OPS
from .tensor_ops import TENSOR_OPS

for _info in TENSOR_OPS + NN_OPS + ELEMENTWISE_MATH_OPS:
    register_op(_info)
