"""al.save / al.load in the safetensors format, and weights moving to and from PyTorch."""
import json
import os
import struct
import sys
import tracemalloc

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import nn
from autograd_lite.serialization import CheckpointError, load, save

safetensors_numpy = pytest.importorskip(
    "safetensors.numpy", reason="the safetensors extra is not installed "
                                "(pip install 'autograd-lite[safetensors]')")


def _state():
    return {"w": al.randn(3, 4), "b": al.zeros(4, dtype=np.float64),
            "steps": al.tensor(np.array(7)), "mask": np.array([True, False]),
            "half": np.arange(6, dtype=np.float16).reshape(2, 3), "t": np.arange(6).reshape(2, 3).T,
            "big_endian": np.arange(3, dtype=">i4"), "empty": np.zeros((0, 5), np.uint8)}


def test_round_trip_keeps_values_dtypes_and_shapes(tmp_path):
    state = _state()
    save(state, tmp_path / "s.safetensors")
    back = load(tmp_path / "s.safetensors")
    assert sorted(back) == sorted(state)
    for key, value in state.items():
        want = value.data if isinstance(value, al.Tensor) else value
        got = back[key]
        assert isinstance(got, al.Tensor) and not got.requires_grad
        assert got.shape == want.shape and got.dtype == want.dtype.newbyteorder("=")
        np.testing.assert_array_equal(got.data, want)
        assert got.data.flags.writeable and got.data.flags.c_contiguous


def test_the_file_is_plain_safetensors(tmp_path):
    save({"w": al.ones(2, 3)}, tmp_path / "w.safetensors")
    raw = (tmp_path / "w.safetensors").read_bytes()
    header = json.loads(raw[8:8 + struct.unpack("<Q", raw[:8])[0]])
    assert header["w"]["dtype"] == "F32" and header["w"]["shape"] == [2, 3]
    np.testing.assert_array_equal(safetensors_numpy.load_file(tmp_path / "w.safetensors")["w"],
                                  np.ones((2, 3), np.float32))


def test_load_goes_by_content_not_by_name(tmp_path):
    save({"w": al.ones(2)}, tmp_path / "w.safetensors")
    os.rename(tmp_path / "w.safetensors", tmp_path / "weights.bin")
    np.testing.assert_array_equal(load(tmp_path / "weights.bin")["w"].data, np.ones(2))
    save({"w": al.ones(2), "epoch": 3}, tmp_path / "ckpt")  # npz, renamed to the other suffix
    os.rename(tmp_path / "ckpt", tmp_path / "ckpt.safetensors")
    assert load(tmp_path / "ckpt.safetensors")["epoch"] == 3


def test_a_header_length_ending_in_0x80_is_not_taken_for_a_pickle(tmp_path):
    path = tmp_path / "p.safetensors"
    for n in range(1, 120):  # grow the header until its length's low byte is 0x80
        save({"k" * n: al.ones(1)}, path)
        if path.read_bytes()[0] == 0x80:
            break
    assert path.read_bytes()[0] == 0x80
    assert list(load(path)) == ["k" * n]
    path.write_bytes(path.read_bytes()[:-1])  # truncated, it is still not called a pickle
    with pytest.raises(CheckpointError, match="truncated or corrupted"):
        load(path)


@pytest.mark.parametrize("obj, what", [
    ({"model": {"w": al.ones(1)}, "epoch": 3}, r"'model': dict"),
    ({"lr": 0.1}, r"'lr': float"),
    ([al.ones(1)], r"a list"),
    ({1: al.ones(1)}, r"1: Tensor"),
    ({"z": np.ones(2, np.complex128)}, r"dtype complex128"),
])
def test_what_safetensors_cannot_hold_is_refused_before_writing(tmp_path, obj, what):
    with pytest.raises(TypeError, match=what):
        save(obj, tmp_path / "x.safetensors")
    assert os.listdir(tmp_path) == []


def test_without_the_package_both_directions_name_the_extra(tmp_path, monkeypatch):
    save({"w": al.ones(1)}, tmp_path / "w.safetensors")
    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match=r"autograd-lite\[safetensors\]"):
        save({"w": al.ones(1)}, tmp_path / "v.safetensors")
    with pytest.raises(ImportError, match=r"w\.safetensors.*autograd-lite\[safetensors\]"):
        load(tmp_path / "w.safetensors")
    save({"w": al.ones(1)}, tmp_path / "plain.npz")  # the npz format needs nothing
    assert sorted(os.listdir(tmp_path)) == ["plain.npz", "w.safetensors"]


@pytest.mark.parametrize("cut", [9, 40, 0.5, -1])
def test_truncated_file_gives_a_clear_error(tmp_path, cut):
    path = tmp_path / "t.safetensors"
    save({"a": al.randn(50, 50), "b": al.randn(50)}, path)
    data = path.read_bytes()
    path.write_bytes(data[:cut if isinstance(cut, int) else int(len(data) * cut)])
    with pytest.raises(CheckpointError, match=r"t\.safetensors is truncated or corrupted"):
        load(path)


def _peak_of_load(path):
    tracemalloc.start()
    try:
        with pytest.raises(CheckpointError) as error:
            load(path)
        return error.value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_header_longer_than_the_file_costs_nothing(tmp_path):
    path = tmp_path / "h.safetensors"
    path.write_bytes(struct.pack("<Q", 2 ** 40) + b'{"a": ' + b" " * 100)
    error, peak = _peak_of_load(path)
    assert "declares 1,099,511,627,776 bytes but only 106 follow" in str(error)
    assert peak < 1 << 20


def test_tensor_bytes_beyond_the_file_are_refused(tmp_path):
    header = json.dumps({"a": {"dtype": "F64", "shape": [2 ** 27],
                               "data_offsets": [0, 2 ** 30]}}).encode()
    path = tmp_path / "d.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + bytes(64))
    error, peak = _peak_of_load(path)
    assert "d.safetensors is truncated or corrupted" in str(error)
    assert peak < 1 << 20


def test_bad_header_json_is_a_checkpoint_error(tmp_path):
    path = tmp_path / "j.safetensors"
    header = b"{" * 20_000
    path.write_bytes(struct.pack("<Q", len(header)) + header)
    with pytest.raises(CheckpointError, match=r"j\.safetensors is truncated or corrupted"):
        load(path)


# ---- PyTorch interchange ------------------------------------------------------------------
def _torch():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed; the interchange "
                                                "cross-checks need it")
    pytest.importorskip("safetensors.torch", reason="safetensors.torch needs PyTorch")
    return torch


def _models(torch, batchnorm):
    if batchnorm:
        ours = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
        theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4),
                                     torch.nn.ReLU(), torch.nn.Linear(4, 2))
    else:
        ours = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
        theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(),
                                     torch.nn.Linear(4, 2))
    return ours, theirs


def _same_weights_and_outputs(torch, ours, theirs):
    theirs_state = theirs.state_dict()
    ours_state = ours.state_dict()
    assert list(ours_state) == list(theirs_state)
    for key, value in theirs_state.items():
        np.testing.assert_array_equal(ours_state[key].data, value.numpy())
    ours.eval(), theirs.eval()
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    with torch.no_grad():
        want = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(al.tensor(x)).data, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("batchnorm", [False, True])
def test_pytorch_state_dict_loads_strictly(tmp_path, batchnorm):
    torch = _torch()
    from safetensors.torch import save_file
    torch.manual_seed(0)
    ours, theirs = _models(torch, batchnorm)
    theirs.train()
    with torch.no_grad():
        theirs(torch.randn(8, 3))  # moves BatchNorm's running statistics and counter
    save_file(theirs.state_dict(), tmp_path / "torch.safetensors")
    ours.load_state_dict(load(tmp_path / "torch.safetensors"), strict=True)
    _same_weights_and_outputs(torch, ours, theirs)


@pytest.mark.parametrize("batchnorm", [False, True])
def test_autograd_lite_state_dict_loads_strictly_in_pytorch(tmp_path, batchnorm):
    torch = _torch()
    from safetensors.torch import load_file
    al.manual_seed(1)
    ours, theirs = _models(torch, batchnorm)
    ours(al.randn(8, 3))
    save(ours.state_dict(), tmp_path / "al.safetensors")
    theirs.load_state_dict(load_file(tmp_path / "al.safetensors"), strict=True)
    _same_weights_and_outputs(torch, ours, theirs)


def test_bfloat16_from_pytorch_is_refused_with_the_fix(tmp_path):
    torch = _torch()
    from safetensors.torch import save_file
    save_file({"w": torch.ones(2, dtype=torch.bfloat16)}, tmp_path / "bf.safetensors")
    with pytest.raises(CheckpointError, match=r"bf\.safetensors holds 'w' as BF16.*\.float\(\)"):
        load(tmp_path / "bf.safetensors")
