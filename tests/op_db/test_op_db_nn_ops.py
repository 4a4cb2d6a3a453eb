"""The nn entries of the op registry (autograd_lite/op_db/nn_ops.py). tests/test_op_registry.py
runs every standard check on them; here: their naming, and that those checks catch a wrong nn
backward or a wrong forward."""
import numpy as np
import pytest

from autograd_lite.op_db.nn_ops import NN_OPS
from autograd_lite.opinfo import OpInfo
from autograd_lite.testing import check_forward_reference, check_gradcheck, registered_ops


def test_names_unique_prefixed_and_registered():
    names = [info.name for info in NN_OPS]
    assert len(names) == len(set(names))
    assert all(name.startswith("nn.functional.") for name in names)
    assert set(names) <= {info.name for info in registered_ops()}


def test_a_wrong_backward_fails_the_gradcheck_check():
    """A Linear whose weight gradient is off by 1%."""
    from autograd_lite.ops import nn_ops

    class BadLinear(nn_ops.Linear):
        @staticmethod
        def backward(ctx, g):
            gx, gw, gb = nn_ops.Linear.backward(ctx, g)
            return gx, gw * 1.01, gb

    info = NN_OPS[0]
    bad = OpInfo("bad_linear", lambda x, w, b=None: BadLinear.apply(x, w, b), info.ref,
                 info.sample_inputs)
    with pytest.raises(AssertionError, match="input 1"):
        check_gradcheck(bad)


def test_a_wrong_forward_fails_the_reference_check():
    info = NN_OPS[0]
    bad = OpInfo("bad_ref", info.op, lambda *args, **kw: info.ref(*args, **kw) * 1.0001,
                 info.sample_inputs)
    with pytest.raises(AssertionError):
        check_forward_reference(bad, np.float64)
