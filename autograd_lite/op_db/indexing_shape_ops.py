"""Registry entries for ops/gather_scatter.py, ops/rearrange.py and ops/sorting.py (API.md's
second-edition "Indexing and shape" bullet).

The references are numpy's own functions (take_along_axis, put_along_axis, np.add.at, tril,
diag, diagonal, flip, roll, tile, repeat, moveaxis, meshgrid, argsort). Index samples are int64
arrays (they become tensors without grad); scatter samples write each position at most once,
and sort/topk samples have distinct values (``distinct``: no two within 0.05), so that every op
is smooth around its samples.
"""
import numpy as np

from .. import ops as al
from .entry import OpInfo, SampleInput
from .tensor_ops import distinct


def _normal(rng, *shape):
    return rng.normal(size=shape)


def _along(rng, shape, dim, size):
    """Random indices in [0, size) of ``shape`` (repeats allowed)."""
    return rng.integers(0, size, shape).astype(np.int64)


def _distinct_along(rng, shape, dim, size):
    """Indices of ``shape`` that are distinct along ``dim`` (each a permutation's prefix)."""
    n = shape[dim]
    keys = rng.uniform(size=shape[:dim] + (size,) + shape[dim + 1:])
    return np.argsort(keys, axis=dim).take(np.arange(n), axis=dim).astype(np.int64)


# ---- gather / scatter / index_select / masks -------------------------------------------------
def gather_samples(rng):
    return [SampleInput((_normal(rng, 3, 4), 1, _along(rng, (3, 5), 1, 4)), name="dim 1, repeats"),
            SampleInput((_normal(rng, 3, 4), 0, _along(rng, (2, 3), 0, 3)), name="dim 0, smaller index"),
            SampleInput((_normal(rng, 2, 3, 4), -1, _along(rng, (2, 3, 2), 2, 4)), name="3-d, dim -1"),
            SampleInput((_normal(rng, 4), 0, np.array([3, 1, 0, 3])), name="1-d")]


def np_gather(x, dim, index):
    dim %= x.ndim
    sub = tuple(slice(0, n) if d != dim else slice(None) for d, n in enumerate(index.shape))
    return np.take_along_axis(x[sub], index, axis=dim)


def scatter_samples(rng):
    return [SampleInput((_normal(rng, 3, 4), 1, _distinct_along(rng, (3, 2), 1, 4), _normal(rng, 3, 2)),
                        name="dim 1"),
            SampleInput((_normal(rng, 4, 3), 0, _distinct_along(rng, (2, 3), 0, 4), _normal(rng, 3, 3)),
                        name="dim 0, larger src"),
            SampleInput((_normal(rng, 3, 4), 1, _distinct_along(rng, (3, 2), 1, 4), 0.5),
                        name="value")]


def np_scatter(x, dim, index, src):
    out = x.copy()
    if not isinstance(src, np.ndarray):
        src = np.full(index.shape, src, dtype=x.dtype)
    for pos in np.ndindex(index.shape):
        target = list(pos)
        target[dim] = index[pos]
        out[tuple(target)] = src[pos]
    return out


def scatter_add_samples(rng):
    return [SampleInput((_normal(rng, 3, 4), 1, _along(rng, (3, 5), 1, 4), _normal(rng, 3, 5)),
                        name="dim 1, repeats accumulate"),
            SampleInput((_normal(rng, 4, 3), 0, _along(rng, (2, 2), 0, 4), _normal(rng, 3, 3)),
                        name="dim 0, smaller index")]


def np_scatter_add(x, dim, index, src):
    out = x.copy()
    for pos in np.ndindex(index.shape):
        target = list(pos)
        target[dim] = index[pos]
        out[tuple(target)] += src[pos]
    return out


def index_select_samples(rng):
    return [SampleInput((_normal(rng, 3, 4), 1, np.array([3, 0, 3, 1])), name="dim 1, repeats"),
            SampleInput((_normal(rng, 3, 4), 0, np.array([2])), name="dim 0"),
            SampleInput((_normal(rng, 2, 3, 4), -2, np.array([1, 2])), name="3-d, dim -2")]


def masked_fill_samples(rng):
    return [SampleInput((_normal(rng, 3, 4), rng.uniform(size=(3, 4)) > 0.5, -2.5), name="same shape"),
            SampleInput((_normal(rng, 3, 4), rng.uniform(size=(4,)) > 0.5, 1.0), name="broadcast mask"),
            SampleInput((_normal(rng, 3, 4), rng.uniform(size=(3, 1)) > 0.3, np.asarray(rng.normal())),
                        name="0-d tensor value")]


def masked_select_samples(rng):
    return [SampleInput((_normal(rng, 3, 4), rng.uniform(size=(3, 4)) > 0.5), name="same shape"),
            SampleInput((_normal(rng, 4), rng.uniform(size=(3, 4)) > 0.5), name="input broadcast")]


def np_masked_select(x, mask):
    shape = np.broadcast_shapes(x.shape, mask.shape)
    return np.broadcast_to(x, shape)[np.broadcast_to(mask, shape)]


def take_along_dim_samples(rng):
    return [SampleInput((_normal(rng, 3, 4), _along(rng, (3, 2), 1, 4), 1), name="dim 1"),
            SampleInput((_normal(rng, 3, 4), _along(rng, (1, 4), 0, 3), 0), name="index broadcast"),
            SampleInput((_normal(rng, 3, 4), _along(rng, (5,), 0, 12)), name="flattened")]


def np_take_along_dim(x, index, dim=None):
    if dim is None:
        return np.take_along_axis(x.reshape(-1), index.reshape(-1), 0)
    rest = lambda s: s[:dim] + (1,) + s[dim + 1:]  # noqa: E731
    common = np.broadcast_shapes(rest(x.shape), rest(index.shape))
    x = np.broadcast_to(x, common[:dim] + (x.shape[dim],) + common[dim + 1:])
    index = np.broadcast_to(index, common[:dim] + (index.shape[dim],) + common[dim + 1:])
    return np.take_along_axis(x, index, dim)


# ---- rearrangements ---------------------------------------------------------------------------
def narrow_samples(rng):
    return [SampleInput((_normal(rng, 3, 5), 1, 1, 3), name="dim 1"),
            SampleInput((_normal(rng, 4, 2), 0, -3, 2), name="negative start")]


def np_narrow(x, dim, start, length):
    return np.take(x, np.arange(start % x.shape[dim], start % x.shape[dim] + length), axis=dim)


def np_unbind(x, dim=0):
    return tuple(np.take(x, i, axis=dim) for i in range(x.shape[dim]))


def triangle_samples(rng):
    return [SampleInput((_normal(rng, 4, 4),), name="square"),
            SampleInput((_normal(rng, 3, 5), 1), name="diagonal 1"),
            SampleInput((_normal(rng, 2, 4, 3), -1), name="batched, diagonal -1")]


def diag_samples(rng):
    return [SampleInput((_normal(rng, 3),), name="1-d"),
            SampleInput((_normal(rng, 3), 2), name="1-d above"),
            SampleInput((_normal(rng, 3), -1), name="1-d below"),
            SampleInput((_normal(rng, 3, 4),), name="2-d"),
            SampleInput((_normal(rng, 4, 3), -1), name="2-d below")]


def diagonal_samples(rng):
    return [SampleInput((_normal(rng, 3, 4),), name="2-d"),
            SampleInput((_normal(rng, 2, 3, 4), 1, 2, 0), name="3-d, dims 2 0, offset 1"),
            SampleInput((_normal(rng, 3, 4, 2), -1, -2, -3), name="negative dims")]


def flip_samples(rng):
    return [SampleInput((_normal(rng, 3, 4), (0,)), name="dim 0"),
            SampleInput((_normal(rng, 2, 3, 4), (0, 2)), name="dims 0 2"),
            SampleInput((_normal(rng, 5), -1), name="1-d")]


def roll_samples(rng):
    return [SampleInput((_normal(rng, 3, 4), 2), name="flattened"),
            SampleInput((_normal(rng, 3, 4), (1, -3), (0, 1)), name="two dims"),
            SampleInput((_normal(rng, 5), 7, 0), name="shift past the end")]


def np_roll(x, shifts, dims=None):
    return np.roll(x, shifts, dims)


def repeat_samples(rng):
    return [SampleInput((_normal(rng, 2, 3), 2, 1), name="(2, 1)"),
            SampleInput((_normal(rng, 2, 3), 3, 1, 2), name="new leading dim"),
            SampleInput((_normal(rng, 4), (2,)), name="tuple")]


def np_repeat(x, *sizes):
    sizes = sizes[0] if len(sizes) == 1 and isinstance(sizes[0], tuple) else sizes
    return np.tile(x, sizes)


def tile_samples(rng):
    return [SampleInput((_normal(rng, 2, 3), (2,)), name="fewer counts"),
            SampleInput((_normal(rng, 2, 3), (2, 1, 2)), name="more counts")]


def repeat_interleave_samples(rng):
    return [SampleInput((_normal(rng, 2, 3), 2), name="flattened"),
            SampleInput((_normal(rng, 2, 3), 3, 1), name="dim 1"),
            SampleInput((_normal(rng, 3, 2), np.array([1, 0, 2]), 0), name="counts per row")]


def np_repeat_interleave(x, repeats, dim=None):
    return np.repeat(x, repeats, axis=dim) if dim is not None else np.repeat(x.reshape(-1), repeats)


def movedim_samples(rng):
    return [SampleInput((_normal(rng, 2, 3, 4), 0, -1), name="0 to -1"),
            SampleInput((_normal(rng, 2, 3, 4, 5), (0, 3), (2, 0)), name="two dims")]


def swapaxes_samples(rng):
    return [SampleInput((_normal(rng, 2, 3, 4), 0, 2), name="0 2"),
            SampleInput((_normal(rng, 2, 3), -1, 0), name="-1 0")]


def unflatten_samples(rng):
    return [SampleInput((_normal(rng, 3, 12), 1, (3, 4)), name="(3, 4)"),
            SampleInput((_normal(rng, 6, 2), 0, (2, -1)), name="with -1")]


def np_unflatten(x, dim, sizes):
    dim = dim % x.ndim
    return x.reshape(x.shape[:dim] + tuple(sizes) + x.shape[dim + 1:])


def meshgrid_samples(rng):
    return [SampleInput((_normal(rng, 3), _normal(rng, 4)), name="ij"),
            SampleInput((_normal(rng, 3), _normal(rng, 4), _normal(rng, 2)), {"indexing": "xy"},
                        name="xy, three"),
            SampleInput((_normal(rng, 2),), name="one")]


def np_meshgrid(*xs, indexing="ij"):
    return tuple(np.meshgrid(*xs, indexing=indexing))


def t_samples(rng):
    return [SampleInput((_normal(rng, 3, 4),), name="2-d"),
            SampleInput((_normal(rng, 4),), name="1-d"),
            SampleInput((np.asarray(rng.normal()),), name="0-d")]


# ---- sorting ----------------------------------------------------------------------------------
def sort_samples(rng):
    return [SampleInput((distinct(rng, (3, 5)),), name="last dim"),
            SampleInput((distinct(rng, (4, 3)), 0, True), name="dim 0 descending"),
            SampleInput((distinct(rng, (2, 3, 4)),), {"dim": 1, "stable": True}, name="3-d, stable")]


def np_sort(x, dim=-1, descending=False, stable=False):
    order = np.argsort(-x if descending else x, axis=dim)
    return np.take_along_axis(x, order, dim), order.astype(np.int64)


def topk_samples(rng):
    return [SampleInput((distinct(rng, (3, 5)), 2), name="k 2"),
            SampleInput((distinct(rng, (4, 3)), 3, 0, False), name="smallest, dim 0"),
            SampleInput((distinct(rng, (6,)), 1), name="1-d k 1")]


def np_topk(x, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    order = np.argsort(-x if largest else x, axis=dim)
    order = np.take(order, np.arange(k), axis=dim)
    return np.take_along_axis(x, order, dim), order.astype(np.int64)


INDEXING_SHAPE_OPS = [
    OpInfo("gather", al.gather, np_gather, gather_samples),
    OpInfo("scatter", al.scatter, np_scatter, scatter_samples),
    OpInfo("scatter_add", al.scatter_add, np_scatter_add, scatter_add_samples),
    OpInfo("index_select", al.index_select, lambda x, dim, i: np.take(x, i, axis=dim),
           index_select_samples),
    OpInfo("masked_fill", al.masked_fill,
           lambda x, mask, value: np.where(mask, np.asarray(value, dtype=x.dtype), x),
           masked_fill_samples),
    OpInfo("masked_select", al.masked_select, np_masked_select, masked_select_samples),
    OpInfo("take_along_dim", al.take_along_dim, np_take_along_dim, take_along_dim_samples),
    OpInfo("narrow", al.narrow, np_narrow, narrow_samples),
    OpInfo("unbind", al.unbind, np_unbind,
           lambda rng: [SampleInput((_normal(rng, 3, 4),), name="dim 0"),
                        SampleInput((_normal(rng, 3, 4), -1), name="dim -1")]),
    OpInfo("tril", al.tril, lambda x, k=0: np.tril(x, k), triangle_samples),
    OpInfo("triu", al.triu, lambda x, k=0: np.triu(x, k), triangle_samples),
    OpInfo("diag", al.diag, lambda x, k=0: np.diag(x, k), diag_samples),
    OpInfo("diagonal", al.diagonal, lambda x, offset=0, d1=0, d2=1: np.diagonal(x, offset, d1, d2),
           diagonal_samples),
    OpInfo("flip", al.flip, lambda x, dims: np.flip(x, dims), flip_samples),
    OpInfo("roll", al.roll, np_roll, roll_samples),
    OpInfo("repeat", al.repeat, np_repeat, repeat_samples),
    OpInfo("tile", al.tile, np.tile, tile_samples),
    OpInfo("repeat_interleave", al.repeat_interleave, np_repeat_interleave, repeat_interleave_samples),
    OpInfo("movedim", al.movedim, np.moveaxis, movedim_samples, aliases=("moveaxis",)),
    OpInfo("swapaxes", al.swapaxes, np.swapaxes, swapaxes_samples, aliases=("swapdims",)),
    OpInfo("unflatten", al.unflatten, np_unflatten, unflatten_samples),
    OpInfo("meshgrid", al.meshgrid, np_meshgrid, meshgrid_samples),
    OpInfo("t", al.t, lambda x: x.T, t_samples),
    OpInfo("sort", al.sort, np_sort, sort_samples),
    OpInfo("topk", al.topk, np_topk, topk_samples),
]
