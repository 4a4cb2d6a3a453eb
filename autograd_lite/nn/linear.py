"""``Linear``: y = x Wᵀ + b, with PyTorch's parameter layout and default initialisation."""

import numpy as np

from .. import dtypes
from . import functional as F
from . import init
from .module import Module, Parameter


class Linear(Module):
    """weight: (out_features, in_features); bias: (out_features,). Both start as PyTorch's:
    weight from kaiming_uniform_(a=√5), i.e. U(−1/√in, 1/√in), and bias U(−1/√in, 1/√in)."""

    def __init__(self, in_features, out_features, bias=True, dtype=None):
        super().__init__()
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        dtype = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((self.out_features,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.layer_default_(self.weight, self.bias)

    def forward(self, x):
        # read the registry directly: self.weight goes through Module.__getattr__ (~0.5 µs)
        params = self._parameters
        return F.linear(x, params["weight"], params["bias"])

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
