"""MkDocs hook: draw the site's figures at build time, from the public ``posenc_ref`` API.

Each figure is a function without arguments that returns a matplotlib ``Figure``; its name, with
``_`` turned into ``-``, is the file name: ``heatmap_interleaved`` becomes
``figures/heatmap-interleaved.svg``. The functions live in ``figs_<topic>.py`` modules next to
this hook; each module lists its figures in a ``FIGURES`` tuple and names the page it serves.

The SVGs are added to the built site only (``File.generated``), never written into ``docs/``,
so ``mkdocs serve`` does not rebuild in a loop. The output is byte-for-byte reproducible: Agg
backend, a fixed ``svg.hashsalt``, no date, creator or RDF metadata block.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")  # no display; also keeps the output independent of the machine's backend

# MkDocs puts this folder on sys.path while it loads the hook, so the figure modules import.
import figs_derivation
import figs_heatmaps
import figs_precision
import figs_rotation
import matplotlib.pyplot as plt

FIGURE_MODULES = (figs_heatmaps, figs_derivation, figs_rotation, figs_precision)
FIGURE_DIR = "figures"

# Fixed style so that the SVG does not depend on a user's matplotlibrc.
STYLE = {
    "svg.hashsalt": "posenc",  # stable ids inside the SVG
    "svg.fonttype": "path",  # glyphs as paths: no font needed by the reader
    "font.size": 10,
    "axes.titlesize": 11,
    "figure.dpi": 100,
}


def registry() -> dict[str, Callable[[], matplotlib.figure.Figure]]:
    """Map each figure's file stem (``heatmap-interleaved``) to the function that draws it."""
    figures: dict[str, Callable[[], matplotlib.figure.Figure]] = {}
    for module in FIGURE_MODULES:
        for func in module.FIGURES:
            name = func.__name__.replace("_", "-")
            if name in figures:
                raise ValueError(f"figure name {name!r} is defined twice")
            figures[name] = func
    return figures


def render(name: str) -> str:
    """Draw the figure ``name`` and return its SVG text."""
    func = registry()[name]
    with matplotlib.rc_context(STYLE):
        fig = func()
        buf = io.StringIO()
        try:
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        finally:
            plt.close(fig)
    # The RDF metadata block only names a Dublin Core type; drop it (no URLs, smaller file).
    return re.sub(r"\s*<metadata>.*?</metadata>", "", buf.getvalue(), flags=re.S)


def on_files(files, config):
    """Add one generated ``figures/<name>.svg`` file per registered figure."""
    from mkdocs.structure.files import File

    for name in registry():
        files.append(File.generated(config, f"{FIGURE_DIR}/{name}.svg", content=render(name)))
    return files
