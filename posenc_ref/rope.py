r"""Rotary position embedding (RoPE, Su et al., arXiv 2104.09864), built on the rotation property.

The sinusoidal encoding shifts by a rotation, :math:`PE(p + k) = R(k)\,PE(p)` (``thm-shift``).
RoPE puts that rotation to work: it rotates each (query or key) head vector ``x`` at position
``p`` by the angle ``p·ω_k`` in each of its ``d/2`` planes, with the same frequencies as the
encoding, :math:`\omega_k = \text{base}^{-2k/d}` (``k`` the 0-based pair index). Then the score
:math:`\langle R_p q, R_n k\rangle = \langle q, R_{n-p} k\rangle` depends on the positions only
through the offset (``thm-rope-relative``), whatever the learned projections are.

Every family turns each plane **counter-clockwise** by ``+p·ω_k`` (``thm-rope-orientation``):
for a plane with coordinates ``(a, b)``

.. math::  a' = a\cos p\omega_k - b\sin p\omega_k, \qquad b' = b\cos p\omega_k + a\sin p\omega_k .

They differ in which two channels form plane ``k`` (the *layout*):

- ``"interleaved"``: channels ``(2k, 2k + 1)`` — the RoFormer paper, Meta's LLaMA code (complex
  multiplication by :math:`e^{ip\omega_k}`), GPT-J (``rotate_every_two``);
- ``"half"``: channels ``(k, k + d/2)`` — GPT-NeoX and Hugging Face (``rotate_half``).

A model written for one layout gives the same attention in the other once the rows of ``W_q`` and
``W_k`` are permuted per head (:func:`rope_permutation`, ``thm-rope-layouts``); that is what
Hugging Face's LLaMA conversion script does.

Accuracy. The cos/sin values come from :func:`posenc_ref.sinusoidal`: correctly rounded in float32
and float16, faithful in float64, for ``|p| < 2**26``. :func:`apply_rope` then does ordinary
floating-point arithmetic in float64 and rounds once to the dtype of ``x``; its error bound is
stated there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ._validate import check_base, check_d_model, check_dtype, check_integer, check_positions
from .precision import ulp
from .rotation import rotation
from .sinusoidal import sinusoidal

__all__ = [
    "COMMON_BASES",
    "ROPE_LAYOUTS",
    "RopeMatch",
    "apply_cache",
    "apply_rope",
    "decay_bound",
    "expected_score",
    "identify_rope_cache",
    "rope_cache",
    "rope_matrix",
    "rope_pairs",
    "rope_permutation",
]

#: The two channel layouts of RoPE: which channels form the plane of pair ``k``.
ROPE_LAYOUTS: tuple[str, ...] = ("interleaved", "half")

#: Bases seen in released code: 10000 (RoFormer, GPT-J, GPT-NeoX, LLaMA 1/2, HF default),
#: 500000 (meta-llama/llama3 ``rope_theta``) and 1e6 (HF ``MixtralConfig``).
COMMON_BASES: tuple[float, ...] = (10000.0, 500000.0, 1000000.0)

# The core's rotation R(k) in a sinusoidal layout whose pair columns match RoPE's planes:
# interleaved (2k, 2k+1) and sin|cos (k, k + d/2).
_CORE_LAYOUT = {"interleaved": "interleaved", "half": "sin|cos"}

# Unit roundoff of float64: every float64 operation has relative error at most U64.
U64 = 2.0**-53


def _check_rope_layout(layout: object) -> str:
    if not isinstance(layout, str) or layout not in ROPE_LAYOUTS:
        raise ValueError(f"layout must be 'interleaved' or 'half'; got {layout!r}")
    return layout


def _check_d_head(d_head: object) -> int:
    try:
        return check_d_model(d_head)
    except (TypeError, ValueError) as exc:
        raise type(exc)(str(exc).replace("d_model", "d_head")) from None


def rope_pairs(
    positions: int | range | npt.ArrayLike,
    d_head: int,
    *,
    base: float = 10000.0,
    dtype: npt.DTypeLike = np.float64,
) -> tuple[np.ndarray, np.ndarray]:
    r"""The compact cache: ``cos(p·ω_k)`` and ``sin(p·ω_k)``, one column per pair ``k``.

    This is the table Meta's ``precompute_freqs_cis`` holds as complex numbers
    :math:`e^{ip\omega_k}` and GPT-J's ``create_sinusoidal_positions`` holds as ``[sin | cos]``.
    Entries are correctly rounded in float32/float16 and faithful in float64 (they are the
    :func:`~posenc_ref.sinusoidal.sinusoidal` table, rearranged).

    Returns
    -------
    (cos, sin) : tuple of numpy.ndarray
        Each of shape ``(len(positions), d_head // 2)``.

    Examples
    --------
    >>> cos, sin = rope_pairs(3, 4)
    >>> cos.round(4)
    array([[ 1.    ,  1.    ],
           [ 0.5403,  1.    ],
           [-0.4161,  0.9998]])
    >>> sin.round(4)
    array([[0.    , 0.    ],
           [0.8415, 0.01  ],
           [0.9093, 0.02  ]])
    """
    d = _check_d_head(d_head)
    table = sinusoidal(positions, d, base=base, layout="sin|cos", dtype=dtype)
    half = d // 2
    return table[:, half:].copy(), table[:, :half].copy()


def rope_cache(
    positions: int | range | npt.ArrayLike,
    d_head: int,
    *,
    base: float = 10000.0,
    layout: str = "interleaved",
    dtype: npt.DTypeLike = np.float64,
) -> tuple[np.ndarray, np.ndarray]:
    r"""The full-width cos/sin cache as each family lays it out, one row per position.

    - ``layout="half"``: Hugging Face ``LlamaRotaryEmbedding`` / GPT-NeoX,
      ``cos = cos(cat(θ, θ))``: column ``j`` holds pair ``j mod d/2``.
    - ``layout="interleaved"``: GPT-J's ``repeat_interleave(·, 2)``: column ``j`` holds pair
      ``j // 2``.

    With this cache, RoPE is ``x * cos + rotate(x) * sin`` (see :func:`apply_cache`).

    Returns
    -------
    (cos, sin) : tuple of numpy.ndarray
        Each of shape ``(len(positions), d_head)``, correctly rounded in float32/float16.

    Examples
    --------
    >>> cos, _ = rope_cache([1], 4, layout="half")
    >>> cos.round(4)
    array([[0.5403, 1.    , 0.5403, 1.    ]])
    >>> cos, _ = rope_cache([1], 4, layout="interleaved")
    >>> cos.round(4)
    array([[0.5403, 0.5403, 1.    , 1.    ]])
    """
    lay = _check_rope_layout(layout)
    cos, sin = rope_pairs(positions, d_head, base=base, dtype=dtype)
    if lay == "half":
        return np.concatenate([cos, cos], axis=1), np.concatenate([sin, sin], axis=1)
    return np.repeat(cos, 2, axis=1), np.repeat(sin, 2, axis=1)


def _planes(x: np.ndarray, layout: str) -> tuple[np.ndarray, np.ndarray]:
    """The two coordinates ``(a, b)`` of every plane, each of shape (..., d/2)."""
    if layout == "interleaved":
        return x[..., 0::2], x[..., 1::2]
    half = x.shape[-1] // 2
    return x[..., :half], x[..., half:]


def _merge(a: np.ndarray, b: np.ndarray, layout: str) -> np.ndarray:
    out = np.empty((*a.shape[:-1], 2 * a.shape[-1]), dtype=a.dtype)
    if layout == "interleaved":
        out[..., 0::2] = a
        out[..., 1::2] = b
    else:
        out[..., : a.shape[-1]] = a
        out[..., a.shape[-1] :] = b
    return out


def _check_x(x: npt.ArrayLike) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype.kind != "f":
        raise TypeError(f"x must be a float16, float32 or float64 array; got dtype {arr.dtype}")
    check_dtype(arr.dtype)
    if arr.ndim < 2:
        raise ValueError(f"x must have shape (..., n, d_head); got shape {arr.shape}")
    _check_d_head(int(arr.shape[-1]))
    return arr


def apply_rope(
    x: npt.ArrayLike,
    positions: int | range | npt.ArrayLike,
    *,
    base: float = 10000.0,
    layout: str = "interleaved",
    rotary_dim: int | None = None,
) -> np.ndarray:
    r"""Rotate head vectors by their positions: RoPE.

    Plane ``k`` of row ``r`` (channels ``(2k, 2k+1)`` or ``(k, k + d/2)``, see ``layout``) is
    turned counter-clockwise by ``positions[r]·ω_k``, :math:`\omega_k = \text{base}^{-2k/d}`.

    Parameters
    ----------
    x : array of float16, float32 or float64, shape ``(..., n, d_head)``
        Queries or keys, one row per position (heads and batch in the leading axes).
    positions : int, range or 1-D array of int, length ``n``
        Position of each row (an int ``n`` means ``0 … n-1``); ``|p| < 2**26``.
    base : float, default 10000.0
        10000 (RoFormer, LLaMA 1/2, GPT-J, GPT-NeoX), 500000 (LLaMA 3), 1e6 (Mixtral) are common.
    layout : {"interleaved", "half"}, default "interleaved"
        ``"interleaved"``: planes ``(2k, 2k+1)`` (RoFormer, Meta LLaMA, GPT-J).
        ``"half"``: planes ``(k, k + d/2)`` (GPT-NeoX, Hugging Face ``rotate_half``).
    rotary_dim : int or None, default None
        Partial rotary: rotate only the first ``rotary_dim`` channels of each row, as a RoPE of
        width ``rotary_dim`` (planes and frequencies :math:`\text{base}^{-2k/r}` of that width,
        ``layout`` applied inside those channels), and pass the other channels through
        unchanged. ``None`` rotates all ``d_head`` channels. Hugging Face computes it as
        ``int(head_dim * partial_rotary_factor)``, GPT-NeoX as ``int(head_dim * rotary_pct)``;
        GPT-J calls it ``rotary_dim``. A positive even integer ``<= d_head``.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``x``.

    Notes
    -----
    Error bound. The cos/sin values are faithful float64 (relative error < 2**-52); the plane is
    rotated in float64 (two products and one sum per output) and the result rounded once to the
    dtype of ``x``. For an output ``y = a·cos θ − b·sin θ`` (or ``b·cos θ + a·sin θ``):

    .. math:: |y_\text{computed} - y| \le \tfrac12\,\mathrm{ulp}(\hat y) +
              5 \cdot 2^{-53} \bigl(|a \cos\theta| + |b \sin\theta|\bigr),

    where :math:`\hat y` is the float64 value before the final rounding (so
    :math:`|\hat y| \le |y| + 5 \cdot 2^{-53}(\dots)`) and the first term is absent for float64
    ``x``. When ``a·cos θ`` and ``b·sin θ`` nearly
    cancel, the second term dominates; otherwise float32/float16 outputs are correctly rounded
    or within a hair of it. ``tests/test_rope.py`` checks the bound against mpmath.

    Examples
    --------
    A vector (1, 0) at position 1 turns by one radian; at position 0 nothing moves:

    >>> apply_rope(np.array([[1.0, 0.0], [1.0, 0.0]]), [0, 1]).round(4)
    array([[1.    , 0.    ],
           [0.5403, 0.8415]])

    The two layouts rotate different channel pairs:

    >>> x = np.array([[1.0, 0.0, 0.0, 0.0]])
    >>> apply_rope(x, [1], layout="interleaved").round(4)
    array([[0.5403, 0.8415, 0.    , 0.    ]])
    >>> apply_rope(x, [1], layout="half").round(4)
    array([[0.5403, 0.    , 0.8415, 0.    ]])

    Partial rotary: with ``rotary_dim=2`` only channels 0 and 1 turn (as a RoPE of width 2, so at
    frequency 1); channels 2 and 3 come back unchanged:

    >>> x = np.array([[1.0, 0.0, 1.0, 0.0]])
    >>> apply_rope(x, [1], rotary_dim=2).round(4)
    array([[0.5403, 0.8415, 1.    , 0.    ]])
    >>> bool(np.array_equal(apply_rope(x, [1], rotary_dim=4), apply_rope(x, [1])))
    True
    """
    arr = _check_x(x)
    lay = _check_rope_layout(layout)
    pos = check_positions(positions)
    if pos.shape[0] != arr.shape[-2]:
        raise ValueError(
            f"positions must give one position per row of x: x has n = {arr.shape[-2]} rows "
            f"(axis -2), positions has {pos.shape[0]}"
        )
    d_head = arr.shape[-1]
    if rotary_dim is None:
        rot = d_head
    elif isinstance(rotary_dim, (bool, np.bool_)) or not isinstance(rotary_dim, (int, np.integer)):
        raise TypeError(
            f"rotary_dim must be None or a positive even integer <= d_head; got {rotary_dim!r} "
            f"of type {type(rotary_dim).__name__}"
        )
    else:
        rot = int(rotary_dim)
        if rot <= 0 or rot % 2 or rot > d_head:
            raise ValueError(
                f"rotary_dim must be a positive even integer <= d_head = {d_head} (the rotated "
                f"channels form planes of two); got {rot}"
            )
    cos, sin = rope_pairs(pos, rot, base=base)
    a, b = _planes(arr[..., :rot].astype(np.float64), lay)
    rotated = _merge(a * cos - b * sin, b * cos + a * sin, lay).astype(arr.dtype)
    if rot == d_head:
        return rotated
    # The channels past rotary_dim carry no position: returned bit for bit.
    return np.concatenate([rotated, arr[..., rot:]], axis=-1)


def apply_cache(
    x: npt.ArrayLike, cos: npt.ArrayLike, sin: npt.ArrayLike, *, layout: str
) -> np.ndarray:
    r"""RoPE with a given full-width cache, in the libraries' own arithmetic.

    Computes ``x * cos + rotate(x) * sin`` entirely in the dtype of ``x`` (two products, one sum,
    each rounded), where ``rotate`` is Hugging Face's ``rotate_half`` for ``layout="half"``
    (``cat(-x2, x1)``) and GPT-J's ``rotate_every_two`` for ``"interleaved"``
    (``(-x1, x0, -x3, x2, …)``). Given the cache a library built, this reproduces that library's
    output bit for bit (the golden tests check it); with :func:`rope_cache` it is the textbook
    float computation, less accurate than :func:`apply_rope`.

    Parameters
    ----------
    x : array, shape ``(..., n, d_head)``
    cos, sin : arrays broadcastable to ``x`` (e.g. shape ``(n, d_head)``)
        Cast to the dtype of ``x`` first, as the libraries do.
    layout : {"interleaved", "half"}

    Examples
    --------
    >>> cos, sin = rope_cache(2, 4, layout="half")
    >>> x = np.ones((2, 4))
    >>> bool(np.allclose(apply_cache(x, cos, sin, layout="half"), apply_rope(x, 2, layout="half")))
    True
    """
    arr = _check_x(x)
    lay = _check_rope_layout(layout)
    caches = []
    for name, value in (("cos", cos), ("sin", sin)):
        v = np.asarray(value)
        if v.dtype.kind not in "iuf":
            raise TypeError(f"{name} must be a real numeric array; got dtype {v.dtype}")
        # The cache must broadcast to x without changing x's shape (no silent extra rows).
        try:
            fits = np.broadcast_shapes(v.shape, arr.shape) == arr.shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(
                f"{name} of shape {v.shape} does not broadcast to x of shape {arr.shape}"
            )
        caches.append(v.astype(arr.dtype))
    c, s = caches
    a, b = _planes(arr, lay)
    rotated = _merge(-b, a, lay)
    return arr * c + rotated * s


def rope_matrix(
    p: int,
    d_head: int,
    *,
    base: float = 10000.0,
    layout: str = "interleaved",
    dtype: npt.DTypeLike = np.float64,
) -> np.ndarray:
    r"""The ``d × d`` rotation :math:`R_p` that RoPE applies at position ``p``: ``apply_rope`` of a
    row ``x`` is ``R_p @ x``.

    It is the foundation's :func:`~posenc_ref.rotation.rotation` at ``-p`` (in the sinusoidal
    layout whose pairs sit where RoPE's planes are): the table's shift matrix turns the vector
    (sin, cos) by ``-kω``, RoPE turns (a, b) by ``+pω``. Orthogonal, ``det = 1``,
    ``R_a R_b = R_{a+b}``, ``R_p^T = R_{-p}``.

    Examples
    --------
    >>> rope_matrix(1, 2).round(4)
    array([[ 0.5403, -0.8415],
           [ 0.8415,  0.5403]])
    >>> x = np.array([0.3, -1.2, 2.0, 0.5])
    >>> bool(np.allclose(rope_matrix(7, 4, layout="half") @ x,
    ...                  apply_rope(x[None], [7], layout="half")[0], rtol=0, atol=1e-15))
    True
    """
    shift = check_integer(p, "p")
    lay = _check_rope_layout(layout)
    return rotation(-shift, _check_d_head(d_head), base=base, layout=_CORE_LAYOUT[lay], dtype=dtype)


def rope_permutation(d_head: int, n_heads: int = 1) -> np.ndarray:
    r"""Row order that turns an interleaved-RoPE model into a half-RoPE one with equal attention.

    If ``W_q`` and ``W_k`` (shape ``(n_heads·d_head, d_model)``, one block of ``d_head`` rows per
    head) are written for the interleaved layout, then ``W_q[perm]`` and ``W_k[perm]`` with the
    half layout give exactly the same scores (``thm-rope-layouts``). Within each head, new row
    ``s·d/2 + k`` is old row ``2k + s``: the even rows first, then the odd rows. This is what
    ``permute(w, n_heads)`` in Hugging Face's ``convert_llama_weights_to_hf.py``
    (huggingface/transformers) does with ``view(n_heads, d_head/2, 2, dim).transpose(1, 2)``. The
    inverse, ``np.argsort(perm)``, goes back to the Meta (interleaved) layout.

    Examples
    --------
    >>> rope_permutation(8)
    array([0, 2, 4, 6, 1, 3, 5, 7])
    >>> rope_permutation(4, n_heads=2)
    array([0, 2, 1, 3, 4, 6, 5, 7])
    """
    d = _check_d_head(d_head)
    heads = check_integer(n_heads, "n_heads")
    if heads < 1:
        raise ValueError(f"n_heads must be >= 1; got {heads}")
    one = np.concatenate([np.arange(0, d, 2), np.arange(1, d, 2)])
    return np.concatenate([h * d + one for h in range(heads)]).astype(np.int64)


def _offsets(offsets: int | range | npt.ArrayLike) -> np.ndarray:
    return check_positions(offsets)


def decay_bound(
    offsets: int | range | npt.ArrayLike, d_head: int, *, base: float = 10000.0
) -> np.ndarray:
    r"""RoFormer's "long-term decay" quantity: :math:`\frac{1}{d/2}\sum_{j=1}^{d/2} |S_j(\Delta)|`.

    With :math:`S_j(\Delta) = \sum_{k=0}^{j-1} e^{\mathrm{i}\Delta\omega_k}`, Abel summation gives,
    for any query ``q`` and key ``v`` with complex pair values
    :math:`h_k = \overline{q_{(k)}}\,v_{(k)}` (``k`` the pair index),

    .. math:: \Bigl|\sum_{k} h_k e^{\mathrm{i}\Delta\omega_k}\Bigr| \le
              \max_k |h_{k+1} - h_k| \sum_{j=1}^{d/2} |S_j(\Delta)|

    (``thm-rope-decay-bound``, with :math:`h_{d/2} = 0`). The paper plots this bound, divided by
    ``d/2``, against the offset; it is a bound on the score, not the score itself (compare
    :func:`expected_score`).

    Examples
    --------
    At offset 0 every ``|S_j| = j``, so the value is ``(d/2 + 1)/2``:

    >>> decay_bound([0, 1, 100], 128).round(3)
    array([32.5  , 31.538, 10.227])
    """
    d = _check_d_head(d_head)
    pos = _offsets(offsets)
    table = sinusoidal(pos, d, base=base, layout="sin|cos")
    half = d // 2
    partial = np.cumsum(table[:, half:] + 1j * table[:, :half], axis=1)
    return np.abs(partial).mean(axis=1)


def expected_score(
    offsets: int | range | npt.ArrayLike, d_head: int, *, base: float = 10000.0
) -> np.ndarray:
    r"""The actual mean RoPE score at offset ``Δ``, per unit of squared norm.

    For a query and key with the same content ``q`` at positions ``m`` and ``m + Δ``,
    :math:`\langle R_m q, R_{m+Δ} q\rangle = \sum_k |q_{(k)}|^2 \cos(\Delta\omega_k)`
    (``thm-rope-relative``). Averaged over ``q`` with independent zero-mean entries of equal
    variance and divided by :math:`E|q|^2`, this is :math:`\frac{2}{d}\sum_k \cos(\Delta\omega_k)`:
    1 at ``Δ = 0``, even in ``Δ``, not monotone, and negative at some offsets.

    Examples
    --------
    >>> expected_score([0, 1, 100], 128).round(3)
    array([1.   , 0.97 , 0.477])
    >>> float(expected_score([1707], 128)[0]) < 0
    True
    """
    d = _check_d_head(d_head)
    pos = _offsets(offsets)
    table = sinusoidal(pos, d, base=base, layout="sin|cos")
    return table[:, d // 2 :].mean(axis=1)


# --------------------------------------------------------------------------- identification


@dataclass(frozen=True)
class RopeMatch:
    """One candidate explanation of a RoPE cos/sin cache, from :func:`identify_rope_cache`."""

    layout: str
    """``"half"``, ``"interleaved"`` or ``"pairs"`` (the compact ``(n, d/2)`` form)."""
    d_head: int
    base: float
    """The base of the reference cache compared with (a common base, or the fitted one)."""
    fitted_base: float
    """Base fitted to the cache's frequencies (least squares on ``log ω_k``)."""
    dtype: str
    """Narrowest format every value is representable in: float16, bfloat16, float32, float64."""
    max_ulp: float
    """Largest difference from the exact cache, in ulps (of ``dtype``) of each exact value."""
    max_abs: float
    """Largest absolute difference from the exact cache."""
    positions: int
    """Number of rows (positions ``0 … positions-1`` unless given)."""
    geometric: bool = True
    """False when the cache's frequencies are not ``b**(-2k/d)`` for any base ``b``: the mark of
    a scaled RoPE (linear, YaRN, llama3). Judged only when ``sin`` is given and a row holds
    position ±1 (there the angles are the frequencies themselves); otherwise True."""
    scaling: Any = None
    """The :class:`~posenc_ref.rope_scaling.RopeScaling` compared with, if one was given."""

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
    whether the frequencies read there follow ``base**(-2k/d)`` within the values' precision."""
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
    # There each ω_k read off carries a few ulps of the values; 64 ulps is far below what any
    # scaling changes (linear: ln s at every pair; YaRN and llama3: up to ln s).
    if sin is None or abs(p) != 1:
        return float(np.exp(log_base)), True
    usable = ok & (theta < np.pi - 1e-3)
    dev = np.abs(np.log(omega[usable]) + t[usable] * log_base)
    geometric = bool(dev.size == 0 or dev.max() <= max(64.0 * float(ulp(1.0, fmt)), 1e-9))
    return float(np.exp(log_base)), geometric


def identify_rope_cache(
    cos: npt.ArrayLike,
    sin: npt.ArrayLike | None = None,
    *,
    positions: int | range | npt.ArrayLike | None = None,
    scaling: Any = None,
    base: float | None = None,
) -> list[RopeMatch]:
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
        Without it, a cache whose frequencies are not ``base**(-2k/d)`` is reported as such
        (``geometric`` false). An NTK-scaled cache is geometric: it is named by its larger base.
    base : float, optional
        Compare with this base only (default: :data:`COMMON_BASES` and the fitted base).

    Returns
    -------
    list of RopeMatch
        Every structurally possible (layout, base) explanation, best first (smallest
        ``max_ulp``). ``str(match)`` is a printable verdict.

    Examples
    --------
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
    c = np.asarray(cos)
    s = None if sin is None else np.asarray(sin)
    for name, arr in (("cos", c), ("sin", s)):
        if arr is None:
            continue
        if arr.ndim != 2 or arr.shape[1] < 1:
            raise ValueError(f"{name} must have shape (n, width); got {arr.shape}")
        if arr.dtype.kind != "f" or not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must hold finite floating-point values")
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
    from . import rope_scaling  # deferred: rope_scaling builds on this module

    if scaling is not None and not isinstance(scaling, rope_scaling.RopeScaling):
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
    for lay, d, pc, ps in candidates:
        pc64 = pc.astype(np.float64)
        ps64 = None if ps is None else ps.astype(np.float64)
        fitted, geometric = _fit_base(pc64, ps64, pos, d, fmt)
        bases = list(COMMON_BASES) if base is None else [base]
        if base is None and math.isfinite(fitted) and fitted > 0 and fitted != 1:
            bases.append(float(f"{fitted:.6g}"))
        trials = [(b, scaling) for b in dict.fromkeys(bases)]
        if scaling is None and base is None and not geometric:
            # Frequencies that no base explains: try the scalings of well-known models.
            trials += [(b, sc) for sc, b in rope_scaling.KNOWN_SCALINGS.values()]
        for b, sc in trials:
            try:
                if sc is None:
                    ref_c, ref_s = rope_pairs(pos, d, base=b)
                else:
                    ref_c, ref_s = rope_scaling.scaled_rope_pairs(pos, d, sc, base=b)
                    m = rope_scaling.attention_factor(sc)
                    ref_c, ref_s = m * ref_c, m * ref_s
            except ValueError:
                continue
            diff = np.abs(pc64 - ref_c)
            err = diff / ulp(ref_c, fmt)
            if ps64 is not None:
                diff_s = np.abs(ps64 - ref_s)
                err = np.maximum(err, diff_s / ulp(ref_s, fmt))
                diff = np.maximum(diff, diff_s)
            out.append(
                RopeMatch(
                    lay,
                    d,
                    b,
                    fitted,
                    fmt,
                    float(err.max()),
                    float(diff.max()),
                    n,
                    geometric,
                    sc,
                )
            )
    out.sort(key=lambda m: (m.max_ulp, m.layout == "pairs", m.base))
    return out
