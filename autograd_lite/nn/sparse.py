"""Lookup tables: ``F.embedding`` / ``Embedding`` (rows of a weight matrix picked by integer
indices; the padding row gets no gradient) and ``F.one_hot``, with PyTorch's semantics."""
import numpy as np

from .. import dtypes, grad_mode, ops, random
from ..tensor import Tensor
from .module import Module, Parameter

__all__ = ["embedding", "one_hot", "Embedding"]


def _indices(input, who):
    array = input.data if isinstance(input, Tensor) else np.asarray(input)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{who}: indices must be an integer tensor, got {array.dtype}")
    return array.astype(np.int64, copy=False)


def _padding_index(padding_idx, num_embeddings, who):
    if padding_idx is None:
        return None
    p = int(padding_idx)
    if not -num_embeddings <= p < num_embeddings:
        raise ValueError(f"{who}: padding_idx {padding_idx} must be within num_embeddings "
                         f"({num_embeddings})")
    return p + num_embeddings if p < 0 else p


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,  # noqa: A002
              scale_grad_by_freq=False, sparse=False):
    """out[..., :] = weight[input[...], :] for integer ``input`` of any shape and ``weight``
    (num_embeddings, embedding_dim). Rows read at ``padding_idx`` pass no gradient to the
    weight. ``max_norm``, ``scale_grad_by_freq`` and ``sparse`` are not implemented."""
    for name, value, default in (("max_norm", max_norm, None),
                                 ("scale_grad_by_freq", scale_grad_by_freq, False),
                                 ("sparse", sparse, False)):
        if value != default and value is not default:
            raise NotImplementedError(f"embedding: {name}={value!r} is not supported by "
                                      f"autograd_lite (leave it at {default!r})")
    index = _indices(input, "embedding")
    if not isinstance(weight, Tensor):
        weight = Tensor(np.asarray(weight))
    if weight.ndim != 2:
        raise RuntimeError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), "
                           f"got shape {tuple(weight.shape)}")
    num = weight.shape[0]
    bad = (index < 0) | (index >= num)
    if bad.any():
        raise IndexError(f"embedding: index {int(index[bad].flat[0])} is out of range for a "
                         f"weight of shape {tuple(weight.shape)} (expected 0 .. {num - 1}; "
                         f"indices of shape {index.shape})")
    out = ops.getitem(weight, index)
    pad = _padding_index(padding_idx, num, "embedding")
    if pad is not None:
        at_pad = index == pad
        if at_pad.any():
            out = ops.where(at_pad[..., None], out.detach(), out)
    return out


def one_hot(tensor, num_classes=-1):
    """int64 tensor of shape (*, num_classes) with a 1 at each index; num_classes=-1 takes
    max + 1. Not differentiable."""
    index = tensor.data if isinstance(tensor, Tensor) else np.asarray(tensor)
    if index.dtype.kind not in "iu":
        raise RuntimeError(f"one_hot: only applicable to integer index tensors, got "
                           f"{index.dtype}")
    index = index.astype(np.int64, copy=False)
    if num_classes == -1:
        if index.size == 0:
            raise RuntimeError("one_hot: can not infer the number of classes from an empty "
                               "tensor; pass num_classes")
        num_classes = int(index.max()) + 1
    num_classes = int(num_classes)
    if index.size and index.min() < 0:
        raise RuntimeError(f"one_hot: class values must be non-negative, got {int(index.min())}")
    if index.size and index.max() >= num_classes:
        raise RuntimeError(f"one_hot: class values must be smaller than num_classes "
                           f"({num_classes}), got {int(index.max())}")
    out = np.zeros(index.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, index[..., None], 1, axis=-1)
    return Tensor(out)


class Embedding(Module):
    """A lookup table of ``num_embeddings`` vectors of size ``embedding_dim``; weight drawn
    from N(0, 1) with the ``padding_idx`` row zeroed, as PyTorch."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None,
                 norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None,
                 _freeze=False, dtype=None):
        super().__init__()
        self.num_embeddings = int(num_embeddings)
        self.embedding_dim = int(embedding_dim)
        self.padding_idx = _padding_index(padding_idx, self.num_embeddings, "Embedding")
        if max_norm is not None or scale_grad_by_freq or sparse:
            embedding(np.zeros(0, np.int64), np.zeros((1, 1)), None, max_norm, norm_type,
                      scale_grad_by_freq, sparse)  # raises, naming the argument
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        dtype = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
        shape = (self.num_embeddings, self.embedding_dim)
        if _weight is None:
            self.weight = Parameter(np.empty(shape, dtype=dtype), requires_grad=not _freeze)
            self.reset_parameters()
        else:
            data = _weight.data if isinstance(_weight, Tensor) else np.asarray(_weight)
            if tuple(data.shape) != shape:
                raise ValueError(f"Embedding: _weight of shape {tuple(data.shape)} does not "
                                 f"match (num_embeddings, embedding_dim) = {shape}")
            self.weight = Parameter(np.array(data, dtype=data.dtype),
                                    requires_grad=not _freeze)

    def reset_parameters(self):
        with grad_mode.no_grad():
            self.weight.copy_(random.generator().standard_normal(self.weight.shape))
            if self.padding_idx is not None:
                self.weight[self.padding_idx] = 0

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None,
                        norm_type=2.0, scale_grad_by_freq=False, sparse=False):
        rows, cols = tuple(embeddings.shape)
        return cls(rows, cols, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                   _weight=embeddings, _freeze=freeze)

    def forward(self, input):  # noqa: A002
        return embedding(input, self.weight, self.padding_idx)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        return s + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None else "")
