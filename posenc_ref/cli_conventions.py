"""Command line for conventions: ``identify FILE`` and ``table --convention NAME``.

Registered in :data:`posenc_ref.cli.COMMANDS`; uses only the public API.
"""

from __future__ import annotations

import argparse
import json
import os
import warnings
import zipfile

import numpy as np

import posenc_ref

from .cli import CommandError, write_table


def _npz_names(path: str) -> list[str]:
    """The array names of an ``.npz`` file; a file that is not one is a one-line error."""
    try:
        with np.load(path, allow_pickle=False) as z:
            return list(z.files)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise CommandError(f"{path}: not a readable .npz file ({_reason(exc)})") from None


def _reason(exc: BaseException) -> str:
    """First line of an exception's message; NumPy's advice to unpickle becomes plain words."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "pickle" in text:
        return "not a NumPy .npy/.npz file"
    return text


def load_positions(path: str) -> np.ndarray | None:
    """The ``positions`` array stored next to the table in a ``.npz`` file, if any."""
    if os.path.splitext(path)[1].lower() != ".npz" or not os.path.exists(path):
        return None
    if "positions" not in _npz_names(path):
        return None
    with np.load(path, allow_pickle=False) as z:
        return z["positions"]


def load_table(path: str, key: str | None = None) -> np.ndarray:
    """Read a 2-D table from ``.npy``, ``.npz`` (``key``, else ``table``, else its first array)
    or CSV text."""
    if not os.path.exists(path):
        raise CommandError(f"no such file: {path}")
    ext = os.path.splitext(path)[1].lower()
    try:
        if ext == ".npy":
            arr = np.load(path, allow_pickle=False)
        elif ext == ".npz":
            with np.load(path, allow_pickle=False) as z:
                names = list(z.files)
                if key is None:
                    if not names:
                        raise CommandError(f"{path}: the .npz file holds no array")
                    key = "table" if "table" in names else names[0]
                if key not in names:
                    raise CommandError(f"{path}: no array {key!r}; it holds {', '.join(names)}")
                arr = z[key]
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("error", UserWarning)  # "input contained no data"
                arr = np.loadtxt(path, delimiter="," if ext != ".txt" else None, ndmin=2)
    except CommandError:
        raise
    except (ValueError, OSError, EOFError, UserWarning, zipfile.BadZipFile) as exc:
        raise CommandError(f"{path}: not a numeric table ({_reason(exc)})") from None
    if arr.dtype.kind not in "iuf":
        raise CommandError(f"{path}: the table must hold real numbers; got dtype {arr.dtype}")
    if arr.ndim == 3 and 1 in arr.shape:
        arr = arr.reshape([n for n in arr.shape if n != 1] or [1])  # [L, 1, d] buffers
    if arr.ndim != 2:
        raise CommandError(f"{path}: the table must be 2-D (positions x channels); got {arr.shape}")
    if not np.isfinite(arr).all():
        r, c = (int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise CommandError(f"{path}: entry [{r}, {c}] is {arr[r, c]}: the table must be finite")
    return arr


def add_identify(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("identify", help="name the convention of a table (.npy, .npz, .csv)")
    p.add_argument("file", help="the table: .npy, .npz (array 'table' or the first) or .csv")
    p.add_argument("--key", help="array name inside a .npz file")
    p.add_argument("--all", action="store_true", help="list every candidate with its residual")
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
    p.set_defaults(run=run_identify)


def load_rope_config(path: str) -> tuple[float | None, object]:
    """(base, RopeScaling or None) from a Hugging Face config.json."""
    from posenc_ref.rope_scaling import RopeScaling

    try:
        with open(path, encoding="utf-8") as fh:
            cfg = json.load(fh)
    except OSError as exc:
        raise CommandError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise CommandError(f"{path}: not valid JSON ({exc})") from None
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


_ROPE_KEYS = (("cos", "sin"), ("cos_pairs", "sin_pairs"))


def _rope_arrays(path: str) -> tuple[str, str] | None:
    """The (cos, sin) array names of a RoPE cache stored in an .npz file, if it holds one."""
    if os.path.splitext(path)[1].lower() != ".npz" or not os.path.exists(path):
        return None
    names = set(_npz_names(path))
    if "table" in names:
        return None
    return next((pair for pair in _ROPE_KEYS if set(pair) <= names), None)


def run_identify_rope(args: argparse.Namespace, keys: tuple[str, str] | None) -> None:
    """``identify --rope``: which layout and base built a RoPE cos/sin cache."""
    from posenc_ref.rope import identify_rope_cache

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
    from .cli import _parse_positions

    if args.positions is not None:
        positions, source = np.asarray(list(_parse_positions(args.positions))), "--positions"
    else:
        positions, source = load_positions(args.file), f"the 'positions' array of {args.file}"
    if positions is not None and len(positions) != rows:
        raise CommandError(
            f"{source} gives {len(positions)} positions but the table has {rows} rows"
        )
    return positions


def run_identify(args: argparse.Namespace) -> None:
    keys = _rope_arrays(args.file) if args.key is None else None
    if args.rope or args.rope_config is not None or keys is not None:
        run_identify_rope(args, keys)
        return
    table = load_table(args.file, args.key)
    positions = _positions_for(args, table.shape[0])
    result = posenc_ref.identify(table, positions)
    print(result.verdict())
    if args.all:
        for m in result.matches:
            print(f"  {m}")


def run_table(args: argparse.Namespace) -> None:
    """``table --convention NAME``: the preset's table, in its own dtype unless --dtype is given."""
    from posenc_ref.conventions import get

    from .cli import _parse_positions

    conv = get(args.convention)
    if args.layout is not None or args.base is not None:
        raise CommandError(
            "--convention fixes the layout and base; drop --layout / --base (or drop --convention)"
        )
    table = conv.table(_parse_positions(args.positions), args.d_model)
    if args.dtype is not None:
        if args.dtype not in ("float16", "float32", "float64"):
            raise CommandError(f"--dtype must be float16, float32 or float64; got {args.dtype!r}")
        table = table.astype(args.dtype)
    write_table(table, args.format, args.output)
