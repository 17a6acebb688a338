"""Which ``i``? Column index ↔ pair index, for every layout.

In ``PE(pos, 2i) = sin(pos / 10000^(2i/d))`` the letter ``i`` counts (sin, cos) **pairs**; the
column is ``2i`` or ``2i + 1``. Reading ``i`` as the column index puts the wrong exponent on
every column after the first pair, a bug found in many repositories. These helpers answer the
question in code, for each layout.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal, NamedTuple

from . import _layout
from ._validate import LAYOUTS as _LAYOUTS
from ._validate import check_choice, check_d_model, check_int, check_layout

__all__ = ["LAYOUTS", "Column", "column_to_pair", "exponent", "pair_to_column"]

LAYOUTS: tuple[str, ...] = _LAYOUTS
"""The channel layouts: ``"interleaved"`` (the paper: sine of pair ``i`` in column ``2i``, cosine in
``2i + 1``), ``"sin|cos"`` (all sines, then all cosines: tensor2tensor, fairseq) and ``"cos|sin"``
(all cosines, then all sines: guided-diffusion)."""

Func = Literal["sin", "cos"]


class Column(NamedTuple):
    """What a column of the table holds: the pair index and the function applied to it."""

    pair: int
    """Pair index ``i`` (0-based): the column uses the frequency ``base**(-2i/d)``."""
    func: Func
    """``"sin"`` or ``"cos"``."""


def column_to_pair(j: int, d_model: int, *, layout: str = "interleaved") -> Column:
    """The pair index and function of column ``j``.

    Examples
    --------
    >>> column_to_pair(5, 8)
    Column(pair=2, func='cos')
    >>> column_to_pair(5, 8, layout="sin|cos")
    Column(pair=1, func='cos')
    """
    d = check_d_model(d_model)
    lay = check_layout(layout)
    col = check_int(j, "j")
    if not 0 <= col < d:
        raise ValueError(f"j must be a column index 0 <= j < d_model = {d}; got {col}")
    pair, component = _layout.pair_of_column(col, d // 2, lay)
    return Column(pair, _layout.FUNCS[component])  # type: ignore[arg-type]


def pair_to_column(i: int, func: str, d_model: int, *, layout: str = "interleaved") -> int:
    """The column holding ``func`` (``"sin"`` or ``"cos"``) of pair ``i``.

    Examples
    --------
    >>> pair_to_column(2, "cos", 8)
    5
    >>> pair_to_column(2, "cos", 8, layout="sin|cos")
    6
    """
    d = check_d_model(d_model)
    lay = check_layout(layout)
    pair = check_int(i, "i")
    half = d // 2
    if not 0 <= pair < half:
        raise ValueError(f"i must be a pair index 0 <= i < d_model/2 = {half}; got {pair}")
    component = _layout.FUNCS.index(check_choice(func, "func", _layout.FUNCS))
    return int(_layout.column(pair, component, half, lay))


def exponent(j: int, d_model: int, *, layout: str = "interleaved") -> Fraction:
    """The exponent ``2i/d`` in ``base**(2i/d)`` used by column ``j`` (exact fraction).

    Examples
    --------
    ``PE(pos, 2)`` is the sine of pair 1 and ``PE(pos, 5)`` the cosine of pair 2:

    >>> exponent(2, 512), exponent(5, 512)
    (Fraction(1, 256), Fraction(1, 128))
    """
    d = check_d_model(d_model)
    col = column_to_pair(j, d, layout=layout)
    return Fraction(2 * col.pair, d)
