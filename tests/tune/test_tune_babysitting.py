"""Panda: per-epoch reports, callbacks, live progress, median early stopping."""
import io

import pytest

from autograd_lite.tune import (Callback, Choice, LiveProgress, MedianStoppingRule, Reporter,
                                Trial, TrialPruned, Uniform, random_search)
from autograd_lite.tune import toy
from autograd_lite.tune.executors import accepts_reporter


def good_curve(epochs=5, final=0.1):
    return [[e, final + (1 - final) * 0.5 ** (e + 1)] for e in range(epochs)]


def test_median_rule_prunes_a_clearly_bad_trial_and_keeps_good_ones(tmp_path):
    rule = MedianStoppingRule(grace_period=1, min_trials=3)
    for i in range(3):  # three finished trials with a good curve
        rule.record(Trial(index=100 + i, config={}, score=0.1, history=good_curve()))
    space = {"final": Choice([0.1, 3.0]), "epochs": 5}
    r = random_search(toy.learning_curve, space, 12, seed=0, early_stopping=rule,
                      log_path=tmp_path / "s.jsonl")
    bad = [t for t in r.trials if t.config["final"] == 3.0]
    good = [t for t in r.trials if t.config["final"] == 0.1]
    assert bad and good
    for t in bad:
        assert t.status == "pruned"
        assert len(t.history) == 2  # the grace period spared the first report only
        assert t.score == t.history[-1][1] and "median" in t.error
    for t in good:
        assert t.status == "ok" and len(t.history) == 5 and t.metrics == {"epochs_run": 5}
    assert r.best.status == "ok" and r.pruned == bad
    assert "pruned" in (tmp_path / "s.jsonl").read_text()


def test_median_rule_needs_min_trials_and_respects_direction():
    rule = MedianStoppingRule(grace_period=0, min_trials=2)
    rule.record(Trial(index=0, config={}, score=1.0, history=[[0, 1.0]]))
    assert rule.snapshot(maximize=False).check(0, 50.0, 1) is None  # one trial: no median yet
    rule.record(Trial(index=1, config={}, score=3.0, history=[[0, 3.0]]))
    rule.record(Trial(index=2, config={}, status="failed", history=[[0, 99.0]]))  # ignored
    assert rule.medians() == {0: 2.0}
    low, high = rule.snapshot(False), rule.snapshot(True)
    assert low.check(0, 2.5, 1) and not low.check(0, 1.5, 1)
    assert high.check(0, 1.5, 1) and not high.check(0, 2.5, 1)
    assert low.check(0, float("nan"), 1)
    assert low.check(1, 100.0, 1) is None  # no finished trial reported epoch 1
    with pytest.raises(ValueError):
        MedianStoppingRule(min_trials=0)


def test_early_stopping_true_uses_the_default_rule_and_prunes_in_a_real_search():
    space = {"final": Uniform(0.0, 2.0), "epochs": 6}
    r = random_search(toy.learning_curve, space, 20, seed=1, early_stopping=True)
    assert r.pruned, "with 20 trials some fall behind the median"
    for t in r.pruned:
        assert 2 <= len(t.history) < 6
    assert r.best.status == "ok"
    assert r.best.score == min(t.score for t in r.trials if t.status == "ok")


def test_reporter_raises_trial_pruned_and_forwards_events():
    events = []

    class Sink:
        put = events.append

    class Always:
        def check(self, epoch, score, n):
            return "behind" if n > 1 else None

    rep = Reporter(7, stopper=Always(), sink=Sink())
    rep.report(0, 1.0, acc=0.5)
    with pytest.raises(TrialPruned, match="trial 7 pruned at epoch 1: behind"):
        rep.report(1, 2.0)
    assert events == [("epoch", 7, 0, 1.0, {"acc": 0.5}), ("epoch", 7, 1, 2.0, {})]
    with pytest.raises(TypeError):
        Reporter(0).report(0, "bad")


def test_objective_gets_a_reporter_only_when_it_takes_one():
    def one(config): ...
    def two(config, reporter): ...
    def named(config, *, reporter=None): ...
    def opt(config, verbose=False): ...
    assert not accepts_reporter(one) and accepts_reporter(two) and accepts_reporter(named)
    assert not accepts_reporter(opt)


class Recorder(Callback):
    def __init__(self):
        self.calls = []

    def on_search_start(self, n_trials, n_done):
        self.calls.append(("start", n_trials, n_done))

    def on_trial_start(self, index, config):
        self.calls.append(("trial_start", index))

    def on_epoch(self, index, epoch, score, metrics):
        self.calls.append(("epoch", index, epoch))

    def on_trial_end(self, trial):
        self.calls.append(("trial_end", trial.index, trial.status))

    def on_search_end(self, result):
        self.calls.append(("end", len(result.trials)))


def test_callbacks_see_every_event_serially():
    rec = Recorder()
    random_search(toy.learning_curve, {"final": Uniform(0, 1), "epochs": 2}, 2, seed=0,
                  callbacks=[rec])
    assert rec.calls == [
        ("start", 2, 0),
        ("trial_start", 0), ("epoch", 0, 0), ("epoch", 0, 1), ("trial_end", 0, "ok"),
        ("trial_start", 1), ("epoch", 1, 0), ("epoch", 1, 1), ("trial_end", 1, "ok"),
        ("end", 2),
    ]


def test_epoch_events_reach_callbacks_from_worker_processes():
    rec = Recorder()
    r = random_search(toy.learning_curve, {"final": Uniform(0, 1), "epochs": 3}, 4, seed=0,
                      n_jobs=2, callbacks=[rec])
    epochs = sorted(c[1:] for c in rec.calls if c[0] == "epoch")
    assert epochs == [(i, e) for i in range(4) for e in range(3)]
    assert [c for c in rec.calls if c[0] == "trial_end"] and rec.calls[-1] == ("end", 4)
    assert all(t.status == "ok" for t in r.trials)


def test_live_progress_prints_plain_lines_without_tqdm():
    out = io.StringIO()
    progress = LiveProgress(stream=out, use_tqdm=False)
    random_search(toy.learning_curve, {"final": Uniform(0, 1), "epochs": 2}, 3, seed=0,
                  callbacks=[progress])
    text = out.getvalue()
    assert "[tune] 3/3 trial 2 score=" in text and "epoch 1" in text and "best=" in text


def test_live_progress_with_tqdm():
    pytest.importorskip("tqdm", reason="tqdm is an optional extra")
    out = io.StringIO()
    random_search(toy.flaky, {"lr": Uniform(0.01, 0.5)}, 4, seed=0,
                  callbacks=[LiveProgress(stream=out, use_tqdm=True)])
    assert "4/4" in out.getvalue()
