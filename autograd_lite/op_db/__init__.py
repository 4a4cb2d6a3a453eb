"""The built-in registry entries, registered on first use of ``opinfo.registered_ops()``."""
from ..opinfo import register_op
from .nn_layer_ops import NN_LAYER_OPS
from .nn_ops import NN_OPS
from .tensor_ops import TENSOR_OPS

for _info in TENSOR_OPS + NN_OPS + NN_LAYER_OPS:
    register_op(_info)
