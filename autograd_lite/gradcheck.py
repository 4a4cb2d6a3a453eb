"""Finite-difference gradient checking, the course's "proof that backprop works".

For every input that requires grad, the analytic gradient (one backward pass) is compared with
central differences (J(θ+ε) − J(θ−ε)) / 2ε in float64. Outputs are reduced to the scalar
J = Σ wᵢ·outᵢ with fixed random weights w, so one backward gives wᵀ·Jacobian exactly and each
numeric derivative needs two forward passes; a wrong Jacobian entry would have to be orthogonal
to a random w to go unseen. A single scalar output keeps w = 1, so the figures reported are the
gradient itself.

An input passes when every element satisfies |g − g̃| ≤ atol + rtol·|g̃| (PyTorch's elementwise
rule) and the course's relative error ‖g − g̃‖₂ / (‖g‖₂ + ‖g̃‖₂) is at most ``rel_tol`` (or the
largest absolute difference is within atol, for gradients too small for a ratio to mean anything).
The course reads that ratio as: below 1e-7 great, around 1e-5 look closer, above 1e-3 wrong.
"""
from dataclasses import dataclass

import numpy as np

from . import grad_mode
from .autograd import grad as autograd_grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """Raised by gradcheck; the message names the input, the worst element and both values."""


@dataclass
class InputReport:
    input_index: int
    shape: tuple
    relative_error: float
    max_abs_error: float
    worst_index: tuple
    analytic: float
    numeric: float
    passed: bool

    def describe(self) -> str:
        verdict = ("great (< 1e-7)" if self.relative_error < 1e-7 else
                   "suspicious (1e-7 .. 1e-3)" if self.relative_error < 1e-3 else "wrong (> 1e-3)")
        return (f"input {self.input_index} (shape {self.shape}): relative error "
                f"{self.relative_error:.3e} [course: {verdict}], max |analytic - numeric| "
                f"{self.max_abs_error:.3e} at index {self.worst_index}: analytic "
                f"{self.analytic:.10g}, numeric {self.numeric:.10g}")


def _as_tuple(inputs):
    return tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)


def _outputs(fn, inputs):
    return _float_tensors(fn(*inputs))


def _float_tensors(out):
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o for o in outs if isinstance(o, Tensor) and o.dtype.kind == "f"]


def _check_inputs(inputs):
    checked = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad, so there is nothing to check; "
                         "create the inputs with requires_grad=True")
    for i in checked:
        if inputs[i].dtype != np.float64:
            raise TypeError(f"gradcheck: input {i} is {inputs[i].dtype}; finite differences need "
                            f"float64 to be meaningful, pass inputs[{i}].double() (and make the "
                            f"function compute in float64)")
    return checked


def gradcheck_report(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, rel_tol=1e-6, seed=0):
    """Compare analytic and numeric gradients; return one ``InputReport`` per checked input."""
    inputs = _as_tuple(inputs)
    checked = _check_inputs(inputs)
    outputs = _outputs(fn, inputs)
    if not outputs:
        raise ValueError("gradcheck: the function returned no floating-point tensor")
    rng = np.random.default_rng(seed)
    # a scalar output keeps weight 1, so the reported values are dJ/dθ itself (the course's case)
    weights = [np.ones(o.shape) if o._data.size == 1 and len(outputs) == 1 else
               _random_weights(rng, o.shape) for o in outputs]

    differentiable = [o for o in outputs if o.requires_grad]
    if differentiable:
        analytic = autograd_grad(
            differentiable, [inputs[i] for i in checked],
            [w for o, w in zip(outputs, weights) if o.requires_grad], allow_unused=True)
    else:
        analytic = [None] * len(checked)

    single = len(outputs) == 1 and outputs[0]._data.size == 1

    def objective():  # called under no_grad (entered once, around the whole loop)
        out = fn(*inputs)
        if single and isinstance(out, Tensor):
            data = out._data
            if data.size == 1 and data.dtype.kind == "f":
                # the common case (one scalar J, weight 1): no temporaries, no generator
                return float(data.reshape(()))
        outs = _float_tensors(out)
        if single and len(outs) == 1 and outs[0]._data.size == 1:
            return float(outs[0]._data.reshape(()))
        return sum(float(np.sum(np.asarray(o._data, dtype=np.float64) * w))
                   for o, w in zip(outs, weights))

    with grad_mode.no_grad():
        numerics = [_numeric_gradient(objective, inputs[i]._data, eps) for i in checked]
    reports = []
    for position, i in enumerate(checked):
        data, numeric = inputs[i]._data, numerics[position]
        g = analytic[position]
        g = np.zeros(data.shape) if g is None else g._data.astype(np.float64)
        reports.append(_compare(i, g, numeric, atol, rtol, rel_tol))
    return reports


def _random_weights(rng, shape):
    """Fixed random weights of magnitude 0.5-1.5 and random sign: reduce outputs to one number
    (gradcheck) or stand for the output gradient v (gradgradcheck)."""
    return rng.uniform(0.5, 1.5, shape) * rng.choice([-1.0, 1.0], shape)


def _numeric_gradient(objective, data, eps):
    """Central differences of ``objective()`` for every element of ``data`` (a float64 array,
    changed in place and restored: through a flat view when it is contiguous, through
    ``data.flat``, which writes into non-contiguous inputs too, otherwise)."""
    target = data.reshape(-1) if data.flags.c_contiguous else data.flat
    numeric = []
    append = numeric.append
    two_eps = 2 * eps
    # Python floats: the same float64 arithmetic as numpy scalars, without their overhead
    for k, original in enumerate(data.ravel().tolist()):
        target[k] = original + eps
        plus = objective()
        target[k] = original - eps
        minus = objective()
        target[k] = original
        append((plus - minus) / two_eps)
    return np.array(numeric, dtype=np.float64).reshape(data.shape)


def _compare(i, g, numeric, atol, rtol, rel_tol):
    diff = np.abs(g - numeric)
    denominator = np.linalg.norm(g) + np.linalg.norm(numeric)
    relative = float(np.linalg.norm(g - numeric) / denominator) if denominator else 0.0
    excess = diff - (atol + rtol * np.abs(numeric))
    worst = np.unravel_index(int(np.argmax(excess)), g.shape) if g.size else ()
    max_abs = float(diff.max()) if g.size else 0.0
    elementwise_ok = bool(np.all(excess <= 0))
    passed = elementwise_ok and (relative <= rel_tol or max_abs <= atol)
    return InputReport(i, g.shape, relative, max_abs, tuple(int(k) for k in worst),
                       float(g[worst]) if g.size else 0.0,
                       float(numeric[worst]) if g.size else 0.0, passed)


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, rel_tol=1e-6,
              seed=0):
    """True when every input's analytic gradient matches central differences; otherwise raise
    ``GradcheckError`` (or return False when ``raise_exception`` is False)."""
    reports = gradcheck_report(fn, inputs, eps=eps, atol=atol, rtol=rtol, rel_tol=rel_tol,
                               seed=seed)
    failed = [r for r in reports if not r.passed]
    if not failed:
        return True
    if not raise_exception:
        return False
    lines = "\n  ".join(r.describe() for r in failed)
    raise GradcheckError(
        f"gradcheck failed (eps={eps}, atol={atol}, rtol={rtol}, rel_tol={rel_tol}):\n  {lines}\n"
        f"If the analytic value is wrong, look at the backward of the ops this input flows "
        f"through (check them one at a time with al.gradcheck). If the function has a kink "
        f"(relu, abs, max) within eps of this point, move the input away from it. If the function "
        f"is random (dropout), fix its seed so both sides see the same mask.")


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True, rel_tol=1e-6, seed=0):
    """Check second derivatives: ``gradcheck`` of the first-order gradient itself.

    The function checked is (inputs, v) ↦ vᵀ·∂fn/∂inputs, computed by
    ``autograd.grad(..., create_graph=True)``, so its analytic gradient runs the recorded
    backward pass (each op's ``vjp``) and its numeric one central differences of first-order
    gradients. The gradient with respect to v checks each ``vjp`` itself (it is linear in v);
    the one with respect to the inputs checks the derivative of the ``vjp``. ``grad_outputs``
    (v) default to fixed random float64 tensors that require grad, as PyTorch's does."""
    inputs = _as_tuple(inputs)
    checked = _check_inputs(inputs)
    outputs = [o for o in _outputs(fn, inputs) if o.requires_grad]
    if not outputs:
        raise ValueError("gradgradcheck: no output of the function requires grad")
    if grad_outputs is None:
        rng = np.random.default_rng(seed + 1)
        grad_outputs = [Tensor(_random_weights(rng, o.shape), dtype=np.float64,
                               requires_grad=True) for o in outputs]
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)

    def first_derivative(*args):
        with grad_mode.enable_grad():
            outs = [o for o in _outputs(fn, args[:n]) if o.requires_grad]
            grads = autograd_grad(outs, [args[i] for i in checked], list(args[n:]),
                                  create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, rel_tol=rel_tol, seed=seed)
