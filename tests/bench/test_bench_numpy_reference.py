"""The hand-written numpy models of benchmarks/numpy_reference.py give autograd_lite's gradients.

One training step in float64 on each benchmark architecture, with the same parameters and the
same dropout masks: every gradient (and the loss) agrees to 1e-10, so the benchmark compares
the same computation.
"""
import os
import sys

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import kernels
from autograd_lite import random as al_random

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks"))
import numpy_reference as ref  # noqa: E402
from bench_e2e import al_model  # noqa: E402

TOL = 1e-10


def _al_step(spec, params, buffers, x, y, loss, seed):
    model = al_model(spec, {k: v.copy() for k, v in params.items()},
                     {k: v.copy() for k, v in buffers.items()})
    al.manual_seed(seed)
    out = model(al.from_numpy(x))
    if loss == "bce":
        value = al.nn.functional.binary_cross_entropy(out, al.from_numpy(y))
    else:
        value = al.nn.functional.cross_entropy(out, al.from_numpy(y))
    value.backward()
    grads = {name: p.grad._data for name, p in model.named_parameters()}
    return float(value.item()), grads, model


def _masks(spec, batch, seed):
    """The masks autograd_lite's Dropout layers draw after al.manual_seed(seed)."""
    gen = np.random.default_rng(seed)
    masks = []
    for i, layer in enumerate(spec):
        if layer[0] == "dropout":
            width = next(s[2] for s in reversed(spec[:i]) if s[0] == "linear")
            masks.append(kernels.dropout_mask((batch, width), layer[1],
                                              int(gen.integers(0, 2**63 - 1)), np.float64))
    return masks


def _check(spec, batch, loss, seed=3):
    rng = np.random.default_rng(seed)
    params, buffers = ref.init_params(spec, rng, dtype=np.float64)
    x = rng.standard_normal((batch, spec[0][1]))
    if loss == "bce":
        y = (rng.random((batch, 1)) > 0.5).astype(np.float64)
    else:
        y = rng.integers(0, spec[-1][2], batch)
    al_loss, al_grads, model = _al_step(spec, params, buffers, x, y, loss, seed)
    np_model = ref.NumpyMLP(spec, {k: v.copy() for k, v in params.items()},
                            {k: v.copy() for k, v in buffers.items()},
                            loss="bce" if loss == "bce" else "cross_entropy")
    np_loss, np_grads = np_model.loss_and_grads(x, y, masks=_masks(spec, batch, seed))
    assert abs(np_loss - al_loss) <= TOL * max(1.0, abs(al_loss))
    assert sorted(np_grads) == sorted(al_grads)
    for name, g in al_grads.items():
        np.testing.assert_allclose(np_grads[name], g, rtol=TOL, atol=TOL, err_msg=name)
    # the running statistics follow the same update
    state = model.state_dict()
    for name, value in np_model.buffers.items():
        np.testing.assert_allclose(value, state[name]._data, rtol=TOL, atol=TOL, err_msg=name)


def test_dropout_seed_stream_matches_the_framework():
    al.manual_seed(11)
    first = al_random.next_kernel_seed()
    assert first == int(np.random.default_rng(11).integers(0, 2**63 - 1))


@pytest.mark.parametrize("spec,batch,loss", [
    (ref.TINY_SPEC, 64, "bce"),
    (ref.DIGITS_SPEC, 64, "ce"),
    ([("linear", 48, 32), ("bn", 32), ("relu",), ("dropout", 0.2),
      ("linear", 32, 32), ("bn", 32), ("relu",), ("dropout", 0.2), ("linear", 32, 10)], 32,
     "ce"),
], ids=["W-tiny", "W-digits", "W-mlp-shaped"])
def test_numpy_by_hand_gradients_equal_autograd_lite(spec, batch, loss):
    _check(spec, batch, loss)


def test_numpy_optimizers_match_autograd_lite_after_a_step():
    rng = np.random.default_rng(0)
    params, buffers = ref.init_params(ref.TINY_SPEC, rng, dtype=np.float64)
    grads = {k: rng.standard_normal(v.shape) for k, v in params.items()}
    for make_al, make_np in [
            (lambda ps: al.optim.Adam(ps, lr=1e-2, weight_decay=1e-4),
             lambda ps: ref.NumpyAdam(ps, lr=1e-2, weight_decay=1e-4)),
            (lambda ps: al.optim.SGD(ps, lr=0.1, momentum=0.9),
             lambda ps: ref.NumpySGD(ps, lr=0.1, momentum=0.9))]:
        model = al_model(ref.TINY_SPEC, {k: v.copy() for k, v in params.items()}, buffers)
        named = dict(model.named_parameters())
        opt = make_al(list(named.values()))
        np_params = {k: v.copy() for k, v in params.items()}
        np_opt = make_np(np_params)
        for _ in range(3):
            for k, p in named.items():
                p.grad = al.from_numpy(grads[k].copy())
            opt.step()
            np_opt.step(grads)
        for k, p in named.items():
            np.testing.assert_allclose(np_params[k], p._data, rtol=1e-12, atol=1e-12)


def test_gradcheck_by_hand_passes_and_catches_a_wrong_gradient():
    rng = np.random.default_rng(0)
    x, w1, w2 = rng.standard_normal((4, 5)), rng.standard_normal((5, 6)) / 4, \
        rng.standard_normal((6, 3))
    assert ref.gradcheck_by_hand(x, w1, w2)
