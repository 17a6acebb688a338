"""The PyTorch and JAX code of docs/in-the-model.md, run when the framework is installed.

The snippets are read from the page itself, so what readers copy is what runs here. PyTorch and
JAX are not dependencies of the project: their tests are skipped (with the reason) when the
framework cannot be imported. The NumPy transcriptions run always: they repeat the snippets'
arithmetic operation by operation and check it against the reference, and a source check fails
if the page's lines change without the transcription.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

import posenc_ref as pe

PAGE = (Path(__file__).resolve().parent.parent / "docs" / "in-the-model.md").read_text("utf-8")
BLOCKS = re.findall(r"^```python\n(.*?)^```", PAGE, re.M | re.S)
TORCH_CODE = next(b for b in BLOCKS if "class TokenPositionEmbedding" in b)
TORCH_USAGE = next(b for b in BLOCKS if "layer = TokenPositionEmbedding(" in b)
JAX_CODE = next(b for b in BLOCKS if "def sinusoidal_encoding" in b)

U32 = 2.0**-24  # unit roundoff of float32
# Positions: the first 4096, a random sample below 2**20, and the top of that range.
POSITIONS = np.concatenate(
    [np.arange(4096), np.random.default_rng(7).integers(0, 2**20, 3000), 2**20 - 1 - np.arange(64)]
)


def half_ulp32(values: np.ndarray) -> np.ndarray:
    return np.spacing(np.abs(values).astype(np.float32)).astype(np.float64) / 2


def float64_then_float32_bound(exact: np.ndarray) -> np.ndarray:
    """Error bound of "angle and sine in float64, one rounding to float32", |p| < 2**20.

    The float64 angle p * omega has relative error below 2**-52 (omega from pow, one product),
    so at most 2**20 * 2**-52 = 2**-32 absolute; the float64 sine adds about 2**-53; the final
    rounding adds half a float32 ulp. 2**-31 leaves a factor of two for pow and sin.
    """
    return half_ulp32(exact) + 2.0**-31


# --------------------------------------------------------------------- NumPy transcriptions


def test_torch_snippet_lines_are_the_transcribed_ones():
    for line in (
        "i = torch.arange(d_model // 2, dtype=torch.float64)",
        "omega = base ** (-2.0 * i / d_model)",
        "angle = positions.to(torch.float64).unsqueeze(-1) * omega",
        "pairs = torch.stack((torch.sin(angle), torch.cos(angle)), dim=-1)",
        "return pairs.flatten(-2).to(torch.float32)",
        "x = self.embed(tokens) * math.sqrt(self.d_model)",
        "x = x + self.pe[position_ids]",
        "return (mask.cumsum(-1) - 1).clamp(min=0) * mask",
    ):
        assert line in TORCH_CODE, line


@pytest.mark.parametrize("d_model", [2, 30, 64, 512])
def test_torch_arithmetic_in_numpy(d_model):
    i = np.arange(d_model // 2, dtype=np.float64)
    omega = 10000.0 ** (-2.0 * i / d_model)
    angle = POSITIONS.astype(np.float64)[:, None] * omega
    pairs = np.stack((np.sin(angle), np.cos(angle)), axis=-1)
    table = pairs.reshape(len(POSITIONS), d_model).astype(np.float32)
    exact = pe.sinusoidal(POSITIONS, d_model)  # faithful float64
    err = np.abs(table.astype(np.float64) - exact)
    assert (err <= float64_then_float32_bound(exact)).all()
    # the layout is the paper's: column 2i is the sine of pair i, column 2i + 1 its cosine
    assert np.array_equal(table[:, 0::2], np.sin(angle).astype(np.float32))
    assert np.array_equal(table[:, 1::2], np.cos(angle).astype(np.float32))


def test_position_ids_from_mask_in_numpy():
    for mask, want in (
        ([1, 1, 1, 0, 0], [0, 1, 2, 0, 0]),
        ([0, 0, 1, 1, 1], [0, 0, 0, 1, 2]),
        ([0, 1, 1, 0, 1], [0, 0, 1, 0, 2]),
        ([0, 0, 0], [0, 0, 0]),
    ):
        m = np.array(mask, dtype=np.int64)
        assert (np.maximum(m.cumsum(-1) - 1, 0) * m).tolist() == want
        # the real tokens are numbered 0, 1, 2, ... in order
        assert [w for w, k in zip(want, mask, strict=True) if k] == list(range(sum(mask)))


def test_jax_snippet_lines_are_the_transcribed_ones():
    for line in (
        "freq = base ** (-np.arange(0, d_model, 2) / d_model)",
        "omega = jnp.asarray(freq, dtype=jnp.float32)",
        "angle = jnp.asarray(positions, dtype=jnp.float32)[..., None] * omega",
        "pairs = jnp.stack([jnp.sin(angle), jnp.cos(angle)], axis=-1)",
        "return pairs.reshape(*angle.shape[:-1], d_model)",
        "keep = jax.random.bernoulli(key, 1.0 - rate, x.shape)",
        "return jnp.where(keep, x / (1.0 - rate), 0.0)",
    ):
        assert line in JAX_CODE, line


def float32_angle_bound(positions: np.ndarray, d_model: int, function_error: float) -> np.ndarray:
    """|error| of sin/cos of the float32 angle fl(fl(p) * fl(omega)), |p| < 2**24.

    fl(omega) and the product each have relative error <= 2**-24, so the angle is off by at most
    |p omega| * (2 * 2**-24 + 2**-48); sin and cos are 1-Lipschitz; ``function_error`` is what
    the sine and cosine themselves may add.
    """
    w = pe.frequencies(d_model)
    angle = np.abs(positions[:, None].astype(np.float64) * w[None, :])
    per_pair = angle * (2 * U32 + U32**2) + function_error
    return np.repeat(per_pair, 2, axis=1)


@pytest.mark.parametrize("d_model", [4, 64, 512])
def test_jax_arithmetic_in_numpy(d_model):
    positions = np.arange(2**14)
    freq = 10000.0 ** (-np.arange(0, d_model, 2) / d_model)
    omega = np.asarray(freq, dtype=np.float32)
    angle = np.asarray(positions, dtype=np.float32)[..., None] * omega  # float32 product
    assert angle.dtype == np.float32
    # sin and cos of the float32 angle, evaluated exactly enough (float64) to see the angle error
    table = np.stack([np.sin(angle.astype(np.float64)), np.cos(angle.astype(np.float64))], -1)
    table = table.reshape(*angle.shape[:-1], d_model)
    err = np.abs(table - pe.sinusoidal(positions, d_model))
    assert (err <= float32_angle_bound(positions, d_model, 2.0**-50)).all()
    if d_model >= 64:  # frequencies that float32 cannot hold: the angle error is really there
        assert err.max() > 0.25 * float32_angle_bound(positions, d_model, 0.0).max()
    # the page's statement: below 1e-3 over the first thousand positions, even with 8 ulps of
    # error in XLA's float32 sin/cos
    assert float32_angle_bound(positions[:1000], d_model, 8 * U32).max() < 1e-3


# --------------------------------------------------------------------------- PyTorch


@pytest.fixture(scope="module")
def torch_ns():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (not a dependency)")
    ns: dict = {}
    exec(compile(TORCH_CODE, "in-the-model.md (PyTorch)", "exec"), ns)
    ns["torch"] = torch
    return ns


def test_torch_usage_block_runs(torch_ns):
    exec(compile(TORCH_USAGE, "in-the-model.md (PyTorch usage)", "exec"), dict(torch_ns))


@pytest.mark.parametrize("d_model", [2, 30, 512])
def test_torch_table_against_the_reference(torch_ns, d_model):
    torch = torch_ns["torch"]
    table = torch_ns["sinusoidal_table"](torch.from_numpy(POSITIONS), d_model).numpy()
    assert table.dtype == np.float32
    assert table.shape == (len(POSITIONS), d_model)
    exact = pe.sinusoidal(POSITIONS, d_model)
    err = np.abs(table.astype(np.float64) - exact)
    assert (err <= float64_then_float32_bound(exact)).all()
    with pytest.raises(ValueError, match="even"):
        torch_ns["sinusoidal_table"](torch.arange(3), 5)


def test_torch_module(torch_ns):
    torch = torch_ns["torch"]
    module_cls = torch_ns["TokenPositionEmbedding"]
    torch.manual_seed(0)
    d = 32
    layer = module_cls(50, d, max_len=64, padding_idx=0).eval()
    tokens = torch.tensor([[3, 4, 5, 0], [0, 3, 4, 5]])
    ids = torch_ns["position_ids_from_mask"](tokens != 0)
    assert ids.tolist() == [[0, 1, 2, 0], [0, 0, 1, 2]]
    out = layer(tokens, ids)
    want = layer.embed.weight[tokens] * math.sqrt(d) + layer.pe[ids]
    assert torch.equal(out, want)  # eval: no dropout, exactly the sum
    assert torch.equal(out[0, :3], out[1, 1:])
    assert torch.equal(layer.embed.weight[0], torch.zeros(d))  # the padding row
    exact = pe.sinusoidal(64, d)
    assert (np.abs(layer.pe.numpy() - exact) <= float64_then_float32_bound(exact)).all()
    # the table is a buffer, not a parameter, and not saved with the weights
    assert "pe" not in layer.state_dict()
    assert all(p is not layer.pe for p in layer.parameters())
    with pytest.raises(ValueError, match="max_len"):
        layer(tokens, torch.full_like(tokens, 64))


def test_torch_dropout_on_the_sum(torch_ns):
    torch = torch_ns["torch"]
    torch.manual_seed(1)
    layer = torch_ns["TokenPositionEmbedding"](50, 64, dropout=0.1)
    tokens = torch.randint(1, 50, (8, 200))
    clean = layer.eval()(tokens)
    noisy = layer.train()(tokens)
    dropped = noisy == 0
    assert torch.allclose(noisy[~dropped], clean[~dropped] / 0.9, rtol=1e-6, atol=0)
    # 102400 entries, each dropped with probability 0.1: within 5 standard deviations
    n = dropped.numel()
    sigma = math.sqrt(n * 0.1 * 0.9)
    assert abs(int(dropped.sum()) - 0.1 * n) < 5 * sigma


# ------------------------------------------------------------------------------- JAX


@pytest.fixture(scope="module")
def jax_ns():
    jax = pytest.importorskip("jax", reason="JAX is not installed (not a dependency)")
    ns: dict = {}
    exec(compile(JAX_CODE, "in-the-model.md (JAX)", "exec"), ns)
    ns["jax"] = jax
    return ns


@pytest.mark.parametrize("d_model", [4, 64, 512])
def test_jax_table_against_the_reference(jax_ns, d_model):
    positions = np.arange(2**14)
    fn = jax_ns["jax"].jit(jax_ns["sinusoidal_encoding"], static_argnums=1)
    table = np.asarray(fn(positions, d_model))
    assert table.dtype == np.float32
    assert table.shape == (2**14, d_model)
    err = np.abs(table.astype(np.float64) - pe.sinusoidal(positions, d_model))
    # XLA's float32 sin and cos are assumed accurate to 8 ulps (2**-21 absolute near 1)
    assert (err <= float32_angle_bound(positions, d_model, 8 * U32)).all()
    assert err[:1000].max() < 1e-3


def test_jax_embed(jax_ns):
    jax, jnp = jax_ns["jax"], jax_ns["jnp"]
    table = jax.random.normal(jax.random.PRNGKey(0), (20, 16)) / 4.0
    tokens = jnp.array([[1, 2, 3], [4, 5, 6]])
    ids = jnp.array([[0, 1, 2], [0, 1, 2]])
    clean = np.asarray(jax_ns["embed"]({"embedding": table}, tokens, ids))
    want = np.asarray(table)[np.asarray(tokens)] * np.float32(4.0) + pe.sinusoidal(3, 16)
    assert np.allclose(clean, want, rtol=0, atol=1e-6)
    noisy = np.asarray(
        jax_ns["embed"]({"embedding": table}, tokens, ids, rate=0.5, key=jax.random.PRNGKey(1))
    )
    kept = noisy != 0
    assert 0 < kept.sum() < kept.size
    assert np.allclose(noisy[kept], clean[kept] / 0.5, rtol=1e-6, atol=0)
