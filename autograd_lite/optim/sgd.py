"""Stochastic gradient descent, with momentum (the course's and PyTorch's forms) and Nesterov."""
from . import _functional as updates
from ..tensor import mark_modified
from .optimizer import Optimizer, _check_number


class SGD(Optimizer):
    r"""Gradient descent on whatever batch produced the gradients, optionally with momentum.

    For each parameter :math:`W` with gradient :math:`dW`, on every ``step()``::

        g = dW + weight_decay * W                       # coupled L2 (skipped when 0)
        v = momentum * v + (1 - dampening) * g          # velocity, v starts at 0
        g = g + momentum * v   if nesterov else   v     # (only when momentum != 0)
        W = W - lr * g

    - ``momentum=0``: plain gradient descent, :math:`W := W - \alpha\,dW`.
    - ``dampening=0`` (the default): PyTorch's momentum, ``v = βv + dW``, ``W := W − αv``.
    - ``dampening=momentum``: the course's momentum exactly (docs/course.md, "Gradient descent
      with momentum")::

            VdW = β VdW + (1 − β) dW ,   W := W − α VdW ,   VdW starts at 0

      The velocity starts at zero, as the course initialises it. With ``dampening=0`` this is
      the same as PyTorch, whose buffer starts as the first gradient (``0·β + dW = dW``); with
      ``dampening≠0`` PyTorch instead skips the dampening on the first step (its ``v₁ = dW``,
      ours ``v₁ = (1 − dampening) dW``, the course's value). Later steps follow one formula.
    - ``nesterov=True``: Nesterov momentum in PyTorch's form (needs ``momentum > 0`` and
      ``dampening = 0``).
    - ``weight_decay`` is the coefficient of a *coupled* L2 penalty: ``weight_decay·W`` is added
      to the gradient before anything else, which is exactly the gradient of the course's cost
      term :math:`\frac{\lambda}{2m}\|W\|^2`, i.e. ``weight_decay = λ/m``. Unlike the course's
      ``l2_penalty`` it applies to every parameter in the group (put biases in their own group
      with ``weight_decay=0`` to exclude them).

    The positional order of the arguments is PyTorch's (``weight_decay`` before
    ``nesterov``); pass them by name to be safe. There is no epsilon in SGD. The velocity is
    stored as ``state[p]["momentum_buffer"]``.
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                        weight_decay=weight_decay)
        super().__init__(params, defaults)

    def _check_group(self, group):
        super()._check_group(group)
        _check_number("momentum", group["momentum"], low=0.0)
        _check_number("dampening", group["dampening"])
        _check_number("weight_decay", group["weight_decay"], low=0.0)
        if group["nesterov"] not in (True, False):  # also catches SGD(ps, lr, mu, d, 1e-4)
            raise TypeError(f"nesterov must be True or False, got {group['nesterov']!r} (the "
                            f"positional order is PyTorch's: lr, momentum, dampening, "
                            f"weight_decay, nesterov)")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires momentum > 0 and dampening = 0")

    def _update(self, param, grad, state, group):
        momentum = group["momentum"]
        buf = None
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = updates.zeros_state(param)
        updates.sgd_update(param, grad, buf, group["lr"], momentum, group["dampening"],
                           bool(group["nesterov"]), group["weight_decay"])

    def _flat_keys(self, group):
        return ("momentum_buffer",) if group["momentum"] != 0 else ()

    def _update_flat(self, batch, grads, group):
        momentum = group["momentum"]
        updates.sgd_update_many(batch.params, grads, batch.states[0] if batch.keys else [],
                                group["lr"], momentum, group["dampening"],
                                bool(group["nesterov"]), group["weight_decay"])
        return True

    def _update_group(self, items, group):
        # small float32/float64 parameters: one kernel call for several (grouped by dtype);
        # the rest one at a time, as the base class does. When one call took the whole group,
        # its batch is kept for the next step (optim/_flat.py).
        momentum = group["momentum"]
        batches = {}
        alone = False
        for item in items:
            p, grad, state = item
            param = p._data
            buf = None
            if momentum != 0:
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = updates.zeros_state(param)
            g = updates.many_grad(param, grad, buf)
            if g is None:
                self._update(param, grad, state, group)
                mark_modified(p)
                alone = True
                continue
            batch = batches.get(param.dtype.char)
            if batch is None:
                batch = batches[param.dtype.char] = ([], [], [], [], [])
            batch[0].append(param.reshape(-1))
            batch[1].append(g)
            if buf is not None:
                batch[2].append(buf.reshape(-1))
            batch[3].append(p)
            batch[4].append(state)
        for params, grads, bufs, tensors, _ in batches.values():
            updates.sgd_update_many(params, grads, bufs, group["lr"], momentum,
                                    group["dampening"], bool(group["nesterov"]),
                                    group["weight_decay"])
            for p in tensors:
                mark_modified(p)
        if len(batches) == 1 and not alone:
            _, _, _, tensors, states = next(iter(batches.values()))
            self._keep_flat(group, tensors, states)
