"""The numerical kernel behind :func:`posenc_ref.sinusoidal`: exact angles, checked rounding.

Why this is more than ``np.sin(pos * omega)``: the float64 product ``pos * omega`` is rounded, and
the rounding error (up to ``|pos| * 2**-53``) goes straight into the output. At pos = 2**26 that
is about 7e-9, hundreds of float32 ulps for outputs near zero. The kernel therefore

1. holds each frequency as a double-double ``w_hi + w_lo`` (from mpmath at 160 bits; ``w_hi`` is
   the correctly rounded float64 frequency);
2. forms the angle ``x + lo = pos * (w_hi + w_lo)`` with Dekker's error-free product (exact for
   ``|pos| < 2**26``, which is why positions are limited to that range);
3. evaluates ``s, c = sin(x), cos(x)`` with the platform's float64 libm and corrects them to
   second order in ``lo``: ``sin(x + lo) = s + lo*(c - s*lo/2)`` and
   ``cos(x + lo) = c - lo*(s + c*lo/2)``;
4. for float32 / float16 output, finds the entries whose float64 value lies within
   ``ROUNDING_MARGIN_ULPS`` float64 ulps of a rounding boundary of the narrow format and recomputes
   exactly those with mpmath, so that every entry is correctly rounded.

The result in float64 is faithful (measured <= 1.05 ulp); in float32 and float16 it is correctly
rounded. The tests check both against mpmath ground truth.
"""

from __future__ import annotations

import functools

import numpy as np

#: Veltkamp splitter for float64: splits a double into two halves of at most 26 significant bits.
_SPLITTER = 134217729.0  # 2**27 + 1

#: Half-width (in float64 ulps of the value) of the band around a narrow-format rounding boundary
#: inside which an entry is recomputed in high precision. The float64 values of the kernel are
#: within ~1.05 ulp of the truth (see the precision page); 8 leaves a wide safety factor.
ROUNDING_MARGIN_ULPS = 8.0

#: Rows per block: bounds the temporaries to a few (rows x d/2) float64 arrays.
_BLOCK_ROWS = 2048

_WORK_BITS = 160


@functools.lru_cache(maxsize=64)
def frequency_pair(d_model: int, base: float) -> tuple[np.ndarray, np.ndarray]:
    """Double-double frequencies ``(w_hi, w_lo)`` with ``w_hi + w_lo = base**(-2i/d)``.

    ``w_hi`` is the correctly rounded float64 value; ``w_lo`` the correctly rounded remainder.
    Computed by mpmath at 160 bits as powers of ``r = base**(-2/d)`` (relative error below
    ``i * 2**-150``, far beyond what a double-double holds). Cached; the arrays are read-only.
    """
    import mpmath  # deferred: only needed when a new (d_model, base) is first used

    half = d_model // 2
    hi = np.empty(half)
    lo = np.empty(half)
    with mpmath.workprec(_WORK_BITS):
        r = mpmath.power(mpmath.mpf(base), mpmath.mpf(-2) / d_model)
        w = mpmath.mpf(1)
        for i in range(half):
            h = float(w)  # mpmath rounds to nearest: the correctly rounded float64
            hi[i] = h
            lo[i] = float(w - h)
            w *= r
    hi.flags.writeable = False
    lo.flags.writeable = False
    return hi, lo


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Veltkamp split: ``a = a_big + a_small`` exactly, each with <= 26 significant bits."""
    t = a * _SPLITTER
    big = t - (t - a)
    return big, a - big


def sincos(pos: np.ndarray, w_hi: np.ndarray, w_lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sin`` and ``cos`` of ``pos[:, None] * (w_hi + w_lo)`` in float64, faithfully rounded.

    ``pos`` must hold integers with ``|pos| * max(w) < 2**26`` (checked by the caller).
    """
    n, half = pos.shape[0], w_hi.shape[0]
    s_out = np.empty((n, half))
    c_out = np.empty((n, half))
    for start in range(0, n, _BLOCK_ROWS):
        stop = min(start + _BLOCK_ROWS, n)
        s_out[start:stop], c_out[start:stop] = compensated(pos[start:stop, None], w_hi, w_lo)
    return s_out, c_out


def compensated(
    pos: np.ndarray, w_hi: np.ndarray, w_lo: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``sin`` and ``cos`` of ``pos * (w_hi + w_lo)``, element-wise with broadcasting.

    The arithmetic of :func:`sincos`, usable on any broadcastable shapes (for instance on a list
    of single entries ``(pos[k], w_hi[k], w_lo[k])``).
    """
    p = np.asarray(pos).astype(np.float64)  # exact: |p| < 2**26
    w_big, w_small = _split(w_hi)
    x = p * w_hi
    # Dekker: p * w_big and p * w_small are exact (<= 26 + 26 bits), so err is exactly
    # p * w_hi - x; then add the tail of the frequency itself.
    err = (p * w_big - x) + p * w_small
    lo = err + p * w_lo
    s = np.sin(x)
    c = np.cos(x)
    half_lo = 0.5 * lo
    return s + lo * (c - s * half_lo), c - lo * (s + c * half_lo)


def _mp_sincos(p: int, i: int, d_model: int, base: float, bits: int) -> tuple:
    import mpmath

    with mpmath.workprec(bits):
        w = mpmath.power(mpmath.mpf(base), mpmath.mpf(-2 * i) / d_model)
        return mpmath.sin(p * w), mpmath.cos(p * w)


def round_to_format(v, mant_bits: int, emin: int) -> float:
    """Round an mpmath number to the nearest value of a binary format (ties to even).

    ``mant_bits`` counts the implicit bit (24 for float32); ``emin`` is the exponent of the
    smallest normal number (-126 for float32). Subnormals are handled; overflow is not (the
    values here are bounded by 1).
    """
    import mpmath

    v = mpmath.mpf(v)
    if v == 0:
        return 0.0
    negative, man, exp, _ = v._mpf_  # v = (-1)**negative * man * 2**exp exactly
    sign = -1 if negative else 1
    e = max(man.bit_length() - 1 + exp, emin)  # exponent of v (clamped for subnormals)
    q = e - (mant_bits - 1)  # exponent of the quantum (ulp)
    shift = q - exp
    if shift <= 0:
        return sign * float(mpmath.ldexp(man, exp))  # already representable
    whole, rest = divmod(man, 1 << shift)
    half = 1 << (shift - 1)
    if rest > half or (rest == half and whole & 1):
        whole += 1
    return sign * float(mpmath.ldexp(whole, q))


_FORMAT_BITS = {np.dtype(np.float16): (11, -14), np.dtype(np.float32): (24, -126)}


def round_checked(
    s64: np.ndarray,
    c64: np.ndarray,
    pos: np.ndarray,
    d_model: int,
    base: float,
    dtype: np.dtype,
) -> tuple[np.ndarray, np.ndarray]:
    """Round float64 sin/cos tables to ``dtype`` so that every entry is correctly rounded.

    Entries within ``ROUNDING_MARGIN_ULPS`` float64 ulps of a rounding boundary of ``dtype`` are
    recomputed with mpmath at 128 bits.
    """
    bits, emin = _FORMAT_BITS[dtype]
    out = []
    for k, y64 in enumerate((s64, c64)):
        y = y64.astype(dtype)
        for r, i in zip(*np.nonzero(near_boundary(y64, y)), strict=True):
            exact = _mp_sincos(int(pos[r]), int(i), d_model, base, 128)[k]
            y[r, i] = round_to_format(exact, bits, emin)
        out.append(y)
    return out[0], out[1]


def near_boundary(y64: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mask of the entries whose float64 value ``y64`` lies within ``ROUNDING_MARGIN_ULPS``
    float64 ulps of a rounding boundary of the narrow values ``y = y64.astype(dtype)``."""
    yd = y.astype(np.float64)
    below = np.nextafter(y, y.dtype.type(-np.inf)).astype(np.float64)
    above = np.nextafter(y, y.dtype.type(np.inf)).astype(np.float64)
    # The two rounding boundaries around y (midpoints to its neighbours) are exact in float64.
    tol = ROUNDING_MARGIN_ULPS * np.spacing(np.abs(y64))
    return (np.abs(y64 - 0.5 * (yd + below)) <= tol) | (np.abs(y64 - 0.5 * (yd + above)) <= tol)


def round_entries(
    y64: np.ndarray,
    pos: np.ndarray,
    pair: np.ndarray,
    component: np.ndarray,
    d_model: int,
    base: float,
    dtype: np.dtype,
) -> np.ndarray:
    """Correctly rounded ``dtype`` values of single entries (1-D arrays, one entry each).

    ``y64`` holds faithful float64 values (from :func:`compensated`) of entry ``k``: the sine
    (``component[k] == 0``) or cosine (``1``) of pair ``pair[k]`` at position ``pos[k]``. As in
    :func:`round_checked`, values near a rounding boundary are recomputed with mpmath.
    """
    bits, emin = _FORMAT_BITS[dtype]
    y = y64.astype(dtype)
    for k in np.flatnonzero(near_boundary(y64, y)):
        exact = _mp_sincos(int(pos[k]), int(pair[k]), d_model, base, 128)[int(component[k])]
        y[k] = round_to_format(exact, bits, emin)
    return y
