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

__version__ = "0.1.0"

__all__ = [
    "LAYOUTS",
    "Column",
    "__version__",
    "apply_rope",
    "column_to_pair",
    "exponent",
    "frequencies",
    "pair_to_column",
    "rope_cache",
    "rope_permutation",
    "rotation",
    "sinusoidal",
    "textbook_pe",
    "textbook_table",
    "wavelengths",
]
