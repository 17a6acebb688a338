"""RoPE context extension (posenc_ref.rope_scaling): SymPy proofs, the NumPy frequencies checked
against the SymPy formulas evaluated by mpmath, the theorems on the NumPy side, Hugging Face's
golden frequencies and caches, and input errors.

Golden tables (tests/golden/rope_scaling/, written by tests/golden/gen_rope_scaling.py from
torch 2.13.0 and transformers 5.24.0) are float32: Hugging Face evaluates the formulas in
float32, so its frequencies are compared within float32 ulps whose size is derived or measured
and stated below; where its arithmetic is exact (multiplying by 1, dividing by a power of two)
the comparison is bit for bit.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from posenc_ref import rope_scaling as rs
from posenc_ref.precision import ulp
from posenc_ref.rope import rope_pairs
from posenc_ref.symbolic import THEOREMS, is_zero
from posenc_ref.symbolic import rope_scaling as sym

GOLDEN = Path(__file__).resolve().parent / "golden" / "rope_scaling"
F32 = np.float32
PREC = 200

LLAMA31 = rs.RopeScaling(
    "llama3", 8.0, original_max_positions=8192, low_freq_factor=1.0, high_freq_factor=4.0
)
QWEN_YARN = rs.RopeScaling("yarn", 4.0, original_max_positions=32768)

# (d_head, base, scaling, seq_len): every method, several widths, bases and parameters.
CONFIGS = [
    (8, 10000.0, rs.RopeScaling("linear", 3.0), None),
    (128, 10000.0, rs.RopeScaling("linear", 4.0), None),
    (128, 10000.0, rs.RopeScaling("dynamic", 2.0, original_max_positions=4096), 16384),
    (6, 500000.0, rs.RopeScaling("dynamic", 8.0, original_max_positions=100), 250),
    (128, 1000000.0, QWEN_YARN, None),
    (64, 10000.0, rs.RopeScaling("yarn", 16.0, original_max_positions=4096, truncate=False), None),
    (32, 10000.0, rs.RopeScaling("yarn", 2.5, original_max_positions=2048, beta_fast=16.0), None),
    (128, 500000.0, LLAMA31, None),
    (
        64,
        10000.0,
        rs.RopeScaling(
            "llama3", 4.0, original_max_positions=2048, low_freq_factor=2.0, high_freq_factor=8.0
        ),
        None,
    ),
]


def sym_kwargs(scaling: rs.RopeScaling, seq_len) -> dict:
    """The same parameters for the SymPy side (which never sees a RopeScaling)."""
    kw = {"factor": scaling.factor}
    if scaling.kind != "linear":
        kw["original_max_positions"] = scaling.original_max_positions
    if scaling.kind == "dynamic":
        kw["seq_len"] = seq_len
    if scaling.kind == "llama3":
        kw.update(
            low_freq_factor=scaling.low_freq_factor, high_freq_factor=scaling.high_freq_factor
        )
    if scaling.kind == "yarn":
        kw.update(
            beta_fast=scaling.beta_fast, beta_slow=scaling.beta_slow, truncate=scaling.truncate
        )
    return kw


@functools.cache
def sym_truth(d, base, scaling, seq_len) -> list:
    """The SymPy formulas evaluated with mpmath at PREC bits (once per configuration and run:
    the property tests draw many positions for the same few configurations)."""
    exprs = sym.scaled_omegas(scaling.kind, d, base=base, **sym_kwargs(scaling, seq_len))
    digits = int(PREC * 0.30103) + 5
    with mpmath.workprec(PREC):
        return [mpmath.mpf(str(sp.N(e, digits))) for e in exprs]


# --------------------------------------------------------------------------- SymPy proofs


def test_scaling_ids_are_registered_from_their_module():
    ids = tuple(
        tid for tid, f in THEOREMS.items() if f.__module__ == "posenc_ref.symbolic.rope_scaling"
    )
    assert ids == sym.SCALING_THEOREM_IDS
    assert sym.SCALING_KINDS == rs.SCALING_KINDS


@pytest.mark.parametrize("theorem_id", sym.SCALING_THEOREM_IDS)
def test_every_scaling_theorem_verifies(theorem_id):
    proof = THEOREMS[theorem_id]()
    assert proof.id == theorem_id
    assert proof.failures() == ()
    assert proof.verify() is True


def test_wrong_statements_do_not_verify():
    """The checker is not a rubber stamp: slightly wrong versions of S1-S5 stay non-zero."""
    p, s, w = (
        sp.Symbol("p", real=True),
        sp.Symbol("s", positive=True),
        sp.Symbol("w", positive=True),
    )
    # S1 with positions multiplied instead of divided.
    assert not is_zero(sp.sin(p * w / s) - sp.sin(p * s * w))
    # S2 with the exponent d/(d-1) instead of d/(d-2): the slowest pair is not divided by κ.
    d, k = sp.Symbol("d", positive=True), sp.Symbol("kappa", positive=True)
    assert not is_zero(-(d - 2) / d * d / (d - 1) * sp.log(k) + sp.log(k))
    # S4 with 2π·β replaced by β.
    b, length, beta = sp.symbols("B L_0 beta", positive=True)
    c = d * sp.log(length / beta) / (2 * sp.log(b))
    assert not is_zero(sp.simplify(length * sp.exp(-2 * c / d * sp.log(b)) / (2 * sp.pi)) - beta)
    # S5 with the blend's two weights swapped: continuous at neither edge.
    lam, lo, hi = sp.symbols("lambda l h", positive=True)
    t = (length / lam - lo) / (hi - lo)
    swapped = t * (2 * sp.pi / lam) / s + (1 - t) * 2 * sp.pi / lam
    assert not is_zero((swapped - 2 * sp.pi / lam).subs(lam, length / hi))


# --------------------------------------------------------------------------- cross-validation


@pytest.mark.parametrize(("d", "base", "scaling", "seq_len"), CONFIGS)
def test_frequencies_are_the_sympy_formulas_correctly_rounded(d, base, scaling, seq_len):
    """NumPy (mpmath inside) and SymPy write the formulas independently; they agree exactly."""
    exact = sym_truth(d, base, scaling, seq_len)
    ours = rs.scaled_frequencies(d, scaling, base=base, seq_len=seq_len)
    assert ours.dtype == np.float64
    assert ours.shape == (d // 2,)
    assert ours.tolist() == [float(x) for x in exact]  # float(mpf) rounds to nearest


@pytest.mark.parametrize(("d", "base", "scaling", "seq_len"), CONFIGS[::2])
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_narrow_pairs_are_correctly_rounded(d, base, scaling, seq_len, dtype):
    positions = np.array([0, 1, 2, 3, 7, 100, 4095, 65537, 2**24 + 3, 2**26 - 1])
    cos, sin = rs.scaled_rope_pairs(positions, d, scaling, base=base, seq_len=seq_len, dtype=dtype)
    assert cos.dtype == dtype
    assert cos.shape == (positions.size, d // 2)
    exact = sym_truth(d, base, scaling, seq_len)
    with mpmath.workprec(PREC):
        for r, pos in enumerate(positions.tolist()):
            for k, w in enumerate(exact):
                for got, f in ((cos, mpmath.cos), (sin, mpmath.sin)):
                    v = f(pos * w)
                    y = float(got[r, k])
                    half_ulp = float(ulp(y, dtype)[()]) / 2
                    err = abs(mpmath.mpf(y) - v)
                    # <= half an ulp (ties are impossible for these transcendental values).
                    assert err <= half_ulp * (1 + 1e-12), (pos, k, y, float(v))


@settings(max_examples=25, deadline=None)
@given(
    k=st.integers(0, len(CONFIGS) - 1),
    pos=st.lists(st.integers(-(2**26) + 1, 2**26 - 1), min_size=1, max_size=4),
)
def test_float64_pairs_are_faithful(k, pos):
    d, base, scaling, seq_len = CONFIGS[k]
    cos, sin = rs.scaled_rope_pairs(pos, d, scaling, base=base, seq_len=seq_len)
    exact = sym_truth(d, base, scaling, seq_len)
    with mpmath.workprec(PREC):
        for r, p in enumerate(pos):
            for j, w in enumerate(exact):
                for got, f in ((cos, mpmath.cos), (sin, mpmath.sin)):
                    v = f(p * w)
                    assert abs(mpmath.mpf(float(got[r, j])) - v) < float(ulp(float(v))[()])


# --------------------------------------------------------------------------- theorems, NumPy side


@pytest.mark.parametrize("factor", [2.0, 4.0, 8.0])
def test_thm_pi_interpolation(factor):
    """Linear scaling by s at position s·p is plain RoPE at p: both tables are faithful to the
    same exact values (the scaled double-double frequency is the plain one divided by s), so
    they agree within one ulp each, and a float32 table, correctly rounded, bit for bit."""
    p = np.array([0, 1, 5, 1000, 4095])
    for s in (factor, 3.0):
        scaling = rs.RopeScaling("linear", s)
        scaled = rs.scaled_rope_pairs(p * int(s), 64, scaling)
        plain = rope_pairs(p, 64)
        for a, b in zip(scaled, plain, strict=True):
            assert np.all(np.abs(a - b) <= 2 * ulp(np.abs(b)))
        narrow = rs.scaled_rope_pairs(p * int(s), 64, scaling, dtype=np.float32)
        for a, b in zip(narrow, rope_pairs(p, 64, dtype=np.float32), strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("d", "factor", "seq"), [(4, 2.0, 8192), (64, 2.0, 16384), (128, 8.0, 5000)]
)
def test_thm_ntk_endpoints_and_dynamic_ntk(d, factor, seq):
    scaling = rs.RopeScaling("dynamic", factor, original_max_positions=4096)
    plain = rs.scaled_frequencies(d, None)
    # thm-dynamic-ntk: nothing changes up to L0.
    for short in (None, 1, 4096):
        np.testing.assert_array_equal(rs.scaled_frequencies(d, scaling, seq_len=short), plain)
    w = rs.scaled_frequencies(d, scaling, seq_len=seq)
    kappa = factor * seq / 4096 - (factor - 1)
    assert kappa >= seq / 4096
    # thm-ntk-endpoints: ω'_0 = ω_0 exactly; ω'_(d/2-1) = ω_(d/2-1)/κ; geometric in between.
    assert w[0] == 1.0
    k = np.arange(d // 2)
    expected = plain * kappa ** (-2 * k / (d - 2))
    np.testing.assert_allclose(w, expected, rtol=8 * 2.0**-53)
    assert abs(w[-1] * kappa / plain[-1] - 1) < 4 * 2.0**-53


@pytest.mark.parametrize(
    ("d", "base", "scaling", "seq_len"), [c for c in CONFIGS if c[2].kind == "yarn"]
)
def test_thm_yarn_correction_range(d, base, scaling, seq_len):
    """S4 on the NumPy side: a pair is kept exactly when it turns at least β_fast times over L0,
    and divided by s exactly when it turns at most β_slow times (with or without truncation:
    for an integer k, k <= floor(c) iff k <= c)."""
    w = rs.scaled_frequencies(d, scaling, base=base)
    plain = rs.scaled_frequencies(d, None, base=base)
    turns = scaling.original_max_positions * plain / (2 * math.pi)
    # ω/s is correctly rounded in w, plain/s rounds twice: equal within an ulp.
    kept, divided = w == plain, np.abs(w - plain / scaling.factor) <= 2.0**-52 * w
    assert kept.any()
    assert divided.any()
    np.testing.assert_array_equal(kept, turns >= scaling.beta_fast)
    np.testing.assert_array_equal(divided, turns <= scaling.beta_slow)
    # In between, the ratio falls monotonically from 1 to 1/s.
    ratio = w / plain
    assert np.all(np.diff(ratio) <= 1e-15)
    assert ratio.max() <= 1
    assert ratio.min() >= 1 / scaling.factor - 1e-15


@pytest.mark.parametrize("scaling", [c[2] for c in CONFIGS if c[2].kind == "llama3"])
def test_thm_llama3_continuous(scaling):
    d, base = 128, 500000.0
    w = rs.scaled_frequencies(d, scaling, base=base)
    plain = rs.scaled_frequencies(d, None, base=base)
    wavelength = 2 * np.pi / plain
    length = scaling.original_max_positions
    kept = wavelength < length / scaling.high_freq_factor
    divided = wavelength > length / scaling.low_freq_factor
    np.testing.assert_array_equal(w[kept], plain[kept])
    np.testing.assert_array_equal(w[divided], plain[divided] / scaling.factor)
    ratio = w / plain
    assert np.all(np.diff(ratio) <= 0)  # no jump upwards anywhere
    # Continuity: the blend, as a function of wavelength, meets both neighbours' values.
    t = (length / wavelength - scaling.low_freq_factor) / (
        scaling.high_freq_factor - scaling.low_freq_factor
    )
    blend = (1 - t) / scaling.factor + t
    middle = ~kept & ~divided
    np.testing.assert_allclose(ratio[middle], blend[middle], rtol=1e-14)
    assert np.all((t[middle] >= 0) & (t[middle] <= 1))


def test_llama31_zones():
    """The numbers quoted on the page: 29 pairs kept, 29 divided by 8, 6 blended."""
    w = rs.scaled_frequencies(128, LLAMA31, base=500000.0)
    ratio = w / rs.scaled_frequencies(128, None, base=500000.0)
    assert (int(np.sum(ratio == 1)), int(np.sum(ratio == 1 / 8))) == (29, 29)
    assert np.flatnonzero((ratio < 1) & (ratio > 1 / 8)).tolist() == [29, 30, 31, 32, 33, 34]


def test_attention_factor():
    assert rs.attention_factor(None) == 1.0
    assert rs.attention_factor(LLAMA31) == 1.0
    assert rs.attention_factor(QWEN_YARN) == 0.1 * math.log(4.0) + 1
    assert rs.attention_factor(rs.RopeScaling("yarn", 1.0, original_max_positions=10)) == 1.0
    explicit = rs.RopeScaling("yarn", 4.0, original_max_positions=10, attention_factor=1.5)
    assert rs.attention_factor(explicit) == 1.5


def test_no_scaling_is_plain_rope():
    cos, sin = rs.scaled_rope_pairs(range(-3, 50), 16, None, base=500000.0, dtype=np.float32)
    ref = rope_pairs(range(-3, 50), 16, base=500000.0, dtype=np.float32)
    np.testing.assert_array_equal(cos, ref[0])
    np.testing.assert_array_equal(sin, ref[1])


# --------------------------------------------------------------------------- golden tables


def load(path: Path) -> dict:
    with np.load(path) as z:
        return {key: z[key] for key in z.files}


GOLDENS = sorted(GOLDEN.glob("*.npz"))


def test_manifest_names_every_table():
    manifest = json.loads((GOLDEN / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["versions"]["transformers"] == "5.24.0"
    assert {p.name for p in GOLDENS} == set(manifest["tables"])
    kinds = {str(load(p)["rope_type"]) for p in GOLDENS}
    assert kinds == set(rs.SCALING_KINDS)


def golden_scaling(g: dict) -> tuple[rs.RopeScaling, int | None]:
    scaling = rs.RopeScaling.from_hf(
        json.loads(str(g["params"])), int(g["max_position_embeddings"])
    )
    seq = int(g["seq_len"])
    return scaling, (None if seq < 0 else seq)


# Measured maxima (float32 ulps of our frequency) of Hugging Face's float32 evaluation, per
# method, with headroom: default/linear 1.01, dynamic 1.17, llama3 blend 3.5, yarn blend 5.95.
HF_ULPS = {"linear": 1.5, "dynamic": 2.0, "llama3": 6.0, "yarn": 8.0}


@pytest.mark.parametrize("path", GOLDENS, ids=lambda p: p.stem)
def test_hf_frequencies(path):
    g = load(path)
    scaling, seq = golden_scaling(g)
    d, base = int(g["d_head"]), float(g["base"])
    ours = rs.scaled_frequencies(d, scaling, base=base, seq_len=seq)
    hf = g["inv_freq"].astype(np.float64)
    err = np.abs(hf - ours) / ulp(ours, F32)
    assert err.max() <= HF_ULPS[scaling.kind]
    assert float(g["attention_factor"]) == rs.attention_factor(scaling)
    # Where Hugging Face's arithmetic is exact (keep, or divide by a power-of-two factor), its
    # value is its own default frequency, bit for bit, and our zones are the same pairs.
    plain = rs.scaled_frequencies(d, None, base=base)
    if scaling.kind in ("llama3", "yarn", "linear") and math.log2(scaling.factor).is_integer():
        default = g["default_inv_freq"]
        kept, divided = ours == plain, ours == plain / scaling.factor
        np.testing.assert_array_equal(g["inv_freq"][kept], default[kept])
        np.testing.assert_array_equal(
            g["inv_freq"][divided], default[divided] / F32(scaling.factor)
        )
        assert kept.sum() + divided.sum() >= d // 4


@pytest.mark.parametrize("path", [p for p in GOLDENS if "cos" in load(p)], ids=lambda p: p.stem)
def test_hf_scaled_cache(path):
    """Hugging Face's cache is attention_factor·cos(fl32(p·inv_freq)) in float32: within the
    bound of its float32 angle of the exact value, and scaled by the attention factor."""
    g = load(path)
    scaling, seq = golden_scaling(g)
    d, base, pos = int(g["d_head"]), float(g["base"]), g["positions"]
    assert (pos.size, int(pos.max())) == (12, 131071)  # as the page says
    m = rs.attention_factor(scaling)
    cos, sin = rs.scaled_rope_pairs(pos, d, scaling, base=base, seq_len=seq)
    w = rs.scaled_frequencies(d, scaling, base=base, seq_len=seq)
    angle = (pos[:, None].astype(F32) * g["inv_freq"]).astype(np.float64)
    dw = np.abs(g["inv_freq"].astype(np.float64) - w)
    for key, ours in (("cos", cos), ("sin", sin)):
        lib = g[key].astype(np.float64)
        np.testing.assert_array_equal(lib[:, : d // 2], lib[:, d // 2 :])  # half layout
        bound = m * (pos[:, None] * dw + 0.5 * ulp(angle, F32) + ulp(ours, F32)) + ulp(
            m * np.abs(ours), F32
        )
        assert np.all(np.abs(lib[:, : d // 2] - m * ours) <= bound)
    # Far out, the float32 angle makes the library cache wrong by far more than an ulp.
    assert np.abs(g["cos"][-1, : d // 2] - m * cos[-1]).max() > 100 * ulp(1.0, F32)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        (("cubic", 2.0), {}, ValueError, "kind must be one of"),
        (("linear", 0.5), {}, ValueError, "factor must be >= 1"),
        (("linear", float("nan")), {}, ValueError, "factor must be a finite real number; got nan"),
        (("linear", "2"), {}, TypeError, "factor must be a finite real number"),
        (("linear", True), {}, TypeError, "factor must be a finite real number"),
        (("yarn", 2.0), {}, TypeError, "original_max_positions must be a positive integer"),
        (
            ("llama3", 2.0),
            {"original_max_positions": 0},
            ValueError,
            "original_max_positions must be a positive integer",
        ),
        (("linear", 2.0), {"original_max_positions": 10}, ValueError, "not used by 'linear'"),
        (("linear", 2.0), {"beta_fast": 8.0}, ValueError, "beta_fast is used only by 'yarn'"),
        (
            ("dynamic", 2.0),
            {"original_max_positions": 9, "low_freq_factor": 2.0},
            ValueError,
            "low_freq_factor is used only by 'llama3'",
        ),
        (
            ("llama3", 8.0),
            {"original_max_positions": 8, "low_freq_factor": 4.0, "high_freq_factor": 4.0},
            ValueError,
            "0 < low_freq_factor < high_freq_factor",
        ),
        (
            ("yarn", 2.0),
            {"original_max_positions": 8, "beta_fast": 1.0, "beta_slow": 2.0},
            ValueError,
            "0 < beta_slow < beta_fast",
        ),
        (
            ("yarn", 2.0),
            {"original_max_positions": 8, "attention_factor": -1.0},
            ValueError,
            "attention_factor must be > 0",
        ),
        (
            ("yarn", 2.0),
            {"original_max_positions": 8, "truncate": "false"},
            TypeError,
            "truncate must be True or False",
        ),
    ],
)
def test_bad_scaling(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        rs.RopeScaling(*args, **kwargs)


def test_bad_calls():
    lin = rs.RopeScaling("linear", 2.0)
    dyn = rs.RopeScaling("dynamic", 2.0, original_max_positions=16)
    with pytest.raises(ValueError, match="seq_len is used only by 'dynamic'"):
        rs.scaled_frequencies(8, lin, seq_len=100)
    with pytest.raises(ValueError, match="seq_len must be an integer >= 1"):
        rs.scaled_frequencies(8, dyn, seq_len=0)
    with pytest.raises(TypeError, match="seq_len must be an integer >= 1"):
        rs.scaled_frequencies(8, dyn, seq_len=1.5)
    with pytest.raises(TypeError, match="scaling must be a RopeScaling or None"):
        rs.scaled_frequencies(8, {"rope_type": "linear", "factor": 2.0})
    with pytest.raises(ValueError, match="d_head must be >= 4 for 'dynamic'"):
        rs.scaled_frequencies(2, dyn)
    with pytest.raises(ValueError, match="d_head must be even"):
        rs.scaled_rope_pairs(3, 5, lin)
    with pytest.raises(ValueError, match="2\\*\\*26"):
        rs.scaled_rope_pairs([2**26], 8, lin)
    with pytest.raises(TypeError, match="dtype must be one of"):
        rs.scaled_rope_pairs(3, 8, lin, dtype=np.int32)
    with pytest.raises(ValueError, match="base must be a finite real number > 0"):
        rs.scaled_frequencies(8, lin, base=-1.0)


def test_from_hf():
    assert rs.RopeScaling.from_hf({"type": "linear", "factor": 2}) == rs.RopeScaling("linear", 2.0)
    dyn = rs.RopeScaling.from_hf({"rope_type": "dynamic", "factor": 2.0}, 4096)
    assert dyn.original_max_positions == 4096
    yarn = rs.RopeScaling.from_hf(
        {
            "rope_type": "yarn",
            "factor": 4.0,
            "original_max_position_embeddings": 32768,
            "attention_factor": 1.2,
            "rope_theta": 1e6,
        }
    )
    assert yarn == rs.RopeScaling("yarn", 4.0, original_max_positions=32768, attention_factor=1.2)
    # Hugging Face's yarn: a lone 'mscale' changes nothing; with 'mscale_all_dim' the factor is
    # get_mscale(s, mscale) / get_mscale(s, mscale_all_dim); null betas take the defaults; a
    # missing L0 falls back to max_position_embeddings; a missing factor is the length ratio.
    base = {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 4096}
    lone = rs.RopeScaling.from_hf({**base, "mscale": 0.707})
    assert rs.attention_factor(lone) == 0.1 * math.log(4.0) + 1
    both = rs.RopeScaling.from_hf({**base, "mscale": 0.707, "mscale_all_dim": 1.0})
    expected = (0.1 * 0.707 * math.log(4.0) + 1) / (0.1 * math.log(4.0) + 1)
    assert rs.attention_factor(both) == pytest.approx(expected, rel=1e-15)
    nulls = rs.RopeScaling.from_hf({**base, "beta_fast": None, "beta_slow": None})
    assert (nulls.beta_fast, nulls.beta_slow) == (32.0, 1.0)
    fallback = rs.RopeScaling.from_hf({"rope_type": "llama3", "factor": 8.0}, 8192)
    assert fallback.original_max_positions == 8192
    deepseek = rs.RopeScaling.from_hf(
        {"rope_type": "yarn", "factor": None, "original_max_position_embeddings": 4096}, 163840
    )
    assert deepseek.factor == 40.0
    with pytest.raises(ValueError, match="'mscale' keys are used only by 'yarn'"):
        rs.RopeScaling.from_hf({"rope_type": "linear", "factor": 2.0, "mscale": 1.0})
    with pytest.raises(ValueError, match="'factor' is required"):
        rs.RopeScaling.from_hf({"rope_type": "linear"})
    with pytest.raises(ValueError, match="'default' is plain RoPE: use scaling=None"):
        rs.RopeScaling.from_hf({"rope_type": "default", "rope_theta": 1e4})
    with pytest.raises(ValueError, match="rope_type 'longrope' is not supported"):
        rs.RopeScaling.from_hf({"rope_type": "longrope", "factor": 2.0})
    with pytest.raises(ValueError, match="no 'rope_type'"):
        rs.RopeScaling.from_hf({"factor": 2.0})
    with pytest.raises(TypeError, match="rope_parameters must be a dict"):
        rs.RopeScaling.from_hf([("rope_type", "linear")])
    with pytest.raises(ValueError, match="pass max_position_embeddings"):
        rs.RopeScaling.from_hf({"rope_type": "dynamic", "factor": 2.0})
    # Hugging Face reads L0 of 'dynamic' from max_position_embeddings, and linear has none.
    dyn = rs.RopeScaling.from_hf(
        {"rope_type": "dynamic", "factor": 2.0, "original_max_position_embeddings": 10}, 4096
    )
    assert dyn.original_max_positions == 4096
    lin = rs.RopeScaling.from_hf(
        {"type": "linear", "factor": 2.0, "original_max_position_embeddings": 10}
    )
    assert lin == rs.RopeScaling("linear", 2.0)


# --------------------------------------------------------------------------- identify


def test_known_scalings_are_the_golden_configurations():
    """KNOWN_SCALINGS holds exactly the settings of the Llama 3.1 and Qwen2.5 goldens."""
    for key, name in (
        ("llama-3.1", "llama3_f8_base500000_d128"),
        ("qwen2.5-yarn", "yarn_f4_base1e6_d128"),
    ):
        g = load(GOLDEN / f"{name}.npz")
        scaling, _ = golden_scaling(g)
        assert rs.KNOWN_SCALINGS[key] == (scaling, float(g["base"]))
