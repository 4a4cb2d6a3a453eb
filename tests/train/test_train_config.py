"""TrainConfig: defaults, files (TOML/JSON), flags over files, and clear errors before training."""
import json

import pytest

from autograd_lite.cli import build_parser, main
from autograd_lite.cli.train_command import config_from_args
from autograd_lite.train import ConfigError, TrainConfig, load_config_file, train


def test_defaults_are_valid_and_describe_the_default_run():
    cfg = TrainConfig().validate()
    assert (cfg.dataset, cfg.optimizer, cfg.batchnorm, cfg.schedule) == \
        ("digits", "adam", True, "exponential")
    assert 0 < cfg.dropout < 1 and cfg.schedule_param == 0.95


@pytest.mark.parametrize("change, words", [
    (dict(optimizer="sgdx"), ["optimizer", "sgdx", "adam"]),
    (dict(lr=-0.1), ["lr", "-0.1"]),
    (dict(lr=0.0), ["lr"]),
    (dict(dropout=1.0), ["dropout", "0 <= p < 1"]),
    (dict(dropout=-0.2), ["dropout"]),
    (dict(dataset="mnist"), ["dataset", "mnist", "digits"]),
    (dict(init="orthogonal"), ["init", "orthogonal", "he"]),
    (dict(activation="gelu"), ["activation", "gelu"]),
    (dict(schedule="warmup"), ["schedule", "warmup", "exponential"]),
    (dict(beta=1.0), ["beta"]),
    (dict(epochs=0), ["epochs"]),
    (dict(batch_size=-1), ["batch_size"]),
    (dict(hidden=(32, 0)), ["hidden"]),
    (dict(l2=-1.0), ["l2"]),
    (dict(split=(0.5, 0.2, 0.2)), ["split", "sum to 1"]),
    (dict(decay=1.5), ["decay"]),
    (dict(n_samples=100), ["n_samples", "digits"]),
    (dict(model="resnet"), ["model", "resnet", "cnn"]),
    (dict(model="cnn", dataset="moons"), ["model", "cnn", "moons"]),
    (dict(compile="yes"), ["compile", "yes"]),
])
def test_bad_values_raise_clear_errors(change, words):
    with pytest.raises(ConfigError) as info:
        TrainConfig(**change).normalise().validate()
    for word in words:
        assert word in str(info.value)


def test_bad_config_fails_before_anything_is_written(tmp_path):
    out = tmp_path / "run"
    with pytest.raises(ConfigError, match="optimizer"):
        train(TrainConfig(optimizer="nesterov", out=str(out)), log=None)
    assert not out.exists()


def test_hidden_sizes_from_text_and_names_normalised():
    cfg = TrainConfig.from_dict({"hidden": "32, 16", "optimizer": "Adam",
                                 "schedule": "inverse-time", "batch-size": 32})
    assert cfg.hidden == (32, 16) and cfg.optimizer == "adam"
    assert cfg.schedule == "inverse_time" and cfg.batch_size == 32
    assert TrainConfig.from_dict({"hidden": ""}).hidden == ()


def test_unknown_setting_is_named():
    with pytest.raises(ConfigError, match="unknown setting 'learning_rate'"):
        TrainConfig.from_dict({"learning_rate": 0.1})


def test_toml_and_json_files(tmp_path):
    toml = tmp_path / "c.toml"
    toml.write_text('dataset = "moons"\nhidden = [8, 4]\nlr = 0.05\nbatchnorm = false\n')
    js = tmp_path / "c.json"
    js.write_text(json.dumps({"dataset": "circles", "optimizer": "momentum"}))
    assert load_config_file(toml) == {"dataset": "moons", "hidden": [8, 4], "lr": 0.05,
                                      "batchnorm": False}
    assert TrainConfig.from_dict(load_config_file(js)).optimizer == "momentum"
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_config_file(bad)
    with pytest.raises(ConfigError, match="config file not found"):
        load_config_file(tmp_path / "missing.toml")


def test_flags_override_the_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('dataset = "moons"\nlr = 0.05\nepochs = 7\n')
    args = build_parser().parse_args(["train", "--config", str(path), "--lr", "0.2",
                                      "--no-batchnorm", "--hidden", "8,4"])
    cfg = config_from_args(args)
    assert (cfg.dataset, cfg.lr, cfg.epochs, cfg.batchnorm, cfg.hidden) == \
        ("moons", 0.2, 7, False, (8, 4))


@pytest.mark.parametrize("argv, words", [
    (["--optimizer", "sgdx"], ["unknown optimizer 'sgdx'"]),
    (["--lr", "-1"], ["lr"]),
    (["--dropout", "1"], ["dropout"]),
    (["--config", "no/such/file.toml"], ["config file not found"]),
])
def test_cli_reports_bad_config_with_status_2(tmp_path, capsys, argv, words):
    status = main(["train", "--out", str(tmp_path / "o"), *argv])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("autograd-lite train: error:")
    for word in words:
        assert word in err
    assert not (tmp_path / "o").exists()
