"""The search's JSON-lines log: one line per finished trial, written as it finishes.

The first line is a header (``"kind": "header"``: seed, direction, space); every other line is
a trial (``"kind": "trial"``, the fields of ``Trial``).  Each line is flushed and fsynced when
written, so an interrupted search loses at most the trials that were running.  A line cut
short by a crash is skipped with a warning when the file is read back, and a cut-short last
line is cut off the file when the search resumes (``open``), so it does not stay forever.

Resuming: trials are matched by (index, config); ``canonical_config`` gives the text both
sides are compared on, so floats that went through JSON compare exactly.
"""

from __future__ import annotations

import json
import os
import warnings

from .trial import Trial

__all__ = ["TrialLog", "canonical_config", "to_jsonable"]

FORMAT_VERSION = 1


def to_jsonable(value):
    """Plain JSON types: numpy scalars and arrays become Python ones, other objects their repr,
    non-finite floats stay floats (written as NaN/Infinity, which Python's json reads back)."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    item = getattr(value, "item", None)  # numpy scalar
    if callable(item) and getattr(value, "shape", None) == ():
        return to_jsonable(item())
    tolist = getattr(value, "tolist", None)  # numpy array
    if callable(tolist):
        return to_jsonable(tolist())
    return repr(value)


def canonical_config(config: dict) -> str:
    return json.dumps(to_jsonable(config), sort_keys=True)


class TrialLog:
    """Append-only JSON-lines file of a search's trials."""

    def __init__(self, path):
        self.path = os.fspath(path)
        self._fh = None

    def read(self):
        """(header dict or None, list of Trial) from the file; (None, []) when it is absent."""
        header, trials = None, []
        if not os.path.exists(self.path):
            return header, trials
        with open(self.path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    warnings.warn(
                        f"{self.path}:{lineno}: skipping a line that is not complete JSON "
                        "(probably cut short by an interrupted search)",
                        RuntimeWarning,
                        stacklevel=2,
                    )
                    continue
                kind = rec.pop("kind", None)
                if kind == "header":
                    header = header or rec
                elif kind == "trial":
                    try:
                        trials.append(Trial.from_dict(rec))
                    except TypeError:
                        warnings.warn(f"{self.path}:{lineno}: skipping a malformed trial record",
                                      RuntimeWarning, stacklevel=2)
        return header, trials

    def open(self, header: dict):
        """Open for appending; write ``header`` first when the file is new or empty."""
        d = os.path.dirname(self.path)
        if d:
            os.makedirs(d, exist_ok=True)
        new = not os.path.exists(self.path) or os.path.getsize(self.path) == 0
        needs_newline = False if new else self._repair_last_line()
        self._fh = open(self.path, "a", encoding="utf-8")
        if new:
            self._write({"kind": "header", "version": FORMAT_VERSION, **header})
        elif needs_newline:
            self._fh.write("\n")
        return self

    def _repair_last_line(self) -> bool:
        """Cut off a last line that is not complete JSON (a write cut short by a crash);
        True when the last line is complete but lacks its newline."""
        with open(self.path, "rb+") as fh:
            size = fh.seek(0, os.SEEK_END)
            start = max(0, size - 65536)
            while True:  # find the start of the last line
                fh.seek(start)
                tail = fh.read(size - start)
                cut = tail.rfind(b"\n")
                if cut >= 0 or start == 0:
                    break
                start = max(0, start - 65536)
            last_start = start + cut + 1
            last = tail[cut + 1:]
            if not last:
                return False
            try:
                json.loads(last)
                return True
            except ValueError:  # JSONDecodeError, or bytes that are not UTF-8
                warnings.warn(f"{self.path}: cutting off an incomplete last line "
                              f"({len(last)} bytes, left by an interrupted search)",
                              RuntimeWarning, stacklevel=3)
                fh.truncate(last_start)
                return False

    def append(self, trial: Trial):
        self._write({"kind": "trial", **trial.to_dict()})

    def _write(self, record: dict):
        self._fh.write(json.dumps(to_jsonable(record), allow_nan=True) + "\n")
        self._fh.flush()
        try:
            os.fsync(self._fh.fileno())
        except OSError:
            pass

    def close(self):
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
