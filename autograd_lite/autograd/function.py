"""``Function``: one differentiable op, its forward and backward side by side.

Two flavours share one machinery (``Function.apply`` and the engine) and differ only in what
forward and backward see:

- ``Function`` follows PyTorch's custom-op API: ``forward(ctx, *args)`` receives the Tensor
  arguments as Tensors (and runs without recording), returns a Tensor or a tuple of them;
  ``ctx.saved_tensors`` gives Tensors back; ``backward(ctx, *grad_outputs)`` receives one
  gradient Tensor per output and returns one gradient per forward argument (None where there is
  none). Code written for ``torch.autograd.Function`` ports by changing the import.
- ``NumpyFunction`` is the same protocol on numpy arrays: forward receives the Tensors' arrays
  and returns arrays, backward receives and returns arrays. Every built-in op is one (no Tensor
  wrapping on the per-op hot path), and so can a user's op written as numpy math.

Either way a gradient may have the broadcast shape of the output: the engine sums it back to
the input's shape and casts it to the input's dtype, in one place (``engine._route``).

Higher order (``create_graph=True``): the backward pass itself is recorded, so each op needs a
derivative written with Tensor ops. A ``Function``'s ``backward`` already is one. A
``NumpyFunction`` gives it as ``vjp(ctx, *grad_outputs)``: Tensors in, Tensors out, and
``ctx.saved_tensors`` returns Tensors that are still connected to the graph (a saved input is
that input, a saved output is that output; anything else forward saved is a constant). The
rule, stated once for every op (see docs/higher_order.md): the derivative is written ONCE, as
``vjp``; a numpy ``backward`` is added beside it only where a benchmark shows the Tensor version
costs too much on the first-order path, and then the op registry checks the two against each
other on every sample (``check_vjp_matches_backward``), so they cannot drift apart. An op with
only a ``vjp`` runs it on the first-order path too, under ``no_grad``.
"""
import itertools
import traceback

import numpy as np

from .. import grad_mode
from ..errors import OpError
from ..tensor import Tensor, _new, _wrap
from . import anomaly

_next_seq = itertools.count().__next__
_grad_flags = grad_mode._flags.get  # this thread's grad-mode list (grad_mode's docstring)
_DEFAULT_FLAGS = grad_mode.DEFAULT

#: ``Context._tensor_io`` while the engine runs a ``vjp`` under ``create_graph``: saved_tensors
#: then returns Tensors connected to the graph (see ``Context._connected``)
GRAPH = "graph"


class Context:
    """What forward leaves for backward: saved arrays and any attributes forward sets."""

    __slots__ = ("needs_input_grad", "_saved", "_versions", "_op", "_tensor_io", "_sources",
                 "_graph_node", "__dict__")

    def save_for_backward(self, *items):
        """Keep arrays (or Tensors) for backward; in-place changes to them are detected."""
        for t in items:  # a plain loop: the built-in ops save arrays, and this runs per op
            if isinstance(t, Tensor):
                self._saved = tuple([u._data if isinstance(u, Tensor) else u for u in items])
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
        if self._tensor_io:
            if self._tensor_io is GRAPH:
                return self._connected(saved)
            return tuple([_wrap(a) if type(a) is np.ndarray else a for a in saved])
        return saved

    def _connected(self, saved):
        """The saved arrays as Tensors on the graph, for a ``vjp`` under ``create_graph``: a
        saved input is rebuilt from its edge (the leaf itself, or a Tensor of the producing
        node), a saved output is a Tensor of this node; other saved arrays are constants."""
        node = self._graph_node
        sources = self._sources or (None,) * len(saved)
        tensors = []
        for item, source in zip(saved, sources):
            if type(item) is not np.ndarray:
                tensors.append(item)
                continue
            edge = None
            if source is not None and source >= 0:
                edge = node.edges[source]
            elif source is not None:
                edge = (node, -1 - source)
            if edge is None:
                tensors.append(_wrap(item))
            elif edge[1] is None:
                tensors.append(edge[0])  # a leaf: the Tensor itself
            else:
                t = _wrap(item, True)
                t._node, t._out_index = edge[0], edge[1]
                tensors.append(t)
        return tuple(tensors)

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

    #: forward and backward see Tensors (PyTorch's API); NumpyFunction sets it to False
    tensor_io = True

    #: the output shares memory with the first Tensor argument (reshape, transpose, slicing),
    #: so the two share one version counter
    returns_view = False

    #: backward receives and returns Tensors: a Function's, or a NumpyFunction's that has only
    #: a ``vjp`` (set per class by ``__init_subclass__``)
    _backward_takes_tensors = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.tensor_io and cls.__name__ != "NumpyFunction":
            own_backward = cls.backward is not NumpyFunction.backward
            if not own_backward and getattr(cls, "vjp", None) is not None:
                cls.backward = staticmethod(cls.vjp)
            cls._backward_takes_tensors = not own_backward

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
        # The per-op overhead of every model lives here. Unrolled for one to three arguments
        # (most ops) -- an optimisation only; the ``else`` loops are the general form -- in
        # the places a call passes: the unpacking below, the edges, and _apply_unrecorded.
        # Measured (bench_overhead.py's a*b+c, 1 thread, fresh processes alternated, medians):
        # the generic loops alone 47.2-49.3 µs a step vs 43.4-46.1, and 6.2 vs 5.0 µs for the
        # no-grad forward; one merged unrolled site (unpack + edges, the unrecorded path fed
        # from it) kept the step at 43.6 µs but took the no-grad forward 4.58 -> 4.96 µs, so
        # the unrecorded path keeps its own unrolled call (issue 13's measurement, its note).
        n = len(args)
        if not _grad_flags(_DEFAULT_FLAGS)[0]:
            # no_grad (gradcheck's objective, evaluation): nothing is recorded
            return _apply_unrecorded(cls, args, None)

        if n == 2:
            a, b = args
            if isinstance(a, Tensor):
                need_a = a.requires_grad
                a = a._data
            else:
                need_a = False
            if isinstance(b, Tensor):
                need_b = b.requires_grad
                b = b._data
            else:
                need_b = False
            arrays = (a, b)
            needs = (need_a, need_b)
        elif n == 1:
            a = args[0]
            if isinstance(a, Tensor):
                arrays = (a._data,)
                needs = (a.requires_grad,)
            else:
                arrays = args
                needs = (False,)
        elif n == 3:
            a, b, c = args
            if isinstance(a, Tensor):
                need_a = a.requires_grad
                a = a._data
            else:
                need_a = False
            if isinstance(b, Tensor):
                need_b = b.requires_grad
                b = b._data
            else:
                need_b = False
            if isinstance(c, Tensor):
                need_c = c.requires_grad
                c = c._data
            else:
                need_c = False
            arrays = (a, b, c)
            needs = (need_a, need_b, need_c)
        else:
            arrays = list(args)
            needs = [False] * n
            i = 0
            for a in args:
                if isinstance(a, Tensor):
                    arrays[i] = a._data
                    needs[i] = a.requires_grad
                i += 1
            needs = tuple(needs)
        if True not in needs:
            # grad mode on, but no input requires grad: forward runs as usual, unrecorded
            return _apply_unrecorded(cls, args, arrays)

        ctx = _new(Context)
        ctx._op = cls.__name__
        ctx.needs_input_grad = needs
        ctx._saved = ()
        ctx._versions = None
        ctx._sources = None
        ctx._tensor_io = cls._backward_takes_tensors
        try:
            if cls.tensor_io:
                with grad_mode.no_grad():
                    raw = cls.forward(ctx, *args)
            else:
                raw = cls.forward(ctx, *arrays)
        except (ValueError, IndexError, TypeError) as error:
            raise _named_error(cls, error, args) from error

        version = None
        if cls.returns_view:
            version = next((a._version for a in args if isinstance(a, Tensor)), None)
        if type(raw) is tuple:
            outputs = tuple([_as_output(r) for r in raw])
            results = tuple([_wrap(r, version=version) for r in outputs])
            if ctx._saved:
                _resave_outputs(ctx, raw, outputs)
        else:
            if type(raw) is np.ndarray:
                out = raw
            else:
                out = _as_output(raw)
                if ctx._saved:
                    _resave_outputs(ctx, (raw,), (out,))
            outputs = (out,)
            results = (_wrap(out, version=version),)
        node = _new(Node)
        node.fn = cls
        node.ctx = ctx
        node.seq = _next_seq()
        if n == 2:
            node.edges = (_edge(args[0]) if needs[0] else None,
                          _edge(args[1]) if needs[1] else None)
        elif n == 1:
            node.edges = (_edge(args[0]),)
        elif n == 3:
            node.edges = (_edge(args[0]) if needs[0] else None,
                          _edge(args[1]) if needs[1] else None,
                          _edge(args[2]) if needs[2] else None)
        else:
            node.edges = tuple([_edge(a) if need else None for a, need in zip(args, needs)])
        if len(outputs) == 1:
            out = outputs[0]
            if out.dtype.kind == "f":
                node.out_meta = ((out.shape, out.dtype),)
                t = results[0]
                t.requires_grad = True
                t._node = node
            else:
                node.out_meta = (None,)
        else:
            node.out_meta = tuple([(r.shape, r.dtype) if r.dtype.kind == "f" else None
                                   for r in outputs])
            index = 0
            for t, meta in zip(results, node.out_meta):
                if meta is not None:
                    t.requires_grad = True
                    t._node = node
                    t._out_index = index
                index += 1
        node.trace = traceback.format_stack()[:-1] if anomaly._enabled[0] else None
        if ctx._saved:
            _record_saved_versions(ctx, args, results)
        return results if type(raw) is tuple else results[0]


class _UnrecordedContext(Context):
    """The context forward gets when the op is not recorded (grad mode off, or no input requires
    grad): attributes work as usual, but nothing is kept for a backward that cannot happen."""

    __slots__ = ("_args",)
    _saved = ()
    _versions = None
    _tensor_io = False

    @property
    def needs_input_grad(self):
        return tuple([isinstance(a, Tensor) and a.requires_grad for a in self._args])

    def save_for_backward(self, *items):
        pass


class NumpyFunction(Function):
    """A Function whose forward works on numpy arrays, with its derivative as ``vjp`` on Tensors
    and, where speed asks for it, ``backward`` on arrays (see the module docstring)."""

    tensor_io = False

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            f"{ctx._op}: a NumpyFunction needs vjp(ctx, *grad_outputs) (Tensor ops) or "
            f"backward(ctx, *grad_outputs) (numpy arrays)")


def _apply_unrecorded(cls, args, arrays):
    """Run forward with a context that keeps nothing (needs_input_grad is worked out only if
    forward asks) and wrap the outputs without a node. ``arrays`` None: unpack ``args`` here,
    with the one- to three-argument calls spelled out (they are the no_grad hot path)."""
    ctx = _new(_UnrecordedContext)
    ctx._op = cls.__name__
    ctx._args = args
    try:
        if cls.tensor_io:
            with grad_mode.no_grad():
                raw = cls.forward(ctx, *args)
        elif arrays is not None:
            raw = cls.forward(ctx, *arrays)
        elif len(args) == 1:
            a = args[0]
            raw = cls.forward(ctx, a._data if isinstance(a, Tensor) else a)
        elif len(args) == 2:
            a, b = args
            raw = cls.forward(ctx, a._data if isinstance(a, Tensor) else a,
                              b._data if isinstance(b, Tensor) else b)
        elif len(args) == 3:
            a, b, c = args
            raw = cls.forward(ctx, a._data if isinstance(a, Tensor) else a,
                              b._data if isinstance(b, Tensor) else b,
                              c._data if isinstance(c, Tensor) else c)
        else:
            raw = cls.forward(ctx, *[a._data if isinstance(a, Tensor) else a for a in args])
    except (ValueError, IndexError, TypeError) as error:
        raise _named_error(cls, error, args) from error
    if type(raw) is np.ndarray and not cls.returns_view:
        return _wrap(raw)
    version = None
    if cls.returns_view:
        version = next((a._version for a in args if isinstance(a, Tensor)), None)
    if type(raw) is tuple:
        return tuple([_wrap(_as_output(r), version=version) for r in raw])
    return _wrap(_as_output(raw), version=version)



def _named_error(cls, error, args):
    """The same exception with the op's name and the input shapes in front, once; numpy's
    ValueError for shapes that do not broadcast becomes an ``OpError`` (PyTorch's
    RuntimeError, still a ValueError)."""
    message = str(error)
    kind = OpError if type(error) is ValueError else type(error)
    if message.startswith(cls.op_name() + ":"):
        return error if kind is type(error) else kind(message)
    shapes = ", ".join(str(a.shape) for a in args if isinstance(a, Tensor))
    return kind(f"{cls.op_name()}: {message} (input shapes: {shapes})")


def _as_output(r):
    if isinstance(r, Tensor):
        return r._data
    if type(r) is not np.ndarray:
        return np.asarray(r)
    return r


def _resave_outputs(ctx, raw, outputs):
    """Forward saved an output that was not an array yet (numpy gives a scalar for a 0-d
    result): save the array the output Tensor holds instead, so it is known as the output."""
    swap = {id(r): o for r, o in zip(raw, outputs) if r is not o}
    if swap:
        ctx._saved = tuple([swap.get(id(item), item) for item in ctx._saved])


def _edge(t):
    if t._node is None:
        return (t, None, t._data.shape, t._data.dtype)
    return (t._node, t._out_index, t._data.shape, t._data.dtype)


def _record_saved_versions(ctx, inputs, outputs):
    """Remember the version of every Tensor (input or output) whose array forward saved, and
    where each saved array came from (``ctx._sources``: input k as k, output j as -1 - j, None
    for anything else), so that a ``vjp`` under ``create_graph`` gets it back on the graph."""
    versions = ctx._versions or []
    sources = []
    for item in ctx._saved:
        source = None
        k = 0
        for t in inputs:
            if isinstance(t, Tensor) and item is t._data:
                versions.append((t._version, t._version[0]))
                source = k
                break
            k += 1
        else:
            j = -1
            for t in outputs:
                if item is t._data:
                    versions.append((t._version, t._version[0]))
                    source = j
                    break
                j -= 1
        sources.append(source)
    ctx._versions = versions
    ctx._sources = sources
