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
    fig, ax = plt.subplots(figsize=(5.4, 4.4), layout="constrained")
    for base in BASES:
        lam = posenc_ref.wavelengths(D_MODEL, base=base)
        top = lam[-1] / (2 * math.pi)
        ax.plot(range(lam.size), lam, label=rf"base {base:g}: up to $2\pi \cdot {top:.6g}$")
        ax.axhline(2 * math.pi * base, color="0.6", linewidth=0.6, linestyle=":")
    ax.axhline(2 * math.pi, color="0.3", linewidth=0.8, linestyle="--", label=r"$2\pi$ (pair 0)")
    ax.set_yscale("log")
    ax.set_xlabel(rf"pair index $i$ (0 … {D_MODEL // 2 - 1}),  $d = {D_MODEL}$")
    ax.set_ylabel(r"wavelength $\lambda_i = 2\pi \cdot \mathrm{base}^{2i/d}$ (positions)")
    ax.set_title(
        "Geometric wavelengths: a straight line on a log scale\n"
        r"(dotted: $2\pi \cdot \mathrm{base}$, which the last pair never quite reaches)",
        fontsize=11,
    )
    ax.legend(loc="upper left")
    ax.grid(True, which="major", alpha=0.3)
    return fig


FIGURES = (wavelengths,)
