"""Name the convention of a sinusoidal table: :func:`identify`.

The algorithm, in order:

1. **Orientation.** Both the table and its transpose are tried; the one that fits better wins
   (the result says ``transposed``).
2. **Structure.** All-zero rows are padding rows (at most one); an all-zero last column at odd
   width is the ``"zero"`` rule. For each layout the columns are paired into (sin, cos) and the
   layout whose pairs best satisfy ``sin² + cos² = A²`` is kept (``A`` is the amplitude, 1 unless
   the table is scaled, e.g. by ``d**-0.5``).
3. **Frequencies.** Each pair's angle ``atan2(sin, cos)`` is unwrapped down the rows; a least
   squares line gives ``ω_i`` and the intercept; the pair with the lowest frequency gives the
   first position ``start`` (rounded to an integer). The angle is known only modulo ``2π``, so
   a start beyond the longest wavelength ``2π/ω_min = 2π·base**((d-2)/d)`` (``thm-wavelengths``)
   cannot be read from the values: pass ``positions`` for such tables.
4. **Spacing and base.** ``ln ω_i`` is linear in ``i`` with slope ``-ln(B)/D``. The values alone
   fix only ``ln(B)/D``: the paper's ``D = d/2`` and tensor2tensor's ``D = h - 1`` fit equally
   well with different bases. The spacing whose base is a round number (two significant digits)
   is chosen; both readings are reported.
5. **Ranking.** Every preset of :data:`posenc_ref.conventions.PRESETS` (at the fitted positions)
   and the fitted convention are compared with the table. The residual is the largest absolute
   difference in units of ``eps`` of the table's dtype (the ulp of 1.0; a float64 table whose
   values are all float32 numbers counts as float32). A preset *matches* when its residual is
   within ``2 + 2·max|p|`` eps: float32 originals computed in a different operation order
   differ by about ``|p|·ω`` ulps (see the Conventions page). The tolerance is capped at
   :data:`MAX_TOLERANCE_ABS` (0.5) absolute: at larger positions a table could hold anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from . import _layout
from ._validate import check_array, check_int, check_positions, max_abs_position
from .conventions import PRESETS, Convention

__all__ = ["MAX_ENTRIES", "MAX_WIDTH", "Identification", "Match", "identify"]


@dataclass(frozen=True)
class Match:
    """One candidate: a preset name (or ``"fitted"``), its parameters and its residual."""

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
class Identification:
    """The result of :func:`identify`: ranked matches, the fitted parameters and a verdict."""

    matches: tuple[Match, ...]
    """Presets and the fitted convention, best first."""
    fitted: dict | None
    """Layout, spacing, base, start, padding row, odd rule, scale read off the table (None when
    the table has no sin/cos structure)."""
    shape: tuple[int, int]
    dtype: str
    """The dtype residuals are measured in."""
    transposed: bool
    tolerance_ulps: float
    notes: tuple[str, ...] = ()
    positions: np.ndarray = field(default=None, compare=False, repr=False)
    """The position of each row, as identified (or as given)."""

    @property
    def matching(self) -> tuple[Match, ...]:
        """The presets within tolerance, best first (the fitted convention excluded)."""
        return tuple(m for m in self.matches if m.matches and m.name != "fitted")

    @property
    def matched(self) -> bool:
        """Whether a convention was identified: one that reproduces the table within the error
        its dtype explains (see :meth:`reproduce`). When False, nothing is claimed; the notes
        and ``fitted`` say what was measured."""
        return self.convention is not None

    @property
    def presets(self) -> tuple[str, ...]:
        """The presets that compute the identified formula, best first (ties: the same formula
        in several code bases)."""
        match = self.matching
        if not match:
            return ()
        top = match[0].residual_ulps
        return tuple(m.name for m in match if m.residual_ulps == top)

    @property
    def convention(self) -> Convention | None:
        """The identified convention: the best matching preset, else the fitted parameters if
        they reproduce the table; None when nothing does."""
        if self.matching:
            return PRESETS[self.matching[0].name]
        fitted = next((m for m in self.matches if m.name == "fitted" and m.matches), None)
        if fitted is None or self.fitted is None:
            return None
        f = self.fitted
        return Convention(
            layout=f["layout"],
            spacing=f["spacing"],
            base=f["base"],
            start=f["start"],
            odd=f["odd"] if self.shape[1] % 2 else "error",
            padding_idx=f["padding_idx"],
            name="fitted",
        )

    @property
    def scale(self) -> float:
        """The constant factor on the whole table (1 unless the table is scaled)."""
        if self.matching:
            return PRESETS[self.matching[0].name]._scale_factor(self.shape[1])
        return float(self.fitted["scale"]) if self.fitted else 1.0

    @property
    def index_bug(self) -> str | None:
        """The index bug of the Index conventions page the table shows, if any (None)."""
        return None

    def reproduce(self) -> np.ndarray:
        """The table this identification describes, computed exactly (float64) by posenc_ref at
        the same positions and in the same shape (transposed back if the input was).

        Raises ValueError when nothing was identified (``matched`` is False).
        """
        conv = self.convention
        if conv is None:
            raise ValueError("nothing was identified (matched is False): nothing to reproduce")
        table = conv.table(self.positions, self.shape[1], exact=True)
        if conv.name == "fitted":
            table = table * self.scale
        return table.T if self.transposed else table

    @property
    def best(self) -> Match | None:
        """The best preset, matching or not: the lowest residual among the presets that share
        the fitted layout and spacing (if any do), else among all presets."""
        presets = [m for m in self.matches if m.name != "fitted"]
        if self.fitted is not None and not self.matching:
            same = [
                m
                for m in presets
                if (m.params["layout"], m.params["spacing"])
                == (self.fitted["layout"], self.fitted["spacing"])
            ]
            presets = same or presets
        return presets[0] if presets else None

    def verdict(self) -> str:
        """A few printable lines."""
        n, d = self.shape
        lines = [
            f"table: {n} x {d} {self.dtype}"
            + (" (transposed: rows were channels)" if self.transposed else "")
        ]
        if self.fitted is not None:
            f = self.fitted
            lines.append(
                "fitted: "
                + ", ".join(f"{k}={_fmt(v) if isinstance(v, float) else v}" for k, v in f.items())
            )
        lines.extend(f"note: {note}" for note in self.notes)
        if self.matching:
            top = self.matching[0].residual_ulps
            same = [m.name for m in self.matching if m.residual_ulps == top]
            lines.append(f"verdict: {', '.join(same)} (residual {_fmt(top)} eps)")
            rest = [str(m) for m in self.matching if m.name not in same]
            if rest:
                lines.append("also consistent: " + "; ".join(rest))
        elif self.best is not None:
            b = self.best
            lines.append(
                f"verdict: matches no preset (tolerance {_fmt(self.tolerance_ulps)} eps); "
                f"closest: {b.name}, residual {_fmt(b.residual_ulps)} eps "
                f"(max |difference| {b.residual_ulps * np.finfo(self.dtype).eps:.3g})"
            )
        return "\n".join(lines)

    __str__ = verdict


def _fmt(x: float) -> str:
    if isinstance(x, float) and math.isfinite(x) and x == round(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.4g}" if isinstance(x, float) else str(x)


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


def _round_base(b: float) -> tuple[float, bool]:
    if not math.isfinite(b) or b <= 1:
        return b, False
    r = float(f"{b:.2g}")
    return (r, True) if abs(b - r) <= 1e-4 * b else (b, False)


def _wrap(x: np.ndarray) -> np.ndarray:
    return (x + np.pi) % (2 * np.pi) - np.pi


def _fit(
    x: np.ndarray, layouts: tuple[str, ...], positions: np.ndarray | None = None
) -> tuple[dict | None, float, list[str]]:
    """Read the parameters off ``x`` (rows = positions) for the best of ``layouts``.

    Without ``positions`` the rows are consecutive and the first one is fitted; with them, rows
    may be sparse (the angle is unwrapped across each gap with the frequency read from the
    closest rows)."""
    _n, d = x.shape
    notes: list[str] = []
    zero_rows = np.flatnonzero(~x.any(axis=1))
    valid = x.any(axis=1)
    if len(zero_rows) > 1 or valid.sum() < 2:
        return None, math.inf, notes
    odd_rules = ["error"]
    if d % 2:
        odd_rules = ["zero"] if not x[:, -1].any() else ["sine"]
    best: tuple[float, str, str, np.ndarray, np.ndarray] | None = None
    for layout in layouts:
        for odd in odd_rules:
            roles = _layout.column_roles(d, layout, odd)
            where = {r: j for j, r in enumerate(roles)}
            ks = sorted({k for f, k in roles if f == "sin" and ("cos", k) in where})
            if not ks:
                continue
            s = x[valid][:, [where[("sin", k)] for k in ks]]
            c = x[valid][:, [where[("cos", k)] for k in ks]]
            r2 = s * s + c * c
            amp = float(np.sqrt(np.median(r2)))
            score = float(np.max(np.abs(r2 / amp**2 - 1))) if amp > 0 else math.inf
            if best is None or score < best[0]:
                best = (score, layout, odd, s / amp, c / amp)
                best_amp = amp
    if best is None or best[0] > 0.05:
        return None, math.inf if best is None else best[0], notes
    score, layout, odd, s, c = best
    given = positions is not None
    all_rows = positions.astype(np.float64) if given else np.arange(x.shape[0], dtype=float)
    rows = all_rows[valid]
    theta = np.arctan2(s, c)
    m = theta.shape[1]
    gaps = np.diff(rows)[:, None]
    if np.any(gaps <= 0):
        return None, math.inf, notes
    near = gaps[:, 0] == gaps.min()  # the most closely spaced rows give the first estimate
    step = np.median(_wrap(np.diff(theta, axis=0))[near] / gaps[near], axis=0)
    dphi = _wrap(np.diff(theta, axis=0) - step * gaps) + step * gaps
    phi = np.vstack([theta[:1], theta[:1] + np.cumsum(dphi, axis=0)])
    r0 = rows - rows.mean()
    omega = (r0[:, None] * (phi - phi.mean(axis=0))).sum(axis=0) / (r0 * r0).sum()
    intercept = phi.mean(axis=0) - omega * rows.mean()  # phase at row 0
    k_low = int(np.argmin(np.abs(omega)))
    if omega[k_low] == 0:
        return None, math.inf, notes
    start = int(positions[0]) if given else round(float(_wrap(intercept[k_low]) / omega[k_low]))
    params: dict = {"layout": layout}
    if np.any(omega <= 0):
        return None, math.inf, notes
    if m >= 2:
        slope = float(np.polyfit(np.arange(m), np.log(omega), 1)[0])
        den_paper = (d / 2) if odd == "sine" else m
        b_paper, round_paper = _round_base(math.exp(-slope * den_paper))
        alt_paper = math.exp(-slope * den_paper)
        alt_t2t = math.exp(-slope * (m - 1))
        b_t2t, round_t2t = _round_base(alt_t2t)
        if round_t2t and not round_paper:
            params.update(spacing="tensor2tensor", base=b_t2t)
            notes.append(
                f"read with the paper's spacing, the same values need base {alt_paper:.6g}"
            )
        else:
            params.update(spacing="paper", base=b_paper)
            notes.append(
                f"read with tensor2tensor's spacing, the same values need base {alt_t2t:.6g}"
            )
    else:
        params.update(spacing=None, base=None)
    params["start"] = start
    params["padding_idx"] = (
        (int(all_rows[zero_rows[0]]) if given else int(start + zero_rows[0]))
        if len(zero_rows)
        else None
    )
    params["odd"] = odd if d % 2 else "n/a (even width)"
    params["scale"] = best_amp
    return params, score, notes


def _residual(x: np.ndarray, ref: np.ndarray, eps: float) -> float:
    return float(np.max(np.abs(x - ref.astype(np.float64)))) / eps


#: The largest tolerance, as an absolute difference: beyond it a table's own rounding (about
#: |p|·eps for an original that computes in its output dtype) could hide any values at all, so
#: no preset is declared a match.
MAX_TOLERANCE_ABS = 0.5


def _tolerance(pos: np.ndarray, eps: float) -> tuple[float, int]:
    """The tolerance in eps, ``2 + 2·max|p|`` capped at :data:`MAX_TOLERANCE_ABS`, and ``max|p|``
    if the cap applied (else 0)."""
    big = max_abs_position(pos) if pos.size else 0
    tol = 2.0 + 2.0 * big
    cap = MAX_TOLERANCE_ABS / eps
    return min(tol, cap), big if tol > cap else 0


def _candidates(x: np.ndarray, pos: np.ndarray, eps: float, fitted: dict | None) -> list[Match]:
    _n, d = x.shape
    tol, _capped = _tolerance(pos, eps)
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
    if fitted is not None and fitted.get("spacing") is not None:
        scale = fitted["scale"]
        conv = Convention(
            layout=fitted["layout"],
            spacing=fitted["spacing"],
            base=fitted["base"],
            odd=fitted["odd"] if d % 2 else "error",
            padding_idx=fitted["padding_idx"],
        )
        try:
            ref = conv.table(pos, d, exact=True) * scale
            res = _residual(x, ref, eps)
            out.append(Match("fitted", dict(fitted), res, res <= tol))
        except ValueError:
            pass
    # Stable: equal residuals keep the catalogue order.
    return sorted(out, key=lambda m: m.residual_ulps)


#: The largest table :func:`identify` reads by default (``max_entries``): every preset is computed
#: at the table's shape, so the cost grows with it.
MAX_ENTRIES = 2**22

#: The widest table (channels) a reading tries: a transposed reading of a tall table would
#: otherwise ask for hundreds of thousands of channels.
MAX_WIDTH = 16384


def identify(
    table: npt.ArrayLike,
    positions: npt.ArrayLike | None = None,
    *,
    max_entries: int = MAX_ENTRIES,
) -> Identification:
    """Which convention produced ``table`` (rows = positions, or its transpose)?

    ``positions`` (optional, increasing integers, one per row) says which position each row
    holds; without it the rows are taken as consecutive positions and the first is fitted.

    Returns an :class:`Identification`: ranked :class:`Match` objects (preset names and the
    fitted convention, each with a residual in eps of the table's dtype), the fitted parameters
    and a printable verdict. See the module docstring for the algorithm.

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
    >>> result.fitted["layout"], result.fitted["spacing"], result.fitted["base"]
    ('sin|cos', 'tensor2tensor', 10000.0)
    >>> result.matched, result.presets
    (True, ('tensor2tensor', 'whisper', 'tf-model-garden', 'opennmt-concat'))
    >>> [m.name for m in result.matching if m.residual_ulps == 0]
    ['tensor2tensor', 'whisper', 'tf-model-garden', 'opennmt-concat']
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
    dt, x = _effective_dtype(a)
    eps = float(np.finfo(dt).eps)
    results = []
    for transposed, y in ((False, x), (True, x.T)):
        if pos_given is not None and len(pos_given) != y.shape[0]:
            continue
        if y.shape[1] > MAX_WIDTH:
            continue
        # sin|cos and cos|sin pair the same columns; the wrong one gives negative frequencies.
        for layouts in (("interleaved",), ("sin|cos",), ("cos|sin",)):
            fitted, _score, notes = _fit(y, layouts, pos_given)
            if pos_given is not None:
                pos = pos_given.astype(np.int64)
            else:
                start = fitted["start"] if fitted else 0
                pos = np.arange(start, start + y.shape[0])
            cands = _candidates(y, pos, eps, fitted)
            results.append(
                (
                    cands[0].residual_ulps if cands else math.inf,
                    fitted is None,
                    transposed,
                    y,
                    fitted,
                    notes,
                    cands,
                    pos,
                )
            )
    # A fitted reading beats none; then the lower residual; ties keep the untransposed table.
    if not results:
        if pos_given is not None and len(pos_given) not in a.shape:
            raise ValueError(f"positions has {len(pos_given)} entries but the table is {a.shape}")
        raise ValueError(
            f"table {a.shape} has more than {MAX_WIDTH} channels in every reading that fits the "
            f"positions: no position table is that wide"
        )
    results.sort(key=lambda r: (r[1], 0.0 if r[1] else r[0], r[2]))
    _, _, transposed, y, fitted, notes, cands, pos = results[0]
    tol, capped_at = _tolerance(pos, eps)
    if capped_at:
        notes = [
            *notes,
            f"positions up to |p| = {capped_at}: an original that "
            f"computes in {dt.name} is off by up to about |p|·eps there, so the tolerance is "
            f"capped at {MAX_TOLERANCE_ABS} absolute and only closer tables can match",
        ]
    if fitted is None and any(m.residual_ulps <= tol for m in cands):
        notes = [
            *notes,
            "parameters not fitted (the rows are not consecutive positions); the presets were "
            "compared at the given positions",
        ]
    elif fitted is None:
        notes = [
            *notes,
            "no sin/cos structure found: columns do not pair into sin² + cos² = 1, or the rows "
            "are not consecutive positions",
        ]
    return Identification(
        matches=tuple(cands),
        fitted=fitted,
        shape=(int(y.shape[0]), int(y.shape[1])),
        dtype=dt.name,
        transposed=transposed,
        tolerance_ulps=tol,
        notes=tuple(notes),
        positions=pos,
    )
