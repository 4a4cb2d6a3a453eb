"""``TrainConfig``: every knob of ``autograd-lite train``, from flags and/or a TOML/JSON file.

A config file holds the same keys as the dataclass fields (``-`` and ``_`` both accepted),
for example ``digits.toml``::

    dataset = "digits"
    hidden = [256, 128]
    optimizer = "adam"
    lr = 0.01
    schedule = "exponential"
    decay = 0.95

Command-line flags override the file, the file overrides the defaults. ``validate()`` checks
every value and raises ``ConfigError`` naming the key, the bad value and what is allowed, so a
bad config fails before any data is loaded or any epoch is trained.
"""
from __future__ import annotations

import dataclasses
import json
import math
import numbers
import os
from dataclasses import dataclass

from ..cli.errors import UsageError

__all__ = ["TrainConfig", "ConfigError", "load_config_file", "DATASETS", "MODELS", "ACTIVATIONS",
           "INITS", "OPTIMIZERS", "SCHEDULES", "TWO_D_DATASETS"]


class ConfigError(UsageError):
    """A bad training config (unknown name, value out of range, unreadable file); the command
    line reports it in one line with exit status 2."""


DATASETS = ("digits", "moons", "circles", "spirals", "flower")
TWO_D_DATASETS = ("moons", "circles", "spirals", "flower")
#: mlp: the course's fully connected net; cnn: two 3x3 conv + BatchNorm2d blocks on the 8x8
#: digits as 1x8x8 images, then the same fully connected layers (train/model.py, build_cnn)
MODELS = ("mlp", "cnn")
IMAGE_DATASETS = ("digits",)
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu")
# zeros: every weight 0 (fails to break symmetry); random: randn · init_scale (the course's
# ×10); he: randn·√(2/n[l−1]); xavier: the course's randn·√(1/n[l−1]); default: PyTorch's
# Linear initialisation.
INITS = ("zeros", "random", "he", "xavier", "default")
OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
# none; inverse_time: α₀/(1 + decay·epoch); exponential: decay^epoch·α₀; inverse_sqrt:
# decay/√epoch·α₀; inverse_sqrt_step: decay/√t·α₀ (t = mini-batch updates); step: α₀ ·
# decay^(epoch // step_size); cosine: cosine annealing from α₀ to decay·α₀ over the epochs.
SCHEDULES = ("none", "inverse_time", "exponential", "inverse_sqrt", "inverse_sqrt_step", "step",
             "cosine")
# the schedule's parameter ("decay") when none is given
#: the automatic ``compile`` (None) replays the training step when the run has at least this
#: many steps: recording costs ~5 ms a signature (two per run: full batches and the last
#: smaller one) and a replayed step saves 0.1-0.2 ms on the default models, so a run of a few
#: dozen steps does not repay it (docs/compile.md, "Where it is used")
COMPILE_MIN_STEPS = 100

SCHEDULE_DEFAULTS = {"none": None, "inverse_time": 1.0, "exponential": 0.95, "inverse_sqrt": 1.0,
                     "inverse_sqrt_step": 1.0, "step": 0.5, "cosine": 0.0}


@dataclass
class TrainConfig:
    # data
    dataset: str = "digits"
    n_samples: int | None = None      # 2-D sets only (default 600)
    noise: float | None = None        # 2-D sets only (default: the set's own)
    split: tuple = (0.6, 0.2, 0.2)    # train / dev / test fractions
    # model
    model: str = "mlp"                # "cnn": conv layers first (image data sets only)
    hidden: tuple = (256, 128)
    activation: str = "relu"
    init: str = "he"
    init_scale: float = 10.0          # for init = "random"
    batchnorm: bool = True
    dropout: float = 0.3
    l2: float = 0.0                   # the course's λ in (1/m)(λ/2)Σ‖W‖²
    # optimisation
    optimizer: str = "adam"
    lr: float = 0.01
    beta: float = 0.9                 # momentum β, RMSprop β, Adam β1
    beta2: float = 0.999              # Adam β2
    eps: float = 1e-8                 # RMSprop and Adam ε
    schedule: str = "exponential"
    decay: float | None = None        # the schedule's parameter (None: its default)
    step_size: int = 10               # for schedule = "step"
    batch_size: int = 64              # 0: the whole training set (batch gradient descent)
    epochs: int = 40
    seed: int = 0
    # bias / variance verdict
    bayes_error: float = 0.0          # estimate of the best achievable error (human level)
    tolerance: float = 0.03           # gaps larger than this count as high bias / variance
    # output
    out: str | None = "runs/train"
    overwrite: bool = False           # replace a run already in out (else refuse)
    checkpoint_every: int = 10        # epochs between checkpoints (0: only at the end)
    resume: bool = False
    progress: bool = True
    compile: bool | None = None       # replay each training step with al.compile (None:
                                      # when the run has COMPILE_MIN_STEPS steps or more)
    plots: bool = True

    # ---- derived values ----------------------------------------------------------------
    @property
    def schedule_param(self):
        return SCHEDULE_DEFAULTS[self.schedule] if self.decay is None else self.decay

    @property
    def is_2d(self):
        return self.dataset in TWO_D_DATASETS

    # ---- construction ------------------------------------------------------------------
    @classmethod
    def field_names(cls):
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def from_dict(cls, values, source="config"):
        """A config from a mapping of field names (``-`` or ``_``); unknown keys raise."""
        if not isinstance(values, dict):
            raise ConfigError(f"{source}: expected a table of settings, got "
                              f"{type(values).__name__}")
        names = set(cls.field_names())
        clean = {}
        for key, value in values.items():
            name = str(key).replace("-", "_")
            if name not in names:
                raise ConfigError(f"{source}: unknown setting {key!r}; known settings: "
                                  f"{', '.join(sorted(names))}")
            clean[name] = value
        cfg = cls(**clean)
        cfg.normalise()
        return cfg

    def replace(self, **changes):
        cfg = dataclasses.replace(self, **changes)
        cfg.normalise()
        return cfg

    def to_dict(self):
        d = dataclasses.asdict(self)
        d["hidden"] = list(self.hidden)
        d["split"] = list(self.split)
        return d

    def normalise(self):
        """Coerce friendly forms: ``hidden`` as "128,64" or a list, names lower-case."""
        if isinstance(self.hidden, str):
            # "" is no hidden layer; "128,64" or "128 64"; an empty size ("256,,128") is a typo
            text = self.hidden.strip()
            parts = [p.strip() for p in (text.split(",") if "," in text else text.split())]
            try:
                self.hidden = tuple(int(p) for p in parts) if text else ()
            except ValueError:
                raise ConfigError(f"hidden: expected layer sizes like '128,64' (no empty "
                                  f"sizes), got {self.hidden!r}") from None
        elif isinstance(self.hidden, numbers.Integral) and not isinstance(self.hidden, bool):
            self.hidden = (int(self.hidden),)
        elif isinstance(self.hidden, (list, tuple)):
            self.hidden = tuple(self.hidden)
        if isinstance(self.split, (list, tuple)):
            self.split = tuple(self.split)
        for name in ("dataset", "model", "activation", "init", "optimizer", "schedule"):
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, value.strip().lower().replace("-", "_"))
        if self.schedule in ("constant", "off"):
            self.schedule = "none"
        return self

    # ---- validation --------------------------------------------------------------------
    def validate(self):
        """Raise ``ConfigError`` for the first bad value; return self when all are fine."""
        _choice("dataset", self.dataset, DATASETS)
        _choice("model", self.model, MODELS)
        if self.model == "cnn" and self.dataset not in IMAGE_DATASETS:
            raise ConfigError(f"model: cnn needs an image data set ({', '.join(IMAGE_DATASETS)}); "
                              f"{self.dataset!r} has 2-D points, use model = mlp")
        _choice("activation", self.activation, ACTIVATIONS)
        _choice("init", self.init, INITS)
        _choice("optimizer", self.optimizer, OPTIMIZERS)
        _choice("schedule", self.schedule, SCHEDULES)
        if self.n_samples is not None:
            _int("n_samples", self.n_samples, 10)
            if not self.is_2d:
                raise ConfigError(f"n_samples: only the 2-D data sets ({', '.join(TWO_D_DATASETS)}) "
                                  f"are generated; {self.dataset!r} has a fixed size")
        if self.noise is not None:
            _number("noise", self.noise, low=0.0)
        if not isinstance(self.split, tuple) or len(self.split) != 3:
            raise ConfigError(f"split: expected three fractions (train, dev, test), got "
                              f"{self.split!r}")
        for part, value in zip(("train", "dev", "test"), self.split):
            _number(f"split ({part})", value, low=0.0, low_inclusive=False, high=1.0)
        if not math.isclose(sum(self.split), 1.0, abs_tol=1e-6):
            raise ConfigError(f"split: the fractions must sum to 1, got {list(self.split)}")
        if not isinstance(self.hidden, tuple):
            raise ConfigError(f"hidden: expected a list of layer sizes, got {self.hidden!r}")
        for size in self.hidden:
            if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
                raise ConfigError(f"hidden: every layer size must be a positive integer, got "
                                  f"{list(self.hidden)}")
        _number("init_scale", self.init_scale, low=0.0, low_inclusive=False)
        _bool("batchnorm", self.batchnorm)
        _number("dropout", self.dropout, low=0.0, high=1.0, high_inclusive=False,
                hint="p is the probability of dropping a unit: 0 <= p < 1")
        _number("l2", self.l2, low=0.0)
        _number("lr", self.lr, low=0.0, low_inclusive=False,
                hint="the learning rate must be positive")
        _number("beta", self.beta, low=0.0, high=1.0, high_inclusive=False)
        _number("beta2", self.beta2, low=0.0, high=1.0, high_inclusive=False)
        _number("eps", self.eps, low=0.0)
        if self.decay is not None:
            _number("decay", self.decay, low=0.0)
            if self.schedule in ("exponential", "step") and self.decay > 1:
                raise ConfigError(f"decay: the {self.schedule} schedule multiplies the rate by "
                                  f"decay, which must be in [0, 1], got {self.decay}")
            if self.schedule == "cosine" and self.decay > 1:
                raise ConfigError(f"decay: for cosine it is the final rate as a fraction of lr, "
                                  f"in [0, 1], got {self.decay}")
        _int("step_size", self.step_size, 1)
        _int("batch_size", self.batch_size, 0)
        _int("epochs", self.epochs, 1)
        _int("seed", self.seed, 0)
        _number("bayes_error", self.bayes_error, low=0.0, high=1.0, high_inclusive=False)
        _number("tolerance", self.tolerance, low=0.0, high=1.0)
        if self.out is not None and not isinstance(self.out, (str, os.PathLike)):
            raise ConfigError(f"out: expected a folder path, got {self.out!r}")
        _int("checkpoint_every", self.checkpoint_every, 0)
        for name in ("resume", "overwrite", "progress", "plots"):
            _bool(name, getattr(self, name))
        if self.compile is not None:
            _bool("compile", self.compile)
        if isinstance(self.out, (str, os.PathLike)) and not os.fspath(self.out):
            raise ConfigError("out: the output folder is an empty path; give a folder name")
        if self.resume and self.overwrite:
            raise ConfigError("resume and overwrite: choose one (continue the run in out, or "
                              "replace it)")
        if self.resume and self.out is None:
            raise ConfigError("resume: needs an output folder (out) holding checkpoint.npz")
        if self.batchnorm and self.batch_size == 1:
            raise ConfigError("batch_size: batch norm cannot normalise a batch of one; use "
                              "batch_size >= 2 or batchnorm = false")
        _check_memory(self.hidden)
        return self

    # settings that may differ between a run and its resumption
    RESUMABLE_CHANGES = ("epochs", "out", "overwrite", "checkpoint_every", "resume", "progress",
                         "plots", "bayes_error", "tolerance", "compile")


# Bytes per parameter while training: the float32 value, its gradient and two optimizer
# moments (Adam's, the largest state of the optimizers offered).
_BYTES_PER_PARAMETER = 4 * 4


def _check_memory(hidden):
    """Refuse a network whose parameters alone cannot fit in this machine's memory (a lower
    bound: 2 inputs and 2 classes, the smallest data set), before anything is allocated."""
    sizes = (2, *hidden, 2)
    parameters = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    need = parameters * _BYTES_PER_PARAMETER
    try:
        have = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): no check
        return
    if need > have:
        raise ConfigError(f"hidden: layers {list(hidden)} need at least {need / 2**30:.1f} GiB "
                          f"for their parameters while training, more than this machine's "
                          f"{have / 2**30:.1f} GiB; use smaller layers")


def _choice(name, value, allowed):
    if value not in allowed:
        raise ConfigError(f"{name}: unknown {name} {value!r}; choose one of "
                          f"{', '.join(allowed)}")


def _number(name, value, low=None, high=None, low_inclusive=True, high_inclusive=True, hint=""):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ConfigError(f"{name}: expected a finite number, got {value!r}")
    bad = ((low is not None and (value < low or (value == low and not low_inclusive))) or
           (high is not None and (value > high or (value == high and not high_inclusive))))
    if bad:
        lo = "" if low is None else f"{low} {'<=' if low_inclusive else '<'} "
        hi = "" if high is None else f" {'<=' if high_inclusive else '<'} {high}"
        raise ConfigError(f"{name}: {value!r} is out of range (need {lo}{name}{hi})"
                          + (f"; {hint}" if hint else ""))


def _int(name, value, low):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ConfigError(f"{name}: expected an integer, got {value!r}")
    if value < low:
        raise ConfigError(f"{name}: must be >= {low}, got {value}")


def _bool(name, value):
    if not isinstance(value, bool):
        raise ConfigError(f"{name}: expected true or false, got {value!r}")


def load_config_file(path):
    """The settings in a ``.toml`` or ``.json`` file, as a dict (not yet validated). Anything
    else (a folder, bytes that are not UTF-8, a top level that is not a table, nesting too deep
    for the parser) raises ``ConfigError``."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ConfigError(f"config file {path} is a folder; give a .toml or .json file")
    if not os.path.isfile(path):
        raise ConfigError(f"config file not found: {path}")
    settings = _parse_config_file(path)
    if not isinstance(settings, dict):
        raise ConfigError(f"{path}: the top level must be a table of settings "
                          f"({{\"lr\": 0.01, ...}}), got {type(settings).__name__}")
    return settings


def _parse_config_file(path):
    try:
        return _parse_by_suffix(path)
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a text file (not UTF-8); a config is TOML or JSON "
                          f"text") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to read; a config is a flat table of "
                          f"settings") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror})") from None


def _parse_by_suffix(path):
    if path.lower().endswith(".toml"):
        try:
            import tomllib
        except ImportError:  # Python 3.10
            try:
                import tomli as tomllib
            except ImportError:
                raise ConfigError("reading a TOML config on Python 3.10 needs tomli "
                                  "(pip install tomli), or use JSON") from None
        try:
            with open(path, "rb") as fh:
                return tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    if path.lower().endswith(".json"):
        try:
            with open(path, encoding="utf-8") as fh:
                return json.load(fh)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: not valid JSON ({exc})") from None
    raise ConfigError(f"{path}: a config file must end in .toml or .json")
