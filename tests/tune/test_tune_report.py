"""Output: the sorted table, the PNG plot on each hyperparameter's own scale, the CLI."""
import json

import pytest

from autograd_lite.tune import (Choice, IntUniform, LogUniform, OneMinusLogUniform, Uniform,
                                coarse_to_fine, random_search)
from autograd_lite.tune import toy
from autograd_lite.tune.cli import add_tune_subcommand, load_objective, main

SPACE = {"lr": LogUniform(1e-4, 10), "beta": OneMinusLogUniform(0.9, 0.999),
         "hidden": IntUniform(8, 128), "act": Choice(["relu", "tanh"]), "drop": Uniform(0, 0.5)}


def test_table_is_sorted_best_first_with_failures_last():
    r = random_search(toy.flaky, SPACE, 12, seed=0)
    lines = r.table().splitlines()
    assert lines[0].split()[:5] == ["rank", "trial", "status", "score", "seconds"]
    assert "error" in lines[0]
    rows = [ln.split() for ln in lines[2:-1]]
    assert len(rows) == 12
    ok = [float(r_[3]) for r_ in rows if r_[2] == "ok"]
    assert ok == sorted(ok)
    statuses = [r_[2] for r_ in rows]
    assert statuses == sorted(statuses, key=lambda s: s != "ok")
    assert "ValueError: diverged" in lines[-2]
    assert lines[-1].startswith(f"12 trials ({len(r.failed)} failed") and f"trial {r.best.index}" in lines[-1]
    assert len(r.table(limit=3).splitlines()) == 2 + 3 + 1


def test_table_of_maximised_search_puts_highest_first():
    r = random_search(toy.log_lr_bowl, SPACE, 6, seed=0, maximize=True)
    rows = [ln.split() for ln in r.table().splitlines()[2:-1]]
    scores = [float(x[3]) for x in rows]
    assert scores == sorted(scores, reverse=True) and "error" not in r.table().splitlines()[0]


def test_plot_uses_each_hyperparameter_scale_and_writes_png(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is the optional 'plot' extra")
    from autograd_lite.tune.report import build_figure

    r = coarse_to_fine(toy.flaky, SPACE, 2, 8, 3, seed=0)
    fig = build_figure(r)
    scales = {ax.get_xlabel(): ax.get_xscale() for ax in fig.axes}
    assert scales == {"lr": "log", "1 - beta": "log", "hidden": "linear", "act": "linear",
                      "drop": "linear"}
    path = r.plot(tmp_path / "search.png")
    data = (tmp_path / "search.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert str(path).endswith("search.png")


def write_config(tmp_path, **overrides):
    cfg = {
        "objective": "autograd_lite.tune.toy:log_lr_bowl",
        "space": {"lr": {"type": "log_uniform", "low": 1e-5, "high": 1.0},
                  "beta": {"type": "one_minus_log_uniform", "low": 0.9, "high": 0.999},
                  "hidden": {"type": "int_uniform", "low": 16, "high": 128},
                  "act": {"type": "choice", "options": ["relu", "tanh"]}},
        "n_trials": 6, "seed": 3, "n_jobs": 1,
    }
    cfg.update(overrides)
    path = tmp_path / "tune.json"
    path.write_text(json.dumps(cfg))
    return path


def test_cli_runs_a_search_from_a_json_config(tmp_path, capsys):
    path = write_config(tmp_path, log_path=str(tmp_path / "t.jsonl"))
    png = tmp_path / "t.png"
    rc = main(["tune", str(path), "--no-progress", "--plot", str(png), "--n-trials", "5"])
    out = capsys.readouterr().out
    assert rc == 0 and "best config:" in out and "seed: 3" in out
    assert len((tmp_path / "t.jsonl").read_text().splitlines()) == 1 + 5
    if pytest.importorskip("matplotlib"):
        assert png.exists()
    expected = random_search(toy.log_lr_bowl, json.loads(path.read_text())["space"], 5, seed=3)
    assert json.dumps(expected.best.config, sort_keys=True) in out


def test_cli_toml_config_and_coarse_to_fine(tmp_path, capsys):
    path = tmp_path / "tune.toml"
    path.write_text(
        'objective = "autograd_lite.tune.toy:log_lr_bowl"\n'
        "n_trials = 5\nseed = 1\nrounds = 2\nkeep_top = 2\n"
        '[space.lr]\ntype = "log_uniform"\nlow = 1e-5\nhigh = 1.0\n'
    )
    assert main(["tune", str(path), "--no-progress"]) == 0
    assert "round" in capsys.readouterr().out


@pytest.mark.parametrize("overrides, message", [
    ({"objective": "no_such_module_xyz:f"}, "cannot import"),
    ({"objective": "autograd_lite.tune.toy"}, "module:function"),
    ({"objective": "autograd_lite.tune.toy:nope"}, "has no"),
    ({"n_trial": 3}, "unknown keys"),
    ({"space": {"lr": {"type": "loguniform", "low": 1, "high": 2}}}, "unknown search-space type"),
])
def test_cli_bad_config_exits_2_with_a_message(tmp_path, capsys, overrides, message):
    path = write_config(tmp_path, **overrides)
    assert main(["tune", str(path), "--no-progress"]) == 2
    assert message in capsys.readouterr().err


def test_add_tune_subcommand_plugs_into_a_parser():
    import argparse

    parser = argparse.ArgumentParser(prog="autograd-lite")
    sub = parser.add_subparsers(dest="command")
    add_tune_subcommand(sub)
    args = parser.parse_args(["tune", "c.json", "--n-jobs", "2", "--seed", "4"])
    assert args.n_jobs == 2 and args.seed == 4 and callable(args.func)


def test_load_objective_binds_arguments_and_stays_picklable():
    import pickle

    fn = load_objective("autograd_lite.tune.toy:learning_curve", {"reporter": None})
    assert pickle.loads(pickle.dumps(fn)).keywords == {"reporter": None}
