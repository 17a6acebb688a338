"""MkDocs hook: make ``print_page.html`` (mkdocs-print-site-plugin) keep its links and anchors.

The plugin puts every page into one, as ``<section class="print-page" id="<page>">``, and turns
each internal link ``#x`` or ``page.html#x`` into ``#<page>-x``. It renames only some of the ids
to match (most headings, list items), so links to equations, figures and some headings led
nowhere. After the plugin has written the page, this hook renames each id that such a link
points to, gives every citable id (``eq-``, ``thm-``, ``myth-``, ``fig-``) the page prefix and
``data-cite="<page>.html#<id>"`` (the address a reader cites, which the print stylesheet prints
beside it), and unlinks what still leads nowhere.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.plugins import event_priority

_SECTION = re.compile(r'(<section class="print-page" id="([^"]+)"[^>]*>)')
_ID = re.compile(r'(<[a-zA-Z][\w-]*\b[^>]*?\s)id="([^"]+)"')
_LOCAL_LINK = re.compile(r'(<a\b[^>]*?)\s+href="#([^"]*)"')
CITABLE = re.compile(r"(?:eq|thm|myth|fig)-[a-z0-9-]+")


def _fix_section(key: str, body: str, wanted: set[str]) -> str:
    """Rename the ids of one page's section so that the links to them resolve."""
    ids = {m.group(2) for m in _ID.finditer(body)}

    def rename(match: re.Match[str]) -> str:
        start, ident = match.group(1), match.group(2)
        if ident.startswith("__"):  # the theme's own elements (search, drawer, config)
            return match.group(0)
        prefixed = f"{key}-{ident}"
        if CITABLE.fullmatch(ident):
            return f'{start}id="{prefixed}" data-cite="{key}.html#{ident}"'
        bare = ident.removeprefix(f"{key}-")
        if bare != ident and CITABLE.fullmatch(bare):  # renamed by the plugin already
            return f'{start}id="{ident}" data-cite="{key}.html#{bare}"'
        if ident in wanted and prefixed not in ids:  # a link the plugin rewrote, an id it did not
            return f'{start}id="{prefixed}"'
        return match.group(0)

    return _ID.sub(rename, body)


def fix_print_page(html: str) -> str:
    """Make the ids of each page's section match the plugin's links; unlink what still dangles.

    Links that the plugin could not map (cross-references into the API reference that are
    resolved after it copied the pages) would lead nowhere; on the print copy they become plain
    text.
    """
    targets = set(re.findall(r'href="#([^"]*)"', html))
    parts = _SECTION.split(html)
    # parts: [before, opening tag, key, body, opening tag, key, body, …]
    out = [parts[0]]
    for k in range(1, len(parts), 3):
        key = parts[k + 1]
        wanted = {t[len(key) + 1 :] for t in targets if t.startswith(f"{key}-")}
        out += [parts[k], _fix_section(key, parts[k + 2], wanted)]
    html = "".join(out)
    ids = {m.group(2) for m in _ID.finditer(html)}
    return _LOCAL_LINK.sub(
        lambda m: m.group(0) if not m.group(2) or m.group(2) in ids else m.group(1), html
    )


@event_priority(-100)  # after mkdocs-print-site-plugin has written the page
def on_post_build(config):
    path = Path(config.site_dir) / "print_page.html"
    if path.is_file():
        path.write_text(fix_print_page(path.read_text(encoding="utf-8")), encoding="utf-8")
