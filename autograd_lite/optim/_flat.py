"""A group's small parameters as one flat batch, kept from one ``step()`` to the next.

The ``*_many`` update kernels (``kernels.optim_updates``) update several small parameters in
one call; on a small model that call is a few microseconds and the Python that prepares it
(checking every parameter, gradient and state array, flattening each) cost five times as much
(W-tiny's SGD step: 26 µs around a 2.2 µs kernel). A ``FlatBatch`` does that preparation
once, when a step found every parameter of a group batchable, and later steps reuse it after
checking, per parameter, only what can have changed: the same tensor holding the same array,
a gradient of its shape and dtype (a strided one is flattened into a copy), and the same
state arrays. Anything else (a
parameter without a gradient, ``p.data = ...``, ``load_state_dict``) and the step takes the
general path, which builds a new batch. Both paths run the same kernel on the same arrays, so
the results are the same bits.
"""
from ..tensor import Tensor, mark_modified


class FlatBatch:
    """Every parameter of one group (in order), with their state arrays named by ``keys``;
    ``params``/``states[k]`` are the flat (1-D) views the ``*_many`` kernels take."""

    __slots__ = ("tensors", "arrays", "state_dicts", "keys", "state_arrays", "params", "states")

    def __init__(self, tensors, state_dicts, keys):
        self.tensors = tuple(tensors)
        self.arrays = tuple(p._data for p in self.tensors)
        self.state_dicts = tuple(state_dicts)
        self.keys = tuple(keys)
        self.state_arrays = tuple(tuple(s[k] for k in self.keys) for s in self.state_dicts)
        self.params = [a.reshape(-1) for a in self.arrays]
        self.states = [[s[k].reshape(-1) for s in self.state_dicts] for k in self.keys]

    def gradients(self, group, all_state):
        """This step's flat gradients, or None when the batch no longer describes the group."""
        params = group["params"]
        if len(params) != len(self.tensors):
            return None
        grads = []
        for p, tensor, array, state, arrays in zip(params, self.tensors, self.arrays,
                                                   self.state_dicts, self.state_arrays):
            if p is not tensor or p._data is not array or all_state.get(p) is not state:
                return None
            g = p.grad
            if not isinstance(g, Tensor):
                return None
            g = g._data
            if g.shape != array.shape or g.dtype != array.dtype:
                return None
            for key, kept in zip(self.keys, arrays):
                if state.get(key) is not kept:
                    return None
            grads.append(g.reshape(-1))
        return grads

    def mark_modified(self):
        for p in self.tensors:
            mark_modified(p)


def covers(group, tensors):
    """Whether ``tensors`` (the parameters one step batched together) are all of ``group``'s,
    in order: then the batch can stand for the group on the next step."""
    params = group["params"]
    return len(params) == len(tensors) and all(p is t for p, t in zip(params, tensors))
