"""Optional: the optimizers' and schedulers' trajectories against PyTorch's (float64).

Skipped when torch is not installed: the hand-written references in the other files are the
real test; this only confirms that "PyTorch's semantics" holds where we claim it does.
"""
import numpy as np
import pytest

from autograd_lite import optim
from autograd_lite.optim import lr_scheduler as sched
from optim_testlib import grad_of, initial_values, run_optimizer

torch = pytest.importorskip("torch", reason="torch is not installed: cross-check skipped")

CASES = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.8, centered=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.95), amsgrad=True, weight_decay=0.05)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
]


def torch_trajectory(name, kwargs, values, steps=20):
    params = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    opt = getattr(torch.optim, name)(params, foreach=False, **kwargs)
    for t in range(1, steps + 1):
        for i, p in enumerate(params):
            p.grad = torch.from_numpy(grad_of(p.detach().numpy(), t, i))
        opt.step()
    return [p.detach().numpy() for p in params], opt


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_trajectory_matches_torch(path, name, kwargs):
    values = initial_values(50)
    expected, _ = torch_trajectory(name, kwargs, values)
    ours, _ = run_optimizer(lambda ps: getattr(optim, name)(ps, **kwargs), values)
    for p, e in zip(ours, expected):
        np.testing.assert_allclose(p._data, e, rtol=1e-10, atol=1e-12)


def test_course_momentum_differs_from_torch_only_on_the_first_step():
    """Documented deviation: with dampening≠0 PyTorch starts its buffer at dW (no dampening),
    we at (1 − dampening)·dW (the course's VdW from 0); from then on both apply one formula."""
    import autograd_lite as al
    w_t = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    opt_t = torch.optim.SGD([w_t], lr=1.0, momentum=0.9, dampening=0.9)
    w = al.tensor([1.0], dtype=al.float64, requires_grad=True)
    opt = optim.SGD([w], lr=1.0, momentum=0.9, dampening=0.9)
    for g in [2.0, 3.0]:
        w_t.grad = torch.tensor([g], dtype=torch.float64)
        w.grad = al.tensor([g], dtype=al.float64)
        opt_t.step()
        opt.step()
    torch_buf = opt_t.state[w_t]["momentum_buffer"].item()
    ours_buf = opt.state[w]["momentum_buffer"][0]
    assert torch_buf == pytest.approx(0.9 * 2.0 + 0.1 * 3.0)
    assert ours_buf == pytest.approx(0.9 * (0.1 * 2.0) + 0.1 * 3.0)


def test_state_names_match_torch():
    values = initial_values(51)
    for name, kwargs in CASES:
        _, topt = torch_trajectory(name, kwargs, values, steps=1)
        _, ours = run_optimizer(lambda ps: getattr(optim, name)(ps, **kwargs), values, steps=1)
        tkeys = {k for st in topt.state.values() for k, v in st.items() if v is not None}
        okeys = {k for st in ours.state.values() for k in st}
        assert okeys == tkeys, (name, kwargs)


SCHEDULES = [
    (lambda o: sched.StepLR(o, 3, gamma=0.5),
     lambda o: torch.optim.lr_scheduler.StepLR(o, 3, gamma=0.5)),
    (lambda o: sched.ExponentialLR(o, 0.95),
     lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.95)),
    (lambda o: sched.CosineAnnealingLR(o, 10, eta_min=1e-3),
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 10, eta_min=1e-3)),
    (lambda o: sched.LambdaLR(o, lambda e: 1 / (1 + e)),
     lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda e: 1 / (1 + e))),
    (lambda o: sched.InverseTimeDecay(o, 0.5),
     lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda e: 1 / (1 + 0.5 * e))),
]


@pytest.mark.parametrize("index", range(len(SCHEDULES)))
def test_schedules_match_torch(index):
    ours_make, torch_make = SCHEDULES[index]
    _, opt = run_optimizer(lambda ps: optim.SGD(ps, lr=0.3), initial_values(), steps=0)
    topt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.3)
    ours, theirs = ours_make(opt), torch_make(topt)
    for _ in range(25):
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12)
        topt.step()
        ours.step()
        theirs.step()


def test_reduce_on_plateau_matches_torch():
    _, opt = run_optimizer(lambda ps: optim.SGD(ps, lr=0.3), initial_values(), steps=0)
    topt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.3)
    kwargs = dict(mode="min", factor=0.5, patience=2, threshold=0.01, cooldown=1, min_lr=0.01)
    ours = sched.ReduceLROnPlateau(opt, **kwargs)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kwargs)
    rng = np.random.default_rng(3)
    losses = np.concatenate([np.linspace(1, 0.5, 10), 0.5 + 0.01 * rng.random(30)])
    for loss in losses:
        topt.step()
        ours.step(float(loss))
        theirs.step(float(loss))
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-15)
    assert ours.get_last_lr()[0] < 0.3
