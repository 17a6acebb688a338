"""Golden RoPE-scaling frequencies from Hugging Face (``regenerate.py --only rope_scaling``).

Writes into OUT_DIR (``tests/golden/rope_scaling/``), one ``<name>.npz`` per configuration:

- ``inv_freq`` and ``attention_factor``: what ``ROPE_INIT_FUNCTIONS[rope_type](config, "cpu",
  seq_len)`` of ``transformers/modeling_rope_utils.py`` returns (float32 frequencies);
- ``default_inv_freq``: the unscaled ``"default"`` frequencies of the same config (float32);
- the scaling parameters, as passed in ``rope_parameters``;
- for some configurations also ``cos``/``sin`` from ``LlamaRotaryEmbedding.forward`` at
  POSITIONS (half layout, multiplied by the attention factor, float32).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch
import transformers
from transformers import LlamaConfig
from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS
from transformers.models.llama import modeling_llama

REQUIREMENTS = ["torch==2.13.0", "transformers==5.24.0", "numpy"]

POSITIONS = np.array([0, 1, 2, 3, 5, 17, 100, 1000, 4095, 8191, 32767, 131071], dtype=np.int64)
HEADS = 2

# name: (rope_theta, head_dim, max_position_embeddings, rope_parameters extras, seq_len, forward)
CASES: dict[str, tuple] = {
    "linear_f4_d128": (10000.0, 128, 4096, {"rope_type": "linear", "factor": 4.0}, None, False),
    "dynamic_f2_d128_at4096": (
        10000.0,
        128,
        4096,
        {"rope_type": "dynamic", "factor": 2.0},
        None,
        False,
    ),
    "dynamic_f2_d128_at16384": (
        10000.0,
        128,
        4096,
        {"rope_type": "dynamic", "factor": 2.0},
        16384,
        False,
    ),
    # Qwen2.5's long-context recipe: YaRN, factor 4 over 32768 positions, base 1e6.
    "yarn_f4_base1e6_d128": (
        1000000.0,
        128,
        131072,
        {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768},
        None,
        True,
    ),
    "yarn_f16_d64_notruncate": (
        10000.0,
        64,
        65536,
        {
            "rope_type": "yarn",
            "factor": 16.0,
            "original_max_position_embeddings": 4096,
            "truncate": False,
        },
        None,
        False,
    ),
    # Llama 3.1: factor 8, low_freq_factor 1, high_freq_factor 4 over 8192 positions.
    "llama3_f8_base500000_d128": (
        500000.0,
        128,
        131072,
        {
            "rope_type": "llama3",
            "factor": 8.0,
            "low_freq_factor": 1.0,
            "high_freq_factor": 4.0,
            "original_max_position_embeddings": 8192,
        },
        None,
        True,
    ),
}


def config(theta: float, d_head: int, max_pos: int, params: dict) -> LlamaConfig:
    return LlamaConfig(
        hidden_size=d_head * HEADS,
        num_attention_heads=HEADS,
        head_dim=d_head,
        max_position_embeddings=max_pos,
        rope_parameters={"rope_theta": theta, **params},
    )


def case(theta: float, d_head: int, max_pos: int, params: dict, seq_len, forward: bool) -> dict:
    cfg = config(theta, d_head, max_pos, params)
    inv_freq, attention = ROPE_INIT_FUNCTIONS[params["rope_type"]](cfg, "cpu", seq_len)
    plain = config(theta, d_head, max_pos, {"rope_type": "default"})
    default = modeling_llama.LlamaRotaryEmbedding(plain).inv_freq
    row = {
        "base": np.float64(theta),
        "d_head": np.int64(d_head),
        "max_position_embeddings": np.int64(max_pos),
        "seq_len": np.int64(-1 if seq_len is None else seq_len),
        "rope_type": np.str_(params["rope_type"]),
        "params": np.str_(json.dumps(params, sort_keys=True)),
        "inv_freq": inv_freq.numpy(),
        "attention_factor": np.float64(attention),
        "default_inv_freq": default.numpy(),
    }
    if forward:
        rotary = modeling_llama.LlamaRotaryEmbedding(cfg)
        assert torch.equal(rotary.inv_freq, inv_freq)
        x = torch.zeros((1, HEADS, POSITIONS.size, d_head))
        cos, sin = rotary(x, torch.from_numpy(POSITIONS)[None])
        row.update(positions=POSITIONS, cos=cos[0].numpy(), sin=sin[0].numpy())
    return row


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, str] = {}
    for name, args in CASES.items():
        np.savez_compressed(out / f"{name}.npz", **case(*args))
        tables[f"{name}.npz"] = (
            "transformers/modeling_rope_utils.py: ROPE_INIT_FUNCTIONS"
            f"[{args[3]['rope_type']!r}]"
            + ("; models/llama/modeling_llama.py: LlamaRotaryEmbedding.forward" if args[5] else "")
        )
    manifest = {
        "generator": "tests/golden/gen_rope_scaling.py",
        "versions": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "numpy": np.__version__,
        },
        "positions": POSITIONS.tolist(),
        "tables": tables,
    }
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
