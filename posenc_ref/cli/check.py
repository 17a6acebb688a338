"""``check``: the conformance suite on a function (``module:function``) or on a saved table."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from typing import Any

from posenc_ref import conformance

from ._common import CommandError, add_command, load_positions, load_table, parse_positions


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "check",
        summary="check a position encoding against the site's claims (the conformance suite)",
        description="Run the conformance suite (posenc_ref.conformance) and print its report: "
        "one line per claim of the site (eq-pe, thm-shift, thm-dot, thm-norm, ...), with pass, "
        "warn, fail or skip and the numbers behind it. TARGET is MODULE:FUNCTION, a function "
        "fn(positions, d_model) returning the table (with --rope: apply_fn(x, positions) "
        "returning x rotated; MODULE may be a path to a .py file), or a saved table FILE "
        "(.npy, .npz, .csv). Exit status 0 when no claim failed, 1 when one did, 2 for bad "
        "input.",
        example="check mypackage.encoding:sinusoidal_table --d-models 64,512,63",
    )
    p.add_argument("target", help="MODULE:FUNCTION, PATH.py:FUNCTION or a table FILE")
    p.add_argument("--rope", action="store_true", help="the function applies RoPE: f(x, positions)")
    p.add_argument("--convention", help="the preset the table should follow (default: identified)")
    p.add_argument("--d-models", help="widths to ask for, comma-separated (default 64,512,63)")
    p.add_argument("--positions", help="N, START:STOP[:STEP] or A,B,C (default 256; --rope: 64)")
    p.add_argument("--strict", action="store_true", help="fail textbook float32 values")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--key", help="array name inside a .npz file")
    p.add_argument("--base", type=float, help="--rope: the base the RoPE should have")
    p.add_argument("--layout", help="--rope: interleaved or half (default: identified)")
    p.add_argument("--d-head", type=int, default=64, help="--rope: head width")
    p.add_argument("--dtype", default="float32", help="--rope: dtype of x")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    if os.path.exists(args.target):
        report = _check_file(args)
    elif ":" in args.target:
        report = _check_function(args, load_callable(args.target))
    else:
        raise CommandError(f"no such file: {args.target} (or give MODULE:FUNCTION)")
    print(report.to_json() if args.json else report)
    if not report.ok:
        raise SystemExit(1)


def _check_file(args: argparse.Namespace) -> conformance.Report:
    for option in ("rope", "d_models", "base", "layout"):
        if getattr(args, option) not in (None, False):
            flag = "--" + option.replace("_", "-")
            raise CommandError(f"{flag} applies to a function (MODULE:FUNCTION), not to a file")
    table = load_table(args.target, args.key)
    positions: Any = load_positions(args.target)
    if args.positions is not None:
        positions = parse_positions(args.positions)
    return conformance.check_table(
        table, convention=args.convention, positions=positions, strict=args.strict
    )


def _check_function(args: argparse.Namespace, fn: Any) -> conformance.Report:
    positions = None if args.positions is None else parse_positions(args.positions)
    if args.rope:
        if args.convention is not None or args.d_models is not None:
            raise CommandError("--convention and --d-models are for tables, not with --rope")
        return conformance.check_rope(
            fn,
            base=args.base,
            layout=args.layout,
            d_head=args.d_head,
            positions=64 if positions is None else positions,
            dtype=args.dtype,
            strict=args.strict,
        )
    return conformance.check_table(
        fn,
        convention=args.convention,
        d_models=None if args.d_models is None else _widths(args.d_models),
        positions=positions,
        strict=args.strict,
    )


def _widths(text: str) -> list[int]:
    try:
        return [int(t) for t in text.split(",")]
    except ValueError:
        raise CommandError(
            f"--d-models must be integers separated by commas; got {text!r}"
        ) from None


def load_callable(target: str) -> Any:
    """The object named by ``MODULE:NAME`` (``NAME`` may be dotted; ``MODULE`` may be a path to
    a ``.py`` file), imported with the current directory on ``sys.path``."""
    module_name, _, attr = target.rpartition(":")
    if not module_name or not attr:
        raise CommandError(f"TARGET must be MODULE:FUNCTION; got {target!r}")
    try:
        module = _import(module_name)
    except CommandError:
        raise
    except Exception as exc:  # the user's module: any error while importing it is reported
        raise CommandError(f"cannot import {module_name}: {type(exc).__name__}: {exc}") from None
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise CommandError(f"{module_name} has no attribute {attr!r}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise CommandError(f"{target} is not callable (a {type(obj).__name__})")
    return obj


def _import(name: str) -> Any:
    if name.endswith(".py"):
        if not os.path.isfile(name):
            raise CommandError(f"no such file: {name}")
        spec = importlib.util.spec_from_file_location(os.path.basename(name)[:-3], name)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())  # as `python -m` does: the user's own modules import
    return importlib.import_module(name)
