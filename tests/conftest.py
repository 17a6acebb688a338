"""Shared fixtures and Hypothesis settings for the posenc test suite."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
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


# The site is built once per run, in the background from the moment a test that needs it is
# collected, so the other tests run meanwhile. Under pytest-xdist the workers share that one
# build: the main process picks the folder (an environment variable the workers inherit), the
# first worker to collect a site test starts the build, the others wait for its result file.
_SITE_ENV = "POSENC_TEST_SITE_DIR"
_OWNS_FOLDER = pytest.StashKey[bool]()
_BUILD_TIMEOUT = 900  # seconds: a cold build on a slow machine takes about a minute
_build: subprocess.Popen | None = None

# Run by a child process: build, then write the outcome (exit code, log, seconds) atomically.
_BUILD_SCRIPT = """
import json, os, subprocess, sys, time
site, result = sys.argv[1], sys.argv[2]
start = time.perf_counter()
proc = subprocess.run(
    [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", site],
    capture_output=True, text=True, check=False,
)
outcome = {"returncode": proc.returncode, "log": proc.stdout + proc.stderr,
           "seconds": time.perf_counter() - start}
with open(result + ".part", "w", encoding="utf-8") as f:
    json.dump(outcome, f)
os.replace(result + ".part", result)
"""


def pytest_configure(config):
    if not hasattr(config, "workerinput") and _SITE_ENV not in os.environ:
        os.environ[_SITE_ENV] = tempfile.mkdtemp(prefix="posenc-site-")
        config.stash[_OWNS_FOLDER] = True


def pytest_unconfigure(config):
    if config.stash.get(_OWNS_FOLDER, False):
        shutil.rmtree(os.environ.pop(_SITE_ENV), ignore_errors=True)


def _site_folder() -> Path:
    return Path(os.environ[_SITE_ENV])


@pytest.hookimpl(tryfirst=True)  # before -m reads the marks
def pytest_itemcollected(item):
    if "built_site" in getattr(item, "fixturenames", ()):
        item.add_marker(pytest.mark.slow)  # the site build takes 15 to 30 s


@pytest.hookimpl(trylast=True)  # after -m / -k have deselected what will not run
def pytest_collection_modifyitems(config, items):
    global _build
    if config.option.collectonly or not any("built_site" in i.fixturenames for i in items):
        return
    try:
        import mkdocs  # noqa: F401
    except ImportError:
        return  # built_site skips: the docs extra is not installed
    folder = _site_folder()
    try:
        (folder / "started").mkdir()  # atomic: exactly one process starts the build
    except FileExistsError:
        return
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # Material's end-of-life banner
    _build = subprocess.Popen(
        [sys.executable, "-c", _BUILD_SCRIPT, str(folder / "site"), str(folder / "result.json")],
        cwd=ROOT,
        env=env,
    )


def pytest_sessionfinish(session):
    # The other workers may still need the site: let the build finish unless interrupted.
    if _build is not None and _build.poll() is None:
        if session.shouldstop or session.shouldfail:
            _build.kill()
        _build.wait()


@pytest.fixture(scope="session")
def built_site() -> BuiltSite:
    """``mkdocs build --strict``, once per run (see above); fails on any warning."""
    pytest.importorskip("mkdocs", reason="the docs extra is not installed")
    result = _site_folder() / "result.json"
    deadline = time.monotonic() + _BUILD_TIMEOUT
    while not result.exists():
        assert (_site_folder() / "started").exists(), "the site build was never started"
        assert time.monotonic() < deadline, f"no site build result after {_BUILD_TIMEOUT} s"
        if _build is not None and _build.poll() is not None and not result.exists():
            pytest.fail(f"the site build process ended with {_build.returncode} and no result")
        time.sleep(0.2)
    outcome = json.loads(result.read_text("utf-8"))
    log = outcome["log"]
    assert outcome["returncode"] == 0, f"mkdocs build failed:\n{log}"
    assert "WARNING" not in log, f"mkdocs build logged a warning:\n{log}"
    return BuiltSite(_site_folder() / "site", log, outcome["seconds"])
