"""The safetensors side of ``al.save`` / ``al.load``: weights that PyTorch (or any safetensors
reader) loads, and PyTorch's ``safetensors.torch.save_file`` output that autograd_lite loads.

A safetensors file is an 8-byte little-endian header length, a JSON header giving each tensor's
dtype, shape and byte range, then the bytes. It holds named tensors and string metadata only,
so ``al.save(obj, "x.safetensors")`` takes a flat ``{name: Tensor or array}`` dict (a
``state_dict``; PyTorch's key names such as ``"0.weight"`` match autograd_lite's). Full
checkpoints (optimizer and scheduler state, epochs, nesting) stay in the npz format: structure
packed into the metadata would make a file that other readers load only half of. Tensors come
back from ``load`` as Tensors (``requires_grad`` off), keys sorted by name (the library's order).

The ``safetensors`` package is an optional extra (``pip install 'autograd-lite[safetensors]'``):
the core stays numpy + Numba, the npz format needs nothing more, and interchange is a feature
only some users want; without the package both directions raise an ImportError naming the extra.
"""
import struct

import numpy as np

from .tensor import Tensor, _wrap

SUFFIX = ".safetensors"
# the dtypes both numpy and PyTorch hold; bfloat16 and float8 have no numpy dtype
_DTYPES = {np.dtype(t): name for t, name in [
    (np.bool_, "BOOL"), (np.uint8, "U8"), (np.int8, "I8"), (np.uint16, "U16"), (np.int16, "I16"),
    (np.uint32, "U32"), (np.int32, "I32"), (np.uint64, "U64"), (np.int64, "I64"),
    (np.float16, "F16"), (np.float32, "F32"), (np.float64, "F64")]}


def _package(doing):
    try:
        import safetensors
        import safetensors.numpy  # encode() calls safetensors.numpy.save
    except ImportError:
        raise ImportError(f"{doing} needs the safetensors package, an optional extra: "
                          f"pip install 'autograd-lite[safetensors]'") from None
    return safetensors


def looks_like_safetensors(head):
    """True when ``head`` (the file's first bytes) starts like a safetensors file: an 8-byte
    header length, then ``{``. Checked before the pickle test, because a header length can
    start with 0x80; no pickle has ``{`` there (it would be inside an opcode's argument)."""
    return head[8:9] == b"{"


def encode(obj, path):
    """The safetensors bytes of the flat dict ``obj``; TypeError, before anything is written,
    for anything else."""
    package = _package(f"al.save to {path}")
    hint = ("a .safetensors file holds a flat dict of name -> tensor (a state_dict); save "
            "anything else (e.g. a checkpoint with optimizer state) under another suffix, "
            "which writes the npz format")
    if not isinstance(obj, dict):
        raise TypeError(f"al.save: cannot write a {type(obj).__name__} to {path}: {hint}")
    arrays = {}
    for key, value in obj.items():
        array = value.data if isinstance(value, Tensor) else value
        if not isinstance(key, str) or not isinstance(array, np.ndarray):
            raise TypeError(f"al.save: cannot write {key!r}: {type(value).__name__} to {path}: "
                            f"{hint}")
        # native byte order and C order: the library copies the raw buffer as it is
        array = np.require(array, dtype=array.dtype.newbyteorder("="), requirements="C")
        if array.dtype not in _DTYPES:
            raise TypeError(f"al.save: {key!r} has dtype {array.dtype}, which a .safetensors "
                            f"file cannot hold (bool, integers and float16/32/64 only); "
                            f"({path})")
        arrays[key] = array
    return package.numpy.save(arrays)


def decode(f, size, path, error_type):
    """The ``{name: Tensor}`` dict in the safetensors file ``f`` (``size`` bytes), checking the
    header length against the file's size before the library reads anything, so a header that
    claims gigabytes costs nothing; every fault is an ``error_type`` naming the file."""
    header_size = struct.unpack("<Q", f.read(8))[0]
    if header_size > size - 8:
        raise error_type(f"al.load: {path} is truncated or corrupted: its safetensors header "
                         f"declares {header_size:,} bytes but only {size - 8:,} follow")
    package = _package(f"al.load: {path} is a safetensors file; reading it")
    names = {name: dtype for dtype, name in _DTYPES.items()}
    try:
        with package.safe_open(path, framework="np") as st:
            for key in st.keys():  # noqa: SIM118 - safe_open is not a dict: keys() only
                stored = st.get_slice(key).get_dtype()
                if stored not in names:
                    raise error_type(f"al.load: {path} holds {key!r} as {stored}, which numpy "
                                     f"has no dtype for; convert it first (e.g. in PyTorch: "
                                     f".float())")
            return {key: _wrap(np.require(st.get_tensor(key), requirements=["C", "A", "W"]))
                    for key in st.keys()}  # noqa: SIM118
    except package.SafetensorError as error:
        raise error_type(f"al.load: {path} is truncated or corrupted (safetensors: "
                         f"{error})") from None
