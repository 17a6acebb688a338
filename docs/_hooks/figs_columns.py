"""Single columns of the table against the position (page: indices.md).

Only the public ``posenc_ref`` API is used.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

import posenc_ref

D_MODEL = 64
N_POSITIONS = 101
COLUMNS = (0, 1, 8, 9, 40, 41)  # pairs 0, 4 and 20: sine and cosine of each


def columns() -> Figure:
    """PE(p, j) against p for the two columns of three pairs (interleaved layout)."""
    table = posenc_ref.sinusoidal(N_POSITIONS, D_MODEL)
    omega = posenc_ref.frequencies(D_MODEL)
    fig, axes = plt.subplots(3, 1, figsize=(5.4, 6.6), sharex=True, layout="constrained")
    pairs = zip(COLUMNS[0::2], COLUMNS[1::2], strict=True)
    for ax, (j_sin, j_cos) in zip(axes, pairs, strict=True):
        pair = posenc_ref.column_to_pair(j_sin, D_MODEL).pair
        exp = posenc_ref.exponent(j_sin, D_MODEL)
        # Markers: the table exists at integer positions only (pair 0 is sampled coarsely).
        style = {"linewidth": 1.2, "marker": ".", "markersize": 4}
        ax.plot(table[:, j_sin], label=r"column $2i$: $\sin(p\,\omega_i)$", **style)
        ax.plot(table[:, j_cos], label=r"column $2i+1$: $\cos(p\,\omega_i)$", **style)
        power = "" if exp == 0 else rf"10000^{{-{exp}}} = "
        ax.set_title(
            rf"pair $i = {pair}$ (columns {j_sin}, {j_cos}): "
            rf"$\omega_{{{pair}}} = {power}{omega[pair]:.4g}$",
            fontsize=11,
        )
        ax.set_ylim(-1.15, 1.15)
        ax.grid(True, alpha=0.3)
    axes[-1].set_xlabel(rf"position $p$ (0 … {N_POSITIONS - 1}),  $d = {D_MODEL}$")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)
    fig.suptitle("Both columns of a pair share one frequency;\nlater pairs turn more slowly")
    return fig


FIGURES = (columns,)
