"""identify_rope_cache: naming the layout, base and scaling of RoPE caches from Hugging Face,
GPT-J and Meta (golden tables), and of generated ones."""

from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import golden, to_bfloat16

from posenc_ref import rope
from posenc_ref import rope_scaling as rs
from posenc_ref.rope_identification import identify_rope_cache

F32 = np.float32
HF = ["hf_llama_base10000_d64", "hf_llama_base500000_d128", "hf_llama_base1000000_d64"]
QWEN_YARN = rs.RopeScaling("yarn", 4.0, original_max_positions=32768)


def golden_scaling(g: dict) -> rs.RopeScaling:
    return rs.RopeScaling.from_hf(json.loads(str(g["params"])), int(g["max_position_embeddings"]))


@pytest.mark.parametrize("name", HF)
def test_identify_hf_caches(name):
    g = golden("rope", name)
    best = identify_rope_cache(g["cos"], g["sin"], positions=g["positions"])[0]
    assert (best.layout, best.base, best.d_head) == ("half", float(g["base"]), g["cos"].shape[1])
    assert best.dtype == "float32"
    assert abs(best.fitted_base / float(g["base"]) - 1) < 1e-3
    assert best.max_ulp > 1
    assert "not correctly rounded" in best.verdict
    # cos alone suffices.
    assert identify_rope_cache(g["cos"], positions=g["positions"])[0].base == best.base


def test_identify_gptj_and_meta_tables():
    g = golden("rope", "gptj_d64")
    best = identify_rope_cache(g["cos_pairs"], g["sin_pairs"], positions=g["positions"])[0]
    assert (best.layout, best.base, best.d_head) == ("pairs", 10000.0, 64)
    full = identify_rope_cache(
        np.repeat(g["cos_pairs"], 2, 1), np.repeat(g["sin_pairs"], 2, 1), positions=g["positions"]
    )[0]
    assert (full.layout, full.base) == ("interleaved", 10000.0)
    m = golden("rope", "meta_complex_base500000_d128")
    best = identify_rope_cache(m["cos_pairs"], m["sin_pairs"], positions=m["positions"])[0]
    assert (best.layout, best.base, best.d_head) == ("pairs", 500000.0, 128)


@pytest.mark.parametrize("layout", rope.ROPE_LAYOUTS)
@pytest.mark.parametrize("base", rope.COMMON_BASES)
def test_identify_reference_and_rounded_caches(layout, base):
    cos, sin = rope.rope_cache(64, 32, base=base, layout=layout, dtype=F32)
    matches = identify_rope_cache(cos, sin)
    best = matches[0]
    assert (best.layout, best.base, best.dtype) == (layout, base, "float32")
    assert best.max_ulp <= 0.5
    assert "correctly rounded" in str(best)
    others = [mt for mt in matches if mt.base != base and mt.layout == layout]
    assert all(mt.max_ulp > 1e3 for mt in others)  # a wrong base is far off
    bf = identify_rope_cache(to_bfloat16(cos), to_bfloat16(sin))[0]
    assert (bf.layout, bf.base, bf.dtype) == (layout, base, "bfloat16")
    assert bf.max_ulp <= 0.5 + 2.0**-16  # double rounding float32 -> bfloat16
    half = identify_rope_cache(cos.astype(np.float16), sin.astype(np.float16))[0]
    assert (half.layout, half.base, half.dtype) == (layout, base, "float16")
    assert half.max_ulp <= 0.5 + 2.0**-13


def test_identify_an_uncommon_base_by_fitting():
    cos, sin = rope.rope_cache(256, 64, base=25000.0, layout="half")
    best = identify_rope_cache(cos, sin)[0]
    assert best.base == 25000.0
    assert best.max_ulp < 2  # float64 cache: faithful, compared with a faithful reference


def test_identify_flags_low_precision_angles():
    # bf16 positions times bf16 frequencies, as in the reported bugs: the fit still finds the
    # layout and base, and the verdict says the values are far from exact.
    d, base = 64, 10000.0
    pos = np.arange(512)
    w = to_bfloat16(rope.rope_pairs([1], d, base=base)[1][0])  # ≈ frequencies, bf16-rounded
    ang = to_bfloat16(to_bfloat16(pos.astype(F32))[:, None] * w)
    cos = to_bfloat16(np.cos(ang))
    sin = to_bfloat16(np.sin(ang))
    best = identify_rope_cache(np.repeat(cos, 2, 1), np.repeat(sin, 2, 1))[0]
    assert best.layout == "interleaved"
    assert best.dtype == "bfloat16"
    assert best.max_abs > 0.1  # angles off by whole radians at p > 256
    assert "not correctly rounded" in best.verdict


@pytest.mark.parametrize("name", ["llama3_f8_base500000_d128", "yarn_f4_base1e6_d128"])
def test_identify_flags_and_matches_scaled_hf_caches(name):
    g = golden("rope_scaling", name)
    scaling = golden_scaling(g)
    # Without a scaling: the frequencies fit no base, and the known scaling of the model is found.
    auto = identify_rope_cache(g["cos"], g["sin"], positions=g["positions"])
    assert auto[0].geometric is False
    assert auto[0].scaling == scaling
    assert auto[0].base == float(g["base"])
    plain = next(m for m in auto if m.scaling is None)  # the best unscaled explanation
    assert "not base**(-2i/d) for any base" in plain.verdict
    assert plain.max_abs > 1  # the wrong frequencies: whole turns off far out
    scaled = identify_rope_cache(
        g["cos"], g["sin"], positions=g["positions"], scaling=scaling, base=float(g["base"])
    )[0]
    assert scaled.layout == "half"
    assert scaled.scaling == scaling
    assert repr(scaling) in scaled.verdict
    assert "not base**(-2i/d)" not in scaled.verdict
    # Left: Hugging Face's float32 angle, at most p·2**-24 ≈ 0.0078 rad at p = 131071.
    assert scaled.max_abs <= 131071 * 2.0**-24 * rs.attention_factor(scaling) + 1e-6


def test_identify_scaled_reference_caches():
    c, s = rs.scaled_rope_pairs(100, 64, QWEN_YARN, base=1e6, dtype=np.float32)
    m = rs.attention_factor(QWEN_YARN)
    hf_like = (np.concatenate([c, c], 1) * F32(m), np.concatenate([s, s], 1) * F32(m))
    best = identify_rope_cache(*hf_like, scaling=QWEN_YARN, base=1e6)[0]
    assert best.layout == "half"
    # m32·c32 against m·c: half an ulp of c (up to one ulp of m·c, binades differ), m rounded to
    # float32 (relative 2**-24, up to one ulp of m·c), and the product's rounding: <= 2.5 ulps.
    assert best.max_ulp <= 2.5
    # Linear scaling is never geometric (ω_0 = 1/s); NTK is: it is a plain RoPE, larger base.
    c, s = rs.scaled_rope_pairs(64, 32, rs.RopeScaling("linear", 2.0), dtype=np.float32)
    found = identify_rope_cache(c, s)  # a scaling that is not in KNOWN_SCALINGS: read off it
    assert found.matched
    assert found[0].scaling == rs.RopeScaling("linear", 2.0)
    assert found[0].geometric is False
    dyn = rs.RopeScaling("dynamic", 2.0, original_max_positions=4096)
    c, s = rs.scaled_rope_pairs(64, 128, dyn, seq_len=16384, dtype=np.float32)
    best = identify_rope_cache(c, s)[0]
    assert best.geometric is True
    assert best.fitted_base == pytest.approx(10000 * 7 ** (128 / 126), rel=1e-6)
    with pytest.raises(TypeError, match="scaling must be a RopeScaling"):
        identify_rope_cache(c, s, scaling={"rope_type": "linear"})


@pytest.mark.parametrize("positions", [range(-8, 8), range(100, 164), range(64)])
@pytest.mark.parametrize("base", [1e4, 5e5])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_identify_never_calls_a_plain_cache_scaled(positions, base, dtype):
    """Negative positions, no row at ±1, or cos alone: no false "scaled RoPE?" verdict."""
    from posenc_ref.rope import rope_cache

    cos, sin = rope_cache(positions, 64, base=base, layout="half", dtype=dtype)
    for match in (
        identify_rope_cache(cos, sin, positions=positions)[0],
        identify_rope_cache(cos, positions=positions)[0],
    ):
        assert match.geometric is True
        assert "scaled RoPE" not in match.verdict
    best = identify_rope_cache(cos, sin, positions=positions)[0]
    assert best.base == base
    assert best.max_ulp <= 0.5


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: identify_rope_cache(np.ones(4)), ValueError, r"cos must be 2-D"),
        (
            lambda: identify_rope_cache(np.ones((2, 4)), np.ones((2, 2))),
            ValueError,
            "same shape",
        ),
        (
            lambda: identify_rope_cache(np.ones((2, 4)), positions=[0]),
            ValueError,
            "one entry per row",
        ),
        (
            lambda: identify_rope_cache(np.full((2, 4), np.nan)),
            ValueError,
            "cos must be finite",
        ),
    ],
)
def test_bad_input_names_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ------------------------------------------------------------------ categories of caches


def assert_reproduced(found, cos, sin):
    assert found.matched, str(found)
    c, s = found.reproduce()
    np.testing.assert_allclose(c, cos, rtol=0, atol=found.tolerance)
    np.testing.assert_allclose(s, sin, rtol=0, atol=found.tolerance)


@pytest.mark.parametrize(("start", "base"), [(1000, 31415.0), (4096, 1e6), (77, 2500.0)])
def test_a_window_of_positions_with_an_uncommon_base(start, base):
    cos, sin = rope.rope_cache(range(start, start + 32), 64, base=base, layout="half", dtype=F32)
    found = identify_rope_cache(cos, sin)  # positions not given: read off the cache
    assert_reproduced(found, cos, sin)
    assert (found[0].base, int(found.positions[0])) == (base, start)


@pytest.mark.parametrize(
    "scaling",
    [
        rs.RopeScaling("linear", 4.0),
        rs.RopeScaling("yarn", 8.0, original_max_positions=4096),
        rs.RopeScaling("llama3", 16.0, original_max_positions=2048),
    ],
)
def test_scaled_caches_are_named_with_their_parameters(scaling):
    c, s = rs.scaled_rope_pairs(range(0, 96), 128, scaling, base=500000.0, dtype=F32)
    factor = F32(rs.attention_factor(scaling))
    c, s = c * factor, s * factor
    found = identify_rope_cache(c, s)
    assert_reproduced(found, c, s)
    assert found[0].scaling == scaling
    assert found[0].base == 500000.0


def test_dynamic_ntk_is_a_plain_cache_with_a_larger_base():
    dyn = rs.RopeScaling("dynamic", 2.0, original_max_positions=4096)
    c, s = rs.scaled_rope_pairs(64, 128, dyn, seq_len=16384, base=10000.0, dtype=F32)
    found = identify_rope_cache(c, s)
    assert_reproduced(found, c, s)
    assert found[0].geometric
    assert found[0].scaling is None
    assert found[0].base == pytest.approx(10000 * 7 ** (128 / 126), rel=1e-6)


@pytest.mark.parametrize(
    ("signs", "words"), [("negated", "clockwise"), ("alternating", "every other sine")]
)
@pytest.mark.parametrize("layout", ["half", "interleaved"])
def test_negated_and_alternating_sines_and_clockwise_caches(signs, words, layout):
    cos, sin = rope.rope_pairs(48, 32, dtype=F32)
    flip = -np.ones(16) if signs == "negated" else np.where(np.arange(16) % 2, -1.0, 1.0)
    sin = sin * flip.astype(F32)
    if layout == "half":
        cos, sin = np.concatenate([cos, cos], 1), np.concatenate([sin, sin], 1)
    else:
        cos, sin = np.repeat(cos, 2, 1), np.repeat(sin, 2, 1)
    found = identify_rope_cache(cos, sin)
    assert_reproduced(found, cos, sin)
    assert (found[0].layout, found[0].signs) == (layout, signs)
    assert words in found[0].verdict


def test_unknown_cache_claims_nothing():
    rng = np.random.default_rng(3)
    cos, sin = rng.uniform(-1, 1, (2, 40, 32)).astype(F32)
    found = identify_rope_cache(cos, sin)
    assert not found.matched
    with pytest.raises(ValueError, match="nothing was identified"):
        found.reproduce()
