"""Higher-level derivatives of whole functions, with PyTorch's signatures
(``torch.autograd.functional``): ``vjp, jvp, jacobian, hessian, hvp, vhp``.

Each is a few calls of ``autograd.grad``; the second-order ones use ``create_graph=True``, so
they work for any function built from autograd_lite's ops (every op has a recorded ``vjp``).
``inputs`` is a Tensor or a tuple of Tensors, and results follow the same structure: a Tensor
for a Tensor, a tuple for a tuple. The inputs are never modified; they are detached copies
inside unless ``create_graph`` asks for the results to stay differentiable with respect to
them. ``strict=True`` raises when an output does not depend on an input (PyTorch's rule) instead
of returning zeros; ``vectorize`` is accepted and ignored (rows are computed one by one).

Two choices, for speed: ``hvp`` computes vᵀH (as ``vhp``) rather than PyTorch's
double-backward Hv: both are the same vector for a twice-differentiable function (H is
symmetric) and vᵀH takes two backward passes instead of three; ``jvp`` uses the
double-backward trick (a vjp with a dummy cotangent u, differentiated with respect to u).
"""
import numpy as np

from ..grad_mode import enable_grad
from ..tensor import Tensor
from . import grad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _as_tuple(x, what, fn):
    """(tuple of Tensors, whether x was a tuple), or a TypeError naming ``fn`` and ``what``."""
    is_tuple = isinstance(x, (tuple, list))
    items = tuple(x) if is_tuple else (x,)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(f"{fn}: {what} {i} must be a Tensor, got {type(t).__name__}")
    return items, is_tuple


def _prepare(inputs, create_graph):
    """Inputs the function is differentiated at: connected to the callers' graph when
    ``create_graph`` (so results stay differentiable), else fresh leaves."""
    prepared = []
    for t in inputs:
        if create_graph and t.requires_grad:
            prepared.append(t.clone())
        else:
            prepared.append(t.detach().requires_grad_(True))
    return tuple(prepared)


def _check_v(v, like, fn):
    v, _ = _as_tuple(v, "v", fn)
    if len(v) != len(like):
        raise RuntimeError(f"{fn}: v has {len(v)} tensors but there are {len(like)} to match")
    for i, (a, b) in enumerate(zip(v, like)):
        if a.shape != b.shape:
            raise RuntimeError(f"{fn}: v {i} has shape {a.shape} but should have {b.shape}")
    return v


def _grads(outputs, inputs, grad_outputs, create_graph, strict, fn, what="input"):
    """autograd.grad with unused inputs as zeros (or an error under ``strict``)."""
    live = [o for o in outputs if o.requires_grad]
    if live:
        used = [g for o, g in zip(outputs, grad_outputs) if o.requires_grad]
        result = grad(live, list(inputs), used, retain_graph=True,
                      create_graph=create_graph, allow_unused=True)
    else:
        result = (None,) * len(inputs)
    out = []
    for i, (g, t) in enumerate(zip(result, inputs)):
        if g is None:
            if strict:
                raise RuntimeError(f"{fn}: the output is independent of {what} {i}; this is not "
                                   f"allowed in strict mode")
            g = Tensor._from_array(np.zeros(t.shape, dtype=t.dtype))
        out.append(g)
    return tuple(out)


def _finish(items, is_tuple, create_graph):
    items = tuple(t if create_graph else t.detach() for t in items)
    return items if is_tuple else items[0]


def _scalar_output(output, fn):
    outputs, is_tuple = _as_tuple(output, "output", fn)
    if is_tuple or outputs[0].numel() != 1:
        raise RuntimeError(f"{fn}: the function must return a single Tensor with one element, "
                           f"got shape {outputs[0].shape if not is_tuple else 'a tuple'}")
    return outputs[0]


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), vᵀ·J): the vector-Jacobian product at ``inputs``; ``v`` may be omitted
    for a function returning a single element."""
    inputs, in_tuple = _as_tuple(inputs, "input", "vjp")
    with enable_grad():
        xs = _prepare(inputs, create_graph)
        outputs, out_tuple = _as_tuple(func(*xs), "output", "vjp")
        if v is None:
            if out_tuple or outputs[0].numel() != 1:
                raise RuntimeError("vjp: v can be omitted only for a function that returns a "
                                   "single Tensor with one element")
            v = (Tensor._from_array(np.ones(outputs[0].shape, dtype=outputs[0].dtype)),)
        v = _check_v(v, outputs, "vjp")
        result = _grads(outputs, xs, v, create_graph, strict, "vjp")
    return _finish(outputs, out_tuple, create_graph), _finish(result, in_tuple, create_graph)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J·v): the Jacobian-vector product, by the double-backward trick (the vjp
    with a dummy cotangent u is linear in u, and its derivative with respect to u is J·v)."""
    inputs, in_tuple = _as_tuple(inputs, "input", "jvp")
    with enable_grad():
        xs = _prepare(inputs, create_graph)
        outputs, out_tuple = _as_tuple(func(*xs), "output", "jvp")
        if v is None:
            if in_tuple or inputs[0].numel() != 1:
                raise RuntimeError("jvp: v can be omitted only for a single input with one "
                                   "element")
            v = (Tensor._from_array(np.ones(inputs[0].shape, dtype=inputs[0].dtype)),)
        v = _check_v(v, inputs, "jvp")
        dummies = tuple(Tensor(np.zeros(o.shape), dtype=o.dtype, requires_grad=True)
                        for o in outputs)
        vjps = _grads(outputs, xs, dummies, True, strict, "jvp")
        result = _grads(vjps, dummies, v, create_graph, strict, "jvp", what="output")
    return _finish(outputs, out_tuple, create_graph), _finish(result, out_tuple, create_graph)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: for output i and input j a Tensor of shape
    output_i.shape + input_j.shape, nested as PyTorch nests it (a Tensor for one input and one
    output, a tuple when one side is a tuple, a tuple of tuples when both are)."""
    from ..ops import stack  # ops sit above the engine: imported when first needed
    if strategy != "reverse-mode":
        raise NotImplementedError(f"jacobian: strategy {strategy!r}; only 'reverse-mode' exists")
    inputs, in_tuple = _as_tuple(inputs, "input", "jacobian")
    with enable_grad():
        xs = _prepare(inputs, create_graph)
        outputs, out_tuple = _as_tuple(func(*xs), "output", "jacobian")
        rows_per_output = []
        for out in outputs:
            per_input = [[] for _ in xs]
            for k in range(out.numel()):
                onehot = np.zeros(out.numel(), dtype=out.dtype)
                onehot[k] = 1
                seed = Tensor._from_array(onehot.reshape(out.shape))
                row = _grads((out,), xs, (seed,), create_graph, strict, "jacobian")
                for j, g in enumerate(row):
                    per_input[j].append(g.reshape(-1))
            blocks = []
            for j, x in enumerate(xs):
                block = (stack(per_input[j]) if per_input[j] else
                         Tensor._from_array(np.zeros((0, x.numel()), dtype=x.dtype)))
                blocks.append(block.reshape(out.shape + x.shape))
            rows_per_output.append(_finish(blocks, True, create_graph))
    if not out_tuple:
        return rows_per_output[0] if in_tuple else rows_per_output[0][0]
    return tuple(r if in_tuple else r[0] for r in rows_per_output)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar function: the Jacobian of its gradient. For one input a Tensor
    of shape input.shape + input.shape; for a tuple, a tuple of tuples (block i, j)."""
    inputs, in_tuple = _as_tuple(inputs, "input", "hessian")

    def gradient(*xs):
        out = _scalar_output(func(*xs), "hessian")
        return _grads((out,), xs, (None,), True, strict, "hessian")

    result = jacobian(gradient, inputs if in_tuple else inputs[0], create_graph=create_graph,
                      strict=strict, strategy=outer_jacobian_strategy)
    return result if in_tuple else result[0]


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), vᵀ·H) for a scalar function: its gradient, differentiated once more along
    v (two backward passes, the first recorded)."""
    return _second_order(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H·v) for a scalar function; computed as vᵀ·H, which is the same vector
    for a twice-differentiable function (see the module docstring)."""
    return _second_order(func, inputs, v, create_graph, strict, "hvp")


def _second_order(func, inputs, v, create_graph, strict, fn):
    inputs, in_tuple = _as_tuple(inputs, "input", fn)
    with enable_grad():
        xs = _prepare(inputs, create_graph)
        out = _scalar_output(func(*xs), fn)
        if v is None:
            if in_tuple or inputs[0].numel() != 1:
                raise RuntimeError(f"{fn}: v can be omitted only for a single input with one "
                                   f"element")
            v = (Tensor._from_array(np.ones(inputs[0].shape, dtype=inputs[0].dtype)),)
        v = _check_v(v, inputs, fn)
        first = _grads((out,), xs, (None,), True, strict, fn)
        result = _grads(first, xs, v, create_graph, strict, fn)
    return _finish((out,), False, create_graph), _finish(result, in_tuple, create_graph)
