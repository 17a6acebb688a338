"""Behaviour of the table functions: shapes, layouts, index helpers, the textbook formula."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import posenc_ref as pe


def test_worked_example_matches_the_formula_by_hand():
    """d_model = 4: frequencies 1 and 10000**(-1/2) = 1/100, computed here with math only."""
    table = pe.sinusoidal(4, 4)
    for p in range(4):
        expected = [math.sin(p), math.cos(p), math.sin(p / 100), math.cos(p / 100)]
        assert table[p].tolist() == pytest.approx(expected, abs=2**-53)


@pytest.mark.parametrize("d_model", [2, 4, 8, 64, 512])
def test_frequencies_formula(d_model):
    w = pe.frequencies(d_model)
    i = np.arange(d_model // 2)
    np.testing.assert_allclose(w, 10000.0 ** (-2 * i / d_model), rtol=4e-16, atol=0)
    assert w[0] == 1.0
    np.testing.assert_array_equal(pe.wavelengths(d_model), 2 * math.pi / w)


@given(d=st.integers(1, 40).map(lambda h: 2 * h), n=st.integers(0, 30))
def test_layouts_are_permutations_of_each_other(d, n):
    inter = pe.sinusoidal(n, d)
    h = d // 2
    split = pe.sinusoidal(n, d, layout="sin|cos")
    flipped = pe.sinusoidal(n, d, layout="cos|sin")
    np.testing.assert_array_equal(split[:, :h], inter[:, 0::2])
    np.testing.assert_array_equal(split[:, h:], inter[:, 1::2])
    np.testing.assert_array_equal(flipped, np.concatenate([split[:, h:], split[:, :h]], axis=1))


@given(d=st.integers(1, 40).map(lambda h: 2 * h), layout=st.sampled_from(pe.LAYOUTS))
def test_index_helpers_round_trip_and_match_the_table(d, layout):
    table = pe.sinusoidal([3], d, layout=layout)[0]
    w = pe.frequencies(d)
    seen = set()
    for j in range(d):
        col = pe.column_to_pair(j, d, layout=layout)
        assert pe.pair_to_column(col.pair, col.func, d, layout=layout) == j
        assert pe.exponent(j, d, layout=layout) == Fraction(2 * col.pair, d)
        f = math.sin if col.func == "sin" else math.cos
        assert table[j] == pytest.approx(f(3 * w[col.pair]), abs=1e-15)  # 3·w is rounded
        seen.add(col)
    assert len(seen) == d


def test_which_i_examples_from_the_reader_thread():
    """PE(pos, 2) uses exponent 2/d (pair 1); PE(pos, 5) uses 4/d (pair 2, cosine)."""
    d = 512
    assert pe.column_to_pair(2, d) == (1, "sin")
    assert pe.exponent(2, d) == Fraction(2, d)
    assert pe.column_to_pair(5, d) == (2, "cos")
    assert pe.exponent(5, d) == Fraction(4, d)


@given(
    d=st.integers(1, 32).map(lambda h: 2 * h),
    p=st.integers(0, 2**20),
    base=st.sampled_from([10000.0, 500000.0, 10.0]),
)
def test_textbook_formula_agrees_within_its_angle_error(d, p, base):
    """The plain formula rounds the angle, so it may differ by about p·2**-53 (plus 1 ulp)."""
    ref = pe.sinusoidal([p], d, base=base)[0]
    plain = np.array([pe.textbook_pe(p, j, d, base=base) for j in range(d)])
    assert np.max(np.abs(plain - ref)) <= (p + 2) * 2.0**-52


def test_textbook_table_small_positions_is_close():
    np.testing.assert_allclose(pe.textbook_table(50, 16), pe.sinusoidal(50, 16), rtol=0, atol=1e-14)


def test_negative_positions_follow_parity():
    pos = pe.sinusoidal(range(1, 40), 16)
    neg = pe.sinusoidal(range(-1, -40, -1), 16)
    np.testing.assert_array_equal(neg[:, 0::2], -pos[:, 0::2])  # sine is odd
    np.testing.assert_array_equal(neg[:, 1::2], pos[:, 1::2])  # cosine is even
