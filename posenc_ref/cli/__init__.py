"""Command line: ``python -m posenc_ref <command>``.

One module per sub-command (:mod:`.table`, :mod:`.identify`, :mod:`.check`, :mod:`.accuracy`,
:mod:`.bench`),
each with ``add_parser(sub)``; :data:`COMMANDS` lists them in the order ``--help`` shows.
Commands use only the public API. Every error prints one line to stderr and exits with status
2 (bad input) or 1 (other failures), never a traceback; argparse's own errors too.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import posenc_ref

from . import accuracy, bench, check, identify, table
from ._common import CommandError, Parser

__all__ = ["COMMANDS", "CommandError", "build_parser", "main"]

#: The sub-command modules, in the order ``--help`` lists them.
COMMANDS = (table, identify, check, accuracy, bench)


def build_parser() -> Parser:
    """The argument parser of ``python -m posenc_ref``."""
    parser = Parser(
        prog="python -m posenc_ref",
        description="posenc reference: sinusoidal position-encoding tables and checks. "
        "Run 'python -m posenc_ref COMMAND --help' for a command's options and an example.",
    )
    parser.add_argument("--version", action="version", version=posenc_ref.__version__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except (CommandError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except OverflowError as exc:
        print(f"error: number too large: {exc}", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: out of memory: the requested table is too large", file=sys.stderr)
        return 2
    except RecursionError:
        print("error: input nested too deeply", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
