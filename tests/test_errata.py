"""Regression tests for the corrections listed under "Errata" in docs/changelog.md (0.4.0).

Each test checks a number or a wording that a page states against what the package computes,
so that a corrected claim cannot drift back.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import posenc_ref as pe
from posenc_ref import conventions as cv

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(p for p in DOCS.glob("*.md") if p.name != "changelog.md")

# Wordings that called 10000 a ratio of timescales (it is the base; the ratio is 10000^((d-2)/d)).
RATIO_MISREADINGS = (
    r"10000 is (?:a|the) ratio",
    r"ratio of (?:the )?(?:largest|slowest)[^.]*(?:smallest|fastest)[^.]*timescale",
    r"(?:base|10000) is the \*\*ratio",
    r"a ratio of timescales",
)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_page_calls_10000_a_timescale_ratio(page):
    text = " ".join(page.read_text(encoding="utf-8").split())
    for pattern in RATIO_MISREADINGS:
        assert not re.search(pattern, text, re.IGNORECASE), f"{page.name}: {pattern}"


def stated_ratios() -> list[tuple[str, float, int]]:
    """Every "<number> at d = <d>" (or "for the d = <d>") in a sentence about the ratio."""
    found = []
    pattern = re.compile(r"(\d[\d.]*) (?:at|for the) \\\(d = (\d+)\\\)")
    for page in PAGES:
        text = " ".join(page.read_text(encoding="utf-8").split())
        for match in pattern.finditer(text):
            context = text[max(0, match.start() - 400) : match.start()]
            if "ratio" in context and "timescale" in context:
                found.append((page.name, float(match.group(1)), int(match.group(2))))
    return found


def test_stated_timescale_ratios_are_computed_ones():
    ratios = stated_ratios()
    # The derivation, the FAQ and the myths page state the ratio; at least these must be found.
    assert {name for name, _, _ in ratios} >= {"derivation.md", "faq.md", "myths.md"}
    assert {(value, d) for _, value, d in ratios} >= {(100.0, 4), (9646.6, 512)}
    for name, value, d in ratios:
        lam = pe.wavelengths(d)
        decimals = len(str(value).split(".")[1]) if value % 1 else 0
        assert round(float(lam[-1] / lam[0]), decimals) == value, (name, value, d)


def test_home_page_example_has_ratio_100():
    # The home page's d = 4 table: ω = (1, 0.01), so the timescales are 1 and 100.
    w = pe.frequencies(4)
    assert w.tolist() == [1.0, 0.01]
    assert cv.PRESETS["tensor2tensor"].frequencies(4).tolist() == [1.0, 1e-4]


def test_short_odd_rule_is_one_column_short():
    # conventions.md: the 'short' odd-width rule returns 2*floor(d/2) = d - 1 columns.
    short = [name for name, c in cv.PRESETS.items() if c.odd == "short"]
    assert short == ["tf-model-garden"]
    for d in (5, 9, 65):
        assert cv.PRESETS["tf-model-garden"].table(3, d).shape == (3, d - 1)
    text = " ".join((DOCS / "conventions.md").read_text(encoding="utf-8").split())
    assert "one column short" in text
    assert "two columns short" not in text


def test_dot_product_keeps_oscillating():
    # rotation.md #not-a-decay: for d = 512, PE(0)·PE(Δ) stays above 14 for Δ <= 2000 and first
    # turns negative at Δ = 3284.
    t = pe.sinusoidal(range(0, 4001), 512)
    f = t @ t[0]
    assert f[:2001].min() > 14
    assert int(np.flatnonzero(f < 0)[0]) == 3284
    assert int(np.floor(f[:2001].min())) == 14
