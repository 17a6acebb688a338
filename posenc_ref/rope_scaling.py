r"""RoPE context extension: the scaled frequencies of position interpolation, NTK, YaRN and Llama 3.

A model trained with RoPE on sequences of up to ``L0`` positions sees unfamiliar angles
``p·ω_i`` beyond ``L0``. The context-extension methods in use all do the same kind of thing:
they **replace the frequencies** ``ω_i = base^(-2i/d)`` by smaller ones ``ω'_i`` (longer
wavelengths) and leave everything else as it was. So RoPE's relative property
(``thm-rope-relative``, proved for free frequencies) holds for every one of them; what differs is
which pairs are slowed down and by how much. With ``s`` the scaling ``factor``:

- ``"linear"`` (position interpolation, Chen et al. 2023, arXiv 2306.15595; kaiokendev):
  every ``ω'_i = ω_i / s``, the same as evaluating unscaled RoPE at ``p / s``
  (``thm-pi-interpolation``).
- ``"dynamic"`` (dynamic NTK-aware scaling, /u/bloc97 and /u/emozilla): a larger base
  ``base·κ^(d/(d-2))`` with ``κ = s·L/L0 − (s − 1)`` for the current sequence length
  ``L >= L0``. It keeps ``ω_0`` and divides the slowest pair's frequency by exactly ``κ``
  (``thm-ntk-endpoints``); ``κ = 1`` up to ``L0`` and ``κ >= L/L0`` beyond
  (``thm-dynamic-ntk``).
- ``"yarn"`` (Peng et al. 2023, arXiv 2309.00071): pairs that turn more than ``beta_fast``
  times over ``L0`` keep their frequency, pairs that turn fewer than ``beta_slow`` times get
  ``ω_i / s``, and a linear ramp in the pair index blends the two in between
  (``thm-yarn-correction-range``). Queries and keys are also scaled by the attention factor
  ``0.1·ln s + 1``.
- ``"llama3"`` (Llama 3.1): the same three zones, chosen by wavelength ``λ_i = 2π/ω_i``:
  unchanged below ``L0/high_freq_factor``, ``ω_i / s`` above ``L0/low_freq_factor``, and in
  between a blend that is continuous at both ends (``thm-llama3-continuous``).

The formulas follow Hugging Face ``transformers/modeling_rope_utils.py`` (``ROPE_INIT_FUNCTIONS``,
transformers 5.24.0), whose ``rope_type`` names :class:`RopeScaling` uses. Hugging Face computes
them in float32; here every frequency is the **exact** value of the formula, evaluated with
mpmath and held as a double-double, so :func:`scaled_frequencies` is correctly rounded in float64
and :func:`scaled_rope_pairs` is faithful in float64 and correctly rounded in float32 and
float16 (the same contract as :func:`posenc_ref.sinusoidal`).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _exact, _fast, _kernel
from ._validate import (
    check_base,
    check_choice,
    check_d_head,
    check_dtype,
    check_flag,
    check_int,
    check_position_range,
    check_positions,
    check_real,
)

__all__ = [
    "KNOWN_SCALINGS",
    "SCALING_KINDS",
    "RopeScaling",
    "attention_factor",
    "scaled_frequencies",
    "scaled_rope_pairs",
]

#: The scaling methods, named as Hugging Face's ``rope_type``.
SCALING_KINDS: tuple[str, ...] = ("linear", "dynamic", "yarn", "llama3")


@dataclass(frozen=True)
class RopeScaling:
    """A RoPE frequency-scaling method and its parameters (Hugging Face ``rope_parameters``).

    Parameters
    ----------
    kind : {"linear", "dynamic", "yarn", "llama3"}
        The method (Hugging Face ``rope_type``).
    factor : float
        The context-extension factor ``s >= 1``.
    original_max_positions : int, optional
        ``L0``, the context length the model was trained on: required by ``"dynamic"`` (Hugging
        Face reads ``max_position_embeddings``), ``"yarn"`` and ``"llama3"``
        (``original_max_position_embeddings``); not used by ``"linear"``.
    low_freq_factor, high_freq_factor : float
        ``"llama3"`` only: pairs with wavelength above ``L0/low_freq_factor`` are divided by
        ``s``, pairs below ``L0/high_freq_factor`` are kept (Llama 3.1: 1 and 4).
    beta_fast, beta_slow : float
        ``"yarn"`` only: the ramp runs from the pair that turns ``beta_fast`` times over ``L0`` to
        the pair that turns ``beta_slow`` times (defaults 32 and 1, as in the paper).
    truncate : bool
        ``"yarn"`` only: round the ramp's ends outwards to whole pair indices (Hugging Face's
        default, True).
    attention_factor : float, optional
        ``"yarn"`` only: an explicit attention factor (Hugging Face ``attention_factor``); by
        default ``0.1·ln(s) + 1`` (see :func:`attention_factor`).

    Examples
    --------
    >>> RopeScaling("linear", 4.0)
    RopeScaling(kind='linear', factor=4.0)
    >>> RopeScaling("yarn", 0.5, original_max_positions=4096)
    Traceback (most recent call last):
    ...
    ValueError: factor must be >= 1 (a context-extension factor); got 0.5
    """

    kind: str
    factor: float
    original_max_positions: int | None = None
    low_freq_factor: float = 1.0
    high_freq_factor: float = 4.0
    beta_fast: float = 32.0
    beta_slow: float = 1.0
    truncate: bool = True
    attention_factor: float | None = None

    def __post_init__(self) -> None:
        check_choice(self.kind, "kind", SCALING_KINDS)
        factor = check_real(self.factor, "factor")
        if factor < 1:
            raise ValueError(f"factor must be >= 1 (a context-extension factor); got {factor}")
        object.__setattr__(self, "factor", factor)
        length = self.original_max_positions
        if self.kind == "linear":
            if length is not None:
                raise ValueError("original_max_positions is not used by 'linear' scaling")
        else:
            length = check_int(
                length,
                "original_max_positions",
                minimum=1,
                rule=f"a positive integer for {self.kind!r} scaling (the trained context "
                "length L0)",
            )
            object.__setattr__(self, "original_max_positions", length)
        defaults = {f: RopeScaling.__dataclass_fields__[f].default for f in _OWN_FIELDS}
        for kind, names in _OWN_FIELDS_BY_KIND.items():
            if kind != self.kind:
                for name in names:
                    if getattr(self, name) != defaults[name]:
                        raise ValueError(f"{name} is used only by {kind!r} scaling")
        if self.kind == "llama3":
            low = check_real(self.low_freq_factor, "low_freq_factor")
            high = check_real(self.high_freq_factor, "high_freq_factor")
            if not 0 < low < high:
                raise ValueError(
                    "llama3 scaling needs 0 < low_freq_factor < high_freq_factor; "
                    f"got {low} and {high}"
                )
        if self.kind == "yarn":
            fast = check_real(self.beta_fast, "beta_fast")
            slow = check_real(self.beta_slow, "beta_slow")
            if not 0 < slow < fast:
                raise ValueError(
                    f"yarn scaling needs 0 < beta_slow < beta_fast; got {slow} and {fast}"
                )
            check_flag(self.truncate, "truncate")
            m = self.attention_factor
            if m is not None and not check_real(m, "attention_factor") > 0:
                raise ValueError(f"attention_factor must be > 0; got {m}")

    def __repr__(self) -> str:
        shown = [f"kind={self.kind!r}", f"factor={self.factor!r}"]
        for name in ("original_max_positions", *_OWN_FIELDS_BY_KIND.get(self.kind, ())):
            value = getattr(self, name)
            if name == "original_max_positions" and value is None:
                continue
            shown.append(f"{name}={value!r}")
        return f"RopeScaling({', '.join(shown)})"

    @classmethod
    def from_hf(
        cls, rope_parameters: dict[str, Any], max_position_embeddings: int | None = None
    ) -> RopeScaling:
        """Build from a Hugging Face ``rope_parameters`` (or older ``rope_scaling``) dict.

        ``max_position_embeddings`` (from the same config.json) is ``L0`` for ``"dynamic"``, as in
        Hugging Face. ``rope_theta`` is ignored (pass it as ``base``), and so is
        ``partial_rotary_factor``, which sets the rotary width rather than the scaling: call the
        functions with ``d_head = int(head_dim * partial_rotary_factor)``. Other unknown keys
        raise.

        Examples
        --------
        >>> RopeScaling.from_hf({"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
        ...     "high_freq_factor": 4.0, "original_max_position_embeddings": 8192})
        ... # doctest: +NORMALIZE_WHITESPACE
        RopeScaling(kind='llama3', factor=8.0, original_max_positions=8192,
                    low_freq_factor=1.0, high_freq_factor=4.0)
        """
        if not isinstance(rope_parameters, dict):
            raise TypeError(f"rope_parameters must be a dict; got {rope_parameters!r}")
        params = dict(rope_parameters)
        kind = params.pop("rope_type", None) or params.pop("type", None)
        params.pop("type", None)
        if kind is None:
            raise ValueError("rope_parameters: no 'rope_type' (or 'type') key")
        if kind == "default":
            raise ValueError("rope_parameters: rope_type 'default' is plain RoPE: use scaling=None")
        if kind not in SCALING_KINDS:
            supported = ", ".join(repr(k) for k in SCALING_KINDS)
            raise ValueError(
                f"rope_parameters: rope_type {kind!r} is not supported (supported: {supported})"
            )
        for ignored in ("rope_theta", "partial_rotary_factor"):
            params.pop(ignored, None)
        args: dict[str, Any] = {"kind": kind, "factor": params.pop("factor", None)}
        length = params.pop("original_max_position_embeddings", None)
        if kind == "dynamic":
            # Hugging Face's dynamic scaling reads L0 from config.max_position_embeddings only.
            if max_position_embeddings is None:
                raise ValueError(
                    "rope_parameters: 'dynamic' scaling takes L0 from the config's "
                    "max_position_embeddings: pass max_position_embeddings"
                )
            length = max_position_embeddings
        elif kind == "linear":
            length = None  # linear scaling has no L0 (Hugging Face ignores the key)
        elif length is None:
            length = max_position_embeddings  # Hugging Face's fallback (standardize_rope_params)
        args["original_max_positions"] = length
        mscale, mscale_all_dim = params.pop("mscale", None), params.pop("mscale_all_dim", None)
        for key, value in params.items():
            if key not in _OWN_FIELDS:
                raise ValueError(f"rope_parameters: unsupported key {key!r} for {kind!r}")
            # As Hugging Face reads them: `get("beta_fast") or 32`, `if truncate:`.
            if key in ("beta_fast", "beta_slow"):
                if value:
                    args[key] = value
            elif key == "truncate":
                args[key] = False if value is None else value
            elif value is not None:
                args[key] = value
        if kind == "yarn":
            if args["factor"] is None and length and max_position_embeddings:
                # DeepSeek-V3's reading: the factor is the ratio of the two lengths.
                args["factor"] = max_position_embeddings / length
            if args.get("attention_factor") is None and mscale and mscale_all_dim:
                s = float(args["factor"]) if args["factor"] is not None else 1.0

                def get_mscale(m: float) -> float:
                    return 0.1 * m * math.log(s) + 1.0 if s > 1 else 1.0

                args["attention_factor"] = get_mscale(mscale) / get_mscale(mscale_all_dim)
        elif mscale is not None or mscale_all_dim is not None:
            raise ValueError(
                f"rope_parameters: 'mscale' keys are used only by 'yarn', not {kind!r}"
            )
        if args["factor"] is None:
            raise ValueError("rope_parameters: 'factor' is required")
        return cls(**args)


_OWN_FIELDS_BY_KIND = {
    "llama3": ("low_freq_factor", "high_freq_factor"),
    "yarn": ("beta_fast", "beta_slow", "truncate", "attention_factor"),
}
_OWN_FIELDS = tuple(f for names in _OWN_FIELDS_BY_KIND.values() for f in names)

KNOWN_SCALINGS: dict[str, tuple[RopeScaling, float]] = {
    "llama-3.1": (
        RopeScaling(
            "llama3", 8.0, original_max_positions=8192, low_freq_factor=1.0, high_freq_factor=4.0
        ),
        500000.0,
    ),
    "qwen2.5-yarn": (RopeScaling("yarn", 4.0, original_max_positions=32768), 1000000.0),
}
"""Scalings of released models, with their base, that
:func:`posenc_ref.rope_identification.identify_rope_cache` tries on a cache whose frequencies no
base explains.

- ``"llama-3.1"``: meta-llama/llama-models ``models/llama3/reference_impl/model.py``
  (``apply_scaling``: factor 8, low_freq_factor 1, high_freq_factor 4, 8192 positions), base
  500000 (meta-llama/llama3 ``rope_theta``).
- ``"qwen2.5-yarn"``: the long-context setting of the Qwen2.5 model cards (YaRN, factor 4,
  original 32768 positions), base 1e6 (their ``rope_theta``).
"""


def attention_factor(scaling: RopeScaling | None) -> float:
    """The factor Hugging Face multiplies the cos/sin cache by (so the scores by its square).

    ``"yarn"``: its ``attention_factor`` if given, else ``0.1·ln(s) + 1``; every other method: 1.

    Examples
    --------
    >>> round(attention_factor(RopeScaling("yarn", 4.0, original_max_positions=32768)), 12)
    1.138629436112
    >>> attention_factor(RopeScaling("linear", 4.0))
    1.0
    """
    if scaling is None or scaling.kind != "yarn":
        return 1.0
    if scaling.attention_factor is not None:
        return float(scaling.attention_factor)
    return 0.1 * math.log(scaling.factor) + 1.0 if scaling.factor > 1 else 1.0


def _scaling_args(d_head: Any, scaling: Any, base: Any, seq_len: Any) -> tuple:
    """Validated ``(d, scaling, base, seq_len)`` for :func:`_scaled_dd`."""
    d = check_d_head(d_head)
    b = check_base(base)
    if scaling is not None and not isinstance(scaling, RopeScaling):
        raise TypeError(f"scaling must be a RopeScaling or None; got {scaling!r}")
    seq = None
    if seq_len is not None:
        if scaling is None or scaling.kind != "dynamic":
            raise ValueError("seq_len is used only by 'dynamic' scaling")
        seq = check_int(seq_len, "seq_len", minimum=1)
    if scaling is not None and scaling.kind == "dynamic" and d < 4:
        raise ValueError("d_head must be >= 4 for 'dynamic' scaling (its exponent is d/(d-2))")
    return d, scaling, b, seq


@functools.lru_cache(maxsize=64)
def _scaled_omegas(d: int, scaling: RopeScaling | None, base: float, seq_len: int | None) -> tuple:
    """The exact scaled frequencies as mpmath numbers, one per pair (use them inside
    :func:`posenc_ref._exact.working_precision`)."""
    omega = _exact.exact_frequencies(d, base)
    if scaling is None:
        return omega
    with _exact.working_precision(_exact.WORK_BITS + 32) as ctx:
        return _SCALINGS[scaling.kind](ctx, omega, d, scaling, ctx.mpf(base), seq_len)


def _linear(ctx: Any, omega: tuple, d: int, scaling: RopeScaling, b: Any, seq_len: Any) -> tuple:
    s = ctx.mpf(scaling.factor)
    return tuple(w / s for w in omega)


def _dynamic(ctx: Any, omega: tuple, d: int, scaling: RopeScaling, b: Any, seq_len: Any) -> tuple:
    s, length = ctx.mpf(scaling.factor), ctx.mpf(scaling.original_max_positions)
    seq = max(ctx.mpf(seq_len or 0), length)
    kappa = s * seq / length - (s - 1)
    return tuple(w * ctx.power(kappa, ctx.mpf(-2 * k) / (d - 2)) for k, w in enumerate(omega))


def _yarn(ctx: Any, omega: tuple, d: int, scaling: RopeScaling, b: Any, seq_len: Any) -> tuple:
    s, length = ctx.mpf(scaling.factor), ctx.mpf(scaling.original_max_positions)

    def pair_turning(beta: float) -> Any:  # the real pair index i with L0·ω_i/2π = β
        return d * ctx.log(length / (beta * 2 * ctx.pi)) / (2 * ctx.log(b))

    low, high = pair_turning(scaling.beta_fast), pair_turning(scaling.beta_slow)
    if scaling.truncate:
        low, high = ctx.floor(low), ctx.ceil(high)
    low, high = max(low, ctx.mpf(0)), min(high, ctx.mpf(d - 1))
    if low == high:
        high += ctx.mpf("0.001")  # Hugging Face's guard against a zero-width ramp
    out = []
    for k, w in enumerate(omega):
        ramp = min(max((k - low) / (high - low), ctx.mpf(0)), ctx.mpf(1))
        out.append(w / s * ramp + w * (1 - ramp))
    return tuple(out)


def _llama3(ctx: Any, omega: tuple, d: int, scaling: RopeScaling, b: Any, seq_len: Any) -> tuple:
    s, length = ctx.mpf(scaling.factor), ctx.mpf(scaling.original_max_positions)
    lf, hf = ctx.mpf(scaling.low_freq_factor), ctx.mpf(scaling.high_freq_factor)
    out = []
    for w in omega:
        wavelength = 2 * ctx.pi / w
        if wavelength < length / hf:
            out.append(w)
        elif wavelength > length / lf:
            out.append(w / s)
        else:
            smooth = (length / wavelength - lf) / (hf - lf)
            out.append((1 - smooth) * w / s + smooth * w)
    return tuple(out)


_SCALINGS = {"linear": _linear, "dynamic": _dynamic, "yarn": _yarn, "llama3": _llama3}


def _scaled_dd(
    d: int, scaling: RopeScaling | None, base: float, seq_len: int | None
) -> tuple[np.ndarray, np.ndarray]:
    if scaling is None:
        return _kernel.frequencies_dd(d, base)
    _exact.check_frequency_range(d, base)
    return _exact.double_double(_scaled_omegas(d, scaling, base, seq_len))


def scaled_frequencies(
    d_head: int,
    scaling: RopeScaling | None,
    *,
    base: float = 10000.0,
    seq_len: int | None = None,
) -> np.ndarray:
    r"""The scaled frequencies ``ω'_i`` (float64, correctly rounded), one per pair ``i``.

    ``scaling=None`` gives the plain :math:`\omega_i = \text{base}^{-2i/d}`. ``seq_len`` is the
    current sequence length for ``"dynamic"`` (default: ``L0``, where nothing changes).

    Examples
    --------
    Llama 3.1 (d_head 128, base 500000): the fast pairs keep their frequency, the slow ones are
    divided by 8, and the six pairs in between are blended.

    >>> import numpy as np
    >>> llama31 = RopeScaling("llama3", 8.0, original_max_positions=8192)
    >>> w = scaled_frequencies(128, llama31, base=500000.0)
    >>> ratio = w / scaled_frequencies(128, None, base=500000.0)
    >>> int(np.sum(ratio == 1)), int(np.sum(ratio == 1 / 8)), ratio[29:35].round(4)
    (29, 29, array([0.8282, 0.6437, 0.4935, 0.3711, 0.2714, 0.1902]))
    """
    return _scaled_dd(*_scaling_args(d_head, scaling, base, seq_len))[0].copy()


def scaled_rope_pairs(
    positions: int | range | npt.ArrayLike,
    d_head: int,
    scaling: RopeScaling | None,
    *,
    base: float = 10000.0,
    seq_len: int | None = None,
    dtype: npt.DTypeLike = np.float64,
) -> tuple[np.ndarray, np.ndarray]:
    r"""``cos(p·ω'_i)`` and ``sin(p·ω'_i)`` for the scaled frequencies, one column per pair.

    The rotation only: Hugging Face multiplies its cache by :func:`attention_factor` as well.
    Faithful in float64 and correctly rounded in float32 and float16, for ``|p| < 2**26``
    (the frequencies of every method are at most ``ω_0 = 1``).

    Returns
    -------
    (cos, sin) : tuple of numpy.ndarray
        Each of shape ``(len(positions), d_head // 2)``; with ``scaling=None`` the same values as
        :func:`posenc_ref.rope.rope_pairs`.

    Examples
    --------
    Linear scaling by 4 at position 4 is plain RoPE at position 1:

    >>> from posenc_ref.rope import rope_pairs
    >>> cos, sin = scaled_rope_pairs([4], 8, RopeScaling("linear", 4.0))
    >>> cos.round(6)
    array([[0.540302, 0.995004, 0.99995 , 1.      ]])
    >>> np.array_equal(cos, rope_pairs([1], 8)[0])
    True
    """
    d, scaling, b, seq = _scaling_args(d_head, scaling, base, seq_len)
    dt = check_dtype(dtype)
    pos = check_positions(positions)
    hi, _lo = _scaled_dd(d, scaling, b, seq)
    check_position_range(pos, float(hi.max()))
    omegas = _scaled_omegas(d, scaling, b, seq)
    freqs = _exact.ExactFrequencies(("scaled", d, scaling, b, seq), omegas)
    table = _fast.faithful(np.empty((pos.shape[0], d)), pos, freqs, "sin|cos")
    s64, c64 = table[:, : d // 2], table[:, d // 2 :]
    if dt == np.float64:
        return c64.copy(), s64.copy()
    pairs = []
    for component, y64 in enumerate((s64, c64)):
        pairs.append(
            _exact.round_checked(
                y64,
                dt,
                lambda ctx, index, c=component: _exact.exact_sin_cos(
                    ctx, int(pos[index[0]]), omegas[index[1]]
                )[c],
            )
        )
    return pairs[1], pairs[0]
