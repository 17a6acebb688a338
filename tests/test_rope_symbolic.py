"""The RoPE theorems: SymPy proofs verify, deliberate mistakes fail, and the NumPy reference
(posenc_ref.rope) agrees with the symbolic model evaluated by mpmath.

Tolerances: rotation-matrix entries as for the core (float64 faithful, float32 correctly
rounded); scores and norms computed from apply_rope in float64 within the bound derived in
:func:`score_tolerance`.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp

from posenc_ref import rope, symbolic
from posenc_ref.symbolic import (
    ROPE_LAYOUTS,
    ROPE_THEOREM_IDS,
    THEOREMS,
    is_zero,
    mp_lambdify,
    rope_matrix,
    rope_permutation_matrix,
)
from posenc_ref.symbolic.rope import differs

PREC = 160
U64 = 2.0**-53
m, n, p = sp.symbols("m n p", real=True)
w = sp.Symbol("omega", positive=True)


def ccw(t):
    return sp.Matrix([[sp.cos(t), -sp.sin(t)], [sp.sin(t), sp.cos(t)]])


def vec(name, d):
    return sp.Matrix(sp.symbols(f"{name}_0:{d}", real=True))


# --------------------------------------------------------------------------- registry, proofs


def test_rope_ids_are_registered_from_the_rope_module():
    ids = tuple(tid for tid, f in THEOREMS.items() if f.__module__ == "posenc_ref.symbolic.rope")
    assert ids == ROPE_THEOREM_IDS
    assert ROPE_LAYOUTS == rope.ROPE_LAYOUTS


@pytest.mark.parametrize("theorem_id", ROPE_THEOREM_IDS)
def test_every_rope_theorem_verifies(theorem_id):
    proof = THEOREMS[theorem_id]()
    assert proof.id == theorem_id
    assert "\n" not in proof.statement
    assert proof.failures() == ()
    assert proof.verify() is True


@pytest.mark.parametrize(
    "build",
    [
        lambda: symbolic.thm_rope_relative((2, 4), base=10000),
        lambda: symbolic.thm_rope_relative(4, base=sp.Symbol("base", positive=True)),
        lambda: symbolic.thm_rope_norm(6, base=500000),
        lambda: symbolic.thm_rope_layouts((4, 10), base=1000000),
        lambda: symbolic.thm_rope_decay_bound(sizes=(1, 8)),
    ],
    ids=["relative-base", "relative-symbolic-base", "norm-500k", "layouts-1e6", "abel-1-8"],
)
def test_rope_theorems_with_other_parameters(build):
    assert build().verify()


# --------------------------------------------------------------------------- mutations


@pytest.mark.parametrize("layout", ROPE_LAYOUTS)
def test_mutation_wrong_offset_sign_fails(layout):
    q, k = vec("q", 4), vec("k", 4)
    r = lambda t: rope_matrix(t, 4, layout=layout)  # noqa: E731
    score = (r(m) * q).dot(r(n) * k)
    assert is_zero(score - q.dot(r(n - m) * k))
    assert differs(score - q.dot(r(m - n) * k))
    assert differs(score - q.dot(r(n + m) * k))


def test_mutation_clockwise_block_mirrors_the_offset():
    # With the same weights, the transposed block still gives *a* relative score, but the
    # mirrored one: mixing the two conventions is the error (thm-rope-clockwise).
    cw = ccw(-w * m), ccw(-w * n)
    q, k = vec("q", 2), vec("k", 2)
    blog = (cw[0] * q).dot(cw[1] * k)
    assert differs(blog - q.dot(ccw((n - m) * w) * k))
    assert is_zero(blog - q.dot(ccw((m - n) * w) * k))
    assert differs(rope_matrix(m, 2, omegas=[w]) - ccw(-m * w))


def test_mutation_layouts_need_the_right_permutation():
    d = 6
    perm = rope_permutation_matrix(d)
    ri, rh = rope_matrix(m, d), rope_matrix(m, d, layout="half")
    assert is_zero(rh - perm * ri * perm.T)
    assert differs(rh - perm.T * ri * perm)  # the inverse permutation is wrong for d = 6
    assert differs(rh - ri)
    q, k = vec("q", d), vec("k", d)
    half_scores = (rope_matrix(m, d, layout="half") * q).dot(rope_matrix(n, d, layout="half") * k)
    assert differs(half_scores - (ri * q).dot(rope_matrix(n, d) * k))


def test_mutation_norm_and_abel_fail():
    x = vec("x", 4)
    r = rope_matrix(m, 4)
    assert differs((2 * r * x).dot(2 * r * x) - x.dot(x))
    h = sp.symbols("h_0:3")
    z = sp.symbols("z_0:3")
    partial = [sum(z[:j], sp.Integer(0)) for j in range(4)]
    # Forgetting the boundary term h_N = 0 (summing j = 1 … N−1 only) breaks the identity.
    truncated = sum((partial[j] * (h[j - 1] - h[j]) for j in range(1, 3)), sp.Integer(0))
    assert differs(sum(a * b for a, b in zip(h, z, strict=True)) - truncated)


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="layout: must be one of"):
        rope_matrix(m, 4, layout="neox")
    with pytest.raises(ValueError, match="d: must be even"):
        rope_permutation_matrix(5)
    with pytest.raises(ValueError, match="sizes"):
        symbolic.thm_rope_decay_bound(sizes=0)
    with pytest.raises(ValueError, match="dims"):
        symbolic.thm_rope_relative(())


# --------------------------------------------------------------------------- cross-validation


def ulps(got: float, exact, bits: int, emin: int):
    with mpmath.workprec(PREC):
        e = emin if exact == 0 else max(int(mpmath.frexp(exact)[1]) - 1, emin)
        return abs(mpmath.mpf(float(got)) - exact) / mpmath.ldexp(1, e - bits + 1)


FORMAT = {np.float64: (53, -1022, 1.0), np.float32: (24, -126, 0.5)}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("layout", ROPE_LAYOUTS)
@pytest.mark.parametrize(("d", "base"), [(2, 10000), (6, 500000), (8, 1000000)])
def test_rope_matrix_equals_symbolic(d, base, layout, dtype):
    sym = rope_matrix(p, d, layout=layout, base=base)
    f = mp_lambdify([p], sym, prec=PREC)
    bits, emin, tol = FORMAT[dtype]
    for pos in (0, 1, -1, 7, 12345, 2**25):
        got = rope.rope_matrix(pos, d, base=float(base), layout=layout, dtype=dtype)
        exact = f(pos)
        for r in range(d):
            for c in range(d):
                if sym[r, c] == 0:
                    assert got[r, c] == 0
                else:
                    assert ulps(got[r, c], exact[r][c], bits, emin) <= tol, (pos, r, c)


@pytest.mark.parametrize("d", [2, 4, 8, 16])
def test_permutation_equals_symbolic(d):
    perm = rope.rope_permutation(d)
    sym = np.array(rope_permutation_matrix(d).tolist(), dtype=np.int64)
    np.testing.assert_array_equal(np.eye(d, dtype=np.int64)[perm], sym)


def score_tolerance(q: np.ndarray, k: np.ndarray) -> float:
    """Bound on |fl(⟨R_m q, R_n k⟩) − ⟨q, R_(n−m) k⟩| with apply_rope in float64.

    Each rotated entry is within 5u(|a|+|b|) of the truth (apply_rope's bound, u = 2**-53), so
    both factors are within 5u·‖·‖₁ entry-wise; with ‖R x‖₁ <= √2‖x‖₁ and the dot product's own
    rounding (d·u·Σ|x_j y_j|), the error is below (20 + 2d)·u·‖q‖₁‖k‖₁.
    """
    d = q.size
    return (20 + 2 * d) * U64 * float(np.abs(q).sum() * np.abs(k).sum())


@pytest.mark.parametrize("layout", ROPE_LAYOUTS)
@pytest.mark.parametrize(("d", "base"), [(4, 10000), (8, 500000)])
def test_relative_score_and_norm_numerically(d, base, layout):
    delta = sp.Symbol("Delta", real=True)
    qs, ks = vec("q", d), vec("k", d)
    exact_score = mp_lambdify(
        [delta, *qs, *ks], qs.dot(rope_matrix(delta, d, layout=layout, base=base) * ks), prec=PREC
    )
    rng = np.random.default_rng(d)
    for m_pos, n_pos in ((0, 0), (3, 10), (1000, 17), (2**20 + 3, 2**20 - 5)):
        q, k = rng.standard_normal(d), rng.standard_normal(d)
        rq = rope.apply_rope(q[None], [m_pos], base=float(base), layout=layout)[0]
        rk = rope.apply_rope(k[None], [n_pos], base=float(base), layout=layout)[0]
        want = exact_score(n_pos - m_pos, *map(mpmath.mpf, q), *map(mpmath.mpf, k))
        assert abs(float(rq @ rk) - float(want)) <= score_tolerance(q, k)
        assert abs(float(rq @ rq) - float(q @ q)) <= score_tolerance(q, q)


def test_orientation_numerically():
    # The unit vector on the first channel of plane k lands on (cos pω_k, sin pω_k), in every
    # layout, exactly as the pair table holds them.
    d = 8
    for layout in ROPE_LAYOUTS:
        planes = symbolic.rope_planes(d, layout)
        for pos in (1, 5, 4097):
            cos, sin = rope.rope_pairs([pos], d)
            for k, (a, b) in enumerate(planes):
                e = np.zeros((1, d))
                e[0, a] = 1.0
                y = rope.apply_rope(e, [pos], layout=layout)[0]
                assert (y[a], y[b]) == (cos[0, k], sin[0, k])


def test_decay_numbers_match_the_proof():
    proof = symbolic.thm_rope_decay_bound()
    for delta in (11, 12, 1707):
        exact = mp_lambdify([], proof.objects[f"mean score d=128, Δ={delta}"], prec=PREC)()
        assert abs(rope.expected_score([delta], 128)[0] - float(exact)) < 1e-14


# --------------------------------------------------------------------------- thm-rope-clockwise


def sign_flip(d: int, layout: str) -> np.ndarray:
    """S = diag(±1): −1 on the second channel of every plane, written from the layout's rule."""
    second = np.arange(1, d, 2) if layout == "interleaved" else np.arange(d // 2, d)
    s = np.ones(d)
    s[second] = -1.0
    return np.diag(s)


def nanochat_rotary(x: np.ndarray, positions, base: float = 10000.0) -> np.ndarray:
    """nanochat's apply_rotary_emb (half layout), in NumPy float64 from the reference's cos/sin:
    y1 = x1·cos + x2·sin, y2 = −x1·sin + x2·cos (karpathy/nanochat, nanochat/gpt.py)."""
    cos, sin = rope.rope_pairs(positions, x.shape[-1], base=base)
    h = x.shape[-1] // 2
    x1, x2 = x[..., :h], x[..., h:]
    return np.concatenate([x1 * cos + x2 * sin, -x1 * sin + x2 * cos], axis=-1)


def clockwise_every_two(x: np.ndarray, positions, base: float = 10000.0) -> np.ndarray:
    """The interleaved clockwise form: each pair (x0, x1) turned by −pω."""
    cos, sin = rope.rope_pairs(positions, x.shape[-1], base=base)
    x0, x1 = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2], out[..., 1::2] = x0 * cos + x1 * sin, -x0 * sin + x1 * cos
    return out


@pytest.mark.parametrize("layout", ROPE_LAYOUTS)
@pytest.mark.parametrize("d", [2, 8, 64])
def test_clockwise_numerically(d, layout):
    """thm-rope-clockwise on the NumPy reference: S·R_p·S = R_pᵀ exactly, and clockwise RoPE
    with (W_q, W_k) scores like counter-clockwise RoPE with (S·W_q, S·W_k)."""
    s = sign_flip(d, layout)
    for pos in (0, 1, 37, 4097, 2**25):
        r = rope.rope_matrix(pos, d, layout=layout)
        np.testing.assert_array_equal(s @ r @ s, r.T)  # sign flips are exact
    clockwise = nanochat_rotary if layout == "half" else clockwise_every_two
    rng = np.random.default_rng(d)
    wq, wk = rng.standard_normal((2, d, d))
    xs = rng.standard_normal((6, d))
    pos = [0, 3, 10, 1000, 65536, 2**20 + 1]
    cw_scores = clockwise(xs @ wq.T, pos) @ clockwise(xs @ wk.T, pos).T
    ccw_flipped = (
        rope.apply_rope(xs @ (s @ wq).T, pos, layout=layout)
        @ rope.apply_rope(xs @ (s @ wk).T, pos, layout=layout).T
    )
    scale = np.abs(xs @ wq.T).sum(axis=1)[:, None] * np.abs(xs @ wk.T).sum(axis=1)[None, :]
    assert np.all(np.abs(cw_scores - ccw_flipped) <= (20 + 2 * d) * U64 * scale)
    # The clockwise form is R_(−p): nanochat's rotation equals apply_rope at minus the position.
    np.testing.assert_allclose(
        clockwise(xs, pos), rope.apply_rope(xs, [-p for p in pos], layout=layout), atol=1e-13
    )
    # Mixing conventions (same weights, other orientation) changes the scores.
    ccw_same = (
        rope.apply_rope(xs @ wq.T, pos, layout=layout)
        @ rope.apply_rope(xs @ wk.T, pos, layout=layout).T
    )
    assert np.abs(cw_scores - ccw_same).max() > 1e-3


@pytest.mark.parametrize("layout", ROPE_LAYOUTS)
def test_clockwise_matrix_and_sign_equal_symbolic(layout):
    d = 6
    sym = rope_matrix(p, d, layout=layout, base=10000, orientation="cw")
    f = mp_lambdify([p], sym, prec=PREC)
    for pos in (1, 7, 12345):
        got = rope.rope_matrix(pos, d, layout=layout).T
        exact = f(pos)
        for r in range(d):
            for c in range(d):
                if sym[r, c] == 0:
                    assert got[r, c] == 0
                else:
                    assert ulps(got[r, c], exact[r][c], 53, -1022) <= 1.0
    sym_sign = np.array(symbolic.rope_sign_matrix(d, layout).tolist(), dtype=np.float64)
    np.testing.assert_array_equal(sym_sign, sign_flip(d, layout))
    proof = symbolic.thm_rope_clockwise()
    np.testing.assert_array_equal(
        np.array(proof.objects[f"S d=6 {layout}"].tolist(), dtype=np.float64), sign_flip(6, layout)
    )
