"""Property tests: for any pair of broadcastable shapes, binary ops match numpy and every
gradient is summed back to its input's shape (checked against an independent reduction)."""
import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as al

OPS = {"add": (lambda a, b: a + b, lambda a, b, g: (g, g)),
       "mul": (lambda a, b: a * b, lambda a, b, g: (g * b, g * a)),
       "sub": (lambda a, b: a - b, lambda a, b, g: (g, -g))}


def reduce_to(g, shape):
    """Independent reference: sum leading axes, then stretched axes, one at a time."""
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


@settings(max_examples=60, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=4),
       op=st.sampled_from(sorted(OPS)), seed=st.integers(0, 2**16))
def test_binary_op_broadcasting_forward_and_gradient_shapes(shapes, op, seed):
    rng = np.random.default_rng(seed)
    sa, sb = shapes.input_shapes
    a_np, b_np = rng.normal(size=sa), rng.normal(size=sb)
    forward, grads = OPS[op]
    a = al.tensor(a_np, dtype=al.float64, requires_grad=True)
    b = al.tensor(b_np, dtype=al.float64, requires_grad=True)
    out = forward(a, b)
    expected = forward(a_np, b_np)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected)
    g = rng.normal(size=out.shape)
    out.backward(g)
    ga, gb = grads(a_np, b_np, g)
    assert a.grad.shape == sa and b.grad.shape == sb
    np.testing.assert_allclose(a.grad.data, reduce_to(np.broadcast_to(ga, out.shape), sa))
    np.testing.assert_allclose(b.grad.data, reduce_to(np.broadcast_to(gb, out.shape), sb))
