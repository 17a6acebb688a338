"""Cross-validation: the SymPy model, evaluated with mpmath, against the NumPy reference.

The expressions come from :mod:`posenc_ref.symbolic` (built without NumPy), are evaluated at
``PREC`` bits with mpmath, and are compared with the NumPy tables entry by entry. Accuracy
tolerances are in ULPs of the NumPy dtype, measured against the exact value
(``ulp(v) = 2**(max(floor(log2|v|), emin) - p + 1)``):

- tables and rotation entries: float64 faithful (< 1 ulp), float32/float16 correctly rounded
  (<= 0.5 ulp), as the API promises;
- frequencies: correctly rounded (<= 0.5 ulp); wavelengths ``2π/ω``: < 2 ulp (three roundings);
- dot products: the standard bound for a length-``d`` float64 dot product of inputs that are
  each within 1 ulp (see :func:`dot_tolerance`).
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

import posenc_ref as pe
from posenc_ref import symbolic

PREC = 160  # bits for the mpmath evaluation; far above float64's 53
LAYOUTS = ("interleaved", "sin|cos", "cos|sin")
# (significand bits p, smallest normal exponent emin), as in IEEE 754
FORMAT = {np.float64: (53, -1022), np.float32: (24, -126), np.float16: (11, -14)}
# Largest allowed error in ulps: faithful float64, correctly rounded float32/float16.
TABLE_TOL = {np.float64: 1.0, np.float32: 0.5, np.float16: 0.5}

POSITIONS = [0, 1, 2, 3, 17, 1000, -5, -4097, 2**20 + 3, 2**26 - 1]
# (d_model, base): the paper's base at several widths, and two other bases (one not an integer)
CASES = [(2, 10000), (8, 10000), (64, 10000), (16, 100), (6, 10.5)]

p, k = sp.symbols("p k", real=True)
delta = sp.Symbol("Delta", real=True)


def ulps(got: float, exact: mpmath.mpf, dtype: type) -> mpmath.mpf:
    """|got − exact| in ulps of ``exact`` in ``dtype`` (exact arithmetic at PREC bits)."""
    bits, emin = FORMAT[dtype]
    with mpmath.workprec(PREC):
        if exact == 0:
            e = emin
        else:
            _, e2 = mpmath.frexp(exact)  # exact = m·2**e2 with 0.5 <= |m| < 1
            e = max(int(e2) - 1, emin)
        return abs(mpmath.mpf(float(got)) - exact) / mpmath.ldexp(1, e - bits + 1)


def mp_table(d: int, base: float, layout: str, positions: list[int]) -> list[list[mpmath.mpf]]:
    f = symbolic.mp_lambdify([p], symbolic.pe_vector(p, d, layout=layout, base=base), prec=PREC)
    return [[row[0] for row in f(pos)] for pos in positions]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("d", "base"), CASES)
def test_table_matches_sympy_at_high_precision(d, base, layout):
    exact = mp_table(d, base, layout, POSITIONS)
    for dtype, tol in TABLE_TOL.items():
        table = pe.sinusoidal(np.array(POSITIONS), d, base=float(base), layout=layout, dtype=dtype)
        assert table.dtype == dtype
        worst = max(
            ulps(table[r, j], exact[r][j], dtype) for r in range(len(POSITIONS)) for j in range(d)
        )
        assert worst <= tol, f"{np.dtype(dtype).name}: {float(worst):.3f} ulp > {tol}"


@pytest.mark.parametrize(("d", "base"), [*CASES, (512, 10000)])
def test_frequencies_and_wavelengths_match_sympy(d, base):
    omega = symbolic.mp_lambdify([], sp.Matrix(symbolic.frequencies(d, base)), prec=PREC)()
    lam = symbolic.mp_lambdify([], sp.Matrix(symbolic.wavelengths(d, base)), prec=PREC)()
    got_w = pe.frequencies(d, base=float(base))
    got_l = pe.wavelengths(d, base=float(base))
    assert max(ulps(got_w[i], omega[i][0], np.float64) for i in range(d // 2)) <= 0.5
    # 2π and ω_i are each rounded (<= 0.5 ulp) and so is the division: < 1.5 ulp, allow 2.
    assert max(ulps(got_l[i], lam[i][0], np.float64) for i in range(d // 2)) < 2


def test_largest_wavelength_number_of_thm_wavelengths():
    # The symbolic maximum 2π·10000^(510/512) against the NumPy wavelengths (see above for 2 ulp).
    top = symbolic.thm_wavelengths().objects["max λ / 2π, d=512, base=10000"]
    with mpmath.workprec(PREC):
        exact = 2 * mpmath.pi * symbolic.mp_lambdify([], top, prec=PREC)()
    assert ulps(pe.wavelengths(512)[-1], exact, np.float64) < 2


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("d", [2, 6, 8])
def test_rotation_equals_symbolic_R(d, layout, dtype):
    sym = symbolic.rotation_matrix(k, d, layout=layout, base=10000)
    f = symbolic.mp_lambdify([k], sym, prec=PREC)
    for shift in (0, 1, -1, 7, 12345, -(2**25)):
        got = pe.rotation(shift, d, layout=layout, dtype=dtype)
        assert got.shape == (d, d)
        assert got.dtype == dtype
        exact = f(shift)
        for r in range(d):
            for c in range(d):
                if sym[r, c] == 0:  # structural zero of R(k): must be exactly zero
                    assert got[r, c] == 0, (shift, r, c)
                else:
                    assert ulps(got[r, c], exact[r][c], dtype) <= TABLE_TOL[dtype], (shift, r, c)


def dot_tolerance(d: int) -> float:
    """Bound on |fl(PE(p)·PE(q)) − Σ cos(ω_i (p−q))| for float64 tables.

    Each of the d inputs is within 1 ulp <= 2**-52·|x| of the truth, entries are bounded by 1,
    and a length-d float64 dot product adds at most d·u·Σ|x_j y_j| (u = 2**-53) with
    Σ|x_j y_j| <= d/2 (Cauchy–Schwarz and |PE|² = d/2). So the error is below
    (2·2·d + d·d/2)·u; the bound is in units of u = ulp(1.0)/2.
    """
    return (4 * d + d * d / 2) * 2.0**-53


def dot_formula(d: int, base: float) -> sp.Expr:
    """thm-dot's any-width f(Δ) = Σ_i cos(ω_i Δ), taken from the proof, at width d and base.

    The proof is the registered default one (built and proved once per run); only its
    statement is instantiated here, so this test checks the numbers without re-proving.
    """
    f = symbolic.THEOREMS["thm-dot"]().objects["f(Δ), any d = 2M"]
    (pairs,) = (s for s in f.free_symbols if s.name == "M")
    terms = f.subs(pairs, d // 2).doit()
    ws = symbolic.frequencies(d, base)
    return terms.xreplace({w: ws[int(w.indices[0])] for w in terms.atoms(sp.Indexed)})


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("d", "base"), CASES)
def test_dot_product_formula_matches_numeric(d, base, layout):
    f = symbolic.mp_lambdify([delta], dot_formula(d, base), prec=PREC)
    table = pe.sinusoidal(np.array(POSITIONS), d, base=float(base), layout=layout)
    gram = table @ table.T
    tol = dot_tolerance(d)
    for r, pr in enumerate(POSITIONS):
        for c, pc in enumerate(POSITIONS):
            with mpmath.workprec(PREC):
                err = abs(mpmath.mpf(float(gram[r, c])) - f(pr - pc))
            assert err <= tol, (pr, pc, float(err), tol)
    # thm-norm as a special case: every row has squared norm d/2.
    assert np.all(np.abs(np.diag(gram) - d / 2) <= tol)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("d", [2, 8, 10])
def test_index_helpers_agree(d, layout):
    assert tuple(pe.LAYOUTS) == symbolic.LAYOUTS
    base = sp.Symbol("base", positive=True)
    freqs = symbolic.frequencies(d, base)
    for j in range(d):
        i, func = symbolic.column_pair(j, d, layout)
        col = pe.column_to_pair(j, d, layout=layout)
        assert (col.pair, col.func) == (i, func)
        assert pe.pair_to_column(i, func, d, layout=layout) == j
        ex = pe.exponent(j, d, layout=layout)
        assert ex == Fraction(2 * i, d)
        assert freqs[i] == base ** -sp.Rational(ex.numerator, ex.denominator)
    for i in range(d // 2):
        sin_col, cos_col = symbolic.pair_columns(i, d, layout)
        assert pe.pair_to_column(i, "sin", d, layout=layout) == sin_col
        assert pe.pair_to_column(i, "cos", d, layout=layout) == cos_col


def test_textbook_formula_agrees_with_sympy_for_small_positions():
    # The paper's formula evaluated naively is accurate for small p: within a few ulp.
    d = 8
    exact = mp_table(d, 10000, "interleaved", list(range(5)))
    for pos in range(5):
        for j in range(d):
            got = pe.textbook_pe(pos, j, d)
            assert ulps(got, exact[pos][j], np.float64) < 4
    assert math.isclose(pe.textbook_pe(0, 1, d), 1.0)


def test_isometry_circles_match_symbolic():
    """thm-isometry's converse, numerically: two circles with free radii, phases, frequencies,
    mixed by a rotation of the basis, have the Gram matrix its proof states (mpmath), and the
    shift map fitted on the NumPy reference turns by exactly the symbolic frequencies."""
    proof = symbolic.THEOREMS["thm-isometry"]()
    formula = proof.objects["dot product of two free circles"]
    names = {s.name: s for s in formula.free_symbols}
    values = {"r_1": 0.7, "r_2": 1.9, "theta_1": 0.3, "theta_2": 2.2}
    phases, alpha = (0.4, -1.1), 0.8
    f = symbolic.mp_lambdify([names[n] for n in ("p", "q", *values)], formula, prec=PREC)
    p = np.arange(6.0)
    u = np.concatenate(
        [
            r * np.stack([np.cos(t * p + ph), np.sin(t * p + ph)], axis=1)
            for r, t, ph in ((0.7, 0.3, phases[0]), (1.9, 2.2, phases[1]))
        ],
        axis=1,
    )
    mix = np.eye(4)
    mix[np.ix_([0, 2], [0, 2])] = [[np.cos(alpha), -np.sin(alpha)], [np.sin(alpha), np.cos(alpha)]]
    code = u @ mix.T
    gram = code @ code.T
    for a in range(6):
        for b in range(6):
            with mpmath.workprec(PREC):
                exact = f(a, b, *map(mpmath.mpf, values.values()))
            assert abs(gram[a, b] - float(exact)) < 1e-14
    # The reference table's fitted shift turns by the exact frequencies (thm-isometry, step 3).
    d, base = 8, 100.0
    table = pe.sinusoidal(48, d, base=base)
    m, *_ = np.linalg.lstsq(table[:-1], table[1:], rcond=None)
    angles = np.sort(np.abs(np.angle(np.linalg.eigvals(m.T))))
    exact_w = symbolic.mp_lambdify([], sp.Matrix(symbolic.frequencies(d, base)), prec=PREC)()
    expected = np.sort(np.repeat([float(w[0]) for w in exact_w], 2))
    assert np.max(np.abs(angles - expected)) < 1e-9
