"""Figures of the "RoPE context extension" page (rope-scaling.md).

Only the public ``posenc_ref`` API is used.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from posenc_ref.rope_scaling import RopeScaling, scaled_frequencies

D_HEAD = 128

# (label, base, scaling, seq_len): the configurations quoted on the page.
METHODS = (
    ("linear (PI), $s = 4$, $L_0 = 2048$", 10000.0, RopeScaling("linear", 4.0), None),
    (
        "dynamic NTK, $s = 2$, $L_0 = 4096$, at $L = 16384$",
        10000.0,
        RopeScaling("dynamic", 2.0, original_max_positions=4096),
        16384,
    ),
    (
        "YaRN (Qwen2.5), $s = 4$, $L_0 = 32768$, base $10^6$",
        1e6,
        RopeScaling("yarn", 4.0, original_max_positions=32768),
        None,
    ),
    (
        "llama3 (Llama 3.1), $s = 8$, $L_0 = 8192$, base $5 \\cdot 10^5$",
        5e5,
        RopeScaling("llama3", 8.0, original_max_positions=8192),
        None,
    ),
)
LINEAR_L0 = 2048  # Chen et al. extended LLaMA's 2048 positions; linear scaling has no own L0


def rope_scaling_ratios() -> Figure:
    """ω'_i / ω_i against the pair index i and against the wavelength in units of L0."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.4, 8.2), layout="constrained")
    i = np.arange(D_HEAD // 2)
    for (label, base, scaling, seq), marker in zip(METHODS, "os^D", strict=True):
        ratio = scaled_frequencies(D_HEAD, scaling, base=base, seq_len=seq) / scaled_frequencies(
            D_HEAD, None, base=base
        )
        length = scaling.original_max_positions or LINEAR_L0
        wavelength = 2 * np.pi / scaled_frequencies(D_HEAD, None, base=base)
        style = {"marker": marker, "markersize": 3, "linewidth": 1, "label": label}
        top.plot(i, ratio, **style)
        bottom.plot(wavelength / length, ratio, **style)
    for ax in (top, bottom):
        ax.set_yscale("log", base=2)
        ax.set_ylabel(r"$\omega'_i / \omega_i$  (1 = unchanged)")
        ax.grid(True, alpha=0.3)
    top.set_xlabel(r"pair index $i$  ($d_\mathrm{head} = 128$)")
    top.set_title("scaled frequency / original, by pair")
    bottom.set_xscale("log")
    bottom.set_xlabel(r"original wavelength $2\pi/\omega_i$ in units of the trained length $L_0$")
    bottom.set_title("the same, by wavelength (dotted: $L_0/32$, $L_0/4$, $L_0$)")
    for x in (1 / 32, 1 / 4, 1.0):
        bottom.axvline(x, color="0.6", linewidth=0.7, linestyle=":")
    handles, labels = top.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", frameon=False)
    return fig


FIGURES = (rope_scaling_ratios,)
