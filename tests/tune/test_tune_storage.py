"""JSON-lines streaming, resume, and interrupted searches."""
import json
import warnings

import pytest

from autograd_lite.tune import Callback, IntUniform, LogUniform, SearchResult, random_search
from autograd_lite.tune import toy

SPACE = {"lr": LogUniform(1e-4, 10), "hidden": IntUniform(8, 64)}


def lines(path):
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_trials_stream_to_the_log_as_they_finish(tmp_path):
    path = tmp_path / "s.jsonl"
    seen = []

    class Watch(Callback):
        def on_trial_end(self, trial):
            seen.append(len(lines(path)))  # the trial is on disk before callbacks hear of it

    r = random_search(toy.flaky, SPACE, 6, seed=0, log_path=path, callbacks=[Watch()])
    assert seen == [2, 3, 4, 5, 6, 7]
    recs = lines(path)
    assert recs[0]["kind"] == "header" and recs[0]["seed"] == 0
    assert recs[0]["space"]["lr"] == {"type": "log_uniform", "low": 1e-4, "high": 10.0}
    trials = recs[1:]
    assert [t["index"] for t in trials] == list(range(6))
    for rec, t in zip(trials, r.trials):
        assert rec["config"] == t.config and rec["score"] == t.score and rec["status"] == t.status
    back = SearchResult.from_jsonl(path)
    assert [(t.index, t.config, t.score) for t in back.trials] == [
        (t.index, t.config, t.score) for t in r.trials]
    assert back.best.index == r.best.index and back.space == r.space


def test_resume_skips_finished_trials(tmp_path):
    path = tmp_path / "s.jsonl"
    calls = []

    def objective(config):
        calls.append(config["lr"])
        return toy.log_lr_bowl(config)["score"]

    first = random_search(objective, SPACE, 4, seed=2, log_path=path)
    assert len(calls) == 4
    calls.clear()
    full = random_search(objective, SPACE, 10, seed=2, log_path=path)
    assert len(calls) == 6  # trials 0..3 came from the log
    assert [t.score for t in full.trials[:4]] == [t.score for t in first.trials]
    assert len(lines(path)) == 1 + 10
    fresh = random_search(toy.log_lr_bowl, SPACE, 10, seed=2)
    assert [(t.config, t.score) for t in full.trials] == [(t.config, t.score) for t in fresh.trials]
    calls.clear()
    random_search(objective, SPACE, 10, seed=2, log_path=path)
    assert calls == []
    # another seed gives other configs: nothing matches, everything runs
    random_search(objective, SPACE, 3, seed=99, log_path=path)
    assert len(calls) == 3


def test_interrupted_search_resumes_where_it_stopped(tmp_path):
    path = tmp_path / "s.jsonl"
    state = {"n": 0, "stop_at": 3}

    def objective(config):
        state["n"] += 1
        if state["n"] == state["stop_at"]:
            raise KeyboardInterrupt
        return toy.log_lr_bowl(config)["score"]

    with pytest.raises(KeyboardInterrupt):
        random_search(objective, SPACE, 6, log_path=path)  # unseeded
    recs = lines(path)
    assert len(recs) == 1 + 2
    seed = recs[0]["seed"]
    state.update(n=0, stop_at=-1)
    r = random_search(objective, SPACE, 6, log_path=path)  # seed comes from the header
    assert state["n"] == 4 and r.seed == seed
    fresh = random_search(toy.log_lr_bowl, SPACE, 6, seed=seed)
    assert [(t.config, t.score) for t in r.trials] == [(t.config, t.score) for t in fresh.trials]


def test_failed_trials_are_finished_unless_retry_failed(tmp_path):
    path = tmp_path / "s.jsonl"
    r = random_search(toy.flaky, SPACE, 8, seed=0, log_path=path)
    n_failed = len(r.failed)
    assert n_failed
    calls = []

    def fixed(config):
        calls.append(1)
        return 0.5

    random_search(fixed, SPACE, 8, seed=0, log_path=path)
    assert calls == []
    again = random_search(fixed, SPACE, 8, seed=0, log_path=path, retry_failed=True)
    assert len(calls) == n_failed and not again.failed
    # the log's latest record of each trial wins
    assert not SearchResult.from_jsonl(path).failed


def test_cut_short_line_is_skipped_and_next_record_starts_on_a_new_line(tmp_path):
    path = tmp_path / "s.jsonl"
    random_search(toy.log_lr_bowl, SPACE, 3, seed=0, log_path=path)
    with open(path, "a") as fh:
        fh.write('{"kind": "trial", "index": 3, "conf')  # crash mid-write
    with pytest.warns(RuntimeWarning, match="not complete JSON"):
        r = random_search(toy.log_lr_bowl, SPACE, 5, seed=0, log_path=path)
    assert len(r.trials) == 5
    # the resumed search cut the broken line off: the file reads back cleanly
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = SearchResult.from_jsonl(path)
    assert [t.index for t in back.trials] == [0, 1, 2, 3, 4]
    assert all(json.loads(line) for line in path.read_text().splitlines())


def test_resume_false_starts_over_and_direction_mismatch_is_an_error(tmp_path):
    path = tmp_path / "s.jsonl"
    random_search(toy.log_lr_bowl, SPACE, 3, seed=0, log_path=path)
    with pytest.raises(ValueError, match="maximize"):
        random_search(toy.log_lr_bowl, SPACE, 3, seed=0, log_path=path, maximize=True)
    random_search(toy.log_lr_bowl, SPACE, 2, seed=1, log_path=path, resume=False)
    recs = lines(path)
    assert len(recs) == 3 and recs[0]["seed"] == 1


def test_parallel_search_resumes_too(tmp_path):
    path = tmp_path / "s.jsonl"
    random_search(toy.log_lr_bowl, SPACE, 3, seed=0, log_path=path, n_jobs=2)
    r = random_search(toy.log_lr_bowl, SPACE, 5, seed=0, log_path=path, n_jobs=2)
    assert sorted(t["index"] for t in lines(path)[1:]) == [0, 1, 2, 3, 4]
    assert [t.score for t in r.trials] == [
        t.score for t in random_search(toy.log_lr_bowl, SPACE, 5, seed=0).trials]
