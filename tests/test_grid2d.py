"""2-D sin-cos grids of vision transformers: golden tables, axis order, argument checks."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import golden, manifest

import posenc_ref as pe
from posenc_ref.grid2d import GRID_2D

MANIFEST = manifest("conventions")
FILES_2D = sorted(f for f, v in MANIFEST["tables"].items() if v.get("grid_2d"))


@pytest.mark.parametrize("name", FILES_2D)
def test_grid2d_reproduces_golden_bit_for_bit(name):
    g = golden("conventions", name)
    table, h, w, d = g["table"], int(g["height"]), int(g["width"]), int(g["d_model"])
    ours = GRID_2D[MANIFEST["tables"][name]["preset"]].table(h, w, d)
    np.testing.assert_array_equal(ours, table)


def test_grid2d_axis_order():
    # MAE puts the column index first, MoCo v3 the row: the two halves are swapped.
    mae, moco = GRID_2D["mae"].table(3, 4, 16), GRID_2D["moco-v3"].table(3, 4, 16)
    np.testing.assert_array_equal(mae[:, :8], moco[:, 8:])
    np.testing.assert_array_equal(mae[:, 8:], moco[:, :8])
    # token 1 is (row 0, column 1): MAE's first block is the 1-D table at position 1
    np.testing.assert_array_equal(
        mae[1, :8], pe.sinusoidal([1], 8, layout="sin|cos").astype(np.float32)[0]
    )
    big = GRID_2D["big-vision"].table(3, 4, 16)
    assert np.max(np.abs(big - mae)) > 0.1  # endpoint-inclusive spacing: other values
    assert GRID_2D["mae"].table(2, 2, 8, cls_token=True)[0].tolist() == [0.0] * 8
    for name, g in GRID_2D.items():
        assert g.source, name
    with pytest.raises(ValueError, match="multiple of 4"):
        GRID_2D["mae"].table(2, 2, 6)


def test_bad_grid2d_fields():
    from posenc_ref.grid2d import Grid2D

    with pytest.raises(ValueError, match="first must be one of 'column', 'row'"):
        Grid2D("x", "diag", "paper", "float32", "source")
    with pytest.raises(ValueError, match="spacing must be one of 'paper', 'tensor2tensor'"):
        Grid2D("x", "row", "t2t", "float32", "source")


def test_grid2d_endpoint_inclusive_needs_two_frequencies_per_axis():
    from posenc_ref.grid2d import GRID_2D

    with pytest.raises(ValueError, match=r"d_model must be >= 8 for 'big-vision'"):
        GRID_2D["big-vision"].table(2, 2, 4)
    assert GRID_2D["big-vision"].table(2, 2, 8).shape == (4, 8)
