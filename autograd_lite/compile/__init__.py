"""``al.compile(fn)``: record a call once, replay it on later calls with the same signature.

See docs/compile.md. ``compiled`` holds the callable (``compile``, ``CompiledFunction``),
``capture`` records one eager call, ``replay`` runs a recording, ``guards`` decides which
recording (if any) a call may replay.
"""
from .compiled import CACHE_SIZE, CompiledFunction, CompileWarning, compile  # noqa: A004

__all__ = ["compile", "CompiledFunction", "CompileWarning", "CACHE_SIZE"]
