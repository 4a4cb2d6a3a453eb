"""``al.device``: where a tensor lives. autograd_lite computes on the CPU only, so "cpu" is the one
device; the type exists so that PyTorch code that names devices (``.to("cpu")``,
``device=``, ``torch.device("cuda" if torch.cuda.is_available() else "cpu")``) runs unchanged,
and so that asking for another device fails with a message saying which devices exist.
"""

_KNOWN = ("cpu", "cuda", "mps", "xpu", "meta", "xla", "hpu", "ipu", "mtia")


class device:  # noqa: N801 - PyTorch's class name
    """A device name: ``device("cpu")``, ``device("cpu", 0)``, ``device("cpu:0")``."""

    __slots__ = ("type", "index")

    def __init__(self, type_or_name="cpu", index=None):  # noqa: A002 - PyTorch's argument
        if isinstance(type_or_name, device):
            type_or_name, index = type_or_name.type, type_or_name.index
        if not isinstance(type_or_name, str):
            raise TypeError(f"device: expected a string such as 'cpu', got "
                            f"{type(type_or_name).__name__}")
        name, _, number = type_or_name.partition(":")
        if number:
            if index is not None or not number.isdigit():
                raise RuntimeError(f"Invalid device string: {type_or_name!r}")
            index = int(number)
        if name not in _KNOWN:
            raise RuntimeError(f"Expected one of {', '.join(_KNOWN)} device type at start of "
                               f"device string: {type_or_name!r}")
        self.type, self.index = name, index

    def __repr__(self):
        extra = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{extra})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            try:
                other = device(other)
            except (RuntimeError, TypeError):
                return False
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))


CPU = device("cpu")


def check_device(requested, who):
    """``requested`` (None, a string or a device) when it names the CPU; otherwise a
    RuntimeError saying that the CPU is the only device here."""
    if requested is None:
        return CPU
    d = requested if isinstance(requested, device) else device(requested)
    if d.type != "cpu" or d.index not in (None, 0):
        raise RuntimeError(f"{who}: device {str(d)!r} is not available; autograd_lite computes on "
                           f"the CPU only (the one device is 'cpu')")
    return CPU


def is_device_like(x):
    """True for what ``Tensor.to`` reads as a device: a device, or a string that names one."""
    if isinstance(x, device):
        return True
    if isinstance(x, str):
        return x.partition(":")[0] in _KNOWN
    return False
