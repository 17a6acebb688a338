"""Benchmark: the reference table against the usual ways to compute it, and against two floors.

``python -m posenc_ref bench`` times, for each table size, the reference
(:func:`posenc_ref.sinusoidal`, float32 and float64), the textbook formula of the [PyTorch
transformer tutorial][tutorial] written in NumPy in float32 and in float64, the best plain
vectorized float64 formula, the tutorial in torch on the CPU (if torch is installed) and two
floors:

- **sin+cos**: ``np.sin`` and ``np.cos`` into preallocated arrays over a precomputed float64
  angle grid (what any method that evaluates every entry pays at least);
- **alloc+fill**: ``np.empty((n, d)).fill(1.0)`` (what any method that returns a new table pays
  at least), in float32 and float64.

[tutorial]: https://pytorch.org/tutorials/beginner/transformer_tutorial.html

Each method's time is the median of ``repeat`` runs after one warm-up run; its ratios to the floors
are what carries over between machines. Peak memory is measured in a separate run with
:mod:`tracemalloc` (NumPy reports its allocations to it), as a multiple of the output size.
Accuracy: the maximum error in ulps of the output dtype against mpmath on sampled rows. The
reference's float32 table is also verified *completely*: every entry is compared with the
faithful float64 table rounded to float32, and the entries whose float64 value is within two
float64 ulps of a float32 rounding boundary are recomputed with mpmath.

The conformance suite's cost is measured too: :func:`posenc_ref.conformance.check_table` on the
saved float32 table (the reference's, and the textbook one) against generating the reference
table; the goal is at most 3x.

Speed goals live here, never in a timed test.

Examples
--------
>>> result = run(sizes=[(64, 16)], repeat=1, sample_rows=2, verify=False)
>>> [m["name"] for m in result["sizes"][0]["methods"]][:2]
['reference float32', 'reference float64']
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

import posenc_ref
from posenc_ref import precision

#: The table sizes of the issue: (positions, width).
SIZES = ((8192, 1024), (131072, 512))
QUICK_SIZES = ((512, 64), (2048, 128))

Method = Callable[[int, int], Any]


def _tutorial_numpy(dtype: type) -> Method:
    def build(n: int, d: int) -> np.ndarray:
        position = np.arange(n, dtype=dtype)[:, None]
        div_term = np.exp(np.arange(0, d, 2, dtype=dtype) * dtype(-math.log(10000.0) / d))
        table = np.zeros((n, d), dtype=dtype)
        table[:, 0::2] = np.sin(position * div_term)
        table[:, 1::2] = np.cos(position * div_term)
        return table

    return build


def _plain_float64(n: int, d: int) -> np.ndarray:
    """The best plain vectorized float64 formula: correctly rounded frequencies, one angle grid,
    sin and cos written straight into the interleaved columns."""
    angle = np.arange(n, dtype=np.float64)[:, None] * posenc_ref.frequencies(d)
    table = np.empty((n, d))
    np.sin(angle, out=table[:, 0::2])
    np.cos(angle, out=table[:, 1::2])
    return table


def _product_only(n: int, d: int) -> np.ndarray:
    """The angle-addition product alone, float32 out, with no rounding check: a lower bound for
    the reference's float32 method in NumPy (tables of block bases and offsets, then one
    broadcast complex multiply rounded straight into the output). Needs ``n`` a multiple of the
    block size, as in the benchmark's sizes."""
    size = 1 << max(1, round(math.log2(n) / 2))
    blocks = -(-n // size)
    # Interleaved rows viewed as complex are sin + i cos; times -i they are cos - i sin.
    za = posenc_ref.sinusoidal(range(0, blocks * size, size), d).view(np.complex128)
    eb = -1j * posenc_ref.sinusoidal(size, d).view(np.complex128)
    table = np.empty((blocks * size, d), dtype=np.float32)
    np.multiply(
        za[:, None, :],
        eb[None, :, :],
        out=table.view(np.complex64).reshape(blocks, size, d // 2),
        casting="same_kind",
    )
    return table[:n]


def _torch_tutorial(torch: Any, dtype: Any) -> Method:
    def build(n: int, d: int) -> Any:
        position = torch.arange(n).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d, 2, dtype=dtype) * (-math.log(10000.0) / d))
        table = torch.zeros(n, d, dtype=dtype)
        table[:, 0::2] = torch.sin(position * div_term)
        table[:, 1::2] = torch.cos(position * div_term)
        return table

    return build


def methods() -> list[tuple[str, str, Method]]:
    """(name, output dtype, builder) of every timed method; torch ones only if torch imports."""
    found: list[tuple[str, str, Method]] = [
        ("reference float32", "float32", lambda n, d: posenc_ref.sinusoidal(n, d, dtype="float32")),
        ("reference float64", "float64", lambda n, d: posenc_ref.sinusoidal(n, d)),
        ("textbook float32 (tutorial)", "float32", _tutorial_numpy(np.float32)),
        ("textbook float64 (tutorial)", "float64", _tutorial_numpy(np.float64)),
        ("plain vectorized float64", "float64", _plain_float64),
        ("product only float32 (no rounding check)", "float32", _product_only),
    ]
    torch = _torch()
    if torch is None:
        return found
    found.append(("torch CPU float32 (tutorial)", "float32", _torch_tutorial(torch, torch.float32)))
    found.append(("torch CPU float64 (tutorial)", "float64", _torch_tutorial(torch, torch.float64)))
    return found


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch


#: Each timed sample runs the method often enough to last at least this long, so that tiny
#: tables (and the floors of --quick) are timed well above the clock's resolution.
MIN_SAMPLE_SECONDS = 0.005


def _median_ms(fn: Callable[[], Any], repeat: int) -> float:
    start = time.perf_counter()
    fn()  # warm-up: caches (frequencies), page mappings, lazy imports
    once = time.perf_counter() - start
    number = max(1, math.ceil(MIN_SAMPLE_SECONDS / max(once, 1e-9)))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return 1e3 * statistics.median(times)


def _peak_bytes(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
        del result
    finally:
        tracemalloc.stop()
    return peak


def floors(n: int, d: int, repeat: int) -> dict[str, float]:
    """Median times (ms) of the floors: sin+cos over an angle grid, and alloc+fill per dtype."""
    angle = np.arange(n, dtype=np.float64)[:, None] * posenc_ref.frequencies(d)
    s, c = np.empty_like(angle), np.empty_like(angle)

    def sincos() -> None:
        np.sin(angle, out=s)
        np.cos(angle, out=c)

    return {
        "sin+cos float64": _median_ms(sincos, repeat),
        "alloc+fill float32": _median_ms(lambda: np.empty((n, d), np.float32).fill(1.0), repeat),
        "alloc+fill float64": _median_ms(lambda: np.empty((n, d), np.float64).fill(1.0), repeat),
    }


def _sample_positions(n: int, count: int) -> np.ndarray:
    rng = np.random.default_rng(n)
    fixed = [0, 1, n - 1]
    extra = rng.choice(np.arange(2, n - 1), size=max(0, count - len(fixed)), replace=False)
    return np.unique(np.concatenate([fixed, extra]).astype(np.int64))[:count]


def _max_ulp(table: Any, rows: np.ndarray, truth: tuple[np.ndarray, np.ndarray]) -> float:
    values = np.asarray(table.numpy() if hasattr(table, "numpy") else table)[rows]
    return float(precision.ulp_error(values, *truth).max())


def verify_float32(n: int, d: int) -> dict[str, int]:
    """Check every entry of the reference float32 table (see the module text).

    Independent of the reference's own rounding code: the expected values are the faithful
    float64 table rounded to float32, except near a float32 rounding boundary, where they come
    from :func:`posenc_ref.precision.truth` (mpmath) and
    :func:`posenc_ref.precision.correctly_rounded`.
    """
    y32 = posenc_ref.sinusoidal(n, d, dtype=np.float32)
    rechecked = misrounded = 0
    step = max(1, 2**22 // d)  # rows per chunk: bounds the float64 temporaries
    for start in range(0, n, step):
        y64 = posenc_ref.sinusoidal(range(start, min(start + step, n)), d)
        expected = y64.astype(np.float32)
        margin = 2 * np.spacing(np.abs(y64))  # y64 is faithful: within one ulp of the exact value
        near = (y64 - margin).astype(np.float32) != (y64 + margin).astype(np.float32)
        rows = np.flatnonzero(near.any(axis=1))
        if rows.size:
            hi, lo = precision.truth(start + rows, d)
            exact = precision.correctly_rounded(hi, lo, np.float32)
            expected[rows] = np.where(near[rows], exact, expected[rows])
        rechecked += int(np.count_nonzero(near))
        misrounded += int(np.count_nonzero(y32[start : start + step] != expected))
    return {"entries": int(y32.size), "rechecked_in_mpmath": rechecked, "misrounded": misrounded}


def conformance_cost(n: int, d: int, repeat: int) -> dict[str, float]:
    """Median times (ms) of checking a saved ``n x d`` float32 table with
    :func:`posenc_ref.conformance.check_table` (the reference's table and the textbook one of
    the PyTorch tutorial), and of generating the reference table; ratios to the latter."""
    from posenc_ref import conformance

    reference = posenc_ref.sinusoidal(n, d, dtype=np.float32)
    textbook = _tutorial_numpy(np.float32)(n, d)
    generate = _median_ms(lambda: posenc_ref.sinusoidal(n, d, dtype=np.float32), repeat)
    check = _median_ms(lambda: conformance.check_table(reference), repeat)
    check_textbook = _median_ms(lambda: conformance.check_table(textbook), repeat)
    return {
        "generate_ms": generate,
        "check_reference_ms": check,
        "check_textbook_ms": check_textbook,
        "x_generate": check / generate,
        "x_generate_textbook": check_textbook / generate,
    }


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info: dict[str, Any] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
    }
    torch = _torch()
    info["torch"] = None if torch is None else torch.__version__
    if torch is not None:
        info["torch_threads"] = torch.get_num_threads()
    return info


def run(
    sizes: Any = SIZES,
    repeat: int = 5,
    sample_rows: int = 8,
    verify: bool = True,
    progress: Callable[[str], None] | None = None,
    conformance: bool = True,
) -> dict[str, Any]:
    """Run the benchmark; returns the JSON-ready result. ``progress`` receives one line per step
    (what is being timed or checked) as the run goes; ``conformance`` times the conformance
    check of each size's float32 table (:func:`conformance_cost`)."""
    say = progress or (lambda _line: None)
    result: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "repeat": repeat,
        "sizes": [],
    }
    found = methods()
    if result["machine"]["torch"] is None:
        say("torch is not installed: the torch rows are skipped")
    for n, d in sizes:
        say(f"{n}x{d}: timing the floors (sin+cos, alloc+fill)")
        floor = floors(n, d, repeat)
        rows = _sample_positions(n, sample_rows)
        say(f"{n}x{d}: ground truth of {rows.size} sampled rows (mpmath)")
        truth = precision.truth(rows, d)
        entry: dict[str, Any] = {"n": n, "d": d, "floors_ms": floor, "methods": []}
        for name, dtype, build in found:
            say(f"{n}x{d}: timing {name} ({repeat} runs)")
            ms = _median_ms(lambda build=build, n=n, d=d: build(n, d), repeat)
            # tracemalloc sees NumPy's allocations, not torch's: no number rather than a zero.
            peak = None
            if not name.startswith("torch"):
                peak = _peak_bytes(lambda build=build, n=n, d=d: build(n, d))
            out_bytes = n * d * np.dtype(dtype).itemsize
            entry["methods"].append(
                {
                    "name": name,
                    "dtype": dtype,
                    "median_ms": ms,
                    "x_alloc_fill": ms / floor[f"alloc+fill {dtype}"],
                    "x_sincos": ms / floor["sin+cos float64"],
                    "peak_bytes": peak,
                    "peak_x_output": None if peak is None else peak / out_bytes,
                    "max_ulp": _max_ulp(build(n, d), rows, truth),
                }
            )
        if verify:
            say(f"{n}x{d}: checking every entry of the float32 table")
            entry["verify_float32"] = verify_float32(n, d)
        if conformance:
            say(f"{n}x{d}: timing the conformance check of the float32 tables")
            entry["conformance"] = conformance_cost(n, d, repeat)
        result["sizes"].append(entry)
    return result


def load(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a result written by ``bench --json`` (for the docs page and its figure)."""
    with open(path, encoding="utf-8") as fh:
        result = json.load(fh)
    for key in ("date", "machine", "sizes"):
        if key not in result:
            raise ValueError(f"{path}: not a benchmark result (no {key!r})")
    return result


def markdown(result: dict[str, Any]) -> str:
    """The result as Markdown tables, one per size."""
    lines: list[str] = []
    if result["machine"].get("torch") is None:
        lines += ["torch was not installed: no torch rows.", ""]
    for size in result["sizes"]:
        f = size["floors_ms"]
        lines.append(
            f"**{size['n']} x {size['d']}** (floors: sin+cos {f['sin+cos float64']:.1f} ms, "
            f"alloc+fill float32 {f['alloc+fill float32']:.1f} ms, "
            f"float64 {f['alloc+fill float64']:.1f} ms)"
        )
        lines.append("")
        lines.append(
            "| method | median ms | x alloc+fill | x sin+cos | peak memory x output | max ulp |"
        )
        lines.append("|---|---|---|---|---|---|")
        for m in size["methods"]:
            peak = "n/a" if m["peak_x_output"] is None else f"{m['peak_x_output']:.2f}"
            lines.append(
                f"| {m['name']} | {m['median_ms']:.1f} | {m['x_alloc_fill']:.2f} | "
                f"{m['x_sincos']:.2f} | {peak} | {m['max_ulp']:.3g} |"
            )
        if "verify_float32" in size:
            v = size["verify_float32"]
            lines.append("")
            lines.append(
                f"Complete float32 table: {v['entries']} entries, {v['rechecked_in_mpmath']} "
                f"rechecked in mpmath, {v['misrounded']} misrounded."
            )
        if "conformance" in size:
            c = size["conformance"]
            lines.append("")
            lines.append(
                f"Conformance check (check_table) of the saved float32 table: reference "
                f"{c['check_reference_ms']:.1f} ms = {c['x_generate']:.2f} x generating it "
                f"({c['generate_ms']:.1f} ms); textbook {c['check_textbook_ms']:.1f} ms = "
                f"{c['x_generate_textbook']:.2f} x (goal: at most 3 x)."
            )
        lines.append("")
    return "\n".join(lines)
