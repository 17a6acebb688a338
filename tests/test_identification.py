"""identify: naming the convention of a table, on golden tables from the real libraries and on
generated ones."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import golden, manifest

import posenc_ref as pe
from posenc_ref import conventions as cv
from posenc_ref.identification import identify

MANIFEST = manifest("conventions")
FILES = sorted(f for f, v in MANIFEST["tables"].items() if not v.get("grid_2d"))


def load(name):
    g = golden("conventions", name)
    return g["table"], g["positions"], int(g["d_model"])


@pytest.mark.parametrize("name", FILES)
def test_identify_names_each_golden_table(name):
    table, positions, _d = load(name)
    preset = MANIFEST["tables"][name]["preset"]
    # The d = 128 tables have sparse rows up to 4095: identify is told the positions.
    result = identify(table, positions)
    names = [m.name for m in result.matching]
    assert preset in names
    # The preset itself is at the top residual (ties: the same formula in other code).
    top = result.matching[0].residual_ulps
    assert next(m for m in result.matching if m.name == preset).residual_ulps == top
    if np.array_equal(positions, np.arange(len(positions))):  # same verdict when fitted
        assert [m.name for m in identify(table).matching] == names


@pytest.mark.parametrize("name", list(cv.PRESETS))
def test_identify_names_its_own_preset(name):
    conv = cv.get(name)
    table = conv.table(range(24), 16)
    assert name in [m.name for m in identify(table).matching]


@pytest.mark.parametrize(
    ("name", "layout", "spacing"),
    [
        ("paper", "interleaved", "paper"),
        ("fairseq", "sin|cos", "tensor2tensor"),
        ("guided-diffusion", "cos|sin", "paper"),
        ("hf-marian", "sin|cos", "paper"),
    ],
)
def test_fitted_parameters(name, layout, spacing):
    f = identify(cv.get(name).table(range(40), 32)).fitted
    assert (f["layout"], f["spacing"], f["base"], f["start"]) == (layout, spacing, 10000.0, 0)


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_rounded_tables_are_named(dtype):
    table = pe.sinusoidal(range(30), 32).astype(dtype)
    r = identify(table)
    assert r.dtype == np.dtype(dtype).name
    assert r.matching[0].residual_ulps <= 1
    assert "paper" in [m.name for m in r.matching if m.residual_ulps <= 1]


def test_float64_holding_float32_values_is_read_as_float32():
    r = identify(cv.get("whisper").table(20, 16).astype(np.float64))
    assert r.dtype == "float32"


@pytest.mark.parametrize("start", [1, 37, 500])
def test_nonzero_start(start):
    r = identify(pe.sinusoidal(range(start, start + 20), 32))
    assert r.fitted["start"] == start
    assert r.matching[0].name == "paper"
    assert r.matching[0].residual_ulps == 0


@pytest.mark.parametrize("base", [500.0, 500000.0, 1e6])
def test_unknown_base_is_fitted(base):
    r = identify(pe.sinusoidal(30, 32, base=base, layout="sin|cos"))
    assert r.fitted["base"] == base
    assert r.fitted["spacing"] == "paper"
    assert not r.matching  # no preset has this base
    assert r.matched  # but the fitted convention reproduces the table
    assert (r.convention.base, r.convention.layout) == (base, "sin|cos")
    np.testing.assert_allclose(r.reproduce(), pe.sinusoidal(30, 32, base=base, layout="sin|cos"))
    assert "matches no preset" in r.verdict()


def test_transposed_table_is_reported():
    r = identify(pe.sinusoidal(30, 16).T)
    assert r.transposed
    assert "paper" in [m.name for m in r.matching]
    assert "transposed" in r.verdict()


def test_noise_matches_nothing():
    rng = np.random.default_rng(0)
    r = identify(rng.standard_normal((20, 8)))
    assert r.fitted is None
    assert not r.matched
    assert "no sin/cos structure" in r.verdict()
    assert "closest:" in r.verdict()


def test_perturbed_table_is_closest_but_not_matched():
    t = pe.sinusoidal(20, 16)
    t[5, 3] += 1e-3
    r = identify(t)
    assert not r.matched
    assert r.best.params["layout"] == "interleaved"
    assert r.best.params["spacing"] == "paper"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (np.zeros(5), "2-D"),
        (np.zeros((1, 8)), "at least 2 rows"),
        (np.array([[1.0, np.nan], [0.0, 1.0]]), "finite"),
        (np.array([["a", "b"], ["c", "d"]]), "real numeric array"),
    ],
)
def test_identify_errors(bad, message):
    with pytest.raises(ValueError, match=message):
        identify(bad)


def test_identify_tolerance_is_capped_so_noise_never_matches():
    """At |p| ~ 1e7 the uncapped tolerance 2 + 2|p| eps would pass any float32 values."""
    pos = np.arange(10_000_000, 10_000_020)
    noise = np.random.default_rng(0).uniform(-1, 1, (20, 16)).astype(np.float32)
    result = identify(noise, pos)
    assert not result.matched
    assert result.tolerance_ulps * np.finfo(np.float32).eps == 0.5
    assert any("capped at 0.5 absolute" in note for note in result.notes)
    exact = pe.sinusoidal(pos, 16, dtype=np.float32)
    assert identify(exact, pos).matching[0].residual_ulps == 0


def test_identify_sparse_positions_does_not_contradict_its_verdict():
    pos = np.array([0, 5, 100, 1000])
    result = identify(pe.sinusoidal(pos, 16, dtype=np.float32), pos)
    assert result.matched
    assert not any("no sin/cos structure" in note for note in result.notes)
    assert any("compared at the given positions" in note for note in result.notes)
