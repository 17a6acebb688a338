"""Golden RoPE tables from the real libraries (run by ``tests/golden/regenerate.py --only rope``).

Writes into OUT_DIR (``tests/golden/rope/``):

- ``hf_llama_base<B>_d<D>.npz``: Hugging Face ``LlamaRotaryEmbedding`` (``inv_freq``, the cos/sin
  cache it returns) and ``apply_rotary_pos_emb`` on fixed random q, k (half layout);
- ``gptj_d<D>.npz``: GPT-J's ``create_sinusoidal_positions`` table and
  ``apply_rotary_pos_emb`` (``rotate_every_two``, interleaved layout);
- ``meta_complex_base<B>_d<D>.npz``: the complex formulation of the RoFormer paper (pairs
  ``(x_2k, x_2k+1)`` as complex numbers multiplied by ``e^{i p ω_k}``), written here from the
  paper with ``torch.polar`` in float32, the way Meta's ``llama/model.py`` computes it;
- ``permute.npz``: the q/k row permutation of HF's ``convert_llama_weights_to_hf.py``
  (``permute(w, n_heads)``), re-expressed here because the wheel does not ship that script, and
  the scores of Meta-style RoPE on the original weights next to HF RoPE on the permuted ones.

All inputs are float32; positions are the same array everywhere.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch
import transformers
from transformers import LlamaConfig
from transformers.models.gptj import modeling_gptj
from transformers.models.llama import modeling_llama

REQUIREMENTS = ["torch==2.13.0", "transformers==5.24.0", "numpy"]

POSITIONS = np.array([0, 1, 2, 3, 5, 17, 100, 1000, 4095, 8191, 32767], dtype=np.int64)
HEADS = 2
SEED = 20260611


def inputs(d_head: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED + d_head)
    shape = (HEADS, POSITIONS.size, d_head)
    return (
        rng.standard_normal(shape).astype(np.float32),
        rng.standard_normal(shape).astype(np.float32),
    )


def hf_llama(base: float, d_head: int) -> dict[str, np.ndarray]:
    config = LlamaConfig(
        hidden_size=d_head * HEADS,
        num_attention_heads=HEADS,
        head_dim=d_head,
        max_position_embeddings=int(POSITIONS.max()) + 1,
        rope_parameters={"rope_type": "default", "rope_theta": base},
    )
    rotary = modeling_llama.LlamaRotaryEmbedding(config)
    q, k = inputs(d_head)
    qt, kt = torch.from_numpy(q)[None], torch.from_numpy(k)[None]  # (1, heads, n, d)
    cos, sin = rotary(qt, torch.from_numpy(POSITIONS)[None])
    q_out, k_out = modeling_llama.apply_rotary_pos_emb(qt, kt, cos, sin)
    return {
        "positions": POSITIONS,
        "base": np.float64(base),
        "inv_freq": rotary.inv_freq.numpy(),
        "cos": cos[0].numpy(),
        "sin": sin[0].numpy(),
        "q": q,
        "k": k,
        "q_out": q_out[0].numpy(),
        "k_out": k_out[0].numpy(),
    }


def gptj(d_head: int) -> dict[str, np.ndarray]:
    table = modeling_gptj.create_sinusoidal_positions(int(POSITIONS.max()) + 1, d_head)
    sincos = table[torch.from_numpy(POSITIONS)]  # (n, d): [sin | cos]
    sin, cos = torch.split(sincos, d_head // 2, dim=-1)
    # The float32 frequencies create_sinusoidal_positions multiplies by (its own expression),
    # kept so that the tests can bound the angle error of the table.
    inv_freq = 1.0 / (10000 ** (torch.arange(0, d_head, 2, dtype=torch.int64) / d_head))
    assert torch.equal(table[1, : d_head // 2], torch.sin(inv_freq))
    q, _ = inputs(d_head)
    # GPT-J's layout is (batch, seq, heads, d); sin/cos are (batch, seq, d/2).
    qt = torch.from_numpy(q).permute(1, 0, 2)[None]
    out = modeling_gptj.apply_rotary_pos_emb(qt, sin[None], cos[None])
    return {
        "positions": POSITIONS,
        "base": np.float64(10000.0),
        "inv_freq": inv_freq.numpy(),
        "sin_pairs": sin.numpy(),
        "cos_pairs": cos.numpy(),
        "q": q,
        "q_out": out[0].permute(1, 0, 2).numpy(),
    }


def meta_freqs(base: float, d_head: int) -> torch.Tensor:
    # RoFormer: θ_k = base^(-2k/d) for the pair (x_2k, x_2k+1), in float32.
    return 1.0 / (base ** (torch.arange(0, d_head, 2)[: d_head // 2].float() / d_head))


def meta_freqs_cis(base: float, d_head: int) -> torch.Tensor:
    # e^{i p θ_k} as complex64.
    angles = torch.outer(torch.from_numpy(POSITIONS).float(), meta_freqs(base, d_head))
    return torch.polar(torch.ones_like(angles), angles)


def meta_rotate(x: np.ndarray, freqs_cis: torch.Tensor) -> np.ndarray:
    xt = torch.from_numpy(x).float()
    xc = torch.view_as_complex(xt.reshape(*xt.shape[:-1], -1, 2))
    return torch.view_as_real(xc * freqs_cis).flatten(-2).numpy()


def meta_complex(base: float, d_head: int) -> dict[str, np.ndarray]:
    fc = meta_freqs_cis(base, d_head)
    q, k = inputs(d_head)
    return {
        "positions": POSITIONS,
        "base": np.float64(base),
        "inv_freq": meta_freqs(base, d_head).numpy(),
        "cos_pairs": fc.real.numpy(),
        "sin_pairs": fc.imag.numpy(),
        "q": q,
        "k": k,
        "q_out": meta_rotate(q, fc),
        "k_out": meta_rotate(k, fc),
    }


def hf_permute(w: torch.Tensor, n_heads: int) -> torch.Tensor:
    # convert_llama_weights_to_hf.py: view(n_heads, dim1 // n_heads // 2, 2, dim2),
    # swap the two middle axes, reshape back to (dim1, dim2).
    dim1, dim2 = w.shape
    return w.view(n_heads, dim1 // n_heads // 2, 2, dim2).transpose(1, 2).reshape(dim1, dim2)


def permute_case() -> dict[str, np.ndarray]:
    d_head, n_heads, d_model = 16, 2, 24
    rng = np.random.default_rng(SEED)
    wq = rng.standard_normal((n_heads * d_head, d_model)).astype(np.float32)
    wk = rng.standard_normal((n_heads * d_head, d_model)).astype(np.float32)
    x = rng.standard_normal((POSITIONS.size, d_model)).astype(np.float32)
    wq_hf = hf_permute(torch.from_numpy(wq), n_heads).numpy()
    wk_hf = hf_permute(torch.from_numpy(wk), n_heads).numpy()

    def heads(w: np.ndarray) -> np.ndarray:  # (n_heads, n, d_head)
        return (x @ w.T).reshape(POSITIONS.size, n_heads, d_head).transpose(1, 0, 2)

    fc = meta_freqs_cis(10000.0, d_head)
    q_meta, k_meta = meta_rotate(heads(wq), fc), meta_rotate(heads(wk), fc)
    config = LlamaConfig(
        hidden_size=d_model,
        num_attention_heads=n_heads,
        head_dim=d_head,
        max_position_embeddings=int(POSITIONS.max()) + 1,
        rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
    )
    rotary = modeling_llama.LlamaRotaryEmbedding(config)
    qh, kh = torch.from_numpy(heads(wq_hf))[None], torch.from_numpy(heads(wk_hf))[None]
    cos, sin = rotary(qh, torch.from_numpy(POSITIONS)[None])
    q_hf, k_hf = modeling_llama.apply_rotary_pos_emb(qh, kh, cos, sin)
    return {
        "positions": POSITIONS,
        "n_heads": np.int64(n_heads),
        "wq": wq,
        "wk": wk,
        "wq_hf": wq_hf,
        "wk_hf": wk_hf,
        "x": x,
        "scores_meta": q_meta @ k_meta.transpose(0, 2, 1),
        "scores_hf": (q_hf[0] @ k_hf[0].transpose(1, 2)).numpy(),
    }


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, str] = {}
    for base, d_head in ((10000.0, 64), (500000.0, 128), (1000000.0, 64)):
        name = f"hf_llama_base{int(base)}_d{d_head}.npz"
        np.savez_compressed(out / name, **hf_llama(base, d_head))
        tables[name] = (
            "transformers/models/llama/modeling_llama.py: LlamaRotaryEmbedding.forward, "
            "apply_rotary_pos_emb (rotate_half)"
        )
        name = f"meta_complex_base{int(base)}_d{d_head}.npz"
        np.savez_compressed(out / name, **meta_complex(base, d_head))
        tables[name] = (
            "complex formulation of RoFormer (arXiv 2104.09864) in torch.polar / complex64, "
            "as in meta-llama/llama llama/model.py precompute_freqs_cis + apply_rotary_emb "
            "(written in this generator)"
        )
    np.savez_compressed(out / "gptj_d64.npz", **gptj(64))
    tables["gptj_d64.npz"] = (
        "transformers/models/gptj/modeling_gptj.py: create_sinusoidal_positions, "
        "apply_rotary_pos_emb (rotate_every_two)"
    )
    np.savez_compressed(out / "permute.npz", **permute_case())
    tables["permute.npz"] = (
        "permute(w, n_heads) of huggingface/transformers "
        "src/transformers/models/llama/convert_llama_weights_to_hf.py (re-expressed), scores of "
        "Meta-style RoPE on W vs HF RoPE on permute(W)"
    )
    manifest = {
        "generator": "tests/golden/gen_rope.py",
        "versions": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "numpy": np.__version__,
        },
        "positions": POSITIONS.tolist(),
        "seed": SEED,
        "tables": tables,
    }
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
