"""``bench``: time the reference against textbook formulas and two floors."""

from __future__ import annotations

import argparse
import json
import sys

from ._common import add_command


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "bench",
        summary="time the reference against textbook formulas and floors",
        description="Time posenc_ref.sinusoidal (float32, float64), the textbook formula of the "
        "PyTorch tutorial in NumPy (and in torch if installed) and two floors (sin+cos over an "
        "angle grid; allocating and filling the table), for 8192x1024 and 131072x512 tables "
        "(--quick: 512x64 and 2048x128). Prints Markdown tables: median times, ratios to the "
        "floors, peak memory, max ulp error against mpmath, and a complete check of the float32 "
        "table. Progress goes to stderr as it runs.",
        example="bench --quick",
    )
    p.add_argument("--quick", action="store_true", help="small tables, one repeat: seconds")
    p.add_argument("--repeat", type=int, help="timed runs per method (default 5; quick: 1)")
    p.add_argument("--json", metavar="FILE", help="also write the result as JSON to FILE")
    p.add_argument("--markdown", metavar="FILE", help="also write the Markdown tables to FILE")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    from posenc_ref import bench

    repeat = args.repeat if args.repeat is not None else (1 if args.quick else 5)
    if repeat < 1:
        raise ValueError(f"--repeat must be >= 1; got {repeat}")
    sizes = bench.QUICK_SIZES if args.quick else bench.SIZES

    def progress(line: str) -> None:
        print(f"bench: {line}", file=sys.stderr, flush=True)

    result = bench.run(
        sizes=sizes, repeat=repeat, sample_rows=4 if args.quick else 8, progress=progress
    )
    text = bench.markdown(result)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=1)
            fh.write("\n")
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(text)
    print(text)
