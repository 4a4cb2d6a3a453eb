"""The dtypes autograd_lite knows, the default floating dtype (float32, as in PyTorch), and
PyTorch's type promotion (``promote_types``, ``result_type``).

A dtype is a numpy dtype; PyTorch's aliases name the same objects (``al.float is al.float32``).
"""
import builtins
import numbers

import numpy as np

float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)
bool = np.dtype(np.bool_)  # noqa: A001 - the public name mirrors torch.bool
half, float, double = float16, float32, float64  # noqa: A001 - PyTorch's aliases
int, long = int32, int64  # noqa: A001

#: every dtype a tensor may hold, with the name PyTorch's legacy ``Tensor.type()`` strings use
TENSOR_TYPE_NAMES = {float16: "HalfTensor", float32: "FloatTensor", float64: "DoubleTensor",
                     int8: "CharTensor", int16: "ShortTensor", int32: "IntTensor",
                     int64: "LongTensor", uint8: "ByteTensor", bool: "BoolTensor"}

_default_float = [float32]


def set_default_dtype(dtype) -> None:
    """Set the dtype that new floating tensors get (float32 or float64)."""
    dtype = np.dtype(dtype)
    if dtype not in (float32, float64):
        raise TypeError(f"set_default_dtype: only float32 or float64 can be the default, got {dtype}")
    _default_float[0] = dtype


def get_default_dtype():
    """The dtype new floating tensors get (float32 unless ``set_default_dtype`` changed it)."""
    return _default_float[0]


def kernel_dtype(dtype) -> "bool":
    """The one rule for "may this call take a Numba kernel?": arrays of float32 and float64 may,
    every other dtype (integers, bool, float16) takes the numpy path. Every op, layer and
    optimizer that has a kernel asks this predicate (the kernels' own argument checks accept
    the same two dtypes). It reads ``dtype.char``, not ``dtype in (float32, float64)``: dtype
    equality costs about 0.4 µs a test, on paths that run once an op."""
    c = dtype.char
    return c == "f" or c == "d"


def is_floating(dtype) -> "bool":
    return np.dtype(dtype).kind == "f"


def as_dtype(dtype, who="dtype"):
    """``dtype`` (a dtype, a numpy type, a name such as "float32" or PyTorch's legacy
    "torch.FloatTensor") as one of the dtypes above, or a TypeError naming what was given."""
    if isinstance(dtype, str):
        for known, name in TENSOR_TYPE_NAMES.items():
            if dtype.endswith("." + name) or dtype == name:
                return known
    try:
        result = np.dtype(dtype)
    except TypeError:
        result = None
    if result not in TENSOR_TYPE_NAMES:
        raise TypeError(f"{who}: {dtype!r} is not a dtype autograd_lite tensors hold (one of "
                        f"{', '.join(str(d) for d in TENSOR_TYPE_NAMES)})")
    return result


def _category(dtype):
    """0 bool, 1 integer, 2 floating: the order PyTorch promotes across."""
    kind = dtype.kind
    return 2 if kind == "f" else 1 if kind in "iu" else 0


def promote_types(type1, type2):
    """The smallest dtype both convert to without losing range (``torch.promote_types``):
    bool < integers < floating; uint8 with a signed integer gives the next wider signed one."""
    a, b = as_dtype(type1, "promote_types"), as_dtype(type2, "promote_types")
    if a == b:
        return a
    ca, cb = _category(a), _category(b)
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def result_type(*operands):
    """The dtype an elementwise op on ``operands`` gives (``torch.result_type``): the highest
    category wins; within it, tensors with dims decide over 0-d tensors, which decide over
    Python numbers; a Python number of a higher category than every tensor gives that
    category's default (float: the default dtype; int: int64)."""
    groups = ([], [], [])  # dims, 0-d, Python numbers
    for x in operands:
        if hasattr(x, "dtype") and hasattr(x, "ndim") and not isinstance(x, np.generic):
            groups[0 if x.ndim else 1].append(np.dtype(x.dtype))
        elif isinstance(x, builtins.bool):
            groups[2].append(bool)
        elif isinstance(x, numbers.Integral):
            groups[2].append(int64)
        elif isinstance(x, numbers.Real):
            groups[2].append(_default_float[0])
        elif isinstance(x, np.generic):
            groups[1].append(x.dtype)
        else:
            raise TypeError(f"result_type: cannot take the dtype of {type(x).__name__}")
    result = None
    for group in groups:
        if not group:
            continue
        promoted = group[0]
        for d in group[1:]:
            promoted = promote_types(promoted, d)
        if result is None or _category(promoted) > _category(result):
            result = promoted
    if result is None:
        raise TypeError("result_type: no operands")
    return result


def infer_dtype(array: np.ndarray):
    """The dtype a new tensor gets from data without an explicit dtype: floats take the default,
    integers become int64 and booleans stay bool, as ``torch.tensor`` does."""
    kind = array.dtype.kind
    if kind == "f":
        return _default_float[0]
    if kind in "iu":
        return int64
    if kind == "b":
        return bool
    raise TypeError(f"cannot make a tensor from data of dtype {array.dtype}")
