"""Symbolic model of the sinusoidal encoding: PE vectors, rotation blocks, layouts.

Conventions match the NumPy core (see the project contract): ``i`` is the *pair*
index ``0 … d/2 − 1`` with frequency ``ω_i = base**(-2i/d)``; a layout says where the
sine and cosine of pair ``i`` live among the ``d`` columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

__all__ = [
    "DEFAULT_DIMS",
    "LAYOUTS",
    "column_pair",
    "frequencies",
    "layout_permutation",
    "mp_lambdify",
    "omega_symbols",
    "pair_block",
    "pair_columns",
    "pe_vector",
    "rotation_matrix",
    "wavelengths",
]

LAYOUTS: tuple[str, ...] = ("interleaved", "sin|cos", "cos|sin")
"""Column layouts: ``interleaved`` (2i sin, 2i+1 cos), ``sin|cos`` and ``cos|sin`` (halves)."""

DEFAULT_DIMS: tuple[int, ...] = (2, 4, 6, 8)
"""Concrete widths the theorems check by default, next to their any-width statements."""

# Any width d = 2M, left symbolic: pairs i = 0 … M−1, each with a free positive frequency.
m_pairs = sp.Symbol("M", integer=True, positive=True)
pair_i = sp.Symbol("i", integer=True, nonnegative=True)
omega_i = sp.IndexedBase("omega", positive=True)[pair_i]


def _check_d(d: Any) -> int:
    if isinstance(d, bool) or not isinstance(d, int):
        raise TypeError(f"d: must be an int, got {type(d).__name__}")
    if d < 2 or d % 2:
        raise ValueError(f"d: must be even and >= 2, got {d}")
    return d


def _checked_tuple(
    values: Any, *, name: str, noun: str, check: Callable[[Any], Any]
) -> tuple[Any, ...]:
    """``values`` (one value or an iterable of them) as a non-empty tuple, each one checked."""
    out = (values,) if isinstance(values, int | str) else tuple(values)
    if not out:
        raise ValueError(f"{name}: need at least one {noun}")
    return tuple(check(v) for v in out)


def _dims(dims: int | Iterable[int]) -> tuple[int, ...]:
    """Widths to prove a statement for: one int or several, each a positive even int."""
    return _checked_tuple(dims, name="dims", noun="width", check=_check_d)


def _check_layout(layout: Any) -> str:
    if layout not in LAYOUTS:
        raise ValueError(f"layout: must be one of {LAYOUTS}, got {layout!r}")
    return layout


def _layout_tuple(layouts: str | Iterable[str], check: Callable[[Any], str]) -> tuple[str, ...]:
    """Layouts to prove a statement in: one name or several, each accepted by ``check``."""
    return _checked_tuple(layouts, name="layouts", noun="layout", check=check)


def _exact_number(value: Any, name: str = "value") -> sp.Expr:
    """An int, float, Fraction, string or SymPy number as an exact SymPy number.

    One rule for the whole package: a float stands for its **exact binary value** (``0.1`` is
    ``3602879701896397/36028797018963968``), which is also what the NumPy side hands to mpmath,
    so the two sides evaluate the same number. Pass a string or a ``Fraction`` for a decimal.
    """
    if isinstance(value, bool):
        raise TypeError(f"{name}: must be a number, got bool")
    if isinstance(value, float):
        return sp.Rational(*value.as_integer_ratio())
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    return sp.sympify(value)


def _ccw(t: Any) -> sp.Matrix:
    """Counter-clockwise rotation of the plane by ``t``: ``[[cos t, −sin t], [sin t, cos t]]``."""
    return sp.Matrix([[sp.cos(t), -sp.sin(t)], [sp.sin(t), sp.cos(t)]])


def _sum_pairs(term: Any) -> sp.Sum:
    """Σ_{i=0}^{M−1} term: a sum over all pairs of a width d = 2M left symbolic."""
    return sp.Sum(term, (pair_i, 0, m_pairs - 1))


def omega_symbols(d: int) -> tuple[sp.Symbol, ...]:
    """Positive real symbols ``ω_0 … ω_{d/2−1}``, one angular frequency per pair.

    Examples
    --------
    >>> omega_symbols(6)
    (omega_0, omega_1, omega_2)
    >>> omega_symbols(6)[0].is_positive
    True
    """
    return sp.symbols(f"omega_0:{_check_d(d) // 2}", positive=True)


def frequencies(d: int, base: Any = 10000) -> tuple[sp.Expr, ...]:
    """Exact frequencies ``ω_i = base**(-2i/d)`` for ``i = 0 … d/2 − 1``.

    ``base`` may be a number (floats are taken at their exact binary value) or a
    SymPy symbol.

    Examples
    --------
    >>> frequencies(4)
    (1, 1/100)
    >>> import sympy as sp
    >>> frequencies(6, sp.Symbol("b", positive=True))
    (1, b**(-1/3), b**(-2/3))
    """
    d = _check_d(d)
    b = _exact_number(base, "base")
    return tuple(b ** sp.Rational(-2 * i, d) for i in range(d // 2))


def wavelengths(d: int, base: Any = 10000) -> tuple[sp.Expr, ...]:
    """Exact wavelengths ``λ_i = 2π/ω_i = 2π·base**(2i/d)``.

    Examples
    --------
    >>> wavelengths(4)
    (2*pi, 200*pi)
    """
    return tuple(2 * sp.pi / w for w in frequencies(d, base))


def _omegas(d: int, omegas: Sequence[Any] | None, base: Any) -> tuple[sp.Expr, ...]:
    if omegas is not None and base is not None:
        raise ValueError("omegas, base: give at most one of them")
    if base is not None:
        return frequencies(d, base)
    if omegas is None:
        return omega_symbols(d)
    out = tuple(sp.sympify(w) for w in omegas)
    if len(out) != d // 2:
        raise ValueError(f"omegas: need d/2 = {d // 2} frequencies, got {len(out)}")
    return out


def pair_columns(i: int, d: int, layout: str = "interleaved") -> tuple[int, int]:
    """Columns ``(sin_col, cos_col)`` holding pair ``i`` in ``layout``.

    Examples
    --------
    >>> [pair_columns(1, 8, layout) for layout in LAYOUTS]
    [(2, 3), (1, 5), (5, 1)]
    """
    d, layout = _check_d(d), _check_layout(layout)
    if not 0 <= i < d // 2:
        raise ValueError(f"i: pair index must be in [0, {d // 2}), got {i}")
    half = d // 2
    if layout == "interleaved":
        return 2 * i, 2 * i + 1
    if layout == "sin|cos":
        return i, half + i
    return half + i, i


def column_pair(j: int, d: int, layout: str = "interleaved") -> tuple[int, str]:
    """Pair index and function (``"sin"`` or ``"cos"``) of column ``j``.

    Examples
    --------
    >>> column_pair(3, 8), column_pair(3, 8, "sin|cos"), column_pair(5, 8, "cos|sin")
    ((1, 'cos'), (3, 'sin'), (1, 'sin'))
    """
    d = _check_d(d)
    if not 0 <= j < d:
        raise ValueError(f"j: column must be in [0, {d}), got {j}")
    for i in range(d // 2):
        s, c = pair_columns(i, d, layout)
        if j == s:
            return i, "sin"
        if j == c:
            return i, "cos"
    raise AssertionError("unreachable: every column belongs to a pair")


def pe_vector(
    p: Any,
    d: int,
    *,
    layout: str = "interleaved",
    omegas: Sequence[Any] | None = None,
    base: Any = None,
) -> sp.Matrix:
    """The encoding of position ``p`` as a ``d × 1`` SymPy column vector.

    Parameters
    ----------
    p
        Position: a SymPy expression or number.
    d
        Even width ``d_model``.
    layout
        One of :data:`LAYOUTS`.
    omegas
        Frequencies to use, one per pair; default: the symbols of :func:`omega_symbols`.
    base
        If given, use the concrete frequencies ``base**(-2i/d)`` instead.

    Examples
    --------
    >>> import sympy as sp
    >>> p = sp.Symbol("p", real=True)
    >>> pe_vector(p, 4).T
    Matrix([[sin(omega_0*p), cos(omega_0*p), sin(omega_1*p), cos(omega_1*p)]])
    >>> pe_vector(p, 4, layout="cos|sin", base=10000).T
    Matrix([[cos(p), cos(p/100), sin(p), sin(p/100)]])
    """
    d, layout = _check_d(d), _check_layout(layout)
    ws = _omegas(d, omegas, base)
    p = sp.sympify(p)
    v = sp.zeros(d, 1)
    for i, w in enumerate(ws):
        s, c = pair_columns(i, d, layout)
        v[s] = sp.sin(w * p)
        v[c] = sp.cos(w * p)
    return v


def pair_block(theta: Any, layout: str = "interleaved") -> sp.Matrix:
    """The 2 × 2 block that shifts one pair by phase ``θ = kω``.

    The block acts on the pair's two entries in ascending column order: ``(sin, cos)``
    for ``interleaved`` and ``sin|cos``, giving ``[[cos θ, sin θ], [−sin θ, cos θ]]``
    (a rotation by −θ of the vector (sin, cos)); ``(cos, sin)`` for ``cos|sin``, giving
    the standard counter-clockwise rotation ``[[cos θ, −sin θ], [sin θ, cos θ]]``.

    Examples
    --------
    >>> import sympy as sp
    >>> t = sp.Symbol("theta", real=True)
    >>> pair_block(t)
    Matrix([
    [ cos(theta), sin(theta)],
    [-sin(theta), cos(theta)]])
    >>> pair_block(t, "cos|sin")
    Matrix([
    [cos(theta), -sin(theta)],
    [sin(theta),  cos(theta)]])
    """
    layout = _check_layout(layout)
    c, s = sp.cos(theta), sp.sin(theta)
    if layout == "cos|sin":
        return sp.Matrix([[c, -s], [s, c]])
    return sp.Matrix([[c, s], [-s, c]])


def rotation_matrix(
    k: Any,
    d: int,
    *,
    layout: str = "interleaved",
    omegas: Sequence[Any] | None = None,
    base: Any = None,
) -> sp.Matrix:
    """The ``d × d`` matrix ``R(k)`` with ``PE(p + k) = R(k)·PE(p)``.

    Pair ``i`` contributes ``cos kω_i`` on its two diagonal entries, ``+sin kω_i`` at
    (sin row, cos column) and ``−sin kω_i`` at (cos row, sin column); nothing else is
    non-zero. In the interleaved layout ``R(k)`` is block diagonal with the blocks of
    :func:`pair_block`; in the other layouts it is that matrix with rows and columns
    permuted (see :func:`layout_permutation`).

    Examples
    --------
    >>> import sympy as sp
    >>> k = sp.Symbol("k", real=True)
    >>> rotation_matrix(k, 4, base=10000)
    Matrix([
    [ cos(k), sin(k),          0,         0],
    [-sin(k), cos(k),          0,         0],
    [      0,      0,  cos(k/100), sin(k/100)],
    [      0,      0, -sin(k/100), cos(k/100)]])
    """
    d, layout = _check_d(d), _check_layout(layout)
    ws = _omegas(d, omegas, base)
    k = sp.sympify(k)
    r = sp.zeros(d, d)
    for i, w in enumerate(ws):
        s, c = pair_columns(i, d, layout)
        r[s, s] = r[c, c] = sp.cos(k * w)
        r[s, c] = sp.sin(k * w)
        r[c, s] = -sp.sin(k * w)
    return r


def layout_permutation(d: int, layout: str) -> sp.Matrix:
    """Permutation matrix ``P`` with ``PE_layout = P · PE_interleaved``.

    Examples
    --------
    >>> layout_permutation(4, "sin|cos")
    Matrix([
    [1, 0, 0, 0],
    [0, 0, 1, 0],
    [0, 1, 0, 0],
    [0, 0, 0, 1]])
    """
    d, layout = _check_d(d), _check_layout(layout)
    perm = sp.zeros(d, d)
    for i in range(d // 2):
        s, c = pair_columns(i, d, layout)
        perm[s, 2 * i] = 1
        perm[c, 2 * i + 1] = 1
    return perm


def mp_lambdify(args: Sequence[sp.Symbol], expr: Any, *, prec: int = 128) -> Callable[..., Any]:
    """Compile ``expr`` into a function evaluated by mpmath at ``prec`` bits.

    Rational constants, ``π`` and powers are evaluated at call time inside
    ``mpmath.workprec(prec)``, so the result carries about ``prec`` correct bits
    (minus the condition number of ``expr``). Pass integers (converted to ``mpf``
    exactly) or mpmath numbers as arguments to keep inputs exact.

    Parameters
    ----------
    args
        The symbols, in the order the function takes them.
    expr
        A SymPy expression or matrix.
    prec
        Working precision in bits (>= 53).

    Returns
    -------
    callable
        ``f(*values)`` returning an ``mpmath.mpf`` (scalar ``expr``) or, for a
        matrix ``expr``, a list of rows, each a list of ``mpmath.mpf``.

    Examples
    --------
    >>> import sympy as sp
    >>> p = sp.Symbol("p", real=True)
    >>> f = mp_lambdify([p], pe_vector(p, 4, base=10000)[2], prec=200)
    >>> print(mpmath.nstr(f(3), 40))  # sin(3/100)
    0.0299955002024956607685263419262616180232
    >>> g = mp_lambdify([p], pe_vector(p, 2, base=10000))
    >>> [[mpmath.nstr(x, 5)] for [x] in g(1)]
    [['0.84147'], ['0.5403']]
    """
    if isinstance(prec, bool) or not isinstance(prec, int):
        raise TypeError(f"prec: must be an int, got {type(prec).__name__}")
    if prec < 53:
        raise ValueError(f"prec: must be >= 53 bits, got {prec}")
    if isinstance(expr, sp.MatrixBase):
        expr = expr.tolist()  # nested lists lambdify to nested lists of mpf
    compiled = sp.lambdify(list(args), expr, modules="mpmath")

    def evaluate(*values: Any) -> Any:
        with mpmath.workprec(prec):
            return compiled(*(mpmath.mpf(v) if isinstance(v, int) else v for v in values))

    evaluate.__doc__ = f"mpmath evaluation ({prec} bits) of {expr}"
    return evaluate
