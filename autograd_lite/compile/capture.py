"""Recording one eager call: what ran, on which arrays, in which order.

While a ``Recorder`` is active (``recording(rec)``, one place, restored in a ``finally``), a
handful of framework entry points are swapped for versions that run the original AND note
what it did: ``Function.apply`` (every op), ``autograd.backward`` (the backward walk, planned
from the graph exactly as the engine will walk it), ``random.next_kernel_seed`` (dropout
seeds), ``Module.__call__`` (train/eval flags, the modules to guard) and Tensor creation (a
tensor made in Python during the call). The framework functions with effects outside the ops
(``zero_grad``'s ``clear_grads``, ``Optimizer.step``, the BatchNorm running statistics and
batch count, ``clip_grad_norm_``, ``clip_grad_value_``, ``vector_to_parameters``, a scheduler's
``step``) are marked ``@replayable`` (``autograd_lite._effects``) and recorded as calls.
Everything that reads a tensor's values in Python (``item``, ``numpy``, ``bool``, ...), an
in-place op, another random draw, ``autograd.grad`` or a Tensor built from an argument's array
marks the recording as failed with its cause; the call still finishes eagerly, so its result
is eager's. Eager execution outside a recording is untouched: no check is added to
``Function.apply``'s hot path.

Arrays are named by *slots*: the arguments' arrays first, then every op output, found by
``id`` (the recorder keeps each array alive, so ids are not reused while it runs).
"""
import contextlib
import sys
import threading

import numpy as np

from .. import _effects
from .. import autograd as _autograd
from .. import random as _random
from ..autograd import engine as _engine
from ..autograd.function import Function
from ..nn import module as _module
from ..ops import inplace as _inplace
from ..tensor import Tensor

#: the module tensor.py (``autograd_lite.tensor`` the attribute is the creation function)
_tensor = sys.modules[Tensor.__module__]
#: Tensor methods that hand a value to Python: calling one inside a compiled function means
#: its control flow may depend on the values, so it is never captured
_VALUE_READS = ("item", "numpy", "tolist", "__bool__", "__float__", "__int__", "__index__",
                "__array__", "__format__")


class CaptureError(Exception):
    """Why a call could not be recorded (the message names the cause)."""


class Recorder:
    """The steps of one call, in order. Step kinds (tuples, first item the kind):

    - ``("op", cls, specs, out_slots, needs, recorded, is_tuple)``: an op's forward; ``specs``
      name each argument (``("slot", k)``, ``("view", k, shape)``, ``("ext", tensor)``,
      ``("seed",)``, ``("dict", k, fresh)``, ``("const", value)``)
    - ``("backward", plan)``: see ``_plan_backward``
    - ``("call", fn, specs, kwargs)``: a ``@replayable`` function (its arguments named as an
      op's are; generators made lists)
    """

    def __init__(self):
        self.steps = []
        self.slot_of = {}      # id(array) -> slot
        self.keep = []         # every slot's array, alive until the recording ends
        self.n_dicts = 0
        self.dict_of = {}      # id(dict) -> dict slot
        self.seeds = set()     # ids of the seed ints drawn while recording
        self.entry_of = {}     # id(node) -> (op step index, node)
        self.externals = {}    # id(tensor) -> tensor read by the recording (not an argument)
        self.modules = {}      # id(module) -> (module, training flag) of every module that ran
        self.changed = set()   # ids of tensors that recorded steps change in place
        self.backward_roots = set()  # ids of nodes a recorded backward started from
        self.born = {}         # id(tensor) -> tensor made during the call (not by an op)
        self.failure = None

    def fail(self, cause):
        if self.failure is None:
            self.failure = cause

    # ---- slots --------------------------------------------------------------------------
    def add_slot(self, array):
        slot = len(self.keep)
        self.keep.append(array)
        self.slot_of[id(array)] = slot
        return slot

    def slot(self, array):
        """The slot of ``array`` (or of the array it views, with its shape), else None."""
        slot = self.slot_of.get(id(array))
        if slot is not None:
            return ("slot", slot)
        base = array.base
        if base is not None and array.size == base.size and array.flags.c_contiguous \
                and base.flags.c_contiguous:
            slot = self.slot_of.get(id(base))
            if slot is not None:
                return ("view", slot, array.shape)
        return None

    def spec(self, cls, arg):
        if isinstance(arg, Tensor):
            found = self.slot(arg._data)
            if found is not None:
                return found
            if id(arg) in self.born:
                self.fail(f"{_name(cls)} read a tensor made in Python inside the function (its "
                          f"values would be baked in; make constants outside, or use ops)")
            self.externals.setdefault(id(arg), (arg, arg._version[0], arg.requires_grad,
                                                arg._data.shape, arg._data.dtype))
            return ("ext", arg)
        if isinstance(arg, np.ndarray):
            found = self.slot(arg)
            if found is None:
                self.fail(f"{_name(cls)} received a numpy array computed outside the ops "
                          f"(it may depend on the arguments' values)")
            return found
        if type(arg) is int and id(arg) in self.seeds:
            return ("seed",)
        if type(arg) is dict:
            k = self.dict_of.get(id(arg))
            if k is not None:
                return ("dict", k, False)  # filled by an earlier op: read it
            if arg:
                self.fail(f"{_name(cls)} received a non-empty dict")
            k = self.dict_of[id(arg)] = self.n_dicts
            self.n_dicts += 1
            self.keep.append(arg)
            return ("dict", k, True)  # a fresh one at each replay
        if isinstance(arg, (list, tuple)) and any(isinstance(a, Tensor) for a in arg):
            # a parameter list: passed as it is (the tensors read at replay), unless one of
            # them holds an argument's or an op's array, or was made in Python here
            for t in arg:
                if isinstance(t, Tensor) and self.spec(cls, t)[0] != "ext":
                    self.fail(f"{_name(cls)} received a list holding a tensor computed inside "
                              f"the function")
            return ("const", arg)
        if isinstance(arg, (list, set)):
            self.fail(f"{_name(cls)} received a mutable {type(arg).__name__}")
        return ("const", arg)

    def call_spec(self, fn, arg):
        """An argument of a ``@replayable`` call: a Tensor is passed as itself (a parameter, a
        buffer), anything else as an op's argument."""
        if not isinstance(arg, Tensor):
            return self.spec(fn, arg)
        spec = self.spec(fn, arg)
        if spec[0] != "ext":
            self.fail(f"{_name(fn)} was given a tensor computed inside the function")
        return ("const", arg)

    # ---- the swapped entry points ---------------------------------------------------------
    def record_apply(self, original, cls, args):
        if cls.tensor_io:
            self.fail(f"{cls.__name__} is a Function with Tensor forward (only NumpyFunction "
                      f"ops are replayed)")
        specs = tuple(self.spec(cls, a) for a in args)
        out = original.__func__(cls, *args)
        outs = out if type(out) is tuple else (out,)
        out_slots = tuple(self.add_slot(t._data) for t in outs)
        node = next((t._node for t in outs if isinstance(t, Tensor) and t._node is not None),
                    None)
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        index = len(self.steps)
        if node is not None:
            self.entry_of[id(node)] = (index, node)
        self.steps.append(("op", cls, specs, out_slots, needs, node is not None,
                           type(out) is tuple))
        return out

    def record_backward(self, original, tensors, grad_tensors=None, retain_graph=None,
                        create_graph=False):
        if create_graph:
            self.fail("backward(create_graph=True)")
        roots = _autograd._as_list(tensors)
        grads = _autograd._as_list(grad_tensors) if grad_tensors is not None \
            else [None] * len(roots)
        root_grads = _autograd._root_grads(roots, grads, "backward", False)
        try:
            plan = self._plan_backward(roots, root_grads, grads)
        except CaptureError as error:
            self.fail(str(error))
            plan = None
        original(tensors, grad_tensors, retain_graph=retain_graph, create_graph=create_graph)
        self.steps.append(("backward", plan))

    def _plan_backward(self, roots, root_grads, grads):
        """The walk ``engine._run`` does for ``backward(roots, grads)`` inside the call,
        written down (see ``_plan_walk``)."""
        gslot = {}
        seeds = []
        for i, (root, g) in enumerate(zip(roots, root_grads)):
            if isinstance(grads[i], Tensor):
                if grads[i].dtype != root.dtype or grads[i].shape != root.shape:
                    raise CaptureError("backward(gradient) of another dtype or shape")
                source = self.spec(Function, grads[i])
            else:
                source = ("const", g)
            if root._node is None:
                if not root.requires_grad:
                    raise CaptureError("backward on a tensor that does not require grad")
                seeds.append((source, "leaf", root))
            else:
                seeds.append((source, "node", _grad_slot(gslot, root._node, root._out_index)))
                self.backward_roots.add(id(root._node))
        return self._plan_walk(roots, seeds, gslot)

    def plan_call_backward(self, roots, leaf_input, node_input):
        """The walk a backward from the call's outputs ``roots`` will do, for a call replayed
        as one node of the caller's graph (``graph_call.py``): the root gradients are the
        node's output gradients (``("grad", k)``), and gradients leaving the recording go to
        the node's inputs: a leaf by ``leaf_input[id(tensor)]``, an argument made by an op
        outside by ``node_input[(id(node), output index)]``."""
        gslot = {}
        seeds = []
        for k, root in enumerate(roots):
            if root._node is None or id(root._node) not in self.entry_of:
                raise CaptureError("it returns a tensor that requires grad but was not made "
                                   "inside it (an argument, or a tensor from outside)")
            seeds.append((("grad", k), "node", _grad_slot(gslot, root._node, root._out_index)))
        return self._plan_walk(roots, seeds, gslot, (leaf_input, node_input))

    def _plan_walk(self, roots, seeds, gslot, inputs=None):
        """The walk ``engine._run`` does, written down: for each node (last recorded first)
        its op step, the grad slots of its outputs, and where each input's gradient goes.
        Grad slots are numbered per (node, output); the root gradients come first. With
        ``inputs`` (a replay as one node), a gradient that leaves the recording goes to an
        input of that node (``("input", position, shape, dtype)``)."""
        pending = {r._node: None for r in roots if r._node is not None}
        walk = []
        for node in _engine._reverse_recording_order(pending):
            entry = self.entry_of.get(id(node))
            if entry is None:
                if inputs is not None:
                    continue  # an argument's producer: the caller's graph goes on from there
                raise CaptureError(f"backward reaches {node.name}, an op recorded before the "
                                   f"call (an argument has a grad_fn)")
            outs = tuple(_grad_slot(gslot, node, i) if (id(node), i) in gslot else None
                         for i in range(len(node.out_meta)))
            edges = []
            for edge in node.edges:
                if edge is None:
                    edges.append(None)
                    continue
                target, index, shape, dtype = edge
                if inputs is not None and (index is None or id(target) not in self.entry_of):
                    leaf_input, node_input = inputs
                    position = leaf_input.get(id(target)) if index is None \
                        else node_input.get((id(target), index))
                    if position is None:
                        raise CaptureError(f"{node.name}'s gradient reaches a tensor that is "
                                           f"neither an argument nor a parameter it read")
                    edges.append(("input", position, shape, dtype))
                elif index is None:
                    edges.append(("leaf", target, shape, dtype))
                    self.changed.add(id(target))
                else:
                    edges.append(("node", _grad_slot(gslot, target, index), shape, dtype))
            walk.append((entry[0], node, outs, tuple(edges)))
        return {"seeds": seeds, "walk": walk, "n_grads": len(gslot)}

    def record_call(self, fn, args, kwargs, changes):
        """A ``@replayable`` function: run it, and note the call (arguments named as an op's,
        a generator made a list first, since the replay iterates it again)."""
        args = tuple(list(a) if _is_iterator(a) else a for a in args)
        kwargs = {k: list(v) if _is_iterator(v) else v for k, v in kwargs.items()}
        specs = tuple(self.call_spec(fn, a) for a in args)
        kwspecs = {k: self.call_spec(fn, v) for k, v in kwargs.items()}
        self.steps.append(("call", fn, specs, kwspecs))
        if changes is not None:
            self.changed.update(id(t) for t in changes(*args, **kwargs))
        return fn(*args, **kwargs)

    def record_seed(self, original):
        seed = original()
        self.seeds.add(id(seed))
        self.keep.append(seed)
        return seed

    def record_module_call(self, original, module, *args, **kwargs):
        self.modules.setdefault(id(module), (module, module.training))
        return original(module, *args, **kwargs)


class _GuardedGenerator:
    """Stands in for the framework generator while recording: any draw other than a kernel
    seed (``al.randn`` inside the function, a DataLoader shuffle) is a value baked into the
    recording, so it fails the capture (and then runs on the real generator)."""

    def __init__(self, recorder, real, thread):
        self._recorder, self._real, self._thread = recorder, real, thread

    def __getattr__(self, name):
        if threading.get_ident() == self._thread:
            self._recorder.fail(f"a random draw from the framework generator ({name})")
        return getattr(self._real, name)


#: the threads that are recording now: a compiled function called while its thread records
#: runs eagerly (its replay would bypass the recording), see ``CompiledFunction.__call__``
RECORDING_THREADS = set()


#: one recording at a time in the process: the swaps below are process-wide, and two
#: overlapping recordings that did not end in reverse order would undo each other's (the later
#: one losing its hooks, then putting the earlier one's back for good). Other threads' eager
#: calls and replays do not take it; a thread that records waits for the one recording now.
_RECORDING_LOCK = threading.RLock()


@contextlib.contextmanager
def recording(rec):
    """Swap the entry points listed in the module docstring for recording versions; restore
    them however the call ends. The one place where recording hooks into the framework. The
    swaps are process-wide, so each one passes other threads' calls straight to the original,
    and recordings take turns (``_RECORDING_LOCK``).
    """
    with _RECORDING_LOCK:
        with _swapped(rec):
            yield rec


@contextlib.contextmanager
def _swapped(rec):
    thread = threading.get_ident()
    saved = []

    def swap(owner, name, record):
        """Install ``record(original, *args, **kwargs)`` as ``owner.name`` for this thread."""
        original = owner.__dict__[name]
        saved.append((owner, name, original))

        def hook(*args, **kwargs):
            if threading.get_ident() != thread:
                return original(*args, **kwargs)
            return record(original, *args, **kwargs)
        setattr(owner, name, hook)

    def failing(cause):
        def record(original, *args, **kwargs):
            rec.fail(cause)
            return original(*args, **kwargs)
        return record

    apply_original = Function.__dict__["apply"]
    saved.append((Function, "apply", apply_original))

    def apply_hook(cls, *args):
        if threading.get_ident() != thread:
            return apply_original.__func__(cls, *args)
        return rec.record_apply(apply_original, cls, args)
    Function.apply = classmethod(apply_hook)
    swap(_autograd, "backward", rec.record_backward)
    swap(_autograd, "grad", failing("autograd.grad"))
    real = _random._generator[0]
    swap(_random, "next_kernel_seed",
         lambda original: rec.record_seed(lambda: int(real.integers(0, 2**63 - 1))))
    swap(_module.Module, "__call__", rec.record_module_call)
    swap(_inplace, "_inplace", failing("an in-place op"))
    for name in _VALUE_READS:
        swap(Tensor, name, failing(f"Tensor.{name}() reads a value in Python"))
    def record_init(original, t, data, *args, **kwargs):
        _check_built_from(rec, data)
        rec.born[id(t)] = t
        original(t, data, *args, **kwargs)
    swap(Tensor, "__init__", record_init)
    new_original = _tensor._new

    def new_hook(cls):  # every Tensor made by _wrap during the call (op outputs included)
        t = new_original(cls)
        if threading.get_ident() == thread:
            rec.born[id(t)] = t
        return t
    saved.append((_tensor, "_new", new_original))
    _tensor._new = new_hook
    _random._generator[0] = _GuardedGenerator(rec, real, thread)
    RECORDING_THREADS.add(thread)
    _effects.RECORDERS[thread] = rec
    try:
        yield rec
    finally:
        del _effects.RECORDERS[thread]
        RECORDING_THREADS.discard(thread)
        if _random._generator[0].__class__ is _GuardedGenerator:
            _random._generator[0] = real
        else:
            rec.fail("the framework generator was replaced (manual_seed) inside the function")
        for owner, name, value in reversed(saved):
            setattr(owner, name, value)


def _grad_slot(gslot, node, index):
    """The number of the gradient of ``node``'s output ``index`` (numbered as first met)."""
    key = (id(node), index)
    if key not in gslot:
        gslot[key] = len(gslot)
    return gslot[key]


def _is_iterator(x):
    return hasattr(x, "__next__")


def _name(fn):
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", type(fn).__name__)


def _check_built_from(rec, data):
    array = data._data if isinstance(data, Tensor) else data
    if isinstance(array, np.ndarray) and rec.slot(array) is not None:
        rec.fail("a Tensor built from an argument's or an op's array (its values are copied "
                 "in Python)")
