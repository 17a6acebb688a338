"""The intuition page's figures plot the numbers its text states.

Each figure of docs/_hooks/figs_intuition.py is drawn, the plotted data are read back from the
matplotlib artists, and compared with values computed here from the formulas (math and integer
arithmetic, not posenc_ref) and with the numbers printed on docs/intuition.md.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib", reason="the docs extra is not installed")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from helpers import hook_module  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "intuition.md").read_text(encoding="utf-8")
figs = hook_module("figs_intuition")


def section(anchor: str) -> str:
    """The page text from the heading with ``{#anchor}`` to the next heading."""
    start = PAGE.index("{#" + anchor + "}")
    end = PAGE.find("\n## ", start)
    return PAGE[start : end if end > 0 else None]


def omega(i: int, d: int) -> float:
    return 10000.0 ** (-2 * i / d)


@pytest.fixture
def draw():
    figures = []

    def _draw(func):
        fig = func()
        figures.append(fig)
        return fig

    yield _draw
    for fig in figures:
        plt.close(fig)


def test_counting_figure(draw):
    fig = draw(figs.ladder_counting)
    ax = fig.axes[0]
    text = section("counting")
    assert len(ax.lines) >= 2
    for line, length in zip(ax.lines, figs.COUNT_LENGTHS, strict=False):
        x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        assert np.array_equal(x, np.arange(length))
        assert np.array_equal(y, np.arange(length) / length)
    labels = [t.get_text() for t in ax.texts]
    expected = [f"{figs.COUNT_POSITION / length:g}" for length in figs.COUNT_LENGTHS]
    assert labels == expected == ["0.5", "0.125"]
    assert "[0.5, 0.125]" in text
    assert f"position {figs.COUNT_POSITION}" in ax.get_title().lower()


def test_binary_figure(draw):
    fig = draw(figs.ladder_binary)
    bits = np.asarray(fig.axes[0].images[0].get_array())
    assert bits.shape == (figs.BITS, figs.BIT_POSITIONS)
    for b in range(figs.BITS):
        from_strings = [int(format(p, "016b")[-1 - b]) for p in range(figs.BIT_POSITIONS)]
        assert bits[b].tolist() == from_strings
        # "bit b flips every 2**b positions": the changes are exactly at the multiples of 2**b
        flips = np.flatnonzero(np.diff(bits[b])) + 1
        assert flips.tolist() == list(range(2**b, figs.BIT_POSITIONS, 2**b))
    assert "2^b" in fig.axes[0].get_title()
    text = section("binary")
    assert "flips every \\(2^b\\)" in text
    assert "repeats every \\(2^{b+1}\\)" in text


def test_clocks_figure(draw):
    fig = draw(figs.ladder_clocks)
    text = section("clocks")
    assert len(fig.axes) == figs.CLOCK_PAIRS
    for i, ax in enumerate(fig.axes):
        line = ax.lines[0]
        p = np.asarray(line.get_xdata())
        assert np.array_equal(p, np.arange(figs.CLOCK_POSITIONS))
        want = [math.sin(x * omega(i, figs.CLOCK_D)) for x in p]
        assert np.allclose(line.get_ydata(), want, rtol=0, atol=1e-13)
        lam = 2 * math.pi / omega(i, figs.CLOCK_D)
        shown = re.search(r"= ([0-9.]+)\$$", ax.get_title(loc="left")).group(1)
        assert shown == f"{lam:.2f}"
        assert shown in text  # the page prints the same wavelength
    ratio = 10000 ** (2 / figs.CLOCK_D)
    assert f"{ratio:.4f}" in text


def test_rotation_figure(draw):
    fig = draw(figs.ladder_rotation)
    p, k = figs.TURN_FROM, figs.TURN_BY
    text = section("rotating-pairs")
    for i, ax in enumerate(fig.axes):
        w = omega(i, figs.CLOCK_D)
        tips = [a.xy for a in ax.texts if hasattr(a, "xy") and a.arrow_patch is not None]
        assert len(tips) == 2
        for tip, pos in zip(tips, (p, p + k), strict=True):
            assert np.allclose(tip, (math.cos(pos * w), math.sin(pos * w)), rtol=0, atol=1e-15)
        # the arc runs counter-clockwise from the blue hand by k * omega_i
        arc = ax.lines[1]
        angles = np.arctan2(arc.get_ydata(), arc.get_xdata())
        turn = (angles[-1] - angles[0]) % (2 * math.pi)
        assert math.isclose(turn, (k * w) % (2 * math.pi), abs_tol=1e-12)
        assert f"{k * w:.2f}" in ax.get_title()
        assert f"{k * w:.4f}".rstrip("0").rstrip(".") in text
    title = fig.get_suptitle()
    assert f"p = {p}" in title
    assert f"= {p + k}" in title


def test_dot_matrix_figure(draw):
    fig = draw(figs.pe_dot_matrix)
    image_ax, curve_ax = fig.axes[0], fig.axes[1]  # fig.axes[2] is the colour bar
    d, n = figs.DOT_D, figs.DOT_POSITIONS
    dots = np.asarray(image_ax.images[0].get_array())
    delta = np.subtract.outer(np.arange(n), np.arange(n)).astype(float)
    want = sum(np.cos(omega(i, d) * delta) for i in range(d // 2))
    assert np.allclose(dots, want, rtol=0, atol=1e-11)
    curve = np.asarray(curve_ax.lines[0].get_ydata())
    assert np.allclose(curve, want[0], rtol=0, atol=1e-11)
    first_below = int(np.flatnonzero(want[0] < d / 4)[0])
    marker = [ln for ln in curve_ax.lines if np.ptp(ln.get_xdata()) == 0 and len(ln.get_xdata())]
    assert [float(ln.get_xdata()[0]) for ln in marker] == [first_below]
    assert any(f"= {first_below}$" in t.get_text() for t in curve_ax.texts)
    text = section("dot-products")
    assert f"({first_below}, True)" in text
    assert want.min() > 0
    assert math.isclose(want.max(), d / 2)
    assert f"{d / 2:.1f})" in text  # "(True, 32.0)"


def test_figures_fit_a_phone():
    """At most 5.6 inches wide: on a 390 px screen the text shrinks by no more than 0.62."""
    for func in figs.FIGURES:
        fig = func()
        try:
            assert fig.get_size_inches()[0] <= 5.6, func.__name__
            for text in fig.findobj(matplotlib.text.Text):
                if text.get_text():
                    assert text.get_fontsize() >= 10, (func.__name__, text.get_text())
        finally:
            plt.close(fig)
