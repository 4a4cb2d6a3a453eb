"""The course's exponentially weighted average, for numbers and numpy arrays."""
import numpy as np

from .optimizer import _check_number


class ExponentialMovingAverage:
    r"""``v_t = β v_{t−1} + (1 − β) θ_t`` with ``v_0 = 0`` (docs/course.md, "Exponentially
    weighted averages"), read bias-corrected as ``v_t / (1 − β^t)`` (the default) or raw.

    It averages over roughly the last ``1/(1 − β)`` values (β = 0.9: about 10, β = 0.98: about
    50). Without bias correction the first values are far too small (``v_1 = (1 − β)θ_1``);
    the correction removes that start-up bias and fades out as ``β^t → 0``.

    ``update(x)`` takes a number, a numpy array (or anything ``np.asarray`` accepts, tensors
    included) and returns the current average: a Python float for numbers, a new array for
    arrays (never a view of the internal state). Arrays keep their floating dtype (integers
    are averaged in float64); every update must have the first one's shape. ``value`` reads the
    current average (None before the first update); ``t`` is the number of updates so far.

    >>> ema = ExponentialMovingAverage(0.9)
    >>> ema.update(10.0)          # bias-corrected: 0.1·10 / (1 − 0.9)
    10.0
    """

    def __init__(self, beta, bias_correction=True):
        _check_number("beta", beta, low=0.0, high=1.0)
        self.beta = float(beta)
        self.bias_correction = bool(bias_correction)
        self.t = 0
        self._v = None  # the raw (uncorrected) average: a float, or an array
        self._is_array = False

    def update(self, x):
        """Fold in the next value ``θ_t``; returns the current (corrected) average."""
        beta = self.beta
        if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool) \
                and (self._v is None or not self._is_array):
            x = float(x)
            self._v = (1.0 - beta) * x if self._v is None else beta * self._v + (1.0 - beta) * x
            self._is_array = False
        else:
            x = np.asarray(x)
            if x.dtype.kind not in "f":
                if x.dtype.kind not in "iub":
                    raise TypeError(f"ExponentialMovingAverage averages numbers, got dtype "
                                    f"{x.dtype}")
                x = x.astype(np.float64)
            if self._v is None:
                self._v = (1.0 - beta) * x  # a new array
                self._is_array = True
            else:
                if not self._is_array:
                    raise TypeError("this average was started with numbers; it cannot "
                                    "continue with an array")
                if x.shape != self._v.shape:
                    raise ValueError(f"update of shape {x.shape} for an average of shape "
                                     f"{self._v.shape}")
                self._v *= beta
                self._v += (1.0 - beta) * x
        self.t += 1
        return self.value

    @property
    def value(self):
        """The current average (bias-corrected if so configured); None before any update."""
        if self._v is None:
            return None
        if self.bias_correction:
            correction = 1.0 - self.beta ** self.t
            return self._v / correction
        return self._v.copy() if self._is_array else self._v

    @property
    def raw_value(self):
        """``v_t`` without bias correction (None before any update)."""
        if self._v is None:
            return None
        return self._v.copy() if self._is_array else self._v

    def reset(self):
        """Forget everything: back to ``v_0 = 0``, ``t = 0``."""
        self.t = 0
        self._v = None
        self._is_array = False

    def state_dict(self):
        return {"beta": self.beta, "bias_correction": self.bias_correction, "t": self.t,
                "v": self.raw_value}

    def load_state_dict(self, state_dict):
        self.beta = float(state_dict["beta"])
        self.bias_correction = bool(state_dict["bias_correction"])
        self.t = int(state_dict["t"])
        v = state_dict["v"]
        if v is None:
            self._v, self._is_array = None, False
        elif isinstance(v, np.ndarray) and v.ndim > 0:
            self._v, self._is_array = v.copy(), True
        else:
            self._v, self._is_array = float(v), False

    def __repr__(self):
        return (f"ExponentialMovingAverage(beta={self.beta}, "
                f"bias_correction={self.bias_correction}, t={self.t})")
