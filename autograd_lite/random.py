"""The framework's random state: one numpy Generator, from which every random op draws
(including the seeds handed to Numba kernels such as dropout), so ``manual_seed`` makes runs
repeat bit for bit."""
import numpy as np

_generator = [np.random.default_rng()]


def manual_seed(seed: int):
    """Seed every random source of autograd_lite (numpy-side and, through it, Numba-side)."""
    _generator[0] = np.random.default_rng(seed)
    return _generator[0]


def generator() -> np.random.Generator:
    return _generator[0]


def next_kernel_seed() -> int:
    """A fresh 63-bit seed for a kernel's counter-based RNG, drawn from the framework generator."""
    return int(_generator[0].integers(0, 2**63 - 1))


def get_rng_state() -> dict:
    """The generator's state, a JSON-able dict (saved in checkpoints)."""
    return _generator[0].bit_generator.state


def set_rng_state(state: dict) -> None:
    """Restore the generator state that ``get_rng_state`` returned."""
    bit_generator = getattr(np.random, state["bit_generator"])()
    bit_generator.state = state
    _generator[0] = np.random.Generator(bit_generator)
