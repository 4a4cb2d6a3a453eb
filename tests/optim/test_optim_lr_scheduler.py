"""Learning-rate schedules against their formulas (epoch 0 at construction, +1 per step())."""
import math

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import optim
from autograd_lite.optim import lr_scheduler as sched

EPOCHS = 30


def two_group_optimizer(lr0=0.2, lr1=0.05):
    a = al.tensor([1.0], dtype=al.float64, requires_grad=True)
    b = al.tensor([1.0], dtype=al.float64, requires_grad=True)
    return optim.SGD([{"params": [a]}, {"params": [b], "lr": lr1}], lr=lr0)


def trajectory(scheduler, epochs=EPOCHS):
    """The learning rates in force during epochs 0..epochs-1 (one list per epoch)."""
    lrs = []
    for _ in range(epochs):
        lrs.append(scheduler.get_last_lr())
        assert lrs[-1] == [g["lr"] for g in scheduler.optimizer.param_groups]
        scheduler.step()
    return lrs


def expect(formula, bases=(0.2, 0.05), epochs=EPOCHS):
    return [[formula(base, epoch) for base in bases] for epoch in range(epochs)]


def assert_lrs(actual, expected):
    np.testing.assert_allclose(np.array(actual), np.array(expected), rtol=1e-12, atol=0)


CASES = {
    "step": (lambda opt: sched.StepLR(opt, step_size=4, gamma=0.5),
             lambda a0, e: a0 * 0.5 ** (e // 4)),
    "exponential": (lambda opt: sched.ExponentialLR(opt, gamma=0.95),   # the course's 0.95^epoch
                    lambda a0, e: 0.95 ** e * a0),
    "inverse_time": (lambda opt: sched.InverseTimeDecay(opt, decay_rate=1.0),
                     lambda a0, e: a0 / (1 + 1.0 * e)),
    "inverse_sqrt_epoch": (lambda opt: sched.InverseSqrtDecay(opt, k=0.8),
                           lambda a0, e: 0.8 / math.sqrt(max(e, 1)) * a0),
    "inverse_sqrt_step": (lambda opt: sched.InverseSqrtDecay(opt, k=0.8, per_step=True),
                          lambda a0, e: 0.8 / math.sqrt(e + 1) * a0),
    "lambda": (lambda opt: sched.LambdaLR(opt, lambda e: 1.0 / (1 + e) ** 2),
               lambda a0, e: a0 / (1 + e) ** 2),
    "cosine": (lambda opt: sched.CosineAnnealingLR(opt, T_max=12, eta_min=0.001),
               lambda a0, e: 0.001 + (a0 - 0.001) * (1 + math.cos(math.pi * e / 12)) / 2),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_schedule_matches_formula(name):
    make, formula = CASES[name]
    opt = two_group_optimizer()
    scheduler = make(opt)
    assert scheduler.last_epoch == 0
    assert_lrs(trajectory(scheduler), expect(formula))
    assert scheduler.last_epoch == EPOCHS
    assert [g["initial_lr"] for g in opt.param_groups] == [0.2, 0.05]


def test_course_inverse_time_decay_table():
    """The course's example: α₀ = 0.2, decay_rate = 1 gives 0.2, 0.1, 0.067, 0.05, 0.04."""
    opt = two_group_optimizer()
    lrs = [lr[0] for lr in trajectory(sched.InverseTimeDecay(opt, decay_rate=1.0), 5)]
    np.testing.assert_allclose(lrs, [0.2, 0.1, 0.2 / 3, 0.05, 0.04], rtol=1e-15)


def test_inverse_sqrt_decay_at_epoch_zero():
    """k/√0 has no value: the epoch form trains epochs 0 and 1 at k·α₀; the per-step form
    counts updates from t = 1. Both start at k·α₀, neither ever goes up."""
    for per_step in (False, True):
        scheduler = sched.InverseSqrtDecay(two_group_optimizer(), k=2.0, per_step=per_step)
        lrs = [lr[0] for lr in trajectory(scheduler, 4)]
        assert lrs[0] == pytest.approx(2.0 * 0.2)
        assert all(b <= a for a, b in zip(lrs, lrs[1:]))
    epoch = [lr[0] for lr in trajectory(sched.InverseSqrtDecay(two_group_optimizer(), 2.0), 3)]
    assert epoch == pytest.approx([0.4, 0.4, 0.4 / math.sqrt(2)])


def test_per_step_inverse_sqrt_drives_each_update():
    """Per-step form: the t-th optimizer update (t = 1, 2, ...) uses k/√t · α₀."""
    w = al.tensor([0.0], dtype=al.float64, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    scheduler = sched.InverseSqrtDecay(opt, k=1.0, per_step=True)
    for _ in range(10):
        w.grad = al.tensor([-1.0], dtype=al.float64)
        opt.step()
        scheduler.step()
    assert w._data[0] == pytest.approx(sum(0.1 / math.sqrt(t) for t in range(1, 11)), rel=1e-14)


def test_lambda_lr_one_function_per_group():
    opt = two_group_optimizer()
    scheduler = sched.LambdaLR(opt, [lambda e: 0.5 ** e, lambda e: 1.0 + e])
    assert_lrs(trajectory(scheduler, 5), [[0.2 * 0.5 ** e, 0.05 * (1 + e)] for e in range(5)])
    with pytest.raises(ValueError, match="one per param group"):
        sched.LambdaLR(two_group_optimizer(), [lambda e: 1.0])


def test_step_with_explicit_epoch():
    scheduler = sched.ExponentialLR(two_group_optimizer(), gamma=0.9)
    scheduler.step(7)
    assert scheduler.last_epoch == 7
    assert scheduler.get_last_lr() == pytest.approx([0.2 * 0.9 ** 7, 0.05 * 0.9 ** 7])


def test_scheduler_drives_optimizer():
    w = al.tensor([0.0], dtype=al.float64, requires_grad=True)
    opt = optim.SGD([w], lr=1.0)
    scheduler = sched.StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        w.grad = al.tensor([-1.0], dtype=al.float64)
        opt.step()
        scheduler.step()
    assert w._data[0] == pytest.approx(1.0 + 0.5 + 0.25)


@pytest.mark.parametrize("name", sorted(CASES))
def test_scheduler_state_dict_resume(name):
    make, _ = CASES[name]
    opt = two_group_optimizer()
    full = trajectory(make(opt), 20)

    opt_a = two_group_optimizer()
    first = make(opt_a)
    head = trajectory(first, 8)
    saved_sched, saved_opt = first.state_dict(), opt_a.state_dict()
    assert "optimizer" not in saved_sched

    for optimizer_first in (True, False):
        opt_b = two_group_optimizer(lr0=9.0, lr1=9.0)   # a fresh run with other numbers
        if optimizer_first:
            opt_b.load_state_dict(saved_opt)
            resumed = make(opt_b)
        else:                                           # PyTorch's usual order
            resumed = make(opt_b)
            opt_b.load_state_dict(saved_opt)
        if optimizer_first:  # as it may come back from a file: numbers as 0-d arrays
            resumed.load_state_dict({k: (np.asarray(v) if k != "lr_lambdas" else v)
                                     for k, v in saved_sched.items()})
        else:
            resumed.load_state_dict(saved_sched)
        tail = trajectory(resumed, 12)
        assert head + tail == full                      # exactly, not approximately


def test_resume_with_last_epoch_argument():
    opt = two_group_optimizer()
    scheduler = sched.ExponentialLR(opt, gamma=0.5)
    for _ in range(3):
        scheduler.step()
    resumed = sched.ExponentialLR(opt, gamma=0.5, last_epoch=2)
    assert resumed.last_epoch == 3
    assert resumed.get_last_lr() == scheduler.get_last_lr()
    with pytest.raises(KeyError, match="initial_lr"):
        sched.ExponentialLR(two_group_optimizer(), gamma=0.5, last_epoch=4)


def test_scheduler_errors():
    opt = two_group_optimizer()
    with pytest.raises(ValueError):
        sched.StepLR(opt, step_size=0)
    with pytest.raises(ValueError):
        sched.ExponentialLR(opt, gamma=-0.5)
    with pytest.raises(ValueError):
        sched.InverseTimeDecay(opt, decay_rate=-1.0)
    with pytest.raises(ValueError):
        sched.InverseSqrtDecay(opt, k=-1.0)
    with pytest.raises(ValueError):
        sched.CosineAnnealingLR(opt, T_max=0)
    with pytest.raises(TypeError):
        sched.LambdaLR(opt, 0.5)
    with pytest.raises(TypeError):
        sched.StepLR(object(), step_size=2)
    with pytest.raises(ValueError):
        sched.ExponentialLR(opt, gamma=0.5).step(-1)


# ---- ReduceLROnPlateau ------------------------------------------------------------------------
def test_reduce_on_plateau_min_mode():
    opt = two_group_optimizer(lr0=1.0, lr1=0.1)
    scheduler = sched.ReduceLROnPlateau(opt, factor=0.5, patience=2, min_lr=[0.3, 0.0])
    losses = [1.0, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]
    seen = []
    for loss in losses:
        scheduler.step(loss)
        seen.append(scheduler.get_last_lr())
    # reductions after the 3rd non-improving epoch in a row (patience 2): epochs 5, 9, 12;
    # group 0 stops at min_lr 0.3
    assert seen == [[1.0, 0.1]] * 4 + [[0.5, 0.05]] * 4 + [[0.3, 0.025]] * 3 + [[0.3, 0.0125]]


def test_reduce_on_plateau_max_mode_threshold_and_cooldown():
    opt = two_group_optimizer(lr0=1.0)
    scheduler = sched.ReduceLROnPlateau(opt, mode="max", factor=0.1, patience=0, cooldown=1,
                                        threshold=0.1, threshold_mode="abs")
    accs = [0.5, 0.55, 0.7, 0.75, 0.76, 0.9]
    lrs = []
    for acc in accs:
        scheduler.step(acc)
        lrs.append(scheduler.get_last_lr()[0])
    # 0.5 best; 0.55 < 0.6 bad -> cut (cooldown 1); 0.7 better; 0.75 bad -> cut;
    # 0.76 bad but in cooldown; 0.9 better
    assert lrs == pytest.approx([1.0, 0.1, 0.1, 0.01, 0.01, 0.01])


def test_reduce_on_plateau_accepts_tensors_and_resumes():
    opt = two_group_optimizer()
    scheduler = sched.ReduceLROnPlateau(opt, patience=1)
    for loss in [3.0, 3.0]:
        scheduler.step(al.tensor(loss))
    state = scheduler.state_dict()
    other = sched.ReduceLROnPlateau(two_group_optimizer(), patience=5)
    other.load_state_dict(state)
    assert other.patience == 1 and other.num_bad_epochs == 1 and other.best == 3.0
    with pytest.raises(ValueError):
        sched.ReduceLROnPlateau(opt, mode="median")
    with pytest.raises(ValueError):
        sched.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError):
        sched.ReduceLROnPlateau(opt, min_lr=[0.1])
