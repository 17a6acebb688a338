"""The safety margins of the accuracy contract, each tested at the bound it must cover.

Correct rounding of float32 / float16 tables rests on three constants; loosening any of them would
let a wrong entry through only for the rare values next to a rounding boundary, which random
sampling never meets. So each is tested here on inputs built to sit exactly where it matters:

- ``_exact.ROUNDING_MARGIN_ULPS``: a float64 value up to ~1.05 float64 ulps from the truth (the
  per-entry kernel's worst case) on the wrong side of a float32 midpoint is still re-checked;
- ``_fast.BLOCK_ERROR``: a product up to its proven error bound ``4.5 * 2**-53`` (absolute) from
  a boundary is flagged as a suspect;
- ``_faithful64._SMALL_SQUARED``: entries whose value is tiny, where the fixed-point tables'
  absolute error would exceed an ulp, are computed exactly. Those come from the continued
  fractions of ``ω_i/π`` (positions that are nearly a multiple of π/ω_i), in
  :data:`TINY_VALUES` below.
"""

from __future__ import annotations

import numpy as np
import pytest

import posenc_ref as pe
from posenc_ref import _exact, _fast
from posenc_ref import precision as prec

F32 = np.float32
U64 = 2.0**-53


def _midpoint(x: float) -> float:
    """The float32 rounding boundary just above float32 ``x`` (exact in float64)."""
    lo = F32(x)
    return 0.5 * (float(lo) + float(np.nextafter(lo, F32(np.inf))))


@pytest.mark.parametrize("value", [0.7, -0.3, 1.5e-3, 0.99999])
@pytest.mark.parametrize("side", [1, -1])
def test_a_value_off_by_the_kernels_worst_case_is_still_rounded_correctly(value, side):
    mid = _midpoint(value)
    step = float(np.spacing(abs(mid)))
    truth_above = side > 0
    # The truth sits a hair beyond the midpoint; the float64 value 1.05 ulps on the other side.
    y64 = np.array([mid - side * 1.05 * step])

    def exact(ctx, index):
        return ctx.mpf(mid) + side * ctx.mpf(2) ** -120

    got = _exact.round_checked(y64, np.dtype(F32), exact)[0]
    lower = F32(mid - step)  # the float32 below the midpoint
    upper = np.nextafter(lower, F32(np.inf))
    assert got == (upper if truth_above else lower)
    assert abs(1.05 * step) <= _exact.ROUNDING_MARGIN_ULPS * step  # the margin covers it


@pytest.mark.parametrize("distance", [U64, 3 * U64, 4.5 * U64])
@pytest.mark.parametrize("side", [1, -1])
def test_a_product_within_its_error_bound_of_a_boundary_is_a_suspect(distance, side):
    mid = _midpoint(0.61)
    y64 = np.array([[mid + side * distance, 0.25]])  # the second entry is far from any boundary
    checker = _fast._Checker(1, 2, np.dtype(F32))
    rows, cols, _low = checker.suspects(y64, None)
    assert (rows.tolist(), cols.tolist()) == ([0], [0])


# (d_model, base, pair i, position p): sin(p·ω_i) is tiny, found from the continued fraction of
# ω_i/π (posenc's own search, with mpmath at 300 bits). |value| noted for each.
TINY_VALUES = [
    (1024, 10000.0, 247, 22024541),  # |value| ≈ 2**-32.9
    (512, 10000.0, 119, 61458641),  # 2**-31.4
    (512, 10000.0, 50, 7607804),  # 2**-30.7
    (256, 1e6, 68, 38726764),  # 2**-30.7
    (128, 500000.0, 56, 11270686),  # 2**-30.3
    (64, 10000.0, 7, 42913089),  # 2**-29.5
]


@pytest.mark.parametrize(("d", "base", "pair", "p"), TINY_VALUES)
def test_tiny_values_are_tiny(d, base, pair, p):
    hi, _lo = prec.truth([p], d, base=base, layout="sin|cos")
    assert abs(hi[0, pair]) < 2.0**-27


@pytest.mark.parametrize(("d", "base", "pair", "p"), TINY_VALUES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tiny_values_keep_the_contract_on_every_path(d, base, pair, p, dtype):
    """The entry alone (per-position path), in a range (block tables) and in a scattered set."""
    hi, lo = prec.truth([p], d, base=base, layout="sin|cos")
    expected = prec.correctly_rounded(hi, lo, dtype)[0, pair]
    alone = pe.sinusoidal([p], d, base=base, layout="sin|cos", dtype=dtype)[0, pair]
    ranged = pe.sinusoidal(range(p - 70, p + 70), d, base=base, layout="sin|cos", dtype=dtype)
    scattered = pe.sinusoidal([-5, p, 3 * p // 4], d, base=base, layout="sin|cos", dtype=dtype)
    for got in (alone, ranged[70, pair], scattered[1, pair]):
        if dtype == np.float32:
            assert got == expected
        else:
            err = prec.ulp_error(np.array([got]), hi[:, pair], lo[:, pair])[0]
            assert err < 1.0
