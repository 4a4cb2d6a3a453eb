"""Optimizers, learning-rate schedules and exponentially weighted averages (docs/api/optim.md).

``al.optim.SGD / RMSprop / Adam / AdamW`` update parameters in place with the course's
formulas (each class's docstring gives its update, where ``eps`` sits and what ``weight_decay``
means); ``al.optim.lr_scheduler`` holds the learning-rate decay schedules;
``al.optim.ExponentialMovingAverage`` is the course's ``v_t = βv_{t−1} + (1−β)θ_t``.
"""
from . import lr_scheduler
from .adam import Adam, AdamW
from .ema import ExponentialMovingAverage
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "ExponentialMovingAverage",
           "lr_scheduler"]
