"""Process setup that must happen before any kernel is compiled or any thread pool starts.

Imported first by ``kernels/__init__.py``. It does three things, once:

1. A writable numba cache. Numba caches beside each module in ``kernels/__pycache__``. When
   that folder cannot be written (a read-only or system-wide install) and the user has not set
   ``NUMBA_CACHE_DIR``, we point it at a per-user folder (``$XDG_CACHE_HOME/autograd_lite/numba``,
   else ``~/.cache/...``, else the temp dir) before the first ``@njit(cache=True)`` is decorated;
   without this numba raises ``RuntimeError: cannot cache function`` at import time when no
   user-wide cache is writable either.

2. Stale-cache guard. Numba keys a cached kernel on its own source file only, so editing a
   jitted helper in ``fastmath.py`` would leave callers in ``activations.py`` running the old
   code (docs/kernels.md). We hash every ``kernels/*.py`` and, when the hash differs from the one
   recorded in the cache folder, delete this package's ``*.nbi``/``*.nbc`` files there.

3. Thread-pool spinning. Numba's OpenMP workers busy-wait after a parallel region, and so do
   OpenBLAS's; on 2 cores, a GEMM followed by a ``prange`` kernel then fight for the cores
   (measured 8.0 ms alternating vs 2.6 + 0.1 ms for the parts). Fix chosen: keep the OpenMP
   threading layer but bound its spin with ``GOMP_SPINCOUNT=10000`` (a few microseconds), which
   measured 2.9 ms alternating while back-to-back Numba kernels keep their warm-pool speed
   (0.10 ms; ``OMP_WAIT_POLICY=PASSIVE`` gave 2.5 ms alternating but doubled every short
   parallel kernel to 0.2 ms, and the ``workqueue`` layer 0.26 ms and is not thread-safe).
   The variable is set only if the user has not set ``GOMP_SPINCOUNT`` or ``OMP_WAIT_POLICY``;
   it takes effect because numba loads libgomp lazily, at its first parallel launch.
"""
import glob
import hashlib
import os
import sys
import tempfile

_HERE = os.path.dirname(os.path.abspath(__file__))
_STAMP = "autograd_lite_kernels.stamp"
_MODULES = sorted(
    os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(_HERE, "*.py")))


def _writable_dir(path):
    try:
        os.makedirs(path, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=path, prefix=".probe", delete=True)
        probe.close()
        return True
    except OSError:
        return False


def _user_cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    for root in (base, tempfile.gettempdir()):
        path = os.path.join(root, "autograd_lite", "numba")
        if _writable_dir(path):
            return path
    return None


def _cache_folder():
    """The folder numba will use for kernels/*.py, making sure one is writable."""
    user_dir = os.environ.get("NUMBA_CACHE_DIR")
    if not user_dir:
        in_tree = os.path.join(_HERE, "__pycache__")
        if _writable_dir(in_tree):
            return in_tree
        user_dir = _user_cache_dir()
        if user_dir is None:
            return None
        os.environ["NUMBA_CACHE_DIR"] = user_dir
        if "numba" in sys.modules:  # numba read its config already: tell it too
            import numba.core.config as _cfg
            _cfg.CACHE_DIR = user_dir
    # numba's user-provided locator: CACHE_DIR / <parent-dir-name>_<sha1 of the source dir>
    return os.path.join(user_dir, "kernels_" + hashlib.sha1(_HERE.encode()).hexdigest())


def _clear_if_stale(folder):
    digest = hashlib.sha256()
    for name in _MODULES:
        with open(os.path.join(_HERE, name + ".py"), "rb") as f:
            digest.update(name.encode() + b"\0" + f.read())
    digest = digest.hexdigest()
    stamp = os.path.join(folder, _STAMP)
    try:
        with open(stamp) as f:
            if f.read().strip() == digest:
                return
    except OSError:
        pass
    try:
        for name in _MODULES:
            for ext in ("nbi", "nbc"):
                for path in glob.glob(os.path.join(folder, f"{glob.escape(name)}.*.{ext}")):
                    os.remove(path)
        os.makedirs(folder, exist_ok=True)
        with open(stamp, "w") as f:
            f.write(digest + "\n")
    except OSError:
        pass  # a cache we cannot clean is one we cannot write either: numba recompiles


def setup():
    if os.environ.get("OMP_WAIT_POLICY") is None:
        os.environ.setdefault("GOMP_SPINCOUNT", "10000")
    folder = _cache_folder()
    if folder is not None:
        _clear_if_stale(folder)


setup()
