"""``Optimizer``: the base class every optimizer in ``autograd_lite.optim`` builds on.

It follows ``torch.optim.Optimizer``:

- ``param_groups`` is a list of dicts, each with a ``"params"`` list and its own copy of every
  hyperparameter (defaults filled in from the constructor's arguments), so one optimizer can
  train, say, the biases at a different learning rate from the weights.
- ``state`` maps a parameter (the Tensor itself) to a dict of its per-parameter state: numpy
  arrays (velocity, squared-gradient average, ...) and a Python int ``"step"`` where needed.
  State is created lazily, on a parameter's first update.
- ``step()`` updates, in place, every parameter whose ``.grad`` is not None (the others are
  skipped: no update, no state); ``zero_grad()`` clears the gradients.
- ``state_dict()`` / ``load_state_dict()`` key the state by the parameter's index in the order
  of ``param_groups`` (as PyTorch does), so a state dict saved from one model loads into a
  freshly built copy of it, and a resumed run continues bit for bit.

Parameters are updated by writing into ``p._data`` (never rebinding it), then bumping the
tensor's version with ``autograd_lite.tensor.mark_modified`` so that a graph which saved the old
values refuses to backpropagate through the new ones.
"""
import copy
import math

import numpy as np

from .. import grad_mode
from .._effects import replayable
from ..tensor import Tensor, clear_grads, mark_modified
from ._flat import FlatBatch, covers


class _RequiredParameter:
    def __repr__(self):
        return "<required parameter>"


#: a default that the caller must supply (no sensible default exists)
required = _RequiredParameter()


def _check_number(name, value, low=None, low_inclusive=True, high=None, high_inclusive=False):
    """Raise ValueError naming ``name`` unless ``value`` is a finite real number in range."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"invalid {name}: {value} (must be finite)")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        relation = ">=" if low_inclusive else ">"
        raise ValueError(f"invalid {name}: {value} (must be {relation} {low})")
    if high is not None and (value > high or (value == high and not high_inclusive)):
        relation = "<=" if high_inclusive else "<"
        raise ValueError(f"invalid {name}: {value} (must be {relation} {high})")


class Optimizer:
    """Base class: holds parameter groups and per-parameter state.

    Subclasses pass their hyperparameter defaults to ``__init__`` and implement ``_update(p,
    grad, state, group)``, which changes ``p._data`` in place given the gradient array ``grad``
    (the base class calls ``mark_modified`` afterwards). ``_check_group(group)`` validates one
    group's hyperparameters (it runs for the constructor's groups and for ``add_param_group``).
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = {}
        self.param_groups = []
        self._flat_batches = {}  # id(group) -> FlatBatch (optim/_flat.py)
        if isinstance(params, Tensor):
            raise TypeError("params must be an iterable of Tensors or of dicts, not a single "
                            "Tensor: wrap it in a list, e.g. Optimizer([w], ...)")
        if isinstance(params, dict):
            params = [params]
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError(f"{type(self).__name__} got an empty parameter list: pass "
                             f"model.parameters() of a model that has parameters, or a "
                             f"non-empty list of tensors")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    # ---- groups -------------------------------------------------------------------------
    def add_param_group(self, param_group):
        """Add a dict ``{"params": [...], <hyperparameter overrides>}``; hyperparameters left
        out take the constructor's values. A parameter may belong to one group only."""
        if not isinstance(param_group, dict):
            raise TypeError(f"a param group must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError("a param group needs a 'params' entry")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("params must be an ordered collection (list or tuple), not a set: "
                            "the order must be the same on every run for state_dict to work")
        else:
            params = list(params)
        if len(params) == 0:
            raise ValueError(f"{type(self).__name__} got an empty parameter list in a param group")
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"an optimizer can only optimize Tensors, got "
                                f"{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor (one produced by an op); "
                                 "optimize the leaf it was computed from, or .detach() it and "
                                 "call .requires_grad_()")
            if p._data.dtype.kind != "f":
                raise TypeError(f"can only optimize floating-point tensors, got {p._data.dtype}")
        if len({id(p) for p in params}) != len(params):
            raise ValueError("a param group contains the same parameter more than once")
        group["params"] = params

        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"param group didn't specify a value of required "
                                 f"hyperparameter {name!r}")
            group.setdefault(name, default)
        self._check_group(group)

        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if existing.intersection(id(p) for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def _check_group(self, group):
        _check_number("learning rate (lr)", group["lr"], low=0.0)

    # ---- gradients ----------------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Clear every parameter's gradient: drop it (``set_to_none=True``, the default, which
        frees the memory and lets the next backward write instead of add) or fill it with
        zeros in place."""
        clear_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    # ---- the update ---------------------------------------------------------------------
    @replayable(changes=lambda self, closure=None: [p for g in self.param_groups
                                                    for p in g["params"]])
    def step(self, closure=None):
        """Update every parameter that has a gradient, in place.

        ``closure``, if given, is called first (with gradients enabled) and should zero the
        gradients, compute the loss, call ``backward`` and return the loss; ``step`` returns
        what it returns (None without a closure).
        """
        loss = None
        if closure is not None:
            with grad_mode.enable_grad():
                loss = closure()
        with grad_mode.no_grad():
            all_state = self.state
            for group in self.param_groups:
                if self._step_flat(group, all_state):
                    continue
                items = []
                for p in group["params"]:
                    g = p.grad
                    if g is None:
                        continue
                    grad = g._data if isinstance(g, Tensor) else np.asarray(g)
                    data = p._data
                    if grad.shape != data.shape:
                        raise RuntimeError(f"the gradient of a parameter of shape "
                                           f"{data.shape} has shape {grad.shape}")
                    if grad.dtype != data.dtype:
                        grad = grad.astype(data.dtype)
                    state = all_state.get(p)
                    if state is None:
                        state = all_state[p] = {}
                    items.append((p, grad, state))
                if items:
                    self._update_group(items, group)
        return loss

    def _step_flat(self, group, all_state):
        """Update ``group`` through the flat batch an earlier step kept for it
        (``optim/_flat.py``); False (nothing done, the batch dropped) when there is none or it
        no longer describes the group."""
        batch = self._flat_batches.get(id(group))
        if batch is None:
            return False
        grads = batch.gradients(group, all_state)
        if grads is None or batch.keys != self._flat_keys(group) \
                or not self._update_flat(batch, grads, group):
            del self._flat_batches[id(group)]
            return False
        batch.mark_modified()
        return True

    def _keep_flat(self, group, tensors, state_dicts):
        """After a general step that batched ``tensors`` into one kernel call: keep them as
        the group's flat batch when they are the whole group."""
        if covers(group, tensors):
            self._flat_batches[id(group)] = FlatBatch(tensors, state_dicts,
                                                      self._flat_keys(group))

    def _flat_keys(self, group):  # pragma: no cover - only optimizers with *_many kernels
        """The state entries the group's ``*_many`` kernel reads (they must stay the same
        arrays for a flat batch to be reused)."""
        raise NotImplementedError

    def _update_flat(self, batch, grads, group):  # pragma: no cover - see _flat_keys
        """One ``*_many`` update of ``batch`` with the flat ``grads``; False if it cannot."""
        raise NotImplementedError

    def _update_group(self, items, group):
        """Update every ``(parameter, gradient array, state)`` of one group and bump each
        parameter's version. This default runs ``_update`` on one parameter at a time;
        optimizers override it to update many small parameters in one kernel call."""
        for p, grad, state in items:
            self._update(p._data, grad, state, group)
            mark_modified(p)

    def _update(self, param, grad, state, group):  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must implement _update")

    # ---- persistence --------------------------------------------------------------------
    def state_dict(self):
        """``{"state": {index: {name: array or number}}, "param_groups": [{hyperparameters,
        "params": [index, ...]}]}``, parameters numbered in ``param_groups`` order.

        The arrays are copies, so the dict is a snapshot: later steps do not change it.
        """
        index_of = {}
        groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            indices = []
            for p in group["params"]:
                index_of.setdefault(id(p), len(index_of))
                indices.append(index_of[id(p)])
            packed["params"] = indices
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state:
                    state[index_of[id(p)]] = {k: (v.copy() if isinstance(v, np.ndarray) else v)
                                              for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore hyperparameters and per-parameter state saved by ``state_dict()`` from an
        optimizer built over the same parameters in the same order (the values may differ:
        typically a freshly built model whose parameters were loaded separately)."""
        if not isinstance(state_dict, dict) or "param_groups" not in state_dict \
                or "state" not in state_dict:
            raise ValueError("not an optimizer state dict: expected a dict with 'state' and "
                             "'param_groups'")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has {len(saved_groups)} parameter groups, "
                             f"this optimizer has {len(self.param_groups)}")
        for i, (mine, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(mine["params"]) != len(saved["params"]):
                raise ValueError(f"parameter group {i} has {len(mine['params'])} parameters, "
                                 f"the loaded state dict has {len(saved['params'])} there")
        by_index = {}
        for mine, saved in zip(self.param_groups, saved_groups):
            for p, index in zip(mine["params"], saved["params"]):
                by_index[_as_int(index)] = p

        new_state = {}
        for index, entry in state_dict["state"].items():
            index = _as_int(index)
            if index not in by_index:
                raise ValueError(f"loaded state dict has state for parameter {index}, which is "
                                 f"not in any of its parameter groups")
            p = by_index[index]
            restored = {}
            for name, value in entry.items():
                restored[name] = _restore_value(name, value, p)
            new_state[p] = restored

        new_groups = []
        for mine, saved in zip(self.param_groups, saved_groups):
            group = {k: _plain(v) for k, v in saved.items() if k != "params"}
            group["params"] = mine["params"]
            new_groups.append(group)
        for group in new_groups:
            self._check_group(group)
        self.param_groups = new_groups
        self.state = new_state

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self):
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)


def _as_int(index):
    if isinstance(index, str) and index.lstrip("-").isdigit():
        return int(index)
    if isinstance(index, (int, np.integer)):
        return int(index)
    raise ValueError(f"parameter index {index!r} in the state dict is not an integer")


def _plain(value):
    """A hyperparameter as Python values, whatever a file format turned it into (0-d arrays
    and numpy scalars become numbers or bools, 1-d arrays lists)."""
    if isinstance(value, Tensor):
        value = value._data
    if isinstance(value, np.ndarray):
        return value.item() if value.ndim == 0 else value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return copy.deepcopy(value)


def _restore_value(name, value, p):
    """A fresh copy of one saved state entry: arrays are copied (C order) in the parameter's
    dtype after checking their shape; ``step`` comes back as a Python int, whatever form the
    saved value took (an int, a float, a 0-d array from an ``.npz`` file, a tensor)."""
    if isinstance(value, Tensor):
        value = value._data
    if name == "step":
        return int(np.asarray(value).item())
    if p._data.ndim == 0 and isinstance(value, (float, np.floating)):
        value = np.asarray(value)  # a 0-d parameter's state, flattened to a number by a file
    if isinstance(value, (np.ndarray, list, tuple)):
        value = np.asarray(value)
        if value.shape != p._data.shape:
            raise ValueError(f"state {name!r} has shape {value.shape}, its parameter has shape "
                             f"{p._data.shape}")
        return np.array(value, dtype=p._data.dtype, order="C", copy=True)
    if isinstance(value, np.generic):
        return value.item()
    return copy.deepcopy(value)
