"""Undoing numpy broadcasting: the reduction every gradient of a broadcast input needs."""
import numpy as np


def sum_to_shape(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` over the axes that broadcasting added or stretched so it has ``shape``.

    ``grad`` has the broadcast shape of an op's output; ``shape`` is one input's shape, which
    numpy broadcasting aligned to the right. Raises ValueError when ``shape`` does not
    broadcast to ``grad.shape``.
    """
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    if lead < 0 or any(n != 1 and n != grad.shape[lead + i] for i, n in enumerate(shape)):
        raise ValueError(
            f"a gradient of shape {grad.shape} cannot be summed to shape {shape}: "
            f"{shape} does not broadcast to {grad.shape}")
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    return np.sum(grad, axis=axes, keepdims=True).reshape(shape)
