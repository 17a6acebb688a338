"""One rule for arguments across the whole API (stated in ``posenc_ref._validate``), swept.

Every public function and class of the package is listed below with a valid call and the kind
of each argument; every argument then gets the same bad inputs for its kind and must raise
``TypeError`` (wrong type) or ``ValueError`` (right type, value out of range) with a message that
starts with the argument's name: ``<name> must be <rule>; got <value>``. The equivalent good
inputs (NumPy scalars for Python numbers) must give the same result. A last test checks that the
list covers every public callable, so a new function cannot skip the rule.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import posenc_ref as pe
from posenc_ref import (
    alternatives,
    conformance,
    conventions,
    grid2d,
    identification,
    precision,
    rope,
    rope_identification,
)
from posenc_ref import rope_scaling as rs

LLAMA = rs.RopeScaling("llama3", 8.0, original_max_positions=8192)
X = np.ones((2, 4))


def _table32(positions, d_model):
    return pe.sinusoidal(positions, d_model, dtype="float32")


def _rope(x, positions):
    return rope.apply_rope(x, positions, layout="half")


# The same bad inputs for every argument of a kind: (value, exception).
BAD = {
    "int": [
        (True, TypeError),
        (4.0, TypeError),  # whole floats are not integers (the rule: never a float)
        (np.float64(4.0), TypeError),
        ("4", TypeError),
        (None, TypeError),
        (1j, TypeError),
        (Fraction(4), TypeError),
    ],
    "real": [
        (True, TypeError),
        ("10", TypeError),
        (None, TypeError),
        (1j, TypeError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        (10**400, ValueError),
    ],
    "choice": [("nope", ValueError), (None, ValueError), (0, ValueError), (b"x", ValueError)],
    "flag": [(1, TypeError), ("yes", TypeError), (None, TypeError)],
    "positions": [
        (True, TypeError),
        (2.5, TypeError),
        (np.float32(3.0), TypeError),
        (None, TypeError),
        ({0, 1}, TypeError),
        ((p for p in range(3)), TypeError),
        ([[0, 1]], ValueError),
        ([0.5], ValueError),
        ([float("nan")], ValueError),
        ([True, False], TypeError),
        (["a"], TypeError),
        ([2**63], ValueError),
        (-1, ValueError),
        (np.array([2**63], dtype=np.uint64), ValueError),  # checked before any cast to int64
    ],
    "dtype": [("int32", TypeError), (np.complex128, TypeError), ("nonsense", TypeError)],
}

# Equivalent good inputs: the second must give the same result as the first.
GOOD = {
    "int": lambda v: np.int64(v),
    "real": lambda v: np.float64(v),
    "positions": lambda v: np.asarray(v, dtype=np.int32) if not isinstance(v, int) else np.int64(v),
}

# name -> (callable, valid keyword arguments, {argument: kind})
CALLS = {
    "sinusoidal": (
        pe.sinusoidal,
        {
            "positions": [0, 3],
            "d_model": 8,
            "base": 10000.0,
            "layout": "sin|cos",
            "dtype": "float32",
        },
        {
            "positions": "positions",
            "d_model": "int",
            "base": "real",
            "layout": "choice",
            "dtype": "dtype",
        },
    ),
    "frequencies": (
        pe.frequencies,
        {"d_model": 8, "base": 500.0},
        {"d_model": "int", "base": "real"},
    ),
    "wavelengths": (
        pe.wavelengths,
        {"d_model": 8, "base": 500.0},
        {"d_model": "int", "base": "real"},
    ),
    "textbook_pe": (
        pe.textbook_pe,
        {"pos": 3, "j": 5, "d_model": 8, "base": 500.0},
        {"pos": "int", "j": "int", "d_model": "int", "base": "real"},
    ),
    "textbook_table": (
        pe.textbook_table,
        {"n": 3, "d_model": 4, "base": 500.0},
        {"n": "int", "d_model": "int", "base": "real"},
    ),
    "rotation": (
        pe.rotation,
        {"k": 3, "d_model": 4, "base": 500.0, "layout": "interleaved", "dtype": "float64"},
        {"k": "int", "d_model": "int", "base": "real", "layout": "choice", "dtype": "dtype"},
    ),
    "column_to_pair": (
        pe.column_to_pair,
        {"j": 5, "d_model": 8, "layout": "sin|cos"},
        {"j": "int", "d_model": "int", "layout": "choice"},
    ),
    "pair_to_column": (
        pe.pair_to_column,
        {"i": 2, "func": "cos", "d_model": 8, "layout": "sin|cos"},
        {"i": "int", "func": "choice", "d_model": "int", "layout": "choice"},
    ),
    "exponent": (
        pe.exponent,
        {"j": 5, "d_model": 8, "layout": "interleaved"},
        {"j": "int", "d_model": "int", "layout": "choice"},
    ),
    "rope_pairs": (
        rope.rope_pairs,
        {"positions": 3, "d_head": 8, "base": 500.0, "dtype": "float32"},
        {"positions": "positions", "d_head": "int", "base": "real", "dtype": "dtype"},
    ),
    "rope_cache": (
        rope.rope_cache,
        {"positions": 3, "d_head": 8, "base": 500.0, "layout": "half", "dtype": "float32"},
        {
            "positions": "positions",
            "d_head": "int",
            "base": "real",
            "layout": "choice",
            "dtype": "dtype",
        },
    ),
    "apply_rope": (
        rope.apply_rope,
        {"x": X, "positions": [0, 5], "base": 500.0, "layout": "half"},
        {"positions": "positions", "base": "real", "layout": "choice"},
    ),
    "apply_rope partial": (
        rope.apply_rope,
        {"x": X, "positions": [0, 5], "rotary_dim": 2},
        {"rotary_dim": "int"},
    ),
    "alibi_slopes": (alternatives.alibi_slopes, {"n_heads": 6}, {"n_heads": "int"}),
    "alibi_bias": (
        alternatives.alibi_bias,
        {"query_positions": 4, "key_positions": 4, "n_heads": 2},
        {"query_positions": "positions", "key_positions": "positions", "n_heads": "int"},
    ),
    "t5_bucket": (
        alternatives.t5_bucket,
        {"relative_position": [-3, 0, 9], "bidirectional": True, "num_buckets": 32},
        {"bidirectional": "flag", "num_buckets": "int", "max_distance": "int"},
    ),
    "xpos_scale": (
        alternatives.xpos_scale,
        {"positions": [0, 512], "d_head": 4, "gamma": 0.4, "scale_base": 512.0},
        {"positions": "positions", "d_head": "int", "gamma": "real", "scale_base": "real"},
    ),
    "apply_cache": (
        rope.apply_cache,
        {"x": X, "cos": X, "sin": X, "layout": "half"},
        {"layout": "choice"},
    ),
    "rope_matrix": (
        rope.rope_matrix,
        {"p": 3, "d_head": 4, "base": 500.0, "layout": "half", "dtype": "float64"},
        {"p": "int", "d_head": "int", "base": "real", "layout": "choice", "dtype": "dtype"},
    ),
    "rope_permutation": (
        rope.rope_permutation,
        {"d_head": 8, "n_heads": 2},
        {"d_head": "int", "n_heads": "int"},
    ),
    "decay_bound": (
        rope.decay_bound,
        {"offsets": [0, 5], "d_head": 8, "base": 500.0},
        {"offsets": "positions", "d_head": "int", "base": "real"},
    ),
    "expected_score": (
        rope.expected_score,
        {"offsets": [0, 5], "d_head": 8, "base": 500.0},
        {"offsets": "positions", "d_head": "int", "base": "real"},
    ),
    "identify_rope_cache": (
        rope_identification.identify_rope_cache,
        {"cos": rope.rope_pairs(4, 8)[0], "positions": [0, 1, 2, 3], "base": 10000.0},
        {"positions": "positions", "base": "real"},
    ),
    "RopeScaling": (
        rs.RopeScaling,
        {
            "kind": "yarn",
            "factor": 4.0,
            "original_max_positions": 4096,
            "beta_fast": 32.0,
            "truncate": True,
        },
        {
            "kind": "choice",
            "factor": "real",
            "original_max_positions": "int",
            "beta_fast": "real",
            "truncate": "flag",
        },
    ),
    "scaled_frequencies": (
        rs.scaled_frequencies,
        {"d_head": 8, "scaling": LLAMA, "base": 500.0},
        {"d_head": "int", "base": "real"},
    ),
    "scaled_rope_pairs": (
        rs.scaled_rope_pairs,
        {"positions": 3, "d_head": 8, "scaling": LLAMA, "base": 500.0, "dtype": "float32"},
        {"positions": "positions", "d_head": "int", "base": "real", "dtype": "dtype"},
    ),
    "truth": (
        precision.truth,
        {"positions": [1, 2], "d_model": 4, "base": 500.0, "prec": 80, "layout": "cos|sin"},
        {
            "positions": "positions",
            "d_model": "int",
            "base": "real",
            "prec": "int",
            "layout": "choice",
        },
    ),
    "frequency_truth": (
        precision.frequency_truth,
        {"d_model": 8, "base": 500.0, "prec": 80},
        {"d_model": "int", "base": "real", "prec": "int"},
    ),
    "naive_frequencies": (
        precision.naive_frequencies,
        {
            "d_model": 8,
            "base": 500.0,
            "dtype": "float32",
            "method": "exp-log",
            "exact_functions": False,
        },
        {
            "d_model": "int",
            "base": "real",
            "dtype": "dtype",
            "method": "choice",
            "exact_functions": "flag",
        },
    ),
    "naive": (
        precision.naive,
        {"positions": 3, "d_model": 8, "base": 500.0, "dtype": "float32", "frequencies": "pow"},
        {
            "positions": "positions",
            "d_model": "int",
            "base": "real",
            "dtype": "dtype",
            "frequencies": "choice",
        },
    ),
    "sample_positions": (
        precision.sample_positions,
        {"per_band": 2, "seed": 1},
        {"per_band": "int", "seed": "int"},
    ),
    "Convention": (
        conventions.Convention,
        {"layout": "sin|cos", "spacing": "tensor2tensor", "base": 500.0, "start": 2, "odd": "zero"},
        {"layout": "choice", "spacing": "choice", "base": "real", "start": "int", "odd": "choice"},
    ),
    "Convention.table": (
        conventions.get("fairseq").table,
        {"positions": 4, "d_model": 9, "exact": True},
        {"positions": "positions", "d_model": "int", "exact": "flag"},
    ),
    "layout_permutation": (
        conventions.layout_permutation,
        {"d_model": 9, "src": "interleaved", "dst": "cos|sin", "odd": "sine"},
        {"d_model": "int", "src": "choice", "dst": "choice", "odd": "choice"},
    ),
    "check_table": (
        conformance.check_table,
        {
            "fn": _table32,
            "convention": "hf-xlm",
            "d_models": 8,
            "positions": 8,
            "strict": False,
            "large_positions": [65536],
        },
        {
            "convention": "choice",
            "d_models": "int",
            "positions": "positions",
            "strict": "flag",
            "large_positions": "positions",
        },
    ),
    "check_rope": (
        conformance.check_rope,
        {
            "apply_fn": _rope,
            "base": 10000.0,
            "layout": "half",
            "d_head": 8,
            "positions": 8,
            "dtype": "float32",
            "strict": False,
            "seed": 1,
        },
        {
            "base": "real",
            "layout": "choice",
            "d_head": "int",
            "positions": "positions",
            "dtype": "dtype",
            "strict": "flag",
            "seed": "int",
        },
    ),
    "RopeConvention": (
        conformance.RopeConvention,
        {"layout": "half", "base": 500.0, "rotary_dim": 4},
        {"layout": "choice", "base": "real", "rotary_dim": "int"},
    ),
    "Grid2D.table": (
        grid2d.GRID_2D["mae"].table,
        {"height": 2, "width": 3, "d_model": 8, "cls_token": True},
        {"height": "int", "width": "int", "d_model": "int", "cls_token": "flag"},
    ),
}

# Public callables whose arguments are not scalars of the kinds above, each with the reason.
EXEMPT = {
    "identify": "its arguments are a table and positions (checked in test_identification)",
    "convert": "its arguments are a table and two conventions (checked in test_conventions)",
    "get": "a name from a registry: an unknown name is a ValueError listing the names",
    "ulp": "any array-like of reals and a format name (checked in test_accuracy)",
    "ulp_error": "arrays (checked in test_accuracy)",
    "correctly_rounded": "arrays of double-doubles (checked in test_accuracy)",
    "max_exact_integer": "a format name",
    "accuracy_report": "slow: its arguments are passed to sample_positions and sinusoidal",
    "format_report": "rows of accuracy_report",
    "attention_factor": "a RopeScaling or None",
    "from_hf": "a dict of Hugging Face's keys (checked in test_rope_scaling)",
    "to_numpy": "any array of any framework (checked in test_conformance)",
}


# Arguments for which None is a valid value (it means "not given").
OPTIONAL = {
    ("identify_rope_cache", "positions"),
    ("identify_rope_cache", "base"),
    ("apply_rope partial", "rotary_dim"),
    ("check_table", "convention"),
    ("check_table", "d_models"),
    ("check_table", "positions"),
    ("check_rope", "base"),
    ("check_rope", "layout"),
    ("RopeConvention", "rotary_dim"),
}


def _sweep():
    for name, (func, kwargs, kinds) in CALLS.items():
        for arg, kind in kinds.items():
            for value, exc in BAD[kind]:
                if value is None and (name, arg) in OPTIONAL:
                    continue
                yield pytest.param(func, kwargs, arg, value, exc, id=f"{name}-{arg}-{value!r:.20}")


@pytest.mark.parametrize(("func", "kwargs", "arg", "value", "exc"), list(_sweep()))
def test_every_argument_follows_the_rule(func, kwargs, arg, value, exc):
    with pytest.raises(exc) as info:
        func(**{**kwargs, arg: value})
    message = str(info.value)
    assert message.startswith(f"{arg} must") or message.startswith(f"{arg}: "), message
    assert "\n" not in message


@pytest.mark.parametrize("name", list(CALLS))
def test_valid_calls_work_and_numpy_scalars_are_the_same_numbers(name):
    func, kwargs, kinds = CALLS[name]
    reference = func(**kwargs)
    converted = {
        arg: GOOD[kinds[arg]](value) if kinds.get(arg) in GOOD else value
        for arg, value in kwargs.items()
    }
    again = func(**converted)
    for a, b in zip(_flat(reference), _flat(again), strict=True):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b


def _flat(result):
    if isinstance(result, dict):
        return tuple(result.values())
    return result if isinstance(result, tuple) and not hasattr(result, "_fields") else (result,)


def _public_callables():
    modules = [
        pe,
        alternatives,
        conformance,
        conventions,
        grid2d,
        identification,
        precision,
        rope,
        rope_identification,
        rs,
    ]
    found = {}
    for module in modules:
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj):
                found[name] = obj
    found["from_hf"] = rs.RopeScaling.from_hf
    return found


def test_the_sweep_covers_every_public_callable():
    covered = {name.split(".")[0] for name in CALLS} | {"Grid2D"}
    missing = {name for name in _public_callables() if name not in covered and name not in EXEMPT}
    # Classes that only hold results have no arguments of their own to check.
    data = {
        "Claim",
        "Column",
        "Format",
        "Identification",
        "Match",
        "Report",
        "RopeIdentification",
        "RopeMatch",
    }
    assert missing <= data, sorted(missing - data)
    assert not set(EXEMPT) & covered


def test_messages_name_the_rule_and_the_value():
    """The message shape: ``<name> must be <rule>; got <value>`` (the type when not obvious)."""
    with pytest.raises(TypeError) as info:
        pe.sinusoidal(3, 4.0)
    assert str(info.value) == "d_model must be a positive even integer; got 4.0"
    with pytest.raises(TypeError) as info:
        pe.rotation(np.float64(2.0), 4)
    assert str(info.value) == "k must be an integer; got np.float64(2.0) (float64)"
    with pytest.raises(ValueError, match=r"^j must be a column index") as info:
        pe.column_to_pair(8, 8)
    assert str(info.value) == "j must be a column index 0 <= j < d_model = 8; got 8"


# --------------------------------------------------------------------------- specific rules


@pytest.mark.parametrize(
    ("positions", "match"),
    [
        ([2**26], r"\|p\| < 2\*\*26 = 67108864.*got \|p\| = 67108864"),
        ([-(2**26)], r"\|p\| < 2\*\*26"),
        # int64's minimum: its absolute value does not fit in int64 (np.abs wraps it around).
        ([-(2**63)], r"\|p\| < 2\*\*26.*got \|p\| = 9223372036854775808"),
        (np.array([5, -(2**63)], dtype=np.int64), r"\|p\| < 2\*\*26"),
        # Counts and ranges are checked from their bounds, before anything is allocated.
        (2**40, r"\|p\| < 2\*\*26"),
        (range(2**64), r"\|p\| < 2\*\*26"),
        (range(-(2**70), 2**70, 2**60), r"\|p\| < 2\*\*26"),
    ],
)
def test_positions_outside_the_contract_are_refused_before_work(positions, match):
    with pytest.raises(ValueError, match=match):
        pe.sinusoidal(positions, 8)


def test_positions_range_scales_with_frequency_when_base_below_one():
    # base 0.5, d 4: frequencies 1 and 0.5**-0.5 = √2, so |p| must stay below 2**26/√2.
    pe.sinusoidal([47453132], 4, base=0.5)
    with pytest.raises(ValueError, match="max frequency"):
        pe.sinusoidal([47453133], 4, base=0.5)


def test_accepted_position_forms_agree():
    ref = pe.sinusoidal(5, 8)
    forms = (
        range(5),
        [0, 1, 2, 3, 4],
        np.arange(5, dtype=np.uint8),
        np.arange(5.0),
        np.arange(5, dtype=">i8"),
        np.array([0, 1, 2, 3, 4], dtype=object),
        np.int64(5),
    )
    for form in forms:
        np.testing.assert_array_equal(pe.sinusoidal(form, 8), ref)
    assert pe.sinusoidal(0, 8).shape == (0, 8)
    assert pe.sinusoidal(range(3, 3), 8).shape == (0, 8)


def test_widths_beyond_the_documented_limit_are_refused_before_work():
    with pytest.raises(ValueError, match=r"d_model must be at most 262144 \(2\*\*18\)"):
        pe.frequencies(2**20)
    with pytest.raises(ValueError, match=r"d_head must be at most 262144"):
        rope.rope_pairs(1, 2**19)


@pytest.mark.parametrize("base", [1e-305, 1e-310, 2.0**-1000, 1e300])
def test_frequencies_beyond_float64_are_an_error_not_nan(base):
    """Frequencies outside 2**±900 would overflow the kernel's splits (NaN at position 0)."""
    with pytest.raises(ValueError, match="outside what float64 arithmetic handles"):
        pe.sinusoidal([0], 1000, base=base)


def test_narrow_dtypes_in_any_byte_order():
    table = pe.sinusoidal(3, 4, dtype=">f4")
    assert table.dtype == np.float32
    np.testing.assert_array_equal(table, pe.sinusoidal(3, 4, dtype=np.float32))
    with pytest.raises(TypeError, match="dtype must be one of float16, float32, float64"):
        pe.sinusoidal(3, 4, dtype=np.longdouble)


def test_index_helpers_name_the_index_that_is_out_of_range():
    with pytest.raises(ValueError, match="i must be a pair index 0 <= i < d_model/2 = 4; got 4"):
        pe.pair_to_column(4, "sin", 8)
    with pytest.raises(ValueError, match="j must be a column index"):
        pe.textbook_pe(0, -1, 8)


def test_arrays_are_checked_by_name():
    x = np.ones((1, 4))
    with pytest.raises(TypeError, match="cos must be a real numeric array"):
        rope.apply_cache(x, None, None, layout="half")
    with pytest.raises(ValueError, match=r"cos of shape \(5, 4\) does not broadcast to x"):
        rope.apply_cache(x, np.ones((5, 4)), np.ones((5, 4)), layout="half")
    with pytest.raises(ValueError, match=r"sin of shape \(1, 3\) does not broadcast"):
        rope.apply_cache(x, np.ones((1, 4)), np.ones((1, 3)), layout="half")
    assert np.isnan(precision.ulp([np.nan, np.inf, -np.inf])).all()
