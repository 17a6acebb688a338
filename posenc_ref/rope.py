r"""Rotary position embedding (RoPE, Su et al., arXiv 2104.09864), built on the rotation property.

The sinusoidal encoding shifts by a rotation, :math:`PE(p + k) = R(k)\,PE(p)` (``thm-shift``).
RoPE puts that rotation to work: it rotates each (query or key) head vector ``x`` at position
``p`` by the angle ``p·ω_i`` in each of its ``d/2`` planes, with the same frequencies as the
encoding, :math:`\omega_i = \text{base}^{-2i/d}` (``i`` the 0-based pair index). Then the score
:math:`\langle R_p q, R_n k\rangle = \langle q, R_{n-p} k\rangle` depends on the positions only
through the offset (``thm-rope-relative``), whatever the learned projections are.

RoFormer, Meta's LLaMA, GPT-J, GPT-NeoX and Hugging Face turn each plane **counter-clockwise**
by ``+p·ω_i`` (``thm-rope-orientation``): for a plane with coordinates ``(a, b)``

.. math::  a' = a\cos p\omega_i - b\sin p\omega_i, \qquad b' = b\cos p\omega_i + a\sin p\omega_i .

(nanochat turns clockwise; that is the same model with sign-flipped weights,
``thm-rope-clockwise``, and wrong only when mixed with a counter-clockwise checkpoint.) The
families differ in which two channels form plane ``i`` (the *layout*):

- ``"interleaved"``: channels ``(2i, 2i + 1)`` — the RoFormer paper, Meta's LLaMA code (complex
  multiplication by :math:`e^{ip\omega_i}`), GPT-J (``rotate_every_two``);
- ``"half"``: channels ``(i, i + d/2)`` — GPT-NeoX and Hugging Face (``rotate_half``).

A model written for one layout gives the same attention in the other once the rows of ``W_q`` and
``W_k`` are permuted per head (:func:`rope_permutation`, ``thm-rope-layouts``); that is what
Hugging Face's LLaMA conversion script does.

Accuracy. The cos/sin values come from :func:`posenc_ref.sinusoidal`: correctly rounded in float32
and float16, faithful in float64, for ``|p| < 2**26``. :func:`apply_rope` then does ordinary
floating-point arithmetic in float64 and rounds once to the dtype of ``x``; its error bound is
stated there.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import _layout
from ._validate import (
    ROPE_LAYOUTS,
    check_array,
    check_d_head,
    check_dtype,
    check_int,
    check_positions,
    check_rope_layout,
)
from .rotation import rotation
from .sinusoidal import sinusoidal

__all__ = [
    "COMMON_BASES",
    "ROPE_LAYOUTS",
    "apply_cache",
    "apply_rope",
    "decay_bound",
    "expected_score",
    "rope_cache",
    "rope_matrix",
    "rope_pairs",
    "rope_permutation",
]

ROPE_LAYOUTS = ROPE_LAYOUTS
"""The two channel layouts of RoPE: which channels form the plane of pair ``i``
(``"interleaved"``: ``(2i, 2i+1)``; ``"half"``: ``(i, i + d/2)``)."""

#: Bases seen in released code: 10000 (RoFormer, GPT-J, GPT-NeoX, LLaMA 1/2, HF default),
#: 500000 (meta-llama/llama3 ``rope_theta``) and 1e6 (HF ``MixtralConfig``).
COMMON_BASES: tuple[float, ...] = (10000.0, 500000.0, 1000000.0)

#: The most rows :func:`rope_permutation` orders (n_heads x d_head): far beyond any model.
MAX_PERMUTATION_ROWS = 2**24

# The core's rotation R(k) in a sinusoidal layout whose pair columns match RoPE's planes:
# interleaved (2i, 2i+1) and sin|cos (i, i + d/2).
_CORE_LAYOUT = {"interleaved": "interleaved", "half": "sin|cos"}


def rope_pairs(
    positions: int | range | npt.ArrayLike,
    d_head: int,
    *,
    base: float = 10000.0,
    dtype: npt.DTypeLike = np.float64,
) -> tuple[np.ndarray, np.ndarray]:
    r"""The compact cache: ``cos(p·ω_i)`` and ``sin(p·ω_i)``, one column per pair ``i``.

    This is the table Meta's ``precompute_freqs_cis`` holds as complex numbers
    :math:`e^{ip\omega_i}` and GPT-J's ``create_sinusoidal_positions`` holds as ``[sin | cos]``.
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
    d = check_d_head(d_head)
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
    lay = check_rope_layout(layout)
    cos, sin = rope_pairs(positions, d_head, base=base, dtype=dtype)
    if lay == "half":
        return np.concatenate([cos, cos], axis=1), np.concatenate([sin, sin], axis=1)
    return np.repeat(cos, 2, axis=1), np.repeat(sin, 2, axis=1)


def _check_x(x: npt.ArrayLike) -> np.ndarray:
    arr = check_array(x, "x", kinds="f", finite=False)
    check_dtype(arr.dtype, "x's dtype")
    if arr.ndim < 2:
        raise ValueError(f"x must have shape (..., n, d_head); got shape {arr.shape}")
    check_d_head(int(arr.shape[-1]))
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

    Plane ``i`` of row ``r`` (channels ``(2i, 2i+1)`` or ``(i, i + d/2)``, see ``layout``) is
    turned counter-clockwise by ``positions[r]·ω_i``, :math:`\omega_i = \text{base}^{-2i/d}`.

    Parameters
    ----------
    x : array of float16, float32 or float64, shape ``(..., n, d_head)``
        Queries or keys, one row per position (heads and batch in the leading axes).
    positions : int, range or 1-D array of int, length ``n``
        Position of each row (an int ``n`` means ``0 … n-1``); ``|p| < 2**26``.
    base : float, default 10000.0
        10000 (RoFormer, LLaMA 1/2, GPT-J, GPT-NeoX), 500000 (LLaMA 3), 1e6 (Mixtral) are common.
    layout : {"interleaved", "half"}, default "interleaved"
        ``"interleaved"``: planes ``(2i, 2i+1)`` (RoFormer, Meta LLaMA, GPT-J).
        ``"half"``: planes ``(i, i + d/2)`` (GPT-NeoX, Hugging Face ``rotate_half``).
    rotary_dim : int or None, default None
        Partial rotary: rotate only the first ``rotary_dim`` channels of each row, as a RoPE of
        width ``rotary_dim`` (planes and frequencies :math:`\text{base}^{-2i/r}` of that width,
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
    lay = check_rope_layout(layout)
    pos = check_positions(positions)
    if pos.shape[0] != arr.shape[-2]:
        raise ValueError(
            f"positions must give one position per row of x: x has n = {arr.shape[-2]} rows "
            f"(axis -2), positions has {pos.shape[0]}"
        )
    d_head = arr.shape[-1]
    rot = d_head
    if rotary_dim is not None:
        rot = check_int(rotary_dim, "rotary_dim", rule="None or a positive even integer <= d_head")
        if rot <= 0 or rot % 2 or rot > d_head:
            raise ValueError(
                f"rotary_dim must be None or a positive even integer <= d_head = {d_head} (the "
                f"rotated channels form planes of two); got {rot}"
            )
    cos, sin = rope_pairs(pos, rot, base=base)
    a, b = _layout.components(arr[..., :rot].astype(np.float64), lay)
    rotated = _layout.merge(a * cos - b * sin, b * cos + a * sin, lay).astype(arr.dtype)
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
    lay = check_rope_layout(layout)
    caches = []
    for name, value in (("cos", cos), ("sin", sin)):
        v = check_array(value, name, finite=False)
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
    a, b = _layout.components(arr, lay)
    rotated = _layout.merge(-b, a, lay)
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
    shift = check_int(p, "p")
    lay = check_rope_layout(layout)
    return rotation(-shift, check_d_head(d_head), base=base, layout=_CORE_LAYOUT[lay], dtype=dtype)


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
    d = check_d_head(d_head)
    heads = check_int(n_heads, "n_heads", minimum=1)
    if heads * d > MAX_PERMUTATION_ROWS:
        raise ValueError(
            f"n_heads x d_head must be at most {MAX_PERMUTATION_ROWS} (2**24) rows; got "
            f"{heads} x {d}"
        )
    one = np.concatenate([np.arange(0, d, 2), np.arange(1, d, 2)])
    return np.concatenate([h * d + one for h in range(heads)]).astype(np.int64)


def decay_bound(
    offsets: int | range | npt.ArrayLike, d_head: int, *, base: float = 10000.0
) -> np.ndarray:
    r"""RoFormer's "long-term decay" quantity: :math:`\frac{1}{d/2}\sum_{j=1}^{d/2} |S_j(\Delta)|`.

    With :math:`S_j(\Delta) = \sum_{i=0}^{j-1} e^{\mathrm{i}\Delta\omega_i}`, Abel summation gives,
    for any query ``q`` and key ``v`` with complex pair values
    :math:`h_i = \overline{q_{(i)}}\,v_{(i)}` (``i`` the pair index),

    .. math:: \Bigl|\sum_{i} h_i e^{\mathrm{i}\Delta\omega_i}\Bigr| \le
              \max_i |h_{i+1} - h_i| \sum_{j=1}^{d/2} |S_j(\Delta)|

    (``thm-rope-decay-bound``, with :math:`h_{d/2} = 0`). The paper plots this bound, divided by
    ``d/2``, against the offset; it is a bound on the score, not the score itself (compare
    :func:`expected_score`).

    Examples
    --------
    At offset 0 every ``|S_j| = j``, so the value is ``(d/2 + 1)/2``:

    >>> decay_bound([0, 1, 100], 128).round(3)
    array([32.5  , 31.538, 10.227])
    """
    d = check_d_head(d_head)
    pos = check_positions(offsets, "offsets")
    table = sinusoidal(pos, d, base=base, layout="sin|cos")
    half = d // 2
    partial = np.cumsum(table[:, half:] + 1j * table[:, :half], axis=1)
    return np.abs(partial).mean(axis=1)


def expected_score(
    offsets: int | range | npt.ArrayLike, d_head: int, *, base: float = 10000.0
) -> np.ndarray:
    r"""The actual mean RoPE score at offset ``Δ``, per unit of squared norm.

    For a query and key with the same content ``q`` at positions ``m`` and ``m + Δ``,
    :math:`\langle R_m q, R_{m+Δ} q\rangle = \sum_i |q_{(i)}|^2 \cos(\Delta\omega_i)`
    (``thm-rope-relative``). Averaged over ``q`` with independent zero-mean entries of equal
    variance and divided by :math:`E|q|^2`, this is :math:`\frac{2}{d}\sum_i \cos(\Delta\omega_i)`:
    1 at ``Δ = 0``, even in ``Δ``, not monotone, and negative at some offsets.

    Examples
    --------
    >>> expected_score([0, 1, 100], 128).round(3)
    array([1.   , 0.97 , 0.477])
    >>> float(expected_score([1707], 128)[0]) < 0
    True
    """
    d = check_d_head(d_head)
    pos = check_positions(offsets, "offsets")
    table = sinusoidal(pos, d, base=base, layout="sin|cos")
    return table[:, d // 2 :].mean(axis=1)
