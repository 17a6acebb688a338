"""The layout map, written once: where the two components of pair ``i`` sit among the columns.

A table of ``h = d/2`` pairs puts the first component of pair ``i`` (the sine; for RoPE the
plane coordinate ``a``) and the second (the cosine; RoPE's ``b``) in two columns:

=============== ================= =================
layout          first component   second component
=============== ================= =================
``interleaved`` ``2i``            ``2i + 1``
``sin|cos``     ``i``             ``h + i``
``half`` (RoPE) ``i``             ``h + i``
``cos|sin``     ``h + i``         ``i``
=============== ================= =================

Every other module (the table, the index helpers, RoPE's planes, the conventions' odd-width rules
and column roles, identification) uses these functions instead of its own switch on the layout.
"""

from __future__ import annotations

import numpy as np

#: The component numbers: 0 is the sine (RoPE: ``a``), 1 the cosine (RoPE: ``b``).
SIN, COS = 0, 1
FUNCS = ("sin", "cos")


def components(x: np.ndarray, layout: str) -> tuple[np.ndarray, np.ndarray]:
    """Views of the first and second components of every pair along the last axis of ``x``."""
    if layout == "interleaved":
        return x[..., 0::2], x[..., 1::2]
    half = x.shape[-1] // 2
    first, second = x[..., :half], x[..., half : 2 * half]
    return (second, first) if layout == "cos|sin" else (first, second)


def merge(first: np.ndarray, second: np.ndarray, layout: str, dtype=None) -> np.ndarray:
    """A new array whose pairs hold ``first`` and ``second`` (each ``(..., h)``) in ``layout``."""
    out = np.empty((*first.shape[:-1], 2 * first.shape[-1]), dtype=dtype or first.dtype)
    a, b = components(out, layout)
    a[...] = first
    b[...] = second
    return out


def column(pair, component, half: int, layout: str):
    """Column of ``component`` (0 sine, 1 cosine) of ``pair``; works on ints and arrays."""
    if layout == "interleaved":
        return 2 * pair + component
    if layout == "cos|sin":
        return pair + half * (1 - component)
    return pair + half * component


def pair_of_column(j: int, half: int, layout: str) -> tuple[int, int]:
    """``(pair, component)`` held by column ``j``: the inverse of :func:`column`."""
    if layout == "interleaved":
        return j // 2, j % 2
    pair, upper = (j - half, 1) if j >= half else (j, 0)
    return pair, (1 - upper if layout == "cos|sin" else upper)


def dropped_cosine(pairs: int, layout: str) -> int:
    """The column removed by the odd-width rule "sine": the cosine of the last of ``pairs``
    pairs, so that ``2·pairs − 1`` columns remain with one more sine than cosine."""
    return column(pairs - 1, COS, pairs, layout)


def column_roles(d: int, layout: str, odd: str) -> list[tuple[str, int]]:
    """``(function, pair)`` of each of the ``d`` columns: ``("sin", i)``, ``("cos", i)`` or
    ``("zero", -1)`` for the zero column of the odd-width rule "zero".

    Odd widths follow the rule ``odd``: "sine" computes ``ceil(d/2)`` pairs and drops the last
    cosine; "truncate" keeps the first ``d`` columns of ``ceil(d/2)`` pairs; "zero" appends a zero
    column to ``floor(d/2)`` pairs.
    """
    if d % 2 and odd == "truncate":  # the first d columns of the table of width d + 1
        return column_roles(d + 1, layout, "error")[:d]
    if d % 2 and odd == "sine":
        m = (d + 1) // 2
        full = column_roles(2 * m, layout, "error")
        drop = dropped_cosine(m, layout)
        return [r for j, r in enumerate(full) if j != drop]
    m = d // 2
    roles = [(FUNCS[c], i) for i, c in (pair_of_column(j, m, layout) for j in range(2 * m))]
    if d % 2:
        roles.append(("zero", -1))
    return roles
