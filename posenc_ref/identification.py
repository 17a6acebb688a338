"""Name the convention of a sinusoidal table: :func:`identify`.

Identification *reads* the table, *describes* it as a formula, and *claims* only what it can
reproduce. In order:

1. **Orientation.** The table and its transpose are both read (a transposed reading never asks
   for more than :data:`MAX_WIDTH` channels); the one that reproduces better wins.
2. **Pairs.** An all-zero row is a padding row, an all-zero last column the odd-width "zero"
   rule. The columns are paired into (sin, cos) by each layout's map (interleaved, all sines
   then all cosines; per-axis blocks for 2-D and 3-D grids), and a pairing is kept when
   ``sin² + cos²`` is the same for every pair and row (``A²``: ``A`` is the output scale).
3. **Angles.** Each pair's angle ``atan2(sin, cos)`` is unwrapped down the rows and fitted by a
   line: its slope is the frequency, its intercept the phase at position 0
   (``posenc_ref._reading``). The slopes' signs and the phases say whether the positions
   increase or decrease, which sines are stored negated (all, or every other one), and whether
   the roles are swapped (cosine first); the slowest pair gives the first position, up to its
   wavelength ``2π·base^((d-2)/d)`` (``thm-wavelengths``): beyond it, pass ``positions``.
   A grid's rows are split into per-axis coordinates by where each axis block repeats.
4. **Frequencies.** On integer positions a frequency is known modulo ``2π`` (aliasing): when the
   measured ones are not a geometric progression, the aliases that make one are tried.
   ``ln ω_i`` is then a line in ``i`` whose slope fixes ``ln(base)/D``, where the spacing fixes
   ``D`` (the paper: ``d/2``; tensor2tensor: ``d/2 - 1``; odd widths: ``d/2`` or ``(d+1)/2``);
   the reading whose base is a round number wins.
5. **Claim.** The described table is computed exactly (:meth:`Identification.reproduce`) and
   compared with the input. It is a match when the largest difference is within ``2 + 2·max|p|``
   eps of the table's dtype (eps: the spacing of that dtype at 1.0), capped at
   :data:`MAX_TOLERANCE_ABS` (0.5) absolute: originals that compute the angle ``p·ω`` in
   float32 are off by about ``|p|·eps``. Otherwise nothing is claimed (``matched`` is False)
   and the result says what was measured. The index bugs of the Index conventions page are
   tried by name when no pairing fits.
6. **Libraries.** Every preset of :data:`posenc_ref.conventions.PRESETS` (and of
   :data:`posenc_ref.grid2d.GRID_2D`) is computed at the identified positions: those that agree
   within the tolerance compute this formula; the ones that agree bit for bit also share its
   operation order and dtype.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from . import _layout, _reading
from ._validate import check_array, check_int, check_positions, max_abs_position
from .conventions import PRESETS, Convention
from .grid2d import GRID_2D
from .sinusoidal import sinusoidal

__all__ = [
    "INDEX_BUGS",
    "MAX_ENTRIES",
    "MAX_TOLERANCE_ABS",
    "MAX_WIDTH",
    "Identification",
    "Match",
    "identify",
]

#: The largest table :func:`identify` reads by default (``max_entries``): every preset is computed
#: at the table's shape, so the cost grows with it.
MAX_ENTRIES = 2**22

#: The widest table (channels) a reading tries: a transposed reading of a tall table would
#: otherwise ask for hundreds of thousands of channels.
MAX_WIDTH = 16384

#: The largest tolerance, as an absolute difference: beyond it a table's own rounding (about
#: |p|·eps for an original that computes in its output dtype) could hide any values at all, so
#: nothing is declared a match.
MAX_TOLERANCE_ABS = 0.5

#: The index bugs of the Index conventions page (``indices.html#bugs``), by name.
INDEX_BUGS: dict[str, str] = {
    "bug-1": "the exponent taken from the column index (j/d instead of 2i/d)",
    "bug-2": '"i is the dimension" taken literally (2j/d, j the column)',
    "bug-3": "the exponent doubled for both functions (4i/d: the base squared)",
    "bug-4": "sine and cosine swapped (cosine first in every pair)",
}

_SPACING_WORDS = {
    "paper": "the paper's formula",
    "tensor2tensor": "tensor2tensor's endpoint-inclusive formula",
    "shift": "diffusers' shifted formula",
}
_LAYOUT_WORDS = {
    "interleaved": "interleaved (sine of pair i in column 2i, cosine in 2i+1)",
    "sin|cos": "[sin|cos] (all sines, then all cosines)",
    "cos|sin": "[cos|sin] (all cosines, then all sines)",
}
_SIGN_WORDS = {"negated": "every sine negated", "alternating": "every other sine negated"}


@dataclass(frozen=True)
class Match:
    """One preset compared with the table: its parameters, residual and whether it matches."""

    name: str
    params: dict = field(compare=False)
    residual_ulps: float
    """Largest absolute difference from the table, in eps (ulp of 1.0) of the table's dtype."""
    matches: bool = False
    """Whether the residual is within the tolerance of :func:`identify`."""

    def __str__(self) -> str:
        mark = "match" if self.matches else "no match"
        return f"{self.name}: residual {_fmt(self.residual_ulps)} eps ({mark})"


@dataclass(frozen=True)
class _Axis:
    """One encoded coordinate: a 1-D convention, how its pairs are stored, and its values."""

    convention: Convention
    signs: str = "positive"
    """``"positive"``, ``"negated"``, ``"alternating"`` or ``"mixed"`` (see ``sign_pattern``)."""
    sign_pattern: tuple[int, ...] = ()
    cos_first: bool = False
    """Interleaved pairs stored cosine first (Bug 4)."""
    bug: str | None = None
    """``"bug-1"`` or ``"bug-2"``: per-column exponents instead of per-pair ones."""
    aliased: bool = False


@dataclass(frozen=True)
class _Model:
    """Everything :meth:`Identification.reproduce` needs: axes, their arrangement, positions."""

    axes: tuple[_Axis, ...]
    positions: np.ndarray = field(repr=False)
    """Rows' positions (1-D) or, for grids, the row index whose coordinates ``grid`` gives."""
    width: int
    scale: float = 1.0
    grid: tuple[int, ...] | None = None
    arrangement: str = "blocks"
    """Grids: ``"blocks"`` (each axis in its own columns) or ``"split"`` (the sines of every
    axis, then the cosines of every axis)."""
    padding_row: int | None = None
    """The row (index) that is all zeros (fairseq's padding row, MAE's class token), if any."""
    grid_shape: tuple[int, ...] | None = None
    """The grid's shape (rows in row-major order over it); ``grid`` is in the blocks' order."""
    grid_dims: tuple[int, ...] = ()
    """The grid dimension each column block encodes."""

    def table(self) -> np.ndarray:
        if self.grid is None:
            out = _axis_table(self.axes[0], self.positions, self.width)
        else:
            out = _grid_table(self)
        out = out * self.scale
        if self.padding_row is not None:
            out[self.padding_row] = 0.0
        return out


def _axis_table(axis: _Axis, positions: np.ndarray, width: int) -> np.ndarray:
    conv = axis.convention
    if axis.bug is not None:
        return _bug_table(axis, positions, width)
    table = conv.table(positions, width, exact=True) / conv._scale_factor(width)
    roles = _layout.column_roles(width, conv.layout, conv.odd)
    if axis.cos_first:  # swap the two columns of every pair (interleaved only)
        table = table[
            :, [2 * (j // 2) + 1 - j % 2 if j < 2 * (width // 2) else j for j in range(width)]
        ]
    if axis.signs != "positive":
        for j, (func, pair) in enumerate(roles):
            if func == "sin" and axis.sign_pattern[pair] < 0:
                table[:, j] = -table[:, j]
    return table


def _bug_table(axis: _Axis, positions: np.ndarray, width: int, *, exact: bool = True):
    """Bugs 1 and 2: column ``j`` turns at ``base**(-j/d)`` or ``base**(-2j/d)``, a sine or a
    cosine by the layout's role of column ``j``; exact, from a table of width ``2d``, or (not
    ``exact``) in plain float64 arithmetic, see :func:`_bug_ruled_out`."""
    conv = axis.convention
    base = conv.base if axis.bug == "bug-1" else conv.base**2
    roles = _layout.column_roles(width, conv.layout, "error")
    pick = [j if func == "sin" else width + j for j, (func, _pair) in enumerate(roles)]
    if exact:
        wide = sinusoidal(positions, 2 * width, base=base, layout="sin|cos")  # pair j: base**(-j/d)
    else:
        angles = np.multiply.outer(
            positions.astype(np.float64), base ** (-np.arange(width) / width)
        )
        wide = np.concatenate([np.sin(angles), np.cos(angles)], axis=1)
    return wide[:, pick]


def _grid_table(model: _Model) -> np.ndarray:
    coords = np.unravel_index(model.positions, model.grid)
    n = model.positions.shape[0]
    w = model.width // len(model.axes)
    parts = [_axis_table(ax, c, w) for ax, c in zip(model.axes, coords, strict=True)]
    if model.arrangement == "blocks":
        return np.concatenate(parts, axis=1)
    sines = [p[:, : w // 2] for p in parts]  # each axis table is [sin|cos]
    cosines = [p[:, w // 2 :] for p in parts]
    return np.concatenate([*sines, *cosines], axis=1).reshape(n, model.width)


@dataclass(frozen=True)
class Identification:
    """The result of :func:`identify`: what the table is, or what was measured if unknown."""

    matches: tuple[Match, ...]
    """Every preset that can be computed at the table's shape, best first."""
    fitted: dict | None
    """What was read off the table: layout, spacing, base, start, padding row, odd rule,
    scale, signs (None when no sin/cos structure was found)."""
    shape: tuple[int, int]
    dtype: str
    """The dtype residuals are measured in."""
    transposed: bool
    tolerance_ulps: float
    notes: tuple[str, ...] = ()
    positions: np.ndarray = field(default=None, compare=False, repr=False)
    """The position of each row, as identified (or as given)."""
    residual_ulps: float | None = None
    """Largest difference between the table and :meth:`reproduce`, in eps (None if nothing
    was described)."""
    model: _Model | None = field(default=None, compare=False, repr=False)
    grid_presets: tuple[str, ...] = ()
    index_bug: str | None = None
    """The index bug of the Index conventions page the table shows (``"bug-1"`` … ``"bug-4"``,
    see :data:`INDEX_BUGS`), if any."""

    @property
    def matched(self) -> bool:
        """Whether a convention was identified: one that reproduces the table within the error
        its dtype explains (see :meth:`reproduce`). When False, nothing is claimed; the notes
        and ``fitted`` say what was measured."""
        return self.residual_ulps is not None and self.residual_ulps <= self.tolerance_ulps

    @property
    def matching(self) -> tuple[Match, ...]:
        """The presets within tolerance, best first: they compute the identified formula."""
        return tuple(m for m in self.matches if m.matches)

    @property
    def presets(self) -> tuple[str, ...]:
        """The presets (and 2-D grid presets) that compute the identified formula: the ones with
        the smallest residual first. Empty when nothing was identified."""
        if not self.matched:
            return ()
        return self.grid_presets + tuple(m.name for m in self.matching)

    @property
    def best(self) -> Match | None:
        """The preset closest to the table, matching or not (compare with ``matched``)."""
        return self.matches[0] if self.matches else None

    @property
    def convention(self) -> Convention | None:
        """The identified convention (for a grid: the first axis's), with its scale; None when
        nothing was identified."""
        if not self.matched or self.model is None:
            return None
        conv = self.model.axes[0].convention
        scale = self.model.scale
        if scale == 1:
            return conv
        if self.model.grid is None and scale == self.model.width**-0.5:
            # Snapped to 1/sqrt(d) (see _snap_scale): keep the rule, so other widths follow it.
            return replace(conv, scale="1/sqrt(d)")
        return replace(conv, scale=scale)

    @property
    def scale(self) -> float:
        """The constant factor on the whole table (1 unless the table is scaled)."""
        return 1.0 if self.model is None else self.model.scale

    @property
    def grid(self) -> tuple[int, ...] | None:
        """The grid shape (rows in row-major order) of a 2-D or 3-D table, else None."""
        return None if self.model is None else self.model.grid_shape

    def reproduce(self) -> np.ndarray:
        """The table this identification describes, computed exactly (float64) by posenc_ref at
        the same positions and in the same shape (transposed back if the input was).

        Raises ValueError when nothing was identified (``matched`` is False).
        """
        if not self.matched or self.model is None:
            raise ValueError("nothing was identified (matched is False): nothing to reproduce")
        table = self.model.table()
        return table.T if self.transposed else table

    def formula(self, *, positions: bool = True) -> str:
        """The identified formula in plain words (empty when nothing was identified); without
        the positions of the rows read when ``positions`` is False."""
        if not self.matched or self.model is None:
            return ""
        return _describe(self.model, self.dtype, self.index_bug, positions=positions)

    def verdict(self) -> str:
        """A few printable lines: the formula first, then who computes it, then the details."""
        n, d = self.shape
        eps = float(np.finfo(self.dtype).eps)
        head = f"table: {n} x {d} {self.dtype}"
        if self.transposed:
            head += " (transposed: its rows were channels)"
        lines = [head]
        if self.matched:
            lines.append(f"verdict: {self.formula()}")
            lines.append("libraries with this formula: " + self._libraries())
            lines.append(
                f"reproduced within {_fmt(self.residual_ulps)} eps of the exact formula "
                f"(tolerance {_fmt(self.tolerance_ulps)} eps, 2 + 2·max|p| or 0.5 absolute; "
                f"eps = {eps:.3g}, the {self.dtype} spacing at 1.0)"
            )
        else:
            lines.append("verdict: unknown: no formula reproduces this table (nothing claimed)")
            lines.extend(f"measured: {k} = {v}" for k, v in _measured(self.fitted).items())
        lines.extend(f"note: {note}" for note in self.notes)
        return "\n".join(lines)

    __str__ = verdict

    def _libraries(self) -> str:
        if self.grid_presets:
            return ", ".join(self.grid_presets)
        if not self.matching:
            return "none in the catalogue (posenc_ref.conventions.PRESETS)"
        top = self.matching[0].residual_ulps
        groups: dict[float, list[str]] = {}
        for m in self.matching:
            groups.setdefault(m.residual_ulps, []).append(m.name)
        parts = []
        for residual, names in groups.items():
            tag = f"{_fmt(residual)} eps"
            if residual == top and len(self.matching) > len(names):
                tag += ", the closest: the same operations"
            parts.append(f"{', '.join(names)} ({tag})")
        return "; ".join(parts)


def _measured(fitted: dict | None) -> dict:
    if not fitted:
        return {"pairs": "no columns pair into sin² + cos² = constant"}
    keep = ("layout", "spacing", "base", "start", "step", "scale", "signs", "frequencies")
    return {k: _fmt(fitted[k]) for k in keep if fitted.get(k) is not None}


def _describe(model: _Model, dtype: str, bug: str | None, *, positions: bool = True) -> str:
    ax = model.axes[0]
    conv = ax.convention
    if ax.bug is not None:
        text = f"{INDEX_BUGS[ax.bug]} ({ax.bug}), base {conv.base:g}, layout {conv.layout}"
    else:
        text = f"{_SPACING_WORDS[conv.spacing]}, base {conv.base:g}"
        layout = "interleaved, cosine first" if ax.cos_first else _LAYOUT_WORDS[conv.layout]
        text += f", {layout}"
        if bug == "bug-3":
            text += f" ({INDEX_BUGS['bug-3']}: base {math.sqrt(conv.base):g} squared, bug-3)"
        if ax.cos_first:
            text += " (bug-4)"
    if model.grid is not None:
        dims = " x ".join(str(s) for s in model.grid_shape)
        how = "per-axis blocks" if model.arrangement == "blocks" else "sines of every axis first"
        order = ""
        if len(model.grid_dims) == 2:
            order = (
                ", the column index first" if model.grid_dims[0] == 1 else ", the row index first"
            )
        text = f"a {len(model.grid)}-D grid {dims} ({how}{order}), each axis: {text}"
    else:
        pos = model.positions
        if pos.size and positions:
            text += f", positions {int(pos[0])} … {int(pos[-1])}"
    if ax.signs in _SIGN_WORDS:
        text += f", {_SIGN_WORDS[ax.signs]}"
    if ax.aliased:
        text += ", frequencies above π (aliased: on integer positions ω and ω - 2πk agree)"
    if conv.odd not in ("error",) and model.width % 2:
        text += f", odd width by the {conv.odd!r} rule"
    if model.scale != 1:
        root = model.width**-0.5
        text += ", scaled by 1/sqrt(d)" if model.scale == root else f", scaled by {model.scale:.7g}"
    return text + f", values in {dtype}"


def _fmt(x: object) -> str:
    if isinstance(x, float) and math.isfinite(x) and x == round(x) and abs(x) < 1e15:
        return str(int(x))
    if isinstance(x, float):
        return f"{x:.4g}"
    if isinstance(x, tuple):
        return "(" + ", ".join(_fmt(v) for v in x) + ")"
    return str(x)


def _effective_dtype(a: np.ndarray) -> tuple[np.dtype, np.ndarray]:
    """The dtype residuals are measured in, and the table as float64 values of that dtype.

    A float64 table whose values are float32 numbers, or decimal text of them (CSV written with 9
    significant digits), is read as float32.
    """
    if a.dtype in (np.float16, np.float32):
        return a.dtype, a.astype(np.float64)
    x = a.astype(np.float64)
    x32 = x.astype(np.float32).astype(np.float64)
    # 9 significant digits put a float32 within 2**-27.6 relative: far inside 1/8 ulp.
    if x.size >= 8 and np.all(np.abs(x32 - x) <= 2.0**-27 * np.abs(x)):
        return np.dtype(np.float32), x32
    return np.dtype(np.float64), x


def _tolerance(pos: np.ndarray, eps: float) -> tuple[float, int]:
    """The tolerance in eps, ``2 + 2·max|p|`` capped at :data:`MAX_TOLERANCE_ABS`, and ``max|p|``
    if the cap applied (else 0)."""
    big = max_abs_position(pos) if pos.size else 0
    tol = 2.0 + 2.0 * big
    cap = MAX_TOLERANCE_ABS / eps
    return min(tol, cap), big if tol > cap else 0


def _residual(x: np.ndarray, ref: np.ndarray, eps: float) -> float:
    return float(np.max(np.abs(x - ref.astype(np.float64)))) / eps


# ------------------------------------------------------------------------------ 1-D readings


@dataclass(frozen=True)
class _Pairing:
    layout: str
    odd: str
    sin_cols: np.ndarray
    cos_cols: np.ndarray


def _pairings(d: int, last_is_zero: bool) -> list[_Pairing]:
    """Column pairings to try at width ``d`` (the roles inside a pair are read later)."""
    odd_rules = ["error"] if d % 2 == 0 else (["zero"] if last_is_zero else ["sine", "truncate"])
    out = []
    seen = set()
    for layout in ("interleaved", "sin|cos", "cos|sin"):
        for odd in odd_rules:
            roles = _layout.column_roles(d, layout, odd)
            where = {r: j for j, r in enumerate(roles)}
            pairs = sorted(k for f, k in roles if f == "sin" and ("cos", k) in where)
            if not pairs:
                continue
            sin_cols = np.array([where[("sin", k)] for k in pairs])
            cos_cols = np.array([where[("cos", k)] for k in pairs])
            key = (tuple(np.minimum(sin_cols, cos_cols)), tuple(np.maximum(sin_cols, cos_cols)))
            if key in seen and d % 2 == 0:
                continue  # cos|sin pairs the same columns as sin|cos: the roles are read later
            seen.add(key)
            out.append(_Pairing(layout, odd, sin_cols, cos_cols))
    return out


@dataclass(frozen=True)
class _Candidate:
    model: _Model
    fitted: dict
    notes: tuple[str, ...]
    bug: str | None = None
    rank: int = 0
    """Among equally good descriptions the lowest rank wins (a bug with an uncommon base is a
    less likely story than the same table with a common one)."""


def _read_1d(x: np.ndarray, rows: np.ndarray | None, zero_rows: np.ndarray) -> list[_Candidate]:
    """Describe ``x`` (rows = positions) as a 1-D table, by every pairing that holds."""
    n, d = x.shape
    valid = np.ones(n, dtype=bool)
    valid[zero_rows] = False
    last_zero = bool(d % 2 and not x[:, -1].any())
    out = []
    for pairing in _pairings(d, last_zero):
        pairs = _reading.read_pairs(x[valid][:, pairing.sin_cols], x[valid][:, pairing.cos_cols])
        if pairs is None or pairs.spread > 0.05:
            continue
        fit_rows = (np.arange(n) if rows is None else rows)[valid]
        lines = _reading.fit_lines(pairs.theta, fit_rows)
        if lines is None:
            continue
        reading = _reading.read_positions(lines, rows)
        if reading is None:
            continue
        out += _describe_1d(pairing, pairs, reading, rows, n, d, zero_rows)
    return out


def _snap_scale(amplitude: float, d: int, spread: float) -> float:
    """The output scale: 1 or ``1/sqrt(d)`` when the measured amplitude is that within the
    table's own noise, else the amplitude to 7 significant digits."""
    for nice in (1.0, d**-0.5):
        if abs(amplitude / nice - 1) <= max(1e-6, spread):
            return nice
    return float(f"{amplitude:.7g}")


def _sign_words(signs: np.ndarray) -> str:
    if np.all(signs > 0):
        return "positive"
    if np.all(signs < 0):
        return "negated"
    alt = np.where(np.arange(signs.size) % 2 == 0, 1, -1)
    if np.array_equal(signs, alt) or np.array_equal(signs, -alt):
        return "alternating"
    return "mixed"


def _spacings(m: int, d: int, odd: str) -> list[tuple[str, float]]:
    """(spacing, D) readings of ``ω_i = base**(-i/D)`` for ``m`` pairs at width ``d``."""
    if d % 2 and odd == "truncate":
        return [("paper", (d + 1) / 2)]
    if d % 2 and odd == "sine":
        return [("paper", d / 2)]
    out = [("paper", float(m))]
    if m >= 2:
        out.append(("tensor2tensor", float(m - 1)))
    return out


def _describe_1d(
    pairing: _Pairing,
    pairs: _reading.Pairs,
    reading: _reading.Reading,
    rows: np.ndarray | None,
    n: int,
    d: int,
    zero_rows: np.ndarray,
) -> list[_Candidate]:
    """The descriptions a reading supports: one per spacing, with its base rounded to a round
    number and as measured (the reproduction decides; a round base wins a tie)."""
    omega, aliased, sign_array = _reading.unalias(reading.signs * reading.omega)
    geo = _reading.geometric(omega) if omega.size >= 2 else None
    m = omega.size
    if m == 1:
        if abs(omega[0] - 1.0) > 1e-3:
            return []
        bases = [(0, "paper", 10000.0, ())]  # one pair: ω_0 = 1 for every base
    else:
        noise = max(1e-4, 4 * geo.misfit) if geo is not None else 0.0
        if geo is None or abs(geo.log_first) > noise:
            return []  # frequencies not base**(-i/D) with ω_0 = 1
        readings = [
            (spacing, math.exp(-geo.log_ratio * den))
            for spacing, den in _spacings(m, d, pairing.odd)
        ]
        bases = []
        for spacing, raw in readings:
            others = tuple(
                f"read with {_SPACING_OWNER[o]} spacing, the same values need base {b:.6g}"
                for o, b in readings
                if o != spacing
            )
            rounded = float(f"{raw:.2g}")
            if abs(rounded / raw - 1) <= max(1e-4, 8 * m * noise):
                bases.append((0, spacing, rounded, others))
            bases.append((1, spacing, float(f"{raw:.6g}"), others))
    return [
        cand
        for rank, spacing, base, notes in bases
        for cand in [
            _candidate_1d(
                pairing,
                pairs,
                reading,
                rows,
                n,
                d,
                zero_rows,
                omega,
                aliased,
                sign_array,
                spacing,
                base,
                notes,
                rank,
            )
        ]
        if cand is not None
    ]


_SPACING_OWNER = {"paper": "the paper's", "tensor2tensor": "tensor2tensor's", "shift": "the shift"}


def _candidate_1d(
    pairing: _Pairing,
    pairs: _reading.Pairs,
    reading: _reading.Reading,
    rows: np.ndarray | None,
    n: int,
    d: int,
    zero_rows: np.ndarray,
    omega: np.ndarray,
    aliased: bool,
    sign_array: np.ndarray,
    spacing: str,
    base: float,
    notes: tuple[str, ...],
    rank: int,
) -> _Candidate | None:
    m = omega.size
    notes = list(notes)
    layout = pairing.layout
    cos_first = False
    if reading.swapped:
        if layout == "interleaved":
            cos_first = True
        else:
            layout = "sin|cos" if layout == "cos|sin" else "cos|sin"
    if layout != pairing.layout and d % 2:
        return None  # an odd rule pairs different columns in the other half-layout
    step = reading.step
    positions = rows if rows is not None else reading.start + step * np.arange(n)
    padding = int(zero_rows[0]) if zero_rows.size == 1 else None
    # The convention carries the padding row too, so that it reproduces the table on its own.
    padding_idx = int(positions[padding]) if padding is not None else None
    try:
        conv = Convention(
            layout=layout,
            spacing=spacing,
            base=base,
            start=int(positions[0]) if positions.size else 0,
            padding_idx=padding_idx if padding_idx is not None and padding_idx >= 0 else None,
            odd=pairing.odd,
            name="fitted",
        )
        conv.frequencies(d)
    except ValueError:
        return None
    signs = _sign_words(sign_array)
    axis = _Axis(conv, signs, tuple(int(v) for v in sign_array), cos_first, None, aliased)
    scale = _snap_scale(pairs.amplitude, d, pairs.spread)
    model = _Model((axis,), np.asarray(positions, dtype=np.int64), d, scale, padding_row=padding)
    if step < 0:
        notes.append("the positions decrease down the rows (relative offsets?)")
    fitted = {
        "layout": layout,
        "spacing": spacing,
        "base": base,
        "start": int(positions[0]) if positions.size else 0,
        "step": step,
        "padding_idx": padding_idx,
        "odd": pairing.odd if d % 2 else "n/a (even width)",
        "scale": scale,
        "signs": signs,
        "frequencies": tuple(float(w) for w in omega[:4]) + (("…",) if m > 4 else ()),
    }
    bug = "bug-4" if cos_first else None
    if spacing == "paper" and not cos_first and base == 1e8:  # 10000 squared
        bug = "bug-3"
    return _Candidate(model, fitted, tuple(notes), bug, rank)


# ------------------------------------------------------------------------------ index bugs


def _read_bugs(x: np.ndarray, rows: np.ndarray | None) -> list[_Candidate]:
    """Bugs 1 and 2 (per-column exponents): the base read from column 2's frequency."""
    n, d = x.shape
    if d % 2 or d < 4:
        return []
    positions = rows if rows is not None else np.arange(n)
    bases = {10000.0, 1000.0}
    if rows is None:
        w = _reading.column_frequency(x[:, 2])
        if w:
            for exponent in (2 / d, 4 / d):  # column 2's exponent under bug 1 and bug 2
                b, ok = _reading.round_number(w ** (-1 / exponent))
                if ok:
                    bases.add(b)
    out = []
    for bug in ("bug-1", "bug-2"):
        for layout in ("interleaved", "sin|cos"):
            for base in sorted(bases):
                conv = Convention(layout=layout, base=base, name=bug)
                axis = _Axis(conv, bug=bug)
                model = _Model((axis,), positions.astype(np.int64), d)
                fitted = {"layout": layout, "base": base, "bug": bug}
                rank = 1 if base in (10000.0, 1000.0) else 2
                out.append(_Candidate(model, fitted, (), bug, rank))
    return out


# ------------------------------------------------------------------------------ grids


def _grid_coordinates(block: np.ndarray) -> tuple[int, int] | None:
    """(stride, size) of one axis block: its rows repeat as ``(r // stride) % size``."""
    _, labels = np.unique(block.round(12), axis=0, return_inverse=True)
    labels = labels.ravel()
    first = {}
    order = np.array([first.setdefault(v, len(first)) for v in labels.tolist()])
    size = len(first)
    runs = np.flatnonzero(np.diff(order) != 0)
    stride = int(runs[0]) + 1 if runs.size else order.size
    r = np.arange(order.size)
    if size < 2 or not np.array_equal(order, (r // stride) % size):
        return None
    return stride, size


def _read_grid(x: np.ndarray, grid: tuple[int, ...] | None) -> list[_Candidate]:
    """Describe ``x`` as a 2-D or 3-D grid (rows in row-major order, optional zero first row)."""
    _n, d = x.shape
    zero_first = not x[0].any()
    body = x[1:] if zero_first else x
    out = []
    for k in (len(grid),) if grid else (2, 3):
        if d % (2 * k):
            continue
        w = d // k
        for arrangement in ("blocks", "split"):
            blocks = _axis_blocks(body, k, w, arrangement)
            geometry = [_grid_coordinates(b) for b in blocks]
            if any(g is None for g in geometry):
                continue
            strides = [g[0] for g in geometry]
            shape = tuple(g[1] for g in sorted(geometry, key=lambda g: -g[0]))
            if grid is not None and tuple(grid) != shape:
                continue
            if math.prod(shape) != body.shape[0] or sorted(strides, reverse=True) != [
                math.prod(shape[i + 1 :]) for i in range(k)
            ]:
                continue
            axes = []
            for b, (stride, size) in zip(blocks, geometry, strict=True):
                firsts = b[np.arange(size) * stride]  # coordinates 0 … size-1
                cands = [
                    c
                    for c in _read_1d(firsts, np.arange(size), np.array([], int))
                    if c.model.axes[0].signs == "positive"
                ]
                if not cands:
                    break
                axes.append((stride, cands[0]))
            if len(axes) != k:
                continue
            # Axis order of the columns vs. the order of the grid's dimensions.
            by_stride = sorted(range(k), key=lambda i: -axes[i][0])
            conv_axes = tuple(axes[i][1].model.axes[0] for i in range(k))
            rows = np.arange(body.shape[0])
            # Coordinates of column block i: grid dimension by_stride.index(i).
            dims = [by_stride.index(i) for i in range(k)]
            model = _GridModel(conv_axes, dims, shape, arrangement, d, axes[0][1].model.scale)
            full = model.as_model(rows, zero_first)
            fitted = {
                "grid": shape,
                "arrangement": arrangement,
                "layout": conv_axes[0].convention.layout,
                "spacing": conv_axes[0].convention.spacing,
                "base": conv_axes[0].convention.base,
                "scale": full.scale,
            }
            out.append(_Candidate(full, fitted, ()))
    return out


@dataclass(frozen=True)
class _GridModel:
    axes: tuple[_Axis, ...]
    dims: list[int]
    shape: tuple[int, ...]
    arrangement: str
    width: int
    scale: float

    def as_model(self, rows: np.ndarray, zero_first: bool) -> _Model:
        # Reorder the grid so that column block i encodes grid dimension dims[i]: transpose the
        # grid shape to the blocks' order and map the row indices accordingly.
        k = len(self.shape)
        shape_in_block_order = tuple(self.shape[self.dims[i]] for i in range(k))
        coords = np.unravel_index(rows, self.shape)
        reordered = np.ravel_multi_index(
            tuple(coords[self.dims[i]] for i in range(k)), shape_in_block_order
        )
        if zero_first:
            reordered = np.concatenate([[0], reordered])
        return _Model(
            self.axes,
            reordered.astype(np.int64),
            self.width,
            self.scale,
            grid=shape_in_block_order,
            arrangement=self.arrangement,
            padding_row=0 if zero_first else None,
            grid_shape=self.shape,
            grid_dims=tuple(self.dims),
        )


def _axis_blocks(x: np.ndarray, k: int, w: int, arrangement: str) -> list[np.ndarray]:
    """The ``k`` axis blocks of width ``w`` as [sin|cos] or interleaved tables."""
    if arrangement == "blocks":
        return [x[:, i * w : (i + 1) * w] for i in range(k)]
    half, h = x.shape[1] // 2, w // 2
    return [
        np.concatenate([x[:, i * h : (i + 1) * h], x[:, half + i * h : half + (i + 1) * h]], axis=1)
        for i in range(k)
    ]


# ------------------------------------------------------------------------------ presets


def _presets(x: np.ndarray, pos: np.ndarray, eps: float, tol: float) -> list[Match]:
    _n, d = x.shape
    out: list[Match] = []
    for name, conv in PRESETS.items():
        try:
            ref = conv.table(pos, d)
        except ValueError:
            continue
        if ref.shape != x.shape:
            continue
        res = _residual(x, ref, eps)
        params = {k: getattr(conv, k) for k in ("layout", "spacing", "base", "start", "odd")}
        out.append(Match(name, params, res, res <= tol))
    return sorted(out, key=lambda m: m.residual_ulps)  # stable: ties keep the catalogue order


def _grid_presets(x: np.ndarray, model: _Model, eps: float, tol: float) -> tuple[str, ...]:
    if model.grid is None or len(model.grid) != 2:
        return ()
    zero_first = model.padding_row == 0
    h, w = model.grid
    names = []
    for name, g in GRID_2D.items():
        for hh, ww in {(h, w), (w, h)}:
            try:
                ref = g.table(hh, ww, x.shape[1], cls_token=zero_first)
            except ValueError:
                continue
            if ref.shape == x.shape and _residual(x, ref, eps) <= tol:
                names.append(name)
                break
    return tuple(names)


# ------------------------------------------------------------------------------ identify


def identify(
    table: npt.ArrayLike,
    positions: npt.ArrayLike | None = None,
    *,
    grid: tuple[int, ...] | None = None,
    max_entries: int = MAX_ENTRIES,
) -> Identification:
    """Which convention produced ``table`` (rows = positions, or its transpose)?

    ``positions`` (optional, increasing integers, one per row) says which position each row
    holds; without it the rows are taken as consecutive positions (increasing or decreasing)
    and the first is fitted. ``grid`` (optional) gives the shape of a 2-D or 3-D grid whose
    cells are the rows in row-major order; without it grids are recognised by their repeats.

    Returns an :class:`Identification`: ``matched`` (a formula reproduces the table within the
    error its dtype explains), the formula in words (:meth:`~Identification.verdict`), the
    presets that compute it, :meth:`~Identification.reproduce`, and what was measured. See the
    module docstring for the algorithm.

    Raises
    ------
    ValueError
        ``table`` is not a 2-D array of finite real numbers with at least 2 rows and 2 columns,
        has more than ``max_entries`` entries (default :data:`MAX_ENTRIES`, 2**22), or is wider
        than :data:`MAX_WIDTH` channels in every orientation.

    Examples
    --------
    >>> from posenc_ref.conventions import get
    >>> result = identify(get("whisper").table(20, 16))
    >>> result.matched, result.fitted["layout"], result.fitted["spacing"], result.fitted["base"]
    (True, 'sin|cos', 'tensor2tensor', 10000.0)
    >>> result.presets
    ('tensor2tensor', 'whisper', 'tf-model-garden', 'opennmt-concat', 'diffusers', 'flax')
    >>> print(result.formula())  # doctest: +NORMALIZE_WHITESPACE
    tensor2tensor's endpoint-inclusive formula, base 10000, [sin|cos] (all sines, then all
    cosines), positions 0 … 19, values in float32
    """
    limit = check_int(max_entries, "max_entries", minimum=1)
    try:
        a = check_array(table, "table", ndim=2)
    except TypeError as exc:
        raise ValueError(str(exc)) from None
    if a.size > limit:
        raise ValueError(
            f"table has {a.size} entries ({a.shape}), more than max_entries = {limit}; "
            f"identify a slice of rows (a few hundred positions suffice), or raise max_entries"
        )
    if min(a.shape) < 2:
        raise ValueError(f"table must have at least 2 rows and 2 columns; got shape {a.shape}")
    pos_given = None
    if positions is not None:
        pos_given = check_positions(positions)
        if pos_given.size and not np.all(np.diff(pos_given) > 0):
            raise ValueError("positions must be increasing, one per row")
    if grid is not None:
        grid = tuple(check_int(g, "grid", minimum=1) for g in grid)
    dt, x = _effective_dtype(a)
    eps = float(np.finfo(dt).eps)
    readings = []
    for transposed, y in ((False, x), (True, x.T)):
        if pos_given is not None and len(pos_given) != y.shape[0]:
            continue
        if y.shape[1] > MAX_WIDTH:
            continue
        readings.append((transposed, y, _read(y, pos_given, grid)))
    if not readings:
        if pos_given is not None and len(pos_given) not in a.shape:
            raise ValueError(f"positions has {len(pos_given)} entries but the table is {a.shape}")
        raise ValueError(
            f"table {a.shape} has more than {MAX_WIDTH} channels in every reading that fits the "
            f"positions: no position table is that wide"
        )
    return _choose(readings, pos_given, dt, eps)


def _read(y: np.ndarray, rows: np.ndarray | None, grid: tuple[int, ...] | None) -> list:
    """Every description of ``y`` (rows = positions) worth reproducing."""
    zero_rows = np.flatnonzero(~y.any(axis=1))
    cands: list[_Candidate] = []
    if grid is None and zero_rows.size <= 1:
        cands += _read_1d(y, rows, zero_rows)
    if rows is None:
        cands += _read_grid(y, grid)
    if grid is None:
        cands += _read_bugs(y, rows)
    return cands


def _choose(readings: list, pos_given: np.ndarray | None, dt: np.dtype, eps: float):
    scored = []
    for transposed, y, cands in readings:
        for cand in cands:
            if cand.bug in ("bug-1", "bug-2") and _bug_ruled_out(y, cand.model, eps):
                continue
            try:
                ref = cand.model.table()
            except ValueError:
                continue
            if ref.shape != y.shape:
                continue
            tol, _ = _tolerance(_tolerance_positions(cand.model), eps)
            residual = _residual(y, ref, eps)
            # A bug's table is a hypothesis, not a measurement: only a matching one counts.
            if residual > tol and cand.bug in ("bug-1", "bug-2"):
                continue
            scored.append((residual > tol, residual, transposed, y, cand, tol))
    scored.sort(key=lambda s: (s[0], s[4].rank, s[1], s[2]))
    if not scored or scored[0][0]:
        # A preset can still describe the table where no reading did (sparse positions).
        preset = _preset_candidate(readings, pos_given, eps)
        if preset is not None:
            scored.insert(0, (False, *preset))
    if not scored:
        return _unknown(readings, pos_given, dt, eps)
    _, residual, transposed, y, cand, tol = scored[0]
    model = cand.model
    pos = model.positions if model.grid is None else np.arange(y.shape[0])
    _, capped = _tolerance(_tolerance_positions(model), eps)
    matches = _presets(y, pos, eps, tol) if model.grid is None else []
    matched = residual <= tol
    grid_names = _grid_presets(y, model, eps, tol) if matched else ()
    notes = list(cand.notes) + _cap_note(capped, dt, eps)
    if not matched:
        notes.append(
            f"the closest description is off by {residual * eps:.3g} absolute "
            f"(more than the {tol * eps:.3g} its {dt.name} values explain): not a match"
        )
    return Identification(
        tuple(matches),
        cand.fitted,
        (int(y.shape[0]), int(y.shape[1])),
        dt.name,
        transposed,
        tol,
        tuple(notes),
        pos,
        residual,
        model,
        grid_names,
        cand.bug if matched else None,
    )


def _bug_ruled_out(y: np.ndarray, model: _Model, eps: float) -> bool:
    """Whether an index bug's table is ruled out before its exact table is computed.

    Most tables are not one of the bugs, and the exact table of a bug's low frequencies is
    slow (many tiny sines need extended precision). The bug's table in plain float64 is off
    by less than ``(|p|·(|ln base| + 3) + 2)·eps64`` (the exponent ``-j/d`` and the power each
    round once, ``|ln base|`` amplifies the first, the angle and the sine round once more);
    twice that is allowed on top of the tolerance, so a table that matches is never ruled
    out here.
    """
    (axis,) = model.axes
    base = axis.convention.base if axis.bug == "bug-1" else axis.convention.base**2
    approx = _bug_table(axis, model.positions, model.width, exact=False) * model.scale
    if model.padding_row is not None:
        approx[model.padding_row] = 0.0
    big = max_abs_position(model.positions) if model.positions.size else 0
    slack = 2.0 * (big * (abs(math.log(base)) + 3.0) + 2.0) * abs(model.scale)
    tol, _ = _tolerance(_tolerance_positions(model), eps)
    return _residual(y, approx, eps) > tol + 2.0 + slack * np.finfo(np.float64).eps / eps


def _unknown(readings: list, pos_given: np.ndarray | None, dt: np.dtype, eps: float):
    transposed, y, _ = readings[0]
    pos = pos_given if pos_given is not None else np.arange(y.shape[0])
    tol, capped = _tolerance(pos, eps)
    notes = [
        "no sin/cos structure found: the columns do not pair into sin² + cos² = constant, or "
        "their frequencies are not base**(-i/D)",
        *_cap_note(capped, dt, eps),
    ]
    shape = (int(y.shape[0]), int(y.shape[1]))
    return Identification(
        tuple(_presets(y, pos, eps, tol)),
        None,
        shape,
        dt.name,
        transposed,
        tol,
        tuple(notes),
        pos,
        None,
    )


def _preset_candidate(readings: list, pos_given: np.ndarray | None, eps: float):
    """The best matching preset as a description: at the given positions, or at the positions
    a reading found (or rows 0, 1, …)."""
    best = None
    for transposed, y, cands in readings:
        options = [pos_given] if pos_given is not None else [np.arange(y.shape[0])]
        if pos_given is None:
            seen = {tuple(options[0])}
            for c in cands:
                key = tuple(c.model.positions) if c.model.grid is None else None
                if key is not None and key not in seen:
                    seen.add(key)
                    options.append(c.model.positions)
        for pos in options:
            tol, _ = _tolerance(pos, eps)
            for m in _presets(y, pos, eps, tol)[:1]:
                if not m.matches or (best is not None and m.residual_ulps >= best[0]):
                    continue
                conv = PRESETS[m.name]
                scale = conv._scale_factor(y.shape[1])
                model = _Model(
                    (_Axis(conv),), pos, y.shape[1], scale, padding_row=_pad_row(conv, pos)
                )
                fitted = {**m.params, "padding_idx": conv.padding_idx, "scale": scale}
                note = (
                    ("the presets were compared at the given positions",)
                    if (pos_given is not None)
                    else ()
                )
                best = (m.residual_ulps, transposed, y, _Candidate(model, fitted, note), tol)
    return best


def _pad_row(conv: Convention, pos: np.ndarray) -> int | None:
    if conv.padding_idx is None:
        return None
    rows = np.flatnonzero(pos == conv.padding_idx)
    return int(rows[0]) if rows.size else None


def _tolerance_positions(model: _Model) -> np.ndarray:
    """The positions the table's rounding grows with: the rows' (1-D) or the coordinates'."""
    return model.positions if model.grid is None else np.asarray(model.grid) - 1


def _cap_note(capped: int, dt: np.dtype, eps: float) -> list[str]:
    if not capped:
        return []
    return [
        f"positions up to |p| = {capped}: an original that computes in {dt.name} is off by up "
        f"to about |p|·eps there, so the tolerance is capped at {MAX_TOLERANCE_ABS} absolute "
        "and only closer tables can match"
    ]
