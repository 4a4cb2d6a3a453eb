"""``autograd_lite.train``: the engine behind ``autograd-lite train``.

- ``TrainConfig`` (config.py): every setting, from flags or a TOML/JSON file, validated before
  training (``ConfigError``).
- ``build_mlp`` (model.py): Linear → [BatchNorm1d] → activation → [Dropout] per hidden layer,
  initialised with zeros / random×scale / He / Xavier; ``build_cnn``: two 3×3 conv +
  BatchNorm2d blocks and a max pool before those layers (``model = "cnn"``, image data).
- ``train`` (loop.py): mini-batches, gd/momentum/rmsprop/adam, learning-rate decay, L2,
  metrics per epoch, progress bar, checkpoints, bit-for-bit ``resume``, Ctrl-C.
- report.py: the accuracy table, the bias/variance verdict, metrics.json and the plots.
- ``objective``: a training run as an ``al.tune`` objective (score: dev accuracy, maximise).

```python
from autograd_lite.train import TrainConfig, train
result = train(TrainConfig(dataset="moons", hidden=(16, 8), epochs=50, out="runs/moons"))
result.final["test"]["accuracy"]
```
"""
from .config import ConfigError, TrainConfig, load_config_file
from .loop import TrainResult, fit, make_optimizer, make_scheduler, run_epoch, train
from .model import build_cnn, build_mlp, build_model, evaluate, init_linear_, loss_fn, predict
from .report import Verdict, verdict

__all__ = ["ConfigError", "TrainConfig", "load_config_file", "TrainResult", "train", "fit",
           "run_epoch", "make_optimizer", "make_scheduler", "build_mlp", "build_cnn", "build_model",
           "init_linear_", "loss_fn", "predict", "evaluate", "Verdict", "verdict", "objective"]


def objective(config, reporter=None, **fixed):
    """One training run as a tuning objective: ``config`` holds ``TrainConfig`` settings
    (e.g. ``{"lr": 0.003, "dropout": 0.3, "epochs": 10}``); ``fixed`` are settings shared by
    every trial (the tune config's ``objective_args``), which the sampled ones override;
    nothing is written to disk.
    Returns ``{"score": dev accuracy, ...}`` (search with ``maximize: true``). With an
    ``al.tune`` reporter, the dev accuracy is reported after every epoch (for live progress
    and early stopping)."""
    settings = {**fixed, **config}
    settings.update(out=None, progress=False, plots=False, resume=False)
    cfg = TrainConfig.from_dict(settings, source="objective config")

    def report_epoch(epoch, row, state):
        if reporter is not None:
            reporter.report(epoch, row["dev_acc"], train_acc=row["train_acc"], loss=row["loss"])

    result = train(cfg, callback=report_epoch, log=None, report=False)
    from .report import finish
    finish(result, log=None, write=False)
    return {"score": result.final["dev"]["accuracy"],
            "train_accuracy": result.final["train"]["accuracy"],
            "dev_accuracy": result.final["dev"]["accuracy"],
            "dev_loss": result.final["dev"]["loss"],
            "epochs": result.epochs_run, "run_status": result.status,
            "verdict": result.verdict.kind}
