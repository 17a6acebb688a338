"""The command line: real output, and one-line errors with a non-zero exit."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import posenc_ref as pe
from posenc_ref.cli import main


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "posenc_ref", *args], capture_output=True, text=True, check=False
    )


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
    res = run(*args)
    assert res.returncode != 0
    assert res.stderr.startswith(message)
    assert res.stderr.count("\n") == 1
    assert "Traceback" not in res.stderr


def test_accuracy_command_prints_the_report():
    res = run("accuracy", "--d-model", "8", "--per-band", "1")
    assert res.returncode == 0, res.stderr
    assert res.stdout.count("| float32 |") == 7


GOLDEN_ROPE = Path(__file__).parent / "golden" / "rope"


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
    res = run("identify", str(path))
    assert res.returncode == 2
    assert res.stderr.startswith("error: ")
    assert "differ in shape" in res.stderr
    assert res.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.npz", "not a readable .npz file"),
        (b"garbage", "corrupt.npz", "not a readable .npz file (not a NumPy .npy/.npz file)"),
        (b"garbage", "corrupt.npy", "not a numeric table (not a NumPy .npy/.npz file)"),
        (b"", "empty.csv", "input contained no data"),
    ],
)
def test_identify_unreadable_files_are_one_line(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    res = run("identify", str(path))
    assert res.returncode == 2
    assert res.stderr.startswith("error: ")
    assert message in res.stderr
    assert res.stderr.count("\n") == 1  # no traceback, no NumPy warning


@pytest.mark.parametrize("positions", ["-3", "3:1", ",", "1,,2", "0:5:0"])
def test_table_rejects_positions_that_give_nothing(positions):
    res = run("table", "--d-model", "4", f"--positions={positions}")
    assert res.returncode == 2
    assert res.stderr.startswith("error: --positions")
    assert res.stderr.count("\n") == 1


def test_table_too_large_is_one_line():
    res = run("table", "--d-model", "100000000", "--positions", "1000000")
    assert res.returncode == 2
    assert res.stderr == "error: out of memory: the requested table is too large\n"


def test_identify_rope_cache_uses_and_checks_positions(tmp_path):
    from posenc_ref.rope import rope_cache

    cos, sin = rope_cache(range(10, 74), 32, layout="half", dtype=np.float32)
    path = tmp_path / "cache.npz"
    np.savez(path, cos=cos, sin=sin)
    res = run("identify", str(path), "--positions", "10:74")
    assert res.returncode == 0
    assert "correctly rounded" in res.stdout
    res = run("identify", str(path), "--positions", "3")
    assert res.returncode == 2
    assert "--positions gives 3 positions but the table has 64 rows" in res.stderr
    np.savez(path, cos=cos[:0], sin=sin[:0])
    res = run("identify", str(path))
    assert res.returncode == 2
    assert "at least one row" in res.stderr


def test_identify_blames_the_file_for_its_positions(tmp_path):
    path = tmp_path / "table.npz"
    np.savez(path, table=pe.sinusoidal(4, 8), positions=np.arange(5))
    res = run("identify", str(path))
    assert res.returncode == 2
    assert f"the 'positions' array of {path} gives 5 positions but the table has 4 rows" in (
        res.stderr
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["accuracy", "--per-band", "-1"], "per_band must be an integer >= 0"),
        (["accuracy", "--seed", "-1"], "seed must be an integer >= 0"),
        (["accuracy", "--base", "0.5"], "base must be > 1 for the accuracy report"),
        (["table", "--d-model", "4", "--positions", "99999999999999999999999"], "fit in int64"),
    ],
)
def test_more_one_line_errors(args, message):
    res = run(*args)
    assert res.returncode == 2
    assert res.stderr.startswith("error: ")
    assert message in res.stderr
    assert res.stderr.count("\n") == 1
