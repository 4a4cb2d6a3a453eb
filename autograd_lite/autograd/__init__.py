"""Reverse-mode autodiff: ``Function`` for ops, ``backward`` and ``grad`` to run the tape."""
import numpy as np

from ..tensor import Tensor
from .anomaly import detect_anomaly, is_anomaly_enabled
from .engine import run_backward
from .function import Context, Function, Node, NumpyFunction

__all__ = ["Function", "NumpyFunction", "Context", "Node", "backward", "grad", "detect_anomaly",
           "is_anomaly_enabled", "functional"]


def _root_grads(outputs, grad_outputs, caller, create_graph=False):
    """One gradient per output: arrays, or Tensors with ``create_graph`` (a given gradient that
    requires grad stays on its graph, so the result can be differentiated with respect to it)."""
    grads = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(out, Tensor):
            raise TypeError(f"{caller}: output {i} is a {type(out).__name__}, not a Tensor")
        if not out.requires_grad:
            raise RuntimeError(f"{caller}: output {i} does not require grad and has no grad_fn "
                               f"(no input that requires grad was used to compute it, or it was "
                               f"computed under no_grad)")
        if g is None:
            if out._data.size != 1:
                raise RuntimeError(f"{caller}: grad can be created implicitly only for a scalar "
                                   f"output; output {i} has shape {out.shape}, so pass a gradient "
                                   f"of that shape")
            g = np.ones(out.shape, dtype=out.dtype)
        elif create_graph and isinstance(g, Tensor) and g.requires_grad:
            g = g if g.dtype == out.dtype else g.to(out.dtype)  # stays on its graph
        else:
            g = np.asarray(g._data if isinstance(g, Tensor) else g, dtype=out.dtype)
        if g.shape != out.shape:
            raise RuntimeError(f"{caller}: the gradient has shape {g.shape} but output {i} has "
                               f"shape {out.shape}")
        grads.append(Tensor._from_array(g) if create_graph and not isinstance(g, Tensor) else g)
    return grads


def _as_list(x):
    return list(x) if isinstance(x, (tuple, list)) else [x]


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False):
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad``. With ``create_graph`` the
    backward pass is recorded, so the ``.grad`` it leaves can be differentiated again;
    ``retain_graph`` then defaults to True (as PyTorch)."""
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors) if grad_tensors is not None else [None] * len(tensors)
    retain = create_graph if retain_graph is None else retain_graph
    run_backward(tensors, _root_grads(tensors, grads, "backward", create_graph), bool(retain),
                 create_graph=bool(create_graph))


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """Gradients of ``outputs`` with respect to ``inputs``, as a tuple; ``.grad`` is untouched.
    With ``create_graph`` the gradients are on a graph of their own and can be differentiated
    again (Hessian-vector products, gradient penalties)."""
    outputs, inputs = _as_list(outputs), _as_list(inputs)
    grads = _as_list(grad_outputs) if grad_outputs is not None else [None] * len(outputs)
    capture = {}
    for slot, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"grad: input {slot} does not require grad")
        capture[id(t) if t._node is None else (id(t._node), t._out_index)] = slot
    retain = create_graph if retain_graph is None else retain_graph
    results = run_backward(outputs, _root_grads(outputs, grads, "grad", create_graph),
                           bool(retain), capture, bool(create_graph))
    out = []
    for slot, (t, g) in enumerate(zip(inputs, results)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"grad: input {slot} (shape {t.shape}) was not used to compute "
                                   f"the outputs; pass allow_unused=True to get None for it")
            out.append(None)
        elif isinstance(g, Tensor):  # create_graph: the gradient as recorded, on its graph
            out.append(g)
        else:
            out.append(Tensor._from_array(np.array(g, dtype=t.dtype, copy=True)))
    return tuple(out)


from . import functional  # noqa: E402  (it calls grad, defined above)
