"""``table``: print a sinusoidal table, the reference's or a named convention's."""

from __future__ import annotations

import argparse

import posenc_ref

from ._common import CommandError, add_command, parse_positions, write_table


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "table",
        summary="print a sinusoidal position-encoding table",
        description="Print the table PE(p, 2i) = sin(p w_i), PE(p, 2i+1) = cos(p w_i), "
        "w_i = base**(-2i/d), one row per position: the reference's (float32/float16 correctly "
        "rounded, float64 faithful) or, with --convention, a framework's own.",
        example="table --d-model 8 --positions 4 --dtype float32",
    )
    p.add_argument(
        "--d-model", type=int, required=True, help="width (even, except for some --convention)"
    )
    p.add_argument("--positions", default="8", help="N, START:STOP[:STEP] or A,B,C")
    p.add_argument("--base", type=float, default=None, help="base of the frequencies (10000)")
    p.add_argument("--layout", default=None, help="interleaved (default), sin|cos or cos|sin")
    p.add_argument("--dtype", default=None, help="float64 (default), float32 or float16")
    p.add_argument(
        "--convention",
        help="a named framework convention (PRESETS, see the Conventions page); it fixes "
        "layout and base, and the dtype defaults to the framework's",
    )
    p.add_argument(
        "--format", choices=("text", "csv", "npy"), default="text", help="how the table is written"
    )
    p.add_argument("--output", help="write to this file instead of stdout (npy needs it)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    positions = parse_positions(args.positions)
    if args.convention is not None:
        _run_convention(args, positions)
        return
    table = posenc_ref.sinusoidal(
        positions,
        args.d_model,
        base=10000.0 if args.base is None else args.base,
        layout="interleaved" if args.layout is None else args.layout,
        dtype="float64" if args.dtype is None else args.dtype,
    )
    write_table(table, args.format, args.output)


def _run_convention(args: argparse.Namespace, positions: range | list[int]) -> None:
    """``table --convention NAME``: the preset's table, in its own dtype unless --dtype is given."""
    from posenc_ref.conventions import get

    conv = get(args.convention)
    if args.layout is not None or args.base is not None:
        raise CommandError(
            "--convention fixes the layout and base; drop --layout / --base (or drop --convention)"
        )
    table = conv.table(positions, args.d_model)
    if args.dtype is not None:
        if args.dtype not in ("float16", "float32", "float64"):
            raise CommandError(f"--dtype must be float16, float32 or float64; got {args.dtype!r}")
        table = table.astype(args.dtype)
    write_table(table, args.format, args.output)
