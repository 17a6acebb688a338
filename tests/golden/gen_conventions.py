"""Golden tables for posenc_ref.conventions, computed by the real libraries.

Run through the driver (it installs REQUIREMENTS into tests/golden/.venv first):

    python tests/golden/regenerate.py --only conventions

or directly, in an environment that has the requirements: ``python gen_conventions.py OUT_DIR``.
Each table is saved as ``<preset>__<library-function>__d<D>.npz`` with arrays ``table``,
``positions`` and ``d_model``; MANIFEST.json records the library versions and, per file, the
preset it checks and the function that produced it. Nothing here re-implements a formula: every
table comes from calling the library.

Libraries that are not installable from PyPI in a working state (tensor2tensor, fairseq,
guided-diffusion, OpenNMT-py, Sockeye, the tutorials, the Flax examples, d2l) or whose
requirements conflict with these pins (tf-models-official pins tensorflow 2.20 while keras-hub
pulls 2.21) are not used; their
presets are checked against the formula in the cited source instead (see each preset's docstring).
"""

from __future__ import annotations

import json
import os
import sys
from importlib import metadata
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

REQUIREMENTS = [
    "torch==2.13.0",
    "transformers==5.24.0",
    "diffusers==0.42.1",
    "keras==3.15.1",
    "keras-hub==0.32.0",
    "x-transformers==2.31.10",
]

#: (rows of the full table, positions kept) per size: a short run of positions, and sparse rows up
#: to 4095 where float32 rounding of p·ω matters.
SMALL = np.arange(16)
SPARSE = np.concatenate([np.arange(0, 64), np.arange(97, 4096, 211), [4095]])
WIDTHS = ((8, SMALL), (9, SMALL), (128, SPARSE))


def _torch():
    import torch

    torch.set_default_dtype(torch.float32)
    return torch


def hf_xlm(n, d):
    torch = _torch()
    from transformers.models.xlm.modeling_xlm import create_sinusoidal_embeddings

    out = torch.empty(n, d)
    create_sinusoidal_embeddings(n, d, out)
    return out.numpy()


def hf_distilbert(n, d):
    torch = _torch()
    from transformers.models.distilbert.modeling_distilbert import create_sinusoidal_embeddings

    out = torch.empty(n, d)
    create_sinusoidal_embeddings(n, d, out)
    return out.numpy()


def hf_marian(n, d):
    from transformers.models.marian.modeling_marian import MarianSinusoidalPositionalEmbedding

    return MarianSinusoidalPositionalEmbedding(n, d).create_weight().numpy()


def hf_pegasus(n, d):
    from transformers.models.pegasus.modeling_pegasus import PegasusSinusoidalPositionalEmbedding

    return PegasusSinusoidalPositionalEmbedding(n, d).create_weight().numpy()


def hf_speech2text(n, d):
    _torch()
    from transformers.models.speech_to_text.modeling_speech_to_text import (
        Speech2TextSinusoidalPositionalEmbedding as Emb,
    )

    return Emb.get_embedding(n, d, padding_idx=1).numpy()


def hf_m2m100(n, d):
    _torch()
    from transformers.models.m2m_100.modeling_m2m_100 import (
        M2M100SinusoidalPositionalEmbedding as Emb,
    )

    return Emb.get_embedding(n, d, padding_idx=1).numpy()


def hf_whisper(n, d):
    from transformers.models.whisper.modeling_whisper import sinusoids

    return sinusoids(n, d).numpy()


def diffusers_default(n, d):
    torch = _torch()
    from diffusers.models.embeddings import get_timestep_embedding

    return get_timestep_embedding(torch.arange(n), d).numpy()


def diffusers_unet(n, d):
    torch = _torch()
    from diffusers.models.embeddings import get_timestep_embedding

    t = torch.arange(n)
    return get_timestep_embedding(t, d, flip_sin_to_cos=True, downscale_freq_shift=0).numpy()


def keras_hub(n, d):
    import keras
    from keras_hub.layers import SinePositionEncoding

    x = keras.ops.zeros((1, n, d), dtype="float32")
    return keras.ops.convert_to_numpy(SinePositionEncoding()(x))[0]


def x_transformers(n, d):
    torch = _torch()
    from x_transformers.x_transformers import ScaledSinusoidalEmbedding

    with torch.no_grad():
        return ScaledSinusoidalEmbedding(d)(torch.zeros(1, n, d)).numpy()


def hf_ctrl(n, d):
    torch = _torch()
    from transformers.models.ctrl.modeling_ctrl import positional_encoding

    return positional_encoding(n, d, torch.float32).numpy()


def hf_vitmae_2d(height, width, d):
    from transformers.models.vit_mae.modeling_vit_mae import (
        build_2d_sinusoidal_position_embedding,
    )

    return build_2d_sinusoidal_position_embedding(height, width, d).numpy()


def diffusers_2d(height, width, d):
    from diffusers.models.embeddings import get_2d_sincos_pos_embed

    assert height == width == 16, "integer positions need grid_size == base_size (16)"
    return np.asarray(get_2d_sincos_pos_embed(d, 16).numpy(), dtype=np.float32)


#: (2-D preset, function, library, source, (height, width, d_model))
TABLES_2D = [
    (
        "hf-vitmae",
        hf_vitmae_2d,
        "transformers",
        "src/transformers/models/vit_mae/modeling_vit_mae.py",
        (3, 5, 16),
    ),
    ("hf-vitmae", hf_vitmae_2d, "transformers", "…/vit_mae/modeling_vit_mae.py", (16, 16, 64)),
    (
        "diffusers-2d",
        diffusers_2d,
        "diffusers",
        "src/diffusers/models/embeddings.py (get_2d_sincos_pos_embed)",
        (16, 16, 32),
    ),
]


#: (preset, function, library distribution, source path, widths it supports)
TABLES = [
    ("hf-xlm", hf_xlm, "transformers", "src/transformers/models/xlm/modeling_xlm.py", (8, 9, 128)),
    (
        "hf-xlm",
        hf_distilbert,
        "transformers",
        "src/transformers/models/distilbert/modeling_distilbert.py",
        (8, 9, 128),
    ),
    (
        "hf-marian",
        hf_marian,
        "transformers",
        "src/transformers/models/marian/modeling_marian.py",
        (8, 9, 128),
    ),
    (
        "hf-marian",
        hf_pegasus,
        "transformers",
        "src/transformers/models/pegasus/modeling_pegasus.py",
        (8, 9, 128),
    ),
    (
        "hf-speech2text",
        hf_speech2text,
        "transformers",
        "src/transformers/models/speech_to_text/modeling_speech_to_text.py",
        (8, 9, 128),
    ),
    (
        "hf-speech2text",
        hf_m2m100,
        "transformers",
        "src/transformers/models/m2m_100/modeling_m2m_100.py",
        (8, 9, 128),
    ),
    (
        "fairseq",
        hf_speech2text,
        "transformers",
        "src/transformers/models/speech_to_text/modeling_speech_to_text.py (fairseq's "
        "get_embedding, copied verbatim)",
        (8, 9, 128),
    ),
    (
        "hf-ctrl",
        hf_ctrl,
        "transformers",
        "src/transformers/models/ctrl/modeling_ctrl.py",
        (8, 128),
    ),
    (
        "whisper",
        hf_whisper,
        "transformers",
        "src/transformers/models/whisper/modeling_whisper.py",
        (8, 128),
    ),
    (
        "diffusers",
        diffusers_default,
        "diffusers",
        "src/diffusers/models/embeddings.py",
        (8, 9, 128),
    ),
    (
        "diffusers-unet",
        diffusers_unet,
        "diffusers",
        "src/diffusers/models/embeddings.py",
        (8, 9, 128),
    ),
    (
        "guided-diffusion",
        diffusers_unet,
        "diffusers",
        "src/diffusers/models/embeddings.py (flip_sin_to_cos=True, downscale_freq_shift=0: "
        "bit-identical to guided-diffusion's timestep_embedding)",
        (8, 9, 128),
    ),
    (
        "keras-hub",
        keras_hub,
        "keras-hub",
        "keras_hub/src/layers/modeling/sine_position_encoding.py",
        (8, 9, 128),
    ),
    (
        "x-transformers",
        x_transformers,
        "x-transformers",
        "x_transformers/x_transformers.py",
        (8, 128),
    ),
]


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    dists = sorted({t[2] for t in TABLES} | {"torch", "keras", "tensorflow", "numpy"})
    manifest = {
        "generator": "tests/golden/gen_conventions.py",
        "command": "python tests/golden/regenerate.py --only conventions",
        "versions": {name: metadata.version(name) for name in dists},
        "keras_backend": os.environ["KERAS_BACKEND"],
        "tables": {},
    }
    for preset, func, dist, source, widths in TABLES:
        for d, keep in WIDTHS:
            if d not in widths:
                continue
            full = np.asarray(func(int(keep.max()) + 1, d))
            table = full[keep]
            name = f"{preset}__{func.__name__}__d{d}.npz"
            np.savez_compressed(out / name, table=table, positions=keep, d_model=d)
            manifest["tables"][name] = {
                "preset": preset,
                "library": dist,
                "function": func.__name__,
                "source": source,
                "dtype": str(table.dtype),
                "shape": list(table.shape),
            }
            print(f"  {name}: {table.shape} {table.dtype}")
    for preset, func, dist, source, (height, width, d) in TABLES_2D:
        table = np.asarray(func(height, width, d))
        name = f"grid2d__{preset}__{height}x{width}x{d}.npz"
        np.savez_compressed(out / name, table=table, height=height, width=width, d_model=d)
        manifest["tables"][name] = {
            "preset": preset,
            "grid_2d": True,
            "library": dist,
            "function": func.__name__,
            "source": source,
            "dtype": str(table.dtype),
            "shape": list(table.shape),
        }
        print(f"  {name}: {table.shape} {table.dtype}")
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
