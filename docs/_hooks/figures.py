"""MkDocs hook: draw the site's figures at build time, from the public ``posenc_ref`` API.

Each figure is a function without arguments that returns a matplotlib ``Figure``; its name, with
``_`` turned into ``-``, is the file name: ``heatmap_interleaved`` becomes
``figures/heatmap-interleaved.svg``. The functions live in ``figs_<topic>.py`` modules next to
this hook; each module lists its figures in a ``FIGURES`` tuple and names the page it serves.

The SVGs are added to the built site only (``File.generated``), never written into ``docs/``,
so ``mkdocs serve`` does not rebuild in a loop. The output is byte-for-byte reproducible: Agg
backend, a fixed ``svg.hashsalt``, no date, creator or RDF metadata block.

Drawing all figures takes seconds, so a drawn figure is kept in ``.cache/posenc-figures/`` (git
ignores ``.cache/``) under a key that covers everything it depends on: the source of its figure
module and of this hook, the style, the source and version of ``posenc_ref``, the data files in
``docs/data/`` and the versions of matplotlib and NumPy. A rebuild draws only the figures whose
key changed. ``POSENC_FIGURE_CACHE=0`` turns the cache off; ``POSENC_FIGURE_CACHE=<folder>``
moves it.

Every figure also gets a stable id on the page that shows it: ``fig-<name>`` (for example
``rotation.html#fig-unit-circle``), which the Cite page lists.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import matplotlib

matplotlib.use("Agg")  # no display; also keeps the output independent of the machine's backend

import matplotlib.colors
import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np

import posenc_ref

HOOK_DIR = Path(__file__).resolve().parent
DOCS_DIR = HOOK_DIR.parent
ROOT = DOCS_DIR.parent
# MkDocs loads this hook by file path; make its sibling figure modules importable too.
if str(HOOK_DIR) not in sys.path:
    sys.path.insert(0, str(HOOK_DIR))


def _import_figure_modules() -> tuple[ModuleType, ...]:
    """Import every ``figs_<topic>.py`` next to this hook, sorted so the order is fixed.

    ``mkdocs serve`` loads this hook again for each rebuild; reloading the figure modules too
    makes an edit to one of them show up without restarting the server.
    """
    modules = []
    for path in sorted(HOOK_DIR.glob("figs_*.py")):
        if path.stem in sys.modules:
            modules.append(importlib.reload(sys.modules[path.stem]))
        else:
            modules.append(importlib.import_module(path.stem))
    return tuple(modules)


# Every figure module next to this hook is found by name: adding a page's figures never means
# editing this file.
FIGURE_MODULES = _import_figure_modules()
FIGURE_DIR = "figures"
log = logging.getLogger("mkdocs.plugins.posenc_figures")

# Fixed style so that the SVG does not depend on a user's matplotlibrc. The sizes are chosen
# for the phone: a 7.5-inch-wide figure shown 358 px wide keeps 9-point text at about 5.5 px,
# so figures are drawn narrower (see MAX_WIDTH_IN) and with larger text.
STYLE = {
    "svg.hashsalt": "posenc",  # stable ids inside the SVG
    "svg.fonttype": "path",  # glyphs as paths: no font needed by the reader
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "figure.titlesize": 12,
    "figure.dpi": 72,  # the SVG backend draws at 72 dpi; the checks measure the same layout
    "mathtext.fontset": "dejavusans",
}
# Readability on a phone: the content column of a 390 px wide screen is 358 px, and a figure is
# shown at its own size or narrower. Every text must be at least MIN_TEXT_PX CSS pixels there.
PHONE_COLUMN_PX = 358
MIN_TEXT_PX = 9.0
# Figures are drawn narrow (about 5.4 in, 518 px) so that 10-point text stays readable when a
# phone shrinks them; a two-panel figure stacks its panels.
MAX_WIDTH_IN = 5.6
# Text on a coloured cell needs this contrast ratio against the cell (WCAG AA for small text).
MIN_CONTRAST = 4.5

# The file a figure module's source was read from, hashed when it was imported: if a running
# server keeps an old module, the key still describes the code that draws.
_SOURCE_DIGEST = {
    module.__name__: hashlib.sha256(Path(module.__file__).read_bytes()).hexdigest()
    for module in FIGURE_MODULES
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


@contextlib.contextmanager
def _recording_texts() -> Iterator[list[matplotlib.text.Text]]:
    """Collect every text matplotlib draws meanwhile (no tick label outside the view)."""
    drawn: list[matplotlib.text.Text] = []
    draw_text = matplotlib.text.Text.draw

    def recording_draw(text, renderer):
        drawn.append(text)
        return draw_text(text, renderer)

    matplotlib.text.Text.draw = recording_draw
    try:
        yield drawn
    finally:
        matplotlib.text.Text.draw = draw_text


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    # The RDF metadata block only names a Dublin Core type; drop it (no URLs, smaller file).
    return re.sub(r"\s*<metadata>.*?</metadata>", "", buf.getvalue(), flags=re.S)


def render(name: str, problems: list[str] | None = None) -> str:
    """Draw the figure ``name`` and return its SVG text.

    With a list as ``problems``, what :func:`readability_problems` finds is appended to it.
    """
    func = registry()[name]
    with matplotlib.rc_context(STYLE):
        fig = func()
        try:
            with _recording_texts() as drawn:
                svg = _svg(fig)
            if problems is not None:
                problems.extend(f"{name}: {p}" for p in readability_problems(fig, drawn))
        finally:
            plt.close(fig)
    return svg


def check(draw: Callable[[], matplotlib.figure.Figure]) -> list[str]:
    """The readability problems of the figure that ``draw`` returns, drawn in the site's style."""
    with matplotlib.rc_context(STYLE):
        fig = draw()
        try:
            with _recording_texts() as drawn:
                _svg(fig)
            return readability_problems(fig, drawn)
        finally:
            plt.close(fig)


# --------------------------------------------------------------------------- readability

# Plain-text TeX: a caret, a brace group, or an underscore after a single letter or a Greek
# letter ("ω_i", "R_p"), outside $…$; the site writes math in labels with mathtext.
_PLAIN_TEX = re.compile(r"\^|_\{|(?<![A-Za-z])[A-Za-z]_|[α-ωΑ-Ω]_|\\[a-z]+")
# The pair index is i everywhere on the site; j and k are offsets, keys or partial sums.
_WRONG_PAIR_INDEX = re.compile(
    r"pair index \$?(?!i\b)[A-Za-z]|\\omega_\{?[jk]\b|ω_?[jk]\b|'?(?:sin|cos) k\b"
)


# Mathtext sets these smaller than the text around them (fractions) or moves the index under
# the symbol (sums, max): write a/b, \Sigma_i, \mathrm{max}_j instead.
_SHRUNK_MATH = re.compile(r"\\[td]?frac\b|\\sum\b|\\prod\b|\\max\b|\\min\b")


def _outside_math(text: str) -> str:
    return re.sub(r"\$[^$]*\$", "", text)


def _shown(texts) -> list[matplotlib.text.Text]:
    """The visible, non-empty texts, each once (a figure may be drawn more than once)."""
    unique = {id(t): t for t in texts}
    return [t for t in unique.values() if t.get_visible() and t.get_text().strip()]


def _luminance(rgb) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(float(c)) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    """WCAG contrast ratio of two RGB colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readability_problems(fig, drawn: list[matplotlib.text.Text]) -> list[str]:
    """What would make a drawn figure hard to read on the site; empty when nothing does.

    ``drawn`` lists the texts that were drawn. Checked: the width; the size of every text at
    phone width; plain-text TeX and a pair index other than i in any text; a legend or a text
    inside the axes on top of a plotted line (reference lines across the axes, ``axhline`` and
    ``axvline``, and lines with ``gid="guide"``, such as a reference circle, may be labelled in
    place); the contrast of a text drawn on an image cell.
    """
    problems = []
    width_in = fig.get_figwidth()
    if width_in > MAX_WIDTH_IN:
        problems.append(f"{width_in:.1f} in wide (at most {MAX_WIDTH_IN})")
    px_per_pt = 96 / 72 * min(1.0, PHONE_COLUMN_PX / (width_in * 96))
    renderer = fig.canvas.get_renderer()
    page = fig.bbox.padded(1.0)
    for text in _shown(drawn):
        label = text.get_text()
        box = text.get_window_extent(renderer)
        if box.x0 < page.x0 or box.x1 > page.x1 or box.y0 < page.y0 or box.y1 > page.y1:
            problems.append(f"{label!r} runs off the figure")
        shown = text.get_fontsize() * px_per_pt
        if shown < MIN_TEXT_PX:
            problems.append(f"{label!r} is {shown:.1f} px on a phone (at least {MIN_TEXT_PX})")
        if _PLAIN_TEX.search(_outside_math(label)):
            problems.append(f"{label!r}: plain-text TeX; use mathtext ($...$)")
        if _SHRUNK_MATH.search(label):
            problems.append(f"{label!r}: a fraction or a limit below the text is too small")
        if _WRONG_PAIR_INDEX.search(label):
            problems.append(f"{label!r}: the pair index is i")
    extents = [(t, t.get_window_extent(renderer)) for t in _shown(drawn)]
    for n, (a, box_a) in enumerate(extents):
        for b, box_b in extents[n + 1 :]:
            overlap = box_a.padded(-1.0)
            if overlap.width > 0 and overlap.height > 0 and overlap.overlaps(box_b.padded(-1.0)):
                problems.append(f"{a.get_text()!r} and {b.get_text()!r} overlap")
    for ax in fig.axes:
        boxes = []
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            boxes.append(("legend", legend.get_window_extent(renderer)))
        boxes += [(repr(t.get_text()), t.get_window_extent(renderer)) for t in _shown(ax.texts)]
        data = []  # (name, points in display coordinates)
        for line in ax.get_lines():
            guide = line.get_gid() == "guide" or line.get_transform() != ax.transData
            if guide or not line.get_visible() or len(line.get_xdata()) < 2:
                continue
            path = line.get_transform().transform_path(line.get_path()).interpolated(20)
            data.append((f"the line {line.get_label()!r}", path.vertices))
        for points in ax.collections:  # scatter plots: their markers
            offsets = points.get_offsets()
            if points.get_visible() and len(offsets):
                data.append(("a marker", points.get_offset_transform().transform(offsets)))
        for what, box in boxes:
            inner = box.padded(-1.0)
            for name, vertices in data:
                if inner.width > 0 and inner.count_contains(vertices):
                    problems.append(f"{what} covers {name}")
        for image in ax.get_images():
            data = image.get_array()
            x0, x1, y0, y1 = image.get_extent()
            rows, cols = data.shape[:2]
            for text in _shown(ax.texts):
                x, y = text.get_position()
                c = int((x - min(x0, x1)) / abs(x1 - x0) * cols)
                r = int((y - min(y0, y1)) / abs(y1 - y0) * rows)
                if not (0 <= r < rows and 0 <= c < cols):
                    continue
                if y0 < y1 and image.origin == "upper":
                    r = rows - 1 - r
                cell = image.cmap(image.norm(data[r, c]))
                ratio = contrast(cell, matplotlib.colors.to_rgb(text.get_color()))
                if ratio < MIN_CONTRAST:
                    problems.append(
                        f"{text.get_text()!r} on its cell: contrast {ratio:.1f} (at least "
                        f"{MIN_CONTRAST})"
                    )
    return problems


# --------------------------------------------------------------------------- cache


def _tree_digest(folder: Path, pattern: str) -> str:
    """One hash over the relative names and bytes of the files under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob(pattern) if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _shared_inputs() -> str:
    """What every figure depends on besides its own module."""
    parts = [
        Path(__file__).read_bytes().hex(),
        repr(sorted(STYLE.items())),
        posenc_ref.__version__,
        _tree_digest(Path(posenc_ref.__file__).resolve().parent, "*.py"),
        _tree_digest(DOCS_DIR / "data", "*"),
        matplotlib.__version__,
        np.__version__,
        sys.version,
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cache_keys() -> dict[str, str]:
    """The cache key of every figure: its module's source plus the shared inputs."""
    shared = _shared_inputs()
    keys = {}
    for module in FIGURE_MODULES:
        own = hashlib.sha256((shared + _SOURCE_DIGEST[module.__name__]).encode()).hexdigest()
        for func in module.FIGURES:
            keys[func.__name__.replace("_", "-")] = own[:32]
    return keys


def cache_dir() -> Path | None:
    """The cache folder, or None when ``POSENC_FIGURE_CACHE=0`` turns the cache off."""
    setting = os.environ.get("POSENC_FIGURE_CACHE", "")
    if setting == "0":
        return None
    return Path(setting) if setting else ROOT / ".cache" / "posenc-figures"


def figure_svgs(warn: Callable[..., None] | None = None) -> dict[str, str]:
    """Every figure's SVG: from the cache when its key matches, drawn (and stored) otherwise.

    A figure that is drawn is also checked (:func:`readability_problems`); each problem is
    passed to ``warn``, which the build makes a warning (so ``--strict`` fails).
    """
    folder = cache_dir()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    svgs = {}
    for name, key in cache_keys().items():
        cached = folder / f"{name}.{key}.svg" if folder is not None else None
        if cached is not None and cached.is_file():
            svgs[name] = cached.read_text(encoding="utf-8")
            continue
        problems: list[str] = []
        svgs[name] = render(name, problems)
        for problem in problems:
            if warn is not None:
                warn("figure %s", problem)
        if cached is not None and not problems:
            for old in folder.glob(f"{name}.*.svg"):  # an older key of the same figure
                old.unlink()
            tmp = cached.with_suffix(".tmp")
            tmp.write_text(svgs[name], encoding="utf-8")
            tmp.replace(cached)  # atomic: a concurrent build never reads half a file
    return svgs


# --------------------------------------------------------------------------- MkDocs events


def on_files(files, config):
    """Add one generated ``figures/<name>.svg`` file per registered figure."""
    from mkdocs.structure.files import File

    for name, svg in figure_svgs(warn=log.warning).items():
        files.append(File.generated(config, f"{FIGURE_DIR}/{name}.svg", content=svg))
    return files


# An image of a generated figure, with no attribute list of its own yet.
_FIGURE_IMAGE = re.compile(r"(!\[[^\]]*\]\(figures/([a-z0-9-]+)\.svg\))(?!\{)")


def on_page_markdown(markdown, page, config, files):
    """Give every figure on a page the id ``fig-<name>``, so that it can be cited and linked."""
    return _FIGURE_IMAGE.sub(r"\1{ #fig-\2 }", markdown)
