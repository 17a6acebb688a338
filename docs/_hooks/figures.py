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

import importlib
import io
import re
import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display; also keeps the output independent of the machine's backend

import matplotlib.pyplot as plt

HOOK_DIR = Path(__file__).resolve().parent
# MkDocs loads this hook by file path; make its sibling figure modules importable too.
if str(HOOK_DIR) not in sys.path:
    sys.path.insert(0, str(HOOK_DIR))

# Every ``figs_<topic>.py`` next to this hook is a figure module: adding a page's figures never
# means editing this file. Sorted, so the registry order is the same on every machine.
FIGURE_MODULES = tuple(
    importlib.import_module(path.stem) for path in sorted(HOOK_DIR.glob("figs_*.py"))
)
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
