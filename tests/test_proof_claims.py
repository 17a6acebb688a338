"""Each SymPy proof states the claims it is cited for, and none of them is a tautology.

Two checks per registered theorem, at its default parameters (the proofs the site cites):

- **The claims are pinned.** The residual names, in order, are spelled out below from the
  theorem's parameters; a claim that disappears, is renamed or is added fails the test.
- **No claim is empty.** SymPy simplifies while it builds: ``dot - dot`` is the literal 0 before
  the checker ever runs, so a residual weakened to a tautology still "verifies". A residual that
  is already the literal zero (or a zero matrix) when built is therefore allowed only where the
  identity holds by construction, for the reason given in ``BUILT_AS_ZERO`` (for instance
  ``cos(−x)`` is stored as ``cos(x)``, so ``R(k)ᵀ − R(−k)`` is built as zeros). Every other
  residual must leave the checker something to prove.

A mutant that replaces one of the ``BUILT_AS_ZERO`` claims by zeros is equivalent to the
original as far as any residual can tell: SymPy had already proved that identity while
building it. The pages state those identities too, and the numeric tests check them.
"""

from __future__ import annotations

import re

import pytest
import sympy as sp

from posenc_ref import symbolic

DIMS = (2, 4, 6, 8)
SIN_LAYOUTS = ("interleaved", "sin|cos", "cos|sin")
ROPE_LAYOUTS = ("interleaved", "half")


def per_width(claims: tuple[str, ...], dims=DIMS, layouts=SIN_LAYOUTS) -> list[str]:
    return [f"d={d} {layout}: {c}" for d in dims for layout in layouts for c in claims]


def sin_only(func: str) -> list[str]:
    p_kill, p_fix, obstruction, leftover = {
        "sin": ("0", "pi/(2*omega)", "sin(k*omega)", "sin(k*omega)*cos(omega*p)"),
        "cos": ("pi/(2*omega)", "0", "-sin(k*omega)", "-sin(k*omega)*sin(omega*p)"),
    }[func]
    scalar = [
        f"{func}-only: at p={p_kill} the identity reads {obstruction} = 0",
        f"{func}-only: at p={p_fix} the only c is cos(kω)",
        f"{func}-only: the two equations have no solution c for generic kω",
        f"{func}-only: with c = cos(kω) the defect is {leftover}",
        f"{func}-only: if kω = nπ then c = cos(nπ) works for all p",
        f"{func}-only: if kω = nπ then c = ±1",
    ]
    vector = [
        f"{func}-only vector, {m} frequencies: {c}"
        for m in (1, 2, 3)
        for c in (
            "defect lies in span{sin(ω_l p), cos(ω_l p)}",
            "basis is independent (Wronskian ≠ 0)",
            "equations free of M are exactly sin(ω_j k) = 0",
            "no M for generic k",
            "if all sin(ω_j k) = 0, M = diag(cos ω_j k) only",
        )
    ]
    return scalar + vector


EXPECTED_CLAIMS: dict[str, list[str]] = {
    "thm-shift": [
        "pair (any ω): (sin, cos)(p+k) − B(kω)·(sin, cos)(p)",
        "pair: B(kω) is a rotation by −kω of (sin, cos)",
        "pair: in (cos, sin) order B is a CCW rotation by +kω",
        "pair: cos|sin block is the standard rotation by +kω",
        "pair: B(kω) does not depend on p",
        "any d, every pair i: (sin, cos)(ω_i(p+k)) − B(kω_i)·(sin, cos)(ω_i p)",
        *per_width(
            (
                "PE(p+k) − R(k)·PE(p)",
                "R(k) does not depend on p",
                "R(k) − P·diag(B(kω_i))·Pᵀ",
                "PE_layout − P·PE_interleaved",
            )
        ),
    ],
    "thm-group": [
        f"{tag}: {c}"
        for tag in ["pair (any ω)", *[f"d={d} {lay}" for d in DIMS for lay in SIN_LAYOUTS]]
        for c in (
            "R(a)R(b) − R(a+b)",
            "R(0) − I",
            "R(k)ᵀ − R(−k)",
            "R(k)·R(−k) − I",
            "det R(k) − 1",
        )
    ],
    "thm-dot": [
        "pair (any ω): sin(ωp)sin(ωq) + cos(ωp)cos(ωq) − cos(ω(p−q))",
        "any d = 2M: Σ_i [sin sin + cos cos] − Σ_i cos(ω_i (p−q))",
        "any d = 2M: f(Δ) − f(−Δ)",
        *[
            claim
            for d in DIMS
            for claim in [
                f"d={d}: f(Δ) − f(−Δ)",
                *per_width(("PE(p)·PE(q) − f(p−q)", "∂/∂p PE(p)·PE(p−Δ)"), dims=(d,)),
            ]
        ],
    ],
    "thm-norm": [
        "pair (any ω): sin²(ωp) + cos²(ωp) − 1",
        "any d = 2M: Σ_i [sin²(ω_i p) + cos²(ω_i p)] − d/2",
        *per_width(("|PE(p)|² − d/2",)),
    ],
    "thm-isometry": [
        *[
            f"N={n}: {c}"
            for n in (2, 3)
            for c in (
                "Gram(PE(1…N)) − Gram(PE(0…N−1))",
                "⟨Σa_p PE(p+1), Σb_q PE(q+1)⟩ − ⟨Σa_p PE(p), Σb_q PE(q)⟩",
            )
        ],
        "BᵀB = I, det B = 1: B − B(t) (a rotation)",
        "BᵀB = I, det B = −1: B − [[cos t, sin t], [sin t, −cos t]]",
        "det B = −1: characteristic polynomial − (λ² − 1), eigenvalues ±1",
        "orbit: B(θ)·c(p) − c(p+1), c(p) = r(cos(θp + φ), sin(θp + φ))",
        "orbit: |c(p)|² − r² (a circle)",
        "eigenvalue −1: (−1)^p (−1)^q − (−1)^(p−q)",
        "any r_j, φ_j, θ_j, any rotation Q: (Qu(p))·(Qu(q)) − Σ r_j² cos(θ_j(p−q))",
        "ellipse (sin p, sin p + cos p): E(p+k) − C·B(k)ᵀ·C⁻¹·E(p)",
        "ellipse: E(p)·E(q) is not a function of p − q",
        "decay ρ^p: ρ^(p+1) − ρ·ρ^p (a linear shift)",
        "decay ρ^p: ρ^p·ρ^q at (1, 1) is below its value at (0, 0)",
        "xPos: ⟨ζ^m B(mω)q, ζ^(−n) B(nω)k⟩ − ζ^(m−n)⟨q, B((n−m)ω)k⟩",
    ],
    "thm-sin-only": sin_only("sin") + sin_only("cos"),
    "thm-wavelengths": [
        "λ_i − 2π·base^(2i/d)",
        "λ_{i+1}/λ_i − base^(2/d)",
        "λ_0 − 2π",
        "λ_{d/2−1} − 2π·base^((d−2)/d)",
        "tensor2tensor: λ_0 − 2π",
        "tensor2tensor: λ_{d/2−1} − 2π·base",
        "max_paper/max_t2t − base^(−2/d)",
        "base > 1 ⇒ base^(−2/d) < 1, i.e. max_paper < max_t2t",
        *[
            claim
            for d in (4, 8, 512)
            for claim in [
                f"d={d}, base=10000: max λ − 2π·10000^((d−2)/d)",
                f"d={d}, base=10000: max λ < 2π·10000",
                *(
                    [f"d={d}: λ_{j}/λ_{j - 1} − 10000^(2/d)" for j in range(1, d // 2)]
                    if d <= 16
                    else []
                ),
            ]
        ],
    ],
    "thm-rope-relative": [
        "plane (any ω): ⟨B(mω)q, B(nω)k⟩ − ⟨q, B((n−m)ω)k⟩",
        "plane: B(mω)ᵀB(nω) − B((n−m)ω)",
        "any d = 2M: Σ_i [⟨B(mω_i)q_i, B(nω_i)k_i⟩ − ⟨q_i, B((n−m)ω_i)k_i⟩]",
        *per_width(("⟨R_m q, R_n k⟩ − ⟨q, R_(n−m) k⟩", "R_mᵀR_n − R_(n−m)"), layouts=ROPE_LAYOUTS),
    ],
    "thm-rope-norm": [
        "plane (any ω): |B(pω)x|² − |x|²",
        *per_width(("|R_p x|² − |x|²", "R_pᵀR_p − I", "det R_p − 1"), layouts=ROPE_LAYOUTS),
    ],
    "thm-rope-layouts": [
        f"d={d}: {c}"
        for d in (4, 6, 8)
        for c in (
            "PᵀP − I",
            "R^half_p − P·R^interleaved_p·Pᵀ",
            "⟨R^h_m Pq, R^h_n Pk⟩ − ⟨R^i_m q, R^i_n k⟩",
            "R^half_p ≠ R^interleaved_p (the layout alone is not a no-op)",
        )
    ],
    "thm-rope-orientation": [
        "complex (a+ib)e^{iθ} − B(θ)(a, b)",
        "GPT-J rotate_every_two form − R^interleaved_p x",
        "HF rotate_half form − R^half_p x",
        "B(θ) turns (1, 0) to (cos θ, sin θ)",
        "blog matrix − B(−θ) (clockwise)",
        "blog matrix − B(θ)ᵀ",
        "with the blog matrix: score − ⟨q, R_(m−n) k⟩",
        "the blog score is not the RoPE score",
        "sinusoidal (sin, cos) shift block at θ − B(−θ)",
        "R^interleaved_p − (sinusoidal R(−p), interleaved)",
        "R^half_p − (sinusoidal R(−p), sin|cos)",
    ],
    "thm-rope-clockwise": [
        *per_width(
            (
                "S² − I",
                "R^cw_p − R_pᵀ",
                "S·R_p·S − R^cw_p",
                "⟨R^cw_m q, R^cw_n k⟩ − ⟨R_m Sq, R_n Sk⟩",
                "⟨R^cw_m q, R^cw_n k⟩ − ⟨q, R_(m−n) k⟩",
                "the same weights in the other convention change the scores",
            ),
            layouts=ROPE_LAYOUTS,
        ),
        "nanochat apply_rotary_emb (half) − R^cw,half_p x",
        "nanochat apply_rotary_emb (half) − R^half_(−p) x",
    ],
    "thm-rope-decay-bound": [
        *[f"N={n}: Σ h_i z_i − Σ_j S_j (h_(j−1) − h_j)" for n in (2, 3, 4, 6)],
        "plane: ⟨q, B(Δω)k⟩ − Re(conj(u)·v·e^{iΔω})",
        "|S_1| = |e^{iΔω_0}| = 1",
        "d=128: mean score rises from Δ=11 to Δ=12",
        "d=128: mean score at Δ=1707 is negative",
    ],
    "thm-pi-interpolation": [
        "plane: B(p·ω/s) − B((p/s)·ω)",
        "d=4: R'_p − R_(p/s)",
        "d=4: <R'_m q, R'_n k> − <q, R_((n−m)/s) k>",
    ],
    "thm-ntk-endpoints": [
        "ln B' − [ln B + d/(d−2)·ln κ]",
        "ln ω'_0 − ln ω_0",
        "ln ω'_k − ln ω_k + 2k/(d−2)·ln κ",
        "ln ω'_(M−1) − ln ω_(M−1) + ln κ",
    ],
    "thm-dynamic-ntk": [
        "κ(L0) − 1",
        "κ(L) − [L/L0 + (s − 1)(L/L0 − 1)]",
        "dκ/dL − s/L0",
        "L/κ ≤ L0 for s ≥ 1, L ≥ L0",
    ],
    "thm-yarn-correction-range": ["L0·ω_c/(2π) − β", "dc/dβ + d/(2β ln B)"],
    "thm-llama3-continuous": [
        "ω'(L0/h) − ω",
        "ω'(L0/l) − ω/s",
        "t(L0/h) − 1",
        "t(L0/l)",
        "dt/dλ + L0/(λ²(h − l))",
    ],
    # The readers' ladder (lineage and RoPE derivation); pinned from the proofs as merged.
    "thm-t5-buckets": [
        "encoder: 16 buckets per direction",
        "encoder: bucket 9 starts at 12",
        "encoder: bucket 10 starts at 16",
        "encoder: bucket 11 starts at 23",
        "encoder: bucket 12 starts at 32",
        "encoder: bucket 13 starts at 46",
        "encoder: bucket 14 starts at 64",
        "encoder: bucket 15 starts at 91",
        "encoder: the last bucket starts below max_distance = 128",
        "decoder: 32 buckets per direction",
        "decoder: bucket 17 starts at 19",
        "decoder: bucket 18 starts at 21",
        "decoder: bucket 19 starts at 24",
        "decoder: bucket 20 starts at 27",
        "decoder: bucket 21 starts at 31",
        "decoder: bucket 22 starts at 35",
        "decoder: bucket 23 starts at 40",
        "decoder: bucket 24 starts at 46",
        "decoder: bucket 25 starts at 52",
        "decoder: bucket 26 starts at 59",
        "decoder: bucket 27 starts at 67",
        "decoder: bucket 28 starts at 77",
        "decoder: bucket 29 starts at 87",
        "decoder: bucket 30 starts at 99",
        "decoder: bucket 31 starts at 113",
        "decoder: the last bucket starts below max_distance = 128",
        "encoder: last bucket starts at 91",
        "decoder: last bucket starts at 113",
    ],
    "thm-alibi-relative": [
        "bias(p + s, q + s) − bias(p, q)",
        "bias(p, q) − bias(p − q, 0) (a function of the offset p − q)",
        "row p, key 0: softmax with −m(p − q) − softmax with m·q",
        "row p, key 1: softmax with −m(p − q) − softmax with m·q",
        "row p, key 2: softmax with −m(p − q) − softmax with m·q",
        "row p, key 3: softmax with −m(p − q) − softmax with m·q",
        "equal content scores: w(Δ₁)/w(Δ₂) − e^(−m(Δ₁ − Δ₂))",
        "n=2: reference slopes − 2^(−8(h+1)/n)",
        "n=2: last slope − 2^−8",
        "n=4: reference slopes − 2^(−8(h+1)/n)",
        "n=4: last slope − 2^−8",
        "n=8: reference slopes − 2^(−8(h+1)/n)",
        "n=8: last slope − 2^−8",
        "n=16: reference slopes − 2^(−8(h+1)/n)",
        "n=16: last slope − 2^−8",
        "n=32: reference slopes − 2^(−8(h+1)/n)",
        "n=32: last slope − 2^−8",
    ],
    "thm-xpos-excluded": [
        "score ⟨Q(p)x, K(q)y⟩ − ζ^((p−q)/β)⟨x, B((q−p)θ)y⟩",
        "decay: d/dΔ ζ^(Δ/β) < 0 for 0 < ζ < 1",
        "shift-linear: Q(p + k) − ζ^(k/β)B(kθ)·Q(p)",
        "two eigenvalues of the shift, each of modulus ζ^(k/β)",
        "ζ^(p/β) − e^(p·ln ζ/β)",
        "unbounded: ζ^(p/β) → ∞ as p → −∞",
        "unbounded: ζ^(−q/β) → ∞ as q → +∞",
        "ζ = 1 is RoPE: Q(p) − B(pθ)",
        "xPos's ζ_i = (2i + γd)/((1 + γ)d) < 1 for every pair i < d/2",
    ],
    "thm-permutation-equivariance": [
        "Attn(P X) − P Attn(X), P = (0, 1, 2)",
        "Attn(P X) − P Attn(X), P = (0, 2, 1)",
        "Attn(P X) − P Attn(X), P = (1, 0, 2)",
        "Attn(P X) − P Attn(X), P = (1, 2, 0)",
        "Attn(P X) − P Attn(X), P = (2, 0, 1)",
        "Attn(P X) − P Attn(X), P = (2, 1, 0)",
        "equal tokens 0 and last: equal outputs",
        "a causal mask breaks it (swap of tokens 0 and 1)",
    ],
    "thm-causal-counting": [
        "any p: each of the p + 1 weights is 1/(p + 1)",
        "1/(p+1) − 1/(p+2) > 0: strictly decreasing in p",
        "4 tokens: marker coordinate of row p − 1/(p + 1)",
        "4 tokens: without the mask every row gets 1/4",
    ],
    "thm-rope-derived": [
        "step 1 (m = n): A(m)ᵀ·A(m)^(−T) − I",
        "step 2 (n = m+1): the solution of A(m)ᵀX^(−T) = B(1) is X = A(m)·M",
        "step 2: B(1) = M^(−T) makes A(1)ᵀB(1) = I",
        "step 3: A(2)ᵀB(-1) − (Mᵀ)^3",
        "step 3: A(-1)ᵀB(2) − (Mᵀ)^-3",
        "step 3: A(3)ᵀB(1) − (Mᵀ)^2",
        "step 3: A(0)ᵀB(2) − (Mᵀ)^-2",
        "step 4: MᵀM = I, det M = 1 ⇒ (b, d) = (−c, a) when a² + c² = 1",
        "step 4: B(θ) is its own inverse transpose (A = B is allowed)",
        "step 4: A(m) = B(mθ) gives A(m)ᵀA(n) = B((n−m)θ)",
        "step 4: an orthogonal change of basis Q is absorbed by W_q, W_k",
        "step 5: conj(a(m))·b(n) − ρ^(m−n)·e^(i(n−m)θ)",
        "step 5 (real form): (ρ^m B(mθ))ᵀ ρ^(−n) B(nθ) − ρ^(m−n) B((n−m)θ)",
        "step 5: the radial recurrence gives r(m) = ρ^m",
        "step 5: the angular recurrence gives φ(m) = mθ",
        "step 5: ρ ≠ 1 is not a rotation (the length changes)",
    ],
    "thm-partial-rotary": [
        "d=6 r=4 interleaved: R'_mᵀR'_n − R'_(n−m)",
        "d=6 r=4 interleaved: R'_pᵀR'_p − I",
        "d=6 r=4 interleaved: score − (relative part + position-free part)",
        "d=6 r=4 half: R'_mᵀR'_n − R'_(n−m)",
        "d=6 r=4 half: R'_pᵀR'_p − I",
        "d=6 r=4 half: score − (relative part + position-free part)",
        "d=6 r=4: the frequencies of width r are not the first r/2 of d",
        "d=8 r=4 interleaved: R'_mᵀR'_n − R'_(n−m)",
        "d=8 r=4 interleaved: R'_pᵀR'_p − I",
        "d=8 r=4 interleaved: score − (relative part + position-free part)",
        "d=8 r=4 half: R'_mᵀR'_n − R'_(n−m)",
        "d=8 r=4 half: R'_pᵀR'_p − I",
        "d=8 r=4 half: score − (relative part + position-free part)",
        "d=8 r=4: the frequencies of width r are not the first r/2 of d",
    ],
}

# Claims that SymPy's constructor already reduces to zero, with the reason. Patterns match the
# whole residual name.
_MATRIX_EVAL = "matrix products of 0/±1 matrices and entries are evaluated while building"
_EVEN_ODD = "cos(−x) and sin(−x) are stored as cos(x) and −sin(x) while building"
_EXACT = "exact arithmetic on rationals, powers and logs is done while building"
BUILT_AS_ZERO: dict[str, list[tuple[str, str]]] = {
    "thm-shift": [
        (r"pair: B\(kω\) is a rotation by −kω of \(sin, cos\)", _EVEN_ODD),
        (r"pair: in \(cos, sin\) order B is a CCW rotation by \+kω", _MATRIX_EVAL),
        (r"pair: cos\|sin block is the standard rotation by \+kω", "the same entries"),
        (r"d=\d+ \S+: R\(k\) − P·diag\(B\(kω_i\)\)·Pᵀ", _MATRIX_EVAL),
        (r"d=\d+ \S+: PE_layout − P·PE_interleaved", _MATRIX_EVAL),
    ],
    "thm-group": [
        (r".*: R\(0\) − I", "cos(0) = 1 and sin(0) = 0 are evaluated while building"),
        (r".*: R\(k\)ᵀ − R\(−k\)", _EVEN_ODD),
    ],
    "thm-dot": [
        (r".*f\(Δ\) − f\(−Δ\)", _EVEN_ODD),
        (r"d=\d+ \S+: ∂/∂p PE\(p\)·PE\(p−Δ\)", "the derivative of a sum of cos(ω_i Δ) is 0"),
    ],
    "thm-isometry": [
        (r"N=\d+: .*", "(p+1) − (q+1) is stored as p − q: that equality is the argument"),
    ],
    "thm-sin-only": [
        (r"sin-only: at p=0 the identity reads sin\(k\*omega\) = 0", "sin(0) = 0"),
        (r"(sin|cos)-only: if kω = nπ then c = ±1", "cos(nπ)² = 1 for integer n"),
    ],
    "thm-wavelengths": [
        (r"λ_i − 2π·base\^\(2i/d\)", _EXACT),
        (r"(tensor2tensor: )?λ_0 − 2π", _EXACT),
        (r"d=\d+, base=10000: max λ − 2π·10000\^\(\(d−2\)/d\)", _EXACT),
        (r"d=\d+: λ_\d/λ_\d − 10000\^\(2/d\)", _EXACT),
    ],
    "thm-rope-layouts": [
        (r"d=\d+: PᵀP − I", _MATRIX_EVAL),
        (r"d=\d+: R\^half_p − P·R\^interleaved_p·Pᵀ", _MATRIX_EVAL),
        (r"d=\d+: ⟨R\^h_m Pq, R\^h_n Pk⟩ − ⟨R\^i_m q, R\^i_n k⟩", _MATRIX_EVAL),
    ],
    "thm-rope-orientation": [
        (
            r"complex \(a\+ib\)e\^\{iθ\} − B\(θ\)\(a, b\)",
            "expand_complex is applied while building",
        ),
        (r"GPT-J rotate_every_two form − R\^interleaved_p x", _MATRIX_EVAL),
        (r"HF rotate_half form − R\^half_p x", _MATRIX_EVAL),
        (r"B\(θ\) turns \(1, 0\) to \(cos θ, sin θ\)", _MATRIX_EVAL),
        (r"blog matrix − B\(−θ\) \(clockwise\)", _EVEN_ODD),
        (r"blog matrix − B\(θ\)ᵀ", "the transpose has the same entries"),
        (r"sinusoidal \(sin, cos\) shift block at θ − B\(−θ\)", _EVEN_ODD),
        (r"R\^(interleaved|half)_p − \(sinusoidal R\(−p\), .*\)", _EVEN_ODD),
    ],
    "thm-rope-clockwise": [
        (r"d=\d+ \S+: S² − I", _MATRIX_EVAL),
        (r"d=\d+ \S+: R\^cw_p − R_pᵀ", "the transpose has the same entries"),
        (r"d=\d+ \S+: S·R_p·S − R\^cw_p", _MATRIX_EVAL),
        (r"nanochat apply_rotary_emb \(half\) − R\^cw,half_p x", _MATRIX_EVAL),
        (r"nanochat apply_rotary_emb \(half\) − R\^half_\(−p\) x", _EVEN_ODD),
    ],
    "thm-rope-decay-bound": [(r"\|S_1\| = \|e\^\{iΔω_0\}\| = 1", "|e^{ix}| = 1 for real x")],
    "thm-pi-interpolation": [
        (r"plane: B\(p·ω/s\) − B\(\(p/s\)·ω\)", _EXACT),
        (r"d=4: R'_p − R_\(p/s\)", _EXACT),
    ],
    "thm-ntk-endpoints": [
        (r"ln B' − \[ln B \+ d/\(d−2\)·ln κ\]", "expand_log is applied while building"),
        (r"ln ω'_0 − ln ω_0", "both are 0 times a logarithm"),
    ],
    "thm-dynamic-ntk": [(r"κ\(L0\) − 1", _EXACT), (r"dκ/dL − s/L0", _EXACT)],
    "thm-yarn-correction-range": [
        (r"L0·ω_c/\(2π\) − β", "exp(a·log x) is stored as x**a while building"),
        (r"dc/dβ \+ d/\(2β ln B\)", "diff runs while building"),
    ],
    "thm-llama3-continuous": [(r".*", _EXACT)],
    # The readers' ladder: these proofs are exact computations that SymPy finishes while it
    # builds them (linear biases, softmax of concrete exponents, products of symbolic
    # matrices); tests/test_lineage.py and tests/test_rope_derived.py check each numerically.
    "thm-alibi-relative": [
        (r"bias\(p \+ s, q \+ s\) − bias\(p, q\)", _EXACT),
        (r"bias\(p, q\) − bias\(p − q, 0\) \(a function of the offset p − q\)", _EXACT),
        (r"row p, key \d: softmax with −m\(p − q\) − softmax with m·q", _EXACT),
        (r"equal content scores: w\(Δ₁\)/w\(Δ₂\) − e\^\(−m\(Δ₁ − Δ₂\)\)", _EXACT),
        (r"n=\d+: reference slopes − 2\^\(−8\(h\+1\)/n\)", _EXACT),
        (r"n=\d+: last slope − 2\^−8", _EXACT),
    ],
    "thm-xpos-excluded": [(r"ζ = 1 is RoPE: Q\(p\) − B\(pθ\)", _EXACT)],
    "thm-permutation-equivariance": [
        (r"Attn\(P X\) − P Attn\(X\), P = \(\d, \d, \d\)", _MATRIX_EVAL),
        (r"equal tokens 0 and last: equal outputs", _MATRIX_EVAL),
    ],
    "thm-causal-counting": [
        (r"any p: each of the p \+ 1 weights is 1/\(p \+ 1\)", _EXACT),
        (r"4 tokens: marker coordinate of row p − 1/\(p \+ 1\)", _EXACT),
        (r"4 tokens: without the mask every row gets 1/4", _EXACT),
    ],
    "thm-rope-derived": [
        (r"step 1 \(m = n\): A\(m\)ᵀ·A\(m\)\^\(−T\) − I", _MATRIX_EVAL),
        (
            r"step 2 \(n = m\+1\): the solution of A\(m\)ᵀX\^\(−T\) = B\(1\) is X = A\(m\)·M",
            _MATRIX_EVAL,
        ),
        (r"step 2: B\(1\) = M\^\(−T\) makes A\(1\)ᵀB\(1\) = I", _MATRIX_EVAL),
        (r"step 3: A\(-?\d\)ᵀB\(-?\d\) − \(Mᵀ\)\^-?\d", _MATRIX_EVAL),
        (r"step 4: B\(θ\) is its own inverse transpose \(A = B is allowed\)", _EVEN_ODD),
        (r"step 5: conj\(a\(m\)\)·b\(n\) − ρ\^\(m−n\)·e\^\(i\(n−m\)θ\)", _EXACT),
        (r"step 5: the radial recurrence gives r\(m\) = ρ\^m", _EXACT),
        (r"step 5: the angular recurrence gives φ\(m\) = mθ", _EXACT),
    ],
}


def built_as_zero(residual) -> bool:
    if isinstance(residual, sp.MatrixBase):
        return all(entry == 0 for entry in residual)
    if isinstance(residual, bool | sp.logic.boolalg.BooleanAtom):
        return False
    return sp.sympify(residual) == 0


def test_every_registered_theorem_has_a_pinned_statement():
    assert set(EXPECTED_CLAIMS) == set(symbolic.THEOREMS)
    assert set(BUILT_AS_ZERO) <= set(symbolic.THEOREMS)


@pytest.mark.parametrize("theorem_id", sorted(EXPECTED_CLAIMS))
def test_claims_are_the_pinned_ones(theorem_id):
    assert list(symbolic.THEOREMS[theorem_id]().residuals) == EXPECTED_CLAIMS[theorem_id]


@pytest.mark.parametrize("theorem_id", sorted(EXPECTED_CLAIMS))
def test_no_claim_is_empty(theorem_id):
    proof = symbolic.THEOREMS[theorem_id]()
    allowed = BUILT_AS_ZERO.get(theorem_id, [])
    zero = {name for name, r in proof.residuals.items() if built_as_zero(r)}
    explained = {
        name for name in proof.residuals if any(re.fullmatch(pat, name) for pat, _ in allowed)
    }
    assert zero - explained == set(), "claims built as zero without a reason (tautologies?)"
    # The reasons must not outlive the claims they explain.
    for pattern, _ in allowed:
        assert any(re.fullmatch(pattern, name) for name in zero), pattern


def test_the_check_catches_a_tautology():
    # The weakened residuals of the review (dot − dot, a zero matrix) are zero as built.
    p, q = sp.symbols("p q", real=True)
    dot = symbolic.pe_vector(p, 4).dot(symbolic.pe_vector(q, 4))
    r = symbolic.rope_matrix(p, 4)
    assert built_as_zero(dot - dot)
    assert built_as_zero(r.T * r - r.T * r)
    assert built_as_zero(sp.zeros(2, 1))
    assert not built_as_zero(dot - sum(sp.cos(w * (p - q)) for w in symbolic.omega_symbols(4)))
