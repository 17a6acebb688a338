"""Shared fixtures and Hypothesis settings for the posenc test suite."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

# --doctest-modules would import this file as a module named "conftest", which clashes with
# docs/conftest.py; neither holds doctests.
collect_ignore = ["conftest.py"]
# The golden generators import torch, transformers, … which only their own environment has
# (tests/golden/regenerate.py); the tests read the tables they wrote, never the scripts.
collect_ignore_glob = ["golden/*.py"]

# Deterministic by default so that CI is reproducible; POSENC_HYPOTHESIS=thorough explores more.
settings.register_profile(
    "default",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("POSENC_HYPOTHESIS", "default"))


@dataclass(frozen=True)
class BuiltSite:
    path: Path
    log: str
    seconds: float


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """``mkdocs build --strict`` into a temporary folder, once per session; fails on any warning."""
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
