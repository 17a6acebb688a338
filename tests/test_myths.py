"""One test per entry of the Myths and errata page (docs/myths.md): each settles one claim.

The test name matches the page anchor: ``myth-decay`` on the page is ``test_myth_decay`` here.
"""

import math
import pathlib
import re

import numpy as np
import pytest

import posenc_ref as pe
from posenc_ref import conventions as cv
from posenc_ref import precision, rope

PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "myths.md"


def test_every_myth_on_the_page_has_a_test_and_back():
    anchors = set(re.findall(r"\{#(myth-[a-z0-9-]+)\}", PAGE.read_text(encoding="utf-8")))
    tests = {
        name[len("test_") :].replace("_", "-")
        for name in globals()
        if name.startswith("test_myth_")
    }
    assert anchors == tests


def test_myth_i_is_the_dimension():
    """Column j uses the exponent of pair j // 2, so column 5 uses 4/d, not 5/d."""
    d = 512
    table = pe.sinusoidal([1], d)[0]
    assert table[5] == math.cos(1 / 10000 ** (4 / d))
    assert abs(table[5] - math.cos(1 / 10000 ** (5 / d))) > 1e-6


def test_myth_wavelength_range():
    """The longest wavelength is 2π·10000^((d-2)/d), below 2π·10000 for every d."""
    for d in (4, 64, 512, 4096):
        lam = pe.wavelengths(d)
        assert lam[-1] < 2 * math.pi * 10000
        assert math.isclose(lam[-1] / (2 * math.pi), 10000 ** ((d - 2) / d), rel_tol=1e-14)


def test_myth_10000_is_a_length_limit():
    """Nothing repeats at 10 000 or 63 000: every position up to 100 000 stays far from PE(0).
    And 10000 is the base: the slowest/fastest timescale ratio is 10000^((d-2)/d), the page's
    100, 1000, 7498.9 and 9646.6, and exactly 10000 only with tensor2tensor's spacing."""
    d = 512
    origin = pe.sinusoidal([0], d)[0]
    dist = np.linalg.norm(pe.sinusoidal(range(1, 100_001), d) - origin, axis=1)
    assert dist.min() > 3.5
    assert dist[10_000 - 1] > 20
    for width, stated in ((4, 100.0), (8, 1000.0), (64, 7498.9), (512, 9646.6)):
        lam = pe.wavelengths(width)
        ratio = lam[-1] / lam[0]
        assert math.isclose(ratio, 10000 ** ((width - 2) / width), rel_tol=1e-14)
        assert round(ratio, 1) == stated
        assert ratio < 10000
        t2t = cv.PRESETS["tensor2tensor"].frequencies(width)
        assert math.isclose(t2t[0] / t2t[-1], 10000, rel_tol=1e-14)


def test_myth_learned():
    """The table is a fixed function of (position, column): each entry is the closed formula of
    p and j alone (compared with the textbook formula evaluated entry by entry), the same row
    whichever other positions are asked for, and the same on every call: nothing to train."""
    d = 32
    table = pe.sinusoidal(range(40, 90), d)
    for p in (40, 57, 89):
        row = table[p - 40]
        for j in range(d):
            assert abs(row[j] - pe.textbook_pe(p, j, d)) <= 1e-13  # textbook angle error at p < 90
        alone = pe.sinusoidal([p, 7], d)[0]  # another call, other rows, another code path
        assert np.all(np.abs(alone - row) <= 2 * np.spacing(np.abs(row)))
    np.testing.assert_array_equal(pe.sinusoidal(range(40, 90), d), table)


def test_myth_decay():
    """PE(0)·PE(Δ) is even in Δ and not monotone: it rises again at many offsets."""
    t = pe.sinusoidal(range(-2000, 2001), 512)
    f = t @ pe.sinusoidal([0], 512)[0]
    np.testing.assert_allclose(f, f[::-1], rtol=0, atol=1e-12)
    right = f[2000:]
    assert np.count_nonzero(np.diff(right) > 0) > 100


def test_myth_relative_attention():
    """With a generic W, PE(p)ᵀ W PE(p + k) changes with p for a fixed offset k."""
    d = 64
    w = np.random.default_rng(7).normal(size=(d, d))
    t = pe.sinusoidal(300, d)
    scores = [t[p] @ w @ t[p + 5] for p in range(0, 250, 25)]
    assert np.ptp(scores) > 1


def test_myth_rotation_block():
    """The sine-first block [[c, s], [-s, c]] is the transpose of the textbook rotation. Used for
    RoPE it is a legitimate convention (clockwise RoPE with W equals counter-clockwise RoPE with
    S·W); mixing it with weights trained for the other convention mirrors the offset."""
    # The reference's shift block for pair 0 is the sine-first one, and it is the transpose of
    # RoPE's counter-clockwise (textbook) rotation by the same angle.
    r = pe.rotation(1, 2)
    assert np.allclose(r, [[math.cos(1), math.sin(1)], [-math.sin(1), math.cos(1)]], atol=1e-16)
    np.testing.assert_array_equal(r, rope.rope_matrix(1, 2).T)
    d = 8
    sign = np.diag([1.0, -1.0] * (d // 2))  # interleaved: the second channel of every plane
    q, k = np.random.default_rng(3).standard_normal((2, d))
    for m, n in ((0, 7), (12, 5), (300, 1000)):
        cw = (rope.rope_matrix(m, d).T @ q) @ (rope.rope_matrix(n, d).T @ k)
        flipped = (rope.rope_matrix(m, d) @ sign @ q) @ (rope.rope_matrix(n, d) @ sign @ k)
        mixed = (rope.rope_matrix(m, d) @ q) @ (rope.rope_matrix(n, d) @ k)
        mirrored = q @ rope.rope_matrix(m - n, d) @ k
        assert abs(cw - flipped) < 1e-12
        assert abs(cw - mirrored) < 1e-12
        assert abs(cw - mixed) > 1e-3


def test_myth_exp_log_is_more_stable():
    """exp-log frequencies are less accurate than pow, in float32 and float64: with exact
    elementary functions (the formula's own error, the same on every machine) pow is correctly
    rounded at d = 512 and exp-log is off by about 7.0 and 13.8 ulps (the page's numbers)."""
    hi, lo = precision.frequency_truth(512)
    for dt, expected in (("float32", 7.0), ("float64", 13.8)):
        err_pow = precision.ulp_error(
            precision.naive_frequencies(512, dtype=dt, exact_functions=True), hi, lo
        ).max()
        err_exp = precision.ulp_error(
            precision.naive_frequencies(512, dtype=dt, method="exp-log", exact_functions=True),
            hi,
            lo,
        ).max()
        assert err_pow <= 0.5
        assert round(float(err_exp), 1) == expected
    # In a float32 table the frequency error grows with the position: exp-log makes the table
    # error larger than pow, by a factor between 1 and 2 (formula's error, exact functions).
    for p in (16_000, 1_000_000, 50_000_001):
        hi, lo = precision.truth([p], 64)
        err = {
            m: np.abs(precision.naive([p], 64, frequencies=m, exact_functions=True) - hi).max()
            for m in ("pow", "exp-log")
        }
        assert 1.2 < err["exp-log"] / err["pow"] < 2


def test_myth_layout_does_not_matter():
    """Layouts are permutations: dot products agree, but the vectors a fixed weight sees differ."""
    inter = pe.sinusoidal(20, 16)
    split = pe.sinusoidal(20, 16, layout="sin|cos")
    np.testing.assert_allclose(inter @ inter.T, split @ split.T, rtol=0, atol=1e-13)
    w = np.random.default_rng(0).normal(size=(16, 16))
    assert np.abs(inter @ w - split @ w).max() > 0.1


def test_myth_uniqueness_needs_the_cosine():
    """One sine column already differs at every integer position (π is irrational): 100 000
    distinct values, though two of them are within 1e-9 of each other."""
    col = pe.sinusoidal(100_000, 2)[:, 0]
    assert len(np.unique(col)) == col.size
    assert np.diff(np.sort(col)).min() < 1e-9
    # The cosine is needed for the shift, not for uniqueness (thm-sin-only): a sine-only table
    # has no linear shift map, the full one has.
    t = pe.sinusoidal(80, 8)
    m, *_ = np.linalg.lstsq(t[:-3, 0::2], t[3:, 0::2], rcond=None)
    assert np.abs(t[:-3, 0::2] @ m - t[3:, 0::2]).max() > 0.1


def test_myth_differentiable():
    """The encoding is only evaluated at whole positions; the gradient of a loss with respect to
    the token embedding passes the added table unchanged, whatever the table holds (here the
    sinusoidal row and a row of random signs give the analytic gradient alike)."""
    with pytest.raises(ValueError, match="whole numbers"):
        pe.sinusoidal([0.5], 4)
    d = 16
    rng = np.random.default_rng(0)
    w, x = rng.standard_normal((d, d)), rng.standard_normal(d)
    for row in (pe.sinusoidal([7], d)[0], rng.choice([-1.0, 1.0], size=d)):

        def loss(v, row=row):
            y = w @ (v + row)
            return float(y @ y)

        analytic = 2 * w.T @ (w @ (x + row))
        h = 1e-6
        numeric = np.array([(loss(x + h * e) - loss(x - h * e)) / (2 * h) for e in np.eye(d)])
        assert np.allclose(numeric, analytic, rtol=1e-6, atol=1e-6)
