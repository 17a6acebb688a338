"""thm-rope-derived, thm-partial-rotary and apply_rope(rotary_dim=...).

The theorems are verified and restated with deliberate mistakes that must fail; their statements
are checked on NumPy matrices; the partial rotary of apply_rope is compared with the exact
rotation diag(R_p, I) and with transcriptions of the Hugging Face (rotate_half) and GPT-J
(rotate_every_two) code paths.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from helpers import hook_module
from hypothesis import given
from hypothesis import strategies as st

from posenc_ref import rope, symbolic
from posenc_ref.symbolic import Proof

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------- thm-rope-derived


def test_thm_rope_derived_verifies():
    proof = symbolic.thm_rope_derived()
    assert proof.id == "thm-rope-derived"
    assert proof.failures() == ()
    m, theta = sp.symbols("m theta", real=True)
    assert (
        sp.simplify(
            proof.objects["radial part: r(m+1) = ρ·r(m), r(0) = 1"]
            - sp.Symbol("rho", positive=True) ** m
        )
        == 0
    )
    assert proof.objects["angular part: φ(m+1) = φ(m) + θ, φ(0) = 0"] == m * theta


def generic(name):
    return sp.Matrix(2, 2, lambda r, c: sp.Symbol(f"{name}_{r}{c}", real=True))


def test_mutation_keys_with_the_same_power_are_not_relative():
    """B(n) = M**n instead of M**(-T n): the score is not a function of n − m."""
    m_mat = generic("M")
    lhs = (m_mat**2).T * m_mat**3  # A(2)ᵀ B(3) with the wrong key map
    rhs = (m_mat**1).T * m_mat**2  # A(1)ᵀ B(2): the same offset
    bad = Proof("thm-demo", "B(n) = M^n", {}, {"offset 1 twice": (lhs - rhs).applyfunc(sp.expand)})
    assert not bad.verify()


def test_mutation_the_next_map_is_not_m_times_a():
    """A(m+1) = A(m)·M, not M·A(m): the two differ for matrices that do not commute."""
    p_mat, m_mat = generic("P"), generic("M")
    next_a = (p_mat.inv().T * m_mat.inv().T).inv().T
    bad = Proof(
        "thm-demo", "wrong order", {}, {"M·P": (next_a - m_mat * p_mat).applyfunc(sp.cancel)}
    )
    assert not bad.verify()


@given(st.integers(0, 2**31 - 1))
def test_thm_rope_derived_numerically(seed):
    rng = np.random.default_rng(seed)
    d = 4
    m_mat = np.eye(d) + 0.25 * rng.normal(size=(d, d))
    q, k = rng.normal(size=(2, d))

    def power(mat, e):
        return np.linalg.matrix_power(mat, e)

    key_step = np.linalg.inv(m_mat).T
    # step 2/3: A(m) = M^m, B(n) = M^(-T n) makes the score depend on n − m only
    for offset in (-2, 0, 3):
        s = [(power(m_mat, m) @ q) @ (power(key_step, m + offset) @ k) for m in range(-3, 4)]
        assert np.ptp(s) <= 1e-8 * max(1.0, np.abs(s).max())
    # step 3: an orthogonal M serves queries and keys alike
    ortho, _ = np.linalg.qr(rng.normal(size=(d, d)))
    s = [(power(ortho, m) @ q) @ (power(ortho, m + 2) @ k) for m in range(-3, 4)]
    assert np.ptp(s) <= 1e-10
    assert np.allclose(np.linalg.inv(ortho).T, ortho, atol=1e-12)


def test_rope_is_the_orthogonal_solution():
    """RoPE's R_1 is orthogonal with det 1, and its powers are R_p (step 3 with M = R_1)."""
    for layout in rope.ROPE_LAYOUTS:
        r1 = rope.rope_matrix(1, 8, layout=layout)
        assert np.allclose(r1.T @ r1, np.eye(8), atol=1e-15)
        assert np.isclose(np.linalg.det(r1), 1.0)
        assert np.allclose(
            np.linalg.matrix_power(r1, 7), rope.rope_matrix(7, 8, layout=layout), atol=1e-14
        )


# ------------------------------------------------------------------- thm-partial-rotary


@pytest.mark.slow
def test_thm_partial_rotary_verifies_and_a_mutation_fails():
    assert symbolic.thm_partial_rotary().verify()
    m, n = sp.symbols("m n", real=True)
    rp = symbolic.partial_rope_matrix
    # mutation: the pass-through channels turned as well (a full RoPE of width 2 on them)
    wrong = sp.eye(6)
    wrong[:4, :4] = symbolic.rope_matrix(m, 4)
    wrong[4:, 4:] = symbolic.rope_matrix(m, 2)
    q = sp.Matrix(sp.symbols("q_0:6", real=True))
    k = sp.Matrix(sp.symbols("k_0:6", real=True))
    split = (q[:4, :].T * symbolic.rope_matrix(n - m, 4) * k[:4, :])[0] + q[4:, :].dot(k[4:, :])
    bad = Proof(
        "thm-demo",
        "pass channels rotate",
        {},
        {"split": (wrong * q).dot(wrong.subs(m, n) * k) - split},
    )
    assert not bad.verify()
    assert rp(m, 6, 4)[4:, 4:] == sp.eye(2)
    with pytest.raises(ValueError, match="rotary_dim"):
        rp(m, 4, 6)


@pytest.mark.parametrize("layout", rope.ROPE_LAYOUTS)
@pytest.mark.parametrize(("d", "r"), [(8, 4), (8, 2), (10, 6), (64, 16)])
def test_partial_matrix_equals_the_symbolic_one(layout, d, r):
    p = 37
    got = rope.apply_rope(np.eye(d), [p] * d, layout=layout, rotary_dim=r).T
    want = symbolic.partial_rope_matrix(p, d, r, layout=layout, base=10000)
    want = np.array(want.evalf(30).tolist(), dtype=float)
    assert np.allclose(got, want, rtol=0, atol=2e-16 * 4)


# ------------------------------------------------------------ apply_rope(rotary_dim=...)

POSITIONS = [0, 1, 5, 100, 12345, 2**25 - 3]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("layout", rope.ROPE_LAYOUTS)
@pytest.mark.parametrize("r", [2, 4, 12, 16])
def test_pass_through_is_bit_exact_and_the_rest_is_a_narrow_rope(dtype, layout, r):
    x = np.random.default_rng(r).normal(size=(3, len(POSITIONS), 16)).astype(dtype)
    y = rope.apply_rope(x, POSITIONS, layout=layout, rotary_dim=r)
    assert y.dtype == x.dtype
    assert y.shape == x.shape
    assert np.array_equal(y[..., r:], x[..., r:])
    assert np.array_equal(y[..., :r], rope.apply_rope(x[..., :r], POSITIONS, layout=layout))
    if r == 16:
        assert np.array_equal(y, rope.apply_rope(x, POSITIONS, layout=layout))


@pytest.mark.parametrize("layout", rope.ROPE_LAYOUTS)
def test_partial_rotary_against_the_exact_rotation(layout):
    d, r = 12, 8
    x = np.random.default_rng(0).normal(size=(len(POSITIONS), d))
    y = rope.apply_rope(x, POSITIONS, layout=layout, rotary_dim=r)
    for row, p in enumerate(POSITIONS):
        exact = np.eye(d)
        exact[:r, :r] = rope.rope_matrix(p, r, layout=layout)
        # rope_matrix is float64 (faithful cos/sin); apply_rope's bound is a few ulps of |x|
        assert np.allclose(y[row], exact @ x[row], rtol=0, atol=1e-14 * np.abs(x[row]).sum())


def hf_partial(x, positions, r, base=10000.0):
    """Hugging Face: inv_freq of width r, cat(freqs, freqs), rotate_half on x[..., :r], float64."""
    inv_freq = 1.0 / (base ** (np.arange(0, r, 2, dtype=np.float64) / r))
    freqs = np.asarray(positions, dtype=np.float64)[:, None] * inv_freq[None, :]
    emb = np.concatenate([freqs, freqs], axis=-1)
    cos, sin = np.cos(emb), np.sin(emb)
    x_rot, x_pass = x[..., :r], x[..., r:]
    half = r // 2
    rotated = np.concatenate([-x_rot[..., half:], x_rot[..., :half]], axis=-1)
    return np.concatenate([x_rot * cos + rotated * sin, x_pass], axis=-1)


def gptj_partial(x, positions, r, base=10000.0):
    """GPT-J: rotate_every_two with repeat_interleave'd cos/sin on x[..., :r], float64."""
    inv_freq = 1.0 / (base ** (np.arange(0, r, 2, dtype=np.float64) / r))
    freqs = np.asarray(positions, dtype=np.float64)[:, None] * inv_freq[None, :]
    cos, sin = np.repeat(np.cos(freqs), 2, axis=-1), np.repeat(np.sin(freqs), 2, axis=-1)
    x_rot, x_pass = x[..., :r], x[..., r:]
    every_two = np.stack([-x_rot[..., 1::2], x_rot[..., 0::2]], axis=-1).reshape(x_rot.shape)
    return np.concatenate([x_rot * cos + every_two * sin, x_pass], axis=-1)


@pytest.mark.parametrize(("head_dim", "factor"), [(64, 0.25), (80, 0.25), (128, 0.5), (32, 1.0)])
def test_partial_rotary_matches_the_library_recipes(head_dim, factor):
    r = int(head_dim * factor)
    positions = np.arange(0, 4000, 37)
    x = np.random.default_rng(head_dim).normal(size=(2, len(positions), head_dim))
    tol = 1e-12 * np.abs(x).max() * positions.max()  # float64 angles p·ω of the recipes
    got_half = rope.apply_rope(x, positions, layout="half", rotary_dim=r)
    assert np.allclose(got_half, hf_partial(x, positions, r), rtol=0, atol=tol)
    got_inter = rope.apply_rope(x, positions, layout="interleaved", rotary_dim=r)
    assert np.allclose(got_inter, gptj_partial(x, positions, r), rtol=0, atol=tol)


@pytest.mark.parametrize(
    ("rotary_dim", "error", "match"),
    [
        (3, ValueError, "rotary_dim must be None or a positive even integer"),
        (0, ValueError, "rotary_dim must be None or a positive even integer"),
        (-2, ValueError, "rotary_dim must be None or a positive even integer"),
        (10, ValueError, r"<= d_head = 8"),
        (4.0, TypeError, "rotary_dim must be None or a positive even integer"),
        (True, TypeError, "rotary_dim must be None or a positive even integer"),
        ("4", TypeError, "rotary_dim must be None or a positive even integer"),
    ],
)
def test_rotary_dim_is_checked(rotary_dim, error, match):
    with pytest.raises(error, match=match):
        rope.apply_rope(np.ones((2, 8)), 2, rotary_dim=rotary_dim)


def test_rotary_dim_accepts_numpy_integers():
    x = np.ones((2, 8))
    assert np.array_equal(
        rope.apply_rope(x, 2, rotary_dim=np.int64(4)), rope.apply_rope(x, 2, rotary_dim=4)
    )


# ------------------------------------------------------------------------------- figure


def test_partial_rotary_figure_shows_the_rotation():
    matplotlib = pytest.importorskip("matplotlib", reason="the docs extra is not installed")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figs = hook_module("figs_rope_derived")
    fig = figs.partial_rotary()
    try:
        for ax, layout in zip(fig.axes, rope.ROPE_LAYOUTS, strict=True):
            shown = np.asarray(ax.images[0].get_array())
            exact = np.eye(figs.D_HEAD)
            exact[: figs.ROTARY_DIM, : figs.ROTARY_DIM] = rope.rope_matrix(
                figs.POSITION, figs.ROTARY_DIM, layout=layout
            )
            assert np.allclose(shown, exact, rtol=0, atol=1e-15)
            assert layout in ax.get_title()
        assert f"$r = {figs.ROTARY_DIM}$ rotated channels" in fig.get_suptitle()
    finally:
        plt.close(fig)
