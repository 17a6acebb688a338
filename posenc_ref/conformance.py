r"""Check anyone's position encoding against the claims of this site: the conformance suite.

:func:`check_table` calls ``fn(positions, d_model)``, a function that returns a sinusoidal table
(or reads a table saved earlier), and :func:`check_rope` calls ``apply_fn(x, positions)``, a
function that returns ``x`` rotated by RoPE. Each returns a :class:`Report`: one :class:`Claim`
per statement of the site, named by the page anchor where the statement is made (``eq-pe``,
``thm-shift``, ``thm-rope-relative`` …), with a status (``pass``, ``warn``, ``fail``, ``skip``)
and the numbers behind it.

Results may be NumPy arrays or anything NumPy can read without help: objects with ``__array__``
(PyTorch, JAX and TensorFlow tensors on the CPU) or ``__dlpack__`` (PyTorch, JAX, MLX). No
framework is imported here (:func:`to_numpy`).

Tolerances
----------
Every tolerance comes from one number: the error that the table's dtype explains at position
``p``,

.. math:: \delta(p) = s\,(2\,|p|\,\omega_{\max} + 2)\,\varepsilon,

with :math:`\varepsilon` the machine epsilon of the dtype (the ulp of 1.0), ``s`` the output
scale of the convention and :math:`\omega_{\max}` its largest frequency (1 for every base > 1).
The derivation: code that computes the angle :math:`p\omega` in the table's dtype rounds the
frequency (a few units of roundoff relative, by ``pow`` or by ``exp``/``log``) and the product
(one more), so the angle is off by about :math:`|p|\,\omega\,\varepsilon`; a sine or cosine moves
by no more than its argument; the final rounding adds :math:`\varepsilon/2`. The factor 2 is the
margin (the textbook emulations of the catalogue stay below :math:`|p|\,\varepsilon`, a test checks
them), and :func:`~posenc_ref.identification.identify` accepts a preset by the same rule. From it:

- **values** (``eq-pe``, ``contract``): graded *correctly rounded* (every entry within 0.5 ulp of
  the exact value), *faithful* (within 1 ulp), *textbook* (within :math:`\delta(p)` but not
  faithful: an error that grows like :math:`|p|\,\varepsilon`; a warning, a failure with
  ``strict=True``), else *wrong*;
- ``thm-norm``: :math:`\bigl|\,\|y_p\| - s\sqrt{d/2}\,\bigr| \le \sqrt{d}\,\delta(p)`, because
  :math:`\|y - v\| \le \sqrt{d}\,\max|y - v|`;
- ``thm-shift``: in each pair the (sine, cosine) point of row ``p + k`` is the point of row ``p``
  turned by one angle, fitted from all rows. A pair's error is at most :math:`\sqrt2\,\delta`, so
  the fitted angle is off by at most :math:`\sqrt2 E / s` with
  :math:`E = \max_q \delta(q) + \delta(q + k)`, and the residual of row ``p`` is at most
  :math:`\sqrt2\,(\delta(p) + \delta(p + k) + E)`;
- ``thm-dot``: every pair of rows with the same offset has the same dot product, within
  :math:`2\max B` over the pairs compared, :math:`B(p, q) = \sqrt d\,\delta(p)\,\|y_q\| +
  \sqrt d\,\delta(q)\,\|y_p\| + d\,\delta(p)\,\delta(q)` (the Cauchy–Schwarz bound of one product).

For RoPE the same :math:`\delta` applies per unit of input: an output of plane ``(a, b)`` may be
off by :math:`(|a| + |b|)\,\delta(p)/s`, so a rotated vector by :math:`\sqrt2\,\|x\|\,\delta(p)/s`
(norm), and a score :math:`\langle q'(m), k'(n)\rangle` by
:math:`\sqrt2\,\|q\|\,\|k\|\,(\delta(m) + \delta(n))/s` (the relative property compares two).
Every tolerance also allows the float64 arithmetic of the check itself (a few units of
:math:`2^{-53}`).

Examples
--------
>>> import posenc_ref as pe
>>> report = check_table(lambda positions, d: pe.sinusoidal(positions, d))
>>> report.ok, report.convention.name
(True, 'paper')
>>> report.claim("eq-pe").evidence["grade"], report.claim("thm-shift").status
('faithful', 'pass')
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _layout
from ._validate import (
    check_choice,
    check_dtype,
    check_flag,
    check_int,
    check_positions,
    check_real,
    check_rope_layout,
    check_width_limit,
    describe,
)
from .conventions import PRESETS, Convention
from .identification import Identification, identify
from .precision import ulp
from .rope import rope_pairs
from .rope_identification import RopeIdentification, identify_rope_cache
from .rope_scaling import RopeScaling, attention_factor, scaled_rope_pairs
from .sinusoidal import sinusoidal

__all__ = [
    "CLAIMS",
    "DEFAULT_D_MODELS",
    "GRADES",
    "IDENTIFY_ROWS",
    "INDEX_BUGS",
    "LARGE_POSITIONS",
    "ROPE_CLAIMS",
    "STATUSES",
    "THEOREM_ROWS",
    "Claim",
    "Report",
    "RopeConvention",
    "check_rope",
    "check_table",
    "to_numpy",
]

#: The statuses of a claim, from best to worst (``skip``: not checked, with the reason).
STATUSES: tuple[str, ...] = ("pass", "skip", "warn", "fail")

#: The grades of values against the exact ones (see the module text), from best to worst.
GRADES: tuple[str, ...] = ("correctly rounded", "faithful", "textbook", "wrong")

#: Claims of :func:`check_table`: id -> (page of the site, what is claimed). Each id is an anchor
#: on that page; ``Claim.url`` joins them.
CLAIMS: dict[str, tuple[str, str]] = {
    "check-shape": ("check.md", "a finite float array of shape (positions, d_model)"),
    "identify": ("conventions.md", "a known convention reproduces the table"),
    "bugs": ("indices.md", "none of the index bugs"),
    "positions-start": ("indices.md", "row k holds position positions[k]"),
    "eq-pe": ("index.md", "values against the exact formula, graded"),
    "thm-shift": ("rotation.md", "PE(p + k) is PE(p) turned pair by pair"),
    "thm-dot": ("rotation.md", "PE(p)·PE(q) depends on p - q only"),
    "thm-norm": ("rotation.md", "every row has norm s·sqrt(d/2)"),
    "check-rows": ("check.md", "rows do not depend on the range requested"),
    "check-deterministic": ("check.md", "two calls return the same bits"),
    "odd-width": ("faq.md", "an odd width follows a known rule"),
    "contract": ("precision.md", "values at positions 2**16 … 2**24, graded"),
}

#: Claims of :func:`check_rope`, as :data:`CLAIMS`.
ROPE_CLAIMS: dict[str, tuple[str, str]] = {
    "check-shape": ("check.md", "a finite float array of the shape of x"),
    "identify": ("rope.md", "planes, layout, base and scaling of a known RoPE"),
    "thm-rope-orientation": ("rope.md", "planes turn counter-clockwise by +p·ω_i"),
    "eq-rope": ("rope.md", "outputs against the exact rotation, graded"),
    "thm-rope-relative": ("rope.md", "q(m)·k(n) depends on n - m only"),
    "thm-rope-norm": ("rope.md", "lengths are kept (times the attention factor)"),
    "check-deterministic": ("check.md", "two calls return the same bits"),
}

#: The widths :func:`check_table` asks for by default: two even ones and an odd one.
DEFAULT_D_MODELS: tuple[int, ...] = (64, 512, 63)

#: Positions :func:`check_table` asks for in the ``contract`` claim: powers of two and their
#: neighbours, where float32 positions and angles lose their last digits (2**24 + 1 is the first
#: integer float32 cannot hold).
LARGE_POSITIONS: tuple[int, ...] = (
    2**16,
    2**16 + 1,
    2**20 + 1,
    2**22 + 3,
    2**24 - 1,
    2**24,
    2**24 + 1,
)

#: Rows read by :func:`~posenc_ref.identification.identify` (it compares every preset at this size).
IDENTIFY_ROWS = 32

#: Entries of the reference table built at once when values are graded (one call is cheaper
#: than many: 2**26 covers a 131072 x 512 table).
REFERENCE_ENTRIES = 2**26

#: Entries compared at once (bounds the float64 temporaries of the differences).
BLOCK_ENTRIES = 2**20

#: Rows of a long table on which the theorems are checked: this many at each end.
THEOREM_ROWS = 192


# ---------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Claim:
    """One checked statement: its anchor ``id``, a ``status`` and the numbers behind it."""

    id: str
    """The anchor of the statement on the site (``eq-pe``, ``thm-shift`` …)."""
    page: str
    """The page (Markdown source name) that holds the anchor."""
    title: str
    """What is claimed, in a few words."""
    status: str
    """One of :data:`STATUSES`."""
    detail: str
    """What was found, in one or two sentences: where, how large."""
    evidence: dict = field(default_factory=dict)
    """The numbers: JSON-ready values (positions, columns, errors in ulps and absolute,
    tolerances)."""

    @property
    def url(self) -> str:
        """The claim's address on the built site, relative to its root."""
        return f"{self.page.removesuffix('.md')}.html#{self.id}"

    def to_dict(self) -> dict:
        """The claim as a JSON-ready dict."""
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class RopeConvention:
    """What a RoPE is: the channels of its planes, its base and its frequency scaling.

    Examples
    --------
    >>> RopeConvention("half", 500000.0)
    RopeConvention(layout='half', base=500000.0, scaling=None, rotary_dim=None)
    """

    layout: str = "interleaved"
    """``"interleaved"`` (planes ``(2i, 2i+1)``) or ``"half"`` (planes ``(i, i + d/2)``)."""
    base: float = 10000.0
    scaling: RopeScaling | None = None
    rotary_dim: int | None = None
    """Channels rotated (partial rotary); None: all of them."""

    def __post_init__(self) -> None:
        check_rope_layout(self.layout)
        object.__setattr__(self, "base", _check_base_value(self.base, "base"))
        if self.scaling is not None and not isinstance(self.scaling, RopeScaling):
            raise TypeError(f"scaling must be None or a RopeScaling; got {describe(self.scaling)}")
        if self.rotary_dim is not None:
            object.__setattr__(self, "rotary_dim", _check_even_width(self.rotary_dim, "rotary_dim"))

    def __str__(self) -> str:
        scaled = "" if self.scaling is None else f", scaled by {self.scaling!r}"
        part = "" if self.rotary_dim is None else f", first {self.rotary_dim} channels rotated"
        return f"RoPE, {self.layout} layout, base {self.base:g}{scaled}{part}"


@dataclass(frozen=True)
class Report:
    """The result of :func:`check_table` or :func:`check_rope`.

    ``ok`` is True when no claim failed (warnings allowed; with ``strict=True`` a warning is a
    failure already). ``str(report)`` is a readable table, :meth:`to_json` the same as JSON and
    :meth:`assert_ok` raises an AssertionError that lists the failed claims.
    """

    kind: str
    """``"table"`` or ``"rope"``."""
    subject: str
    """What was checked (the function's name)."""
    claims: tuple[Claim, ...]
    convention: Convention | RopeConvention | None
    """The convention identified, or the one requested (None when nothing was identified)."""
    presets: tuple[str, ...] = ()
    """Presets of :data:`posenc_ref.conventions.PRESETS` that compute the same formula, the
    closest first (the same operations, where one matches bit for bit)."""
    formula: str = ""
    """The identified formula in plain words (:meth:`Identification.formula
    <posenc_ref.identification.Identification.formula>`); empty when a convention was
    requested or nothing was identified."""
    requested: bool = False
    """Whether ``convention`` was requested (True) or identified (False)."""
    dtype: str = ""
    strict: bool = False

    @property
    def ok(self) -> bool:
        """True when no claim failed."""
        return not self.failed

    @property
    def failed(self) -> tuple[Claim, ...]:
        """The claims with status ``fail``."""
        return tuple(c for c in self.claims if c.status == "fail")

    @property
    def warnings(self) -> tuple[Claim, ...]:
        """The claims with status ``warn``."""
        return tuple(c for c in self.claims if c.status == "warn")

    def claim(self, claim_id: str) -> Claim:
        """The claim with anchor ``claim_id`` (KeyError if it was not made)."""
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise KeyError(f"no claim {claim_id!r}; claims: {', '.join(c.id for c in self.claims)}")

    def to_dict(self) -> dict:
        """The report as a JSON-ready dict."""
        return {
            "kind": self.kind,
            "subject": self.subject,
            "ok": self.ok,
            "strict": self.strict,
            "dtype": self.dtype,
            "convention": _describe_convention(self.convention),
            "requested": self.requested,
            "presets": list(self.presets),
            "formula": self.formula,
            "claims": [c.to_dict() for c in self.claims],
        }

    def to_json(self, indent: int | None = 1) -> str:
        """The report as JSON text."""
        return json.dumps(self.to_dict(), indent=indent)

    def assert_ok(self) -> None:
        """Raise an AssertionError listing the failed claims (with the whole report) if any
        claim failed."""
        __tracebackhide__ = True  # pytest: show the message, not this frame
        if self.ok:
            return
        lines = [f"{c.id} ({c.url}): {c.detail}" for c in self.failed]
        raise AssertionError(
            f"{len(lines)} claim(s) failed for {self.subject}:\n- "
            + "\n- ".join(lines)
            + "\n\n"
            + str(self)
        )

    def __str__(self) -> str:
        return _render(self)


def _describe_convention(conv: Convention | RopeConvention | None) -> dict | None:
    if conv is None:
        return None
    if isinstance(conv, RopeConvention):
        scaling = None if conv.scaling is None else repr(conv.scaling)
        return {
            "layout": conv.layout,
            "base": conv.base,
            "scaling": scaling,
            "rotary_dim": conv.rotary_dim,
        }
    return {
        "name": conv.name,
        "layout": conv.layout,
        "spacing": conv.spacing,
        "base": conv.base,
        "start": conv.start,
        "padding_idx": conv.padding_idx,
        "odd": conv.odd,
        "scale": conv.scale,
        "dtype": conv.dtype,
    }


def _convention_line(report: Report) -> str:
    conv = report.convention
    how = "requested" if report.requested else "identified"
    if conv is None:
        return "convention: none identified"
    if isinstance(conv, RopeConvention):
        return f"convention ({how}): {conv}"
    spacing = {"paper": "ω_i = B^(-2i/d)", "tensor2tensor": "ω_i = B^(-i/(d/2-1))"}.get(
        conv.spacing, f"ω_i = B^(-i/(d/2-{conv.shift:g}))"
    )
    if report.formula:  # identified: the formula leads, the libraries that compute it follow
        libraries = list(report.presets)
        if len(libraries) > 1:
            libraries[0] += " (the closest)"
        return f"convention ({how}): {report.formula}; computed so by {', '.join(libraries)}"
    text = f"convention ({how}): {conv.name}, {conv.layout}, {spacing}, B = {conv.base:g}"
    if conv.scale != "1":
        text += f", times {conv.scale}"
    others = [name for name in report.presets if name != conv.name]
    if others:
        text += f" (same formula: {', '.join(others)})"
    return text


#: Width of the text report, and where its third column starts.
REPORT_WIDTH, _DETAIL_AT = 78, 28


def _render(report: Report) -> str:
    counts = {s: sum(c.status == s for c in report.claims) for s in STATUSES}
    verdict = "OK" if report.ok else "FAIL"
    head = f"{report.kind} check of {report.subject}: {verdict}"
    tail = [f"{counts[s]} {s}" for s in ("fail", "warn", "skip") if counts[s]]
    lines = [head + (f" ({', '.join(tail)})" if tail else "")]
    lines += textwrap.wrap(_convention_line(report), REPORT_WIDTH, subsequent_indent="  ")
    lines.append(f"{'status':<7}{'claim':<21}what was found")
    lines.append(f"{'-' * 6} {'-' * 20} {'-' * (REPORT_WIDTH - _DETAIL_AT)}")
    for c in report.claims:
        wrapped = textwrap.wrap(c.detail, REPORT_WIDTH - _DETAIL_AT) or [""]
        lines.append(f"{c.status:<7}{c.id:<21}{wrapped[0]}")
        lines.extend(" " * _DETAIL_AT + more for more in wrapped[1:])
    flagged = [c for c in report.claims if c.status in ("fail", "warn")]
    if flagged:
        urls = ", ".join(dict.fromkeys(c.url for c in flagged))
        lines += textwrap.wrap(f"on the site: {urls}", REPORT_WIDTH, subsequent_indent=" " * 13)
    return "\n".join(lines)


# ------------------------------------------------------------------------------ conversion
def to_numpy(value: Any, name: str = "the result") -> np.ndarray:
    """``value`` as a NumPy array, read through ``__array__`` or ``__dlpack__``.

    NumPy arrays pass through; objects with ``__array__`` (PyTorch, JAX and TensorFlow tensors
    on the CPU) are read with :func:`numpy.asarray`, objects with only ``__dlpack__`` (MLX) with
    :func:`numpy.from_dlpack`; lists and scalars with :func:`numpy.asarray`. A conversion that
    fails (a GPU tensor, a tensor that requires grad, bfloat16, which NumPy has no dtype for)
    raises a TypeError that says what to do.

    Examples
    --------
    >>> class Tensor:                      # a stand-in with only the DLPack protocol
    ...     def __init__(self, data):
    ...         self.data = np.asarray(data)
    ...     def __dlpack__(self, **kwargs):
    ...         return self.data.__dlpack__(**kwargs)
    ...     def __dlpack_device__(self):
    ...         return self.data.__dlpack_device__()
    >>> to_numpy(Tensor([[0.0, 1.0]]))
    array([[0., 1.]])
    """
    if isinstance(value, np.ndarray):
        return value
    try:
        if hasattr(value, "__array__") or not hasattr(value, "__dlpack__"):
            return np.asarray(value)
        return np.from_dlpack(value)
    except (TypeError, ValueError, RuntimeError, BufferError, AttributeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TypeError(
            f"{name} must be an array NumPy can read ({type(value).__name__}: {reason}); move it "
            "to the CPU, detach it from autograd, or cast bfloat16 to float32 first"
        ) from None


# ---------------------------------------------------------------------------- arguments
def _check_base_value(value: Any, name: str) -> float:
    b = check_real(value, name, rule="a finite real number > 0 and != 1")
    if b <= 0 or b == 1:
        raise ValueError(f"{name} must be a finite real number > 0 and != 1; got {b}")
    return b


def _check_even_width(value: Any, name: str) -> int:
    """A positive even width under the argument's own name."""
    d = check_int(value, name, rule="a positive even integer")
    if d <= 0 or d % 2:
        raise ValueError(f"{name} must be a positive even integer; got {d}")
    check_width_limit(d, name)
    return d


def _check_d_models(d_models: Any) -> tuple[int, ...]:
    rule = "an integer >= 2 or a sequence of them"
    if isinstance(d_models, (str, bytes)) or not isinstance(d_models, Iterable):
        values = [check_int(d_models, "d_models", rule=rule)]
    else:
        values = [check_int(d, "d_models", rule=rule) for d in d_models]
    if not values:
        raise ValueError(f"d_models must be {rule}; got an empty sequence")
    for d in values:
        if d < 2:
            raise ValueError(f"d_models must be {rule}; got {d}")
        check_width_limit(d, "d_models")
    if all(d % 2 for d in values):
        raise ValueError(f"d_models must hold at least one even width; got {values}")
    return tuple(dict.fromkeys(values))


def _check_increasing(pos: np.ndarray, name: str, minimum: int) -> np.ndarray:
    if pos.size < minimum:
        raise ValueError(f"{name} must hold at least {minimum} positions; got {pos.size}")
    if np.any(np.diff(pos) <= 0):
        raise ValueError(f"{name} must be increasing (one row per position); got {pos[:8]}")
    return pos


def _check_convention(convention: Any) -> Convention | None:
    if convention is None or isinstance(convention, Convention):
        return convention
    return PRESETS[check_choice(convention, "convention", tuple(PRESETS))]


def _subject(fn: Any) -> str:
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    if isinstance(fn, np.ndarray) or not callable(fn):
        return f"a saved table {getattr(fn, 'shape', '')}".rstrip()
    return name or type(fn).__name__


# ------------------------------------------------------------------------------ the table
def _eps(dtype: np.dtype) -> float:
    return float(np.finfo(dtype).eps)


def _delta(pos: np.ndarray, eps: float, scale: float, omega_max: float = 1.0) -> np.ndarray:
    """The error the dtype explains at each position (module text): s·(2|p|ω_max + 2)·eps."""
    return scale * (2.0 * np.abs(pos.astype(np.float64)) * omega_max + 2.0) * eps


def _scale(conv: Convention, d: int) -> float:
    return d**-0.5 if conv.scale == "1/sqrt(d)" else 1.0


def _omega_max(conv: Convention, d: int) -> float:
    try:
        return max(1.0, float(conv.frequencies(d).max()))
    except ValueError:
        return 1.0


@dataclass
class _Call:
    """One call of the user's function: its array or what went wrong."""

    table: np.ndarray | None
    error: str | None = None
    raised: bool = False


def _call(fn: Callable, positions: np.ndarray, d: int) -> _Call:
    try:
        out = fn(positions.copy(), d)
    except Exception as exc:  # the user's code: any exception is a finding, not a crash
        return _Call(None, f"{type(exc).__name__}: {_first_line(exc)}", raised=True)
    try:
        return _Call(to_numpy(out, "fn's result"))
    except TypeError as exc:
        return _Call(None, str(exc))


def _first_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return text[:200]


def _shape_problem(arr: np.ndarray, shape: tuple[int, ...]) -> str | None:
    if arr.dtype.kind != "f":
        return f"dtype {arr.dtype} is not a float dtype"
    if arr.shape != shape:
        return f"shape {arr.shape}, expected {shape}"
    # min and max propagate NaN and show infinities: no boolean temporary of the table's size
    if arr.size and not (np.isfinite(arr.min()) and np.isfinite(arr.max())):
        bad = ~np.isfinite(arr)
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        return f"{int(bad.sum())} entries are not finite (first at {where}: {arr[where]})"
    return None


def _as_float(arr: np.ndarray) -> np.ndarray:
    """A float16/32/64 array in native byte order (other float kinds become float64)."""
    if arr.dtype in (np.float16, np.float32, np.float64):
        return arr if arr.dtype.isnative else arr.astype(arr.dtype.newbyteorder("="))
    return arr.astype(np.float64)


@dataclass(frozen=True)
class _Expected:
    """The table a check compares with: a convention (with its scale), and where it came from."""

    conv: Convention
    source: str = "requested"
    """``"requested"``, ``"identified"`` or ``"assumed"`` (nothing identified: the paper)."""

    def scale(self, d: int) -> float:
        return _scale(self.conv, d)

    def plain(self, d: int) -> bool:
        """Whether the exact table is the reference's own at an effective base (fast path)."""
        return d % 2 == 0 and self.conv.scale == "1"

    def exact(self, pos: np.ndarray, d: int) -> np.ndarray:
        return self.conv.table(pos, d, exact=True)

    def rounded(self, pos: np.ndarray, d: int, dtype: np.dtype) -> np.ndarray:
        """The exact values rounded to ``dtype``: correctly rounded for float16/float32 on the
        fast path (:func:`~posenc_ref.sinusoidal.sinusoidal` itself), else rounded from the
        faithful float64."""
        if not self.plain(d):
            return self.exact(pos, d).astype(dtype)
        conv = self.conv
        out = sinusoidal(pos, d, base=conv.effective_base(d), layout=conv.layout, dtype=dtype)
        if conv.padding_idx is not None:
            out[pos == conv.padding_idx] = 0
        return out

    def delta(self, pos: np.ndarray, d: int, dtype: np.dtype) -> np.ndarray:
        return _delta(pos, _eps(dtype), self.scale(d), _omega_max(self.conv, d))


ASSUMED = _Expected(PRESETS["paper"], source="assumed")


# Values ----------------------------------------------------------------------------------
@dataclass
class _Scan:
    """The largest difference of each row from the reference rounded to the table's dtype."""

    worst: np.ndarray


def _scan(y: np.ndarray, exp: _Expected, pos: np.ndarray, d: int) -> _Scan:
    """Compare ``y`` with the reference rounded to its dtype: one reference table (built in
    chunks of :data:`REFERENCE_ENTRIES`) and a pass or two over ``y``, compared in blocks of
    :data:`BLOCK_ENTRIES` so that the temporaries stay in cache. Differences are computed in the
    table's dtype: exact when they are small (Sterbenz), within a unit of roundoff otherwise,
    which the bounds that use them allow for."""
    scan = _Scan(np.zeros(pos.size))
    chunk = max(1, REFERENCE_ENTRIES // max(d, 1))
    step = max(1, BLOCK_ENTRIES // max(d, 1))
    for first in range(0, pos.size, chunk):
        ref = exp.rounded(pos[first : first + chunk], d, y.dtype)
        for start in range(0, ref.shape[0], step):
            block = y[first + start : first + start + step]
            diff = np.abs(block - ref[start : start + step])
            scan.worst[first + start : first + start + block.shape[0]] = diff.max(axis=1)
    return scan


def _exact_rows(
    y: np.ndarray, exp: _Expected, pos: np.ndarray, d: int, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(error, error in ulps of the exact value) of ``y`` at ``rows``, against float64."""
    exact = exp.exact(pos[rows], d)
    err = np.abs(y[rows].astype(np.float64) - exact)
    with np.errstate(over="ignore", divide="ignore"):  # an error at an exact 0 is infinite ulps
        return err, err / ulp(exact, y.dtype.name)


#: float64 rows settled against mpmath (about 40 µs an entry) before "faithful" is given up.
TRUTH_ROWS = 8


def _faithful_check(
    y: np.ndarray, exp: _Expected, pos: np.ndarray, d: int, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(error, ulps) at ``rows``, exact enough to tell faithful (< 1 ulp) from not: float64
    values suffice for float16/float32 tables; a float64 table needs mpmath (few rows, plain
    conventions only; otherwise the ulps returned are infinite: not settled)."""
    if y.dtype != np.float64:
        return _exact_rows(y, exp, pos, d, rows)
    if not exp.plain(d) or rows.size > TRUTH_ROWS:
        return np.zeros((rows.size, d)), np.full((rows.size, d), np.inf)
    from .precision import truth, ulp_error

    conv = exp.conv
    hi, lo = truth(pos[rows], d, base=conv.effective_base(d), layout=conv.layout)
    if conv.padding_idx is not None:
        pad = pos[rows] == conv.padding_idx
        hi[pad], lo[pad] = 0.0, 0.0
    values = y[rows]
    return np.abs((values - hi) - lo), ulp_error(values, hi, lo)


def _grade_values(y: np.ndarray, exp: _Expected, pos: np.ndarray, d: int) -> dict:
    """Grade every entry of ``y`` against the exact values at ``pos`` (module text); the
    evidence names the worst entry. float64 values are computed only for the rows that decide
    the grade or hold the worst entry."""
    delta = exp.delta(pos, d, y.dtype)
    scan = _scan(y, exp, pos, d)
    differing = np.flatnonzero(scan.worst > 0)
    if differing.size == 0:
        rounded = y.dtype != np.float64 and exp.plain(d)
        return {
            "grade": "correctly rounded" if rounded else "faithful",
            "entries": int(y.size),
            "max_ulp_at_most": 0.5 if rounded else 1.0,
            "detail": f"{'correctly rounded' if rounded else 'faithful'}: every entry equals "
            f"the exact value rounded to {y.dtype}",
        }
    eps, s = _eps(y.dtype), exp.scale(d)
    # A difference above one ulp of the largest value is above one ulp of its own entry: then
    # the table is not faithful, and no float64 value is needed to say so.
    if float(scan.worst.max()) <= eps * s:
        err, ulps = _faithful_check(y, exp, pos, d, differing)
        if float(ulps.max()) < 1.0:
            return _evidence("faithful", y, pos, differing, err, ulps, delta, scan)
    # A row is within δ if its difference plus one ulp of the reference (and the roundoff of
    # the difference) is; the rows where that bound exceeds δ are settled against float64.
    over = np.flatnonzero(scan.worst * (1 + eps) + eps * s > delta)
    bad = over[:0]
    if over.size:
        bad = over[_exact_rows(y, exp, pos, d, over)[0].max(axis=1) > delta[over]]
    top = differing[np.argsort(scan.worst[differing])[-2:]]
    rows = np.union1d(top, bad[:2])
    err, ulps = _exact_rows(y, exp, pos, d, rows)
    return _evidence("wrong" if bad.size else "textbook", y, pos, rows, err, ulps, delta, scan)


def _evidence(
    grade: str,
    y: np.ndarray,
    pos: np.ndarray,
    rows: np.ndarray,
    err: np.ndarray,
    ulps: np.ndarray,
    delta: np.ndarray,
    scan: _Scan,
) -> dict:
    r, c = np.unravel_index(int(np.argmax(err)), err.shape)
    row = int(rows[r])
    ratio = float(np.max(scan.worst / delta))
    out = {
        "grade": grade,
        "entries": int(y.size),
        "rows_differing_from_rounded": int(np.count_nonzero(scan.worst)),
        "max_abs": float(err[r, c]),
        "ulp_there": float(ulps[r, c]),
        "position": int(pos[row]),
        "column": int(c),
        "delta_there": float(delta[row]),
        "max_difference_over_delta": ratio,
    }
    where = f"position {pos[row]}, column {c}"
    if grade == "faithful":
        rows_off = int(np.count_nonzero(scan.worst))
        out["detail"] = (
            f"faithful: every entry within 1 ulp ({rows_off} rows not all correctly rounded)"
        )
    elif grade == "textbook":
        out["detail"] = (
            f"textbook: error up to {_g(err[r, c])} ({_g(ulps[r, c])} ulp) at {where}, growing "
            f"like |p|·eps: at most {_g(ratio)} of δ(p), the error the dtype explains"
        )
    else:
        out["detail"] = (
            f"wrong: error {_g(err[r, c])} at {where}, {_g(err[r, c] / delta[row])} times what "
            f"the dtype explains there (δ = {_g(delta[row])})"
        )
    return out


def _g(x: float) -> str:
    """Three significant digits (numbers in details are read, not compared)."""
    return f"{float(x):.3g}"


# Claims of a table -------------------------------------------------------------------------
def _claim(kind: dict, claim_id: str, status: str, detail: str, **evidence: Any) -> Claim:
    page, title = kind[claim_id]
    return Claim(claim_id, page, title, status, detail, _jsonable(evidence))


def _jsonable(value: Any) -> Any:
    """Plain Python numbers, strings, lists and dicts (so reports compare and serialize)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return v if math.isfinite(v) else str(v)
    return value


def _worst_status(statuses: Iterable[str]) -> str:
    found = list(statuses)
    return max(found, key=STATUSES.index) if found else "skip"


def _grade_status(grade: str, strict: bool) -> str:
    if grade in ("correctly rounded", "faithful"):
        return "pass"
    if grade == "textbook":
        return "fail" if strict else "warn"
    return "fail"


@dataclass
class _Width:
    """What was learnt about one even width."""

    d: int
    table: np.ndarray
    ident: Identification | None = None
    offset: int | None = None
    """Rows hold ``positions[k] + offset``, as identified (None: not read)."""
    expected: _Expected = ASSUMED


def _consecutive(pos: np.ndarray) -> bool:
    return bool(np.all(np.diff(pos) == 1))


def _identify(table: np.ndarray, pos: np.ndarray) -> tuple[Identification | None, int | None]:
    """Identification of the first rows, and the offset of the positions it reads (rows are
    taken as consecutive positions when they are, so an off-by-one table shows)."""
    rows = min(IDENTIFY_ROWS, pos.size)
    head = table[:rows]
    try:
        if _consecutive(pos[:rows]):
            ident = identify(head)
            if ident.matched and ident.positions is not None:
                return ident, int(ident.positions[0]) - int(pos[0])
            return identify(head, pos[:rows]), None
        return identify(head, pos[:rows]), None
    except ValueError:
        return None, None


def _expected_from(ident: Identification | None, requested: Convention | None) -> _Expected:
    if requested is not None:
        return _Expected(requested, source="requested")
    if ident is None or not ident.matched or ident.index_bug is not None:
        return ASSUMED  # an index bug is graded against the formula it was meant to compute
    # A preset that reproduces the table names it best; otherwise the fitted convention, which
    # carries its scale (a number, or the rule 1/sqrt(d)) and padding row.
    if ident.matching:
        return _Expected(PRESETS[ident.matching[0].name], "identified")
    return _Expected(ident.convention, "identified")


def _fitted_words(ident: Identification) -> str:
    """The fitted formula in a few words: layout, spacing, base, scale."""
    f = ident.fitted or {}
    words = [f"{f.get('layout')}, {f.get('spacing')} spacing, base {f.get('base', 0):g}"]
    if abs(float(f.get("scale", 1.0)) - 1.0) > 1e-6:
        words.append(f"output scale {_g(f['scale'])}")
    return ", ".join(words)


def _by_width(lines: list[tuple[int, str]]) -> str:
    """``d_model=32, 64: words`` for the widths that share their words."""
    groups: dict[str, list[int]] = {}
    for d, words in lines:
        groups.setdefault(words, []).append(d)
    return "; ".join(f"d_model={', '.join(map(str, ds))}: {w}" for w, ds in groups.items())


def _differences(found: _Expected, wanted: _Expected, d: int) -> list[str]:
    """The fields in which two conventions give different tables at width ``d``."""
    a, b = found.conv, wanted.conv
    out = []
    if a.layout != b.layout:
        out.append(f"layout {a.layout}, not {b.layout}")
    ba, bb = a.effective_base(d), b.effective_base(d)
    if abs(ba - bb) > 1e-6 * bb:
        out.append(f"frequencies of base {a.base:g} ({a.spacing}), not {b.base:g} ({b.spacing})")
    sa, sb = found.scale(d), wanted.scale(d)
    if abs(sa - sb) > 1e-6 * sb:
        out.append(f"output scale {_g(sa)}, not {_g(sb)} ({b.scale})")
    if a.padding_idx != b.padding_idx:
        out.append(f"padding row {a.padding_idx}, not {b.padding_idx}")
    return out


def _reproduces(exp: _Expected, y: np.ndarray, pos: np.ndarray, d: int) -> tuple[bool, float]:
    """Whether ``exp`` reproduces ``y`` within δ(p) at every row, and the worst error/δ."""
    try:
        exact = exp.exact(pos, d)
    except ValueError:
        return False, math.inf
    if exact.shape != y.shape:
        return False, math.inf
    ratio = np.abs(y.astype(np.float64) - exact).max(axis=1) / exp.delta(pos, d, y.dtype)
    worst = float(ratio.max()) if ratio.size else 0.0
    return worst <= 1.0, worst


class _TableCheck:
    """The claims of :func:`check_table`, one method each."""

    def __init__(
        self,
        fn: Callable | None,
        pos: np.ndarray,
        widths: tuple[int, ...],
        requested: Convention | None,
        strict: bool,
        large: np.ndarray,
        saved: np.ndarray | None = None,
    ) -> None:
        self.fn, self.pos, self.widths = fn, pos, widths
        self.requested, self.strict, self.large = requested, strict, large
        self.saved = saved
        self.calls: dict[int, _Call] = {}
        self.good: list[_Width] = []

    # -- driver
    def run(self, subject: str) -> Report:
        claims = [self.shape()]
        for w in self.good:
            w.ident, w.offset = _identify(w.table, self.pos)
            w.expected = _expected_from(w.ident, self.requested)
        claims += [
            self.identify_claim(),
            self.bugs(),
            self.positions_start(),
            self.values(),
            self.shift(),
            self.dot(),
            self.norm(),
            self.rows(),
            self.deterministic(),
            self.odd_width(),
            self.contract(),
        ]
        first = self.good[0] if self.good else None
        formula = ""
        if first is not None and self.requested is None and first.expected is not ASSUMED:
            formula = first.ident.formula(positions=False)  # the positions have a claim
        return Report(
            kind="table",
            subject=subject,
            claims=tuple(claims),
            convention=None if first is None or first.expected is ASSUMED else first.expected.conv,
            presets=self._presets(),
            formula=formula,
            requested=self.requested is not None,
            dtype="" if first is None else first.table.dtype.name,
            strict=self.strict,
        )

    def _presets(self) -> tuple[str, ...]:
        sets = [w.ident.presets for w in self.good if w.ident is not None and w.ident.matched]
        if not sets or len(sets) != len(self.good):
            return ()
        return tuple(n for n in sets[0] if all(n in s for s in sets[1:]))

    def _skip(self, claim_id: str, why: str) -> Claim:
        return _claim(CLAIMS, claim_id, "skip", why)

    # -- shape and dtype
    def shape(self) -> Claim:
        n = self.pos.size
        found, problems = [], []
        for d in self.widths:
            if self.saved is not None:
                call = _Call(self.saved)
            else:
                call = self.calls[d] = _call(self.fn, self.pos, d)
            if d % 2:
                continue  # odd widths: the odd-width claim
            if call.table is None:
                problems.append(f"d_model={d}: {call.error}")
                continue
            problem = _shape_problem(call.table, (n, d))
            if problem:
                problems.append(f"d_model={d}: {problem}")
                continue
            self.good.append(_Width(d, _as_float(call.table)))
            found.append(f"({n}, {d})")
        if problems:
            return _claim(CLAIMS, "check-shape", "fail", "; ".join(problems), problems=problems)
        dtype = self.good[0].table.dtype.name
        return _claim(
            CLAIMS,
            "check-shape",
            "pass",
            f"{' and '.join(found)} {dtype}, every entry finite",
            shapes=found,
            dtype=dtype,
        )

    # -- convention
    def identify_claim(self) -> Claim:
        if not self.good:
            return self._skip("identify", "no table to identify")
        if self.requested is not None:
            return self._identify_requested()
        lines, statuses = [], []
        for w in self.good:
            ident = w.ident
            if ident is None or not ident.matched:
                statuses.append("fail")
                lines.append((w.d, "no convention reproduces the table"))
            elif ident.index_bug is not None:
                statuses.append("fail")
                lines.append((w.d, f"{ident.index_bug}, an index bug, not a convention"))
            elif not ident.presets:
                statuses.append("fail")
                lines.append((w.d, f"a formula no known code base uses ({_fitted_words(ident)})"))
            else:
                statuses.append("pass")
                lines.append((w.d, ", ".join(ident.presets)))
        presets = self._presets()
        if "fail" in statuses:
            hint = (
                "; pass convention= to check an intended formula"
                if all(w.ident is not None and w.ident.matched for w in self.good)
                else ""
            )
            return _claim(CLAIMS, "identify", "fail", _by_width(lines) + hint)
        if not presets:
            return _claim(
                CLAIMS,
                "identify",
                "fail",
                "the widths read as different conventions: " + _by_width(lines),
            )
        if len(presets) > 1:
            words = f"one formula at every width, as {presets[0]} (the closest), "
            words += ", ".join(presets[1:]) + " compute it"
        else:
            words = f"{presets[0]} at every width"
        return _claim(CLAIMS, "identify", "pass", words, presets=list(presets))

    def _identify_requested(self) -> Claim:
        name = self.requested.name
        lines = []
        for w in self.good:
            if _reproduces(w.expected, w.table, self.pos, w.d)[0]:
                continue
            found = _expected_from(w.ident, None)
            if found is ASSUMED:
                lines.append((w.d, "no convention reproduces the table"))
                continue
            diffs = _differences(found, w.expected, w.d) or ["the values differ"]
            label = ", ".join(w.ident.presets) or _fitted_words(w.ident)
            lines.append((w.d, f"reads as {label}: {'; '.join(diffs)}"))
        if not lines:
            return _claim(CLAIMS, "identify", "pass", f"{name} reproduces the table at every width")
        return _claim(CLAIMS, "identify", "fail", f"not {name}: " + _by_width(lines))

    def bugs(self) -> Claim:
        if not self.good:
            return self._skip("bugs", "no table to read")
        for w in self.good:
            named = w.ident.index_bug if w.ident is not None else None
            known = w.ident is not None and w.ident.matched and bool(w.ident.presets)
            if self.requested is not None:
                known = _reproduces(w.expected, w.table, self.pos, w.d)[0]
            if named is None and known:
                continue
            found = named
            if found is not None:
                words = INDEX_BUGS.get(found, found)
                return _claim(
                    CLAIMS,
                    "bugs",
                    "fail",
                    f"d_model={w.d}: {found}, {words}",
                    bug=found,
                    d_model=w.d,
                )
        return _claim(
            CLAIMS, "bugs", "pass", "none of the index bugs of the Index conventions page"
        )

    def positions_start(self) -> Claim:
        if not self.good:
            return self._skip("positions-start", "no table to read")
        read = [w for w in self.good if w.offset is not None]
        if not read:
            return self._skip(
                "positions-start",
                "the rows could not be read without being told their positions",
            )
        wrong = [w for w in read if w.offset != 0]
        if not wrong:
            return _claim(
                CLAIMS,
                "positions-start",
                "pass",
                f"row k holds position {self.pos[0]} + k, as requested",
            )
        w = wrong[0]
        held = int(self.pos[0]) + w.offset
        return _claim(
            CLAIMS,
            "positions-start",
            "fail",
            f"d_model={w.d}: the row of position {self.pos[0]} holds position {held} "
            f"(off by {w.offset:+d})",
            offset=w.offset,
            d_model=w.d,
        )

    # -- values
    def values(self) -> Claim:
        if not self.good:
            return self._skip("eq-pe", "no table to grade")
        grades = []
        for w in self.good:
            g = _grade_values(w.table, w.expected, self.pos, w.d)
            g["d_model"] = w.d
            grades.append(g)
        worst = max(grades, key=lambda g: GRADES.index(g["grade"]))
        status = _grade_status(worst["grade"], self.strict)
        against = self.good[0].expected
        what = {"assumed": "the paper's formula (no convention identified)"}.get(
            against.source, against.conv.name
        )
        same = [g["d_model"] for g in grades if g["grade"] == worst["grade"]]
        detail = f"against {what}, d_model={', '.join(map(str, same))}: {worst['detail']}"
        top = {k: v for k, v in worst.items() if k != "detail"}
        return _claim(CLAIMS, "eq-pe", status, detail, **top, widths=grades)

    # -- theorems
    def _rows(self, w: _Width) -> np.ndarray:
        """Row indices the theorems use: all rows, or both ends of a long table; never the
        padding row."""
        n = self.pos.size
        idx = np.arange(n) if n <= 2 * THEOREM_ROWS else np.r_[:THEOREM_ROWS, n - THEOREM_ROWS : n]
        pad = w.expected.conv.padding_idx if w.expected is not ASSUMED else None
        return idx if pad is None else idx[self.pos[idx] != pad]

    def _pairs(self, w: _Width) -> list[tuple[str, np.ndarray, np.ndarray]]:
        layouts = (
            [w.expected.conv.layout]
            if w.expected is not ASSUMED
            else ["interleaved", "sin|cos", "cos|sin"]
        )
        half = w.d // 2
        out = []
        for layout in layouts:
            i = np.arange(half)
            out.append(
                (layout, _layout.column(i, 0, half, layout), _layout.column(i, 1, half, layout))
            )
        return out

    def shift(self) -> Claim:
        if not self.good:
            return self._skip("thm-shift", "no table to read")
        worst: dict | None = None
        for w in self.good:
            rows = self._rows(w)
            # The layout whose pairs shift best; for it, the worst offset k.
            best = min(
                (
                    max(
                        (_shift_residual(w, self.pos, rows, pairs, k) for k in (1, 3, 17)),
                        key=lambda r: r["ratio"],
                    )
                    for pairs in self._pairs(w)
                ),
                key=lambda r: r["ratio"],
            )
            if worst is None or best["ratio"] > worst["ratio"]:
                worst = best
        status = "pass" if worst["ratio"] <= 1 else "fail"
        detail = (
            f"d_model={worst['d_model']}, k={worst['k']}: residual {_g(worst['residual'])} at "
            f"position {worst['position']}, pair {worst['pair']} ({worst['layout']}); "
            f"tolerance {_g(worst['tolerance'])}"
        )
        if status == "pass":  # no numbers: below the tolerance they are rounding noise
            detail = (
                f"in the {worst['layout']} pairs, row p + k is row p turned by one angle per "
                "pair (k = 1, 3, 17), within the tolerance at every row"
            )
        return _claim(CLAIMS, "thm-shift", status, detail, **worst)

    def dot(self) -> Claim:
        if not self.good:
            return self._skip("thm-dot", "no table to read")
        worst = max(
            (_dot_spread(w, self.pos, self._rows(w)) for w in self.good), key=lambda r: r["ratio"]
        )
        status = "pass" if worst["ratio"] <= 1 else "fail"
        detail = (
            f"d_model={worst['d_model']}, offset {worst['offset']}: dot products spread by "
            f"{_g(worst['spread'])} (rows p, q = {_pair_words(worst['pairs'][0])} and "
            f"{_pair_words(worst['pairs'][1])}); "
            f"tolerance {_g(worst['tolerance'])}"
        )
        if status == "pass":
            detail = "rows with the same offset have the same dot product, within the tolerance"
        return _claim(CLAIMS, "thm-dot", status, detail, **worst)

    def norm(self) -> Claim:
        if not self.good:
            return self._skip("thm-norm", "no table to read")
        worst = max(
            (_norm_error(w, self.pos, self._rows(w)) for w in self.good), key=lambda r: r["ratio"]
        )
        status = "pass" if worst["ratio"] <= 1 else "fail"
        detail = (
            f"d_model={worst['d_model']}: norm {_g(worst['norm'])} at position "
            f"{worst['position']}, expected {_g(worst['expected'])}; tolerance "
            f"{_g(worst['tolerance'])}"
        )
        if status == "pass":
            norms = ", ".join(
                f"{w.expected.scale(w.d) * math.sqrt(w.d / 2):.4g} at d_model={w.d}"
                for w in self.good
            )
            detail = f"every row has norm s·sqrt(d/2) ({norms}), within the tolerance"
        return _claim(CLAIMS, "thm-norm", status, detail, **worst)

    # -- calls
    def rows(self) -> Claim:
        if self.fn is None:
            return self._skip("check-rows", "a saved table: no function to call")
        if not self.good:
            return self._skip("check-rows", "no table to compare with")
        w, n = self.good[0], self.pos.size
        lo = n // 3
        sub = self.pos[lo : lo + max(2, n // 4)]
        call = _call(self.fn, sub, w.d)
        if call.table is None or _shape_problem(call.table, (sub.size, w.d)):
            why = call.error or _shape_problem(call.table, (sub.size, w.d))
            return _claim(
                CLAIMS, "check-rows", "fail", f"positions {sub[0]}..{sub[-1]} alone: {why}"
            )
        part = _as_float(call.table).astype(np.float64)
        full = w.table[lo : lo + sub.size].astype(np.float64)
        if np.array_equal(part, full):
            return _claim(
                CLAIMS,
                "check-rows",
                "pass",
                f"positions {sub[0]}..{sub[-1]} asked alone give the same rows, bit for bit",
            )
        diff = np.abs(part - full).max(axis=1)
        tol = w.expected.delta(sub, w.d, w.table.dtype)
        r = int(np.argmax(diff / tol))
        status = "warn" if np.all(diff <= tol) else "fail"
        return _claim(
            CLAIMS,
            "check-rows",
            status,
            f"positions {sub[0]}..{sub[-1]} asked alone give other rows: position {sub[r]} "
            f"differs by {_g(diff[r])} (the dtype explains {_g(tol[r])})",
            position=int(sub[r]),
            difference=float(diff[r]),
            tolerance=float(tol[r]),
        )

    def deterministic(self) -> Claim:
        if self.fn is None:
            return self._skip("check-deterministic", "a saved table: no function to call")
        if not self.good:
            return self._skip("check-deterministic", "no table to compare with")
        w = self.good[0]
        again = _call(self.fn, self.pos, w.d)
        if again.table is None or again.table.shape != w.table.shape:
            why = again.error or f"shape {again.table.shape}"
            return _claim(CLAIMS, "check-deterministic", "fail", f"the second call: {why}")
        second = _as_float(again.table)
        if np.array_equal(second, w.table, equal_nan=True):
            return _claim(
                CLAIMS, "check-deterministic", "pass", f"d_model={w.d}: two calls, identical bits"
            )
        neq = second != w.table
        diff = np.abs(second.astype(np.float64) - w.table)
        r, c = np.unravel_index(int(np.argmax(diff)), diff.shape)
        return _claim(
            CLAIMS,
            "check-deterministic",
            "fail",
            f"d_model={w.d}: {int(neq.sum())} entries changed between two calls, up to "
            f"{_g(diff[r, c])} (position {self.pos[r]}, column {c})",
            changed=int(neq.sum()),
            max_change=float(diff[r, c]),
        )

    def odd_width(self) -> Claim:
        odd = [d for d in self.widths if d % 2]
        if self.fn is None or not odd:
            why = "a saved table" if self.fn is None else "no odd width in d_models"
            return self._skip("odd-width", why)
        if not self.good:
            return self._skip("odd-width", "no even width to take the convention from")
        results = [_odd_result(self.calls[d], self._odd_candidates(), self.pos, d) for d in odd]
        status = _worst_status(r[0] for r in results)
        detail = "; ".join(r[1] for r in results)
        return _claim(CLAIMS, "odd-width", status, detail)

    def _odd_candidates(self) -> list[_Expected]:
        """The conventions an odd-width table may follow: the requested one's rule, or (when
        that rule is "error", i.e. none, or nothing was requested) any common rule: an error,
        a zero column, a trailing sine, and "short" when a matching preset uses it."""
        w = self.good[0]
        if w.expected is ASSUMED:
            return []
        conv = w.expected.conv
        if self.requested is not None and conv.odd != "error":
            return [w.expected]
        rules = ["error", "zero", "sine"]
        matching = [m.name for m in w.ident.matching] if w.ident is not None else []
        if any(PRESETS[n].odd == "short" for n in matching) or conv.odd == "short":
            rules.append("short")
        return [replace(w.expected, conv=replace(conv, odd=rule, recipe=None)) for rule in rules]

    def contract(self) -> Claim:
        if not self.good:
            return self._skip("contract", "no table to grade")
        w = self.good[0]
        if self.saved is not None:
            keep = _large_rows(self.pos)
            if keep.size == 0:
                return self._skip("contract", "the table holds no position >= 2**16")
            pos, table = self.pos[keep], w.table[keep]
        else:
            if self.large.size == 0:
                return self._skip("contract", "large_positions is empty")
            pos = self.large
            call = _call(self.fn, pos, w.d)
            if call.raised:
                return self._skip("contract", f"fn raised at positions {_span(pos)}: {call.error}")
            problem = call.error or _shape_problem(call.table, (pos.size, w.d))
            if problem:
                return _claim(CLAIMS, "contract", "fail", f"at positions {_span(pos)}: {problem}")
            table = _as_float(call.table)
        try:
            g = _grade_values(table, w.expected, pos, w.d)
        except ValueError as exc:
            return self._skip("contract", f"outside the reference's range: {_first_line(exc)}")
        status = _grade_status(g["grade"], self.strict)
        contract = "correctly rounded" if table.dtype != np.float64 else "faithful"
        words = g.pop("detail")
        detail = f"positions {_span(pos)}, d_model={w.d}: {words} (the reference: {contract})"
        return _claim(CLAIMS, "contract", status, detail, **g)


def _large_rows(pos: np.ndarray) -> np.ndarray:
    """Rows of a saved table for the ``contract`` claim: the positions of
    :data:`LARGE_POSITIONS` it holds, else its rows nearest to 2**16, 2**17, … and its last."""
    big = np.flatnonzero(np.abs(pos) >= LARGE_POSITIONS[0])
    if big.size == 0:
        return big
    wanted = [2**k + e for k in range(16, 27) for e in (-1, 0, 1)] + [int(pos[big[-1]])]
    nearest = np.searchsorted(pos[big], wanted).clip(0, big.size - 1)
    return np.unique(big[nearest])


def _pair_words(pair: list[int]) -> str:
    return f"({pair[0]}, {pair[1]})"


def _span(pos: np.ndarray) -> str:
    return f"{pos.min()}..{pos.max()}" if pos.size > 1 else str(pos[0])


def _shift_residual(w: _Width, pos: np.ndarray, rows: np.ndarray, pairs: tuple, k: int) -> dict:
    """thm-shift on rows ``p`` and ``p + k``: per pair, the rotation of the (sine, cosine)
    point fitted over all rows, and the largest residual against the tolerance (module text)."""
    layout, sin_cols, cos_cols = pairs
    where = {int(p): r for r, p in zip(rows, pos[rows], strict=True)}
    a = np.array([r for r in rows if int(pos[r]) + k in where], dtype=np.int64)
    base = {
        "d_model": w.d,
        "k": k,
        "layout": layout,
        "ratio": 0.0,
        "residual": 0.0,
        "tolerance": 0.0,
        "position": None,
        "pair": None,
    }
    if a.size == 0:
        return base
    b = np.array([where[int(pos[r]) + k] for r in a])
    y0, y1 = w.table[a].astype(np.float64), w.table[b].astype(np.float64)
    z0 = y0[:, cos_cols] + 1j * y0[:, sin_cols]
    z1 = y1[:, cos_cols] + 1j * y1[:, sin_cols]
    turn = np.exp(1j * np.angle(np.sum(z1 * np.conj(z0), axis=0)))
    resid = np.abs(z1 - turn * z0)
    d0 = w.expected.delta(pos[a], w.d, w.table.dtype)
    d1 = w.expected.delta(pos[b], w.d, w.table.dtype)
    big = float(np.max(d0 + d1))
    tol = math.sqrt(2) * (d0 + d1 + 1.01 * big) + 16 * 2.0**-53 * w.expected.scale(w.d)
    ratio = resid / tol[:, None]
    r, i = np.unravel_index(int(np.argmax(ratio)), ratio.shape)
    return {
        **base,
        "ratio": float(ratio[r, i]),
        "residual": float(resid[r, i]),
        "tolerance": float(tol[r]),
        "position": int(pos[a[r]]),
        "pair": int(i),
    }


def _dot_spread(w: _Width, pos: np.ndarray, rows: np.ndarray) -> dict:
    """thm-dot: the dot products of every two rows, grouped by offset; the largest spread
    within a group against the tolerance (module text)."""
    y = w.table[rows].astype(np.float64)
    p = pos[rows]
    gram = y @ y.T
    norms = np.sqrt(np.einsum("ij,ij->i", y, y))
    delta = w.expected.delta(p, w.d, w.table.dtype)
    root = math.sqrt(w.d)
    bound = root * (delta[:, None] * norms[None, :] + norms[:, None] * delta[None, :])
    bound += w.d * delta[:, None] * delta[None, :] + 4 * w.d * 2.0**-53 * norms.max() ** 2
    offsets = (p[None, :] - p[:, None]).ravel()
    order = np.argsort(offsets, kind="stable")
    off, vals, tols = offsets[order], gram.ravel()[order], bound.ravel()[order]
    starts = np.flatnonzero(np.r_[True, off[1:] != off[:-1]])
    spread = np.maximum.reduceat(vals, starts) - np.minimum.reduceat(vals, starts)
    tol = 2 * np.maximum.reduceat(tols, starts)
    g = int(np.argmax(spread / tol))
    members = order[starts[g] : starts[g + 1] if g + 1 < starts.size else off.size]
    hi, lo = (
        members[np.argmax(vals[starts[g] : starts[g] + members.size])],
        members[np.argmin(vals[starts[g] : starts[g] + members.size])],
    )
    pair = lambda flat: [int(p[flat // p.size]), int(p[flat % p.size])]  # noqa: E731
    return {
        "d_model": w.d,
        "offset": int(off[starts[g]]),
        "spread": float(spread[g]),
        "tolerance": float(tol[g]),
        "ratio": float(spread[g] / tol[g]),
        "pairs": [pair(hi), pair(lo)],
    }


def _norm_error(w: _Width, pos: np.ndarray, rows: np.ndarray) -> dict:
    """thm-norm: every row's norm against s·sqrt(d/2), within sqrt(d)·δ(p)."""
    y = w.table[rows].astype(np.float64)
    norms = np.sqrt(np.einsum("ij,ij->i", y, y))
    expected = w.expected.scale(w.d) * math.sqrt(w.d / 2)
    tol = math.sqrt(w.d) * w.expected.delta(pos[rows], w.d, w.table.dtype) + w.d * 2.0**-52
    ratio = np.abs(norms - expected) / tol
    r = int(np.argmax(ratio))
    return {
        "d_model": w.d,
        "position": int(pos[rows][r]),
        "norm": float(norms[r]),
        "expected": expected,
        "tolerance": float(tol[r]),
        "ratio": float(ratio[r]),
    }


#: The index bugs of the Index conventions page (docs/indices.md#bugs), by name.
INDEX_BUGS: dict[str, str] = {
    "bug-1": "the exponent taken from the column index j (j/d instead of 2i/d), so every cosine "
    "turns at a speed of its own",
    "bug-2": "'i is the dimension' taken literally: the exponent 2j/d with j the column",
    "bug-3": "the exponent doubled for both functions (2·2i/d), so the slow pairs freeze",
    "bug-4": "sine and cosine swapped (the cosine in column 2i, the sine in 2i + 1)",
}


def _odd_result(
    call: _Call, candidates: list[_Expected], pos: np.ndarray, d: int
) -> tuple[str, str]:
    """(status, words) for the call at odd width ``d``."""
    if not candidates:
        return "skip", f"d_model={d}: no convention to compare with"
    name = candidates[0].conv.name
    if call.raised:
        if any(c.conv.odd == "error" for c in candidates):
            return "pass", f"d_model={d}: raised {call.error.split(':')[0]} (the rule 'error')"
        rule = candidates[0].conv.odd
        return (
            "fail",
            f"d_model={d}: raised {call.error.split(':')[0]}; {name} has the rule {rule!r}",
        )
    if call.table is None:
        return "fail", f"d_model={d}: {call.error}"
    y = _as_float(call.table)
    bad = _shape_problem(y, y.shape)
    if bad or y.ndim != 2 or y.shape[0] != pos.size:
        return "fail", f"d_model={d}: {bad or f'shape {y.shape}'}"
    for c in candidates:
        if c.conv.odd == "error":
            continue
        fits, _ = _reproduces(c, y, pos, d)
        if fits:
            return "pass", f"d_model={d}: {y.shape[1]} columns, the rule {c.conv.odd!r}"
    return "fail", f"d_model={d}: {_odd_diagnosis(y, candidates, pos, d)}"


def _odd_diagnosis(y: np.ndarray, candidates: list[_Expected], pos: np.ndarray, d: int) -> str:
    """What an odd-width table that follows no rule is instead."""
    first = candidates[0]
    if y.shape[1] == d - 1:
        return f"{d - 1} columns for d_model={d}: a column was dropped"
    try:
        wider = first.exact(pos, d + 1)[:, :d] if (d + 1) % 2 == 0 else None
    except ValueError:
        wider = None
    if wider is not None and y.shape == wider.shape:
        tol = first.delta(pos, d, y.dtype)
        if np.all(np.abs(y.astype(np.float64) - wider).max(axis=1) <= tol):
            return f"the table of width {d + 1} cut to {d} columns (frequencies of width {d + 1})"
    rules = ", ".join(sorted({c.conv.odd for c in candidates}))
    return f"shape {y.shape}: no odd-width rule ({rules}) of {first.conv.name} reproduces it"


def check_table(
    fn: Callable[[np.ndarray, int], Any] | npt.ArrayLike,
    *,
    convention: str | Convention | None = None,
    d_models: int | Sequence[int] | None = None,
    positions: int | range | npt.ArrayLike | None = None,
    strict: bool = False,
    large_positions: int | range | npt.ArrayLike = LARGE_POSITIONS,
) -> Report:
    """Check a sinusoidal position-encoding table against the claims of the site.

    Parameters
    ----------
    fn : callable or array
        ``fn(positions, d_model)`` returns the table: rows ``positions`` (a 1-D int64 NumPy
        array) of width ``d_model``, as a NumPy array or any object with ``__array__`` or
        ``__dlpack__`` (see :func:`to_numpy`). Or a table already computed (a saved file):
        then the claims that need calls (rows, determinism, odd width) are skipped and
        ``positions`` defaults to its rows ``0 … n-1``.
    convention : str, Convention or None
        What the table should be: a preset name of :data:`posenc_ref.conventions.PRESETS` or a
        :class:`~posenc_ref.conventions.Convention`. None (the default): whatever is identified,
        which must be a known preset.
    d_models : int or sequence of int, default (64, 512, 63)
        Widths to ask for; an odd one checks the odd-width rule. Not for a saved table.
    positions : int, range or 1-D array of int, default 256 (positions 0 … 255)
        Rows to ask for (increasing, at least 4): consecutive ones let the check read an
        off-by-one table.
    strict : bool, default False
        Fail textbook values (error growing like ``|p|·eps``) instead of warning.
    large_positions : positions, default :data:`LARGE_POSITIONS`
        Rows of the ``contract`` claim (2**16 … 2**24 + 1); ``()`` skips it. Skipped too when
        ``fn`` raises there (a table built only up to some length).

    Returns
    -------
    Report
        Claims ``check-shape``, ``identify``, ``bugs``, ``positions-start``, ``eq-pe``,
        ``thm-shift``, ``thm-dot``, ``thm-norm``, ``check-rows``, ``check-deterministic``,
        ``odd-width`` and ``contract`` (see :data:`CLAIMS`), tolerances as in the module text.

    Examples
    --------
    The PyTorch tutorial's formula (float32 throughout) passes with a warning: its values are
    textbook float32, off by up to about ``|p|·eps``:

    >>> from posenc_ref.conventions import PRESETS
    >>> report = check_table(lambda p, d: PRESETS["pytorch-tutorial"].table(p, d))
    >>> report.ok, report.presets[0], report.claim("eq-pe").status
    (True, 'pytorch-tutorial', 'warn')

    "i is the column": the exponent 2j/d with j the column index fails, and is named:

    >>> def column_bug(positions, d):
    ...     j = np.arange(d)
    ...     angle = positions[:, None] / 10000 ** (2 * j / d)
    ...     return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))
    >>> report = check_table(column_bug, d_models=[64])
    >>> report.ok, report.claim("bugs").evidence["bug"]
    (False, 'bug-2')
    >>> [c.id for c in report.failed]
    ['identify', 'bugs', 'eq-pe', 'thm-shift', 'thm-dot', 'thm-norm', 'contract']
    """
    requested = _check_convention(convention)
    strict = check_flag(strict, "strict")
    large = check_positions(large_positions, "large_positions")
    if not callable(fn):
        return _check_saved(fn, requested, d_models, positions, strict)
    widths = _check_d_models(DEFAULT_D_MODELS if d_models is None else d_models)
    pos = check_positions(256 if positions is None else positions)
    _check_increasing(pos, "positions", 4)
    check = _TableCheck(fn, pos, widths, requested, strict, large)
    return check.run(_subject(fn))


def _check_saved(
    table: Any, requested: Convention | None, d_models: Any, positions: Any, strict: bool
) -> Report:
    if d_models is not None:
        raise ValueError("d_models must be None for a saved table (it has its own width)")
    arr = to_numpy(table, "fn")
    if arr.ndim != 2 or arr.dtype.kind not in "iuf":
        raise TypeError(
            f"fn must be a callable or a 2-D table of reals; got {arr.dtype} {arr.shape}"
        )
    n, d = arr.shape
    pos = np.arange(n, dtype=np.int64) if positions is None else check_positions(positions)
    _check_increasing(pos, "positions", 4)
    if pos.size != n:
        raise ValueError(f"positions must give one position per row ({n}); got {pos.size}")
    check = _TableCheck(None, pos, (d,), requested, strict, pos[:0], saved=arr)
    return check.run(f"a saved table {n} x {d}")


# ----------------------------------------------------------------------------------- RoPE
@dataclass
class _Planes:
    """The planes read off the rotations of the basis vectors."""

    layout: str | None
    rotary_dim: int
    first: np.ndarray
    """Channel ``a`` of each plane (the one that turns towards ``b``)."""
    second: np.ndarray
    cos: np.ndarray
    """(n, planes): the cosine of each plane's angle at each position."""
    sin: np.ndarray
    """(n, planes): the sine, counter-clockwise sign."""
    clockwise: bool = False
    problem: str | None = None


def _read_planes(rot: np.ndarray, pos: np.ndarray) -> _Planes:
    """Which channels form planes, in which layout, and the cos/sin of each plane's angle.

    ``rot[r]`` is the map at ``pos[r]`` (column ``k`` is the image of the basis vector
    ``e_k``). An elementwise RoPE leaves exact zeros outside its planes (``0·x`` is exact), so
    any nonzero entry off the planes is a coupling."""
    n, d, _ = rot.shape
    coupled = np.any(rot != 0, axis=0)
    np.fill_diagonal(coupled, False)
    coupled |= coupled.T
    partners = [np.flatnonzero(coupled[j]) for j in range(d)]
    empty = _Planes(None, 0, np.zeros(0, int), np.zeros(0, int), np.zeros((n, 0)), np.zeros((n, 0)))
    if any(len(p) > 1 for p in partners):
        j = next(j for j in range(d) if len(partners[j]) > 1)
        return replace(empty, problem=f"channel {j} mixes with channels {partners[j].tolist()}")
    turning = np.array([j for j in range(d) if len(partners[j])], dtype=int)
    r = turning.size
    if r == 0 or not np.array_equal(turning, np.arange(r)):
        return replace(
            empty,
            problem="no channel pairs into a plane, or the planes are not the "
            f"first channels (coupled: {turning.tolist()[:8]})",
        )
    still = np.arange(r, d)
    if still.size and not np.all(rot[:, still, still] == 1):
        return replace(empty, problem="channels outside the planes are scaled, not passed through")
    for layout, a, b in (
        ("interleaved", np.arange(0, r, 2), np.arange(1, r, 2)),
        ("half", np.arange(r // 2), np.arange(r // 2, r)),
    ):
        if all(partners[i].tolist() == [j] for i, j in zip(a, b, strict=True)):
            return _plane_values(rot, pos, layout, a, b, r)
    return replace(
        empty,
        problem="the planes pair channels "
        + ", ".join(f"({j}, {partners[j][0]})" for j in turning[:4])
        + " …: neither layout",
    )


def _plane_values(
    rot: np.ndarray, pos: np.ndarray, layout: str, a: np.ndarray, b: np.ndarray, r: int
) -> _Planes:
    cos = rot[:, a, a].astype(np.float64)
    sin = rot[:, b, a].astype(np.float64)
    nz = np.flatnonzero(pos != 0)
    clockwise = False
    if nz.size:
        k = nz[np.argmin(np.abs(pos[nz]))]
        clockwise = bool(np.sign(pos[k]) * sin[k, 0] < 0)
    planes = _Planes(layout, r, a, b, cos, -sin if clockwise else sin, clockwise)
    # A rotation has the same cosine on both channels and opposite sines.
    cos_b = rot[:, b, b].astype(np.float64)
    sin_b = -rot[:, a, b].astype(np.float64)
    if not (np.array_equal(cos_b, cos) and np.array_equal(sin_b, rot[:, b, a])):
        gap = max(float(np.abs(cos_b - cos).max()), float(np.abs(sin_b - rot[:, b, a]).max()))
        planes.problem = (
            f"the planes are not rotations (the two channels differ by up to {_g(gap)})"
        )
    return planes


def _words(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _full_cache(values: np.ndarray, layout: str) -> np.ndarray:
    return (
        np.repeat(values, 2, axis=1)
        if layout == "interleaved"
        else np.concatenate([values, values], axis=1)
    )


def _rotate_exact(x: np.ndarray, pos: np.ndarray, conv: RopeConvention, d: int) -> np.ndarray:
    """The exact RoPE of ``x`` (float64) under ``conv``: the reference's cos/sin (faithful)
    times the attention factor, applied plane by plane."""
    r = conv.rotary_dim or d
    if conv.scaling is None:
        c, s = rope_pairs(pos, r, base=conv.base)
    else:
        c, s = scaled_rope_pairs(pos, r, conv.scaling, base=conv.base)
        factor = attention_factor(conv.scaling)
        c, s = factor * c, factor * s
    lay = "interleaved" if conv.layout == "interleaved" else "sin|cos"
    x64 = x.astype(np.float64)
    a, b = _layout.components(x64[..., :r], lay)
    out = x64.copy()
    out[..., :r] = _layout.merge(a * c - b * s, b * c + a * s, lay)
    return out


def _plane_size(x: np.ndarray, conv: RopeConvention, d: int) -> np.ndarray:
    """|a| + |b| of the plane of every channel (|x| for a channel passed through)."""
    r = conv.rotary_dim or d
    lay = "interleaved" if conv.layout == "interleaved" else "sin|cos"
    size = np.abs(x.astype(np.float64))
    a, b = _layout.components(size[..., :r], lay)
    both = a + b
    size[..., :r] = _layout.merge(both, both, lay)
    return size


class _RopeCheck:
    """The claims of :func:`check_rope`, one method each."""

    def __init__(
        self,
        fn: Callable,
        pos: np.ndarray,
        d: int,
        dtype: np.dtype,
        wanted: dict,
        strict: bool,
        seed: int,
    ) -> None:
        self.fn, self.pos, self.d, self.dtype = fn, pos, d, dtype
        self.wanted, self.strict = wanted, strict
        self.rng = np.random.default_rng(seed)
        self.planes: _Planes | None = None
        self.ident: RopeIdentification | None = None
        self.conv: RopeConvention | None = None
        self.x = self.rng.standard_normal((4, pos.size, d)).astype(dtype)
        self.y: np.ndarray | None = None

    def _claim(self, claim_id: str, status: str, detail: str, **evidence: Any) -> Claim:
        return _claim(ROPE_CLAIMS, claim_id, status, detail, **evidence)

    def _apply(self, x: np.ndarray) -> _Call:
        try:
            out = self.fn(x.copy(), self.pos.copy())
        except Exception as exc:  # the user's code: any exception is a finding
            return _Call(None, f"{type(exc).__name__}: {_first_line(exc)}", raised=True)
        try:
            return _Call(_as_float(to_numpy(out, "apply_fn's result")))
        except TypeError as exc:
            return _Call(None, str(exc))

    def run(self, subject: str) -> Report:
        claims = [self.shape()]
        ready = claims[0].status == "pass"
        if ready:
            self._identify()
        claims += (
            [
                self.identify_claim(),
                self.orientation(),
                self.values(),
                self.relative(),
                self.norm(),
                self.deterministic(),
            ]
            if ready
            else [self._claim(c, "skip", "no output to read") for c in list(ROPE_CLAIMS)[1:]]
        )
        return Report(
            kind="rope",
            subject=subject,
            claims=tuple(claims),
            convention=self.conv,
            requested=self._requested(),
            dtype=self.dtype.name,
            strict=self.strict,
        )

    def _requested(self) -> bool:
        return any(v is not None for v in self.wanted.values())

    def shape(self) -> Claim:
        n, d = self.pos.size, self.d
        basis = np.zeros((d, n, d), dtype=self.dtype)
        basis[np.arange(d), :, np.arange(d)] = 1
        call = self._apply(basis)
        problem = call.error or _shape_problem(call.table, basis.shape)
        if problem:
            return self._claim("check-shape", "fail", f"x of shape {basis.shape}: {problem}")
        self.rot = call.table.transpose(1, 2, 0)
        out = self._apply(self.x)
        problem = out.error or _shape_problem(out.table, self.x.shape)
        if problem:
            return self._claim("check-shape", "fail", f"x of shape {self.x.shape}: {problem}")
        self.y = out.table
        return self._claim(
            "check-shape",
            "pass",
            f"x of shape {self.x.shape} {self.dtype}: same shape, "
            f"{out.table.dtype}, every entry finite",
        )

    def _identify(self) -> None:
        self.planes = p = _read_planes(self.rot, self.pos)
        wanted = self.wanted
        found: dict = {
            "layout": p.layout,
            "rotary_dim": None if p.rotary_dim == self.d else p.rotary_dim or None,
        }
        if p.problem is None:
            try:
                self.ident = identify_rope_cache(
                    _full_cache(p.cos, p.layout),
                    _full_cache(p.sin, p.layout),
                    positions=self.pos,
                    scaling=wanted["scaling"],
                )
            except ValueError:
                self.ident = None
        if self.ident is not None and self.ident.matched:
            best = self.ident.best
            found.update(base=best.base, scaling=best.scaling)
        layout = wanted["layout"] or found.get("layout")
        base = wanted["base"] or found.get("base")
        if layout is None or base is None:
            self.conv = None
            return
        scaling = wanted["scaling"] if wanted["scaling"] is not None else found.get("scaling")
        self.conv = RopeConvention(layout, base, scaling, found.get("rotary_dim"))

    def identify_claim(self) -> Claim:
        p = self.planes
        if p.problem is not None:
            return self._claim("identify", "fail", f"not a RoPE: {p.problem}")
        if self.ident is None or not self.ident.matched:
            near = "" if self.ident is None else f"; closest: {self.ident.best.verdict}"
            return self._claim(
                "identify", "fail", f"{p.layout} planes, but no RoPE reproduces their angles{near}"
            )
        best = self.ident.best
        found = {"layout": p.layout, "base": best.base, "scaling": best.scaling}
        diffs = [
            f"{k} {_words(found[k])}, not {_words(v)}"
            for k, v in self.wanted.items()
            if v is not None and found[k] != v
        ]
        part = "" if p.rotary_dim == self.d else f", first {p.rotary_dim} of {self.d} channels"
        scaled = "" if best.scaling is None else f", scaled by {best.scaling!r}"
        text = f"{p.layout} layout, base {best.base:g}{scaled}{part}"
        if diffs:
            return self._claim(
                "identify", "fail", f"{text}: {'; '.join(diffs)}", layout=p.layout, base=best.base
            )
        return self._claim(
            "identify", "pass", text, layout=p.layout, base=best.base, rotary_dim=p.rotary_dim
        )

    def orientation(self) -> Claim:
        p = self.planes
        if p.problem is not None or p.layout is None:
            return self._claim("thm-rope-orientation", "skip", "no planes to read")
        if p.clockwise:
            return self._claim(
                "thm-rope-orientation",
                "fail",
                "the planes turn clockwise (by -p·ω_i): a checkpoint trained "
                "counter-clockwise needs its weights sign-flipped",
            )
        return self._claim(
            "thm-rope-orientation", "pass", "counter-clockwise: e_a turns towards e_b by +p·ω_i"
        )

    def _g(self, pos: np.ndarray) -> np.ndarray:
        """δ(p)/s per unit of plane size (module text), in the dtype of x."""
        conv = self.conv
        omega = 1.0
        if conv is not None and conv.base < 1:
            omega = conv.base ** (-((conv.rotary_dim or self.d) - 2) / (conv.rotary_dim or self.d))
        return _delta(pos, _eps(self.dtype), 1.0, omega)

    def _factor(self) -> float:
        return attention_factor(None if self.conv is None else self.conv.scaling)

    def values(self) -> Claim:
        if self.conv is None:
            return self._claim(
                "eq-rope",
                "fail",
                "nothing to compare with: no RoPE identified (give base and layout)",
            )
        exact = _rotate_exact(self.x, self.pos, self.conv, self.d)
        err = np.abs(self.y.astype(np.float64) - exact)
        size = _plane_size(self.x, self.conv, self.d) * self._factor()
        tiny = 5 * 2.0**-53 * size
        units = (
            ulp(exact, self.dtype.name) if self.dtype != np.float64 else np.spacing(np.abs(exact))
        )
        bound = (err - tiny) / units
        g = self._g(self.pos)[None, :, None] * size
        if float(bound.max()) <= 0.5:
            grade = "correctly rounded"
        elif float(bound.max()) < 1.0:
            grade = "faithful"
        elif np.all(err <= g + tiny):
            grade = "textbook"
        else:
            grade = "wrong"
        b, r, c = np.unravel_index(int(np.argmax(err / (g + tiny))), err.shape)
        detail = (
            f"{grade} against {self.conv}: largest error {_g(err[b, r, c])} "
            f"({_g(bound[b, r, c])} ulp) at position {self.pos[r]}, channel {c}"
        )
        if grade in ("correctly rounded", "faithful"):
            within = "0.5 ulp" if grade == "correctly rounded" else "1 ulp"
            detail = (
                f"{grade}: every output within {within} of the exact rotation ({self.conv}), "
                "up to the float64 rounding of the rotation itself"
            )
        return self._claim(
            "eq-rope",
            _grade_status(grade, self.strict),
            detail,
            grade=grade,
            max_abs=float(err.max()),
            position=int(self.pos[r]),
            channel=int(c),
            ulp_there=float(bound[b, r, c]),
        )

    def relative(self) -> Claim:
        q, k = self.rng.standard_normal((2, self.d))
        x = np.stack([np.tile(q, (self.pos.size, 1)), np.tile(k, (self.pos.size, 1))])
        call = self._apply(x.astype(self.dtype))
        problem = call.error or _shape_problem(call.table, x.shape)
        if problem:
            return self._claim("thm-rope-relative", "fail", f"the call failed: {problem}")
        qs, ks = call.table.astype(np.float64)
        q, k = (
            x[0, 0].astype(self.dtype).astype(np.float64),
            x[1, 0].astype(self.dtype).astype(np.float64),
        )
        scores = qs @ ks.T
        g = self._g(self.pos)
        scale = math.sqrt(2) * np.linalg.norm(q) * np.linalg.norm(k) * self._factor() ** 2
        bound = scale * (g[:, None] + g[None, :]) + 8 * self.d * 2.0**-53 * scale
        offsets = (self.pos[None, :] - self.pos[:, None]).ravel()
        order = np.argsort(offsets, kind="stable")
        off, vals, tols = offsets[order], scores.ravel()[order], bound.ravel()[order]
        starts = np.flatnonzero(np.r_[True, off[1:] != off[:-1]])
        spread = np.maximum.reduceat(vals, starts) - np.minimum.reduceat(vals, starts)
        tol = 2 * np.maximum.reduceat(tols, starts)
        i = int(np.argmax(spread / tol))
        status = "pass" if spread[i] <= tol[i] else "fail"
        detail = (
            f"q(m)·k(n) is the same for every m, n with the same n - m ({starts.size} offsets), "
            "within the tolerance"
        )
        if status == "fail":
            detail = (
                f"the score q(m)·k(n) depends on more than n - m: at offset "
                f"{off[starts[i]]} it spreads by {_g(spread[i])} (tolerance {_g(tol[i])})"
            )
        return self._claim(
            "thm-rope-relative",
            status,
            detail,
            offset=int(off[starts[i]]),
            spread=float(spread[i]),
            tolerance=float(tol[i]),
        )

    def norm(self) -> Claim:
        x = self.x.astype(np.float64)
        lengths = np.linalg.norm(x, axis=-1)
        out = np.linalg.norm(self.y.astype(np.float64), axis=-1)
        factor = self._factor()
        tol = (
            math.sqrt(2) * factor * lengths * self._g(self.pos)[None, :]
            + 8 * self.d * 2.0**-53 * factor * lengths
        )
        ratio = np.abs(out - factor * lengths) / tol
        b, r = np.unravel_index(int(np.argmax(ratio)), ratio.shape)
        status = "pass" if ratio[b, r] <= 1 else "fail"
        what = "" if factor == 1 else f" times the attention factor {_g(factor)}"
        detail = f"|x'| = |x|{what} at every position, within the tolerance"
        if status == "fail":
            detail = (
                f"|x'| = |x|{what} fails: at position {self.pos[r]}, {_g(out[b, r])} for "
                f"{_g(factor * lengths[b, r])} (tolerance {_g(tol[b, r])})"
            )
        return self._claim(
            "thm-rope-norm",
            status,
            detail,
            position=int(self.pos[r]),
            norm=float(out[b, r]),
            expected=float(factor * lengths[b, r]),
            tolerance=float(tol[b, r]),
        )

    def deterministic(self) -> Claim:
        again = self._apply(self.x)
        if again.table is None or again.table.shape != self.y.shape:
            return self._claim("check-deterministic", "fail", f"the second call: {again.error}")
        if np.array_equal(again.table, self.y, equal_nan=True):
            return self._claim("check-deterministic", "pass", "two calls, identical bits")
        changed = int(np.count_nonzero(again.table != self.y))
        return self._claim(
            "check-deterministic",
            "fail",
            f"{changed} entries changed between two calls",
            changed=changed,
        )


def check_rope(
    apply_fn: Callable[[np.ndarray, np.ndarray], Any],
    *,
    base: float | None = None,
    layout: str | None = None,
    scaling: RopeScaling | None = None,
    d_head: int = 64,
    positions: int | range | npt.ArrayLike = 64,
    dtype: npt.DTypeLike = "float32",
    strict: bool = False,
    seed: int = 0,
) -> Report:
    """Check a RoPE implementation against the claims of the site.

    ``apply_fn(x, positions)`` must return ``x`` rotated: ``x`` has shape ``(batch, n,
    d_head)`` (dtype ``dtype``), ``positions`` is a 1-D int64 array of length ``n``, and the
    result is an array of the same shape (NumPy, or anything :func:`to_numpy` reads). The
    rotation at each position is read by applying it to the basis vectors; its planes, layout,
    orientation, base and scaling come from that
    (:func:`~posenc_ref.rope_identification.identify_rope_cache` names them).

    Parameters
    ----------
    apply_fn : callable
        The implementation under test, wrapped to take and return arrays.
    base, layout, scaling : optional
        What the RoPE should be (``layout`` ``"interleaved"`` or ``"half"``, a
        :class:`~posenc_ref.rope_scaling.RopeScaling`); None: what is identified.
    d_head : int, default 64
        Head width.
    positions : positions, default 64 (0 … 63)
        Increasing, at least 4.
    dtype : {"float32", "float16", "float64"}, default "float32"
        The dtype of ``x``.
    strict : bool, default False
        Fail textbook values (error growing like ``|p|·eps``) instead of warning.
    seed : int, default 0
        Seed of the random vectors the values, norms and scores are checked on.

    Returns
    -------
    Report
        Claims ``check-shape``, ``identify``, ``thm-rope-orientation``, ``eq-rope``,
        ``thm-rope-relative``, ``thm-rope-norm`` and ``check-deterministic`` (see
        :data:`ROPE_CLAIMS`).

    Examples
    --------
    >>> import posenc_ref as pe
    >>> report = check_rope(lambda x, p: pe.apply_rope(x, p, layout="half", base=500000.0))
    >>> report.ok, str(report.convention)
    (True, 'RoPE, half layout, base 500000')

    A clockwise RoPE (the angles negated) is the same model only with sign-flipped weights:

    >>> clockwise = lambda x, p: pe.apply_rope(x, -p)
    >>> [c.id for c in check_rope(clockwise).failed]
    ['thm-rope-orientation', 'eq-rope']
    """
    if not callable(apply_fn):
        raise TypeError(
            f"apply_fn must be a callable apply_fn(x, positions); got {describe(apply_fn)}"
        )
    wanted = {
        "layout": None if layout is None else check_rope_layout(layout),
        "base": None if base is None else _check_base_value(base, "base"),
        "scaling": scaling,
    }
    if scaling is not None and not isinstance(scaling, RopeScaling):
        raise TypeError(f"scaling must be None or a RopeScaling; got {describe(scaling)}")
    d = _check_even_width(d_head, "d_head")
    pos = _check_increasing(check_positions(positions), "positions", 4)
    dt = check_dtype(dtype)
    strict = check_flag(strict, "strict")
    seed = check_int(seed, "seed", minimum=0)
    return _RopeCheck(apply_fn, pos, d, dt, wanted, strict, seed).run(_subject(apply_fn))
