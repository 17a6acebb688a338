"""posenc_ref.alternatives and the lineage theorems: ALiBi, T5, xPos, attention without positions.

Each SymPy theorem of posenc_ref.symbolic.lineage is verified, restated with a deliberate mistake
(which must fail), and its statement checked numerically on NumPy code written here. The NumPy
functions are compared with independent transcriptions of the reference code they follow.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from helpers import hook_module
from hypothesis import given
from hypothesis import strategies as st

from posenc_ref import alternatives, rope, symbolic
from posenc_ref.symbolic import Proof

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "alternatives.md").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- ALiBi


def reference_get_slopes(n: int) -> list[float]:
    """``get_slopes`` of ofirpress/attention_with_linear_biases, fairseq/models/transformer.py."""

    def get_slopes_power_of_2(n):
        start = 2 ** (-(2 ** -(math.log2(n) - 3)))
        ratio = start
        return [start * ratio**i for i in range(n)]

    if math.log2(n).is_integer():
        return get_slopes_power_of_2(n)
    closest_power_of_2 = 2 ** math.floor(math.log2(n))
    return (
        get_slopes_power_of_2(closest_power_of_2)
        + reference_get_slopes(2 * closest_power_of_2)[0::2][: n - closest_power_of_2]
    )


@pytest.mark.parametrize("heads", range(1, 65))
def test_alibi_slopes_match_the_reference_bit_for_bit(heads):
    got = alternatives.alibi_slopes(heads)
    assert got.tolist() == reference_get_slopes(heads)
    assert np.all(np.diff(got[: 2 ** int(math.log2(heads))]) < 0)


@pytest.mark.parametrize("heads", [1, 2, 4, 8, 16, 32])
def test_alibi_slopes_closed_form(heads):
    want = [2.0 ** (-8 * (h + 1) / heads) for h in range(heads)]
    # start * start**h: the rounded start, raised to the power h, then two more roundings
    assert np.allclose(alternatives.alibi_slopes(heads), want, rtol=(heads + 3) * 2.0**-53, atol=0)
    last = alternatives.alibi_slopes(heads)[-1]
    if 8 % heads == 0:  # the start 2**(-8/n) is a power of two: every slope is exact
        assert last == 2.0**-8
    else:  # 16 or 32 heads: the reference's float arithmetic misses 1/256 by a few ulps
        assert math.isclose(last, 2.0**-8, rel_tol=(heads + 3) * 2.0**-53)


@given(
    st.integers(-(10**6), 10**6),
    st.integers(-(10**6), 10**6),
    st.integers(-(10**6), 10**6),
    st.integers(1, 16),
)
def test_alibi_bias_depends_on_the_offset_only(p, q, shift, heads):
    a = alternatives.alibi_bias([p], [q], heads)[:, 0, 0]
    b = alternatives.alibi_bias([p + shift], [q + shift], heads)[:, 0, 0]
    assert np.array_equal(a, b)
    assert np.allclose(a, -alternatives.alibi_slopes(heads) * (p - q), rtol=1e-15, atol=0)


def test_alibi_code_row_gives_the_papers_attention():
    rng = np.random.default_rng(0)
    n, heads = 64, 12
    scores = rng.normal(size=(heads, n, n)) * 3
    causal = np.tril(np.ones((n, n), bool))
    m = alternatives.alibi_slopes(heads)[:, None, None]

    def softmax(s):
        e = np.exp(s - s.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    paper = softmax(np.where(causal, scores + alternatives.alibi_bias(n, n, heads), -np.inf))
    code = softmax(np.where(causal, scores + m * np.arange(n), -np.inf))
    assert np.allclose(paper, code, rtol=0, atol=1e-14)
    # equal content scores: weights in the ratio exp(-m (Δ1 - Δ2))
    flat = softmax(np.where(causal, alternatives.alibi_bias(n, n, heads), -np.inf))
    ratio = flat[:, 40, 30] / flat[:, 40, 35]  # offsets 10 and 5
    assert np.allclose(ratio, np.exp(-m[:, 0, 0] * 5), rtol=1e-12)


def test_alibi_arguments_are_checked():
    with pytest.raises(TypeError, match="n_heads"):
        alternatives.alibi_slopes(2.0)
    with pytest.raises(ValueError, match="n_heads"):
        alternatives.alibi_slopes(0)
    with pytest.raises(TypeError, match="n_heads"):
        alternatives.alibi_bias(3, 3, True)


def test_thm_alibi_relative_and_a_mutation():
    assert symbolic.thm_alibi_relative().verify()
    m, p, q, s = sp.symbols("m p q s", real=True)
    wrong = -m * (p + q)  # depends on the sum: not relative
    bad = Proof("thm-demo", "wrong bias", {}, {"shift": wrong.subs({p: p + s, q: q + s}) - wrong})
    assert not bad.verify()


# ------------------------------------------------------------------------------- T5


def hf_formula_float64(rel: int, bidirectional: bool, num_buckets: int, max_distance: int):
    """The bucket of ``_relative_position_bucket`` (transformers, models/t5/modeling_t5.py), in
    float64 Python arithmetic, plus the value whose floor is taken (to spot exact boundaries)."""
    buckets = 0
    if bidirectional:
        num_buckets //= 2
        buckets += num_buckets if rel > 0 else 0
        rel = abs(rel)
    else:
        rel = -min(rel, 0)
    max_exact = num_buckets // 2
    if rel < max_exact:
        return buckets + rel, None
    raw = math.log(rel / max_exact) / math.log(max_distance / max_exact) * (num_buckets - max_exact)
    return buckets + min(max_exact + int(raw), num_buckets - 1), raw


CONFIGS = [(32, 128), (64, 128), (32, 256), (16, 64), (128, 1024), (8, 32), (32, 500), (10, 37)]


@pytest.mark.parametrize(("num_buckets", "max_distance"), CONFIGS)
@pytest.mark.parametrize("bidirectional", [True, False])
def test_t5_bucket_matches_the_formula(num_buckets, max_distance, bidirectional):
    rel = np.arange(-3000, 3001)
    got = alternatives.t5_bucket(
        rel, bidirectional=bidirectional, num_buckets=num_buckets, max_distance=max_distance
    )
    checked = 0
    for r, g in zip(rel.tolist(), got.tolist(), strict=True):
        want, raw = hf_formula_float64(r, bidirectional, num_buckets, max_distance)
        if raw is not None and abs(raw - round(raw)) < 1e-9:
            continue  # an exact boundary: decided exactly below, not by float rounding
        assert g == want, r
        checked += 1
    assert checked > 5000


@pytest.mark.parametrize(("num_buckets", "max_distance"), CONFIGS)
@pytest.mark.parametrize("bidirectional", [True, False])
def test_t5_bucket_starts_agree_with_sympy(num_buckets, max_distance, bidirectional):
    """Cross-validation: the NumPy buckets change exactly at the SymPy starts (both directions)."""
    starts = symbolic.t5_bucket_starts(
        bidirectional=bidirectional, num_buckets=num_buckets, max_distance=max_distance
    )
    n = np.arange(0, 4 * max_distance)
    before = alternatives.t5_bucket(
        -n, bidirectional=bidirectional, num_buckets=num_buckets, max_distance=max_distance
    )
    changes = [0, *(np.flatnonzero(np.diff(before)) + 1).tolist()]
    assert changes == [s for s in starts if s < len(n)]
    assert before.max() == len(starts) - 1
    if bidirectional:
        after = alternatives.t5_bucket(
            n[1:], bidirectional=True, num_buckets=num_buckets, max_distance=max_distance
        )
        assert np.array_equal(after, before[1:] + num_buckets // 2)


def test_t5_defaults_and_the_page():
    assert symbolic.thm_t5_buckets().verify()
    starts = symbolic.t5_bucket_starts()
    assert starts[-1] == 91
    assert symbolic.t5_bucket_starts(bidirectional=False)[-1] == 113
    assert alternatives.t5_bucket(-90) == 14
    assert alternatives.t5_bucket(-91) == 15
    assert "91" in PAGE
    assert "113" in PAGE


def test_t5_bucket_matches_pytorch_code():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (not a dependency)")

    def hf(rel, bidirectional=True, num_buckets=32, max_distance=128):  # transformers' code
        relative_buckets = 0
        if bidirectional:
            num_buckets //= 2
            relative_buckets += (rel > 0).to(torch.long) * num_buckets
            rel = torch.abs(rel)
        else:
            rel = -torch.min(rel, torch.zeros_like(rel))
        max_exact = num_buckets // 2
        is_small = rel < max_exact
        large = max_exact + (
            torch.log(rel.float() / max_exact)
            / math.log(max_distance / max_exact)
            * (num_buckets - max_exact)
        ).to(torch.long)
        large = torch.min(large, torch.full_like(large, num_buckets - 1))
        return relative_buckets + torch.where(is_small, rel, large)

    rel = np.arange(-5000, 5001)
    for bidirectional in (True, False):
        got = alternatives.t5_bucket(rel, bidirectional=bidirectional)
        want = hf(torch.from_numpy(rel), bidirectional=bidirectional).numpy()
        assert np.array_equal(got, want)


def test_t5_arguments_are_checked():
    with pytest.raises(TypeError, match="relative_position"):
        alternatives.t5_bucket([1.5])
    with pytest.raises(ValueError, match="max_distance"):
        alternatives.t5_bucket([1], max_distance=8)
    with pytest.raises(ValueError, match="num_buckets"):
        alternatives.t5_bucket([1], num_buckets=3)
    with pytest.raises(TypeError, match="bidirectional"):
        alternatives.t5_bucket([1], bidirectional=1)


def test_thm_t5_buckets_fails_for_a_wrong_start():
    """The check that each start is tight: 90 is not in the last encoder bucket."""
    from posenc_ref.symbolic import lineage

    # bucket 8 + 7 needs (n/8)**8 >= 16**7; 90 is just below, 91 just above
    assert not lineage._t5_in_bucket(90, 7, 8, 16, 128)
    assert lineage._t5_in_bucket(91, 7, 8, 16, 128)
    assert (90 / 8) ** 8 < 16**7 <= (91 / 8) ** 8


# ------------------------------------------------------------------------------ xPos


@given(st.integers(-5000, 5000), st.sampled_from([2, 8, 64, 128]))
def test_xpos_scale_formula(p, d):
    got = alternatives.xpos_scale([p], d)[0]
    zeta = np.array([(2 * i + 0.4 * d) / (1.4 * d) for i in range(d // 2)])
    assert np.allclose(got, zeta ** (p / 512), rtol=1e-13, atol=0)
    assert np.all((zeta > 0) & (zeta < 1))


def xpos_score(x, y, p, q, d):
    qp = rope.apply_rope(x, [p]) * np.repeat(alternatives.xpos_scale([p], d), 2, axis=1)
    kq = rope.apply_rope(y, [q]) / np.repeat(alternatives.xpos_scale([q], d), 2, axis=1)
    return float(qp[0] @ kq[0])


def test_thm_xpos_excluded_numerically():
    assert symbolic.thm_xpos_excluded().verify()
    d = 16
    x, y = np.random.default_rng(1).normal(size=(2, 1, d))
    for delta in (0, 1, 50, 700):
        s = [xpos_score(x, y, p, p - delta, d) for p in (delta, 1000, 3000)]
        assert np.ptp(s) <= 1e-9 * max(1.0, abs(s[0]))
    # the factor of the score decays with the offset, for every pair
    factor = alternatives.xpos_scale(np.arange(0, 2000, 100), d)
    assert np.all(np.diff(factor, axis=0) < 0)
    # the key's factor grows without bound, the query's without bound backwards
    key = 1 / alternatives.xpos_scale([10**4, 10**5], d)
    assert key[1, 0] > key[0, 0] > 1e8
    assert alternatives.xpos_scale([-(10**4)], d)[0, 0] > 1e8
    # eigenvalues of the shift by k: modulus ζ^(k/β) for every pair
    zeta = alternatives.xpos_scale([512], d)[0]
    for i, z in enumerate(zeta):
        w = 10000.0 ** (-2 * i / d)
        shift = z ** (3 / 512) * np.array(
            [[np.cos(3 * w), -np.sin(3 * w)], [np.sin(3 * w), np.cos(3 * w)]]
        )
        assert np.allclose(np.abs(np.linalg.eigvals(shift)), z ** (3 / 512), rtol=1e-13)


def test_xpos_arguments_are_checked():
    with pytest.raises(ValueError, match="d_head must be even"):
        alternatives.xpos_scale(3, 5)
    with pytest.raises(ValueError, match="gamma"):
        alternatives.xpos_scale(3, 4, gamma=0)
    with pytest.raises(TypeError, match="scale_base"):
        alternatives.xpos_scale(3, 4, scale_base="512")


def test_a_bounded_xpos_is_rope():
    """The page: with ζ = 1 both maps are RoPE; large γ makes ζ tend to 1."""
    d = 8
    x = np.random.default_rng(2).normal(size=(1, d))
    near_one = np.repeat(alternatives.xpos_scale([300], d, gamma=1e12), 2, axis=1)
    assert np.allclose(rope.apply_rope(x, [300]) * near_one, rope.apply_rope(x, [300]), rtol=1e-9)


# ------------------------------------------------------- attention without positions


def attention(x, wq, wk, wv, *, causal=False):
    s = (x @ wq) @ (x @ wk).T / np.sqrt(x.shape[1])
    if causal:
        s = np.where(np.tril(np.ones_like(s, bool)), s, -np.inf)
    w = np.exp(s - s.max(axis=1, keepdims=True))
    return (w / w.sum(axis=1, keepdims=True)) @ (x @ wv)


def test_permutation_equivariance_numerically():
    assert symbolic.thm_permutation_equivariance().verify()
    rng = np.random.default_rng(3)
    x = rng.normal(size=(7, 8))
    wq, wk, wv = rng.normal(size=(3, 8, 8))
    out = attention(x, wq, wk, wv)
    for _ in range(20):
        perm = rng.permutation(7)
        assert np.allclose(attention(x[perm], wq, wk, wv), out[perm], rtol=0, atol=1e-12)
    perm = np.array([1, 0, 2, 3, 4, 5, 6])
    masked = attention(x, wq, wk, wv, causal=True)
    assert not np.allclose(attention(x[perm], wq, wk, wv, causal=True), masked[perm], atol=1e-6)


def test_causal_counting_numerically():
    assert symbolic.thm_causal_counting().verify()
    n = 50
    x = np.random.default_rng(4).normal(size=(n, 6))
    x[:, -1] = 0.0
    x[0, -1] = 1.0  # the marker
    zero = np.zeros((6, 6))
    out = attention(x, zero, zero, np.eye(6), causal=True)[:, -1]
    assert np.allclose(out, 1 / (np.arange(n) + 1), rtol=1e-14)
    assert np.all(np.diff(out) < 0)
    unmasked = attention(x, zero, zero, np.eye(6))[:, -1]
    assert np.allclose(unmasked, 1 / n, rtol=1e-14)


def test_causal_counting_mutation():
    p = sp.Symbol("p", integer=True, nonnegative=True)
    bad = Proof("thm-demo", "weights 1/p", {}, {"w": sp.Rational(1, 1) / (p + 1) - 1 / p})
    assert not bad.verify()


# ------------------------------------------------------------------------------ figure


def test_alternatives_figure_plots_the_module():
    matplotlib = pytest.importorskip("matplotlib", reason="the docs extra is not installed")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figs = hook_module("figs_alternatives")
    fig = figs.alternatives_offsets()
    try:
        top, middle, bottom = fig.axes
        offset = np.arange(figs.MAX_OFFSET + 1)
        slopes = alternatives.alibi_slopes(figs.ALIBI_HEADS)
        for line, m in zip(top.lines, slopes, strict=True):
            assert np.allclose(line.get_ydata(), -m * offset, rtol=0, atol=1e-13)
        assert np.array_equal(middle.lines[0].get_ydata(), alternatives.t5_bucket(-offset))
        assert any("from 91" in t.get_text() for t in middle.texts)
        for line, i in zip(bottom.lines, figs.XPOS_PAIRS, strict=False):
            zeta = (2 * i + 0.4 * figs.XPOS_D) / (1.4 * figs.XPOS_D)
            assert np.allclose(line.get_ydata(), zeta ** (offset / 512), rtol=1e-13)
        assert fig.get_size_inches()[0] <= 5.6
    finally:
        plt.close(fig)
