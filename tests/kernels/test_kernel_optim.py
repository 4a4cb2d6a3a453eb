"""In-place optimizer updates against the published (PyTorch) formulas, written out in numpy."""
import numpy as np
import pytest

import autograd_lite.kernels as K
from _kernel_testutil import DTYPES, randn

TOL = {np.float32: 2e-5, np.float64: 1e-12}
STEPS = 4


def _grads(shape, dtype):
    return [randn(shape, dtype, 10 + t) for t in range(STEPS)]


def _ref_adam(p, grads, lr, b1, b2, eps, wd, amsgrad, decoupled):
    p = p.astype(np.float64)
    m, v, vmax = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        g = g.astype(np.float64)
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1 ** t)
        if amsgrad:
            vmax = np.maximum(vmax, v)
            v_hat = vmax / (1 - b2 ** t)
        else:
            v_hat = v / (1 - b2 ** t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p, m, v


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("amsgrad", [False, True])
@pytest.mark.parametrize("decoupled,wd", [(False, 0.0), (False, 0.1), (True, 0.1)])
@pytest.mark.parametrize("shape", [(5, 3), (70_000,)])  # the second runs the prange version
def test_adam_and_adamw(shape, decoupled, wd, amsgrad, dtype):
    p0 = randn(shape, dtype)
    p, m, v = p0.copy(), np.zeros_like(p0), np.zeros_like(p0)
    vmax = np.zeros_like(p0) if amsgrad else None
    grads = _grads(shape, dtype)
    for t, g in enumerate(grads, start=1):
        step = K.adamw_step if decoupled else K.adam_step
        assert step(p, g, m, v, t, 0.01, 0.9, 0.99, 1e-8, wd, amsgrad, vmax) is p
    ref_p, ref_m, ref_v = _ref_adam(p0, grads, 0.01, 0.9, 0.99, 1e-8, wd, amsgrad, decoupled)
    np.testing.assert_allclose(p, ref_p, rtol=TOL[dtype], atol=TOL[dtype])
    np.testing.assert_allclose(m, ref_m, rtol=TOL[dtype], atol=TOL[dtype])
    np.testing.assert_allclose(v, ref_v, rtol=TOL[dtype], atol=TOL[dtype])


def test_adam_eps_is_outside_the_square_root():
    p = np.zeros(1)
    K.adam_step(p, np.array([1e-6]), np.zeros(1), np.zeros(1), 1, lr=1.0, eps=1e-3)
    # m_hat = 1e-6, v_hat = 1e-12: 1e-6 / (1e-6 + 1e-3), not 1e-6 / sqrt(1e-12 + 1e-3)
    np.testing.assert_allclose(p, [-1e-6 / (1e-6 + 1e-3)], rtol=1e-12)


def _ref_sgd(p, grads, lr, mu, damp, nesterov, wd):
    p = p.astype(np.float64)
    buf = None
    for g in grads:
        d = g.astype(np.float64) + wd * p
        if mu != 0:
            buf = d.copy() if buf is None else mu * buf + (1 - damp) * d
            d = d + mu * buf if nesterov else buf
        p = p - lr * d
    return p


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mu,damp,nesterov,wd", [
    (0.0, 0.0, False, 0.0), (0.0, 0.0, False, 0.01), (0.9, 0.0, False, 0.0),
    (0.9, 0.1, False, 0.01), (0.9, 0.0, True, 0.01)])
@pytest.mark.parametrize("shape", [(4, 6), (70_000,)])
def test_sgd(shape, mu, damp, nesterov, wd, dtype):
    p0 = randn(shape, dtype)
    p, buf = p0.copy(), np.zeros_like(p0)
    grads = _grads(shape, dtype)
    for t, g in enumerate(grads):
        K.sgd_step(p, g, buf if mu else None, 0.1, mu, damp, nesterov, wd, first_step=t == 0)
    np.testing.assert_allclose(p, _ref_sgd(p0, grads, 0.1, mu, damp, nesterov, wd),
                               rtol=TOL[dtype], atol=TOL[dtype])


def _ref_rmsprop(p, grads, lr, alpha, eps, wd, mu, centered):
    p = p.astype(np.float64)
    sq, ga, buf = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    for g in grads:
        g = g.astype(np.float64) + wd * p
        sq = alpha * sq + (1 - alpha) * g * g
        if centered:
            ga = alpha * ga + (1 - alpha) * g
            avg = np.sqrt(sq - ga * ga) + eps
        else:
            avg = np.sqrt(sq) + eps
        if mu > 0:
            buf = mu * buf + g / avg
            p = p - lr * buf
        else:
            p = p - lr * g / avg
    return p


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mu,centered,wd", [(0.0, False, 0.0), (0.9, False, 0.01),
                                            (0.0, True, 0.0), (0.5, True, 0.01)])
@pytest.mark.parametrize("shape", [(3, 5), (70_000,)])
def test_rmsprop(shape, mu, centered, wd, dtype):
    p0 = randn(shape, dtype)
    p, sq = p0.copy(), np.zeros_like(p0)
    ga = np.zeros_like(p0) if centered else None
    buf = np.zeros_like(p0) if mu else None
    grads = _grads(shape, dtype)
    for g in grads:
        K.rmsprop_step(p, g, sq, 0.01, 0.9, 1e-8, wd, mu, centered, ga, buf)
    # float32: sqrt(s - ga^2) cancels when centered; compare with a float32-sized tolerance
    np.testing.assert_allclose(p, _ref_rmsprop(p0, grads, 0.01, 0.9, 1e-8, wd, mu, centered),
                               rtol=TOL[dtype] * 5, atol=TOL[dtype] * 5)


def test_matches_pytorch_when_installed():
    torch = pytest.importorskip("torch")
    p0 = randn(1000, np.float32)
    grads = _grads(1000, np.float32)
    cases = [
        (torch.optim.Adam, dict(lr=0.01, betas=(0.9, 0.99), weight_decay=0.1, amsgrad=True),
         lambda p, st, g, t: K.adam_step(p, g, st[0], st[1], t, 0.01, 0.9, 0.99, 1e-8, 0.1, True, st[2])),
        (torch.optim.AdamW, dict(lr=0.01, weight_decay=0.05),
         lambda p, st, g, t: K.adamw_step(p, g, st[0], st[1], t, 0.01, weight_decay=0.05)),
        (torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
         lambda p, st, g, t: K.sgd_step(p, g, st[0], 0.1, 0.9, 0.0, True, 0.01, t == 1)),
        (torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01),
         lambda p, st, g, t: K.rmsprop_step(p, g, st[0], 0.01, 0.9, 1e-8, 0.01, 0.5, True, st[1], st[2])),
    ]
    for cls, kw, ours in cases:
        tp = torch.nn.Parameter(torch.tensor(p0))
        opt = cls([tp], foreach=False, **kw)
        p, state = p0.copy(), [np.zeros_like(p0) for _ in range(3)]
        for t, g in enumerate(grads, start=1):
            tp.grad = torch.tensor(g)
            opt.step()
            ours(p, state, g, t)
        np.testing.assert_allclose(p, tp.detach().numpy(), rtol=2e-5, atol=2e-6, err_msg=cls.__name__)


def test_optimizer_errors():
    p = np.zeros(3, np.float32)
    with pytest.raises(ValueError, match=r"exp_avg must have param's shape \(3,\) and dtype float32, got shape \(4,\)"):
        K.adam_step(p, p.copy(), np.zeros(4, np.float32), p.copy(), 1)
    with pytest.raises(ValueError, match=r"grad must have param's shape.*dtype float64"):
        K.sgd_step(p, np.zeros(3))
    with pytest.raises(ValueError, match="step must be an int >= 1"):
        K.adam_step(p, p.copy(), p.copy(), p.copy(), 0)
    with pytest.raises(ValueError, match="max_exp_avg_sq is required"):
        K.adam_step(p, p.copy(), p.copy(), p.copy(), 1, amsgrad=True)
    with pytest.raises(ValueError, match="momentum_buffer is required"):
        K.sgd_step(p, p.copy(), None, momentum=0.9)
    with pytest.raises(ValueError, match="nesterov needs momentum > 0"):
        K.sgd_step(p, p.copy(), p.copy(), momentum=0.0, nesterov=True)
    with pytest.raises(ValueError, match="C-contiguous"):
        K.sgd_step(np.zeros((3, 4))[:, 0], np.zeros(3))
    with pytest.raises(ValueError, match="grad_avg is required"):
        K.rmsprop_step(p, p.copy(), p.copy(), centered=True)
