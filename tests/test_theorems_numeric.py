"""The theorems of the site, checked numerically on the NumPy reference.

Each test is named after the theorem id (``thm-shift`` -> ``test_thm_shift``) whose SymPy proof
lives in :mod:`posenc_ref.symbolic`; here the same statement is checked on float64 tables for
many (p, k, d_model, base, layout), Hypothesis-generated. Tolerances: the tables are faithful
(< 1 ulp, so < 2**-53 absolute for |values| <= 1), and a d-term dot product or matrix product
adds at most d rounding errors, hence the ``d * 2**-52`` bounds.
"""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import posenc_ref as pe
from posenc_ref import rope

EPS = 2.0**-52
d_models = st.integers(1, 64).map(lambda h: 2 * h)
bases = st.sampled_from([10000.0, 500000.0, 1e6, 100.0, 2.0, 0.5])
layouts = st.sampled_from(pe.LAYOUTS)
offsets = st.integers(-(2**20), 2**20)
positions = st.integers(-(2**20), 2**20)


@given(d=d_models, base=bases, layout=layouts, p=positions, k=offsets)
def test_thm_shift(d, base, layout, p, k):
    """PE(p + k) = R(k) · PE(p), with R(k) independent of p."""
    r = pe.rotation(k, d, base=base, layout=layout)
    rows = pe.sinusoidal([p, p + k], d, base=base, layout=layout)
    assert np.max(np.abs(r @ rows[0] - rows[1])) <= 4 * EPS


@given(d=d_models, base=bases, layout=layouts, a=offsets, b=offsets)
def test_thm_group(d, base, layout, a, b):
    """R(a) R(b) = R(a + b); R(0) = I; R(k)^T = R(-k) = R(k)^-1; det R(k) = 1."""
    ra = pe.rotation(a, d, base=base, layout=layout)
    rb = pe.rotation(b, d, base=base, layout=layout)
    rab = pe.rotation(a + b, d, base=base, layout=layout)
    assert np.max(np.abs(ra @ rb - rab)) <= 4 * EPS
    np.testing.assert_array_equal(pe.rotation(0, d, base=base, layout=layout), np.eye(d))
    np.testing.assert_array_equal(ra.T, pe.rotation(-a, d, base=base, layout=layout))
    assert np.max(np.abs(ra.T @ ra - np.eye(d))) <= 4 * EPS
    assert abs(np.linalg.det(ra) - 1.0) <= d * EPS


@given(d=d_models, base=bases, layout=layouts, p=positions, q=positions)
def test_thm_dot(d, base, layout, p, q):
    """PE(p)·PE(q) = Σ_i cos(ω_i (p - q)): a function of p - q only, even in it."""
    rows = pe.sinusoidal([p, q, p - q, q - p, 0], d, base=base, layout=layout)
    dot = float(rows[0] @ rows[1])
    # The formula, evaluated with math.fsum on the exact-kernel cosines of the offset.
    cos_cols = [pe.pair_to_column(i, "cos", d, layout=layout) for i in range(d // 2)]
    formula = math.fsum(rows[2, cos_cols])
    assert abs(dot - formula) <= d * EPS
    # Evenness: the offset -(p - q) gives the same value.
    assert abs(formula - math.fsum(rows[3, cos_cols])) <= d * EPS
    # Shift invariance: PE(p - q)·PE(0) is the same number.
    assert abs(float(rows[2] @ rows[4]) - dot) <= 2 * d * EPS


@given(d=d_models, base=bases, layout=layouts, p=positions)
def test_thm_norm(d, base, layout, p):
    """|PE(p)|² = d_model / 2 for every position."""
    row = pe.sinusoidal([p], d, base=base, layout=layout)[0]
    assert abs(float(row @ row) - d / 2) <= d * EPS


@given(d=d_models, base=bases, k=st.integers(1, 200))
def test_thm_sin_only(d, base, k):
    """A sine-only table has no p-independent linear shift map unless sin(ω_i k) = 0.

    Least squares finds the best matrix M with S(p + k) ≈ M S(p) over many p; its residual is
    far from zero, while the sin+cos table's residual is at rounding level.
    """
    w = pe.frequencies(d, base=base)
    if np.min(np.abs(np.sin(w * k))) < 1e-2:
        return  # (nearly) a multiple of π: the one case where a sine-only shift exists
    full = pe.sinusoidal(k + 3 * d + 64, d, base=base)
    sin_cols = [pe.pair_to_column(i, "sin", d) for i in range(d // 2)]

    def residual(table):
        src, dst = table[:-k], table[k:]
        m, *_ = np.linalg.lstsq(src, dst, rcond=None)
        return float(np.max(np.abs(src @ m - dst)))

    assert residual(full) < 1e-9
    assert residual(full[:, sin_cols]) > 1e-4


@given(d=d_models, base=st.sampled_from([10000.0, 500000.0, 100.0, 2.0]))
def test_thm_wavelengths(d, base):
    """Wavelengths 2π·base^(2i/d): geometric, from 2π to 2π·base^((d-2)/d) < 2π·base."""
    lam = pe.wavelengths(d, base=base)
    assert lam[0] == 2 * math.pi
    assert math.isclose(lam[-1], 2 * math.pi * base ** ((d - 2) / d), rel_tol=4 * EPS)
    assert lam[-1] < 2 * math.pi * base
    if d >= 4:
        ratios = lam[1:] / lam[:-1]
        assert np.allclose(ratios, base ** (2 / d), rtol=8 * EPS, atol=0)


def test_thm_wavelengths_paper_claim_d512():
    """For d = 512 the longest wavelength is 2π·9646.6…, not the paper's 2π·10000."""
    lam = pe.wavelengths(512)
    assert round(lam[-1] / (2 * math.pi), 1) == round(10000 ** (510 / 512), 1) == 9646.6


def orthogonal(d: int, seed: int) -> np.ndarray:
    """A random orthogonal matrix (QR of a Gaussian one): an orthogonal change of basis."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((d, d)))
    return q


@given(
    d=st.sampled_from([2, 4, 6, 8]),
    base=st.sampled_from([10.0, 100.0, 1000.0]),
    layout=layouts,
    seed=st.integers(0, 2**32 - 1),
    start=st.integers(0, 2**20),
)
def test_thm_isometry(d, base, layout, seed, start):
    """A code whose dot products depend on p − q only (here the reference table in a random
    orthonormal basis) has a shift map that is an isometry: the Gram matrix of rows p+1 … equals
    that of rows p …, the fitted shift is orthogonal, and its eigenvalues are e^{±iω_i}."""
    n = 4 * d + 8
    code = pe.sinusoidal(range(start, start + n + 1), d, base=base, layout=layout)
    code = code @ orthogonal(d, seed).T
    # Rows have norm sqrt(d/2) <= 2, so each Gram entry is a d-term dot product of size <= 4.
    assert np.max(np.abs(code[1:] @ code[1:].T - code[:-1] @ code[:-1].T)) <= 16 * d * EPS
    m, *_ = np.linalg.lstsq(code[:-1], code[1:], rcond=None)  # code[1:] ≈ code[:-1] @ m
    shift = m.T
    assert np.max(np.abs(shift.T @ shift - np.eye(d))) < 1e-8
    eig = np.linalg.eigvals(shift)
    assert np.max(np.abs(np.abs(eig) - 1)) < 1e-8
    angles = np.sort(np.abs(np.angle(eig)))
    expected = np.sort(np.repeat(pe.frequencies(d, base=base), 2))
    assert np.max(np.abs(angles - expected)) < 1e-7


def test_thm_isometry_counterexamples():
    """A linear shift alone allows ellipses and decay; their Gram matrices move with a shift."""
    p = np.arange(12.0)
    ellipse = np.stack([np.sin(p), np.sin(p) + np.cos(p)], axis=1)
    m, *_ = np.linalg.lstsq(ellipse[:-1], ellipse[1:], rcond=None)
    assert np.max(np.abs(ellipse[:-1] @ m - ellipse[1:])) < 1e-12  # shift-linear
    assert np.max(np.abs(ellipse[1:] @ ellipse[1:].T - ellipse[:-1] @ ellipse[:-1].T)) > 0.1
    decay = (0.5**p)[:, None]
    assert np.max(np.abs(decay[1:] @ decay[1:].T - decay[:-1] @ decay[:-1].T)) > 0.5


def test_thm_isometry_xpos():
    """xPos's reciprocal scaling ζ^m on queries and ζ^(−n) on keys keeps the score a function
    of the offset (it decays instead of staying bounded)."""
    d, zeta = 16, 0.9
    q, k = np.random.default_rng(5).standard_normal((2, 1, d))

    def score(m: int, n: int) -> float:
        rq = zeta**m * rope.apply_rope(q, [m])[0]
        rk = zeta ** (-n) * rope.apply_rope(k, [n])[0]
        return float(rq @ rk)

    same_offset = [score(m, m - 3) for m in (3, 10, 50)]
    assert np.ptp(same_offset) < 1e-12 * abs(same_offset[0])
    assert abs(score(40, 0)) < abs(score(3, 0)) * 0.1  # ζ^(m−n) decays with the offset
