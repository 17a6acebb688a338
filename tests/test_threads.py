"""Thread safety: tables built by many threads at once are bit-identical to single-threaded ones,
and the caller's mpmath precision is never changed (issue F1 of the reliability audit).

Each round uses widths and bases that nothing else in the run has used, so every thread has to
fill the caches itself, with the interpreter switching threads as often as it can.
"""

from __future__ import annotations

import sys
import threading

import mpmath
import numpy as np
import pytest

import posenc_ref as pe
from posenc_ref import _exact, _faithful64, _kernel, precision
from posenc_ref import rope_scaling as rs

ROUNDS = 20
THREADS = 8
POSITIONS = np.sort(np.random.default_rng(7).integers(0, 2**26, 48))


def _clear_caches() -> None:
    _kernel.frequencies_dd.cache_clear()
    _exact.exact_frequencies.cache_clear()
    _faithful64._power.cache_clear()
    rs._scaled_omegas.cache_clear()


def _work(d: int, base: float) -> list[np.ndarray]:
    yarn = rs.RopeScaling("yarn", 2.0 + d / 1000, original_max_positions=4096)
    return [
        pe.sinusoidal(POSITIONS, d, base=base, dtype=np.float32),  # scattered: per-entry kernel
        pe.sinusoidal(range(1000, 1200), d, base=base),  # consecutive float64: double-double tables
        pe.sinusoidal(range(5000, 5300), d, base=base, dtype=np.float16),  # blocked, rechecked
        *rs.scaled_rope_pairs(POSITIONS, d, yarn, base=base, dtype=np.float32),
        *precision.truth(POSITIONS[:3], d, base=base, prec=96),
    ]


def _run(cfg: tuple[int, float], results: dict, errors: list) -> None:
    try:
        results[cfg] = _work(*cfg)
    except BaseException as exc:  # reported in the main thread
        errors.append(exc)


@pytest.mark.slow
def test_threads_give_single_threaded_results_and_leave_mpmath_alone():
    caller_prec = 77  # a precision no computation of the package uses
    saved_prec, saved_switch = mpmath.mp.prec, sys.getswitchinterval()
    mpmath.mp.prec = caller_prec
    sys.setswitchinterval(1e-6)
    try:
        for r in range(ROUNDS):
            configs = [(8 + 2 * k, 1234.5 + 100 * r + k) for k in range(THREADS)]
            threaded: dict[tuple[int, float], list[np.ndarray]] = {}
            errors: list[BaseException] = []
            threads = [threading.Thread(target=_run, args=(c, threaded, errors)) for c in configs]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert not errors, errors
            assert mpmath.mp.prec == caller_prec, f"round {r}: mpmath.mp.prec changed"
            sys.setswitchinterval(saved_switch)
            _clear_caches()  # recompute from scratch, in one thread
            for cfg in configs:
                alone = _work(*cfg)
                for a, b in zip(threaded[cfg], alone, strict=True):
                    assert a.dtype == b.dtype
                    assert a.tobytes() == b.tobytes(), f"round {r}, config {cfg}"
            sys.setswitchinterval(1e-6)
    finally:
        sys.setswitchinterval(saved_switch)
        mpmath.mp.prec = saved_prec


def test_calls_do_not_change_the_callers_mpmath_precision():
    saved = mpmath.mp.prec
    try:
        mpmath.mp.prec = 61
        pe.sinusoidal([3, 2**24 + 1], 34, base=777.0, dtype=np.float16)
        precision.truth([5], 6, prec=300)
        precision.naive([7], 4, exact_functions=True)
        assert mpmath.mp.prec == 61
    finally:
        mpmath.mp.prec = saved
