"""Ops that rearrange elements, with PyTorch's names and meaning: narrow, unbind, tril, triu,
diag, diagonal, flip, roll, repeat, tile, repeat_interleave, movedim/moveaxis,
swapaxes/swapdims, unflatten, meshgrid, t.

None is a Function of its own: each is indexing, reshape, permute, broadcast, cat or where, so
derivatives of every order come from those ops. Results that PyTorch returns as copies (flip,
roll, repeat, tile) are copies here too; narrow, unbind, movedim, swapaxes, unflatten, meshgrid
and t are views as in PyTorch.
"""
import numpy as np

from ..errors import OpError
from ..tensor import _wrap
from ._dims import normalize_dim, normalize_dims
from .gather_scatter import axis_alias, index_array, index_select
from .indexing import GetItem, GetItemView, IndexBackward
from .pointwise import Where
from .shape import Clone, Permute, Reshape, broadcast_to, cat, transpose

__all__ = ["narrow", "unbind", "tril", "triu", "diag", "diagonal", "flip", "roll", "repeat",
           "tile", "repeat_interleave", "movedim", "moveaxis", "swapaxes", "swapdims", "unflatten",
           "meshgrid", "t"]


def _ints(args, op):
    """Sizes or dims given as ints or as one tuple/list."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        raise TypeError(f"{op}: expected ints, got {args!r}")
    return tuple(int(a) for a in args)


def _copy_of(out, x):
    """``out`` itself, or a copy when it still shares memory with ``x`` (for ops that PyTorch
    defines to return new memory)."""
    return Clone.apply(out) if np.shares_memory(out._data, x._data) else out


@axis_alias
def narrow(input, dim, start, length):  # noqa: A002
    """The view of ``input`` holding ``length`` elements of ``dim`` from ``start`` (negative
    ``start`` counts from the end)."""
    dim = normalize_dim(dim, input.ndim, "narrow")
    size = input.shape[dim]
    start = int(start)
    if start < -size or start > size:
        raise IndexError(f"narrow: start {start} is out of range for dim {dim} of size {size}")
    start %= size if size else 1
    if length < 0 or start + length > size:
        raise OpError(f"narrow: start ({start}) + length ({length}) exceeds dim {dim} of size {size}")
    return GetItemView.apply(input, (slice(None),) * dim + (slice(start, start + length),))


@axis_alias
def unbind(input, dim=0):  # noqa: A002
    """The slices of ``input`` along ``dim``, as a tuple of views without that dim."""
    dim = normalize_dim(dim, input.ndim, "unbind")
    if input.ndim == 0:
        raise OpError("unbind: a 0-d tensor has no dim to unbind")
    return tuple(GetItemView.apply(input, (slice(None),) * dim + (i,))
                 for i in range(input.shape[dim]))


def _triangle(input, diagonal, keep, op):
    if input.ndim < 2:
        raise OpError(f"{op}: input must have at least 2 dims, got shape {input.shape}")
    mask = keep(np.ones(input.shape[-2:], dtype=bool), int(diagonal))
    return Where.apply(mask, input, _wrap(np.zeros((), dtype=input.dtype)))


def tril(input, diagonal=0):  # noqa: A002
    """The lower triangle of the last two dims (elements with column − row ≤ ``diagonal``),
    the rest zero."""
    return _triangle(input, diagonal, np.tril, "tril")


def triu(input, diagonal=0):  # noqa: A002
    """The upper triangle of the last two dims (elements with column − row ≥ ``diagonal``),
    the rest zero."""
    return _triangle(input, diagonal, np.triu, "triu")


def _diag_positions(rows, cols, offset):
    """Row and column indices of the ``offset`` diagonal of a rows × cols matrix."""
    length = max(0, min(rows - max(-offset, 0), cols - max(offset, 0)))
    steps = np.arange(length)
    return steps + max(-offset, 0), steps + max(offset, 0)


def diag(input, diagonal=0):  # noqa: A002
    """1-D input: the square matrix with ``input`` on the ``diagonal`` (0 main, > 0 above,
    < 0 below), zeros elsewhere. 2-D input: that diagonal of the matrix, as a 1-D tensor."""
    offset = int(diagonal)
    if input.ndim == 1:
        n = input.shape[0] + abs(offset)
        rows, cols = _diag_positions(n, n, offset)
        return IndexBackward.apply(input, (n, n), (rows, cols))
    if input.ndim == 2:
        return GetItem.apply(input, _diag_positions(*input.shape, offset))
    raise OpError(f"diag: input must be 1-D or 2-D, got shape {input.shape}")


def diagonal(input, offset=0, dim1=0, dim2=1):  # noqa: A002
    """The ``offset`` diagonal of the matrices formed by ``dim1`` and ``dim2``: those dims are
    removed and the diagonal becomes the last dim."""
    a = normalize_dim(dim1, input.ndim, "diagonal")
    b = normalize_dim(dim2, input.ndim, "diagonal")
    if a == b:
        raise OpError(f"diagonal: dim1 and dim2 are both dim {a}; they must differ")
    rest = [d for d in range(input.ndim) if d not in (a, b)]
    x = Permute.apply(input, tuple(rest) + (a, b))
    rows, cols = _diag_positions(input.shape[a], input.shape[b], int(offset))
    return GetItem.apply(x, (Ellipsis, rows, cols))


def flip(input, *dims):  # noqa: A002
    """A copy of ``input`` with the order of the elements reversed along each of ``dims``."""
    dims = normalize_dims(_ints(dims, "flip"), input.ndim, "flip")
    index = tuple(slice(None, None, -1) if d in dims else slice(None) for d in range(input.ndim))
    return Clone.apply(GetItemView.apply(input, index))


def roll(input, shifts, dims=None):  # noqa: A002
    """A copy of ``input`` with the elements shifted by ``shifts`` along ``dims`` (those that
    leave one end come back at the other). Without ``dims`` the flattened tensor is rolled and
    the shape restored."""
    shifts = _ints((shifts,), "roll") if not isinstance(shifts, (tuple, list)) else _ints(shifts, "roll")
    if dims is None:
        if len(shifts) != 1:
            raise OpError(f"roll: {len(shifts)} shifts need as many dims")
        return Reshape.apply(roll(Reshape.apply(input, (-1,)), shifts, 0), input.shape)
    dims = _ints((dims,), "roll") if not isinstance(dims, (tuple, list)) else _ints(dims, "roll")
    if len(shifts) != len(dims):
        raise OpError(f"roll: shifts {shifts} and dims {dims} must have the same length")
    out = input
    for shift, dim in zip(shifts, dims):
        dim = normalize_dim(dim, input.ndim, "roll")
        size = input.shape[dim] if input.ndim else 1
        shift = shift % size if size else 0
        if shift:
            lead = (slice(None),) * dim
            out = cat([GetItemView.apply(out, lead + (slice(size - shift, size),)),
                       GetItemView.apply(out, lead + (slice(0, size - shift),))], dim)
    return out if out is not input else Clone.apply(input)


def repeat(input, *sizes):  # noqa: A002
    """``input`` repeated ``sizes[i]`` times along each dim (a copy); ``sizes`` may have more
    entries than ``input`` has dims: new leading dims are added (numpy's tile)."""
    sizes = _ints(sizes, "repeat")
    if len(sizes) < input.ndim:
        raise OpError(f"repeat: {len(sizes)} repeat counts for a tensor of {input.ndim} dims; "
                      f"give at least one per dim")
    if any(s < 0 for s in sizes):
        raise OpError(f"repeat: repeat counts must be non-negative, got {sizes}")
    shape = (1,) * (len(sizes) - input.ndim) + input.shape
    paired = tuple(n for s in shape for n in (1, s))
    spread = tuple(n for r, s in zip(sizes, shape) for n in (r, s))
    out = Reshape.apply(broadcast_to(Reshape.apply(input, paired), spread),
                        tuple(r * s for r, s in zip(sizes, shape)))
    return _copy_of(out, input)


def tile(input, dims):  # noqa: A002
    """``input`` repeated ``dims[i]`` times along each dim; missing leading counts are 1."""
    dims = _ints((dims,) if isinstance(dims, int) else tuple(dims), "tile")
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


@axis_alias
def repeat_interleave(input, repeats, dim=None, *, output_size=None):  # noqa: A002
    """Each element (or slice along ``dim``) repeated ``repeats`` times in place, an int or
    one count per element; without ``dim`` the flattened input is used."""
    if dim is None:
        input, dim = Reshape.apply(input, (-1,)), 0
    dim = normalize_dim(dim, input.ndim, "repeat_interleave")
    x = Reshape.apply(input, (1,)) if input.ndim == 0 else input
    counts = index_array(repeats, "repeat_interleave").reshape(-1)
    size = x.shape[dim]
    if counts.size not in (1, size):
        raise OpError(f"repeat_interleave: {counts.size} repeat counts for a dim of size {size}")
    if counts.size and counts.min() < 0:
        raise OpError("repeat_interleave: repeat counts must be non-negative")
    index = np.repeat(np.arange(size), counts if counts.size == size else int(counts[0]))
    if output_size is not None and output_size != index.size:
        raise OpError(f"repeat_interleave: output_size {output_size} but the result has {index.size}")
    return index_select(x, dim, index)


def movedim(input, source, destination):  # noqa: A002
    """The view of ``input`` with dims ``source`` moved to positions ``destination`` (ints or
    sequences of the same length); the other dims keep their order."""
    source = _ints((source,) if isinstance(source, int) else tuple(source), "movedim")
    destination = _ints((destination,) if isinstance(destination, int) else tuple(destination),
                        "movedim")
    if len(source) != len(destination):
        raise OpError(f"movedim: source {source} and destination {destination} differ in length")
    src = [normalize_dim(d, input.ndim, "movedim") for d in source]
    dst = [normalize_dim(d, input.ndim, "movedim") for d in destination]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise OpError(f"movedim: repeated dim in source {source} or destination {destination}")
    order = [d for d in range(input.ndim) if d not in src]
    for position, dim in sorted(zip(dst, src)):
        order.insert(position, dim)
    return Permute.apply(input, tuple(order))


moveaxis = movedim


def swapaxes(input, axis0, axis1):  # noqa: A002
    """The view of ``input`` with dims ``axis0`` and ``axis1`` exchanged (transpose)."""
    return transpose(input, axis0, axis1)


def swapdims(input, dim0, dim1):  # noqa: A002
    """The view of ``input`` with dims ``dim0`` and ``dim1`` exchanged (transpose)."""
    return transpose(input, dim0, dim1)


@axis_alias
def unflatten(input, dim, sizes):  # noqa: A002
    """The view of ``input`` with ``dim`` split into dims of ``sizes`` (one may be -1)."""
    dim = normalize_dim(dim, input.ndim, "unflatten")
    sizes = _ints(tuple(sizes), "unflatten")
    known = int(np.prod([s for s in sizes if s != -1], dtype=np.int64))
    n = input.shape[dim]
    if sizes.count(-1) > 1 or (sizes.count(-1) == 0 and known != n) or \
            (sizes.count(-1) == 1 and (known == 0 or n % known)):
        raise OpError(f"unflatten: sizes {sizes} do not multiply to dim {dim}'s size {n}")
    sizes = tuple(n // known if s == -1 else s for s in sizes)
    return Reshape.apply(input, input.shape[:dim] + sizes + input.shape[dim + 1:])


def meshgrid(*tensors, indexing="ij"):
    """Coordinate grids from 1-D tensors: result ``i`` holds ``tensors[i]`` broadcast along
    every other dim. ``indexing="ij"`` (the default) gives shape (len₀, len₁, …); ``"xy"``
    exchanges the first two dims (numpy's default, Cartesian)."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise OpError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    if not tensors:
        raise OpError("meshgrid: expects at least one tensor")
    if any(t.ndim > 1 for t in tensors):
        raise OpError(f"meshgrid: expects 0-d or 1-D tensors, got shapes "
                      f"{[t.shape for t in tensors]}")
    if len({t.dtype for t in tensors}) > 1:
        raise OpError(f"meshgrid: expects tensors of one dtype, got {[str(t.dtype) for t in tensors]}")
    positions = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:
        positions[0], positions[1] = 1, 0
    lengths = [int(np.prod(t.shape)) for t in tensors]
    shape = [0] * len(tensors)
    for position, n in zip(positions, lengths):
        shape[position] = n
    out = []
    for t, position in zip(tensors, positions):
        view = [1] * len(tensors)
        view[position] = -1
        out.append(broadcast_to(Reshape.apply(t, tuple(view)), tuple(shape)))
    return tuple(out)


def t(input):  # noqa: A002
    """The transpose of a 2-D tensor (a view); 0-d and 1-D tensors come back as they are."""
    if input.ndim > 2:
        raise OpError(f"t: expects a tensor with at most 2 dims, got shape {input.shape} "
                      f"(use transpose or mT)")
    if input.ndim < 2:
        return Reshape.apply(input, input.shape)
    return Permute.apply(input, (1, 0))
