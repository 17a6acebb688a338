"""Figures of the "From counting to rotations" page (intuition.md).

Each step of the ladder has one picture; the numbers they plot are the ones the page states, and
``tests/test_intuition.py`` reads them back out of the drawn figures. Sizes are chosen for a phone
screen: at most 5.6 inches wide, text at 12 points or more. Only the public ``posenc_ref`` API is
used.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

import posenc_ref

FONT = 13
# Step 1: two sequence lengths and the position that gets two different codes.
COUNT_LENGTHS = (10, 40)
COUNT_POSITION = 5
# Step 2: bits 0 … 5 of positions 0 … 31.
BITS = 5
BIT_POSITIONS = 32
# Steps 3 and 4: pairs 0 … 3 of a d = 16 table; step 4 turns position 3 into 3 + 4.
CLOCK_D = 16
CLOCK_PAIRS = 4
CLOCK_POSITIONS = 64
TURN_FROM, TURN_BY = 3, 4
# Step 5: the dot-product matrix of d = 64 over positions 0 … 99.
DOT_D = 64
DOT_POSITIONS = 100


def _style(ax) -> None:
    ax.tick_params(labelsize=FONT - 1)


def ladder_counting() -> Figure:
    """Step 1: the code p/L gives position 5 a different value in every sequence length L."""
    fig, ax = plt.subplots(figsize=(5.6, 3.6), layout="constrained")
    for length, color in zip(COUNT_LENGTHS, ("tab:blue", "tab:orange"), strict=True):
        p = np.arange(length)
        ax.plot(
            p, p / length, marker="o", markersize=3, color=color, label=f"$p/L$, $L = {length}$"
        )
        value = COUNT_POSITION / length
        ax.annotate(
            f"{value:g}",
            (COUNT_POSITION, value),
            textcoords="offset points",
            xytext=(8, 4 if length == COUNT_LENGTHS[0] else -14),
            fontsize=FONT,
            color=color,
        )
    ax.axvline(COUNT_POSITION, color="0.6", linewidth=0.8, linestyle="--")
    ax.set_xlabel("position $p$", fontsize=FONT)
    ax.set_ylabel("code", fontsize=FONT)
    ax.set_title(f"Position {COUNT_POSITION} gets two different codes", fontsize=FONT)
    ax.legend(fontsize=FONT - 1, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(True, alpha=0.3)
    _style(ax)
    return fig


def ladder_binary() -> Figure:
    """Step 2: bit b of the position, b = 0 … 5, for positions 0 … 31 (black = 1)."""
    p = np.arange(BIT_POSITIONS)
    bits = np.array([(p >> b) & 1 for b in range(BITS)])
    fig, ax = plt.subplots(figsize=(5.6, 3.0), layout="constrained")
    ax.imshow(bits, cmap="Greys", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    ax.set_yticks(range(BITS), [f"$b = {b}$" for b in range(BITS)])
    ax.set_xticks(range(0, BIT_POSITIONS, 4))
    ax.set_xlabel("position $p$", fontsize=FONT)
    ax.set_title("Bit $b$ of $p$ flips every $2^b$ positions", fontsize=FONT)
    _style(ax)
    return fig


def ladder_clocks() -> Figure:
    """Step 3: the sine columns of pairs 0 … 3 (d = 16): smooth, wavelengths 10000^(2/d) apart."""
    p = np.arange(CLOCK_POSITIONS)
    table = posenc_ref.sinusoidal(CLOCK_POSITIONS, CLOCK_D)
    lam = posenc_ref.wavelengths(CLOCK_D)
    fig, axes = plt.subplots(CLOCK_PAIRS, 1, figsize=(5.6, 6.0), sharex=True, layout="constrained")
    for i, ax in enumerate(axes):
        column = posenc_ref.pair_to_column(i, "sin", CLOCK_D)
        ax.plot(p, table[:, column], marker=".", markersize=3, linewidth=1)
        ax.set_ylim(-1.2, 1.2)
        ax.set_yticks([-1, 0, 1])
        ax.set_ylabel(f"$i = {i}$", fontsize=FONT)
        ax.set_title(
            rf"$\sin(p\,\omega_{i})$, wavelength $\lambda_{i} = {lam[i]:.2f}$",
            fontsize=FONT - 1,
            loc="left",
            pad=2,
        )
        ax.grid(True, alpha=0.3)
        _style(ax)
    axes[-1].set_xlabel(f"position $p$   ($d = {CLOCK_D}$)", fontsize=FONT)
    return fig


def ladder_rotation() -> Figure:
    """Step 4: pairs 0 … 3 as clock hands; k = 4 positions turn hand i by 4·ω_i."""
    table = posenc_ref.sinusoidal([TURN_FROM, TURN_FROM + TURN_BY], CLOCK_D)
    omega = posenc_ref.frequencies(CLOCK_D)
    fig, axes = plt.subplots(2, 2, figsize=(5.6, 6.2), layout="constrained")
    circle = np.linspace(0, 2 * np.pi, 200)
    for i, ax in enumerate(axes.flat):
        s_col = posenc_ref.pair_to_column(i, "sin", CLOCK_D)
        c_col = posenc_ref.pair_to_column(i, "cos", CLOCK_D)
        ax.plot(np.cos(circle), np.sin(circle), color="0.8", linewidth=1)
        # The turn, drawn as an arc counter-clockwise from the blue hand to the red one.
        start = TURN_FROM * omega[i]
        arc = np.linspace(start, start + TURN_BY * omega[i], 100)
        ax.plot(0.3 * np.cos(arc), 0.3 * np.sin(arc), color="crimson", linewidth=1)
        for row, color in ((0, "tab:blue"), (1, "crimson")):
            x, y = table[row, c_col], table[row, s_col]
            ax.annotate(
                "",
                xy=(x, y),
                xytext=(0, 0),
                arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 1.8},
            )
        ax.set_title(rf"$i = {i}$: $k\,\omega_{i} = {TURN_BY * omega[i]:.2f}$ rad", fontsize=FONT)
        ax.set_aspect("equal")
        ax.set_xlim(-1.3, 1.3)
        ax.set_ylim(-1.3, 1.3)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(
        f"$p = {TURN_FROM}$ (blue), $p + k = {TURN_FROM + TURN_BY}$ (red), $d = {CLOCK_D}$",
        fontsize=FONT,
    )
    return fig


def pe_dot_matrix() -> Figure:
    """Step 5: PE(p)·PE(q) for p, q = 0 … 99 (d = 64), and one row of it: the 1-D curve."""
    table = posenc_ref.sinusoidal(DOT_POSITIONS, DOT_D)
    dots = table @ table.T
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(5.6, 8.6), height_ratios=(1.55, 1), layout="constrained"
    )
    image = top.imshow(dots, cmap="viridis", origin="upper", interpolation="nearest")
    top.set_xlabel("position $q$", fontsize=FONT)
    top.set_ylabel("position $p$", fontsize=FONT)
    top.set_title(
        rf"$\mathrm{{PE}}(p)\cdot\mathrm{{PE}}(q)$, $d = {DOT_D}$",
        fontsize=FONT,
    )
    bar = fig.colorbar(image, ax=top, shrink=0.85)
    bar.ax.tick_params(labelsize=FONT - 1)
    _style(top)
    curve = dots[0]
    bottom.plot(np.arange(DOT_POSITIONS), curve, linewidth=1.4)
    bottom.axhline(DOT_D / 4, color="0.5", linewidth=0.8, linestyle="--")
    below = int(np.flatnonzero(curve < DOT_D / 4)[0])
    bottom.axvline(below, color="crimson", linewidth=0.8)
    bottom.text(
        below + 2, DOT_D / 2 * 0.9, f"first below $d/4$: $\\Delta = {below}$", fontsize=FONT
    )
    bottom.set_xlabel(r"offset $\Delta = q - p$ (row $p = 0$ above)", fontsize=FONT)
    bottom.set_ylabel(r"$\sum_i \cos(\omega_i \Delta)$", fontsize=FONT)
    bottom.set_ylim(0, DOT_D / 2 * 1.05)
    bottom.grid(True, alpha=0.3)
    _style(bottom)
    return fig


FIGURES = (ladder_counting, ladder_binary, ladder_clocks, ladder_rotation, pe_dot_matrix)
