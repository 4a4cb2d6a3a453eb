"""Registry entries for ops/reductions_more.py, ops/scans.py, ops/products.py and
autograd_lite/linalg.py (API.md's second-edition Reductions and Linear algebra bullets).

References are computed independently in numpy (loops or closed forms, not the op's own
formula). Samples avoid kinks and ties: amax/amin/cummax/cummin and the inf-norms use distinct
values (ties, where the gradient is shared evenly but the second derivative jumps, are compared
with PyTorch in tests/test_torch_reductions_linalg.py); norms stay away from zero; prod and
cumprod have samples containing one zero (the gradient is the product of the other elements).
all, any and count_nonzero are not differentiable and are compared with PyTorch in
tests/test_torch_reductions_linalg.py.
"""
import math

import numpy as np

from .. import linalg
from .. import ops as al
from .entry import OpInfo, SampleInput
from .tensor_ops import away_from_zero, distinct


def _with_zero(rng, shape):
    x = away_from_zero(rng, shape, 0.5, 1.5)
    x.flat[1] = 0.0
    return x


def prod_samples(rng):
    return [SampleInput((away_from_zero(rng, (3, 4), 0.5, 1.5),), name="all"),
            SampleInput((away_from_zero(rng, (2, 3, 4), 0.5, 1.5),), {"dim": 1}, name="dim=1"),
            SampleInput((away_from_zero(rng, (2, 3, 4), 0.5, 1.5),), {"dim": -1, "keepdim": True},
                        name="dim=-1 keepdim"),
            SampleInput((_with_zero(rng, (3, 4)),), {"dim": 1}, name="one zero, dim=1"),
            SampleInput((_with_zero(rng, (5,)),), name="one zero, all"),
            SampleInput((away_from_zero(rng, (), 0.5, 1.5),), name="0-d")]


def np_prod(x, dim=None, keepdim=False):
    if dim is None:
        out = np.asarray(1.0, dtype=x.dtype)
        for v in x.reshape(-1):
            out = out * v
        return np.asarray(out, dtype=x.dtype)
    return np.prod(x, axis=dim, keepdims=keepdim)


def scan_samples(make=lambda r, s: away_from_zero(r, s, 0.5, 1.5), zero=False):
    def samples(rng):
        out = [SampleInput((make(rng, (3, 4)),), {"dim": 1}, name="(3, 4) dim=1"),
               SampleInput((make(rng, (2, 3, 4)),), {"dim": 0}, name="(2, 3, 4) dim=0"),
               SampleInput((make(rng, (5,)),), {"dim": -1}, name="(5,) dim=-1")]
        if zero:
            out.append(SampleInput((_with_zero(rng, (2, 4)),), {"dim": 1}, name="one zero"))
        return out
    return samples


def _loop_scan(x, dim, step):
    """A running scan along ``dim`` by an explicit loop: out_i = step(out_{i-1}, x_i)."""
    moved = np.moveaxis(x, dim, 0)
    out = np.empty_like(moved)
    out[0] = moved[0]
    for i in range(1, moved.shape[0]):
        out[i] = step(out[i - 1], moved[i])
    return np.moveaxis(out, 0, dim)


def np_cumsum(x, dim):
    return _loop_scan(x, dim, lambda a, b: a + b)


def np_cumprod(x, dim):
    return _loop_scan(x, dim, lambda a, b: a * b)


def np_logcumsumexp(x, dim):
    moved = np.moveaxis(x, dim, 0)
    out = np.empty_like(moved)
    for i in range(moved.shape[0]):
        m = moved[:i + 1].max(axis=0)
        out[i] = m + np.log(np.exp(moved[:i + 1] - m).sum(axis=0))
    return np.moveaxis(out, 0, dim)


def np_cum_extreme(is_max):
    def ref(x, dim):
        moved = np.moveaxis(x, dim, 0)
        values, indices = np.empty_like(moved), np.zeros(moved.shape, dtype=np.int64)
        for i in range(moved.shape[0]):
            head = moved[:i + 1]
            values[i] = head.max(axis=0) if is_max else head.min(axis=0)
            indices[i] = (head.argmax(axis=0) if is_max else head.argmin(axis=0))
        return np.moveaxis(values, 0, dim), np.moveaxis(indices, 0, dim)
    return ref


def amax_samples(rng):
    return [SampleInput((distinct(rng, (2, 3, 4)),), name="all"),
            SampleInput((distinct(rng, (2, 3, 4)),), {"dim": 1}, name="dim=1"),
            SampleInput((distinct(rng, (2, 3, 4)),), {"dim": (0, 2), "keepdim": True},
                        name="dims (0, 2) keepdim"),
            SampleInput((distinct(rng, (3, 4)),), {"dim": -1}, name="dim=-1")]


def np_amax(fn):
    def ref(x, dim=(), keepdim=False):
        axis = None if dim == () else (tuple(dim) if isinstance(dim, (tuple, list)) else dim)
        return np.asarray(fn(x, axis=axis, keepdims=keepdim))
    return ref


def norm_samples(rng):
    x = away_from_zero(rng, (3, 4), 0.3, 2.0)
    return [SampleInput((x,), name="fro, all"),
            SampleInput((away_from_zero(rng, (3, 4), 0.3, 2.0), 1), {"dim": 1}, name="p=1 dim=1"),
            SampleInput((distinct(rng, (3, 4)) + 0.013, math.inf), {"dim": 0}, name="p=inf dim=0"),
            SampleInput((away_from_zero(rng, (2, 3, 4), 0.3, 2.0), 3), {"dim": (0, 2), "keepdim": True},
                        name="p=3 dims (0, 2) keepdim"),
            SampleInput((away_from_zero(rng, (5,), 0.3, 2.0), 2.5), name="p=2.5"),
            SampleInput((away_from_zero(rng, (3, 4), 0.3, 2.0), "fro"), {"dim": (0, 1)},
                        name="fro dims (0, 1)")]


def _np_vector_norm(x, p, axis, keepdim):
    a = np.abs(x)
    if p == math.inf:
        return np.max(a, axis=axis, keepdims=keepdim)
    if p == -math.inf:
        return np.min(a, axis=axis, keepdims=keepdim)
    return np.power(np.sum(np.power(a, p), axis=axis, keepdims=keepdim), 1.0 / p).astype(x.dtype)


def np_norm(x, p="fro", dim=None, keepdim=False):
    axis = tuple(dim) if isinstance(dim, (tuple, list)) else dim
    return np.asarray(_np_vector_norm(x, 2 if p == "fro" else p, axis, keepdim), dtype=x.dtype)


def vector_norm_samples(rng):
    return [SampleInput((away_from_zero(rng, (3, 4), 0.3, 2.0),), name="ord=2 all"),
            SampleInput((away_from_zero(rng, (3, 4), 0.3, 2.0),), {"ord": 1, "dim": 0}, name="ord=1 dim=0"),
            SampleInput((distinct(rng, (3, 4)) + 0.013,), {"ord": -math.inf, "dim": 1},
                        name="ord=-inf dim=1"),
            SampleInput((away_from_zero(rng, (2, 3, 4), 0.3, 2.0),), {"ord": 2, "dim": (1, 2), "keepdim": True},
                        name="ord=2 dims (1, 2) keepdim"),
            SampleInput((away_from_zero(rng, (5,), 0.3, 2.0),), {"ord": 0.5}, name="ord=0.5")]


def np_vector_norm(x, ord=2,  # noqa: A002
                    dim=None, keepdim=False):
    axis = tuple(dim) if isinstance(dim, (tuple, list)) else dim
    return np.asarray(_np_vector_norm(x, ord, axis, keepdim), dtype=x.dtype)


def linalg_norm_samples(rng):
    return [SampleInput((away_from_zero(rng, (3, 4), 0.3, 2.0),), name="default: 2-norm of all"),
            SampleInput((away_from_zero(rng, (3, 4), 0.3, 2.0), "fro"), name="fro"),
            SampleInput((distinct(rng, (3, 4)) + 0.013, 1), name="matrix 1 (max column sum)"),
            SampleInput((distinct(rng, (3, 4)) + 0.013, -math.inf), name="matrix -inf (min row sum)"),
            SampleInput((distinct(rng, (2, 3, 4)) + 0.013, math.inf), {"dim": (1, 2)},
                        name="batched matrix inf"),
            SampleInput((away_from_zero(rng, (5,), 0.3, 2.0), 3), name="vector ord=3"),
            SampleInput((away_from_zero(rng, (3, 4), 0.3, 2.0), None), {"dim": 1}, name="vector dim=1")]


def np_linalg_norm(x, ord=None,  # noqa: A002
                    dim=None, keepdim=False):
    axis = tuple(dim) if isinstance(dim, (tuple, list)) else dim
    if ord is None and axis is None:
        return np.asarray(np.sqrt(np.sum(x * x)), dtype=x.dtype)
    return np.asarray(np.linalg.norm(x, ord, axis, keepdim), dtype=x.dtype)


def _pairs(*shapes):
    def samples(rng):
        return [SampleInput(tuple(rng.normal(size=s) for s in pair), name=" x ".join(map(str, pair)))
                for pair in shapes]
    return samples


def np_matmul_loops(a, b):
    return np.asarray(np.tensordot(a, b, axes=([a.ndim - 1], [0 if b.ndim == 1 else b.ndim - 2]))
                      if a.ndim <= 2 else np.stack([x @ y for x, y in zip(a, b)]))


def addmm_samples(rng):
    return [SampleInput((rng.normal(size=(3, 5)), rng.normal(size=(3, 4)), rng.normal(size=(4, 5))),
                        name="defaults"),
            SampleInput((rng.normal(size=(5,)), rng.normal(size=(3, 4)), rng.normal(size=(4, 5))),
                        {"beta": 0.5, "alpha": -2.0}, name="broadcast input, beta 0.5, alpha -2")]


def np_addmm(i, a, b, beta=1, alpha=1):
    return np.asarray(beta * i + alpha * np.tensordot(a, b, axes=1), dtype=a.dtype)


EINSUM_CASES = [("ij,jk->ik", [(3, 4), (4, 5)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
                ("ij->ji", [(3, 4)]), ("ij->", [(3, 4)]), ("i,j->ij", [(3,), (4,)]),
                ("...ij,...jk", [(2, 3, 4), (4, 2)]), ("ij,k->k", [(3, 4), (5,)]),
                ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]), ("bi,bi->b", [(3, 4), (3, 4)])]


def einsum_samples(rng):
    return [SampleInput((eq,) + tuple(rng.normal(size=s) for s in shapes), name=eq)
            for eq, shapes in EINSUM_CASES]


def np_einsum(eq, *arrays):
    return np.asarray(np.einsum(eq, *arrays, optimize=False))


REDUCTIONS_LINALG_OPS = [
    OpInfo("prod", al.prod, np_prod, prod_samples),
    OpInfo("cumsum", al.cumsum, np_cumsum, scan_samples()),
    OpInfo("cumprod", al.cumprod, np_cumprod, scan_samples(zero=True)),
    OpInfo("cummax", al.cummax, np_cum_extreme(True), scan_samples(distinct)),
    OpInfo("cummin", al.cummin, np_cum_extreme(False), scan_samples(distinct)),
    OpInfo("logcumsumexp", al.logcumsumexp, np_logcumsumexp,
           scan_samples(lambda r, s: r.normal(size=s) * 3)),
    OpInfo("amax", al.amax, np_amax(np.max), amax_samples),
    OpInfo("amin", al.amin, np_amax(np.min), amax_samples),
    OpInfo("norm", al.norm, np_norm, norm_samples),
    OpInfo("linalg.vector_norm", linalg.vector_norm, np_vector_norm, vector_norm_samples),
    OpInfo("linalg.norm", linalg.norm, np_linalg_norm, linalg_norm_samples),
    OpInfo("mm", al.mm, np_matmul_loops, _pairs(((3, 4), (4, 5)), ((1, 3), (3, 1)))),
    OpInfo("bmm", al.bmm, np_matmul_loops, _pairs(((2, 3, 4), (2, 4, 5)))),
    OpInfo("mv", al.mv, np_matmul_loops, _pairs(((3, 4), (4,)))),
    OpInfo("dot", al.dot, lambda a, b: np.asarray(np.sum(a * b), dtype=a.dtype), _pairs(((5,), (5,))),
           aliases=("vdot",)),
    OpInfo("outer", al.outer, lambda a, b: a[:, None] * b[None, :], _pairs(((3,), (4,))),
           aliases=("ger",)),
    OpInfo("addmm", al.addmm, np_addmm, addmm_samples),
    OpInfo("einsum", al.einsum, np_einsum, einsum_samples),
]
