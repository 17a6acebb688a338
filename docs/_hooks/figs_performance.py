"""Figure of the "Performance" page (performance.md): the committed benchmark as ratios.

Reads ``docs/data/bench.json`` (written by ``python -m posenc_ref bench --json``); draws nothing
that is not in that file.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from posenc_ref import bench

BENCH_JSON = Path(__file__).resolve().parents[1] / "data" / "bench.json"


def speed_ratios() -> Figure:
    """Each method's median time as a multiple of the alloc+fill floor of its output dtype."""
    result = bench.load(BENCH_JSON)
    sizes = result["sizes"]
    names = [m["name"] for m in sizes[0]["methods"]]
    fig, ax = plt.subplots(figsize=(5.4, 0.62 * len(names) + 2.2), layout="constrained")
    height = 0.8 / len(sizes)
    y = np.arange(len(names))
    for k, size in enumerate(sizes):
        ratio = {m["name"]: m["x_alloc_fill"] for m in size["methods"]}
        ax.barh(
            y + (k - (len(sizes) - 1) / 2) * height,
            [ratio.get(name, np.nan) for name in names],
            height=height,
            label=f"{size['n']} x {size['d']}",
        )
    floor = sizes[-1]["floors_ms"]
    sincos = floor["sin+cos float64"] / floor["alloc+fill float64"]
    ax.axvline(1, color="0.2", linewidth=1)
    ax.axvline(2, color="0.2", linewidth=1, linestyle="--")
    ax.axvline(sincos, color="0.5", linewidth=1, linestyle=":")
    ax.text(1, -0.75, " alloc+fill")
    ax.text(2, -0.75, " 2x")
    ax.text(sincos, -0.75, "sin+cos (f64) ", color="0.35", ha="right")
    # Long method names on two lines, so that the bars keep most of the width.
    ax.set_yticks(y, [textwrap.fill(name, 18) for name in names])
    ax.set_ylim(len(names) - 0.5, -1.0)  # first method on top, room for the line labels
    ax.set_xscale("log")
    ax.set_xlabel(
        "median time / alloc+fill floor of the output dtype\n(log scale; lower is faster)"
    )
    machine = result["machine"]
    ax.set_title(f"One table, {machine['cpu']}\n({machine['cores']} cores), {result['date']}")
    fig.legend(loc="outside lower center", ncols=2, frameon=False, title="table size (n x d)")
    ax.grid(True, axis="x", which="both", alpha=0.3)
    return fig


FIGURES = (speed_ratios,)
