"""al.load on crafted hostile files: every one is a CheckpointError (or the OSError that says
why the path cannot be opened), and memory stays bounded by what the file itself holds."""
import errno
import json
import os
import stat
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import serialization
from autograd_lite.serialization import CheckpointError, load, save

MB = 1 << 20


def _npy_header(shape, descr="<f8", header_size=None):
    """An npy 1.0 header (2.0 when it must exceed 64 KiB), padded to ``header_size`` bytes."""
    text = repr({"descr": descr, "fortran_order": False, "shape": tuple(shape)}).encode()
    text = text.ljust((header_size or len(text) + 1) - 1) + b"\n"
    if len(text) < 1 << 16:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text
    return b"\x93NUMPY\x02\x00" + struct.pack("<I", len(text)) + text


def _manifest(tree):
    text = json.dumps({"format": serialization.FORMAT, "version": 1, "tree": tree}).encode()
    return _npy_header((len(text),), "|u1") + text


def _archive(path, members, tree=None, manifest=None):
    """A zip holding ``members`` ({name: bytes, or (bytes, compress_type)}) and a manifest."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            data, method = data if isinstance(data, tuple) else (data, zipfile.ZIP_STORED)
            zf.writestr(name, data, compress_type=method)
        zf.writestr(serialization.MANIFEST + ".npy",
                    manifest if manifest is not None else _manifest(tree))
    return path


def _peak(fn):
    """Run ``fn`` under tracemalloc (numpy's buffers are traced too); return (error, peak)."""
    tracemalloc.start()
    try:
        fn()
    except Exception as error:  # noqa: BLE001 - the caller checks which
        return error, tracemalloc.get_traced_memory()[1]
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return None, peak


def test_zip_bomb_is_refused_without_decompressing_it(tmp_path):
    """64 KB on disk, 64 MiB once inflated (today's code read it, and again per reference)."""
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("arr_0.npy", "w") as member:
            member.write(_npy_header((8 * MB,)))
            for _ in range(64):
                member.write(bytes(MB))
        zf.writestr(serialization.MANIFEST + ".npy",
                    _manifest({"t": "ndarray", "a": "arr_0"}), compress_type=zipfile.ZIP_STORED)
    assert path.stat().st_size < 100_000
    error, peak = _peak(lambda: load(path))
    assert isinstance(error, CheckpointError), error
    assert "bomb.npz" in str(error) and "compressed" in str(error)
    assert peak < 2 * MB


def test_an_array_named_many_times_is_read_once(tmp_path):
    path = _archive(tmp_path / "many.npz", {"arr_0.npy": _npy_header((1000,)) + bytes(8000)},
                    {"t": "list", "items": [{"t": "ndarray", "a": "arr_0"}] * 2000})
    error, peak = _peak(lambda: load(path))
    assert isinstance(error, CheckpointError), error
    assert "'arr_0' more than once" in str(error)
    assert peak < 4 * MB  # the 2,000 copies would be 16 MB


@pytest.mark.parametrize("shape, held, what", [
    ((2 ** 40,), 64, "declares 8,796,093,022,208 bytes"),  # 8 TiB of float64
    ((2,), 64, "declares 16 bytes"),                        # fewer than it holds
    ((-2, -4), 64, "declares 64 bytes"),                    # negative sizes multiply to 64
])
def test_declared_shape_must_match_the_bytes_held(tmp_path, shape, held, what):
    path = _archive(tmp_path / "huge.npz", {"arr_0.npy": _npy_header(shape) + bytes(held)},
                    {"t": "ndarray", "a": "arr_0"})
    error, peak = _peak(lambda: load(path))
    assert isinstance(error, CheckpointError), error
    assert "huge.npz" in str(error) and what in str(error) and f"holds {held}" in str(error)
    assert peak < MB


def test_members_declaring_more_than_the_file_holds(tmp_path):
    path = tmp_path / "sizes.npz"
    _archive(path, {"arr_0.npy": _npy_header((4,)) + bytes(32)}, {"t": "ndarray", "a": "arr_0"})
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the first central-directory entry (arr_0.npy)
    data[entry + 24:entry + 28] = struct.pack("<I", 3_000_000_000)  # its uncompressed size
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r"sizes\.npz.*declare 3,000,000,\d+ bytes"):
        load(path)


def test_huge_npy_header_is_not_called_pickled_data(tmp_path):
    path = _archive(tmp_path / "head.npz",
                    {"arr_0.npy": _npy_header((2,), header_size=200_000) + bytes(16)},
                    {"t": "ndarray", "a": "arr_0"})
    with pytest.raises(CheckpointError, match=r"head\.npz.*'arr_0'.*200000-byte npy header") as e:
        load(path)
    assert "pickle" not in str(e.value)


def test_invalid_npy_header_is_a_checkpoint_error(tmp_path):
    path = _archive(tmp_path / "h.npz",
                    {"arr_0.npy": b"\x93NUMPY\x01\x00" + struct.pack("<H", 8) + b"garbage\n"},
                    {"t": "ndarray", "a": "arr_0"})
    with pytest.raises(CheckpointError, match=r"h\.npz.*invalid npy header"):
        load(path)


def test_20000_deep_manifest_is_a_checkpoint_error(tmp_path):
    tree = '{"t": "list", "items": [' * 20_000 + '{"t": "none"}' + "]}" * 20_000
    text = (f'{{"format": "{serialization.FORMAT}", "version": 1, "tree": {tree}}}').encode()
    path = _archive(tmp_path / "deep.npz", {},
                    manifest=_npy_header((len(text),), "|u1") + text)
    with pytest.raises(CheckpointError, match=r"deep\.npz.*manifest"):
        load(path)


def test_manifest_deeper_than_save_writes_is_refused(tmp_path):
    tree = {"t": "none"}
    for _ in range(serialization.MAX_DEPTH + 1):
        tree = {"t": "list", "items": [tree]}
    path = _archive(tmp_path / "d.npz", {}, tree)
    with pytest.raises(CheckpointError, match=rf"d\.npz.*more than {serialization.MAX_DEPTH}"):
        load(path)


def test_save_round_trips_up_to_max_depth_and_refuses_deeper(tmp_path):
    obj = "leaf"
    for i in range(serialization.MAX_DEPTH):
        obj = [obj] if i % 3 == 0 else ((obj,) if i % 3 == 1 else {"k": obj})
    save(obj, tmp_path / "deep")
    assert load(tmp_path / "deep") == obj
    loop = []
    loop.append(loop)
    for bad in ([obj], loop):
        with pytest.raises(ValueError, match="nested more than"):
            save(bad, tmp_path / "deeper")
    assert not (tmp_path / "deeper").exists()


def test_fortran_order_arrays_round_trip(tmp_path):
    a = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    save({"a": a, "t": al.from_numpy(a.T)}, tmp_path / "f")
    back = load(tmp_path / "f")
    np.testing.assert_array_equal(back["a"], a)
    np.testing.assert_array_equal(back["t"].data, a.T)


def test_symlink_loop_is_not_reported_as_missing(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    os.symlink(b, a)
    os.symlink(a, b)
    with pytest.raises(OSError) as e:
        load(a)
    assert not isinstance(e.value, FileNotFoundError)
    assert e.value.errno == errno.ELOOP and str(a) in str(e.value)
    with pytest.raises(IsADirectoryError, match=str(tmp_path)):
        load(tmp_path)


def test_save_refuses_to_replace_a_write_protected_file(tmp_path):
    """Checked by the mode bits: the tests run as root, where chmod a-w does not stop a write."""
    path = tmp_path / "keep.npz"
    save({"v": 1}, path)
    os.chmod(path, stat.S_IMODE(os.stat(path).st_mode) & ~0o222)
    before = path.read_bytes()
    with pytest.raises(PermissionError, match=r"keep\.npz is write-protected"):
        save({"v": 2}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["keep.npz"]
    os.chmod(path, 0o644)
    save({"v": 2}, path)
    assert load(path) == {"v": 2}


def test_a_normal_load_reads_each_array_once(tmp_path):
    """The bounded reader allocates each array once, in place: peak is about the data size."""
    save({"w": al.zeros(2 * MB // 4), "b": np.zeros(MB // 8)}, tmp_path / "c")
    error, peak = _peak(lambda: load(tmp_path / "c"))
    assert error is None
    assert peak < 4 * MB  # 3 MB of arrays and a 256 KiB read buffer (1 MiB pieces: 5 MB)
