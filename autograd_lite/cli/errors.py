"""The one kind of error the command line turns into a message and exit status 2.

``UsageError`` is bad input: a flag, a config file, an output folder or a checkpoint the user
named. The configuration errors of ``autograd_lite.train`` and ``autograd_lite.tune`` derive
from it, so ``autograd_lite.cli.main`` reports all of them the same way: one line on stderr,
``autograd-lite COMMAND: error: WHAT IS WRONG; WHAT TO DO``, and exit status 2, with no
traceback. It lives in its own module so the libraries can import it without the commands.
"""

__all__ = ["UsageError", "positive_int", "positive_float", "non_negative_float"]


class UsageError(ValueError):
    """Bad input from the user of a command: reported in one line, exit status 2."""


def _number(kind, text, ok, need):
    import argparse

    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {need}, got {text!r}") from None
    if not ok(value):
        raise argparse.ArgumentTypeError(f"expected {need}, got {text!r}")
    return value


def positive_int(text):
    """argparse type: an integer >= 1."""
    return _number(int, text, lambda v: v >= 1, "an integer >= 1")


def positive_float(text):
    """argparse type: a finite number > 0."""
    return _number(float, text, lambda v: 0 < v < float("inf"), "a finite number > 0")


def non_negative_float(text):
    """argparse type: a finite number >= 0."""
    return _number(float, text, lambda v: 0 <= v < float("inf"), "a finite number >= 0")
