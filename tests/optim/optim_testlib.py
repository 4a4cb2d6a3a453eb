"""Shared helpers for tests/optim: a deterministic gradient field and a runner.

The gradient is a fixed function of the parameter and the step number, computed in numpy, so
the reference implementations (written by hand from the course's update equations) and the
optimizers see exactly the same gradients without going through autograd.
"""
import numpy as np

import autograd_lite as al
from autograd_lite.optim import _functional

STEPS = 20
SHAPES = [(3, 4), (5,)]


def initial_values(seed=0, shapes=SHAPES, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape).astype(dtype) for shape in shapes]


def _noise(t, shape, index):
    rng = np.random.default_rng(1000 * t + index + 7)
    return rng.standard_normal(shape)


def grad_of(w, t, index=0):
    """dW at step t (1-based) for parameter number ``index``: nonlinear in W so that any error
    in an update changes every later gradient too."""
    g = 0.5 * w + 0.1 * np.sin(3.0 * w) + 0.3 * _noise(t, w.shape, index)
    return g.astype(w.dtype)


def make_params(values, dtype=np.float64):
    return [al.tensor(np.array(v, dtype=dtype), dtype=dtype, requires_grad=True) for v in values]


def run_optimizer(make_opt, values, steps=STEPS, dtype=np.float64, params=None,
                  start_step=1, opt=None):
    """Build params from ``values`` (unless given), the optimizer from ``make_opt(params)``
    (unless given), and run ``steps`` steps with ``grad_of``. Returns (params, optimizer)."""
    if params is None:
        params = make_params(values, dtype)
    if opt is None:
        opt = make_opt(params)
    for t in range(start_step, start_step + steps):
        for i, p in enumerate(params):
            p.grad = al.tensor(grad_of(p._data, t, i), dtype=p._data.dtype)
        opt.step()
        opt.zero_grad()
    return params, opt


def run_reference(update, values, steps=STEPS, state_factory=dict):
    """Run a hand-written ``update(w, g, state, t)`` (returns the new w) on copies of
    ``values`` with the same gradients; one state dict per parameter."""
    ws = [np.array(v, dtype=np.float64) for v in values]
    states = [state_factory() for _ in ws]
    for t in range(1, steps + 1):
        for i in range(len(ws)):
            g = grad_of(ws[i], t, i)
            ws[i] = update(ws[i], g, states[i], t)
    return ws


def assert_close_1e12(params, expected):
    for p, e in zip(params, expected):
        np.testing.assert_allclose(p._data, e, rtol=1e-12, atol=1e-12)


class KernelSwitch:
    """Context manager: force the numpy path (``kernels=False``) or allow the kernels."""

    def __init__(self, kernels):
        self.kernels = kernels

    def __enter__(self):
        self.saved = _functional.use_kernels
        _functional.use_kernels = self.kernels
        return self

    def __exit__(self, *exc):
        _functional.use_kernels = self.saved
