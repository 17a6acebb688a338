"""Theorems about RoPE context extension (scaled frequencies), proved with SymPy.

Position interpolation, NTK-aware / dynamic NTK, YaRN and Llama 3.1 scaling only replace the
frequencies ``ω_k`` of RoPE; :func:`scaled_omegas` writes each method's ``ω'_k`` as an exact
SymPy expression (the NumPy side, :mod:`posenc_ref.rope_scaling`, evaluates the same formulas
with mpmath; the tests compare the two). The theorems state what each method keeps and what it
changes. Like the rest of :mod:`posenc_ref.symbolic`, this module uses SymPy only.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ._model import _ccw, _check_d, _exact_number
from ._proof import Proof, register
from .rope import rope_matrix

__all__ = [
    "SCALING_KINDS",
    "SCALING_THEOREM_IDS",
    "scaled_omegas",
    "thm_dynamic_ntk",
    "thm_llama3_continuous",
    "thm_ntk_endpoints",
    "thm_pi_interpolation",
    "thm_yarn_correction_range",
    "yarn_correction_dim",
]

SCALING_KINDS: tuple[str, ...] = ("linear", "dynamic", "yarn", "llama3")
"""The methods, named as Hugging Face's ``rope_type``."""

SCALING_THEOREM_IDS: tuple[str, ...] = (
    "thm-pi-interpolation",
    "thm-ntk-endpoints",
    "thm-dynamic-ntk",
    "thm-yarn-correction-range",
    "thm-llama3-continuous",
)
"""Ids of the context-extension theorems, in the order of the site."""

p, m, n = sp.symbols("p m n", real=True)
s, kappa, omega, base_sym = sp.symbols("s kappa omega B", positive=True)
length, seq, beta, lam = sp.symbols("L_0 L beta lambda", positive=True)
low_f, high_f = sp.symbols("l h", positive=True)
half = sp.Symbol("M", integer=True, positive=True)  # d = 2M pairs' worth of channels
k = sp.Symbol("k", integer=True, nonnegative=True)


def yarn_correction_dim(rotations: Any, d: Any, base: Any, original: Any) -> sp.Expr:
    """YaRN's correction dimension: ``d·ln(L0 / (2π·β)) / (2·ln base)``.

    The real pair index at which a pair turns ``β`` times over ``L0`` positions
    (``thm-yarn-correction-range``).

    Examples
    --------
    >>> yarn_correction_dim(32, 128, 1000000, 32768)
    64*log(512/pi)/log(1000000)
    """
    b, trained, turns = _exact_number(base), _exact_number(original), _exact_number(rotations)
    return _exact_number(d) * sp.log(trained / (2 * sp.pi * turns)) / (2 * sp.log(b))


def scaled_omegas(
    kind: str,
    d: int,
    *,
    base: Any,
    factor: Any,
    original_max_positions: Any = None,
    seq_len: Any = None,
    low_freq_factor: Any = 1,
    high_freq_factor: Any = 4,
    beta_fast: Any = 32,
    beta_slow: Any = 1,
    truncate: bool = True,
) -> tuple[sp.Expr, ...]:
    """The scaled frequencies ``ω'_k`` (``k = 0 … d/2 − 1``) of a method, as exact expressions.

    Examples
    --------
    >>> scaled_omegas("linear", 4, base=10000, factor=4)
    (1/4, 1/400)
    >>> scaled_omegas("dynamic", 4, base=10000, factor=2, original_max_positions=10,
    ...               seq_len=20)
    (1, 1/300)
    """
    d = _check_d(d)
    if kind not in SCALING_KINDS:
        raise ValueError(f"kind: must be one of {SCALING_KINDS}, got {kind!r}")
    b, sf = _exact_number(base), _exact_number(factor)
    omegas = [b ** sp.Rational(-2 * i, d) for i in range(d // 2)]
    if kind == "linear":
        return tuple(w / sf for w in omegas)
    trained = _exact_number(original_max_positions)
    if kind == "dynamic":
        current = seq_len if seq_len is not None else original_max_positions
        cur = sp.Max(_exact_number(current), trained)
        kap = sf * cur / trained - (sf - 1)
        return tuple(
            sp.simplify(w * kap ** sp.Rational(-2 * i, d - 2)) for i, w in enumerate(omegas)
        )
    if kind == "yarn":
        lo = yarn_correction_dim(beta_fast, d, b, trained)
        hi = yarn_correction_dim(beta_slow, d, b, trained)
        if truncate:
            lo, hi = sp.floor(lo), sp.ceiling(hi)
        lo, hi = sp.Max(lo, 0), sp.Min(hi, d - 1)
        if sp.simplify(lo - hi) == 0:
            hi = hi + sp.Rational(1, 1000)
        out = []
        for i, w in enumerate(omegas):
            ramp = sp.Min(sp.Max((i - lo) / (hi - lo), 0), 1)
            out.append(w / sf * ramp + w * (1 - ramp))
        return tuple(out)
    lf, hf = _exact_number(low_freq_factor), _exact_number(high_freq_factor)
    out = []
    for w in omegas:
        wavelength = 2 * sp.pi / w
        if bool(wavelength < trained / hf):
            out.append(w)
        elif bool(wavelength > trained / lf):
            out.append(w / sf)
        else:
            t = (trained / wavelength - lf) / (hf - lf)
            out.append((1 - t) * w / sf + t * w)
    return tuple(out)


@register("thm-pi-interpolation")
def thm_pi_interpolation(d: int = 4) -> Proof:
    """S1: linear scaling by ``s`` is RoPE at position ``p/s``, and scores depend on ``(n − m)/s``.

    In words: dividing every frequency by ``s`` turns each plane by ``(p/s)·ω_k``, exactly what
    unscaled RoPE does at the fractional position ``p/s`` (position interpolation); so the score
    of positions ``m`` and ``n`` is the unscaled score at offset ``(n − m)/s``.

    Examples
    --------
    >>> thm_pi_interpolation().verify()
    True
    """
    d = _check_d(d)
    ws = sp.symbols(f"omega_0:{d // 2}", positive=True)
    q = sp.Matrix(sp.symbols(f"q_0:{d}", real=True))
    kv = sp.Matrix(sp.symbols(f"k_0:{d}", real=True))
    scaled = [w / s for w in ws]
    r_scaled = rope_matrix(p, d, omegas=scaled)
    score = (rope_matrix(m, d, omegas=scaled) * q).dot(rope_matrix(n, d, omegas=scaled) * kv)
    residuals = {
        "plane: B(p·ω/s) − B((p/s)·ω)": _ccw(p * (omega / s)) - _ccw((p / s) * omega),
        f"d={d}: R'_p − R_(p/s)": r_scaled - rope_matrix(p / s, d, omegas=ws),
        f"d={d}: <R'_m q, R'_n k> − <q, R_((n−m)/s) k>": score
        - q.dot(rope_matrix((n - m) / s, d, omegas=ws) * kv),
    }
    return Proof(
        "thm-pi-interpolation",
        "linear scaling: R'_p = R_(p/s), so scores depend on (n − m)/s",
        {"R'_p": r_scaled},
        residuals,
    )


@register("thm-ntk-endpoints")
def thm_ntk_endpoints() -> Proof:
    """S2: the NTK base ``B·κ^(d/(d−2))`` keeps ``ω_0`` and divides ``ω_(d/2−1)`` by ``κ``.

    In words: raising the base to ``B' = B·κ^(d/(d−2))`` multiplies the frequency of pair ``k``
    by ``κ^(−2k/(d−2))``: 1 for the fastest pair (``k = 0``, no interpolation) and exactly
    ``1/κ`` for the slowest (``k = d/2 − 1``, full interpolation), geometrically in between.
    Symbolic in ``d = 2M``, ``B``, ``κ``.

    Examples
    --------
    >>> thm_ntk_endpoints().verify()
    True
    """
    d = 2 * half
    new_base = base_sym * kappa ** (d / (d - 2))
    # Compare logarithms (exp is one-to-one): ln ω_k = −(2k/d)·ln B, and ln B' expands exactly
    # because B and κ are positive.
    log_new_base = sp.expand_log(sp.log(new_base), force=True)

    def log_w_new(i: Any) -> sp.Expr:
        return -2 * i / d * log_new_base

    def log_w_old(i: Any) -> sp.Expr:
        return -2 * i / d * sp.log(base_sym)

    residuals = {
        "ln B' − [ln B + d/(d−2)·ln κ]": log_new_base
        - (sp.log(base_sym) + d / (d - 2) * sp.log(kappa)),
        "ln ω'_0 − ln ω_0": log_w_new(0) - log_w_old(0),
        "ln ω'_k − ln ω_k + 2k/(d−2)·ln κ": log_w_new(k)
        - log_w_old(k)
        + 2 * k / (d - 2) * sp.log(kappa),
        "ln ω'_(M−1) − ln ω_(M−1) + ln κ": log_w_new(half - 1)
        - log_w_old(half - 1)
        + sp.log(kappa),
    }
    return Proof(
        "thm-ntk-endpoints",
        "NTK base B·κ^(d/(d−2)): ω'_k = ω_k·κ^(−2k/(d−2)); ω'_0 = ω_0, ω'_(d/2−1) = ω_(d/2−1)/κ",
        {"B'": new_base},
        residuals,
    )


@register("thm-dynamic-ntk")
def thm_dynamic_ntk() -> Proof:
    """S3: dynamic NTK's ``κ(L) = s·L/L0 − (s − 1)``: 1 at ``L = L0``, at least ``L/L0`` beyond.

    In words: up to the trained length nothing changes; beyond it, the slowest pair's wavelength
    is stretched by ``κ(L) = L/L0 + (s − 1)(L/L0 − 1) >= L/L0`` (for ``s >= 1``, ``L >= L0``), at
    least in proportion to the sequence, so its angle never exceeds what training covered.

    Examples
    --------
    >>> thm_dynamic_ntk().verify()
    True
    """
    kap = s * seq / length - (s - 1)
    residuals = {
        "κ(L0) − 1": kap.subs(seq, length) - 1,
        "κ(L) − [L/L0 + (s − 1)(L/L0 − 1)]": kap - (seq / length + (s - 1) * (seq / length - 1)),
        "dκ/dL − s/L0": sp.diff(kap, seq) - s / length,
        # The slowest pair's angle at position L − 1 < L: (L/κ)·ω_(M−1) ≤ L0·ω_(M−1).
        "L/κ ≤ L0 for s ≥ 1, L ≥ L0": sp.simplify(
            (length - seq / kap).subs(
                {
                    s: 1 + sp.Symbol("a", nonnegative=True),
                    seq: length + sp.Symbol("e", nonnegative=True),
                }
            )
        ).is_nonnegative
        is True,
    }
    return Proof(
        "thm-dynamic-ntk",
        "dynamic NTK: κ(L0) = 1 and κ(L) = L/L0 + (s − 1)(L/L0 − 1) ≥ L/L0 for L ≥ L0",
        {"κ(L)": kap},
        residuals,
    )


@register("thm-yarn-correction-range")
def thm_yarn_correction_range() -> Proof:
    """S4: YaRN's correction dimension is the pair that turns ``β`` times over ``L0`` positions.

    In words: ``c(β) = d·ln(L0/(2πβ)) / (2 ln B)`` solves ``L0·ω_c / (2π) = β`` with
    ``ω_c = B^(−2c/d)``; it decreases as ``β`` grows, so ``c(β_fast) < c(β_slow)``: the ramp runs
    from the fast pairs (kept) to the slow ones (interpolated by ``s``).

    Examples
    --------
    >>> thm_yarn_correction_range().verify()
    True
    """
    d = 2 * half
    c = yarn_correction_dim(beta, d, base_sym, length)
    turns = length * sp.exp(-2 * c / d * sp.log(base_sym)) / (2 * sp.pi)
    residuals = {
        "L0·ω_c/(2π) − β": turns - beta,
        "dc/dβ + d/(2β ln B)": sp.diff(c, beta) + d / (2 * beta * sp.log(base_sym)),
    }
    return Proof(
        "thm-yarn-correction-range",
        "YaRN: c(β) = d·ln(L0/(2πβ))/(2 ln B) is the pair turning β times over L0; decreasing in β",
        {"c(β)": c},
        residuals,
    )


@register("thm-llama3-continuous")
def thm_llama3_continuous() -> Proof:
    """S5: Llama 3.1's scaled frequency is continuous in the wavelength at both zone edges.

    In words: with ``t(λ) = (L0/λ − l)/(h − l)`` and the blend ``ω' = (1 − t)·ω/s + t·ω``
    (``ω = 2π/λ``), the blend equals ``ω`` at ``λ = L0/h`` (where the kept zone ends) and
    ``ω/s`` at ``λ = L0/l`` (where the divided zone begins), and ``t`` falls from 1 to 0 in
    between, so no pair's frequency jumps.

    Examples
    --------
    >>> thm_llama3_continuous().verify()
    True
    """
    t = (length / lam - low_f) / (high_f - low_f)
    w = 2 * sp.pi / lam
    blend = (1 - t) * w / s + t * w
    residuals = {
        "ω'(L0/h) − ω": (blend - w).subs(lam, length / high_f),
        "ω'(L0/l) − ω/s": (blend - w / s).subs(lam, length / low_f),
        "t(L0/h) − 1": t.subs(lam, length / high_f) - 1,
        "t(L0/l)": t.subs(lam, length / low_f),
        "dt/dλ + L0/(λ²(h − l))": sp.diff(t, lam) + length / (lam**2 * (high_f - low_f)),
    }
    return Proof(
        "thm-llama3-continuous",
        "Llama 3.1 scaling: the blend equals ω at λ = L0/h and ω/s at λ = L0/l (no jump)",
        {"ω'(λ)": blend},
        residuals,
    )
