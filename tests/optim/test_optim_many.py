"""The batched update of small parameters (several a kernel call) against one call a parameter:
the same numbers, bit for bit, in every case the batching has to get right (more parameters
than one call takes, mixed dtypes, parameters without a gradient, Adam steps that differ,
large parameters left to the one-at-a-time path)."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import optim
from autograd_lite.optim import _functional

pytestmark = pytest.mark.skipif(not _functional.kernels_available(),
                                reason="kernels/optim_updates.py is not importable")

SHAPES = [(3, 4), (4,), (1,), (5, 2, 3), (7,), (2, 2), (6,), (3, 1), (9,), (2,), (4, 4)]
MAKERS = {
    "sgd": lambda ps: optim.SGD(ps, lr=0.1),
    "sgd-momentum": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-3),
    "sgd-course": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.9),
    "sgd-nesterov": lambda ps: optim.SGD(ps, lr=0.05, momentum=0.8, nesterov=True),
    "adam": lambda ps: optim.Adam(ps, lr=1e-2, weight_decay=1e-3),
    "adamw": lambda ps: optim.AdamW(ps, lr=1e-2),
}


def _run(make, dtypes, steps=4, skip=(), many=True, monkeypatch=None):
    rng = np.random.default_rng(0)
    params = [al.tensor(rng.standard_normal(s), dtype=dtypes[i % len(dtypes)],
                        requires_grad=True) for i, s in enumerate(SHAPES)]
    opt = make(params)
    if not many:
        monkeypatch.setattr(_functional, "MANY_MAX_SIZE", 0)
    for step in range(steps):
        for i, p in enumerate(params):
            if (i, step) in skip:
                p.grad = None
            else:
                p.grad = al.tensor(np.sin(p._data * (step + 1) + i), dtype=p.dtype)
        opt.step()
    if not many:
        monkeypatch.undo()
    return params, opt


@pytest.mark.parametrize("name", sorted(MAKERS))
@pytest.mark.parametrize("dtypes", [[np.float64], [np.float32], [np.float32, np.float64]])
def test_batched_update_is_the_one_at_a_time_update(name, dtypes, monkeypatch):
    skip = {(2, 0), (5, 1), (5, 2)}  # no gradient there: skipped, and Adam's steps diverge
    a, opt_a = _run(MAKERS[name], dtypes, skip=skip)
    b, opt_b = _run(MAKERS[name], dtypes, skip=skip, many=False, monkeypatch=monkeypatch)
    for pa, pb in zip(a, b):
        assert pa._data.dtype == pb._data.dtype
        np.testing.assert_array_equal(pa._data, pb._data)
    sa, sb = opt_a.state_dict(), opt_b.state_dict()
    assert sa["state"].keys() == sb["state"].keys()
    for k in sa["state"]:
        assert sa["state"][k].keys() == sb["state"][k].keys()
        for name_ in sa["state"][k]:
            np.testing.assert_array_equal(sa["state"][k][name_], sb["state"][k][name_])


def test_batched_step_bumps_every_version_and_keeps_the_arrays():
    rng = np.random.default_rng(1)
    params = [al.tensor(rng.standard_normal(s), requires_grad=True) for s in SHAPES]
    arrays = [p._data for p in params]
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    versions = [p._version[0] for p in params]
    for p in params:
        p.grad = al.ones_like(p)
    opt.step()
    assert all(p._data is a for p, a in zip(params, arrays))
    assert [p._version[0] for p in params] == [v + 1 for v in versions]


def test_resume_from_state_dict_continues_bit_for_bit():
    def grads(params, k):
        for i, p in enumerate(params):
            p.grad = al.tensor(np.cos(p._data * k + i), dtype=p.dtype)

    rng = np.random.default_rng(2)
    values = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    full = [al.tensor(v, requires_grad=True) for v in values]
    opt = optim.Adam(full, lr=1e-2)
    for k in range(4):
        grads(full, k)
        opt.step()

    half = [al.tensor(v, requires_grad=True) for v in values]
    opt1 = optim.Adam(half, lr=1e-2)
    for k in range(2):
        grads(half, k)
        opt1.step()
    saved = opt1.state_dict()
    resumed = [al.tensor(p._data.copy(), requires_grad=True) for p in half]
    opt2 = optim.Adam(resumed, lr=1e-2)
    opt2.load_state_dict(saved)
    for k in range(2, 4):
        grads(resumed, k)
        opt2.step()
    for a, b in zip(full, resumed):
        np.testing.assert_array_equal(a._data, b._data)
