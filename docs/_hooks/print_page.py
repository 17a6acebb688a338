"""MkDocs hook: make ``print_page.html`` (mkdocs-print-site-plugin) keep its links and anchors.

The plugin puts every page into one, as ``<section class="print-page" id="<page>">``, and turns
each internal link ``#x`` or ``page.html#x`` into ``#<page>-x``. It renames only some of the ids
to match (headings, list items), so links to equations, figures and several headings led
nowhere. After the plugin has written the page, this hook gives every id of a section the same
``<page>-`` prefix, and marks the citable ones (``eq-``, ``thm-``, ``myth-``, ``fig-``) with
``data-cite="<page>.html#<id>"``, the address a reader cites, which the print stylesheet prints
beside them.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.plugins import event_priority

_SECTION = re.compile(r'(<section class="print-page" id="([^"]+)"[^>]*>)')
_ID = re.compile(r'(<[a-zA-Z][\w-]*\b[^>]*?\s)id="([^"]+)"')
CITABLE = re.compile(r"(?:eq|thm|myth|fig)-[a-z0-9-]+")


def _fix_section(key: str, body: str) -> str:
    def rename(match: re.Match[str]) -> str:
        start, ident = match.group(1), match.group(2)
        if ident.startswith("__"):  # the theme's own elements (search, drawer, config)
            return match.group(0)
        bare = ident[len(key) + 1 :] if ident.startswith(f"{key}-") else ident
        cite = f' data-cite="{key}.html#{bare}"' if CITABLE.fullmatch(bare) else ""
        return f'{start}id="{key}-{bare}"{cite}'

    return _ID.sub(rename, body)


def fix_print_page(html: str) -> str:
    """Give every id inside each page's section the prefix that the plugin's links use."""
    parts = _SECTION.split(html)
    # parts: [before, opening tag, key, body, opening tag, key, body, …]
    out = [parts[0]]
    for k in range(1, len(parts), 3):
        out += [parts[k], _fix_section(parts[k + 1], parts[k + 2])]
    return "".join(out)


@event_priority(-100)  # after mkdocs-print-site-plugin has written the page
def on_post_build(config):
    path = Path(config.site_dir) / "print_page.html"
    if path.is_file():
        path.write_text(fix_print_page(path.read_text(encoding="utf-8")), encoding="utf-8")
