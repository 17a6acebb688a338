"""Helpers shared by the sub-commands: one-line errors, positions, reading and writing tables.

Files are read with limits checked before anything large is allocated: only regular files
(never a FIFO or a device, which could block or never end), at most :data:`MAX_FILE_BYTES` on
disk, and for ``.npy`` data and ``.npz`` members the size their header declares.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import stat
import sys
import warnings
import zipfile
from typing import Any, NoReturn

import numpy as np

#: Largest file (and largest declared array) the command line reads: 1 GiB.
MAX_FILE_BYTES = 2**30


class CommandError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``error: <what> (try: <prog> --help)``, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (try: {self.prog} --help)\n")


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Shows every option's default, and keeps the example's line breaks."""

    def _get_help_string(self, action: argparse.Action) -> str:
        # An option without a value of its own (a flag, or one whose help says what happens
        # when it is left out) would only print "(default: None)" or "(default: False)".
        text = action.help or ""
        if action.default in (None, False) or "default" in text:
            return text
        return super()._get_help_string(action)


def add_command(
    sub: argparse._SubParsersAction, name: str, *, summary: str, description: str, example: str
) -> argparse.ArgumentParser:
    """A sub-command parser with a one-line summary (for ``--help``), a description, every
    default shown, and an example."""
    return sub.add_parser(
        name,
        help=summary,
        description=description,
        epilog=f"example:\n  python -m posenc_ref {example}",
        formatter_class=_HelpFormatter,
    )


def parse_positions(text: str, option: str = "--positions") -> range | list[int]:
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
            f"{option} must be a count N, a range START:STOP[:STEP] or a list A,B,C; got {text!r}"
        ) from None
    if not out:  # bool, not len(): len() of a range beyond 2**63 overflows
        raise CommandError(f"{option} {text!r} gives no position (N must be > 0, STOP > START)")
    return out


def position_count(given: range | list[int]) -> int:
    """How many positions :func:`parse_positions` gave (``len`` overflows beyond 2**63)."""
    if isinstance(given, list):
        return len(given)
    return max(0, -(-(given.stop - given.start) // given.step))


def write_table(table: np.ndarray, fmt: str, output: str | None, precision: int = 6) -> None:
    """Write a table as aligned text, CSV or .npy (to ``output`` or stdout).

    ``.npy`` goes to exactly the path given (NumPy's ``save`` would append ``.npy``).
    """
    if fmt == "npy":
        if output is None:
            raise CommandError("--format npy needs --output PATH (binary data is not printed)")
        with open(output, "wb") as fh:
            np.save(fh, table)
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


def _reason(exc: BaseException) -> str:
    """First line of an exception's message; NumPy's advice to unpickle becomes plain words."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "pickle" in text:
        return "it holds Python objects (a pickled object array), not numbers"
    return text


def check_regular_file(path: str) -> None:
    """Raise unless ``path`` is a regular file of at most :data:`MAX_FILE_BYTES` bytes."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise CommandError(f"no such file: {path}") from None
    except OSError as exc:  # a symlink loop, a name too long, no permission ...
        raise CommandError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise CommandError(f"{path}: is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise CommandError(f"{path}: not a regular file (a device, FIFO or socket is not read)")
    if info.st_size > MAX_FILE_BYTES:
        raise CommandError(
            f"{path}: {info.st_size} bytes is larger than the limit of {MAX_FILE_BYTES} (1 GiB)"
        )


def _check_declared(path: str, what: str, shape: tuple[int, ...], dtype: np.dtype) -> None:
    size = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if size > MAX_FILE_BYTES:
        raise CommandError(
            f"{path}: {what} declares {shape} {dtype} = {size} bytes, larger than the limit of "
            f"{MAX_FILE_BYTES} (1 GiB)"
        )


def _npy_header(fh: Any) -> tuple[tuple[int, ...], np.dtype]:
    fmt = np.lib.format
    version = fmt.read_magic(fh)
    if version == (1, 0):
        shape, _fortran, dtype = fmt.read_array_header_1_0(fh)
    elif version == (2, 0):
        shape, _fortran, dtype = fmt.read_array_header_2_0(fh)
    else:  # version 3.0 (utf-8 field names) has no public reader of its own
        shape, _fortran, dtype = fmt._read_array_header(fh, version)
    return shape, dtype


def _load_npy(path: str) -> np.ndarray:
    with open(path, "rb") as fh:
        shape, dtype = _npy_header(fh)
        _check_declared(path, "its header", shape, dtype)
        fh.seek(0)
        return np.load(fh, allow_pickle=False)


def npz_members(path: str) -> dict[str, zipfile.ZipInfo]:
    """The arrays of an ``.npz`` file by name (``.npy`` members only), or a one-line error."""
    check_regular_file(path)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise CommandError(f"{path}: not a readable .npz file ({_reason(exc)})") from None
    members = {}
    for info in infos:
        if not info.filename.endswith(".npy"):
            raise CommandError(
                f"{path}: member {info.filename!r} is not a .npy array: not a NumPy .npz file"
            )
        members[info.filename[:-4]] = info
    return members


def _load_npz_member(path: str, name: str) -> np.ndarray:
    info = npz_members(path)[name]
    if info.file_size > MAX_FILE_BYTES:
        raise CommandError(
            f"{path}: array {name!r} is {info.file_size} bytes uncompressed, larger than the "
            f"limit of {MAX_FILE_BYTES} (1 GiB)"
        )
    try:
        with zipfile.ZipFile(path) as z, z.open(info) as fh:
            shape, dtype = _npy_header(fh)
            _check_declared(path, f"array {name!r}", shape, dtype)
        with np.load(path, allow_pickle=False) as z:
            arr = z[name]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise CommandError(f"{path}: array {name!r} is not readable ({_reason(exc)})") from None
    return arr


def load_positions(path: str) -> np.ndarray | None:
    """The ``positions`` array stored next to the table in a ``.npz`` file, if any."""
    if os.path.splitext(path)[1].lower() != ".npz":
        return None
    if "positions" not in npz_members(path):
        return None
    arr = _load_npz_member(path, "positions")
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise CommandError(
            f"{path}: its 'positions' array must be 1-D integers, one per row; got shape "
            f"{arr.shape} of dtype {arr.dtype}"
        )
    return arr


def load_table(path: str, key: str | None = None) -> np.ndarray:
    """Read a 2-D table from ``.npy``, ``.npz`` (``key``, else ``table``, else its first array)
    or CSV text (a UTF-8 byte-order mark is allowed)."""
    check_regular_file(path)
    ext = os.path.splitext(path)[1].lower()
    if key is not None and ext != ".npz":
        raise CommandError(f"--key names an array inside an .npz file; {path} is not one")
    try:
        if ext == ".npy":
            arr = _load_npy(path)
        elif ext == ".npz":
            names = list(npz_members(path))
            if key is None:
                if not names:
                    raise CommandError(f"{path}: the .npz file holds no array")
                key = "table" if "table" in names else names[0]
            if key not in names:
                raise CommandError(f"{path}: no array {key!r}; it holds {', '.join(names)}")
            arr = _load_npz_member(path, key)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("error", UserWarning)  # "input contained no data"
                with open(path, encoding="utf-8-sig") as fh:
                    arr = np.loadtxt(fh, delimiter="," if ext != ".txt" else None, ndmin=2)
    except CommandError:
        raise
    except (ValueError, OSError, EOFError, UserWarning, zipfile.BadZipFile) as exc:
        raise CommandError(f"{path}: not a numeric table ({_reason(exc)})") from None
    if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "iuf":
        dtype = arr.dtype if isinstance(arr, np.ndarray) else type(arr).__name__
        raise CommandError(f"{path}: the table must hold real numbers; got {dtype}")
    if not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    if arr.ndim == 3 and 1 in arr.shape:
        arr = arr.reshape([n for n in arr.shape if n != 1] or [1])  # [L, 1, d] buffers
    if arr.ndim != 2:
        raise CommandError(f"{path}: the table must be 2-D (positions x channels); got {arr.shape}")
    if not np.isfinite(arr).all():
        r, c = (int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise CommandError(f"{path}: entry [{r}, {c}] is {arr[r, c]}: the table must be finite")
    return arr


def load_json(path: str) -> Any:
    """A JSON file (at most :data:`MAX_FILE_BYTES`), or a one-line error."""
    check_regular_file(path)
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as exc:
        raise CommandError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
        raise CommandError(f"{path}: not valid JSON ({reason})") from None
