"""The SymPy proofs: every registered theorem verifies, and the checker can fail.

Mutation tests restate a theorem with one deliberate mistake (wrong orientation of
the block, sin-only shift, norm d instead of d/2, exponent i/d instead of 2i/d, …)
and require the checker to reject it, so a passing proof is evidence, not a tautology.
"""

from __future__ import annotations

from pathlib import Path

import mpmath
import pytest
import sympy as sp

from posenc_ref import symbolic
from posenc_ref.symbolic import (
    LAYOUTS,
    THEOREMS,
    Proof,
    column_pair,
    frequencies,
    is_zero,
    layout_permutation,
    mp_lambdify,
    omega_symbols,
    pair_block,
    pair_columns,
    pe_vector,
    rotation_matrix,
    wavelengths,
)

# The ids promised by the project contract for the sinusoidal theorems.
CONTRACT_IDS = (
    "thm-shift",
    "thm-group",
    "thm-dot",
    "thm-norm",
    "thm-isometry",
    "thm-sin-only",
    "thm-wavelengths",
)

p, q, k, a, b = sp.symbols("p q k a b", real=True)
w = sp.Symbol("omega", positive=True)
SYMBOLIC_DIR = Path(symbolic.__file__).parent


def ccw(t):
    """Counter-clockwise rotation by t, written out independently of the package."""
    return sp.Matrix([[sp.cos(t), -sp.sin(t)], [sp.sin(t), sp.cos(t)]])


# --- registry -----------------------------------------------------------------------


def test_registry_holds_exactly_the_contract_ids():
    sinusoidal_ids = tuple(
        tid for tid, f in THEOREMS.items() if f.__module__ == "posenc_ref.symbolic.sinusoidal"
    )
    assert sinusoidal_ids == CONTRACT_IDS
    assert symbolic.THEOREM_IDS == CONTRACT_IDS
    # Later modules (e.g. RoPE) may add ids, but only with the same prefix.
    assert all(tid.startswith("thm-") for tid in THEOREMS)


@pytest.mark.parametrize("theorem_id", CONTRACT_IDS)
def test_every_theorem_verifies(theorem_id):
    proof = THEOREMS[theorem_id]()
    assert isinstance(proof, Proof)
    assert proof.id == theorem_id
    assert proof.statement
    assert "\n" not in proof.statement
    assert proof.failures() == ()
    assert proof.verify() is True
    assert proof.holds() is True
    assert set(proof.status) == set(proof.residuals)


@pytest.mark.parametrize(
    "build",
    [
        lambda: symbolic.thm_shift((2, 4, 6), base=10000),
        lambda: symbolic.thm_shift(4, base=sp.Symbol("base", positive=True)),
        lambda: symbolic.thm_group(4, base=10000),
        lambda: symbolic.thm_dot((2, 8), base=500),
        lambda: symbolic.thm_norm(8, base=10000.0),
        lambda: symbolic.thm_wavelengths((2, 6, 16, 1024)),
    ],
    ids=["shift-base", "shift-symbolic-base", "group-base", "dot-base", "norm-float-base", "wl"],
)
def test_theorems_with_concrete_frequencies(build):
    assert build().verify()


def test_registry_is_extensible_and_guards_ids():
    @symbolic.register("thm-demo-extra")
    def demo():
        x = sp.Symbol("x", real=True)
        residual = sp.cos(x) ** 2 + sp.sin(x) ** 2 - 1
        return Proof("thm-demo-extra", "cos² + sin² = 1", {}, {"r": residual})

    try:
        assert THEOREMS["thm-demo-extra"]().verify()
        with pytest.raises(ValueError, match="already registered"):
            symbolic.register("thm-demo-extra")(lambda: None)
    finally:
        del THEOREMS["thm-demo-extra"]
    with pytest.raises(ValueError, match="theorem_id"):
        symbolic.register("shift")


# --- the checker can fail -----------------------------------------------------------


def test_proof_rejects_a_false_residual_and_names_it():
    x = sp.Symbol("x", real=True)
    proof = Proof(
        "thm-x",
        "demo",
        {},
        {"true": sp.sin(2 * x) - 2 * sp.sin(x) * sp.cos(x), "false": sp.sin(2 * x) - 2 * sp.sin(x)},
    )
    assert proof.verify() is False
    assert proof.failures() == ("false",)
    assert Proof("thm-x", "demo", {}, {"flag": False}).verify() is False
    assert Proof("thm-x", "demo", {}, {"flag": sp.false}).verify() is False
    assert Proof("thm-x", "demo", {}, {"flag": True}).verify() is True
    with pytest.raises(ValueError, match="residuals"):
        Proof("thm-x", "demo", {}, {})


def test_is_zero_does_not_round():
    # sin(1) is about 0.8414709848; a close float must not count as equal.
    assert not is_zero(sp.sin(1) - sp.Float("0.8414709848078965"))
    assert not is_zero(sp.pi - sp.Rational(355, 113))
    assert is_zero(sp.Matrix([[0, sp.cos(a) ** 2 - (1 + sp.cos(2 * a)) / 2]]))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_mutation_wrong_orientation_fails(layout):
    # R(k)ᵀ = R(−k): the rotation the other way round must not shift forward.
    d = 4
    lhs = pe_vector(p + k, d, layout=layout)
    rot, pe = rotation_matrix(k, d, layout=layout), pe_vector(p, d, layout=layout)
    assert is_zero(lhs - rot * pe)
    assert not is_zero(lhs - rot.T * pe)


def test_mutation_orientation_of_the_pair_block():
    block = pair_block(k * w)
    # In (sin, cos) order the block is a rotation by −kω, not the textbook +kω one.
    assert is_zero(block - ccw(-k * w))
    assert not is_zero(block - ccw(k * w))
    # Using the (sin, cos) block on a cos|sin layout is wrong.
    v = pe_vector(p, 2, layout="cos|sin", omegas=[w])
    v_k = pe_vector(p + k, 2, layout="cos|sin", omegas=[w])
    assert not is_zero(v_k - block * v)
    assert is_zero(v_k - pair_block(k * w, "cos|sin") * v)


def test_mutation_sin_only_shift_fails():
    # Claim: sin(ω(p+k)) = cos(kω)·sin(ωp). The defect sin(kω)cos(ωp) is not zero.
    assert not is_zero(sp.sin(w * (p + k)) - sp.cos(k * w) * sp.sin(w * p))
    assert not is_zero(sp.cos(w * (p + k)) - sp.cos(k * w) * sp.cos(w * p))
    # The vector version with the only possible M = diag(cos ω_j k) also fails.
    ws = omega_symbols(4)
    s = sp.Matrix([sp.sin(x * p) for x in ws])
    m = sp.diag(*[sp.cos(x * k) for x in ws])
    assert not is_zero(s.subs(p, p + k) - m * s)


def test_mutation_norm_d_instead_of_half_d_fails():
    for d in (2, 4, 8):
        v = pe_vector(p, d)
        assert is_zero(v.dot(v) - sp.Rational(d, 2))
        assert not is_zero(v.dot(v) - d)
    # Any width d = 2m, with the sum over pairs left symbolic.
    m = sp.Symbol("m", integer=True, positive=True)
    i = sp.Symbol("i", integer=True, nonnegative=True)
    wi = sp.IndexedBase("omega", positive=True)[i]
    total = sp.Sum(sp.sin(wi * p) ** 2 + sp.cos(wi * p) ** 2, (i, 0, m - 1))
    assert is_zero(total - m)
    assert not is_zero(total - 2 * m)
    assert not is_zero(sp.Sum(sp.sin(wi * p) ** 2, (i, 0, m - 1)) - m)


def test_mutation_exponent_i_over_d_fails():
    d = sp.Symbol("d", positive=True, even=True)
    base = sp.Symbol("base", positive=True)
    i = sp.Symbol("i", integer=True, nonnegative=True)

    def wrong(j):  # λ_j with exponent j/d instead of 2j/d
        return 2 * sp.pi * base ** (j / d)

    assert not is_zero(wrong(i + 1) / wrong(i) - base ** (2 / d))
    assert not is_zero(wrong(d / 2 - 1) - 2 * sp.pi * base ** ((d - 2) / d))
    # Concretely, d = 8 and base = 10000: the largest wavelength would be 2π·10^1.5, not 2π·10^3.
    assert not is_zero(2 * sp.pi * 10000 ** sp.Rational(3, 8) - wavelengths(8)[-1])


def test_mutation_dot_and_group_claims_fail():
    ws = omega_symbols(4)
    dot = pe_vector(p, 4).dot(pe_vector(q, 4))
    assert not is_zero(dot - sum(sp.cos(x * (p + q)) for x in ws))
    f = sum(sp.cos(x * a) for x in ws)
    assert not is_zero(f + f.subs(a, -a))  # "odd in p − q" is false
    r = lambda t: rotation_matrix(t, 4)  # noqa: E731
    assert not is_zero(r(a) * r(b) - r(a - b))
    assert not is_zero(r(k).det() + 1)
    assert not is_zero(r(k) - r(-k))


# --- helpers ------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("d", [2, 6, 8])
def test_columns_pairs_and_permutation_agree(d, layout):
    seen = {}
    for j in range(d):
        i, func = column_pair(j, d, layout)
        assert pair_columns(i, d, layout)[0 if func == "sin" else 1] == j
        seen[j] = (i, func)
    assert sorted(seen.values()) == sorted((i, f) for i in range(d // 2) for f in ("sin", "cos"))
    perm = layout_permutation(d, layout)
    assert perm * perm.T == sp.eye(d)
    v = pe_vector(p, d, layout=layout)
    for j, (i, func) in seen.items():
        assert v[j] == getattr(sp, func)(omega_symbols(d)[i] * p)


def test_concrete_frequencies_are_exact_powers():
    # 10000**(-2i/8) for i = 0..3 is 1, 1/10, 1/100, 1/1000 exactly.
    assert frequencies(8) == (1, sp.Rational(1, 10), sp.Rational(1, 100), sp.Rational(1, 1000))
    # A float base is taken at its exact binary value.
    assert frequencies(2, 0.1) == (1,)
    assert frequencies(4, 0.1)[1] == sp.Rational(*(0.1).as_integer_ratio()) ** sp.Rational(-1, 2)


def test_mp_lambdify_matches_direct_mpmath_at_high_precision():
    prec = 200
    f = mp_lambdify([p], pe_vector(p, 6, base=10000), prec=prec)
    with mpmath.workprec(prec):
        rows = f(12345)
        for i in range(3):
            omega_i = mpmath.mpf(10000) ** (mpmath.mpf(-2 * i) / 6)
            assert abs(rows[2 * i][0] - mpmath.sin(12345 * omega_i)) < mpmath.mpf(2) ** (-190)
            assert abs(rows[2 * i + 1][0] - mpmath.cos(12345 * omega_i)) < mpmath.mpf(2) ** (-190)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: pe_vector(p, 3), ValueError, "d: must be even"),
        (lambda: pe_vector(p, 0), ValueError, "d: must be even"),
        (lambda: pe_vector(p, 4.0), TypeError, "d: must be an int"),
        (lambda: pe_vector(p, 4, layout="cos-sin"), ValueError, "layout: must be one of"),
        (lambda: pe_vector(p, 4, omegas=[1]), ValueError, "omegas: need d/2 = 2"),
        (lambda: rotation_matrix(k, 4, omegas=[1, 2], base=10), ValueError, "omegas, base"),
        (lambda: pair_columns(2, 4), ValueError, "i: pair index"),
        (lambda: column_pair(4, 4), ValueError, "j: column"),
        (lambda: mp_lambdify([p], p, prec=30), ValueError, "prec: must be >= 53"),
        (lambda: frequencies(4, True), TypeError, "base: must be a number"),
        (lambda: symbolic.thm_shift(()), ValueError, "dims"),
        (lambda: symbolic.thm_sin_only(0), ValueError, "vector_sizes"),
    ],
)
def test_bad_input_names_the_argument(call, error, words):
    with pytest.raises(error, match=words):
        call()
