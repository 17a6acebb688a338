"""The numerical kernel behind :func:`posenc_ref.sinusoidal`: exact angles, checked rounding.

Why this is more than ``np.sin(pos * omega)``: the float64 product ``pos * omega`` is rounded, and
the rounding error (up to ``|pos| * 2**-53``) goes straight into the output. At pos = 2**26 that
is about 7e-9, hundreds of float32 ulps for outputs near zero. The kernel therefore

1. holds each frequency as a double-double ``w_hi + w_lo`` (exact values from
   :mod:`posenc_ref._exact`; ``w_hi`` is the correctly rounded float64 frequency);
2. forms the angle ``x + lo = pos * (w_hi + w_lo)`` with Dekker's error-free product (exact for
   ``|pos| < 2**26``, which is why positions are limited to that range);
3. evaluates ``s, c = sin(x), cos(x)`` with the platform's float64 libm and corrects them to
   second order in ``lo``: ``sin(x + lo) = s + lo*(c - s*lo/2)`` and
   ``cos(x + lo) = c - lo*(s + c*lo/2)``;
4. for float32 / float16 output, finds the entries whose float64 value lies within
   ``ROUNDING_MARGIN_ULPS`` float64 ulps of a rounding boundary of the narrow format and recomputes
   exactly those in high precision (:func:`posenc_ref._exact.round_checked`), so that every entry
   is correctly rounded.

The result in float64 is faithful (within one ulp); in float32 and float16 it is correctly
rounded. The tests check both against mpmath ground truth.
"""

from __future__ import annotations

import functools

import numpy as np

from . import _exact

#: Veltkamp splitter for float64: splits a double into two halves of at most 26 significant bits.
SPLITTER = 134217729.0  # 2**27 + 1


@functools.lru_cache(maxsize=64)
def frequencies_dd(d_model: int, base: float) -> tuple[np.ndarray, np.ndarray]:
    """Double-double frequencies ``(w_hi, w_lo)`` with ``w_hi + w_lo = base**(-2i/d)``.

    ``w_hi`` is the correctly rounded float64 value; ``w_lo`` the correctly rounded remainder.
    Raises ValueError when a frequency falls outside what float64 arithmetic handles
    (:func:`posenc_ref._exact.check_frequency_range`). Cached; the arrays are read-only.
    """
    _exact.check_frequency_range(d_model, base)
    hi, lo = _exact.double_double(_exact.exact_frequencies(d_model, base))
    hi.flags.writeable = False
    lo.flags.writeable = False
    return hi, lo


def split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Veltkamp split: ``a = a_big + a_small`` exactly, each with <= 26 significant bits."""
    t = a * SPLITTER
    big = t - (t - a)
    return big, a - big


def compensated(
    pos: np.ndarray, w_hi: np.ndarray, w_lo: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``sin`` and ``cos`` of ``pos * (w_hi + w_lo)``, element-wise with broadcasting.

    ``pos`` must hold integers with ``|pos| * max(w) < 2**26`` (checked by the caller); the
    results are faithful float64. Works on any broadcastable shapes: a block of rows
    ``pos[:, None]`` against all frequencies, or a list of single entries.
    """
    p = np.asarray(pos).astype(np.float64)  # exact: |p| < 2**26
    w_big, w_small = split(w_hi)
    x = p * w_hi
    # Dekker: p * w_big and p * w_small are exact (<= 26 + 26 bits), so err is exactly
    # p * w_hi - x; then add the tail of the frequency itself.
    err = (p * w_big - x) + p * w_small
    lo = err + p * w_lo
    s = np.sin(x)
    c = np.cos(x)
    half_lo = 0.5 * lo
    return s + lo * (c - s * half_lo), c - lo * (s + c * half_lo)


def round_entries(
    y64: np.ndarray,
    pos: np.ndarray,
    pair: np.ndarray,
    component: np.ndarray,
    d_model: int,
    base: float,
    dtype: np.dtype,
) -> np.ndarray:
    """Correctly rounded ``dtype`` values of entries given as parallel arrays (any shape).

    ``y64`` holds faithful float64 values (from :func:`compensated`) of the sine
    (``component == 0``) or cosine (``1``) of pair ``pair`` at position ``pos``, broadcast to one
    shape. Entries near a rounding boundary of ``dtype`` are recomputed exactly.
    """
    omegas = _exact.exact_frequencies(d_model, base)
    p, i, f = np.broadcast_arrays(pos, pair, component)

    def exact(ctx, index):
        return _exact.exact_sin_cos(ctx, int(p[index]), omegas[int(i[index])])[int(f[index])]

    return _exact.round_checked(np.asarray(y64), dtype, exact)
