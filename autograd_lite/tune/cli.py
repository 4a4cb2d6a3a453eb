"""``autograd-lite tune CONFIG``: run a search described by a JSON or TOML file.

The lead's CLI plugs it in with ``add_tune_subcommand(subparsers)``; ``python -m
autograd_lite.tune.cli CONFIG`` runs it on its own.  The config file:

    {
      "objective": "autograd_lite.tune.toy:log_lr_bowl",   # "module:function", importable
      "objective_args": {},          # optional keyword arguments bound to the objective
      "space": {
        "lr":     {"type": "log_uniform", "low": 1e-4, "high": 1e-1},
        "beta":   {"type": "one_minus_log_uniform", "low": 0.9, "high": 0.999},
        "hidden": {"type": "int_uniform", "low": 16, "high": 128},
        "act":    {"type": "choice", "options": ["relu", "tanh"]},
        "epochs": 10                 # a constant
      },
      "n_trials": 30, "seed": 0, "n_jobs": 2, "maximize": false,
      "rounds": 1, "keep_top": 5, "margin": 0.1,    # rounds > 1: coarse_to_fine
      "early_stopping": false,       # true, or {"grace_period": 1, "min_trials": 3}
      "threads_per_trial": null,
      "log_path": "tune.jsonl", "plot": "tune.png"
    }

Command-line flags override the file.  Exit status: 0 when at least one trial finished,
1 when none did, 2 for a bad config (a ``ConfigError``, reported by ``autograd_lite.cli.main``
in one line).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import sys

__all__ = ["add_tune_subcommand", "tune_command", "load_config", "load_objective", "main"]

CONFIG_KEYS = {
    "objective", "objective_args", "space", "n_trials", "seed", "n_jobs", "maximize", "rounds",
    "keep_top", "margin", "early_stopping", "threads_per_trial", "log_path", "plot",
}


class ConfigError(ValueError):
    """A bad tune config or flag: ``autograd-lite tune`` reports it in one line with exit
    status 2 (``autograd_lite.cli.tune_command`` turns it into the CLI's UsageError; this
    package imports nothing else of autograd_lite)."""


def _positive_int(text):
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


# settings that must be integers >= 1 (from the file or the flags)
_POSITIVE = ("n_trials", "n_jobs", "rounds", "keep_top")


def load_config(path) -> dict:
    """Read a tune config from JSON (``.json``) or TOML (``.toml``) and check its keys."""
    path = os.fspath(path)
    try:
        cfg = _read(path)
    except (OSError, UnicodeDecodeError, RecursionError) as exc:
        raise ConfigError(f"{path}: cannot read the config ({type(exc).__name__}: {exc})") from None
    if not isinstance(cfg, dict):
        raise ConfigError(f"{path}: the config must be a table/object")
    unknown = set(cfg) - CONFIG_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown keys {sorted(unknown)}; allowed: {sorted(CONFIG_KEYS)}")
    for key in ("objective", "space"):
        if key not in cfg:
            raise ConfigError(f"{path}: missing required key {key!r}")
    return cfg


def _read(path):
    if path.endswith(".toml"):
        try:
            import tomllib
        except ImportError:  # Python 3.10
            try:
                import tomli as tomllib
            except ImportError:
                raise ConfigError("reading TOML on Python 3.10 needs tomli: pip install tomli") from None
        with open(path, "rb") as fh:
            cfg = tomllib.load(fh)
    else:
        with open(path, encoding="utf-8") as fh:
            try:
                cfg = json.load(fh)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}: not valid JSON ({exc})") from None
    return cfg


def load_objective(spec: str, kwargs=None):
    """Import ``"package.module:function"`` (the attribute may be dotted, ``mod:Class.fn``)
    and bind ``kwargs``.  The result stays picklable, so n_jobs > 1 works."""
    if not isinstance(spec, str) or ":" not in spec:
        raise ConfigError(f"objective must be 'module:function', got {spec!r}")
    module_name, _, attr = spec.partition(":")
    try:
        obj = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"objective {spec!r}: cannot import {module_name!r} ({exc})") from None
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ConfigError(f"objective {spec!r}: {module_name!r} has no {attr!r}") from None
    if not callable(obj):
        raise ConfigError(f"objective {spec!r} is not callable")
    if kwargs:
        obj = functools.partial(obj, **kwargs)
    return obj


def add_tune_subcommand(subparsers):
    """Add ``tune`` to an argparse subparsers object; returns its parser (``func`` default set
    to ``tune_command``)."""
    p = subparsers.add_parser(
        "tune",
        help="hyperparameter search (random / coarse-to-fine, parallel, resumable)",
        description="Run a hyperparameter search described by a JSON or TOML config file "
        "(keys: objective, space, n_trials, seed, n_jobs, ...; see autograd_lite.tune.cli).",
    )
    p.add_argument("config", help="JSON or TOML file: objective, space, n_trials, seed, n_jobs, ...")
    p.add_argument("--n-trials", type=_positive_int, help="trials (per round with --rounds > 1)")
    p.add_argument("--seed", type=int, help="seed: the same seed repeats the search")
    p.add_argument("--n-jobs", type=_positive_int, help="local worker processes (default 1)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the trials on a Dask cluster (e.g. tcp://127.0.0.1:8786)")
    p.add_argument("--rounds", type=_positive_int, help="coarse-to-fine rounds (1: plain random search)")
    p.add_argument("--keep-top", type=_positive_int, help="trials kept between coarse-to-fine rounds")
    p.add_argument("--maximize", action="store_true", default=None,
                   help="higher scores are better (default: lower)")
    p.add_argument("--log", dest="log_path", metavar="PATH",
                   help="JSON-lines log; an existing one is resumed")
    p.add_argument("--fresh", action="store_true", help="start the log over instead of resuming")
    p.add_argument("--plot", metavar="PNG", help="write the score-vs-hyperparameter plot here")
    p.add_argument("--early-stopping", action="store_true", default=None,
                   help="stop trials behind the median (objectives that report per epoch)")
    p.add_argument("--threads-per-trial", type=int, help="threads each trial may use")
    p.add_argument("--top", type=int, default=20, help="rows of the table to print (default 20)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=True,
                   help="live progress of running trials (default on)")
    p.set_defaults(func=tune_command)
    return p


def _check_settings(cfg):
    """Refuse, before any trial runs, settings that cannot make a search."""
    for key in _POSITIVE:
        value = cfg.get(key, 1)
        if not isinstance(value, list) and (isinstance(value, bool) or not isinstance(value, int)
                                            or value < 1):
            raise ConfigError(f"{key} must be an integer >= 1, got {value!r}")
    log_path = cfg.get("log_path")
    if log_path is not None and os.path.isdir(log_path):
        raise ConfigError(f"log {log_path} is a folder; give a file for the JSON-lines log "
                          f"(e.g. {os.path.join(log_path, 'tune.jsonl')})")


def tune_command(args) -> int:
    """Run the search; a bad config raises ``ConfigError`` (exit status 2 from cli.main)."""
    from . import MedianStoppingRule, coarse_to_fine, random_search

    try:
        cfg = load_config(args.config)
        for key in ("n_trials", "seed", "n_jobs", "rounds", "keep_top", "maximize", "log_path",
                    "plot", "threads_per_trial"):
            value = getattr(args, key, None)
            if value is not None:
                cfg[key] = value
        _check_settings(cfg)
        if getattr(args, "early_stopping", None):
            cfg["early_stopping"] = True
        objective = load_objective(cfg["objective"], cfg.get("objective_args"))
        es = cfg.get("early_stopping") or None
        if isinstance(es, dict):
            es = MedianStoppingRule(**es)
        elif es is True:
            es = MedianStoppingRule()
        elif es is not None:
            raise ConfigError(f"early_stopping must be true/false or a table, got {es!r}")
        common = dict(
            seed=cfg.get("seed"), maximize=bool(cfg.get("maximize", False)),
            n_jobs=int(cfg.get("n_jobs", 1)), log_path=cfg.get("log_path"),
            resume=not getattr(args, "fresh", False), early_stopping=es,
            progress=getattr(args, "progress", True),
            threads_per_trial=cfg.get("threads_per_trial"),
        )
    except (TypeError, ValueError) as exc:  # bad values for MedianStoppingRule and the like
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError(str(exc)) from None

    client = None
    if getattr(args, "scheduler", None):
        from distributed import Client

        client = Client(args.scheduler)
        common["executor"], common["n_jobs"] = client, 1
    try:
        rounds = int(cfg.get("rounds", 1))
        n_trials = cfg.get("n_trials", 20)
        if rounds > 1:
            result = coarse_to_fine(objective, cfg["space"], rounds, n_trials,
                                    int(cfg.get("keep_top", 5)),
                                    margin=float(cfg.get("margin", 0.1)), **common)
        else:
            result = random_search(objective, cfg["space"], n_trials, **common)
    except (TypeError, ValueError) as exc:  # the search refused its arguments, before any trial
        raise ConfigError(str(exc)) from None
    finally:
        if client is not None:
            client.close()

    print(result.table(limit=getattr(args, "top", 20)))
    best = result.best
    if best is not None:
        print("best config:", json.dumps(best.config, sort_keys=True, default=repr))
    print(f"seed: {result.seed}")
    if cfg.get("plot"):
        result.plot(cfg["plot"])
        print(f"plot: {cfg['plot']}")
    return 0 if best is not None else 1


def main(argv=None) -> int:
    """``python -m autograd_lite.tune.cli CONFIG ...`` (``autograd-lite tune`` is the same
    command inside the package's CLI)."""
    parser = argparse.ArgumentParser(prog="autograd-lite")
    sub = parser.add_subparsers(dest="command", required=True)
    add_tune_subcommand(sub)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"autograd-lite tune: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
