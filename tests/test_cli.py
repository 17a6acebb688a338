"""The command line: real output, and one-line errors with a non-zero exit."""

import json
import subprocess
import sys

import numpy as np
import pytest
from helpers import GOLDEN as GOLDEN_ROOT
from helpers import assert_one_line_error, cli, golden

import posenc_ref as pe
from posenc_ref import conventions as cv
from posenc_ref.cli import main


def test_table_text_and_csv(tmp_path, capsys):
    assert main(["table", "--d-model", "4", "--positions", "3"]) == 0
    out = capsys.readouterr().out
    assert "0.841471" in out
    assert out.count("\n") == 3
    assert main(["table", "--d-model", "4", "--positions", "2:5", "--format", "csv"]) == 0
    rows = np.loadtxt(capsys.readouterr().out.splitlines(), delimiter=",")
    np.testing.assert_array_equal(rows, pe.sinusoidal(range(2, 5), 4))


def test_table_npy(tmp_path):
    path = tmp_path / "t.npy"
    args = ["table", "--d-model", "8", "--positions", "0,7,9"]
    assert main([*args, "--dtype", "float32", "--format", "npy", "--output", str(path)]) == 0
    np.testing.assert_array_equal(np.load(path), pe.sinusoidal([0, 7, 9], 8, dtype=np.float32))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["table", "--d-model", "7"], "error: d_model must be even"),
        (["table", "--d-model", "8", "--layout", "x"], "error: layout must be one of"),
        (["table", "--d-model", "8", "--positions", "a:b"], "error: --positions must be"),
        (["table", "--d-model", "8", "--dtype", "int8"], "error: dtype must be one of"),
        (["table", "--d-model", "8", "--format", "npy"], "error: --format npy needs --output"),
        (["table", "--d-model", "8", "--output", "/nonexistent/dir/x.txt"], "error: "),
    ],
)
def test_errors_are_one_line(args, message):
    res = cli(*args)
    assert res.code != 0
    assert res.err.startswith(message)
    assert res.err.count("\n") == 1
    assert "Traceback" not in res.err


def test_accuracy_command_prints_the_report():
    res = cli("accuracy", "--d-model", "8", "--per-band", "1")
    assert res.code == 0, res.err
    assert res.out.count("| float32 |") == 7


GOLDEN_ROPE = GOLDEN_ROOT / "rope"
GOLDEN = GOLDEN_ROOT / "conventions"


@pytest.mark.parametrize(
    ("name", "layout", "base"),
    [
        ("hf_llama_base500000_d128", "half layout", "base = 500000 "),
        ("hf_llama_base10000_d64", "half layout", "base = 10000 "),
        ("meta_complex_base1000000_d64", "per-pair table", "base = 1e+06 "),
        ("gptj_d64", "per-pair table", "base = 10000 "),
    ],
)
def test_identify_names_real_rope_caches(capsys, name, layout, base):
    """identify recognises a library's cos/sin cache in an .npz (arrays cos/sin or *_pairs)."""
    assert main(["identify", str(GOLDEN_ROPE / f"{name}.npz")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("RoPE cache: ")
    assert layout in out
    assert base in out


def test_identify_rope_cache_from_the_reference(tmp_path, capsys):
    from posenc_ref.rope import rope_cache

    cos, sin = rope_cache(40, 32, base=1e6, layout="interleaved", dtype=np.float32)
    path = tmp_path / "cache.npz"
    np.savez(path, cos=cos, sin=sin)
    assert main(["identify", str(path), "--all"]) == 0
    first, *rest = capsys.readouterr().out.splitlines()
    assert "interleaved layout" in first
    assert "base = 1e+06" in first
    assert "correctly rounded" in first
    assert len(rest) >= 2  # the other candidates, each with its residual


def test_identify_rope_errors_are_one_line(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, cos=np.ones((4, 8)), sin=np.ones((4, 6)))
    res = cli("identify", str(path))
    assert res.code == 2
    assert res.err.startswith("error: ")
    assert "differ in shape" in res.err
    assert res.err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.npz", "not a readable .npz file"),
        (b"garbage", "corrupt.npz", "not a readable .npz file (File is not a zip file)"),
        (b"garbage", "corrupt.npy", "not a numeric table (EOF: reading magic string"),
        (b"", "empty.csv", "input contained no data"),
    ],
)
def test_identify_unreadable_files_are_one_line(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    res = cli("identify", str(path))
    assert res.code == 2
    assert res.err.startswith("error: ")
    assert message in res.err
    assert res.err.count("\n") == 1  # no traceback, no NumPy warning


@pytest.mark.parametrize("positions", ["-3", "3:1", ",", "1,,2", "0:5:0"])
def test_table_rejects_positions_that_give_nothing(positions):
    res = cli("table", "--d-model", "4", f"--positions={positions}")
    assert res.code == 2
    assert res.err.startswith("error: --positions")
    assert res.err.count("\n") == 1


def test_table_too_large_is_one_line():
    """Widths beyond the documented limit are refused before any work; a table within the
    limits that does not fit in memory is a one-line error too."""
    res = cli("table", "--d-model", "100000000", "--positions", "1000000")
    assert_one_line_error(res, "d_model must be at most 262144 (2**18)")
    res = cli("table", "--d-model", "262144", "--positions", "60000000")
    assert res.err == "error: out of memory: the requested table is too large\n"


def test_identify_rope_cache_uses_and_checks_positions(tmp_path):
    from posenc_ref.rope import rope_cache

    cos, sin = rope_cache(range(10, 74), 32, layout="half", dtype=np.float32)
    path = tmp_path / "cache.npz"
    np.savez(path, cos=cos, sin=sin)
    res = cli("identify", str(path), "--positions", "10:74")
    assert res.code == 0
    assert "correctly rounded" in res.out
    res = cli("identify", str(path), "--positions", "3")
    assert res.code == 2
    assert "--positions gives 3 positions but the table has 64 rows" in res.err
    np.savez(path, cos=cos[:0], sin=sin[:0])
    res = cli("identify", str(path))
    assert res.code == 2
    assert "at least one row" in res.err


def test_identify_blames_the_file_for_its_positions(tmp_path):
    path = tmp_path / "table.npz"
    np.savez(path, table=pe.sinusoidal(4, 8), positions=np.arange(5))
    res = cli("identify", str(path))
    assert res.code == 2
    assert f"the 'positions' array of {path} gives 5 positions but the table has 4 rows" in (
        res.err
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["accuracy", "--per-band", "-1"], "per_band must be an integer >= 0"),
        (["accuracy", "--seed", "-1"], "seed must be an integer >= 0"),
        (["accuracy", "--base", "0.5"], "base must be > 1 for the accuracy report"),
        (["table", "--d-model", "4", "--positions", "99999999999999999999999"], "|p| < 2**26"),
    ],
)
def test_more_one_line_errors(args, message):
    res = cli(*args)
    assert res.code == 2
    assert res.err.startswith("error: ")
    assert message in res.err
    assert res.err.count("\n") == 1


def test_cli_table_convention(capsys):
    assert main(["table", "--d-model", "8", "--positions", "3", "--convention", "fairseq"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 3
    assert "0.      " in out


def test_cli_table_convention_csv_and_npy(tmp_path, capsys):
    args = ["table", "--d-model", "9", "--positions", "2:6", "--convention", "hf-marian"]
    assert main([*args, "--format", "csv"]) == 0
    rows = np.loadtxt(capsys.readouterr().out.splitlines(), delimiter=",")
    # 9 significant digits: the float32 values come back exactly
    np.testing.assert_array_equal(
        rows.astype(np.float32), cv.get("hf-marian").table(range(2, 6), 9)
    )
    out = tmp_path / "t.npy"
    assert main([*args, "--dtype", "float16", "--format", "npy", "--output", str(out)]) == 0
    np.testing.assert_array_equal(
        np.load(out), cv.get("hf-marian").table(range(2, 6), 9).astype(np.float16)
    )
    assert main([*args, "--dtype", "int8"]) == 2


def test_cli_identify_formats(tmp_path, capsys):
    table = cv.get("hf-marian").table(12, 8)
    np.save(tmp_path / "t.npy", table)
    np.savez(tmp_path / "t.npz", other=np.zeros(3), table=table)
    np.savetxt(tmp_path / "t.csv", table, delimiter=",", fmt="%.9g")
    for name in ("t.npy", "t.npz", "t.csv"):
        assert main(["identify", str(tmp_path / name)]) == 0
        out = capsys.readouterr().out
        assert "verdict: the paper's formula" in out
        assert "libraries with this formula: hf-marian" in out


def test_cli_uses_npz_positions_and_option(tmp_path, capsys):
    name = "whisper__hf_whisper__d128.npz"
    assert main(["identify", str(GOLDEN / name)]) == 0
    assert "whisper" in capsys.readouterr().out.split("libraries with this formula:")[1]
    g = golden("conventions", name)
    table, positions = g["table"], g["positions"]
    np.save(tmp_path / "w.npy", table)
    spec = ",".join(str(p) for p in positions)
    assert main(["identify", str(tmp_path / "w.npy"), "--positions", spec]) == 0
    assert "whisper" in capsys.readouterr().out
    assert main(["identify", str(tmp_path / "w.npy"), "--positions", "5"]) == 2


def test_cli_seq_first_buffer_is_squeezed(tmp_path, capsys):
    np.save(tmp_path / "b.npy", cv.get("pytorch-tutorial").table(10, 8)[:, None, :])
    assert main(["identify", str(tmp_path / "b.npy")]) == 0
    assert "pytorch-tutorial" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        (None, ".npy", "error: no such file"),
        ("a,b\n1,2\n", ".csv", "not a numeric table"),
        ("1,2,3\n", ".csv", "at least 2 rows"),
        ("1,nan\n2,3\n", ".csv", "must be finite"),
    ],
)
def test_cli_identify_errors(tmp_path, content, suffix, message):
    path = tmp_path / f"x{suffix}"
    if content is not None:
        path.write_text(content)
    res = cli("identify", str(path))
    assert res.code == 2
    assert message in res.err
    assert res.err.count("\n") == 1
    assert "Traceback" not in res.err


def test_cli_convention_conflicts():
    res = cli("table", "--d-model", "8", "--convention", "paper", "--layout", "sin|cos")
    assert res.code == 2
    assert "--convention fixes" in res.err
    res = cli("table", "--d-model", "8", "--convention", "nope")
    assert res.code == 2
    assert "unknown convention" in res.err


def test_cli_identify_with_a_model_config(tmp_path):
    config = {
        "max_position_embeddings": 131072,
        "rope_theta": 500000.0,
        "rope_scaling": {
            "factor": 8.0,
            "low_freq_factor": 1.0,
            "high_freq_factor": 4.0,
            "original_max_position_embeddings": 8192,
            "rope_type": "llama3",
        },
    }
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    cache = str(GOLDEN_ROOT / "rope_scaling" / "llama3_f8_base500000_d128.npz")

    def identify(*args):
        return cli("identify", cache, *args)

    res = identify("--rope-config", str(path))
    assert res.code == 0
    assert "scaled by RopeScaling(kind='llama3', factor=8.0" in res.out
    assert "base = 500000" in res.out
    res = identify()  # without the config: the known Llama 3.1 scaling is found anyway
    assert "scaled by RopeScaling(kind='llama3', factor=8.0" in res.out
    # Errors: one line, exit 2.
    for text, message in (
        ("{not json", "not valid JSON"),
        ('{"rope_scaling": {"rope_type": "yarn", "factor": 2}}', "original_max_positions"),
        ('{"rope_scaling": 3}', "must be an object"),
    ):
        path.write_text(text, encoding="utf-8")
        assert_one_line_error(identify("--rope-config", str(path)), message)
    assert_one_line_error(identify("--rope-config", str(tmp_path / "missing.json")), "no such file")


def test_the_installed_entry_point_runs_in_a_fresh_process():
    """The one subprocess test: ``python -m posenc_ref`` works as a program, with its exit
    codes (the other tests call ``main`` in-process, which is the same code)."""
    ok = subprocess.run(
        [sys.executable, "-m", "posenc_ref", "table", "--d-model", "4", "--positions", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "0.841471" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "posenc_ref", "table", "--d-model", "7"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: d_model must be even")
    assert bad.stderr.count("\n") == 1


def _sub_commands() -> dict:
    from posenc_ref.cli import build_parser

    parser = build_parser()
    (sub,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return dict(sub.choices)


@pytest.mark.parametrize("name", ["table", "identify", "check", "accuracy", "bench"])
def test_every_help_text_has_a_description_defaults_and_an_example(name):
    """Issue 14 §6: each option says what it does and, when it has a value, its default; no
    "(default: None)" noise; one example that the parser accepts."""
    parser = _sub_commands()[name]
    text = parser.format_help()
    assert len(parser.description or "") > 40, name
    assert "(default: None)" not in text, text
    assert "(default: False)" not in text, text
    example = text.split("example:\n", 1)[1].strip()
    assert example.startswith(f"python -m posenc_ref {name}"), example
    parser.parse_args(example.split()[4:])  # the example is a valid command line
    for action in parser._actions:
        if action.option_strings and action.dest != "help":
            assert action.help, f"{name} {action.option_strings[0]}: no help"
            if action.default not in (None, False):
                shown = f"default: {action.default}" in text or "default" in action.help
                assert shown, f"{name} {action.option_strings[0]}: default not shown"
