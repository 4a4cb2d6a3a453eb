"""``autograd-lite tune CONFIG``: random / coarse-to-fine hyperparameter search
(``autograd_lite.tune.cli``). To tune training runs, point the config's objective at
``autograd_lite.train:objective`` (score: dev accuracy, so set ``"maximize": true``)."""
from .errors import UsageError


def add_parser(subparsers):
    from ..tune.cli import add_tune_subcommand

    parser = add_tune_subcommand(subparsers)
    parser.set_defaults(func=run)
    return parser


def run(args):
    """``autograd_lite.tune`` imports nothing of the rest of the package, so its ConfigError
    is turned into the CLI's UsageError here (one line, exit status 2, from cli.main)."""
    from ..tune.cli import ConfigError, tune_command

    try:
        return tune_command(args)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
