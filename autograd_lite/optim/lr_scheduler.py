"""Learning-rate schedules (the course's "learning rate decay", and PyTorch's usual ones).

Epochs count as in PyTorch: the scheduler is at epoch 0 right after construction (and has
already set every group's ``lr`` to its epoch-0 value), and each ``scheduler.step()`` adds one.
Call it once per epoch, after that epoch's ``optimizer.step()`` calls::

    scheduler = ExponentialLR(optimizer, gamma=0.95)
    for epoch in range(num_epochs):
        train_one_epoch(...)            # uses lr = 0.95**epoch * lr0
        scheduler.step()

Every schedule here except ``ReduceLROnPlateau`` is a closed formula of the epoch and of the
group's initial learning rate ``α₀`` (stored as ``group["initial_lr"]`` at construction, as
PyTorch does): the scheduler sets ``lr`` from the formula, so rounding never accumulates and a
resumed run (``state_dict``/``load_state_dict``) continues exactly. The price: two of these
schedulers on one optimizer do not multiply together as PyTorch's "chainable" ones do; the last
one stepped wins. ``step(epoch)`` jumps straight to an epoch.
"""
import math
import numbers

from .._effects import not_replayable, replayable
from .optimizer import Optimizer, _check_number, _plain

__all__ = ["LRScheduler", "StepLR", "ExponentialLR", "InverseTimeDecay", "InverseSqrtDecay",
           "LambdaLR", "CosineAnnealingLR", "ReduceLROnPlateau"]


class LRScheduler:
    """Base class: ``get_lr()`` returns the learning rates (one per group) at
    ``self.last_epoch``; ``step()`` advances the epoch and writes them into the groups."""

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an autograd_lite Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] "
                                   f"when resuming a scheduler with last_epoch={last_epoch}")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._last_lr = None
        self.step()

    def get_lr(self):  # pragma: no cover - abstract
        raise NotImplementedError

    @replayable()
    def step(self, epoch=None):
        """Advance one epoch (or go to ``epoch``) and set every group's ``lr``."""
        if epoch is not None:
            not_replayable("scheduler.step(epoch): the epoch is a number computed in Python")
        if epoch is None:
            self.last_epoch += 1
        else:
            if not isinstance(epoch, numbers.Integral) or epoch < 0:
                raise ValueError(f"epoch must be a non-negative int, got {epoch!r}")
            self.last_epoch = int(epoch)
        lrs = self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """The learning rates (a list, one per param group) set by the last ``step()``."""
        return list(self._last_lr)

    def state_dict(self):
        """Everything but the optimizer (and, for LambdaLR, the functions)."""
        return {k: (list(v) if isinstance(v, list) else v)
                for k, v in self.__dict__.items() if k not in self._not_saved}

    def load_state_dict(self, state_dict):
        unknown = set(state_dict) - set(self.__dict__)
        if unknown:
            raise ValueError(f"{type(self).__name__}.load_state_dict: unexpected keys "
                             f"{sorted(unknown)}")
        self.__dict__.update({k: _plain(v) for k, v in state_dict.items()})
        # the schedule is a closed formula: put the groups back at the restored epoch's rates,
        # so the order of loading (optimizer first or scheduler first) does not matter
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    _not_saved = ("optimizer",)

    def __repr__(self):
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, lr={self._last_lr})"


class StepLR(LRScheduler):
    """``lr = α₀ · gamma^(epoch // step_size)``: divide by ``1/gamma`` every ``step_size``
    epochs (the course's "discrete staircase")."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        if not isinstance(step_size, numbers.Integral) or step_size < 1:
            raise ValueError(f"step_size must be a positive int, got {step_size!r}")
        _check_number("gamma", gamma, low=0.0)
        self.step_size = int(step_size)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base * self.gamma ** (self.last_epoch // self.step_size)
                for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """``lr = gamma^epoch · α₀``, the course's exponential decay (``gamma = 0.95``:
    ``α = 0.95^epoch_num · α₀``)."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        _check_number("gamma", gamma, low=0.0)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base * self.gamma ** self.last_epoch for base in self.base_lrs]


class InverseTimeDecay(LRScheduler):
    """``lr = α₀ / (1 + decay_rate · epoch)``, the course's first learning-rate decay formula
    (``α = 1/(1 + decay_rate × epoch_num) × α₀``). Epoch 0 (before the first ``step()``)
    trains at ``α₀``."""

    def __init__(self, optimizer, decay_rate, last_epoch=-1):
        _check_number("decay_rate", decay_rate, low=0.0)
        self.decay_rate = decay_rate
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base / (1.0 + self.decay_rate * self.last_epoch) for base in self.base_lrs]


class InverseSqrtDecay(LRScheduler):
    """The course's ``α = k/√epoch_num · α₀`` (``per_step=False``, the default: call ``step()``
    once per epoch) or ``α = k/√t · α₀`` (``per_step=True``: call ``step()`` after every
    optimizer step; ``t`` is the number of the update about to be taken, 1 for the first).

    Epoch 0, where ``k/√0`` has no value, is decided thus: the epoch form uses ``max(epoch, 1)``,
    so epoch 0 and epoch 1 both train at ``k·α₀`` and the rate never goes up; the per-step form
    uses ``t = last_epoch + 1`` (counting updates from 1, like Adam's ``t``), so the first
    update uses ``k·α₀``, the second ``k/√2·α₀``, and so on. Both start at ``k·α₀``.
    """

    def __init__(self, optimizer, k, per_step=False, last_epoch=-1):
        _check_number("k", k, low=0.0)
        self.k = k
        self.per_step = bool(per_step)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t = self.last_epoch + 1 if self.per_step else max(self.last_epoch, 1)
        return [self.k / math.sqrt(t) * base for base in self.base_lrs]


class LambdaLR(LRScheduler):
    """``lr = lr_lambda(epoch) · α₀``; ``lr_lambda`` is one function or a list with one per
    param group. ``state_dict`` leaves the functions out (only callable objects' attributes
    are saved, as in PyTorch)."""

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        n = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"expected {n} lr_lambdas (one per param group), got "
                                 f"{len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        for f in self.lr_lambdas:
            if not callable(f):
                raise TypeError(f"lr_lambda must be callable, got {type(f).__name__}")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base * f(self.last_epoch) for base, f in zip(self.base_lrs, self.lr_lambdas)]

    _not_saved = ("optimizer", "lr_lambdas")

    def state_dict(self):
        state = super().state_dict()
        state["lr_lambdas"] = [None if _is_function(f) else dict(f.__dict__)
                               for f in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict):
        state_dict = dict(state_dict)
        saved = state_dict.pop("lr_lambdas", None)
        super().load_state_dict(state_dict)
        if saved is not None:
            for f, attrs in zip(self.lr_lambdas, saved):
                if attrs is not None:
                    f.__dict__.update(attrs)


def _is_function(f):
    return type(f).__name__ in ("function", "builtin_function_or_method", "method") \
        or not hasattr(f, "__dict__")


class CosineAnnealingLR(LRScheduler):
    """``lr = eta_min + (α₀ − eta_min) · (1 + cos(π · epoch / T_max)) / 2``: from ``α₀`` at
    epoch 0 down to ``eta_min`` at epoch ``T_max`` (beyond it the cosine carries on, back up,
    as PyTorch's does)."""

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        if not isinstance(T_max, numbers.Integral) or T_max < 1:
            raise ValueError(f"T_max must be a positive int, got {T_max!r}")
        _check_number("eta_min", eta_min, low=0.0)
        self.T_max = int(T_max)
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        c = (1.0 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2.0
        return [self.eta_min + (base - self.eta_min) * c for base in self.base_lrs]


class ReduceLROnPlateau:
    """Multiply the learning rate by ``factor`` when a metric has stopped improving for more
    than ``patience`` epochs (PyTorch's semantics, ``step(metric)`` once per epoch).

    ``mode='min'`` (a loss) or ``'max'`` (an accuracy). With ``threshold_mode='rel'`` a value
    improves on the best if it is below ``best·(1 − threshold)`` (min) or above
    ``best·(1 + threshold)`` (max); with ``'abs'``, below ``best − threshold`` or above
    ``best + threshold``. After a reduction, ``cooldown`` epochs pass before bad epochs count
    again. The rate never goes below ``min_lr`` (a number or one per group), and a reduction
    smaller than ``eps`` is skipped.
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an autograd_lite Optimizer")
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        _check_number("factor", factor, low=0.0)
        if factor >= 1.0:
            raise ValueError(f"factor must be < 1.0 (it multiplies the rate), got {factor}")
        if not isinstance(patience, numbers.Integral) or patience < 0:
            raise ValueError(f"patience must be a non-negative int, got {patience!r}")
        if not isinstance(cooldown, numbers.Integral) or cooldown < 0:
            raise ValueError(f"cooldown must be a non-negative int, got {cooldown!r}")
        _check_number("threshold", threshold, low=0.0)
        _check_number("eps", eps, low=0.0)
        n = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != n:
                raise ValueError(f"expected {n} min_lrs (one per param group), got {len(min_lr)}")
            self.min_lrs = [float(m) for m in min_lr]
        else:
            self.min_lrs = [float(min_lr)] * n
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = int(patience)
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = int(cooldown)
        self.eps = eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def _is_better(self, value, best):
        if self.mode == "min":
            if self.threshold_mode == "rel":
                return value < best * (1.0 - self.threshold)
            return value < best - self.threshold
        if self.threshold_mode == "rel":
            return value > best * (1.0 + self.threshold)
        return value > best + self.threshold

    def step(self, metrics):
        """Record this epoch's ``metrics`` (a number, or a one-element tensor/array)."""
        not_replayable("ReduceLROnPlateau.step reads the metric in Python")
        value = float(metrics.item() if hasattr(metrics, "item") else metrics)
        self.last_epoch += 1
        if self._is_better(value, self.best):
            self.best = value
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                old = group["lr"]
                new = max(old * self.factor, min_lr)
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    @property
    def in_cooldown(self):
        return self.cooldown_counter > 0

    def get_last_lr(self):
        return list(self._last_lr)

    def state_dict(self):
        return {k: (list(v) if isinstance(v, list) else v)
                for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        unknown = set(state_dict) - set(self.__dict__)
        if unknown:
            raise ValueError(f"ReduceLROnPlateau.load_state_dict: unexpected keys "
                             f"{sorted(unknown)}")
        self.__dict__.update({k: _plain(v) for k, v in state_dict.items()})
