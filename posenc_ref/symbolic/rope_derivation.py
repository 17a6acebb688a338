"""RoPE derived from the requirement that scores depend on the offset only; partial rotary.

RoFormer (Su et al., arXiv 2104.09864, §3.4.1) asks for position maps ``f_q(x, m)``,
``f_k(x, n)`` whose inner product depends on the two contents and on ``n − m`` only, and solves
for them in two dimensions with complex numbers. :func:`thm_rope_derived` checks that route and a
matrix form of it: if positions act on queries and keys by linear maps ``A(m)``, ``B(n)`` with
``A(0) = B(0) = I``, the requirement forces ``A(m) = M^m`` and ``B(n) = M^{-T n}``; a shared map
for queries and keys (``A = B``) forces ``M`` orthogonal, i.e. rotations (RoPE); the complex
maps ``ρ e^{iθ}`` with ``ρ ≠ 1`` are the scaled rotations xPos uses. :func:`thm_partial_rotary`
checks RoPE on the first ``r`` channels only. SymPy only, like the rest of this package.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sympy as sp

from ._model import _check_d
from ._proof import Proof, register
from .rope import ROPE_LAYOUTS, differs, rope_matrix

__all__ = [
    "ROPE_DERIVATION_THEOREM_IDS",
    "partial_rope_matrix",
    "thm_partial_rotary",
    "thm_rope_derived",
]

ROPE_DERIVATION_THEOREM_IDS: tuple[str, ...] = ("thm-rope-derived", "thm-partial-rotary")
"""Ids of the theorems of this module, in the order of the site."""

m, n, theta, phi = sp.symbols("m n theta phi", real=True)
rho = sp.Symbol("rho", positive=True)


def _ccw(t: Any) -> sp.Matrix:
    """The counter-clockwise rotation of the plane by ``t`` (RoPE's block, eq-rope)."""
    return sp.Matrix([[sp.cos(t), -sp.sin(t)], [sp.sin(t), sp.cos(t)]])


def _generic(name: str, size: int) -> sp.Matrix:
    return sp.Matrix(size, size, lambda r, c: sp.Symbol(f"{name}_{r}{c}", real=True))


def _zero(expr: sp.Matrix) -> sp.Matrix:
    """Put each entry over a common denominator (exact), so the checker sees plain polynomials."""
    return expr.applyfunc(lambda e: sp.cancel(sp.together(e)))


@register("thm-rope-derived")
def thm_rope_derived() -> Proof:
    """RoPE is what "the score depends on the contents and the offset only" leaves.

    In words, for linear position maps ``A(m)`` (queries) and ``B(n)`` (keys) with
    ``A(0) = B(0) = I`` and ``A(m)ᵀB(n) = G(n − m)`` for all integers ``m, n``:

    1. ``m = n`` gives ``A(m)ᵀB(m) = G(0) = I``, so ``B(m) = A(m)^{-T}``;
    2. ``n = m + 1`` gives ``A(m)ᵀB(m+1) = G(1) = B(1)``, so ``A(m+1) = A(m)·M`` with
       ``M = A(1)``: by induction (both ways) ``A(m) = M^m``, ``B(n) = (M^{-T})^n``;
    3. conversely every invertible ``M`` works: ``A(m)ᵀB(n) = (Mᵀ)^{m−n}``;
    4. the same map for queries and keys (``A = B``) means ``M = M^{-T}``: ``M`` is orthogonal.
       In the plane with ``det M = 1`` that is exactly the rotation ``B(θ)`` of eq-rope, so
       ``A(m) = B(mθ)``; in more dimensions an orthogonal ``M`` is a set of such rotations in
       some orthonormal basis, which the learned ``W_q, W_k`` absorb;
    5. RoFormer's complex maps ``a(m) = ρ^m e^{imθ}`` for queries and ``1/conj(a(n))`` for keys
       give the score factor ``ρ^{m−n} e^{i(n−m)θ}``; RoFormer picks ``ρ = 1`` (its eq. 27);
       ``ρ ≠ 1`` is xPos.

    Examples
    --------
    >>> proof = thm_rope_derived()
    >>> proof.verify()
    True
    >>> proof.objects["radial part: r(m+1) = ρ·r(m), r(0) = 1"]
    rho**m
    """
    two = sp.eye(2)
    p_mat, m_mat = _generic("P", 2), _generic("M", 2)
    n_mat = m_mat.inv().T  # B(1) = G(1) = A(1)^{-T}
    next_a = (p_mat.inv().T * n_mat).inv().T  # solves P^T X^{-T} = N for X = A(m+1)
    residuals: dict[str, Any] = {
        "step 1 (m = n): A(m)ᵀ·A(m)^(−T) − I": _zero(p_mat.T * p_mat.inv().T - two),
        "step 2 (n = m+1): the solution of A(m)ᵀX^(−T) = B(1) is X = A(m)·M": _zero(
            next_a - p_mat * m_mat
        ),
        "step 2: B(1) = M^(−T) makes A(1)ᵀB(1) = I": _zero(m_mat.T * n_mat - two),
    }
    for mm, nn in ((2, -1), (-1, 2), (3, 1), (0, 2)):
        lhs = (m_mat**mm).T * n_mat**nn
        residuals[f"step 3: A({mm})ᵀB({nn}) − (Mᵀ)^{mm - nn}"] = _zero(lhs - m_mat.T ** (mm - nn))
    # Step 4 in the plane: an orthogonal M with det 1 is a rotation.
    a, b, c, d = sp.symbols("a b c d", real=True)
    solved = sp.solve([a * b + c * d, a * d - b * c - 1], [b, d], dict=True)
    on_circle = {a: sp.cos(theta), c: sp.sin(theta)}
    residuals["step 4: MᵀM = I, det M = 1 ⇒ (b, d) = (−c, a) when a² + c² = 1"] = (
        len(solved) == 1
        and sp.simplify(solved[0][b].subs(on_circle) + sp.sin(theta)) == 0
        and sp.simplify(solved[0][d].subs(on_circle) - sp.cos(theta)) == 0
    )
    rot = _ccw(theta)
    residuals["step 4: B(θ) is its own inverse transpose (A = B is allowed)"] = (
        rot - rot.inv().T
    ).applyfunc(sp.simplify)
    residuals["step 4: A(m) = B(mθ) gives A(m)ᵀA(n) = B((n−m)θ)"] = _ccw(m * theta).T * _ccw(
        n * theta
    ) - _ccw((n - m) * theta)
    q_vec = sp.Matrix(sp.symbols("q_0 q_1", real=True))
    k_vec = sp.Matrix(sp.symbols("k_0 k_1", real=True))
    basis = _ccw(phi)
    residuals["step 4: an orthogonal change of basis Q is absorbed by W_q, W_k"] = (
        basis * _ccw(m * theta) * basis.T * q_vec
    ).dot(basis * _ccw(n * theta) * basis.T * k_vec) - (_ccw(m * theta) * basis.T * q_vec).dot(
        _ccw(n * theta) * basis.T * k_vec
    )
    # Step 5: RoFormer's complex route, with the radial part it sets to 1 kept free.
    a_m = rho**m * sp.exp(sp.I * m * theta)
    b_n = 1 / sp.conjugate(rho**n * sp.exp(sp.I * n * theta))
    residuals["step 5: conj(a(m))·b(n) − ρ^(m−n)·e^(i(n−m)θ)"] = sp.simplify(
        sp.conjugate(a_m) * b_n - rho ** (m - n) * sp.exp(sp.I * (n - m) * theta)
    )
    scaled_q, scaled_k = rho**m * _ccw(m * theta), rho ** (-n) * _ccw(n * theta)
    residuals["step 5 (real form): (ρ^m B(mθ))ᵀ ρ^(−n) B(nθ) − ρ^(m−n) B((n−m)θ)"] = (
        scaled_q.T * scaled_k - rho ** (m - n) * _ccw((n - m) * theta)
    )
    r_fn, f_fn = sp.Function("r"), sp.Function("phi")
    radial = sp.rsolve(r_fn(m + 1) - rho * r_fn(m), r_fn(m), {r_fn(0): 1})
    angular = sp.rsolve(f_fn(m + 1) - f_fn(m) - theta, f_fn(m), {f_fn(0): 0})
    residuals["step 5: the radial recurrence gives r(m) = ρ^m"] = sp.simplify(radial - rho**m)
    residuals["step 5: the angular recurrence gives φ(m) = mθ"] = sp.simplify(angular - m * theta)
    residuals["step 5: ρ ≠ 1 is not a rotation (the length changes)"] = differs(
        (scaled_q * q_vec).dot(scaled_q * q_vec) - q_vec.dot(q_vec)
    )
    objects = {
        "radial part: r(m+1) = ρ·r(m), r(0) = 1": radial,
        "angular part: φ(m+1) = φ(m) + θ, φ(0) = 0": angular,
        "orthogonal, det 1: (b, d) in terms of (a, c)": solved[0] if solved else None,
    }
    return Proof(
        "thm-rope-derived",
        "if A(0) = B(0) = I and A(m)ᵀB(n) depends on n − m only, then A(m) = M^m, "
        "B(n) = M^(−Tn); A = B forces M orthogonal (rotations: RoPE); ρ^m B(mθ) is xPos",
        objects,
        residuals,
    )


def partial_rope_matrix(
    p: Any,
    d: int,
    rotary_dim: int,
    *,
    layout: str = "interleaved",
    base: Any = None,
) -> sp.Matrix:
    """``diag(R_p, I)``: RoPE of width ``rotary_dim`` on the first channels, the rest unchanged.

    The rotated block is :func:`~posenc_ref.symbolic.rope_matrix` of width ``rotary_dim``, so
    its frequencies are ``base**(-2i/rotary_dim)`` (free symbols without ``base``), as in
    Hugging Face's ``partial_rotary_factor`` and GPT-NeoX's ``rotary_pct``.

    Examples
    --------
    >>> import sympy as sp
    >>> partial_rope_matrix(sp.Symbol("p"), 4, 2, base=10000)
    Matrix([
    [cos(p), -sin(p), 0, 0],
    [sin(p),  cos(p), 0, 0],
    [     0,       0, 1, 0],
    [     0,       0, 0, 1]])
    """
    d, r = _check_d(d), _check_d(rotary_dim)
    if r > d:
        raise ValueError(f"rotary_dim: must be <= d = {d}, got {r}")
    out = sp.eye(d)
    out[:r, :r] = rope_matrix(p, r, layout=layout, base=base)
    return out


@register("thm-partial-rotary")
def thm_partial_rotary(
    cases: Iterable[tuple[int, int]] = ((6, 4), (8, 4)),
    *,
    layouts: Iterable[str] = ROPE_LAYOUTS,
) -> Proof:
    """Partial rotary keeps the offset-only score on the rotated channels; the rest are blind.

    In words: with ``R'_m = diag(R_m, I)`` (RoPE of width ``r`` on the first ``r`` of ``d``
    channels), ``R'_mᵀR'_n = R'_(n−m)`` and ``⟨R'_m q, R'_n k⟩ = ⟨q_rot, R_(n−m) k_rot⟩ +
    ⟨q_pass, k_pass⟩``: a relative part and a part that does not see positions at all. The
    rotated block uses the frequencies of width ``r``, ``base**(-2i/r)``, not the first ``r/2``
    frequencies of width ``d``.

    Examples
    --------
    >>> thm_partial_rotary([(6, 4)], layouts=["half"]).verify()
    True
    """
    residuals: dict[str, Any] = {}
    for d, r in cases:
        q = sp.Matrix(sp.symbols(f"q_0:{d}", real=True))
        k = sp.Matrix(sp.symbols(f"k_0:{d}", real=True))
        for layout in layouts:
            rp = lambda t, d=d, r=r, layout=layout: partial_rope_matrix(t, d, r, layout=layout)  # noqa: E731
            tag = f"d={d} r={r} {layout}"
            residuals[f"{tag}: R'_mᵀR'_n − R'_(n−m)"] = rp(m).T * rp(n) - rp(n - m)
            residuals[f"{tag}: R'_pᵀR'_p − I"] = rp(m).T * rp(m) - sp.eye(d)
            rot = rope_matrix(n - m, r, layout=layout)
            split = (q[:r, :].T * rot * k[:r, :])[0] + q[r:, :].dot(k[r:, :])
            residuals[f"{tag}: score − (relative part + position-free part)"] = (rp(m) * q).dot(
                rp(n) * k
            ) - split
        if r >= 4:  # with one plane (r = 2) both lists start at ω_0 = 1
            narrow = rope_matrix(m, r, base=10000)
            wide = rope_matrix(m, d, base=10000)[:r, :r]
            residuals[f"d={d} r={r}: the frequencies of width r are not the first r/2 of d"] = (
                differs(narrow - wide)
            )
    return Proof(
        "thm-partial-rotary",
        "R'_m = diag(R_m, I): ⟨R'_m q, R'_n k⟩ = ⟨q_rot, R_(n−m) k_rot⟩ + ⟨q_pass, k_pass⟩; "
        "the rotated block uses base^(−2i/r)",
        {},
        residuals,
    )
