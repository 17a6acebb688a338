"""Figures of the "RoPE" page (rope.md).

Only the public ``posenc_ref`` API is used.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from posenc_ref import rope


def rope_layouts() -> Figure:
    """R_p for d = 8 in both layouts, side by side: which channels form each plane."""
    d, p = 8, 30
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 4.4), layout="constrained")
    titles = {
        "interleaved": "interleaved: planes (2i, 2i+1)\nRoFormer, Meta LLaMA, GPT-J",
        "half": "half: planes (i, i + d/2)\nGPT-NeoX, Hugging Face rotate_half",
    }
    colors = plt.get_cmap("tab10")
    for ax, layout in zip(axes, rope.ROPE_LAYOUTS, strict=True):
        mat = rope.rope_matrix(p, d, layout=layout)
        ax.imshow(mat, cmap="RdBu_r", vmin=-1, vmax=1)
        planes = np.zeros(d, dtype=int)
        if layout == "interleaved":
            planes[0::2] = planes[1::2] = np.arange(d // 2)
        else:
            planes[: d // 2] = planes[d // 2 :] = np.arange(d // 2)
        for r in range(d):
            for c in range(d):
                if mat[r, c] != 0:
                    ax.text(c, r, f"{mat[r, c]:+.2f}", ha="center", va="center", fontsize=7)
        ax.set_xticks(range(d))
        ax.set_yticks(range(d))
        for tick, k in zip(ax.get_xticklabels(), planes, strict=True):
            tick.set_color(colors(k))
        for tick, k in zip(ax.get_yticklabels(), planes, strict=True):
            tick.set_color(colors(k))
        ax.set_xlabel("input channel (colour = plane i)")
        ax.set_ylabel("output channel")
        ax.set_title(titles[layout])
    fig.suptitle(f"The rotation R_p applied by RoPE at p = {p}, d = {d}, base 10000")
    return fig


def rope_decay() -> Figure:
    """RoFormer's decay bound and the actual mean score against the offset (d = 128)."""
    d = 128
    offsets = np.arange(0, 2001)
    bound = rope.decay_bound(offsets, d)
    mean = rope.expected_score(offsets, d)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.5, 5.6), sharex=True, layout="constrained")
    top.plot(offsets, bound, color="tab:orange", linewidth=1)
    top.set_ylabel("(1/(d/2)) Σ_j |S_j(Δ)|")
    top.set_title("RoFormer's 'long-term decay': an upper bound (Abel summation), always > 0")
    top.grid(True, alpha=0.3)
    bottom.plot(offsets, mean, color="tab:blue", linewidth=1)
    bottom.axhline(0, color="0.5", linewidth=0.7)
    bottom.set_ylabel("(2/d) Σ_k cos(Δω_k)")
    bottom.set_title("the actual mean score (q = k, independent entries): ripples, negative values")
    bottom.set_xlabel("offset Δ = n − m")
    bottom.grid(True, alpha=0.3)
    return fig


FIGURES = (rope_layouts, rope_decay)
