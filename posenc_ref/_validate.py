"""Argument checks shared by the public functions.

Every check names the argument and the rule it broke, so that bad input never turns into a silently
wrong table. Nothing here is public API; the messages are.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

#: The three channel layouts of a sinusoidal table (see :data:`posenc_ref.LAYOUTS`).
LAYOUTS: tuple[str, ...] = ("interleaved", "sin|cos", "cos|sin")

#: Output dtypes the reference produces, with the accuracy it promises for each.
DTYPES: tuple[np.dtype, ...] = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))

#: Positions must satisfy |p| * max(omega) < POSITION_LIMIT (2**26): there the compensated angle
#: of the reference is exact, which is what the accuracy contract rests on.
POSITION_LIMIT = 2**26


def _is_integer(x: Any) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, (bool, np.bool_))


def check_d_model(d_model: Any) -> int:
    """Return ``d_model`` as an int, or raise: it must be a positive even integer."""
    if not _is_integer(d_model):
        raise TypeError(
            f"d_model must be a positive even integer; got {d_model!r} "
            f"of type {type(d_model).__name__}"
        )
    d = int(d_model)
    if d <= 0:
        raise ValueError(f"d_model must be a positive even integer; got {d}")
    if d % 2:
        raise ValueError(
            f"d_model must be even: the encoding is made of (sin, cos) pairs, so "
            f"d_model = 2 x (number of pairs); got {d}. Odd widths are a per-framework rule "
            f"(zero column, trailing sine, or error): see posenc_ref.conventions"
        )
    return d


def check_base(base: Any) -> float:
    """Return ``base`` as a float, or raise: it must be a finite real number > 0 and != 1."""
    if isinstance(base, (bool, np.bool_)) or not isinstance(base, numbers.Real):
        raise TypeError(
            f"base must be a real number > 0 and != 1; got {base!r} of type {type(base).__name__}"
        )
    b = float(base)
    if not math.isfinite(b):
        raise ValueError(f"base must be finite; got {b}")
    if b <= 0:
        raise ValueError(f"base must be > 0 (frequencies are base**(-2i/d_model)); got {b}")
    if b == 1:
        raise ValueError(
            "base must not be 1: every frequency would be 1, so all pairs would repeat the same "
            "sinusoid"
        )
    return b


def check_layout(layout: Any) -> str:
    """Return ``layout``, or raise: it must be one of :data:`LAYOUTS`."""
    if not isinstance(layout, str) or layout not in LAYOUTS:
        allowed = ", ".join(repr(x) for x in LAYOUTS)
        raise ValueError(f"layout must be one of {allowed}; got {layout!r}")
    return layout


def check_dtype(dtype: Any) -> np.dtype:
    """Return ``dtype`` as a NumPy dtype, or raise: float16, float32 or float64 only."""
    allowed = "float16, float32, float64"
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"dtype must be one of {allowed}; got {dtype!r}") from exc
    if dt.kind == "f" and not dt.isnative:
        dt = dt.newbyteorder("=")  # '>f4' is float32 too; results come in native byte order
    if dt not in DTYPES:
        raise TypeError(f"dtype must be one of {allowed}; got {dt.name}")
    return dt


def check_integer(value: Any, name: str) -> int:
    """Return ``value`` as an int, or raise: it must be an integer (not a bool)."""
    if _is_integer(value):
        return int(value)
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and value == int(value):
        return int(value)
    raise TypeError(f"{name} must be an integer; got {value!r} of type {type(value).__name__}")


def check_positions(positions: Any) -> np.ndarray:
    """Return positions as a 1-D int64 array, or raise.

    Accepted: an int ``n`` (meaning ``0 … n-1``), a ``range``, or a 1-D array-like of integers
    (float arrays are accepted only when every value is a finite whole number).
    """
    if _is_integer(positions):
        n = int(positions)
        if n < 0:
            raise ValueError(
                f"positions: an integer means the count n of positions 0..n-1 and must be >= 0; "
                f"got {n}"
            )
        return np.arange(n, dtype=np.int64)
    if isinstance(positions, range):
        # From the bounds: len() of a range longer than 2**63 raises OverflowError.
        if max(abs(positions.start), abs(positions.stop)) > 2**63:
            raise ValueError("positions must fit in int64 (|p| < 2**63); got a larger range")
        count = max(0, -(-(positions.stop - positions.start) // positions.step))
        if count > 2**40:
            raise ValueError(f"positions: a range of {count} positions is too long")
        return np.arange(positions.start, positions.stop, positions.step, dtype=np.int64)
    if isinstance(positions, (bool, np.bool_, float, complex, str, bytes)):
        raise TypeError(
            f"positions must be an int n, a range, or a 1-D array of integers; got {positions!r}"
        )
    try:
        arr = np.asarray(positions)
    except (ValueError, TypeError) as exc:
        raise TypeError(
            f"positions must be an int n, a range, or a 1-D array of integers ({exc})"
        ) from exc
    if arr.ndim != 1:
        raise ValueError(f"positions must be 1-D; got an array of shape {arr.shape}")
    kind = arr.dtype.kind
    if kind in "iu":
        if kind == "u" and arr.size and int(arr.max()) > np.iinfo(np.int64).max:
            raise ValueError("positions: unsigned values do not fit in int64")
        return arr.astype(np.int64)
    if kind == "f":
        bad = ~np.isfinite(arr)
        if bad.any():
            j = int(np.flatnonzero(bad)[0])
            raise ValueError(f"positions must be finite; got {arr[j]} at index {j}")
        frac = arr != np.round(arr)
        if frac.any():
            j = int(np.flatnonzero(frac)[0])
            raise ValueError(
                f"positions must be whole numbers (the table is defined at integer positions); "
                f"got {arr[j]} at index {j}"
            )
        if arr.size and float(np.max(np.abs(arr))) >= 2.0**63:
            raise ValueError("positions: values too large for int64")
        return arr.astype(np.int64)
    if kind == "b":
        raise TypeError("positions must be integers; got a boolean array")
    if kind == "O" and all(_is_integer(v) for v in arr.tolist()):
        raise ValueError("positions must fit in int64 (|p| < 2**63); got larger integers")
    raise TypeError(f"positions must be integers; got an array of dtype {arr.dtype}")


def max_abs_position(pos: np.ndarray) -> int:
    """``max |p|`` of a non-empty int64 array, as a Python int.

    Computed from the extremes: ``np.abs(-2**63)`` overflows int64 back to a negative number.
    """
    return max(-int(pos.min()), int(pos.max()))


def check_position_range(pos: np.ndarray, max_omega: float) -> None:
    """Raise if some |p| * max_omega reaches :data:`POSITION_LIMIT` (outside the contract)."""
    if pos.size == 0:
        return
    big = max_abs_position(pos)
    if max_omega <= 1.0:
        if big >= POSITION_LIMIT:
            raise ValueError(
                f"positions must satisfy |p| < 2**26 = {POSITION_LIMIT}, the range of the "
                f"accuracy contract; got |p| = {big}"
            )
    elif big * max_omega >= POSITION_LIMIT:
        raise ValueError(
            f"positions must satisfy |p| * max frequency < 2**26, the range of the accuracy "
            f"contract; the largest frequency is {max_omega:g}, so |p| must be below "
            f"{POSITION_LIMIT / max_omega:.6g}; got |p| = {big}"
        )
