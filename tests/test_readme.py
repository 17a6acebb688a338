"""The README's two commands: each sets up its own environment from the lock file, and
.ci/run runs the test command verbatim (so CI tests what a new user types)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_the_readme_has_two_commands_that_install_what_they_need():
    commands = _readme_commands()
    assert len(commands) == 2, commands
    for command in commands:
        assert command.startswith("python3 -m venv .venv && .venv/bin/pip install -q uv=="), command
        assert "uv run --locked" in command, command
    serve, test = commands
    assert "mkdocs serve" in serve
    assert test.endswith("pytest -n auto"), test


def test_ci_runs_the_readmes_test_command_verbatim():
    test = _readme_commands()[1]
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in lines, f".ci/run does not run the README's test command:\n{test}"
