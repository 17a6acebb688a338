"""Figures of the "Relative positions" page (rotation.md).

Only the public ``posenc_ref`` API is used.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

import posenc_ref


def unit_circle() -> Figure:
    """Pair 1 of d = 8 (ω = 0.1) at positions 0…20, and R(5) moving position 3 to 8."""
    d, pair = 8, 1
    js = posenc_ref.pair_to_column(pair, "sin", d)
    jc = posenc_ref.pair_to_column(pair, "cos", d)
    table = posenc_ref.sinusoidal(21, d)
    fig, ax = plt.subplots(figsize=(5.2, 5.2), layout="constrained")
    theta = np.linspace(0, 2 * np.pi, 400)
    ax.plot(np.cos(theta), np.sin(theta), color="0.8", linewidth=1)
    ax.scatter(table[:, jc], table[:, js], c=range(21), cmap="viridis", zorder=3)
    for p in (0, 5, 10, 15, 20):
        ax.annotate(
            f"p={p}",
            (table[p, jc], table[p, js]),
            textcoords="offset points",
            xytext=(6, 4),
            fontsize=8,
        )
    # R(5) applied to PE(3) lands on PE(8): the arrow is the rotation by 5·ω.
    moved = posenc_ref.rotation(5, d) @ table[3]
    ax.annotate(
        "",
        xy=(moved[jc], moved[js]),
        xytext=(table[3, jc], table[3, js]),
        arrowprops={"arrowstyle": "->", "color": "crimson", "linewidth": 1.5},
    )
    ax.text(
        0.0,
        -1.17,
        "red arrow: R(5)·PE(3) = PE(8), a turn by 5ω = 0.5 rad",
        color="crimson",
        fontsize=9,
        ha="center",
    )
    ax.set_aspect("equal")
    ax.set_xlim(-1.25, 1.25)
    ax.set_ylim(-1.25, 1.25)
    ax.set_xlabel(f"cos(p·ω₁) = PE(p, {jc})")
    ax.set_ylabel(f"sin(p·ω₁) = PE(p, {js})")
    ax.set_title(
        "Pair i = 1 of d = 8 (ω₁ = 0.1): positions 0…20\nturn counter-clockwise by ω₁ per position"
    )
    return fig


def dot_product() -> Figure:
    """PE(0)·PE(Δ) against Δ for d = 512, Δ in [-1000, 1000]."""
    d = 512
    offsets = np.arange(-1000, 1001)
    table = posenc_ref.sinusoidal(offsets, d)
    origin = posenc_ref.sinusoidal([0], d)[0]
    fig, ax = plt.subplots(figsize=(7.5, 3.8), layout="constrained")
    ax.plot(offsets, table @ origin, linewidth=1)
    ax.axhline(0, color="0.6", linewidth=0.6)
    ax.set_xlabel("offset Δ = q − p")
    ax.set_ylabel("PE(p)·PE(q) = Σ cos(ω_i Δ)")
    ax.set_title(f"d = {d}: maximum d/2 = {d // 2} at Δ = 0, even in Δ, falling with ripples")
    ax.grid(True, alpha=0.3)
    return fig


FIGURES = (unit_circle, dot_product)
