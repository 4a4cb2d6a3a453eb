"""What one registry entry is: an ``OpInfo`` (the op, its numpy reference, its sample inputs,
dtypes, tolerances and skips) and the ``SampleInput`` its generator yields.

The bottom of the registry: the entries (``tensor_ops``, ``nn_ops``) are built from these
classes, and ``autograd_lite.opinfo`` (the registry itself) re-exports them.
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
