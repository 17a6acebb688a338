"""Heatmaps of the encoding table, one per layout (pages: index.md and indices.md).

Only the public ``posenc_ref`` API is used, so the figure shows what the package computes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

import posenc_ref

N_POSITIONS = 64
D_MODEL = 128

_TITLES = {
    "interleaved": (
        "Interleaved layout (the paper's formula)",
        r"column $2i$: $\sin(p\,\omega_i)$,  column $2i+1$: $\cos(p\,\omega_i)$",
    ),
    "sin|cos": (
        'Split "sin|cos" layout: all sines, then all cosines',
        r"column $i$: $\sin(p\,\omega_i)$,  column $d/2+i$: $\cos(p\,\omega_i)$",
    ),
}


def _heatmap(layout: str) -> Figure:
    table = posenc_ref.sinusoidal(N_POSITIONS, D_MODEL, layout=layout)
    title, formula = _TITLES[layout]
    fig, ax = plt.subplots(figsize=(5.4, 4.4), layout="constrained")
    image = ax.imshow(
        table, cmap="RdBu_r", vmin=-1.0, vmax=1.0, aspect="auto", interpolation="nearest"
    )
    ax.set_xlabel(rf"column $j$ (0 … {D_MODEL - 1}),  $d = {D_MODEL}$")
    ax.set_ylabel(rf"position $p$ (0 … {N_POSITIONS - 1})")
    ax.set_title(f"{title}\n{formula}\n" r"$\omega_i = 10000^{-2i/d}$ (the paper's frequencies)")
    if layout == "sin|cos":
        # Mark where the cosine half starts, the one feature that tells the layouts apart.
        ax.axvline(D_MODEL / 2 - 0.5, color="black", linewidth=0.8)
    fig.colorbar(image, ax=ax, label=r"$\mathrm{PE}(p, j)$", shrink=0.9)
    return fig


def heatmap_interleaved() -> Figure:
    """The table in the paper's interleaved layout."""
    return _heatmap("interleaved")


def heatmap_split() -> Figure:
    """The same values in the split "sin|cos" layout."""
    return _heatmap("sin|cos")


FIGURES = (heatmap_interleaved, heatmap_split)
