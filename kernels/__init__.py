"""Kernels on plain numpy arrays, installed as ``autograd_lite.kernels``.

This folder knows nothing of Tensor or autograd: every function takes numpy arrays and returns
(or writes into) numpy arrays. The framework's ops call these; the tests compare each with a
numpy reference.
"""
from .broadcast import sum_to_shape

__all__ = ["sum_to_shape"]
