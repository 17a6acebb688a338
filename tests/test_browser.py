"""Every page of the built site in headless Chromium, as a reader sees it.

For every page, at 1280x900 and 390x844: no console or page error, no failed request, no
request that leaves the machine, math typeset by the vendored MathJax, images loaded, no
equation typeset twice, no horizontal overflow of the document, no display equation wider than
its box (except the API reference's docstring formulas on a phone, which scroll in their own
box), no raw TeX in the text, and the version in the footer. Each page is checked twice: over
http://127.0.0.1 in the light scheme, loaded at 1280 px and then narrowed to 390 px; and over
file:// for a reader whose system prefers dark, loaded at 390 px and then widened. (Pages are
loaded in turn in one tab per kind, which halves the cost of a load; tests that change what
they look at get a fresh context of their own.)
Besides: search (readable previews, no single-letter highlighting, pages before API entries,
suggestions, file://), the explorer (agrees with the reference, explains invalid input instead
of showing NaN, keeps controls and result on one phone screen), copy buttons (runnable code
only), the lightbox, the light/dark toggle, and print (the rotation page as PDF with eq-shift
whole, the one-page copy).

Uses Debian's /usr/bin/chromium through Playwright (no `playwright install`, which needs a CDN).
Skipped when that binary is missing, except under CI (env var CI set), where it must run.
Screenshots of every page (both widths in light, and dark) and the PDFs are written to
$POSENC_SCREENSHOTS, by default .cache/screenshots/ in the repository (git-ignored), for a
look by eye: the first screen of each page, or the whole page with POSENC_FULL_ARTEFACTS=1
(as .ci/run does, which also saves the one-page copy as a PDF).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("CI is set but /usr/bin/chromium is missing: the browser test must run in CI")
    pytest.skip("no /usr/bin/chromium (apt-get install -y chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from test_site import html_name, nav_pages  # noqa: E402

import posenc_ref  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--no-default-browser-check",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"file", "data", "blob", "about"}

PAGES = [html_name(md) for md in nav_pages()]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Screenshots show the first screen; with POSENC_FULL_ARTEFACTS=1 (.ci/run) the whole page, cut
# at this height (the API reference is about 75 000 px tall), and the one-page copy as a PDF.
# Those cost about a minute more.
FULL_SHOTS = os.environ.get("POSENC_FULL_ARTEFACTS") == "1"
SHOT_MAX_HEIGHT = 16_000

# Material animates some widths and colours; the layout checks wait for the end state only.
STILL_CSS = "*, *::before, *::after { transition: none !important; animation: none !important; }"

# What the reader sees, measured in the page. Display equations inside `.doc-contents` are
# docstrings written for help(); on a phone they may scroll in their own box.
MEASURE = r"""(allowScroll) => {
    const vw = document.documentElement.clientWidth;
    const tooWide = [...document.querySelectorAll('mjx-container[display="true"]')]
        .map(m => {
            const box = m.closest('.arithmatex') || m.parentElement;
            return {tex: (box.textContent || '').slice(0, 80),
                    width: Math.ceil(m.scrollWidth), room: Math.floor(box.clientWidth) + 1,
                    allowed: allowScroll && !!m.closest('.doc-contents')};
        })
        .filter(e => e.width > e.room && !e.allowed);
    // Raw TeX: delimiters or a backslash command left in text that is not code.
    const raw = [];
    const walker = document.createTreeWalker(
        document.querySelector('.md-content') || document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.parentElement.closest('code, pre, script, style, mjx-container')) continue;
        if (/\\\(|\\\)|\\\[|\\\]|\$\$|\\[A-Za-z]{2,}/.test(n.textContent)) {
            raw.push(n.textContent.trim().slice(0, 80));
        }
    }
    return {
        docWidth: document.documentElement.scrollWidth, viewport: vw, tooWide, raw,
        spans: document.querySelectorAll('.arithmatex').length,
        typeset: document.querySelectorAll('mjx-container').length,
        // A rendering inside MathJax's screen-reader copy means a pass typeset its own output.
        nested: document.querySelectorAll('mjx-assistive-mml mjx-container').length,
        mjxErrors: document.querySelectorAll('mjx-merror').length,
        rawNav: [...document.querySelectorAll('.md-nav__link, title, .md-header__topic')]
            .filter(e => /\\\(|\\\[/.test(e.textContent)).length,
        footer: (document.querySelector('.md-copyright') || {}).textContent || '',
        scheme: document.body.getAttribute('data-md-color-scheme'),
        images: [...document.querySelectorAll('article img')]
            .map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0})),
    };
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def server(built_site):
    handler = functools.partial(_QuietHandler, directory=str(built_site.path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = os.environ.get("POSENC_SCREENSHOTS")
    path = Path(folder) if folder else ROOT / ".cache" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws"} and parts.hostname in LOCAL_HOSTS


class Tab:
    """One browser tab that records everything that goes wrong while it shows a page."""

    def __init__(self, browser, viewport=DESKTOP, scheme: str = "light", *, still=False, **options):
        self.scheme = scheme
        self.still = still
        self.context = browser.new_context(viewport=viewport, color_scheme=scheme, **options)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        page = self.page
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("requestfailed", lambda req: self.errors.append(f"failed: {req.url}"))
        page.on("response", self._response)

    def open(self, url: str, viewport=DESKTOP) -> Tab:
        """Load ``url`` (a fresh navigation) and wait for MathJax's first typesetting pass."""
        self.errors.clear()
        self.requests.clear()
        self.page.set_viewport_size(viewport)
        # A previous test may have switched the scheme or emulated print.
        self.page.emulate_media(media="screen", color_scheme=self.scheme)
        self.page.goto(url, wait_until="load", timeout=90_000)
        # MathJax is loaded at the end of the body; wait for its first typesetting pass.
        self.page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
        )
        self.page.evaluate("() => MathJax.startup.promise")
        if self.still:  # layout checks only: a new width or scheme takes effect at once
            self.page.add_style_tag(content=STILL_CSS)
        return self

    def done(self) -> None:
        """The test is over: leave the page, so that nothing of it reaches the next test."""
        self.page.goto("about:blank")

    def resize(self, viewport) -> None:
        self.page.set_viewport_size(viewport)
        self._settle()

    def prefer(self, scheme: str) -> None:
        """The system preference changes, as when a phone switches to its night mode."""
        self.page.emulate_media(color_scheme=scheme)
        want = "slate" if scheme == "dark" else "default"
        self.page.wait_for_function(f"() => document.body.dataset.mdColorScheme === '{want}'")
        self._settle()

    def _settle(self) -> None:
        # Material animates some widths (the drawer, the search box): measure once they end.
        self.page.wait_for_function(
            "() => document.getAnimations().every(a => a.playState !== 'running')",
            timeout=10_000,
        )

    def _console(self, msg):
        if msg.type == "error":
            self.errors.append(f"console: {msg.text}")

    def _response(self, resp):
        if resp.status >= 400:
            self.errors.append(f"HTTP {resp.status}: {resp.url}")

    def outside(self) -> list[str]:
        return [url for url in self.requests if not _is_local(url)]

    def screenshot(self, path: Path) -> None:
        """The first screen, or the whole page (cut at SHOT_MAX_HEIGHT) with FULL_SHOTS."""
        if not FULL_SHOTS:
            self.page.screenshot(path=str(path))
            return
        height = self.page.evaluate("() => document.documentElement.scrollHeight")
        width = self.page.viewport_size["width"]
        clip = {"x": 0, "y": 0, "width": width, "height": min(height, SHOT_MAX_HEIGHT)}
        self.page.screenshot(path=str(path), full_page=True, clip=clip)

    def close(self):
        self.context.close()


def isolated(browser, url: str, viewport=DESKTOP, scheme: str = "light", **options) -> Tab:
    """A page in a fresh context of its own (the toggle stores its choice in the context)."""
    return Tab(browser, viewport, scheme, **options).open(url)


def _check(visit: Tab, label: str, *, allow_scroll: bool) -> dict:
    """Measure the page and assert what every page must satisfy; return the measurements."""
    seen = visit.page.evaluate(MEASURE, allow_scroll)
    assert not visit.outside(), f"{label} requested: {visit.outside()}"
    assert not visit.errors, f"{label}: {visit.errors}"
    if seen["spans"]:
        assert seen["typeset"] >= seen["spans"], f"{label}: math not typeset {seen}"
    assert seen["mjxErrors"] == 0, f"{label}: TeX errors"
    assert seen["nested"] == 0, f"{label}: {seen['nested']} equations typeset twice (nested)"
    assert seen["rawNav"] == 0, f"{label}: raw TeX in navigation or title"
    assert not seen["raw"], f"{label}: raw TeX in the text: {seen['raw']}"
    broken = [img["src"] for img in seen["images"] if not img["ok"]]
    assert not broken, f"{label}: images not loaded: {broken}"
    assert seen["docWidth"] <= seen["viewport"], (
        f"{label}: the page is {seen['docWidth']} px wide in a {seen['viewport']} px window"
    )
    assert not seen["tooWide"], (
        f"{label}: display equations wider than their box: {seen['tooWide']}"
    )
    version = f"posenc {posenc_ref.__version__}"
    assert version in seen["footer"], f"{label}: no '{version}' in the footer"
    return seen


# Loading a page in a tab that exists costs about half of a fresh context's load.
@pytest.fixture(scope="module")
def tab(browser):
    """The tab every page is loaded in, in turn, for the layout checks."""
    tab = Tab(browser, still=True)
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def dark_tab(browser):
    tab = Tab(browser, PHONE, "dark", still=True)
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def scratch(browser):
    """The tab of the tests that act on a page (search, explorer, copy, lightbox, print)."""
    tab = Tab(browser, permissions=["clipboard-read", "clipboard-write"])
    yield tab
    tab.close()


# (label, width, scheme): each page is measured in these states, in this order.
STATES = [
    ("desktop", DESKTOP, "light"),
    ("phone", PHONE, "light"),
    ("dark-phone", PHONE, "dark"),
    ("dark", DESKTOP, "dark"),
]
SHOT_STATES = {"desktop", "phone", "dark"}


@pytest.mark.parametrize("name", PAGES)
def test_page_light_and_dark_at_both_widths(tab, server, shots, name):
    """Loaded over http at 1280 px in the light scheme, narrowed to 390 px, then the system
    turns dark (Material follows it) and the page is widened again: checked at each step."""
    tab.open(f"{server}/{name}", viewport=DESKTOP)
    scheme = "light"
    for label, viewport, want in STATES:
        if tab.page.viewport_size != viewport:
            tab.resize(viewport)
        if want != scheme:
            tab.prefer(want)
            scheme = want
        seen = _check(tab, f"{name} ({label})", allow_scroll=viewport == PHONE)
        assert seen["scheme"] == ("slate" if scheme == "dark" else "default"), label
        if label in SHOT_STATES:
            tab.screenshot(shots / f"{label}-{name[:-5]}.png")
        if name == "index.html" and label == "desktop":  # formula box and heatmap on screen 1
            assert seen["typeset"] > 0
            assert any(img["src"] == "figures/heatmap-interleaved.svg" for img in seen["images"])


# Over file:// the pages load the same assets by the same relative URLs (test_site checks that
# every page's references resolve to files); these pages stand for the rest in a browser: the
# home page, the explorer's page, the pages with the most figures and equations, the API.
FILE_PAGES = ["index.html", "rotation.html", "rope.html", "derivation.html", "api.html"]


@pytest.mark.parametrize("name", FILE_PAGES)
def test_page_over_file_for_a_dark_system(dark_tab, built_site, shots, name):
    """The offline copy, opened at 390 px by a reader whose system prefers dark: a load in the
    dark scheme, nothing fetched from outside; then at 1280 px."""
    dark_tab.open((built_site.path / name).as_uri(), viewport=PHONE)
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        if viewport is DESKTOP:
            dark_tab.resize(DESKTOP)
        seen = _check(dark_tab, f"{name} (file://, dark, {label})", allow_scroll=viewport == PHONE)
        assert seen["scheme"] == "slate"
    dark_tab.screenshot(shots / f"file-dark-{name[:-5]}.png")


def test_toggle_switches_the_scheme(browser, server):
    visit = isolated(browser, f"{server}/index.html")
    try:
        page = visit.page
        schemes = [page.evaluate("() => document.body.dataset.mdColorScheme")]
        for _ in range(2):  # system (light here) -> light -> dark
            page.locator("label.md-header__button[for^='__palette']:visible").click()
            schemes.append(page.evaluate("() => document.body.dataset.mdColorScheme"))
    finally:
        visit.close()
    assert schemes == ["default", "default", "slate"], schemes
    assert not visit.errors, visit.errors


# --------------------------------------------------------------------------- search


def _search(page, query: str):
    box = page.locator("input.md-search__input")
    box.click()  # at this width the search field sits in the header
    box.press_sequentially(query, delay=20)  # Material reacts to key events
    hits = page.locator(".md-search-result__item")
    hits.first.wait_for(state="visible", timeout=20_000)
    return hits


def test_search_reads_like_the_pages(scratch, server, shots):
    visit = scratch.open(f"{server}/index.html")
    page = visit.page
    try:
        _search(page, "which i")
        page.wait_for_timeout(300)  # the last result batch
        # The preview text of every result, without its code blocks (code shows as written).
        teasers = page.eval_on_selector_all(
            ".md-search-result__article",
            """articles => articles.map(a => {
                const copy = a.cloneNode(true);
                copy.querySelectorAll('pre, code').forEach(c => c.remove());
                return copy.textContent;
            })""",
        )
        links = page.eval_on_selector_all(
            "a.md-search-result__link", "links => links.map(a => a.href)"
        )
        page.screenshot(path=str(shots / "search-which-i.png"))
        page.locator("a.md-search-result__link").first.click()
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)
        marks = page.locator("article mark").all_inner_texts()
        landing = page.url
    finally:
        visit.done()
    assert teasers, "no previews"
    tex = [t for t in teasers if re.search(r"\\[A-Za-z]+|\\[()\[\]]", t)]
    assert not tex, f"TeX in search previews: {tex}"
    for link in links:
        terms = parse_qs(urlsplit(link).query).get("h", [""])[0].split()
        assert all(len(t) > 1 for t in terms), f"a single letter would be highlighted: {link}"
        assert "which" not in terms, f"a stop word would be highlighted: {link}"
    assert all(len(m.strip()) > 1 for m in marks), f"{landing}: highlighted {marks[:10]}"
    assert not visit.errors, visit.errors


def test_search_ranks_pages_above_api_entries(scratch, server):
    visit = scratch.open(f"{server}/index.html")
    page = visit.page
    try:
        _search(page, "ntk")
        page.wait_for_timeout(300)
        first = page.locator("a.md-search-result__link").first.get_attribute("href")
        page.locator("input.md-search__input").fill("")
        page.locator("input.md-search__input").press_sequentially("rotati", delay=20)
        suggest = page.locator(".md-search__suggest")
        page.wait_for_function(
            "() => (document.querySelector('.md-search__suggest') || {}).textContent"
        )
        suggestion = suggest.inner_text()
    finally:
        visit.done()
    assert urlsplit(first).path.endswith("rope-scaling.html"), first
    assert suggestion.startswith("rotati"), suggestion
    assert len(suggestion) > len("rotati"), suggestion
    assert not visit.errors, visit.errors


def test_search_over_file(scratch, built_site, shots):
    visit = scratch.open((built_site.path / "index.html").as_uri())
    page = visit.page
    try:
        hits = _search(page, "rotation")
        count = hits.count()
        meta = page.locator(".md-search-result__meta").inner_text()
        page.screenshot(path=str(shots / "file-search.png"))
    finally:
        visit.done()
    assert count > 0, meta
    assert "matching document" in meta, meta
    assert not visit.errors, visit.errors
    assert not visit.outside(), visit.outside()


# --------------------------------------------------------------------------- explorer

# Settings the explorer test drives: (d, log10 base, p, k). Several bases, widths, large p.
EXPLORER_CASES = [(64, 4.0, 0, 3), (64, 4.0, 123456, 3), (8, 1.5, 7, -5), (512, 6.0, 999_983, 40)]


def _explorer_state(page) -> dict:
    return page.evaluate(
        """() => {
            const root = document.getElementById('pe-explorer');
            const pairs = [...root.querySelectorAll('.pe-explorer-pair')].map(f => ({
                pair: +f.dataset.pair, sin: +f.dataset.sin, cos: +f.dataset.cos,
                sinK: +f.dataset.sinK, cosK: +f.dataset.cosK,
                drawn: f.querySelector('canvas').width > 0}));
            return {d: +root.dataset.d, base: +root.dataset.base, p: +root.dataset.p,
                    k: +root.dataset.k, dot: +root.dataset.dot, dot0: +root.dataset.dot0,
                    shownDot: root.querySelector('[data-out=dot]').textContent,
                    shownBase: root.querySelector('[data-out=base]').textContent,
                    message: root.querySelector('[data-out=message]').textContent,
                    text: root.innerText,
                    longest: +root.querySelector('[data-out=longest]').textContent, pairs};
        }"""
    )


def test_explorer_agrees_with_the_reference(scratch, server, shots):
    """The interactive explorer on rotation.html shows the reference's values (float64)."""
    import numpy as np

    visit = scratch.open(f"{server}/rotation.html")
    page = visit.page
    states = []
    try:
        page.wait_for_function("() => document.getElementById('pe-explorer').dataset.ready")
        for d, log_base, p, k in EXPLORER_CASES:
            page.select_option("#pe-explorer [name=d]", str(d))
            page.fill("#pe-explorer [name=log-base]", str(log_base))
            page.fill("#pe-explorer [name=p]", str(p))
            page.fill("#pe-explorer [name=k]", str(k))
            states.append((d, log_base, p, k, _explorer_state(page)))
        page.locator("#pe-explorer").screenshot(path=str(shots / "explorer.png"))
    finally:
        visit.done()
    assert not visit.errors, visit.errors
    for d, log_base, p, k, state in states:
        base = 10.0**log_base
        assert (state["d"], state["p"], state["k"]) == (d, p, k)
        assert state["base"] == pytest.approx(base, rel=1e-15)
        assert float(state["shownBase"]) == pytest.approx(base, rel=1e-5)
        assert state["message"] == ""
        rows = posenc_ref.sinusoidal([p, p + k], d, base=base)
        assert state["pairs"][0]["pair"] == 0
        assert state["pairs"][-1]["pair"] == d // 2 - 1
        for s in state["pairs"]:
            i = s["pair"]
            # float64 libm at angles up to ~1e6 rad: a few ulps of the angle, well below 1e-9.
            assert s["sin"] == pytest.approx(rows[0, 2 * i], abs=1e-9)
            assert s["cos"] == pytest.approx(rows[0, 2 * i + 1], abs=1e-9)
            assert s["sinK"] == pytest.approx(rows[1, 2 * i], abs=1e-9)
            assert s["cosK"] == pytest.approx(rows[1, 2 * i + 1], abs=1e-9)
            assert s["drawn"]
        # The dot product the reader sees: the reference's, and the same at p = 0 (thm-dot).
        expected = float(rows[0] @ rows[1])
        assert state["dot"] == pytest.approx(expected, abs=d * 1e-9)
        assert state["dot0"] == pytest.approx(expected, abs=d * 1e-9)
        assert float(state["shownDot"]) == pytest.approx(expected, abs=d * 1e-9)
        longest = float(posenc_ref.wavelengths(d, base=base)[-1])
        assert state["longest"] == pytest.approx(longest, rel=1e-7)
    # Moving p with k fixed leaves the score alone: the first two cases differ only in p.
    assert states[0][4]["dot"] == pytest.approx(states[1][4]["dot"], abs=1e-9)
    assert np.isfinite([s[4]["dot"] for s in states]).all()


# (field, value typed, words the message must contain)
INVALID_INPUTS = [
    ("p", "", "empty"),
    ("p", "2.5", "whole number"),
    ("p", "-5", "out of range"),
    ("p", "99999999", "out of range"),
    ("k", "1001", "out of range"),
    ("k", "-3.25", "whole number"),
]


def test_explorer_explains_invalid_input(scratch, server, shots):
    visit = scratch.open(f"{server}/rotation.html", viewport=PHONE)
    page = visit.page
    seen = []
    try:
        page.wait_for_function("() => document.getElementById('pe-explorer').dataset.ready")
        for field, value, words in INVALID_INPUTS:
            page.fill("#pe-explorer [name=p]", "10")
            page.fill("#pe-explorer [name=k]", "3")
            page.fill(f"#pe-explorer [name={field}]", value)
            state = _explorer_state(page)
            invalid = page.get_attribute(f"#pe-explorer [name={field}]", "aria-invalid")
            seen.append((field, value, words, state, invalid))
        page.locator("#pe-explorer").screenshot(path=str(shots / "explorer-invalid.png"))
        page.fill("#pe-explorer [name=k]", "3")
        recovered = _explorer_state(page)
    finally:
        visit.done()
    assert not visit.errors, visit.errors
    for field, value, words, state, invalid in seen:
        assert words in state["message"], (field, value, state["message"])
        assert "NaN" not in state["text"], (field, value)
        assert "undefined" not in state["text"], (field, value)
        assert state["shownDot"] == "—", (field, value, state["shownDot"])
        assert invalid == "true", (field, value)
        assert (state["p"], state["k"]) == (10, 3), "the last valid setting stays"
    assert recovered["message"] == ""
    assert float(recovered["shownDot"]) == pytest.approx(recovered["dot"], rel=1e-11)


def test_explorer_fits_one_phone_screen(scratch, server, shots):
    """On a phone the controls and the result are on screen together."""
    visit = scratch.open(f"{server}/rotation.html", viewport=PHONE)
    page = visit.page
    try:
        page.wait_for_function("() => document.getElementById('pe-explorer').dataset.ready")
        page.evaluate("() => document.getElementById('pe-explorer').scrollIntoView()")
        boxes = page.evaluate(
            """() => ['.pe-explorer-controls', '.pe-explorer-out', '.pe-explorer-pair']
                .map(s => document.querySelector('#pe-explorer ' + s).getBoundingClientRect())
                .map(r => ({top: r.top, bottom: r.bottom, left: r.left, right: r.right}))"""
        )
        fields = page.evaluate(
            """() => [...document.querySelectorAll('#pe-explorer input[type=number], select')]
                .map(e => getComputedStyle(e).borderTopWidth)"""
        )
        page.screenshot(path=str(shots / "explorer-phone.png"))
    finally:
        visit.done()
    controls, result, first_pair = boxes
    assert controls["top"] >= 0, boxes
    assert result["bottom"] <= PHONE["height"], boxes
    assert first_pair["top"] < PHONE["height"], "at least the first pair is on the same screen"
    assert all(b["right"] <= PHONE["width"] for b in boxes), boxes
    assert all(float(w[:-2]) >= 1 for w in fields), f"fields without a border: {fields}"


# --------------------------------------------------------------------------- conveniences


def test_copy_button_copies_runnable_code(scratch, server):
    visit = scratch.open(f"{server}/index.html")
    page = visit.page
    try:
        block = page.locator(".highlight").filter(has_text=">>>").first
        shown = block.locator("code").inner_text()
        block.hover()
        block.locator("button[data-md-type=copy]").click()
        copied = page.evaluate("() => navigator.clipboard.readText()")
    finally:
        visit.done()
    # What a reader would type: the lines after the prompts, without prompts and output.
    expected = "\n".join(
        line[4:] for line in shown.splitlines() if line.startswith((">>> ", "... "))
    )
    assert ">>>" in shown
    assert expected
    assert copied == expected, (copied, expected)


def test_figures_open_full_size_on_a_phone(scratch, server, shots):
    visit = scratch.open(f"{server}/rope.html", viewport=PHONE)
    page = visit.page
    try:
        figure = page.locator("img#fig-rope-layouts")
        shown = figure.bounding_box()
        figure.click()
        slide = page.locator(".gslide-image img").first
        slide.wait_for(state="visible", timeout=10_000)
        page.wait_for_timeout(600)  # the opening animation
        page.screenshot(path=str(shots / "lightbox-phone.png"))
        src = slide.get_attribute("src")
    finally:
        visit.done()
    assert shown["width"] <= PHONE["width"]
    assert src.endswith("figures/rope-layouts.svg"), src
    assert not visit.errors, visit.errors


# --------------------------------------------------------------------------- print


def test_rotation_page_prints_whole(scratch, server, shots):
    """Print emulation of rotation.html: eq-shift whole, no dead controls, version on top."""
    visit = scratch.open(f"{server}/rotation.html")
    page = visit.page
    try:
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 718, "height": 1000})  # A4 with 1.5 cm margins, 96 dpi
        page.wait_for_timeout(300)
        state = page.evaluate(
            """() => {
                const style = (s, pseudo) =>
                    getComputedStyle(document.querySelector(s), pseudo || null);
                const eq = document.querySelector('#eq-shift mjx-container');
                const box = eq.closest('.arithmatex');
                const r = eq.getBoundingClientRect(), b = box.getBoundingClientRect();
                return {eqWidth: eq.scrollWidth, boxWidth: box.clientWidth,
                        inside: r.left >= b.left - 1 && r.right <= b.right + 1,
                        meta: style('.posenc-print-meta').display,
                        metaText: document.querySelector('.posenc-print-meta').textContent,
                        controls: style('.pe-explorer-controls').display,
                        nav: style('.md-sidebar--primary').display,
                        anchor: style('#eq-shift', '::before').content};
            }"""
        )
        pdf = page.pdf(
            format="A4",
            margin={"top": "1.5cm", "bottom": "1.5cm", "left": "1.5cm", "right": "1.5cm"},
            print_background=True,
        )
    finally:
        visit.done()
    (shots / "rotation.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 10_000
    assert state["eqWidth"] <= state["boxWidth"], state
    assert state["inside"], state
    assert state["meta"] == "block"
    assert f"posenc {posenc_ref.__version__}" in state["metaText"]
    assert "rotation.html" in state["metaText"]
    assert state["controls"] == "none", "the explorer's controls are printed"
    assert state["nav"] == "none"
    assert "eq-shift" in state["anchor"], state["anchor"]
    assert not visit.errors, visit.errors


def test_one_page_copy_of_the_site(scratch, server, shots):
    """print_page.html holds every page, loads cleanly and is laid out for print (the PDF of
    all of it, about 150 A4 pages and 10 s of CPU, is written with POSENC_FULL_ARTEFACTS=1;
    test_rotation_page_prints_whole prints a page to PDF in every run)."""
    visit = scratch.open(f"{server}/print_page.html")
    page = visit.page
    try:
        sections = page.eval_on_selector_all("section.print-page[id]", "s => s.map(e => e.id)")
        cover = page.locator("#print-site-cover-page").inner_text()
        cites = page.eval_on_selector_all("[data-cite]", "s => s.map(e => e.dataset.cite)")
        page.emulate_media(media="print")
        printed = page.evaluate(
            """() => ({nav: getComputedStyle(document.querySelector('.md-sidebar--primary'))
                            .display,
                       cover: getComputedStyle(document.querySelector('#print-site-cover-page'))
                            .display})"""
        )
        if FULL_SHOTS:
            (shots / "print_page.pdf").write_bytes(page.pdf(format="A4", print_background=True))
    finally:
        visit.done()
    assert not visit.errors, visit.errors
    assert not visit.outside(), visit.outside()
    assert sections == [name[:-5] for name in PAGES]
    assert f"posenc {posenc_ref.__version__}" in cover
    assert "rotation.html#eq-shift" in cites
    assert "rotation.html#thm-shift" in cites
    assert printed == {"nav": "none", "cover": "block"}, printed
