"""Floating-point facts and error measurement against high-precision ground truth.

A reference value is only a reference if its error is known. This module holds what the tests and
the precision page need to state errors exactly:

- :data:`FORMATS` and :func:`max_exact_integer`: which integer positions a format can hold;
- :func:`ulp` and :func:`ulp_error`: errors in units in the last place of the *true* value;
- :func:`truth`: the table computed with mpmath (200 bits by default) as float64 double-doubles;
- :func:`naive`: the textbook formula evaluated entirely in one dtype, the way most code does it,
  so that its error can be measured against the reference.

Definitions: for a true value ``v`` in a format with ``p`` significand bits and smallest normal
exponent ``emin``, ``ulp(v) = 2**(max(floor(log2|v|), emin) - p + 1)``. An output ``y`` is
*correctly rounded* if it is the representable value nearest to ``v`` (error <= 0.5 ulp) and
*faithful* if it is one of the two representable values around ``v`` (error < 1 ulp).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from . import _exact, _layout
from ._validate import (
    check_base,
    check_choice,
    check_d_model,
    check_dtype,
    check_flag,
    check_int,
    check_layout,
    check_positions,
)

__all__ = [
    "BANDS",
    "FORMATS",
    "Format",
    "accuracy_report",
    "correctly_rounded",
    "format_report",
    "frequency_truth",
    "max_exact_integer",
    "naive",
    "naive_frequencies",
    "sample_positions",
    "truth",
    "ulp",
    "ulp_error",
]


class Format(NamedTuple):
    """A binary floating-point format."""

    name: str
    significand_bits: int
    """Precision ``p``, counting the implicit leading bit (24 for float32)."""
    emin: int
    """Exponent of the smallest normal number (-126 for float32)."""


#: The formats position tables are stored in. bfloat16 has no NumPy dtype; it is listed for
#: :func:`max_exact_integer` and :func:`ulp`.
FORMATS: dict[str, Format] = {
    "float16": Format("float16", 11, -14),
    "bfloat16": Format("bfloat16", 8, -126),
    "float32": Format("float32", 24, -126),
    "float64": Format("float64", 53, -1022),
}


def _format(fmt: str | npt.DTypeLike) -> Format:
    if isinstance(fmt, str) and fmt in FORMATS:
        return FORMATS[fmt]
    if fmt is None:  # np.dtype(None) would silently mean float64
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}; got None")
    try:
        name = np.dtype(fmt).name
    except TypeError:
        name = str(fmt)
    if name not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}; got {fmt!r}")
    return FORMATS[name]


def max_exact_integer(fmt: str | npt.DTypeLike) -> int:
    """The largest ``N`` such that every integer ``0 … N`` is exactly representable in ``fmt``.

    It is ``2**p``: beyond it, consecutive integers start to share a value, so a position table
    indexed by positions stored in that format gives two positions the same row.

    Examples
    --------
    >>> [max_exact_integer(f) for f in ("float16", "bfloat16", "float32")]
    [2048, 256, 16777216]
    >>> np.float16(2049) == np.float16(2048)
    np.True_
    """
    return 2 ** _format(fmt).significand_bits


def ulp(x: npt.ArrayLike, fmt: str | npt.DTypeLike = "float64") -> np.ndarray:
    """Unit in the last place of ``x`` in ``fmt`` (subnormal range included; ``ulp(0)`` is the
    smallest subnormal; NaN and infinities give NaN).

    Examples
    --------
    >>> ulp([1.0, 0.75, 1e-40], "float32").tolist()
    [1.1920928955078125e-07, 5.960464477539063e-08, 1.401298464324817e-45]
    """
    f = _format(fmt)
    a = np.abs(np.asarray(x, dtype=np.float64))
    bad = ~np.isfinite(a)
    a = np.where(bad, 1.0, a)
    with np.errstate(divide="ignore"):
        e = np.where(a > 0, np.floor(np.log2(np.where(a > 0, a, 1.0))), f.emin)
    # log2 can be off by one right at a power of two; correct it exactly.
    e = np.where(np.ldexp(1.0, e.astype(np.int64)) > a, e - 1, e)
    e = np.where(np.ldexp(1.0, (e + 1).astype(np.int64)) <= a, e + 1, e)
    e = np.maximum(e, f.emin)
    out = np.ldexp(1.0, (e - f.significand_bits + 1).astype(np.int64))
    return np.where(bad, np.nan, out)


def truth(
    positions: int | range | npt.ArrayLike,
    d_model: int,
    *,
    base: float = 10000.0,
    prec: int = 200,
    layout: str = "interleaved",
) -> tuple[np.ndarray, np.ndarray]:
    """Ground truth: the table from mpmath at ``prec`` bits, as a double-double ``hi + lo``.

    ``hi`` is the correctly rounded float64 of each exact entry and ``lo`` the rounded remainder,
    so ``hi + lo`` carries about 106 bits. This is slow (pure-Python mpmath, ~40 µs an entry): use
    it on sampled rows.

    Examples
    --------
    >>> hi, lo = truth([3], 2)
    >>> float(hi[0, 0]) == math.sin(3.0)
    True
    """
    bits = check_int(prec, "prec", minimum=64, rule="an integer number of bits >= 64")
    d = check_d_model(d_model)
    b = check_base(base)
    lay = check_layout(layout)
    pos = check_positions(positions, limit=None)  # ground truth holds at any position
    half = d // 2
    omegas = _exact.exact_frequencies(d, b, bits)
    sines, cosines = [], []
    with _exact.working_precision(bits) as ctx:
        for p in pos.tolist():
            for w in omegas:
                s, c = _exact.exact_sin_cos(ctx, p, w)
                sines.append(s)
                cosines.append(c)
        s_hi, s_lo = _exact.double_double(sines)
        c_hi, c_lo = _exact.double_double(cosines)
    shape = (pos.shape[0], half)
    hi = _layout.merge(s_hi.reshape(shape), c_hi.reshape(shape), lay)
    lo = _layout.merge(s_lo.reshape(shape), c_lo.reshape(shape), lay)
    return hi, lo


def correctly_rounded(hi: np.ndarray, lo: np.ndarray, dtype: npt.DTypeLike) -> np.ndarray:
    """Round double-doubles ``hi + lo`` to the nearest value of ``dtype`` (ties to even).

    ``hi`` must be the nearest float64 to ``hi + lo`` (as :func:`truth` returns). Rounding ``hi``
    alone can only go wrong when ``hi`` sits exactly on a rounding boundary of ``dtype``; then the
    sign of ``lo`` decides.

    Examples
    --------
    >>> mid = 1 + 2.0**-24                       # halfway between two float32 neighbours
    >>> correctly_rounded(np.array([mid]), np.array([1e-30]), np.float32)
    array([1.0000001], dtype=float32)
    >>> correctly_rounded(np.array([mid]), np.array([-1e-30]), np.float32)
    array([1.], dtype=float32)
    """
    dt = check_dtype(dtype)
    hi = np.asarray(hi, dtype=np.float64)
    lo = np.asarray(lo, dtype=np.float64)
    if dt == np.float64:
        return hi.copy()
    y = hi.astype(dt)
    yd = y.astype(np.float64)
    up = np.nextafter(y, dt.type(np.inf))
    down = np.nextafter(y, dt.type(-np.inf))
    on_upper = hi == 0.5 * (yd + up.astype(np.float64))
    on_lower = hi == 0.5 * (yd + down.astype(np.float64))
    y = np.where(on_upper & (lo > 0), up, y)
    y = np.where(on_lower & (lo < 0), down, y)
    return y


def ulp_error(
    values: npt.ArrayLike,
    hi: np.ndarray,
    lo: np.ndarray,
    fmt: str | npt.DTypeLike | None = None,
) -> np.ndarray:
    """Error of ``values`` against the truth ``hi + lo``, in ulps of the true value in ``fmt``.

    ``fmt`` defaults to the dtype of ``values``. A correctly rounded table has every error
    <= 0.5; a faithful one < 1.

    Examples
    --------
    >>> hi, lo = truth([1], 2)
    >>> float(ulp_error(np.float32([math.sin(1.0)]), hi[:, :1], lo[:, :1]).max()) <= 0.5
    True
    """
    v = np.asarray(values)
    f = _format(v.dtype if fmt is None else fmt)
    diff = (v.astype(np.float64) - hi) - lo
    return np.abs(diff) / ulp(hi, f.name)


def naive_frequencies(
    d_model: int,
    *,
    base: float = 10000.0,
    dtype: npt.DTypeLike = np.float32,
    method: str = "pow",
    exact_functions: bool = False,
) -> np.ndarray:
    """Frequencies computed the textbook way, every operation in ``dtype``.

    ``method="pow"``: ``base ** (-(2i) / d)``; ``method="exp-log"``: ``exp(2i * (-ln(base) / d))``
    (the PyTorch tutorial's ``div_term``). The exp-log form rounds ``ln(base)/d`` first and ``exp``
    then multiplies that relative error by the size of its argument (up to ``ln(base)``), so it is
    the less accurate of the two; :func:`frequency_truth` gives the exact values to compare with.

    ``exact_functions=True`` evaluates every elementary function (``log``, ``exp``, ``pow``)
    exactly and rounds it correctly to ``dtype``, leaving only the rounding of ``+ - * /``: the
    error of the *formula*, the same on every machine. With ``False`` (the default) NumPy's own
    functions run, whose last bits depend on the CPU's SIMD path and the C library.

    Examples
    --------
    >>> naive_frequencies(4, dtype=np.float64, method="pow")
    array([1.  , 0.01])
    >>> hi, lo = frequency_truth(512)
    >>> w = naive_frequencies(512, method="exp-log", exact_functions=True)
    >>> round(float(ulp_error(w, hi, lo).max()), 2)    # float32, even with a perfect exp
    7.02
    """
    d = check_d_model(d_model)
    b = check_base(base)
    dt = check_dtype(dtype)
    check_choice(method, "method", ("pow", "exp-log"))
    exact_functions = check_flag(exact_functions, "exact_functions")
    two_i = np.arange(0, d, 2).astype(dt)
    if method == "pow":
        exponent = -two_i / dt.type(d)
        if exact_functions:
            b_dt = float(dt.type(b))
            w = _exactly(lambda mp, e: mp.power(b_dt, e), exponent, dt)
        else:
            w = dt.type(b) ** exponent
    else:
        if exact_functions:
            log_b = _exactly(lambda mp, x: mp.log(x), np.array([b]), dt)[0]
        else:
            log_b = dt.type(math.log(b))
        argument = two_i * (-log_b / dt.type(d))
        w = _exactly(lambda mp, x: mp.exp(x), argument, dt) if exact_functions else np.exp(argument)
    return w.astype(dt)


def _exactly(fn, x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``fn(ctx, v)`` for every element ``v`` of ``x``, exact (a private mpmath context at 160
    bits) and correctly rounded to ``dtype``: an elementary function without the platform's
    rounding."""
    values = np.asarray(x, dtype=np.float64)  # float16/32 values are exact in float64
    with _exact.working_precision(_exact.WORK_BITS) as ctx:
        results = [fn(ctx, ctx.mpf(v)) for v in values.ravel().tolist()]
        hi, lo = _exact.double_double(results)
    return correctly_rounded(hi, lo, dtype).reshape(values.shape)


def frequency_truth(
    d_model: int, *, base: float = 10000.0, prec: int = 200
) -> tuple[np.ndarray, np.ndarray]:
    """The exact frequencies ``base**(-2i/d)`` from mpmath, as double-doubles ``(hi, lo)``.

    Examples
    --------
    >>> hi, lo = frequency_truth(4)
    >>> hi.tolist(), lo.tolist()
    ([1.0, 0.01], [0.0, -2.0816681711721685e-19])
    """
    bits = check_int(prec, "prec", minimum=64, rule="an integer number of bits >= 64")
    d = check_d_model(d_model)
    b = check_base(base)
    return _exact.double_double(_exact.exact_frequencies(d, b, bits))


def naive(
    positions: int | range | npt.ArrayLike,
    d_model: int,
    *,
    base: float = 10000.0,
    dtype: npt.DTypeLike = np.float32,
    frequencies: str = "pow",
    exact_functions: bool = False,
) -> np.ndarray:
    """The textbook formula with every operation in ``dtype`` (interleaved layout).

    This is what most code does: frequencies ``base**(-2i/d)`` (``frequencies="pow"``) or
    ``exp(2i * -ln(base)/d)`` (``"exp-log"``, the PyTorch-tutorial form), positions cast to
    ``dtype``, the angle ``pos * ω`` rounded to ``dtype``, then ``sin``/``cos`` in ``dtype``. Its
    error grows like ``|pos| * u`` (``u`` the unit roundoff of ``dtype``), so it is shown on the
    precision page next to :func:`posenc_ref.sinusoidal`, never used as a reference.

    ``exact_functions=True`` evaluates ``log``, ``exp``, ``pow``, ``sin`` and ``cos`` exactly and
    rounds each result correctly to ``dtype`` (see :func:`naive_frequencies`): the error that the
    formula itself carries, identical on every machine (slow: use a few rows).

    Examples
    --------
    At position 2**24 + 1 the float32 position itself is already wrong by one:

    >>> naive([2**24 + 1], 2)[0, 0] == np.sin(np.float32(2**24))
    np.True_
    >>> naive([2**24 + 1], 2, exact_functions=True)[0, 0] == np.float32(math.sin(2**24))
    np.True_
    """
    dt = check_dtype(dtype)
    check_choice(frequencies, "frequencies", ("pow", "exp-log"))
    pos = check_positions(positions, limit=None).astype(dt)  # textbook code takes any position
    w = naive_frequencies(
        d_model, base=base, dtype=dt, method=frequencies, exact_functions=exact_functions
    )
    d = w.size * 2
    angle = pos[:, None] * w.astype(dt)
    out = np.empty((pos.shape[0], d), dtype=dt)
    if exact_functions:
        out[:, 0::2] = _exactly(lambda mp, x: mp.sin(x), angle, dt)
        out[:, 1::2] = _exactly(lambda mp, x: mp.cos(x), angle, dt)
    else:
        out[:, 0::2] = np.sin(angle)
        out[:, 1::2] = np.cos(angle)
    return out


#: Position bands of the accuracy report (half-open [lo, hi)); the contract covers |p| < 2**26.
BANDS: tuple[tuple[int, int], ...] = (
    (0, 2**10),
    (2**10, 2**14),
    (2**14, 2**17),
    (2**17, 2**20),
    (2**20, 2**23),
    (2**23, 2**24 + 2),
    (2**24 + 2, 2**26),
)


#: The most random positions per band :func:`sample_positions` draws.
MAX_PER_BAND = 10_000


def sample_positions(per_band: int = 12, seed: int = 0) -> dict[tuple[int, int], np.ndarray]:
    """Positions to test per band: the edge cases ``2**k - 1, 2**k, 2**k + 1`` that fall in the
    band (and ``0 … 63`` in the first), plus ``per_band`` random ones (seeded).

    Examples
    --------
    >>> bands = sample_positions(per_band=0)
    >>> [int(p) for p in bands[(2**23, 2**24 + 2)]]
    [8388608, 8388609, 16777215, 16777216, 16777217]
    """
    per_band = check_int(per_band, "per_band", minimum=0)
    if per_band > MAX_PER_BAND:
        raise ValueError(
            f"per_band must be at most {MAX_PER_BAND}: each position costs d_model/2 mpmath "
            f"evaluations in the report; got {per_band}"
        )
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    edges = {0, *range(64), 2**26 - 1}
    for k in range(1, 27):
        edges.update((2**k - 1, 2**k, 2**k + 1))
    out = {}
    for lo_, hi_ in BANDS:
        chosen = {p for p in edges if lo_ <= p < hi_}
        if per_band:
            chosen.update(int(x) for x in rng.integers(lo_, hi_, per_band))
        out[(lo_, hi_)] = np.array(sorted(chosen), dtype=np.int64)
    return out


def accuracy_report(
    d_model: int = 512,
    *,
    base: float = 10000.0,
    per_band: int = 12,
    seed: int = 0,
) -> list[dict]:
    """Measure :func:`posenc_ref.sinusoidal` against :func:`truth`, per dtype and position band.

    Every pair index is covered. Returns one row per (band, dtype) with the number of entries, the
    max error in ulps, and the share of entries equal to the correctly rounded value.
    """
    from .sinusoidal import sinusoidal

    if check_base(base) < 1:
        raise ValueError(
            f"base must be > 1 for the accuracy report: it samples positions up to 2**26, which "
            f"the contract covers only while every frequency is at most 1; got base {base}"
        )
    rows = []
    for (lo_, hi_), pos in sample_positions(per_band, seed).items():
        t_hi, t_lo = truth(pos, d_model, base=base)
        for dt in (np.float64, np.float32, np.float16):
            y = sinusoidal(pos, d_model, base=base, dtype=dt)
            err = ulp_error(y, t_hi, t_lo)
            cr = correctly_rounded(t_hi, t_lo, dt)
            rows.append(
                {
                    "band": (lo_, hi_),
                    "dtype": np.dtype(dt).name,
                    "positions": int(pos.size),
                    "entries": int(y.size),
                    "max_ulp": float(err.max()),
                    "correctly_rounded": float(np.mean(y == cr)),
                }
            )
    return rows


def format_report(rows: list[dict]) -> str:
    """A Markdown table of :func:`accuracy_report` rows."""
    lines = [
        "| positions | dtype | rows | entries | max error (ulp) | correctly rounded |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lo_, hi_ = r["band"]
        lines.append(
            f"| [{lo_}, {hi_}) | {r['dtype']} | {r['positions']} | {r['entries']} | "
            f"{r['max_ulp']:.4f} | {100 * r['correctly_rounded']:.3f}% |"
        )
    return "\n".join(lines)
