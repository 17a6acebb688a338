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
    fig, ax = plt.subplots(figsize=(8, 3.6), layout="constrained")
    rows = {"interleaved": 2.0, "sin|cos": 1.0, "cos|sin": 0.0}
    labels = {}
    for layout, y in rows.items():
        # perm[j] = the interleaved column that lands in column j of this layout
        perm = conventions.layout_permutation(d, "interleaved", layout)
        for j, src in enumerate(perm):
            k, is_cos = divmod(int(src), 2)
            colour = "tab:orange" if is_cos else "tab:blue"
            ax.add_patch(plt.Rectangle((j - 0.4, y - 0.25), 0.8, 0.5, color=colour, alpha=0.85))
            ax.text(
                j,
                y,
                f"{'cos' if is_cos else 'sin'} {k}",
                ha="center",
                va="center",
                color="white",
                fontsize=9,
            )
            labels[(layout, int(src))] = j
    for src in range(d):
        for top, bottom in (("interleaved", "sin|cos"), ("sin|cos", "cos|sin")):
            x0, x1 = labels[(top, src)], labels[(bottom, src)]
            ax.annotate(
                "",
                xy=(x1, rows[bottom] + 0.27),
                xytext=(x0, rows[top] - 0.27),
                arrowprops={"arrowstyle": "->", "color": "0.45", "lw": 0.8},
            )
    ax.set_yticks(list(rows.values()), [f'"{k}"' for k in rows])
    ax.set_xticks(range(d), [str(j) for j in range(d)])
    ax.set_xlabel("column j;  'sin k' = sin(p·ω_k)")
    ax.set_xlim(-0.6, d - 0.4)
    ax.set_ylim(-0.5, 2.5)
    ax.set_title("The same pairs in three layouts: a column permutation (d = 8)")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    return fig


def spacing_difference() -> Figure:
    """Paper spacing minus tensor2tensor spacing, both [sin|cos]: not a permutation."""
    n, d = 64, 64
    paper = conventions.Convention(layout="sin|cos").table(n, d, exact=True)
    t2t = conventions.Convention(layout="sin|cos", spacing="tensor2tensor").table(n, d, exact=True)
    fig, ax = plt.subplots(figsize=(8, 4.2), layout="constrained")
    image = ax.imshow(
        paper - t2t, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest"
    )
    ax.set_xlabel(f"column j (0 … {d - 1}); sines, then cosines")
    ax.set_ylabel(f"position p (0 … {n - 1})")
    ax.set_title(
        r"paper $10000^{-2k/d}$ minus tensor2tensor $10000^{-k/(h-1)}$, same [sin|cos] layout"
        f"\nlargest difference {np.max(np.abs(paper - t2t)):.2f}"
    )
    fig.colorbar(image, ax=ax, label="difference", shrink=0.9)
    return fig


FIGURES = (layout_permutation, spacing_difference)
