r"""Other position schemes in NumPy: ALiBi's bias, T5's buckets, xPos's scaling.

The *Alternatives and lineage* page of the documentation compares the sinusoidal encoding with the
schemes that followed it. Three of them are small closed-form functions of the positions; they
are implemented here so that the page's claims about them run as code:

- :func:`alibi_slopes`, :func:`alibi_bias`: ALiBi (Press et al., ICLR 2022, arXiv 2108.12409,
  §3) adds :math:`-m_h\,(p - q)` to the score of query position ``p`` and key position ``q``, one
  slope :math:`m_h` per head.
- :func:`t5_bucket`: T5 (Raffel et al., JMLR 2020, arXiv 1910.10683, §2.1) adds a learned scalar
  per head and per *bucket* of the offset; the buckets are exact for short offsets and
  logarithmic up to ``max_distance``.
- :func:`xpos_scale`: xPos (Sun et al., ACL 2023, arXiv 2212.10554) multiplies RoPE's rotated
  query by :math:`\zeta_i^{p/\beta}` and the rotated key by :math:`\zeta_i^{-q/\beta}`.

Positions follow the site's conventions: integers counted from 0, ``p`` the query's position,
``q`` the key's, the pair index ``i`` from 0. Everything is float64 NumPy; the learned parts
(T5's bias values, the projections) are not modelled.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from ._validate import check_array, check_d_head, check_flag, check_int, check_positions, check_real

__all__ = ["alibi_bias", "alibi_slopes", "t5_bucket", "xpos_scale"]


def _positive_real(value: Any, name: str) -> float:
    number = check_real(value, name, rule="a finite real number > 0")
    if number <= 0:
        raise ValueError(f"{name} must be a finite real number > 0; got {number}")
    return number


def alibi_slopes(n_heads: int) -> np.ndarray:
    r"""The head slopes :math:`m_h` of ALiBi, as the authors' code computes them.

    For a power of two ``n``, the slopes are the geometric sequence that starts at
    :math:`2^{-8/n}` with that same ratio, so the last one is :math:`2^{-8}` (ALiBi §3). For
    other ``n``, the code takes the ``2**floor(log2 n)`` slopes of that power and fills up with
    every other slope of twice that power (``get_slopes`` in
    ``ofirpress/attention_with_linear_biases:fairseq/models/transformer.py``). The arithmetic
    here is the same as in that function, so the values agree bit for bit.

    Parameters
    ----------
    n_heads : int
        Number of attention heads, ``>= 1``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_heads,)``, float64, decreasing.

    Examples
    --------
    >>> alibi_slopes(8) * 2**8                # 2**-1 … 2**-8, exactly
    array([128.,  64.,  32.,  16.,   8.,   4.,   2.,   1.])
    >>> alibi_slopes(12)[8:].round(4)         # every other slope of the 16-head sequence
    array([0.7071, 0.3536, 0.1768, 0.0884])
    """
    n = check_int(n_heads, "n_heads", minimum=1)

    def power_of_two(k: int) -> list[float]:
        start = 2 ** (-(2 ** -(math.log2(k) - 3)))
        return [start * start**j for j in range(k)]

    def slopes(k: int) -> list[float]:
        if math.log2(k).is_integer():
            return power_of_two(k)
        closest = 2 ** math.floor(math.log2(k))
        return power_of_two(closest) + slopes(2 * closest)[0::2][: k - closest]

    return np.array(slopes(n), dtype=np.float64)


def alibi_bias(
    query_positions: int | range | npt.ArrayLike,
    key_positions: int | range | npt.ArrayLike,
    n_heads: int,
) -> np.ndarray:
    r"""ALiBi's bias :math:`-m_h\,(p - q)` for every head, query position ``p``, key position ``q``.

    Added to the attention scores before the softmax, with no position encoding anywhere else.
    ALiBi is defined for causal attention (keys at or before the query, :math:`q \le p`), where the
    bias is :math:`\le 0`; entries with :math:`q > p` are returned too (with the same formula) and
    are meant to be removed by the causal mask.

    Parameters
    ----------
    query_positions, key_positions : int, range or 1-D array of int
        An int ``n`` means positions ``0 … n-1``.
    n_heads : int
        Number of heads; the slopes are :func:`alibi_slopes`.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_heads, len(query_positions), len(key_positions))``, float64.

    Examples
    --------
    >>> alibi_bias(4, 4, 2)[0]                  # head 0, slope 2**-4: -m * (p - q)
    array([[ 0.    ,  0.0625,  0.125 ,  0.1875],
           [-0.0625,  0.    ,  0.0625,  0.125 ],
           [-0.125 , -0.0625,  0.    ,  0.0625],
           [-0.1875, -0.125 , -0.0625,  0.    ]])
    """
    p = check_positions(query_positions, "query_positions")
    q = check_positions(key_positions, "key_positions")
    m = alibi_slopes(n_heads)
    # m * (q - p) rather than -m * (p - q): the same number, without a -0.0 on the diagonal.
    back = q[None, :].astype(np.float64) - p[:, None].astype(np.float64)
    return m[:, None, None] * back[None, :, :]


def _t5_thresholds(exact: int, per_direction: int, max_distance: int) -> np.ndarray:
    """Smallest offset of each logarithmic bucket ``exact + k``, ``k = 1 … per_direction-exact-1``.

    Offset ``n >= exact`` is in a bucket ``>= exact + k`` exactly when
    ``(n / exact)**e >= (max_distance / exact)**k`` with ``e = per_direction - exact``, i.e. when
    ``n**e * exact**k >= max_distance**k * exact**e`` — a comparison of integers, decided exactly.
    """
    e = per_direction - exact
    edges = []
    for k in range(1, e):
        n = max(exact, math.floor(exact * (max_distance / exact) ** (k / e)) - 2)
        while n**e * exact**k < max_distance**k * exact**e:
            n += 1
        edges.append(n)
    return np.array(edges, dtype=np.int64)


def t5_bucket(
    relative_position: npt.ArrayLike,
    *,
    bidirectional: bool = True,
    num_buckets: int = 32,
    max_distance: int = 128,
) -> np.ndarray:
    r"""T5's bucket of the offset ``relative_position = q - p`` (key position minus query position).

    The scheme of ``_relative_position_bucket`` (Mesh TensorFlow, and Hugging Face's
    ``src/transformers/models/t5/modeling_t5.py``): with ``B`` buckets per direction
    (``num_buckets // 2`` when ``bidirectional``, else ``num_buckets``) and ``E = B // 2``,

    - an offset of size ``n < E`` gets bucket ``n``;
    - a larger one gets :math:`E + \lfloor (B - E)\,\ln(n/E) / \ln(M/E) \rfloor` with
      ``M = max_distance``, capped at ``B - 1``;
    - ``bidirectional``: keys after the query (``q - p > 0``) use buckets ``B … 2B-1``;
      otherwise (a causal decoder) keys after the query all get bucket 0.

    The libraries evaluate the logarithm in float32; here the floor is decided exactly, by
    comparing integers, which is what the float code approximates. For T5's settings (32 buckets,
    ``max_distance`` 128, both directions) the two agree at every offset (``tests``).

    Parameters
    ----------
    relative_position : int or array of int
        Key position minus query position, ``q - p``.
    bidirectional : bool, default True
        ``True`` for T5's encoder, ``False`` for its decoder.
    num_buckets : int, default 32
        Total number of buckets; T5 uses 32.
    max_distance : int, default 128
        Offsets of this size and beyond share the last bucket; T5 uses 128. Must exceed ``E``.

    Returns
    -------
    numpy.ndarray
        int64 buckets, same shape as ``relative_position``.

    Examples
    --------
    >>> t5_bucket([-1, -7, -8, -12, -91, -128, -5000])   # keys before the query: 0 … 15
    array([ 1,  7,  8,  9, 15, 15, 15])
    >>> t5_bucket([0, 1, 90, 91])                        # keys after it: 16 … 31
    array([ 0, 17, 30, 31])
    >>> t5_bucket([-16, -112, -113, 5], bidirectional=False)
    array([16, 30, 31,  0])
    """
    bidirectional = check_flag(bidirectional, "bidirectional")
    total = check_int(num_buckets, "num_buckets", minimum=1)
    per_direction = total // 2 if bidirectional else total
    exact = per_direction // 2
    if exact < 1:
        raise ValueError(
            f"num_buckets must leave at least 2 buckets per direction; got num_buckets={total} "
            f"(bidirectional={bool(bidirectional)})"
        )
    far = check_int(max_distance, "max_distance", minimum=1)
    if far <= exact:
        raise ValueError(
            f"max_distance must exceed the {exact} exact buckets (the logarithmic buckets span "
            f"offsets {exact} … max_distance); got {far}"
        )
    rel = check_array(relative_position, "relative_position", kinds="iu").astype(np.int64)
    if bidirectional:
        shift = np.where(rel > 0, per_direction, 0)
        n = np.abs(rel)
    else:
        shift = np.zeros_like(rel)
        n = np.maximum(-rel, 0)
    edges = _t5_thresholds(exact, per_direction, far)
    large = exact + np.searchsorted(edges, n, side="right")
    return (shift + np.where(n < exact, n, large)).astype(np.int64)


def xpos_scale(
    positions: int | range | npt.ArrayLike,
    d_head: int,
    *,
    gamma: float = 0.4,
    scale_base: float = 512.0,
) -> np.ndarray:
    r"""xPos's factor :math:`\zeta_i^{p/\beta}` for every position ``p`` and pair ``i``.

    :math:`\zeta_i = (2i/d + \gamma)/(1 + \gamma)` lies in :math:`(0, 1)`. xPos multiplies plane
    ``i`` of the RoPE-rotated query at position ``p`` by :math:`\zeta_i^{p/\beta}` and of the
    rotated key at position ``q`` by :math:`\zeta_i^{-q/\beta}`, so their score gains the factor
    :math:`\zeta_i^{(p-q)/\beta}`: a function of the offset that decays for keys before the query.
    Defaults as in ``microsoft/torchscale:torchscale/component/xpos_relative_position.py``
    (``0.4`` and ``scale_base=512``; that code also shifts all positions by one constant, which
    cancels in the score).

    Parameters
    ----------
    positions : int, range or 1-D array of int
        An int ``n`` means positions ``0 … n-1``.
    d_head : int
        Even head width; there are ``d_head // 2`` pairs.
    gamma : float, default 0.4
        :math:`\gamma > 0`.
    scale_base : float, default 512.0
        :math:`\beta > 0`.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(positions), d_head // 2)``, float64. Divide by it for keys.

    Examples
    --------
    >>> xpos_scale([0, 512, -512], 4).round(4)     # ζ = (0.4/1.4, 1.4/1.4 … ) for d = 4
    array([[1.    , 1.    ],
           [0.2857, 0.6429],
           [3.5   , 1.5556]])
    """
    pos = check_positions(positions)
    d = check_d_head(d_head)
    g = _positive_real(gamma, "gamma")
    beta = _positive_real(scale_base, "scale_base")
    zeta = (np.arange(0, d, 2, dtype=np.float64) + g * d) / ((1.0 + g) * d)
    return zeta[None, :] ** (pos[:, None].astype(np.float64) / beta)
