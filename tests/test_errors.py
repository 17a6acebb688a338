"""Bad input gets a clear error that names the argument and the rule — never a wrong table."""

import numpy as np
import pytest

import posenc_ref as pe


@pytest.mark.parametrize(
    ("d_model", "exc", "match"),
    [
        (0, ValueError, "d_model must be a positive even integer; got 0"),
        (-4, ValueError, "d_model must be a positive even integer; got -4"),
        (8.0, TypeError, "d_model must be a positive even integer; got 8.0 of type float"),
        (True, TypeError, "d_model must be a positive even integer; got True of type bool"),
        ("8", TypeError, "d_model must be a positive even integer"),
        (7, ValueError, "d_model must be even.*got 7"),
    ],
)
def test_d_model(d_model, exc, match):
    for call in (
        lambda: pe.sinusoidal(4, d_model),
        lambda: pe.frequencies(d_model),
        lambda: pe.rotation(1, d_model),
        lambda: pe.column_to_pair(0, d_model),
    ):
        with pytest.raises(exc, match=match):
            call()


@pytest.mark.parametrize(
    ("base", "exc", "match"),
    [
        (0.0, ValueError, "base must be > 0"),
        (-10000.0, ValueError, "base must be > 0"),
        (1.0, ValueError, "base must not be 1"),
        (1, ValueError, "base must not be 1"),
        (float("inf"), ValueError, "base must be finite"),
        (float("nan"), ValueError, "base must be finite"),
        (True, TypeError, "base must be a real number"),
        (1j, TypeError, "base must be a real number"),
        ("10000", TypeError, "base must be a real number"),
    ],
)
def test_base(base, exc, match):
    with pytest.raises(exc, match=match):
        pe.sinusoidal(4, 8, base=base)


def test_layout():
    with pytest.raises(ValueError, match=r"layout must be one of 'interleaved', 'sin\|cos', "):
        pe.sinusoidal(4, 8, layout="split")
    with pytest.raises(ValueError, match="layout must be one of"):
        pe.rotation(1, 8, layout="half")


@pytest.mark.parametrize("dtype", [np.int32, np.complex128, np.longdouble, "bfloat16", object])
def test_dtype(dtype):
    with pytest.raises(TypeError, match="dtype must be one of float16, float32, float64"):
        pe.sinusoidal(4, 8, dtype=dtype)


@pytest.mark.parametrize(
    ("positions", "exc", "match"),
    [
        (-1, ValueError, "count n of positions 0..n-1 and must be >= 0; got -1"),
        (2.5, TypeError, "positions must be an int n, a range, or a 1-D array of integers"),
        (True, TypeError, "positions must be an int n"),
        ([0.0, 1.5], ValueError, r"positions must be whole numbers.*got 1.5 at index 1"),
        ([0.0, float("nan")], ValueError, "positions must be finite; got nan at index 1"),
        ([0, float("inf")], ValueError, "positions must be finite; got inf at index 1"),
        ([[0, 1]], ValueError, r"positions must be 1-D; got an array of shape \(1, 2\)"),
        ([True, False], TypeError, "got a boolean array"),
        (["a"], TypeError, "got an array of dtype <U1"),
        ([2**26], ValueError, r"\|p\| < 2\*\*26 = 67108864.*got \|p\| = 67108864"),
        ([-(2**26)], ValueError, r"\|p\| < 2\*\*26"),
        # int64's minimum: its absolute value does not fit in int64 (np.abs wraps it around).
        ([-(2**63)], ValueError, r"\|p\| < 2\*\*26.*got \|p\| = 9223372036854775808"),
        (np.array([5, -(2**63)], dtype=np.int64), ValueError, r"\|p\| < 2\*\*26"),
    ],
)
def test_positions(positions, exc, match):
    with pytest.raises(exc, match=match):
        pe.sinusoidal(positions, 8)


def test_positions_range_scales_with_frequency_when_base_below_one():
    # base 0.5, d 4: frequencies 1 and 0.5**-0.5 = √2, so |p| must stay below 2**26/√2.
    pe.sinusoidal([47453132], 4, base=0.5)
    with pytest.raises(ValueError, match="max frequency"):
        pe.sinusoidal([47453133], 4, base=0.5)


def test_rotation_offset():
    with pytest.raises(TypeError, match=r"k must be an integer; got 0\.5"):
        pe.rotation(0.5, 8)
    with pytest.raises(ValueError, match=r"\|p\| < 2\*\*26"):
        pe.rotation(2**26, 8)


def test_index_helpers():
    with pytest.raises(ValueError, match="j must be a column index 0 <= j < d_model = 8; got 8"):
        pe.column_to_pair(8, 8)
    with pytest.raises(ValueError, match="i must be a pair index 0 <= i < d_model/2 = 4; got 4"):
        pe.pair_to_column(4, "sin", 8)
    with pytest.raises(ValueError, match="func must be 'sin' or 'cos'; got 'tan'"):
        pe.pair_to_column(0, "tan", 8)
    with pytest.raises(ValueError, match="j must be a column index"):
        pe.textbook_pe(0, -1, 8)


def test_accepted_position_forms_agree():
    ref = pe.sinusoidal(5, 8)
    for form in (range(5), [0, 1, 2, 3, 4], np.arange(5, dtype=np.uint8), np.arange(5.0)):
        np.testing.assert_array_equal(pe.sinusoidal(form, 8), ref)
    assert pe.sinusoidal(0, 8).shape == (0, 8)


def test_more_inputs_found_by_the_audit():
    from posenc_ref import precision, rope

    # A big-endian float32 dtype is float32; results come in native byte order.
    table = pe.sinusoidal(3, 4, dtype=">f4")
    assert table.dtype == np.float32
    np.testing.assert_array_equal(table, pe.sinusoidal(3, 4, dtype=np.float32))
    with pytest.raises(ValueError, match=r"positions must fit in int64"):
        pe.sinusoidal([-(2**63) - 1], 4)
    with pytest.raises(ValueError, match=r"positions must fit in int64.*larger range"):
        pe.sinusoidal(range(2**64), 4)  # len() of this range would overflow
    with pytest.raises(ValueError, match=r"a range of 4611686018427387904 positions is too long"):
        pe.sinusoidal(range(2**62), 4)
    with pytest.raises(ValueError, match="prec must be an integer number of bits >= 64"):
        precision.truth([1], 2, prec=0)
    assert np.isnan(precision.ulp([np.nan, np.inf, -np.inf])).all()
    x = np.ones((1, 4))
    with pytest.raises(TypeError, match="cos must be a real numeric array"):
        rope.apply_cache(x, None, None, layout="half")
    with pytest.raises(ValueError, match=r"cos of shape \(5, 4\) does not broadcast to x"):
        rope.apply_cache(x, np.ones((5, 4)), np.ones((5, 4)), layout="half")
    with pytest.raises(ValueError, match=r"sin of shape \(1, 3\) does not broadcast"):
        rope.apply_cache(x, np.ones((1, 4)), np.ones((1, 3)), layout="half")
