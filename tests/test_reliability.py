"""The failures of the reliability audit (shared/reviews/2026-12-reliability.md), one test each.

F1 (threads) is tests/test_threads.py, F2 (float64 faithful on every path) is in
tests/test_fast.py and tests/test_rounding_margins.py, F3 (a page example that depended on the
CPU) is the portability guard of .ci/run. Here: no traceback (F4–F6), no silent wrong answer
(F7–F9), bounded work checked before it starts (F10–F14), and messages that name the real
problem.
"""

from __future__ import annotations

import contextlib
import json
import os
import tracemalloc
import zipfile

import numpy as np
import pytest
from helpers import assert_one_line_error, cli

import posenc_ref as pe
from posenc_ref import conventions, precision, rope
from posenc_ref.rope_identification import identify_rope_cache

# --------------------------------------------------------------------------- F4–F6: tracebacks


def test_f4_an_npz_member_that_is_not_npy_is_a_one_line_error(tmp_path):
    path = tmp_path / "raw_member.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("table", "0,1\n1,0\n")
    assert_one_line_error(cli("identify", str(path)), "is not a .npy array")


def test_f5_a_cache_beyond_the_contract_is_an_error_not_an_empty_list(tmp_path):
    cos, sin = rope.rope_cache(64, 32, layout="half", dtype=np.float32)
    with pytest.raises(ValueError, match=r"\|p\| < 2\*\*26"):
        identify_rope_cache(cos, sin, positions=range(100_000_000, 100_000_064))
    path = tmp_path / "rope.npz"
    np.savez(path, cos=cos, sin=sin)
    res = cli("identify", str(path), "--positions", "100000000:100000064")
    assert_one_line_error(res, "|p| < 2**26")


def test_f6_a_deeply_nested_config_is_a_one_line_error(tmp_path):
    cache = tmp_path / "rope.npz"
    np.savez(cache, *rope.rope_cache(8, 8, layout="half"))
    np.savez(cache, cos=rope.rope_cache(8, 8, layout="half")[0])
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000, encoding="utf-8")
    res = cli("identify", str(cache), "--rope", "--rope-config", str(deep))
    assert_one_line_error(res, "not valid JSON")


# --------------------------------------------------------------------------- F7–F9: wrong answers


def test_f7_uint64_positions_beyond_int64_are_refused_not_wrapped():
    table = pe.sinusoidal(range(-8, 0), 8)
    positions = np.arange(2**64 - 8, 2**64, dtype=np.uint64)
    with pytest.raises(ValueError, match="positions must fit in int64"):
        pe.identify(table, positions)


def test_f8_a_big_endian_float16_table_is_read_as_float16():
    native = conventions.get("whisper").table(40, 16).astype(np.float16)
    big = native.astype(">f2")
    assert pe.identify(big).verdict() == pe.identify(native).verdict()
    assert pe.identify(big).dtype == "float16"


def test_f9_frequencies_beyond_float64_are_an_error_never_nan():
    with pytest.raises(ValueError, match="outside what float64 arithmetic handles"):
        pe.sinusoidal([0], 1000, base=1e-305)
    with pytest.raises(ValueError, match="outside what float64 arithmetic handles"):
        pe.frequencies(1000, base=1e-310)


# --------------------------------------------------------------------------- F10–F14: bounded work


def _peak_bytes(call) -> int:
    tracemalloc.start()
    with contextlib.suppress(ValueError):
        call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_f10_counts_and_ranges_are_checked_before_they_are_expanded():
    for positions in (2**29, range(2**29), 2**33, range(0, 2**33)):
        with pytest.raises(ValueError, match=r"\|p\| < 2\*\*26"):
            pe.sinusoidal(positions, 8)
        assert _peak_bytes(lambda p=positions: pe.sinusoidal(p, 8)) < 2**20
    res = cli("table", "--d-model", "8", "--positions", "536870912")
    assert_one_line_error(res, "|p| < 2**26")


def test_f11_a_huge_width_is_refused_before_any_frequency_is_computed():
    for call in (lambda: pe.frequencies(10**9), lambda: pe.sinusoidal(1, 20_000_000)):
        with pytest.raises(ValueError, match=r"at most 262144 \(2\*\*18\)"):
            call()
    assert_one_line_error(cli("table", "--d-model", "20000000", "--positions", "1"), "2**18")
    assert_one_line_error(cli("accuracy", "--d-model", "1000000"), "2**18")


def test_f12_identify_refuses_tables_beyond_its_size_limit(tmp_path):
    with pytest.raises(ValueError, match="more than max_entries"):
        pe.identify(np.zeros((4000, 4000)))
    assert pe.identify(pe.sinusoidal(40, 8), max_entries=320).matched  # the limit can be raised
    bomb = tmp_path / "bomb.npz"  # its header declares 20000 x 20000 float64: 3.2 GB
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z, z.open("table.npy", "w") as fh:
        np.lib.format.write_array_header_1_0(
            fh, {"descr": "<f8", "fortran_order": False, "shape": (20000, 20000)}
        )
        fh.write(bytes(2**16))
    assert_one_line_error(cli("identify", str(bomb)), "larger than the limit")
    tall = tmp_path / "tall.npy"  # never read transposed, as a table of 150000 channels
    np.save(tall, pe.sinusoidal(150_000, 2, dtype=np.float32))
    res = cli("identify", str(tall))
    assert res.code == 0
    assert "table: 150000 x 2 float32" in res.out


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_f13_devices_and_fifos_are_never_read(tmp_path):
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    assert_one_line_error(cli("identify", str(link)), "not a regular file")
    fifo = tmp_path / "pipe.npy"
    os.mkfifo(fifo)
    assert_one_line_error(cli("identify", str(fifo)), "not a regular file")
    config = tmp_path / "pipe.json"
    os.mkfifo(config)
    cache = tmp_path / "c.npz"
    np.savez(cache, cos=rope.rope_cache(8, 8)[0], sin=rope.rope_cache(8, 8)[1])
    assert_one_line_error(cli("identify", str(cache), "--rope-config", str(config)), "regular")


def test_f14_other_absurd_sizes_are_refused_at_once():
    calls = [
        (lambda: pe.textbook_table(10**9, 8), "at most 4194304"),
        (lambda: rope.rope_permutation(8, 10**8), "at most 16777216"),
        (lambda: identify_rope_cache(np.ones((2, 2 * 10**6))), "can be compared"),
        (lambda: precision.sample_positions(per_band=10**9), "per_band must be at most"),
    ]
    for call, message in calls:
        with pytest.raises(ValueError, match=message):
            call()
    assert_one_line_error(cli("accuracy", "--per-band", "1000000000"), "per_band must be at most")


# --------------------------------------------------------------------------- messages


def test_messages_name_the_real_problem(tmp_path):
    np.testing.assert_array_equal(
        pe.sinusoidal(np.array([0, 1, 2], dtype=object), 8), pe.sinusoidal(3, 8)
    )
    for bad in (None, (x for x in range(3)), {1, 2}, bytearray(b"ab"), np.ma.masked_array([1])):
        with pytest.raises(TypeError, match="positions must be"):
            pe.sinusoidal(bad, 8)
    with pytest.raises(ValueError, match="base must be a finite real number"):
        pe.sinusoidal(3, 8, base=2**1024)
    with pytest.raises(ValueError, match=r"pos must satisfy \|pos\| < 2\*\*53"):
        pe.textbook_pe(10**400, 0, 8)
    with pytest.raises(ValueError, match="fmt must be one of"):
        precision.max_exact_integer(None)
    with pytest.raises(TypeError, match="table must be a real numeric array"):
        conventions.convert(np.array([["a", "b"]]), "interleaved", "sin|cos")
    pickled = tmp_path / "objects.npy"
    np.save(pickled, np.array([object()], dtype=object), allow_pickle=True)
    assert_one_line_error(cli("identify", str(pickled)), "Python objects")
    bom = tmp_path / "bom.csv"
    table = conventions.get("whisper").table(12, 8)
    bom.write_text("\ufeff" + "\n".join(",".join(f"{v:.9g}" for v in r) for r in table))
    assert "verdict: " in cli("identify", str(bom)).out
    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    assert_one_line_error(cli("identify", str(loop)), "cannot read")
    assert_one_line_error(cli("identify", str(bom), "--key", "table"), "--key names an array")
    out = tmp_path / "out.bin"
    assert cli("table", "--d-model", "4", "--format", "npy", "--output", str(out)).code == 0
    assert out.exists()
    assert not (tmp_path / "out.bin.npy").exists()
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"rope_theta": "x"}), encoding="utf-8")


def test_argparse_errors_are_one_line_with_a_hint():
    for args in (["table", "--d-model", "x"], [], ["frobnicate"]):
        res = cli(*args)
        assert res.code == 2
        assert res.err.count("\n") == 1, res.err
        assert res.err.startswith("error: ")
        assert "--help" in res.err
