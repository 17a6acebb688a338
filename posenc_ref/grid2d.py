r"""2-D sin-cos tables of vision transformers: MAE, MoCo v3, big_vision, HF ViTMAE, diffusers.

A patch at row ``i``, column ``j`` of an ``H x W`` grid (tokens in row-major order, token
``t = i·W + j``) gets two 1-D ``[sin|cos]`` blocks of width ``D/2``, one per axis, each with
``q = D/4`` frequencies. The implementations differ in which axis comes first and in the
spacing (research notes, §2.9):

- MAE (and diffusers' ``get_2d_sincos_pos_embed``): the **column** index first, although the
  code names that block ``emb_h``; :math:`\omega_i = 10000^{-i/q}`;
- MoCo v3 and HF ViTMAE's ``build_2d_sinusoidal_position_embedding``: the **row** index first;
- big_vision ``posemb_sincos_2d``: the column first, endpoint-inclusive
  :math:`\omega_i = 10000^{-i/(q-1)}`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import check_choice, check_flag, check_int
from .conventions import Convention

__all__ = ["GRID_2D", "Grid2D"]


@dataclass(frozen=True)
class Grid2D:
    """A 2-D sin-cos convention (see the module docstring)."""

    name: str
    first: str
    """``"column"`` or ``"row"``: the axis whose block fills channels ``[0, D/2)``."""
    spacing: str
    """``"paper"`` (``10000**(-k/q)``) or ``"tensor2tensor"`` (``10000**(-i/(q-1))``)."""
    dtype: str
    """The dtype the original computes in."""
    source: str
    golden: bool = False
    base: float = 10000.0

    def __post_init__(self) -> None:
        check_choice(self.first, "first", ("column", "row"))
        check_choice(self.spacing, "spacing", ("paper", "tensor2tensor"))

    def table(self, height: int, width: int, d_model: int, *, cls_token: bool = False):
        """The ``(height·width [+1], d_model)`` table; a leading zero row with ``cls_token``.

        Values are the exact ones rounded to float32 (the originals store float32).

        Examples
        --------
        >>> t = GRID_2D["mae"].table(2, 3, 8)
        >>> t.shape, t[1, :4].astype(float).round(4).tolist()  # (row 0, column 1): x = 1 first
        ((6, 8), [0.8415, 0.01, 0.5403, 1.0])
        """
        h = check_int(height, "height", minimum=1)
        w = check_int(width, "width", minimum=1)
        d = check_int(d_model, "d_model")
        cls_token = check_flag(cls_token, "cls_token")
        if d < 4 or d % 4:
            raise ValueError(
                f"d_model must be a positive multiple of 4 (two sin/cos axes); got {d}"
            )
        if self.spacing == "tensor2tensor" and d < 8:
            raise ValueError(
                f"d_model must be >= 8 for {self.name!r}: its endpoint-inclusive spacing divides "
                f"by d_model/4 - 1 frequencies per axis; got {d}"
            )
        conv = Convention(layout="sin|cos", spacing=self.spacing, base=self.base)
        rows, cols = np.divmod(np.arange(h * w), w)
        per_row = conv.table(np.arange(h), d // 2, exact=True)[rows]
        per_col = conv.table(np.arange(w), d // 2, exact=True)[cols]
        blocks = (per_col, per_row) if self.first == "column" else (per_row, per_col)
        out = np.concatenate(blocks, axis=1)
        if cls_token:
            out = np.concatenate([np.zeros((1, d)), out])
        return out.astype(np.float32)


GRID_2D: dict[str, Grid2D] = {
    g.name: g
    for g in (
        Grid2D(
            "mae",
            "column",
            "paper",
            "float64",
            "facebookresearch/mae: util/pos_embed.py (get_2d_sincos_pos_embed)",
        ),
        Grid2D(
            "diffusers-2d",
            "column",
            "paper",
            "float64",
            "huggingface/diffusers: src/diffusers/models/embeddings.py (get_2d_sincos_pos_embed, "
            "grid_size = base_size so positions are integers)",
            golden=True,
        ),
        Grid2D("moco-v3", "row", "paper", "float32", "facebookresearch/moco-v3: vits.py"),
        Grid2D(
            "hf-vitmae",
            "row",
            "paper",
            "float64",
            "huggingface/transformers: src/transformers/models/vit_mae/modeling_vit_mae.py "
            "(build_2d_sinusoidal_position_embedding)",
            golden=True,
        ),
        Grid2D(
            "big-vision",
            "column",
            "tensor2tensor",
            "float32",
            "google-research/big_vision: big_vision/models/vit.py (posemb_sincos_2d)",
        ),
    )
}
"""Named 2-D conventions; ``golden`` ones are checked against tables from the library."""
