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

In complex form, with ``u = sin + i cos`` of the bases and ``e = cos - i sin`` of the offsets,
that is ``u1 e1 + (u2 e1 + u e2)``: three complex multiplications (the first one exact) and two
additions per (sine, cosine) pair, on chunks that stay in cache; for the interleaved layout the
last addition writes straight into the output viewed as complex128.
"""

from __future__ import annotations

import functools

import numpy as np

from . import _exact, _kernel

_GRID = 2.0**26
_SMALL_SQUARED = 2.0**-38  # recompute entries with |S| < 2**-19


@functools.lru_cache(maxsize=256)
def _power(d_model: int, base: float, j: int) -> tuple[np.ndarray, ...]:
    """``cos`` and ``sin`` of ``2**j * w_i`` as double-doubles ``(c_hi, c_lo, s_hi, s_lo)``."""
    omegas = _exact.exact_frequencies(d_model, base)
    with _exact.working_precision(_exact.WORK_BITS) as ctx:
        pairs = [ctx.cos_sin(ctx.ldexp(w, j)) for w in omegas]
        c_hi, c_lo = _exact.double_double([c for c, _ in pairs])
        s_hi, s_lo = _exact.double_double([s for _, s in pairs])
    out = (c_hi, c_lo, s_hi, s_lo)
    for a in out:
        a.flags.writeable = False
    return out


def _dd_mul(ah, al, bh, bl):
    """Double-double product (Dekker's two-product, no FMA needed)."""
    p = ah * bh
    a1, a2 = _kernel.split(ah)
    b1, b2 = _kernel.split(bh)
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
    is_interleaved: bool,
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
    u1, u2, uf = _complex_split(za[2], za[3], za[0], za[1], 1.0)  # sin + i cos of the bases
    e1, e2, _ = _complex_split(eb[0], eb[1], eb[2], eb[3], -1.0)  # cos - i sin of the offsets

    per = max(1, chunk_pairs // (size * half))
    exact, extra, spare = (np.empty((per, size, half), dtype=np.complex128) for _ in range(3))
    square = np.empty((per * size, d))
    interleaved = out.view(np.complex128) if is_interleaved else None
    for block in range(0, blocks, per):
        stop_block = min(block + per, blocks)
        m = stop_block - block
        row0, row1 = block * size, min(stop_block * size, n)
        rows = row1 - row0
        x, t, t2 = exact[:m], extra[:m], spare[:m]
        sl = slice(block, stop_block)
        # (sin + i cos)(a) * (cos - i sin)(b) = (sin + i cos)(a + b), in three parts:
        np.multiply(u1[sl, None, :], e1[None], out=x)  # exact: products on the 2**-26 grid
        np.multiply(u2[sl, None, :], e1[None], out=t)  # small: below 2**-26
        np.multiply(uf[sl, None, :], e2[None], out=t2)  # small: below 2**-26
        np.add(t, t2, out=t)
        xs = x.reshape(m * size, half)[:rows]
        ts = t.reshape(m * size, half)[:rows]
        sq = square[:rows]
        np.multiply(xs.view(np.float64), xs.view(np.float64), out=sq)
        small = sq < _SMALL_SQUARED
        if interleaved is not None:
            np.add(xs, ts, out=interleaved[row0:row1])
        else:
            np.add(xs, ts, out=xs)
            sin_view[row0:row1] = xs.real
            cos_view[row0:row1] = xs.imag
        if small.any():
            r, col = np.nonzero(small)
            pair = col >> 1
            s, c = _kernel.compensated(first + row0 + r, w_hi[pair], w_lo[pair])
            sin_rows, cos_rows = col & 1 == 0, col & 1 == 1
            sin_view[row0 + r[sin_rows], pair[sin_rows]] = s[sin_rows]
            cos_view[row0 + r[cos_rows], pair[cos_rows]] = c[cos_rows]


def _complex_split(
    re_hi: np.ndarray, re_lo: np.ndarray, im_hi: np.ndarray, im_lo: np.ndarray, sign: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``re + i*sign*im`` as (grid part, small part, float64 value), each complex128."""
    (r1, r2), (i1, i2) = _fixed(re_hi, re_lo), _fixed(im_hi, im_lo)
    parts = []
    for re, im in ((r1, i1), (r2, i2), (re_hi, im_hi)):
        z = np.empty(re.shape, dtype=np.complex128)
        z.real = re
        z.imag = sign * im  # exact: a sign change
        parts.append(z)
    return parts[0], parts[1], parts[2]
