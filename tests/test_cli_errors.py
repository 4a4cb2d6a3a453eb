"""Bad input to ``python -m autograd_lite``: one line on stderr naming the problem, exit
status 2, no traceback, and no training (issue 16). Every case runs the real entry point in a
subprocess."""
import json
import os
import subprocess
import sys

import pytest

FAST = ["--epochs", "1", "--no-progress", "--no-plots", "--hidden", "8", "--no-batchnorm"]


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "autograd_lite", *map(str, args)],
                          capture_output=True, text=True, timeout=300, cwd=cwd)


def assert_usage_error(result, *words):
    """Exit 2, one line on stderr that names the problem, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# ---- train --config -------------------------------------------------------------------------
@pytest.mark.parametrize("text, kind", [("[1, 2]", "list"), ('"x"', "str"), ("null", "NoneType")])
def test_config_whose_top_level_is_not_a_table(tmp_path, text, kind):
    path = tmp_path / "c.json"
    path.write_text(text)
    assert_usage_error(cli("train", "--config", path, "--out", tmp_path / "run"),
                       "top level must be a table", kind)
    assert not (tmp_path / "run").exists()


def test_config_of_random_bytes(tmp_path):
    path = tmp_path / "c.json"
    path.write_bytes(bytes(range(128, 256)) * 4)
    assert_usage_error(cli("train", "--config", path), "not UTF-8")


def test_config_nested_too_deeply(tmp_path):
    path = tmp_path / "c.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert_usage_error(cli("train", "--config", path), "nested too deeply")


def test_config_that_is_a_folder(tmp_path):
    (tmp_path / "c.json").mkdir()
    assert_usage_error(cli("train", "--config", tmp_path / "c.json"), "is a folder")


# ---- train --out ----------------------------------------------------------------------------
def _read_only_folder(tmp_path):
    """A folder no file can be created in: chmod a-w, or (as root, whom permission bits do not
    stop) /proc/1, where the kernel refuses new files."""
    if os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    return "/proc/1"


def test_out_that_is_a_file(tmp_path):
    (tmp_path / "f").write_text("")
    assert_usage_error(cli("train", "--out", tmp_path / "f", *FAST), "is a file")


def test_out_under_a_file(tmp_path):
    (tmp_path / "f").write_text("")
    assert_usage_error(cli("train", "--out", tmp_path / "f" / "run", *FAST), "cannot write")


def test_out_empty(tmp_path):
    assert_usage_error(cli("train", "--out", "", *FAST, cwd=tmp_path), "empty path")
    assert not os.listdir(tmp_path)


def test_out_read_only_is_refused_before_training(tmp_path):
    result = cli("train", "--out", _read_only_folder(tmp_path), *FAST)
    assert_usage_error(result, "cannot write")
    assert "epoch" not in result.stdout


def test_out_new_folder_inside_a_read_only_one(tmp_path):
    out = os.path.join(_read_only_folder(tmp_path), "new")
    assert_usage_error(cli("train", "--out", out, *FAST), "cannot write")


# ---- train --resume -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def good_checkpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("good")
    assert cli("train", "--out", out, *FAST).returncode == 0
    return (out / "checkpoint.npz").read_bytes()


def _damaged(data, how):
    if how == "empty":
        return b""
    if how == "truncated":
        return data[: len(data) // 2]
    if how == "bit-flipped":
        flipped = bytearray(data)
        flipped[len(data) // 2] ^= 0xFF
        return bytes(flipped)
    return os.urandom(len(data) // 4)


@pytest.mark.parametrize("how", ["empty", "truncated", "bit-flipped", "random"])
def test_resume_from_a_damaged_checkpoint(tmp_path, good_checkpoint, how):
    (tmp_path / "checkpoint.npz").write_bytes(_damaged(good_checkpoint, how))
    assert_usage_error(cli("train", "--out", tmp_path, "--resume", "--no-progress"),
                       "resume: cannot read", "--overwrite")


def test_resume_from_a_checkpoint_missing_a_key(tmp_path, good_checkpoint):
    (tmp_path / "good.npz").write_bytes(good_checkpoint)
    script = ("import autograd_lite as al, sys; c = al.load(sys.argv[1]); del c['model']; "
              "al.save(c, sys.argv[2])")
    subprocess.run([sys.executable, "-c", script, tmp_path / "good.npz",
                    tmp_path / "checkpoint.npz"], check=True, timeout=120)
    assert_usage_error(cli("train", "--out", tmp_path, "--resume", "--no-progress"),
                       "lacks model")


# ---- train --hidden -------------------------------------------------------------------------
def test_hidden_too_big_for_memory(tmp_path):
    assert_usage_error(cli("train", "--hidden", "4000000000", "--out", tmp_path / "r"),
                       "hidden", "GiB")


def test_hidden_with_an_empty_size(tmp_path):
    assert_usage_error(cli("train", "--hidden", "256,,128", "--out", tmp_path / "r"),
                       "hidden", "'256,,128'")


# ---- gradcheck, bench, tune -----------------------------------------------------------------
def test_gradcheck_unknown_op():
    assert_usage_error(cli("gradcheck", "nosuchop"), "'nosuchop'", "known ops")


@pytest.mark.parametrize("eps", ["0", "-1"])
def test_gradcheck_eps_must_be_positive(eps):
    assert_usage_error(cli("gradcheck", "relu", "--eps", eps), "--eps", "> 0")


def test_bench_threads_zero():
    assert_usage_error(cli("bench", "--threads", "0"), "--threads", ">= 1")


def _tune_config(tmp_path, **extra):
    path = tmp_path / "tune.json"
    path.write_text(json.dumps({"objective": "autograd_lite.tune.toy:log_lr_bowl",
                                "space": {"lr": {"type": "log_uniform", "low": 1e-4,
                                                 "high": 1e-1}},
                                "n_trials": 2, "seed": 0, **extra}))
    return path


def test_tune_log_that_is_a_folder(tmp_path):
    (tmp_path / "logs").mkdir()
    assert_usage_error(cli("tune", _tune_config(tmp_path), "--log", tmp_path / "logs",
                           "--no-progress"), "is a folder")


def test_tune_rounds_zero_flag(tmp_path):
    assert_usage_error(cli("tune", _tune_config(tmp_path), "--rounds", "0"), "--rounds", ">= 1")


def test_tune_rounds_zero_in_the_config(tmp_path):
    assert_usage_error(cli("tune", _tune_config(tmp_path, rounds=0), "--no-progress"),
                       "rounds must be an integer >= 1")


# ---- nothing lost: train ----------------------------------------------------------------------
def test_out_holding_a_run_is_not_replaced(tmp_path):
    assert cli("train", "--out", tmp_path, *FAST).returncode == 0
    before = {name: (tmp_path / name).read_bytes() for name in ("checkpoint.npz", "metrics.json")}
    assert_usage_error(cli("train", "--out", tmp_path, *FAST, "--seed", "1"),
                       "already holds a run", "--resume", "--overwrite")
    assert before == {name: (tmp_path / name).read_bytes() for name in before}
    assert cli("train", "--out", tmp_path, *FAST, "--seed", "1", "--overwrite").returncode == 0
    assert (tmp_path / "checkpoint.npz").read_bytes() != before["checkpoint.npz"]


def test_a_diverging_run_stops_with_status_1(tmp_path):
    result = cli("train", "--out", tmp_path, "--lr", "1e6", "--optimizer", "gd",
                 "--epochs", "5", "--no-progress", "--no-plots")
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "diverged at epoch 1" in result.stdout
    assert "Traceback" not in result.stderr
