"""Command line: ``python -m posenc_ref <command>``.

Each command is a function that adds its sub-parser to the parser; :data:`COMMANDS` lists them.
Commands use only the public API. Errors print one line to stderr and exit with status 2 (bad
input) or 1 (other failures), never a traceback.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable, Sequence

import numpy as np

import posenc_ref


class CommandError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


def _parse_positions(text: str) -> range | list[int]:
    """``"8"`` -> range(8); ``"3:7"`` -> range(3, 7); ``"0,5,9"`` -> [0, 5, 9]."""
    try:
        if "," in text:
            out: range | list[int] = [int(t) for t in text.split(",")]  # "1,,2" is an error
        elif ":" in text:
            parts = [int(t) for t in text.split(":")]
            if len(parts) not in (2, 3):
                raise ValueError
            out = range(*parts)
        else:
            out = range(int(text))
    except ValueError:
        raise CommandError(
            "--positions must be a count N, a range START:STOP[:STEP] or a list A,B,C; "
            f"got {text!r}"
        ) from None
    if not out:  # bool, not len(): len() of a range beyond 2**63 overflows
        raise CommandError(f"--positions {text!r} gives no position (N must be > 0, STOP > START)")
    return out


def write_table(table: np.ndarray, fmt: str, output: str | None, precision: int = 6) -> None:
    """Write a table as aligned text, CSV or .npy (to ``output`` or stdout)."""
    if fmt == "npy":
        if output is None:
            raise CommandError("--format npy needs --output PATH (binary data is not printed)")
        np.save(output, table)
        return
    buf = io.StringIO()
    if fmt == "csv":
        np.savetxt(buf, table, delimiter=",", fmt="%.17g" if table.dtype == np.float64 else "%.9g")
    else:
        with np.printoptions(precision=precision, suppress=True, linewidth=160, threshold=10**9):
            buf.write(np.array2string(table) + "\n")
    text = buf.getvalue()
    if output is None:
        sys.stdout.write(text)
    else:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)


def _add_table(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("table", help="print a sinusoidal position-encoding table")
    p.add_argument(
        "--d-model", type=int, required=True, help="width (even, except for some --convention)"
    )
    p.add_argument("--positions", default="8", help="N, START:STOP[:STEP] or A,B,C (default 8)")
    p.add_argument("--base", type=float, default=None, help="default 10000")
    p.add_argument("--layout", default=None, help="interleaved (default), sin|cos or cos|sin")
    p.add_argument("--dtype", default=None, help="float64 (default), float32 or float16")
    p.add_argument("--convention", help="a named convention (see the Conventions page)")
    p.add_argument("--format", choices=("text", "csv", "npy"), default="text")
    p.add_argument("--output", help="write to this file instead of stdout")
    p.set_defaults(run=_run_table)


def _run_table(args: argparse.Namespace) -> None:
    if args.convention is not None:
        from . import cli_conventions

        cli_conventions.run_table(args)
        return
    table = posenc_ref.sinusoidal(
        _parse_positions(args.positions),
        args.d_model,
        base=10000.0 if args.base is None else args.base,
        layout="interleaved" if args.layout is None else args.layout,
        dtype="float64" if args.dtype is None else args.dtype,
    )
    write_table(table, args.format, args.output)


def _add_accuracy(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "accuracy",
        help="measure the reference against mpmath: max ulp error per dtype and position band",
    )
    p.add_argument("--d-model", type=int, default=512)
    p.add_argument("--base", type=float, default=10000.0)
    p.add_argument("--per-band", type=int, default=12, help="random positions per band")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=_run_accuracy)


def _run_accuracy(args: argparse.Namespace) -> None:
    from posenc_ref import precision

    rows = precision.accuracy_report(
        args.d_model, base=args.base, per_band=args.per_band, seed=args.seed
    )
    print(precision.format_report(rows))


def _add_identify(sub: argparse._SubParsersAction) -> None:
    from . import cli_conventions

    cli_conventions.add_identify(sub)


def _add_bench(sub: argparse._SubParsersAction) -> None:
    from posenc_ref import bench  # its own module: timing code stays out of the CLI

    bench.add_parser(sub)


#: Sub-command registrations, in the order ``--help`` lists them.
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_table,
    _add_accuracy,
    _add_identify,
    _add_bench,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m posenc_ref",
        description="posenc reference: sinusoidal position-encoding tables and checks",
    )
    parser.add_argument("--version", action="version", version=posenc_ref.__version__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
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
    except KeyboardInterrupt:
        return 130
    return 0
