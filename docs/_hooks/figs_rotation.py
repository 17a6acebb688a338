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
    ax.plot(np.cos(theta), np.sin(theta), color="0.8", linewidth=1, gid="guide")
    ax.scatter(table[:, jc], table[:, js], c=range(21), cmap="viridis", zorder=3)
    omega = posenc_ref.frequencies(d)[pair]
    for p in (0, 5, 10, 15, 20):
        # Inside the circle, where nothing else is drawn.
        ax.text(
            0.78 * np.cos(p * omega),
            0.78 * np.sin(p * omega),
            f"$p = {p}$",
            ha="center",
            va="center",
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
        r"red arrow: $R(5)\,\mathrm{PE}(3) = \mathrm{PE}(8)$, a turn by $5\,\omega_1 = 0.5$ rad",
        color="crimson",
        ha="center",
    )
    ax.set_aspect("equal")
    ax.set_xlim(-1.25, 1.25)
    ax.set_ylim(-1.25, 1.25)
    ax.set_xlabel(rf"$\cos(p\,\omega_1) = \mathrm{{PE}}(p, {jc})$")
    ax.set_ylabel(rf"$\sin(p\,\omega_1) = \mathrm{{PE}}(p, {js})$")
    ax.set_title(
        r"Pair $i = 1$ of $d = 8$ ($\omega_1 = 0.1$): positions 0…20"
        "\n"
        r"turn counter-clockwise by $\omega_1$ per position"
    )
    return fig


def dot_product() -> Figure:
    """PE(0)·PE(Δ) against Δ for d = 512, Δ in [-1000, 1000]."""
    d = 512
    offsets = np.arange(-1000, 1001)
    table = posenc_ref.sinusoidal(offsets, d)
    origin = posenc_ref.sinusoidal([0], d)[0]
    fig, ax = plt.subplots(figsize=(5.4, 4.0), layout="constrained")
    ax.plot(offsets, table @ origin, linewidth=1)
    ax.axhline(0, color="0.6", linewidth=0.6)
    ax.set_xlabel(r"offset $\Delta = q - p$")
    ax.set_ylabel(r"$\mathrm{PE}(p)\cdot\mathrm{PE}(q) = \Sigma_i \cos(\omega_i\,\Delta)$")
    ax.set_title(
        rf"$d = {d}$: maximum $d/2 = {d // 2}$ at $\Delta = 0$,"
        "\n"
        r"even in $\Delta$, falling with ripples"
    )
    ax.grid(True, alpha=0.3)
    return fig


FIGURES = (unit_circle, dot_product)
