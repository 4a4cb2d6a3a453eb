"""When a recording may be replayed: the call's signature and the guards checked after it.

The signature (a hashable key, computed on every call) is the grad mode, detect_anomaly, and
for each argument: a Tensor's shape, dtype, requires_grad and whether it is a leaf (a leaf that
requires grad, e.g. a parameter, by identity too); a numpy array's shape and dtype; which
positional arguments share one array, if any; a number, string, bool or None by value; anything else (a module, an
optimizer, a function) by identity. The guards, checked once the key matched, are what the
recording itself discovered: each module that ran has the train/eval flag it had, and each
tensor read from outside (parameters, buffers) still has its shape, dtype and requires_grad.
Optimizer hyperparameters are not guarded: the replayed ``step()`` reads them each call.
"""
import numpy as np

from .. import grad_mode
from ..autograd import anomaly
from ..tensor import Tensor

_BY_VALUE = (bool, int, float, str, type(None))


def describe(arg):
    if isinstance(arg, Tensor):
        data = arg._data
        if arg.requires_grad and arg._node is None:
            # a leaf that requires grad (a parameter) may also be used inside the function
            # through a module: the recording is valid for this very tensor only
            return (data.shape, data.dtype, id(arg))
        return (data.shape, data.dtype, arg.requires_grad, arg._node is None)
    if isinstance(arg, np.ndarray):
        return ("A", arg.shape, arg.dtype)
    if type(arg) in _BY_VALUE:
        return (type(arg), arg)
    return ("id", id(arg))


def signature(args, kwargs):
    """The key of a call. One pass over the arguments (this runs on every call: for a small
    function under no_grad it is most of what a replay costs, see docs/compile.md)."""
    key = [grad_mode.is_grad_enabled(), anomaly._enabled[0]]
    arrays = []
    for a in args:
        key.append(describe(a))
        if isinstance(a, Tensor):
            arrays.append(id(a._data))
        elif isinstance(a, np.ndarray):
            arrays.append(id(a))
    if kwargs:
        key.extend([(name, describe(kwargs[name])) for name in sorted(kwargs)])
    if len(arrays) > 1 and len(set(arrays)) != len(arrays):
        # one array passed twice: a recording of its own
        key.append(("aliased", tuple(arrays.index(i) for i in arrays)))
    return tuple(key)


def _is_input(a):
    """An argument whose array is an input slot of a recording (a Tensor or a numpy array)."""
    return isinstance(a, (Tensor, np.ndarray))


def input_objects(args, kwargs):
    """The Tensor and numpy arguments in input-slot order: positional, then keywords by name."""
    values = list(args)
    if kwargs:
        values.extend(kwargs[name] for name in sorted(kwargs))
    return [a for a in values if _is_input(a)]


def with_inputs(args, kwargs, inputs):
    """``(args, kwargs)`` with the arguments ``input_objects`` lists replaced, in its order, by
    ``inputs``."""
    inputs = iter(inputs)
    args = [next(inputs) if _is_input(a) else a for a in args]
    kwargs = dict(kwargs)
    for name in sorted(kwargs):
        if _is_input(kwargs[name]):
            kwargs[name] = next(inputs)
    return args, kwargs


def guards_of(rec):
    """What to check: each module that ran with its training flag and the parameters, buffers
    and children it held (by identity: a layer or parameter replaced between calls is a new
    recording), and each tensor read from outside with its requires_grad, shape and dtype."""
    modules = tuple((m, training, _held(m)) for m, training in rec.modules.values())
    tensors = tuple((t, requires_grad, shape, dtype)
                    for t, _, requires_grad, shape, dtype in rec.externals.values())
    return modules, tensors


def _held(module):
    return tuple(map(id, (*module._parameters.values(), *module._buffers.values(),
                          *module._modules.values())))


def guards_hold(guards):
    modules, tensors = guards
    for module, training, held in modules:
        if module.training != training or _held(module) != held:
            return False
    for t, requires_grad, shape, dtype in tensors:
        data = t._data
        if t.requires_grad != requires_grad or data.shape != shape or data.dtype != dtype:
            return False
    return True
