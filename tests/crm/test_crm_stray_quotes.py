"""A stray quote in a CSV export costs its own row, never the rows after it.

A row in is a record of the file: one line, or several when a quoted cell holds line
breaks. Rows in = rows evaluated + rows rejected, and every data line of an export is
either a row of its own or inside a quoted cell of an accepted row.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaintrules import BulkSummary, Engine, InputError, evaluate_file, read_cases
from complaintrules.cli.main import main
from complaintrules.model.synthetic import HEADER, synthetic_rows

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"
ENGINE = Engine()


def _lines(n: int, seed: int, quoting: int = csv.QUOTE_MINIMAL) -> list[str]:
    """A synthetic export as lines of CSV text (header first), every row valid."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=quoting)
    writer.writerow(HEADER)
    writer.writerows(synthetic_rows(n, seed=seed))
    return out.getvalue().splitlines(keepends=True)


def _stray_quote(line: str, rng: random.Random) -> str:
    """The line with a quote opening one of its cells (the reference cell included)."""
    cells = line.rstrip("\n").split(",")
    k = rng.randrange(len(cells))
    cells[k] = '"' + cells[k]
    return ",".join(cells) + "\n"


def _rows_seen(summary: BulkSummary, evaluated: list[int]) -> list[int]:
    """The rows evaluated, rejected (a rejected row may list several problems) and, with an
    as-of date, not yet received by then."""
    rejected = {p.row for p in summary.rejected}
    assert len(rejected) == summary.rejected_rows
    later = [row for row, _ in summary.not_yet_received]
    assert len(later) == summary.not_yet_received_rows
    return sorted(evaluated + list(rejected) + later)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_stray_quote_rejects_its_own_row_only(tmp_path: Path, seed: int) -> None:
    n = 1500
    lines = _lines(n, seed)
    rng = random.Random(seed)
    corrupted = {i for i in range(2, n + 2) if rng.random() < 0.01}
    corrupted |= {40, 41}  # two stray quotes on neighbouring lines
    # the second quote opening an empty cell, so it closes the first one cleanly
    lines[41 - 1] = lines[41 - 1].replace(",,", ',",', 1)
    for number in sorted(corrupted - {41}):
        lines[number - 1] = _stray_quote(lines[number - 1], rng)
    path = tmp_path / "export.csv"
    path.write_text("".join(lines), encoding="utf-8")

    evaluated: list[int] = []
    summary = evaluate_file(
        path,
        MAPPING,
        engine=ENGINE,
        as_of=date(2025, 3, 31),
        on_result=lambda r: evaluated.append(r.row or 0),
        jobs=1,
        chunk_size=500,
    )
    assert summary.rows_in == summary.evaluated + summary.rejected_rows == n
    assert {p.row for p in summary.rejected} == corrupted
    assert summary.rejected_rows == len(corrupted)
    assert _rows_seen(summary, evaluated) == list(range(2, n + 2))  # every line a row
    for problem in summary.rejected:
        assert "unterminated quote" in problem.reason
        assert f"opens on line {problem.row}" in problem.reason
        assert f"reading resumes on line {problem.row + 1}" in problem.reason

    # the row-by-row reader agrees
    rows = list(read_cases(path, MAPPING))
    assert [r.row for r in rows] == list(range(2, n + 2))
    assert {r.row for r in rows if r.case is None} == corrupted


def test_a_stray_quote_with_two_workers(tmp_path: Path) -> None:
    lines = _lines(300, 5)
    for number in (10, 150, 151, 301):
        lines[number - 1] = _stray_quote(lines[number - 1], random.Random(number))
    path = tmp_path / "export.csv"
    path.write_text("".join(lines), encoding="utf-8")
    summary = evaluate_file(path, MAPPING, jobs=2, chunk_size=40)
    assert (summary.rows_in, summary.evaluated, summary.rejected_rows) == (300, 296, 4)
    assert sorted(p.row for p in summary.rejected) == [10, 150, 151, 301]


def test_a_quote_still_open_at_the_end_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        'reference,received_on,stage1.handler\nA,2024-05-01,"J Smith\nB,2024-05-02,P Kaur\n',
        encoding="utf-8",
    )
    rows = list(read_cases(path))
    assert [(r.row, r.ok) for r in rows] == [(2, False), (3, True)]
    assert rows[0].problems[0].column == ""
    assert "column 'stage1.handler'" in rows[0].problems[0].reason


def test_a_quoted_cell_may_hold_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "reference,received_on,stage1.handler\n"
        'A,2024-05-01,"J Smith\nHousing team, north\n\nCalled back, left a message, no reply"\n'
        'C,2024-05-03,"P Kaur, ""Lead"""\n'
        'D,2024-05-04,"M Osei\n(acting)"\n',
        encoding="utf-8",
    )
    rows = list(read_cases(path))
    assert [(r.row, r.ok) for r in rows] == [(2, True), (6, True), (7, True)]
    assert rows[0].case is not None and rows[0].case.stages[0].handler == (
        "J Smith\nHousing team, north\n\nCalled back, left a message, no reply"
    )
    assert rows[1].case is not None and rows[1].case.stages[0].handler == 'P Kaur, "Lead"'
    summary = evaluate_file(path, jobs=1)
    assert (summary.rows_in, summary.evaluated, summary.rejected_rows) == (3, 3, 0)


def test_the_command_names_the_rejected_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _lines(50, 9)
    lines[20 - 1] = _stray_quote(lines[20 - 1], random.Random(0))
    path = tmp_path / "export.csv"
    path.write_text("".join(lines), encoding="utf-8")
    code = main(["cases", str(path), "--mapping", str(MAPPING), "--format", "summary"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "rows: " not in out and '"in": 50' in out and '"rejected": 1' in out
    assert "row 20: unterminated quote" in err and "Traceback" not in err


# -- any bytes at all ------------------------------------------------------------------------

#: An export as most CRMs write it, and one that quotes every cell.
_BASES = {"minimal": _lines(25, 11), "all": _lines(25, 12, csv.QUOTE_ALL)}
_SIZE = len(_BASES["all"])


def _physical_lines(data: bytes) -> list[str]:
    """The file's lines as a reader sees them (any line end, bytes kept as they are)."""
    text = data.decode("utf-8", "surrogateescape")
    return io.StringIO(text, newline="").readlines()


@pytest.mark.parametrize("quoting", sorted(_BASES))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=_SIZE - 1),  # never the header
            st.integers(min_value=0, max_value=200),
            st.sampled_from(["insert", "replace"]),
            st.one_of(
                st.sampled_from([b'"', b'""', b",", b"\n", b"\r", b"\r\n", b"\xff", b"\xc3"]),
                st.binary(min_size=1, max_size=3),
            ),
        ),
        max_size=6,
    )
)
def test_rows_in_add_up_for_any_bytes(
    tmp_path_factory: pytest.TempPathFactory, quoting, edits
) -> None:  # type: ignore[no-untyped-def]
    base = _BASES[quoting]
    lines = [line.encode() for line in base]
    for number, at, how, chunk in edits:
        line = lines[number]
        at = min(at, len(line) - 1)  # keep the line's own end
        cut = at + (len(chunk) if how == "replace" else 0)
        lines[number] = line[:at] + chunk + line[min(cut, len(line) - 1) :]
    data = b"".join(lines)
    path = tmp_path_factory.mktemp("bytes") / "export.csv"
    path.write_bytes(data)

    evaluated: list[int] = []
    summary = evaluate_file(
        path,
        MAPPING,
        engine=ENGINE,
        as_of=date(2025, 3, 31),
        on_result=lambda r: evaluated.append(r.row or 0),
        jobs=1,
        chunk_size=7,
    )
    assert summary.rows_in == (
        summary.evaluated + summary.rejected_rows + summary.not_yet_received_rows
    )
    starts = _rows_seen(summary, evaluated)
    assert len(set(starts)) == len(starts)  # each row once
    physical = _physical_lines(data)
    # Every line left as the export wrote it is a row of its own: nothing swallowed.
    intact = [i for i, line in enumerate(physical, start=1) if i > 1 and line in base[1:]]
    assert set(intact) <= set(starts)
    # Every row starts on a line of the file that is not blank.
    assert all(1 < s <= len(physical) and physical[s - 1].strip() for s in starts)
    # The row-by-row reader sees the same rows (bulk also rejects a case no pack judges).
    rows = list(read_cases(path, MAPPING))
    assert [r.row for r in rows] == starts
    assert {r.row for r in rows if r.case is None} <= {p.row for p in summary.rejected}


def test_a_bad_header_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text('"reference,received_on\nA,2024-05-01\n', encoding="utf-8")
    with pytest.raises(InputError):
        list(read_cases(path))
