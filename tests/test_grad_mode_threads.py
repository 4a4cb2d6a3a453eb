"""Grad mode is per thread (as in PyTorch): one thread inside ``no_grad`` does not stop another
from recording."""
import threading

import numpy as np

import autograd_lite as al


def _run_threads(*targets):
    errors = []

    def guarded(fn):
        def run():
            try:
                fn()
            except BaseException as e:  # re-raised in the main thread below
                errors.append(e)
        return run

    threads = [threading.Thread(target=guarded(fn)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_no_grad_in_one_thread_does_not_stop_training_in_another():
    rng = np.random.default_rng(0)
    x_np = rng.normal(size=(32, 4))
    y_np = x_np @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.1 * rng.normal(size=32)
    x, y = al.tensor(x_np), al.tensor(y_np)
    probe = al.tensor(rng.normal(size=(8, 4)), requires_grad=True)
    done = threading.Event()
    started = threading.Barrier(2)
    evaluated = [0]

    def evaluate():  # toggles grad mode off and on for as long as the other thread trains
        started.wait()
        while not done.is_set():
            with al.no_grad():
                assert not al.is_grad_enabled()
                out = (probe * 2.0).sum()
                assert not out.requires_grad and out.grad_fn is None
            assert al.is_grad_enabled()
            evaluated[0] += 1

    def train():
        try:
            w_np = np.zeros(4)
            w = al.tensor(w_np.copy(), requires_grad=True)
            started.wait()
            for _ in range(300):
                assert al.is_grad_enabled()
                loss = ((x @ w - y) ** 2).mean()
                w.grad = None
                loss.backward()
                expected = 2.0 * x_np.T @ (x_np @ w_np - y_np) / len(y_np)
                np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-10, atol=1e-12)
                with al.no_grad():
                    w -= 0.05 * w.grad
                w_np = w_np - 0.05 * expected
            np.testing.assert_allclose(w.detach().numpy(), [1.0, -2.0, 0.5, 3.0], atol=0.1)
        finally:
            done.set()

    _run_threads(evaluate, train)
    assert evaluated[0] > 0
    assert al.is_grad_enabled()


def test_a_new_thread_starts_with_grad_mode_on():
    seen = []
    with al.no_grad():
        t = threading.Thread(target=lambda: seen.append(al.is_grad_enabled()))
        t.start()
        t.join()
        assert not al.is_grad_enabled()
    assert seen == [True]
