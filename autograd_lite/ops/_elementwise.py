"""Helpers the elementwise op modules share (``elementwise_math``, ``rounding``): arrays of
operands, the default-float rule for integer inputs, numpy warnings silenced as PyTorch's."""
import numpy as np

from .. import dtypes
from ..tensor import Tensor, _wrap, array_of


def _is_float(x):
    return array_of(x).dtype.kind == "f"


def _as_float(x):
    """``x`` itself when it is a float Tensor or a Python number, else its values in the default
    float dtype (integer and bool tensors never require grad, so nothing is lost)."""
    if isinstance(x, Tensor):
        return x if x._data.dtype.kind == "f" else _wrap(x._data.astype(dtypes.get_default_dtype()))
    if isinstance(x, (bool, int, float)):
        return float(x)
    return _wrap(np.asarray(x, dtype=dtypes.get_default_dtype()))


def _as_floats(a, b):
    """Both operands ready for a float op: int tensors become default-float tensors."""
    return _as_float(a), _as_float(b)


def _binary_operands(a, b):
    """Operands for an op that keeps integer dtypes (fmod, remainder, floor_divide): when an
    integer tensor meets a float Python number, the tensor is taken in the default float dtype
    (numpy would otherwise give float64, PyTorch gives the default float)."""
    a_float, b_float = _is_float(a), _is_float(b)
    if a_float != b_float:
        return _as_floats(a, b)
    return a, b


def _float_only(x, op):
    if not _is_float(x):
        raise NotImplementedError(f"{op}: not implemented for {array_of(x).dtype} tensors "
                                  f"(use a floating-point tensor, as PyTorch requires)")


def _quiet(forward):
    """Outside an op's domain the result is nan or ±inf without a numpy warning, as PyTorch."""
    def run(ctx, *args):
        with np.errstate(invalid="ignore", divide="ignore"):
            return forward(ctx, *args)
    return run


def _zeros_like(g):
    """A zero gradient that is still a function of ``g`` (so higher orders see 0, not None)."""
    return g * 0.0


# ---- unary Functions ------------------------------------------------------------------------
