"""Helpers shared by the test modules: golden tables, ulps, the command line run in-process,
the site's hook modules."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from posenc_ref.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
HOOKS = ROOT / "docs" / "_hooks"

#: Unit roundoff of float64: every float64 operation has relative error at most U64.
U64 = 2.0**-53


def manifest(topic: str) -> dict:
    """``tests/golden/<topic>/MANIFEST.json``: the versions and tables of a golden set."""
    return json.loads((GOLDEN / topic / "MANIFEST.json").read_text(encoding="utf-8"))


def golden(topic: str, name: str) -> dict[str, np.ndarray]:
    """Every array of ``tests/golden/<topic>/<name>`` (``.npz`` added if missing)."""
    path = GOLDEN / topic / (name if name.endswith(".npz") else f"{name}.npz")
    with np.load(path) as z:
        return {key: z[key] for key in z.files}


def ulps(a: np.ndarray, b: np.ndarray, fmt: str = "float64") -> np.ndarray:
    """``|a - b|`` in ulps of ``b`` in ``fmt``."""
    from posenc_ref.precision import ulp

    return np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)) / ulp(b, fmt)


@dataclass(frozen=True)
class Run:
    """What a command-line run printed and returned."""

    code: int
    out: str
    err: str


def cli(*args: str) -> Run:
    """Run ``python -m posenc_ref *args`` in this process (argparse exits included)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            code = exc.code if isinstance(exc.code, int) else 1
    return Run(code, out.getvalue(), err.getvalue())


def assert_one_line_error(run: Run, *needles: str, code: int = 2) -> None:
    """The run failed with ``code`` and printed exactly one line, ``error: …``, holding every
    needle, and no traceback."""
    assert run.code == code, (run.code, run.err)
    assert run.err.startswith("error: "), run.err
    assert run.err.count("\n") == 1, run.err
    assert "Traceback" not in run.err
    for needle in needles:
        assert needle in run.err, (needle, run.err)


def to_bfloat16(x: np.ndarray) -> np.ndarray:
    """Round to the nearest bfloat16 (ties to even), returned as float32."""
    bits = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return rounded.astype(np.uint32).view(np.float32)


def loaded_after_import(module: str, candidates: tuple[str, ...]) -> dict[str, bool]:
    """In a fresh interpreter, import ``module`` and say which of ``candidates`` it loaded."""
    code = f"import sys, {module}; print(*(m in sys.modules for m in {candidates!r}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return dict(zip(candidates, (word == "True" for word in out.stdout.split()), strict=True))


@functools.cache
def hook_module(name: str):
    """``docs/_hooks/<name>.py``, loaded as MkDocs loads a hook (its folder on sys.path while it
    runs, so that it imports its sibling modules), once per test process."""
    sys.path.insert(0, str(HOOKS))
    try:
        spec = importlib.util.spec_from_file_location(f"posenc_docs_{name}", HOOKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(HOOKS))
    return module
