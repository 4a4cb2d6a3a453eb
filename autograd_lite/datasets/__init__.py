"""Bundled and generated data sets: the course's planar sets and the 8x8 digits.

Every loader returns ``(X, y)`` with ``X`` float32 of shape ``(n, features)`` and ``y`` int64
class labels; the generators repeat exactly for a fixed ``seed``.
"""
from .digits import load_digits
from .planar import make_circles, make_flower, make_moons, make_spirals

__all__ = ["load_digits", "make_circles", "make_flower", "make_moons", "make_spirals"]
