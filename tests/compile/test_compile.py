"""al.compile: replayed results equal eager results bit for bit (same kernels, same order)."""
import warnings

import numpy as np
import pytest

import autograd_lite as al
import autograd_lite.nn.functional as F
from autograd_lite import nn
from autograd_lite.compile import CompileWarning


def _tiny(seed):
    al.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(),
                          nn.Linear(16, 1), nn.Sigmoid())
    return model, al.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)


def _mlp(seed):
    al.manual_seed(seed)
    model = nn.Sequential(nn.Linear(8, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.3),
                          nn.Linear(32, 4))
    return model, al.optim.Adam(model.parameters(), lr=1e-2)


def _stepper(model, opt, loss_fn):
    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def _data(n, features, classes=None, seed=0):
    rng = np.random.default_rng(seed)
    x = al.tensor(rng.standard_normal((n, features)).astype(np.float32))
    if classes is None:
        y = al.tensor((rng.random((n, 1)) > 0.5).astype(np.float32))
    else:
        y = al.tensor(rng.integers(0, classes, n))
    return x, y


def _same_state(m1, o1, m2, o2):
    for (name, a), b in zip(m1.state_dict().items(), m2.state_dict().values()):
        assert np.array_equal(a.numpy(), b.numpy()), name
    for p, q in zip(m1.parameters(), m2.parameters()):
        assert np.array_equal(p.grad.numpy(), q.grad.numpy())
    s1, s2 = o1.state_dict()["state"], o2.state_dict()["state"]
    assert s1.keys() == s2.keys()
    for k in s1:
        for name in s1[k]:
            assert np.array_equal(np.asarray(s1[k][name]), np.asarray(s2[k][name])), name


def _run_both(make, loss_fn, batches, steps=50, between=None):
    m1, o1 = make(0)
    m2, o2 = make(0)
    eager, compiled = _stepper(m1, o1, loss_fn), al.compile(_stepper(m2, o2, loss_fn))
    for i in range(steps):
        x, y = batches[i % len(batches)]
        al.manual_seed(100 + i)
        a = eager(x, y)
        al.manual_seed(100 + i)
        b = compiled(x, y)
        assert np.array_equal(a.detach().numpy(), b.detach().numpy()), i
        if between is not None:
            between(i, (m1, o1), (m2, o2))
    _same_state(m1, o1, m2, o2)
    return compiled


def test_tiny_sgd_momentum_50_steps_bit_identical():
    compiled = _run_both(_tiny, F.binary_cross_entropy, [_data(64, 2)])
    assert compiled.captured
    assert "49 replays" in compiled.explain()


def test_batchnorm_dropout_adam_50_steps_bit_identical():
    compiled = _run_both(_mlp, F.cross_entropy, [_data(32, 8, 4, s) for s in range(3)])
    assert compiled.captured


def test_dropout_masks_follow_the_seed():
    model, opt = _mlp(0)
    out = al.compile(lambda x: F.dropout(x, 0.5, True))
    x = al.ones(4, 6)
    first = out(x)
    al.manual_seed(3)
    a = out(x).numpy().copy()
    al.manual_seed(3)
    b = F.dropout(x, 0.5, True).numpy()
    assert np.array_equal(a, b)
    al.manual_seed(4)
    assert not np.array_equal(out(x).numpy(), a)
    assert first.shape == (4, 6)


def test_lr_scheduler_changes_lr_between_calls():
    def between(i, eager, compiled):
        for _, opt in (eager, compiled):
            for g in opt.param_groups:
                g["lr"] = 0.1 * 0.9 ** (i + 1)
    _run_both(_tiny, F.binary_cross_entropy, [_data(64, 2)], steps=10, between=between)


def test_parameters_changed_in_place_between_calls():
    def between(i, eager, compiled):
        if i == 4:
            for (m, _) in (eager, compiled):
                with al.no_grad():
                    m[0].weight.mul_(0.5)
    _run_both(_tiny, F.binary_cross_entropy, [_data(64, 2)], steps=10, between=between)


def test_train_eval_switch_records_a_new_signature():
    def between(i, eager, compiled):
        for m, _ in (eager, compiled):
            m.train(i % 2 == 1)  # even calls in eval mode after the first
    compiled = _run_both(_mlp, F.cross_entropy, [_data(32, 8, 4)], steps=8, between=between)
    assert compiled.explain().count("captured") == 2


def test_last_smaller_batch_records_a_new_signature():
    batches = [_data(32, 8, 4, 0), _data(32, 8, 4, 1), _data(10, 8, 4, 2)]
    compiled = _run_both(_mlp, F.cross_entropy, batches, steps=12)
    assert compiled.explain().count("captured") == 2


def test_item_inside_falls_back_with_one_warning():
    def fn(x):
        y = (x * 2).sum()
        return x * 3 if y.item() > 0 else x * -1
    compiled = al.compile(fn)
    x = al.tensor([1.0, 2.0])
    with pytest.warns(CompileWarning, match=r"Tensor\.item"):
        assert np.array_equal(compiled(x).numpy(), fn(x).numpy())
    neg = al.tensor([-1.0, -2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.array_equal(compiled(neg).numpy(), fn(neg).numpy())
    assert "EAGER" in compiled.explain() and not compiled.captured


def test_random_draw_inside_falls_back():
    compiled = al.compile(lambda x: x + al.randn(3))
    with pytest.warns(CompileWarning, match="random draw"):
        compiled(al.zeros(3))


def test_forward_only_replay_reads_new_inputs():
    w = al.tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
    compiled = al.compile(lambda x: al.tanh(x @ w).sum(1))
    with al.no_grad():
        for seed in range(3):
            x = al.tensor(np.random.default_rng(seed).standard_normal((5, 2)))
            assert np.array_equal(compiled(x).numpy(), al.tanh(x @ w).sum(1).numpy())
    assert compiled.captured


def test_gradcheck_of_a_compiled_function():
    w = al.tensor(np.random.default_rng(1).standard_normal((3, 3)), requires_grad=True)
    compiled = al.compile(lambda x: (al.sigmoid(x @ w) ** 2).sum())
    x = al.tensor(np.random.default_rng(2).standard_normal((4, 3)), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CompileWarning)  # the analytic call keeps its graph
        assert al.gradcheck(compiled, (x,))
    assert "captured" in compiled.explain()  # the numeric evaluations (no_grad) replay


def test_compile_a_module():
    model, _ = _tiny(0)
    compiled = al.compile(model)
    x, _ = _data(8, 2)
    with al.no_grad():
        for _ in range(3):
            assert np.array_equal(compiled(x).numpy(), model(x).numpy())
    assert compiled.captured


@pytest.mark.parametrize("settings", [
    {},
    {"l2": 0.5, "optimizer": "adam", "lr": 0.01, "schedule": "inverse_sqrt_step"},
])
def test_train_compile_gives_the_eager_run(settings):
    from autograd_lite.train import TrainConfig
    from autograd_lite.train.loop import train
    results = []
    for compiled in (False, True):
        cfg = TrainConfig(dataset="moons", hidden=(16, 8), epochs=3, batch_size=64,
                          progress=False, plots=False, compile=compiled, out=None, **settings)
        with warnings.catch_warnings():
            warnings.simplefilter("error", CompileWarning)
            results.append(train(cfg, log=None, report=False))
    assert results[0].history == results[1].history


@pytest.mark.parametrize("epochs, compiled", [(3, False), (17, True)])
def test_train_compiles_by_default_when_the_run_is_long_enough(epochs, compiled, monkeypatch):
    """compile=None (the default): replay when epochs × batches reach COMPILE_MIN_STEPS (moons'
    700 training points in batches of 64 are 11 steps an epoch: 22 steps stay eager, 132
    replay), and the history is the eager run's either way."""
    from autograd_lite.train import TrainConfig
    from autograd_lite.train import loop
    from autograd_lite.train.config import COMPILE_MIN_STEPS
    made = []
    original = loop.make_step

    def spy(*args, compiled=False, **kwargs):
        made.append(compiled)
        return original(*args, compiled=compiled, **kwargs)
    monkeypatch.setattr(loop, "make_step", spy)
    histories = []
    for setting in (None, False):
        cfg = TrainConfig(dataset="moons", hidden=(16, 8), epochs=epochs, batch_size=64,
                          progress=False, plots=False, compile=setting, out=None)
        histories.append(loop.train(cfg, log=None, report=False).history)
    assert made == [compiled, False]
    assert (epochs * 6 >= COMPILE_MIN_STEPS) == compiled
    assert histories[0] == histories[1]


def test_a_replay_checks_binary_cross_entropy_probabilities_as_eager_does():
    """The [0, 1] check is in the op (the kernel's pass), so a replay raises as eager does."""
    _, y = _data(8, 2)
    probe = al.compile(lambda p, t: F.binary_cross_entropy(p, t))
    p = al.tensor(np.full((8, 1), 0.25, np.float32), requires_grad=True)
    probe(p, y)
    probe(p, y).backward()
    assert probe.captured
    p._data[0, 0] = 1.5  # changed behind the recording's back: the replayed op finds it
    for call in (probe, lambda p, t: F.binary_cross_entropy(p, t)):
        with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
            call(p, y)


def test_one_array_passed_twice_is_a_signature_of_its_own():
    compiled = al.compile(lambda a, b: a * 2 + b)
    x, y = al.tensor([1.0, 2.0]), al.tensor([10.0, 20.0])
    assert np.array_equal(compiled(x, x).numpy(), [3.0, 6.0])
    assert np.array_equal(compiled(x, y).numpy(), [12.0, 24.0])
    assert np.array_equal(compiled(y, x).numpy(), [21.0, 42.0])


def test_argument_that_is_also_a_parameter():
    model, _ = _tiny(0)
    w = model[0].weight
    compiled = al.compile(lambda p, x: (model(x) * p.sum()).sum())
    x, _ = _data(4, 2)
    other = al.tensor(np.ones((16, 2), dtype=np.float32), requires_grad=True)
    with al.no_grad():
        for p in (w, other, w):
            assert np.array_equal(compiled(p, x).numpy(), (model(x) * p.sum()).sum().numpy())


def test_inplace_op_inside_falls_back():
    def fn(x):
        y = x * 2
        y.add_(1)
        return y
    compiled = al.compile(fn)
    x = al.tensor([1.0, 2.0])
    with pytest.warns(CompileWarning, match="in-place"):
        compiled(x)
    assert np.array_equal(compiled(al.tensor([5.0, 6.0])).numpy(), [11.0, 13.0])


def test_an_exception_inside_restores_eager_and_records_nothing():
    from autograd_lite.autograd.function import Function
    apply_before = Function.__dict__["apply"]

    def fn(x):
        raise KeyError("boom")
    compiled = al.compile(fn)
    with pytest.raises(KeyError):
        compiled(al.ones(2))
    assert Function.__dict__["apply"] is apply_before
    assert "0 recorded" in compiled.explain()


def test_a_compiled_function_called_inside_another_recording():
    inner = al.compile(lambda x: al.tanh(x) * 2)
    outer = al.compile(lambda x: inner(x) + 1)
    with al.no_grad():
        for seed in range(3):
            x = al.tensor(np.random.default_rng(seed).standard_normal(4))
            inner(x)  # recorded (and then replayed) on its own too
            assert np.array_equal(outer(x).numpy(), (al.tanh(x) * 2 + 1).numpy())
    assert outer.captured and inner.captured


def test_two_threads_recording_at_once_both_replay_right():
    """Recordings swap process-wide entry points; two overlapping ones that do not end in
    reverse order would undo each other's swaps (the later one losing its hooks, then putting
    the earlier one's back for good), so they take turns. Here thread A's recording waits (up
    to 0.5 s) for B's to start, and B's waits (up to 0.5 s) for A's to end."""
    import threading
    from autograd_lite.autograd.function import Function
    apply_before = Function.__dict__["apply"]
    a_in, b_in, a_done = threading.Event(), threading.Event(), threading.Event()
    made = {name: (_tiny(0), _tiny(0)) for name in ("a", "b")}  # manual_seed: not in a thread
    results = {}

    def work(name, scale):
        (model, opt), (reference, ref_opt) = made[name]
        eager = _stepper(reference, ref_opt, F.binary_cross_entropy)
        inner = _stepper(model, opt, F.binary_cross_entropy)

        def step(x, y):
            if name == "a" and not a_in.is_set():
                a_in.set()
                b_in.wait(0.5)
            if name == "b" and not b_in.is_set():
                b_in.set()
                a_done.wait(0.5)
            return inner(x, y * scale)

        compiled = al.compile(step)
        x, y = _data(16, 2, seed=3)
        if name == "b":
            a_in.wait(5)
        first = compiled(x, y).item()
        if name == "a":
            a_done.set()
        losses = [(first, eager(x, y * scale).item())]
        losses += [(compiled(x, y).item(), eager(x, y * scale).item()) for _ in range(3)]
        results[name] = (losses, compiled.captured)

    threads = [threading.Thread(target=work, args=(name, scale))
               for name, scale in (("a", 1.0), ("b", 0.5))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert Function.__dict__["apply"] is apply_before
    for name in ("a", "b"):
        losses, captured = results[name]
        assert captured, name
        assert all(c == e for c, e in losses), (name, losses)


def test_the_cache_is_bounded():
    from autograd_lite.compile import CACHE_SIZE
    compiled = al.compile(lambda x: x * 2)
    with al.no_grad():
        for n in range(1, CACHE_SIZE + 4):
            assert np.array_equal(compiled(al.ones(n)).numpy(), np.full(n, 2.0))
    assert f"{CACHE_SIZE} recorded" in compiled.explain()


def test_other_threads_ops_are_not_recorded():
    import threading
    go, done = threading.Event(), threading.Event()

    def other():
        go.wait()
        with al.no_grad():
            al.tanh(al.ones(3)).sum()
        done.set()

    def fn(x):
        y = x * 2
        go.set()
        done.wait()
        return y + 1
    worker = threading.Thread(target=other)
    worker.start()
    compiled = al.compile(fn)
    with al.no_grad():
        compiled(al.ones(2))
        worker.join()
        assert np.array_equal(compiled(al.tensor([1.0, 2.0])).numpy(), [3.0, 5.0])
    assert "captured, 2 ops" in compiled.explain()


def test_a_layer_or_parameter_replaced_between_calls_records_again():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 4)
            self.out = nn.Linear(4, 1)

        def forward(self, x):
            return self.out(al.tanh(self.fc(x)))
    al.manual_seed(0)
    model = Net()
    compiled = al.compile(model)
    x, _ = _data(8, 2)
    with al.no_grad():
        compiled(x)
        compiled(x)
        model.fc = nn.Linear(2, 4)
        assert np.array_equal(compiled(x).numpy(), model(x).numpy())
        model.out.weight = nn.Parameter(al.ones(1, 4))
        assert np.array_equal(compiled(x).numpy(), model(x).numpy())
    assert compiled.explain().count("captured") == 3


def test_clipping_and_a_per_step_scheduler_inside_the_step():
    def make(seed):
        model, opt = _mlp(seed)
        return model, opt, al.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)

    def stepper(model, opt, scheduler):
        def step(x, y):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 0.5)
            opt.step()
            scheduler.step()
            return loss
        return step
    (m1, o1, s1), (m2, o2, s2) = make(0), make(0)
    eager, compiled = stepper(m1, o1, s1), al.compile(stepper(m2, o2, s2))
    x, y = _data(32, 8, 4)
    for i in range(20):
        al.manual_seed(i)
        a = eager(x, y)
        al.manual_seed(i)
        assert np.array_equal(a.detach().numpy(), compiled(x, y).detach().numpy()), i
    _same_state(m1, o1, m2, o2)
    assert s1.get_last_lr() == s2.get_last_lr()
    assert compiled.captured


def test_a_tensor_made_in_python_inside_falls_back():
    def fn(x):
        scale = al.tensor(np.float32(3.0))
        return x * scale
    compiled = al.compile(fn)
    with pytest.warns(CompileWarning, match="made in Python"):
        compiled(al.ones(2))


def test_ops_taking_lists_of_tensors():
    w = al.tensor(np.ones(3), requires_grad=True)
    compiled = al.compile(lambda x: al.cat([x * 2, w]).sum() + al.stack([w, w]).sum())
    with al.no_grad():
        for seed in range(3):
            x = al.tensor(np.random.default_rng(seed).standard_normal(3))
            expected = (al.cat([x * 2, w]).sum() + al.stack([w, w]).sum()).numpy()
            assert np.array_equal(compiled(x).numpy(), expected)
