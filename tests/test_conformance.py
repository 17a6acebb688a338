"""The conformance suite (posenc_ref.conformance): it passes every preset's emulation with the
right convention named, and fails each deliberately broken implementation on the claim that
the breakage contradicts."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from helpers import ROOT, assert_one_line_error, cli, loaded_after_import

import posenc_ref as pe
from posenc_ref import conformance as cf
from posenc_ref.conventions import PRESETS, Convention
from posenc_ref.rope import apply_cache, rope_cache
from posenc_ref.rope_scaling import RopeScaling

SMALL = {"d_models": (32, 64, 31), "positions": 128}


def interleave(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    out = np.empty((first.shape[0], 2 * first.shape[1]), dtype=first.dtype)
    out[:, 0::2], out[:, 1::2] = first, second
    return out


def reference32(positions, d):
    return pe.sinusoidal(positions, d, dtype="float32")


# ------------------------------------------------------------------------- presets pass
@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_emulation_passes_with_its_name(name):
    report = cf.check_table(lambda positions, d: PRESETS[name].table(positions, d))
    assert report.ok, str(report)
    assert name in report.presets, (name, report.presets)
    assert report.convention is not None
    # The emulations that compute in float32 are graded textbook (warned), never failed.
    grade = report.claim("eq-pe").evidence["grade"]
    assert grade in ("correctly rounded", "faithful", "textbook")
    assert {c.status for c in report.claims} <= {"pass", "warn", "skip"}


@pytest.mark.parametrize("name", ["fairseq", "x-transformers", "hf-marian", "diffusers-unet"])
def test_a_requested_preset_reproduces_its_own_emulation(name):
    report = cf.check_table(
        lambda positions, d: PRESETS[name].table(positions, d), convention=name, **SMALL
    )
    assert report.ok, str(report)
    assert report.requested
    assert report.convention.name == name


def test_the_catalogue_textbook_errors_stay_below_p_eps():
    """The margin stated in the module text: every emulation's error is below |p|·eps (δ(p)
    allows twice that, plus 2 eps), at the default and the large positions."""
    pos = np.r_[1:256, cf.LARGE_POSITIONS]
    for name, conv in PRESETS.items():
        for d in (64, 512):
            table = conv.table(pos, d)
            err = np.abs(table.astype(np.float64) - conv.table(pos, d, exact=True)).max(axis=1)
            scale = d**-0.5 if conv.scale == "1/sqrt(d)" else 1.0
            ratio = err / (pos * np.finfo(table.dtype).eps * scale)
            assert ratio.max() < 1.0, (name, d, ratio.max())


def test_the_reference_is_correctly_rounded_everywhere():
    report = cf.check_table(reference32, **SMALL)
    assert report.ok
    assert report.claim("eq-pe").evidence["grade"] == "correctly rounded"
    assert report.claim("contract").evidence["grade"] == "correctly rounded"
    assert report.claim("odd-width").status == "pass"  # it raises: the rule "error"
    assert not report.warnings


def test_float64_reference_is_faithful_and_named_paper():
    report = cf.check_table(lambda positions, d: pe.sinusoidal(positions, d), **SMALL)
    assert report.ok
    assert report.presets == ("paper",)
    assert report.claim("eq-pe").evidence["grade"] == "faithful"


# ------------------------------------------------------------------ broken implementations
def bug1(positions, d):
    j = np.arange(d)
    angle = positions[:, None] / 10000 ** (j / d)
    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))


def bug2(positions, d):
    j = np.arange(d)
    angle = positions[:, None] / 10000 ** (2 * j / d)
    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))


def bug3(positions, d):
    w = 10000.0 ** (-2 * np.arange(0, d, 2) / d)
    angle = positions[:, None] * w
    return interleave(np.sin(angle), np.cos(angle))


def swapped(positions, d):
    angle = positions[:, None] * pe.frequencies(d)
    return interleave(np.cos(angle), np.sin(angle))


def off_by_one(positions, d):
    return pe.sinusoidal(positions + 1, d)


def float16_positions(positions, d):
    # positions in float16 overflow to inf beyond 65504: the angle and then the sine are NaN
    with np.errstate(over="ignore", invalid="ignore"):
        p = positions.astype(np.float16)[:, None]
        angle = p * (10000.0 ** (-np.arange(0, d, 2) / d)).astype(np.float16)
        return interleave(np.sin(angle), np.cos(angle))


def base_1000(positions, d):
    return pe.sinusoidal(positions, d, base=1000.0)


def dropped_odd_column(positions, d):
    return pe.sinusoidal(positions, d - d % 2)  # asked for 63 columns, gives 62


def cut_from_wider(positions, d):
    return pe.sinusoidal(positions, d + d % 2)[:, :d]  # frequencies of width d + 1


def missing_scale(positions, d):
    return pe.sinusoidal(positions, d, layout="sin|cos", dtype="float32")  # no 1/sqrt(d)


RNG = np.random.default_rng(7)


def noisy(positions, d):
    """Some entries moved by one ulp, others not, differently on every call."""
    table = reference32(positions, d)
    return np.where(RNG.random(table.shape) < 0.01, np.nextafter(table, np.float32(2)), table)


def ignores_positions(positions, d):
    return pe.sinusoidal(len(positions), d)  # rows 0 … n-1 whatever was asked


def clipped_positions(positions, d):
    return pe.sinusoidal(np.minimum(positions, 4095), d)  # a table of max_len 4096, clamped


def transposed(positions, d):
    return pe.sinusoidal(positions, d).T


def sqrt_d_scaled(positions, d):
    return math.sqrt(d) * pe.sinusoidal(positions, d)  # the embedding's scale put on the PE


def tutorial_float32(positions, d):
    return PRESETS["pytorch-tutorial"].table(positions, d)


BROKEN = [
    # (implementation, options, the claim it must fail, a word its detail must hold)
    (bug1, {}, "bugs", "bug-1"),
    (bug2, {}, "bugs", "bug-2"),
    (bug3, {}, "bugs", "bug-3"),
    (swapped, {}, "bugs", "bug-4"),
    (off_by_one, {}, "positions-start", "holds position 1"),
    (float16_positions, {}, "contract", "not finite"),
    (base_1000, {}, "identify", "no known code base"),
    (base_1000, {"convention": "paper"}, "identify", "base 1000"),
    (dropped_odd_column, {}, "odd-width", "dropped"),
    (cut_from_wider, {}, "odd-width", "cut to"),
    (missing_scale, {"convention": "x-transformers"}, "identify", "output scale 1"),
    (noisy, {}, "check-deterministic", "changed between two calls"),
    (ignores_positions, {}, "check-rows", "other rows"),
    (clipped_positions, {}, "contract", "wrong"),
    (transposed, {}, "check-shape", "expected (128, 32)"),
    (sqrt_d_scaled, {}, "identify", "scale"),
    (tutorial_float32, {"strict": True}, "eq-pe", "textbook"),
]


@pytest.mark.parametrize(
    ("fn", "options", "claim", "word"), BROKEN, ids=[f"{b[0].__name__}-{b[2]}" for b in BROKEN]
)
def test_each_broken_implementation_fails_the_right_claim(fn, options, claim, word):
    report = cf.check_table(fn, **{**SMALL, **options})
    assert not report.ok
    failed = {c.id: c for c in report.failed}
    assert claim in failed, (claim, [(c.id, c.status) for c in report.claims])
    assert word in failed[claim].detail, failed[claim].detail
    with pytest.raises(AssertionError, match=claim):
        report.assert_ok()


def test_index_bugs_are_named_as_on_the_index_page():
    text = (ROOT / "docs" / "indices.md").read_text(encoding="utf-8")
    for number in range(1, 5):
        assert f"**Bug {number}:" in text
    assert set(cf.INDEX_BUGS) == {f"bug-{n}" for n in range(1, 5)}


def test_textbook_float32_is_a_warning_unless_strict():
    report = cf.check_table(tutorial_float32, **SMALL)
    assert report.ok
    assert report.claim("eq-pe").status == "warn"
    assert report.claim("contract").status == "warn"
    evidence = report.claim("eq-pe").evidence
    assert evidence["grade"] == "textbook"
    assert 0 < evidence["max_difference_over_delta"] <= 1


def test_a_failing_theorem_is_named_where_the_pairs_break():
    report = cf.check_table(bug1, **SMALL)
    for claim in ("thm-shift", "thm-dot", "thm-norm"):
        assert report.claim(claim).status == "fail"
    # bug 3 keeps the pairs matched: the theorems hold, the index bug is what fails
    report = cf.check_table(bug3, **SMALL)
    assert [report.claim(c).status for c in ("thm-shift", "thm-dot", "thm-norm")] == ["pass"] * 3


# ---------------------------------------------------------------------------- RoPE
def rope_float32_cache(x, positions):
    """Hugging Face's arithmetic: a float32 cache, x * cos + rotate_half(x) * sin in float32."""
    cos, sin = rope_cache(positions, x.shape[-1], layout="half", dtype=np.float32)
    return apply_cache(x, cos, sin, layout="half")


@pytest.mark.parametrize("layout", ["interleaved", "half"])
def test_a_correct_rope_passes(layout):
    report = cf.check_rope(lambda x, p: pe.apply_rope(x, p, layout=layout))
    assert report.ok, str(report)
    assert not report.warnings
    assert report.convention == cf.RopeConvention(layout, 10000.0)
    assert report.claim("eq-rope").evidence["grade"] == "correctly rounded"


def test_rope_in_float32_arithmetic_passes_with_its_grade():
    report = cf.check_rope(rope_float32_cache, base=10000.0, layout="half")
    assert report.ok, str(report)
    assert report.claim("eq-rope").evidence["grade"] in ("faithful", "textbook")


def test_scaled_and_partial_rope_are_identified():
    yarn = RopeScaling("yarn", 4.0, original_max_positions=32768)

    def scaled(x, positions):
        from posenc_ref.rope_scaling import attention_factor, scaled_rope_pairs

        c, s = scaled_rope_pairs(positions, x.shape[-1], yarn, base=1e6)
        f = attention_factor(yarn)
        cos, sin = np.concatenate([c, c], 1) * f, np.concatenate([s, s], 1) * f
        h = x.shape[-1] // 2
        rotated = np.concatenate([-x[..., h:], x[..., :h]], axis=-1)
        return (x * cos + rotated * sin).astype(x.dtype)

    report = cf.check_rope(scaled, scaling=yarn, dtype="float64")
    assert report.ok, str(report)
    assert report.convention.scaling == yarn
    assert report.convention.base == 1e6
    partial = cf.check_rope(lambda x, p: pe.apply_rope(x, p, rotary_dim=16))
    assert partial.ok, str(partial)
    assert partial.convention.rotary_dim == 16


BROKEN_ROPE = [
    (lambda x, p: pe.apply_rope(x, -p), {}, "thm-rope-orientation", "clockwise"),
    (lambda x, p: pe.apply_rope(x, p, base=5000.0), {"base": 10000.0}, "identify", "base 5000"),
    (lambda x, p: pe.apply_rope(x, p * p // 8 + p), {}, "thm-rope-relative", "more than n - m"),
    (lambda x, p: 1.01 * pe.apply_rope(x, p), {}, "thm-rope-norm", "|x'| = |x|"),
    (
        lambda x, p: pe.apply_rope(x, p, layout="half"),
        {"layout": "interleaved"},
        "identify",
        "layout half",
    ),
    (lambda x, p: x * np.cos(p)[:, None] + x * np.sin(p)[:, None], {}, "identify", "not a RoPE"),
    (rope_float32_cache, {"strict": True, "positions": range(0, 4096, 64)}, "eq-rope", "textbook"),
]


@pytest.mark.parametrize(
    ("fn", "options", "claim", "word"),
    BROKEN_ROPE,
    ids=["clockwise", "wrong-base", "non-relative", "scaled", "layout", "not-rotation", "strict"],
)
def test_each_broken_rope_fails_the_right_claim(fn, options, claim, word):
    report = cf.check_rope(fn, **options)
    failed = {c.id: c for c in report.failed}
    assert claim in failed, (claim, str(report))
    assert word in failed[claim].detail, failed[claim].detail


# ------------------------------------------------------------------ arrays of frameworks
class ArrayOnly:
    """Like a TensorFlow EagerTensor: ``__array__`` (and ``.numpy()``), no DLPack."""

    def __init__(self, data):
        self._data = np.asarray(data)

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype)


class DLPackOnly:
    """Like an MLX array as far as NumPy's protocols go: ``__dlpack__``, no ``__array__``."""

    def __init__(self, data):
        self._data = np.ascontiguousarray(data)

    def __dlpack__(self, **kwargs):
        return self._data.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()


class Both(ArrayOnly, DLPackOnly):
    """Like a PyTorch tensor or a JAX array on the CPU: both protocols."""

    def __init__(self, data):
        ArrayOnly.__init__(self, data)
        DLPackOnly.__init__(self, data)


class NeedsDetach(ArrayOnly):
    """Like a PyTorch tensor that requires grad: ``__array__`` refuses."""

    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("Can't call numpy() on Tensor that requires grad.")


@pytest.mark.parametrize("wrapper", [ArrayOnly, DLPackOnly, Both])
def test_framework_arrays_are_read_without_the_framework(wrapper):
    report = cf.check_table(lambda positions, d: wrapper(reference32(positions, d)), **SMALL)
    assert report.ok
    assert report.dtype == "float32"
    rope = cf.check_rope(lambda x, p: wrapper(pe.apply_rope(x, p)))
    assert rope.ok


def test_an_unreadable_array_is_a_failed_shape_claim_that_says_what_to_do():
    report = cf.check_table(lambda positions, d: NeedsDetach(reference32(positions, d)), **SMALL)
    claim = report.claim("check-shape")
    assert claim.status == "fail"
    assert "detach" in claim.detail
    assert {c.status for c in report.claims[1:]} == {"skip"}
    with pytest.raises(TypeError, match="the result must be an array NumPy can read"):
        cf.to_numpy(NeedsDetach([1.0]))


# --------------------------------------------------------------------------- the report
def test_report_text_json_and_assert_ok():
    report = cf.check_table(bug2, **SMALL)
    text = str(report)
    assert text.splitlines()[0] == "table check of bug2: FAIL (7 fail, 1 skip)"
    assert "indices.html#bugs" in text
    data = json.loads(report.to_json())
    assert data["ok"] is False
    assert [c["id"] for c in data["claims"]] == list(cf.CLAIMS)
    assert {c["status"] for c in data["claims"]} <= set(cf.STATUSES)
    assert data["claims"][2]["evidence"]["bug"] == "bug-2"
    with pytest.raises(AssertionError) as info:
        report.assert_ok()
    message = str(info.value)
    assert message.startswith("7 claim(s) failed for bug2:")
    assert "- bugs (indices.html#bugs): d_model=32: bug-2" in message
    cf.check_table(reference32, **SMALL).assert_ok()  # no exception


def test_the_report_leads_with_the_formula_not_an_op_order_coincidence():
    """Issue 15: several presets compute the paper's formula in float32; which one happens to
    share the table's operation order is a detail, not the verdict."""
    report = cf.check_table(lambda p, d: PRESETS["pytorch-tutorial"].table(p, d), **SMALL)
    assert len(report.presets) > 1
    assert report.formula.startswith("the paper's formula, base 10000, interleaved")
    assert report.formula.endswith("values in float32")
    assert "positions" not in report.formula  # the rows read are not the table's positions
    line = str(report).splitlines()[1]
    assert line.startswith("convention (identified): the paper's formula"), line
    assert json.loads(report.to_json())["formula"] == report.formula
    # A requested convention is named as requested, with no formula read.
    asked = cf.check_table(reference32, convention="paper", **SMALL)
    assert asked.formula == ""
    assert str(asked).splitlines()[1].startswith("convention (requested): paper")


def test_every_claim_id_is_an_anchor_of_its_page():
    for claims in (cf.CLAIMS, cf.ROPE_CLAIMS):
        for claim_id, (page, _title) in claims.items():
            text = (ROOT / "docs" / page).read_text(encoding="utf-8")
            assert f"{{#{claim_id}" in text or f'id="{claim_id}"' in text, (claim_id, page)


def test_a_saved_table_is_checked_without_calls():
    table = reference32(np.arange(70000), 16)
    report = cf.check_table(table)
    assert report.ok, str(report)
    assert report.claim("check-rows").status == "skip"
    assert "65536" in report.claim("contract").detail
    with pytest.raises(ValueError, match="d_models must be None for a saved table"):
        cf.check_table(table, d_models=[16])


def test_arguments_are_checked_before_any_call():
    calls = []

    def fn(positions, d):
        calls.append(d)
        return reference32(positions, d)

    with pytest.raises(ValueError, match="positions must be increasing"):
        cf.check_table(fn, positions=[3, 2, 1, 0])
    with pytest.raises(ValueError, match="d_models must hold at least one even width"):
        cf.check_table(fn, d_models=[31])
    with pytest.raises(ValueError, match="convention must be one of"):
        cf.check_table(fn, convention="nope")
    with pytest.raises(TypeError, match="apply_fn must be a callable"):
        cf.check_rope(np.ones(3))
    assert calls == []


def test_a_convention_object_is_accepted():
    wanted = Convention(layout="sin|cos", base=500.0, name="mine")
    report = cf.check_table(lambda p, d: wanted.table(p, d), convention=wanted, **SMALL)
    assert report.ok
    assert report.convention is wanted


# --------------------------------------------------------------------- the command line
def test_cli_checks_a_function_and_a_saved_table(tmp_path, monkeypatch):
    (tmp_path / "my_pe.py").write_text(
        "import numpy as np\nimport posenc_ref as pe\n"
        "def good(positions, d):\n    return pe.sinusoidal(positions, d)\n"
        "def column_bug(positions, d):\n    j = np.arange(d)\n"
        "    angle = positions[:, None] / 10000 ** (2 * j / d)\n"
        "    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))\n"
        "def rope(x, positions):\n    return pe.apply_rope(x, positions)\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    ok = cli("check", "my_pe:good", "--d-models", "32,31", "--positions", "64")
    assert ok.code == 0, ok.err
    assert ok.out.startswith("table check of good: OK")
    bad = cli("check", "my_pe.py:column_bug", "--d-models", "32", "--json")
    assert bad.code == 1
    assert json.loads(bad.out)["ok"] is False
    assert cli("check", "my_pe:rope", "--rope", "--base", "10000").code == 0
    np.save(tmp_path / "t.npy", reference32(np.arange(64), 32))
    saved = cli("check", str(tmp_path / "t.npy"))
    assert saved.code == 0
    assert "a saved table 64 x 32" in saved.out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["check", "no_such_module_xyz:f"], "cannot import no_such_module_xyz"),
        (["check", "posenc_ref:no_such_name"], "has no attribute 'no_such_name'"),
        (["check", "posenc_ref:__version__"], "is not callable"),
        (["check", "nothing-here"], "no such file: nothing-here"),
        (["check", "posenc_ref:sinusoidal", "--d-models", "a,b"], "--d-models must be integers"),
        (["check", "posenc_ref:sinusoidal", "--convention", "nope"], "convention must be one of"),
        (["check", "posenc_ref:apply_rope", "--rope", "--layout", "x"], "layout must be one of"),
    ],
)
def test_cli_bad_input_is_one_line(args, needle):
    assert_one_line_error(cli(*args), needle)


def test_cli_file_options_that_need_a_function_are_refused(tmp_path):
    path = tmp_path / "t.npy"
    np.save(path, reference32(np.arange(8), 8))
    assert_one_line_error(cli("check", str(path), "--rope"), "--rope applies to a function")


# ----------------------------------------------------------------------- the pytest plugin
def test_the_plugin_is_registered_and_light():
    from importlib.metadata import entry_points

    found = {e.name: e.value for e in entry_points(group="pytest11")}
    assert found.get("posenc") == "posenc_ref.pytest_plugin"
    heavy = ("sympy", "mpmath", "posenc_ref.conventions", "posenc_ref.conformance")
    loaded = loaded_after_import("posenc_ref.pytest_plugin", heavy)
    assert not any(loaded.values()), loaded


@pytest.mark.slow
def test_the_plugin_fixture_in_a_users_project(tmp_path):
    """One pytest run on a tiny project: the fixture passes a correct table and fails a buggy
    one with the failed claims listed."""
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(
            """
            import numpy as np
            import posenc_ref as pe

            def good(positions, d):
                return pe.sinusoidal(positions, d, dtype="float32")

            def column_bug(positions, d):
                j = np.arange(d)
                angle = positions[:, None] / 10000 ** (2 * j / d)
                return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))

            def test_good(posenc_check):
                report = posenc_check(good, d_models=[32, 31], positions=64)
                assert report.claim("eq-pe").evidence["grade"] == "correctly rounded"

            def test_rope(posenc_check):
                posenc_check(lambda x, p: pe.apply_rope(x, p), rope=True, d_head=16)

            def test_bug(posenc_check):
                posenc_check(column_bug, d_models=[32], positions=64)
            """
        ),
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        env={**_clean_env(), "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert "1 failed, 2 passed" in run.stdout, run.stdout + run.stderr
    assert "claim(s) failed for column_bug" in run.stdout
    assert "- bugs (indices.html#bugs): d_model=32: bug-2" in run.stdout


def _clean_env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}


# ---------------------------------------------------------------------------------- bench
def test_bench_reports_the_cost_of_a_check():
    from posenc_ref import bench

    cost = bench.conformance_cost(512, 32, 1)
    assert set(cost) == {
        "generate_ms",
        "check_reference_ms",
        "check_textbook_ms",
        "x_generate",
        "x_generate_textbook",
    }
    assert all(v > 0 for v in cost.values())
    assert cost["x_generate"] == pytest.approx(cost["check_reference_ms"] / cost["generate_ms"])
    floors = {"sin+cos float64": 1.0, "alloc+fill float32": 1.0, "alloc+fill float64": 1.0}
    result = {
        "machine": {"torch": None},
        "sizes": [{"n": 512, "d": 32, "floors_ms": floors, "methods": [], "conformance": cost}],
    }
    text = bench.markdown(result)
    assert "Conformance check (check_table) of the saved float32 table" in text
    assert f"{cost['x_generate']:.2f} x generating it" in text
