"""The fast path (posenc_ref._fast): same contract as the per-entry kernel, for every input shape.

The blocked angle-addition path builds float32 / float16 tables; the direct path evaluates every
entry with the compensated kernel and is itself checked against mpmath in test_accuracy.py. Both
claim correct rounding, so their tables must be identical: compared here on complete tables, and
the blocked tables are also checked against mpmath on sampled rows.
"""

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import posenc_ref as pe
from posenc_ref import _fast, _kernel, bench, cli
from posenc_ref import precision as prec

LIMIT = 2**26


def direct(pos, d, layout, dtype, base=10000.0):
    """The table from the per-entry path (every entry from the compensated kernel)."""
    pos = np.asarray(pos, dtype=np.int64)
    out = np.empty((pos.shape[0], d), dtype=dtype)
    _fast._direct(out, pos, *_kernel.frequencies_dd(d, base), layout, base)
    return out


def _positions():
    rng = np.random.default_rng(5)
    return {
        "range at 0": np.arange(3000),
        "range ending at 2**26 - 1": np.arange(LIMIT - 2500, LIMIT),
        "negative range": np.arange(-(LIMIT - 1), -(LIMIT - 1) + 700),
        "reversed, across 0": np.arange(-900, 1300)[::-1],
        "step 3": np.arange(5, 9005, 3),
        "sorted with repeats": np.sort(rng.integers(0, 4000, 3000)),
        "shuffled cluster near 2**24": rng.permutation(np.arange(2**24 - 1000, 2**24 + 1000)),
        "scattered (direct path)": rng.integers(-(LIMIT - 1), LIMIT, 500),
    }


POSITIONS = _positions()


@pytest.mark.parametrize("name", list(POSITIONS))
@pytest.mark.parametrize("layout", pe.LAYOUTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_blocked_equals_direct_complete_tables(name, layout, dtype):
    pos = POSITIONS[name]
    got = pe.sinusoidal(pos, 48, layout=layout, dtype=dtype)
    np.testing.assert_array_equal(got, direct(pos, 48, layout, dtype))


@pytest.mark.parametrize("name", ["range ending at 2**26 - 1", "reversed, across 0", "step 3"])
def test_blocked_rows_against_mpmath(name):
    pos = POSITIONS[name]
    rows = np.random.default_rng(len(pos)).choice(len(pos), 6, replace=False)
    for layout in pe.LAYOUTS:
        hi, lo = prec.truth(pos[rows], 64, layout=layout)
        for dtype in (np.float32, np.float16):
            table = pe.sinusoidal(pos, 64, layout=layout, dtype=dtype)
            np.testing.assert_array_equal(table[rows], prec.correctly_rounded(hi, lo, dtype))


def test_blocked_path_is_taken(monkeypatch):
    """Guard against the fast path silently falling back to the per-entry one."""
    calls = []
    original = _fast._blocked
    monkeypatch.setattr(_fast, "_blocked", lambda *a: calls.append(1) or original(*a))
    pe.sinusoidal(4096, 32, dtype=np.float32)
    assert calls
    assert (
        _fast._blocked(
            np.empty((500, 8), np.float32),
            POSITIONS["scattered (direct path)"],
            *_kernel.frequencies_dd(8, 10000.0),
            "interleaved",
            10000.0,
        )
        is False
    )  # scattered positions: a base table as large as the output is not worth it


def test_recheck_path_gives_correct_rounding(monkeypatch):
    """Force every entry through the recheck (compensated kernel, then mpmath near a boundary)."""
    monkeypatch.setattr(_fast, "BLOCK_ERROR", 1.0)
    pos = np.arange(LIMIT - 80, LIMIT)
    for layout in pe.LAYOUTS:
        hi, lo = prec.truth(pos[::9], 12, layout=layout)
        for dtype in (np.float32, np.float16):
            table = pe.sinusoidal(pos, 12, layout=layout, dtype=dtype)
            np.testing.assert_array_equal(table[::9], prec.correctly_rounded(hi, lo, dtype))


CONSECUTIVE = {
    "from 0": np.arange(0, 700),
    "ending at 2**26 - 1": np.arange(LIMIT - 300, LIMIT),
    "from -(2**26 - 1)": np.arange(-(LIMIT - 1), -(LIMIT - 1) + 300),
    "across 0": np.arange(-150, 150),
    "near 2**24": np.arange(2**24 - 100, 2**24 + 100),
}


@pytest.mark.parametrize("name", list(CONSECUTIVE))
@pytest.mark.parametrize("layout", pe.LAYOUTS)
def test_float64_ranges_are_faithful(name, layout):
    """Ranges take the exact-product angle addition (posenc_ref._faithful64): < 1 ulp."""
    pos = CONSECUTIVE[name]
    table = pe.sinusoidal(pos, 96, layout=layout)
    rows = np.unique(np.r_[0, 1, len(pos) // 3, len(pos) // 2, len(pos) - 1])
    hi, lo = prec.truth(pos[rows], 96, layout=layout)
    assert prec.ulp_error(table[rows], hi, lo).max() < 1.0
    # and every entry is within one float64 ulp of the per-entry kernel (both are faithful)
    assert np.all(np.abs(table - direct(pos, 96, layout, np.float64)) <= np.spacing(np.abs(table)))


@settings(max_examples=25, deadline=None)
@given(
    start=st.integers(-(LIMIT - 1), LIMIT - 300),
    n=st.integers(64, 299),
    half=st.integers(1, 10),
    base=st.sampled_from([10000.0, 500000.0, 2.5, 0.5]),
)
def test_float64_any_range_is_faithful(start, n, half, base):
    if base < 1:
        start = max(min(start, LIMIT // 16 - n), -(LIMIT // 16))  # |p| * max(w) < 2**26
    pos = np.arange(start, start + n)
    table = pe.sinusoidal(pos, 2 * half, base=base)
    rows = np.array([0, n // 2, n - 1])
    hi, lo = prec.truth(pos[rows], 2 * half, base=base)
    assert prec.ulp_error(table[rows], hi, lo).max() < 1.0


@pytest.mark.parametrize("path", ["range", "scattered"])
def test_float64_small_values_are_computed_exactly(monkeypatch, path):
    """Values too small for the fixed-point split are computed exactly (mpmath) and rounded to
    the nearest float64: force every entry down that path and compare with the truth."""
    from posenc_ref import _faithful64

    monkeypatch.setattr(_faithful64, "_SMALL_SQUARED", 4.0)  # every entry counts as small
    pos = np.arange(LIMIT - 100, LIMIT) if path == "range" else np.array([5, -(LIMIT - 3), 77])
    for layout in pe.LAYOUTS:
        hi, _lo = prec.truth(pos, 20, layout=layout)
        np.testing.assert_array_equal(pe.sinusoidal(pos, 20, layout=layout), hi)


@pytest.mark.parametrize("name", list(POSITIONS))
def test_float64_any_positions_are_faithful(name):
    """Non-consecutive positions take the exact-product tables too (fill_positions): every
    entry of sampled rows within one ulp of the truth, and as close as the range path."""
    pos = POSITIONS[name]
    table = pe.sinusoidal(pos, 48)
    rows = np.unique(np.r_[0, 1, len(pos) // 3, len(pos) // 2, len(pos) - 1])
    hi, lo = prec.truth(pos[rows], 48)
    assert prec.ulp_error(table[rows], hi, lo).max() < 1.0
    assert np.all(np.abs(table - direct(pos, 48, "interleaved", np.float64)) <= 2 * np.spacing(1.0))


@pytest.mark.slow
def test_float64_contract_at_the_audits_failing_entry():
    """sinusoidal([2**24-1], 4096, base=5e5) column 1435 was 1.00098 ulp off (not faithful) on
    the per-entry path; it is now within half an ulp and a hair, for both signs and layouts."""
    for p in (2**24 - 1, -(2**24 - 1)):
        for layout in pe.LAYOUTS:
            y = pe.sinusoidal([p], 4096, base=500000.0, layout=layout)
            hi, lo = prec.truth([p], 4096, base=500000.0, layout=layout)
            assert prec.ulp_error(y, hi, lo).max() < 0.5 + 2.0**-4


@settings(max_examples=40, deadline=None)
@given(
    start=st.integers(-(LIMIT - 1), LIMIT - 400),
    offsets=st.lists(st.integers(0, 399), min_size=64, max_size=300),
    half=st.integers(1, 12),
    layout=st.sampled_from(pe.LAYOUTS),
    dtype=st.sampled_from([np.float32, np.float16]),
    base=st.sampled_from([10000.0, 500000.0, 2.5]),
)
def test_any_clustered_positions(start, offsets, half, layout, dtype, base):
    pos = start + np.array(offsets, dtype=np.int64)
    got = pe.sinusoidal(pos, 2 * half, base=base, layout=layout, dtype=dtype)
    np.testing.assert_array_equal(got, direct(pos, 2 * half, layout, dtype, base))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_peak_memory_is_about_the_output(dtype):
    n, d = 16384, 256
    out_bytes = n * d * np.dtype(dtype).itemsize
    pe.sinusoidal(64, d, dtype=dtype)  # frequencies cached outside the measurement
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        pe.sinusoidal(n, d, dtype=dtype)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The output, plus tables of (n/B + B) rows (a few complex and double-double values per
    # entry, with the temporaries that build them) and one chunk of scratch.
    rows = n // _fast.block_size(n) + _fast.block_size(n)
    assert peak - out_bytes < 128 * rows * d + 4 * 2**20, (peak, out_bytes)


def test_bench_quick_runs(tmp_path, capsys):
    json_file, md_file = tmp_path / "b.json", tmp_path / "b.md"
    status = cli.main(["bench", "--quick", "--json", str(json_file), "--markdown", str(md_file)])
    assert status == 0
    import json

    result = json.loads(json_file.read_text())
    names = {m["name"] for s in result["sizes"] for m in s["methods"]}
    assert {
        "reference float32",
        "reference float64",
        "textbook float32 (tutorial)",
        "product only float32 (no rounding check)",
    } <= names
    for size in result["sizes"]:
        assert set(size["floors_ms"]) == {
            "sin+cos float64",
            "alloc+fill float32",
            "alloc+fill float64",
        }
        ref = {m["name"]: m for m in size["methods"]}
        assert ref["reference float32"]["max_ulp"] <= 0.5
        assert ref["reference float64"]["max_ulp"] < 1.0
        assert size["verify_float32"]["misrounded"] == 0
    assert "| reference float32 |" in md_file.read_text()
    assert "| reference float32 |" in capsys.readouterr().out


@pytest.mark.parametrize(("n", "d"), [(512, 64), (4096, 32), (1024, 8)])
def test_bench_product_only_is_the_same_method_without_the_check(n, d):
    # The benchmark's lower bound must compute the same table (the sign and the -i turn of the
    # offset factor included), or its time would bound nothing: within one float32 ulp of the
    # correctly rounded reference everywhere, and equal to it almost everywhere.
    ref = pe.sinusoidal(n, d, dtype=np.float32)
    bare = bench._product_only(n, d)
    assert bare.shape == ref.shape
    assert bare.dtype == np.float32
    assert np.all(np.abs(bare.astype(np.float64) - ref) <= np.spacing(np.abs(ref)))
    assert np.count_nonzero(bare != ref) <= ref.size // 10000


def test_bench_bad_repeat_is_one_line_error(capsys):
    assert cli.main(["bench", "--quick", "--repeat", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --repeat must be >= 1")
    assert err.count("\n") == 1
