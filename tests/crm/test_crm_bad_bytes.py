"""Bytes that are not UTF-8 cost the row they are in: it is rejected, the rest is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from complaintrules import InputError, evaluate_file, read_cases
from complaintrules.cli.main import main

CSV = (
    "reference,received_on,stage1.handler\n"
    "A,2024-05-01,Zo\u00eb Smith\n"  # valid UTF-8 beyond ASCII
).encode() + (
    b"B,2024-05-02,P Ka\xffur\n"  # byte 18 of line 3 is not UTF-8
    b'C,2024-05-03,"M Osei\n(act\xc3ing)"\n'  # a cut-short character on line 5
    b"D,2024-05-06,L Evans\n"
)


def _jsonl() -> bytes:
    good = {"reference": "J1", "received_on": "2024-05-01"}
    return (
        json.dumps(good).encode()
        + b"\n"
        + b'{"reference": "J\xfe2", "received_on": "2024-05-01"}\n'
        + json.dumps(good | {"reference": "J3"}).encode()
        + b"\n"
    )


def _run(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object], str]:
    code = main(["cases", str(path), "--format", "summary", "--jobs", "1", "--no-fail"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_a_bad_byte_in_a_csv_rejects_its_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(CSV)
    code, report, err = _run(path, capsys)
    assert code == 2 and "Traceback" not in err
    assert report["rows"] == {
        "in": 4,
        "evaluated": 2,
        "rejected": 2,
        "duplicates": 0,
        "not_yet_received": 0,
    }
    assert "row 3: line 3: byte 18 of the line (0xff) is not valid UTF-8" in err
    assert "row 4: line 5: byte 5 of the line (0xc3) is not valid UTF-8" in err

    rows = list(read_cases(path))
    assert [(r.row, r.ok) for r in rows] == [(2, True), (3, False), (4, False), (6, True)]
    assert rows[0].case is not None and rows[0].case.stages[0].handler == "Zo\u00eb Smith"
    assert "expected UTF-8" in rows[1].problems[0].reason


def test_a_bad_byte_in_json_lines_rejects_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_bytes(_jsonl())
    code, report, err = _run(path, capsys)
    assert code == 2 and "Traceback" not in err
    assert report["rows"] == {
        "in": 3,
        "evaluated": 2,
        "rejected": 1,
        "duplicates": 0,
        "not_yet_received": 0,
    }
    assert "row 2: line 2: byte 17 of the line (0xfe) is not valid UTF-8" in err

    summary = evaluate_file(path, jobs=2, chunk_size=1)
    assert (summary.rows_in, summary.evaluated, summary.rejected_rows) == (3, 2, 1)
    assert [p.row for p in summary.rejected] == [2]


def test_another_encoding_named_in_the_mapping(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(CSV)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "encoding: latin-1\ncolumns: {reference: reference, received_on: received_on}\n",
        encoding="utf-8",
    )
    assert all(r.ok for r in read_cases(path, mapping))  # every byte is a latin-1 character


def test_a_bad_byte_in_the_header_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"reference,received\xe9_on\nA,2024-05-01\n")
    with pytest.raises(InputError, match=r"line 1: byte 19 of the line \(0xe9\)"):
        list(read_cases(path))
    assert main(["cases", str(path), "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert "not valid UTF-8" in err and "Traceback" not in err
