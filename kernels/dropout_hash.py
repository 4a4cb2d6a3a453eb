"""Inverted dropout with a counter-based hash RNG: no stored mask, any thread count, same bits.

Element ``i`` is kept when the top 24 bits of ``splitmix64(key(seed) + i * GOLDEN)`` fall below
``round(keep * 2**24)``; kept elements are scaled by ``1 / keep`` (``keep = 1 - p``). The random
number is a pure function of (seed, flat element index), so:

* the result is identical whether one or many threads run it, and whatever the chunking;
* backward regenerates the mask from the seed instead of reading a stored one (one array less
  to write in forward and read in backward);
* ``dropout_mask`` rebuilds it for tests and for callers that want it.

The caller chooses a fresh seed per forward call (for example from a numpy Generator) and
keeps it for the backward.
"""
import numpy as np
from numba import njit, prange

from . import threads
from ._chunks import chunk_bounds
from ._checks import as_float, out_array

_FLAGS = dict(cache=True, error_model="numpy", fastmath={"contract"})
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S40 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(40)
_BITS = 24


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _draw(key, i):
    """24 uniform random bits for element i (splitmix64 finaliser of key + i * golden)."""
    z = key + np.uint64(i) * _GOLDEN
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    z = z ^ (z >> _S31)
    return z >> _S40


@njit(**_FLAGS)
def _dropout(x, out, key, thresh, scale, start):
    """out = x * scale where kept else 0, for flat indices start .. start + len(x)."""
    zero = x.dtype.type(0)
    for i in range(x.shape[0]):
        out[i] = x[i] * scale if _draw(key, start + i) < thresh else zero


@njit(parallel=True, **_FLAGS)
def _dropout_par(x, out, key, thresh, scale, parts):
    n = x.shape[0]
    for c in prange(parts):
        lo, hi = chunk_bounds(c, n, parts)
        _dropout(x[lo:hi], out[lo:hi], key, thresh, scale, lo)


def _key(seed):
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"dropout: seed must be an int, got {seed!r}")
    # mix the seed once so that neighbouring seeds give unrelated streams
    z = (int(seed) * 0xD1B54A32D192ED03 + 0x8CB92BA72F3D8DD7) & 0xFFFFFFFFFFFFFFFF
    z ^= z >> 29
    return np.uint64(z)


def _params(p, dtype, fn):
    if not 0.0 <= p < 1.0:
        raise ValueError(f"{fn}: drop probability p must be in [0, 1), got {p}")
    keep = 1.0 - p
    return np.uint64(round(keep * (1 << _BITS))), dtype.type(1.0 / keep)


def _run(x, out, p, seed, fn):
    key = _key(seed)
    thresh, scale = _params(p, x.dtype, fn)
    xf, of = x.reshape(-1), out.reshape(-1)
    if threads.use_parallel(xf.shape[0], "memory"):
        _dropout_par(xf, of, key, thresh, scale, threads.get_num_threads())
    else:
        _dropout(xf, of, key, thresh, scale, 0)
    return out


def dropout(x, p, seed, out=None):
    """Inverted dropout of ``x`` with drop probability ``p`` and an int ``seed``."""
    x = as_float(x, "dropout")
    out = out_array(out, x.shape, x.dtype, "dropout")
    return _run(x, out, p, seed, "dropout")


def dropout_backward(grad, p, seed, out=None):
    """Gradient of ``dropout``: the same mask (regenerated from ``seed``) and scale on ``grad``."""
    grad = as_float(grad, "dropout_backward", "grad")
    out = out_array(out, grad.shape, grad.dtype, "dropout_backward")
    return _run(grad, out, p, seed, "dropout_backward")


def dropout_mask(shape, p, seed, dtype=np.float32):
    """The scaled mask (``1/(1-p)`` where kept, 0 where dropped) that ``dropout`` applies."""
    ones = np.ones(shape, dtype)
    return dropout(ones, p, seed, out=ones)
