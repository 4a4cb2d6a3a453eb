"""The training loop: mini-batches, the optimizer and its schedule, L2, metrics per epoch,
a progress bar, checkpoints, ``--resume`` bit for bit, and a clean stop on Ctrl-C.

A checkpoint (``<out>/checkpoint.npz``, written with ``al.save``) holds everything the next
epoch depends on: the model's parameters and BatchNorm buffers, the optimizer's state (Adam's
moments and step count), the scheduler's epoch, the framework generator's state (the dropout
masks to come), the loader's epoch (its next permutation), the history so far and the config.
Resuming rebuilds the run from the config, loads all of that, and carries on: the result is
identical, bit for bit, to a run that was never stopped.

At the end of every epoch the loop keeps such a snapshot in memory; Ctrl-C (KeyboardInterrupt)
in the middle of an epoch writes the snapshot of the last finished epoch, so the file is always
a consistent state that ``--resume`` continues exactly.
"""
from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from .. import get_rng_state, load, manual_seed, optim, save, set_rng_state, tensor
from ..serialization import CheckpointError
from ..data import DataLoader, TensorDataset
from ..compile import compile as compile_fn
from ..nn.utils import l2_penalty
from .config import COMPILE_MIN_STEPS, ConfigError, TrainConfig
from .data import Splits, splits_for
from .model import build_model, evaluate, loss_fn

__all__ = ["train", "TrainResult", "make_optimizer", "make_scheduler", "run_epoch", "fit",
           "CHECKPOINT_NAME", "read_checkpoint_config"]

CHECKPOINT_NAME = "checkpoint.npz"
CHECKPOINT_FORMAT = "autograd_lite.train"
HISTORY_KEYS = ("epoch", "loss", "train_loss", "dev_loss", "train_acc", "dev_acc", "lr")
CHECKPOINT_KEYS = ("config", "epoch", "model", "optimizer", "scheduler", "rng", "loader",
                   "history")
RUN_FILES = (CHECKPOINT_NAME, "metrics.json")  # a folder holding one of these holds a run
# Divergence: an epoch's mean cost that is not finite, or above DIVERGENCE_FACTOR times the
# untrained network's cost on the training set (measured before the first epoch). The
# reference is the untrained cost, not the first epoch's, because a diverging step can make the
# first epoch's cost the huge one; the factor is large because a badly scaled initialisation
# (init "random") starts high and is still a run that learns.
DIVERGENCE_FACTOR = 1e3


@dataclass
class TrainResult:
    config: TrainConfig
    model: object
    splits: Splits
    history: dict
    epochs_run: int
    status: str = "finished"            # finished | interrupted | diverged
    final: dict = field(default_factory=dict)   # accuracies (and losses) of the trained model
    verdict: object = None
    seconds: float = 0.0
    checkpoint: str | None = None
    files: dict = field(default_factory=dict)

    @property
    def interrupted(self):
        return self.status == "interrupted"


# ---- building blocks --------------------------------------------------------------------
def make_optimizer(cfg, parameters):
    """The course's optimizers: gd (plain mini-batch gradient descent), momentum
    (``v = βv + (1−β)dW``, the course's form), rmsprop, adam."""
    params = list(parameters)
    if cfg.optimizer == "gd":
        return optim.SGD(params, lr=cfg.lr)
    if cfg.optimizer == "momentum":
        return optim.SGD(params, lr=cfg.lr, momentum=cfg.beta, dampening=cfg.beta)
    if cfg.optimizer == "rmsprop":
        return optim.RMSprop(params, lr=cfg.lr, alpha=cfg.beta, eps=cfg.eps)
    if cfg.optimizer == "adam":
        return optim.Adam(params, lr=cfg.lr, betas=(cfg.beta, cfg.beta2), eps=cfg.eps)
    raise ConfigError(f"optimizer: unknown optimizer {cfg.optimizer!r}")


def make_scheduler(cfg, optimizer):
    """The learning-rate schedule, or None. ``scheduler.per_step`` says whether it is stepped
    after every mini-batch (``inverse_sqrt_step``) or once per epoch (the others)."""
    s = optim.lr_scheduler
    p = cfg.schedule_param
    if cfg.schedule == "none":
        return None
    if cfg.schedule == "inverse_time":
        return s.InverseTimeDecay(optimizer, decay_rate=p)
    if cfg.schedule == "exponential":
        return s.ExponentialLR(optimizer, gamma=p)
    if cfg.schedule == "inverse_sqrt":
        return s.InverseSqrtDecay(optimizer, k=p)
    if cfg.schedule == "inverse_sqrt_step":
        return s.InverseSqrtDecay(optimizer, k=p, per_step=True)
    if cfg.schedule == "step":
        return s.StepLR(optimizer, step_size=cfg.step_size, gamma=p)
    if cfg.schedule == "cosine":
        return s.CosineAnnealingLR(optimizer, T_max=cfg.epochs, eta_min=p * cfg.lr)
    raise ConfigError(f"schedule: unknown schedule {cfg.schedule!r}")


def _per_step(scheduler):
    return bool(getattr(scheduler, "per_step", False))


def make_step(model, optimizer, l2=0.0, m=None, compiled=False):
    """One training step ``cost = step(xb, yb)``: forward, cost (+ the course's L2 term over
    ``m`` training examples), backward, update; replayed by ``al.compile`` if ``compiled``."""
    def step(xb, yb):
        cost = loss_fn(model(xb), yb)
        if l2:
            cost = cost + l2_penalty(model, l2, m)
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
        return cost
    return compile_fn(step) if compiled else step


def run_epoch(model, loader, optimizer, l2=0.0, m=None, scheduler=None, step=None):
    """One pass over ``loader``: forward, cost (+ the course's L2 term over ``m`` training
    examples), backward, update. A per-step scheduler is stepped after every update.
    Returns the mean mini-batch cost (weighted by batch size)."""
    model.train()
    total, count = 0.0, 0
    per_step = scheduler is not None and _per_step(scheduler)
    if step is None:
        step = make_step(model, optimizer, l2, m)
    for xb, yb in loader:
        cost = step(xb, yb)
        if per_step:
            scheduler.step()
        n = yb.shape[0]
        total += float(cost.item()) * n
        count += n
    return total / max(count, 1)


def make_loader(X, y, batch_size, seed, batchnorm):
    """Shuffled mini-batches (``batch_size`` 0: the whole set), a new order every epoch that
    depends only on (seed, epoch). With batch norm a last batch of one sample is dropped (a
    batch of one cannot be normalised with its own statistics)."""
    n = len(y)
    size = n if batch_size == 0 else min(batch_size, n)
    drop_last = bool(batchnorm and n % size == 1)
    return DataLoader(TensorDataset(tensor(X), tensor(y)), batch_size=size, shuffle=True,
                      drop_last=drop_last, seed=seed)


def fit(model, X, y, optimizer, epochs, batch_size=64, l2=0.0, scheduler=None, seed=0,
        batchnorm=False, every=None, callback=None, compile=False):  # noqa: A002
    """A bare training loop for experiments: ``epochs`` passes of :func:`run_epoch`; the
    epoch scheduler (if any) is stepped after each. Returns the list of mean costs per epoch
    (stops early, returning what it has, once a cost is not finite). ``callback(epoch, cost)``
    is called every ``every`` epochs. ``compile``: replay the step with ``al.compile``."""
    loader = make_loader(X, y, batch_size, seed, batchnorm)
    step = make_step(model, optimizer, l2, len(y), compiled=compile)
    costs = []
    for epoch in range(epochs):
        cost = run_epoch(model, loader, optimizer, l2, len(y), scheduler, step)
        costs.append(cost)
        if scheduler is not None and not _per_step(scheduler):
            scheduler.step()
        if not math.isfinite(cost):
            break
        if callback is not None and every and (epoch + 1) % every == 0:
            callback(epoch + 1, cost)
    return costs


# ---- checkpoints ------------------------------------------------------------------------
def _snapshot(cfg, epoch, model, optimizer, scheduler, loader, history, splits):
    """Everything the next epoch depends on, as copies (later steps do not change it)."""
    return {
        "format": CHECKPOINT_FORMAT, "version": 1,
        "config": json.dumps(cfg.to_dict(), sort_keys=True),
        "epoch": int(epoch),
        "model": {k: np.array(v.numpy(), copy=True) for k, v in model.state_dict().items()},
        "optimizer": optimizer.state_dict(),
        "scheduler": None if scheduler is None else scheduler.state_dict(),
        "rng": get_rng_state(),
        "loader": loader.state_dict(),
        "history": {k: list(v) for k, v in history.items()},
        "normalisation": {"mean": splits.mean.copy(), "std": splits.std.copy()},
    }


def _read_checkpoint(path):
    """The checkpoint at ``path``; a damaged or foreign file raises ``ConfigError``."""
    advice = "start the run over with --overwrite, or use another --out"
    try:
        ckpt = load(path)
    except (CheckpointError, OSError) as exc:
        raise ConfigError(f"resume: cannot read {path}: {exc}; {advice}") from None
    if not isinstance(ckpt, dict) or ckpt.get("format") != CHECKPOINT_FORMAT:
        raise ConfigError(f"resume: {path} is not a training checkpoint of autograd-lite "
                          f"train; {advice}")
    missing = [k for k in CHECKPOINT_KEYS if k not in ckpt]
    if missing:
        raise ConfigError(f"resume: {path} lacks {', '.join(missing)}; {advice}")
    return ckpt


def read_checkpoint_config(path):
    """The config (a dict) a checkpoint was trained with."""
    return json.loads(_read_checkpoint(path)["config"])


def _compiles(cfg, epoch, loader):
    """Whether to replay the step with ``al.compile``: ``cfg.compile`` when set, else whether
    the steps left (epochs × batches) reach ``COMPILE_MIN_STEPS`` (results are the same bits
    either way; only the time differs)."""
    if cfg.compile is not None:
        return cfg.compile
    return (cfg.epochs - epoch) * len(loader) >= COMPILE_MIN_STEPS


def _check_resumable(cfg, saved):
    """The settings that shape the run must match the checkpoint's."""
    mine = cfg.to_dict()
    diffs = [f"{k}: checkpoint {saved.get(k)!r}, now {mine[k]!r}" for k in mine
             if k not in TrainConfig.RESUMABLE_CHANGES and saved.get(k) != mine[k]]
    if diffs:
        raise ConfigError("cannot resume: these settings differ from the checkpoint's ("
                          + "; ".join(diffs) + "). Only " + ", ".join(
                              TrainConfig.RESUMABLE_CHANGES) + " may change on --resume; "
                          "use another output folder for a different run")


def prepare_out(cfg):
    """Make ``cfg.out`` ready before any work, or raise ``ConfigError``: it must be a folder
    (or creatable as one) that this process can write, and must not hold another run unless
    ``resume`` (continue it) or ``overwrite`` (replace it) is set. Writability is probed by
    creating a file, since permission bits do not tell (root ignores them)."""
    import tempfile

    out = os.fspath(cfg.out)
    if os.path.exists(out) and not os.path.isdir(out):
        raise ConfigError(f"out: {out} is a file, not a folder; give a folder for the run")
    try:
        os.makedirs(out, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=out)
        os.close(fd)
        os.remove(probe)
    except OSError as exc:
        raise ConfigError(f"out: cannot write to {out} ({exc.strerror}); give a folder you "
                          f"can write") from None
    held = [name for name in RUN_FILES if os.path.exists(os.path.join(out, name))]
    if held and not (cfg.resume or cfg.overwrite):
        raise ConfigError(f"out: {out} already holds a run ({', '.join(held)}); continue it "
                          f"with --resume, replace it with --overwrite, or use another --out")


def _diverged(cost, reference):
    """The divergence rule (see DIVERGENCE_FACTOR)."""
    return not math.isfinite(cost) or (reference is not None
                                       and cost > DIVERGENCE_FACTOR * reference)


# ---- progress ---------------------------------------------------------------------------
class _Progress:
    """A tqdm bar over epochs when tqdm is installed and wanted; else one plain line per epoch
    through ``log``; nothing when ``log`` is None."""

    def __init__(self, total, initial, log, use_bar):
        self.log, self.total, self.bar = log, total, None
        if log is not None and use_bar:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self.bar = tqdm(total=total, initial=initial, desc="train", unit="epoch",
                                dynamic_ncols=True, leave=True, file=sys.stderr)

    def update(self, row):
        text = (f"loss {row['loss']:.4f}  train {row['train_acc']:.2%}  dev {row['dev_acc']:.2%}"
                f"  lr {row['lr']:.3g}")
        if self.bar is not None:
            self.bar.set_postfix_str(text, refresh=False)
            self.bar.update(1)
        elif self.log is not None:
            width = len(str(self.total))
            self.log(f"epoch {row['epoch']:>{width}}/{self.total}  {text}")

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


# ---- the run ----------------------------------------------------------------------------
def train(cfg: TrainConfig, callback=None, log=print, report=True) -> TrainResult:
    """Train the MLP that ``cfg`` describes and, when ``cfg.out`` is set, write checkpoints,
    ``metrics.json``, ``curves.png`` (and ``boundary.png`` for 2-D data) there.

    ``callback(epoch, row, state)`` runs after each epoch (``row`` holds that epoch's metrics;
    ``state`` has ``model``, ``optimizer``, ``scheduler``); it may raise KeyboardInterrupt to
    stop the run as Ctrl-C would. ``log`` receives the printed lines (None: silent).
    ``report=False`` skips the final table and files. Raises ``ConfigError`` for a bad config,
    before any training.
    """
    cfg.validate()
    started = time.perf_counter()
    ckpt_path = None
    if cfg.out is not None:
        ckpt_path = os.path.join(os.fspath(cfg.out), CHECKPOINT_NAME)
        if cfg.resume and not os.path.isfile(ckpt_path):
            raise ConfigError(f"resume: no checkpoint to resume from at {ckpt_path}")
    ckpt = None
    if cfg.resume:
        ckpt = _read_checkpoint(ckpt_path)
        _check_resumable(cfg, json.loads(ckpt["config"]))
    if cfg.out is not None:
        prepare_out(cfg)

    splits = splits_for(cfg)
    manual_seed(cfg.seed)
    model = build_model(cfg, splits.n_features, splits.n_classes)
    optimizer = make_optimizer(cfg, model.parameters())
    scheduler = make_scheduler(cfg, optimizer)
    loader = make_loader(splits.X_train, splits.y_train, cfg.batch_size, cfg.seed, cfg.batchnorm)
    m = len(splits.y_train)
    history = {k: [] for k in HISTORY_KEYS}
    epoch = 0
    if ckpt is not None:
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        if scheduler is not None:
            scheduler.load_state_dict(ckpt["scheduler"])
        loader.load_state_dict(ckpt["loader"])
        set_rng_state(ckpt["rng"])
        history = {k: [float(v) if k != "epoch" else int(v) for v in ckpt["history"][k]]
                   for k in HISTORY_KEYS}
        epoch = int(ckpt["epoch"])
        reference = ckpt.get("reference_loss")  # absent in older checkpoints: finite rule only
        if log is not None:
            log(f"resuming from {ckpt_path} after epoch {epoch} of {cfg.epochs}")

    else:
        reference = evaluate(model, splits.X_train, splits.y_train)[0]  # untrained cost

    def take_snapshot():
        snap = _snapshot(cfg, epoch, model, optimizer, scheduler, loader, history, splits)
        snap["reference_loss"] = reference
        return snap

    snapshot = take_snapshot()
    saved_epoch = epoch if ckpt is not None else None
    status = "finished"
    progress = _Progress(cfg.epochs, epoch, log, cfg.progress)
    state = {"model": model, "optimizer": optimizer, "scheduler": scheduler}
    step = make_step(model, optimizer, cfg.l2, m, compiled=_compiles(cfg, epoch, loader))
    try:
        while epoch < cfg.epochs:
            lr = float(optimizer.param_groups[0]["lr"])
            cost = run_epoch(model, loader, optimizer, cfg.l2, m, scheduler, step)
            if scheduler is not None and not _per_step(scheduler):
                scheduler.step()
            epoch += 1
            train_loss, train_acc = evaluate(model, splits.X_train, splits.y_train)
            dev_loss, dev_acc = evaluate(model, splits.X_dev, splits.y_dev)
            row = {"epoch": epoch, "loss": cost, "train_loss": train_loss, "dev_loss": dev_loss,
                   "train_acc": train_acc, "dev_acc": dev_acc, "lr": lr}
            for k in HISTORY_KEYS:
                history[k].append(row[k])
            snapshot = take_snapshot()
            progress.update(row)
            if _diverged(cost, reference):
                status = "diverged"
                break
            if ckpt_path and cfg.checkpoint_every and epoch % cfg.checkpoint_every == 0:
                save(snapshot, ckpt_path)
                saved_epoch = epoch
            if callback is not None:
                callback(epoch, row, state)
    except KeyboardInterrupt:
        progress.close()
        status = "interrupted"
        done = snapshot["epoch"]
        if ckpt_path:
            save(snapshot, ckpt_path)
            saved_epoch = done
            msg = (f"interrupted: saved the state after epoch {done} of {cfg.epochs} to "
                   f"{ckpt_path}; run the same command with --resume to continue")
        else:
            msg = f"interrupted after epoch {done} of {cfg.epochs} (no output folder: nothing saved)"
        if log is not None:
            log(msg)
        return TrainResult(cfg, model, splits, history, done, status=status,
                           seconds=time.perf_counter() - started,
                           checkpoint=ckpt_path if saved_epoch is not None else None)
    finally:
        progress.close()

    if status == "diverged" and log is not None:
        cost = history["loss"][-1]
        why = ("not finite" if not math.isfinite(cost) else
               f"over {DIVERGENCE_FACTOR:g}x the untrained network's {reference:.4g}")
        log(f"diverged at epoch {epoch}: the cost is {cost:.4g}, {why} (try a smaller lr)")
    if ckpt_path and saved_epoch != snapshot["epoch"]:
        save(snapshot, ckpt_path)
    result = TrainResult(cfg, model, splits, history, epoch, status=status,
                         seconds=time.perf_counter() - started, checkpoint=ckpt_path)
    from .report import finish
    finish(result, log=log if report else None, write=report)
    return result
