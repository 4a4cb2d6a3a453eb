"""Search spaces: what to sample for each hyperparameter, and on which scale.

The course's advice (docs/course.md, "Hyperparameter tuning"): sample at random,
not on a grid, and on the scale where the hyperparameter acts.  The learning rate acts on a log
scale (r ~ U[a, b], alpha = 10^r), an averaging beta acts through 1 - beta (1 - beta = 10^r,
beta = 1 - 10^r), unit and layer counts act linearly.

Every space can

* ``sample(rng)``: draw one value from a ``numpy.random.Generator``;
* ``shrink(values, margin)``: return a narrower space of the same kind that covers ``values``
  (the good trials' values) plus ``margin`` times the current width on each side, measured on
  the space's own scale and clipped to the current range.  ``coarse_to_fine`` uses it;
* ``to_dict()`` / ``space_from_dict(d)``: the JSON form used by config files and log headers.

A value in a search-space dict that is not a ``Space`` is a constant, passed to every trial.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "Space",
    "Uniform",
    "LogUniform",
    "OneMinusLogUniform",
    "IntUniform",
    "Choice",
    "space_from_dict",
    "space_to_dict",
    "sample_config",
    "shrink_space",
    "validate_space",
]


def _real(name, value, cls):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{cls}: {name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{cls}: {name} must be finite, got {value!r}")
    return value


def _python_value(value):
    """numpy scalars -> Python scalars, so configs are plain and JSON-friendly."""
    if isinstance(value, np.generic):
        return value.item()
    return value


class Space:
    """Base class of a hyperparameter's search space."""

    #: True when ``plot`` should use a log x-axis for this hyperparameter.
    log_scale = False
    #: True for spaces over numbers that coarse_to_fine narrows.
    numeric = True
    #: the ``type`` name in the dict/JSON form
    kind = ""

    def sample(self, rng: np.random.Generator):
        raise NotImplementedError

    def shrink(self, values, margin: float = 0.1) -> "Space":
        raise NotImplementedError

    def to_dict(self) -> dict:
        raise NotImplementedError

    def __eq__(self, other):
        return type(self) is type(other) and self.to_dict() == other.to_dict()

    def __hash__(self):
        return hash(repr(self))


class _Interval(Space):
    """A continuous range [lo, hi] sampled uniformly on a transformed scale t = fwd(x)."""

    def __init__(self, lo, hi):
        cls = type(self).__name__
        lo = _real("lo", lo, cls)
        hi = _real("hi", hi, cls)
        if not lo < hi:
            raise ValueError(f"{cls}: need lo < hi, got lo={lo!r}, hi={hi!r}")
        self.lo, self.hi = lo, hi
        self._check()

    def _check(self):
        pass

    # the scale the space is uniform on
    def _fwd(self, x):
        return x

    def _inv(self, t):
        return t

    def _t_bounds(self):
        a, b = self._fwd(self.lo), self._fwd(self.hi)
        return (a, b) if a <= b else (b, a)

    def sample(self, rng):
        a, b = self._t_bounds()
        x = float(self._inv(rng.uniform(a, b)))
        # rounding in 10**t must never step outside the stated range
        return min(max(x, self.lo), self.hi)

    def shrink(self, values, margin=0.1):
        values = [float(v) for v in values]
        if not values:
            return self
        if margin < 0:
            raise ValueError(f"margin must be >= 0, got {margin!r}")
        a, b = self._t_bounds()
        ts = [min(max(self._fwd(v), a), b) for v in values]
        pad = margin * (b - a)
        new_a, new_b = max(a, min(ts) - pad), min(b, max(ts) + pad)
        if not new_a < new_b:  # margin == 0 and a single value: keep a sliver around it
            eps = 1e-6 * (b - a)
            new_a, new_b = max(a, new_a - eps), min(b, new_b + eps)
        lo, hi = sorted((float(self._inv(new_a)), float(self._inv(new_b))))
        # the inverse transform may round a hair past the old range
        lo, hi = max(lo, self.lo), min(hi, self.hi)
        if not lo < hi:
            return self
        return type(self)(lo, hi)

    def to_dict(self):
        return {"type": self.kind, "low": self.lo, "high": self.hi}

    def __repr__(self):
        return f"{type(self).__name__}({self.lo!r}, {self.hi!r})"


class Uniform(_Interval):
    """x ~ U[lo, hi]."""

    kind = "uniform"


class LogUniform(_Interval):
    """Uniform in log10: r ~ U[log10 lo, log10 hi], value = 10**r (the course's learning rate).

    LogUniform(1e-4, 1) puts a quarter of its samples in each decade.
    """

    kind = "log_uniform"
    log_scale = True

    def _check(self):
        if self.lo <= 0:
            raise ValueError(f"LogUniform: lo must be > 0 on a log scale, got lo={self.lo!r}")

    def _fwd(self, x):
        return math.log10(x)

    def _inv(self, t):
        return 10.0 ** t


class OneMinusLogUniform(_Interval):
    """For an averaging beta: 1 - beta is log-uniform, r ~ U[log10(1-hi), log10(1-lo)],
    beta = 1 - 10**r.  OneMinusLogUniform(0.9, 0.999) spreads evenly over 1-beta's decades
    [0.1, 0.01] and [0.01, 0.001].  Plots show 1 - beta on a log axis.
    """

    kind = "one_minus_log_uniform"
    log_scale = True

    def _check(self):
        if not (0.0 < self.lo and self.hi < 1.0):
            raise ValueError(
                "OneMinusLogUniform: beta's range must lie inside (0, 1) so that 1 - beta is "
                f"positive, got lo={self.lo!r}, hi={self.hi!r}"
            )

    def _fwd(self, x):
        return math.log10(1.0 - x)

    def _inv(self, t):
        return 1.0 - 10.0 ** t


class IntUniform(Space):
    """An integer uniform on lo..hi, both ends included."""

    kind = "int_uniform"

    def __init__(self, lo, hi):
        for name, v in (("lo", lo), ("hi", hi)):
            if isinstance(v, bool) or not isinstance(v, numbers.Integral):
                if isinstance(v, numbers.Real) and float(v).is_integer():
                    continue
                raise TypeError(f"IntUniform: {name} must be an integer, got {v!r}")
        lo, hi = int(lo), int(hi)
        if not lo <= hi:
            raise ValueError(f"IntUniform: need lo <= hi, got lo={lo!r}, hi={hi!r}")
        self.lo, self.hi = lo, hi

    def sample(self, rng):
        return int(rng.integers(self.lo, self.hi, endpoint=True))

    def shrink(self, values, margin=0.1):
        values = [float(v) for v in values]
        if not values:
            return self
        pad = margin * (self.hi - self.lo)
        lo = max(self.lo, math.floor(min(values) - pad))
        hi = min(self.hi, math.ceil(max(values) + pad))
        return IntUniform(lo, hi)

    def to_dict(self):
        return {"type": self.kind, "low": self.lo, "high": self.hi}

    def __repr__(self):
        return f"IntUniform({self.lo!r}, {self.hi!r})"


class Choice(Space):
    """One of a list of options, each equally likely.  coarse_to_fine leaves it unchanged."""

    kind = "choice"
    numeric = False

    def __init__(self, options):
        if isinstance(options, (str, bytes)) or not hasattr(options, "__iter__"):
            raise TypeError(f"Choice: options must be a list, got {options!r}")
        options = [_python_value(o) for o in options]
        if not options:
            raise ValueError("Choice: needs at least one option")
        self.options = options

    def sample(self, rng):
        return self.options[int(rng.integers(len(self.options)))]

    def shrink(self, values, margin=0.1):
        return self

    def to_dict(self):
        return {"type": self.kind, "options": list(self.options)}

    def __repr__(self):
        return f"Choice({self.options!r})"


_KINDS = {cls.kind: cls for cls in (Uniform, LogUniform, OneMinusLogUniform, IntUniform)}


def space_from_dict(d):
    """Build a space from its dict form, e.g. ``{"type": "log_uniform", "low": 1e-4,
    "high": 1e-1}``, ``{"type": "choice", "options": [32, 64]}``, or ``{"type": "constant",
    "value": ...}``.  A value that is not a dict is a constant and is returned as is."""
    if not isinstance(d, dict):
        return d
    if "type" not in d:
        raise ValueError(
            f"search-space entry {d!r} has no 'type'; use one of "
            f"{sorted(list(_KINDS) + ['choice', 'constant'])} (wrap a dict constant as "
            '{"type": "constant", "value": {...}})'
        )
    kind = d["type"]
    extra = set(d) - {"type", "low", "high", "options", "value"}
    if extra:
        raise ValueError(f"search-space entry {d!r}: unknown keys {sorted(extra)}")
    if kind == "constant":
        return d["value"]
    if kind == "choice":
        if "options" not in d:
            raise ValueError(f"search-space entry {d!r}: 'choice' needs 'options'")
        return Choice(d["options"])
    if kind not in _KINDS:
        raise ValueError(
            f"unknown search-space type {kind!r}; use one of "
            f"{sorted(list(_KINDS) + ['choice', 'constant'])}"
        )
    missing = [k for k in ("low", "high") if k not in d]
    if missing:
        raise ValueError(f"search-space entry {d!r}: {kind!r} needs {missing}")
    return _KINDS[kind](d["low"], d["high"])


def space_to_dict(space: dict) -> dict:
    """The JSON form of a whole search-space dict."""
    out = {}
    for name, s in space.items():
        if isinstance(s, Space):
            out[name] = s.to_dict()
        elif isinstance(s, dict):
            out[name] = {"type": "constant", "value": s}
        else:
            out[name] = _python_value(s)
    return out


def validate_space(space) -> dict:
    """Check a search-space dict and return a copy; dict entries are parsed with
    ``space_from_dict``."""
    if not isinstance(space, dict):
        raise TypeError(f"space must be a dict of name -> Space or constant, got {type(space).__name__}")
    if not space:
        raise ValueError("space is empty: give at least one hyperparameter")
    out = {}
    for name, s in space.items():
        if not isinstance(name, str):
            raise TypeError(f"space names must be strings, got {name!r}")
        out[name] = space_from_dict(s) if isinstance(s, dict) else s
    return out


def sample_config(space: dict, rng: np.random.Generator) -> dict:
    """One config: each Space sampled in the dict's order, constants copied."""
    return {
        name: (s.sample(rng) if isinstance(s, Space) else _python_value(s))
        for name, s in space.items()
    }


def shrink_space(space: dict, configs, margin: float = 0.1) -> dict:
    """Narrow every numeric range around the given (good) configs, each on its own scale."""
    configs = list(configs)
    if not configs:
        return dict(space)
    return {
        name: (s.shrink([c[name] for c in configs], margin) if isinstance(s, Space) else s)
        for name, s in space.items()
    }
