"""The accuracy contract, checked against mpmath ground truth (200 bits).

- float32 and float16 output: every entry correctly rounded (equal to the nearest representable
  value of the exact result), for |p| < 2**26 and every pair index;
- float64 output: faithful, error < 1 ulp of the true value.

Positions: every 2**k - 1, 2**k, 2**k + 1, 0 … 63, positions near 2**24 and up to 2**26 - 1, and
seeded random positions in every band (posenc_ref.precision.sample_positions).
"""

import numpy as np
import pytest

import posenc_ref as pe
from posenc_ref import precision as prec

BANDS = prec.sample_positions(per_band=6, seed=2026)
ALL_POSITIONS = np.unique(np.concatenate(list(BANDS.values())))


@pytest.fixture(scope="module")
def truth_512():
    return prec.truth(ALL_POSITIONS, 512)


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_narrow_dtypes_are_correctly_rounded_d512(truth_512, dtype):
    hi, lo = truth_512
    y = pe.sinusoidal(ALL_POSITIONS, 512, dtype=dtype)
    expected = prec.correctly_rounded(hi, lo, dtype)
    bad = np.argwhere(y != expected)
    assert bad.size == 0, f"{len(bad)} misrounded entries, first at (row, col) {bad[:3].tolist()}"
    assert prec.ulp_error(y, hi, lo).max() <= 0.5


def test_float64_is_faithful_d512(truth_512):
    hi, lo = truth_512
    y = pe.sinusoidal(ALL_POSITIONS, 512)
    err = prec.ulp_error(y, hi, lo)
    assert err.max() < 1.0, f"max error {err.max():.3f} ulp"


@pytest.mark.parametrize(
    ("d_model", "base", "positions"),
    [
        (2, 10000.0, [0, 1, 2**24 - 1, 2**24, 2**24 + 1, 2**26 - 1, -(2**26 - 1)]),
        (6, 10000.0, [-5, 3, 1000003, 2**25 + 7]),
        pytest.param(8192, 10000.0, [1, 2**24 + 1, 2**26 - 1], marks=pytest.mark.slow),
        (128, 500000.0, [0, 77, 2**20 + 3, 2**26 - 1]),
        (96, 1e6, [5, 2**23 - 1, 2**25]),
        (64, 2.5, [17, 2**21, 2**26 - 3]),
        (10, 0.5, [3, 1001, 2**22]),  # base < 1: frequencies above 1, range shrinks accordingly
    ],
)
@pytest.mark.parametrize("layout", pe.LAYOUTS)
def test_contract_other_widths_bases_layouts(d_model, base, positions, layout):
    hi, lo = prec.truth(positions, d_model, base=base, layout=layout)
    y64 = pe.sinusoidal(positions, d_model, base=base, layout=layout)
    assert prec.ulp_error(y64, hi, lo).max() < 1.0
    for dt in (np.float32, np.float16):
        y = pe.sinusoidal(positions, d_model, base=base, layout=layout, dtype=dt)
        np.testing.assert_array_equal(y, prec.correctly_rounded(hi, lo, dt))


def test_rounding_fallback_is_correct(monkeypatch):
    """The high-precision re-check path must give the correctly rounded value.

    Real near-boundary entries are rare (about 2**-28 per float32 entry), so widen the band until
    most entries take the mpmath path, and compare with the ground truth.
    """
    from posenc_ref import _exact

    calls = []
    original = _exact.exact_sin_cos

    def counting(*args):
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(_exact, "ROUNDING_MARGIN_ULPS", 2.0**45)
    monkeypatch.setattr(_exact, "exact_sin_cos", counting)
    pos = [0, 1, 3, 1000, 2**24 + 1, 2**26 - 1]
    hi, lo = prec.truth(pos, 16)
    for dt in (np.float16, np.float32):
        calls.clear()
        got = pe.sinusoidal(pos, 16, dtype=dt)
        assert len(calls) > 20
        np.testing.assert_array_equal(got, prec.correctly_rounded(hi, lo, dt))


def test_frequencies_are_correctly_rounded():
    import mpmath

    for d, base in [(512, 10000.0), (768, 10000.0), (126, 500000.0), (8192, 1e6), (10, 0.5)]:
        w = pe.frequencies(d, base=base)
        with mpmath.workprec(300):
            exact = [mpmath.power(mpmath.mpf(base), mpmath.mpf(-2 * i) / d) for i in range(d // 2)]
        assert w.tolist() == [float(x) for x in exact]  # mpmath's float() rounds to nearest


def test_naive_float32_is_not_a_reference():
    """The textbook float32 formula is off by up to ~2 (sign flips) near 2**24: the motivation
    for the contract. Measured here so that the precision page's claim stays true."""
    pos = BANDS[(2**24 + 2, 2**26)]
    hi, _ = prec.truth(pos, 64)
    err = np.abs(prec.naive(pos, 64, dtype=np.float32).astype(np.float64) - hi)
    assert err.max() > 1.0
    assert np.abs(pe.sinusoidal(pos, 64, dtype=np.float32).astype(np.float64) - hi).max() < 6e-8


def test_accuracy_report_rows():
    rows = prec.accuracy_report(16, per_band=2, seed=1)
    assert {r["dtype"] for r in rows} == {"float64", "float32", "float16"}
    assert len(rows) == 3 * len(prec.BANDS)
    for r in rows:
        limit = 1.0 if r["dtype"] == "float64" else 0.5
        assert r["max_ulp"] <= limit
        if r["dtype"] != "float64":
            assert r["correctly_rounded"] == 1.0
    assert "| positions | dtype |" in prec.format_report(rows)
