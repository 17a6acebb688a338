"""SymPy proofs of the theorems on the site (independent of the NumPy reference).

This package uses SymPy (and its mpmath) only: it never imports NumPy or the NumPy
modules of ``posenc_ref``, and ``import posenc_ref`` does not import it. Use
``from posenc_ref import symbolic``.

Every theorem is a function returning a :class:`Proof`; :data:`THEOREMS` maps ids such
as ``"thm-shift"`` to those functions.

Examples
--------
>>> from posenc_ref import symbolic
>>> symbolic.THEOREM_IDS  # doctest: +NORMALIZE_WHITESPACE
('thm-shift', 'thm-group', 'thm-dot', 'thm-norm', 'thm-isometry', 'thm-sin-only',
 'thm-wavelengths')
>>> symbolic.ROPE_THEOREM_IDS  # doctest: +NORMALIZE_WHITESPACE
('thm-rope-relative', 'thm-rope-norm', 'thm-rope-layouts', 'thm-rope-orientation',
 'thm-rope-clockwise', 'thm-rope-decay-bound')
>>> symbolic.SCALING_THEOREM_IDS  # doctest: +NORMALIZE_WHITESPACE
('thm-pi-interpolation', 'thm-ntk-endpoints', 'thm-dynamic-ntk', 'thm-yarn-correction-range',
 'thm-llama3-continuous')
>>> symbolic.ROPE_DERIVATION_THEOREM_IDS
('thm-rope-derived', 'thm-partial-rotary')
>>> symbolic.LINEAGE_THEOREM_IDS  # doctest: +NORMALIZE_WHITESPACE
('thm-alibi-relative', 'thm-t5-buckets', 'thm-xpos-excluded', 'thm-permutation-equivariance',
 'thm-causal-counting')
>>> ids = symbolic.THEOREM_IDS + symbolic.ROPE_THEOREM_IDS + symbolic.SCALING_THEOREM_IDS
>>> ids += symbolic.ROPE_DERIVATION_THEOREM_IDS + symbolic.LINEAGE_THEOREM_IDS
>>> sorted(ids) == sorted(symbolic.THEOREMS)
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
from ._proof import THEOREMS, Proof, differs, is_zero, register
from .lineage import (
    LINEAGE_THEOREM_IDS,
    t5_bucket_starts,
    thm_alibi_relative,
    thm_causal_counting,
    thm_permutation_equivariance,
    thm_t5_buckets,
    thm_xpos_excluded,
)
from .rope import (
    ORIENTATIONS,
    ROPE_LAYOUTS,
    ROPE_THEOREM_IDS,
    rope_matrix,
    rope_permutation_matrix,
    rope_planes,
    rope_sign_matrix,
    thm_rope_clockwise,
    thm_rope_decay_bound,
    thm_rope_layouts,
    thm_rope_norm,
    thm_rope_orientation,
    thm_rope_relative,
)
from .rope_derivation import (
    ROPE_DERIVATION_THEOREM_IDS,
    partial_rope_matrix,
    thm_partial_rotary,
    thm_rope_derived,
)
from .rope_scaling import (
    SCALING_KINDS,
    SCALING_THEOREM_IDS,
    scaled_omegas,
    thm_dynamic_ntk,
    thm_llama3_continuous,
    thm_ntk_endpoints,
    thm_pi_interpolation,
    thm_yarn_correction_range,
    yarn_correction_dim,
)
from .sinusoidal import (
    THEOREM_IDS,
    thm_dot,
    thm_group,
    thm_isometry,
    thm_norm,
    thm_shift,
    thm_sin_only,
    thm_wavelengths,
)

__all__ = [
    "LAYOUTS",
    "LINEAGE_THEOREM_IDS",
    "ORIENTATIONS",
    "ROPE_DERIVATION_THEOREM_IDS",
    "ROPE_LAYOUTS",
    "ROPE_THEOREM_IDS",
    "SCALING_KINDS",
    "SCALING_THEOREM_IDS",
    "THEOREMS",
    "THEOREM_IDS",
    "Proof",
    "column_pair",
    "differs",
    "frequencies",
    "is_zero",
    "layout_permutation",
    "mp_lambdify",
    "omega_symbols",
    "pair_block",
    "pair_columns",
    "partial_rope_matrix",
    "pe_vector",
    "register",
    "rope_matrix",
    "rope_permutation_matrix",
    "rope_planes",
    "rope_sign_matrix",
    "rotation_matrix",
    "scaled_omegas",
    "t5_bucket_starts",
    "thm_alibi_relative",
    "thm_causal_counting",
    "thm_dot",
    "thm_dynamic_ntk",
    "thm_group",
    "thm_isometry",
    "thm_llama3_continuous",
    "thm_norm",
    "thm_ntk_endpoints",
    "thm_partial_rotary",
    "thm_permutation_equivariance",
    "thm_pi_interpolation",
    "thm_rope_clockwise",
    "thm_rope_decay_bound",
    "thm_rope_derived",
    "thm_rope_layouts",
    "thm_rope_norm",
    "thm_rope_orientation",
    "thm_rope_relative",
    "thm_shift",
    "thm_sin_only",
    "thm_t5_buckets",
    "thm_wavelengths",
    "thm_xpos_excluded",
    "thm_yarn_correction_range",
    "wavelengths",
    "yarn_correction_dim",
]
