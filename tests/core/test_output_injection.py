"""Hostile text from input files through every output format (issue 12, item 13).

A landlord name, policy name, case reference and action lead carry a spreadsheet formula,
HTML that would run script, or control characters XML forbids. Every format must write
them as text: CSV cells escaped, no raw tags in Markdown or HTML, well-formed JUnit XML,
a Word document that is written and opens again.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from complaintrules.cli.main import main
from complaintrules.io.loading import YamlLoader
from complaintrules.reports.action_plan import ActionPlan, PlanRow
from complaintrules.reports.escaping import (
    markdown_text,
    spreadsheet_cell,
    terminal_text,
    xml_text,
)
from complaintrules.reports.forms import render_plan_csv
from complaintrules.reports.self_assessment import Comply

ROOT = Path(__file__).resolve().parents[2]
LANDLORD = ROOT / "examples" / "landlord"
CRM = ROOT / "examples" / "crm"

PAYLOADS = {
    "formula": '=HYPERLINK("http://x","y")',
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "control": "\x01\x0bC",
    # (no carriage return: the CSV reader rejects a row with one inside a cell, as documented)
    "terminal": "\x1b[2J\x1b]0;owned\x07OK\u202e\x9b",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XML_FORBIDDEN = {chr(c) for c in range(0x20)} - {"\t", "\n", "\r"}


def _yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=YamlLoader)


def _json_default(value: object) -> str:
    assert isinstance(value, date)
    return value.isoformat()


def _dump(path: Path, data: Any) -> str:
    path.write_text(json.dumps(data, default=_json_default), encoding="utf-8")
    return str(path)


@pytest.fixture(params=sorted(PAYLOADS))
def hostile(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The landlord example with the payload in names, evidence, case references, leads."""
    payload = PAYLOADS[request.param]
    organisation = _yaml(LANDLORD / "organisation.yaml")
    organisation["name"] = payload
    for attestation in organisation["attestations"]:
        attestation["evidence"] = [payload]
    policy = _yaml(LANDLORD / "policy.yaml")
    policy["name"] = payload
    cases = json.loads((LANDLORD / "cases.json").read_text(encoding="utf-8"))
    for number, case in enumerate(cases["cases"]):
        case["reference"] = f"{payload}-{number}"
    actions = _yaml(LANDLORD / "actions.yaml")
    actions["name"] = payload
    for action in actions["actions"]:
        action["lead"] = payload
    export = (CRM / "export.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    rows = list(csv.reader(export))
    for number, row in enumerate(rows[1:]):
        row[0] = f"{payload}-{number}"
    crm = io.StringIO()
    csv.writer(crm).writerows(rows)  # RFC 4180 line ends: a cell's carriage return is quoted
    (tmp_path / "export.csv").write_text(crm.getvalue(), encoding="utf-8", newline="")
    return {
        "payload": payload,
        "kind": request.param,
        "organisation": _dump(tmp_path / "organisation.json", organisation),
        "policy": _dump(tmp_path / "policy.json", policy),
        "cases": _dump(tmp_path / "cases.json", cases),
        "actions": _dump(tmp_path / "actions.json", actions),
        "export": str(tmp_path / "export.csv"),
        "tmp": str(tmp_path),
    }


def _inputs(h: dict[str, str]) -> list[str]:
    return [h["policy"], "--organisation", h["organisation"], "--cases", h["cases"]]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "Traceback" not in err
    return out


def _assert_cells_escaped(text: str, payload: str) -> None:
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    for cell in cells:
        if cell.startswith(_FORMULA_START) and set(cell) - {"-", "\n"}:
            float(cell)  # only a plain number may begin like a formula
    if payload.startswith(_FORMULA_START):
        assert any(c.startswith("'" + payload) for c in cells), "the payload never arrived"


def _assert_no_raw_tags(text: str, h: dict[str, str]) -> None:
    for tag in ("<script", "<img", "onerror=alert(1)>"):
        assert tag not in text
    if h["kind"] in ("script", "img"):
        assert markdown_text(h["payload"]) in text, "the payload never arrived"


def _assert_well_formed_xml(text: str, h: dict[str, str]) -> ET.Element:
    root = ET.fromstring(text.encode("utf-8"))
    assert not _XML_FORBIDDEN & set(text)
    if h["kind"] == "control":
        assert "\ufffd\ufffdC-" in text, "the payload never arrived"
    if h["kind"] == "terminal":
        assert xml_text(h["payload"]) in text, "the payload never arrived"
    return root


def test_check_in_every_format(capsys: pytest.CaptureFixture[str], hostile: dict[str, str]) -> None:
    args = ["check", *_inputs(hostile), "--as-of", "2025-03-31", "--format"]
    markdown = _run(capsys, *args, "markdown")
    _assert_no_raw_tags(markdown, hostile)
    junit = _run(capsys, *args, "junit")
    root = _assert_well_formed_xml(junit, hostile)
    assert root.tag == "testsuites" and int(root.get("tests", "0")) > 0
    assert all(suite.tag == "testsuite" for suite in root)
    assert xml_text(hostile["payload"]) in junit.replace("&lt;", "<").replace("&gt;", ">").replace(
        "&quot;", '"'
    )
    json.loads(_run(capsys, *args, "sarif"))
    json.loads(_run(capsys, *args, "json"))


@pytest.mark.parametrize("command", ["self-assess", "action-plan"])
def test_forms_in_every_format(
    capsys: pytest.CaptureFixture[str], hostile: dict[str, str], command: str
) -> None:
    args = [command, *_inputs(hostile), "--as-of", "2025-03-31", "--actions", hostile["actions"]]
    _assert_no_raw_tags(_run(capsys, *args, "--format", "markdown"), hostile)
    html = _run(capsys, *args, "--format", "html")
    for tag in ("<script", "<img"):
        assert tag not in html
    _assert_cells_escaped(_run(capsys, *args, "--format", "csv"), hostile["payload"])
    docx = pytest.importorskip("docx")
    target = Path(hostile["tmp"]) / f"{command}.docx"
    _run(capsys, *args, "--format", "docx", "--output", str(target))
    document = docx.Document(str(target))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert xml_text(hostile["payload"]) in text


def _assert_nothing_drives_the_terminal(text: str, h: dict[str, str]) -> None:
    shown = {c for c in text if c not in "\n\t" and (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0)}
    assert not shown, shown
    assert "\u202e" not in text
    if h["kind"] == "terminal":
        assert terminal_text(h["payload"]) in text, "the payload never arrived"


def test_check_as_text_shows_control_characters_as_escapes(
    capsys: pytest.CaptureFixture[str], hostile: dict[str, str]
) -> None:
    text = _run(capsys, "check", *_inputs(hostile), "--as-of", "2025-03-31", "--verbose")
    _assert_nothing_drives_the_terminal(text, hostile)


def test_cases_summary_and_rejections_on_stderr_show_control_characters_as_escapes(
    capsys: pytest.CaptureFixture[str], hostile: dict[str, str]
) -> None:
    # The payload also in a date cell (the row's rejection on stderr quotes the cell) and
    # as a repeated reference (the repeats are listed on stderr by reference).
    with Path(hostile["export"]).open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    rows[1][rows[0].index("Date Logged")] = hostile["payload"]
    rows[3][0] = rows[2][0]
    export = Path(hostile["tmp"]) / "export-bad-date.csv"
    with export.open("w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows(rows)
    argv = ["cases", str(export), "--mapping", str(CRM / "mapping.yaml")]
    argv += ["--as-of", "2025-03-31", "--jobs", "1", "--allow-rejected", "--format", "jsonl"]
    code = main(argv)
    _, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "row(s) rejected" in err and "repeat" in err
    _assert_nothing_drives_the_terminal(err, hostile)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_cases_findings(
    capsys: pytest.CaptureFixture[str], hostile: dict[str, str], fmt: str
) -> None:
    argv = ["cases", hostile["export"], "--mapping", str(CRM / "mapping.yaml")]
    out = _run(
        capsys, *argv, "--as-of", "2025-03-31", "--jobs", "1", "--allow-rejected", "--format", fmt
    )
    if fmt == "csv":
        _assert_cells_escaped(out, hostile["payload"])
    else:  # JSON Lines is not opened by spreadsheets: references stay exactly as given
        references = {json.loads(line)["reference"] for line in out.splitlines()}
        assert f"{hostile['payload']}-0" in references


# -- the helpers themselves ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-5", "-5"),
        ("+3.5", "+3.5"),
        ("-", "-"),
        ("-\n-", "-\n-"),
        ("-\n=1", "'-\n=1"),
        ("a=b", "a=b"),
        (12, 12),
    ],
)
def test_spreadsheet_cell(value: object, written: object) -> None:
    assert spreadsheet_cell(value) == written


def test_a_carriage_return_in_a_form_cell_stays_in_its_cell() -> None:
    row = PlanRow("1.1", "R-1.1", "One", "a\rb", "c\r\nd", Comply.NO, ())
    plan = ActionPlan("Landlord\rTwo", None, (row,), (), ())
    written = list(csv.reader(io.StringIO(render_plan_csv(plan))))
    assert len({len(r) for r in written}) == 1, written  # no cell broke its row
    assert [c for c in written[1] if c in ("a\nb", "c\nd")] == ["a\nb", "c\nd"]


def test_terminal_text_shows_controls_and_keeps_lines() -> None:
    assert terminal_text("a\x1b[2Jb\rc\u202ed\n\te\x9b") == "a\\x1b[2Jb\\x0dc\\u202ed\n\te\\x9b"
    assert terminal_text("plain £ text") == "plain £ text"


def test_markdown_text_keeps_cells_and_shows_tags() -> None:
    assert markdown_text("a|b<i>&\nc") == "a\\|b&lt;i&gt;&amp;<br>c"


def test_xml_text_replaces_what_xml_forbids() -> None:
    assert xml_text("a\x00b\x1fc\td\ue000\ufffe\ud800") == "a\ufffdb\ufffdc\td\ue000\ufffd\ufffd"
