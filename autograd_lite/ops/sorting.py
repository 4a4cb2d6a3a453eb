"""Sorting with PyTorch's names and meaning: sort, argsort, topk.

The order is computed on the values (numpy's stable argsort, so equal values keep their order
whichever ``stable`` says, one of the orders PyTorch allows); the values are then read with
``gather``, so their gradient is scattered back to where each value came from. Indices are
int64 tensors without grad. sort and topk return ``(values, indices)`` named tuples.
"""
import numpy as np

from ..errors import OpError
from ..tensor import Tensor, _wrap
from ._dims import normalize_dim
from .gather_scatter import axis_alias, gather
from .reductions import values_indices

__all__ = ["sort", "argsort", "topk"]


def _order(array, dim, descending):
    """Stable argsort along ``dim``; descending keeps equal values in their original order
    (nan counts as the largest value, as PyTorch)."""
    if not descending:
        return np.argsort(array, axis=dim, kind="stable")
    n = array.shape[dim]
    reversed_order = np.argsort(np.flip(array, dim), axis=dim, kind="stable")
    return n - 1 - np.flip(reversed_order, dim)


def _sorted_indices(input, dim, descending, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(input).__name__}")
    dim = normalize_dim(dim, input.ndim, op)
    array = input._data.reshape(1) if input.ndim == 0 else input._data
    order = _order(array, dim, descending).astype(np.int64)
    return dim, order.reshape(input.shape)


@axis_alias
def sort(input, dim=-1, descending=False, stable=False):  # noqa: A002
    """``input``'s values sorted along ``dim`` (ascending unless ``descending``) and where each
    came from: a ``(values, indices)`` named tuple."""
    dim, order = _sorted_indices(input, dim, descending, "sort")
    return values_indices(gather(input, dim, order), _wrap(order))


@axis_alias
def argsort(input, dim=-1, descending=False, stable=False):  # noqa: A002
    """The int64 indices that sort ``input`` along ``dim`` (what ``sort`` returns second)."""
    return _wrap(_sorted_indices(input, dim, descending, "argsort")[1])


@axis_alias
def topk(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    """The ``k`` largest (or, with ``largest=False``, smallest) values along ``dim`` with their
    indices, as a ``(values, indices)`` named tuple; always in sorted order."""
    dim, order = _sorted_indices(input, dim, largest, "topk")
    size = input.shape[dim] if input.ndim else 1
    k = int(k)
    if k < 0 or k > size:
        raise OpError(f"topk: k ({k}) is out of range for dim {dim} of size {size}")
    if input.ndim:
        order = np.take(order, np.arange(k), axis=dim)
    elif k == 0:
        raise OpError("topk: k must be 1 for a 0-d tensor")
    return values_indices(gather(input, dim, order), _wrap(order))
