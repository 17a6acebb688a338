"""Emulations of the originals' operation order and dtype, one function per implementation.

Each ``recipe(positions, d_model)`` mirrors the formula of the cited source (written from the
formula, not copied) in NumPy. Elementary functions in float32 recipes are evaluated in float64
and rounded: that is the correctly rounded float32 value, which torch's CPU ``exp`` returns in
the cases measured here (NumPy's own float32 ``exp`` is one ulp off in about a third of them).
tests/test_conventions.py checks every recipe against the exact values and, where a library is
installable, against its golden table.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

_F32 = np.float32


def _exp(x: np.ndarray) -> np.ndarray:
    """float32 ``exp`` rounded from float64: the correctly rounded value in all but rare ties,
    which is what torch's CPU kernel returns (NumPy's own float32 ``exp`` is off by one ulp in
    about a third of the cases here)."""
    return np.exp(x.astype(np.float64)).astype(x.dtype) if x.dtype == _F32 else np.exp(x)


def _pow(b: np.ndarray, e: np.ndarray) -> np.ndarray:
    return np.power(np.float64(b), np.asarray(e, np.float64)).astype(_F32)


def _sin(x: np.ndarray) -> np.ndarray:
    return np.sin(x.astype(np.float64)).astype(x.dtype) if x.dtype == _F32 else np.sin(x)


def _cos(x: np.ndarray) -> np.ndarray:
    return np.cos(x.astype(np.float64)).astype(x.dtype) if x.dtype == _F32 else np.cos(x)


def _sin_cos_cat(angle: np.ndarray, layout: str, odd_zero: bool, d: int) -> np.ndarray:
    s, c = _sin(angle), _cos(angle)
    first, second = (c, s) if layout == "cos|sin" else (s, c)
    out = np.concatenate([first, second], axis=1)
    if odd_zero and d % 2:
        out = np.concatenate([out, np.zeros((out.shape[0], 1), out.dtype)], axis=1)
    return out


def fairseq(pos: np.ndarray, d: int, base: float = 10000.0) -> np.ndarray:
    # emb = log(B)/(h-1) (Python float); exp(arange(h).float() * -emb) in float32.
    h = d // 2
    step = math.log(base) / (h - 1)
    omega = _exp(np.arange(h, dtype=_F32) * _F32(-step))
    return _sin_cos_cat(pos.astype(_F32)[:, None] * omega[None, :], "sin|cos", True, d)


def t2t(pos: np.ndarray, d: int) -> np.ndarray:
    # log_inc = log(max/min) / max(h-1, 1) in float32; inv = min * exp(k * -log_inc).
    h = d // 2
    log_inc = _F32(math.log(10000.0)) / _F32(max(h - 1, 1))
    omega = _exp(np.arange(h, dtype=_F32) * -log_inc)
    return _sin_cos_cat(pos.astype(_F32)[:, None] * omega[None, :], "sin|cos", True, d)


def whisper(pos: np.ndarray, d: int) -> np.ndarray:
    h = d // 2
    inc = math.log(10000.0) / (h - 1)
    omega = _exp(_F32(-inc) * np.arange(h).astype(_F32))
    return _sin_cos_cat(pos.astype(_F32)[:, None] * omega[None, :], "sin|cos", False, d)


def torch_tutorial(pos: np.ndarray, d: int) -> np.ndarray:
    # div = exp(arange(0, d, 2).float() * (-log(10000)/d)); pe[:, 0::2] = sin(p * div) ...
    div = _exp(np.arange(0, d, 2).astype(_F32) * _F32(-math.log(10000.0) / d))
    angle = pos.astype(_F32)[:, None] * div[None, :]
    out = np.empty((pos.shape[0], d), _F32)
    out[:, 0::2] = _sin(angle)
    out[:, 1::2] = _cos(angle)
    return out


def _hf_numpy_angles(pos: np.ndarray, d: int) -> np.ndarray:
    # angle[p, j] = p / 10000 ** (2 * (j // 2) / d), all in float64 (NumPy).
    j = np.arange(d)
    return pos.astype(np.float64)[:, None] / np.power(10000.0, 2 * (j // 2) / d)[None, :]


def hf_xlm(pos: np.ndarray, d: int) -> np.ndarray:
    a = _hf_numpy_angles(pos, d)
    out = np.empty((pos.shape[0], d), _F32)
    out[:, 0::2] = _sin(a[:, 0::2])
    out[:, 1::2] = _cos(a[:, 1::2])
    return out


def hf_marian(pos: np.ndarray, d: int) -> np.ndarray:
    a = _hf_numpy_angles(pos, d)
    return np.concatenate([_sin(a[:, 0::2]), _cos(a[:, 1::2])], axis=1).astype(_F32)


def ctrl(pos: np.ndarray, d: int) -> np.ndarray:
    # angle = p * 1 / 10000 ** (2 * (j // 2) / d), every operation in float32 (torch).
    j = np.arange(d)
    rates = _F32(1.0) / _pow(_F32(10000.0), (2 * (j // 2)).astype(_F32) / _F32(d))
    a = pos.astype(_F32)[:, None] * rates[None, :]
    return np.concatenate([_sin(a[:, 0::2]), _cos(a[:, 1::2])], axis=1)


def tf_tutorial(pos: np.ndarray, d: int) -> np.ndarray:
    # depths = arange(d/2)/(d/2); rates = 1/10000**depths; concat[sin, cos] in float64.
    depths = np.arange(d // 2)[None, :] / (d / 2)
    angle = pos.astype(np.float64)[:, None] * (1 / 10000**depths)
    return np.concatenate([_sin(angle), _cos(angle)], axis=-1).astype(_F32)


def tf_tutorial_2019(pos: np.ndarray, d: int) -> np.ndarray:
    # get_angles: p * 1/np.power(10000, 2*(j//2)/np.float32(d)); in place sin/cos; float64 maths.
    j = np.arange(d)
    rates = 1 / np.power(10000, (2 * (j // 2)) / np.float32(d))
    a = pos.astype(np.float64)[:, None] * rates[None, :]
    a[:, 0::2] = _sin(a[:, 0::2])
    a[:, 1::2] = _cos(a[:, 1::2])
    return a.astype(_F32)


def keras(pos: np.ndarray, d: int) -> np.ndarray:
    # Everything in compute_dtype (float32): timescales = (1/B) ** (2*(j//2)/d).
    j = np.arange(d)
    exps = (2 * (j // 2)).astype(_F32) / _F32(d)
    timescales = _pow(_F32(1.0 / 10000.0), exps)
    angles = pos.astype(_F32)[:, None] * timescales[None, :]
    cos_mask = (j % 2).astype(_F32)
    return _sin(angles) * (1 - cos_mask) + _cos(angles) * cos_mask


def model_garden(pos: np.ndarray, d: int) -> np.ndarray:
    h = d // 2
    log_inc = _F32(math.log(10000.0)) / _F32(h - 1)
    omega = _exp(np.arange(h, dtype=_F32) * -log_inc)
    return _sin_cos_cat(pos.astype(_F32)[:, None] * omega[None, :], "sin|cos", False, d)


def diffusers(shift: float, layout: str) -> Callable[[np.ndarray, int], np.ndarray]:
    def recipe(pos: np.ndarray, d: int) -> np.ndarray:
        h = d // 2
        exponent = _F32(-math.log(10000.0)) * np.arange(h, dtype=_F32)
        omega = _exp(exponent / _F32(h - shift))
        return _sin_cos_cat(pos.astype(_F32)[:, None] * omega[None, :], layout, True, d)

    return recipe


def guided(pos: np.ndarray, d: int) -> np.ndarray:
    h = d // 2
    omega = _exp(_F32(-math.log(10000.0)) * np.arange(h, dtype=_F32) / _F32(h))
    return _sin_cos_cat(pos.astype(_F32)[:, None] * omega[None, :], "cos|sin", True, d)


def flax(pos: np.ndarray, d: int) -> np.ndarray:
    # NumPy float64 maths, stored into a float32 array of zeros (last column stays 0 if d odd).
    h = d // 2
    factor = -math.log(10000.0) / (h - 1)
    div = _exp(np.arange(h) * factor)
    angle = pos.astype(np.float64)[:, None] * div[None, :]
    out = np.zeros((pos.shape[0], d), _F32)
    out[:, :h] = _sin(angle)
    out[:, h : 2 * h] = _cos(angle)
    return out


def pow_split(pos: np.ndarray, d: int) -> np.ndarray:
    # Sockeye: p / 10000 ** (2i/d) in float32, hstack[sin, cos].
    k2 = np.arange(0, d, 2).astype(_F32)
    angle = pos.astype(_F32)[:, None] / _pow(_F32(10000.0), k2 / _F32(d))[None, :]
    return np.concatenate([_sin(angle), _cos(angle)], axis=1)


def d2l(pos: np.ndarray, d: int) -> np.ndarray:
    x = pos.astype(_F32)[:, None] / _pow(_F32(10000.0), np.arange(0, d, 2, dtype=_F32) / d)
    out = np.empty((pos.shape[0], d), _F32)
    out[:, 0::2] = _sin(x)
    out[:, 1::2] = _cos(x)
    return out


def x_transformers(pos: np.ndarray, d: int) -> np.ndarray:
    h = d // 2
    inv = _pow(_F32(10000.0), -(np.arange(h).astype(_F32) / _F32(h)))
    angle = pos.astype(_F32)[:, None] * inv[None, :]
    return _sin_cos_cat(angle, "sin|cos", False, d) * _F32(d**-0.5)


def opennmt_concat(pos: np.ndarray, d: int) -> np.ndarray:
    return fairseq(pos, d)
