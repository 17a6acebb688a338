"""Figures of the "RoPE derived" page (rope-derived.md).

Only the public ``posenc_ref`` API is used; ``tests/test_rope_derived.py`` checks the plotted
matrices against the rotation the page states. Sized for a phone screen.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from posenc_ref import rope

FONT = 13
D_HEAD, ROTARY_DIM, POSITION = 8, 4, 30


def partial_rotary_matrix(layout: str) -> np.ndarray:
    """The matrix R with ``apply_rope(x, [p], rotary_dim=4) = R @ x`` for one row ``x``."""
    basis = np.eye(D_HEAD)
    rows = rope.apply_rope(basis, [POSITION] * D_HEAD, layout=layout, rotary_dim=ROTARY_DIM)
    return rows.T  # row j of the output is R @ e_j, column j of R


def partial_rotary() -> Figure:
    """diag(R_p, I): RoPE of width 4 on the first 4 of 8 channels, in both layouts."""
    fig, axes = plt.subplots(2, 1, figsize=(5.0, 9.2), layout="constrained")
    for ax, layout in zip(axes, rope.ROPE_LAYOUTS, strict=True):
        mat = partial_rotary_matrix(layout)
        ax.imshow(mat, cmap="RdBu_r", vmin=-1, vmax=1)
        for r in range(D_HEAD):
            for c in range(D_HEAD):
                if mat[r, c] != 0:
                    color = "white" if abs(mat[r, c]) > 0.6 else "black"
                    ax.text(
                        c,
                        r,
                        f"{mat[r, c]:+.2f}",
                        ha="center",
                        va="center",
                        fontsize=FONT - 3,
                        color=color,
                    )
        ax.axhline(ROTARY_DIM - 0.5, color="0.3", linewidth=1)
        ax.axvline(ROTARY_DIM - 0.5, color="0.3", linewidth=1)
        ax.set_xticks(range(D_HEAD))
        ax.set_yticks(range(D_HEAD))
        ax.tick_params(labelsize=FONT - 1)
        ax.set_xlabel("input channel", fontsize=FONT)
        ax.set_ylabel("output channel", fontsize=FONT)
        ax.set_title(f"{layout} layout inside channels 0 … {ROTARY_DIM - 1}", fontsize=FONT)
    fig.suptitle(
        f"$r = {ROTARY_DIM}$ rotated channels of $d = {D_HEAD}$, $p = {POSITION}$:\n"
        "channels 4 … 7 pass through",
        fontsize=FONT,
    )
    return fig


FIGURES = (partial_rotary,)
