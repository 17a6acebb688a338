r"""The fast path behind :func:`posenc_ref.sinusoidal`: blocked angle addition, checked rounding.

Evaluating ``sin`` and ``cos`` for each of the ``n * d/2`` angles costs about ten times more than
writing the table. For float32 and float16 output the table is built instead by **angle
addition**. Write each position as ``p = a + b`` with ``a`` on a coarse grid (multiples of a block
size ``B``) and ``0 <= b < B``; then, for every pair ``i``,

.. math::

    \sin((a + b)\omega) + i\cos((a + b)\omega)
    = \bigl(\sin a\omega + i\cos a\omega\bigr)\,\bigl(\cos b\omega - i\sin b\omega\bigr),

one complex multiplication per (sine, cosine) pair. The two factors come from small tables
(``n/B`` rows of block bases and ``B`` rows of offsets) evaluated with the compensated kernel
(:func:`posenc_ref._kernel.compensated`, faithful float64). A complex128 array is laid out as
(real, imaginary) pairs, which is exactly the interleaved (sine, cosine) layout, so a block of the
table is one broadcast ``np.multiply``.

The float64 result of the product is within :data:`BLOCK_ERROR` (absolute) of the exact value:
each table entry is within ~1.05 float64 ulp (<= 1.2e-16), so the product and the sum add at most
about ``4.5 * 2**-53`` (5e-16). That is far below a float32 or float16 ulp, so rounding the
product gives the correctly rounded value unless the product lies within ``BLOCK_ERROR`` of a
rounding boundary. Those entries (about one in ten million at |value| ~ 0.5, more for values near
zero) are detected exactly, because rounding is monotonic: if ``y - E`` and ``y + E`` round to the
same narrow value, so does every value between them, the exact one included. The detected entries
are recomputed one by one with the compensated kernel and, if still near a boundary, with mpmath
(:func:`posenc_ref._kernel.round_entries`).

float64 output needs more: this product is only accurate to a few float64 ulps in absolute terms,
which is not faithful (< 1 ulp). For a range of positions (``p, p + 1, …``, the common case) the
float64 table uses :mod:`posenc_ref._faithful64`, angle addition with double-double tables and
exact fixed-point products. Other position arrays use the compensated kernel for every entry, in
row chunks written straight into the output, so no intermediate is larger than a chunk.

Memory: the output, the two tables (``(n/B + B) * d/2`` complex128 values) and per-chunk scratch
of about :data:`CHUNK_PAIRS` complex values.
"""

from __future__ import annotations

import numpy as np

from . import _exact, _faithful64, _kernel, _layout

#: Absolute error bound used to detect entries near a rounding boundary (see the module text):
#: 2**-49 = 1.8e-15, four times the worst case of the product and six times the measured maximum.
BLOCK_ERROR = 2.0**-49

#: (sine, cosine) pairs per chunk: 2**15 complex128 values are 512 KiB of scratch, so a chunk's
#: intermediates stay in the CPU cache between the passes over it.
CHUNK_PAIRS = 2**15

#: Below this many rows the blocked path saves nothing over the direct one.
MIN_BLOCKED_ROWS = 64


def block_size(n: int) -> int:
    """Block size ``B``: the power of two near ``sqrt(n)`` (tables of ``n/B + B`` rows)."""
    k = max(3, min(10, round(np.log2(max(n, 1)) / 2)))
    return 1 << k


def table(pos: np.ndarray, d_model: int, base: float, layout: str, dtype: np.dtype) -> np.ndarray:
    """The table for validated arguments (int64 positions, checked range); see ``sinusoidal``."""
    n = pos.shape[0]
    out = np.empty((n, d_model), dtype=dtype)
    w_hi, w_lo = _kernel.frequencies_dd(d_model, base)
    if dtype == np.float64:
        faithful(out, pos, _exact.plain_frequencies(d_model, base), layout)
        return out
    if (
        n >= MIN_BLOCKED_ROWS
        and dtype != np.float64
        and _blocked(out, pos, w_hi, w_lo, layout, base)
    ):
        return out
    _direct(out, pos, w_hi, w_lo, layout, base)
    return out


def faithful(
    out: np.ndarray, pos: np.ndarray, freqs: _exact.ExactFrequencies, layout: str
) -> np.ndarray:
    """Fill float64 ``out`` with the faithful sin/cos of ``pos * ω`` for exact frequencies
    ``freqs`` (the encoding's, or RoPE's scaled ones), by the exact-product tables of
    :mod:`posenc_ref._faithful64`: independent of the platform's ``sin`` and ``cos``."""
    n = pos.shape[0]
    views = _layout.components(out, layout)
    if n >= MIN_BLOCKED_ROWS and _consecutive(pos):
        inter, size = layout == "interleaved", block_size(n)
        _faithful64.fill(out, int(pos[0]), views, inter, freqs, size, CHUNK_PAIRS)
    elif n:
        _faithful64.fill_positions(out, pos, views, freqs, CHUNK_PAIRS)
    return out


def _consecutive(pos: np.ndarray) -> bool:
    """True for positions ``p, p + 1, p + 2, …`` (the common case: a range)."""
    return int(pos[-1]) - int(pos[0]) == pos.shape[0] - 1 and bool(np.all(np.diff(pos) == 1))


def _direct(
    out: np.ndarray, pos: np.ndarray, w_hi: np.ndarray, w_lo: np.ndarray, layout: str, base: float
) -> None:
    """Every entry from the compensated kernel, in row chunks written into ``out``."""
    n, d = out.shape
    half = d // 2
    sin_view, cos_view = _layout.components(out, layout)
    rows = max(1, CHUNK_PAIRS // max(half, 1))
    pairs = np.arange(half)
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        block = pos[start:stop, None]
        s, c = _kernel.compensated(block, w_hi, w_lo)
        if out.dtype != np.float64:
            s = _kernel.round_entries(s, block, pairs, _layout.SIN, d, base, out.dtype)
            c = _kernel.round_entries(c, block, pairs, _layout.COS, d, base, out.dtype)
        sin_view[start:stop] = s
        cos_view[start:stop] = c


def _rotor_table(pos: np.ndarray, w_hi: np.ndarray, w_lo: np.ndarray, conj: bool) -> np.ndarray:
    """``sin + i cos`` (or ``cos - i sin`` when ``conj``) of ``pos * w`` as complex128."""
    z = np.empty((pos.shape[0], w_hi.shape[0]), dtype=np.complex128)
    for start in range(0, pos.shape[0], 2048):
        s, c = _kernel.compensated(pos[start : start + 2048, None], w_hi, w_lo)
        if conj:
            z.real[start : start + 2048] = c
            z.imag[start : start + 2048] = -s
        else:
            z.real[start : start + 2048] = s
            z.imag[start : start + 2048] = c
    return z


def _blocked(
    out: np.ndarray,
    pos: np.ndarray,
    w_hi: np.ndarray,
    w_lo: np.ndarray,
    layout: str,
    base: float,
) -> bool:
    """Fill ``out`` (float32 / float16) by blocked angle addition; False if not worthwhile."""
    n, d = out.shape
    half = d // 2
    size = block_size(n)
    shift = size.bit_length() - 1
    first = int(pos[0])
    consecutive = _consecutive(pos)
    if consecutive:
        # p = first + a*B + b: block bases stay within the positions (a*B <= n - 1).
        bases = first + size * np.arange((n - 1) // size + 1, dtype=np.int64)
        base_row = offset = None
    else:
        # Any integers: a = floor(p / B), b = p mod B (arithmetic shift and mask, also for p < 0).
        coarse, base_row = np.unique(pos >> shift, return_inverse=True)
        if 4 * coarse.shape[0] > n:
            return False  # scattered positions: the base table would be as large as the output
        bases = coarse << shift
        offset = pos & (size - 1)
    za = _rotor_table(bases, w_hi, w_lo, conj=False)
    eb = _rotor_table(np.arange(size, dtype=np.int64), w_hi, w_lo, conj=True)

    blocks_per_chunk = max(1, CHUNK_PAIRS // (size * max(half, 1)))
    rows = blocks_per_chunk * size
    # Short tables never take the broadcast branch below (it needs `rows` rows): size to n.
    scratch = np.empty((min(rows, n), half), dtype=np.complex128)
    checker = _Checker(min(rows, n), d, out.dtype)
    sin_view, cos_view = _layout.components(out, layout)
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        z = scratch[: stop - start]
        if consecutive and stop - start == rows:
            block = start // size
            np.multiply(
                za[block : block + blocks_per_chunk, None, :],
                eb[None, :, :],
                out=z.reshape(blocks_per_chunk, size, half),
            )
        elif consecutive:
            k = np.arange(start, stop)
            np.multiply(za[k >> shift], eb[k & (size - 1)], out=z)
        else:
            np.multiply(za[base_row[start:stop]], eb[offset[start:stop]], out=z)
        y64 = z.view(np.float64)  # (rows, d): sin, cos, sin, cos, ...
        # The rounding of y - E is the answer wherever the check passes (and the suspects are
        # overwritten below), so it goes straight into the output: no separate rounding pass.
        low = out[start:stop] if layout == "interleaved" else None
        row, col, low = checker.suspects(y64, low)
        if layout != "interleaved":
            sin_view[start:stop] = low[:, 0::2]
            cos_view[start:stop] = low[:, 1::2]
        if row.size:
            _recheck(out[start:stop], pos[start:stop], row, col, w_hi, w_lo, layout, base)
    return True


_NONE = (np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp))


class _Checker:
    """Finds the entries of a chunk whose rounding the error bound does not settle."""

    def __init__(self, rows: int, d: int, dtype: np.dtype) -> None:
        self.tmp = np.empty((rows, d))
        self.low = np.empty((rows, d), dtype=dtype)
        self.high = np.empty((rows, d), dtype=dtype)
        self.mask = np.empty((rows, d), dtype=bool)

    def suspects(
        self, y64: np.ndarray, low: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Round ``y64 - E`` into ``low`` (own buffer if None); return the suspects and ``low``.

        ``fl(y - E)`` and ``fl(y + E)`` differ from ``y - E`` and ``y + E`` by at most
        2**-53, well inside the margin between the error bound and ``E``.
        """
        m = y64.shape[0]
        tmp, high, mask = self.tmp[:m], self.high[:m], self.mask[:m]
        if low is None:
            low = self.low[:m]
        # Rounding is monotonic: y - E and y + E rounding alike settles every value between.
        np.subtract(y64, BLOCK_ERROR, out=tmp)
        low[...] = tmp
        np.add(y64, BLOCK_ERROR, out=tmp)
        high[...] = tmp
        np.not_equal(low, high, out=mask)
        if not mask.any():  # the common case; np.nonzero alone would cost a full pass more
            return (*_NONE, low)
        return (*np.nonzero(mask), low)


def _recheck(
    out: np.ndarray,
    pos: np.ndarray,
    row: np.ndarray,
    col: np.ndarray,
    w_hi: np.ndarray,
    w_lo: np.ndarray,
    layout: str,
    base: float,
) -> None:
    """Recompute the suspect entries (``col`` indexes the interleaved chunk) one by one."""
    half = w_hi.shape[0]
    pair, component = col >> 1, col & 1
    p = pos[row]
    s, c = _kernel.compensated(p, w_hi[pair], w_lo[pair])
    y64 = np.where(component == 0, s, c)
    y = _kernel.round_entries(y64, p, pair, component, 2 * half, base, out.dtype)
    out[row, _layout.column(pair, component, half, layout)] = y
