"""Reading sinusoids off a table: pair angles, frequencies, positions and frequency families.

Shared by :func:`posenc_ref.identify` (tables) and :func:`posenc_ref.identify_rope_cache` (RoPE
caches): both hold pairs ``(a, b) = A·(sin θ, cos θ)`` with ``θ = ω·p + φ``. Everything here
*measures*; the callers decide what the measurements mean and check every claim by
reproducing the table exactly.

The conventions of the measurements:

- angles are ``atan2(a, b)`` per pair, unwrapped down the rows (across gaps of given positions
  with the frequency read from the closest rows), then fitted by a line: the **slope** is the
  signed frequency, the **intercept** the angle at position 0;
- on integer positions a frequency is known only modulo ``2π``: the slope of consecutive rows
  lies in ``(-π, π]``, and ``ω`` and ``ω - 2πk`` give the same table (*aliasing*);
  :func:`unalias` picks the ``k`` that make the frequencies a geometric progression.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TWO_PI = 2.0 * math.pi


def wrap(x: np.ndarray | float) -> np.ndarray:
    """Angles into ``[-π, π)``."""
    return (np.asarray(x) + math.pi) % TWO_PI - math.pi


@dataclass(frozen=True)
class Pairs:
    """Columns read as (sin, cos) pairs: the angle of every row and pair, and how well
    ``a² + b²`` is constant."""

    theta: np.ndarray
    """``atan2(a, b)``, shape (rows, pairs)."""
    amplitude: float
    """``A``: the median of ``sqrt(a² + b²)``."""
    spread: float
    """``max |(a² + b²)/A² - 1|``: 0 for exact pairs, of the order of the dtype's eps."""


def read_pairs(a: np.ndarray, b: np.ndarray) -> Pairs | None:
    """Read columns ``a`` (sines) and ``b`` (cosines), shape (rows, pairs); None if all zero."""
    r2 = a * a + b * b
    amp = float(np.sqrt(np.median(r2)))
    if amp == 0 or not math.isfinite(amp):
        return None
    spread = float(np.max(np.abs(r2 / amp**2 - 1)))
    return Pairs(np.arctan2(a / amp, b / amp), amp, spread)


@dataclass(frozen=True)
class Lines:
    """Per pair, the angle as a line in the position: ``θ ≈ slope·p + intercept``."""

    slope: np.ndarray
    intercept: np.ndarray
    """Angle at position 0, in ``[-π, π)``."""
    misfit: float
    """Largest distance (radians) of an unwrapped angle from its line."""


def fit_lines(theta: np.ndarray, rows: np.ndarray) -> Lines | None:
    """Unwrap ``theta`` (rows, pairs) along increasing positions ``rows`` and fit lines.

    The first estimate of each slope comes from the most closely spaced rows (on consecutive
    rows it is the slope itself, aliased into ``(-π, π]``); every gap is then unwrapped with it.
    None when fewer than two rows or positions that do not increase.
    """
    if theta.shape[0] < 2:
        return None
    gaps = np.diff(rows.astype(np.float64))[:, None]
    if np.any(gaps <= 0):
        return None
    near = gaps[:, 0] == gaps.min()
    step = np.median(wrap(np.diff(theta, axis=0))[near] / gaps[near], axis=0)
    dphi = wrap(np.diff(theta, axis=0) - step * gaps) + step * gaps
    phi = np.vstack([theta[:1], theta[:1] + np.cumsum(dphi, axis=0)])
    x = rows.astype(np.float64)
    xc = x - x.mean()
    slope = (xc[:, None] * (phi - phi.mean(axis=0))).sum(axis=0) / (xc * xc).sum()
    intercept = phi.mean(axis=0) - slope * x.mean()
    misfit = float(np.max(np.abs(phi - (slope * x[:, None] + intercept))))
    return Lines(slope, wrap(intercept), misfit)


@dataclass(frozen=True)
class Reading:
    """What the angles say about the rows and the pairs.

    The pairs were written as ``(σ_i·sin θ, cos θ)`` (or with the roles swapped), with
    ``θ = ω_i·p`` and the rows at positions ``start + step·r`` (or the given positions).
    """

    omega: np.ndarray
    """``|ω_i|`` as measured (aliased into ``[0, π]`` on consecutive rows)."""
    signs: np.ndarray
    """``σ_i``: +1, or -1 where the pair's sine is stored negated."""
    swapped: bool
    """The first column of each pair holds the cosine (the roles are swapped)."""
    start: int
    step: int
    """+1 (positions increase down the rows) or -1 (they decrease)."""
    misfit: float
    """Largest phase disagreement (radians) with these positions."""


def read_positions(
    lines: Lines, rows: np.ndarray | None, roles_known: bool = False
) -> Reading | None:
    """Interpret the lines: the frequencies, the sign of each pair's sine, the roles, and the
    positions of the rows (the start fitted from the slowest pair when ``rows`` is None).

    ``rows`` given: the positions are known; only signs and roles are read. Otherwise rows are
    consecutive positions, increasing or decreasing; a start beyond the longest wavelength
    cannot be read (every angle has turned a whole number of times): pass the positions.
    Rows at positions ``0, -1, -2, …`` and rows at ``0, 1, 2, …`` with negated sines are the same
    table; the second reading is reported (and any decreasing run that does not end below 0).
    ``roles_known``: the sines and cosines are known apart (a RoPE cache), so no swap is read.
    """
    best: Reading | None = None
    for swapped in (False,) if roles_known else (False, True):
        # Swapped roles: atan2(cos x, sin x) = π/2 - x; recover the angle x = σ·ω·p first.
        slope = -lines.slope if swapped else lines.slope
        intercept = wrap(math.pi / 2 - lines.intercept) if swapped else lines.intercept
        magnitude = np.abs(slope)
        if not np.any(magnitude > 0):
            return None
        slow = int(np.argmin(np.where(magnitude > 0, magnitude, np.inf)))
        step = 1 if rows is not None or slope[slow] >= 0 else -1
        signs = np.where(np.sign(slope) * step >= 0, 1, -1)
        start = 0
        if rows is None:
            start = round(float(wrap(signs[slow] * intercept[slow]) / magnitude[slow]))
            if step == -1 and start <= 0:  # 0, -1, -2, … is 0, 1, 2, … with sines negated
                step, start, signs = 1, -start, -signs
        misfit = float(np.max(np.abs(wrap(intercept - signs * magnitude * start))))
        reading = Reading(magnitude, signs, swapped, start, step, misfit)
        if best is None or misfit < best.misfit - 1e-9:
            best = reading
    return best


#: ``ln ω_i`` misfit above which a sequence of frequencies is taken to be aliased.
ALIASING_MISFIT = 0.05


def unalias(signed: np.ndarray) -> tuple[np.ndarray, bool, np.ndarray]:
    """Frequencies as a geometric progression where the measured ones are aliased.

    ``signed`` holds each pair's measured frequency with its sign (``σ_i·ω_i``). On integer
    positions ``ω`` and ``ω + 2πk`` give the same values, so a measured frequency may stand for
    a larger one (a negative measured one for a positive true one). If the magnitudes are not
    geometric, the smallest ``k`` per pair (in order) that continue the progression of the first
    two are tried, for positive true frequencies and, failing that, for negated sines. Returns
    the frequencies, whether any alias was resolved, and the signs ``σ_i``.
    """
    magnitude = np.abs(signed)
    signs = np.where(signed < 0, -1, 1)
    # A geometric sequence read through a low-precision table deviates by ~1e-3 in ln ω; an
    # aliased one by whole units. Only the latter is unaliased.
    before = _geometric_misfit(magnitude)
    if signed.size < 3 or before < ALIASING_MISFIT:
        return magnitude, False, signs
    for sign in (1.0, -1.0):
        first = sign * signed.astype(np.float64)
        for k1 in range(64):  # the second pair may be aliased too: try its turns
            out = first.copy()
            out[1] += TWO_PI * k1
            for i in range(2, out.size):
                predicted = out[i - 1] ** 2 / out[i - 2] if out[i - 2] > 0 else out[i - 1]
                if not 0 < predicted < 1e9:  # no progression the positions could carry
                    break
                out[i] += TWO_PI * max(0, round((predicted - out[i]) / TWO_PI))
            if np.all(out > 0) and _geometric_misfit(out) < min(0.01, before / 100):
                return out, True, np.full(signed.size, int(sign))
    return magnitude, False, signs


def _geometric_misfit(omega: np.ndarray) -> float:
    if omega.size < 2 or np.any(omega <= 0):
        return math.inf
    i = np.arange(omega.size)
    coef = np.polyfit(i, np.log(omega), 1)
    return float(np.max(np.abs(np.polyval(coef, i) - np.log(omega))))


@dataclass(frozen=True)
class Geometric:
    """``ω_i = ω_0 · r**i``: a least-squares line through ``ln ω_i``."""

    log_first: float
    """``ln ω_0`` (0 for every plain encoding: the first pair turns at one radian per
    position)."""
    log_ratio: float
    misfit: float
    """Largest deviation of ``ln ω_i`` from the line."""


def geometric(omega: np.ndarray) -> Geometric | None:
    """The geometric progression through the frequencies (None for fewer than two, or a zero
    frequency)."""
    if omega.size < 2 or np.any(omega <= 0):
        return None
    i = np.arange(omega.size)
    ratio, first = np.polyfit(i, np.log(omega), 1)
    misfit = float(np.max(np.abs(first + ratio * i - np.log(omega))))
    return Geometric(float(first), float(ratio), misfit)


def round_number(x: float, digits: int = 2) -> tuple[float, bool]:
    """``x`` rounded to ``digits`` significant digits, and whether that is within 1e-4 of it
    (a base written by hand: 10000, 500000, 1e6, 2.5)."""
    if not math.isfinite(x) or x <= 0:
        return x, False
    r = float(f"{x:.{digits}g}")
    return (r, True) if abs(x - r) <= 1e-4 * x else (x, False)


def column_frequency(column: np.ndarray) -> float | None:
    """The frequency of one sinusoidal column on consecutive rows, from the recurrence
    ``x[r+1] + x[r-1] = 2·cos(ω)·x[r]`` (exact for any sinusoid): in ``[0, π]``, or None."""
    x = column.astype(np.float64)
    if x.size < 3:
        return None
    den = 2.0 * float(np.dot(x[1:-1], x[1:-1]))
    if den == 0:
        return None
    c = float(np.dot(x[1:-1], x[2:] + x[:-2])) / den
    return math.acos(min(1.0, max(-1.0, c)))
