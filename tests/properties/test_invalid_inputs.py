"""Every invalid input gets exit 2 naming the file and the field, line or row (issue 12).

Valid case files (YAML and JSON) and CRM exports (CSV, the synthetic export through the
example mapping) are generated, then broken in one place: a wrong type, an impossible
date, an unknown field, a missing required field, a key given twice, a byte that is not
UTF-8; and the CLI is run in-process. A case file is refused whole (exit 2, the file and
the field or line named, never a traceback). A bad CSV row is a rejected row: the export
is still read, every row is accounted for (rows in = evaluated + rejected + not yet
received), and the exit code is 2 unless --allow-rejected; a bad header refuses the file.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from complaintrules import Complaint
from complaintrules.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from complaintrules.model.synthetic import HEADER, synthetic_rows

from .strategies import FIRST, LAST, MAPPING, ROOT, bounded, stage_case, timeline

POLICY = ROOT / "examples" / "landlord" / "policy.yaml"
DATE_FIELDS = {"received_on", "on", "issued_on", "notified_on", "new_due", "requested_on"}
DATE_FIELDS |= {"withdrawn_on", "closed_on", "logged_on", "handler_assigned_on"}
REQUIRED = {"reference", "received_on", "number", "on", "issued_on", "notified_on", "new_due"}
REQUIRED |= {"type"}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# -- case files ---------------------------------------------------------------------------------

Place = tuple[str | int, ...]


def _places(node: Any, path: Place = ()) -> tuple[list[Place], list[Place]]:
    """Every mapping's path and every scalar's path in ``node``."""
    mappings: list[Place] = []
    leaves: list[Place] = []
    if isinstance(node, dict):
        mappings.append(path)
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return [], [path]
    for key, value in items:
        m, leaf = _places(value, (*path, key))
        mappings += m
        leaves += leaf
    return mappings, leaves


def _at(node: Any, path: Place) -> Any:
    for key in path:
        node = node[key]
    return node


def _dotted(path: Place) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else f".{key}" if out else key
    return out


#: a case in the stage form or an event list, under either Code
CASES = st.one_of(
    stage_case("X-1"),
    timeline(FIRST, (LAST - FIRST).days).map(lambda events: {"reference": "X-1", "events": events}),
)
DUP = "zz_duplicate_key_zz"


@st.composite
def broken_case_file(draw: st.DrawFn) -> tuple[str, bytes, str, list[str]]:
    """(suffix, file bytes, kind of mistake, words the message must contain)."""
    case = copy.deepcopy(draw(CASES))
    Complaint.model_validate(case)  # valid before it is broken
    doc: dict[str, Any] = {"cases": [case]}
    suffix = draw(st.sampled_from([".yaml", ".json"]))
    mappings, leaves = _places(doc)
    kind = draw(
        st.sampled_from(["type", "date", "unknown", "missing", "duplicate", "bytes", "number"])
    )
    named: str | list[str] = ""
    if kind == "type":  # a mapping where a scalar belongs
        path = draw(st.sampled_from(leaves))
        _at(doc, path[:-1])[path[-1]] = {"value": [1]}
        named = _dotted(path)
    elif kind == "number":  # a number where a date belongs (a Unix timestamp)
        dates = [p for p in leaves if p[-1] in DATE_FIELDS]
        path = draw(st.sampled_from(dates))
        _at(doc, path[:-1])[path[-1]] = 1714521600
        named = _dotted(path)
    elif kind == "date":
        dates = [p for p in leaves if p[-1] in DATE_FIELDS]
        path = draw(st.sampled_from(dates))
        bad = draw(st.sampled_from(["2023-02-29", "2024-04-31", "2024-13-01", "2024-00-10"]))
        _at(doc, path[:-1])[path[-1]] = bad
        named = _dotted(path)
    elif kind == "unknown":
        path = draw(st.sampled_from([m for m in mappings if m]))
        _at(doc, path)["remarks_x"] = "no such field"
        named = _dotted((*path, "remarks_x"))
    elif kind == "missing":
        present = [(*m, k) for m in mappings if m for k in _at(doc, m) if k in REQUIRED]
        path = draw(st.sampled_from(present))
        del _at(doc, path[:-1])[path[-1]]
        named = str(path[-1])
    elif kind == "duplicate":
        path = draw(st.sampled_from([m for m in mappings if m]))
        mapping = _at(doc, path)
        key = draw(st.sampled_from(sorted(mapping)))
        mapping[DUP] = mapping[key]
        named = f"{key}: duplicate key"
    if suffix == ".json":
        text = json.dumps(doc, indent=2)
        if kind == "duplicate":
            text = text.replace(json.dumps(DUP), json.dumps(key))
    else:
        text = yaml.safe_dump(doc, sort_keys=False)
        if kind == "duplicate":
            text = text.replace(f"{DUP}:", f"{key}:")
    data = text.encode()
    if kind == "bytes":
        at = draw(st.integers(0, len(data)))
        data = (
            data[:at] + draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80"])) + data[at:]
        )
        named = "not UTF-8 text"
    return suffix, data, kind, _naming(named)


def _naming(named: str | list[str]) -> list[str]:
    """What the message must contain to name a field. An event's fields are checked when
    the events are folded into the case, so the message names the case, then the event
    and its type, then the field: 'cases[0]: ... events[2].acknowledged.on: ...'; a bad
    event type is named by the event and the word 'type'."""
    if not isinstance(named, str) or not named.startswith("cases[0].events["):
        return [named] if isinstance(named, str) else named
    event, _, rest = named.removeprefix("cases[0].").partition("].")
    if rest == "type":
        return ["cases[0]", f"{event}]", "'type'"]
    return ["cases[0]", f"{event}].", f".{rest}"]


@bounded(70)
@given(broken=broken_case_file())
def test_a_broken_case_file_is_exit_2_naming_the_file_and_field(
    broken: tuple[str, bytes, str, list[str]], tmp_path_factory: pytest.TempPathFactory, capsys: Any
) -> None:
    suffix, data, kind, named = broken
    path = tmp_path_factory.mktemp("cases") / f"cases{suffix}"
    path.write_bytes(data)
    code, _, err = _run(
        ["check", str(POLICY), "--cases", str(path), "--as-of", "2025-06-30"], capsys
    )
    assert code == EXIT_USAGE, (kind, err)
    assert f"{path}:" in err, err
    for words in named:
        assert words in err, (kind, named, err)
    if kind in ("bytes", "duplicate") or (suffix == ".yaml" and kind in ("unknown", "type")):
        assert ":line " in err, err


# -- CSV exports ----------------------------------------------------------------------------

DATE_COLUMNS = [
    "Date Logged",
    "S1 Acknowledged",
    "S1 Extension Notified",
    "S1 Extended To",
    "S1 Response Sent",
    "S2 Requested",
    "S2 Acknowledged",
    "S2 Response Sent",
    "Withdrawn",
    "Closed",
]
#: (kind, column or None for any, bad value)
CELL_MISTAKES: list[tuple[str, list[str], list[str]]] = [
    ("date", DATE_COLUMNS, ["31/02/2024", "29/02/2023", "00/05/2024", "12/13/2024"]),
    ("type", DATE_COLUMNS, ["soon", "1714521600", "2024-05-01T00:00+01:00"]),
    ("type", ["S1 Definition Agreed", "S1 HOS Details Given"], ["perhaps", "2"]),
    ("type", ["Time Logged"], ["25:99", "noon"]),
    ("code", ["Contact Method"], ["Carrier pigeon"]),
    ("code", ["S1 Outcome", "S2 Outcome"], ["Sort of"]),
    ("missing", ["Case Ref", "Date Logged"], [""]),
]


@st.composite
def broken_export(draw: st.DrawFn) -> tuple[list[list[str]], dict[int, str], date]:
    """Rows of a synthetic export (header first) with some rows broken, the broken rows'
    numbers and the column named (None for a row whose bytes are bad), and an as-of date."""
    start = draw(st.sampled_from([date(2022, 9, 1), date(2023, 10, 1), date(2024, 4, 1)]))
    n = draw(st.integers(2, 8))
    rows = [list(r) for r in synthetic_rows(n, seed=draw(st.integers(0, 10**6)), start=start)]
    broken: dict[int, str] = {}
    for i in sorted(draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n))):
        kind = draw(st.sampled_from(["cell", "cell", "cell", "wide", "bytes"]))
        if kind == "cell":
            _, columns, values = draw(st.sampled_from(CELL_MISTAKES))
            column = draw(st.sampled_from(columns))
            rows[i][HEADER.index(column)] = draw(st.sampled_from(values))
            broken[i + 2] = column
        elif kind == "wide":
            rows[i].append("one cell too many")
            broken[i + 2] = ""
        else:
            column = draw(st.sampled_from(HEADER))
            rows[i][HEADER.index(column)] += "\udcff"  # written back as the byte 0xff
            broken[i + 2] = ""
    as_of = start + timedelta(days=draw(st.integers(0, 500)))
    return [HEADER, *rows], broken, as_of


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8", "surrogateescape"))


@bounded(30)
@given(export=broken_export())
def test_every_bad_csv_row_is_rejected_and_counted(
    export: tuple[list[list[str]], dict[int, str], date],
    tmp_path_factory: pytest.TempPathFactory,
    capsys: Any,
) -> None:
    rows, broken, as_of = export
    folder = tmp_path_factory.mktemp("export")
    path = folder / "export.csv"
    _write_csv(path, rows)
    summary_path = folder / "summary.json"
    argv = ["cases", str(path), "--mapping", str(MAPPING), "--as-of", as_of.isoformat()]
    argv += ["--jobs", "1"]  # one process: a few rows do not need workers
    argv += ["--format", "summary", "--summary", str(summary_path)]
    code, _, err = _run(argv, capsys)
    assert code == EXIT_USAGE
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    counts = summary["rows"]
    assert counts["in"] == len(rows) - 1
    assert counts["in"] == counts["evaluated"] + counts["rejected"] + counts["not_yet_received"]
    rejected = {r["row"] for r in summary["rejected"]}
    assert rejected == set(broken)
    for row, column in broken.items():
        line = next(line for line in err.splitlines() if f"{path}: row {row}:" in line)
        assert column in line, (column, line)
    # --allow-rejected: the rows are still listed, and the exit code is the verdicts' own
    code, _, err = _run([*argv, "--allow-rejected"], capsys)
    allowed = json.loads(summary_path.read_text(encoding="utf-8"))
    assert allowed["rows"] == counts and code == (EXIT_FAILED if allowed["failures"] else EXIT_OK)
    assert f"{len(broken)} row(s) rejected" in err
    code, _, _ = _run([*argv, "--allow-rejected", "--no-fail"], capsys)
    assert code == EXIT_OK


@st.composite
def broken_header(draw: st.DrawFn) -> tuple[list[str], str]:
    """A header with a mapped column renamed, repeated, or holding a bad byte; the column."""
    header = list(HEADER)
    column = draw(st.sampled_from(HEADER))
    i = header.index(column)
    kind = draw(st.sampled_from(["renamed", "repeated", "bytes"]))
    if kind == "renamed":
        header[i] = column + " (old)"
    elif kind == "repeated":
        header.append(column)
    else:
        header[i] = column + "\udcff"
        column = "header"
    return header, column


@bounded(20)
@given(broken=broken_header(), seed=st.integers(0, 10**6))
def test_a_bad_header_refuses_the_export_naming_it(
    broken: tuple[list[str], str],
    seed: int,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: Any,
) -> None:
    header, column = broken
    path = tmp_path_factory.mktemp("export") / "export.csv"
    rows = [r + [""] * (len(header) - len(r)) for r in synthetic_rows(3, seed=seed)]
    _write_csv(path, [header, *rows])
    argv = ["cases", str(path), "--mapping", str(MAPPING), "--as-of", "2025-06-30", "--jobs", "1"]
    code, _, err = _run([*argv, "--format", "summary", "--allow-rejected"], capsys)
    assert code == EXIT_USAGE
    assert path.name in err and column in err, err
