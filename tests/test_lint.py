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
