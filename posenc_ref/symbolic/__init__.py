"""SymPy proofs of the theorems on the site (independent of the NumPy reference).

This package uses SymPy (and its mpmath) only: it never imports NumPy or the NumPy
modules of ``posenc_ref``, and ``import posenc_ref`` does not import it. Use
``from posenc_ref import symbolic``.

Every theorem is a function returning a :class:`Proof`; :data:`THEOREMS` maps ids such
as ``"thm-shift"`` to those functions.

Examples
--------
>>> from posenc_ref import symbolic
>>> symbolic.THEOREM_IDS
('thm-shift', 'thm-group', 'thm-dot', 'thm-norm', 'thm-sin-only', 'thm-wavelengths')
>>> all(tid in symbolic.THEOREMS for tid in symbolic.THEOREM_IDS)
True
>>> proof = symbolic.THEOREMS["thm-norm"]()
>>> print(proof)
thm-norm: |PE(p)|² = d/2 for every position p
>>> proof
Proof(id='thm-norm', statement='|PE(p)|² = d/2 for every position p', 14 residuals)
>>> proof.verify()
True
"""

from ._model import (
    LAYOUTS,
    column_pair,
    frequencies,
    layout_permutation,
    mp_lambdify,
    omega_symbols,
    pair_block,
    pair_columns,
    pe_vector,
    rotation_matrix,
    wavelengths,
)
from ._proof import THEOREMS, Proof, is_zero, register
from .sinusoidal import (
    THEOREM_IDS,
    thm_dot,
    thm_group,
    thm_norm,
    thm_shift,
    thm_sin_only,
    thm_wavelengths,
)

__all__ = [
    "LAYOUTS",
    "THEOREMS",
    "THEOREM_IDS",
    "Proof",
    "column_pair",
    "frequencies",
    "is_zero",
    "layout_permutation",
    "mp_lambdify",
    "omega_symbols",
    "pair_block",
    "pair_columns",
    "pe_vector",
    "register",
    "rotation_matrix",
    "thm_dot",
    "thm_group",
    "thm_norm",
    "thm_shift",
    "thm_sin_only",
    "thm_wavelengths",
    "wavelengths",
]
