r"""The shift as a rotation: :math:`PE(p + k) = R(k)\,PE(p)`.

For each pair the angle addition formulas give

.. math::

    \begin{pmatrix} \sin\omega(p+k) \\ \cos\omega(p+k) \end{pmatrix} =
    \begin{pmatrix} \cos\omega k & \sin\omega k \\ -\sin\omega k & \cos\omega k \end{pmatrix}
    \begin{pmatrix} \sin\omega p \\ \cos\omega p \end{pmatrix}

so the whole table shifts by a block-diagonal matrix that depends on ``k`` only (theorem
``thm-shift``). In the paper's component order (sine first) each block is the rotation by
``-kω``: equivalently the point ``(cos ωp, sin ωp)`` turns counter-clockwise by ``kω``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import _layout
from ._validate import check_d_model, check_int, check_layout
from .sinusoidal import sinusoidal

__all__ = ["rotation"]


def rotation(
    k: int,
    d_model: int,
    *,
    base: float = 10000.0,
    layout: str = "interleaved",
    dtype: npt.DTypeLike = np.float64,
) -> np.ndarray:
    r"""The matrix :math:`R(k)` with :math:`PE(p + k) = R(k)\,PE(p)` for every position ``p``.

    ``PE(p)`` is a column vector (a row of :func:`~posenc_ref.sinusoidal` transposed), so for a
    whole table ``T`` of rows ``PE(p)``: ``T_shifted = T @ R(k).T``. ``R(k)`` is block diagonal in
    the pairs, orthogonal, with ``det R(k) = 1``, ``R(a) @ R(b) = R(a + b)`` and
    ``R(k).T = R(-k)``. Its entries are ``cos(kω_i)`` and ``±sin(kω_i)``: the table's own values at
    position ``k``, with the same accuracy.

    Parameters
    ----------
    k : int
        The offset; any integer with ``|k| < 2**26`` (negative shifts move backwards).
    d_model, base, layout, dtype
        As for :func:`~posenc_ref.sinusoidal`.

    Returns
    -------
    numpy.ndarray
        Array of shape ``(d_model, d_model)``.

    Examples
    --------
    >>> R = rotation(1, 4)
    >>> R.round(4)
    array([[ 0.5403,  0.8415,  0.    ,  0.    ],
           [-0.8415,  0.5403,  0.    ,  0.    ],
           [ 0.    ,  0.    ,  1.    ,  0.01  ],
           [ 0.    ,  0.    , -0.01  ,  1.    ]])
    >>> table = sinusoidal(range(10), 4)
    >>> bool(np.allclose(table[:-1] @ R.T, table[1:], rtol=0, atol=1e-15))
    True
    """
    shift = check_int(k, "k")
    d = check_d_model(d_model)
    lay = check_layout(layout)
    pe_k = sinusoidal([shift], d, base=base, layout=lay, dtype=dtype)[0]
    out = np.zeros((d, d), dtype=pe_k.dtype)
    pairs = np.arange(d // 2)
    js = _layout.column(pairs, _layout.SIN, d // 2, lay)
    jc = _layout.column(pairs, _layout.COS, d // 2, lay)
    s, c = pe_k[js], pe_k[jc]
    out[js, js] = c
    out[js, jc] = s
    out[jc, js] = -s
    out[jc, jc] = c
    return out
