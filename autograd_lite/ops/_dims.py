"""Checking and normalising ``dim`` arguments (negative dims, tuples) with clear errors."""
from ..errors import OpError


def normalize_dim(dim, ndim, op):
    """One dim as a non-negative int; IndexError naming the op when it is out of range."""
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an int, got {dim!r}")
    low, high = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    if dim < low or dim > high:
        raise IndexError(f"{op}: dim {dim} is out of range for a tensor of {ndim} dims "
                         f"(expected a dim in [{low}, {high}])")
    return dim % ndim if ndim else 0


def normalize_dims(dim, ndim, op):
    """None (all dims), an int or a tuple of ints, as a sorted tuple of non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (tuple, list)):
        dims = tuple(sorted({normalize_dim(d, ndim, op) for d in dim}))
        if len(dims) != len(dim):
            raise OpError(f"{op}: dim {tuple(dim)} names a dimension twice")
        return dims
    return (normalize_dim(dim, ndim, op),)
