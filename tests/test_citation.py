"""CITATION.cff is the single source of citation data; docs/cite.md must agree with it."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="the docs extra is not installed")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bibtex() -> dict[str, str]:
    page = (ROOT / "docs" / "cite.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bibtex\n(.*?)```", page, re.S)
    assert len(blocks) == 1, "cite.md should hold exactly one BibTeX entry"
    entry = blocks[0]
    assert re.match(r"@software\{[A-Za-z0-9_]+,\n", entry)
    fields = dict(re.findall(r"^\s*(\w+)\s*=\s*\{(.*)\},?\s*$", entry, re.M))
    # Count the fields independently of the regex above, so that none is silently skipped.
    assert len(fields) == len(re.findall(r"^\s*\w+\s*=", entry, re.M))
    return fields


def test_cff_is_complete(cff):
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "version", "date-released", "authors", "license", "type"):
        assert cff.get(key), key
    assert isinstance(cff["date-released"], dt.date)
    assert "repository-code" not in cff or cff["repository-code"].startswith("https://")


def test_cff_matches_the_package(cff):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["version"] == project["version"]
    assert cff["license"] == project["license"]
    assert [a["name"] for a in cff["authors"]] == [a["name"] for a in project["authors"]]


def test_bibtex_matches_cff(cff, bibtex):
    released: dt.date = cff["date-released"]
    assert bibtex["title"] == cff["title"]
    assert bibtex["version"] == cff["version"]
    assert bibtex["year"] == str(released.year)
    assert bibtex["month"] == str(released.month)
    assert bibtex["date"] == released.isoformat()
    assert bibtex["license"] == cff["license"]
    # An entity author is braced twice in BibTeX, so it is not split into first/last names.
    assert bibtex["author"] == " and ".join("{" + a["name"] + "}" for a in cff["authors"])


def test_changelog_has_the_released_version(cff):
    changelog = (ROOT / "docs" / "changelog.md").read_text(encoding="utf-8")
    heading = f"## {cff['version']} — {cff['date-released'].isoformat()}"
    assert heading in changelog


def test_cite_page_lists_every_citable_anchor():
    """cite.md's table names every eq-/thm- anchor of the site, on its page, and no other."""
    docs = ROOT / "docs"
    on_pages = {}
    for page in docs.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        for anchor in re.findall(r'(?:\{#|id=")((?:eq|thm)-[a-z0-9-]+)', text):
            on_pages[anchor] = page.relative_to(docs).as_posix()
    cite = (docs / "cite.md").read_text(encoding="utf-8")
    row = r"^\|[^|]*\| `((?:eq|thm)-[a-z0-9-]+)` \| \[[^\]]*\]\(([a-z0-9_/-]+\.md)#\1\) \|$"
    listed = dict(re.findall(row, cite, re.M))
    assert listed == on_pages
