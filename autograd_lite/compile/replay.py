"""Replaying a recording: the same kernels on the current arrays, in the recorded order.

A recording becomes one generated Python function, straight-line code with one local variable
per array (``s3``), per op context (``c3``) and per gradient being summed (``g3``). Measured on
W-tiny's step (7 ops, 7 backward nodes, SGD; 1 thread, three alternating runs, medians of 9
rounds of 500 steps): a loop interpreting the steps (resolving each argument, unpacking each
step) took 226, 226, 223 µs a step, the generated function 206, 199, 201 µs (−11%). The
source is kept (``Program.source``, shown by ``explain(source=True)``): it is the readable
record of what replays.

What the generated code does is what eager does, without Tensors or Nodes:

- each op's forward gets its argument arrays and a fresh ``Context`` (so its backward finds what
  this replay saved); arguments are the slots, parameters and buffers read from their current
  ``_data`` (in-place changes between calls are seen), constants, a fresh dict for an op that
  fills one, and dropout seeds drawn from the framework generator in the recorded order (so the
  same seed gives the same masks as eager);
- each recorded backward calls the ops' ``backward`` in the engine's order, zero-fills an output
  nothing flowed to, routes a gradient of another shape or dtype through ``engine._route``,
  sums gradients in the engine's order and delivers leaves' through
  ``engine._deliver_to_leaf``; a node that nothing flowed to is skipped, as the engine does;
- each recorded ``@replayable`` call (``zero_grad``, the optimizer's ``step()`` — its own
  per-parameter Python, reading the current hyperparameters, so a scheduler's new lr is seen
  —, the BatchNorm updates, gradient clipping, a scheduler's ``step()``) is made again.
"""
import numpy as np

from .. import grad_mode
from .. import random as _random
from ..autograd.engine import _deliver_to_leaf, _route
from ..autograd.function import Context, _as_output, _resave_outputs, _UnrecordedContext
from ..tensor import _wrap


class _ReplayUnrecordedContext(_UnrecordedContext):
    """An unrecorded op's context on replay: ``needs_input_grad`` as recorded."""

    __slots__ = ("_needs",)

    @property
    def needs_input_grad(self):
        return self._needs


def _outputs(ctx, raw, recorded):
    """The output arrays of an op that returned a tuple, or something other than an array (as
    ``Function.apply`` makes them)."""
    if type(raw) is tuple:
        outputs = tuple([_as_output(r) for r in raw])
        if recorded and ctx._saved:
            _resave_outputs(ctx, raw, outputs)
        return outputs
    out = _as_output(raw)
    if recorded and ctx._saved:
        _resave_outputs(ctx, (raw,), (out,))
    return out


def _tensor_backward(fn, ctx, *grads):
    """A backward that takes Tensors (a vjp-only op), as the engine calls it."""
    with grad_mode.no_grad():
        return fn.backward(ctx, *[None if g is None else _wrap(g) for g in grads])


class Program:
    """A recording as a generated function: ``run(input_arrays)`` returns ``{slot: array}`` for
    the slots the outputs need. With ``call_plan`` (the backward a caller's graph will run
    through the call, ``Recorder.plan_call_backward``), ``run`` also returns the contexts that
    backward needs, and ``backward(contexts, output_grads, n_inputs)`` runs it, returning the
    gradient of each input of the node (``graph_call.py``)."""

    def __init__(self, rec, n_inputs, out_slots, call_plan=None):
        self.steps = rec.steps
        self.n_ops = sum(1 for s in rec.steps if s[0] == "op")
        plans = [s[1] for s in rec.steps if s[0] == "backward"]
        if call_plan is not None:
            plans.append(call_plan)
        self.n_backward_nodes = sum(len(plan["walk"]) for plan in plans)
        self.source, namespace = _generate(rec.steps, n_inputs, sorted(set(out_slots)),
                                           call_plan)
        exec(compile(self.source, "<al.compile replay>", "exec"), namespace)  # noqa: S102
        self._run = namespace["replay"]
        self.backward = namespace.get("replay_backward")

    def run(self, inputs):
        return self._run(*inputs)


def _generate(steps, n_inputs, out_slots, call_plan=None):
    names = {"new": object.__new__, "Ctx": Context, "URCtx": _ReplayUnrecordedContext,
             "ndarray": np.ndarray, "outputs": _outputs, "route": _route,
             "deliver": _deliver_to_leaf, "zeros": np.zeros, "tbackward": _tensor_backward,
             "R": _random}

    def const(value, prefix="C"):
        name = f"{prefix}{len(names)}"
        names[name] = value
        return name

    def arg(spec):
        kind = spec[0]
        if kind == "slot":
            return f"s{spec[1]}"
        if kind == "view":
            return f"s{spec[1]}.reshape({const(spec[2])})"
        if kind == "ext":
            return f"{const(spec[1], 'E')}._data"
        if kind == "seed":
            return "R.next_kernel_seed()"
        if kind == "dict":
            return f"d{spec[1]}"
        if kind == "grad":
            return f"G[{spec[1]}]"
        return const(spec[1])

    lines = [f"def replay({''.join(f's{k}, ' for k in range(n_inputs))}):"]
    emit = lines.append
    for index, step in enumerate(steps):
        kind = step[0]
        if kind == "op":
            _, cls, specs, out_slots_, needs, recorded, is_tuple = step
            for spec in specs:
                if spec[0] == "dict" and spec[2]:
                    emit(f"    d{spec[1]} = {{}}")
            c = f"c{index}"
            if recorded:
                emit(f"    {c} = new(Ctx); {c}.needs_input_grad = {const(needs)}; "
                     f"{c}._saved = (); {c}._versions = None; {c}._sources = None; "
                     f"{c}._tensor_io = {cls._backward_takes_tensors!r}")
            else:
                emit(f"    {c} = new(URCtx); {c}._needs = {const(needs)}")
            emit(f"    {c}._op = {cls.__name__!r}")
            call = f"{const(cls, 'K')}.forward({c}, {', '.join(arg(s) for s in specs)})"
            if is_tuple:
                targets = "".join(f"s{k}, " for k in out_slots_)
                emit(f"    {targets}= outputs({c}, {call}, {recorded!r})")
            else:
                s = f"s{out_slots_[0]}"
                emit(f"    {s} = {call}")
                emit(f"    if type({s}) is not ndarray: {s} = outputs({c}, {s}, {recorded!r})")
        elif kind == "backward":
            _emit_backward(step[1], emit, const, arg)
        else:  # "call": a @replayable function, called again
            _, fn, specs, kwspecs = step
            args = [arg(spec) for spec in specs]
            args += [f"{name}={arg(spec)}" for name, spec in kwspecs.items()]
            emit(f"    {const(fn, 'F')}({', '.join(args)})")
    slots = "{" + ", ".join(f"{k}: s{k}" for k in out_slots) + "}"
    if call_plan is None:
        emit(f"    return {slots}")
        return "\n".join(lines) + "\n", names
    # a replay as one node of the caller's graph: keep the contexts its backward reads
    contexts = sorted({entry for entry, *_ in call_plan["walk"]})
    emit(f"    return {slots}, ({''.join(f'c{i}, ' for i in contexts)})")
    emit("")
    emit("def replay_backward(C, G, n_inputs):")
    if contexts:
        emit(f"    {''.join(f'c{i}, ' for i in contexts)}= C")
    emit("    gin = [None] * n_inputs")
    _emit_backward(call_plan, emit, const, arg)
    emit("    return gin")
    return "\n".join(lines) + "\n", names


def _emit_backward(plan, emit, const, arg):
    n = plan["n_grads"]
    if n:
        emit("    " + " = ".join(f"g{k}" for k in range(n)) + " = None")
    for source, kind, target in plan["seeds"]:
        if kind == "leaf":
            emit(f"    deliver({const(target)}, {arg(source)}, None, None)")
        else:
            emit(f"    g{target} = {arg(source)} if g{target} is None else "
                 f"g{target} + {arg(source)}")
    for entry, node, outs, edges in plan["walk"]:
        present = [f"g{k} is not None" for k in outs if k is not None]
        emit(f"    if {' or '.join(present)}:")
        grads = []
        for index, k in enumerate(outs):
            meta = node.out_meta[index]
            if meta is None:
                grads.append("None" if k is None else f"g{k}")
                continue
            zeros = f"zeros({const(meta[0])}, {const(meta[1])})"
            if k is None:
                grads.append(zeros)
            else:
                if len(present) > 1 or len(outs) > 1:
                    emit(f"        if g{k} is None: g{k} = {zeros}")
                grads.append(f"g{k}")
        fn = const(node.fn, "K")
        if node.fn._backward_takes_tensors:
            emit(f"        gi = tbackward({fn}, c{entry}, {', '.join(grads)})")
        else:
            emit(f"        gi = {fn}.backward(c{entry}, {', '.join(grads)})")
        emit("        if type(gi) is not tuple: gi = (gi,)")
        node_name = const(node)
        for j, edge in enumerate(edges):
            if edge is None:
                continue
            kind, target, shape, dtype = edge
            sh, dt = const(shape), const(dtype)
            emit(f"        g = gi[{j}]")
            emit("        if g is not None:")
            emit(f"            if type(g) is not ndarray or g.shape != {sh} or g.dtype != {dt}: "
                 f"g = route({node_name}, g, {sh}, {dt})")
            if kind == "leaf":
                emit(f"            deliver({const(target)}, g, None, None)")
            elif kind == "input":  # leaves the recording: an input of the replayed node
                emit(f"            gin[{target}] = g if gin[{target}] is None else "
                     f"gin[{target}] + g")
            else:
                emit(f"            g{target} = g if g{target} is None else g{target} + g")
