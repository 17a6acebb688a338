r"""The sinusoidal position encoding of *Attention Is All You Need* (§3.5).

.. math::

    PE(p, 2i) = \sin(p\,\omega_i), \qquad PE(p, 2i+1) = \cos(p\,\omega_i), \qquad
    \omega_i = \text{base}^{-2i/d}

``i`` is the **pair index** (0 … d/2 − 1): column ``2i`` holds the sine and column ``2i + 1`` the
cosine of the same angle. ``p`` is the position (0-based here, as in the paper's reference code).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from . import _fast, _kernel
from ._validate import (
    check_base,
    check_d_model,
    check_dtype,
    check_int,
    check_layout,
    check_position_range,
    check_positions,
)

__all__ = ["frequencies", "sinusoidal", "textbook_pe", "textbook_table", "wavelengths"]

#: The largest table :func:`textbook_table` builds (it works entry by entry in Python).
TEXTBOOK_MAX_ENTRIES = 2**22


def frequencies(d_model: int, *, base: float = 10000.0) -> np.ndarray:
    r"""Angular frequencies :math:`\omega_i = \text{base}^{-2i/d}` for the pairs ``i = 0 … d/2-1``.

    Each value is the correctly rounded float64 of the exact frequency.

    Parameters
    ----------
    d_model : int
        Width of the encoding; a positive even integer.
    base : float, default 10000.0
        The base of the geometric progression (> 0 and != 1). The paper uses 10000.

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(d_model // 2,)``, decreasing from ``1`` when ``base > 1``.

    Examples
    --------
    >>> frequencies(8)
    array([1.   , 0.1  , 0.01 , 0.001])

    The first pair always turns at one radian per position; the last one at
    ``base**(-(d-2)/d)``, not ``1/base``:

    >>> w = frequencies(512)
    >>> float(w[0]), float(w[-1])
    (1.0, 0.00010366...)
    """
    d = check_d_model(d_model)
    b = check_base(base)
    return _kernel.frequencies_dd(d, b)[0].copy()


def wavelengths(d_model: int, *, base: float = 10000.0) -> np.ndarray:
    r"""Wavelengths :math:`\lambda_i = 2\pi / \omega_i = 2\pi\,\text{base}^{2i/d}` of the pairs.

    A wavelength is the number of positions after which pair ``i`` repeats. They form a
    geometric progression from ``2π`` to ``2π·base**((d-2)/d)``; the paper's "up to 10000·2π" is
    the limit for large ``d``, never reached exactly (see ``thm-wavelengths``).

    Examples
    --------
    >>> lam = wavelengths(512)
    >>> float(lam[0] / (2 * np.pi)), round(float(lam[-1] / (2 * np.pi)), 2)
    (1.0, 9646.62)
    """
    w = frequencies(d_model, base=base)
    return 2 * math.pi / w


def sinusoidal(
    positions: int | range | npt.ArrayLike,
    d_model: int,
    *,
    base: float = 10000.0,
    layout: str = "interleaved",
    dtype: npt.DTypeLike = np.float64,
) -> np.ndarray:
    r"""The sinusoidal position-encoding table, one row per position.

    Parameters
    ----------
    positions : int, range or 1-D array of int
        An int ``n`` means positions ``0 … n-1``. Arrays may hold any integers with
        ``|p| < 2**26`` (negative positions are allowed: the shift property holds for them too).
        Float arrays are accepted when every value is a whole number.
    d_model : int
        Width of the encoding; a positive even integer (``d_model / 2`` sin/cos pairs).
    base : float, default 10000.0
        Base of the frequencies :math:`\omega_i = \text{base}^{-2i/d}`.
    layout : {"interleaved", "sin|cos", "cos|sin"}, default "interleaved"
        Where the sine and cosine of pair ``i`` go. ``"interleaved"`` is the paper: columns ``2i``
        and ``2i+1``. ``"sin|cos"`` (tensor2tensor, fairseq, TensorFlow): all sines, then all
        cosines, so pair ``i`` is in columns ``i`` and ``d/2 + i``. ``"cos|sin"``
        (guided-diffusion): all cosines, then all sines.
    dtype : {float64, float32, float16}, default float64
        Output type. float32 and float16 entries are correctly rounded (the nearest
        representable value of the exact result); float64 entries are faithful (within one ulp).

    Returns
    -------
    numpy.ndarray
        Array of shape ``(len(positions), d_model)``.

    Raises
    ------
    TypeError, ValueError
        With a message naming the argument and the rule: ``d_model`` not a positive even integer,
        ``base`` not finite, <= 0 or 1, an unknown ``layout``, an unsupported ``dtype``,
        non-integer or non-finite positions, or positions outside ``|p| < 2**26``.

    Examples
    --------
    The worked example: four positions, two pairs (``d_model = 4``, frequencies 1 and 1/100):

    >>> sinusoidal(4, 4).round(4)
    array([[ 0.    ,  1.    ,  0.    ,  1.    ],
           [ 0.8415,  0.5403,  0.01  ,  1.    ],
           [ 0.9093, -0.4161,  0.02  ,  0.9998],
           [ 0.1411, -0.99  ,  0.03  ,  0.9996]])

    The same values in tensor2tensor's split layout (all sines, then all cosines):

    >>> sinusoidal(4, 4, layout="sin|cos").round(4)
    array([[ 0.    ,  0.    ,  1.    ,  1.    ],
           [ 0.8415,  0.01  ,  0.5403,  1.    ],
           [ 0.9093,  0.02  , -0.4161,  0.9998],
           [ 0.1411,  0.03  , -0.99  ,  0.9996]])

    Arbitrary positions, and float32 output (correctly rounded: sin(2**24 + 1) =
    0.1058325673..., cos(2**24 + 1) = 0.9943839639...):

    >>> sinusoidal([0, 2**24 + 1], 2, dtype=np.float32)
    array([[0.        , 1.        ],
           [0.10583257, 0.994384  ]], dtype=float32)
    """
    d = check_d_model(d_model)
    b = check_base(base)
    lay = check_layout(layout)
    dt = check_dtype(dtype)
    pos = check_positions(positions)
    # The largest frequency is ω_0 = 1 for base > 1, else the last one, base**(-(d-2)/d): known
    # without the mpmath frequencies, so a bad range fails before any slow work.
    max_omega = 1.0 if b > 1 else float(_kernel.frequencies_dd(d, b)[0][-1])
    check_position_range(pos, max_omega)
    return _fast.table(pos, d, b, lay, dt)


def textbook_pe(pos: int, j: int, d_model: int, *, base: float = 10000.0) -> float:
    r"""One entry ``PE(pos, j)``, written exactly as the paper writes it (for teaching).

    .. math:: PE(pos, 2i) = \sin\!\left(pos / 10000^{2i/d}\right), \quad
              PE(pos, 2i+1) = \cos\!\left(pos / 10000^{2i/d}\right)

    The column ``j`` is either ``2i`` (a sine) or ``2i + 1`` (a cosine); both use the exponent of
    the pair ``i = j // 2``. This plain version rounds the angle ``pos / base**(2i/d)`` to float64,
    so its error grows with ``pos`` (about ``pos * 1.1e-16``); :func:`sinusoidal` does not.

    Examples
    --------
    Column 5 is the cosine of pair ``i = 2``, so its exponent is ``4/d``, not ``5/d``:

    >>> textbook_pe(1, 5, 8) == math.cos(1 / 10000 ** (4 / 8))
    True
    """
    p = check_int(pos, "pos")
    if abs(p) >= 2**53:
        raise ValueError(
            f"pos must satisfy |pos| < 2**53, where float64 still holds every integer; got {p}"
        )
    d = check_d_model(d_model)
    col = check_int(j, "j")
    if not 0 <= col < d:
        raise ValueError(f"j must be a column index 0 <= j < d_model = {d}; got {col}")
    b = check_base(base)
    i = col // 2  # the paper's i: the index of the (sin, cos) pair, not of the column
    angle = p / b ** (2 * i / d)
    if col == 2 * i:
        return math.sin(angle)
    return math.cos(angle)


def textbook_table(n: int, d_model: int, *, base: float = 10000.0) -> np.ndarray:
    """The table of :func:`textbook_pe` for positions ``0 … n-1`` (interleaved layout).

    Examples
    --------
    >>> textbook_table(3, 4).round(4)
    array([[ 0.    ,  1.    ,  0.    ,  1.    ],
           [ 0.8415,  0.5403,  0.01  ,  1.    ],
           [ 0.9093, -0.4161,  0.02  ,  0.9998]])
    """
    count = check_int(n, "n", minimum=0)
    d = check_d_model(d_model)
    if count * d > TEXTBOOK_MAX_ENTRIES:
        raise ValueError(
            f"n x d_model must be at most {TEXTBOOK_MAX_ENTRIES} (2**22) entries: textbook_table "
            f"evaluates entry by entry in Python, for teaching; got {count} x {d}. Use "
            f"sinusoidal() for large tables"
        )
    rows: list[list[float]] = [
        [textbook_pe(pos, j, d, base=base) for j in range(d)] for pos in range(count)
    ]
    return np.array(rows, dtype=np.float64).reshape(count, d)
