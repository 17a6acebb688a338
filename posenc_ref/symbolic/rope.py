"""Theorems about rotary position embedding (RoPE), proved with SymPy.

RoPE rotates plane ``k`` of a query or key at position ``p`` by the angle ``p·ω_k``:
counter-clockwise in RoFormer, Meta LLaMA, GPT-J, GPT-NeoX and Hugging Face
(``thm-rope-orientation``), clockwise in nanochat, which is the same model with sign-flipped
weights (``thm-rope-clockwise``). A plane is a pair of channels: ``(2k, 2k+1)`` in the
``interleaved`` layout (RoFormer, Meta LLaMA, GPT-J) and ``(k, k + d/2)`` in the ``half``
layout (GPT-NeoX, Hugging Face ``rotate_half``). Queries and keys are free real symbols,
frequencies free positive symbols ``ω_k`` unless ``base`` is given. Like :mod:`.sinusoidal`,
this module uses SymPy only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sympy as sp

from ._model import (
    DEFAULT_DIMS,
    _ccw,
    _check_d,
    _dims,
    _layout_tuple,
    _omegas,
    m_pairs,
    omega_i,
    pair_block,
    pair_i,
    rotation_matrix,
)
from ._proof import Proof, differs, register

__all__ = [
    "ORIENTATIONS",
    "ROPE_LAYOUTS",
    "ROPE_THEOREM_IDS",
    "differs",
    "rope_matrix",
    "rope_permutation_matrix",
    "rope_planes",
    "rope_sign_matrix",
    "thm_rope_clockwise",
    "thm_rope_decay_bound",
    "thm_rope_layouts",
    "thm_rope_norm",
    "thm_rope_orientation",
    "thm_rope_relative",
]

ROPE_LAYOUTS: tuple[str, ...] = ("interleaved", "half")
"""Which channels form plane ``k``: ``(2k, 2k+1)`` or ``(k, k + d/2)``."""

ROPE_THEOREM_IDS: tuple[str, ...] = (
    "thm-rope-relative",
    "thm-rope-norm",
    "thm-rope-layouts",
    "thm-rope-orientation",
    "thm-rope-clockwise",
    "thm-rope-decay-bound",
)
"""Ids of the RoPE theorems, in the order of the site."""

m, n, theta = sp.symbols("m n theta", real=True)
omega = sp.Symbol("omega", positive=True)


def _check_rope_layout(layout: Any) -> str:
    if layout not in ROPE_LAYOUTS:
        raise ValueError(f"layout: must be one of {ROPE_LAYOUTS}, got {layout!r}")
    return layout


def rope_planes(d: int, layout: str = "interleaved") -> tuple[tuple[int, int], ...]:
    """The channel pair ``(a, b)`` of each plane ``k = 0 … d/2 − 1``.

    Examples
    --------
    >>> rope_planes(6), rope_planes(6, "half")
    (((0, 1), (2, 3), (4, 5)), ((0, 3), (1, 4), (2, 5)))
    """
    d, layout = _check_d(d), _check_rope_layout(layout)
    h = d // 2
    if layout == "interleaved":
        return tuple((2 * k, 2 * k + 1) for k in range(h))
    return tuple((k, k + h) for k in range(h))


ORIENTATIONS: tuple[str, ...] = ("ccw", "cw")
"""Which way RoPE turns each plane: ``ccw`` by ``+pω`` (RoFormer, Meta, GPT-J, GPT-NeoX, HF),
``cw`` by ``−pω`` (nanochat)."""


def rope_matrix(
    p: Any,
    d: int,
    *,
    layout: str = "interleaved",
    omegas: Sequence[Any] | None = None,
    base: Any = None,
    orientation: str = "ccw",
) -> sp.Matrix:
    """The ``d × d`` matrix ``R_p`` RoPE applies at position ``p``.

    Plane ``k`` with channels ``(a, b)`` gets ``cos pω_k`` on the diagonal, ``−sin pω_k`` at
    ``(a, b)`` and ``+sin pω_k`` at ``(b, a)``: a counter-clockwise turn by ``pω_k``. With
    ``orientation="cw"`` the two signs swap: the clockwise turn by ``pω_k``
    (``thm-rope-clockwise``).

    Examples
    --------
    >>> import sympy as sp
    >>> p = sp.Symbol("p", real=True)
    >>> rope_matrix(p, 4, layout="half", base=10000)
    Matrix([
    [cos(p),          0, -sin(p),           0],
    [     0, cos(p/100),       0, -sin(p/100)],
    [sin(p),          0,  cos(p),           0],
    [     0, sin(p/100),       0,  cos(p/100)]])
    """
    d = _check_d(d)
    if orientation not in ORIENTATIONS:
        raise ValueError(f"orientation: must be one of {ORIENTATIONS}, got {orientation!r}")
    sign = 1 if orientation == "ccw" else -1
    ws = _omegas(d, omegas, base)
    p = sp.sympify(p)
    r = sp.zeros(d, d)
    for (a, b), w in zip(rope_planes(d, layout), ws, strict=True):
        r[a, a] = r[b, b] = sp.cos(p * w)
        r[a, b] = -sign * sp.sin(p * w)
        r[b, a] = sign * sp.sin(p * w)
    return r


def rope_sign_matrix(d: int, layout: str = "interleaved") -> sp.Matrix:
    """``S = diag(±1)`` flipping the second channel of every plane.

    ``diag(1, −1, 1, −1, …)`` in the interleaved layout, ``diag(1, …, 1, −1, …, −1)`` in the
    half layout. ``S·R_p·S`` is the clockwise ``R_p`` (``thm-rope-clockwise``).

    Examples
    --------
    >>> rope_sign_matrix(4).diagonal(), rope_sign_matrix(4, "half").diagonal()
    (Matrix([[1, -1, 1, -1]]), Matrix([[1, 1, -1, -1]]))
    """
    d = _check_d(d)
    sign = sp.eye(d)
    for _, b in rope_planes(d, layout):
        sign[b, b] = -1
    return sign


def rope_permutation_matrix(d: int) -> sp.Matrix:
    """``P`` with ``(P·v)[s·d/2 + k] = v[2k + s]``: interleaved channel order → half order.

    Applied to the rows of ``W_q`` and ``W_k`` of a head, it is Hugging Face's LLaMA
    conversion ``permute``.

    Examples
    --------
    >>> rope_permutation_matrix(4)
    Matrix([
    [1, 0, 0, 0],
    [0, 0, 1, 0],
    [0, 1, 0, 0],
    [0, 0, 0, 1]])
    """
    d = _check_d(d)
    h = d // 2
    perm = sp.zeros(d, d)
    for k in range(h):
        for s in (0, 1):
            perm[s * h + k, 2 * k + s] = 1
    return perm


def _vector(name: str, d: int) -> sp.Matrix:
    return sp.Matrix(sp.symbols(f"{name}_0:{d}", real=True))


def _layouts(layouts: str | Iterable[str]) -> tuple[str, ...]:
    return _layout_tuple(layouts, _check_rope_layout)


def _indexed_pair(name: str) -> sp.Matrix:
    return sp.Matrix(
        [
            sp.IndexedBase(f"{name}_a", real=True)[pair_i],
            sp.IndexedBase(f"{name}_b", real=True)[pair_i],
        ]
    )


_q2 = sp.Matrix(sp.symbols("q_a q_b", real=True))
_k2 = sp.Matrix(sp.symbols("k_a k_b", real=True))


@register("thm-rope-relative")
def thm_rope_relative(
    dims: int | Iterable[int] = DEFAULT_DIMS,
    *,
    layouts: str | Iterable[str] = ROPE_LAYOUTS,
    base: Any = None,
) -> Proof:
    """R1: the RoPE score depends on the positions only through their offset.

    In words: for every query ``q``, key ``k`` and positions ``m``, ``n``,
    ``⟨R_m q, R_n k⟩ = ⟨q, R_{n−m} k⟩``, because ``R_mᵀ R_n = R_{n−m}``. Since
    ``q = W_q x`` and ``k = W_k y`` for any learned matrices, this holds after the
    projections too — the property the sinusoidal sum lacks.

    Examples
    --------
    >>> proof = thm_rope_relative(4)
    >>> proof.verify()
    True
    >>> proof.objects["score of one plane"]  # Δ = n − m
    (k_a*q_a + k_b*q_b)*cos(Delta*omega) + (k_a*q_b - k_b*q_a)*sin(Delta*omega)
    """
    dims, layouts = _dims(dims), _layouts(layouts)
    qi, ki = _indexed_pair("q"), _indexed_pair("k")
    residuals: dict[str, Any] = {
        "plane (any ω): ⟨B(mω)q, B(nω)k⟩ − ⟨q, B((n−m)ω)k⟩": (_ccw(m * omega) * _q2).dot(
            _ccw(n * omega) * _k2
        )
        - _q2.dot(_ccw((n - m) * omega) * _k2),
        "plane: B(mω)ᵀB(nω) − B((n−m)ω)": _ccw(m * omega).T * _ccw(n * omega)
        - _ccw((n - m) * omega),
        "any d = 2M: Σ_i [⟨B(mω_i)q_i, B(nω_i)k_i⟩ − ⟨q_i, B((n−m)ω_i)k_i⟩]": sp.Sum(
            (_ccw(m * omega_i) * qi).dot(_ccw(n * omega_i) * ki)
            - qi.dot(_ccw((n - m) * omega_i) * ki),
            (pair_i, 0, m_pairs - 1),
        ),
    }
    for d in dims:
        ws = _omegas(d, None, base)
        q, k = _vector("q", d), _vector("k", d)
        for layout in layouts:
            r = lambda t, layout=layout, ws=ws, d=d: rope_matrix(t, d, layout=layout, omegas=ws)  # noqa: E731
            tag = f"d={d} {layout}"
            residuals[f"{tag}: ⟨R_m q, R_n k⟩ − ⟨q, R_(n−m) k⟩"] = (r(m) * q).dot(r(n) * k) - q.dot(
                r(n - m) * k
            )
            residuals[f"{tag}: R_mᵀR_n − R_(n−m)"] = r(m).T * r(n) - r(n - m)
    delta = sp.Symbol("Delta", real=True)
    score = sp.collect(
        sp.expand(_q2.dot(_ccw(delta * omega) * _k2)),
        [sp.cos(delta * omega), sp.sin(delta * omega)],
    )
    objects = {"score of one plane": score}
    return Proof(
        "thm-rope-relative",
        "⟨R_m q, R_n k⟩ = ⟨q, R_(n−m) k⟩ for all q, k, m, n: the score depends on n − m only",
        objects,
        residuals,
    )


@register("thm-rope-norm")
def thm_rope_norm(
    dims: int | Iterable[int] = DEFAULT_DIMS,
    *,
    layouts: str | Iterable[str] = ROPE_LAYOUTS,
    base: Any = None,
) -> Proof:
    """R2: RoPE preserves lengths: ``|R_p x| = |x|``, ``R_pᵀR_p = I``, ``det R_p = 1``.

    In words: the rotation changes the direction of each plane, never its length, so
    RoPE cannot scale attention scores up or down.

    Examples
    --------
    >>> thm_rope_norm(4).verify()
    True
    """
    dims, layouts = _dims(dims), _layouts(layouts)
    residuals: dict[str, Any] = {
        "plane (any ω): |B(pω)x|² − |x|²": (_ccw(m * omega) * _q2).dot(_ccw(m * omega) * _q2)
        - _q2.dot(_q2),
    }
    for d in dims:
        ws = _omegas(d, None, base)
        x = _vector("x", d)
        for layout in layouts:
            r = rope_matrix(m, d, layout=layout, omegas=ws)
            tag = f"d={d} {layout}"
            residuals[f"{tag}: |R_p x|² − |x|²"] = (r * x).dot(r * x) - x.dot(x)
            residuals[f"{tag}: R_pᵀR_p − I"] = r.T * r - sp.eye(d)
            residuals[f"{tag}: det R_p − 1"] = r.det(method="berkowitz") - 1
    return Proof(
        "thm-rope-norm", "|R_p x| = |x|: RoPE is a rotation (orthogonal, det 1)", {}, residuals
    )


@register("thm-rope-layouts")
def thm_rope_layouts(dims: int | Iterable[int] = (4, 6, 8), *, base: Any = None) -> Proof:
    """R3: the two layouts are one rotation in two channel orders, related by ``P``.

    In words: with ``P`` moving channel ``2k + s`` to ``s·d/2 + k``,
    ``R_p^half = P·R_p^interleaved·Pᵀ``. So if a model uses interleaved RoPE with
    weights ``W_q, W_k``, the half layout with ``P·W_q, P·W_k`` gives exactly the same
    scores: ``⟨R^h_m P q, R^h_n P k⟩ = ⟨R^i_m q, R^i_n k⟩``. Without the permutation the
    layouts differ (for ``d ≥ 4``): swapping the layout alone changes the model.

    Examples
    --------
    >>> proof = thm_rope_layouts(4)
    >>> proof.verify()
    True
    >>> proof.objects["P d=4"]
    Matrix([
    [1, 0, 0, 0],
    [0, 0, 1, 0],
    [0, 1, 0, 0],
    [0, 0, 0, 1]])
    """
    dims = _dims(dims)
    residuals: dict[str, Any] = {}
    objects: dict[str, Any] = {}
    for d in dims:
        ws = _omegas(d, None, base)
        perm = rope_permutation_matrix(d)
        q, k = _vector("q", d), _vector("k", d)
        ri = lambda t, ws=ws, d=d: rope_matrix(t, d, layout="interleaved", omegas=ws)  # noqa: E731
        rh = lambda t, ws=ws, d=d: rope_matrix(t, d, layout="half", omegas=ws)  # noqa: E731
        tag = f"d={d}"
        residuals[f"{tag}: PᵀP − I"] = perm.T * perm - sp.eye(d)
        residuals[f"{tag}: R^half_p − P·R^interleaved_p·Pᵀ"] = rh(m) - perm * ri(m) * perm.T
        residuals[f"{tag}: ⟨R^h_m Pq, R^h_n Pk⟩ − ⟨R^i_m q, R^i_n k⟩"] = (rh(m) * perm * q).dot(
            rh(n) * perm * k
        ) - (ri(m) * q).dot(ri(n) * k)
        residuals[f"{tag}: R^half_p ≠ R^interleaved_p (the layout alone is not a no-op)"] = differs(
            rh(m) - ri(m)
        )
        objects[f"P d={d}"] = perm
    return Proof(
        "thm-rope-layouts",
        "R^half_p = P·R^interleaved_p·Pᵀ: interleaved RoPE with (W_q, W_k) scores exactly like "
        "half RoPE with (P·W_q, P·W_k)",
        objects,
        residuals,
    )


@register("thm-rope-orientation")
def thm_rope_orientation() -> Proof:
    """R4: RoFormer, Meta, GPT-J, GPT-NeoX and Hugging Face turn each plane by ``+pω_k``.

    In words, for a plane ``(a, b)``: ``a' = a cos θ − b sin θ``, ``b' = b cos θ + a sin θ``
    with ``θ = pω_k``. This is what each family's code computes:

    - RoFormer / Meta LLaMA: ``(a + ib)·e^{iθ}`` (complex multiplication);
    - GPT-J ``rotate_every_two``: ``x·cos + (−x₁, x₀, −x₃, x₂, …)·sin``;
    - Hugging Face ``rotate_half``: ``x·cos + cat(−x₂, x₁)·sin`` (halves ``x₁, x₂``).

    The matrix ``[[cos θ, sin θ], [−sin θ, cos θ]]`` that some explainers write as the
    RoPE block is the clockwise turn, the transpose. With it the score becomes
    ``⟨q, R_(m−n) k⟩``, the mirror image in the offset: not what a checkpoint of these
    families computes, although a model trained with the clockwise block from the start is
    just as good (nanochat is one; ``thm-rope-clockwise``). In the sinusoidal table's
    (sin, cos) order the shift block of thm-shift is that clockwise matrix, so RoPE's ``R_p``
    is the table's shift matrix at ``−p``: both describe the point ``(cos pω, sin pω)``
    turning counter-clockwise.

    Examples
    --------
    >>> proof = thm_rope_orientation()
    >>> proof.verify()
    True
    >>> proof.objects["RoPE block"]
    Matrix([
    [cos(theta), -sin(theta)],
    [sin(theta),  cos(theta)]])
    """
    a, b = sp.symbols("a b", real=True)
    block = _ccw(theta)
    plane = sp.Matrix([a, b])
    z = sp.expand_complex((a + sp.I * b) * sp.exp(sp.I * theta))
    d = 4
    x = _vector("x", d)
    ws = sp.symbols(f"omega_0:{d // 2}", positive=True)
    cos_i = [sp.cos(m * ws[j // 2]) for j in range(d)]  # repeat_interleave
    sin_i = [sp.sin(m * ws[j // 2]) for j in range(d)]
    every_two = sp.Matrix([-x[1], x[0], -x[3], x[2]])
    gptj = sp.Matrix([x[j] * cos_i[j] + every_two[j] * sin_i[j] for j in range(d)])
    cos_h = [sp.cos(m * ws[j % 2]) for j in range(d)]  # cat(θ, θ)
    sin_h = [sp.sin(m * ws[j % 2]) for j in range(d)]
    half = sp.Matrix([-x[2], -x[3], x[0], x[1]])
    hf = sp.Matrix([x[j] * cos_h[j] + half[j] * sin_h[j] for j in range(d)])
    blog = sp.Matrix([[sp.cos(theta), sp.sin(theta)], [-sp.sin(theta), sp.cos(theta)]])
    blog_at = lambda t: blog.subs(theta, t * omega)  # noqa: E731
    ccw_score = (_ccw(m * omega) * _q2).dot(_ccw(n * omega) * _k2)
    blog_score = (blog_at(m) * _q2).dot(blog_at(n) * _k2)
    residuals: dict[str, Any] = {
        "complex (a+ib)e^{iθ} − B(θ)(a, b)": sp.Matrix([sp.re(z), sp.im(z)]) - block * plane,
        "GPT-J rotate_every_two form − R^interleaved_p x": gptj
        - rope_matrix(m, d, layout="interleaved", omegas=ws) * x,
        "HF rotate_half form − R^half_p x": hf - rope_matrix(m, d, layout="half", omegas=ws) * x,
        "B(θ) turns (1, 0) to (cos θ, sin θ)": block * sp.Matrix([1, 0])
        - sp.Matrix([sp.cos(theta), sp.sin(theta)]),
        "blog matrix − B(−θ) (clockwise)": blog - _ccw(-theta),
        "blog matrix − B(θ)ᵀ": blog - block.T,
        "with the blog matrix: score − ⟨q, R_(m−n) k⟩": blog_score
        - _q2.dot(_ccw((m - n) * omega) * _k2),
        "the blog score is not the RoPE score": differs(blog_score - ccw_score),
        "sinusoidal (sin, cos) shift block at θ − B(−θ)": pair_block(theta) - _ccw(-theta),
        "R^interleaved_p − (sinusoidal R(−p), interleaved)": rope_matrix(m, d, omegas=ws)
        - rotation_matrix(-m, d, layout="interleaved", omegas=ws),
        "R^half_p − (sinusoidal R(−p), sin|cos)": rope_matrix(m, d, layout="half", omegas=ws)
        - rotation_matrix(-m, d, layout="sin|cos", omegas=ws),
    }
    objects = {"RoPE block": block, "blog block": blog, "complex product": z}
    return Proof(
        "thm-rope-orientation",
        "RoFormer, Meta (complex), GPT-J (rotate_every_two) and HF (rotate_half) all turn each "
        "plane counter-clockwise by +pω_k; [[cos, sin], [−sin, cos]] is the clockwise transpose",
        objects,
        residuals,
    )


@register("thm-rope-clockwise")
def thm_rope_clockwise(
    dims: int | Iterable[int] = DEFAULT_DIMS,
    *,
    layouts: str | Iterable[str] = ROPE_LAYOUTS,
    base: Any = None,
) -> Proof:
    """R5: clockwise RoPE is counter-clockwise RoPE with sign-flipped weights.

    In words: let ``R^cw_p`` turn every plane clockwise by ``pω_i`` (nanochat's
    ``y1 = x1 cos + x2 sin``, ``y2 = −x1 sin + x2 cos``) and ``S`` flip the second channel of
    every plane (:func:`rope_sign_matrix`). Then ``S² = I`` and ``S·R_p·S = R^cw_p``, so a model
    trained with clockwise RoPE and weights ``(W_q, W_k)`` computes exactly the scores of
    counter-clockwise RoPE with ``(S·W_q, S·W_k)``:
    ``⟨R^cw_m q, R^cw_n k⟩ = ⟨R_m S q, R_n S k⟩``. Neither block is wrong; what changes the model
    is mixing them: the same weights under the other convention give the mirrored score
    ``⟨q, R_(m−n) k⟩`` instead of ``⟨q, R_(n−m) k⟩``.

    Examples
    --------
    >>> proof = thm_rope_clockwise(4)
    >>> proof.verify()
    True
    >>> proof.objects["S d=4 half"].diagonal()
    Matrix([[1, 1, -1, -1]])
    """
    dims, layouts = _dims(dims), _layouts(layouts)
    residuals: dict[str, Any] = {}
    objects: dict[str, Any] = {}
    for d in dims:
        ws = _omegas(d, None, base)
        q, k = _vector("q", d), _vector("k", d)
        for layout in layouts:
            sign = rope_sign_matrix(d, layout)

            def ccw(t: Any, layout: str = layout, ws: Any = ws, d: int = d) -> sp.Matrix:
                return rope_matrix(t, d, layout=layout, omegas=ws)

            def cw(t: Any, layout: str = layout, ws: Any = ws, d: int = d) -> sp.Matrix:
                return rope_matrix(t, d, layout=layout, omegas=ws, orientation="cw")

            score_cw = (cw(m) * q).dot(cw(n) * k)
            tag = f"d={d} {layout}"
            residuals[f"{tag}: S² − I"] = sign * sign - sp.eye(d)
            residuals[f"{tag}: R^cw_p − R_pᵀ"] = cw(m) - ccw(m).T
            residuals[f"{tag}: S·R_p·S − R^cw_p"] = sign * ccw(m) * sign - cw(m)
            residuals[f"{tag}: ⟨R^cw_m q, R^cw_n k⟩ − ⟨R_m Sq, R_n Sk⟩"] = score_cw - (
                ccw(m) * sign * q
            ).dot(ccw(n) * sign * k)
            residuals[f"{tag}: ⟨R^cw_m q, R^cw_n k⟩ − ⟨q, R_(m−n) k⟩"] = score_cw - q.dot(
                ccw(m - n) * k
            )
            residuals[f"{tag}: the same weights in the other convention change the scores"] = (
                differs(score_cw - (ccw(m) * q).dot(ccw(n) * k))
            )
            objects[f"S d={d} {layout}"] = sign
    # nanochat's apply_rotary_emb, written out for d = 4 (halves x1, x2; one angle per pair).
    ws = sp.symbols("omega_0:2", positive=True)
    x = _vector("x", 4)
    cos, sin = [sp.cos(m * w) for w in ws], [sp.sin(m * w) for w in ws]
    x1, x2 = x[:2], x[2:]
    y1 = [x1[j] * cos[j] + x2[j] * sin[j] for j in range(2)]
    y2 = [-x1[j] * sin[j] + x2[j] * cos[j] for j in range(2)]
    nanochat = sp.Matrix([*y1, *y2])
    residuals["nanochat apply_rotary_emb (half) − R^cw,half_p x"] = (
        nanochat - rope_matrix(m, 4, layout="half", omegas=ws, orientation="cw") * x
    )
    residuals["nanochat apply_rotary_emb (half) − R^half_(−p) x"] = (
        nanochat - rope_matrix(-m, 4, layout="half", omegas=ws) * x
    )
    objects["nanochat form d=4"] = nanochat
    return Proof(
        "thm-rope-clockwise",
        "S·R_p·S = R^cw_p with S = diag(±1) flipping each plane's second channel: clockwise RoPE "
        "with (W_q, W_k) scores exactly like counter-clockwise RoPE with (S·W_q, S·W_k)",
        objects,
        residuals,
    )


def _mean_cos(delta: int, d: int, base: Any) -> sp.Expr:
    ws = _omegas(d, None, base)
    return sp.Add(*[sp.cos(delta * w) for w in ws]) / (d // 2)


@register("thm-rope-decay-bound")
def thm_rope_decay_bound(sizes: int | Iterable[int] = (2, 3, 4, 6)) -> Proof:
    """R6: RoFormer's long-term decay is the decay of an upper bound, not of the score.

    In words: writing plane ``i`` of ``q`` and ``k`` as complex numbers ``u_i, v_i``, the
    score at offset ``Δ = n − m`` is ``Re Σ_i h_i z_i`` with ``h_i = conj(u_i)·v_i`` and
    ``z_i = e^{iΔω_i}``. Abel summation (with ``S_j = z_0 + … + z_{j−1}``, ``h_N = 0``)
    gives ``Σ_i h_i z_i = Σ_{j=1}^{N} S_j (h_{j−1} − h_j)``, hence
    ``|score| ≤ max_j |h_{j−1} − h_j| · Σ_j |S_j|`` (triangle inequality). RoFormer plots
    ``Σ_j |S_j| / N`` and calls its fall "long-term decay". The bound is positive
    (``|S_1| = 1``); the actual mean score ``(2/d) Σ_i cos(Δω_i)`` (for ``q = k`` with
    independent entries) is not monotone and turns negative: for ``d = 128`` and base
    10000 it rises from offset 11 to 12 and is negative at offset 1707.

    Parameters
    ----------
    sizes
        Numbers of planes ``N`` for the Abel summation identity.

    Examples
    --------
    >>> proof = thm_rope_decay_bound(sizes=3)
    >>> proof.verify()
    True
    >>> proof.objects["mean score d=128, Δ=1707"].evalf(4)
    -0.007796
    """
    sizes = (sizes,) if isinstance(sizes, int) else tuple(sizes)
    if not sizes or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes):
        raise ValueError(f"sizes: need positive ints, got {sizes!r}")
    residuals: dict[str, Any] = {}
    for size in sizes:
        h = sp.symbols(f"h_0:{size}")
        z = sp.symbols(f"z_0:{size}")
        hh = [*h, 0]  # h_N = 0
        partial = [sp.Add(*z[:j]) for j in range(size + 1)]  # S_0 = 0 … S_N
        abel = sp.Add(*[partial[j] * (hh[j - 1] - hh[j]) for j in range(1, size + 1)])
        residuals[f"N={size}: Σ h_i z_i − Σ_j S_j (h_(j−1) − h_j)"] = (
            sp.Add(*[hi * zi for hi, zi in zip(h, z, strict=True)]) - abel
        )
    ua, ub, va, vb, delta = sp.symbols("u_a u_b v_a v_b Delta", real=True)
    u, v = ua + sp.I * ub, va + sp.I * vb
    plane_score = sp.Matrix([ua, ub]).dot(_ccw(delta * omega) * sp.Matrix([va, vb]))
    residuals["plane: ⟨q, B(Δω)k⟩ − Re(conj(u)·v·e^{iΔω})"] = plane_score - sp.re(
        sp.expand_complex(sp.conjugate(u) * v * sp.exp(sp.I * delta * omega))
    )
    residuals["|S_1| = |e^{iΔω_0}| = 1"] = sp.Abs(sp.exp(sp.I * delta * omega)) - 1
    d, base = 128, 10000
    at_11, at_12, at_1707 = (_mean_cos(t, d, base) for t in (11, 12, 1707))
    residuals["d=128: mean score rises from Δ=11 to Δ=12"] = bool((at_12 - at_11).evalf(60) > 0)
    residuals["d=128: mean score at Δ=1707 is negative"] = bool(at_1707.evalf(60) < 0)
    objects = {
        "mean score d=128, Δ=11": at_11,
        "mean score d=128, Δ=12": at_12,
        "mean score d=128, Δ=1707": at_1707,
    }
    return Proof(
        "thm-rope-decay-bound",
        "|score| ≤ max|h_(j−1) − h_j|·Σ_j |S_j| (Abel summation): RoFormer's decay is that "
        "bound's; the mean score itself is not monotone and can be negative",
        objects,
        residuals,
    )
