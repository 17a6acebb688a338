"""Theorems about the schemes around the sinusoidal encoding: ALiBi, T5, xPos, and no encoding.

The *Alternatives and lineage* and *Where the encoding sits in a model* pages of the documentation
state what each scheme's formula implies; this module proves those statements with SymPy:

- :func:`thm_alibi_relative`: ALiBi's bias depends on the offset only, and the code's bias
  ``m·q`` gives the same attention as the paper's ``−m·(p − q)``;
- :func:`thm_t5_buckets`: where T5's buckets start, decided with exact integers;
- :func:`thm_xpos_excluded`: xPos's scaled rotations are the modes of modulus ``≠ 1`` that the
  sinusoidal derivation excludes by boundedness;
- :func:`thm_permutation_equivariance`: attention without positions and without a mask cannot
  tell two equal tokens apart;
- :func:`thm_causal_counting`: with a causal mask, equal scores give weights ``1/(p+1)``, a
  signal that reveals the position.

SymPy only; the NumPy side is :mod:`posenc_ref.alternatives`.
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.utilities.iterables import permutations

from ._proof import Proof, register
from .rope import differs

__all__ = [
    "LINEAGE_THEOREM_IDS",
    "t5_bucket_starts",
    "thm_alibi_relative",
    "thm_causal_counting",
    "thm_permutation_equivariance",
    "thm_t5_buckets",
    "thm_xpos_excluded",
]

LINEAGE_THEOREM_IDS: tuple[str, ...] = (
    "thm-alibi-relative",
    "thm-t5-buckets",
    "thm-xpos-excluded",
    "thm-permutation-equivariance",
    "thm-causal-counting",
)
"""Ids of the theorems of this module, in the order of the site."""

p, q, s, theta, delta = sp.symbols("p q s theta Delta", real=True)
slope = sp.Symbol("m", positive=True)
beta = sp.Symbol("beta", positive=True)
u = sp.Symbol("u", positive=True)  # ζ = 1/(1 + u) ranges over (0, 1)
zeta = 1 / (1 + u)


def _ccw(t: Any) -> sp.Matrix:
    return sp.Matrix([[sp.cos(t), -sp.sin(t)], [sp.sin(t), sp.cos(t)]])


@register("thm-alibi-relative")
def thm_alibi_relative(keys: int = 4) -> Proof:
    """ALiBi's bias ``−m(p − q)`` depends on the offset only; the code's ``m·q`` is equivalent.

    In words: shifting query and key by the same ``s`` leaves the bias unchanged; along one
    query row, ``−m(p − q)`` and ``m·q`` differ by the constant ``−m·p``, which the softmax
    ignores, so the authors' code (one row ``m·[0, 1, …]`` for every query) computes the
    paper's attention; two keys with equal content scores get weights in the ratio
    ``e^{−m(Δ₁ − Δ₂)}``; for ``n`` heads (a power of two) the slopes are ``2^{−8(h+1)/n}``,
    ending at ``2^{−8}``.

    Examples
    --------
    >>> thm_alibi_relative(keys=3).verify()
    True
    """
    scores = sp.symbols(f"s_0:{keys}", real=True)

    def softmax(values: list[Any]) -> list[Any]:
        total = sp.Add(*[sp.exp(v) for v in values])
        return [sp.exp(v) / total for v in values]

    def bias(pp: Any, qq: Any) -> Any:
        return -slope * (pp - qq)

    paper = softmax([scores[j] + bias(p, j) for j in range(keys)])
    code = softmax([scores[j] + slope * j for j in range(keys)])
    residuals: dict[str, Any] = {
        "bias(p + s, q + s) − bias(p, q)": bias(p + s, q + s) - bias(p, q),
        "bias(p, q) − bias(p − q, 0) (a function of the offset p − q)": bias(p, q) - bias(p - q, 0),
    }
    for j in range(keys):
        residuals[f"row p, key {j}: softmax with −m(p − q) − softmax with m·q"] = sp.simplify(
            paper[j] - code[j]
        )
    d1, d2 = sp.symbols("Delta_1 Delta_2", real=True)
    pair = softmax([s + bias(d1, 0), s + bias(d2, 0)])
    residuals["equal content scores: w(Δ₁)/w(Δ₂) − e^(−m(Δ₁ − Δ₂))"] = sp.simplify(
        pair[0] / pair[1] - sp.exp(-slope * (d1 - d2))
    )
    for heads in (2, 4, 8, 16, 32):
        start = sp.Integer(2) ** (-(sp.Integer(2) ** (-(sp.log(heads, 2) - 3))))
        ref = [start * start**h for h in range(heads)]  # the code's start * ratio**h
        closed = [sp.Integer(2) ** sp.Rational(-8 * (h + 1), heads) for h in range(heads)]
        residuals[f"n={heads}: reference slopes − 2^(−8(h+1)/n)"] = sp.Matrix(
            [sp.simplify(r - c) for r, c in zip(ref, closed, strict=True)]
        )
        residuals[f"n={heads}: last slope − 2^−8"] = sp.simplify(ref[-1] - sp.Rational(1, 256))
    return Proof(
        "thm-alibi-relative",
        "ALiBi's −m(p − q) depends on p − q only; softmax rows with −m(p − q) and with m·q are "
        "equal; slopes 2^(−8(h+1)/n)",
        {"bias": bias(p, q)},
        residuals,
    )


def _t5_in_bucket(n: int, k: int, exact: int, per_direction: int, far: int) -> bool:
    """Is offset ``n >= exact`` in a logarithmic bucket ``>= exact + k``?  Exact integers."""
    e = per_direction - exact
    lhs = sp.Integer(n) ** e * sp.Integer(exact) ** k
    rhs = sp.Integer(far) ** k * sp.Integer(exact) ** e
    return bool(lhs >= rhs)


def t5_bucket_starts(
    *, bidirectional: bool = True, num_buckets: int = 32, max_distance: int = 128
) -> tuple[int, ...]:
    """The smallest offset size ``|q − p|`` of each bucket of one direction, exactly.

    Bucket ``b < E`` (``E`` = half the buckets of a direction) holds the offset ``b`` alone;
    bucket ``E + k`` starts at the least ``n`` with
    ``(n/E)^(B−E) >= (max_distance/E)^k``, which is decided here with integers.

    Examples
    --------
    >>> t5_bucket_starts()
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 23, 32, 46, 64, 91)
    >>> t5_bucket_starts(bidirectional=False)[16:]
    (16, 19, 21, 24, 27, 31, 35, 40, 46, 52, 59, 67, 77, 87, 99, 113)
    """
    per_direction = num_buckets // 2 if bidirectional else num_buckets
    exact = per_direction // 2
    if exact < 1 or max_distance <= exact:
        raise ValueError(
            f"need at least 2 buckets per direction and max_distance > {exact}; got "
            f"num_buckets={num_buckets}, max_distance={max_distance}"
        )
    starts = list(range(exact + 1))
    n = exact
    for k in range(1, per_direction - exact):
        while not _t5_in_bucket(n, k, exact, per_direction, max_distance):
            n += 1
        starts.append(n)
    return tuple(starts)


@register("thm-t5-buckets")
def thm_t5_buckets() -> Proof:
    """Where T5's buckets start (32 buckets, ``max_distance`` 128), decided exactly.

    In words: the bucket is a function of the offset ``q − p`` alone. In the encoder (both
    directions, 16 buckets each) offsets 0 … 7 have their own bucket and the logarithmic
    buckets start at 8, 12, 16, 23, 32, 46, 64 and 91: **every offset of 91 or more** shares the
    last bucket, not only those beyond 128. In the decoder (one direction, 32 buckets) the
    exact buckets cover 0 … 15 and the last one starts at 113. Each start ``t`` is checked
    exactly: ``t`` is in the bucket and ``t − 1`` is not.

    Examples
    --------
    >>> proof = thm_t5_buckets()
    >>> proof.verify()
    True
    >>> proof.objects["encoder starts"][-1], proof.objects["decoder starts"][-1]
    (91, 113)
    """
    residuals: dict[str, Any] = {}
    objects: dict[str, Any] = {}
    for name, bidirectional, per_direction in (("encoder", True, 16), ("decoder", False, 32)):
        starts = t5_bucket_starts(bidirectional=bidirectional)
        exact = per_direction // 2
        objects[f"{name} starts"] = starts
        residuals[f"{name}: {per_direction} buckets per direction"] = len(starts) == per_direction
        for k, start in enumerate(starts[exact + 1 :], start=1):
            inside = _t5_in_bucket(start, k, exact, per_direction, 128)
            before = _t5_in_bucket(start - 1, k, exact, per_direction, 128)
            residuals[f"{name}: bucket {exact + k} starts at {start}"] = inside and not before
        residuals[f"{name}: the last bucket starts below max_distance = 128"] = starts[-1] < 128
    residuals["encoder: last bucket starts at 91"] = objects["encoder starts"][-1] == 91
    residuals["decoder: last bucket starts at 113"] = objects["decoder starts"][-1] == 113
    return Proof(
        "thm-t5-buckets",
        "T5's bucket depends on q − p only; its last bucket starts at offset 91 (encoder) and "
        "113 (decoder), below max_distance = 128",
        objects,
        residuals,
    )


@register("thm-xpos-excluded")
def thm_xpos_excluded() -> Proof:
    """xPos uses exactly the modes of modulus ``≠ 1`` that boundedness excludes.

    In words, per plane, with ``0 < ζ < 1`` and ``β > 0``: the xPos query map
    ``Q(p) = ζ^{p/β}·B(pθ)`` and key map ``K(q) = ζ^{−q/β}·B(qθ)`` give the score
    ``ζ^{(p−q)/β}·⟨x, B((q−p)θ) y⟩``, a function of the offset that decays for keys before the
    query. ``Q`` is shift-linear, ``Q(p + k) = ζ^{k/β}B(kθ)·Q(p)``, with eigenvalues of modulus
    ``ζ^{k/β} ≠ 1``; ``|Q(p)x|`` grows without bound as ``p → −∞`` and ``|K(q)y|`` as
    ``q → +∞``. These are the decaying and growing modes that the derivation of the sinusoidal
    encoding rules out by requiring boundedness at positive and negative positions; with
    ``ζ = 1`` both maps are RoPE's ``B(pθ)``.

    Examples
    --------
    >>> thm_xpos_excluded().verify()
    True
    """
    k = sp.Symbol("k", integer=True)
    x = sp.Matrix(sp.symbols("x_0 x_1", real=True))
    y = sp.Matrix(sp.symbols("y_0 y_1", real=True))

    def query(t: Any) -> sp.Matrix:
        return zeta ** (t / beta) * _ccw(t * theta)

    def key(t: Any) -> sp.Matrix:
        return zeta ** (-t / beta) * _ccw(t * theta)

    shift = zeta ** (k / beta) * _ccw(k * theta)
    eigen = list(shift.eigenvals())
    half_d = sp.Symbol("M", integer=True, positive=True)  # d = 2M
    j = sp.Symbol("j", integer=True, nonnegative=True)  # pair i = M − 1 − j
    gamma = sp.Symbol("gamma", positive=True)
    pair_i = half_d - 1 - j
    residuals: dict[str, Any] = {
        "score ⟨Q(p)x, K(q)y⟩ − ζ^((p−q)/β)⟨x, B((q−p)θ)y⟩": (query(p) * x).dot(key(q) * y)
        - zeta ** ((p - q) / beta) * x.dot(_ccw((q - p) * theta) * y),
        "decay: d/dΔ ζ^(Δ/β) < 0 for 0 < ζ < 1": bool(
            sp.simplify(sp.diff(zeta ** (delta / beta), delta) / zeta ** (delta / beta)).is_negative
        ),
        "shift-linear: Q(p + k) − ζ^(k/β)B(kθ)·Q(p)": query(p + k) - shift * query(p),
        "two eigenvalues of the shift, each of modulus ζ^(k/β)": len(eigen) == 2
        and all(sp.simplify(sp.Abs(ev) ** 2 - zeta ** (2 * k / beta)) == 0 for ev in eigen),
        # Limits in exp-log form: SymPy 1.14 returns 0 for limit((1/2)**x, x, -oo).
        "ζ^(p/β) − e^(p·ln ζ/β)": zeta ** (p / beta) - sp.exp(p * sp.log(zeta) / beta),
        "unbounded: ζ^(p/β) → ∞ as p → −∞": sp.limit(sp.exp(-p * sp.log(1 + u) / beta), p, -sp.oo)
        == sp.oo,
        "unbounded: ζ^(−q/β) → ∞ as q → +∞": sp.limit(sp.exp(q * sp.log(1 + u) / beta), q, sp.oo)
        == sp.oo,
        "ζ = 1 is RoPE: Q(p) − B(pθ)": query(p).subs(u, 0) - _ccw(p * theta),
        "xPos's ζ_i = (2i + γd)/((1 + γ)d) < 1 for every pair i < d/2": bool(
            sp.simplify((1 + gamma) * 2 * half_d - (2 * pair_i + gamma * 2 * half_d)).is_positive
        ),
    }
    return Proof(
        "thm-xpos-excluded",
        "xPos's ζ^(p/β)B(pθ) and ζ^(−q/β)B(qθ) give the score ζ^((p−q)/β)⟨x, B((q−p)θ)y⟩; their "
        "shift has eigenvalues of modulus ζ^(k/β) ≠ 1, the unbounded modes the derivation excludes",
        {"eigenvalues of the shift by k": eigen},
        residuals,
    )


def _attention(x: sp.Matrix, a: sp.Matrix, v: sp.Matrix, *, causal: bool = False) -> sp.Matrix:
    """softmax(X A Xᵀ) X V, row by row; ``causal`` drops the keys after each query."""
    scores = (x * a * x.T).applyfunc(sp.expand)
    rows = []
    for r in range(x.rows):
        cols = range(r + 1) if causal else range(x.rows)
        total = sp.Add(*[sp.exp(scores[r, c]) for c in cols])
        weights = [sp.exp(scores[r, c]) / total if c in cols else 0 for c in range(x.rows)]
        rows.append(weights)
    return sp.Matrix(rows) * x * v


@register("thm-permutation-equivariance")
def thm_permutation_equivariance(tokens: int = 3) -> Proof:
    """Without positions and without a mask, attention is permutation-equivariant.

    In words: for any weights and any permutation matrix ``P``, ``Attn(P X) = P·Attn(X)``: the
    outputs move with the tokens and nothing else changes. So two equal tokens get equal
    outputs wherever they stand, and no stack of such layers can recover their order. A causal
    mask breaks the symmetry.

    Examples
    --------
    >>> thm_permutation_equivariance(tokens=2).verify()
    True
    """
    x = sp.Matrix(tokens, 2, lambda r, c: sp.Symbol(f"x_{r}{c}", real=True))
    a = sp.Matrix(2, 2, lambda r, c: sp.Symbol(f"a_{r}{c}", real=True))
    v = sp.Matrix(2, 2, lambda r, c: sp.Symbol(f"v_{r}{c}", real=True))
    out = _attention(x, a, v)
    residuals: dict[str, Any] = {}
    for perm in permutations(range(tokens)):
        pm = sp.zeros(tokens, tokens)
        for r, c in enumerate(perm):
            pm[r, c] = 1
        residuals[f"Attn(P X) − P Attn(X), P = {perm}"] = _attention(pm * x, a, v) - pm * out
    twin = x.copy()
    twin[tokens - 1, :] = x[0, :]  # the last token equals the first
    twins = _attention(twin, a, v)
    residuals["equal tokens 0 and last: equal outputs"] = twins[0, :] - twins[tokens - 1, :]
    swap = sp.Matrix(tokens, tokens, lambda r, c: 1 if (r + c == 1 or r == c > 1) else 0)
    residuals["a causal mask breaks it (swap of tokens 0 and 1)"] = differs(
        _attention(swap * x, a, v, causal=True) - swap * _attention(x, a, v, causal=True)
    )
    return Proof(
        "thm-permutation-equivariance",
        "without positions or mask, Attn(P X) = P Attn(X) for every permutation P: equal tokens "
        "get equal outputs; a causal mask breaks the symmetry",
        {},
        residuals,
    )


@register("thm-causal-counting")
def thm_causal_counting(tokens: int = 4) -> Proof:
    """With a causal mask, equal scores give the weights ``1/(p+1)``: the position leaks in.

    In words: query ``p`` sees the keys ``0 … p``; if all its scores are equal (for instance
    zero query weights), each weight is ``1/(p+1)``. If the token at position 0 is a marker
    whose value has a coordinate 1 where every other token has 0, the output at ``p`` carries
    ``1/(p+1)``, which is strictly decreasing, so it identifies ``p``. No position encoding is
    involved; this is how a causal model without one can still know where it is.

    Examples
    --------
    >>> thm_causal_counting(tokens=3).verify()
    True
    """
    pos = sp.Symbol("p", integer=True, nonnegative=True)
    j = sp.Symbol("j", integer=True, nonnegative=True)
    c = sp.Symbol("c", real=True)
    weight = sp.exp(c) / sp.Sum(sp.exp(c), (j, 0, pos)).doit()
    residuals: dict[str, Any] = {
        "any p: each of the p + 1 weights is 1/(p + 1)": sp.simplify(weight - 1 / (pos + 1)),
        "1/(p+1) − 1/(p+2) > 0: strictly decreasing in p": bool(
            sp.simplify(1 / (pos + 1) - 1 / (pos + 2)).is_positive
        ),
    }
    x = sp.Matrix(tokens, 2, lambda r, col: sp.Symbol(f"x_{r}{col}", real=True))
    marker = sp.Matrix(tokens, 1, lambda r, col: 1 if r == 0 else 0)
    values = x.row_join(marker)  # the last coordinate marks position 0
    out = _attention(values, sp.zeros(3, 3), sp.eye(3), causal=True)
    residuals[f"{tokens} tokens: marker coordinate of row p − 1/(p + 1)"] = sp.Matrix(
        [out[r, 2] - sp.Rational(1, r + 1) for r in range(tokens)]
    )
    unmasked = _attention(values, sp.zeros(3, 3), sp.eye(3))
    residuals[f"{tokens} tokens: without the mask every row gets 1/{tokens}"] = sp.Matrix(
        [unmasked[r, 2] - sp.Rational(1, tokens) for r in range(tokens)]
    )
    return Proof(
        "thm-causal-counting",
        "causal attention with equal scores weighs each of the keys 0 … p by 1/(p + 1); a marker "
        "at position 0 then reads out 1/(p + 1), which identifies p",
        {"weight": weight},
        residuals,
    )
