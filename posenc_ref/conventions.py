r"""Framework conventions: what real code calls "sinusoidal position encoding".

Code bases that all cite *Attention Is All You Need* §3.5 still produce different tables. A
:class:`Convention` holds everything that tells them apart:

- ``layout``: ``"interleaved"`` (sine of pair ``i`` in column ``2i``, cosine in ``2i+1``),
  ``"sin|cos"`` or ``"cos|sin"`` (all of one function, then all of the other);
- ``spacing``: ``"paper"`` (:math:`\omega_i = B^{-2i/d}`), ``"tensor2tensor"``
  (:math:`\omega_i = B^{-i/(h-1)}`, ``h = d // 2``, endpoint-inclusive) or ``"shift"``
  (diffusers' ``downscale_freq_shift`` family :math:`\omega_i = B^{-i/(h-s)}`; ``s = 1`` is
  tensor2tensor, ``s = 0`` the paper for even ``d``);
- ``base`` ``B`` and ``start`` (the row the first token reads), ``padding_idx`` (fairseq's zeroed
  row);
- ``odd``: what happens at odd width: ``"zero"`` (a zero column appended), ``"sine"`` (one more
  sine than cosine), ``"short"`` (only ``2·⌊d/2⌋`` columns come back) or ``"error"``;
- ``dtype``: the type the original computes in, so a user knows whether to expect bit equality.

Every family reduces to the paper's formula with an *effective base*: :math:`B^{-k/D} =
(B^{m/D})^{-2k/(2m)}`, so the exact values come from :func:`posenc_ref.sinusoidal`.
:meth:`Convention.table` reproduces the original's operation order and dtype (``exact=False``,
the default for presets) or returns those exact values (``exact=True``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from . import _layout, _recipes
from ._validate import (
    LAYOUTS,
    check_array,
    check_base,
    check_choice,
    check_flag,
    check_int,
    check_layout,
    check_positions,
    check_real,
    check_width_limit,
)
from .sinusoidal import frequencies as _frequencies
from .sinusoidal import sinusoidal as _sinusoidal

__all__ = [
    "ODD_RULES",
    "PRESETS",
    "SPACINGS",
    "Convention",
    "convert",
    "get",
    "layout_permutation",
]

SPACINGS: tuple[str, ...] = ("paper", "tensor2tensor", "shift")
"""Frequency families: the paper's, tensor2tensor's endpoint-inclusive one, diffusers' shift."""

ODD_RULES: tuple[str, ...] = ("zero", "sine", "short", "truncate", "error")
"""What an odd width ``d`` gives: an appended zero column, one more sine than cosine (exponents
over ``d``), only ``2·⌊d/2⌋`` columns, the first ``d`` columns of the table of width ``d + 1``
(exponents over ``d + 1``), or an error."""


def _check_width(d_model: object) -> int:
    """A convention's width: any positive integer (odd widths follow the convention's rule)."""
    d = check_int(d_model, "d_model", minimum=1, rule="a positive integer")
    check_width_limit(d)
    return d


@dataclass(frozen=True)
class Convention:
    """One way of computing a sinusoidal table (see the module docstring for the fields).

    Examples
    --------
    >>> c = Convention(layout="sin|cos", spacing="tensor2tensor")
    >>> c.frequencies(4).tolist()          # endpoint-inclusive: 1 and exactly 1/10000
    [1.0, 0.0001]
    >>> c.table(3, 4)[2].round(4).tolist()
    [0.9093, 0.0002, -0.4161, 1.0]
    """

    layout: str = "interleaved"
    spacing: str = "paper"
    base: float = 10000.0
    start: int = 0
    """The first position a sequence reads (fairseq: ``padding_idx + 1``)."""
    padding_idx: int | None = None
    """A row of the original's table that is all zeros (fairseq's padding row), or None."""
    odd: str = "error"
    dtype: str = "float64"
    """The dtype the original computes in (``"float32"``, ``"float64"`` for NumPy code)."""
    shift: float = 0.0
    """diffusers' ``downscale_freq_shift`` ``s`` (used when ``spacing == "shift"``)."""
    scale: str = "1"
    """A factor on the whole table: ``"1"`` or ``"1/sqrt(d)"`` (x-transformers' learned scale at
    initialisation)."""
    name: str = "custom"
    source: str = ""
    """Repository and path of the original code."""
    golden: bool = False
    """True when a golden table from the real library checks this preset (tests/golden/)."""
    recipe: Callable[[np.ndarray, int], np.ndarray] | None = field(
        default=None, repr=False, compare=False
    )
    """The original's operation order, emulated in NumPy; None: exact values cast to ``dtype``."""

    def __post_init__(self) -> None:
        check_layout(self.layout)
        check_choice(self.spacing, "spacing", SPACINGS)
        check_choice(self.odd, "odd", ODD_RULES)
        check_base(self.base)
        check_int(self.start, "start")
        if self.padding_idx is not None:
            check_int(self.padding_idx, "padding_idx", minimum=0, rule="None or an integer >= 0")
        check_real(self.shift, "shift")
        if isinstance(self.scale, str):
            check_choice(self.scale, "scale", ("1", "1/sqrt(d)"))
        elif check_real(self.scale, "scale", rule="a nonzero finite number or '1/sqrt(d)'") == 0:
            raise ValueError("scale must be a nonzero finite number or '1/sqrt(d)'; got 0")
        check_choice(self.dtype, "dtype", ("float16", "float32", "float64"))

    # ------------------------------------------------------------------ frequencies
    def _pairs_and_denominator(self, d: int) -> tuple[int, float]:
        """(number of sin/cos pairs computed, D in ω_i = B**(-i/D)) for width ``d``."""
        if d % 2 and self.odd == "error":
            raise ValueError(
                f"d_model must be even for convention {self.name!r} (odd widths raise an error "
                f"in the original); got {d}"
            )
        if d % 2 and self.odd == "sine":
            m, width = (d + 1) // 2, d  # exponents 2i/d over ceil(d/2) pairs
        elif d % 2 and self.odd == "truncate":
            m, width = (d + 1) // 2, d + 1  # the table of width d + 1, cut to d columns
        else:
            m = d // 2
            width = 2 * m
        if m < 1:
            raise ValueError(f"d_model must be at least 2 for convention {self.name!r}; got {d}")
        if self.spacing == "paper":
            den = width / 2
        elif self.spacing == "tensor2tensor":
            den = m - 1
        else:
            den = m - self.shift
        if den <= 0:
            raise ValueError(
                f"convention {self.name!r}: the {self.spacing} spacing needs d_model/2 > "
                f"{m - den:g} (its exponent divides by d_model/2 - {m - den:g}); got d_model={d}"
            )
        return m, float(den)

    def frequencies(self, d_model: int) -> np.ndarray:
        """The float64 frequencies ``ω_i = base**(-i/D)`` of this convention at width ``d_model``.

        Examples
        --------
        >>> get("tensor2tensor").frequencies(8)
        array([1.00000000e+00, 4.64158883e-02, 2.15443469e-03, 1.00000000e-04])
        """
        m, _den = self._pairs_and_denominator(_check_width(d_model))
        return _frequencies(2 * m, base=self.effective_base(d_model))

    def effective_base(self, d_model: int) -> float:
        """The base ``B'`` with which the paper's formula at width ``2m`` gives these frequencies.

        Examples
        --------
        >>> round(get("fairseq").effective_base(8), 3)   # 10000**(4/3)
        215443.469
        """
        m, den = self._pairs_and_denominator(_check_width(d_model))
        return float(self.base ** (m / den))

    # ------------------------------------------------------------------ tables
    def table(
        self,
        positions: int | range | npt.ArrayLike,
        d_model: int,
        *,
        exact: bool = False,
    ) -> np.ndarray:
        """The table rows at ``positions`` (an int ``n`` means rows ``0 … n-1``).

        Row ``p`` is what the original's lookup table holds at index ``p``: with a
        ``padding_idx`` that row is zero. ``exact=False`` reproduces the original's operation
        order and dtype (stored as float32 when the original computes in float64 and stores
        float32); ``exact=True`` gives the float64 values of the formula (faithful, from
        :func:`posenc_ref.sinusoidal`).

        Examples
        --------
        >>> t = get("hf-marian").table(2, 5)     # odd width: three sines, two cosines
        >>> t.dtype, t[1].round(4).tolist()
        (dtype('float32'), [0.8415, 0.0251, 0.0006, 0.5403, 0.9997])
        """
        d = _check_width(d_model)
        pos = check_positions(positions)
        exact = check_flag(exact, "exact")
        m, _ = self._pairs_and_denominator(d)
        if exact or self.recipe is None:
            pairs = _sinusoidal(pos, 2 * m, base=self.effective_base(d), layout=self.layout)
            out = _finish_width(pairs, d, self.layout, self.odd)
            out = out * self._scale_factor(d)
            if not exact:
                out = out.astype(self.dtype)
        else:
            out = self.recipe(pos, d)
        if self.padding_idx is not None:
            out[pos == self.padding_idx] = 0
        return out

    def _scale_factor(self, d: int) -> float:
        if self.scale == "1/sqrt(d)":
            return d**-0.5
        return 1.0 if self.scale == "1" else float(self.scale)


def _finish_width(pairs: np.ndarray, d: int, layout: str, odd: str) -> np.ndarray:
    """Turn the ``2m`` columns of ``m`` pairs into the ``d`` columns of an odd-width rule."""
    if pairs.shape[1] == d:
        return pairs
    if odd == "zero":
        return np.concatenate([pairs, np.zeros((pairs.shape[0], 1))], axis=1)
    if odd == "short":
        return pairs
    if odd == "truncate":
        return pairs[:, :d]
    # "sine": m = ceil(d/2) pairs were computed; the last cosine is not part of the table.
    return np.delete(pairs, _layout.dropped_cosine(pairs.shape[1] // 2, layout), axis=1)


# ---------------------------------------------------------------------- registry
def _preset(name: str, doc: str, **kw: object) -> Convention:
    conv = Convention(name=name, **kw)  # type: ignore[arg-type]
    object.__setattr__(conv, "__doc__", doc)
    return conv


PRESETS: dict[str, Convention] = {}
"""Named conventions of real code, in catalogue order. Each one's ``source`` names the file read;
``golden`` says whether a table from the real library checks it (else: the formula in the source,
cited, checks it)."""


def _register(name: str, doc: str, **kw: object) -> None:
    PRESETS[name] = _preset(name, doc, **kw)


_register(
    "paper",
    "Vaswani et al. 2017, Attention Is All You Need §3.5 (arXiv 1706.03762): interleaved, "
    "ω_i = 10000^(-2i/d), exact values (no dtype of its own). Checked against the formula.",
    source="Vaswani et al. 2017: Attention Is All You Need, §3.5 (arXiv 1706.03762)",
)
_register(
    "tensor2tensor",
    "tensorflow/tensor2tensor: tensor2tensor/layers/common_attention.py, get_timing_signal_1d. "
    "[sin|cos], endpoint-inclusive frequencies, zero column at odd width, float32. Not on a "
    "maintained PyPI release: checked against the formula in the source.",
    layout="sin|cos",
    spacing="tensor2tensor",
    odd="zero",
    dtype="float32",
    source="tensorflow/tensor2tensor: tensor2tensor/layers/common_attention.py",
    recipe=_recipes.t2t,
)
_register(
    "fairseq",
    "facebookresearch/fairseq: fairseq/modules/sinusoidal_positional_embedding.py. tensor2tensor "
    "frequencies, [sin|cos], row padding_idx (1) zeroed, tokens start at padding_idx + 1 = 2. "
    "Golden: HF Speech2Text's verbatim copy of get_embedding.",
    layout="sin|cos",
    spacing="tensor2tensor",
    start=2,
    padding_idx=1,
    odd="zero",
    dtype="float32",
    source="facebookresearch/fairseq: fairseq/modules/sinusoidal_positional_embedding.py",
    golden=True,
    recipe=_recipes.fairseq,
)
_register(
    "pytorch-tutorial",
    "pytorch/tutorials: beginner_source/transformer_tutorial.py (and translation_transformer.py), "
    "PositionalEncoding. Interleaved, paper frequencies via exp/log in float32; odd width fails. "
    "Not on PyPI: checked against the formula in the source.",
    dtype="float32",
    source="pytorch/tutorials: beginner_source/transformer_tutorial.py",
    recipe=_recipes.torch_tutorial,
)
_register(
    "annotated-transformer",
    "harvardnlp/annotated-transformer: the_annotated_transformer.py, PositionalEncoding. The same "
    "formula as the PyTorch tutorial. Not on PyPI: checked against the formula in the source.",
    dtype="float32",
    source="harvardnlp/annotated-transformer: the_annotated_transformer.py",
    recipe=_recipes.torch_tutorial,
)
_register(
    "hf-xlm",
    "huggingface/transformers: src/transformers/models/xlm/modeling_xlm.py and "
    "distilbert/modeling_distilbert.py, create_sinusoidal_embeddings. Interleaved, paper, NumPy "
    "float64 stored as float32; odd width ends with a sine. Golden (transformers).",
    odd="sine",
    dtype="float64",
    source="huggingface/transformers: src/transformers/models/xlm/modeling_xlm.py",
    golden=True,
    recipe=_recipes.hf_xlm,
)
_register(
    "hf-marian",
    "huggingface/transformers: src/transformers/models/marian/modeling_marian.py (Pegasus, "
    "RoFormer copy it), MarianSinusoidalPositionalEmbedding. [sin|cos], paper, NumPy float64 "
    "stored as float32; odd width: ceil(d/2) sines. Golden (transformers).",
    layout="sin|cos",
    odd="sine",
    dtype="float64",
    source="huggingface/transformers: src/transformers/models/marian/modeling_marian.py",
    golden=True,
    recipe=_recipes.hf_marian,
)
_register(
    "hf-ctrl",
    "huggingface/transformers: src/transformers/models/ctrl/modeling_ctrl.py, "
    "positional_encoding. Marian's table ([sin|cos], paper) computed in the dtype passed in "
    "(float32 here) instead of NumPy float64. Golden (transformers).",
    layout="sin|cos",
    odd="sine",
    dtype="float32",
    source="huggingface/transformers: src/transformers/models/ctrl/modeling_ctrl.py",
    golden=True,
    recipe=_recipes.ctrl,
)
_register(
    "hf-speech2text",
    "huggingface/transformers: src/transformers/models/speech_to_text/modeling_speech_to_text.py "
    "(M2M100, FSMT copy it): fairseq's get_embedding, table of num_positions + 2 rows, row 1 "
    "(padding) zeroed. Golden (transformers).",
    layout="sin|cos",
    spacing="tensor2tensor",
    start=2,
    padding_idx=1,
    odd="zero",
    dtype="float32",
    source="huggingface/transformers: src/transformers/models/speech_to_text/"
    "modeling_speech_to_text.py",
    golden=True,
    recipe=_recipes.fairseq,
)
_register(
    "whisper",
    "openai/whisper: whisper/model.py and huggingface/transformers: "
    "src/transformers/models/whisper/modeling_whisper.py, sinusoids (encoder). [sin|cos], "
    "tensor2tensor frequencies, float32; odd width raises. Golden (transformers).",
    layout="sin|cos",
    spacing="tensor2tensor",
    dtype="float32",
    source="openai/whisper: whisper/model.py",
    golden=True,
    recipe=_recipes.whisper,
)
_register(
    "keras-hub",
    "keras-team/keras-hub: keras_hub/src/layers/modeling/sine_position_encoding.py, "
    "SinePositionEncoding. Interleaved (sin/cos masks), paper, every operation in the layer's "
    "compute dtype (float32 by default); odd width ends with a sine. Golden (keras-hub, torch "
    "backend).",
    odd="sine",
    dtype="float32",
    source="keras-team/keras-hub: keras_hub/src/layers/modeling/sine_position_encoding.py",
    golden=True,
    recipe=_recipes.keras,
)
_register(
    "tf-tutorial",
    "tensorflow/text: docs/tutorials/transformer.ipynb, positional_encoding (current). [sin|cos], "
    "paper, NumPy float64 cast to float32. Odd width gives d + 1 columns (treated as an error "
    "here). Not on PyPI: checked against the formula in the source.",
    layout="sin|cos",
    dtype="float64",
    source="tensorflow/text: docs/tutorials/transformer.ipynb",
    recipe=_recipes.tf_tutorial,
)
_register(
    "tf-tutorial-2019",
    "tensorflow/docs: site/en/tutorials/text/transformer.ipynb (2019-08 to ~2022). Interleaved, "
    "paper, NumPy float64 cast to float32; odd width ends with a sine. Not on PyPI: checked "
    "against the formula in the source.",
    odd="sine",
    dtype="float64",
    source="tensorflow/docs: site/en/tutorials/text/transformer.ipynb",
    recipe=_recipes.tf_tutorial_2019,
)
_register(
    "tf-model-garden",
    "tensorflow/models: official/nlp/modeling/layers/position_embedding.py "
    "(RelativePositionEmbedding) and official/legacy/transformer/model_utils.py "
    "(get_position_encoding). tensor2tensor clone without odd-width padding, float32. Checked "
    "against the formula in the source.",
    layout="sin|cos",
    spacing="tensor2tensor",
    odd="short",
    dtype="float32",
    source="tensorflow/models: official/legacy/transformer/model_utils.py",
    recipe=_recipes.model_garden,
)
_register(
    "diffusers",
    "huggingface/diffusers: src/diffusers/models/embeddings.py, get_timestep_embedding with its "
    "defaults (flip_sin_to_cos=False, downscale_freq_shift=1): [sin|cos], tensor2tensor "
    "frequencies in float32, zero column at odd width. Golden (diffusers).",
    layout="sin|cos",
    spacing="tensor2tensor",
    odd="zero",
    dtype="float32",
    source="huggingface/diffusers: src/diffusers/models/embeddings.py",
    golden=True,
    recipe=_recipes.diffusers(1.0, "sin|cos"),
)
_register(
    "diffusers-unet",
    "huggingface/diffusers: src/diffusers/models/embeddings.py, get_timestep_embedding as the "
    "UNet2DModel / UNet2DConditionModel (Stable Diffusion) call it: flip_sin_to_cos=True, "
    "freq_shift=0. [cos|sin], ω_i = 10000^(-i/h). Golden (diffusers).",
    layout="cos|sin",
    spacing="shift",
    shift=0.0,
    odd="zero",
    dtype="float32",
    source="huggingface/diffusers: src/diffusers/models/embeddings.py",
    golden=True,
    recipe=_recipes.diffusers(0.0, "cos|sin"),
)
_register(
    "guided-diffusion",
    "openai/guided-diffusion: guided_diffusion/nn.py, timestep_embedding (also LDM / Stable "
    "Diffusion, DiT). [cos|sin], ω_i = 10000^(-i/h), float32, zero column at odd width. Not on "
    "PyPI: checked against the formula in the source, and against the golden table of diffusers' "
    "get_timestep_embedding(flip_sin_to_cos=True, downscale_freq_shift=0), which equals it bit "
    "for bit.",
    layout="cos|sin",
    spacing="shift",
    shift=0.0,
    odd="zero",
    dtype="float32",
    source="openai/guided-diffusion: guided_diffusion/nn.py",
    golden=True,
    recipe=_recipes.guided,
)
_register(
    "flax",
    "google/flax: examples/wmt/models.py (lm1b has the same), sinusoidal_init. [sin|cos], "
    "tensor2tensor frequencies, NumPy float64 stored in float32; odd width: last column 0. Not "
    "on PyPI: checked against the formula in the source.",
    layout="sin|cos",
    spacing="tensor2tensor",
    odd="zero",
    dtype="float64",
    source="google/flax: examples/wmt/models.py",
    recipe=_recipes.flax,
)
_register(
    "opennmt-interleaved",
    "OpenNMT/OpenNMT-py: onmt/modules/embeddings.py, PositionalEncoding with the default "
    "SinusoidalInterleaved: the Annotated Transformer's formula; odd width raises. Checked "
    "against the formula in the source (its wheel pins an old torch).",
    dtype="float32",
    source="OpenNMT/OpenNMT-py: onmt/modules/embeddings.py",
    recipe=_recipes.torch_tutorial,
)
_register(
    "opennmt-concat",
    "OpenNMT/OpenNMT-py: onmt/modules/embeddings.py, PositionalEncoding with SinusoidalConcat: "
    "fairseq's formula without the padding row; odd width raises. Checked against the formula.",
    layout="sin|cos",
    spacing="tensor2tensor",
    dtype="float32",
    source="OpenNMT/OpenNMT-py: onmt/modules/embeddings.py",
    recipe=_recipes.opennmt_concat,
)
_register(
    "sockeye",
    "awslabs/sockeye: sockeye/layers.py, get_positional_embeddings. [sin|cos], p / 10000^(2i/d) "
    "in float32; even width required. Checked against the formula in the source.",
    layout="sin|cos",
    dtype="float32",
    source="awslabs/sockeye: sockeye/layers.py",
    recipe=_recipes.pow_split,
)
_register(
    "x-transformers",
    "lucidrains/x-transformers: x_transformers/x_transformers.py, ScaledSinusoidalEmbedding. "
    "[sin|cos], θ^(-i/h), float32, times a learned scale initialised to d^(-1/2) (the table here "
    "is at initialisation). Golden (x-transformers).",
    layout="sin|cos",
    dtype="float32",
    scale="1/sqrt(d)",
    source="lucidrains/x-transformers: x_transformers/x_transformers.py",
    golden=True,
    recipe=_recipes.x_transformers,
)
_register(
    "d2l",
    "d2l-ai/d2l-en: d2l/torch.py, PositionalEncoding. Interleaved, p / 10000^(2i/d) by pow in "
    "float32; odd width raises. Checked against the formula in the source.",
    dtype="float32",
    source="d2l-ai/d2l-en: d2l/torch.py",
    recipe=_recipes.d2l,
)


def get(name: str) -> Convention:
    """The preset ``name`` from :data:`PRESETS`, or a ValueError listing the names.

    Examples
    --------
    >>> get("whisper").layout, get("whisper").spacing
    ('sin|cos', 'tensor2tensor')
    """
    try:
        return PRESETS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown convention {name!r}; known: {', '.join(PRESETS)}") from None


# ---------------------------------------------------------------------- layouts
def layout_permutation(d_model: int, src: str, dst: str, *, odd: str = "zero") -> np.ndarray:
    """Column indices ``perm`` with ``table_dst = table_src[:, perm]`` (same frequencies).

    Interleaved column ``2k`` is split column ``k`` and interleaved column ``2k+1`` is split
    column ``h + k``.

    Examples
    --------
    >>> layout_permutation(8, "interleaved", "sin|cos")
    array([0, 2, 4, 6, 1, 3, 5, 7])
    >>> layout_permutation(8, "sin|cos", "interleaved")
    array([0, 4, 1, 5, 2, 6, 3, 7])
    """
    d = _check_width(d_model)
    check_choice(src, "src", LAYOUTS)
    check_choice(dst, "dst", LAYOUTS)
    check_choice(odd, "odd", ODD_RULES)
    if d % 2 and odd in ("error", "short"):
        raise ValueError(
            f"d_model {d} is odd, and the odd-width rule {odd!r} makes no table of odd width: "
            "give the table's rule ('zero' for a zero column, 'sine' for a trailing sine)"
        )
    where = {role: j for j, role in enumerate(_layout.column_roles(d, src, odd))}
    return np.array([where[role] for role in _layout.column_roles(d, dst, odd)])


def _as_convention(x: str | Convention) -> Convention:
    if isinstance(x, Convention):
        return x
    if x in LAYOUTS:
        return Convention(layout=x, name=x)
    return get(x)


def convert(table: npt.ArrayLike, src: str | Convention, dst: str | Convention) -> np.ndarray:
    """Reorder the columns of ``table`` from one layout (or convention) to another.

    ``src`` and ``dst`` are layouts (``"interleaved"``, ``"sin|cos"``, ``"cos|sin"``), preset
    names or :class:`Convention` objects. Only a change of layout is a permutation; conventions
    that differ in spacing, base, start, padding row, odd-width rule or scale hold different
    values, and converting between them raises a ValueError that says which field differs.

    Examples
    --------
    >>> import posenc_ref as pe
    >>> t = pe.sinusoidal(3, 8)
    >>> bool((convert(t, "interleaved", "sin|cos") == pe.sinusoidal(3, 8, layout="sin|cos")).all())
    True
    >>> convert(t, "paper", "fairseq")
    Traceback (most recent call last):
    ValueError: cannot convert 'paper' to 'fairseq' by moving columns: spacing differs ...
    """
    a = check_array(table, "table", ndim=2, finite=False)
    s, t = _as_convention(src), _as_convention(dst)
    for fname in ("spacing", "base", "start", "padding_idx", "odd", "shift", "scale"):
        if getattr(s, fname) != getattr(t, fname) and not (fname == "odd" and a.shape[1] % 2 == 0):
            raise ValueError(
                f"cannot convert {s.name!r} to {t.name!r} by moving columns: {fname} differs "
                f"({getattr(s, fname)!r} vs {getattr(t, fname)!r}); the tables hold different "
                f"values, so no permutation maps one onto the other. Recompute the table with "
                f"the target convention instead"
            )
    return a[:, layout_permutation(a.shape[1], s.layout, t.layout, odd=s.odd)]
