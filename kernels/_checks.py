"""Input checks shared by the kernel wrappers: clear ValueErrors that name shapes and dtypes."""
import numpy as np

FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def as_float(x, fn, name="x"):
    """``x`` as a C-contiguous float32/float64 array (copied only when not contiguous)."""
    if type(x) is np.ndarray and x.dtype.char in "fd" and x.flags.c_contiguous:
        return x  # the common case, kept cheap: kernels on small arrays are call-bound
    x = np.asarray(x)
    if x.dtype not in FLOATS:
        raise ValueError(f"{fn}: {name} must be float32 or float64, got dtype {x.dtype} "
                         f"(shape {x.shape})")
    # not np.ascontiguousarray alone: it turns a 0-d array (a summed scalar gradient) into (1,)
    return x if x.flags.c_contiguous else np.ascontiguousarray(x)


def like(a, ref, fn, name, ref_name="x"):
    """``a`` as a C-contiguous array with ``ref``'s shape and dtype, or a ValueError naming both."""
    if (type(a) is np.ndarray and a.shape == ref.shape and a.dtype == ref.dtype
            and a.flags.c_contiguous):
        return a
    a = np.asarray(a)
    if a.shape != ref.shape:
        raise ValueError(f"{fn}: {name} has shape {a.shape} but {ref_name} has shape {ref.shape}")
    if a.dtype != ref.dtype:
        raise ValueError(f"{fn}: {name} has dtype {a.dtype} but {ref_name} has dtype {ref.dtype}")
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


def out_array(out, shape, dtype, fn, name="out"):
    """A new array when ``out`` is None, else ``out`` checked to be writable, C-contiguous, right."""
    if out is None:
        return np.empty(shape, dtype)
    if (type(out) is np.ndarray and out.shape == shape and out.dtype == dtype
            and out.flags.c_contiguous and out.flags.writeable):
        return out
    if not isinstance(out, np.ndarray):
        raise ValueError(f"{fn}: {name} must be a numpy array, got {type(out).__name__}")
    if out.shape != tuple(shape) or out.dtype != dtype:
        raise ValueError(f"{fn}: {name} must have shape {tuple(shape)} and dtype {np.dtype(dtype)}, "
                         f"got shape {out.shape} and dtype {out.dtype}")
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError(f"{fn}: {name} must be a writable C-contiguous array")
    return out


def matrix(x, fn, name="x"):
    """A 2-D C-contiguous float array."""
    x = as_float(x, fn, name)
    if x.ndim != 2:
        raise ValueError(f"{fn}: {name} must be 2-D (rows, columns), got shape {x.shape}")
    return x


def vector_for(v, n, dtype, fn, name, cols_of="x", match=None):
    """A 1-D C-contiguous array of length n and the given dtype."""
    v = np.asarray(v)
    if v.shape != (n,):
        match = match or f"the {n} columns of {cols_of}"
        raise ValueError(f"{fn}: {name} must have shape ({n},) to match {match}, "
                         f"got shape {v.shape}")
    if v.dtype != dtype:
        raise ValueError(f"{fn}: {name} has dtype {v.dtype} but {cols_of} has dtype {np.dtype(dtype)}")
    return np.ascontiguousarray(v)
