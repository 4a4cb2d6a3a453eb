"""The public op functions (``al.sum(t, dim)``, ...); Tensor methods call these same functions.

This file is only the package's face. Each public function lives in the module of its
``Function`` (the forward and backward it calls), after the classes:

==================  =====================================================================
``arithmetic``      add, sub, mul, div, neg, pow
``linalg``          matmul
``pointwise``       exp, log, sqrt, abs, clamp, maximum, minimum, where, relu, sigmoid, ...
``reductions``      sum, mean, var, std, max, min, argmax, argmin, logsumexp
``softmax``         softmax, log_softmax
``shape``           reshape, flatten, squeeze, permute, broadcast_to, cat, stack, split, ...
``indexing``        getitem and the index preparation that setitem_ shares
``comparison``      lt, le, gt, ge, eq, ne (not differentiable)
``inplace``         add_, sub_, mul_, div_, fill_, copy_, setitem_
``elementwise_math``  sin, cos, ..., erf, exp2, log1p, lerp, logaddexp, isnan, ...
``rounding``        sign, floor, ceil, round, trunc, frac, fmod, remainder, floor_divide
``reductions_more``  prod, all, any, amax, amin, count_nonzero
``norms``           norm, and al.linalg's vector_norm, matrix_norm, norm
``scans``           cumsum, cumprod, cummax, cummin, logcumsumexp
``products``        mm, bmm, mv, dot, outer, addmm, einsum
``gather_scatter``  gather, scatter, scatter_add, index_select, masked_fill, masked_select, ...
``rearrange``       narrow, unbind, tril, triu, diag, diagonal, flip, roll, repeat, tile, ...
``sorting``         sort, argsort, topk
``nn_ops``          the Functions behind ``nn.functional``: Linear, BatchNorm, Dropout, losses
==================  =====================================================================
"""
from ._dims import normalize_dim, normalize_dims
from . import elementwise_math, gather_scatter, rearrange, rounding, sorting
from .arithmetic import (Add, Div, Mul, Neg, Pow, Sub, add, div, divide, mul,  # noqa: A004
                         multiply, neg, pow, sub, subtract, true_divide)
from .comparison import eq, ge, gt, le, lt, ne
from .indexing import GetItem, GetItemView, getitem, is_basic
from .inplace import (add_, clamp_, copy_, div_, fill_, masked_fill_, mul_, normal_, setitem_,
                      sub_, uniform_, zero_)
from .linalg import MatMul, matmul
from .pointwise import (Abs, Clamp, Exp, LeakyRelu, Log, Maximum, Minimum, Relu,  # noqa: A004
                        Sigmoid, Sqrt, Tanh, Where, abs, clamp, clip, exp, leaky_relu, log,
                        maximum, minimum, relu, sigmoid, sqrt, tanh, where)
from .reductions import (Logsumexp, MaxAll, MaxDim, Mean, Std, Sum, Var, argmax,  # noqa: A004
                         argmin, logsumexp, max, mean, min, std, sum, sum_to_shape,
                         values_indices, var)
from .shape import (BroadcastTo, Cast, Cat, Clone, Permute, Reshape, Split, as_tensor, astype,
                    broadcast_to, cat, chunk, clone, expand, flatten, permute, reshape, split,
                    squeeze, stack, transpose, unsqueeze, view)
from .softmax import LogSoftmax, Softmax, log_softmax, softmax
from .elementwise_math import *  # noqa: F401,F403,E402 (its own __all__, added below)
from .rounding import *  # noqa: F401,F403,E402,A004
from . import norms, products, reductions_more, scans  # noqa: E402
from .reductions_more import *  # noqa: F401,F403,E402,A004
from .scans import *  # noqa: F401,F403,E402
from .norms import *  # noqa: F401,F403,E402
from .products import *  # noqa: F401,F403,E402
from .gather_scatter import *  # noqa: F401,F403,E402
from .rearrange import *  # noqa: F401,F403,E402
from .sorting import *  # noqa: F401,F403,E402

__all__ = [
    # arithmetic and linalg
    "Add", "Sub", "Mul", "Div", "Neg", "Pow", "MatMul",
    "add", "sub", "mul", "div", "neg", "pow", "matmul", "subtract", "multiply", "divide",
    "true_divide",
    # pointwise
    "Exp", "Log", "Sqrt", "Abs", "Clamp", "Maximum", "Minimum", "Where", "Relu", "LeakyRelu",
    "Sigmoid", "Tanh",
    "exp", "log", "sqrt", "abs", "clamp", "clip", "maximum", "minimum", "where", "relu",
    "leaky_relu", "sigmoid", "tanh",
    # reductions and softmax
    "Sum", "Mean", "Var", "Std", "MaxAll", "MaxDim", "Logsumexp", "Softmax", "LogSoftmax",
    "sum", "mean", "var", "std", "max", "min", "argmax", "argmin", "logsumexp", "values_indices",
    "sum_to_shape",
    "softmax", "log_softmax",
    # shapes
    "Reshape", "Permute", "BroadcastTo", "Cat", "Split", "Cast", "Clone",
    "as_tensor", "reshape", "view", "flatten", "squeeze", "unsqueeze", "permute", "transpose",
    "broadcast_to", "expand", "cat", "stack", "split", "chunk", "clone", "astype",
    # indexing, comparisons, in-place
    "GetItem", "GetItemView", "is_basic", "getitem",
    "lt", "le", "gt", "ge", "eq", "ne",
    "add_", "sub_", "mul_", "div_", "fill_", "copy_", "setitem_", "zero_", "clamp_", "uniform_",
    "normal_", "masked_fill_",
    # dims
    "normalize_dim", "normalize_dims",
]
__all__ += elementwise_math.__all__  # trig, exp/log family, lerp, logaddexp, predicates
__all__ += rounding.__all__  # sign, floor, ceil, round, trunc, frac, fmod, remainder, //
__all__ += reductions_more.__all__  # prod, all, any, amax, amin, count_nonzero
__all__ += norms.__all__  # norm (torch.norm); al.linalg's norms are in ops/norms.py too
__all__ += scans.__all__  # cumsum, cumprod, cummax, cummin, logcumsumexp
__all__ += products.__all__  # mm, bmm, mv, dot, outer, addmm, einsum
__all__ += gather_scatter.__all__  # gather, scatter, masked_fill, nonzero, ...
__all__ += rearrange.__all__  # narrow, tril, diag, flip, roll, repeat, movedim, meshgrid, ...
__all__ += sorting.__all__  # sort, argsort, topk
