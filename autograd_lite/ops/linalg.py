"""Matrix products."""
import numpy as np

from .. import kernels
from ..autograd.function import NumpyFunction
from ..errors import OpError
from ..tensor import Tensor


class MatMul(NumpyFunction):
    """a @ b with numpy's rules: 1-D operands are promoted and the added dim removed again;
    leading (batch) dims broadcast, and the engine sums their gradients back."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return kernels.matmul(a, b)
        except ValueError:  # checked only on failure: numpy's own message names no shapes
            _check_shapes(a, b)
            raise

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        if b.ndim == 1:
            g = np.expand_dims(g, -1)
        if a.ndim == 1:
            g = np.expand_dims(g, -2)
        ga = kernels.matmul(g, np.swapaxes(b2, -1, -2)) if need_a else None
        gb = kernels.matmul(np.swapaxes(a2, -1, -2), g) if need_b else None
        if ga is not None and a.ndim == 1:
            ga = ga.reshape(ga.shape[:-2] + ga.shape[-1:])
        if gb is not None and b.ndim == 1:
            gb = gb.reshape(gb.shape[:-1])
        return ga, gb

    @staticmethod
    def vjp(ctx, g):
        """The same products as ``backward``, as recorded matmuls."""
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        a2 = a.unsqueeze(0) if a.ndim == 1 else a
        b2 = b.unsqueeze(1) if b.ndim == 1 else b
        if b.ndim == 1:
            g = g.unsqueeze(-1)
        if a.ndim == 1:
            g = g.unsqueeze(-2)
        ga = MatMul.apply(g, b2.transpose(-1, -2)) if need_a else None
        gb = MatMul.apply(a2.transpose(-1, -2), g) if need_b else None
        if ga is not None and a.ndim == 1:
            ga = ga.reshape(ga.shape[:-2] + ga.shape[-1:])
        if gb is not None and b.ndim == 1:
            gb = gb.reshape(gb.shape[:-1])
        return ga, gb


def _check_shapes(a, b):
    """Raise a ValueError naming both shapes when ``a @ b`` cannot be formed."""
    if a.ndim == 0 or b.ndim == 0:
        raise OpError(f"matmul: both operands need at least 1 dim, got shapes {a.shape} "
                         f"and {b.shape}")
    k_a, k_b = a.shape[-1], b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise OpError(f"matmul: shapes {a.shape} and {b.shape} do not match: the last dim "
                         f"of the first ({k_a}) must equal the "
                         f"{'only' if b.ndim == 1 else 'second-to-last'} dim of the second "
                         f"({k_b})")


# ---- public functions ---------------------------------------------------------------------
def matmul(a, b):
    """Matrix product with numpy's rules, ``a @ b``.

    1-D operands are treated as a row (``a``) or a column (``b``) vector and the added dim is
    removed from the result; leading (batch) dims broadcast. Shapes that do not fit raise a
    ``OpError`` (a RuntimeError) naming both.

    Args:
        a (Tensor): ``(..., n, k)`` or ``(k,)``.
        b (Tensor): ``(..., k, m)`` or ``(k,)``.

    Returns:
        Tensor: ``(..., n, m)``, less the dims of 1-D operands.
    """
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a._data.dtype != b._data.dtype:
        raise OpError(f"matmul: expected both operands to have the same dtype, got {a.dtype} and "
                      f"{b.dtype} (as PyTorch, matmul does not promote; convert one)")
    return MatMul.apply(a, b)
