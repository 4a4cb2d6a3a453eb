"""The op registry: one ``OpInfo`` per differentiable op (PyTorch's OpInfo idea, kept small).

An entry names the op, the callable that runs it on Tensors, a numpy reference that computes the
same forward on arrays, and a generator of sample inputs (shapes with broadcasting and scalars,
values kept away from kinks). The test suite, ``autograd-lite gradcheck`` and users' own tests
(``autograd_lite.testing``) all walk this registry, so an op with an entry is gradchecked in
float64, compared with its reference in float32 and float64, and checked for dtypes and shapes.
"""
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np


@dataclass
class SampleInput:
    """Positional ``args`` for the op: numpy float arrays become Tensors that require grad
    (in the dtype under test), other arrays (bool, int) become Tensors without grad, and
    anything else is passed as it is. ``kwargs`` are passed as they are."""

    args: tuple
    kwargs: dict = field(default_factory=dict)
    name: str = ""


@dataclass
class OpInfo:
    name: str
    op: Callable                       # op(*tensors_and_args, **kwargs) -> Tensor or tuple
    ref: Callable                      # ref(*arrays_and_args, **kwargs) -> array or tuple
    sample_inputs: Callable[[np.random.Generator], Iterable[SampleInput]]
    dtypes: tuple = (np.float32, np.float64)
    #: public names this entry covers besides ``name`` (methods, operators, aliases)
    aliases: tuple = ()
    #: forward tolerance against the reference for float32 (float64 uses 1e-10 relative)
    float32_tol: float = 1e-5
    gradcheck_kwargs: dict = field(default_factory=dict)
    #: the op draws random numbers; checks seed ``al.manual_seed`` before every call
    random: bool = False
    #: names of checks to skip, each with the reason: {"check_name": "why"}
    skips: dict = field(default_factory=dict)

    def samples(self, seed=0):
        return list(self.sample_inputs(np.random.default_rng(seed)))


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
    from . import op_db  # noqa: F401  (registers the built-in entries on first use)
    return list(_registry)


def get_op(name: str) -> OpInfo:
    for info in registered_ops():
        if info.name == name or name in info.aliases:
            return info
    raise KeyError(f"no registered op is named {name!r}")
