"""The exception class for arguments an op cannot use (shapes that do not match, dims out of
order, an empty list to concatenate): ``OpError``.

PyTorch raises ``RuntimeError`` for these, so code written for PyTorch catches that; earlier
versions of autograd_lite raised ``ValueError``, so code written for them catches that. An
``OpError`` is both. Dims out of range stay ``IndexError`` and wrong argument types
``TypeError``, as in PyTorch.
"""


class OpError(RuntimeError, ValueError):
    """An op was given shapes or arguments it cannot work with; the message names the op,
    the shapes and what would work."""
