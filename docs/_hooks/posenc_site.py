"""MkDocs hook: the version on every page, and search that reads like the pages.

- ``extra.posenc``: the package version and the build date, shown in every page's footer and in
  its printed header (``docs/_overrides/``). The date is ``SOURCE_DATE_EPOCH`` when that is set
  (reproducible builds), otherwise today's date in UTC.
- Search previews: Material indexes the page HTML, where math is TeX source for MathJax. Before
  the index is written, every ``\\(…\\)`` and ``\\[…\\]`` in it becomes readable text
  (``tex_text.py``); TeX that the converter does not know is a build warning, so the strict
  build fails instead of showing TeX to readers.
- The API reference has one search section per function and constant, each of which names the
  ideas the pages explain; it is weighted down so that a page outranks, say, the docstring of a
  constant that mentions the same word.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import re

from mkdocs.plugins import event_priority
from tex_text import replace_math  # MkDocs puts the hook's folder on sys.path while loading it

import posenc_ref

log = logging.getLogger("mkdocs.plugins.posenc_site")

# Search weight of every section of these pages (1 is a normal page).
SEARCH_BOOST = {"api.md": 0.3}

# Text kept verbatim in the index: code is shown as written, TeX commands included.
_CODE = re.compile(r"(<code>.*?</code>|<pre>.*?</pre>)", re.S)
_MATH = re.compile(r"\\\(.+?\\\)|\\\[.+?\\\]", re.S)


def build_date() -> str:
    """The build date, ISO format: from ``SOURCE_DATE_EPOCH`` if set, else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.date().isoformat()


def on_config(config):
    config.extra["posenc"] = {"version": posenc_ref.__version__, "built": build_date()}
    return config


def on_page_markdown(markdown, page, config, files):
    boost = SEARCH_BOOST.get(page.file.src_uri)
    if boost is not None:
        page.meta.setdefault("search", {}).setdefault("boost", boost)
    return markdown


def readable(text: str, where: str) -> str:
    """``text`` (escaped HTML from the search index) with its math outside code made readable."""

    def math(match: re.Match[str]) -> str:
        try:
            return html.escape(replace_math(html.unescape(match.group(0))), quote=False)
        except (KeyError, ValueError) as err:
            log.warning("search text of %s: cannot read TeX %r (%s)", where, match.group(0), err)
            return match.group(0)

    parts = _CODE.split(text)
    return "".join(p if i % 2 else _MATH.sub(math, p) for i, p in enumerate(parts))


@event_priority(50)  # before the search plugin writes search_index.json (priority 0)
def on_post_build(config):
    search = config.plugins.get("material/search")
    if search is None or not search.config.enabled:
        return
    for entry in search.search_index.entries:
        entry["title"] = readable(entry["title"], entry["location"])
        entry["text"] = readable(entry["text"], entry["location"])
