"""Theorems T1–T7 about the sinusoidal encoding, proved with SymPy.

Each ``thm_*`` function builds its statement symbolically and returns a
:class:`~posenc_ref.symbolic.Proof`; ``proof.verify()`` is ``True`` only when every
residual simplifies to exactly zero. Widths are concrete (``dims``), frequencies are
free positive symbols ``ω_i`` unless ``base`` is given; one-pair statements use a
single free ``ω`` and therefore hold for every width, since all the matrices involved
act on each (sin, cos) pair separately.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sympy as sp

from ._model import (
    DEFAULT_DIMS,
    LAYOUTS,
    _ccw,
    _check_layout,
    _dims,
    _layout_tuple,
    _omegas,
    _sum_pairs,
    layout_permutation,
    m_pairs,
    omega_i,
    pair_block,
    pe_vector,
    rotation_matrix,
)
from ._proof import Proof, differs, register

__all__ = [
    "THEOREM_IDS",
    "thm_dot",
    "thm_group",
    "thm_isometry",
    "thm_norm",
    "thm_shift",
    "thm_sin_only",
    "thm_wavelengths",
]

THEOREM_IDS: tuple[str, ...] = (
    "thm-shift",
    "thm-group",
    "thm-dot",
    "thm-norm",
    "thm-isometry",
    "thm-sin-only",
    "thm-wavelengths",
)
"""Ids of the theorems in this module, in the order of the site."""

p, q, k, a, b, delta = sp.symbols("p q k a b Delta", real=True)
omega = sp.Symbol("omega", positive=True)


def _layouts(layouts: str | Iterable[str]) -> tuple[str, ...]:
    return _layout_tuple(layouts, _check_layout)


def _pair(x: Any, w: Any = omega) -> sp.Matrix:
    """One pair in the paper's order: (sin(w·x), cos(w·x))."""
    return sp.Matrix([sp.sin(w * x), sp.cos(w * x)])


@register("thm-shift")
def thm_shift(
    dims: int | Iterable[int] = DEFAULT_DIMS,
    *,
    layouts: str | Iterable[str] = LAYOUTS,
    base: Any = None,
) -> Proof:
    """T1: a shift by ``k`` positions is a fixed linear map, ``PE(p+k) = R(k)·PE(p)``.

    In words: for every offset ``k`` there is one matrix ``R(k)``, the same for all
    positions ``p``, that turns the encoding of ``p`` into the encoding of ``p + k``.
    It is block diagonal with one 2 × 2 block per pair. In the paper's component
    order (sin, cos) the block is ``[[cos kω, sin kω], [−sin kω, cos kω]]``: a rotation
    by ``−kω`` of the vector (sin, cos), which is the same as a counter-clockwise
    rotation by ``+kω`` of the point (cos, sin). In the ``cos|sin`` layout the block
    is therefore the standard rotation ``[[cos kω, −sin kω], [sin kω, cos kω]]``.

    Parameters
    ----------
    dims
        Concrete widths to prove the full-vector statement for.
    layouts
        Layouts to prove it in (default: all of :data:`LAYOUTS`).
    base
        If given, use ``ω_i = base**(-2i/d)`` instead of free symbols.

    Examples
    --------
    >>> proof = thm_shift(4)
    >>> proof.statement
    'PE(p+k) = R(k)·PE(p) with R(k) block diagonal (one 2×2 block per pair), independent of p'
    >>> proof.verify()
    True
    >>> proof.objects["block (sin, cos)"]
    Matrix([
    [ cos(k*omega), sin(k*omega)],
    [-sin(k*omega), cos(k*omega)]])
    """
    dims, layouts = _dims(dims), _layouts(layouts)
    block = pair_block(k * omega)
    swap = sp.Matrix([[0, 1], [1, 0]])
    residuals: dict[str, Any] = {
        "pair (any ω): (sin, cos)(p+k) − B(kω)·(sin, cos)(p)": _pair(p + k) - block * _pair(p),
        "pair: B(kω) is a rotation by −kω of (sin, cos)": block - _ccw(-k * omega),
        "pair: in (cos, sin) order B is a CCW rotation by +kω": swap * block * swap
        - _ccw(k * omega),
        "pair: cos|sin block is the standard rotation by +kω": pair_block(k * omega, "cos|sin")
        - _ccw(k * omega),
        "pair: B(kω) does not depend on p": p not in block.free_symbols,
        "any d, every pair i: (sin, cos)(ω_i(p+k)) − B(kω_i)·(sin, cos)(ω_i p)": _pair(
            p + k, omega_i
        )
        - pair_block(k * omega_i) * _pair(p, omega_i),
    }
    objects: dict[str, Any] = {"block (sin, cos)": block, "block (cos, sin)": swap * block * swap}
    objects |= {f"block {layout}": pair_block(k * omega, layout) for layout in LAYOUTS}
    for d in dims:
        ws = _omegas(d, None, base)
        blocks = sp.diag(*[pair_block(k * w) for w in ws])
        for layout in layouts:
            pe = pe_vector(p, d, layout=layout, omegas=ws)
            pe_k = pe_vector(p + k, d, layout=layout, omegas=ws)
            rot = rotation_matrix(k, d, layout=layout, omegas=ws)
            perm = layout_permutation(d, layout)
            tag = f"d={d} {layout}"
            residuals[f"{tag}: PE(p+k) − R(k)·PE(p)"] = pe_k - rot * pe
            residuals[f"{tag}: R(k) does not depend on p"] = p not in rot.free_symbols
            residuals[f"{tag}: R(k) − P·diag(B(kω_i))·Pᵀ"] = rot - perm * blocks * perm.T
            residuals[f"{tag}: PE_layout − P·PE_interleaved"] = pe - perm * pe_vector(
                p, d, omegas=ws
            )
            objects[f"R(k) d={d} {layout}"] = rot
    return Proof(
        "thm-shift",
        "PE(p+k) = R(k)·PE(p) with R(k) block diagonal (one 2×2 block per pair), independent of p",
        objects,
        residuals,
    )


@register("thm-group")
def thm_group(
    dims: int | Iterable[int] = DEFAULT_DIMS,
    *,
    layouts: str | Iterable[str] = LAYOUTS,
    base: Any = None,
) -> Proof:
    """T2: the shift matrices form a group isomorphic to the additive offsets.

    In words: shifting by ``a`` then by ``b`` is shifting by ``a + b``
    (``R(a)R(b) = R(a+b)``); shifting by 0 does nothing (``R(0) = I``); shifting back
    undoes a shift, and the inverse is the transpose (``R(k)ᵀ = R(−k) = R(k)⁻¹``); and
    every ``R(k)`` is a proper rotation (``det R(k) = 1``).

    Examples
    --------
    >>> thm_group(2).verify()
    True
    """
    dims, layouts = _dims(dims), _layouts(layouts)
    residuals: dict[str, Any] = {}
    objects: dict[str, Any] = {}

    def add(tag: str, rot: Any, size: int) -> None:
        eye = sp.eye(size)
        residuals[f"{tag}: R(a)R(b) − R(a+b)"] = rot(a) * rot(b) - rot(a + b)
        residuals[f"{tag}: R(0) − I"] = rot(0) - eye
        residuals[f"{tag}: R(k)ᵀ − R(−k)"] = rot(k).T - rot(-k)
        residuals[f"{tag}: R(k)·R(−k) − I"] = rot(k) * rot(-k) - eye
        residuals[f"{tag}: det R(k) − 1"] = rot(k).det(method="berkowitz") - 1

    add("pair (any ω)", lambda t: pair_block(t * omega), 2)
    for d in dims:
        ws = _omegas(d, None, base)
        for layout in layouts:
            add(
                f"d={d} {layout}",
                lambda t, d=d, layout=layout, ws=ws: rotation_matrix(
                    t, d, layout=layout, omegas=ws
                ),
                d,
            )
    objects["B(a)B(b)"] = pair_block(a * omega) * pair_block(b * omega)
    return Proof(
        "thm-group",
        "R(a)R(b) = R(a+b), R(0) = I, R(k)ᵀ = R(−k) = R(k)⁻¹, det R(k) = 1",
        objects,
        residuals,
    )


@register("thm-dot")
def thm_dot(
    dims: int | Iterable[int] = DEFAULT_DIMS,
    *,
    layouts: str | Iterable[str] = LAYOUTS,
    base: Any = None,
) -> Proof:
    """T3: ``PE(p)·PE(q) = Σ_i cos(ω_i (p − q))``, a function of ``p − q`` only, even.

    In words: the dot product of two encodings depends only on the offset
    ``Δ = p − q`` between the positions, and it is the same for ``+Δ`` and ``−Δ``
    (so on its own it cannot tell "before" from "after"). The layout does not matter.

    Examples
    --------
    >>> proof = thm_dot(4)
    >>> proof.verify()
    True
    >>> proof.objects["f(Δ) d=4"]
    cos(Delta*omega_0) + cos(Delta*omega_1)
    """
    dims, layouts = _dims(dims), _layouts(layouts)
    residuals: dict[str, Any] = {
        "pair (any ω): sin(ωp)sin(ωq) + cos(ωp)cos(ωq) − cos(ω(p−q))": _pair(p).dot(_pair(q))
        - sp.cos(omega * (p - q)),
        "any d = 2M: Σ_i [sin sin + cos cos] − Σ_i cos(ω_i (p−q))": _sum_pairs(
            _pair(p, omega_i).dot(_pair(q, omega_i))
        )
        - _sum_pairs(sp.cos(omega_i * (p - q))),
        "any d = 2M: f(Δ) − f(−Δ)": _sum_pairs(sp.cos(omega_i * delta))
        - _sum_pairs(sp.cos(omega_i * -delta)),
    }
    objects: dict[str, Any] = {"f(Δ), any d = 2M": _sum_pairs(sp.cos(omega_i * delta))}
    for d in dims:
        ws = _omegas(d, None, base)
        f = sum((sp.cos(w * delta) for w in ws), sp.Integer(0))
        objects[f"f(Δ) d={d}"] = f
        residuals[f"d={d}: f(Δ) − f(−Δ)"] = f - f.subs(delta, -delta)
        for layout in layouts:
            dot = pe_vector(p, d, layout=layout, omegas=ws).dot(
                pe_vector(q, d, layout=layout, omegas=ws)
            )
            tag = f"d={d} {layout}"
            residuals[f"{tag}: PE(p)·PE(q) − f(p−q)"] = dot - f.subs(delta, p - q)
            # With q = p − Δ the dot product must not move when p moves.
            residuals[f"{tag}: ∂/∂p PE(p)·PE(p−Δ)"] = sp.diff(dot.subs(q, p - delta), p)
    return Proof(
        "thm-dot",
        "PE(p)·PE(q) = Σ_i cos(ω_i (p−q)): a function of p−q only, even in p−q",
        objects,
        residuals,
    )


@register("thm-norm")
def thm_norm(
    dims: int | Iterable[int] = DEFAULT_DIMS,
    *,
    layouts: str | Iterable[str] = LAYOUTS,
    base: Any = None,
) -> Proof:
    """T4: every encoding has the same length, ``|PE(p)|² = d/2``.

    In words: each (sin, cos) pair is a point on the unit circle, so it contributes
    exactly 1 to the squared norm, and there are ``d/2`` pairs.

    Examples
    --------
    >>> thm_norm(6).verify()
    True
    """
    dims, layouts = _dims(dims), _layouts(layouts)
    residuals: dict[str, Any] = {
        "pair (any ω): sin²(ωp) + cos²(ωp) − 1": _pair(p).dot(_pair(p)) - 1,
        "any d = 2M: Σ_i [sin²(ω_i p) + cos²(ω_i p)] − d/2": _sum_pairs(
            _pair(p, omega_i).dot(_pair(p, omega_i))
        )
        - (2 * m_pairs) / 2,
    }
    for d in dims:
        ws = _omegas(d, None, base)
        for layout in layouts:
            v = pe_vector(p, d, layout=layout, omegas=ws)
            residuals[f"d={d} {layout}: |PE(p)|² − d/2"] = v.dot(v) - sp.Rational(d, 2)
    return Proof("thm-norm", "|PE(p)|² = d/2 for every position p", {}, residuals)


@register("thm-isometry")
def thm_isometry(sizes: int | Iterable[int] = (2, 3)) -> Proof:
    """T5: if ``PE(p)·PE(q)`` depends only on ``p − q``, the shift is an isometry: circles.

    In words, for any code ``PE`` on positions ``p = 0, 1, 2, …`` (no negative positions, no
    boundedness assumed) with ``PE(p)·PE(q) = f(p − q)``:

    1. The Gram matrix of ``PE(1), …, PE(N)`` equals that of ``PE(0), …, PE(N−1)``, so
       ``⟨Σ a_p PE(p+1), Σ b_q PE(q+1)⟩ = ⟨Σ a_p PE(p), Σ b_q PE(q)⟩`` for all coefficients:
       ``PE(p) ↦ PE(p+1)`` extends to a well-defined linear map ``M`` of ``V = span PE`` (a
       combination that vanishes stays zero) that preserves inner products, an orthogonal map
       of ``V``.
    2. An orthogonal map of a real space has, in an orthonormal basis, ``2 × 2`` blocks and
       ``±1`` entries on the diagonal (linear algebra, not re-proved here); each ``2 × 2``
       orthogonal block with determinant 1 is a rotation ``B(θ)``, one with determinant
       ``−1`` a reflection with eigenvalues ``±1``.
    3. ``PE(p) = M^p PE(0)``, and the orbit of a rotation block is a point turning on a
       circle: ``B(θ)·r(cos(θp + φ), sin(θp + φ)) = r(cos(θ(p+1) + φ), sin(θ(p+1) + φ))``;
       eigenvalue ``1`` gives a constant, ``−1`` an alternating ``(−1)^p`` coordinate, whose
       products also depend on ``p − q`` only.
    4. Nothing more is forced: any radii ``r_j``, phases ``φ_j``, frequencies ``θ_j`` and
       any rotation of the coordinates give ``PE(p)·PE(q) = Σ_j r_j² cos(θ_j (p − q))``.

    Counterexamples show what the assumption adds to a linear shift alone:
    ``(sin p, sin p + cos p)`` shifts linearly but traces an ellipse, and ``ρ^p`` (``0 < ρ < 1``)
    shifts linearly but decays; neither has a dot product that depends on ``p − q`` only.
    xPos keeps a decay on purpose by scaling queries by ``ζ^m`` and keys by ``ζ^(−n)``, which
    makes the score ``ζ^(m−n)⟨q, B((n−m)ω) k⟩``, again a function of the offset.

    Parameters
    ----------
    sizes
        Numbers of positions ``N`` for the Gram-matrix statement.

    Examples
    --------
    >>> proof = thm_isometry(sizes=2)
    >>> proof.verify()
    True
    >>> proof.objects["rotation block from BᵀB = I, det B = 1"]
    Matrix([
    [cos(t), -sin(t)],
    [sin(t),  cos(t)]])
    """
    sizes = _positive_ints(sizes, "sizes")
    f = sp.Function("f")
    residuals: dict[str, Any] = {}
    for size in sizes:
        coeff_a = sp.symbols(f"a_0:{size}", real=True)
        coeff_b = sp.symbols(f"b_0:{size}", real=True)
        # ⟨PE(p + s), PE(q + s)⟩ = f((p + s) − (q + s)): the Gram matrix of N rows from row s.
        gram = sp.Matrix(size, size, lambda i, j: f(i - j))
        shifted = sp.Matrix(size, size, lambda i, j: f((i + 1) - (j + 1)))
        a_vec, b_vec = sp.Matrix(coeff_a), sp.Matrix(coeff_b)
        residuals[f"N={size}: Gram(PE(1…N)) − Gram(PE(0…N−1))"] = shifted - gram
        residuals[f"N={size}: ⟨Σa_p PE(p+1), Σb_q PE(q+1)⟩ − ⟨Σa_p PE(p), Σb_q PE(q)⟩"] = (
            a_vec.T * shifted * b_vec - a_vec.T * gram * b_vec
        )
    # An orthonormal first column (cos t, sin t) fixes the second one up to the determinant.
    t, theta, phi, radius = sp.symbols("t theta phi r", real=True)
    x12, x22 = sp.symbols("x_12 x_22", real=True)
    blocks: dict[int, sp.Matrix] = {}
    for det in (1, -1):
        eqs = [sp.cos(t) * x12 + sp.sin(t) * x22, sp.cos(t) * x22 - sp.sin(t) * x12 - det]
        # linsolve leaves the factor 1/(cos² t + sin² t) in place: the checker has to remove it.
        ((col_top, col_bottom),) = sp.linsolve(eqs, [x12, x22])
        blocks[det] = sp.Matrix([[sp.cos(t), col_top], [sp.sin(t), col_bottom]])
    lam = sp.Symbol("lambda")
    residuals["BᵀB = I, det B = 1: B − B(t) (a rotation)"] = blocks[1] - _ccw(t)
    residuals["BᵀB = I, det B = −1: B − [[cos t, sin t], [sin t, −cos t]]"] = blocks[
        -1
    ] - sp.Matrix([[sp.cos(t), sp.sin(t)], [sp.sin(t), -sp.cos(t)]])
    reflection_poly = (lam * sp.eye(2) - blocks[-1]).det(method="berkowitz")
    residuals["det B = −1: characteristic polynomial − (λ² − 1), eigenvalues ±1"] = (
        reflection_poly - (lam**2 - 1)
    )

    def circle(x: Any, th: Any = theta, ph: Any = phi, r: Any = radius) -> sp.Matrix:
        return r * sp.Matrix([sp.cos(th * x + ph), sp.sin(th * x + ph)])

    residuals["orbit: B(θ)·c(p) − c(p+1), c(p) = r(cos(θp + φ), sin(θp + φ))"] = _ccw(
        theta
    ) * circle(p) - circle(p + 1)
    residuals["orbit: |c(p)|² − r² (a circle)"] = circle(p).dot(circle(p)) - radius**2
    pi, qi = sp.symbols("p q", integer=True)
    residuals["eigenvalue −1: (−1)^p (−1)^q − (−1)^(p−q)"] = (-1) ** pi * (-1) ** qi - (-1) ** (
        pi - qi
    )
    # Two circles with free radii, phases and frequencies, mixed by a rotation Q of the basis.
    r1, r2, f1, f2, t1, t2 = sp.symbols("r_1 r_2 phi_1 phi_2 theta_1 theta_2", real=True)
    alpha = sp.Symbol("alpha", real=True)

    def code(x: Any) -> sp.Matrix:
        u = sp.Matrix([*circle(x, t1, f1, r1), *circle(x, t2, f2, r2)])
        mix = sp.eye(4)
        mix[0, 0], mix[0, 2], mix[2, 0], mix[2, 2] = (
            sp.cos(alpha),
            -sp.sin(alpha),
            sp.sin(alpha),
            sp.cos(alpha),
        )
        return mix * u

    residuals["any r_j, φ_j, θ_j, any rotation Q: (Qu(p))·(Qu(q)) − Σ r_j² cos(θ_j(p−q))"] = (
        code(p).dot(code(q)) - r1**2 * sp.cos(t1 * (p - q)) - r2**2 * sp.cos(t2 * (p - q))
    )
    # Counterexamples: a linear shift alone allows ellipses and decay.
    ellipse = sp.Matrix([sp.sin(p), sp.sin(p) + sp.cos(p)])
    skew = sp.Matrix([[1, 0], [1, 1]])
    residuals["ellipse (sin p, sin p + cos p): E(p+k) − C·B(k)ᵀ·C⁻¹·E(p)"] = (
        ellipse.subs(p, p + k) - skew * _ccw(k).T * skew.inv() * ellipse
    )
    ellipse_dot = ellipse.dot(ellipse.subs(p, q))
    residuals["ellipse: E(p)·E(q) is not a function of p − q"] = differs(
        ellipse_dot - ellipse_dot.subs({p: p + 1, q: q + 1})
    )
    rho = 1 / (1 + sp.Symbol("beta", positive=True))  # any 0 < ρ < 1
    decay_dot = rho**p * rho**q
    residuals["decay ρ^p: ρ^(p+1) − ρ·ρ^p (a linear shift)"] = rho ** (p + 1) - rho * rho**p
    residuals["decay ρ^p: ρ^p·ρ^q at (1, 1) is below its value at (0, 0)"] = bool(
        sp.factor(decay_dot.subs({p: 1, q: 1}) - decay_dot.subs({p: 0, q: 0})).is_negative
    )
    zeta, m, n = sp.Symbol("zeta", positive=True), *sp.symbols("m n", real=True)
    qv = sp.Matrix(sp.symbols("q_a q_b", real=True))
    kv = sp.Matrix(sp.symbols("k_a k_b", real=True))
    xpos_score = (zeta**m * _ccw(m * omega) * qv).dot(zeta ** (-n) * _ccw(n * omega) * kv)
    residuals["xPos: ⟨ζ^m B(mω)q, ζ^(−n) B(nω)k⟩ − ζ^(m−n)⟨q, B((n−m)ω)k⟩"] = xpos_score - zeta ** (
        m - n
    ) * qv.dot(_ccw((n - m) * omega) * kv)
    objects: dict[str, Any] = {
        "rotation block from BᵀB = I, det B = 1": sp.trigsimp(blocks[1]),
        "reflection block from BᵀB = I, det B = −1": sp.trigsimp(blocks[-1]),
        "dot product of two free circles": r1**2 * sp.cos(t1 * (p - q))
        + r2**2 * sp.cos(t2 * (p - q)),
        "ellipse: E(p)·E(q)": sp.simplify(ellipse_dot),
    }
    return Proof(
        "thm-isometry",
        "if PE(p)·PE(q) depends only on p − q (p, q ≥ 0), the shift is an isometry of span PE: "
        "up to an orthogonal change of basis, circles r_j(cos(θ_j p + φ_j), sin(θ_j p + φ_j)) "
        "plus constant or (−1)^p coordinates, with r_j, φ_j, θ_j and the order free",
        objects,
        residuals,
    )


def _positive_ints(values: int | Iterable[int], name: str) -> tuple[int, ...]:
    out = (values,) if isinstance(values, int) else tuple(values)
    if not out or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in out):
        raise ValueError(f"{name}: need positive ints, got {values!r}")
    return out


def _scalar_only(func: type[sp.Function]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Residuals for 'f(ω(p+k)) = c·f(ωp) for all p' with f = sin or cos, c free of p."""
    c = sp.Symbol("c")
    n = sp.Symbol("n", integer=True)
    name = func.__name__

    def eq(x: Any) -> Any:
        return func(omega * (x + k)) - c * func(omega * x)

    # A zero of f kills c and exposes the obstruction; a zero of the other function fixes c.
    p_kill, p_fix = (0, sp.pi / (2 * omega)) if func is sp.sin else (sp.pi / (2 * omega), 0)
    obstruction = sp.sin(k * omega) if func is sp.sin else -sp.sin(k * omega)
    leftover = sp.sin(k * omega) * (sp.cos(omega * p) if func is sp.sin else -sp.sin(omega * p))
    # Expand sin/cos of the sum so sin(π/2 + kω) becomes cos(kω) before solving.
    solved = sp.solveset(sp.expand_trig(sp.expand(eq(p_fix))), c)
    both = sp.linsolve([sp.expand_trig(sp.expand(eq(x))) for x in (p_kill, p_fix)], [c])
    residuals: dict[str, Any] = {
        f"{name}-only: at p={p_kill} the identity reads {obstruction} = 0": eq(p_kill)
        - obstruction,
        f"{name}-only: at p={p_fix} the only c is cos(kω)": solved
        == sp.FiniteSet(sp.cos(k * omega)),
        f"{name}-only: the two equations have no solution c for generic kω": both == sp.EmptySet,
        f"{name}-only: with c = cos(kω) the defect is {leftover}": eq(p).subs(c, sp.cos(k * omega))
        - leftover,
        f"{name}-only: if kω = nπ then c = cos(nπ) works for all p": eq(p)
        .subs(c, sp.cos(n * sp.pi))
        .subs(k, n * sp.pi / omega),
        f"{name}-only: if kω = nπ then c = ±1": sp.cos(n * sp.pi) ** 2 - 1,
    }
    objects = {f"{name}: solve set at p={p_fix}": solved, f"{name}: solve set of both": both}
    return residuals, objects


def _vector_only(func: type[sp.Function], m: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Residuals for 'F(p+k) = M·F(p) for all p', F = (f(ω_0 p), …, f(ω_{m−1} p))."""
    ws = sp.symbols(f"omega_0:{m}", positive=True)
    mat = sp.Matrix(m, m, lambda j, col: sp.Symbol(f"M_{j}{col}"))
    unknowns = list(mat)
    name = func.__name__
    vec = sp.Matrix([func(w * p) for w in ws])
    defect = vec.subs(p, p + k) - mat * vec
    # Write the defect in the basis {sin(ω_l p), cos(ω_l p)} of functions of p.
    sin_b = sp.symbols(f"s_0:{m}")
    cos_b = sp.symbols(f"c_0:{m}")
    basis = {sp.sin(w * p): s for w, s in zip(ws, sin_b, strict=True)}
    basis |= {sp.cos(w * p): c for w, c in zip(ws, cos_b, strict=True)}
    coords = [sp.expand(sp.expand_trig(sp.expand(e))).xreplace(basis) for e in defect]
    equations = [sp.expand(e).coeff(x) for e in coords for x in (*sin_b, *cos_b)]
    equations = [e for e in equations if e != 0]
    free_of_m = {e for e in equations if not e.free_symbols & set(unknowns)}
    sign = 1 if func is sp.sin else -1
    expected = {sign * sp.sin(w * k) for w in ws}
    generic = sp.linsolve(equations, unknowns)
    at_zero = {sp.sin(w * k): 0 for w in ws}
    special = sp.linsolve([e.subs(at_zero) for e in equations], unknowns)
    diag = sp.diag(*[sp.cos(w * k) for w in ws])
    # Linear independence of the basis: its Wronskian at p = 0 is a non-zero constant
    # times Π ω_l · Π_{l<j} (ω_l² − ω_j²)², non-zero for distinct positive ω.
    fs = [g(w * p) for w in ws for g in (sp.sin, sp.cos)]
    wronskian = sp.Matrix(2 * m, 2 * m, lambda r, col: sp.diff(fs[col], p, r).subs(p, 0)).det()
    vandermonde = sp.Mul(*ws) * sp.Mul(
        *[(ws[x] ** 2 - ws[y] ** 2) ** 2 for x in range(m) for y in range(x + 1, m)]
    )
    ratio = sp.cancel(wronskian / vandermonde)
    tag = f"{name}-only vector, {m} frequencies"
    residuals: dict[str, Any] = {
        f"{tag}: defect lies in span{{sin(ω_l p), cos(ω_l p)}}": all(
            p not in e.free_symbols for e in coords
        ),
        f"{tag}: basis is independent (Wronskian ≠ 0)": ratio.is_number and ratio != 0,
        f"{tag}: equations free of M are exactly sin(ω_j k) = 0": free_of_m == expected,
        f"{tag}: no M for generic k": generic == sp.EmptySet,
        f"{tag}: if all sin(ω_j k) = 0, M = diag(cos ω_j k) only": special
        == sp.FiniteSet(tuple(diag)),
    }
    objects = {f"{tag}: equations": equations, f"{tag}: Wronskian(0)": sp.factor(wronskian)}
    return residuals, objects


@register("thm-sin-only")
def thm_sin_only(vector_sizes: int | Iterable[int] = (1, 2, 3)) -> Proof:
    """T6: sines alone (or cosines alone) admit no position-independent shift map.

    In words: there is no number ``c`` independent of ``p`` with
    ``sin(ω(p+k)) = c·sin(ωp)`` for all ``p`` unless ``sin(kω) = 0``: at ``p = 0`` the
    identity says ``sin(kω) = 0``, and at ``p = π/(2ω)`` it forces ``c = cos(kω)``.
    Conversely when ``kω = nπ``, ``c = cos(nπ) = ±1`` works — the trivial shifts that
    map the sine onto itself. The same holds for cosines. For a vector of ``m`` sines
    (or cosines) at distinct frequencies, matching coefficients on the linearly
    independent functions ``sin(ω_l p), cos(ω_l p)`` shows a matrix ``M`` with
    ``S(p+k) = M·S(p)`` for all ``p`` exists only if every ``sin(ω_j k) = 0``, and then
    ``M = diag(cos ω_j k)``. That is why the encoding needs both sin and cos.

    Parameters
    ----------
    vector_sizes
        Numbers of frequencies ``m`` for the vector statement (kept small: the
        Wronskian is a ``2m × 2m`` determinant).

    Examples
    --------
    >>> proof = thm_sin_only(vector_sizes=1)
    >>> proof.verify()
    True
    >>> proof.objects["sin: solve set at p=pi/(2*omega)"]
    {cos(k*omega)}
    >>> proof.objects["sin: solve set of both"]
    EmptySet
    """
    sizes = (vector_sizes,) if isinstance(vector_sizes, int) else tuple(vector_sizes)
    if not sizes or any(isinstance(m, bool) or not isinstance(m, int) or m < 1 for m in sizes):
        raise ValueError(f"vector_sizes: need positive ints, got {vector_sizes!r}")
    residuals: dict[str, Any] = {}
    objects: dict[str, Any] = {}
    for func in (sp.sin, sp.cos):
        r, o = _scalar_only(func)
        residuals |= r
        objects |= o
        for m in sizes:
            r, o = _vector_only(func, m)
            residuals |= r
            objects |= o
    return Proof(
        "thm-sin-only",
        "no p-independent c (or matrix M) maps sin(ω·p) to sin(ω·(p+k)) unless sin(kω) = 0; "
        "same for cos",
        objects,
        residuals,
    )


@register("thm-wavelengths")
def thm_wavelengths(dims: int | Iterable[int] = (4, 8, 512)) -> Proof:
    """T7: wavelengths grow geometrically from ``2π`` to ``2π·base^((d−2)/d)``.

    In words: with ``ω_i = base^(−2i/d)`` the wavelengths ``λ_i = 2π/ω_i =
    2π·base^(2i/d)`` form a geometric progression with ratio ``base^(2/d)``, from
    ``λ_0 = 2π`` to ``λ_{d/2−1} = 2π·base^((d−2)/d)``. The paper's "up to 10000·2π" is
    reached exactly only by tensor2tensor's spacing ``ω_k = base^(−k/(d/2−1))``, whose
    largest wavelength is ``2π·base``; the paper's maximum is smaller by the factor
    ``base^(−2/d)`` (for ``base > 1``). The general statement uses symbolic ``d`` and
    ``base``; ``dims`` adds concrete checks with ``base = 10000``.

    Examples
    --------
    >>> proof = thm_wavelengths(dims=(512,))
    >>> proof.verify()
    True
    >>> top = proof.objects["max λ / 2π, d=512, base=10000"]
    >>> top, top.evalf(8)
    (1000*10**(63/64), 9646.6162)
    """
    dims = _dims(dims)
    d = sp.Symbol("d", positive=True, even=True)
    base = sp.Symbol("base", positive=True)
    beta = sp.Symbol("beta", positive=True)
    i = sp.Symbol("i", integer=True, nonnegative=True)

    def lam(j: Any) -> Any:
        return 2 * sp.pi / base ** (-2 * j / d)

    def lam_t2t(j: Any) -> Any:
        return 2 * sp.pi / base ** (-j / (d / 2 - 1))

    last = d / 2 - 1
    ratio = lam(last) / lam_t2t(last)
    residuals: dict[str, Any] = {
        "λ_i − 2π·base^(2i/d)": lam(i) - 2 * sp.pi * base ** (2 * i / d),
        "λ_{i+1}/λ_i − base^(2/d)": lam(i + 1) / lam(i) - base ** (2 / d),
        "λ_0 − 2π": lam(0) - 2 * sp.pi,
        "λ_{d/2−1} − 2π·base^((d−2)/d)": lam(last) - 2 * sp.pi * base ** ((d - 2) / d),
        "tensor2tensor: λ_0 − 2π": lam_t2t(0) - 2 * sp.pi,
        "tensor2tensor: λ_{d/2−1} − 2π·base": lam_t2t(last) - 2 * sp.pi * base,
        "max_paper/max_t2t − base^(−2/d)": ratio - base ** (-2 / d),
        # Given the previous residual, the sign of log(base^(−2/d)) settles the order.
        "base > 1 ⇒ base^(−2/d) < 1, i.e. max_paper < max_t2t": bool(
            sp.expand_log(sp.log((base ** (-2 / d)).subs(base, 1 + beta)), force=True).is_negative
        ),
    }
    b = sp.Integer(10000)
    objects: dict[str, Any] = {"λ_i": lam(i), "λ_i (tensor2tensor)": lam_t2t(i)}
    for dd in dims:
        # Every wavelength for small widths, only the largest one for wide ones.
        js = range(dd // 2) if dd <= 16 else [dd // 2 - 1]
        lam_concrete = {j: lam(j).subs({d: dd, base: b}) for j in js}
        top = lam_concrete[dd // 2 - 1] / (2 * sp.pi)
        objects[f"max λ / 2π, d={dd}, base=10000"] = top
        residuals[f"d={dd}, base=10000: max λ − 2π·10000^((d−2)/d)"] = (
            2 * sp.pi * top - 2 * sp.pi * b ** sp.Rational(dd - 2, dd)
        )
        residuals[f"d={dd}, base=10000: max λ < 2π·10000"] = bool(top < b)
        if dd <= 16:
            for j in range(1, dd // 2):
                residuals[f"d={dd}: λ_{j}/λ_{j - 1} − 10000^(2/d)"] = lam_concrete[
                    j
                ] / lam_concrete[j - 1] - b ** sp.Rational(2, dd)
    return Proof(
        "thm-wavelengths",
        "λ_i = 2π·base^(2i/d): geometric with ratio base^(2/d), from 2π to 2π·base^((d−2)/d); "
        "tensor2tensor reaches 2π·base, the paper's maximum is base^(−2/d) times that",
        objects,
        residuals,
    )
