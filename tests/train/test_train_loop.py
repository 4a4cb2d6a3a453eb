"""The training loop: resume bit for bit, Ctrl-C checkpoints, files written, CLI, objective."""
import json
import os
import pickle
import sys

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.cli import main
from autograd_lite.train import TrainConfig, objective, train
from autograd_lite.train import loop as loop_module
from autograd_lite.train.config import ConfigError

PNG = b"\x89PNG\r\n\x1a\n"


def small(out, **changes):
    """A quick digits run that still exercises everything a checkpoint must carry: BatchNorm
    running statistics, dropout masks (the RNG), Adam's moments, a schedule, the loader."""
    settings = dict(dataset="digits", hidden=(32, 16), batch_size=128, epochs=4, lr=0.01,
                    dropout=0.3, batchnorm=True, optimizer="adam", schedule="exponential",
                    checkpoint_every=1, progress=False, plots=False,
                    out=None if out is None else str(out))
    settings.update(changes)
    return TrainConfig(**settings).normalise()


def params(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


def assert_same_run(a, b):
    pa, pb = params(a.model), params(b.model)
    assert pa.keys() == pb.keys()
    for k in pa:
        np.testing.assert_array_equal(pa[k], pb[k], err_msg=k)
    assert a.history == b.history
    assert a.final == b.final


@pytest.mark.parametrize("changes", [
    {},
    dict(optimizer="momentum", schedule="inverse_sqrt_step", l2=0.5, lr=0.05),
    dict(optimizer="rmsprop", schedule="step", step_size=1, batchnorm=False, lr=0.003),
])
def test_resume_continues_bit_for_bit(tmp_path, changes):
    straight = train(small(tmp_path / "a", **changes), log=None)
    first = train(small(tmp_path / "b", epochs=2, **changes), log=None)
    assert first.epochs_run == 2
    resumed = train(small(tmp_path / "b", resume=True, **changes), log=None)
    assert resumed.epochs_run == 4 and len(resumed.history["epoch"]) == 4
    assert_same_run(straight, resumed)


def test_ctrl_c_at_an_epoch_end_saves_and_resumes_exactly(tmp_path, capsys):
    straight = train(small(tmp_path / "a"), log=None)

    def interrupt(epoch, row, state):
        if epoch == 2:
            raise KeyboardInterrupt

    cfg = small(tmp_path / "b", checkpoint_every=0)
    stopped = train(cfg, callback=interrupt)
    assert stopped.status == "interrupted" and stopped.epochs_run == 2
    message = capsys.readouterr().out
    assert "interrupted" in message and "--resume" in message
    ckpt = al.load(os.path.join(cfg.out, "checkpoint.npz"))
    assert ckpt["epoch"] == 2
    assert not os.path.exists(os.path.join(cfg.out, "metrics.json"))
    resumed = train(small(tmp_path / "b", resume=True), log=None)
    assert_same_run(straight, resumed)


def test_ctrl_c_in_the_middle_of_an_epoch_keeps_the_last_finished_one(tmp_path, monkeypatch):
    straight = train(small(tmp_path / "a"), log=None)
    original = loop_module.run_epoch
    calls = []

    def run_epoch(model, loader, optimizer, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:       # epoch 3: one update (params, RNG, loader move on), then ^C
            xb, yb = next(iter(loader))
            cost = loop_module.loss_fn(model(xb), yb)
            optimizer.zero_grad()
            cost.backward()
            optimizer.step()
            raise KeyboardInterrupt
        return original(model, loader, optimizer, *args, **kwargs)

    monkeypatch.setattr(loop_module, "run_epoch", run_epoch)
    stopped = train(small(tmp_path / "b", checkpoint_every=0), log=None)
    assert stopped.status == "interrupted" and stopped.epochs_run == 2
    monkeypatch.setattr(loop_module, "run_epoch", original)
    resumed = train(small(tmp_path / "b", resume=True), log=None)
    assert_same_run(straight, resumed)


def test_resume_errors(tmp_path):
    with pytest.raises(ConfigError, match="no checkpoint"):
        train(small(tmp_path / "none", resume=True), log=None)
    train(small(tmp_path / "b", epochs=1), log=None)
    with pytest.raises(ConfigError, match="lr: checkpoint 0.01, now 0.1"):
        train(small(tmp_path / "b", resume=True, lr=0.1), log=None)


def test_files_metrics_and_plots(tmp_path, capsys):
    cfg = small(tmp_path / "moons", dataset="moons", n_samples=200, hidden=(8,), epochs=3,
                plots=True, batchnorm=False, dropout=0.0)
    result = train(cfg)
    out = capsys.readouterr().out
    assert "verdict:" in out and "next step:" in out and "test" in out
    metrics = json.loads((tmp_path / "moons" / "metrics.json").read_text())
    assert metrics["status"] == "finished" and metrics["epochs_run"] == 3
    assert metrics["final"]["test"]["accuracy"] == result.final["test"]["accuracy"]
    assert metrics["verdict"]["kind"] == result.verdict.kind
    assert len(metrics["history"]["dev_acc"]) == 3 and metrics["config"]["dataset"] == "moons"
    for name in ("curves.png", "boundary.png"):
        assert (tmp_path / "moons" / name).read_bytes()[:8] == PNG
    assert al.load(str(tmp_path / "moons" / "checkpoint.npz"))["epoch"] == 3


def test_no_boundary_for_digits_and_no_files_without_out(tmp_path):
    train(small(tmp_path / "d", epochs=1, plots=True), log=None)
    assert (tmp_path / "d" / "curves.png").exists()
    assert not (tmp_path / "d" / "boundary.png").exists()
    result = train(small(None, epochs=1), log=None)
    assert result.checkpoint is None and "metrics" not in result.files


def test_plain_lines_when_tqdm_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    lines = []
    train(small(None, epochs=2, progress=True), log=lines.append)
    assert lines[0].startswith("epoch 1/2  loss") and "dev" in lines[0] and "lr" in lines[0]


def test_progress_bar_shows_epoch_loss_accuracy_and_lr(capsys):
    pytest.importorskip("tqdm")
    train(small(None, epochs=2, progress=True), log=print)
    err = capsys.readouterr().err
    assert "2/2" in err and "loss" in err and "train" in err and "dev" in err and "lr" in err


def test_divergence_is_reported(tmp_path):
    with np.errstate(all="ignore"):
        result = train(small(tmp_path / "x", batchnorm=False, dropout=0.0, optimizer="gd",
                             lr=1e4, init="random", schedule="none"), log=None)
    assert result.status == "diverged" and result.epochs_run < 4


def test_cli_run_then_resume_without_repeating_flags(tmp_path, capsys):
    out = str(tmp_path / "run")
    argv = ["train", "--dataset", "circles", "--n-samples", "200", "--hidden", "8,4",
            "--no-batchnorm", "--dropout", "0", "--optimizer", "momentum", "--lr", "0.1",
            "--epochs", "2", "--out", out, "--no-progress"]
    assert main(argv) == 0
    assert "epoch 2/2" in capsys.readouterr().out
    assert main(["train", "--out", out, "--resume", "--epochs", "3", "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "resuming" in text and "epoch 3/3" in text
    metrics = json.loads(open(os.path.join(out, "metrics.json")).read())
    assert metrics["config"]["optimizer"] == "momentum" and metrics["epochs_run"] == 3
    assert os.path.exists(os.path.join(out, "boundary.png"))


def test_objective_for_tune_is_picklable_and_reports(tmp_path):
    assert pickle.loads(pickle.dumps(objective)) is objective

    class Reporter:
        def __init__(self):
            self.seen = []

        def report(self, epoch, score, **metrics):
            self.seen.append((epoch, score))

    reporter = Reporter()
    out = objective({"dataset": "moons", "n_samples": 200, "hidden": 8, "epochs": 2,
                     "batchnorm": False, "lr": 0.05}, reporter)
    assert 0 <= out["score"] <= 1 and out["score"] == out["dev_accuracy"]
    assert [e for e, _ in reporter.seen] == [1, 2] and reporter.seen[-1][1] == out["score"]


def test_tune_command_runs_the_train_objective(tmp_path, capsys):
    config = tmp_path / "tune.json"
    config.write_text(json.dumps({
        "objective": "autograd_lite.train:objective",
        "space": {"lr": {"type": "log_uniform", "low": 1e-3, "high": 1e-1},
                  "dataset": "moons", "n_samples": 200, "hidden": 8, "epochs": 2,
                  "batchnorm": False},
        "n_trials": 2, "seed": 0, "maximize": True,
        "log_path": str(tmp_path / "tune.jsonl")}))
    assert main(["tune", str(config), "--no-progress"]) == 0
    assert "best config" in capsys.readouterr().out


def test_tune_objective_args_are_fixed_settings_the_samples_override(tmp_path, capsys):
    config = tmp_path / "tune.json"
    config.write_text(json.dumps({
        "objective": "autograd_lite.train:objective",
        "objective_args": {"dataset": "moons", "n_samples": 200, "hidden": 8, "epochs": 2,
                           "batchnorm": False, "lr": 123.0},
        "space": {"lr": {"type": "log_uniform", "low": 1e-3, "high": 1e-1}},
        "n_trials": 2, "seed": 0, "maximize": True,
        "log_path": str(tmp_path / "tune.jsonl")}))
    assert main(["tune", str(config), "--no-progress"]) == 0
    trials = [json.loads(line) for line in (tmp_path / "tune.jsonl").read_text().splitlines()[1:]]
    assert len(trials) == 2 and all(t["status"] == "ok" for t in trials)
    assert all(t["metrics"]["epochs"] == 2 for t in trials)


def test_the_default_run_reaches_97_percent_on_digits():
    result = train(TrainConfig(out=None, progress=False), log=None)
    assert result.status == "finished" and result.epochs_run == 40
    assert result.final["test"]["accuracy"] >= 0.97
    assert result.verdict.kind == "fine"
