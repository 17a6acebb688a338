"""High-precision arithmetic behind the reference: exact frequencies, double-doubles and correct
rounding, written once.

Thread safety. mpmath's functions use one global context, ``mpmath.mp``, whose precision
``mpmath.workprec`` sets and restores; threads that interleave such blocks can compute at the
wrong precision and leave it changed for the user. This module never touches ``mpmath.mp``: every
high-precision computation of ``posenc_ref`` runs in :func:`working_precision`, on a private
mpmath context, under one lock held for the whole computation (including the fill of every
cache). mpmath is pure Python and holds the GIL, so the lock costs no parallelism.

The module itself imports only NumPy; mpmath is imported on first use, so that
``import posenc_ref`` stays light.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Bits of every exact frequency: far beyond the 106 bits a double-double holds (the frequencies
#: are built as powers ``r**i``, so pair ``i`` carries a relative error below ``i * 2**-160``).
WORK_BITS = 160

#: Half-width (in float64 ulps of the value) of the band around a narrow-format rounding boundary
#: inside which an entry is recomputed in high precision. The float64 values it is applied to are
#: faithful (within one ulp of the truth); 8 leaves a safety factor of 8.
ROUNDING_MARGIN_ULPS = 8.0

#: Largest |log2| of a frequency: beyond it the double-double arithmetic of the kernel (Veltkamp
#: splits, products of 26-bit halves) would overflow or lose bits to subnormals.
MAX_FREQUENCY_EXPONENT = 900

_LOCK = threading.RLock()
_CONTEXT: list[Any] = []  # the private mpmath context, created on first use


@contextmanager
def working_precision(bits: int) -> Iterator[Any]:
    """A private mpmath context set to ``bits`` bits, held under the module lock.

    All arithmetic on the mpmath numbers of this module must happen inside such a block: the
    numbers belong to the private context, whose precision only changes under the lock.
    """
    with _LOCK:
        if not _CONTEXT:
            import mpmath  # deferred: only needed when high precision is first used

            _CONTEXT.append(mpmath.MPContext())
        ctx = _CONTEXT[0]
        saved = ctx.prec
        ctx.prec = bits
        try:
            yield ctx
        finally:
            ctx.prec = saved


def check_frequency_range(d_model: int, base: float) -> None:
    """Raise unless every ``base**(-2i/d)`` lies within ``2**±MAX_FREQUENCY_EXPONENT``.

    Decided from ``log2(base)`` alone, before any high-precision work: the extreme frequencies
    are 1 and ``base**(-(d-2)/d)``.
    """
    exponent = abs(np.log2(base)) * (d_model - 2) / d_model
    if exponent > MAX_FREQUENCY_EXPONENT:
        last = f"2**{'-' if base > 1 else ''}{exponent:.0f}"
        raise ValueError(
            f"base {base:g} with d_model {d_model} gives frequencies down to or up to about "
            f"{last}, outside what float64 arithmetic handles accurately (2**-900 to 2**900); "
            f"choose a base closer to 1 or a smaller d_model"
        )


@functools.lru_cache(maxsize=128)
def exact_frequencies(d_model: int, base: float, bits: int = WORK_BITS) -> tuple[Any, ...]:
    """``ω_i = base**(-2i/d)`` for ``i = 0 … d/2-1`` as mpmath numbers of at least ``bits`` bits.

    Built as powers of ``r = base**(-2/d)`` computed with 32 guard bits, so every value carries
    a relative error far below ``2**-bits``. Cached; use the values inside
    :func:`working_precision`.
    """
    with working_precision(bits + 32) as ctx:
        r = ctx.power(ctx.mpf(base), ctx.mpf(-2) / d_model)
        w = ctx.mpf(1)
        out = []
        for _ in range(d_model // 2):
            out.append(w)
            w = w * r
    return tuple(out)


@dataclass(frozen=True)
class ExactFrequencies:
    """A set of exact frequencies ``ω_i`` (mpmath numbers), named by a hashable ``key``.

    Equal keys mean equal frequencies, so caches of derived tables are keyed by ``key`` alone
    (``("plain", d_model, base)`` for the encoding's own; other keys for scaled RoPE).
    """

    key: tuple
    values: tuple = field(compare=False, repr=False)

    @property
    def pairs(self) -> int:
        return len(self.values)


def plain_frequencies(d_model: int, base: float) -> ExactFrequencies:
    """The encoding's frequencies ``base**(-2i/d)`` as an :class:`ExactFrequencies`."""
    return ExactFrequencies(("plain", d_model, base), exact_frequencies(d_model, base))


def double_double(values: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Exact numbers as double-doubles ``(hi, lo)``: ``hi`` the nearest float64 of each value and
    ``lo`` the nearest float64 of the remainder, so ``hi + lo`` carries about 106 bits."""
    hi = np.empty(len(values))
    lo = np.empty(len(values))
    with working_precision(1024):  # v - h is then exact for every value made here
        for k, v in enumerate(values):
            hi[k] = h = float(v)  # mpmath rounds to nearest: the correctly rounded float64
            lo[k] = float(v - h)
    return hi, lo


def exact_sin_cos(ctx: Any, position: int, omega: Any) -> tuple[Any, Any]:
    """``sin`` and ``cos`` of ``position * omega`` in the context ``ctx`` (inside
    :func:`working_precision`)."""
    return ctx.sin(position * omega), ctx.cos(position * omega)


def round_to_format(value: Any, dtype: np.dtype) -> float:
    """Round an mpmath number to the nearest value of ``dtype`` (ties to even), as a float.

    The format comes from ``np.finfo``: significand bits (the implicit one included) and the
    exponent of the smallest normal number; subnormals are handled. Overflow is not: the values
    here are bounded by a small constant.
    """
    info = np.finfo(dtype)
    mant_bits, emin = info.nmant + 1, info.minexp
    negative, man, exp, _ = value._mpf_  # value = (-1)**negative * man * 2**exp exactly
    if man == 0:
        return 0.0
    sign = -1.0 if negative else 1.0
    e = max(man.bit_length() - 1 + exp, emin)  # exponent of the value (clamped for subnormals)
    quantum = e - (mant_bits - 1)  # exponent of the ulp
    shift = quantum - exp
    if shift <= 0:
        return sign * _ldexp(man, exp)  # already representable
    whole, rest = divmod(man, 1 << shift)
    half = 1 << (shift - 1)
    if rest > half or (rest == half and whole & 1):
        whole += 1
    return sign * _ldexp(whole, quantum)


def _ldexp(man: int, exp: int) -> float:
    # Exact for the small integers of a narrow format's significand.
    return float(np.ldexp(float(man), exp))


def near_boundary(y64: np.ndarray, y: np.ndarray, margin: float | None = None) -> np.ndarray:
    """Mask of the entries whose float64 value ``y64`` lies within ``margin`` (default
    :data:`ROUNDING_MARGIN_ULPS`) float64 ulps of a rounding boundary of the narrow values
    ``y = y64.astype(dtype)``."""
    margin = ROUNDING_MARGIN_ULPS if margin is None else margin
    yd = y.astype(np.float64)
    below = np.nextafter(y, y.dtype.type(-np.inf)).astype(np.float64)
    above = np.nextafter(y, y.dtype.type(np.inf)).astype(np.float64)
    # The two rounding boundaries around y (midpoints to its neighbours) are exact in float64.
    tol = margin * np.spacing(np.abs(y64))
    return (np.abs(y64 - 0.5 * (yd + below)) <= tol) | (np.abs(y64 - 0.5 * (yd + above)) <= tol)


def round_checked(
    y64: np.ndarray, dtype: np.dtype, exact: Callable[[Any, tuple[int, ...]], Any]
) -> np.ndarray:
    """Round faithful float64 values to ``dtype`` so that every entry is correctly rounded.

    Rounding a faithful ``y64`` gives the correctly rounded narrow value unless ``y64`` lies
    near a rounding boundary of ``dtype``; those entries (:func:`near_boundary`) are recomputed
    as ``exact(ctx, index)`` — the exact value of entry ``index`` evaluated in the private mpmath
    context ``ctx`` at :data:`WORK_BITS` bits — and rounded by :func:`round_to_format`.
    """
    y = y64.astype(dtype)
    suspects = np.nonzero(near_boundary(y64, y))
    if suspects[0].size:
        with working_precision(WORK_BITS) as ctx:
            for index in zip(*(s.tolist() for s in suspects), strict=True):
                y[index] = round_to_format(exact(ctx, index), dtype)
    return y
