"""The flat batch a step keeps for the next one (optim/_flat.py) against a step that always
takes the general path: the same numbers, bit for bit, and the batch dropped whenever what it
assumed changes (a parameter's array replaced, a missing gradient, an other-dtype gradient,
state loaded or a state array replaced, momentum switched on, a parameter group added); a
strided gradient is read correctly through the batch."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import optim

SHAPES = [(3, 4), (4,), (2, 5), (1,)]
MAKERS = {
    "sgd": lambda ps: optim.SGD(ps, lr=0.1),
    "sgd-momentum": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-3),
    "adam": lambda ps: optim.Adam(ps, lr=1e-2, weight_decay=1e-3),
    "adamw": lambda ps: optim.AdamW(ps, lr=1e-2),
}


def _pair(make, dtype=np.float32):
    """Two optimizers on equal parameters; the second never reuses a flat batch."""
    rng = np.random.default_rng(0)
    values = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    a = [al.tensor(v.copy(), requires_grad=True) for v in values]
    b = [al.tensor(v.copy(), requires_grad=True) for v in values]
    opt_b = make(b)
    opt_b._step_flat = lambda group, all_state: False
    return a, make(a), b, opt_b


def _grads(params, k, skip=()):
    for i, p in enumerate(params):
        p.grad = None if i in skip else al.tensor(np.sin(p._data * (k + 1) + i), dtype=p.dtype)


def _same(a, opt_a, b, opt_b):
    for pa, pb in zip(a, b):
        np.testing.assert_array_equal(pa._data, pb._data)
    sa, sb = opt_a.state_dict()["state"], opt_b.state_dict()["state"]
    assert sa.keys() == sb.keys()
    for k in sa:
        assert sa[k].keys() == sb[k].keys()
        for name in sa[k]:
            np.testing.assert_array_equal(sa[k][name], sb[k][name])


@pytest.mark.parametrize("name", sorted(MAKERS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_reused_batch_gives_the_general_steps_bits(name, dtype):
    a, opt_a, b, opt_b = _pair(MAKERS[name], dtype)
    used = 0
    for k in range(6):
        _grads(a, k)
        _grads(b, k)
        used += bool(opt_a._flat_batches)
        versions = [p._version[0] for p in a]
        opt_a.step()
        opt_b.step()
        assert [p._version[0] for p in a] == [v + 1 for v in versions]
        _same(a, opt_a, b, opt_b)
    assert used == 5  # every step after the first went through the kept batch


def _change_data(params, opt):
    params[1].data = al.tensor(params[1]._data * 0.5)


def _missing_grad(params, opt):
    params[2].grad = None


def _strided_grad(params, opt):
    params[0].grad = al.tensor(np.asfortranarray(params[0].grad._data))


def _other_dtype_grad(params, opt):
    params[3].grad = al.tensor(params[3].grad._data.astype(np.float64))


def _load_state(params, opt):
    opt.load_state_dict(opt.state_dict())


def _state_replaced(params, opt):
    state = opt.state[params[0]]
    key = "momentum_buffer" if "momentum_buffer" in state else "exp_avg"
    if key in state:
        state[key] = state[key] * 0.5


def _momentum_on(params, opt):
    for group in opt.param_groups:
        if "momentum" in group:
            group["momentum"] = 0.5


CHANGES = [_change_data, _missing_grad, _strided_grad, _other_dtype_grad, _load_state,
           _state_replaced, _momentum_on]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_a_change_between_steps_drops_the_batch_and_stays_exact(change, name):
    a, opt_a, b, opt_b = _pair(MAKERS[name])
    if name == "sgd" and change is _state_replaced:
        a, opt_a, b, opt_b = _pair(MAKERS["sgd-momentum"])
    for k in range(5):
        _grads(a, k)
        _grads(b, k)
        if k == 2:
            change(a, opt_a)
            change(b, opt_b)
            if change is _momentum_on and name == "sgd":
                before = next(iter(opt_a._flat_batches.values())).keys
                assert before == ()  # the kept batch has no velocity: it must not be used
        opt_a.step()
        opt_b.step()
        _same(a, opt_a, b, opt_b)


def test_added_group_and_frozen_parameter_take_the_general_path():
    a, opt_a, b, opt_b = _pair(MAKERS["sgd-momentum"])
    extra_a = al.tensor(np.ones(3, np.float32), requires_grad=True)
    extra_b = al.tensor(np.ones(3, np.float32), requires_grad=True)
    for k in range(4):
        _grads(a, k, skip=(1,) if k >= 2 else ())
        _grads(b, k, skip=(1,) if k >= 2 else ())
        if k == 1:
            opt_a.add_param_group({"params": [extra_a], "lr": 0.01})
            opt_b.add_param_group({"params": [extra_b], "lr": 0.01})
        for extra in (extra_a, extra_b):
            extra.grad = al.tensor(np.full(3, 0.5 * k, np.float32))
        opt_a.step()
        opt_b.step()
        _same(a, opt_a, b, opt_b)
        np.testing.assert_array_equal(extra_a._data, extra_b._data)
    # parameter 1 has no gradient now: its group has no batch to keep
    assert id(opt_a.param_groups[0]) not in opt_a._flat_batches
