"""Argument checks shared by every public function: one rule for each kind of argument.

The rule, stated once (the API reference repeats it, and ``tests/test_arguments.py`` sweeps every
public function with the same bad inputs):

- **Integers** (``d_model``, ``d_head``, ``k``, ``i``, ``j``, ``n``, ``n_heads``, ``seed``, …)
  accept a Python ``int`` or a NumPy integer scalar (anything with ``__index__``), never a
  ``bool`` and never a float, not even a whole one: ``4.0`` is a ``TypeError``. A float that
  happens to be whole is more often a bug (a width computed by a division) than an intent.
- **Reals** (``base``, ``factor``, ``shift``, …) accept a Python or NumPy int or float, never a
  ``bool``; they must be finite.
- **Choices** (``layout``, ``kind``, ``method``, …) are exact strings from a listed set.
- **Flags** (``exact``, ``truncate``, …) are ``True`` or ``False``.
- **Positions** are an int count ``n`` (positions ``0 … n-1``), a ``range``, or a 1-D array of
  integers (a float array is accepted when every value is a finite whole number: frameworks often
  keep positions in float tensors). Integer arrays are checked in their own dtype before any cast.

Every message has the same shape: ``<argument> must be <rule>; got <value>``, naming the argument
and the rule it broke, so bad input never turns into a silently wrong table. Nothing here is
public API; the messages are.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

#: The three channel layouts of a sinusoidal table (see :data:`posenc_ref.LAYOUTS`).
LAYOUTS: tuple[str, ...] = ("interleaved", "sin|cos", "cos|sin")

#: The two channel layouts of RoPE (see :data:`posenc_ref.rope.ROPE_LAYOUTS`).
ROPE_LAYOUTS: tuple[str, ...] = ("interleaved", "half")

#: Output dtypes the reference produces, with the accuracy it promises for each.
DTYPES: tuple[np.dtype, ...] = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))

#: Positions must satisfy |p| * max(omega) < POSITION_LIMIT (2**26): there the compensated angle
#: of the reference is exact, which is what the accuracy contract rests on. Since omega_0 = 1 for
#: every base, |p| < 2**26 is necessary in every case and is checked before anything is built.
POSITION_LIMIT = 2**26

#: The widest table the reference builds: every frequency is computed once in high precision
#: (about 50 000 pairs a second), so wider requests are refused before that work starts.
MAX_D_MODEL = 2**18

#: The most positions a range or count may expand to before the range check (bounds memory).
MAX_RANGE = POSITION_LIMIT * 2


def describe(value: Any) -> str:
    """``value`` as the messages show it: its repr (shortened) and, unless obvious, its type."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    if type(value) in (int, float, str):
        return text
    return f"{text} ({type(value).__name__})"


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def check_int(value: Any, name: str, *, minimum: int | None = None, rule: str = "") -> int:
    """Return ``value`` as an int, or raise: an integer (see the module rule), ``>= minimum``.

    ``rule`` replaces the default wording of the requirement (e.g. "a positive even integer").
    """
    wording = rule or ("an integer" if minimum is None else f"an integer >= {minimum}")
    if _is_bool(value) or isinstance(value, (float, np.floating, complex, str, bytes)):
        raise TypeError(f"{name} must be {wording}; got {describe(value)}")
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be {wording}; got {describe(value)}") from None
    if minimum is not None and number < minimum:
        raise ValueError(f"{name} must be {wording}; got {number}")
    return number


def check_real(value: Any, name: str, *, rule: str = "a finite real number") -> float:
    """Return ``value`` as a float, or raise: a real number (not a bool), finite."""
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {rule}; got {describe(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{name} must be {rule}; got {value!r}, too large for a float") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be {rule}; got {number}")
    return number


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    """Return ``value``, or raise: one of ``choices`` (exact strings)."""
    if not isinstance(value, str) or value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}; got {describe(value)}")
    return value


def check_flag(value: Any, name: str) -> bool:
    """Return ``value`` as a bool, or raise: ``True`` or ``False``."""
    if not _is_bool(value):
        raise TypeError(f"{name} must be True or False; got {describe(value)}")
    return bool(value)


def check_d_model(d_model: Any, name: str = "d_model") -> int:
    """Return the width as an int, or raise: a positive even integer up to :data:`MAX_D_MODEL`.

    ``name`` is the argument's name in the caller (``d_head`` for RoPE).
    """
    d = check_int(d_model, name, rule="a positive even integer")
    if d <= 0:
        raise ValueError(f"{name} must be a positive even integer; got {d}")
    if d % 2:
        raise ValueError(
            f"{name} must be even: the encoding is made of (sin, cos) pairs, so "
            f"{name} = 2 x (number of pairs); got {d}. Odd widths are a per-framework rule "
            f"(zero column, trailing sine, or error): see posenc_ref.conventions"
        )
    check_width_limit(d, name)
    return d


def check_width_limit(d: int, name: str = "d_model") -> None:
    """Raise if a width exceeds :data:`MAX_D_MODEL` (checked before any frequency is computed)."""
    if d > MAX_D_MODEL:
        raise ValueError(
            f"{name} must be at most {MAX_D_MODEL} (2**18), the widest table the reference "
            f"builds (each frequency is computed in high precision); got {d}"
        )


def check_d_head(d_head: Any) -> int:
    """:func:`check_d_model` under the name RoPE uses for its width."""
    return check_d_model(d_head, "d_head")


def check_base(base: Any, name: str = "base") -> float:
    """Return ``base`` as a float, or raise: a finite real number > 0 and != 1."""
    b = check_real(base, name, rule="a finite real number > 0 and != 1")
    if b <= 0:
        raise ValueError(
            f"{name} must be a finite real number > 0 and != 1 (frequencies are "
            f"base**(-2i/d_model)); got {b}"
        )
    if b == 1:
        raise ValueError(
            f"{name} must not be 1: every frequency would be 1, so all pairs would repeat the "
            "same sinusoid"
        )
    return b


def check_layout(layout: Any) -> str:
    """Return ``layout``, or raise: one of :data:`LAYOUTS`."""
    return check_choice(layout, "layout", LAYOUTS)


def check_rope_layout(layout: Any) -> str:
    """Return ``layout``, or raise: one of :data:`ROPE_LAYOUTS`."""
    return check_choice(layout, "layout", ROPE_LAYOUTS)


def check_dtype(dtype: Any, name: str = "dtype") -> np.dtype:
    """Return ``dtype`` as a native-order NumPy dtype, or raise: float16, float32 or float64."""
    allowed = "one of float16, float32, float64"
    if _is_bool(dtype) or isinstance(dtype, (int, float)):
        raise TypeError(f"{name} must be {allowed}; got {describe(dtype)}")
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be {allowed}; got {describe(dtype)}") from None
    if dt.kind == "f" and not dt.isnative:
        dt = dt.newbyteorder("=")  # '>f4' is float32 too; results come in native byte order
    if dt not in DTYPES:
        raise TypeError(f"{name} must be {allowed}; got {dt.name}")
    return dt


_POSITIONS_RULE = "an int n, a range, or a 1-D array of integers"


def check_positions(
    positions: Any, name: str = "positions", *, limit: int | None = POSITION_LIMIT
) -> np.ndarray:
    """Return positions as a 1-D int64 array, or raise (see the module rule).

    With ``limit`` (default ``2**26``), every ``|p|`` must be below it; counts and ranges are
    checked from their bounds, before anything is allocated.
    """
    if _is_bool(positions) or isinstance(
        positions, (float, complex, str, bytes, bytearray, memoryview, np.floating)
    ):
        raise TypeError(f"{name} must be {_POSITIONS_RULE}; got {describe(positions)}")
    if isinstance(positions, (int, np.integer)):
        n = int(positions)
        if n < 0:
            raise ValueError(
                f"{name} must be {_POSITIONS_RULE} (an int means the count n of positions "
                f"0..n-1, so n >= 0); got {n}"
            )
        _check_bounds(name, 0, n - 1, limit)
        if n > MAX_RANGE:
            raise ValueError(f"{name}: a count of {n} positions is too many (at most {MAX_RANGE})")
        return np.arange(n, dtype=np.int64)
    if isinstance(positions, range):
        if len_range(positions) == 0:
            return np.empty(0, dtype=np.int64)
        first, last = positions[0], positions[-1]  # exact for any range, however long
        _check_bounds(name, min(first, last), max(first, last), limit)
        if len_range(positions) > MAX_RANGE:
            raise ValueError(
                f"{name}: a range of {len_range(positions)} positions is too long "
                f"(at most {MAX_RANGE})"
            )
        return np.arange(positions.start, positions.stop, positions.step, dtype=np.int64)
    if (
        positions is None
        or isinstance(positions, (set, frozenset, dict))
        or not (hasattr(positions, "__len__") or hasattr(positions, "__array__"))
    ):
        raise TypeError(f"{name} must be {_POSITIONS_RULE}; got {describe(positions)}")
    if isinstance(positions, np.ma.MaskedArray):  # np.asarray would drop the mask silently
        raise TypeError(f"{name} must be {_POSITIONS_RULE}; got a masked array")
    try:
        arr = np.asarray(positions)
    except (ValueError, TypeError) as exc:
        raise TypeError(f"{name} must be {_POSITIONS_RULE} ({exc})") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D ({_POSITIONS_RULE}); got shape {arr.shape}")
    kind = arr.dtype.kind
    if kind == "O":
        values = arr.tolist()
        if not all(isinstance(v, (int, np.integer)) and not _is_bool(v) for v in values):
            raise TypeError(f"{name} must hold integers; got an object array with other values")
        if values and max(abs(v) for v in values) >= 2**63:
            raise ValueError(f"{name} must fit in int64 (|p| < 2**63); got larger integers")
        arr = np.array(values, dtype=np.int64)
        kind = "i"
    if kind in "iu":
        if arr.size:
            # In the array's own dtype: a uint64 above 2**63 must not wrap to a negative int64.
            lo, hi = int(arr.min()), int(arr.max())
            if hi >= 2**63 or lo < -(2**63):
                raise ValueError(f"{name} must fit in int64 (|p| < 2**63); got {hi}")
            _check_bounds(name, lo, hi, limit)
        return arr.astype(np.int64)
    if kind == "f":
        bad = ~np.isfinite(arr)
        if bad.any():
            j = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{name} must be finite; got {arr[j]} at index {j}")
        frac = arr != np.round(arr)
        if frac.any():
            j = int(np.flatnonzero(frac)[0])
            raise ValueError(
                f"{name} must be whole numbers (the table is defined at integer positions); "
                f"got {arr[j]} at index {j}"
            )
        if arr.size:
            lo, hi = float(arr.min()), float(arr.max())
            if max(-lo, hi) >= 2.0**63:
                raise ValueError(f"{name} must fit in int64 (|p| < 2**63); got {max(-lo, hi):g}")
            _check_bounds(name, int(lo), int(hi), limit)
        return arr.astype(np.int64)
    if kind == "b":
        raise TypeError(f"{name} must be integers; got a boolean array")
    raise TypeError(f"{name} must be integers; got an array of dtype {arr.dtype}")


def len_range(r: range) -> int:
    """``len(r)`` without the OverflowError ``len`` raises beyond ``sys.maxsize``."""
    return max(0, -(-(r.stop - r.start) // r.step))


def _check_bounds(name: str, lo: int, hi: int, limit: int | None) -> None:
    if limit is not None and max(-lo, hi) >= limit:
        raise ValueError(
            f"{name} must satisfy |p| < 2**26 = {limit}, the range of the accuracy contract; "
            f"got |p| = {max(-lo, hi)}"
        )


def max_abs_position(pos: np.ndarray) -> int:
    """``max |p|`` of a non-empty int64 array, as a Python int.

    Computed from the extremes: ``np.abs(-2**63)`` overflows int64 back to a negative number.
    """
    return max(-int(pos.min()), int(pos.max()))


def check_position_range(pos: np.ndarray, max_omega: float, name: str = "positions") -> None:
    """Raise if some |p| * max_omega reaches :data:`POSITION_LIMIT` (outside the contract)."""
    if pos.size == 0:
        return
    big = max_abs_position(pos)
    if max_omega <= 1.0:
        _check_bounds(name, -big, big, POSITION_LIMIT)
    elif big * max_omega >= POSITION_LIMIT:
        raise ValueError(
            f"{name} must satisfy |p| * max frequency < 2**26, the range of the accuracy "
            f"contract; the largest frequency is {max_omega:g}, so |p| must be below "
            f"{POSITION_LIMIT / max_omega:.6g}; got |p| = {big}"
        )


def check_array(
    value: Any, name: str, *, kinds: str = "iuf", ndim: int | None = None, finite: bool = True
) -> np.ndarray:
    """Return ``value`` as a NumPy array in native byte order, or raise: a real numeric array
    (dtype kinds ``kinds``) with ``ndim`` dimensions, finite when ``finite``."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array ({exc})") from None
    if arr.dtype.kind not in kinds:
        wanted = "floating-point" if kinds == "f" else "real numeric"
        raise TypeError(f"{name} must be a {wanted} array; got dtype {arr.dtype}")
    if not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))  # judge values, not byte order
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D; got shape {arr.shape}")
    if finite and arr.dtype.kind == "f" and not np.isfinite(arr).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(f"{name} must be finite; entry {bad} is {arr[bad]}")
    return arr
