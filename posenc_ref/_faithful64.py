r"""Faithful float64 tables by angle addition with exact products, for any positions.

The plain angle-addition product ``sin(a)cos(b) + cos(a)sin(b)`` of float64 tables is accurate to
a few ulps *absolute*, not faithful. This variant makes the big part of the sum exact:

1. the tables (block bases ``a`` and offsets ``b``) are held as double-doubles, built from
   mpmath values of ``exp(i 2**j w)`` (cached per set of frequencies) by double-double complex
   multiplication, so they are accurate to about ``2**-100``;
2. each table value ``t`` is split on a fixed-point grid: ``t1 = rint(t * 2**26) / 2**26`` and
   ``t2 = t - t1`` (``|t2| <= 2**-27``, rounded once, error below ``2**-80``);
3. then ``sin(a + b) = [A1 B1 + C1 D1] + [A2 B1 + C2 D1 + S B2 + C D2]`` with ``S, C`` the base
   sine and cosine and ``B, D`` the offset cosine and sine. ``A1 B1`` and ``C1 D1`` are integers
   times ``2**-52`` below ``2**52`` in magnitude, so they and their sum are exact; the second
   bracket is below ``2**-24`` and carries an error below ``2**-76``. The final addition rounds
   once: the result is within ``0.5 ulp + 2**-76`` of the exact value, which is faithful (even
   nearly correctly rounded) whenever ``|value| >= 2**-20``.
4. Entries with a smaller value (``|S| < 2**-19`` before the last addition) are computed
   exactly (mpmath) and rounded to the nearest float64. About one entry in 400 000 is that small,
   and this way no step depends on the platform's ``sin`` and ``cos``: the float64 contract holds
   with any C library.

In complex form, with ``u = sin + i cos`` of the bases and ``e = cos - i sin`` of the offsets,
that is ``u1 e1 + (u2 e1 + u e2)``: three complex multiplications (the first one exact) and two
additions per (sine, cosine) pair, on chunks that stay in cache; for the interleaved layout the
last addition writes straight into the output viewed as complex128.

Two ways to choose the bases and offsets:

- :func:`fill`, for a range ``p, p + 1, …``: blocks of ``B`` consecutive positions, the block
  bases by doubling from the first one;
- :func:`fill_positions`, for any positions: ``|p| = q·2**k + b``, the rotations of the distinct
  ``q·2**k`` present built from two small tables (``q = q_hi·2**l + q_lo``, one double-double
  product per distinct ``q``), those of the distinct offsets ``b`` from a third; ``k`` is chosen
  from the positions so that the tables cost the fewest products (at most 2**13 rows each,
  however many positions). Negative positions take the rotation of ``|p|`` with the sine
  negated (exact).
"""

from __future__ import annotations

import functools

import numpy as np

from . import _exact, _kernel

_GRID = 2.0**26
_SMALL_SQUARED = 2.0**-38  # recompute entries with |S| < 2**-19


@functools.lru_cache(maxsize=256)
def _power(freqs: _exact.ExactFrequencies, j: int) -> tuple[np.ndarray, ...]:
    """``cos`` and ``sin`` of ``2**j * w_i`` as double-doubles ``(c_hi, c_lo, s_hi, s_lo)``."""
    with _exact.working_precision(_exact.WORK_BITS) as ctx:
        pairs = [ctx.cos_sin(ctx.ldexp(w, j)) for w in freqs.values]
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


def _multiples(
    count: int, freqs: _exact.ExactFrequencies, shift: int, cols: slice = slice(None)
) -> list[np.ndarray]:
    """``exp(i k 2**shift w)`` for ``k = 0 … count-1`` (rows) by doubling, as 4 arrays, for the
    pairs ``cols`` (all by default)."""
    half = len(range(*cols.indices(freqs.pairs)))
    z = [np.empty((count, half)) for _ in range(4)]
    z[0][0], z[1][0], z[2][0], z[3][0] = 1.0, 0.0, 0.0, 0.0
    filled, j = 1, 0
    while filled < count:
        step = min(filled, count - filled)
        p = [a[cols] for a in _power(freqs, shift + j)]
        prod = _cmul([a[:step] for a in z], p)
        for k in range(4):
            z[k][filled : filled + step] = prod[k]
        filled += step
        j += 1
    return z


def _rotation(p: int, freqs: _exact.ExactFrequencies) -> tuple[np.ndarray, ...]:
    """``exp(i p w)`` by binary powering (``p`` may be negative)."""
    half = freqs.pairs
    acc = (np.ones(half), np.zeros(half), np.zeros(half), np.zeros(half))
    for j in range(abs(p).bit_length()):
        if abs(p) >> j & 1:
            acc = _cmul(acc, _power(freqs, j))
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
    layout_views: tuple[np.ndarray, np.ndarray],
    is_interleaved: bool,
    freqs: _exact.ExactFrequencies,
    size: int,
    chunk_pairs: int,
) -> None:
    """Fill float64 ``out`` for positions ``first, first + 1, …`` (block size ``size``)."""
    n, d = out.shape
    half = d // 2
    sin_view, cos_view = layout_views
    shift = size.bit_length() - 1
    blocks = (n - 1) // size + 1
    start_rot = _rotation(first, freqs)
    steps = _multiples(blocks, freqs, shift)
    za = _cmul([np.broadcast_to(a, (blocks, half)) for a in start_rot], steps)
    eb = _multiples(size, freqs, 0)
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
            _exact_entries(sin_view, cos_view, row0 + r, first + row0 + r, col, 0, freqs)


def _exact_entries(
    sin_view: np.ndarray,
    cos_view: np.ndarray,
    rows: np.ndarray,
    positions: np.ndarray,
    col: np.ndarray,
    pair0: int,
    freqs: _exact.ExactFrequencies,
) -> None:
    """Overwrite entries with their exact value rounded to float64: ``col`` indexes a chunk's
    interleaved (sine, cosine) columns, whose pair 0 is pair ``pair0`` of the table."""
    omegas = freqs.values
    with _exact.working_precision(_exact.WORK_BITS) as ctx:
        for r, p, c in zip(rows.tolist(), positions.tolist(), col.tolist(), strict=True):
            pair = pair0 + (c >> 1)
            value = _exact.exact_sin_cos(ctx, p, omegas[pair])[c & 1]
            (cos_view if c & 1 else sin_view)[r, pair] = float(value)  # nearest float64


#: Position bits: every |p| < 2**26 (the contract).
POSITION_BITS = 26

#: Pairs handled together by :func:`fill_positions`: bounds its tables (at most 8192 rows of
#: this many pairs, a few MB).
PAIR_BLOCK = 128


def _rows_cost(count: int, top: int) -> int:
    """Double-double row products :func:`_rotations` spends on ``count`` rows below ``top``."""
    return min(top, count * max(1, top.bit_length()) // 2)


def _split_bits(magnitude: np.ndarray) -> tuple[int, int]:
    """``(offset_bits, low_bits)`` for ``|p| = (q_hi·2**low_bits + q_lo)·2**offset_bits + b``,
    chosen to need the fewest double-double row products for these positions: many scattered
    positions want large offset and base tables (at most 2**13 rows each), few want small ones."""
    best = None
    for k in range(4, 14):
        q = magnitude >> k
        bases = np.unique(q)
        low = (POSITION_BITS - k) // 2
        cost = (
            _rows_cost(np.unique(magnitude & ((1 << k) - 1)).size, 1 << k)
            + bases.size
            + _rows_cost(np.unique(bases >> low).size, 1 << (POSITION_BITS - k - low))
            + _rows_cost(np.unique(bases & ((1 << low) - 1)).size, 1 << low)
        )
        if best is None or cost < best[0]:
            best = (cost, k, low)
    return best[1], best[2]


def _rotations(ks: np.ndarray, freqs: _exact.ExactFrequencies, shift: int, cols: slice):
    """``exp(i k 2**shift w)`` for every ``k`` of ``ks`` (rows) and the pairs ``cols``.

    Many rows: the table ``k = 0 … max(ks)`` by doubling, then the rows picked; few rows: the
    product of the cached powers of the bits each ``k`` has set.
    """
    top = int(ks.max()) if ks.size else 0
    if ks.size * max(1, top.bit_length()) > 2 * (top + 1):
        table = _multiples(top + 1, freqs, shift, cols)
        return [a[ks] for a in table]
    half = cols.stop - cols.start
    acc = [np.ones((ks.size, half)), *(np.zeros((ks.size, half)) for _ in range(3))]
    for j in range(top.bit_length()):
        rows = ((ks >> j) & 1).astype(bool)
        if rows.any():
            power = [a[cols] for a in _power(freqs, shift + j)]
            prod = _cmul([a[rows] for a in acc], power)
            for k in range(4):
                acc[k][rows] = prod[k]
    return acc


def _product_split(high: list, low: list, high_row: np.ndarray, low_row: np.ndarray):
    """``high[high_row] * low[low_row]`` (rotations ``cos + i sin`` as double-doubles) in the
    split form ``(u1, u2, uf)`` of :func:`_complex_split`, but as ``sin + i cos``.

    The same exact-product idea as the table itself: with both factors split on the 2**-26 grid,
    ``h1·l1`` is exact; the small terms add below 2**-78 of error. ``h1·l1`` is then split again
    on the grid (exactly), and its remainder joins the small part.
    """
    h1, h2, _ = _complex_split(*high, 1.0)
    l1, l2, _ = _complex_split(*low, 1.0)
    h1, h2, l1, l2 = h1[high_row], h2[high_row], l1[low_row], l2[low_row]
    x = h1 * l1  # exact
    t = h1 * l2 + h2 * l1 + h2 * l2  # below 2**-25
    x1 = np.empty_like(x)
    x1.real = np.rint(x.real * _GRID) / _GRID
    x1.imag = np.rint(x.imag * _GRID) / _GRID
    parts = (x1, (x - x1) + t, x + t)  # x - x1 is exact
    out = []
    for z in parts:  # cos + i sin -> sin + i cos: swapping the parts is exact
        swapped = np.empty_like(z)
        swapped.real, swapped.imag = z.imag, z.real
        out.append(swapped)
    return out[0], out[1], out[2]


def fill_positions(
    out: np.ndarray,
    pos: np.ndarray,
    layout_views: tuple[np.ndarray, np.ndarray],
    freqs: _exact.ExactFrequencies,
    chunk_pairs: int,
) -> None:
    """Fill float64 ``out`` for any int64 positions ``pos`` (``|p| < 2**26``), faithfully."""
    n, d = out.shape
    half = d // 2
    sin_view, cos_view = layout_views
    magnitude = np.abs(pos)  # exact: |p| < 2**26
    offset_bits, low_bits = _split_bits(magnitude)
    offset = magnitude & ((1 << offset_bits) - 1)
    q = magnitude >> offset_bits
    bases, base_row = np.unique(q, return_inverse=True)
    offsets, offset_row = np.unique(offset, return_inverse=True)
    highs, high_row = np.unique(bases >> low_bits, return_inverse=True)
    lows, low_row = np.unique(bases & ((1 << low_bits) - 1), return_inverse=True)
    negative = pos < 0
    any_negative = bool(negative.any())
    for c0 in range(0, half, PAIR_BLOCK):
        cols = slice(c0, min(c0 + PAIR_BLOCK, half))
        width = cols.stop - cols.start
        high = _rotations(highs, freqs, offset_bits + low_bits, cols)
        low = _rotations(lows, freqs, offset_bits, cols)
        u1, u2, uf = _product_split(high, low, high_row, low_row)  # sin + i cos of q·2**k
        eb = _rotations(offsets, freqs, 0, cols)
        e1, e2, _ = _complex_split(eb[0], eb[1], eb[2], eb[3], -1.0)  # cos - i sin of b
        rows_per_chunk = max(1, chunk_pairs // width)
        for r0 in range(0, n, rows_per_chunk):
            rs = slice(r0, min(r0 + rows_per_chunk, n))
            br, orow = base_row[rs], offset_row[rs]
            eo = e1[orow]
            # (sin + i cos)(q·2**k) * (cos - i sin)(b) = (sin + i cos)(|p|), in three parts:
            x = u1[br] * eo  # exact: products on the 2**-26 grid
            t = u2[br] * eo
            t += uf[br] * e2[orow]  # small: below 2**-25
            parts = x.view(np.float64)
            small = parts * parts < _SMALL_SQUARED
            x += t
            sin_view[rs, cols] = x.real
            cos_view[rs, cols] = x.imag
            if any_negative:
                neg = np.flatnonzero(negative[rs])
                sin_view[r0 + neg, cols] *= -1.0  # sin is odd: exact
            if small.any():
                r, col = np.nonzero(small)
                _exact_entries(sin_view, cos_view, r0 + r, pos[rs][r], col, c0, freqs)


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
