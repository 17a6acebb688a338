"""Shared fixtures: the site, built once per test session."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BuiltSite:
    path: Path
    log: str
    seconds: float


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """``mkdocs build --strict`` into a temporary folder; fails on any warning."""
    pytest.importorskip("mkdocs", reason="the docs extra is not installed")
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # Material's end-of-life banner, not a warning
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"mkdocs build failed:\n{log}"
    assert "WARNING" not in log, f"mkdocs build logged a warning:\n{log}"
    return BuiltSite(site, log, seconds)
