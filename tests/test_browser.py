"""Every page of the built site in headless Chromium, over http://127.0.0.1 and over file://.

Checks: no console error, no page error, no failed request, no request that leaves the machine,
math typeset by the vendored MathJax, figures loaded, search working from file://.

Uses Debian's /usr/bin/chromium through Playwright (no `playwright install`, which needs a CDN).
Skipped when that binary is missing, except under CI (env var CI set), where it must run.
Screenshots go to a temporary folder (or to $POSENC_SCREENSHOTS) for a look by eye.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("CI is set but /usr/bin/chromium is missing: the browser test must run in CI")
    pytest.skip("no /usr/bin/chromium (apt-get install -y chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from test_site import html_name, nav_pages  # noqa: E402

pytestmark = pytest.mark.browser

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

# Pages whose Markdown has math get mjx-containers; the others must simply load cleanly.
PAGES = [html_name(md) for md in nav_pages()]


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
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("POSENC_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws"} and parts.hostname in LOCAL_HOSTS


class Visit:
    """Open one page and record everything that goes wrong."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1100, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        page = self.page
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("requestfailed", lambda req: self.errors.append(f"failed: {req.url}"))
        page.on("response", self._response)
        page.goto(url, wait_until="load")
        # MathJax is loaded at the end of the body; wait for its first typesetting pass.
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")

    def _console(self, msg):
        if msg.type == "error":
            self.errors.append(f"console: {msg.text}")

    def _response(self, resp):
        if resp.status >= 400:
            self.errors.append(f"HTTP {resp.status}: {resp.url}")

    def close(self):
        self.context.close()


def _check_page(visit: Visit, name: str, shots: Path | None, label: str):
    page = visit.page
    try:
        math = page.evaluate(
            """() => ({
                spans: document.querySelectorAll('.arithmatex').length,
                typeset: document.querySelectorAll('mjx-container').length,
                raw: [...document.querySelectorAll('.arithmatex')]
                    .filter(e => /\\\\\\(|\\\\\\[/.test(e.textContent)).length,
                mjxErrors: document.querySelectorAll('mjx-merror').length,
                // Headings with math show up as raw TeX in the table of contents and the title.
                rawNav: [...document.querySelectorAll('.md-nav__link, title, .md-header__topic')]
                    .filter(e => /\\\\\\(|\\\\\\[/.test(e.textContent)).length,
            })"""
        )
        images = page.evaluate(
            """() => [...document.querySelectorAll('article img')]
                .map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0}))"""
        )
        if shots is not None:
            page.screenshot(path=str(shots / f"{label}-{name}.png"), full_page=True)
    finally:
        visit.close()

    outside = [url for url in visit.requests if not _is_local(url)]
    assert not outside, f"{name} ({label}) requested: {outside}"
    assert not visit.errors, f"{name} ({label}): {visit.errors}"
    if math["spans"]:
        assert math["typeset"] >= math["spans"], f"{name} ({label}): math not typeset {math}"
        assert math["raw"] == 0, f"{name} ({label}): raw TeX left {math}"
    assert math["mjxErrors"] == 0, f"{name} ({label}): TeX errors {math}"
    assert math["rawNav"] == 0, f"{name} ({label}): raw TeX in navigation or title {math}"
    broken = [img["src"] for img in images if not img["ok"]]
    assert not broken, f"{name} ({label}): images not loaded: {broken}"
    return math, images


@pytest.mark.parametrize("name", PAGES)
def test_page_over_http(browser, server, shots, name):
    math, images = _check_page(Visit(browser, f"{server}/{name}"), name, shots, "http")
    if name == "index.html":  # the formula box and the heatmap are on the first screen
        assert math["typeset"] > 0
        assert any(img["src"] == "figures/heatmap-interleaved.svg" for img in images)


@pytest.mark.parametrize("name", PAGES)
def test_page_over_file(browser, built_site, shots, name):
    url = (built_site.path / name).as_uri()
    # Screenshots once per page are enough; over file:// only the home page is kept.
    _check_page(Visit(browser, url), name, shots if name == "index.html" else None, "file")


def test_search_over_file(browser, built_site, shots):
    visit = Visit(browser, (built_site.path / "index.html").as_uri())
    page = visit.page
    try:
        box = page.locator("input.md-search__input")
        box.click()  # at this width the search field sits in the header
        box.press_sequentially("rotation", delay=20)  # Material reacts to key events
        hits = page.locator(".md-search-result__item")
        hits.first.wait_for(state="visible", timeout=15_000)
        count = hits.count()
        meta = page.locator(".md-search-result__meta").inner_text()
        page.screenshot(path=str(shots / "file-search.png"))
    finally:
        visit.close()
    assert count > 0, meta
    assert "matching document" in meta, meta
    assert not visit.errors, visit.errors
    outside = [url for url in visit.requests if not _is_local(url)]
    assert not outside, outside


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
                    longest: +root.querySelector('[data-out=longest]').textContent, pairs};
        }"""
    )


def test_explorer_agrees_with_the_reference(browser, server, shots):
    """The interactive explorer on rotation.html shows the reference's values (float64)."""
    import numpy as np

    import posenc_ref as pe

    visit = Visit(browser, f"{server}/rotation.html")
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
        visit.close()
    assert not visit.errors, visit.errors
    for d, log_base, p, k, state in states:
        base = 10.0**log_base
        assert (state["d"], state["p"], state["k"]) == (d, p, k)
        assert state["base"] == pytest.approx(base, rel=1e-15)
        rows = pe.sinusoidal([p, p + k], d, base=base)
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
        longest = float(pe.wavelengths(d, base=base)[-1])
        assert state["longest"] == pytest.approx(longest, rel=1e-7)
    # Moving p with k fixed leaves the score alone: the first two cases differ only in p.
    assert states[0][4]["dot"] == pytest.approx(states[1][4]["dot"], abs=1e-9)
    assert np.isfinite([s[4]["dot"] for s in states]).all()
