"""posenc_ref: the executable reference for sinusoidal position encoding.

The NumPy reference for the encoding of *Attention Is All You Need* (§3.5), with a stated
accuracy contract, plus helpers that settle which index is which. The SymPy derivations live in
:mod:`posenc_ref.symbolic` (imported on demand, so ``import posenc_ref`` stays light).

Examples
--------
>>> import posenc_ref as pe
>>> pe.sinusoidal(2, 4)
array([[0.        , 1.        , 0.        , 1.        ],
       [0.84147098, 0.54030231, 0.00999983, 0.99995   ]])
"""

from .indexing import LAYOUTS, Column, column_to_pair, exponent, pair_to_column
from .rope import apply_rope, rope_cache, rope_permutation
from .rotation import rotation
from .sinusoidal import frequencies, sinusoidal, textbook_pe, textbook_table, wavelengths

__version__ = "0.4.0"

#: Names loaded on first use from posenc_ref.conventions / posenc_ref.identification /
#: posenc_ref.rope_identification, so that ``import posenc_ref`` does not build the framework
#: catalogue.
_LAZY = {
    "Convention": "conventions",
    "PRESETS": "conventions",
    "convert": "conventions",
    "identify": "identification",
    "identify_rope_cache": "rope_identification",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "LAYOUTS",
    "PRESETS",
    "Column",
    "Convention",
    "__version__",
    "apply_rope",
    "column_to_pair",
    "convert",
    "exponent",
    "frequencies",
    "identify",
    "identify_rope_cache",
    "pair_to_column",
    "rope_cache",
    "rope_permutation",
    "rotation",
    "sinusoidal",
    "textbook_pe",
    "textbook_table",
    "wavelengths",
]
