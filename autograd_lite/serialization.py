"""``al.save`` / ``al.load``: checkpoints as plain ``.npz`` files, never pickle.

A checkpoint is a zip archive (numpy's npz layout) holding one ``.npy`` member per array and a
manifest member, ``__autograd_lite__.npy``: a uint8 array of UTF-8 JSON that describes the
object's structure (dicts, lists, tuples, tensors, arrays, numbers, strings, None) and names
the member that holds each array. Arrays are read with ``allow_pickle=False``, so a file that
holds a pickled object is refused without any of it being run.

Writes are atomic: the archive goes to a temporary file in the destination's folder, is
flushed and fsynced, and only then renamed over the destination (``os.replace``). An exception
mid-save removes the temporary file and leaves any old checkpoint untouched; a hard crash
(power loss, SIGKILL) can leave a hidden ``.<name>.*.tmp`` file behind, never a half-written
checkpoint under the real name.
"""
import json
import os
import tempfile
import zipfile

import numpy as np

from .tensor import Tensor, _wrap

__all__ = ["save", "load", "CheckpointError"]

FORMAT = "autograd_lite.checkpoint"
VERSION = 1
MANIFEST = "__autograd_lite__"
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_NPY_MAGIC = b"\x93NUMPY"


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

    def encode(self, obj, path="obj"):
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
        if isinstance(obj, dict):
            items = []
            for key, value in obj.items():
                if isinstance(key, bool) or not isinstance(key, (str, int)):
                    raise TypeError(f"al.save: dict key {key!r} at {path} is a "
                                    f"{type(key).__name__}; keys must be str or int")
                items.append([{"t": "str", "v": key} if isinstance(key, str)
                              else {"t": "int", "v": str(key)},
                              self.encode(value, f"{path}[{key!r}]")])
            return {"t": "dict", "items": items}
        if isinstance(obj, (list, tuple)):
            return {"t": "list" if isinstance(obj, list) else "tuple",
                    "items": [self.encode(v, f"{path}[{i}]") for i, v in enumerate(obj)]}
        raise TypeError(f"al.save: cannot store a {type(obj).__name__} (at {path}); checkpoints "
                        f"hold dicts, lists, tuples, Tensors, numpy arrays, numbers, strings and "
                        f"None")


def _decode(node, members, path):
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
        if kind == "dict":
            return {_decode(k, members, path): _decode(v, members, path)
                    for k, v in node["items"]}
        if kind == "list":
            return [_decode(v, members, path) for v in node["items"]]
        if kind == "tuple":
            return tuple(_decode(v, members, path) for v in node["items"])
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
    would give (0666 less the umask), not mkstemp's private 0600."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def save(obj, path):
    """Write ``obj`` (nested dicts/lists/tuples of Tensors, numpy arrays, numbers, strings and
    None, e.g. a model's and an optimizer's state dicts together) to ``path`` atomically.

    The exact ``path`` is used (no extension is added). Tensors come back from ``load`` as
    Tensors, arrays as arrays, with dtype and shape preserved exactly."""
    path = os.fspath(path)
    encoder = _Encoder()
    tree = encoder.encode(obj)
    manifest = json.dumps({"format": FORMAT, "version": VERSION, "tree": tree},
                          allow_nan=False).encode("utf-8")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"al.save: the folder {folder} does not exist (saving {path})")
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                               dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            _write_archive(f, manifest, encoder.arrays)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(folder)


def _sniff(path):
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(_ZIP_MAGIC) or head.startswith(_EMPTY_ZIP_MAGIC):
        return "zip"
    if head.startswith(_NPY_MAGIC):
        return "npy"
    if head[:1] == b"\x80":  # the PROTO opcode that starts every pickle of protocol 2 or later
        return "pickle"
    return "other"


def load(path):
    """Read a checkpoint written by ``save``. Raises ``CheckpointError`` (a ValueError) naming
    the file when it is truncated or corrupted, is not an autograd_lite checkpoint, or holds
    pickled data (which is refused, never unpickled)."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"al.load: no such file: {path}")
    kind = _sniff(path)
    if kind == "pickle":
        raise CheckpointError(f"al.load: {path} holds pickled data, which autograd_lite refuses "
                              f"to load (unpickling can run arbitrary code); only checkpoints "
                              f"written by al.save can be loaded")
    if kind == "npy":
        raise CheckpointError(f"al.load: {path} is a single numpy array (.npy), not an "
                              f"autograd_lite checkpoint; read it with numpy.load")
    if kind != "zip":
        size = os.path.getsize(path)
        raise CheckpointError(f"al.load: {path} is not an autograd_lite checkpoint (it is not an "
                              f"npz archive{'; the file is empty' if size == 0 else ''})")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise CheckpointError(f"al.load: {path} is truncated or corrupted (its zip archive cannot "
                              f"be read: {error})") from None
    with archive:
        names = set(archive.namelist())
        if MANIFEST + ".npy" not in names:
            if any(n.endswith(".pkl") for n in names):
                raise CheckpointError(f"al.load: {path} holds pickled data (an archive with a "
                                      f".pkl member, e.g. a torch.save file), which "
                                      f"autograd_lite refuses to load (unpickling can run "
                                      f"arbitrary code)")
            raise CheckpointError(f"al.load: {path} is an archive but not an autograd_lite "
                                  f"checkpoint (it has no {MANIFEST} manifest; members: "
                                  f"{sorted(names)[:5]})")

        def member(name):
            if name + ".npy" not in names:
                raise CheckpointError(f"al.load: {path} is damaged: its manifest names an array "
                                      f"{name!r} that the archive does not hold")
            try:
                with archive.open(name + ".npy") as f:
                    return np.lib.format.read_array(f, allow_pickle=False)
            except ValueError as error:
                if "pickle" in str(error).lower() or "object" in str(error).lower():
                    raise CheckpointError(f"al.load: {path} holds pickled data in member "
                                          f"{name!r}, which autograd_lite refuses to load "
                                          f"(unpickling can run arbitrary code)") from None
                raise CheckpointError(f"al.load: {path} is corrupted: member {name!r} is not a "
                                      f"valid array ({error})") from None
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise CheckpointError(f"al.load: {path} is truncated or corrupted (member "
                                      f"{name!r}: {error})") from None

        raw = member(MANIFEST)
        try:
            header = json.loads(raw.tobytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
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
