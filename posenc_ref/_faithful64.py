r"""Faithful float64 tables by angle addition with exact products (consecutive positions).

The plain angle-addition product ``sin(a)cos(b) + cos(a)sin(b)`` of float64 tables is accurate to
a few ulps *absolute*, not faithful. This variant makes the big part of the sum exact:

1. the tables (block bases ``a`` and offsets ``b``) are held as double-doubles, built from
   mpmath values of ``exp(i 2**j w)`` (cached per width and base) by double-double complex
   multiplication, so they are accurate to about ``2**-100``;
2. each table value ``t`` is split on a fixed-point grid: ``t1 = rint(t * 2**26) / 2**26`` and
   ``t2 = t - t1`` (``|t2| <= 2**-27``, rounded once, error below ``2**-80``);
3. then ``sin(a + b) = [A1 B1 + C1 D1] + [A2 B1 + C2 D1 + S B2 + C D2]`` with ``S, C`` the base
   sine and cosine and ``B, D`` the offset cosine and sine. ``A1 B1`` and ``C1 D1`` are integers
   times ``2**-52`` below ``2**52`` in magnitude, so they and their sum are exact; the second
   bracket is below ``2**-24`` and carries an error below ``2**-76``. The final addition rounds
   once: the result is within ``0.5 ulp + 2**-76`` of the exact value, which is faithful (even
   nearly correctly rounded) whenever ``|value| >= 2**-20``.
4. Entries with a smaller value (``|S| < 2**-19`` before the last addition) are recomputed with
   the compensated per-entry kernel.

Eleven NumPy operations per sine or cosine, on chunks that stay in cache, written straight into
the output.
"""

from __future__ import annotations

import functools

import numpy as np

from . import _kernel

_SPLITTER = 134217729.0  # 2**27 + 1
_GRID = 2.0**26
_SMALL_SQUARED = 2.0**-38  # recompute entries with |S| < 2**-19


@functools.lru_cache(maxsize=256)
def _power(d_model: int, base: float, j: int) -> tuple[np.ndarray, ...]:
    """``cos`` and ``sin`` of ``2**j * w_i`` as double-doubles ``(c_hi, c_lo, s_hi, s_lo)``."""
    import mpmath

    half = d_model // 2
    out = np.empty((4, half))
    with mpmath.workprec(160):
        r = mpmath.power(mpmath.mpf(base), mpmath.mpf(-2) / d_model)
        w = mpmath.mpf(1)
        for i in range(half):
            c, s = mpmath.cos_sin(mpmath.ldexp(w, j))
            ch, sh = float(c), float(s)
            out[:, i] = ch, float(c - ch), sh, float(s - sh)
            w *= r
    out.flags.writeable = False
    return tuple(out)


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = a * _SPLITTER
    hi = t - (t - a)
    return hi, a - hi


def _dd_mul(ah, al, bh, bl):
    """Double-double product (Dekker's two-product, no FMA needed)."""
    p = ah * bh
    a1, a2 = _split(ah)
    b1, b2 = _split(bh)
    e = ((a1 * b1 - p) + a1 * b2 + a2 * b1) + a2 * b2
    e = e + (ah * bl + al * bh)
    s = p + e
    return s, e - (s - p)


def _dd_add(ah, al, bh, bl):
    s = ah + bh
    v = s - ah
    e = (ah - (s - v)) + (bh - v) + (al + bl)
    t = s + e
    return t, e - (t - s)


def _cmul(x, y):
    """Product of unit complex numbers ``(c_hi, c_lo, s_hi, s_lo)`` in double-double."""
    xc, xcl, xs, xsl = x
    yc, ycl, ys, ysl = y
    cc = _dd_mul(xc, xcl, yc, ycl)
    ss = _dd_mul(xs, xsl, ys, ysl)
    cs = _dd_mul(xc, xcl, ys, ysl)
    sc = _dd_mul(xs, xsl, yc, ycl)
    re = _dd_add(cc[0], cc[1], -ss[0], -ss[1])
    im = _dd_add(cs[0], cs[1], sc[0], sc[1])
    return re[0], re[1], im[0], im[1]


def _multiples(count: int, d_model: int, base: float, shift: int) -> list[np.ndarray]:
    """``exp(i k 2**shift w)`` for ``k = 0 … count-1`` (rows) by doubling, as 4 arrays."""
    half = d_model // 2
    z = [np.empty((count, half)) for _ in range(4)]
    z[0][0], z[1][0], z[2][0], z[3][0] = 1.0, 0.0, 0.0, 0.0
    filled, j = 1, 0
    while filled < count:
        step = min(filled, count - filled)
        p = _power(d_model, base, shift + j)
        prod = _cmul([a[:step] for a in z], p)
        for k in range(4):
            z[k][filled : filled + step] = prod[k]
        filled += step
        j += 1
    return z


def _rotation(p: int, d_model: int, base: float) -> tuple[np.ndarray, ...]:
    """``exp(i p w)`` by binary powering (``p`` may be negative)."""
    half = d_model // 2
    acc = (np.ones(half), np.zeros(half), np.zeros(half), np.zeros(half))
    for j in range(abs(p).bit_length()):
        if abs(p) >> j & 1:
            acc = _cmul(acc, _power(d_model, base, j))
    if p < 0:
        acc = (acc[0], acc[1], -acc[2], -acc[3])
    return acc


def _fixed(hi: np.ndarray, lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fixed-point split ``t = t1 + t2``: ``t1`` on the 2**-26 grid, ``|t2| <= 2**-27``."""
    t1 = np.rint(hi * _GRID) / _GRID
    return t1, (hi - t1) + lo  # hi - t1 is exact; adding lo rounds below 2**-80


def fill(
    out: np.ndarray,
    first: int,
    w_hi: np.ndarray,
    w_lo: np.ndarray,
    layout_views: tuple[np.ndarray, np.ndarray],
    base: float,
    size: int,
    chunk_pairs: int,
) -> None:
    """Fill float64 ``out`` for positions ``first, first + 1, …`` (block size ``size``)."""
    n, d = out.shape
    half = d // 2
    sin_view, cos_view = layout_views
    shift = size.bit_length() - 1
    blocks = (n - 1) // size + 1
    start_rot = _rotation(first, d, base)
    steps = _multiples(blocks, d, base, shift)
    za = _cmul([np.broadcast_to(a, (blocks, half)) for a in start_rot], steps)
    eb = _multiples(size, d, base, 0)
    ca1, ca2 = _fixed(za[0], za[1])
    sa1, sa2 = _fixed(za[2], za[3])
    cb1, cb2 = _fixed(eb[0], eb[1])
    sb1, sb2 = _fixed(eb[2], eb[3])
    ca, sa = za[0], za[2]

    per = max(1, chunk_pairs // (size * half))
    shape = (per, size, half)
    bufs = [np.empty(shape) for _ in range(3)]
    for block in range(0, blocks, per):
        stop_block = min(block + per, blocks)
        m = stop_block - block
        row0, row1 = block * size, min(stop_block * size, n)
        x1, x2, x3 = (b[:m] for b in bufs)
        sl = slice(block, stop_block)
        a = [t[sl, None, :] for t in (sa1, sa2, ca1, ca2, sa, ca)]
        for target, sign, pick in ((sin_view, 1.0, 0), (cos_view, -1.0, 1)):
            # sine:   [S1 B1 + C1 D1] + [S2 B1 + C2 D1 + S B2 + C D2]
            # cosine: [C1 B1 - S1 D1] + [C2 B1 - S2 D1 + C B2 - S D2]
            u1, u2, d1, d2, u, dd = (
                (a[0], a[1], a[2], a[3], a[4], a[5])
                if pick == 0
                else (a[2], a[3], a[0], a[1], a[5], a[4])
            )
            np.multiply(u1, cb1, out=x1)
            np.multiply(d1, sb1, out=x2)
            if sign > 0:
                np.add(x1, x2, out=x1)
            else:
                np.subtract(x1, x2, out=x1)
            np.multiply(u2, cb1, out=x2)
            np.multiply(d2, sb1, out=x3)
            _acc(x2, x3, sign)
            np.multiply(u, cb2, out=x3)
            np.add(x2, x3, out=x2)
            np.multiply(dd, sb2, out=x3)
            _acc(x2, x3, sign)
            dest = target[row0:row1]
            flat1 = x1.reshape(m * size, half)[: row1 - row0]
            flat2 = x2.reshape(m * size, half)[: row1 - row0]
            np.add(flat1, flat2, out=dest)
            np.multiply(flat1, flat1, out=x3.reshape(m * size, half)[: row1 - row0])
            small = x3.reshape(m * size, half)[: row1 - row0] < _SMALL_SQUARED
            if small.any():
                rows, cols = np.nonzero(small)
                s, c = _kernel.compensated(first + row0 + rows, w_hi[cols], w_lo[cols])
                dest[rows, cols] = s if pick == 0 else c


def _acc(x: np.ndarray, y: np.ndarray, sign: float) -> None:
    if sign > 0:
        np.add(x, y, out=x)
    else:
        np.subtract(x, y, out=x)
