"""Registry entry for ``al.compile``'s replay as one node of the caller's graph
(``compile/graph_call.py``'s ``CompiledCall``): a compiled function that returns tensors on the
graph, called twice so that the op under test is the replay (the first call records). Its
backward is the recorded backward walk; its second derivative runs the function again eagerly,
which gradgradcheck checks like any op's."""
import numpy as np

from ..compile import compile as _compile
from .entry import OpInfo, SampleInput

__all__ = ["COMPILE_OPS"]


def _layer(x, w, b):
    h = (x @ w + b).tanh()
    return h * x.sum(-1, keepdim=True), h.sum()


_compiled_layer = _compile(_layer)


def _replayed_layer(x, w, b):
    _compiled_layer(x, w, b)  # records (an eager call) the first time for this signature
    return _compiled_layer(x, w, b)


def _layer_ref(x, w, b):
    h = np.tanh(x @ w + b)
    return h * x.sum(-1, keepdims=True), h.sum()


def _layer_samples(rng):
    yield SampleInput((rng.standard_normal((4, 3)), rng.standard_normal((3, 5)) * 0.5,
                       rng.standard_normal(5)), name="(4,3) @ (3,5) + b, two outputs")
    yield SampleInput((rng.standard_normal((2, 6)), rng.standard_normal((6, 2)) * 0.5,
                       rng.standard_normal(2)), name="(2,6) @ (6,2) + b")


COMPILE_OPS = [
    OpInfo("compile.replayed_call", _replayed_layer, _layer_ref, _layer_samples),
]
