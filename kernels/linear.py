"""Linear layer: the BLAS that numpy links does the GEMM, Numba fuses what surrounds it.

forward:  y = act(x @ w.T + b)        x (N, in), w (out, in) as PyTorch stores it, b (out,)
          ``matmul(x, w.T, out=y)`` (np.matmul with the BLAS threads chosen by size,
          threads.py; a transposed view: OpenBLAS runs it at full speed),
          then the bias + activation epilogue in place on ``y`` in one pass (activations.py),
          always serial: right after a GEMM OpenBLAS's workers still spin on the other core
          (OpenBLAS's own busy-wait, which GOMP_SPINCOUNT does not bound), and a 2-thread
          epilogue measured 0.9 ms against 0.05 ms serial at 256x1024.
backward: dz, db = act'(y) * grad and its column sum, one fused pass;
          dx = dz @ w;  dw = dz.T @ x          (BLAS, transposed views, no copies)

No pure-Numba GEMM is kept: docs/kernels.md measured the best one at 32-60 % of OpenBLAS at every
MLP shape, so there is no shape to dispatch it to.
"""
import numpy as np

from ._checks import matrix, out_array, vector_for
from .activations import _act_code, bias_activation, bias_activation_backward
from .reductions import column_sum
from .threads import matmul


def linear_forward(x, w, b=None, activation=None, slope=0.01, out=None):
    """act(x @ w.T + b); x (N, in), w (out, in), b (out,) or None, activation name or None."""
    fn = "linear_forward"
    _act_code(activation, fn)
    x = matrix(x, fn)
    w = np.asarray(w)
    if w.ndim != 2 or w.shape[1] != x.shape[1]:
        raise ValueError(f"{fn}: w must have shape (out_features, {x.shape[1]}) to match x of "
                         f"shape {x.shape}, got shape {w.shape}")
    if w.dtype != x.dtype:
        raise ValueError(f"{fn}: w has dtype {w.dtype} but x has dtype {x.dtype}")
    out = out_array(out, (x.shape[0], w.shape[0]), x.dtype, fn)
    matmul(x, w.T, out)
    if b is None and activation in (None, "identity"):
        return out
    if b is None:
        b = np.zeros(w.shape[0], x.dtype)
    b = vector_for(b, w.shape[0], x.dtype, fn, "b", "w",
                   match=f"w's {w.shape[0]} rows (out_features; w has shape {w.shape})")
    return bias_activation(out, b, activation, slope, out=out, parallel=False)


def linear_backward(grad, x, w, y=None, activation=None, slope=0.01, need_dx=True):
    """Gradients of ``linear_forward``: returns (dx, dw, db).

    ``grad`` is dL/dy (N, out); ``y`` is the forward output (needed when there is an
    activation). ``dx`` is None when ``need_dx`` is False (the first layer).
    """
    fn = "linear_backward"
    grad = matrix(grad, fn, "grad")
    x = matrix(x, fn)
    w = np.asarray(w)
    n, k = grad.shape
    if x.shape[0] != n or w.shape != (k, x.shape[1]):
        raise ValueError(f"{fn}: shapes do not match: grad {grad.shape}, x {x.shape}, w {w.shape} "
                         f"(expected grad (N, out), x (N, in), w (out, in))")
    if not (x.dtype == w.dtype == grad.dtype):
        raise ValueError(f"{fn}: dtypes differ: grad {grad.dtype}, x {x.dtype}, w {w.dtype}")
    if activation in (None, "identity"):
        dz, db = grad, column_sum(grad)
    else:
        if y is None:
            raise ValueError(f"{fn}: y (the forward output) is needed for activation {activation!r}")
        dz, db = bias_activation_backward(grad, y, activation, slope)
    dw = matmul(dz.T, x)
    dx = matmul(dz, w) if need_dx else None
    return dx, dw, db


def bias_grad(grad, out=None):
    """Column sum of (N, out) ``grad``: the bias gradient."""
    return column_sum(grad, out)
