"""Figures of the "Alternatives and lineage" page (alternatives.md).

What ALiBi, T5 and xPos do with the offset between a query and an earlier key, drawn from
``posenc_ref.alternatives``; ``tests/test_alternatives.py`` reads the plotted numbers back. Sized
for a phone screen (5.6 inches wide, text at 12 points or more). Only the public API is used.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from posenc_ref import alternatives

FONT = 13
MAX_OFFSET = 200
ALIBI_HEADS = 8
XPOS_D = 64
XPOS_PAIRS = (0, 16, 31)


def alternatives_offsets() -> Figure:
    """ALiBi's bias, T5's encoder bucket and xPos's factor against the offset p − q >= 0."""
    offset = np.arange(MAX_OFFSET + 1)
    fig, (top, middle, bottom) = plt.subplots(
        3, 1, figsize=(5.6, 9.0), sharex=True, layout="constrained"
    )
    # ALiBi: one line per head; the bias of query p = offset for the key at 0.
    bias = alternatives.alibi_bias(offset, [0], ALIBI_HEADS)[:, :, 0]
    slopes = alternatives.alibi_slopes(ALIBI_HEADS)
    for h in range(ALIBI_HEADS):
        top.plot(offset, bias[h], linewidth=1.2, color=plt.get_cmap("viridis")(h / ALIBI_HEADS))
    top.text(5, bias[0, -1] * 0.55, f"$m = 1/{1 / slopes[0]:g}$", fontsize=FONT - 1)
    top.set_ylim(bias.min() - 5, 22)  # room above the flattest line for its label
    top.text(MAX_OFFSET, 6, f"$m = 1/{1 / slopes[-1]:g}$", fontsize=FONT - 1, ha="right")
    top.set_ylabel(r"$-m_h\,(p - q)$", fontsize=FONT)
    top.set_title(f"ALiBi: a straight line per head ({ALIBI_HEADS} heads)", fontsize=FONT)
    # T5: the bucket of a key before the query (relative position q - p = -offset).
    bucket = alternatives.t5_bucket(-offset)
    starts = offset[np.flatnonzero(np.diff(bucket)) + 1]
    middle.step(offset, bucket, where="post", linewidth=1.4)
    middle.axvline(128, color="0.5", linestyle="--", linewidth=0.8)
    middle.axvline(starts[-1], color="crimson", linewidth=0.8)
    middle.text(starts[-1] + 3, 2, f"last bucket\nfrom {starts[-1]}", fontsize=FONT - 1)
    middle.text(131, 8, "128", fontsize=FONT - 1, color="0.4")
    middle.set_yticks([0, 4, 8, 12, 15])
    middle.set_ylabel("bucket", fontsize=FONT)
    middle.set_title("T5 (encoder): 8 exact buckets, then logarithmic", fontsize=FONT)
    # xPos: the factor of the score for a few pairs; RoPE is the constant 1.
    factor = alternatives.xpos_scale(offset, XPOS_D)
    for i in XPOS_PAIRS:
        bottom.plot(offset, factor[:, i], linewidth=1.4, label=f"$i = {i}$")
    bottom.axhline(1, color="0.4", linestyle="--", linewidth=1, label="RoPE")
    bottom.set_ylabel(r"$\zeta_i^{(p-q)/512}$", fontsize=FONT)
    bottom.set_title(f"xPos ($d = {XPOS_D}$): the score shrinks with the offset", fontsize=FONT)
    bottom.legend(fontsize=FONT - 2, loc="lower left", ncols=2)
    bottom.set_xlabel("offset $p - q$ (key before the query)", fontsize=FONT)
    for ax in (top, middle, bottom):
        ax.grid(True, alpha=0.3)
        ax.tick_params(labelsize=FONT - 1)
    return fig


FIGURES = (alternatives_offsets,)
