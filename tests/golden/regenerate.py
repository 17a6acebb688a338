"""Regenerate the golden tables from the real libraries: ``python tests/golden/regenerate.py``.

The tests never import torch, transformers, diffusers, keras … : they read the small ``.npz``
tables committed under ``tests/golden/<topic>/``. This script rebuilds those tables from the
original code, in a separate virtual environment (``tests/golden/.venv``, not committed), so
that the project's own environment stays light.

Each ``gen_<topic>.py`` next to this file is one generator. It declares what it needs in a
module-level ``REQUIREMENTS`` list (pip requirement strings, read here without importing the
module) and, run as ``python gen_<topic>.py OUT_DIR``, writes its tables and a
``MANIFEST.json`` (library versions, source of each table) into ``OUT_DIR``. This driver
clears ``tests/golden/<topic>/`` before each generator runs, so a table that is no longer
produced does not linger, and leaves the other topics alone.

Options: ``--only TOPIC`` (repeatable) runs some generators; ``--python EXE`` uses an existing
interpreter instead of creating the environment.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENV_DIR = HERE / ".venv"


def generators() -> dict[str, Path]:
    """Map each topic name to its generator script, in a stable order."""
    return {path.stem.removeprefix("gen_"): path for path in sorted(HERE.glob("gen_*.py"))}


def requirements(script: Path) -> list[str]:
    """The ``REQUIREMENTS`` list of a generator, read from its source without running it."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "REQUIREMENTS" for t in node.targets
        ):
            return list(ast.literal_eval(node.value))
    raise SystemExit(f"{script.name}: no module-level REQUIREMENTS list")


def golden_python(reqs: list[str]) -> Path:
    """Create (once) the separate environment and install ``reqs`` into it."""
    python = ENV_DIR / "bin" / "python"
    if not python.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(ENV_DIR)
    if reqs:
        subprocess.run([python, "-m", "pip", "install", "-q", *reqs], check=True)
    return python


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="TOPIC", help="run only this topic")
    parser.add_argument("--python", help="interpreter that already has the requirements")
    args = parser.parse_args(argv)

    gens = generators()
    chosen = args.only or list(gens)
    unknown = sorted(set(chosen) - set(gens))
    if unknown:
        parser.error(f"unknown topic(s) {', '.join(unknown)}; known: {', '.join(gens)}")
    reqs = sorted({r for topic in chosen for r in requirements(gens[topic])})
    python = Path(args.python).absolute() if args.python else golden_python(reqs)
    for topic in chosen:
        out = HERE / topic
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        print(f"[golden] {topic}: {gens[topic].name} -> {out.relative_to(HERE.parent.parent)}")
        subprocess.run([python, gens[topic], out], check=True, cwd=HERE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
