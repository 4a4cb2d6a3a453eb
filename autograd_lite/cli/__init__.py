"""``autograd-lite`` (also ``python -m autograd_lite``): one subcommand a module.

Each subcommand module has ``add_parser(subparsers)`` that registers its flags and sets
``func``; the heavy imports happen inside the command, so ``--help`` stays fast.

Bad input has one path: a command raises ``UsageError`` (``errors.py``; the train and tune
config errors derive from it) and ``main`` prints one line and returns 2; a bad flag is
reported the same way by ``_Parser.error``. No command catches its own usage errors.
"""
import argparse
import sys

from . import bench_command, gradcheck_command, train_command, tune_command
from .errors import UsageError

COMMANDS = [train_command, gradcheck_command, bench_command, tune_command]


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (no usage block), exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser():
    parser = _Parser(
        prog="autograd-lite", description="A small autodiff framework: train, check, benchmark, tune.")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except UsageError as exc:
        print(f"autograd-lite {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
