"""The code base stays ruff-clean (configuration in pyproject.toml)."""

import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_ruff_check():
    ruff = shutil.which("ruff") or str(pathlib.Path(sys.executable).with_name("ruff"))
    if not pathlib.Path(ruff).exists():
        pytest.skip("ruff is not installed (it is in the 'test' extra)")
    res = subprocess.run([ruff, "check", str(ROOT)], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stdout + res.stderr


def test_ruff_format():
    """Python sources keep ruff's formatting (Markdown pages keep their hand-aligned comments)."""
    ruff = shutil.which("ruff") or str(pathlib.Path(sys.executable).with_name("ruff"))
    if not pathlib.Path(ruff).exists():
        pytest.skip("ruff is not installed (it is in the 'test' extra)")
    sources = sorted(str(p) for p in ROOT.rglob("*.py") if not _ignored(p))
    res = subprocess.run(
        [ruff, "format", "--check", *sources], capture_output=True, text=True, check=False
    )
    assert res.returncode == 0, res.stdout + res.stderr


def _ignored(path: pathlib.Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return any(part.startswith(".") or part in {"build", "site", "__pycache__"} for part in parts)
