"""al.save / al.load (autograd_lite.serialization): round trips and every failure path."""
import os
import pickle
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import nn, serialization
from autograd_lite.serialization import CheckpointError, load, save


def _same(a, b):
    if isinstance(a, al.Tensor):
        assert isinstance(b, al.Tensor)
        assert b.dtype == a.dtype and b.shape == a.shape and b.requires_grad == a.requires_grad
        np.testing.assert_array_equal(b._data, a._data)
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and b.dtype == a.dtype and b.shape == a.shape
        np.testing.assert_array_equal(b, a)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, float) and np.isnan(a):
        assert isinstance(b, float) and np.isnan(b)
    else:
        assert type(a) is type(b) and a == b


def test_round_trip_of_nested_state(tmp_path):
    obj = {
        "model": {"0.weight": al.randn(3, 2), "0.bias": al.zeros(3, dtype=np.float64),
                  "1.num_batches_tracked": al.tensor(np.array(7))},
        "optimizer": {"state": {0: {"step": 12, "exp_avg": al.ones(3, 2)}},
                      "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "params": [0, 1],
                                        "nesterov": False, "name": None}]},
        "arrays": [np.arange(6, dtype=np.int32).reshape(2, 3), np.array(True),
                   np.zeros((0, 4), dtype=np.float16), np.array(["a", "bc"])],
        "scalars": (np.float32(1.5), np.int64(-3)),
        "numbers": [1, -2 ** 80, 0.1, float("inf"), float("nan"), 1e-310, True],
        "text": "héllo ✓",
        "grad": al.tensor([1.0, 2.0], requires_grad=True),
    }
    path = tmp_path / "ckpt.al"
    save(obj, path)
    assert os.listdir(tmp_path) == ["ckpt.al"]  # exact name, no temp files left
    back = load(path)
    _same(obj, back)
    assert isinstance(back["scalars"][0], np.float32)
    assert isinstance(back["optimizer"]["state"][0]["step"], int)
    assert back["grad"].is_leaf


def test_model_checkpoint_round_trip_restores_outputs(tmp_path):
    al.manual_seed(0)
    a = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    a(al.randn(16, 4))
    save({"model": a.state_dict(), "epoch": 3}, str(tmp_path / "m.npz"))
    b = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    ckpt = load(str(tmp_path / "m.npz"))
    b.load_state_dict(ckpt["model"])
    assert ckpt["epoch"] == 3
    a.eval(), b.eval()
    x = al.randn(5, 4)
    np.testing.assert_array_equal(a(x)._data, b(x)._data)
    assert b[1].num_batches_tracked.item() == 1


def test_the_file_is_a_plain_npz_without_pickle(tmp_path):
    path = tmp_path / "c.npz"
    save({"w": al.ones(2, 2)}, path)
    with np.load(path, allow_pickle=False) as archive:
        assert serialization.MANIFEST in archive.files
        assert any(np.array_equal(archive[n], np.ones((2, 2))) for n in archive.files)


def test_unsupported_objects_are_refused_before_writing(tmp_path):
    path = tmp_path / "x"
    save({"ok": 1}, path)
    for bad in ({"f": lambda: 0}, {"o": np.array([object()])}, {1.5: 2}, {"s": {1, 2}}):
        with pytest.raises(TypeError, match="al.save"):
            save(bad, path)
    assert load(path) == {"ok": 1}
    assert os.listdir(tmp_path) == ["x"]


class _Boom:
    """Unpickling this would create a marker file: the test checks it never exists."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickle_file_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    with open(path, "wb") as f:
        pickle.dump({"weights": _Boom(str(marker))}, f)
    with pytest.raises(CheckpointError, match=r"evil\.pt.*pickled"):
        load(path)
    assert not marker.exists()


def test_npz_with_an_object_array_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.npz"
    good = tmp_path / "good.npz"
    save({"w": al.ones(1)}, good)
    # a real checkpoint whose array member was replaced by a pickled object array
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for name in src.namelist():
            if name == serialization.MANIFEST + ".npy":
                dst.writestr(name, src.read(name))
            else:
                with dst.open(name, "w") as member:
                    np.lib.format.write_array(
                        member, np.array([_Boom(str(marker))], dtype=object), allow_pickle=True)
    with pytest.raises(CheckpointError, match=r"evil\.npz.*pickled"):
        load(path)
    assert not marker.exists()


def test_torch_style_zip_with_pickle_is_refused(tmp_path):
    path = tmp_path / "model.pt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("archive/data.pkl", pickle.dumps({"a": 1}))
    with pytest.raises(CheckpointError, match=r"model\.pt.*pickled"):
        load(path)


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.999])
def test_truncated_file_gives_a_clear_error(tmp_path, cut):
    path = tmp_path / "t.npz"
    save({"w": al.randn(50, 50), "b": al.randn(50)}, path)
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * cut)])
    with pytest.raises(CheckpointError, match=r"t\.npz.*(truncated|corrupted)"):
        load(path)


def test_corrupted_member_gives_a_clear_error(tmp_path):
    path = tmp_path / "c.npz"
    save({"w": al.zeros(200)}, path)
    data = bytearray(path.read_bytes())
    data[200] ^= 0xFF  # inside the first array's payload: the CRC check catches it
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r"c\.npz.*(truncated|corrupted)"):
        load(path)


@pytest.mark.parametrize("kind", ["text", "npy", "foreign npz", "empty"])
def test_foreign_files_give_a_clear_error(tmp_path, kind):
    path = tmp_path / "f.bin"
    if kind == "text":
        path.write_text("hello, this is not a checkpoint\n")
    elif kind == "npy":
        np.save(open(path, "wb"), np.ones(3))
    elif kind == "foreign npz":
        np.savez(open(path, "wb"), a=np.ones(3))
    else:
        path.write_bytes(b"")
    with pytest.raises(CheckpointError, match=r"f\.bin.*not an autograd_lite checkpoint"):
        load(path)


def test_missing_file_and_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        load(tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save({}, tmp_path / "no_such_dir" / "x")


def test_exception_mid_save_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    save({"version": 1, "w": al.ones(10)}, path)
    old = path.read_bytes()
    calls = []
    real = np.lib.format.write_array

    def failing_write(fp, array, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            fp.write(b"partial")
            raise OSError("disk full")
        return real(fp, array, *args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", failing_write)
    with pytest.raises(OSError, match="disk full"):
        save({"version": 2, "w": al.zeros(10), "b": al.zeros(3)}, path)
    assert len(calls) == 2
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == ["ckpt.npz"]
    monkeypatch.undo()
    assert load(path)["version"] == 1


def test_failure_at_fsync_or_rename_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "ckpt"
    save({"v": 1}, path)
    for name in ("fsync", "replace"):
        def boom(*args, **kwargs):
            raise OSError(f"{name} failed")
        with monkeypatch.context() as m:
            m.setattr(serialization.os, name, boom)
            with pytest.raises(OSError, match="failed"):
                save({"v": 2}, path)
        assert load(path) == {"v": 1}
        assert os.listdir(tmp_path) == ["ckpt"]


def test_keyboard_interrupt_mid_save_cleans_up(tmp_path, monkeypatch):
    path = tmp_path / "ckpt"
    save({"v": 1}, path)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np.lib.format, "write_array", interrupt)
    with pytest.raises(KeyboardInterrupt):
        save({"v": 2, "a": np.ones(3)}, path)
    monkeypatch.undo()
    assert load(path) == {"v": 1} and os.listdir(tmp_path) == ["ckpt"]


def test_hard_crash_mid_save_leaves_old_file_intact(tmp_path):
    """A process killed mid-write (no cleanup can run) never damages the old checkpoint."""
    path = tmp_path / "ckpt"
    save({"v": 1, "w": al.ones(4)}, path)
    script = textwrap.dedent(f"""
        import os, numpy as np
        import autograd_lite as al
        from autograd_lite.serialization import save
        real = np.lib.format.write_array
        def crash(fp, array, *a, **k):
            fp.write(b"x" * 1000)
            os._exit(3)
        np.lib.format.write_array = crash
        save({{"v": 2, "w": al.zeros(1000)}}, {str(path)!r})
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert result.returncode == 3, result.stderr.decode()
    back = load(path)
    assert back["v"] == 1 and np.all(back["w"]._data == 1)
    leftovers = [n for n in os.listdir(tmp_path) if n != "ckpt"]
    assert all(n.startswith(".ckpt.") and n.endswith(".tmp") for n in leftovers)


def test_overwrite_replaces_content(tmp_path):
    path = tmp_path / "c"
    save({"a": 1}, path)
    save({"b": al.ones(2, dtype=np.float64)}, path)
    back = load(path)
    assert list(back) == ["b"] and back["b"].dtype == np.float64


try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError:  # pragma: no cover
    given = None

if given is not None:
    _dtypes = st.sampled_from([np.float16, np.float32, np.float64, np.int8, np.int32, np.int64,
                               np.uint8, np.bool_, np.complex128])

    @settings(max_examples=40, deadline=None)
    @given(arrays=st.lists(hnp.arrays(_dtypes, hnp.array_shapes(min_dims=0, max_dims=4,
                                                                min_side=0, max_side=4)),
                           min_size=1, max_size=4),
           as_tensor=st.booleans())
    def test_round_trip_preserves_dtype_shape_and_bits(tmp_path_factory, arrays, as_tensor):
        path = tmp_path_factory.mktemp("h") / "c"
        obj = {f"k{i}": (al.from_numpy(a) if as_tensor else a) for i, a in enumerate(arrays)}
        save(obj, path)
        back = load(path)
        for key, value in obj.items():
            a = value._data if as_tensor else value
            b = back[key]._data if as_tensor else back[key]
            assert isinstance(back[key], al.Tensor) == as_tensor
            assert b.dtype == a.dtype and b.shape == a.shape
            assert a.tobytes() == b.tobytes()


def test_saved_file_gets_ordinary_permissions_not_the_temp_files_private_ones(tmp_path):
    path = tmp_path / "state.npz"
    al.save({"w": al.ones(2)}, path)
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask
    os.chmod(path, 0o640)
    al.save({"w": al.zeros(2)}, path)
    assert os.stat(path).st_mode & 0o777 == 0o640
