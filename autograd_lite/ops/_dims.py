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
    """None (all dims), an int or a tuple of ints, as a sorted tuple of non-negative dims. A
    0-d tensor takes dim 0 or -1, as PyTorch: it names no axis to reduce, so the result is ()."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (tuple, list)):
        dims = tuple(sorted({normalize_dim(d, ndim, op) for d in dim}))
        if len(dims) != len(dim) and ndim:
            raise OpError(f"{op}: dim {tuple(dim)} names a dimension twice")
        return dims if ndim else ()
    normalize_dim(dim, ndim, op)
    return (dim % ndim,) if ndim else ()


def dim_or_axis(dim, axis, op, default=None):
    """``dim``, or ``axis`` given in its place (PyTorch accepts ``axis=`` as an alias of
    ``dim``, as numpy names it); both at once is an error."""
    if axis is None:
        return dim
    if dim is not None and dim is not default:
        raise TypeError(f"{op}: give dim or axis, not both")
    return axis
