"""Figures of the "Precision" page (precision.md).

Only the public ``posenc_ref`` API is used (``posenc_ref.precision`` for the mpmath truth and the
textbook formulas).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

import posenc_ref
from posenc_ref import precision

D_MODEL = 32


def error_vs_position() -> Figure:
    """Max absolute error per row against the position, for four ways to compute the table."""
    positions = np.unique(np.round(np.logspace(0, np.log10(2**26 - 1), 45)).astype(np.int64))
    hi, lo = precision.truth(positions, D_MODEL)
    methods = {
        "textbook float32 (PyTorch tutorial, exp-log)": precision.naive(
            positions, D_MODEL, dtype=np.float32, frequencies="exp-log"
        ),
        "textbook float64": precision.naive(positions, D_MODEL, dtype=np.float64),
        "reference, float32 output": posenc_ref.sinusoidal(positions, D_MODEL, dtype=np.float32),
        "reference, float64 output": posenc_ref.sinusoidal(positions, D_MODEL),
    }
    fig, ax = plt.subplots(figsize=(7.5, 4.4), layout="constrained")
    for (label, table), marker in zip(methods.items(), "o^sD", strict=True):
        err = np.abs((table.astype(np.float64) - hi) - lo).max(axis=1)
        ax.plot(
            positions, np.maximum(err, 1e-18), marker=marker, markersize=3, linewidth=1, label=label
        )
    ax.plot(positions, positions * 2.0**-24, color="0.5", linestyle=":", label="p · 2⁻²⁴")
    ax.plot(positions, positions * 2.0**-53, color="0.7", linestyle=":", label="p · 2⁻⁵³")
    ax.axvline(2**24, color="0.4", linewidth=0.7, linestyle="--")
    ax.text(2**24, 3e-17, " 2²⁴", fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("position p")
    ax.set_ylabel("max |error| over the row (vs 200-bit mpmath)")
    ax.set_title(
        f"Error grows like p·u for the textbook formula, not for the reference (d = {D_MODEL})"
    )
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(True, which="major", alpha=0.3)
    return fig


FIGURES = (error_vs_position,)
