"""Figures of the "Why sine and cosine" page (derivation.md).

Only the public ``posenc_ref`` API is used.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

import posenc_ref

D_MODEL = 512
BASES = (100.0, 10000.0, 500000.0)


def wavelengths() -> Figure:
    """Wavelength 2π/ω_i against the pair index i, log scale, for three bases."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2), layout="constrained")
    for base in BASES:
        lam = posenc_ref.wavelengths(D_MODEL, base=base)
        top = lam[-1] / (2 * math.pi)
        ax.plot(range(lam.size), lam, label=f"base {base:g}: up to 2π·{top:.6g}")
        ax.axhline(2 * math.pi * base, color="0.6", linewidth=0.6, linestyle=":")
    ax.axhline(2 * math.pi, color="0.3", linewidth=0.8, linestyle="--", label="2π (pair 0)")
    ax.set_yscale("log")
    ax.set_xlabel(f"pair index i (0 … {D_MODEL // 2 - 1}),  d = {D_MODEL}")
    ax.set_ylabel("wavelength λ_i = 2π · base^(2i/d)  [positions]")
    ax.set_title(
        "Geometric wavelengths: a straight line on a log scale\n"
        "(dotted: 2π·base, which the last pair never quite reaches)"
    )
    ax.legend(loc="upper left", fontsize=9)
    ax.grid(True, which="major", alpha=0.3)
    return fig


FIGURES = (wavelengths,)
