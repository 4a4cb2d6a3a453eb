"""Activations (ops/pointwise.py, with softmax and logsumexp): stable in float32 at large magnitudes."""
import numpy as np

import autograd_lite as al


def test_stable_activations_in_float32_at_large_magnitudes():
    big = al.tensor([-1e4, -50.0, 0.0, 50.0, 1e4])
    assert np.all(np.isfinite(big.sigmoid().data))
    np.testing.assert_allclose(big.sigmoid().data, [0, 0, 0.5, 1, 1], atol=1e-7)
    rows = al.tensor([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]])
    for out in (rows.softmax(1), rows.log_softmax(1), rows.logsumexp(1)):
        assert np.all(np.isfinite(out.data)), out
    np.testing.assert_allclose(rows.logsumexp(1).data, [1e4, -1e4 + np.log(3)], rtol=1e-6)
    np.testing.assert_allclose(rows.softmax(1).data[1], [1 / 3] * 3, rtol=1e-6)


def test_stable_activation_gradients_stay_finite():
    x = al.tensor([-1e4, 0.0, 1e4], requires_grad=True)
    (x.sigmoid().sum() + x.reshape(1, 3).log_softmax(1).sum() + x.logsumexp(0)).backward()
    assert np.all(np.isfinite(x.grad.data))
