"""Figures of the "Conventions" page (conventions.md).

Only the public API is used: ``posenc_ref.conventions`` for the layouts and the presets.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from posenc_ref import conventions

D_SMALL = 8


def layout_permutation() -> Figure:
    """Where each column of the interleaved layout goes in the split layouts (d = 8)."""
    d = D_SMALL
    fig, ax = plt.subplots(figsize=(5.4, 3.6), layout="constrained")
    rows = {"interleaved": 2.0, "sin|cos": 1.0, "cos|sin": 0.0}
    labels = {}
    for layout, y in rows.items():
        # perm[j] = the interleaved column that lands in column j of this layout
        perm = conventions.layout_permutation(d, "interleaved", layout)
        for j, src in enumerate(perm):
            i, is_cos = divmod(int(src), 2)
            # Dark enough for white text (contrast above 4.5), and told apart by more than hue.
            colour = "#a04a00" if is_cos else "#1f4e99"
            ax.add_patch(plt.Rectangle((j - 0.42, y - 0.3), 0.84, 0.6, color=colour))
            ax.text(
                j,
                y,
                f"{'cos' if is_cos else 'sin'}\n{i}",
                ha="center",
                va="center",
                color="white",
                fontsize=10,
                linespacing=1.0,
            )
            labels[(layout, int(src))] = j
    for src in range(d):
        for top, bottom in (("interleaved", "sin|cos"), ("sin|cos", "cos|sin")):
            x0, x1 = labels[(top, src)], labels[(bottom, src)]
            ax.annotate(
                "",
                xy=(x1, rows[bottom] + 0.32),
                xytext=(x0, rows[top] - 0.32),
                arrowprops={"arrowstyle": "->", "color": "0.45", "lw": 0.8},
            )
    ax.set_yticks(list(rows.values()), [f'"{k}"' for k in rows])
    ax.set_xticks(range(d), [str(j) for j in range(d)])
    ax.set_xlabel(r"column $j$;  'sin $i$' is $\sin(p\,\omega_i)$ of pair $i$")
    ax.set_xlim(-0.6, d - 0.4)
    ax.set_ylim(-0.5, 2.5)
    ax.set_title("The same pairs in three layouts:\na permutation of the columns ($d = 8$)")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    return fig


def spacing_difference() -> Figure:
    """Paper spacing minus tensor2tensor spacing, both [sin|cos]: not a permutation."""
    n, d = 64, 64
    paper = conventions.Convention(layout="sin|cos").table(n, d, exact=True)
    t2t = conventions.Convention(layout="sin|cos", spacing="tensor2tensor").table(n, d, exact=True)
    fig, ax = plt.subplots(figsize=(5.4, 4.4), layout="constrained")
    image = ax.imshow(
        paper - t2t, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest"
    )
    ax.set_xlabel(rf"column $j$ (0 … {d - 1}): sines, then cosines")
    ax.set_ylabel(rf"position $p$ (0 … {n - 1})")
    ax.set_title(
        r"paper spacing $\omega_i = 10000^{-2i/d}$ minus"
        "\n"
        r"tensor2tensor's $\omega_i = 10000^{-i/(d/2-1)}$, both [sin|cos]"
        "\n"
        f"largest difference {np.max(np.abs(paper - t2t)):.2f}",
        fontsize=11,
    )
    fig.colorbar(image, ax=ax, label="difference", shrink=0.9)
    return fig


FIGURES = (layout_permutation, spacing_difference)
