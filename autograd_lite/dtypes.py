"""The dtypes autograd_lite knows, and the default floating dtype (float32, as in PyTorch)."""
import numpy as np

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int64 = np.dtype(np.int64)
bool = np.dtype(np.bool_)  # noqa: A001 - the public name mirrors torch.bool

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
