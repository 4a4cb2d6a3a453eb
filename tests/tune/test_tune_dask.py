"""Caviar on a real distributed engine: a Dask LocalCluster on loopback, started and closed here."""
import pytest

from autograd_lite.tune import IntUniform, LogUniform, OneMinusLogUniform, random_search
from autograd_lite.tune import toy

distributed = pytest.importorskip(
    "distributed", reason="dask[distributed] is not installed (optional 'distributed' extra)")

SPACE = {"lr": LogUniform(1e-4, 10), "beta": OneMinusLogUniform(0.9, 0.999),
         "hidden": IntUniform(8, 64)}


def test_dask_local_cluster_gives_serial_results():
    serial = random_search(toy.flaky, SPACE, 8, seed=11)
    # real TCP comms on loopback; workers in this process keep the test fast
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = random_search(toy.flaky, SPACE, 8, seed=11, executor=client)
        # early stopping submits only as many trials as the cluster has threads
        pruned = random_search(toy.learning_curve, {"final": OneMinusLogUniform(0.1, 0.9)}, 6,
                               seed=0, executor=client, early_stopping=True)
    assert [(t.index, t.config, t.score, t.status, t.error) for t in on_dask.trials] == [
        (t.index, t.config, t.score, t.status, t.error) for t in serial.trials]
    assert any(t.status == "failed" for t in on_dask.trials)
    assert len(pruned.trials) == 6


def test_executor_and_n_jobs_are_exclusive():
    with pytest.raises(ValueError, match="not both"):
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as ex:
            random_search(toy.flaky, SPACE, 2, seed=0, executor=ex, n_jobs=2)
