"""Small objectives with known answers, for tests, demos and ``autograd-lite tune`` dry runs.

They live in the package (not in tests/) so worker processes and Dask workers can import them
by name whatever pytest's import mode.
"""

from __future__ import annotations

import math
import os
import time

__all__ = ["log_lr_bowl", "flaky", "learning_curve", "slow_bowl", "thread_env_probe", "crash_when",
           "exit_when", "scaled"]


def log_lr_bowl(config):
    """(log10(lr) + 2.5)^2 (+ (1-beta)-term and hidden-unit term when present): minimum at
    lr = 10^-2.5, beta = 0.99, hidden = 64."""
    score = (math.log10(config["lr"]) + 2.5) ** 2
    if "beta" in config:
        score += (math.log10(1.0 - config["beta"]) + 2.0) ** 2
    if "hidden" in config:
        score += ((config["hidden"] - 64) / 64.0) ** 2
    return {"score": score, "lr": config["lr"]}


def flaky(config):
    """log_lr_bowl that raises ValueError when lr > 0.1, like a diverging run."""
    if config["lr"] > 0.1:
        raise ValueError(f"diverged at lr={config['lr']:.3g}")
    return log_lr_bowl(config)["score"]


def learning_curve(config, reporter):
    """A fake training run: loss_t = final + (1 - final) * 0.5^t over ``epochs`` epochs,
    reported each epoch; ``final`` comes from the config (a bad trial has a large one)."""
    final = float(config["final"])
    loss = 1.0
    for epoch in range(int(config.get("epochs", 5))):
        loss = final + (1.0 - final) * 0.5 ** (epoch + 1)
        reporter.report(epoch, loss)
        if config.get("sleep"):
            time.sleep(config["sleep"])
    return {"score": loss, "epochs_run": int(config.get("epochs", 5))}


def slow_bowl(config):
    """log_lr_bowl after sleeping ``config["sleep"]`` seconds (for parallel wall-time demos)."""
    time.sleep(float(config.get("sleep", 0.1)))
    return log_lr_bowl(config)["score"]


def thread_env_probe(config):
    """Returns the thread variables the trial saw (to test per-trial thread limits)."""
    return {
        "score": 0.0,
        "omp": os.environ.get("OMP_NUM_THREADS"),
        "numba": os.environ.get("NUMBA_NUM_THREADS"),
        "pid": os.getpid(),
    }


def crash_when(config):
    """Kills its worker process outright (no exception, no cleanup) when ``config["crash"]``:
    how a segfault or the out-of-memory killer looks to the search."""
    if config.get("crash"):
        os._exit(13)
    return float(config.get("x", 0.0))


def exit_when(config):
    """Calls ``sys.exit(3)`` when ``config["exit"]``: an objective (or a library it calls)
    that ends the process the polite way."""
    import sys

    if config.get("exit"):
        sys.exit(3)
    return float(config.get("x", 0.0))


def scaled(config, epochs=1):
    """``config["x"] * epochs``: an objective with an argument (the config's objective_args)."""
    return float(config["x"]) * epochs
