"""``al.save`` / ``al.load``: checkpoints as plain ``.npz`` files, never pickle.

A checkpoint is a zip archive (numpy's npz layout) holding one ``.npy`` member per array and a
manifest member, ``__autograd_lite__.npy``: a uint8 array of UTF-8 JSON that describes the
object's structure (dicts, lists, tuples, tensors, arrays, numbers, strings, None) and names
the member that holds each array. Arrays are read with ``allow_pickle=False``, so a file that
holds a pickled object is refused without any of it being run.

A path ending in ``.safetensors`` is written in the safetensors format instead (a flat dict of
tensors, which PyTorch reads and writes; see ``_safetensors`` for the design), and ``load``
recognises that format by its content, whatever the file is called.

Loading is bounded by what the file declares: every member must be stored uncompressed (al.save
never compresses, and a deflated member can expand a thousandfold), the members together may not
declare more bytes than the file holds, each npy header is parsed by hand before any allocation
(shape x itemsize must equal the bytes the member holds), each member is read at most once, and
the manifest is refused past ``MAX_DEPTH`` levels. So a hostile file costs at most about its own
size in memory, and every way it can be wrong is a ``CheckpointError`` naming the file.

Writes are atomic: the archive goes to a temporary file in the destination's folder, is
flushed and fsynced, and only then renamed over the destination (``os.replace``). An exception
mid-save removes the temporary file and leaves any old checkpoint untouched; a hard crash
(power loss, SIGKILL) can leave a hidden ``.<name>.*.tmp`` file behind, never a half-written
checkpoint under the real name. A write-protected file (no write permission bits, as after
``chmod a-w``, or one this process may not write) is not replaced: PyTorch would overwrite it,
but a checkpoint someone protected is usually one they meant to keep.
"""
import errno
import io
import json
import math
import os
import struct
import tempfile
import zipfile

import numpy as np

from . import _safetensors
from .tensor import Tensor, _wrap

__all__ = ["save", "load", "CheckpointError"]

FORMAT = "autograd_lite.checkpoint"
VERSION = 1
MANIFEST = "__autograd_lite__"
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_NPY_MAGIC = b"\x93NUMPY"
MAX_DEPTH = 100          # nesting of dicts/lists/tuples; state dicts need about 5
_MAX_NPY_HEADER = 10000  # numpy's own default limit; al.save's headers are under 200 bytes
_CHUNK = 1 << 18         # arrays are read in 256 KiB pieces (as numpy does) into their buffer


class CheckpointError(ValueError):
    """A file that is not a readable autograd_lite checkpoint (truncated, corrupted, foreign,
    or holding pickled data)."""


# ---- encoding -----------------------------------------------------------------------------
class _Encoder:
    def __init__(self):
        self.arrays = []

    def _array(self, array, path):
        if array.dtype.hasobject:
            raise TypeError(f"al.save: the array at {path} has dtype object, which can only be "
                            f"stored with pickle; autograd_lite never pickles")
        if array.dtype.names is not None:
            raise TypeError(f"al.save: the array at {path} has a structured dtype, which is not "
                            f"supported")
        name = f"arr_{len(self.arrays)}"
        self.arrays.append((name, array))
        return name

    def encode(self, obj, path="obj", depth=0):
        if isinstance(obj, Tensor):
            return {"t": "tensor", "a": self._array(obj.data, path),
                    "requires_grad": bool(obj.requires_grad)}
        if isinstance(obj, np.ndarray):
            return {"t": "ndarray", "a": self._array(obj, path)}
        if isinstance(obj, np.generic):
            return {"t": "npscalar", "a": self._array(np.asarray(obj), path)}
        if obj is None:
            return {"t": "none"}
        if isinstance(obj, bool):
            return {"t": "bool", "v": obj}
        if isinstance(obj, int):
            return {"t": "int", "v": str(int(obj))}
        if isinstance(obj, float):
            return {"t": "float", "v": float.hex(float(obj))}
        if isinstance(obj, str):
            return {"t": "str", "v": obj}
        if isinstance(obj, (dict, list, tuple)) and depth >= MAX_DEPTH:
            raise ValueError(f"al.save: {path} is nested more than {MAX_DEPTH} levels deep (or "
                             f"contains itself); checkpoints hold at most {MAX_DEPTH} levels")
        if isinstance(obj, dict):
            items = []
            for key, value in obj.items():
                if isinstance(key, bool) or not isinstance(key, (str, int)):
                    raise TypeError(f"al.save: dict key {key!r} at {path} is a "
                                    f"{type(key).__name__}; keys must be str or int")
                items.append([{"t": "str", "v": key} if isinstance(key, str)
                              else {"t": "int", "v": str(key)},
                              self.encode(value, f"{path}[{key!r}]", depth + 1)])
            return {"t": "dict", "items": items}
        if isinstance(obj, (list, tuple)):
            return {"t": "list" if isinstance(obj, list) else "tuple",
                    "items": [self.encode(v, f"{path}[{i}]", depth + 1)
                              for i, v in enumerate(obj)]}
        raise TypeError(f"al.save: cannot store a {type(obj).__name__} (at {path}); checkpoints "
                        f"hold dicts, lists, tuples, Tensors, numpy arrays, numbers, strings and "
                        f"None")


def _decode(node, members, path, depth=0):
    try:
        kind = node["t"]
        if kind in ("tensor", "ndarray", "npscalar"):
            array = members(node["a"])
            if kind == "tensor":
                t = _wrap(array)
                if node.get("requires_grad"):
                    t.requires_grad_(True)
                return t
            return array if kind == "ndarray" else array[()]
        if kind == "none":
            return None
        if kind == "bool":
            return bool(node["v"])
        if kind == "int":
            return int(node["v"])
        if kind == "float":
            return float.fromhex(node["v"])
        if kind == "str":
            return str(node["v"])
        if kind in ("dict", "list", "tuple") and depth >= MAX_DEPTH:
            raise CheckpointError(f"al.load: {path} has a damaged manifest (nested more than "
                                  f"{MAX_DEPTH} levels deep; al.save writes at most {MAX_DEPTH})")
        if kind == "dict":
            return {_decode(k, members, path, depth + 1): _decode(v, members, path, depth + 1)
                    for k, v in node["items"]}
        if kind == "list":
            return [_decode(v, members, path, depth + 1) for v in node["items"]]
        if kind == "tuple":
            return tuple(_decode(v, members, path, depth + 1) for v in node["items"])
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, CheckpointError):
            raise
        raise CheckpointError(f"al.load: {path} has a damaged manifest ({error!r})") from None
    raise CheckpointError(f"al.load: {path} has a damaged manifest (unknown entry type "
                          f"{kind!r})")


def _write_archive(f, manifest_bytes, arrays):
    with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, array in arrays:
            with zf.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)
        with zf.open(MANIFEST + ".npy", "w", force_zip64=True) as member:
            np.lib.format.write_array(member, np.frombuffer(manifest_bytes, dtype=np.uint8),
                                      allow_pickle=False)


def _fsync_dir(folder):
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _file_mode(path):
    """The permissions the saved file should have: the replaced file's, or what a plain open()
    would give (0666 less the umask), not mkstemp's private 0600. Refuses (PermissionError,
    before anything is written) to replace a write-protected file: the mode bits are checked
    as well as access(), because root may write anything and chmod a-w must still protect."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
    mode = st.st_mode & 0o777
    if not mode & 0o222 or not os.access(path, os.W_OK):
        raise PermissionError(errno.EACCES, f"al.save: {path} is write-protected (mode "
                                            f"{mode:03o}) and is not replaced; make it writable "
                                            f"(chmod u+w) or remove it first")
    return mode


def _atomic_write(path, write):
    """Call ``write(f)`` on a temporary file beside ``path``, fsync it, then rename it over
    ``path``: a reader sees the old file or the new one, never a mixture."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"al.save: the folder {folder} does not exist (saving {path})")
    mode = _file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                               dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(folder)


def save(obj, path):
    """Write ``obj`` (nested dicts/lists/tuples of Tensors, numpy arrays, numbers, strings and
    None, e.g. a model's and an optimizer's state dicts together) to ``path`` atomically.

    The exact ``path`` is used (no extension is added). Tensors come back from ``load`` as
    Tensors, arrays as arrays, with dtype and shape preserved exactly. A path ending in
    ``.safetensors`` takes a flat ``{name: tensor}`` dict (a state_dict) and writes the
    safetensors format, for PyTorch. An existing write-protected file at ``path`` raises
    PermissionError and is left as it is."""
    path = os.fspath(path)
    if path.lower().endswith(_safetensors.SUFFIX):
        data = _safetensors.encode(obj, path)
        _atomic_write(path, lambda f: f.write(data))
        return
    encoder = _Encoder()
    tree = encoder.encode(obj)
    manifest = json.dumps({"format": FORMAT, "version": VERSION, "tree": tree},
                          allow_nan=False).encode("utf-8")
    _atomic_write(path, lambda f: _write_archive(f, manifest, encoder.arrays))


def _sniff(head):
    if head.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        return "zip"
    if head.startswith(_NPY_MAGIC):
        return "npy"
    if _safetensors.looks_like_safetensors(head):
        return "safetensors"
    if head[:1] == b"\x80":  # the PROTO opcode that starts every pickle of protocol 2 or later
        return "pickle"
    return "other"


def _open(path):
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise FileNotFoundError(f"al.load: no such file: {path}") from None
    except OSError as error:  # a symlink loop, a folder, no permission: say which
        raise type(error)(error.errno, f"al.load: cannot open {path}: "
                                       f"{error.strerror}") from None


def _read_npy(stream, size, path, name):
    """Read one ``size``-byte npy member. The header is parsed by hand first, and the array is
    allocated only when its shape x itemsize is exactly the bytes the member holds (numpy's
    read_array would allocate whatever the header declares), then filled in place."""
    def bad(what):
        return CheckpointError(f"al.load: {path} is corrupted: member {name!r} {what}")

    prefix = stream.read(8)
    if len(prefix) < 8 or not prefix.startswith(_NPY_MAGIC):
        raise bad("is not a numpy array")
    if prefix[6] not in (1, 2, 3):
        raise bad(f"has an unknown npy format version {prefix[6]}.{prefix[7]}")
    length_format = "<H" if prefix[6] == 1 else "<I"
    length = stream.read(struct.calcsize(length_format))
    if len(length) < struct.calcsize(length_format):
        raise bad("is truncated")
    (header_size,) = struct.unpack(length_format, length)
    if header_size > _MAX_NPY_HEADER:
        raise bad(f"has a {header_size}-byte npy header (al.save writes a few hundred bytes; at "
                  f"most {_MAX_NPY_HEADER} are read)")
    header = stream.read(header_size)
    if len(header) < header_size:
        raise bad("is truncated")
    parse = (np.lib.format.read_array_header_1_0 if prefix[6] == 1
             else np.lib.format.read_array_header_2_0)  # 3.0 differs only in the text encoding
    try:
        shape, fortran_order, dtype = parse(io.BytesIO(length + header),
                                            max_header_size=_MAX_NPY_HEADER)
    except (ValueError, TypeError) as error:
        raise bad(f"has an invalid npy header ({error})") from None
    if dtype.hasobject:
        raise CheckpointError(f"al.load: {path} holds pickled data in member {name!r} (an "
                              f"object array), which autograd_lite refuses to load (unpickling "
                              f"can run arbitrary code)")
    count = math.prod(shape)
    declared = count * dtype.itemsize
    held = size - len(prefix) - len(length) - header_size
    if min(shape, default=0) < 0 or declared != held:
        raise bad(f"declares {declared:,} bytes (shape {shape}, dtype {dtype}) but holds "
                  f"{held:,}")
    try:
        flat = np.empty(count, dtype=dtype)
    except ValueError as error:
        raise bad(f"declares an impossible shape {shape} ({error})") from None
    if declared:
        view = memoryview(flat.view(np.uint8))
        done = 0
        while done < declared:
            got = stream.readinto(view[done:done + _CHUNK])
            if not got:
                raise bad("is truncated")
            done += got
    if stream.read(1):
        raise bad("holds more bytes than its header declares")
    return flat.reshape(shape[::-1]).transpose() if fortran_order else flat.reshape(shape)


def _load_archive(f, size, path):
    try:
        archive = zipfile.ZipFile(f)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise CheckpointError(f"al.load: {path} is truncated or corrupted (its zip archive cannot "
                              f"be read: {error})") from None
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if MANIFEST + ".npy" not in names:
            if any(n.endswith(".pkl") for n in names):
                raise CheckpointError(f"al.load: {path} holds pickled data (an archive with a "
                                      f".pkl member, e.g. a torch.save file), which "
                                      f"autograd_lite refuses to load (unpickling can run "
                                      f"arbitrary code)")
            raise CheckpointError(f"al.load: {path} is an archive but not an autograd_lite "
                                  f"checkpoint (it has no {MANIFEST} manifest; members: "
                                  f"{sorted(names)[:5]})")
        for info in infos:
            if info.compress_type != zipfile.ZIP_STORED:
                raise CheckpointError(f"al.load: {path} was not written by al.save: member "
                                      f"{info.filename!r} is compressed (zip method "
                                      f"{info.compress_type}); al.save stores members "
                                      f"uncompressed, and a compressed one can expand to far "
                                      f"more than the file holds")
        declared = sum(info.file_size for info in infos)
        if declared > size:
            raise CheckpointError(f"al.load: {path} is corrupted: its members declare "
                                  f"{declared:,} bytes but the file holds {size:,}")
        read = set()

        def member(name):
            if not isinstance(name, str) or name + ".npy" not in names:
                raise CheckpointError(f"al.load: {path} is damaged: its manifest names an array "
                                      f"{name!r} that the archive does not hold")
            if name in read:
                raise CheckpointError(f"al.load: {path} is damaged: its manifest names the array "
                                      f"{name!r} more than once (al.save stores each array once)")
            read.add(name)
            info = archive.getinfo(name + ".npy")
            try:
                with archive.open(info) as stream:
                    return _read_npy(stream, info.file_size, path, name)
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise CheckpointError(f"al.load: {path} is truncated or corrupted (member "
                                      f"{name!r}: {error})") from None

        raw = member(MANIFEST)
        try:
            if raw.dtype != np.uint8 or raw.ndim != 1:
                raise ValueError(f"a {raw.dtype} array of shape {raw.shape}, not uint8 text")
            header = json.loads(raw.tobytes().decode("utf-8"))
        except (ValueError, RecursionError) as error:  # JSONDecodeError, UnicodeDecodeError
            if isinstance(error, RecursionError):
                error = "nested too deep for JSON"
            raise CheckpointError(f"al.load: {path} has an unreadable manifest ({error})") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise CheckpointError(f"al.load: {path} is not an autograd_lite checkpoint (unknown "
                                  f"manifest format)")
        version = header.get("version")
        if not isinstance(version, int) or version > VERSION:
            raise CheckpointError(f"al.load: {path} was written by a newer autograd_lite "
                                  f"(checkpoint format version {version}, this one reads up to "
                                  f"{VERSION})")
        return _decode(header.get("tree"), member, path)


def load(path):
    """Read a checkpoint written by ``save``, or any safetensors file (recognised by its
    content, as a ``{name: Tensor}`` dict). Raises ``CheckpointError`` (a ValueError) naming
    the file when it is truncated or corrupted, is not an autograd_lite checkpoint, or holds
    pickled data (which is refused, never unpickled). Memory use is bounded by the file's size
    (see the module docstring); an unreadable path raises the OSError that says why."""
    path = os.fspath(path)
    with _open(path) as f:
        size = os.fstat(f.fileno()).st_size
        kind = _sniff(f.read(16))
        f.seek(0)
        if kind == "safetensors":
            return _safetensors.decode(f, size, path, CheckpointError)
        if kind == "pickle":
            raise CheckpointError(f"al.load: {path} holds pickled data, which autograd_lite "
                                  f"refuses to load (unpickling can run arbitrary code); only "
                                  f"checkpoints written by al.save can be loaded")
        if kind == "npy":
            raise CheckpointError(f"al.load: {path} is a single numpy array (.npy), not an "
                                  f"autograd_lite checkpoint; read it with numpy.load")
        if kind != "zip":
            raise CheckpointError(f"al.load: {path} is not an autograd_lite checkpoint (it is "
                                  f"neither an npz archive nor a safetensors file"
                                  f"{'; the file is empty' if size == 0 else ''})")
        return _load_archive(f, size, path)
