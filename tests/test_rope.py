"""RoPE (posenc_ref.rope): accuracy against mpmath, the golden tables of the real libraries,
cache identification and input errors.

Golden tables (tests/golden/rope/, written by tests/golden/gen_rope.py from torch 2.13.0 and
transformers 5.24.0) are float32. The libraries compute the angle ``p·ω`` in float32, so their
caches are not correctly rounded; the tolerance for a library cache entry is derived, not
guessed (see :func:`library_cache_bound`).
"""

from __future__ import annotations

import json
from pathlib import Path

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from posenc_ref import _layout, rope
from posenc_ref.precision import correctly_rounded, frequency_truth, truth, ulp, ulp_error
from posenc_ref.rotation import rotation

GOLDEN = Path(__file__).resolve().parent / "golden" / "rope"
U64 = 2.0**-53
F32 = np.float32


def load(name: str) -> dict[str, np.ndarray]:
    with np.load(GOLDEN / f"{name}.npz") as z:
        return {key: z[key] for key in z.files}


HF = ["hf_llama_base10000_d64", "hf_llama_base500000_d128", "hf_llama_base1000000_d64"]
META = [
    "meta_complex_base10000_d64",
    "meta_complex_base500000_d128",
    "meta_complex_base1000000_d64",
]


# --------------------------------------------------------------------------- exact reference


def exact_rope(x: np.ndarray, positions, base: float, layout: str, prec: int = 120):
    """RoPE of float64-exact inputs in mpmath: returns (y, |a cos| + |b sin|) as float64."""
    d = x.shape[-1]
    planes = _layout.components(np.arange(d), layout)
    y = np.empty(x.shape)
    mag = np.empty(x.shape)
    with mpmath.workprec(prec):
        for r, p in enumerate(positions):
            for k, (ia, ib) in enumerate(zip(*planes, strict=True)):
                w = mpmath.power(mpmath.mpf(base), mpmath.mpf(-2 * k) / d)
                c, s = mpmath.cos(int(p) * w), mpmath.sin(int(p) * w)
                for idx in np.ndindex(x.shape[:-2]):
                    a = mpmath.mpf(float(x[(*idx, r, ia)]))
                    b = mpmath.mpf(float(x[(*idx, r, ib)]))
                    y[(*idx, r, ia)] = float(a * c - b * s)
                    y[(*idx, r, ib)] = float(b * c + a * s)
                    mag[(*idx, r, ia)] = float(abs(a * c) + abs(b * s))
                    mag[(*idx, r, ib)] = float(abs(b * c) + abs(a * s))
    return y, mag


POSITIONS = np.array([0, 1, 2, 7, 1000, 65537, 2**24 + 1, 2**26 - 1])


@pytest.mark.parametrize("layout", rope.ROPE_LAYOUTS)
@pytest.mark.parametrize("base", rope.COMMON_BASES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_apply_rope_meets_its_error_bound(dtype, base, layout):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, POSITIONS.size, 8)).astype(dtype)
    got = rope.apply_rope(x, POSITIONS, base=base, layout=layout)
    assert got.dtype == dtype
    assert got.shape == x.shape
    exact, mag = exact_rope(x, POSITIONS, base, layout)
    # The bound stated in apply_rope's docstring; 0.5 ulp only for narrow dtypes.
    # ulp of the float64 value before rounding, bounded through |ŷ| <= |y| + 5u·mag.
    half_ulp = 0.0 if dtype == np.float64 else 0.5 * ulp(np.abs(exact) + 5 * U64 * mag, dtype)
    err = np.abs(got.astype(np.float64) - exact)
    assert np.all(err <= half_ulp + 5 * U64 * mag), float(np.max(err - half_ulp - 5 * U64 * mag))


def test_apply_rope_bound_is_tight_enough_to_fail():
    # The mpmath check above notices a rotation by the wrong angle (the naive float32 one).
    x = np.ones((1, 1, 2), dtype=np.float32)
    p = [2**24 + 1]
    exact, mag = exact_rope(x, p, 10000.0, "interleaved")
    angle = F32(p[0]) * F32(1.0)  # 2**24: the float32 position is already wrong
    naive = np.array([np.cos(angle) - np.sin(angle), np.sin(angle) + np.cos(angle)], F32)
    err = np.abs(naive - exact[0, 0])
    assert np.any(err > 0.5 * ulp(exact[0, 0], F32) + 5 * U64 * mag[0, 0])


@pytest.mark.parametrize("layout", rope.ROPE_LAYOUTS)
def test_cache_is_correctly_rounded_and_laid_out(layout):
    pos = np.array([0, 1, 3, 4097, 2**24 + 1, 2**26 - 1])
    d = 16
    cos, sin = rope.rope_cache(pos, d, layout=layout, dtype=np.float32)
    hi, lo = truth(pos, d, layout="sin|cos")
    cr = correctly_rounded(hi, lo, np.float32)
    cos_pairs, sin_pairs = cr[:, d // 2 :], cr[:, : d // 2]
    if layout == "half":
        expect_c = np.concatenate([cos_pairs, cos_pairs], axis=1)
        expect_s = np.concatenate([sin_pairs, sin_pairs], axis=1)
    else:
        expect_c, expect_s = np.repeat(cos_pairs, 2, axis=1), np.repeat(sin_pairs, 2, axis=1)
    np.testing.assert_array_equal(cos, expect_c)
    np.testing.assert_array_equal(sin, expect_s)
    c64, s64 = rope.rope_pairs(pos, d)
    assert ulp_error(c64, hi[:, d // 2 :], lo[:, d // 2 :]).max() < 1  # faithful float64
    assert ulp_error(s64, hi[:, : d // 2], lo[:, : d // 2]).max() < 1


@pytest.mark.parametrize("layout", rope.ROPE_LAYOUTS)
def test_matrix_group_law_and_core_rotation(layout):
    d = 12
    core = {"interleaved": "interleaved", "half": "sin|cos"}[layout]
    for p in (0, 1, -3, 1000, 2**25):
        r = rope.rope_matrix(p, d, layout=layout)
        np.testing.assert_array_equal(r, rotation(-p, d, layout=core))
        assert np.allclose(r.T @ r, np.eye(d), rtol=0, atol=4e-16)
    a, b = rope.rope_matrix(3, d, layout=layout), rope.rope_matrix(4, d, layout=layout)
    assert np.allclose(a @ b, rope.rope_matrix(7, d, layout=layout), rtol=0, atol=1e-15)
    x = np.random.default_rng(0).standard_normal((5, d))
    rows = np.array([rope.rope_matrix(p, d, layout=layout) @ x[i] for i, p in enumerate(range(5))])
    assert np.allclose(rope.apply_rope(x, 5, layout=layout), rows, rtol=0, atol=1e-15)


def test_layouts_agree_exactly_under_the_permutation():
    rng = np.random.default_rng(3)
    for d in (2, 8, 64):
        perm = rope.rope_permutation(d)
        x = rng.standard_normal((3, 9, d))
        inter = rope.apply_rope(x, range(100, 109), layout="interleaved")
        half = rope.apply_rope(x[..., perm], range(100, 109), layout="half")
        np.testing.assert_array_equal(half, inter[..., perm])  # the same arithmetic, reordered


def test_permutation_shape_heads_and_inverse():
    perm = rope.rope_permutation(6, n_heads=3)
    assert perm.tolist() == [
        *(h * 6 + j for h in range(3) for j in (0, 2, 4, 1, 3, 5)),
    ]
    inv = np.argsort(perm)
    np.testing.assert_array_equal(perm[inv], np.arange(18))


def test_apply_cache_with_the_reference_cache_is_close():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 4, 16))
    for layout in rope.ROPE_LAYOUTS:
        cos, sin = rope.rope_cache(range(50, 54), 16, layout=layout)
        got = rope.apply_cache(x, cos, sin, layout=layout)
        assert np.allclose(got, rope.apply_rope(x, range(50, 54), layout=layout), atol=1e-15)


# --------------------------------------------------------------------------- decay


def test_expected_score_is_the_mean_of_actual_scores():
    # ⟨R_m q, R_(m+Δ) q⟩ = Σ_k |q_(k)|² cos(Δ ω_k): for q with equal plane norms it is
    # |q|² · expected_score(Δ), for every starting position m.
    d = 32
    q = np.zeros(d)
    q[0::2] = 1.0  # each interleaved plane has norm 1
    for delta in (0, 5, 300, 1707):
        for m in (0, 999):
            x = np.stack([q, q])[None]
            y = rope.apply_rope(x, [m, m + delta])[0]
            score = float(y[0] @ y[1])
            assert abs(score - (d / 2) * rope.expected_score([delta], d)[0]) < 1e-12


def test_decay_bound_against_mpmath_and_as_a_bound():
    d, base = 128, 10000.0
    offsets = np.arange(0, 2001)
    bound = rope.decay_bound(offsets, d, base=base)
    mean = rope.expected_score(offsets, d, base=base)
    # (2/d)|S_(d/2)| ≤ (2/d) Σ_j |S_j|: the actual mean score never exceeds the bound.
    assert np.all(np.abs(mean) <= bound)
    with mpmath.workprec(100):
        for delta in (1, 11, 500, 1707):
            s = mpmath.mpc(0)
            total = mpmath.mpf(0)
            for k in range(d // 2):
                s += mpmath.expj(delta * mpmath.power(base, mpmath.mpf(-2 * k) / d))
                total += abs(s)
            assert abs(bound[delta] - float(total / (d // 2))) < 1e-12
    # The two curves differ in kind: the bound stays positive, the mean score turns negative,
    # and neither is monotone.
    assert bound.min() > 0 > mean.min()
    assert np.any(np.diff(mean) > 0)
    assert np.any(np.diff(bound) > 0)
    assert float(bound[0]) == (d / 2 + 1) / 2


# --------------------------------------------------------------------------- golden tables


def test_manifest_names_every_table():
    manifest = json.loads((GOLDEN / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["versions"]["transformers"] == "5.24.0"
    assert manifest["versions"]["torch"].startswith("2.13.0")
    on_disk = {p.name for p in GOLDEN.glob("*.npz")}
    assert on_disk == set(manifest["tables"])
    assert {f"{name}.npz" for name in HF + META} <= on_disk


def library_cache_bound(positions, inv_freq, values, base):
    """Bound on |library cos/sin − exact| for a float32 cache built as cos(fl(p·ω_f32)).

    The library's angle is fl32(p · inv_freq): off from p·ω by p·|inv_freq − ω| plus half an
    ulp of the angle (0 for p·inv_freq exact). torch's float32 sin/cos (SLEEF u10) are within
    1 ulp. So |error| <= p·|inv_freq − ω| + 0.5·ulp32(angle) + 1·ulp32(value).
    """
    d = 2 * inv_freq.size
    hi, lo = frequency_truth(d, base=base)
    dw = np.abs((inv_freq.astype(np.float64) - hi) - lo)
    p = positions[:, None].astype(np.float64)
    angle = (positions[:, None].astype(F32) * inv_freq).astype(np.float64)
    return p * dw + 0.5 * ulp(angle, F32) + ulp(values, F32)


def exact_pairs(positions, d, base):
    hi, lo = truth(positions, d, base=base, layout="sin|cos")
    return hi[:, d // 2 :] + lo[:, d // 2 :], hi[:, : d // 2] + lo[:, : d // 2]


@pytest.mark.parametrize("name", HF)
def test_hf_llama_golden(name):
    g = load(name)
    pos, base = g["positions"], float(g["base"])
    d = g["q"].shape[-1]
    # The layout, bit for bit: HF's arithmetic on HF's cache.
    for key in ("q", "k"):
        np.testing.assert_array_equal(
            rope.apply_cache(g[key], g["cos"], g["sin"], layout="half"), g[f"{key}_out"]
        )
    # The cache: the half layout, within the float32-angle bound of the exact values.
    c_ex, s_ex = exact_pairs(pos, d, base)
    for key, ex in (("cos", c_ex), ("sin", s_ex)):
        lib = g[key].astype(np.float64)
        np.testing.assert_array_equal(g[key][:, : d // 2], g[key][:, d // 2 :])
        bound = library_cache_bound(pos, g["inv_freq"], lib[:, : d // 2], base)
        assert np.all(np.abs(lib[:, : d // 2] - ex) <= bound)
    # Our float32 cache is correctly rounded; the library's is not, far from position 0.
    ours_c, ours_s = rope.rope_cache(pos, d, base=base, layout="half", dtype=F32)
    assert np.abs(ours_c[-1] - g["cos"][-1]).max() > 100 * ulp(1.0, F32)
    assert np.abs(ours_s[-1] - g["sin"][-1]).max() > 100 * ulp(1.0, F32)
    hi, lo = truth(pos, d, base=base, layout="sin|cos")
    assert ulp_error(ours_c[:, : d // 2], hi[:, d // 2 :], lo[:, d // 2 :]).max() <= 0.5
    # apply_rope vs the library output: bounded by the library's cache error and arithmetic.
    ours = rope.apply_rope(g["q"], pos, base=base, layout="half")
    bound_c = library_cache_bound(pos, g["inv_freq"], np.abs(c_ex), base)
    bound_s = library_cache_bound(pos, g["inv_freq"], np.abs(s_ex), base)
    a, b = _layout.components(g["q"].astype(np.float64), "half")
    room = np.abs(a) * bound_c + np.abs(b) * bound_s
    tol = _layout.merge(room, room, "half") + 2 * ulp(np.abs(g["q"]).astype(np.float64) * 2, F32)
    assert np.all(np.abs(ours.astype(np.float64) - g["q_out"]) <= tol)


def test_hf_frequencies_are_float32_but_not_correctly_rounded():
    worst = {}
    for name in HF:
        g = load(name)
        hi, lo = frequency_truth(2 * g["inv_freq"].size, base=float(g["base"]))
        worst[float(g["base"])] = float(ulp_error(g["inv_freq"], hi, lo).max())
    assert all(err < 1.5 for err in worst.values())
    assert worst[500000.0] > 1.0  # measured 1.29 ulp (d 128): the float32 pow is not exact


def test_gptj_golden():
    g = load("gptj_d64")
    cos = np.repeat(g["cos_pairs"], 2, axis=1)
    sin = np.repeat(g["sin_pairs"], 2, axis=1)
    np.testing.assert_array_equal(
        rope.apply_cache(g["q"], cos, sin, layout="interleaved"), g["q_out"]
    )
    pos, d = g["positions"], 64
    c_ex, s_ex = exact_pairs(pos, d, 10000.0)
    for key, ex in (("cos_pairs", c_ex), ("sin_pairs", s_ex)):
        bound = library_cache_bound(pos, g["inv_freq"], g[key].astype(np.float64), 10000.0)
        assert np.all(np.abs(g[key] - ex) <= bound)
    # The same numbers in the other layout would be a different rotation.
    assert not np.allclose(rope.apply_cache(g["q"], cos, sin, layout="half"), g["q_out"])


@pytest.mark.parametrize("name", META)
def test_meta_complex_golden(name):
    g = load(name)
    pos, base = g["positions"], float(g["base"])
    d = g["q"].shape[-1]
    cos = np.repeat(g["cos_pairs"], 2, axis=1)
    sin = np.repeat(g["sin_pairs"], 2, axis=1)
    for key in ("q", "k"):
        # complex64 multiplication on torch's CPU gives x·cos + rotate_every_two(x)·sin exactly.
        np.testing.assert_array_equal(
            rope.apply_cache(g[key], cos, sin, layout="interleaved"), g[f"{key}_out"]
        )
    c_ex, s_ex = exact_pairs(pos, d, base)
    for key, ex in (("cos_pairs", c_ex), ("sin_pairs", s_ex)):
        bound = library_cache_bound(pos, g["inv_freq"], g[key].astype(np.float64), base)
        assert np.all(np.abs(g[key] - ex) <= bound)
    # Meta and HF use the same float32 frequencies and angles; torch.polar and Tensor.cos use
    # different float32 cosines, which differ by one ulp on some entries.
    hf = load(name.replace("meta_complex", "hf_llama"))
    np.testing.assert_array_equal(g["inv_freq"], hf["inv_freq"])
    diff = np.abs(g["cos_pairs"].astype(np.float64) - hf["cos"][:, : d // 2])
    assert np.all(diff <= ulp(np.abs(g["cos_pairs"]), F32))


def test_permutation_reproduces_hf_conversion():
    g = load("permute")
    heads = int(g["n_heads"])
    d_head = g["wq"].shape[0] // heads
    perm = rope.rope_permutation(d_head, n_heads=heads)
    np.testing.assert_array_equal(g["wq"][perm], g["wq_hf"])
    np.testing.assert_array_equal(g["wk"][perm], g["wk_hf"])
    # Meta RoPE on W and HF RoPE on permute(W): equal scores (float32 library arithmetic).
    scale = np.abs(g["scores_meta"]).max()
    assert np.abs(g["scores_meta"] - g["scores_hf"]).max() <= 1e-6 * scale
    # And in the reference (float64), where the two agree to rounding.
    pos = g["positions"]

    def rotated(w, layout):  # (heads, n, d_head)
        h = (g["x"].astype(np.float64) @ w.T.astype(np.float64)).reshape(pos.size, heads, d_head)
        return rope.apply_rope(h.transpose(1, 0, 2), pos, layout=layout)

    q_i, k_i = rotated(g["wq"], "interleaved"), rotated(g["wk"], "interleaved")
    q_h, k_h = rotated(g["wq_hf"], "half"), rotated(g["wk_hf"], "half")
    one_head = rope.rope_permutation(d_head)
    np.testing.assert_array_equal(q_h, q_i[..., one_head])  # same numbers, reordered channels
    s_i, s_h = q_i @ k_i.transpose(0, 2, 1), q_h @ k_h.transpose(0, 2, 1)
    assert np.abs(s_i - s_h).max() <= 1e-13 * scale  # only the summation order differs
    # The libraries' float32 angles drift with position (p·ω rounded): near to exact scores
    # for small positions, measurably off at p = 32767.
    err = np.abs(s_i - g["scores_meta"])
    small = pos <= 1000
    assert err[:, small][:, :, small].max() <= 1e-5 * scale
    assert 1e-5 * scale < err.max() <= 1e-4 * scale
    # Without the permutation, HF's layout on Meta's weights changes the scores.
    q_x, k_x = rotated(g["wq"], "half"), rotated(g["wk"], "half")
    assert np.abs(q_x @ k_x.transpose(0, 2, 1) - s_i).max() > 0.1 * scale


# --------------------------------------------------------------------------- identify


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: rope.apply_rope(np.ones((2, 4)), 2, layout="neox"), ValueError, "layout must"),
        (lambda: rope.apply_rope(np.ones((2, 4), int), 2), TypeError, "x must be a floating"),
        (lambda: rope.apply_rope(np.ones(4), 1), ValueError, r"shape \(\.\.\., n, d_head\)"),
        (lambda: rope.apply_rope(np.ones((2, 5)), 2), ValueError, "d_head must be even"),
        (lambda: rope.apply_rope(np.ones((2, 4)), 3), ValueError, "one position per row"),
        (lambda: rope.apply_rope(np.ones((1, 4)), [2**26]), ValueError, r"\|p\| < 2\*\*26"),
        (lambda: rope.apply_rope(np.ones((1, 4)), [0], base=1.0), ValueError, "base must not"),
        (lambda: rope.rope_cache(2, 4, layout="rotate_half"), ValueError, "layout must"),
        (lambda: rope.rope_pairs(2, 0), ValueError, "d_head must be a positive even"),
        (
            lambda: rope.rope_permutation(8, n_heads=0),
            ValueError,
            "n_heads must be an integer >= 1",
        ),
        (lambda: rope.rope_matrix(0.5, 4), TypeError, "p must be an integer"),
    ],
)
def test_bad_input_names_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# --------------------------------------------------------------------------- properties


@given(
    pairs=st.integers(1, 16),
    layout=st.sampled_from(rope.ROPE_LAYOUTS),
    base=st.one_of(st.sampled_from(rope.COMMON_BASES), st.floats(2.0, 1e7)),
    m=st.integers(-(2**25), 2**25),
    shift=st.integers(-(2**20), 2**20),
    seed=st.integers(0, 2**32 - 1),
)
def test_relative_and_norm_hold_numerically(pairs, layout, base, m, shift, seed):
    # thm-rope-relative and thm-rope-norm on the float64 reference: the score of (m, m + shift)
    # equals that of (0, shift), and lengths are kept, up to apply_rope's error bound.
    d = 2 * pairs
    q, k = np.random.default_rng(seed).standard_normal((2, 1, d))
    # Each score is within (20 + 2d)·u·‖q‖₁‖k‖₁ of the exact one (see score_tolerance in
    # tests/test_rope_symbolic.py): apply_rope's entry bound plus the dot product's rounding.
    tol = (20 + 2 * d) * U64 * float(np.abs(q).sum() * np.abs(k).sum())

    def score(a, b):
        ra = rope.apply_rope(q, [a], base=base, layout=layout)[0]
        rb = rope.apply_rope(k, [b], base=base, layout=layout)[0]
        return float(ra @ rb)

    assert abs(score(m, m + shift) - score(0, shift)) <= 2 * tol
    rq = rope.apply_rope(q, [m], base=base, layout=layout)[0]
    norm_tol = (20 + 2 * d) * U64 * float(np.abs(q).sum()) ** 2
    assert abs(float(rq @ rq) - float(q[0] @ q[0])) <= norm_tol
    perm = rope.rope_permutation(d)
    np.testing.assert_array_equal(
        rope.apply_rope(q[..., perm], [m], base=base, layout="half"),
        rope.apply_rope(q, [m], base=base, layout="interleaved")[..., perm],
    )
