"""A compiled call whose outputs stay on the caller's graph, replayed as one node.

A function that returns tensors requiring grad and runs no backward of its own (a module's
forward: ``fast = al.compile(model); loss = F.cross_entropy(fast(x), y); loss.backward()``)
cannot finish its backward inside the call. Its replay is one ``CompiledCall`` node instead:

- forward runs the recorded ops on arrays (the generated ``replay``), keeping the contexts the
  backward needs, and returns the call's tensor outputs;
- backward runs the recorded backward walk (planned at recording from the outputs, as
  ``engine._run`` would walk it) from the output gradients, and returns one gradient per input
  of the node: the call's tensor and array arguments, then every tensor it read from outside
  that requires grad (the parameters). The engine routes, sums and delivers those as it does
  any node's, so ``.grad``, ``autograd.grad``, hooks and ``retain_graph`` behave as eager.
  Each input is saved, so an in-place change between forward and backward raises as in eager;
- ``vjp`` (``create_graph=True``, second derivatives) runs the function again eagerly on the
  node's inputs and differentiates that: only for a recording without side effects (no dropout
  seed, no ``@replayable`` call such as BatchNorm's running statistics, which a second run
  would repeat); otherwise it raises, naming the cause.

Same bits as eager except where eager sums a gradient of one tensor from inside and outside
the call (an argument also used by the caller, a parameter used twice inside whose ``.grad``
already holds a value): the replay adds the inside contributions first, then hands their sum on.
"""
from .. import autograd as _autograd
from .. import grad_mode
from ..autograd.function import NumpyFunction
from ..tensor import Tensor
from . import guards


class CallGraph:
    """What a replay as one node needs besides its Program: the node's tensor inputs beyond the
    arguments (``externals``), which outputs are roots of the backward (``root_of[j]``: the
    index of output j's gradient in the plan, or None), and whether the recording is free of
    side effects (``pure``: then ``vjp`` may run the function again)."""

    __slots__ = ("externals", "outputs", "root_of", "pure", "fn", "keep")

    def __init__(self, externals, outputs, root_of, pure, fn, keep):
        self.externals, self.outputs, self.root_of = externals, outputs, root_of
        self.pure, self.fn, self.keep = pure, fn, keep


def plan(rec, objects, result_tensors):
    """``(CallGraph parts, backward plan)`` for a recording ``rec`` whose call took the
    Tensor/array ``objects`` (in input-slot order) and returned ``result_tensors`` (the Tensor
    outputs, in the order of the node's outputs)."""
    leaf_input, node_input = {}, {}
    for position, obj in enumerate(objects):
        if isinstance(obj, Tensor) and obj.requires_grad:
            if obj._node is None:
                leaf_input.setdefault(id(obj), position)
            else:
                node_input.setdefault((id(obj._node), obj._out_index), position)
    externals = []
    for t, *_ in rec.externals.values():
        if t.requires_grad and id(t) not in leaf_input:
            position = len(objects) + len(externals)
            if t._node is None:
                leaf_input[id(t)] = position
            else:
                node_input[(id(t._node), t._out_index)] = position
            externals.append(t)
    roots, root_of = [], []
    for t in result_tensors:
        if t.requires_grad:
            root_of.append(len(roots))
            roots.append(t)
        else:
            root_of.append(None)
    call_plan = rec.plan_call_backward(roots, leaf_input, node_input)
    pure = not any(s[0] == "call" or (s[0] == "op" and any(a[0] == "seed" for a in s[2]))
                   for s in rec.steps)
    return tuple(externals), tuple(root_of), pure, call_plan


class CompiledCall(NumpyFunction):
    """One replay of a recorded call, as a node of the caller's graph (module docstring)."""

    @staticmethod
    def forward(ctx, entry, *arrays):
        program, graph = entry.program, entry.graph
        ctx.save_for_backward(*arrays)
        ctx.entry = entry
        slots, ctx.contexts = program.run(arrays[:len(arrays) - len(graph.externals)])
        return tuple([slots[found[1]] if found[0] == "slot" else slots[found[1]].reshape(found[2])
                      for found in graph.outputs])

    @staticmethod
    def backward(ctx, *grads):
        ctx.saved_tensors  # noqa: B018  (raises if an input was changed in place since forward)
        graph = ctx.entry.graph
        roots = [None] * sum(1 for r in graph.root_of if r is not None)
        for g, root in zip(grads, graph.root_of):
            if root is not None:
                roots[root] = g
        n_inputs = len(ctx.needs_input_grad) - 1
        return (None, *ctx.entry.program.backward(ctx.contexts, roots, n_inputs))

    @staticmethod
    def vjp(ctx, *grads):
        """Second derivatives: the function run again eagerly on the node's inputs (rebuilt on
        the graph), differentiated with ``create_graph``."""
        entry = ctx.entry
        graph = entry.graph
        if not graph.pure:
            raise RuntimeError(
                f"al.compile: {getattr(graph.fn, '__qualname__', 'the function')} was replayed "
                f"as one node, and create_graph=True would run it again, repeating its dropout "
                f"draws or running-statistics updates; call the function uncompiled to take "
                f"second derivatives through it")
        inputs = ctx.saved_tensors  # Tensors on the graph (a leaf is the leaf itself)
        n_args = len(inputs) - len(graph.externals)
        # array arguments go back as the arrays they were
        given = [t if _was_tensor(ctx, k) else raw
                 for k, (raw, t) in enumerate(zip(ctx._saved[:n_args], inputs[:n_args]))]
        args, kwargs = guards.with_inputs(*graph.keep, given)
        with grad_mode.enable_grad():
            result = graph.fn(*args, **kwargs)
        outs = tensors_of(result)
        pairs = [(outs[j], grads[j]) for j, root in enumerate(graph.root_of) if root is not None]
        wrt = [(k, t) for k, t in enumerate(inputs)
               if isinstance(t, Tensor) and ctx.needs_input_grad[k + 1]]
        found = _autograd.grad([o for o, _ in pairs], [t for _, t in wrt],
                               [g for _, g in pairs], create_graph=True, allow_unused=True)
        gin = [None] * len(inputs)
        for (k, _), g in zip(wrt, found):
            gin[k] = g
        return (None, *gin)


def tensors_of(result):
    """The Tensor outputs of a call's result, in order (``compiled._output_spec``'s order)."""
    if isinstance(result, Tensor):
        return [result]
    if isinstance(result, (tuple, list)):
        return [t for r in result for t in tensors_of(r)]
    return []


def _was_tensor(ctx, k):
    """Whether the node's input k (after the entry) was a Tensor (its saved array has a
    source), not a numpy array argument."""
    sources = ctx._sources
    return bool(sources) and sources[k] is not None
