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
        "textbook float32 (exp-log)": precision.naive(
            positions, D_MODEL, dtype=np.float32, frequencies="exp-log"
        ),
        "textbook float64": precision.naive(positions, D_MODEL, dtype=np.float64),
        "reference float32": posenc_ref.sinusoidal(positions, D_MODEL, dtype=np.float32),
        "reference float64": posenc_ref.sinusoidal(positions, D_MODEL),
    }
    fig, ax = plt.subplots(figsize=(5.4, 5.6), layout="constrained")
    for (label, table), marker in zip(methods.items(), "o^sD", strict=True):
        err = np.abs((table.astype(np.float64) - hi) - lo).max(axis=1)
        ax.plot(
            positions, np.maximum(err, 1e-18), marker=marker, markersize=3, linewidth=1, label=label
        )
    ax.plot(positions, positions * 2.0**-24, color="0.5", linestyle=":", label=r"$p \cdot 2^{-24}$")
    ax.plot(positions, positions * 2.0**-53, color="0.7", linestyle=":", label=r"$p \cdot 2^{-53}$")
    ax.axvline(2**24, color="0.4", linewidth=0.7, linestyle="--")
    # Labelled above the plot, where no curve runs.
    ax.text(2**24, 1.01, r"$p = 2^{24}$", transform=ax.get_xaxis_transform(), ha="center")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"position $p$")
    ax.set_ylabel("max |error| over the row\n(against 200-bit mpmath)")
    ax.set_title(
        "Error grows like $p \\cdot u$ for the textbook formula,\n"
        f"not for the reference ($d = {D_MODEL}$)",
        pad=18,
    )
    fig.legend(loc="outside lower center", ncols=2, frameon=False)
    ax.grid(True, which="major", alpha=0.3)
    return fig


FIGURES = (error_vs_position,)
