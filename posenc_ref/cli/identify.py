"""``identify FILE``: name the convention of a saved table, or the layout and base of a RoPE
cos/sin cache."""

from __future__ import annotations

import argparse
import os

import numpy as np

import posenc_ref

from ._common import (
    CommandError,
    add_command,
    load_json,
    load_positions,
    load_table,
    npz_members,
    parse_positions,
    position_count,
)

#: The array names of a RoPE cache saved as .npz: full-width caches, or the compact per-pair one.
ROPE_KEYS = (("cos", "sin"), ("cos_pairs", "sin_pairs"))


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "identify",
        summary="name the convention of a table (.npy, .npz, .csv), or of a RoPE cos/sin cache",
        description="Read a position-encoding table that some code produced and say which "
        "convention made it (layout, frequency spacing, base, first position, dtype), by "
        "comparing it with every framework preset and with the parameters fitted to it. "
        "An .npz file with arrays 'cos' and 'sin' is read as a RoPE cache.",
        example="identify my_table.npy --all",
    )
    p.add_argument("file", help="the table: .npy, .npz (array 'table' or the first) or .csv")
    p.add_argument("--key", help="array name inside a .npz file")
    p.add_argument("--all", action="store_true", help="list every candidate with its residual")
    p.add_argument(
        "--max-entries",
        type=int,
        default=2**22,
        help="refuse tables with more entries than this (identification reads every preset at "
        "the table's shape; a few hundred rows suffice)",
    )
    p.add_argument(
        "--positions",
        help="the position of each row: N, START:STOP[:STEP] or A,B,C (default: consecutive "
        "rows, first one fitted; a .npz file's 'positions' array is used if present)",
    )
    p.add_argument(
        "--rope",
        action="store_true",
        help="the file is a RoPE cos/sin cache: an .npz with arrays 'cos' and 'sin' (or "
        "'cos_pairs' and 'sin_pairs'; such files are detected without --rope), or a single cos "
        "array (.npy, .csv, or an .npz array named by --key)",
    )
    p.add_argument(
        "--rope-config",
        metavar="CONFIG_JSON",
        help="compare a RoPE cache with the base and scaling (linear, dynamic, yarn, llama3) "
        "of a model's config.json: rope_theta, rope_scaling or rope_parameters, "
        "max_position_embeddings",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    keys = _rope_arrays(args.file) if args.key is None else None
    if args.rope or args.rope_config is not None or keys is not None:
        _run_rope(args, keys)
        return
    table = load_table(args.file, args.key)
    positions = _positions_for(args, table.shape[0])
    try:
        result = posenc_ref.identify(table, positions, max_entries=args.max_entries)
    except (TypeError, ValueError) as exc:
        raise CommandError(f"{args.file}: {exc}") from None
    print(result.verdict())
    if args.all:
        for m in result.matches:
            print(f"  {m}")


def load_rope_config(path: str) -> tuple[float | None, object]:
    """(base, RopeScaling or None) from a Hugging Face config.json."""
    from posenc_ref.rope_scaling import RopeScaling

    cfg = load_json(path)
    if not isinstance(cfg, dict):
        raise CommandError(f"{path}: expected a JSON object (a model's config.json)")
    params = cfg.get("rope_parameters") or cfg.get("rope_scaling") or {}
    if not isinstance(params, dict):
        raise CommandError(f"{path}: rope_scaling / rope_parameters must be an object")
    base = params.get("rope_theta", cfg.get("rope_theta"))
    kind = params.get("rope_type", params.get("type", "default"))
    if kind == "default":
        return base, None
    try:
        return base, RopeScaling.from_hf(params, cfg.get("max_position_embeddings"))
    except (TypeError, ValueError) as exc:
        raise CommandError(f"{path}: {exc}") from None


def _rope_arrays(path: str) -> tuple[str, str] | None:
    """The (cos, sin) array names of a RoPE cache stored in an .npz file, if it holds one."""
    if os.path.splitext(path)[1].lower() != ".npz":
        return None
    names = set(npz_members(path))
    if "table" in names:
        return None
    return next((pair for pair in ROPE_KEYS if set(pair) <= names), None)


def _run_rope(args: argparse.Namespace, keys: tuple[str, str] | None) -> None:
    """``identify --rope``: which layout and base built a RoPE cos/sin cache."""
    from posenc_ref.rope_identification import identify_rope_cache

    if keys is not None and args.key is None:
        cos, sin = load_table(args.file, keys[0]), load_table(args.file, keys[1])
        if cos.shape != sin.shape:
            raise CommandError(f"{args.file}: cos {cos.shape} and sin {sin.shape} differ in shape")
    else:
        cos, sin = load_table(args.file, args.key), None
    positions = _positions_for(args, cos.shape[0])
    base, scaling = None, None
    if args.rope_config is not None:
        base, scaling = load_rope_config(args.rope_config)
    try:
        matches = identify_rope_cache(cos, sin, positions=positions, scaling=scaling, base=base)
    except (TypeError, ValueError) as exc:
        raise CommandError(f"{args.file}: {exc}") from None
    print(f"RoPE cache: {matches[0].verdict}")
    if args.all:
        for m in matches:
            print(f"  max {m.max_ulp:.3g} ulp: {m.verdict}")


def _positions_for(args: argparse.Namespace, rows: int) -> np.ndarray | None:
    """The positions of the rows: --positions, else the file's 'positions' array, else None."""
    if args.positions is not None:
        given = parse_positions(args.positions)
        count = position_count(given)
        if count != rows:  # before materialising a range that could be huge
            raise CommandError(f"--positions gives {count} positions but the table has {rows} rows")
        ends = (given[0], given[-1]) if isinstance(given, range) else (min(given), max(given))
        if max(abs(v) for v in ends) >= 2**63:
            raise CommandError(f"--positions must fit in int64 (|p| < 2**63); got {args.positions}")
        return np.asarray(given, dtype=np.int64)
    positions = load_positions(args.file)
    if positions is not None and len(positions) != rows:
        raise CommandError(
            f"the 'positions' array of {args.file} gives {len(positions)} positions but the "
            f"table has {rows} rows"
        )
    return positions
