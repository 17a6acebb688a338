"""Griffe extension: render the reStructuredText bits of NumPy-style docstrings as Markdown.

The docstrings are written for ``help()`` and Sphinx-style readers too, so they use the usual
roles (``:func:`sinusoidal```, ``:math:`\\omega_i```) and the ``.. math::`` directive. MkDocs
renders Markdown, where these would show up as raw text. Before mkdocstrings renders a
docstring, this extension rewrites

- ``.. math::`` blocks (on the directive line and/or in the indented block after it) into
  ``$$ … $$`` display math, and ``:math:`x``` into ``\\(x\\)`` inline math (both typeset by the
  site's arithmatex + MathJax setup); a block that lists several formulas separated by a comma
  and ``\\quad``/``\\qquad`` puts each on its own line (``gathered``), so that it fits a
  phone;
- cross-reference roles (``:func:``, ``:class:``, ``:mod:``, ``:data:``, ``:meth:``,
  ``:attr:``) into code; a target written in full (``posenc_ref.sinusoidal.sinusoidal``)
  becomes a link to its API entry, and the ``~`` prefix shows only the last name, as in Sphinx.

The source docstrings are not changed; only what the site shows.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

from griffe import Extension, Object

_ROLE = re.compile(r":(?:func|class|mod|data|meth|attr|obj|exc):`(~?)([^`]+)`")
_MATH = re.compile(r":math:`([^`]+)`")
_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<first>.*)$")


def _role(match: re.Match[str]) -> str:
    short, target = match.group(1) == "~", match.group(2).strip()
    shown = target.rsplit(".", 1)[-1] if short else target
    if target.startswith("posenc_ref.") or target == "posenc_ref":
        return f"[`{shown}`][{target}]"
    return f"`{shown}`"


def split_formulas(math: str) -> str:
    """Put formulas that ``math`` separates by ``, \\qquad`` (or ``\\quad``) on separate lines.

    Only separators at the top level count (not inside braces, brackets, parentheses, set
    braces or an environment); a block with no such separator is returned unchanged.
    """
    parts, depth, start, k = [], 0, 0, 0
    separator = re.compile(r",\s*\\q?quad\b\s*")
    while k < len(math):
        if math.startswith(("\\begin", "\\left", "\\{"), k):
            depth += 1
            k += 2
            continue
        elif math.startswith(("\\end", "\\right", "\\}"), k):
            depth -= 1
            k += 2
            continue
        elif math[k] == "\\":
            k += 2  # another command or escaped character
            continue
        elif math[k] in "{([":
            depth += 1
        elif math[k] in "})]":
            depth -= 1
        elif depth == 0 and (found := separator.match(math, k)):
            parts.append(math[start:k].strip() + ",")
            start = k = found.end()
            continue
        k += 1
    if not parts:
        return math
    parts.append(math[start:].strip())
    return "\\begin{gathered}\n" + " \\\\\n".join(parts) + "\n\\end{gathered}"


def _math_blocks(text: str) -> str:
    lines = text.splitlines()
    out: list[str] = []
    k = 0
    while k < len(lines):
        found = _DIRECTIVE.match(lines[k])
        if not found:
            out.append(lines[k])
            k += 1
            continue
        indent = found.group("indent")
        body = [found.group("first")] if found.group("first").strip() else []
        k += 1
        # The block is every following line that is blank or indented deeper than the directive.
        while k < len(lines) and (
            not lines[k].strip() or len(lines[k]) - len(lines[k].lstrip()) > len(indent)
        ):
            body.append(lines[k])
            k += 1
        math = textwrap.dedent("\n".join(b for b in body if b.strip()))
        math = split_formulas("\n".join(line.strip() for line in math.splitlines()))
        out.extend([f"{indent}$$", *(indent + m for m in math.splitlines()), f"{indent}$$", ""])
    return "\n".join(out)


def rst_to_markdown(text: str) -> str:
    """Rewrite the reST roles and math directives of one docstring as Markdown."""
    text = _math_blocks(text)
    text = _MATH.sub(lambda m: f"\\({m.group(1)}\\)", text)
    return _ROLE.sub(_role, text)


class RstToMarkdown(Extension):
    """Apply :func:`rst_to_markdown` to every docstring griffe loads."""

    def on_instance(self, *, obj: Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = rst_to_markdown(obj.docstring.value)
