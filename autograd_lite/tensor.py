"""``Tensor``: a numpy array, whether it requires grad, its ``.grad``, and the node that made it.

Here: the array, autograd state, conversion, devices and dtypes, operators and in-place forms.
The methods that mirror ops (``t.sum(1)`` is ``al.sum(t, 1)``, one code path) are one-liners in
``tensor_methods.OpMethods``, which Tensor inherits. Both modules reach ``autograd_lite.ops``
through a name bound at the bottom of this one, after the class exists (the one import cycle
by design: Tensor's methods, the ops, the tape).
"""
import numpy as np

from . import device as _device
from . import dtypes, tensor_methods
from ._effects import replayable


class Tensor(tensor_methods.OpMethods):
    # ``_data`` is the numpy array (the hot path reads the slot); ``data`` is PyTorch's view of
    # it as a Tensor (below)
    __slots__ = ("_data", "requires_grad", "grad", "_node", "_out_index", "_version",
                 "__weakref__")
    # numpy hands mixed expressions (ndarray * Tensor) to Tensor's reflected operators
    __array_ufunc__ = None

    def __init__(self, data, dtype=None, requires_grad=False):
        from_numpy = isinstance(data, (np.ndarray, np.generic))
        array = np.array(data._data if isinstance(data, Tensor) else data, copy=True)
        if dtype is None:
            # numpy data keeps its float dtype, Python numbers take the default (as torch.tensor)
            keep = from_numpy and array.dtype in (dtypes.float32, dtypes.float64)
            dtype = array.dtype if keep or isinstance(data, Tensor) else dtypes.infer_dtype(array)
        array = array.astype(dtype, copy=False)
        _init(self, array, None)
        if requires_grad:
            self.requires_grad_(True)

    # ---- attributes -----------------------------------------------------------------------
    @property
    def data(self):
        """PyTorch's ``._data``: a Tensor that shares this one's memory, off the graph and not
        requiring grad. Unlike ``detach()`` it has a version counter of its own, so changes
        made through it (``p._data.add_(...)``) are not seen by autograd, as in PyTorch.
        ``.numpy()`` is the way to the array."""
        return _wrap(self._data)

    @data.setter
    def data(self, value):
        """``t._data = other``: ``t`` holds ``other``'s array from now on (shape and dtype
        may change), keeping its identity, ``requires_grad`` and ``.grad``."""
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be set to a Tensor, got {type(value).__name__}")
        self._data = value._data

    @property
    def shape(self):
        return self._data.shape

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def dtype(self):
        return self._data.dtype

    def size(self, dim=None):
        if dim is None:
            return self._data.shape
        return self._data.shape[ops.normalize_dim(dim, self._data.ndim, "size")]

    def numel(self):
        return self._data.size

    def dim(self):
        return self._data.ndim

    @property
    def is_leaf(self):
        return self._node is None

    @property
    def grad_fn(self):
        return self._node

    @property
    def T(self):
        return ops.permute(self, tuple(range(self._data.ndim - 1, -1, -1)))

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    __hash__ = object.__hash__

    def __repr__(self):
        body = np.array2string(self._data, separator=", ", prefix="tensor(")
        extras = []
        if self._data.dtype not in (dtypes.get_default_dtype(), dtypes.int64, dtypes.bool):
            extras.append(f"dtype={self._data.dtype}")
        if self._node is not None:
            extras.append(f"grad_fn=<{self._node.name}Backward>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + body + "".join(", " + e for e in extras) + ")"

    # ---- conversion -----------------------------------------------------------------------
    def numpy(self):
        """The underlying array, without a copy. Like PyTorch, refused for a tensor that requires
        grad (changing the array would silently corrupt the graph): use ``.detach().numpy()``."""
        if self.requires_grad:
            raise RuntimeError("numpy() on a tensor that requires grad: call .detach().numpy()")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if dtype is not None and np.dtype(dtype) != self._data.dtype:
            return self._data.astype(dtype)
        return self._data.copy() if copy else self._data

    def item(self):
        if self._data.size != 1:
            raise ValueError(f"item(): only a one-element tensor converts to a Python number, "
                             f"this one has shape {self._data.shape}")
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"the truth value of a tensor of shape {self._data.shape} is "
                               f"ambiguous; use .any() or .all()")
        return bool(self._data.item())

    def detach(self):
        """A tensor sharing this one's data (and version counter) that is off the graph."""
        return _wrap(self._data, version=self._version)

    def clone(self):
        return ops.clone(self)

    def to(self, *args, **kwargs):
        """PyTorch's forms: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``
        and the keywords ``dtype=, device=, copy=, non_blocking=``. The CPU is the only
        device: naming another raises. Returns ``self`` when nothing changes (as PyTorch)."""
        dtype, copy = _to_arguments(args, kwargs, "Tensor.to")
        if dtype is None or dtype == self._data.dtype:
            return ops.clone(self) if copy else self
        return ops.astype(self, dtype)

    def astype(self, dtype):
        return ops.astype(self, dtypes.as_dtype(dtype, "astype"))

    @property
    def device(self):
        return _device.CPU

    @property
    def is_cuda(self):
        return False

    def cpu(self):
        return self

    def cuda(self, device=None, non_blocking=False):
        _device.check_device("cuda" if device is None else device, "Tensor.cuda")

    def type(self, dtype=None, non_blocking=False):
        """Without ``dtype``: PyTorch's type string (``"torch.FloatTensor"``); with one (a
        dtype or such a string): the tensor converted to it."""
        if dtype is None:
            return "torch." + dtypes.TENSOR_TYPE_NAMES[self._data.dtype]
        return self.to(dtypes.as_dtype(dtype, "Tensor.type"))

    def float(self):
        return self.to(dtypes.float32)

    def double(self):
        return self.to(dtypes.float64)

    def half(self):
        return self.to(dtypes.float16)

    def int(self):
        return self.to(dtypes.int32)

    def long(self):
        return self.to(dtypes.int64)

    def bool(self):
        return self.to(dtypes.bool)

    def __index__(self):
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError(f"only integer tensors of a single element can be converted to an "
                            f"index; this one is {self._data.dtype} of shape {self._data.shape}")
        return int(self._data.item())

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        if spec:
            raise TypeError(f"unsupported format string {spec!r} for a tensor of shape "
                            f"{self._data.shape}; format .item() of a one-element tensor")
        return str(self)

    # ---- new tensors like this one (PyTorch's new_* methods) ------------------------------
    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        _device.check_device(device, "new_tensor")
        return Tensor(data, dtype=self._data.dtype if dtype is None else dtype,
                      requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new_filled(size, 0, dtype, device, requires_grad, "new_zeros")

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new_filled(size, 1, dtype, device, requires_grad, "new_ones")

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new_filled(size, 0, dtype, device, requires_grad, "new_empty")

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        return self._new_filled((size,), fill_value, dtype, device, requires_grad, "new_full")

    def _new_filled(self, size, value, dtype, device, requires_grad, who):
        _device.check_device(device, who)
        shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) \
            else tuple(size)
        array = np.full(shape, value, dtype=self._data.dtype if dtype is None else
                        dtypes.as_dtype(dtype, who))
        t = _wrap(array)
        return t.requires_grad_(True) if requires_grad else t

    def requires_grad_(self, requires_grad=True):
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError(f"only floating-point tensors can require gradients; this one is "
                               f"{self._data.dtype} (convert it with .float() or .double())")
        if not requires_grad and self._node is not None:
            raise RuntimeError("requires_grad_(False) on a non-leaf tensor; use .detach()")
        self.requires_grad = bool(requires_grad)
        return self

    @staticmethod
    def _from_array(array):
        return _wrap(array)

    # ---- autograd -------------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=None, create_graph=False):
        from .autograd import backward
        backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph)

    # ---- operators ------------------------------------------------------------------------
    def __add__(self, other):
        return ops.add(self, other)

    def __radd__(self, other):
        return ops.add(other, self)

    def __sub__(self, other):
        return ops.sub(self, other)

    def __rsub__(self, other):
        return ops.sub(other, self)

    def __mul__(self, other):
        return ops.mul(self, other)

    def __rmul__(self, other):
        return ops.mul(other, self)

    def __truediv__(self, other):
        return ops.div(self, other)

    def __rtruediv__(self, other):
        return ops.div(other, self)

    def __pow__(self, other):
        return ops.pow(self, other)

    def __rpow__(self, other):
        return ops.pow(other, self)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __neg__(self):
        return ops.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return ops.abs(self)

    def __lt__(self, other):
        return ops.lt(self, other)

    def __le__(self, other):
        return ops.le(self, other)

    def __gt__(self, other):
        return ops.gt(self, other)

    def __ge__(self, other):
        return ops.ge(self, other)

    def __eq__(self, other):
        return ops.eq(self, other)

    def __ne__(self, other):
        return ops.ne(self, other)

    def __getitem__(self, index):
        return ops.getitem(self, index)

    # ---- in-place (refused on tensors that require grad while recording; bump the version) --
    def __setitem__(self, index, value):
        ops.setitem_(self, index, value)

    def __iadd__(self, other):
        return ops.add_(self, other)

    def __isub__(self, other):
        return ops.sub_(self, other)

    def __imul__(self, other):
        return ops.mul_(self, other)

    def __itruediv__(self, other):
        return ops.div_(self, other)

    def add_(self, other, alpha=1):
        return ops.add_(self, other, alpha=alpha)

    def sub_(self, other, alpha=1):
        return ops.sub_(self, other, alpha=alpha)

    def mul_(self, other):
        return ops.mul_(self, other)

    def div_(self, other):
        return ops.div_(self, other)

    def zero_(self):
        return ops.zero_(self)

    def fill_(self, value):
        return ops.fill_(self, value)

    def copy_(self, source):
        return ops.copy_(self, source)

    def clamp_(self, min=None, max=None):
        return ops.clamp_(self, min, max)


def _to_arguments(args, kwargs, who):
    """(dtype or None, copy) from ``Tensor.to``/``Module.to``'s positional and keyword forms;
    a device other than the CPU raises."""
    dtype = kwargs.pop("dtype", None)
    copy = bool(kwargs.pop("copy", False))
    _device.check_device(kwargs.pop("device", None), who)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"{who}: unexpected keyword arguments {sorted(kwargs)}")
    for arg in args:
        if isinstance(arg, Tensor):
            dtype = arg._data.dtype
        elif _device.is_device_like(arg):
            _device.check_device(arg, who)
        elif isinstance(arg, bool):  # to(dtype, non_blocking) / to(device, dtype, non_blocking, copy)
            continue
        else:
            dtype = arg
    return (None if dtype is None else dtypes.as_dtype(dtype, who)), copy


def _init(t, array, version):
    t._data = array
    t.requires_grad = False
    t.grad = None
    t._node = None
    t._out_index = 0
    t._version = [0] if version is None else version


def _wrap(array, requires_grad=False, version=None):
    """A Tensor around ``array`` without a copy (the internal constructor; every op's output is
    made here, so the fields are set inline rather than through ``_init``)."""
    t = _new(Tensor)
    t._data = array
    t.requires_grad = requires_grad
    t.grad = None
    t._node = None
    t._out_index = 0
    t._version = [0] if version is None else version
    return t


_new = object.__new__


def array_of(x):
    """The array behind a Tensor, or ``x`` (a number, an array) as an array."""
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def mark_modified(t):
    """Record that ``t._data`` was changed in place by code outside the ops (optimizer kernels,
    initialisers), so graphs that saved it refuse to backpropagate through stale values."""
    t._version[0] += 1


@replayable()
def clear_grads(tensors, set_to_none=True):
    """Drop each tensor's ``.grad`` (the default, as PyTorch 2: the next backward writes instead
    of adding) or fill it with zeros in place. Module.zero_grad and Optimizer.zero_grad use it."""
    for t in tensors:
        if t.grad is None:
            continue
        if set_to_none:
            t.grad = None
        else:
            t.grad._data[...] = 0


from . import ops  # noqa: E402  (ops needs the Tensor class defined above)

tensor_methods.ops = ops
