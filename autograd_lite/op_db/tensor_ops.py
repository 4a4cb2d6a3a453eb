"""Registry entries for the tensor ops (docs/api/ops.md).

Sample values are drawn away from kinks and singularities (|x| >= 0.1 for relu/abs, positive
bases for log/sqrt/pow, distinct values for max/maximum) so that central differences are valid.
"""
import numpy as np

from .. import ops
from .entry import OpInfo, SampleInput

SHAPES = [(3, 4), (5,), ()]
BROADCAST_PAIRS = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (3,)), ((4,), ())]


def away_from_zero(rng, shape, low=0.1, high=2.0):
    """Values with magnitude in [low, high] and random sign."""
    return np.asarray(rng.uniform(low, high, shape) * rng.choice([-1.0, 1.0], shape))


def positive(rng, shape, low=0.5, high=2.0):
    return np.asarray(rng.uniform(low, high, shape))


def distinct(rng, shape):
    """Values that differ pairwise by at least 0.05 (no ties within eps)."""
    n = int(np.prod(shape, dtype=int))
    return (rng.permutation(n) * 0.1 - n * 0.05 + rng.uniform(-0.02, 0.02, n)).reshape(shape)


def unary_samples(make=away_from_zero):
    def samples(rng):
        return [SampleInput((make(rng, shape),), name=str(shape)) for shape in SHAPES]
    return samples


def binary_samples(make_a=away_from_zero, make_b=away_from_zero, scalar=1.5):
    def samples(rng):
        out = [SampleInput((make_a(rng, sa), make_b(rng, sb)), name=f"{sa}x{sb}")
               for sa, sb in BROADCAST_PAIRS]
        out.append(SampleInput((make_a(rng, (3, 4)), scalar), name="tensor x python scalar"))
        out.append(SampleInput((scalar, make_b(rng, (3, 4))), name="python scalar x tensor"))
        return out
    return samples


def reduction_samples(make=away_from_zero, dims=(None, 0, -1, (0, 2)), keepdim=True):
    def samples(rng):
        out = []
        for dim in dims:
            for kd in ((False, True) if keepdim else (False,)):
                out.append(SampleInput((make(rng, (2, 3, 4)),), {"dim": dim, "keepdim": kd},
                                       name=f"dim={dim} keepdim={kd}"))
        return out
    return samples


def np_reduce(fn):
    def ref(x, dim=None, keepdim=False):
        axis = tuple(dim) if isinstance(dim, (tuple, list)) else dim
        return fn(x, axis=axis, keepdims=keepdim)
    return ref


def np_var(ddof_from):
    def ref(x, dim=None, keepdim=False, correction=1):
        axis = tuple(dim) if isinstance(dim, (tuple, list)) else dim
        return ddof_from(x, axis=axis, ddof=correction, keepdims=keepdim)
    return ref


def var_samples(rng):
    return [SampleInput((rng.normal(size=(3, 5)),), {"dim": dim, "correction": c, "keepdim": kd},
                        name=f"dim={dim} correction={c} keepdim={kd}")
            for dim, c, kd in [(None, 1, False), (0, 1, True), (1, 0, False), ((0, 1), 1, False)]]


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_softmax(x, dim):
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def np_log_softmax(x, dim):
    shifted = x - x.max(axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


def np_logsumexp(x, dim, keepdim=False):
    m = x.max(axis=dim, keepdims=True)
    out = np.log(np.exp(x - m).sum(axis=dim, keepdims=True)) + m
    return out if keepdim else np.squeeze(out, axis=dim)


def softmax_samples(rng):
    return [SampleInput((rng.normal(size=(3, 5)) * 2,), {"dim": d}, name=f"dim={d}")
            for d in (0, 1, -1)]


def matmul_samples(rng):
    pairs = [((3, 4), (4, 2)), ((4,), (4, 3)), ((3, 4), (4,)), ((4,), (4,)),
             ((2, 3, 4), (4, 5)), ((2, 3, 4), (1, 4, 2)), ((3, 4), (2, 4, 3))]
    return [SampleInput((rng.normal(size=a), rng.normal(size=b)), name=f"{a}@{b}") for a, b in pairs]


def max_samples(rng):
    return [SampleInput((distinct(rng, (3, 4)),), name="all"),
            SampleInput((distinct(rng, (3, 4)),), {"dim": 1}, name="dim=1"),
            SampleInput((distinct(rng, (2, 3, 4)),), {"dim": 0, "keepdim": True}, name="dim=0 kd")]


def np_max_or_min(fn, arg):
    def ref(x, dim=None, keepdim=False):
        if dim is None:
            return fn(x)
        return fn(x, axis=dim, keepdims=keepdim), arg(x, axis=dim, keepdims=keepdim)
    return ref


def clamp_samples(rng):
    x = rng.uniform(-2, 2, (4, 5))
    x[np.abs(np.abs(x) - 0.5) < 0.05] = 1.0  # keep away from the bounds
    return [SampleInput((x, -0.5, 0.5), name="both"), SampleInput((x, -0.5, None), name="min"),
            SampleInput((x, None, 0.5), name="max")]


def where_samples(rng):
    return [SampleInput((rng.random((3, 4)) > 0.5, rng.normal(size=(3, 4)), rng.normal(size=(4,))),
                        name="broadcast b"),
            SampleInput((rng.random((3, 1)) > 0.5, rng.normal(size=(3, 4)), 2.0), name="scalar b")]


def getitem_samples(rng):
    x = (3, 4, 5)
    return [SampleInput((rng.normal(size=x), 1), name="int"),
            SampleInput((rng.normal(size=x), (slice(0, 3, 2), Ellipsis, slice(None, None, -1))),
                        name="slices with steps"),
            SampleInput((rng.normal(size=x), (None, 1, slice(1, 3))), name="None and slice"),
            SampleInput((rng.normal(size=x), np.array([0, 2, 0, 0])), name="repeated int array"),
            SampleInput((rng.normal(size=x), (np.array([1, 1]), slice(None), np.array([4, 4]))),
                        name="mixed repeated"),
            SampleInput((rng.normal(size=x), rng.random(x) > 0.5), name="bool mask"),
            SampleInput((rng.normal(size=x), (rng.random(3) > 0.3,)), name="bool mask dim 0")]


def np_getitem(x, index):
    return x[index]


def shape_samples(rng, cases):
    return [SampleInput((np.asarray(rng.normal(size=shape)), *args), name=f"{shape} {args}")
            for shape, args in cases]


def split_samples(rng):
    return [SampleInput((rng.normal(size=(5, 3)), 2), {"dim": 0}, name="size 2"),
            SampleInput((rng.normal(size=(3, 6)), [1, 2, 3]), {"dim": 1}, name="sections"),
            SampleInput((rng.normal(size=(4, 3)), 4), {"dim": -2}, name="one piece")]


def np_split(x, size_or_sections, dim=0):
    if isinstance(size_or_sections, int):
        bounds = list(range(size_or_sections, x.shape[dim], size_or_sections))
    else:
        bounds = list(np.cumsum(size_or_sections)[:-1])
    return tuple(np.split(x, bounds, axis=dim))


def chunk_samples(rng):
    return [SampleInput((rng.normal(size=(5, 3)), 2), {"dim": 0}, name="5 into 2"),
            SampleInput((rng.normal(size=(3, 6)), 3), {"dim": 1}, name="6 into 3")]


def np_chunk(x, chunks, dim=0):
    size = -(-x.shape[dim] // chunks)
    return np_split(x, size, dim)


def cat_samples(rng):
    return [SampleInput(([rng.normal(size=(2, 3)), rng.normal(size=(4, 3))],), {"dim": 0}, name="dim0"),
            SampleInput(([rng.normal(size=(2, 3)), rng.normal(size=(2, 1)), rng.normal(size=(2, 2))],),
                        {"dim": -1}, name="dim-1")]


def stack_samples(rng):
    return [SampleInput(([rng.normal(size=(2, 3)) for _ in range(3)],), {"dim": d}, name=f"dim={d}")
            for d in (0, 2, -1)]


def pow_samples(rng):
    return [SampleInput((positive(rng, (3, 4)), rng.uniform(-1.5, 1.5, (3, 4))), name="tensor ** tensor"),
            SampleInput((positive(rng, (3, 4)), rng.uniform(-1.5, 1.5, (4,))), name="broadcast"),
            SampleInput((away_from_zero(rng, (3, 4)), 2.0), name="tensor ** 2"),
            SampleInput((away_from_zero(rng, (3, 4)), 3), name="tensor ** int 3"),
            SampleInput((2.0, rng.normal(size=(3, 4))), name="2 ** tensor")]


def _expand(x, *sizes):
    return x.expand(*sizes)


TENSOR_OPS = [
    OpInfo("add", ops.add, np.add, binary_samples(), aliases=("__add__", "__radd__")),
    OpInfo("sub", ops.sub, np.subtract, binary_samples(), aliases=("__sub__", "__rsub__")),
    OpInfo("mul", ops.mul, np.multiply, binary_samples(), aliases=("__mul__", "__rmul__")),
    OpInfo("div", ops.div, np.divide, binary_samples(make_b=lambda r, s: away_from_zero(r, s, 0.5)),
           aliases=("__truediv__", "__rtruediv__")),
    OpInfo("neg", ops.neg, np.negative, unary_samples(), aliases=("__neg__",)),
    OpInfo("pow", ops.pow, np.power, pow_samples, aliases=("__pow__", "__rpow__")),
    OpInfo("matmul", ops.matmul, np.matmul, matmul_samples, aliases=("__matmul__", "__rmatmul__")),
    OpInfo("exp", ops.exp, np.exp, unary_samples()),
    OpInfo("log", ops.log, np.log, unary_samples(positive)),
    OpInfo("sqrt", ops.sqrt, np.sqrt, unary_samples(positive)),
    OpInfo("abs", ops.abs, np.abs, unary_samples(), aliases=("__abs__",)),
    OpInfo("clamp", ops.clamp, np.clip, clamp_samples, aliases=("clip",)),
    OpInfo("maximum", ops.maximum, np.maximum,
           binary_samples(make_a=lambda r, s: distinct(r, s) + 0.01, make_b=distinct, scalar=0.33)),
    OpInfo("minimum", ops.minimum, np.minimum,
           binary_samples(make_a=lambda r, s: distinct(r, s) + 0.01, make_b=distinct, scalar=0.33)),
    OpInfo("where", ops.where, np.where, where_samples),
    OpInfo("relu", ops.relu, lambda x: np.maximum(x, 0), unary_samples()),
    OpInfo("leaky_relu", ops.leaky_relu, lambda x, s=0.01: np.where(x > 0, x, s * x),
           lambda rng: [SampleInput((away_from_zero(rng, (3, 4)), 0.2), name="slope 0.2"),
                        SampleInput((away_from_zero(rng, (5,)),), name="default slope")]),
    OpInfo("sigmoid", ops.sigmoid, np_sigmoid, unary_samples(lambda r, s: np.asarray(r.normal(size=s) * 3))),
    OpInfo("tanh", ops.tanh, np.tanh, unary_samples(lambda r, s: np.asarray(r.normal(size=s) * 2))),
    OpInfo("sum", ops.sum, np_reduce(np.sum), reduction_samples()),
    OpInfo("mean", ops.mean, np_reduce(np.mean), reduction_samples()),
    OpInfo("var", ops.var, np_var(np.var), var_samples),
    OpInfo("std", ops.std, np_var(np.std), var_samples),
    OpInfo("max", ops.max, np_max_or_min(np.max, np.argmax), max_samples),
    OpInfo("min", ops.min, np_max_or_min(np.min, np.argmin), max_samples),
    OpInfo("logsumexp", ops.logsumexp, np_logsumexp,
           lambda rng: [SampleInput((rng.normal(size=(3, 5)) * 3, d), {"keepdim": k}, name=f"dim={d}")
                        for d, k in [(1, False), (0, True), ((0, 1), False)]]),
    OpInfo("softmax", ops.softmax, np_softmax, softmax_samples),
    OpInfo("log_softmax", ops.log_softmax, np_log_softmax, softmax_samples),
    OpInfo("reshape", ops.reshape, lambda x, *s: x.reshape(*s),
           lambda rng: shape_samples(rng, [((3, 4), ((2, 6),)), ((3, 4), (-1,)), ((2, 3, 4), (4, -1))]),
           aliases=("view",)),
    OpInfo("flatten", ops.flatten, lambda x, a=0, b=-1: x.reshape(x.shape[:a] + (-1,) + x.shape[b % x.ndim + 1:]),
           lambda rng: shape_samples(rng, [((2, 3, 4), ()), ((2, 3, 4), (1,)), ((2, 3, 4, 2), (1, 2))])),
    OpInfo("transpose", ops.transpose, np.swapaxes,
           lambda rng: shape_samples(rng, [((3, 4), (0, 1)), ((2, 3, 4), (0, -1))]), aliases=("T",)),
    OpInfo("permute", ops.permute, lambda x, *d: np.transpose(x, d),
           lambda rng: shape_samples(rng, [((2, 3, 4), (2, 0, 1)), ((3, 4), (1, 0))])),
    OpInfo("squeeze", ops.squeeze, lambda x, d=None: np.squeeze(x, d),
           lambda rng: shape_samples(rng, [((3, 1, 4, 1), ()), ((3, 1, 4), (1,))])),
    OpInfo("unsqueeze", ops.unsqueeze, np.expand_dims,
           lambda rng: shape_samples(rng, [((3, 4), (0,)), ((3, 4), (-1,)), ((), (0,))])),
    OpInfo("expand", _expand, lambda x, *s: np.broadcast_to(x, tuple(
               x.shape[i - (len(s) - x.ndim)] if n == -1 else n for i, n in enumerate(s))),
           lambda rng: shape_samples(rng, [((3, 1), (3, 4)), ((4,), (2, 3, 4)), ((3, 1), (2, -1, 5))])),
    OpInfo("broadcast_to", ops.broadcast_to, np.broadcast_to,
           lambda rng: shape_samples(rng, [((3, 1), ((3, 4),)), ((4,), ((2, 3, 4),)), ((), ((2,),))])),
    OpInfo("cat", ops.cat, lambda xs, dim=0: np.concatenate(xs, axis=dim), cat_samples),
    OpInfo("stack", ops.stack, lambda xs, dim=0: np.stack(xs, axis=dim), stack_samples),
    OpInfo("split", ops.split, np_split, split_samples),
    OpInfo("chunk", ops.chunk, np_chunk, chunk_samples),
    OpInfo("getitem", ops.getitem, np_getitem, getitem_samples, aliases=("__getitem__",)),
    OpInfo("clone", ops.clone, np.copy, unary_samples()),
    OpInfo("astype", lambda x: x.double(), lambda x: x.astype(np.float64), unary_samples(),
           dtypes=(np.float32,), aliases=("to", "float", "double"),
           skips={"gradcheck": "a float64 input casts to itself (no op is recorded); the float32 "
                               "path is covered by the gradient shape and dtype check"}),
]
