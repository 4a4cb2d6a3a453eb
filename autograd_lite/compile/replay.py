"""Replaying a recording: the same kernels on the current arrays, in the recorded order.

No Tensor or Node is made per op: each op's forward gets the arrays of its argument slots and
a fresh ``Context`` (so its backward finds what this replay saved); the backward steps call
each op's array ``backward`` in the engine's order and sum, route (``engine._route``) and
deliver gradients as the engine does (``engine._deliver_to_leaf``); the side-effect steps call
the framework's own functions (``clear_grads``, the optimizer's ``step``, the BatchNorm
updates), which read the current hyperparameters (a scheduler's new lr is seen). Parameters
and buffers are read from their current ``_data`` at each replay (in-place changes between
calls are seen). Dropout seeds are drawn from the framework generator in the recorded order,
so the same seed gives the same masks as eager.
"""
import numpy as np

from .. import grad_mode
from .. import random as _random
from ..autograd.engine import _deliver_to_leaf, _route
from ..autograd.function import Context, _as_output, _resave_outputs, _UnrecordedContext
from ..nn import batchnorm as _batchnorm
from ..nn import functional as _functional
from ..tensor import _wrap, clear_grads

_new = object.__new__
_ndarray = np.ndarray


class _ReplayUnrecordedContext(_UnrecordedContext):
    """An unrecorded op's context on replay: ``needs_input_grad`` as recorded."""

    __slots__ = ("_needs",)

    @property
    def needs_input_grad(self):
        return self._needs


class Program:
    """The steps of one recording, resolved for replay; ``run(arrays)`` returns the slots."""

    def __init__(self, rec, n_inputs):
        self.n_slots = max(rec.slot_of.values(), default=-1) + 1
        self.n_inputs = n_inputs
        self.n_dicts = rec.n_dicts
        self.steps = rec.steps
        self.n_ops = sum(1 for s in rec.steps if s[0] == "op")
        self.n_backward_nodes = sum(len(s[1]["walk"]) for s in rec.steps if s[0] == "backward")

    def run(self, inputs):
        slots = [None] * self.n_slots
        slots[:self.n_inputs] = inputs
        ctxs = [None] * len(self.steps)
        dicts = [None] * self.n_dicts
        for index, step in enumerate(self.steps):
            kind = step[0]
            if kind == "op":
                ctxs[index] = _forward(step, slots, dicts)
            elif kind == "backward":
                _backward(step[1], slots, ctxs)
            elif kind == "zero_grad":
                clear_grads(step[1], step[2])
            elif kind == "opt_step":
                step[1].step()
            elif kind == "bn_stats":
                _functional.update_running_stats(step[1], step[2], dicts[step[3]], step[4])
            else:  # "bn_count"
                _batchnorm.count_batch(None, step[1])
        return slots


def resolve(spec, slots, dicts):
    kind = spec[0]
    if kind == "slot":
        return slots[spec[1]]
    if kind == "ext":
        return spec[1]._data
    if kind == "const":
        return spec[1]
    if kind == "seed":
        return _random.next_kernel_seed()
    if kind == "view":
        return slots[spec[1]].reshape(spec[2])
    d = dicts[spec[1]] = {}  # "dict": a fresh one for the op to fill, read by a later step
    return d


def _forward(step, slots, dicts):
    _, cls, specs, out_slots, needs, recorded, is_tuple = step
    arrays = [resolve(s, slots, dicts) for s in specs]
    if recorded:
        ctx = _new(Context)
        ctx.needs_input_grad = needs
        ctx._saved = ()
        ctx._versions = None
        ctx._sources = None
        ctx._tensor_io = cls._backward_takes_tensors
    else:
        ctx = _new(_ReplayUnrecordedContext)
        ctx._needs = needs
    ctx._op = cls.__name__
    raw = cls.forward(ctx, *arrays)
    if is_tuple:
        outputs = tuple([_as_output(r) for r in raw])
        if recorded and ctx._saved:
            _resave_outputs(ctx, raw, outputs)
        for slot, out in zip(out_slots, outputs):
            slots[slot] = out
    elif type(raw) is _ndarray:
        slots[out_slots[0]] = raw
    else:
        out = _as_output(raw)
        if recorded and ctx._saved:
            _resave_outputs(ctx, (raw,), (out,))
        slots[out_slots[0]] = out
    return ctx


def _backward(plan, slots, ctxs):
    grads_of = [None] * plan["n_grads"]
    for source, kind, target in plan["seeds"]:
        g = resolve(source, slots, None)
        if kind == "leaf":
            _deliver_to_leaf(target, g, None, None)
        else:
            current = grads_of[target]
            grads_of[target] = g if current is None else current + g
    for entry, node, outs, edges in plan["walk"]:
        grads = [None if k is None else grads_of[k] for k in outs]
        missing = False
        for g in grads:
            if g is None:
                missing = True
                break
        if missing:
            if all(g is None for g in grads):
                continue  # nothing flowed here this time: the engine skips it too
            for index, meta in enumerate(node.out_meta):
                if grads[index] is None and meta is not None:
                    grads[index] = np.zeros(meta[0], dtype=meta[1])
        fn, ctx = node.fn, ctxs[entry]
        if fn._backward_takes_tensors:
            with grad_mode.no_grad():
                input_grads = fn.backward(ctx, *[None if g is None else _wrap(g)
                                                 for g in grads])
        else:
            input_grads = fn.backward(ctx, *grads)
        if type(input_grads) is not tuple:
            input_grads = (input_grads,)
        for edge, g in zip(edges, input_grads):
            if edge is None or g is None:
                continue
            kind, target, shape, dtype = edge
            if type(g) is not _ndarray or g.shape != shape or g.dtype != dtype:
                g = _route(node, g, shape, dtype)
            if kind == "leaf":
                _deliver_to_leaf(target, g, None, None)
            else:
                current = grads_of[target]
                grads_of[target] = g if current is None else current + g
