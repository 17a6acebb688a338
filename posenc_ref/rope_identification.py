r"""Name a RoPE cos/sin cache: :func:`identify_rope_cache`.

Given a cache built by some library (Hugging Face's ``LlamaRotaryEmbedding``, GPT-J's
``create_sinusoidal_positions``, Meta's ``freqs_cis`` …), which layout and base built it, is it
scaled (:mod:`posenc_ref.rope_scaling`), and how exact are its values? Every candidate explanation
is compared with the exact cache of :mod:`posenc_ref.rope` (or of the scaling) at the same
positions, and the error is reported in ulps of the narrowest format that holds the values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from . import _reading
from ._validate import check_array, check_base, check_positions
from .precision import ulp
from .rope import COMMON_BASES, rope_pairs
from .rope_scaling import KNOWN_SCALINGS, RopeScaling, attention_factor, scaled_rope_pairs

__all__ = ["RopeIdentification", "RopeMatch", "identify_rope_cache"]


@dataclass(frozen=True)
class RopeMatch:
    """One candidate explanation of a RoPE cos/sin cache, from :func:`identify_rope_cache`."""

    layout: str
    """``"half"``, ``"interleaved"`` or ``"pairs"`` (the compact ``(n, d/2)`` form)."""
    d_head: int
    base: float
    """The base of the reference cache compared with (a common base, or the fitted one)."""
    fitted_base: float
    """Base fitted to the cache's frequencies (least squares on ``log ω_i``)."""
    dtype: str
    """Narrowest format every value is representable in: float16, bfloat16, float32, float64."""
    max_ulp: float
    """Largest difference from the exact cache, in ulps (of ``dtype``) of each exact value."""
    max_abs: float
    """Largest absolute difference from the exact cache."""
    positions: int
    """Number of rows (positions ``0 … positions-1`` unless given)."""
    geometric: bool = True
    """False when the cache's frequencies are not ``b**(-2i/d)`` for any base ``b``: the mark of
    a scaled RoPE (linear, YaRN, llama3). Judged only when ``sin`` is given and some rows are
    one position apart, or a row holds position ±1 (there the angles are the frequencies
    themselves); otherwise True."""
    scaling: RopeScaling | None = None
    """The :class:`~posenc_ref.rope_scaling.RopeScaling` compared with, if any (given, a known
    model's, or fitted to the cache's frequencies)."""
    signs: str = "positive"
    """``"positive"``, or ``"negated"`` (every sine stored negated: a clockwise rotation, or
    ``sin(-pω)``) or ``"alternating"``: how the cache stores its sines."""
    sign_pattern: tuple[int, ...] = field(default=(), repr=False, compare=False)
    """The sign of each pair's sine (+1 or -1); empty means all +1."""

    @property
    def verdict(self) -> str:
        """One printable line."""
        if self.max_ulp <= 0.5:
            quality = "correctly rounded"
        elif self.max_ulp <= 1.0:
            quality = "faithful (within 1 ulp)"
        else:
            quality = (
                f"max error {self.max_ulp:.3g} ulp = {self.max_abs:.2g} absolute "
                "(not correctly rounded: angles computed in low precision?)"
            )
        names = {
            "half": "half layout (i, i + d/2): GPT-NeoX / Hugging Face rotate_half",
            "interleaved": "interleaved layout (2i, 2i+1): RoFormer / Meta LLaMA / GPT-J",
            "pairs": "compact per-pair table (d/2 columns): Meta freqs_cis / GPT-J sincos",
        }
        scaled = "" if self.scaling is None else f" scaled by {self.scaling!r}"
        text = (
            f"{names[self.layout]}, d_head = {self.d_head}, base = {self.base:g}{scaled} "
            f"(fitted {self.fitted_base:.6g}); values in {self.dtype}: {quality}"
        )
        if self.signs == "negated":
            text += "; every sine stored negated (a clockwise rotation: thm-rope-clockwise)"
        elif self.signs == "alternating":
            text += "; every other sine stored negated"
        if not self.geometric and self.scaling is None:
            text += (
                "; the frequencies are not base**(-2i/d) for any base: a scaled RoPE (linear, "
                "YaRN, llama3)? Compare with its RopeScaling (posenc_ref.rope_scaling)"
            )
        return text

    def __str__(self) -> str:
        return self.verdict


def _value_format(values: np.ndarray) -> str:
    v = values.astype(np.float64)
    with np.errstate(over="ignore"):
        f16 = np.array_equal(v.astype(np.float16).astype(np.float64), v)
    f32 = np.array_equal(v.astype(np.float32).astype(np.float64), v)
    bf16 = f32 and not np.any(v.astype(np.float32).view(np.uint32) & 0xFFFF)
    if bf16:
        return "bfloat16"
    if f16:
        return "float16"
    return "float32" if f32 else "float64"


def _fit_base(
    cos: np.ndarray, sin: np.ndarray | None, pos: np.ndarray, d: int, fmt: str
) -> tuple[float, bool]:
    """Least-squares base from the row of position 1 (or the smallest non-zero position), and
    whether the frequencies read there follow ``base**(-2i/d)`` within the values' precision."""
    nz = np.flatnonzero(pos != 0)
    if nz.size == 0:
        return math.nan, True
    r = int(nz[np.argmin(np.abs(pos[nz]))])
    p = float(pos[r])
    if sin is not None:
        theta = np.arctan2(np.abs(sin[r]), cos[r])  # |p|·ω folded into [0, π]
    else:
        theta = np.arccos(np.clip(cos[r], -1.0, 1.0))
    omega = theta / abs(p)
    k = np.arange(omega.size)
    t = 2.0 * k / d
    ok = (omega > 0) & (k > 0) & np.isfinite(omega)
    if not np.any(ok):
        return math.nan, True
    log_base = -np.sum(t[ok] * np.log(omega[ok])) / np.sum(t[ok] ** 2)
    # Judged only where the row shows the frequencies themselves: position ±1 (so no angle
    # wraps past π) and both cos and sin (an angle from its cosine alone is inaccurate near 0).
    # There each ω_i read off carries a few ulps of the values; 64 ulps is far below what any
    # scaling changes (linear: ln s at every pair; YaRN and llama3: up to ln s).
    if sin is None or abs(p) != 1:
        return float(np.exp(log_base)), True
    usable = ok & (theta < np.pi - 1e-3)
    dev = np.abs(np.log(omega[usable]) + t[usable] * log_base)
    geometric = bool(dev.size == 0 or dev.max() <= max(64.0 * float(ulp(1.0, fmt)), 1e-9))
    return float(np.exp(log_base)), geometric


@dataclass(frozen=True)
class RopeIdentification(Sequence):
    """The result of :func:`identify_rope_cache`: the candidate explanations, best first.

    It is a sequence of :class:`RopeMatch` (``result[0]`` is the best candidate), and says
    whether the best one is a claim (:attr:`matched`) and what it describes (:meth:`reproduce`).
    """

    candidates: tuple[RopeMatch, ...]
    positions: np.ndarray = field(repr=False, compare=False)
    shape: tuple[int, int]
    dtype: str
    """The narrowest format every value of the cache is representable in."""

    def __getitem__(self, index):
        return self.candidates[index]

    def __len__(self) -> int:
        return len(self.candidates)

    @property
    def best(self) -> RopeMatch:
        return self.candidates[0]

    @property
    def tolerance(self) -> float:
        """The largest absolute difference the cache's own dtype explains: its rounding of the
        values and of the angles ``p·ω`` (about ``|p|·eps`` for a library that computes the
        angle in that dtype), capped at 0.5."""
        eps = float(np.finfo(np.float32 if self.dtype == "bfloat16" else self.dtype).eps)
        if self.dtype == "bfloat16":
            eps = 2.0**-7
        big = float(np.max(np.abs(self.positions))) if self.positions.size else 0.0
        return min(0.5, 2.0 * eps * (1.0 + big))

    @property
    def matched(self) -> bool:
        """Whether the best candidate reproduces the cache within :attr:`tolerance`."""
        return self.best.max_abs <= self.tolerance

    def reproduce(self) -> tuple[np.ndarray, np.ndarray]:
        """The ``(cos, sin)`` cache the best candidate describes, exact (float64), at the same
        positions and in the same shape (attention factor included for a scaled RoPE).

        Raises ValueError when nothing was identified (``matched`` is False).
        """
        if not self.matched:
            raise ValueError("nothing was identified (matched is False): nothing to reproduce")
        m = self.best
        if m.scaling is None:
            c, s = rope_pairs(self.positions, m.d_head, base=m.base)
        else:
            c, s = scaled_rope_pairs(self.positions, m.d_head, m.scaling, base=m.base)
            factor = attention_factor(m.scaling)
            c, s = factor * c, factor * s
        if m.sign_pattern:
            s = s * np.asarray(m.sign_pattern, dtype=np.float64)
        if m.layout == "half":
            return np.concatenate([c, c], axis=1), np.concatenate([s, s], axis=1)
        if m.layout == "interleaved":
            return np.repeat(c, 2, axis=1), np.repeat(s, 2, axis=1)
        return c, s

    def __str__(self) -> str:
        head = "identified" if self.matched else "not identified (closest candidate)"
        return f"RoPE cache {self.shape[0]} x {self.shape[1]}, {head}: {self.best.verdict}"


def identify_rope_cache(
    cos: npt.ArrayLike,
    sin: npt.ArrayLike | None = None,
    *,
    positions: int | range | npt.ArrayLike | None = None,
    scaling: RopeScaling | None = None,
    base: float | None = None,
) -> RopeIdentification:
    r"""Which layout and base built this RoPE cache, and how exact is it?

    Parameters
    ----------
    cos, sin : arrays of shape ``(n, w)``
        The cache, one row per position: a full-width cache (``w = d_head``, as Hugging Face's
        ``LlamaRotaryEmbedding`` returns, or GPT-J's after ``repeat_interleave``) or the compact
        per-pair form (``w = d_head/2``: the real and imaginary parts of Meta's ``freqs_cis``).
        ``sin`` is optional; with it the fit is more robust.
    positions : optional
        The position of each row; default ``0 … n-1``.
    scaling : RopeScaling, optional
        Compare with a scaled RoPE (:mod:`posenc_ref.rope_scaling`): the exact rotation of the
        scaled frequencies times the attention factor, as Hugging Face builds its cache.
        Without it, a cache whose frequencies are not ``base**(-2i/d)`` is reported as such
        (``geometric`` false). An NTK-scaled cache is geometric: it is named by its larger base.
    base : float, optional
        Compare with this base only (default: :data:`COMMON_BASES` and the fitted base).

    Returns
    -------
    RopeIdentification
        A sequence of every structurally possible (layout, base) explanation, best first
        (smallest ``max_ulp``; ``str(match)`` is a printable verdict), with ``matched`` (the
        best one reproduces the cache within what its dtype explains) and ``reproduce()``.

    Examples
    --------
    >>> from posenc_ref.rope import rope_cache
    >>> cos, sin = rope_cache(64, 32, base=500000.0, layout="half", dtype=np.float32)
    >>> best = identify_rope_cache(cos, sin)[0]
    >>> best.layout, best.base, best.max_ulp <= 0.5
    ('half', 500000.0, True)
    >>> print(best)
    half layout (i, i + d/2): GPT-NeoX / Hugging Face rotate_half, d_head = 32, base = 500000
    (fitted 500000); values in float32: correctly rounded

    A Llama 3.1 cache (scaled frequencies) is recognised as scaled, and matches its scaling:

    >>> from posenc_ref.rope_scaling import RopeScaling, scaled_rope_pairs
    >>> llama31 = RopeScaling("llama3", 8.0, original_max_positions=8192)
    >>> c, s = scaled_rope_pairs(64, 128, llama31, base=500000.0, dtype=np.float32)
    >>> identify_rope_cache(c, s)[0].geometric
    False
    >>> best = identify_rope_cache(c, s, scaling=llama31, base=500000.0)[0]
    >>> best.layout, best.max_ulp <= 0.5
    ('pairs', True)
    """
    c = check_array(cos, "cos", kinds="f", ndim=2)
    s = None if sin is None else check_array(sin, "sin", kinds="f", ndim=2)
    if c.shape[1] < 1:
        raise ValueError(f"cos must have shape (n, width) with width >= 1; got {c.shape}")
    if s is not None and s.shape != c.shape:
        raise ValueError(f"cos and sin must have the same shape; got {c.shape} and {s.shape}")
    n, width = c.shape
    if n == 0:
        raise ValueError("cos must have at least one row (one per position); got 0 rows")
    pos = np.arange(n, dtype=np.int64) if positions is None else check_positions(positions)
    if pos.shape[0] != n:
        raise ValueError(f"positions must have one entry per row ({n}); got {pos.shape[0]}")
    fmt = _value_format(c if s is None else np.concatenate([c, s]))
    if base is not None:
        base = check_base(base)
    if scaling is not None and not isinstance(scaling, RopeScaling):
        raise TypeError(f"scaling must be a RopeScaling or None; got {scaling!r}")

    candidates: list[tuple[str, int, np.ndarray, np.ndarray | None]] = []
    if width % 2 == 0:
        half = width // 2
        for lay, first, second in (
            ("half", np.s_[:, :half], np.s_[:, half:]),
            ("interleaved", np.s_[:, 0::2], np.s_[:, 1::2]),
        ):
            same = np.array_equal(c[first], c[second]) and (
                s is None or np.array_equal(s[first], s[second])
            )
            if same:
                candidates.append((lay, width, c[first], None if s is None else s[first]))
    candidates.append(("pairs", 2 * width, c, s))

    out: list[RopeMatch] = []
    positions_used = pos
    for lay, d, pc, ps in candidates:
        pc64 = pc.astype(np.float64)
        ps64 = None if ps is None else ps.astype(np.float64)
        read = _read_cache(pc64, ps64, None if positions is None else pos, d)
        if read is not None:
            positions_used = read.positions
            fitted, geometric = read.fitted_base, read.geometric
        else:
            fitted, geometric = _fit_base(pc64, ps64, pos, d, fmt)
        at = positions_used if read is not None else pos
        sign = np.ones(d // 2) if read is None else read.signs
        bases = list(COMMON_BASES) if base is None else [base]
        if base is None and math.isfinite(fitted) and fitted > 0 and fitted != 1:
            bases += [float(f"{fitted:.2g}"), float(f"{fitted:.6g}")]
        trials = [(b, scaling) for b in dict.fromkeys(bases)]
        if scaling is None and base is None and not geometric:
            # Frequencies that no base explains: try the scalings of well-known models, and the
            # scalings that the measured frequencies suggest.
            trials += [(b, sc) for sc, b in KNOWN_SCALINGS.values()]
            if read is not None:
                trials += _scaling_trials(read.omega, d)
        for b, sc in trials:
            match = _compare(pc64, ps64, at, d, b, sc, sign, lay, fitted, geometric, fmt)
            if match is not None:
                out.append(match)
    if not out:
        raise ValueError(
            f"no RoPE cache of shape {c.shape} can be compared at these positions: the reference "
            f"needs d_head <= 262144 and |p| * max frequency < 2**26"
        )
    result = RopeIdentification((), positions_used, (n, width), fmt)
    tol = result.tolerance

    def rank(m: RopeMatch) -> tuple:
        # Within what the dtype explains, a round base (a written one) before a fitted one.
        round_base = float(f"{m.base:.2g}") == m.base
        return (m.max_abs > tol, not round_base, m.max_ulp, m.layout == "pairs", m.base)

    out.sort(key=rank)
    return RopeIdentification(tuple(out), positions_used, (n, width), fmt)


@dataclass(frozen=True)
class _CacheReading:
    positions: np.ndarray
    signs: np.ndarray
    omega: np.ndarray
    fitted_base: float
    geometric: bool


def _read_cache(
    cos: np.ndarray, sin: np.ndarray | None, positions: np.ndarray | None, d: int
) -> _CacheReading | None:
    """Read positions (a window anywhere), sine signs and frequencies off a (cos, sin) cache."""
    if sin is None or cos.shape[0] < 2:
        return None
    if positions is not None and not np.any(np.abs(np.diff(positions)) == 1):
        # Rows further apart than one position fold the fast pairs' angles (ω_0 = 1 turns by
        # the stride): their frequencies, signs and base cannot be read, only compared.
        return None
    pairs = _reading.read_pairs(sin, cos)
    if pairs is None or pairs.spread > 0.05:
        return None
    rows = np.arange(cos.shape[0]) if positions is None else positions
    lines = _reading.fit_lines(pairs.theta, rows)
    if lines is None:
        return None
    reading = _reading.read_positions(lines, positions, roles_known=True)
    if reading is None or reading.misfit > 0.1:
        return None
    omega, _aliased, signs = _reading.unalias(reading.signs * reading.omega)
    read_pos = (
        positions
        if positions is not None
        else reading.start + reading.step * np.arange(cos.shape[0])
    )
    if positions is None and reading.step < 0:
        return None  # a RoPE cache lists positions upwards; leave odd ones to the caller
    geo = _reading.geometric(omega)
    m = d // 2
    if geo is None:
        return _CacheReading(read_pos.astype(np.int64), signs, omega, math.nan, True)
    fitted = math.exp(-geo.log_ratio * m)
    noise = max(1e-4, 4 * geo.misfit)
    geometric = abs(geo.log_first) <= noise and geo.misfit <= 1e-3
    return _CacheReading(read_pos.astype(np.int64), signs, omega, fitted, geometric)


#: Trained context lengths tried for a scaled cache (YaRN, Llama 3.1 style) whose parameters
#: are not given.
CONTEXT_LENGTHS = (1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072)


def _scaling_trials(omega: np.ndarray, d: int) -> list[tuple[float, RopeScaling]]:
    """Scalings the measured frequencies suggest: linear when they are geometric but the first
    is not 1 (``ω_0 = 1/s``), else YaRN and Llama 3.1 style zones, with the base read from the
    fast pairs, the factor from the slow ones, and common trained lengths."""
    m = omega.size
    if m < 4:
        return []
    out: list[tuple[float, RopeScaling]] = []
    geo = _reading.geometric(omega)
    if geo is not None and geo.misfit < 1e-3 and geo.log_first < 0:
        b = float(f"{math.exp(-geo.log_ratio * m):.2g}")
        s = float(f"{math.exp(-geo.log_first):.3g}")
        if s > 1:
            out.append((b, RopeScaling("linear", s)))
    head = _reading.geometric(omega[: max(2, m // 8)])  # fast pairs: kept by YaRN and llama3
    if head is None or abs(head.log_first) > 1e-3:
        return out
    b = float(f"{math.exp(-head.log_ratio * m):.2g}")
    plain = b ** (-np.arange(m) / m)
    s = float(f"{float(np.median(plain[-max(1, m // 8) :] / omega[-max(1, m // 8) :])):.3g}")
    if not s > 1:
        return out
    for length in CONTEXT_LENGTHS:
        out.append((b, RopeScaling("yarn", s, original_max_positions=length)))
        out.append((b, RopeScaling("llama3", s, original_max_positions=length)))
    return out


def _compare(
    pc64: np.ndarray,
    ps64: np.ndarray | None,
    pos: np.ndarray,
    d: int,
    b: float,
    sc: RopeScaling | None,
    sign: np.ndarray,
    lay: str,
    fitted: float,
    geometric: bool,
    fmt: str,
) -> RopeMatch | None:
    try:
        if sc is None:
            ref_c, ref_s = rope_pairs(pos, d, base=b)
        else:
            ref_c, ref_s = scaled_rope_pairs(pos, d, sc, base=b)
            factor = attention_factor(sc)
            ref_c, ref_s = factor * ref_c, factor * ref_s
    except ValueError:
        return None
    diff = np.abs(pc64 - ref_c)
    err = diff / ulp(ref_c, fmt)
    if ps64 is not None:
        ref_s = ref_s * sign
        diff_s = np.abs(ps64 - ref_s)
        err = np.maximum(err, diff_s / ulp(ref_s, fmt))
        diff = np.maximum(diff, diff_s)
    signs = "positive"
    if np.all(sign < 0):
        signs = "negated"
    elif np.any(sign < 0):
        signs = "alternating" if np.all(sign[1::2] != sign[0::2][: sign[1::2].size]) else "mixed"
    return RopeMatch(
        lay,
        d,
        b,
        fitted,
        fmt,
        float(err.max()),
        float(diff.max()),
        pos.shape[0],
        geometric,
        sc,
        signs,
        tuple(int(v) for v in sign) if signs != "positive" else (),
    )
