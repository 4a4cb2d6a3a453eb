"""``detect_anomaly``: name the op whose backward produced NaN or Inf."""

_enabled = [False]


class detect_anomaly:
    """Context manager: while active, forward records where each op was called, and backward
    checks every gradient an op returns; the first non-finite one raises a RuntimeError that
    names the op and shows the line of the forward call that created it."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self._previous = _enabled[0]
        _enabled[0] = self.check_nan
        return self

    def __exit__(self, *exc):
        _enabled[0] = self._previous
        return False


def is_anomaly_enabled() -> bool:
    """Whether ``detect_anomaly`` is on (backward then checks every gradient for NaN and Inf)."""
    return _enabled[0]
