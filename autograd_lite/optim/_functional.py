"""The update math of every optimizer, on plain numpy arrays, in place.

Each ``*_update`` function runs the fused one-pass Numba kernel from
``autograd_lite.kernels.optim_updates`` when it can (float32 or float64, every array
C-contiguous and of the parameter's dtype, the parameter writable), and otherwise the numpy
path below it (other dtypes such as float16, non-contiguous parameters). Both compute the same
formula in the same order of operations, so they agree to rounding (tests/optim check it); the
numpy path uses in-place ufuncs to keep its temporaries few, but it makes several passes.

``use_kernels`` (module attribute) switches the kernels off, for tests and benchmarks.
"""
import numpy as np

from ..dtypes import kernel_dtype
from .. import kernels

#: set to False to force the numpy path everywhere
use_kernels = True

def kernels_available():
    """Whether the fused Numba update kernels can run (always: they are part of the package;
    kept for callers that ask). Asking does not load them (kernels load on first use)."""
    return True


def zeros_state(param):
    """A zero state array shaped like ``param``, in its dtype, always C-contiguous (so the
    kernels can use it even when the parameter itself is a strided array)."""
    return np.zeros(param.shape, dtype=param.dtype)


def _kernel_grad(param, grad, *state):
    """The gradient to hand the kernel (made C-contiguous if it is not), or None when the
    kernel cannot run on these arrays."""
    if not use_kernels:
        return None
    if not kernel_dtype(param.dtype):
        return None
    c = param.dtype.char
    flags = param.flags
    if not flags.c_contiguous or not flags.writeable:
        return None
    shape = param.shape
    for a in state:
        if a is not None and (a.dtype.char != c or a.shape != shape
                              or not a.flags.c_contiguous or not a.flags.writeable):
            return None
    if grad.shape != shape or grad.dtype.char != c:
        return None
    if not grad.flags.c_contiguous:
        grad = np.ascontiguousarray(grad)
    return grad


#: parameters with fewer elements than this are updated together, several to a kernel call
#: (``*_update_many``): on a small model the calls, not the arithmetic, are the cost; larger
#: ones go one at a time (their kernels may use threads)
MANY_MAX_SIZE = 1 << 16


def many_grad(param, grad, *state):
    """The gradient as a flat C-contiguous array when ``param`` (and its state) can go into a
    ``*_update_many`` call (the kernel conditions of ``_kernel_grad``, and small), else None."""
    if param.size >= MANY_MAX_SIZE:
        return None
    g = _kernel_grad(param, grad, *state)
    return None if g is None else g.reshape(-1)


def sgd_update_many(params, grads, bufs, lr, momentum, dampening, nesterov, weight_decay):
    """``sgd_update`` of many parameters of one dtype at once (flat arrays, each accepted by
    ``many_grad``; ``bufs`` ignored when momentum is 0): the same kernel loop per parameter."""
    kernels.optim_updates.sgd_step_many(params, grads, bufs, lr, momentum, dampening, nesterov,
                           weight_decay)


def adam_update_many(params, grads, exp_avgs, exp_avg_sqs, step, lr, beta1, beta2, eps,
                     weight_decay, decoupled):
    """``adam_update`` (no amsgrad) of many parameters of one dtype sharing the step ``step``."""
    kernels.optim_updates.adam_step_many(params, grads, exp_avgs, exp_avg_sqs, int(step), lr, beta1, beta2,
                            eps, weight_decay, decoupled)


# ---- SGD ----------------------------------------------------------------------------------
def sgd_update(param, grad, buf, lr, momentum, dampening, nesterov, weight_decay):
    """``d = g + wd·p``; with ``buf`` (zeros at the start): ``buf = μ·buf + (1 − dampening)·d``,
    ``d = d + μ·buf`` (nesterov) or ``buf``; ``p -= lr·d``."""
    g = _kernel_grad(param, grad, buf)
    if g is not None:
        kernels.optim_updates.sgd_step(param, g, buf, lr, momentum, dampening, nesterov, weight_decay,
                          False)
        return
    d = grad + weight_decay * param if weight_decay != 0 else grad
    if buf is not None:
        buf *= momentum
        buf += d if dampening == 0 else (1.0 - dampening) * d
        d = d + momentum * buf if nesterov else buf
    param -= lr * d


# ---- RMSprop ------------------------------------------------------------------------------
def rmsprop_update(param, grad, square_avg, grad_avg, buf, lr, alpha, eps, weight_decay,
                   momentum):
    """``g = g + wd·p``; ``S = α·S + (1 − α)·g²``; ``den = sqrt(S) + eps`` (or, with
    ``grad_avg`` G: ``G = α·G + (1 − α)·g``, ``den = sqrt(S − G²) + eps``); with ``buf``:
    ``buf = μ·buf + g/den``, ``p -= lr·buf``; else ``p -= lr·g/den``."""
    g = _kernel_grad(param, grad, square_avg, grad_avg, buf)
    if g is not None:
        kernels.optim_updates.rmsprop_step(param, g, square_avg, lr, alpha, eps, weight_decay, momentum,
                              grad_avg is not None, grad_avg, buf)
        return
    g = grad + weight_decay * param if weight_decay != 0 else grad
    square_avg *= alpha
    square_avg += (1.0 - alpha) * (g * g)
    if grad_avg is not None:
        grad_avg *= alpha
        grad_avg += (1.0 - alpha) * g
        den = square_avg - grad_avg * grad_avg
        np.sqrt(den, out=den)
    else:
        den = np.sqrt(square_avg)
    den += eps
    if buf is not None:
        buf *= momentum
        buf += g / den
        param -= lr * buf
    else:
        param -= lr * g / den


# ---- Adam / AdamW ---------------------------------------------------------------------------
def adam_update(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, lr, beta1, beta2, eps,
                weight_decay, decoupled):
    """The course's Adam step ``t = step`` (>= 1)::

        p = p·(1 − lr·wd) (decoupled)   or   g = g + wd·p (coupled)
        V = β1·V + (1 − β1)·g ;  S = β2·S + (1 − β2)·g² ;  S_max = max(S_max, S) (amsgrad)
        p -= lr · [V / (1 − β1^t)] / (sqrt(S / (1 − β2^t)) + eps)

    evaluated as ``(lr/(1 − β1^t))·V / (sqrt(S)·(1/sqrt(1 − β2^t)) + eps)``, the same number
    (sqrt(S/c) = sqrt(S)/sqrt(c)) with the bias corrections folded into two scalars, which
    ``adam_scalars`` prepares for the kernel and the numpy path alike.
    """
    g = _kernel_grad(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq)
    if g is not None:
        kernels.optim_updates.adam_step(param, g, exp_avg, exp_avg_sq, int(step), lr, beta1, beta2, eps,
                           weight_decay, max_exp_avg_sq is not None, max_exp_avg_sq, decoupled)
        return
    lr_c, _, _, _, inv_sqrt_bc2, wd, decay = kernels.optim_updates.adam_scalars(
        param.dtype, step, lr, beta1, beta2, eps, weight_decay, decoupled)
    if decoupled:
        param *= decay
        g = grad
    else:
        g = grad + wd * param if weight_decay != 0 else grad
    exp_avg *= beta1
    exp_avg += (1.0 - beta1) * g
    exp_avg_sq *= beta2
    exp_avg_sq += (1.0 - beta2) * (g * g)
    second = exp_avg_sq
    if max_exp_avg_sq is not None:
        np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        second = max_exp_avg_sq
    den = np.sqrt(second)
    den *= inv_sqrt_bc2
    den += eps
    update = lr_c * exp_avg
    update /= den
    param -= update
