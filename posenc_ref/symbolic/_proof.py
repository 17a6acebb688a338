"""The proof object, the zero-checker and the theorem registry.

A theorem is stated as a list of *residuals*: SymPy expressions (or matrices) that
must simplify to exactly zero, or booleans that must be ``True``. The checker only
ever answers ``True`` when SymPy reduces a residual to the literal ``0``; anything
it cannot reduce counts as a failure, so an unproved statement can never pass.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

import sympy as sp

__all__ = ["THEOREMS", "Proof", "differs", "is_zero", "register"]


def _is_even_cos_power(x: sp.Basic) -> bool:
    return (
        x.is_Pow
        and isinstance(x.base, sp.cos)
        and x.exp.is_Integer
        and x.exp > 0
        and x.exp % 2 == 0
    )


def _pythagoras(expr: sp.Expr) -> sp.Expr:
    """Rewrite every cos(u)**(2n) as (1 − sin(u)**2)**n and expand (an exact identity)."""
    return sp.expand(
        expr.replace(
            _is_even_cos_power,
            lambda x: (1 - sp.sin(x.base.args[0]) ** 2) ** (x.exp // 2),
        )
    )


def _scalar_is_zero(expr: sp.Expr) -> bool:
    """True if ``expr`` reduces to the literal 0 under a chain of exact rewrites."""
    expr = sp.sympify(expr)
    if expr == 0:
        return True
    # Cheap and usually sufficient: distribute, split sin/cos of sums, collect.
    expanded = sp.expand(sp.expand_trig(sp.expand(expr)))
    if expanded == 0:
        return True
    for attempt in (
        lambda: _pythagoras(expanded),
        lambda: sp.trigsimp(expanded),
        lambda: sp.simplify(sp.powsimp(expanded, force=False)),
        lambda: sp.simplify(expr),
    ):
        if attempt() == 0:
            return True
    return False


def is_zero(expr: Any) -> bool:
    """Decide whether a SymPy expression or matrix is *provably* zero.

    Parameters
    ----------
    expr
        A SymPy expression, a SymPy matrix, or anything ``sympy.sympify`` accepts.

    Returns
    -------
    bool
        ``True`` only if every entry is rewritten to exactly ``0`` by ``expand``,
        ``expand_trig``, ``cos² = 1 − sin²``, ``trigsimp`` or ``simplify``; ``False``
        otherwise (including when SymPy cannot decide).

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> is_zero(sp.sin(x + y) - sp.sin(x) * sp.cos(y) - sp.cos(x) * sp.sin(y))
    True
    >>> is_zero(sp.sin(x + y) - sp.sin(x) * sp.cos(y))
    False
    >>> is_zero(sp.Matrix([sp.sin(x)**2 + sp.cos(x)**2 - 1, 0]))
    True
    """
    if isinstance(expr, sp.MatrixBase):
        return all(_scalar_is_zero(entry) for entry in expr)
    return _scalar_is_zero(expr)


def differs(expr: Any) -> bool:
    """True if ``expr`` (expression or matrix) is provably *not* identically zero.

    A counterexample proves it: every free symbol is set to a small distinct rational
    (positive, so that assumptions hold), and the value is evaluated to 50 digits. Returns
    ``False`` when no entry is clearly non-zero at that point (which proves nothing).

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> differs(sp.sin(x) - x), differs(sp.sin(2 * x) - 2 * sp.sin(x) * sp.cos(x))
    (True, False)
    """
    entries = list(expr) if isinstance(expr, sp.MatrixBase) else [sp.sympify(expr)]
    symbols = sorted(set().union(*(e.free_symbols for e in entries)), key=str)
    point = {x: sp.Rational(3 + 2 * j, 7 + 3 * j) for j, x in enumerate(symbols)}
    return any(abs(sp.N(e.xreplace(point), 50)) > sp.Float("1e-30") for e in entries)


def _holds(residual: Any) -> bool:
    # Booleans (Python or SymPy) are claims that must be literally true.
    if isinstance(residual, bool | sp.logic.boolalg.BooleanAtom):
        return residual is True or residual == sp.true
    if isinstance(residual, sp.logic.boolalg.Boolean) and not isinstance(residual, sp.Expr):
        return sp.simplify(residual) == sp.true
    return is_zero(residual)


@dataclass(frozen=True, eq=False, repr=False)
class Proof:
    """A theorem stated symbolically, with the residuals that prove it.

    Attributes
    ----------
    id : str
        Registry id, e.g. ``"thm-shift"``.
    statement : str
        The theorem in one line of words.
    objects : Mapping[str, Any]
        The symbolic objects the statement is about (vectors, matrices, solve sets).
    residuals : Mapping[str, Any]
        Named residuals: each is a SymPy expression or matrix that must simplify to
        exactly zero, or a boolean that must be ``True``.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> good = Proof("demo", "sin² + cos² = 1", {}, {"pythagoras": sp.sin(x)**2 + sp.cos(x)**2 - 1})
    >>> good.verify()
    True
    >>> bad = Proof("demo", "sin² = 1", {}, {"wrong": sp.sin(x)**2 - 1})
    >>> bad.verify(), bad.failures()
    (False, ('wrong',))
    """

    id: str
    statement: str
    objects: Mapping[str, Any] = field(default_factory=dict)
    residuals: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.residuals:
            raise ValueError(f"residuals: proof {self.id!r} must state at least one residual")
        object.__setattr__(self, "objects", MappingProxyType(dict(self.objects)))
        object.__setattr__(self, "residuals", MappingProxyType(dict(self.residuals)))

    @cached_property
    def status(self) -> Mapping[str, bool]:
        """Per-residual outcome: name -> ``True`` if that residual is proved."""
        return MappingProxyType({name: _holds(r) for name, r in self.residuals.items()})

    def verify(self) -> bool:
        """Return ``True`` only if every residual is exactly zero (or ``True``)."""
        return all(self.status.values())

    def holds(self) -> bool:
        """Alias of :meth:`verify`."""
        return self.verify()

    def failures(self) -> tuple[str, ...]:
        """Names of the residuals that could not be proved zero."""
        return tuple(name for name, ok in self.status.items() if not ok)

    def __str__(self) -> str:
        return f"{self.id}: {self.statement}"

    def __repr__(self) -> str:
        count = len(self.residuals)
        return f"Proof(id={self.id!r}, statement={self.statement!r}, {count} residuals)"


THEOREMS: dict[str, Callable[..., Proof]] = {}
"""Registry: theorem id -> function building its :class:`Proof` (call with no arguments)."""


def _cache_key(signature: inspect.Signature, args: tuple, kwargs: dict) -> Hashable | None:
    """The call's arguments, defaults filled in, each with its type; ``None`` if unhashable."""
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    # The type is part of the key: base=10000 and base=10000.0 are equal but not the same call.
    key = tuple((name, type(value), value) for name, value in bound.arguments.items())
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _once_per_arguments(func: Callable[..., Proof]) -> Callable[..., Proof]:
    """Build each proof once per set of arguments (a :class:`Proof` is immutable).

    The residuals are checked lazily (:attr:`Proof.status` is computed on first use and then
    kept), so a theorem called again with the same arguments is neither rebuilt nor re-proved.
    Calls with unhashable arguments (lists) are built afresh each time.
    """
    signature = inspect.signature(func)
    built: dict[Hashable, Proof] = {}

    @functools.wraps(func)
    def theorem(*args: Any, **kwargs: Any) -> Proof:
        key = _cache_key(signature, args, kwargs)
        if key is None:
            return func(*args, **kwargs)
        if key not in built:
            built[key] = func(*args, **kwargs)
        return built[key]

    theorem.cache_clear = built.clear  # type: ignore[attr-defined]
    return theorem


def register(theorem_id: str) -> Callable[[Callable[..., Proof]], Callable[..., Proof]]:
    """Decorator adding a theorem function to :data:`THEOREMS` under ``theorem_id``.

    The function must be callable with no arguments and return a :class:`Proof` whose
    ``id`` is ``theorem_id``. Ids start with ``"thm-"`` and may be registered once. The
    registered function builds its proof once per set of (hashable) arguments and returns
    the same :class:`Proof` afterwards, so a theorem is proved once per process however
    many pages and tests ask for it; ``cache_clear()`` forgets the built proofs.

    Examples
    --------
    >>> from posenc_ref.symbolic import thm_shift
    >>> THEOREMS["thm-shift"] is thm_shift, thm_shift.theorem_id
    (True, 'thm-shift')
    >>> thm_shift(4) is thm_shift(dims=4)
    True
    """
    if not theorem_id.startswith("thm-"):
        raise ValueError(f"theorem_id: must start with 'thm-', got {theorem_id!r}")

    def decorate(func: Callable[..., Proof]) -> Callable[..., Proof]:
        registered = THEOREMS.get(theorem_id)
        if registered is not None and getattr(registered, "__wrapped__", None) is not func:
            raise ValueError(f"theorem_id: {theorem_id!r} is already registered")
        theorem = _once_per_arguments(func)
        THEOREMS[theorem_id] = theorem
        theorem.theorem_id = theorem_id  # type: ignore[attr-defined]
        return theorem

    return decorate
