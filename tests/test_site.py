"""The built site: strict build, nav, links and anchors, figures, math, no external URLs.

The build itself happens once per session (``built_site`` in conftest.py) and fails on any
warning. Browser-level checks are in test_browser.py.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from helpers import hook_module

yaml = pytest.importorskip("yaml", reason="the docs extra is not installed")

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CONFIG = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def nav_pages() -> list[str]:
    """The Markdown files named in the nav, in nav order."""
    pages: list[str] = []

    def walk(node):
        if isinstance(node, str):
            pages.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(CONFIG["nav"])
    return pages


def html_name(md: str) -> str:
    return md[: -len(".md")] + ".html"  # use_directory_urls is false


def source_pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if "_hooks" not in p.parts)


class _PageParser(HTMLParser):
    """Collects element ids and every href/src of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and tag != "meta":
                self.ids.add(value)
            elif name in ("href", "src"):
                self.refs.append((tag, value))


def parse_html(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# --------------------------------------------------------------------------- build and nav


def test_build_is_strict_and_clean(built_site):
    assert CONFIG["strict"] is True
    assert "Documentation built" in built_site.log
    assert "WARNING" not in built_site.log


def test_config_is_offline():
    assert CONFIG["theme"]["font"] is False, "theme.font must be false (Google Fonts)"
    assert CONFIG["use_directory_urls"] is False, "the offline plugin needs .html URLs"
    assert "offline" in CONFIG["plugins"]
    assert "repo_url" not in CONFIG, "repo_url makes the theme call the GitHub API"
    polyfills = CONFIG["extra"]["polyfills"]
    assert polyfills == ["javascripts/vendor/iframe-worker/shim.js"]
    for script in [*polyfills, *CONFIG["extra_javascript"]]:
        assert (DOCS / script).is_file(), script


def test_every_nav_page_exists(built_site):
    pages = nav_pages()
    assert len(pages) == len(set(pages)), "a page is listed twice in the nav"
    for md in pages:
        assert (DOCS / md).is_file(), f"nav names {md}, which is missing from docs/"
        assert (built_site.path / html_name(md)).is_file(), f"{md} was not built"


def test_every_page_is_in_the_nav():
    listed = set(nav_pages())
    for page in source_pages():
        assert page.relative_to(DOCS).as_posix() in listed, f"{page} is not in the nav"


def test_pages_are_not_placeholders():
    for page in source_pages():
        text = page.read_text(encoding="utf-8")
        assert re.search(r"\bTODO\b|\bTBD\b|placeholder|lorem ipsum", text, re.I) is None, page
        assert text.startswith("# "), f"{page} should open with its title"
        if "\n::: " not in text:  # an API page is filled in by mkdocstrings
            assert len(text.split()) > 60, f"{page} is too short to be a real first section"


# --------------------------------------------------------------------------- links, anchors


def _internal_targets(built: Path):
    """Yield (page, tag, url, target file, fragment) for every internal reference."""
    for page in sorted(built.rglob("*.html")):
        for tag, url in parse_html(page).refs:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue  # external or data: URLs; checked by test_no_external_urls
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            yield page, tag, url, target, unquote(parts.fragment)


def test_internal_links_and_anchors_resolve(built_site):
    ids_cache: dict[Path, set[str]] = {}
    checked = 0
    problems = []
    for page, tag, url, target, fragment in _internal_targets(built_site.path):
        if page.name == "404.html":
            continue  # served from any folder; its links are relative to the site root
        rel = page.relative_to(built_site.path)
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            problems.append(f"{rel}: <{tag}> {url}: no such file")
            continue
        if fragment and target.suffix == ".html":
            if target not in ids_cache:
                ids_cache[target] = parse_html(target).ids
            if fragment not in ids_cache[target]:
                problems.append(f"{rel}: <{tag}> {url}: no id {fragment!r}")
        checked += 1
    assert not problems, "\n".join(problems)
    assert checked > 100  # the nav alone links every page from every page


def test_citable_anchors_are_unique_and_stable():
    """Ids of the form eq-*/thm-* are written in the page source, once each."""
    seen: dict[str, Path] = {}
    for page in source_pages():
        for anchor in re.findall(r'(?:\{#|id=")((?:eq|thm)-[a-z0-9-]+)', page.read_text("utf-8")):
            assert anchor not in seen, f"{anchor} is defined in {seen[anchor]} and {page}"
            seen[anchor] = page
    assert {"eq-pe", "thm-shift"} <= set(seen)


def test_theorem_anchors_name_symbolic_proofs():
    """A thm-* anchor names the SymPy proof of its statement (cite.md promises this)."""
    symbolic = pytest.importorskip("posenc_ref.symbolic", reason="posenc_ref.symbolic not merged")
    for page in source_pages():
        for anchor in re.findall(r"\{#(thm-[a-z0-9-]+)", page.read_text("utf-8")):
            assert anchor in symbolic.THEOREMS, f"{page.name}: {anchor} has no SymPy proof"


# --------------------------------------------------------------------------- offline: no URLs

# Every http(s) URL left in the built site after removing licence and attribution comments and
# XML namespace names must be listed here with the reason it is harmless. The browser test
# checks, independently, that no request leaves localhost.
ALLOWED_URLS: dict[str, tuple[tuple[str, str], ...]] = {
    # Material's own bundle: code paths this site never takes.
    "assets/javascripts/bundle.*.min.js": (
        ("https://unpkg.com/resize-observer-polyfill", "loaded only without ResizeObserver"),
        ("https://unpkg.com/mermaid@", "loaded only on pages with Mermaid diagrams (none)"),
        ("https://api.github.com/", "repository facts, only when repo_url is set (it is not)"),
        ("https://${e}/api/v4/", "GitLab repository facts, only when repo_url is set"),
    ),
    # Material's search worker: text of a console warning about an invalid query.
    "assets/javascripts/workers/search.*.min.js": (("https://bit.ly/", "a help link in text"),),
    # GLightbox (mkdocs-glightbox): its video player, loaded only for a video slide (none here;
    # the site opens SVG figures only).
    "assets/javascripts/glightbox.min.js": (
        ("https://cdn.plyr.io/", "the video player for video slides, which the site has none of"),
    ),
    # Vendored MathJax: the link in its "About MathJax" dialog (attribution).
    "javascripts/vendor/mathjax/tex-chtml.js": (("https://www.mathjax.org", "attribution"),),
}

_URL = re.compile(r"https?://[^\s\"'`)<>\\]+")
_COMMENTS = (
    re.compile(r"/\*.*?\*/", re.S),  # JS/CSS block comments: licence headers
    re.compile(r"^\s*//.*$", re.M),  # JS whole-line comments (lunr language files)
    # HTML/SVG comments, also the escaped ones (\3c !-- … --) inside CSS data URIs
    re.compile(r"(?:<|\\3c\s?)!--.*?--(?:>|\\3e\s?)", re.S),
)
_NAMESPACES = (
    re.compile(r'xmlns(?::\w+)?=(["\'])[^"\']*\1'),  # XML namespace names are never fetched
    re.compile(r"<!DOCTYPE[^>]*>", re.S),  # the SVG 1.1 DTD identifier
    re.compile(
        r"[\"']http://www\.w3\.org/(?:2000/svg|1999/xhtml|1999/xlink|1998/Math/MathML"
        r"|2001/10/synthesis|XML/1998/namespace|2000/xmlns/)[\"']"
    ),  # createElementNS
)


# Citations are plain hyperlinks (<a href="https://…">): a browser fetches nothing until the
# reader clicks, so they are allowed; anything that would load by itself (src=, stylesheet
# links, url(), imports) is not.
_CITATION_LINKS = re.compile(r'<a\s[^>]*?href="https?://[^"]*"[^>]*>.*?</a>', re.S)


def external_urls(text: str, *, citations_allowed: bool = False) -> list[str]:
    for pattern in (*_COMMENTS, *_NAMESPACES):
        text = pattern.sub("", text)
    if citations_allowed:
        text = _CITATION_LINKS.sub("", text)
    return _URL.findall(text)


def test_no_external_urls(built_site):
    site = built_site.path
    found = []
    allowed_seen = set()
    files = [p for p in site.rglob("*") if p.suffix in {".html", ".js", ".css", ".svg"}]
    assert len(files) > 20
    for path in files:
        rel = path.relative_to(site).as_posix()
        allowed = [
            (prefix, why)
            for pattern, entries in ALLOWED_URLS.items()
            if Path(rel).match(pattern)
            for prefix, why in entries
        ]
        text = path.read_text(encoding="utf-8", errors="replace")
        # Page HTML may cite sources by link; the search index repeats page text, links included.
        citable = path.suffix == ".html" or rel == "search/search_index.js"
        if rel == "search/search_index.js":
            text = re.sub(r"https?://[^\s\"'`)<>\\,]+", "", text)
        for url in external_urls(text, citations_allowed=citable):
            hits = [prefix for prefix, _ in allowed if url.startswith(prefix)]
            if hits:
                allowed_seen.update(hits)
            else:
                found.append(f"{rel}: {url}")
    assert not found, "external URLs in the built site:\n" + "\n".join(found)
    # An entry that no longer matches anything must be removed, so the list stays honest.
    listed = {prefix for entries in ALLOWED_URLS.values() for prefix, _ in entries}
    assert allowed_seen == listed, f"stale ALLOWED_URLS entries: {listed - allowed_seen}"


def test_external_url_filter_is_not_blind():
    page = '<script src="https://cdn.example.org/x.js"></script><svg xmlns="http://www.w3.org/2000/svg"/>'
    assert external_urls(page) == ["https://cdn.example.org/x.js"]
    assert external_urls("/*! licence https://example.org */ f('https://evil.example')") == [
        "https://evil.example"
    ]


CDN = re.compile(
    r"https?://(cdn\.|unpkg\.com|cdn\.jsdelivr|fonts\.googleapis|fonts\.gstatic|polyfill\.io)"
)


def test_sources_name_no_cdn():
    sources = [ROOT / "mkdocs.yml", *(p for p in DOCS.rglob("*") if p.is_file())]
    for path in sources:
        if "__pycache__" in path.parts or path.suffix in {".woff", ".pyc"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        assert CDN.search(text) is None, f"{path.relative_to(ROOT)} names a CDN"


def test_pages_load_nothing_from_outside():
    """Markdown pages may cite sources by link, but never embed a remote image, script or frame."""
    embed = re.compile(
        r"!\[[^\]]*\]\(\s*https?://|<(?:img|script|iframe|link|source)\b[^>]*https?://"
    )
    for page in source_pages():
        assert embed.search(page.read_text("utf-8")) is None, page


def test_citation_links_are_allowed_but_assets_are_not():
    page = (
        '<a class="x" href="https://example.org/p">https://example.org/p</a>'
        '<img src="https://cdn.x/y.png">'
    )
    assert external_urls(page, citations_allowed=True) == ["https://cdn.x/y.png"]
    assert len(external_urls(page)) == 3  # href, link text, img


@pytest.mark.parametrize(
    ("vendored", "readme"),
    [
        ("mathjax/tex-chtml.js", "mathjax/README.txt"),
        ("iframe-worker/shim.js", "iframe-worker/README.txt"),
    ],
)
def test_vendored_files_match_their_readme(vendored, readme):
    vendor = DOCS / "javascripts" / "vendor"
    digest = hashlib.sha256((vendor / vendored).read_bytes()).hexdigest()
    notes = (vendor / readme).read_text(encoding="utf-8")
    name = Path(vendored).name
    recorded = re.findall(rf"sha256 of {re.escape(name)}(?: after)?:\s+([0-9a-f]{{64}})", notes)
    assert recorded == [digest], f"{vendored} differs from the copy described in {readme}"
    assert (vendor / Path(vendored).parent / "LICENSE").is_file()


def test_mathjax_fonts_are_vendored(built_site):
    fonts = built_site.path / "javascripts/vendor/mathjax/output/chtml/fonts/woff-v2"
    names = {p.name for p in fonts.glob("*.woff")}
    assert {"MathJax_Main-Regular.woff", "MathJax_Math-Italic.woff", "MathJax_Zero.woff"} <= names


# --------------------------------------------------------------------------- figures


def test_figures_are_built_valid_svg(built_site):
    hook = hook_module("figures")
    names = hook.registry()
    assert {"heatmap-interleaved", "heatmap-split"} <= set(names)
    for name in names:
        path = built_site.path / "figures" / f"{name}.svg"
        assert path.is_file(), f"figure {name} missing from the built site"
        root = ET.parse(path).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        for attribute in ("viewBox", "width", "height"):
            assert root.get(attribute), f"{name}.svg has no {attribute}"
        assert len(list(root.iter())) > 50, f"{name}.svg is nearly empty"
    assert not (DOCS / "figures").exists(), "figures must go to the built site only"


def test_figures_are_reproducible_and_readable(built_site):
    """Each figure drawn once here: byte-identical to the build's (so to the figure cache the
    build may have used), free of metadata, and passing the readability rules on a phone."""
    hook = hook_module("figures")
    problems: list[str] = []
    for name in hook.registry():
        svg = hook.render(name, problems)
        assert svg == (built_site.path / "figures" / f"{name}.svg").read_text("utf-8"), name
        assert "<dc:date>" not in svg
        assert "Matplotlib v" not in svg
    assert not problems, "\n".join(problems)


def test_readability_check_finds_what_it_looks_for():
    """The rules behind the previous test, each broken once on a small figure."""
    import matplotlib.pyplot as plt

    hook = hook_module("figures")

    def problems(draw) -> str:
        return "\n".join(hook.check(draw))

    def plain():
        fig, ax = plt.subplots(figsize=(5, 3))
        ax.plot([0, 1], [0, 1])
        return fig

    assert problems(plain) == ""

    def wide_and_small():
        fig, ax = plt.subplots(figsize=(9, 3))
        ax.set_title("tiny", fontsize=6)
        return fig

    found = problems(wide_and_small)
    assert "9.0 in wide" in found
    assert "'tiny' is" in found

    def tex_and_index():
        fig, ax = plt.subplots(figsize=(5, 3))
        ax.set_xlabel("λ_i = base^(2i/d)")
        ax.set_ylabel("pair index k")
        ax.set_title(r"$\frac{1}{2}\sum_k \omega_k$")
        return fig

    found = problems(tex_and_index)
    assert "plain-text TeX" in found
    assert "the pair index is i" in found
    assert "too small" in found

    def legend_on_data():
        fig, ax = plt.subplots(figsize=(5, 3))
        ax.plot(range(50), [0.5] * 50, label="a flat line under the legend")
        ax.legend(loc="center")
        return fig

    assert "legend covers the line" in problems(legend_on_data)

    def dark_text_on_dark_cell():
        fig, ax = plt.subplots(figsize=(5, 3))
        ax.imshow([[1.0, -1.0]], cmap="RdBu_r", vmin=-1, vmax=1)
        ax.text(0, 0, "0.99", color="black", ha="center")
        return fig

    assert "contrast" in problems(dark_text_on_dark_cell)


def test_figure_cache_key_covers_the_inputs(monkeypatch):
    hook = hook_module("figures")
    keys = hook.cache_keys()
    assert set(keys) == set(hook.registry())
    module = hook.FIGURE_MODULES[0]
    first = module.FIGURES[0].__name__.replace("_", "-")
    # The figure module's source, the package version and the package source each change it.
    monkeypatch.setitem(hook._SOURCE_DIGEST, module.__name__, "edited")
    edited = hook.cache_keys()
    own = {f.__name__.replace("_", "-") for f in module.FIGURES}
    assert all(edited[n] != keys[n] for n in own)
    assert all(edited[n] == keys[n] for n in set(keys) - own)
    monkeypatch.undo()
    monkeypatch.setattr(hook.posenc_ref, "__version__", "0.0.0-test")
    assert hook.cache_keys()[first] != keys[first]
    monkeypatch.undo()
    monkeypatch.setattr(hook, "_tree_digest", lambda folder, pattern: str(folder))
    assert hook.cache_keys()[first] != keys[first]


def test_figure_cache_serves_what_it_stored(tmp_path, monkeypatch):
    """A second pass over a filled cache draws nothing and returns the same SVGs."""
    hook = hook_module("figures")
    monkeypatch.setenv("POSENC_FIGURE_CACHE", str(tmp_path))
    cheap = "unit-circle"  # one small figure is enough to exercise the mechanism
    monkeypatch.setattr(hook, "cache_keys", lambda: {cheap: "k1"})
    first = hook.figure_svgs()
    assert (tmp_path / f"{cheap}.k1.svg").read_text("utf-8") == first[cheap]
    monkeypatch.setattr(hook, "render", lambda *a, **k: pytest.fail("drew a cached figure"))
    assert hook.figure_svgs() == first
    # A new key draws again and drops the stale file.
    monkeypatch.undo()
    monkeypatch.setenv("POSENC_FIGURE_CACHE", str(tmp_path))
    monkeypatch.setattr(hook, "cache_keys", lambda: {cheap: "k2"})
    hook.figure_svgs()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{cheap}.k2.svg"]


def test_every_figure_is_used_and_every_use_exists():
    names = set(hook_module("figures").registry())
    used = set()
    for page in source_pages():
        used |= set(re.findall(r"\]\(figures/([a-z0-9-]+)\.svg\)", page.read_text("utf-8")))
    assert used == names, f"unused: {names - used}; missing: {used - names}"


def test_figure_code_uses_only_the_public_api():
    for module in (DOCS / "_hooks").glob("figs_*.py"):
        text = module.read_text(encoding="utf-8")
        assert re.search(r"posenc_ref\._|from posenc_ref\.\w*\s+import\s+_", text) is None, module
        assert re.search(r"^\s*(import|from) posenc_ref\b", text, re.M), module


# --------------------------------------------------------------------------- math, examples


def test_math_source_is_present(built_site):
    home = (built_site.path / "index.html").read_text(encoding="utf-8")
    start = home.index('id="eq-pe"')
    block = home[start : start + 600]
    for source in ('class="arithmatex"', r"\[", r"\sin", r"10000^{2i/d}"):
        assert source in block, f"{source} missing from the formula box"
    math_pages = 0
    for md in nav_pages():
        text = (built_site.path / html_name(md)).read_text(encoding="utf-8")
        assert "javascripts/vendor/mathjax/tex-chtml.js" in text
        assert "javascripts/mathjax-config.js" in text
        assert text.index("mathjax-config.js") < text.index("tex-chtml.js")
        if 'class="arithmatex"' in text:
            math_pages += 1
            assert re.search(r'class="arithmatex">\\[(\[]', text), md
    assert math_pages >= 5


def test_api_page_shows_no_raw_restructuredtext(built_site):
    """Docstrings use reST roles and ``.. math::`` for help(); the site must render them."""
    api = (built_site.path / "api.html").read_text(encoding="utf-8")
    raw = re.findall(r"\.\. math::|:(?:math|func|class|mod|data|meth|attr):`", api)
    assert raw == [], f"raw reST left on the API page: {sorted(set(raw))}"
    sources = "".join(p.read_text("utf-8") for p in (ROOT / "posenc_ref").rglob("*.py"))
    # the rewrite has work to do
    assert ":math:`" in sources
    assert ".. math::" in sources
    assert api.count('class="arithmatex"') >= 5


FENCE = re.compile(r"^\s*```+\s*([^\s`]*)(.*)$", re.M)
RUNS = {"python", "pycon"}  # collected by docs/conftest.py
SHOWN = {"", "text", "bibtex", "yaml", "sh", "console", "toml", "json"}


def test_code_fences_are_collected_or_plain():
    """A Python example under another fence name (py, python3) would silently not run."""
    for page in source_pages():
        text = page.read_text(encoding="utf-8")
        opening = True
        for match in FENCE.finditer(text):
            lang, rest = match.group(1), match.group(2).strip()
            if opening:
                assert lang in RUNS | SHOWN, f"{page.name}: fence {lang!r} is neither run nor plain"
                if lang in RUNS:
                    assert not rest, f"{page.name}: {lang} fence with options is not collected"
            opening = not opening


def test_examples_exist_on_the_home_page():
    text = (DOCS / "index.md").read_text(encoding="utf-8")
    assert "posenc_ref.sinusoidal(4, 4)" in text
    assert text.count("```pycon") >= 2


def test_api_page_lists_the_top_level_exports():
    """docs/api.md names exactly posenc_ref.__all__ (without __version__) as the top level."""
    import posenc_ref

    text = (DOCS / "api.md").read_text("utf-8")
    listed = text[text.index("exports") : text.index("(a test keeps")]
    names = set(re.findall(r"`([A-Za-z_]+)`", listed))
    assert names == set(posenc_ref.__all__) - {"__version__"}


# --------------------------------------------------------------------------- what readers see


def test_search_index_has_no_tex_outside_code(built_site):
    """Search previews show the index text: math must be readable text there, not TeX."""
    import json

    index = json.loads((built_site.path / "search" / "search_index.json").read_text("utf-8"))
    tex = re.compile(r"\\[A-Za-z]+|\\[()\[\]]")
    left = []
    for entry in index["docs"]:
        for field in ("title", "text"):
            prose = re.sub(r"<code>.*?</code>|<pre>.*?</pre>", "", entry[field], flags=re.S)
            left += [(entry["location"], m) for m in tex.findall(prose)]
    assert not left, left[:20]
    # The math is there, as text: the home page's formula reads like the formula.
    home = " ".join(e["text"] for e in index["docs"] if e["location"].startswith("index.html"))
    assert "PE(p, 2i) = sin(p/(10000^(2i/d))), PE(p, 2i+1) = cos(p/(10000^(2i/d)))" in home
    # The inline copy for file:// says the same.
    inline = (built_site.path / "search" / "search_index.js").read_text("utf-8")
    assert json.loads(inline.removeprefix("var __index = ")) == index
    # API entries are weighted down, so that pages come first.
    boosts = {e.get("boost", 1) for e in index["docs"] if e["location"].startswith("api.html")}
    assert boosts == {hook_module("posenc_site").SEARCH_BOOST["api.md"]}


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"\mathrm{PE}(p,\,2i) = \sin(p / 10000^{2i/d})", "PE(p, 2i) = sin(p / 10000^(2i/d))"),
        (r"\lVert \mathrm{PE}(p) \rVert^2 = d/2", "‖PE(p) ‖² = d/2"),
        (r"\frac{2}{d}\sum_i \cos(\Delta\omega_i)", "2/d Σᵢ cos(Δωᵢ)"),
        (r"R(k) = \operatorname{diag}\bigl(B(k\omega_0), \dots\bigr)", "R(k) = diag(B(kω₀), …)"),
        (
            r"\begin{pmatrix}\cos\theta & \sin\theta\\ -\sin\theta & \cos\theta\end{pmatrix}",
            "(cos θ sin θ; -sin θ cos θ)",
        ),
        (r"x_p^\top W \underbrace{x_q}_{\text{key}}", "xₚᵀW x_q".replace("x_q", "x_q")),
    ],
)
def test_tex_to_text(tex, text):
    assert hook_module("tex_text").tex_to_text(tex) == text


def test_tex_to_text_refuses_what_it_does_not_know():
    with pytest.raises(KeyError):
        hook_module("tex_text").tex_to_text(r"\mathfrak{g}")


def test_docstring_formula_lists_are_split_into_lines():
    split = hook_module("griffe_rst").split_formulas
    listed = r"a = \sin(x), \qquad b = \cos(x), \quad c = \frac{1}{2}"
    lines = [r"a = \sin(x), \\", r"b = \cos(x), \\", r"c = \frac{1}{2}"]
    assert split(listed) == "\n".join([r"\begin{gathered}", *lines, r"\end{gathered}"])
    for kept in (
        r"\begin{pmatrix} a, \quad b \end{pmatrix}",
        r"\{x, \qquad y\}",
        r"f(x, \quad y)",
        r"\left[x, \quad y\right]",
    ):
        assert split(kept) == kept


def test_every_page_names_its_version_and_build_date(built_site):
    import datetime as dt

    import posenc_ref

    dates = set()
    for md in nav_pages():
        text = (built_site.path / html_name(md)).read_text(encoding="utf-8")
        footer = text[text.index('class="md-copyright"') :]
        found = re.search(rf"posenc {re.escape(posenc_ref.__version__)} · built (\S+)", footer)
        assert found, md
        dates.add(found.group(1))
        assert 'class="posenc-print-meta"' in text, md
    assert len(dates) == 1, dates
    # The build's date (UTC; the build may have started the day before this test runs).
    built = dt.date.fromisoformat(dates.pop())
    assert 0 <= (dt.datetime.now(dt.UTC).date() - built).days <= 1
    assert hook_module("posenc_site").build_date() >= built.isoformat()


def test_one_page_copy_is_built(built_site):
    """print_page.html: every nav page once, in nav order, ids prefixed like its links."""
    text = (built_site.path / "print_page.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="print-page" id="([^"]+)"', text)
    assert sections == [html_name(md)[: -len(".html")] for md in nav_pages()]
    assert 'id="rotation-eq-shift" data-cite="rotation.html#eq-shift"' in text
    assert 'data-cite="rotation.html#thm-shift"' in text
    # Its links and anchors are checked with every other page's by the link test above.


def test_conventions_catalogue_matches_the_presets():
    """The catalogue table on conventions.md: one row per preset, in order, every cell right."""
    from posenc_ref import conventions as cv

    text = (DOCS / "conventions.md").read_text(encoding="utf-8")
    start = text.index("| preset | layout |")
    table = text[start : text.index("\n\n", start)]
    rows = re.findall(r"^\| `([a-z0-9-]+)` \|(.*)\|$", table, re.M)
    assert [name for name, _ in rows] == list(cv.PRESETS)
    for name, rest in rows:
        c = cv.PRESETS[name]
        cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", rest)]
        spacing = c.spacing if c.spacing != "shift" else f"shift s={c.shift:g}"
        padding = "–" if c.padding_idx is None else str(c.padding_idx)
        scale = {"1/sqrt(d)": r"\(1/\sqrt{d}\)"}.get(c.scale, c.scale)
        checked = "golden" if c.golden else "formula"
        expected = [c.layout, spacing, str(c.start), padding, c.odd, scale, c.dtype, checked]
        assert cells == expected, name
    assert {c.base for c in cv.PRESETS.values()} == {10000.0}  # the text says so
