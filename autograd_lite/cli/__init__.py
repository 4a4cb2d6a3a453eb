"""``autograd-lite`` (also ``python -m autograd_lite``): one subcommand a module.

Each subcommand module has ``add_parser(subparsers)`` that registers its flags and sets
``func``; the heavy imports happen inside the command, so ``--help`` stays fast.
"""
import argparse
import sys

from . import bench_command, gradcheck_command, train_command, tune_command

COMMANDS = [train_command, gradcheck_command, bench_command, tune_command]


def build_parser():
    parser = argparse.ArgumentParser(
        prog="autograd-lite", description="A small autodiff framework: train, check, benchmark, tune.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
