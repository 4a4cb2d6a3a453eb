"""Adam (momentum + RMSprop with bias correction) and AdamW (Adam with decoupled weight decay)."""
from . import _functional as updates
from ..tensor import mark_modified
from .optimizer import Optimizer, _check_number


class Adam(Optimizer):
    r"""Adam ("Adaptive Moment Estimation"), exactly as the course writes it (docs/course.md,
    "Adam"), on iteration ``t = 1, 2, ...`` of each parameter::

        g     = dW + weight_decay * W                   # coupled L2 (skipped when 0)
        V     = β1 V + (1 − β1) g                       # momentum (first moment), V₀ = 0
        S     = β2 S + (1 − β2) g²                      # RMSprop (second moment), S₀ = 0
        V_hat = V / (1 − β1^t)                          # bias correction
        S_hat = S / (1 − β2^t)
        W     = W − lr · V_hat / (sqrt(S_hat) + eps)    # eps OUTSIDE the square root

    ``betas = (β1, β2)``, default ``(0.9, 0.999)``, ``eps = 1e-8``: the course's choices.

    - ``eps`` is added to :math:`\sqrt{\hat S}` (the bias-corrected root), as in the course and
      in PyTorch (whose ``sqrt(S)/sqrt(1 − β2^t) + eps`` is the same quantity).
    - ``amsgrad=True`` keeps ``S_max = max(S_max, S)`` and uses ``S_hat = S_max / (1 − β2^t)``
      (PyTorch's AMSGrad).
    - ``weight_decay`` is a *coupled* L2 coefficient: ``weight_decay·W`` is added to the
      gradient before the moments, the gradient of the course's :math:`\frac{\lambda}{2m}\|W\|^2`
      with ``weight_decay = λ/m``. Because it then goes through the adaptive scaling it is not
      a true weight decay; for that use ``AdamW``.

    State: ``step`` (t), ``exp_avg`` (V), ``exp_avg_sq`` (S), ``max_exp_avg_sq`` (amsgrad).
    """

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False):
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad)
        super().__init__(params, defaults)

    def _check_group(self, group):
        super()._check_group(group)
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        group["betas"] = tuple(betas)
        _check_number("beta1 (betas[0])", betas[0], low=0.0, high=1.0)
        _check_number("beta2 (betas[1])", betas[1], low=0.0, high=1.0)
        _check_number("eps", group["eps"], low=0.0)
        _check_number("weight_decay", group["weight_decay"], low=0.0)

    @staticmethod
    def _init_state(param, state, amsgrad):
        if "step" not in state:
            state["step"] = 0
            state["exp_avg"] = updates.zeros_state(param)
            state["exp_avg_sq"] = updates.zeros_state(param)
        if amsgrad and "max_exp_avg_sq" not in state:
            state["max_exp_avg_sq"] = updates.zeros_state(param)

    def _update(self, param, grad, state, group):
        """One parameter's step: the path of large parameters, amsgrad, and arrays the
        kernels do not take (``updates.adam_update`` then picks the kernel or numpy)."""
        amsgrad = bool(group["amsgrad"])
        self._init_state(param, state, amsgrad)
        state["step"] += 1
        beta1, beta2 = group["betas"]
        updates.adam_update(param, grad, state["exp_avg"], state["exp_avg_sq"],
                            state["max_exp_avg_sq"] if amsgrad else None, state["step"],
                            group["lr"], beta1, beta2, group["eps"], group["weight_decay"],
                            self._decoupled)

    def _flat_keys(self, group):
        return ("exp_avg", "exp_avg_sq")

    def _update_flat(self, batch, grads, group):
        if group["amsgrad"]:
            return False
        states = batch.state_dicts
        step = states[0]["step"] + 1
        for state in states:
            if state["step"] != step - 1:  # one kernel call shares one step count
                return False
        for state in states:
            state["step"] = step
        beta1, beta2 = group["betas"]
        updates.adam_update_many(batch.params, grads, batch.states[0], batch.states[1], step,
                                 group["lr"], beta1, beta2, group["eps"],
                                 group["weight_decay"], self._decoupled)
        return True

    def _update_group(self, items, group):
        """Every parameter of the group through one loop: small float32/float64 parameters
        (without amsgrad) are batched, one kernel call for several of one dtype and step count;
        every other parameter takes ``_update`` on its own. When one call took the whole
        group, its batch is kept for the next step (optim/_flat.py)."""
        amsgrad = bool(group["amsgrad"])
        batches = {}
        alone = False
        for p, grad, state in items:
            param = p._data
            self._init_state(param, state, amsgrad)
            g = None if amsgrad else updates.many_grad(param, grad, state["exp_avg"],
                                                       state["exp_avg_sq"])
            if g is None:
                self._update(param, grad, state, group)
                mark_modified(p)
                alone = True
                continue
            state["step"] += 1
            key = (param.dtype.char, state["step"])
            batch = batches.get(key)
            if batch is None:
                batch = batches[key] = ([], [], [], [], [], [])
            batch[0].append(param.reshape(-1))
            batch[1].append(g)
            batch[2].append(state["exp_avg"].reshape(-1))
            batch[3].append(state["exp_avg_sq"].reshape(-1))
            batch[4].append(p)
            batch[5].append(state)
        beta1, beta2 = group["betas"]
        for (_, step), (params, grads, exp_avgs, exp_avg_sqs, tensors, _) in batches.items():
            updates.adam_update_many(params, grads, exp_avgs, exp_avg_sqs, step, group["lr"],
                                     beta1, beta2, group["eps"], group["weight_decay"],
                                     self._decoupled)
            for p in tensors:
                mark_modified(p)
        if len(batches) == 1 and not alone:
            *_, tensors, states = next(iter(batches.values()))
            self._keep_flat(group, tensors, states)


class AdamW(Adam):
    r"""Adam with *decoupled* weight decay (Loshchilov & Hutter; PyTorch's AdamW).

    Identical to ``Adam`` with ``weight_decay=0`` except that, before the Adam step, every
    weight is shrunk directly::

        W = W · (1 − lr · weight_decay)
        W = W − lr · V_hat / (sqrt(S_hat) + eps)        # the course's Adam step, eps outside

    so the decay is not rescaled by :math:`1/(\sqrt{\hat S}+\epsilon)` as Adam's coupled L2
    gradient is. Note it is multiplied by ``lr`` (PyTorch's convention): the weight shrinks by
    the factor ``1 − lr·weight_decay`` per step. Default ``weight_decay = 1e-2`` (PyTorch's).
    """

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad)
