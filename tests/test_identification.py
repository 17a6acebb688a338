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
    assert "libraries with this formula: none in the catalogue" in r.verdict()


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
    assert r.presets == ()
    verdict = r.verdict()
    assert "unknown" in verdict
    assert "no sin/cos structure" in verdict
    assert not any(name in verdict for name in cv.PRESETS)  # no preset is named


def test_perturbed_table_is_closest_but_not_matched():
    t = pe.sinusoidal(20, 16)
    t[5, 3] += 1e-3
    r = identify(t)
    assert not r.matched
    assert r.presets == ()
    assert r.fitted["layout"] == "interleaved"  # what was measured is still reported
    assert r.fitted["spacing"] == "paper"
    with pytest.raises(ValueError, match="nothing was identified"):
        r.reproduce()


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


# ------------------------------------------------------------------ categories of tables
# Each category is generated here (posenc_ref itself, or a NumPy emulation of how real code
# builds such a table); a claim is checked by reproducing the table.


def assert_identified(result, table):
    assert result.matched, result.verdict()
    np.testing.assert_allclose(
        result.reproduce(), table, rtol=0, atol=result.tolerance_ulps * np.finfo(result.dtype).eps
    )


def mae_like(h, w, d, first="column", arrangement="blocks", cls=False, dtype=np.float32):
    """A 2-D sin-cos table built the way MAE / MoCo v3 / big_vision code does, in NumPy."""
    rows, cols = np.divmod(np.arange(h * w), w)
    q = d // 4
    omega = 10000.0 ** (-np.arange(q) / q)

    def block(x):
        a = x[:, None] * omega
        return np.sin(a), np.cos(a)

    (sr, cr), (sc, cc) = block(rows), block(cols)
    first_b, second_b = ((sc, cc), (sr, cr)) if first == "column" else ((sr, cr), (sc, cc))
    if arrangement == "blocks":
        out = np.concatenate([*first_b, *second_b], axis=1)
    else:  # all sines, then all cosines, across the axes
        out = np.concatenate([first_b[0], second_b[0], first_b[1], second_b[1]], axis=1)
    if cls:
        out = np.concatenate([np.zeros((1, d)), out])
    return out.astype(dtype)


@pytest.mark.parametrize("first", ["column", "row"])
@pytest.mark.parametrize("arrangement", ["blocks", "split"])
@pytest.mark.parametrize("cls", [False, True])
def test_2d_grids_are_read_as_grids(first, arrangement, cls):
    table = mae_like(4, 7, 32, first, arrangement, cls)
    r = identify(table)
    assert_identified(r, table)
    assert r.grid == (4, 7)
    order = "the column index first" if first == "column" else "the row index first"
    assert order in r.formula()
    assert "2-D grid 4 x 7" in r.formula()
    assert identify(table, grid=(4, 7)).matched


def test_grid_presets_are_named():
    from posenc_ref.grid2d import GRID_2D

    for name in ("mae", "moco-v3", "big-vision"):
        table = GRID_2D[name].table(5, 6, 32)
        r = identify(table)
        assert_identified(r, table)
        assert name in r.presets


def test_3d_grids_are_read_as_grids():
    t, h, w = np.unravel_index(np.arange(3 * 4 * 5), (3, 4, 5))
    table = np.concatenate(
        [pe.sinusoidal(c, 16, layout="sin|cos", dtype=np.float32) for c in (t, h, w)], axis=1
    )
    r = identify(table)
    assert_identified(r, table)
    assert r.grid == (3, 4, 5)


@pytest.mark.parametrize(("start", "base"), [(1000, 777.0), (5000, 31415.0), (-300, 1e6)])
def test_windows_not_starting_at_zero_with_any_base(start, base):
    table = pe.sinusoidal(range(start, start + 32), 32, base=base, dtype=np.float32)
    r = identify(table)
    assert_identified(r, table)
    assert (r.fitted["start"], r.convention.base) == (start, base)


def test_a_start_beyond_the_longest_wavelength_is_not_guessed():
    """With base 2.5 and d = 32 the slowest pair repeats every 14 positions: a window starting
    at -300 cannot be placed from its values, and identify claims nothing rather than a start."""
    table = pe.sinusoidal(range(-300, -268), 32, base=2.5, dtype=np.float32)
    r = identify(table)
    assert not r.matched
    assert identify(table, np.arange(-300, -268)).matched  # the positions settle it


@pytest.mark.parametrize(
    ("pattern", "words"),
    [("negated", "every sine negated"), ("alternating", "every other sine negated")],
)
@pytest.mark.parametrize("layout", ["interleaved", "sin|cos"])
def test_negated_and_alternating_sines(pattern, words, layout):
    d = 16
    table = pe.sinusoidal(24, d, layout=layout)
    roles = [f for f, _ in layout_roles(d, layout)]
    pairs = [k for _, k in layout_roles(d, layout)]
    for j in range(d):
        negate = pattern == "negated" or pairs[j] % 2 == 1
        if roles[j] == "sin" and negate:
            table[:, j] *= -1
    r = identify(table)
    assert_identified(r, table)
    assert words in r.formula()


def layout_roles(d, layout):
    from posenc_ref import _layout

    return _layout.column_roles(d, layout, "error")


def test_relative_offsets_descending_and_symmetric():
    desc = pe.sinusoidal(range(47, -1, -1), 32, dtype=np.float32)  # Transformer-XL's pos_seq
    r = identify(desc)
    assert_identified(r, desc)
    assert r.fitted["step"] == -1
    assert "positions 47 … 0" in r.formula()
    sym = pe.sinusoidal(range(-20, 21), 32, dtype=np.float32)
    r = identify(sym)
    assert_identified(r, sym)
    assert "positions -20 … 20" in r.formula()


@pytest.mark.parametrize("base", [0.05, 0.001])
def test_frequencies_above_pi_are_unaliased_and_named(base):
    table = pe.sinusoidal(30, 8, base=base)
    r = identify(table)
    assert_identified(r, table)
    assert r.convention.base == base
    assert "aliased" in r.formula()


@pytest.mark.parametrize("layout", ["interleaved", "sin|cos"])
def test_odd_width_cut_from_a_wider_table(layout):
    table = pe.sinusoidal(20, 10, layout=layout, dtype=np.float32)[:, :9]
    r = identify(table)
    assert_identified(r, table)
    assert r.convention.odd == "truncate"
    assert "'truncate' rule" in r.formula()


@pytest.mark.parametrize("scale", [0.3, 2.5, 32**-0.5])
def test_any_constant_scale_is_a_number(scale):
    table = scale * pe.sinusoidal(20, 32)
    r = identify(table)
    assert_identified(r, table)
    assert r.scale == pytest.approx(scale, rel=1e-7)
    assert r.convention.table(20, 32, exact=True) == pytest.approx(table)


@pytest.mark.parametrize(
    ("bug", "make"),
    [
        (
            "bug-1",
            lambda p, j, d: np.where(
                j % 2 == 0, np.sin(p / 1e4 ** (j / d)), np.cos(p / 1e4 ** (j / d))
            ),
        ),
        (
            "bug-2",
            lambda p, j, d: np.where(
                j % 2 == 0, np.sin(p / 1e4 ** (2 * j / d)), np.cos(p / 1e4 ** (2 * j / d))
            ),
        ),
        ("bug-3", lambda p, j, d: pe.sinusoidal(p.ravel(), d, base=1e8)),
        ("bug-4", lambda p, j, d: pe.sinusoidal(p.ravel(), d)[:, np.arange(d) ^ 1]),
    ],
)
def test_index_bugs_are_named(bug, make):
    d = 16
    table = make(np.arange(30)[:, None], np.arange(d), d)
    r = identify(table)
    assert_identified(r, table)
    assert r.index_bug == bug
    assert bug in r.formula()


def test_bug_1_with_base_1000_as_reported_in_the_wild():
    # maxjcohen/transformer issue #62: cosines with arange(1, d, 2)/d and base 1000.
    d, p, j = 16, np.arange(40)[:, None], np.arange(16)
    table = np.where(j % 2 == 0, np.sin(p / 1e3 ** (j / d)), np.cos(p / 1e3 ** (j / d)))
    r = identify(table)
    assert_identified(r, table)
    assert (r.index_bug, r.model.axes[0].convention.base) == ("bug-1", 1000.0)


@pytest.mark.parametrize("name", list(cv.PRESETS))
def test_every_preset_is_reproduced_and_named(name):
    table = cv.get(name).table(range(3, 40), 16)
    r = identify(table)
    assert_identified(r, table)
    assert name in r.presets
    assert r.formula().startswith(("the paper's formula", "tensor2tensor's", "diffusers'"))
