"""``compile`` and ``CompiledFunction``: the callable that picks a recording by signature,
records on a miss, replays on a hit, and falls back to eager (see docs/compile.md)."""
import collections
import functools
import threading
import warnings

import numpy as np

from ..tensor import Tensor, _wrap
from . import guards
from . import graph_call
from .capture import RECORDING_THREADS, CaptureError, Recorder, recording
from .replay import Program

#: recordings kept per compiled function (least recently used dropped first): a training
#: loop needs two (full batches and the last smaller one), train+eval a few more
CACHE_SIZE = 8


class CompileWarning(UserWarning):
    """A compiled function runs eagerly for some signature; the message names the cause."""


class _Entry:
    """One signature's outcome: a Program to replay, or the cause that keeps it eager."""

    __slots__ = ("key", "guards", "program", "outputs", "cause", "hits", "keep", "graph")

    def __init__(self, key):
        self.key, self.guards, self.program, self.outputs = key, None, None, None
        self.cause, self.hits, self.keep = None, 0, None
        self.graph = None  # a graph_call.CallGraph when the replay is one node of the caller's


class CompiledFunction:
    """What ``al.compile`` returns: call it as ``fn``; ``explain()`` says what was captured."""

    def __init__(self, fn):
        self.fn = fn
        self._entries = collections.OrderedDict()  # key -> [_Entry, ...]
        self._warned = set()
        functools.update_wrapper(self, fn, updated=())

    def __call__(self, *args, **kwargs):
        if RECORDING_THREADS and threading.get_ident() in RECORDING_THREADS:
            return self.fn(*args, **kwargs)  # inside another recording: its ops are recorded
        key = guards.signature(args, kwargs)
        entries = self._entries.get(key)
        if entries is not None:
            for entry in entries:
                if entry.guards is None or guards.guards_hold(entry.guards):
                    self._entries.move_to_end(key)
                    entry.hits += 1
                    if entry.program is None:
                        return self.fn(*args, **kwargs)
                    return self._replay(entry, args, kwargs)
        return self._record(key, args, kwargs)

    # ---- recording ------------------------------------------------------------------------
    def _record(self, key, args, kwargs):
        entry = _Entry(key)
        entry.keep = (args, kwargs)  # arguments compared by identity stay alive
        rec = Recorder()
        inputs = _inputs(args, kwargs)
        for array in inputs:
            rec.add_slot(array)
        if key[1]:
            rec.fail("detect_anomaly is on")
        with recording(rec):
            result = self.fn(*args, **kwargs)
        as_node = _returns_graph(rec, result)
        entry.outputs = _output_spec(rec, result, as_node)
        _check_externals(rec)
        entry.guards = guards.guards_of(rec)
        call_plan = None
        if as_node and rec.failure is None:
            call_plan = self._plan_node(entry, rec, args, kwargs, result)
        if rec.failure is None:
            entry.program = Program(rec, len(inputs), _slots_of(entry.outputs), call_plan)
        else:
            entry.cause = rec.failure
            if entry.cause not in self._warned:
                self._warned.add(entry.cause)
                warnings.warn(f"al.compile: {_name(self.fn)} runs eagerly for this signature: "
                              f"{entry.cause}", CompileWarning, stacklevel=3)
        self._entries.setdefault(key, []).append(entry)
        self._entries.move_to_end(key)
        while sum(len(e) for e in self._entries.values()) > CACHE_SIZE:
            oldest = next(iter(self._entries))
            self._entries[oldest].pop(0)
            if not self._entries[oldest]:
                del self._entries[oldest]
        return result

    def _plan_node(self, entry, rec, args, kwargs, result):
        """Plan the replay as one node of the caller's graph (graph_call.py); None, with the
        recording failed, when its backward cannot be planned."""
        outputs, tensors = [], []
        objects = guards.input_objects(args, kwargs)
        n_inputs = len(objects)
        for t in graph_call.tensors_of(result):
            found = rec.slot(t._data)
            if found is None or found[1] < n_inputs:
                rec.fail("it returns a tensor on the graph together with one that no op inside "
                         "made (an argument or a tensor from outside, returned as it is)")
                return None
            if found not in outputs:
                outputs.append(found)
                tensors.append(t)
        try:
            externals, root_of, pure, call_plan = graph_call.plan(rec, objects, tensors)
        except CaptureError as error:
            rec.fail(str(error))
            return None
        entry.graph = graph_call.CallGraph(externals, tuple(outputs), root_of, pure, self.fn,
                                           entry.keep)
        return call_plan

    # ---- replay ---------------------------------------------------------------------------
    def _replay(self, entry, args, kwargs):
        if entry.graph is not None:
            return self._replay_node(entry, args, kwargs)
        slots = entry.program.run(_inputs(args, kwargs))
        return _build(entry.outputs, slots)

    def _replay_node(self, entry, args, kwargs):
        graph = entry.graph
        outs = graph_call.CompiledCall.apply(entry, *guards.input_objects(args, kwargs),
                                             *graph.externals)
        for t, root in zip(outs, graph.root_of):
            if root is None:  # off the graph in eager too (an integer or detached output)
                t.requires_grad, t._node = False, None
        return _build(entry.outputs, dict(zip(graph.outputs, outs)), as_node=True)

    # ---- inspection -----------------------------------------------------------------------
    def explain(self, source=False):
        """A report: for each recorded signature, whether it replays (ops, backward nodes,
        other steps) or runs eagerly (and why), and how many calls used it; ``source=True``
        adds the generated replay function of each."""
        lines = [f"al.compile({_name(self.fn)}): {sum(map(len, self._entries.values()))} "
                 f"recorded signature(s)"]
        for entries in self._entries.values():
            for entry in entries:
                args = ", ".join(_show(d) for d in entry.key[2:])
                head = f"- grad={entry.key[0]} ({args})"
                if entry.program is not None:
                    p = entry.program
                    others = [getattr(s[1], "__qualname__", s[1]) for s in p.steps
                              if s[0] == "call"]
                    how = "captured as one node of the caller's graph" \
                        if entry.graph is not None else "captured"
                    lines.append(f"{head}: {how}, {p.n_ops} ops, {p.n_backward_nodes} "
                                 f"backward nodes, calls {others or 'none'}; "
                                 f"{entry.hits} replays")
                    if source:
                        lines.append(p.source)
                else:
                    lines.append(f"{head}: EAGER ({entry.cause}); {entry.hits} eager calls")
        return "\n".join(lines)

    @property
    def captured(self):
        """Whether every recorded signature replays (none fell back to eager)."""
        entries = [e for es in self._entries.values() for e in es]
        return bool(entries) and all(e.program is not None for e in entries)


def compile(fn=None):  # noqa: A001  (al.compile, as torch.compile)
    """Return a callable that gives ``fn``'s results, replaying a recording of its first call
    for each signature; usable as ``@al.compile``. On a Module, its forward (``__call__``) is
    compiled. A call that returns tensors on the graph without running a backward of its own
    (a module's forward, the loss outside) replays as one node of the caller's graph
    (``graph_call.py``); see docs/compile.md."""
    if fn is None:
        return compile
    from ..nn.module import Module
    if isinstance(fn, Module):
        module = fn

        def call(*args, **kwargs):  # looked up per call, so recording sees the module run
            return module(*args, **kwargs)
        call.__qualname__ = f"{type(module).__name__}.__call__"
        compiled = CompiledFunction(call)
        compiled.module = module
        return compiled
    return CompiledFunction(fn)


def _inputs(args, kwargs):
    """The arrays of the Tensor and numpy arguments, in order: the first slots."""
    return [a._data if isinstance(a, Tensor) else a for a in guards.input_objects(args, kwargs)]


def _on_graph(rec, t):
    """A returned tensor that requires grad and whose graph no backward inside consumed."""
    return t.requires_grad and t._node is not None and id(t._node) not in rec.backward_roots


def _returns_graph(rec, result):
    """Whether the call is replayed as one node of the caller's graph: it returns a tensor on
    the graph and runs no backward of its own (graph_call.py). A call that does both (a
    backward inside and a graph output) keeps failing in ``_output_spec``."""
    if any(step[0] == "backward" for step in rec.steps):
        return False
    return any(_on_graph(rec, t) for t in graph_call.tensors_of(result))


def _output_spec(rec, result, as_node=False):
    if isinstance(result, Tensor):
        if not as_node and _on_graph(rec, result):
            rec.fail("it returns a tensor on the graph that no backward inside it consumed "
                     "and also runs a backward of its own")
        found = rec.slot(result._data)
        if found is not None:
            return ("tensor", found)
        if id(result) in rec.born:
            rec.fail("it returns a tensor made in Python inside it (its values would be baked "
                     "in)")
        return ("same", result)
    if isinstance(result, (tuple, list)):
        return (type(result), tuple(_output_spec(rec, r, as_node) for r in result))
    if isinstance(result, np.ndarray):
        rec.fail("it returns a numpy array")
    if isinstance(result, dict):
        rec.fail("it returns a dict")
    return ("same", result)


def _slots_of(spec):
    if spec[0] == "tensor":
        return [spec[1][1]]
    if spec[0] == "same":
        return []
    return [k for s in spec[1] for k in _slots_of(s)]


def _build(spec, slots, as_node=False):
    """The call's result from its spec: ``slots`` maps slot numbers to arrays, or (``as_node``)
    each output's slot spec to the node's output Tensor."""
    kind = spec[0]
    if kind == "tensor":
        found = spec[1]
        if as_node:
            return slots[found]
        array = slots[found[1]]
        return _wrap(array if found[0] == "slot" else array.reshape(found[2]))
    if kind == "same":
        return spec[1]
    return kind(_build(s, slots, as_node) for s in spec[1])


def _check_externals(rec):
    """A tensor read from outside that changed in place by something no step recorded (an
    in-place write through ``._data``, a subclass's own optimizer ``step``) would be missed
    on replay: refuse."""
    for t, version, *_ in rec.externals.values():
        if t._version[0] != version and id(t) not in rec.changed:
            rec.fail("a tensor read by the function was changed in place by code that is not "
                     "recorded")
            return


def _name(fn):
    return getattr(fn, "__qualname__", None) or type(fn).__name__


def _show(d):
    if type(d) is tuple and len(d) in (3, 4) and isinstance(d[1], np.dtype):
        grad = " rg" if d[2] is True or len(d) == 3 else ""
        return f"Tensor{list(d[0])} {d[1].name}{grad}"
    if type(d) is tuple and d and d[0] == "A":
        return f"array{list(d[1])}"
    if type(d) is tuple and d and d[0] == "id":
        return "obj"
    return repr(d[-1]) if type(d) is tuple else repr(d)
