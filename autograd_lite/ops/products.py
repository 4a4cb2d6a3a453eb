"""Products with PyTorch's names and shape rules: mm, bmm, mv, dot, outer, addmm and einsum.

mm/bmm/mv/dot check their shapes (an ``OpError`` naming the op and both shapes) and then use
``MatMul``; outer and addmm are compositions. ``einsum`` runs numpy's ``np.einsum`` with
``optimize=True``; its gradient for each operand is itself an einsum of the output gradient
with the other operands, so every order of derivative is an einsum too.
"""
import numpy as np

from ..autograd.function import NumpyFunction
from ..errors import OpError
from ..tensor import Tensor
from .linalg import MatMul

__all__ = ["mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm", "einsum"]


def _same_dtype(op, *tensors):
    kinds = {t._data.dtype for t in tensors if isinstance(t, Tensor)}
    if len(kinds) > 1:
        raise OpError(f"{op}: expected both operands to have the same dtype, got "
                      f"{' and '.join(str(t.dtype) for t in tensors)}")


def _need(op, t, ndim, what):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: expected a Tensor as {what}, got {type(t).__name__}")
    if t.ndim != ndim:
        raise OpError(f"{op}: {what} must be a {ndim}-D tensor, got shape {tuple(t.shape)}")


def mm(input, mat2):  # noqa: A002
    """The matrix product of an (n, k) and a (k, m) matrix: (n, m). No broadcasting."""
    _need("mm", input, 2, "input")
    _need("mm", mat2, 2, "mat2")
    if input.shape[1] != mat2.shape[0]:
        raise OpError(f"mm: shapes {tuple(input.shape)} and {tuple(mat2.shape)} cannot be "
                      f"multiplied ({input.shape[1]} columns against {mat2.shape[0]} rows)")
    _same_dtype("mm", input, mat2)
    return MatMul.apply(input, mat2)


def bmm(input, mat2):  # noqa: A002
    """Batched matrix products of (b, n, k) and (b, k, m): (b, n, m). No broadcasting."""
    _need("bmm", input, 3, "input")
    _need("bmm", mat2, 3, "mat2")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise OpError(f"bmm: shapes {tuple(input.shape)} and {tuple(mat2.shape)} do not fit: "
                      f"expected (b, n, k) and (b, k, m)")
    _same_dtype("bmm", input, mat2)
    return MatMul.apply(input, mat2)


def mv(input, vec):  # noqa: A002
    """The product of an (n, m) matrix and an (m,) vector: (n,)."""
    _need("mv", input, 2, "input")
    _need("mv", vec, 1, "vec")
    if input.shape[1] != vec.shape[0]:
        raise OpError(f"mv: shapes {tuple(input.shape)} and {tuple(vec.shape)} cannot be "
                      f"multiplied ({input.shape[1]} columns against {vec.shape[0]} elements)")
    _same_dtype("mv", input, vec)
    return MatMul.apply(input, vec)


def dot(input, other):  # noqa: A002
    """The dot product of two 1-D tensors of the same length: a 0-d tensor."""
    _need("dot", input, 1, "input")
    _need("dot", other, 1, "other")
    if input.shape[0] != other.shape[0]:
        raise OpError(f"dot: 1-D tensors of shapes {tuple(input.shape)} and "
                      f"{tuple(other.shape)} differ in length")
    _same_dtype("dot", input, other)
    return MatMul.apply(input, other)


vdot = dot  # real tensors only: conjugation is the identity


def inner(input, other):  # noqa: A002
    """Σ over the last dims of both: the dot product for vectors."""
    if not isinstance(input, Tensor) or not isinstance(other, Tensor) or \
            input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise OpError(f"inner: the last dims of shapes {tuple(input.shape)} and "
                      f"{tuple(other.shape)} differ")
    return einsum("...i,...i->...", input, other) if input.ndim == other.ndim == 1 else \
        _inner_general(input, other)


def _inner_general(a, b):
    letters_a = "abcdefgh"[:a.ndim - 1]
    letters_b = "mnopqrst"[:b.ndim - 1]
    return einsum(f"{letters_a}z,{letters_b}z->{letters_a}{letters_b}", a, b)


def outer(input, vec2):  # noqa: A002
    """The outer product of an (n,) and an (m,) vector: (n, m), a[i]·b[j]."""
    _need("outer", input, 1, "input")
    _need("outer", vec2, 1, "vec2")
    _same_dtype("outer", input, vec2)
    return input.unsqueeze(1) * vec2.unsqueeze(0)


ger = outer


def addmm(input, mat1, mat2, *, beta=1, alpha=1):  # noqa: A002
    """beta·input + alpha·(mat1 @ mat2); ``input`` broadcasts to (n, m). With beta=0 the input
    is ignored (nan and inf in it do not propagate), as PyTorch."""
    product = mm(mat1, mat2)
    if alpha != 1:
        product = product * alpha
    out_shape = tuple(product.shape)
    try:
        np.broadcast_shapes(tuple(np.shape(input._data if isinstance(input, Tensor) else input)),
                            out_shape)
    except ValueError:
        raise OpError(f"addmm: input of shape {tuple(np.shape(input))} does not broadcast to "
                      f"the product's shape {out_shape}") from None
    if beta == 0:
        return product
    return product + (input if beta == 1 else input * beta)


# ---- einsum ---------------------------------------------------------------------------------
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _parse(equation, shapes):
    """(input subscripts, output subscript) with '...' replaced by explicit letters and the
    implicit output (letters used once, sorted) made explicit."""
    eq = equation.replace(" ", "")
    if "->" in eq:
        lhs, rhs = eq.split("->")
    else:
        lhs, rhs = eq, None
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise OpError(f"einsum: the equation {equation!r} names {len(terms)} operands, "
                      f"{len(shapes)} were given")
    used = set(c for c in eq if c.isalpha())
    for c in eq:
        if not (c.isalpha() or c in ",.->"):
            raise OpError(f"einsum: invalid character {c!r} in the equation {equation!r}")
    spare = [c for c in _LETTERS if c not in used]
    ell_ndim = 0
    for term, shape in zip(terms, shapes):
        if "..." in term:
            ell_ndim = max(ell_ndim, len(shape) - len(term.replace("...", "")))
    ell = "".join(spare[:ell_ndim])
    explicit = []
    for term, shape in zip(terms, shapes):
        if "..." in term:
            n = len(shape) - len(term.replace("...", ""))
            if n < 0:
                raise OpError(f"einsum: the subscripts {term!r} name more dims than the operand "
                              f"of shape {tuple(shape)} has")
            term = term.replace("...", ell[ell_ndim - n:] if n else "")
        if "." in term:
            raise OpError(f"einsum: invalid subscripts {term!r} in {equation!r}")
        if len(term) != len(shape):
            raise OpError(f"einsum: the subscripts {term!r} name {len(term)} dims, the operand "
                          f"has shape {tuple(shape)}")
        explicit.append(term)
    if rhs is None:
        counts = {}
        for term in explicit:
            for c in term:
                counts[c] = counts.get(c, 0) + 1
        rhs = ell + "".join(sorted(c for c, k in counts.items() if k == 1 and c not in ell))
    else:
        rhs = rhs.replace("...", ell)
    return explicit, rhs


class Einsum(NumpyFunction):
    """``np.einsum(equation, *operands, optimize=True)`` on explicit subscripts."""

    @staticmethod
    def forward(ctx, equation, *operands):
        ctx.equation = equation
        ctx.save_for_backward(*operands)
        return np.asarray(np.einsum(equation, *operands, optimize=True))

    @staticmethod
    def vjp(ctx, g):
        operands = ctx.saved_tensors
        lhs, rhs = ctx.equation.split("->")
        terms = lhs.split(",")
        grads = [None]
        for k, (term, need) in enumerate(zip(terms, ctx.needs_input_grad[1:])):
            if not need:
                grads.append(None)
                continue
            others = [(t, op) for i, (t, op) in enumerate(zip(terms, operands)) if i != k]
            available = set(rhs).union(*[set(t) for t, _ in others])
            # letters only this operand has are summed in the forward: their gradient is
            # broadcast back along them
            reduced = "".join(c for c in term if c in available)
            eq = ",".join([rhs] + [t for t, _ in others]) + "->" + reduced
            grad = Einsum.apply(eq, g, *[op for _, op in others])
            if reduced != term:
                shape = operands[k].shape
                kept = tuple(n if c in available else 1 for c, n in zip(term, shape))
                grad = grad.reshape(kept).broadcast_to(tuple(shape))
            grads.append(grad)
        return tuple(grads)


def einsum(equation, *operands):
    """Sums of products of the operands' elements named by an Einstein-summation equation,
    as ``torch.einsum`` ("ij,jk->ik", "bij,bjk->bik", "ii->i" is not supported, "...ij->...ji"
    is). Operands may be given as one list. A letter repeated within one operand (a diagonal)
    raises NotImplementedError."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError("einsum: the equation must be a string (the sublist form is not "
                        "supported)")
    operands = tuple(t if isinstance(t, Tensor) else Tensor(t) for t in operands)
    terms, rhs = _parse(equation, [t.shape for t in operands])
    for term in terms:
        if len(set(term)) != len(term):
            raise NotImplementedError(f"einsum: the subscripts {term!r} repeat a letter "
                                      f"(a diagonal); autograd_lite does not support that yet")
    if len(set(rhs)) != len(rhs):
        raise OpError(f"einsum: the output subscripts {rhs!r} repeat a letter")
    inputs = set("".join(terms))
    for c in rhs:
        if c not in inputs:
            raise OpError(f"einsum: the output letter {c!r} appears in no operand")
    sizes = {}
    for term, t in zip(terms, operands):
        for c, n in zip(term, t.shape):
            if c in sizes and n != sizes[c]:
                raise OpError(f"einsum: the letter {c!r} has size {sizes[c]} in one operand and "
                              f"{n} in another (shapes {[tuple(t.shape) for t in operands]})")
            sizes[c] = n
    _same_dtype("einsum", *operands)
    return Einsum.apply(",".join(terms) + "->" + rhs, *operands)
