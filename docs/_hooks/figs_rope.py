"""Figures of the "RoPE" page (rope.md).

Only the public ``posenc_ref`` API is used.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from posenc_ref import rope


def rope_layouts() -> Figure:
    """R_p for d = 8 in both layouts, one above the other: which channels form each plane."""
    d, p = 8, 30
    fig, axes = plt.subplots(2, 1, figsize=(5.4, 10.4), layout="constrained")
    titles = {
        "interleaved": "interleaved: planes $(2i, 2i+1)$\nRoFormer, Meta LLaMA, GPT-J",
        "half": "half: planes $(i, i + d/2)$\nGPT-NeoX, Hugging Face rotate_half",
    }
    colors = plt.get_cmap("tab10")
    cmap = plt.get_cmap("RdBu_r")
    for ax, layout in zip(axes, rope.ROPE_LAYOUTS, strict=True):
        mat = rope.rope_matrix(p, d, layout=layout)
        ax.imshow(mat, cmap=cmap, vmin=-1, vmax=1)
        planes = np.zeros(d, dtype=int)
        if layout == "interleaved":
            planes[0::2] = planes[1::2] = np.arange(d // 2)
        else:
            planes[: d // 2] = planes[d // 2 :] = np.arange(d // 2)
        for r in range(d):
            for c in range(d):
                if mat[r, c] != 0:
                    # White on the dark cells, black on the light ones.
                    cell = cmap((mat[r, c] + 1) / 2)
                    dark = _luminance(cell) < 0.25
                    ax.text(
                        c,
                        r,
                        f"{mat[r, c]:.2f}".replace("-", "−"),
                        ha="center",
                        va="center",
                        color="white" if dark else "black",
                    )
        ax.set_xticks(range(d))
        ax.set_yticks(range(d))
        for tick, k in zip(ax.get_xticklabels(), planes, strict=True):
            tick.set_color(colors(k))
        for tick, k in zip(ax.get_yticklabels(), planes, strict=True):
            tick.set_color(colors(k))
        ax.set_xlabel("input channel (colour = plane $i$)")
        ax.set_ylabel("output channel")
        ax.set_title(titles[layout])
    fig.suptitle(f"The rotation $R_p$ applied by RoPE\nat $p = {p}$, $d = {d}$, base 10000")
    return fig


def _luminance(rgb) -> float:
    """Relative luminance of an sRGB colour (0 black, 1 white)."""
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb[:3]]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def rope_decay() -> Figure:
    """RoFormer's decay curve (a scaled bound) and the actual mean score against the offset."""
    d = 128
    offsets = np.arange(0, 2001)
    bound = rope.decay_bound(offsets, d)
    mean = rope.expected_score(offsets, d)
    first_negative = int(offsets[np.flatnonzero(mean < 0)[0]])
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.4, 6.6), sharex=True, layout="constrained")
    top.plot(offsets, bound, color="tab:orange", linewidth=1)
    top.set_ylabel(r"$(2/d)\; \Sigma_j\, |S_j(\Delta)|$")
    top.set_title(
        "RoFormer's 'long-term decay': its bound on |score|\n"
        r"divided by $\mathrm{max}_j\,|h_{j-1} - h_j|$ and by $d/2$; always > 0",
        fontsize=11,
    )
    top.grid(True, alpha=0.3)
    bottom.plot(offsets, mean, color="tab:blue", linewidth=1)
    bottom.axhline(0, color="0.5", linewidth=0.7)
    bottom.set_ylabel(r"$(2/d)\; \Sigma_i \cos(\Delta\,\omega_i)$")
    bottom.set_title(
        "the actual mean score (query = key, independent entries):\n"
        rf"falls on average, with ripples; below 0 first at $\Delta = {first_negative}$",
        fontsize=11,
    )
    bottom.set_xlabel(rf"offset $\Delta = n - m$,  $d = {d}$")
    bottom.grid(True, alpha=0.3)
    return fig


FIGURES = (rope_layouts, rope_decay)
