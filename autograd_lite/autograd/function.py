"""``Function``: one differentiable op, its forward and backward side by side.

A Function is where Tensors become numpy arrays. ``forward(ctx, *args)`` receives the arrays of
the Tensor arguments (other arguments unchanged) and returns an array or a tuple of arrays;
``backward(ctx, *grad_outputs)`` receives one gradient array per output and returns one
gradient per forward argument (an array, or None where no gradient is needed). The gradient
may have the broadcast shape of the output: the engine sums it back to the input's shape and
casts it to the input's dtype, in one place (``engine._route``). Built-in ops and users' own ops
are written the same way.
"""
import itertools
import traceback

import numpy as np

from .. import grad_mode
from ..tensor import Tensor, _wrap
from . import anomaly

_next_seq = itertools.count().__next__


class Context:
    """What forward leaves for backward: saved arrays and any attributes forward sets."""

    __slots__ = ("needs_input_grad", "_saved", "_versions", "_op", "__dict__")

    def __init__(self, op, needs_input_grad):
        self._op = op
        self.needs_input_grad = needs_input_grad
        self._saved = ()
        self._versions = None

    def save_for_backward(self, *items):
        """Keep arrays (or Tensors) for backward; in-place changes to them are detected."""
        for t in items:  # a plain loop: the built-in ops save arrays, and this runs per op
            if isinstance(t, Tensor):
                self._saved = tuple([u.data if isinstance(u, Tensor) else u for u in items])
                self._versions = [(u._version, u._version[0]) for u in items
                                  if isinstance(u, Tensor)]
                return
        self._saved = items

    @property
    def saved_tensors(self):
        saved = self._saved
        if saved is None:
            raise RuntimeError(
                f"Trying to backward through the graph a second time: the values {self._op} saved "
                f"for backward were freed after the first backward. Pass retain_graph=True to the "
                f"first backward() if you need to backward twice.")
        if self._versions:
            for counter, version in self._versions:
                if counter[0] != version:
                    raise RuntimeError(
                        f"A tensor that {self._op} saved for backward was modified by an in-place "
                        f"operation afterwards (its version is {counter[0]}, {self._op} saved "
                        f"version {version}); the gradient would be wrong. Use an out-of-place "
                        f"operation (x = x * 2, not x.mul_(2)) or clone() before changing it.")
        return saved

    def _release(self):
        self._saved = None


class Node:
    """One recorded op on the tape. ``edges`` has one entry per forward argument: None (no
    gradient flows there), or (target, output_index, shape, dtype) where target is the Node that
    produced the input, or the leaf Tensor itself (output_index None)."""

    __slots__ = ("fn", "ctx", "edges", "seq", "out_meta", "trace")

    @property
    def name(self):
        return self.fn.op_name()

    def __repr__(self):
        return f"<{self.name}Backward seq={self.seq}>"


class Function:
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)``; call
    ``MyOp.apply(*args)``. See the module docstring for what each receives and returns."""

    #: the output shares memory with the first Tensor argument (reshape, transpose, slicing),
    #: so the two share one version counter
    returns_view = False

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError

    @classmethod
    def op_name(cls):
        return cls.__name__

    @classmethod
    def apply(cls, *args):
        # the per-op overhead of every model lives here: kept to list comprehensions and
        # direct attribute stores (no generator expressions, no helper calls per output)
        arrays = [a.data if isinstance(a, Tensor) else a for a in args]
        needs = tuple([isinstance(a, Tensor) and a.requires_grad for a in args])
        record = grad_mode._enabled[0] and True in needs
        ctx = _new(Context)
        ctx._op = cls.__name__
        ctx.needs_input_grad = needs
        ctx._saved = ()
        ctx._versions = None
        try:
            raw = cls.forward(ctx, *arrays)
        except (ValueError, IndexError, TypeError) as error:
            raise _named_error(cls, error, args) from error

        version = None
        if cls.returns_view:
            version = next((a._version for a in args if isinstance(a, Tensor)), None)
        if type(raw) is tuple:
            outputs = tuple([_as_output(r) for r in raw])
            results = tuple([_wrap(r, version=version) for r in outputs])
        else:
            out = raw if type(raw) is np.ndarray else _as_output(raw)
            outputs = (out,)
            t = _new(Tensor)
            t.data = out
            t.requires_grad = False
            t.grad = None
            t._node = None
            t._out_index = 0
            t._version = [0] if version is None else version
            results = (t,)
        if record:
            node = _new(Node)
            node.fn = cls
            node.ctx = ctx
            node.seq = _next_seq()
            node.edges = tuple([_edge(a) if need else None for a, need in zip(args, needs)])
            node.out_meta = tuple([(r.shape, r.dtype) if r.dtype.kind == "f" else None
                                   for r in outputs])
            node.trace = traceback.format_stack()[:-1] if anomaly._enabled[0] else None
            index = 0
            for t, meta in zip(results, node.out_meta):
                if meta is not None:
                    t.requires_grad = True
                    t._node = node
                    t._out_index = index
                index += 1
            if ctx._saved:
                _record_saved_versions(ctx, args, results)
        return results if type(raw) is tuple else results[0]


_new = object.__new__


def _named_error(cls, error, args):
    """The same exception with the op's name and the input shapes in front, once."""
    message = str(error)
    if message.startswith(cls.op_name() + ":"):
        return error
    shapes = ", ".join(str(a.shape) for a in args if isinstance(a, Tensor))
    return type(error)(f"{cls.op_name()}: {message} (input shapes: {shapes})")


def _as_output(r):
    if isinstance(r, Tensor):
        return r.data
    if type(r) is not np.ndarray:
        return np.asarray(r)
    return r


def _edge(t):
    if t._node is None:
        return (t, None, t.data.shape, t.data.dtype)
    return (t._node, t._out_index, t.data.shape, t.data.dtype)


def _record_saved_versions(ctx, inputs, outputs):
    """Remember the version of every Tensor (input or output) whose array forward saved."""
    versions = ctx._versions or []
    tensors = [t for t in inputs if isinstance(t, Tensor)]
    tensors.extend(outputs)
    for item in ctx._saved:
        for t in tensors:
            if item is t.data:
                versions.append((t._version, t._version[0]))
                break
    ctx._versions = versions
