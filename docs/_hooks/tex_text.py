"""Plain Unicode text for the TeX that the site's pages and docstrings use.

Search previews show a section's text, and MathJax never runs there, so
``\\(\\mathrm{PE}(p, 2i) = \\sin(p / 10000^{2i/d})\\)`` would be shown as TeX source.
:func:`tex_to_text` turns it into ``PE(p, 2i) = sin(p / 10000^(2i/d))``. It covers the commands
the site uses; an unknown command raises ``KeyError``, so that new TeX on a page fails the
strict build (through the hook that calls this) instead of leaking into the previews.
"""

from __future__ import annotations

import re

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}  # fmt: skip
SYMBOLS = {
    **GREEK,
    "ell": "ℓ", "cdot": "·", "times": "×", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "ne": "≠", "neq": "≠", "approx": "≈", "equiv": "≡", "sim": "~", "pm": "±", "mp": "∓",
    "to": "→", "mapsto": "↦", "rightarrow": "→", "Rightarrow": "⇒", "iff": "⇔", "in": "∈",
    "notin": "∉", "subset": "⊂", "infty": "∞", "sum": "Σ", "prod": "Π", "int": "∫",
    "partial": "∂", "nabla": "∇", "dots": "…", "ldots": "…", "cdots": "⋯", "vdots": "⋮",
    "ddots": "⋱", "top": "⊤", "perp": "⊥", "circ": "∘", "langle": "⟨", "rangle": "⟩",
    "lVert": "‖", "rVert": "‖", "Vert": "‖", "|": "‖", "lvert": "|", "rvert": "|", "vert": "|",
    "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "{": "{", "}": "}", "%": "%",
    "_": "_", "&": "&", "#": "#", "$": "$", "mid": "|", "forall": "∀", "exists": "∃",
    "neg": "¬", "land": "∧", "lor": "∨", "emptyset": "∅", "Re": "Re", "Im": "Im",
    "prime": "′",
}  # fmt: skip
FUNCTIONS = {
    "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh",
    "tanh", "ln", "log", "exp", "max", "min", "sup", "inf", "det", "dim", "arg", "gcd", "lim",
    "deg", "ker", "Pr",
}  # fmt: skip
SPACES = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": " ", "qquad": "  ",
          "enspace": " ", "thinspace": " ", "medspace": " ", "thickspace": " "}  # fmt: skip
SIZES = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
         "biggl", "biggr", "Biggl", "Biggr", "middle", "displaystyle", "textstyle",
         "scriptstyle", "limits", "nolimits"}  # fmt: skip
TEXT_LIKE = {"text", "textrm", "textit", "textbf", "mathrm", "mathit", "mathbf", "mathsf",
             "mathtt", "operatorname", "mbox", "boldsymbol", "mathcal", "textsf", "texttt",
             "emph"}  # fmt: skip
DOUBLE_STRUCK = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼", "P": "ℙ"}
ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305",
           "tilde": "\u0303", "widetilde": "\u0303", "vec": "\u20d7", "dot": "\u0307",
           "ddot": "\u0308"}  # fmt: skip
FRACTIONS = {"frac", "tfrac", "dfrac", "cfrac"}
MATRICES = {"pmatrix": ("(", ")"), "bmatrix": ("[", "]"), "vmatrix": ("|", "|"),
            "smallmatrix": ("", ""), "matrix": ("", ""), "aligned": ("", ""),
            "align": ("", ""), "align*": ("", ""), "gathered": ("", ""), "split": ("", ""),
            "cases": ("{ ", "")}  # fmt: skip

SUPERSCRIPT = dict(
    zip(
        "0123456789+-−=()niT⊤′abcdefghjklmoprstuvwxyz",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱᵀᵀ′ᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻ",
        strict=True,
    )
)
SUBSCRIPT = dict(
    zip("0123456789+-−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)

_TOKEN = re.compile(r"\\([A-Za-z]+)\s*|\\(.)|(\s+)|(.)", re.S)


def _tokens(tex: str) -> list[str]:
    """Split TeX into commands (``\\sin``, ``\\,``), runs of white space (``" "``) and chars."""
    out = []
    for word, symbol, space, char in _TOKEN.findall(tex):
        if word:
            out.append("\\" + word)
        elif symbol:
            out.append("\\" + symbol)
        elif space:
            out.append(" ")
        else:
            out.append(char)
    return out


class _Parser:
    def __init__(self, tex: str):
        self.toks = _tokens(tex)
        self.pos = 0

    def peek(self) -> str | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def next(self) -> str:
        tok = self.peek()
        if tok is None:
            raise ValueError("unexpected end of TeX")
        self.pos += 1
        return tok

    def skip_space(self) -> None:
        while self.peek() == " ":
            self.pos += 1

    def argument(self) -> str:
        """One argument: a braced group, or a single token."""
        self.skip_space()
        tok = self.next()
        if tok == "{":
            return self.sequence(stop="}")
        return self.atom(tok)

    def sequence(self, stop: str | None = None, env: str | None = None) -> str:
        parts = []
        while True:
            tok = self.peek()
            if tok is None:
                if stop is not None or env is not None:
                    raise ValueError(f"unclosed {stop or env!r} in TeX")
                break
            if tok == stop:
                self.pos += 1
                break
            if env is not None and tok == "\\end":
                self.pos += 1
                name = self.argument()
                if name != env:
                    raise ValueError(f"\\end{{{name}}} closes \\begin{{{env}}}")
                break
            self.pos += 1
            parts.append(self.atom(tok))
        return "".join(parts)

    def script(self, table: dict[str, str], mark: str) -> str:
        arg = self.argument().strip()
        if arg and all(c in table for c in arg):
            return "".join(table[c] for c in arg)
        return mark + (arg if len(arg) == 1 else f"({arg})")

    def atom(self, tok: str) -> str:
        if tok == "{":
            return self.sequence(stop="}")
        if tok == "^":
            return self.script(SUPERSCRIPT, "^")
        if tok == "_":
            return self.script(SUBSCRIPT, "_")
        if tok == "&":
            return " "
        if tok == "~":
            return " "
        if not tok.startswith("\\"):
            return tok
        name = tok[1:]
        if name == "\\":
            return "; "
        if name in SPACES:
            return SPACES[name]
        if name in SIZES:
            if name in {"left", "right", "middle"} and self.peek() == ".":
                self.pos += 1  # \left. is an invisible delimiter
            return ""
        if name in SYMBOLS:
            return SYMBOLS[name]
        if name in FUNCTIONS:
            return name + " "
        if name in TEXT_LIKE:
            return self.argument()
        if name == "mathbb":
            arg = self.argument()
            return "".join(DOUBLE_STRUCK.get(c, c) for c in arg)
        if name in ACCENTS:
            arg = self.argument()
            return arg + ACCENTS[name] if len(arg) == 1 else f"{arg}{ACCENTS[name]}"
        if name in FRACTIONS:
            num, den = self.argument().strip(), self.argument().strip()
            return f"{_wrap(num)}/{_wrap(den)} "
        if name == "sqrt":
            return "√" + _wrap(self.argument().strip())
        if name in {"phantom", "hphantom", "vphantom"}:
            self.argument()  # invisible: only its space is kept
            return " "
        if name in {"underbrace", "overbrace"}:
            body = self.argument()
            self.skip_space()
            if self.peek() in {"_", "^"}:
                self.pos += 1
                self.argument()  # the brace's label is a gloss, not part of the formula
            return body
        if name == "begin":
            env = self.argument()
            if env not in MATRICES:
                raise KeyError(f"\\begin{{{env}}}")
            left, right = MATRICES[env]
            return left + self.sequence(env=env).strip() + right
        raise KeyError(tok)


def _wrap(text: str) -> str:
    """Parenthesise a fraction's part unless it is a single symbol or already bracketed."""
    if len(text) <= 1 or re.fullmatch(r"[\w.]+", text) or re.fullmatch(r"\(.*\)", text):
        return text
    return f"({text})"


def tex_to_text(tex: str) -> str:
    """Readable Unicode text for one TeX formula (without its ``\\(``/``\\[`` delimiters)."""
    text = _Parser(tex).sequence()
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"([,;.])\s*;", r"\1", text)  # a line break after punctuation: no extra ";"
    text = re.sub(r"\s+([),;.\]])", r"\1", text)  # no space before closing punctuation
    text = re.sub(r"([(\[])\s+", r"\1", text)
    text = re.sub(rf"\b({'|'.join(sorted(FUNCTIONS))}) \(", r"\1(", text)  # sin(x), not sin (x)
    return text


_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)


def replace_math(text: str) -> str:
    """Replace every ``\\(…\\)`` and ``\\[…\\]`` in plain text by its readable form."""
    return _MATH.sub(lambda m: tex_to_text(m.group(1) or m.group(2)), text)
