"""Nothing is lost when trials misbehave (issue 16): a worker that dies takes down only its own
trial, sys.exit() in an objective fails one trial, and a log of other objective arguments is
not silently reused."""
import functools

import pytest

from autograd_lite.tune import Choice, Uniform, random_search, toy

SPACE = {"x": Uniform(0.0, 1.0), "crash": Choice([False, True])}


def test_a_dead_worker_crashes_its_trial_and_its_neighbours_run_again():
    # two trials in flight: a crash breaks the pool under its neighbour too
    r = random_search(toy.crash_when, SPACE, 6, seed=0, n_jobs=2)
    assert any(t.config["crash"] for t in r.trials)
    for t in r.trials:
        if t.config["crash"]:
            assert t.status == "crashed", (t.index, t.status, t.error)
        else:
            assert t.status == "ok", (t.index, t.status, t.error)
    assert r.failed == [t for t in r.trials if t.config["crash"]]


def test_resume_reruns_trials_a_dead_worker_took_down(tmp_path):
    """Logs written before crashed trials were told apart hold innocent neighbours as failed
    with BrokenProcessPool: a resumed search runs them again."""
    path = tmp_path / "s.jsonl"
    first = random_search(toy.log_lr_bowl, {"lr": Uniform(1e-4, 1e-1)}, 3, seed=0, log_path=path)
    lines = path.read_text().splitlines()
    broken = lines[2].replace('"status": "ok"', '"status": "failed"').replace(
        '"error": null', '"error": "BrokenProcessPool: a worker died"')
    assert broken != lines[2]
    path.write_text("\n".join(lines[:2] + [broken] + lines[3:]) + "\n")
    again = random_search(toy.log_lr_bowl, {"lr": Uniform(1e-4, 1e-1)}, 3, seed=0, log_path=path)
    assert [t.status for t in again.trials] == ["ok"] * 3
    assert again.trials[1].score == first.trials[1].score


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_sys_exit_in_an_objective_fails_that_trial_only(n_jobs):
    space = {"x": Uniform(0.0, 1.0), "exit": Choice([False, True])}
    r = random_search(toy.exit_when, space, 6, seed=0, n_jobs=n_jobs)
    assert len(r.trials) == 6 and any(t.config["exit"] for t in r.trials)
    for t in r.trials:
        if t.config["exit"]:
            assert t.status == "failed" and "sys.exit(3)" in t.error
        else:
            assert t.status == "ok"


def test_a_log_of_other_objective_arguments_is_refused(tmp_path):
    path = tmp_path / "s.jsonl"
    space = {"x": Uniform(0.0, 1.0)}
    random_search(functools.partial(toy.scaled, epochs=3), space, 2, seed=0, log_path=path)
    with pytest.raises(ValueError, match="objective_args"):
        random_search(functools.partial(toy.scaled, epochs=6), space, 2, seed=0, log_path=path)
    same = random_search(functools.partial(toy.scaled, epochs=3), space, 2, seed=0,
                         log_path=path)
    assert len(same.trials) == 2
