"""``autograd-lite tune CONFIG``: random / coarse-to-fine hyperparameter search
(``autograd_lite.tune.cli``). To tune training runs, point the config's objective at
``autograd_lite.train:objective`` (score: dev accuracy, so set ``"maximize": true``)."""


def add_parser(subparsers):
    from ..tune.cli import add_tune_subcommand

    return add_tune_subcommand(subparsers)
