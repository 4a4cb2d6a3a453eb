"""The Optimizer base class: groups, zero_grad, step, state dicts, errors; kernel vs numpy."""
import copy

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import optim
from autograd_lite.optim import _functional
from optim_testlib import KernelSwitch, grad_of, initial_values, make_params, run_optimizer

CONFIGS = {
    "sgd": lambda ps: optim.SGD(ps, lr=0.05),
    "sgd_course_momentum": lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, dampening=0.9),
    "sgd_nesterov_wd": lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True,
                                            weight_decay=1e-2),
    "rmsprop": lambda ps: optim.RMSprop(ps, lr=0.01),
    "rmsprop_centered_momentum_wd": lambda ps: optim.RMSprop(ps, lr=0.01, centered=True,
                                                             momentum=0.9, weight_decay=1e-2),
    "adam": lambda ps: optim.Adam(ps, lr=0.01),
    "adam_amsgrad_wd": lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True, weight_decay=0.1),
    "adamw": lambda ps: optim.AdamW(ps, lr=0.01, weight_decay=0.1),
}


# ---- construction errors --------------------------------------------------------------------
@pytest.mark.parametrize("cls", [optim.SGD, optim.RMSprop, optim.Adam, optim.AdamW])
def test_empty_parameter_list(cls):
    with pytest.raises(ValueError, match="empty parameter list"):
        cls([], lr=0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        cls(iter([]), lr=0.1)


@pytest.mark.parametrize("cls", [optim.SGD, optim.RMSprop, optim.Adam, optim.AdamW])
@pytest.mark.parametrize("lr", [-0.1, float("nan"), float("inf")])
def test_bad_learning_rate(cls, lr):
    w = al.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="learning rate"):
        cls([w], lr=lr)
    with pytest.raises(ValueError, match="learning rate"):
        cls([{"params": [w], "lr": lr}], lr=0.1)


def test_other_construction_errors():
    w = al.tensor([1.0], requires_grad=True)
    v = al.tensor([2.0], requires_grad=True)
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(TypeError, match="Tensors"):
        optim.SGD([np.zeros(3)], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([w * 2], lr=0.1)
    with pytest.raises(ValueError, match="more than once"):
        optim.SGD([w, w], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [w]}, {"params": [w, v]}], lr=0.1)
    with pytest.raises(TypeError, match="set"):
        optim.SGD([{"params": {w}}], lr=0.1)
    with pytest.raises(ValueError, match="momentum"):
        optim.SGD([w], lr=0.1, momentum=-0.9)
    with pytest.raises(TypeError, match="real number"):
        optim.SGD([w], lr="0.1")


def test_add_param_group_uses_defaults_and_checks():
    w = al.tensor([1.0], dtype=al.float64, requires_grad=True)
    b = al.tensor([1.0], dtype=al.float64, requires_grad=True)
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b, "lr": 0.01})
    assert len(opt.param_groups) == 2
    assert opt.param_groups[1]["lr"] == 0.01 and opt.param_groups[1]["momentum"] == 0.9
    assert len(opt.param_groups[1]["params"]) == 1 and opt.param_groups[1]["params"][0] is b
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [w]})
    with pytest.raises(ValueError, match="learning rate"):
        opt.add_param_group({"params": [al.tensor([0.0], requires_grad=True)], "lr": -1.0})
    w.grad = al.tensor([1.0], dtype=al.float64)
    b.grad = al.tensor([1.0], dtype=al.float64)
    opt.step()
    assert w._data[0] == pytest.approx(0.9) and b._data[0] == pytest.approx(0.99)


# ---- step, zero_grad --------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_parameters_without_grad_are_skipped(name):
    w = al.tensor([1.0, 2.0], dtype=al.float64, requires_grad=True)
    frozen = al.tensor([3.0, 4.0], dtype=al.float64, requires_grad=True)
    opt = CONFIGS[name]([w, frozen])
    w.grad = al.tensor([0.5, -0.5], dtype=al.float64)
    opt.step()
    np.testing.assert_array_equal(frozen._data, [3.0, 4.0])
    assert frozen not in opt.state
    assert not np.array_equal(w._data, [1.0, 2.0])


def test_step_updates_in_place_and_bumps_the_version(path):
    w = al.tensor([1.0, 2.0], dtype=al.float64, requires_grad=True)
    array = w._data
    y = w * w                      # saves w for backward
    opt = optim.Adam([w], lr=0.1)
    w.grad = al.tensor([1.0, 1.0], dtype=al.float64)
    opt.step()
    assert w._data is array         # not rebound
    assert w.is_leaf and w.requires_grad
    with pytest.raises(RuntimeError):
        y.sum().backward()         # the saved w is stale now


def test_zero_grad():
    w = al.tensor([1.0, 2.0], dtype=al.float64, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    grad = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad
    np.testing.assert_array_equal(w.grad._data, [0.0, 0.0])
    opt.zero_grad()
    assert w.grad is None
    opt.zero_grad()                # no grad at all: fine
    opt.zero_grad(set_to_none=False)
    assert w.grad is None


def test_step_with_closure():
    w = al.tensor([3.0], dtype=al.float64, requires_grad=True)
    opt = optim.SGD([w], lr=0.25)
    calls = []

    def closure():
        opt.zero_grad()
        assert al.is_grad_enabled()
        loss = (w * w).sum()
        loss.backward()
        calls.append(loss.item())
        return loss

    with al.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0 and calls == [9.0]
    assert w._data[0] == pytest.approx(3.0 - 0.25 * 6.0)
    assert opt.step() is None


def test_learning_rate_can_be_changed_between_steps(path):
    w = al.tensor([1.0], dtype=al.float64, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    w.grad = al.tensor([1.0], dtype=al.float64)
    opt.step()
    opt.param_groups[0]["lr"] = 0.5
    opt.step()
    assert w._data[0] == pytest.approx(1.0 - 0.1 - 0.5)


def test_state_is_created_lazily_and_named_like_pytorch():
    values = initial_values()
    expected = {"sgd": set(), "sgd_course_momentum": {"momentum_buffer"},
                "rmsprop": {"step", "square_avg"},
                "rmsprop_centered_momentum_wd": {"step", "square_avg", "momentum_buffer",
                                                 "grad_avg"},
                "adam": {"step", "exp_avg", "exp_avg_sq"},
                "adam_amsgrad_wd": {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}}
    for name, keys in expected.items():
        params, opt = run_optimizer(CONFIGS[name], values, steps=1)
        assert set(opt.state[params[0]]) == keys, name
        for key in keys - {"step"}:
            assert opt.state[params[0]][key].dtype == np.float64


# ---- state_dict ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_resume_from_state_dict_is_bit_for_bit(path, name):
    values = initial_values(30)
    full, _ = run_optimizer(CONFIGS[name], values, steps=20)

    first, opt = run_optimizer(CONFIGS[name], values, steps=10)
    saved_state = opt.state_dict()
    saved_values = [p._data.copy() for p in first]
    run_optimizer(None, values, params=first, opt=opt, steps=3, start_step=11)  # keeps going

    fresh = make_params(saved_values)
    opt2 = CONFIGS[name](fresh)
    opt2.load_state_dict(saved_state)
    run_optimizer(None, values, params=fresh, opt=opt2, steps=10, start_step=11)
    for a, b in zip(full, fresh):
        np.testing.assert_array_equal(a._data, b._data)


def test_state_dict_layout_and_snapshot():
    values = initial_values(31)
    params, opt = run_optimizer(CONFIGS["adam"], values, steps=3)
    sd = opt.state_dict()
    assert sorted(sd) == ["param_groups", "state"]
    assert sd["param_groups"][0]["params"] == [0, 1]
    assert sd["param_groups"][0]["betas"] == (0.9, 0.999)
    assert sorted(sd["state"]) == [0, 1]
    assert sd["state"][0]["step"] == 3
    before = sd["state"][0]["exp_avg"].copy()
    run_optimizer(None, values, params=params, opt=opt, steps=2, start_step=4)
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"], before)   # a snapshot


def test_load_state_dict_copies_and_restores_hyperparameters():
    values = initial_values(32)
    params, opt = run_optimizer(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), values, steps=2)
    sd = opt.state_dict()
    sd["param_groups"][0]["lr"] = 0.01
    other = optim.SGD(make_params(values), lr=0.5, momentum=0.9)
    other.load_state_dict(sd)
    assert other.param_groups[0]["lr"] == 0.01
    p0 = other.param_groups[0]["params"][0]
    buf = other.state[p0]["momentum_buffer"]
    sd["state"][0]["momentum_buffer"][...] = 123.0
    assert not np.any(buf == 123.0)


def test_load_state_dict_accepts_string_indices_and_arrays():
    """What a state dict may look like after a trip through a file format: string keys,
    every number a 0-d array, tuples as arrays."""
    values = initial_values(33)
    full, _ = run_optimizer(CONFIGS["adam"], values, steps=6)
    first, opt = run_optimizer(CONFIGS["adam"], values, steps=3)
    sd = opt.state_dict()
    sd = {"param_groups": [{k: np.asarray(v) for k, v in g.items()} for g in sd["param_groups"]],
          "state": {str(k): {n: (np.asarray(v) if n == "step" else v) for n, v in s.items()}
                    for k, s in sd["state"].items()}}
    fresh = make_params([p._data.copy() for p in first])
    opt2 = CONFIGS["adam"](fresh)
    opt2.load_state_dict(sd)
    assert isinstance(opt2.state[fresh[0]]["step"], int)
    assert opt2.param_groups[0]["betas"] == (0.9, 0.999)
    assert type(opt2.param_groups[0]["lr"]) is float
    assert opt2.param_groups[0]["amsgrad"] is False
    run_optimizer(None, values, params=fresh, opt=opt2, steps=3, start_step=4)
    for a, b in zip(full, fresh):
        np.testing.assert_array_equal(a._data, b._data)


def test_load_state_dict_errors():
    values = initial_values(34)
    _, opt = run_optimizer(CONFIGS["adam"], values, steps=1)
    sd = opt.state_dict()
    with pytest.raises(ValueError, match="not an optimizer state dict"):
        optim.Adam(make_params(values)).load_state_dict({"state": {}})
    with pytest.raises(ValueError, match="parameter groups"):
        optim.Adam([{"params": make_params(values)[:1]}, {"params": make_params(values)[1:]}]
                   ).load_state_dict(sd)
    with pytest.raises(ValueError, match="parameters"):
        optim.Adam(make_params(values)[:1]).load_state_dict(sd)
    bad = copy.deepcopy(sd)
    bad["state"][0]["exp_avg"] = np.zeros((7,))
    with pytest.raises(ValueError, match="shape"):
        optim.Adam(make_params(values)).load_state_dict(bad)
    bad = copy.deepcopy(sd)
    bad["state"][5] = bad["state"][0]
    with pytest.raises(ValueError, match="parameter 5"):
        optim.Adam(make_params(values)).load_state_dict(bad)


def test_state_dict_loads_into_float32_model_with_cast():
    values = initial_values(35)
    _, opt = run_optimizer(CONFIGS["adam"], values, steps=2)
    params32 = make_params(values, dtype=np.float32)
    opt32 = optim.Adam(params32, lr=0.01)
    opt32.load_state_dict(opt.state_dict())
    assert opt32.state[params32[0]]["exp_avg"].dtype == np.float32


# ---- kernel path vs numpy path ----------------------------------------------------------------
kernel_only = pytest.mark.skipif(not _functional.kernels_available(),
                                 reason="kernels/optim_updates.py is not importable")


@kernel_only
@pytest.mark.parametrize("name", sorted(CONFIGS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_kernel_and_numpy_paths_agree(name, dtype):
    values = initial_values(40, shapes=[(33, 17), (200,)], dtype=dtype)
    with KernelSwitch(True):
        fused, opt_k = run_optimizer(CONFIGS[name], values, dtype=dtype)
    with KernelSwitch(False):
        plain, opt_n = run_optimizer(CONFIGS[name], values, dtype=dtype)
    rtol, atol = (1e-12, 1e-13) if dtype == np.float64 else (2e-5, 2e-6)
    for a, b in zip(fused, plain):
        assert a._data.dtype == dtype
        np.testing.assert_allclose(a._data, b._data, rtol=rtol, atol=atol)
    for pa, pb in zip(fused, plain):
        for key, value in opt_k.state[pa].items():
            scale = float(np.max(np.abs(value))) if isinstance(value, np.ndarray) else 1.0
            np.testing.assert_allclose(value, opt_n.state[pb][key], rtol=rtol * 10,
                                       atol=atol * max(scale, 1.0))


@kernel_only
def test_kernel_is_used_for_contiguous_float_params(monkeypatch):
    # every parameter update goes through a kernel: one a parameter (adam_step), or several
    # small parameters in one call (adam_step_many, counted per parameter)
    calls = []
    real = _functional.kernels.optim_updates.adam_step
    monkeypatch.setattr(_functional.kernels.optim_updates, "adam_step",
                        lambda *a, **k: (calls.append(1), real(*a, **k))[1])
    real_many = _functional.kernels.optim_updates.adam_step_many
    monkeypatch.setattr(_functional.kernels.optim_updates, "adam_step_many",
                        lambda *a, **k: (calls.extend([1] * len(a[0])), real_many(*a, **k))[1])
    run_optimizer(CONFIGS["adam"], initial_values(41), steps=2)
    assert len(calls) == 4


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_non_contiguous_and_float16_params_use_the_numpy_path(name):
    """A Fortran-ordered parameter (numpy path) follows the same trajectory as the same values
    in C order (kernel path), and float16 works too (numpy only)."""
    values = initial_values(42, shapes=[(6, 5)])
    c_params, _ = run_optimizer(CONFIGS[name], values)
    f_param = al.tensor(np.asfortranarray(values[0]), dtype=al.float64, requires_grad=True)
    assert not f_param._data.flags.c_contiguous
    run_optimizer(CONFIGS[name], values, params=[f_param])
    np.testing.assert_allclose(f_param._data, c_params[0]._data, rtol=1e-12, atol=1e-13)

    h = al.tensor(values[0], dtype=np.float16, requires_grad=True)
    opt = CONFIGS[name]([h])
    h.grad = al.tensor(grad_of(h._data, 1), dtype=np.float16)
    opt.step()
    assert h._data.dtype == np.float16 and np.all(np.isfinite(h._data))
