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


def _fields(entry: str) -> dict[str, str]:
    fields = dict(re.findall(r"^\s*(\w+)\s*=\s*\{(.*)\},?\s*$", entry, re.M))
    # Count the fields independently of the regex above, so that none is silently skipped.
    assert len(fields) == len(re.findall(r"^\s*\w+\s*=", entry, re.M))
    return fields


@pytest.fixture(scope="module")
def bibtex_entries() -> dict[str, dict[str, str]]:
    """The BibTeX entries of cite.md by type: one @software and one @misc."""
    page = (ROOT / "docs" / "cite.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bibtex\n(.*?)```", page, re.S)
    entries = {}
    for entry in blocks:
        kind = re.match(r"@(\w+)\{[A-Za-z0-9_]+,\n", entry)
        assert kind, entry
        assert kind.group(1) not in entries, f"two @{kind.group(1)} entries"
        entries[kind.group(1)] = _fields(entry)
    assert set(entries) == {"software", "misc"}
    return entries


@pytest.fixture(scope="module")
def bibtex(bibtex_entries) -> dict[str, str]:
    return bibtex_entries["software"]


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


def test_misc_entry_matches_cff(cff, bibtex_entries):
    """The @misc twin, for styles without @software, carries the same facts."""
    misc, software = bibtex_entries["misc"], bibtex_entries["software"]
    released: dt.date = cff["date-released"]
    for key in ("author", "title", "year", "month"):
        assert misc[key] == software[key], key
    assert misc["howpublished"] == f"Software, version {cff['version']}"
    assert misc["note"] == f"Version {cff['version']}, released {released.isoformat()}, " + (
        f"{cff['license']} licence"
    )


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


def _listed(kind: str) -> dict[str, str]:
    """Rows ``| … | `<kind>-x` | [page.html#<kind>-x](page.md#<kind>-x) |`` of cite.md."""
    cite = (ROOT / "docs" / "cite.md").read_text(encoding="utf-8")
    cell = r"[^|]*(?:\\\|[^|]*)*"  # a table cell; "\|" is an escaped pipe inside it
    row = rf"^\|{cell}\| `({kind}-[a-z0-9-]+)` \| \[([a-z0-9_-]+)\.html#\1\]\(\2\.md#\1\) \|$"
    return {anchor: f"{page}.md" for anchor, page in re.findall(row, cite, re.M)}


def test_cite_page_lists_every_myth():
    docs = ROOT / "docs"
    on_pages = {}
    for page in docs.rglob("*.md"):
        for anchor in re.findall(r'(?:\{#|id=")(myth-[a-z0-9-]+)', page.read_text("utf-8")):
            on_pages[anchor] = page.relative_to(docs).as_posix()
    assert on_pages, "no myth- anchors found"
    assert _listed("myth") == on_pages


def test_cite_page_lists_every_figure():
    """Each figure's id is fig-<file name> on the page that shows it (docs/_hooks/figures.py)."""
    docs = ROOT / "docs"
    shown: dict[str, set[str]] = {}
    for page in docs.rglob("*.md"):
        for name in re.findall(r"\]\(figures/([a-z0-9-]+)\.svg\)", page.read_text("utf-8")):
            shown.setdefault(f"fig-{name}", set()).add(page.relative_to(docs).as_posix())
    assert len(shown) >= 10
    listed = _listed("fig")
    assert set(listed) == set(shown)
    # A figure shown on several pages is cited on one of them.
    assert all(listed[fig] in pages for fig, pages in shown.items())


def test_built_figures_carry_their_ids(built_site):
    for page in (ROOT / "docs").rglob("*.md"):
        names = re.findall(r"\]\(figures/([a-z0-9-]+)\.svg\)", page.read_text("utf-8"))
        if not names:
            continue
        html = (built_site.path / page.with_suffix(".html").name).read_text(encoding="utf-8")
        for name in names:
            assert re.search(rf'<img[^>]*id="fig-{name}"', html), f"{page.name}: fig-{name}"
