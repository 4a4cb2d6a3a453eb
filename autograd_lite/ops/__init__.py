"""The public op functions (``al.sum(t, dim)``, ...); Tensor methods call these same functions.

Each function checks and normalises its arguments (dims, shapes) and calls one ``Function``;
the arithmetic lives in the Function classes of the sibling modules.
"""
import builtins
from collections import namedtuple

import numpy as np

from .. import dtypes, grad_mode
from ..tensor import Tensor, _wrap
from ._dims import normalize_dim, normalize_dims
from .arithmetic import Add, Div, Mul, Neg, Pow, Sub
from .indexing import GetItem, GetItemView, is_basic
from .linalg import MatMul
from .pointwise import (Abs, Clamp, Exp, LeakyRelu, Log, Maximum, Minimum, Relu, Sigmoid, Sqrt,
                        Tanh, Where)
from .reductions import Logsumexp, MaxAll, MaxDim, Mean, Std, Sum, Var
from .shape import BroadcastTo, Cast, Cat, Clone, Permute, Reshape, Split
from .softmax import LogSoftmax, Softmax

#: tuple(range(n)) for small n: "every dim", without building the tuple on each call
_ALL_DIMS = tuple(tuple(range(n)) for n in range(8))

values_indices = namedtuple("values_indices", ["values", "indices"])


def as_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


# ---- arithmetic ---------------------------------------------------------------------------
def add(a, b):
    return Add.apply(a, b)


def sub(a, b):
    return Sub.apply(a, b)


def mul(a, b):
    return Mul.apply(a, b)


def div(a, b):
    return Div.apply(a, b)


def neg(a):
    return Neg.apply(a)


def pow(a, exponent):  # noqa: A001 - mirrors torch.pow
    return Pow.apply(a, exponent)


def matmul(a, b):
    return MatMul.apply(a, b)


# ---- pointwise ----------------------------------------------------------------------------
def exp(x):
    return Exp.apply(x)


def log(x):
    return Log.apply(x)


def sqrt(x):
    return Sqrt.apply(x)


def abs(x):  # noqa: A001 - mirrors torch.abs
    return Abs.apply(x)


def clamp(x, min=None, max=None):  # noqa: A002 - PyTorch's argument names
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    return Clamp.apply(x, min, max)


clip = clamp


def maximum(a, b):
    return Maximum.apply(a, b)


def minimum(a, b):
    return Minimum.apply(a, b)


def where(condition, a, b):
    condition = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
    if condition.dtype != np.bool_:
        raise TypeError(f"where: condition must be a bool tensor, got {condition.dtype}")
    return Where.apply(condition, a, b)


def relu(x):
    return Relu.apply(x)


def leaky_relu(x, negative_slope=0.01):
    return LeakyRelu.apply(x, negative_slope)


def sigmoid(x):
    return Sigmoid.apply(x)


def tanh(x):
    return Tanh.apply(x)


# ---- reductions ---------------------------------------------------------------------------
def sum(x, dim=None, keepdim=False):  # noqa: A001 - mirrors torch.sum
    if dim is None and isinstance(x, Tensor):  # the common loss.sum(): no dim to check
        ndim = x.data.ndim
        return Sum.apply(x, _ALL_DIMS[ndim] if ndim < 8 else tuple(range(ndim)), keepdim)
    return Sum.apply(x, normalize_dims(dim, x.ndim, "sum"), keepdim)


def mean(x, dim=None, keepdim=False):
    _require_float(x, "mean")
    return Mean.apply(x, normalize_dims(dim, x.ndim, "mean"), keepdim)


def _correction(unbiased, correction, op):
    if unbiased is not None and correction is not None:
        raise ValueError(f"{op}: give unbiased or correction, not both")
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def var(x, dim=None, unbiased=None, keepdim=False, *, correction=None):
    _require_float(x, "var")
    return Var.apply(x, normalize_dims(dim, x.ndim, "var"),
                     _correction(unbiased, correction, "var"), keepdim)


def std(x, dim=None, unbiased=None, keepdim=False, *, correction=None):
    _require_float(x, "std")
    return Std.apply(x, normalize_dims(dim, x.ndim, "std"),
                     _correction(unbiased, correction, "std"), keepdim)


def _max_or_min(x, dim, keepdim, is_max):
    name = "max" if is_max else "min"
    if x.data.size == 0:
        raise ValueError(f"{name}: the tensor is empty")
    if dim is None:
        return MaxAll.apply(x, is_max)
    dim = normalize_dim(dim, x.ndim, name)
    return values_indices(*MaxDim.apply(x, dim, keepdim, is_max))


def max(x, dim=None, keepdim=False):  # noqa: A001 - mirrors torch.max
    """Without dim: the largest element (0-d). With dim: (values, indices), as PyTorch. With a
    tensor in place of dim: the elementwise maximum (``torch.max(input, other)``)."""
    if isinstance(dim, Tensor):
        return maximum(x, dim)
    return _max_or_min(x, dim, keepdim, True)


def min(x, dim=None, keepdim=False):  # noqa: A001 - mirrors torch.min
    if isinstance(dim, Tensor):
        return minimum(x, dim)
    return _max_or_min(x, dim, keepdim, False)


def argmax(x, dim=None, keepdim=False):
    return _arg_extreme(np.argmax, x, dim, keepdim, "argmax")


def argmin(x, dim=None, keepdim=False):
    return _arg_extreme(np.argmin, x, dim, keepdim, "argmin")


def _arg_extreme(fn, x, dim, keepdim, name):
    data = x.data
    if dim is None:
        out = np.asarray(fn(data))
        return _wrap(out.reshape((1,) * data.ndim) if keepdim else out)
    dim = normalize_dim(dim, data.ndim, name)
    return _wrap(np.asarray(fn(data, axis=dim, keepdims=keepdim), dtype=np.int64))


def logsumexp(x, dim, keepdim=False):
    return Logsumexp.apply(x, normalize_dims(dim, x.ndim, "logsumexp"), keepdim)


def softmax(x, dim):
    return Softmax.apply(x, normalize_dim(dim, x.ndim, "softmax"))


def log_softmax(x, dim):
    return LogSoftmax.apply(x, normalize_dim(dim, x.ndim, "log_softmax"))


# ---- shapes -------------------------------------------------------------------------------
def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def reshape(x, *shape):
    shape = _shape_args(shape)
    size = x.data.size
    known = int(np.prod([n for n in shape if n != -1]))
    if shape.count(-1) > 1 or (-1 not in shape and known != size) or (
            -1 in shape and (known == 0 or size % known)):
        raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} ({size} elements) "
                         f"into shape {shape}")
    return Reshape.apply(x, shape)


view = reshape


def flatten(x, start_dim=0, end_dim=-1):
    if x.ndim == 0:
        return Reshape.apply(x, (1,))
    start = normalize_dim(start_dim, x.ndim, "flatten")
    end = normalize_dim(end_dim, x.ndim, "flatten")
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    shape = x.shape[:start] + (-1,) + x.shape[end + 1:]
    return reshape(x, shape)


def squeeze(x, dim=None):
    if dim is None:
        dims = [d for d, n in enumerate(x.shape) if n == 1]
    else:
        dims = [d for d in normalize_dims(dim, x.ndim, "squeeze") if x.shape[d] == 1]
    return Reshape.apply(x, tuple(n for d, n in enumerate(x.shape) if d not in dims))


def unsqueeze(x, dim):
    dim = normalize_dim(dim, x.ndim + 1, "unsqueeze")
    return Reshape.apply(x, x.shape[:dim] + (1,) + x.shape[dim:])


def permute(x, *dims):
    dims = _shape_args(dims)
    if len(dims) != x.ndim:
        raise ValueError(f"permute: {len(dims)} dims given for a tensor of {x.ndim} dims "
                         f"(shape {x.shape})")
    dims = tuple(normalize_dim(d, x.ndim, "permute") for d in dims)
    if len(set(dims)) != len(dims):
        raise ValueError(f"permute: dims {dims} repeat a dimension")
    return Permute.apply(x, dims)


def transpose(x, dim0, dim1):
    dims = list(range(x.ndim))
    a, b = normalize_dim(dim0, x.ndim, "transpose"), normalize_dim(dim1, x.ndim, "transpose")
    dims[a], dims[b] = dims[b], dims[a]
    return Permute.apply(x, tuple(dims))


def broadcast_to(x, shape):
    shape = tuple(shape)
    try:
        np.broadcast_shapes(x.shape, shape)
        ok = np.broadcast_shapes(x.shape, shape) == shape
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"broadcast_to: a tensor of shape {x.shape} cannot be broadcast to {shape}")
    return BroadcastTo.apply(x, shape)


def expand(x, *sizes):
    sizes = _shape_args(sizes)
    lead = len(sizes) - x.ndim
    if lead < 0:
        raise ValueError(f"expand: {len(sizes)} sizes given for a tensor of {x.ndim} dims")
    shape = tuple(x.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(sizes))
    return broadcast_to(x, shape)


def cat(tensors, dim=0):
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("cat: expected a non-empty list of tensors")
    first = tensors[0]
    dim = normalize_dim(dim, first.ndim, "cat")
    for i, t in enumerate(tensors[1:], 1):
        if t.ndim != first.ndim or any(a != b for d, (a, b) in enumerate(zip(t.shape, first.shape))
                                       if d != dim):
            raise ValueError(f"cat: tensor {i} has shape {t.shape}, which does not match tensor 0's "
                             f"shape {first.shape} outside dim {dim}")
    return Cat.apply(dim, *tensors)


def stack(tensors, dim=0):
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: expected a non-empty list of tensors")
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != tensors[0].shape:
            raise ValueError(f"stack: tensor {i} has shape {t.shape}, tensor 0 has "
                             f"{tensors[0].shape}; stack needs equal shapes")
    dim = normalize_dim(dim, tensors[0].ndim + 1, "stack")
    return cat([unsqueeze(t, dim) for t in tensors], dim)


def split(x, split_size_or_sections, dim=0):
    dim = normalize_dim(dim, x.ndim, "split")
    length = x.shape[dim]
    if isinstance(split_size_or_sections, int):
        size = split_size_or_sections
        if size <= 0:
            raise ValueError(f"split: split_size must be positive, got {size}")
        bounds = list(range(size, length, size))
    else:
        sections = list(split_size_or_sections)
        if builtins.sum(sections) != length:
            raise ValueError(f"split: sections {sections} sum to {builtins.sum(sections)}, but dim "
                             f"{dim} has size {length}")
        bounds = list(np.cumsum(sections)[:-1])
    return Split.apply(x, bounds, dim)


def chunk(x, chunks, dim=0):
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    length = x.shape[normalize_dim(dim, x.ndim, "chunk")]
    return split(x, builtins.max(1, -(-length // chunks)), dim)


def clone(x):
    return Clone.apply(x)


def astype(x, dtype):
    dtype = np.dtype(dtype)
    if dtype == x.dtype:
        return x
    return Cast.apply(x, dtype)


# ---- indexing -----------------------------------------------------------------------------
def _index_part(part):
    if isinstance(part, Tensor):
        part = part.data
    if isinstance(part, list):
        part = np.asarray(part)
    if isinstance(part, np.ndarray) and part.dtype.kind not in "bi" and part.dtype.kind != "u":
        raise IndexError(f"tensors used as indices must be integer or bool, got {part.dtype}")
    return part


def _prepare_index(index):
    """Tensors and lists become arrays; boolean masks become integer index arrays (np.nonzero),
    so that the backward scatter handles every advanced index the same way."""
    parts = index if type(index) is tuple else (index,)
    out = []
    for part in parts:
        part = _index_part(part)
        if isinstance(part, np.ndarray) and part.dtype == np.bool_:
            out.extend(np.nonzero(part))
        else:
            out.append(part)
    return tuple(out) if type(index) is tuple or len(out) != 1 else out[0]


def getitem(x, index):
    index = _prepare_index(index)
    try:
        if is_basic(index):
            return GetItemView.apply(x, index)
        return GetItem.apply(x, index)
    except IndexError as error:
        raise IndexError(f"getitem: index {index!r} does not fit a tensor of shape {x.shape}: "
                         f"{error}") from None


# ---- comparisons: not differentiable, bool results --------------------------------------------
def _data(x):
    return x.data if isinstance(x, Tensor) else x


def lt(a, b):
    return _wrap(np.asarray(_data(a) < _data(b)))


def le(a, b):
    return _wrap(np.asarray(_data(a) <= _data(b)))


def gt(a, b):
    return _wrap(np.asarray(_data(a) > _data(b)))


def ge(a, b):
    return _wrap(np.asarray(_data(a) >= _data(b)))


def eq(a, b):
    return _wrap(np.asarray(_data(a) == _data(b)))


def ne(a, b):
    return _wrap(np.asarray(_data(a) != _data(b)))


# ---- in-place ---------------------------------------------------------------------------------
def _check_inplace(t, op):
    if t.requires_grad and grad_mode.is_grad_enabled():
        kind = "a leaf tensor" if t._node is None else "a tensor"
        raise RuntimeError(
            f"{op}: in-place change of {kind} that requires grad while gradients are recorded. "
            f"Use the out-of-place form (x = x + y), or wrap parameter updates in al.no_grad().")


def _inplace(t, op, fn):
    _check_inplace(t, op)
    fn(t.data)
    t._version[0] += 1
    return t


def add_(t, other):
    return _inplace(t, "add_", lambda d: np.add(d, _data(other), out=d, casting="unsafe"))


def sub_(t, other):
    return _inplace(t, "sub_", lambda d: np.subtract(d, _data(other), out=d, casting="unsafe"))


def mul_(t, other):
    return _inplace(t, "mul_", lambda d: np.multiply(d, _data(other), out=d, casting="unsafe"))


def div_(t, other):
    return _inplace(t, "div_", lambda d: np.divide(d, _data(other), out=d, casting="unsafe"))


def fill_(t, value):
    return _inplace(t, "fill_", lambda d: d.fill(_data(value)))


def copy_(t, source):
    return _inplace(t, "copy_", lambda d: np.copyto(d, _data(source), casting="unsafe"))


def setitem_(t, index, value):
    index = _prepare_index(index)
    _inplace(t, "__setitem__", lambda d: d.__setitem__(index, _data(value)))


def _require_float(x, op):
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: needs a floating-point tensor, got {x.dtype} (use .float())")


__all__ = [name for name in dir() if not name.startswith("_") and name not in (
    "builtins", "namedtuple", "np", "dtypes", "grad_mode", "Tensor")]
