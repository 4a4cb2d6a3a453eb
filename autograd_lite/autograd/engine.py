"""The backward pass: walk the tape from the roots in reverse recording order.

Every node reachable from the roots is collected iteratively (no recursion, so a chain of
100,000 ops is fine), sorted by its sequence number from last recorded to first, and run once,
after all gradients for its outputs have been summed. Gradients reaching a leaf are added into
its ``.grad`` (or, for ``autograd.grad``, into the captured results instead).

With ``create_graph`` the same walk runs on Tensors with grad mode on: each node's ``vjp``
(Tensor ops) is called instead of its array ``backward``, and sums, unbroadcasting and casts
are ops too, so every gradient it produces is itself on a graph and can be differentiated again.
"""
import numpy as np

from ..grad_mode import enable_grad, no_grad
from ..kernels import sum_to_shape
from ..tensor import Tensor, _wrap
from . import anomaly
from .function import GRAPH


def run_backward(roots, root_grads, retain_graph=False, capture=None, create_graph=False):
    """Backpropagate ``root_grads`` (arrays; Tensors with ``create_graph``) from ``roots``.

    ``capture``: None to accumulate into leaves' ``.grad``; or a dict mapping a leaf Tensor's id,
    or a (node id, output index) pair for a non-leaf, to a result slot. Returns the list of
    captured gradients (None where nothing flowed) when capturing.
    """
    if create_graph:
        with enable_grad():
            return _run(roots, root_grads, retain_graph, capture, True)
    return _run(roots, root_grads, retain_graph, capture, False)


def _run(roots, root_grads, retain_graph, capture, graph):
    captured = {} if capture is not None else None
    pending = {}  # node -> list of summed gradients, one per output
    for root, grad in zip(roots, root_grads):
        if root._node is None:
            _deliver_to_leaf(root, grad, captured, capture)
        else:
            _add_pending(pending, root._node, root._out_index, grad)

    anomaly_on = anomaly._enabled[0]
    ndarray = np.ndarray
    for node in _reverse_recording_order(pending):
        grads = pending.pop(node, None)
        if grads is None:
            continue
        if capture is not None:
            for index, g in enumerate(grads):
                slot = capture.get((id(node), index))
                if slot is not None and g is not None:
                    captured[slot] = g
        for g in grads:
            if g is None:  # an output nothing flowed back to: zeros of its shape
                for index, meta in enumerate(node.out_meta):
                    if grads[index] is None and meta is not None:
                        zeros = np.zeros(meta[0], dtype=meta[1])
                        grads[index] = _wrap(zeros) if graph else zeros
                break
        if graph:
            input_grads = _call_vjp(node, grads)
        elif node.fn._backward_takes_tensors:
            with no_grad():
                input_grads = node.fn.backward(node.ctx, *[None if g is None else _wrap(g)
                                                           for g in grads])
        else:
            input_grads = node.fn.backward(node.ctx, *grads)
        if not retain_graph:
            node.ctx._saved = None
        if type(input_grads) is not tuple:
            input_grads = (input_grads,)
        edges = node.edges
        if len(input_grads) != len(edges):
            raise RuntimeError(
                f"{node.name}.backward returned {len(input_grads)} gradients but forward took "
                f"{len(edges)} arguments; return one per argument (None where there is none)")
        for edge, g in zip(edges, input_grads):
            if edge is None or g is None:
                continue
            target, index, shape, dtype = edge
            # the common case inline: an array of the input's shape and dtype
            if (type(g) is not ndarray or g.shape != shape or g.dtype != dtype
                    or anomaly_on):
                g = _route_tensor(node, g, shape, dtype) if graph else _route(node, g, shape, dtype)
            if index is None:
                _deliver_to_leaf(target, g, captured, capture)
            else:
                slots = pending.get(target)
                if slots is None:
                    slots = pending[target] = [None] * len(target.out_meta)
                current = slots[index]
                slots[index] = g if current is None else current + g

    if capture is not None:
        return [captured.get(slot) for slot in range(len(capture))]
    return None


def _call_vjp(node, grads):
    """Run a node's derivative as recorded Tensor ops (``create_graph``): a Function's
    ``backward``, a NumpyFunction's ``vjp``; saved arrays come back connected to the graph."""
    fn, ctx = node.fn, node.ctx
    vjp = fn.backward if fn.tensor_io else getattr(fn, "vjp", None)
    if vjp is None:
        raise RuntimeError(
            f"{node.name} does not support create_graph=True: its backward works on numpy arrays "
            f"only. Give {node.name} a vjp(ctx, *grad_outputs) written with Tensor ops (see "
            f"docs/higher_order.md)")
    mode = ctx._tensor_io
    ctx._tensor_io, ctx._graph_node = GRAPH, node
    try:
        return vjp(ctx, *[g if isinstance(g, Tensor) else _wrap(g) for g in grads])
    finally:
        ctx._tensor_io, ctx._graph_node = mode, None


def _route_tensor(node, g, shape, dtype):
    """``_route`` for ``create_graph``: the same fitting, done with recorded ops."""
    from .. import ops  # the engine sits below ops; only the recorded path needs them
    if not isinstance(g, Tensor):
        g = _wrap(np.asarray(g))
    if g.shape != shape:
        try:
            g = ops.sum_to_shape(g, shape)
        except ValueError as error:
            raise RuntimeError(f"{node.name}.vjp returned a gradient of shape {g.shape} for an "
                               f"input of shape {shape}: {error}") from None
    if g.dtype != dtype:
        g = ops.astype(g, dtype)
    if anomaly._enabled[0]:
        _route(node, g.data, shape, dtype)
    return g


def _route(node, g, shape, dtype):
    """The one place where a gradient is made to fit its input: summed over broadcast axes,
    cast to the input's dtype, and (under detect_anomaly) checked for NaN/Inf."""
    if isinstance(g, Tensor):
        g = g.data
    if type(g) is not np.ndarray:
        g = np.asarray(g)
    if g.shape != shape:
        try:
            g = sum_to_shape(g, shape)
        except ValueError as error:
            raise RuntimeError(f"{node.name}.backward returned a gradient of shape {g.shape} for "
                               f"an input of shape {shape}: {error}") from None
    if g.dtype != dtype:
        g = g.astype(dtype)
    if anomaly._enabled[0] and not np.all(np.isfinite(g)):
        where = "".join(node.trace[-3:]) if node.trace else "(forward ran outside detect_anomaly)\n"
        raise RuntimeError(f"Function '{node.name}Backward' returned nan or inf values in its "
                           f"gradient (shape {g.shape}). The forward call that created it:\n{where}")
    return g


def _add_pending(pending, node, index, g):
    grads = pending.get(node)
    if grads is None:
        grads = pending[node] = [None] * len(node.out_meta)
    current = grads[index]
    grads[index] = g if current is None else current + g


def _deliver_to_leaf(leaf, g, captured, capture):
    if capture is not None:
        slot = capture.get(id(leaf))
        if slot is not None:
            current = captured.get(slot)
            captured[slot] = g if current is None else current + g
        return
    if isinstance(g, Tensor):  # create_graph: .grad stays on the graph, summed out of place
        leaf.grad = g if leaf.grad is None else leaf.grad + g
    elif leaf.grad is None:
        leaf.grad = _wrap(np.array(g, dtype=leaf.data.dtype, copy=True))
    else:
        leaf.grad.data += g


def _reverse_recording_order(pending):
    """All nodes reachable from the pending ones, last recorded first."""
    stack = list(pending)
    seen = set(stack)
    while stack:
        node = stack.pop()
        for edge in node.edges:
            if edge is not None and edge[1] is not None and edge[0] not in seen:
                seen.add(edge[0])
                stack.append(edge[0])
    return sorted(seen, key=_seq, reverse=True)


def _seq(node):
    return node.seq
