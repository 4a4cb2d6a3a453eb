"""The op registry: one ``OpInfo`` per differentiable op (PyTorch's OpInfo idea, kept small).

An entry names the op, the callable that runs it on Tensors, a numpy reference that computes the
same forward on arrays, and a generator of sample inputs (shapes with broadcasting and scalars,
values kept away from kinks). The test suite, ``autograd-lite gradcheck`` and users' own tests
(``autograd_lite.testing``) all walk this registry, so an op with an entry is gradchecked in
float64, compared with its reference in float32 and float64, and checked for dtypes and shapes.
"""
from .op_db import BUILTIN_OPS
from .op_db.entry import OpInfo, SampleInput

__all__ = ["OpInfo", "SampleInput", "register_op", "registered_ops", "get_op"]


_registry: list = []


def register_op(info: OpInfo) -> OpInfo:
    """Add an op to the registry (users' own ops included); returns it, so that
    ``MY_OP = register_op(OpInfo(...))`` reads as one line."""
    if any(existing.name == info.name for existing in _registry):
        raise ValueError(f"register_op: an op named {info.name!r} is already registered")
    _registry.append(info)
    return info


def registered_ops() -> list:
    """Every registered op: the built-in ones first, then users' in registration order."""
    return list(_registry)


def get_op(name: str) -> OpInfo:
    """The registered ``OpInfo`` named ``name`` (or having it as an alias); KeyError otherwise."""
    for info in registered_ops():
        if info.name == name or name in info.aliases:
            return info
    raise KeyError(f"no registered op is named {name!r}")


for _info in BUILTIN_OPS:  # the built-in entries come first (op_db never imports this module)
    register_op(_info)
