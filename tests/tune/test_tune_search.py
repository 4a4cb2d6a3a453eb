"""random_search and coarse_to_fine: reproducibility, parallel = serial, failures, threads."""
import math
import os

import pytest

from autograd_lite.tune import (Choice, IntUniform, LogUniform, OneMinusLogUniform, Uniform,
                                SearchResult, coarse_to_fine, random_search)
from autograd_lite.tune import toy

SPACE = {"lr": LogUniform(1e-5, 1), "beta": OneMinusLogUniform(0.9, 0.999),
         "hidden": IntUniform(8, 128), "act": Choice(["relu", "tanh"]), "epochs": 3}


def key(result):
    return [(t.index, t.config, t.score, t.status, t.error, t.metrics) for t in result.trials]


def test_seeded_search_repeats_exactly_and_seeds_differ():
    a = random_search(toy.log_lr_bowl, SPACE, 12, seed=7)
    b = random_search(toy.log_lr_bowl, SPACE, 12, seed=7)
    c = random_search(toy.log_lr_bowl, SPACE, 12, seed=8)
    assert key(a) == key(b)
    assert [t.config for t in a.trials] != [t.config for t in c.trials]
    assert a.seed == 7 and isinstance(a, SearchResult) and len(a) == 12
    # a longer search starts with the same trials
    longer = random_search(toy.log_lr_bowl, SPACE, 20, seed=7)
    assert key(longer)[:12] == key(a)


def test_unseeded_search_reports_the_seed_that_repeats_it():
    a = random_search(toy.log_lr_bowl, SPACE, 5)
    assert isinstance(a.seed, int)
    assert key(random_search(toy.log_lr_bowl, SPACE, 5, seed=a.seed)) == key(a)


def test_trial_fields_best_and_metrics():
    r = random_search(toy.log_lr_bowl, SPACE, 15, seed=1)
    for i, t in enumerate(r.trials):
        assert t.index == i and t.status == "ok" and t.error is None
        assert t.metrics == {"lr": t.config["lr"]} and t.seconds >= 0
        assert t.config["epochs"] == 3 and 8 <= t.config["hidden"] <= 128
    assert r.best.score == min(t.score for t in r.trials)
    assert r.best_config == r.best.config
    rmax = random_search(toy.log_lr_bowl, SPACE, 15, seed=1, maximize=True)
    assert rmax.best.score == max(t.score for t in r.trials)


def test_failing_trial_is_recorded_and_search_goes_on():
    r = random_search(toy.flaky, {"lr": LogUniform(1e-4, 10)}, 30, seed=0)
    failed = [t for t in r.trials if t.status == "failed"]
    ok = [t for t in r.trials if t.status == "ok"]
    assert failed and ok and len(failed) + len(ok) == 30
    for t in failed:
        assert t.config["lr"] > 0.1 and t.score is None
        assert t.error.startswith("ValueError: diverged at lr=")
        assert "Traceback" in t.traceback and "flaky" in t.traceback
    assert all(t.config["lr"] <= 0.1 for t in ok)
    assert r.best.status == "ok" and r.failed == failed


@pytest.mark.parametrize("ret, match", [
    (float("nan"), "non-finite"), ({"loss": 1.0}, "without a 'score' key"), ("high", "a number"),
])
def test_bad_objective_returns_become_failures(ret, match):
    r = random_search(lambda c: ret, {"x": IntUniform(0, 1)}, 2, seed=0)
    assert all(t.status == "failed" and match in t.error for t in r.trials)
    assert r.best is None


def test_all_failed_gives_no_best_and_numpy_scores_are_floats():
    import numpy as np

    r = random_search(lambda c: np.float32(c["x"]), {"x": IntUniform(0, 3)}, 4, seed=0)
    assert all(type(t.score) is float for t in r.trials)


def test_parallel_results_equal_serial_results():
    serial = random_search(toy.flaky, dict(SPACE, lr=LogUniform(1e-4, 10)), 8, seed=3)
    parallel = random_search(toy.flaky, dict(SPACE, lr=LogUniform(1e-4, 10)), 8, seed=3, n_jobs=2)
    assert key(parallel) == key(serial)
    assert any(t.status == "failed" for t in parallel.trials)  # failures cross processes too


def test_parallel_trials_get_their_thread_count_and_parent_env_is_untouched():
    before = os.environ.get("OMP_NUM_THREADS")
    r = random_search(toy.thread_env_probe, {"x": IntUniform(0, 9)}, 4, seed=0, n_jobs=2,
                      threads_per_trial=1)
    assert {t.metrics["omp"] for t in r.trials} == {"1"}
    assert {t.metrics["numba"] for t in r.trials} == {"1"}
    assert all(t.metrics["pid"] != os.getpid() for t in r.trials)
    assert os.environ.get("OMP_NUM_THREADS") == before


def test_serial_thread_limit_is_restored_after_each_trial():
    before = os.environ.get("OMP_NUM_THREADS")
    r = random_search(toy.thread_env_probe, {"x": IntUniform(0, 9)}, 2, seed=0,
                      threads_per_trial=1)
    assert {t.metrics["omp"] for t in r.trials} == {"1"}
    assert os.environ.get("OMP_NUM_THREADS") == before


def test_unpicklable_objective_with_n_jobs_says_why():
    with pytest.raises(TypeError, match="picklable"):
        random_search(lambda c: 0.0, {"x": IntUniform(0, 1)}, 2, seed=0, n_jobs=2)


def test_thread_pool_executor_gives_serial_results():
    from concurrent.futures import ThreadPoolExecutor

    serial = random_search(toy.log_lr_bowl, SPACE, 6, seed=5)
    with ThreadPoolExecutor(2) as ex:
        threaded = random_search(toy.log_lr_bowl, SPACE, 6, seed=5, executor=ex)
    assert key(threaded) == key(serial)


@pytest.mark.parametrize("kwargs, err", [
    (dict(n_trials=-1), ValueError), (dict(n_jobs=0), ValueError), (dict(space={}), ValueError),
    (dict(space=[1]), TypeError), (dict(objective=3), TypeError), (dict(seed=-2), ValueError),
    (dict(executor=object()), TypeError),
])
def test_argument_errors(kwargs, err):
    args = dict(objective=toy.log_lr_bowl, space={"lr": LogUniform(1e-3, 1)}, n_trials=2, seed=0)
    args.update(kwargs)
    with pytest.raises(err):
        random_search(**args)


def test_coarse_to_fine_narrows_around_the_optimum():
    space = {"lr": LogUniform(1e-6, 1)}  # optimum at log10(lr) = -2.5
    r = coarse_to_fine(toy.log_lr_bowl, space, rounds=3, n_trials=12, keep_top=3, seed=0)
    assert len(r.trials) == 36 and [t.round for t in r.trials] == [0] * 12 + [1] * 12 + [2] * 12
    widths = [math.log10(s["lr"].hi / s["lr"].lo) for s in r.spaces]
    assert widths[0] == pytest.approx(6)
    assert widths[2] < widths[1] < widths[0] / 2
    last = r.spaces[-1]["lr"]
    assert last.lo < 10 ** -2.5 < last.hi
    assert widths[-1] < 1.5
    # the last round samples closer to the optimum than the first
    err = [sum(abs(math.log10(t.config["lr"]) + 2.5) for t in r.trials if t.round == k) / 12
           for k in (0, 2)]
    assert err[1] < err[0] / 3
    assert abs(math.log10(r.best.config["lr"]) + 2.5) < 0.1
    # round 0 is exactly random_search with the same seed
    assert key(random_search(toy.log_lr_bowl, space, 12, seed=0)) == [
        k for k in key(r)[:12]]


def test_coarse_to_fine_parallel_equals_serial_and_validates():
    space = {"lr": LogUniform(1e-6, 1), "hidden": IntUniform(8, 256)}
    a = coarse_to_fine(toy.log_lr_bowl, space, 2, [6, 4], 2, seed=4)
    b = coarse_to_fine(toy.log_lr_bowl, space, 2, [6, 4], 2, seed=4, n_jobs=2)
    assert key(a) == key(b) and len(a.trials) == 10
    with pytest.raises(ValueError, match="entries"):
        coarse_to_fine(toy.log_lr_bowl, space, 3, [6, 4], 2, seed=4)
    with pytest.raises(ValueError, match="keep_top"):
        coarse_to_fine(toy.log_lr_bowl, space, 2, 4, 0, seed=4)


def test_trial_i_of_round_r_draws_from_its_own_seed_sequence():
    import numpy as np

    from autograd_lite.tune.spaces import sample_config

    r = random_search(toy.log_lr_bowl, SPACE, 3, seed=21)
    for t in r.trials:
        rng = np.random.default_rng(np.random.SeedSequence(21, spawn_key=(0, t.index)))
        assert t.config == sample_config(SPACE, rng)


def test_a_worker_that_dies_fails_its_trial_and_the_search_goes_on():
    space = {"x": Uniform(0.0, 1.0), "crash": Choice([False, True])}
    # one trial in flight at a time, so a crash takes down no innocent neighbour
    r = random_search(toy.crash_when, space, 6, seed=0, n_jobs=2, max_pending=1)
    crashed = [t.index for t in r.trials if t.config["crash"]]
    assert crashed and crashed[0] < 4, "seed 0 should crash early; pick another seed"
    for t in r.trials:
        if t.config["crash"]:
            assert t.status == "crashed" and "BrokenProcessPool" in t.error
        else:  # the pool was rebuilt after each crash
            assert t.status == "ok", t.error
