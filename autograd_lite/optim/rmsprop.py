"""RMSprop: divide each gradient by the root of an exponentially weighted average of its squares."""
from . import _functional as updates
from .optimizer import Optimizer, _check_number


class RMSprop(Optimizer):
    r"""RMSprop, as the course writes it (docs/course.md, "RMSprop") and as PyTorch implements it.

    For each parameter :math:`W` with gradient :math:`dW`, on every ``step()``::

        g  = dW + weight_decay * W                     # coupled L2 (skipped when 0)
        S  = alpha * S + (1 - alpha) * g²              # course: SdW = β SdW + (1 − β) dW²
        d  = sqrt(S) + eps                             # eps OUTSIDE the square root
        W  = W - lr * g / d                            # course: W := W − α dW / (√SdW + ε)

    ``alpha`` is the course's β (PyTorch's name); ``S`` starts at 0.

    - ``eps`` is added to :math:`\sqrt{S}`, not to :math:`S` (outside the root, as in the course
      and in PyTorch); it only guards against division by a tiny root.
    - ``centered=True`` also keeps ``G = alpha·G + (1 − alpha)·g`` and uses
      ``d = sqrt(S − G²) + eps`` (the gradient's estimated variance instead of its second moment).
    - ``momentum > 0`` keeps ``B = momentum·B + g/d`` and steps ``W = W − lr·B``.
    - ``weight_decay`` is a *coupled* L2 coefficient: ``weight_decay·W`` is added to the gradient
      first, the gradient of the course's :math:`\frac{\lambda}{2m}\|W\|^2` with
      ``weight_decay = λ/m``; it is then also divided by ``d`` like the rest of the gradient.

    State: ``step``, ``square_avg`` (S), ``momentum_buffer`` (B), ``grad_avg`` (G).
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False):
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered)
        super().__init__(params, defaults)

    def _check_group(self, group):
        super()._check_group(group)
        _check_number("alpha", group["alpha"], low=0.0, high=1.0, high_inclusive=True)
        _check_number("eps", group["eps"], low=0.0)
        _check_number("momentum", group["momentum"], low=0.0)
        _check_number("weight_decay", group["weight_decay"], low=0.0)

    def _update(self, param, grad, state, group):
        if "step" not in state:
            state["step"] = 0
            state["square_avg"] = updates.zeros_state(param)
        momentum, centered = group["momentum"], bool(group["centered"])
        if momentum > 0 and "momentum_buffer" not in state:
            state["momentum_buffer"] = updates.zeros_state(param)
        if centered and "grad_avg" not in state:
            state["grad_avg"] = updates.zeros_state(param)
        state["step"] += 1
        updates.rmsprop_update(param, grad, state["square_avg"],
                               state["grad_avg"] if centered else None,
                               state["momentum_buffer"] if momentum > 0 else None,
                               group["lr"], group["alpha"], group["eps"], group["weight_decay"],
                               momentum)
