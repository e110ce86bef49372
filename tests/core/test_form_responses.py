"""The landlord's own words on the forms (issue 15, items 1 and 2): the responses file,
computed evidence as text, the title's date, the guidance, the governing body's approval and
response and the Member Responsible for Complaints, in every format."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from complaintrules.cli.main import EXIT_OK, EXIT_USAGE, main

ROOT = Path(__file__).resolve().parents[2]
LANDLORD = ROOT / "examples" / "landlord"
INPUTS = [
    str(LANDLORD / "policy.yaml"),
    "--organisation",
    str(LANDLORD / "organisation.yaml"),
    "--cases",
    str(LANDLORD / "cases.yaml"),
    "--as-of",
    "2025-03-31",
]
RESPONSES = str(LANDLORD / "responses.yaml")
#: Field paths (`a.b = c`, `stages[1].x`) and Python reprs must not reach the form.
CODE_LIKE = re.compile(r"\b[a-z_]+\.[a-z_]+ = |\{'|\[\d+\]\.|\b[a-z]+_[a-z_]+ = ")


def _run(tmp_path: Path, command: str, suffix: str, *extra: str) -> Path:
    out = tmp_path / f"out{suffix}"
    code = main([command, *INPUTS, *extra, "--output", str(out)])
    assert code == EXIT_OK
    return out


def _docx_text(path: Path) -> str:
    docx = pytest.importorskip("docx")
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def _text(path: Path) -> str:
    return _docx_text(path) if path.suffix == ".docx" else path.read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", [".md", ".html", ".csv", ".docx"])
def test_landlord_words_are_on_the_form_and_told_apart(tmp_path: Path, suffix: str) -> None:
    text = _text(_run(tmp_path, "self-assess", suffix, "--responses", RESPONSES))
    assert "Service request closure report (internal)" in text
    assert "https://www.example-homes.org.uk/complaints/policy#service-requests" in text
    assert "added closure reasons to the CRM" in text
    if suffix == ".csv":
        rows = {r["Code provision"]: r for r in csv.DictReader(io.StringIO(text))}
        assert "closure reasons" in rows["1.4"]["Landlord commentary"]
        assert "closure reasons" not in rows["1.4"]["Commentary / explanation"]
        assert "Stage 1 weekly performance report" in rows["6.3"]["Landlord evidence"]
        assert rows["1.2"]["Landlord evidence"] == ""
    else:
        assert "Landlord" in text
        assert "Checked by complaintrules" in text


def test_a_landlords_link_is_a_link_in_word(tmp_path: Path) -> None:
    """In Word, as in HTML and Markdown, the landlord's evidence title links to its
    address (which also follows in brackets, for a printed copy); an item without a link
    is plain text."""
    docx = pytest.importorskip("docx")
    document = docx.Document(str(_run(tmp_path, "self-assess", ".docx", "--responses", RESPONSES)))
    links = [
        (link.text, link.address)
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for paragraph in cell.paragraphs
        for link in paragraph.hyperlinks
    ]
    # the 1.4 cell is one cell object per row; each link once
    assert sorted(set(links)) == [
        (
            "Complaints Policy, section 5 (service requests)",
            "https://www.example-homes.org.uk/complaints/policy#service-requests",
        )
    ]
    texts = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert any(
        "Complaints Policy, section 5 (service requests) "
        "(https://www.example-homes.org.uk/complaints/policy#service-requests)" in t
        for t in texts
    )
    assert any("Service request closure report (internal)" in t for t in texts)


@pytest.mark.parametrize("suffix", [".md", ".html", ".csv", ".docx"])
def test_computed_evidence_reads_as_text_not_code(tmp_path: Path, suffix: str) -> None:
    text = _text(_run(tmp_path, "self-assess", suffix))
    assert "service requests, distinguished from complaints: yes" in text
    assert not CODE_LIKE.search(text), CODE_LIKE.search(text)


@pytest.mark.parametrize("suffix", [".md", ".html", ".docx"])
def test_title_date_guidance_and_governance_in_every_format(tmp_path: Path, suffix: str) -> None:
    text = _text(_run(tmp_path, "self-assess", suffix, "--responses", RESPONSES))
    assert (
        "Self-assessment against the Complaint Handling Code: Example Homes (31 March 2025)" in text
    )
    assert "signs it off at least once a year" in text  # the guidance, in our words
    assert "Member Responsible for Complaints: Helen Marsh" in text
    assert "approved by the Board on 2024-06-20" in text
    assert "Board of Example Homes on 2025-06-19" in text
    assert "progress report at every Customer Committee" in text


def test_without_a_response_the_form_says_none_is_recorded(tmp_path: Path) -> None:
    text = _text(_run(tmp_path, "self-assess", ".md"))
    assert "No response from the governing body is recorded yet" in text


def test_action_plan_carries_the_landlords_commentary(tmp_path: Path) -> None:
    text = _text(
        _run(
            tmp_path,
            "action-plan",
            ".csv",
            "--actions",
            str(LANDLORD / "actions.yaml"),
            "--responses",
            RESPONSES,
        )
    )
    rows = {r["Ref"]: r for r in csv.DictReader(io.StringIO(text))}
    assert "Landlord: Late stage 1 responses" in rows["6.3"]["Commentary"]
    assert "Landlord's evidence: Stage 1 weekly performance report" in rows["6.3"]["Commentary"]


@pytest.mark.parametrize(
    ("body", "line", "field", "why"),
    [
        ('provisions:\n  "66.3":\n    commentary: typo\n', 2, "provisions.66.3", "no provision"),
        (
            'provisions:\n  "6.3":\n    commentary: fine\n  "66.4": {commentary: typo}\n',
            4,
            "provisions.66.4",
            "no provision",
        ),
        ('provisions:\n  "6.3":\n    commentary: "  "\n', 3, "commentary", "at least 1"),
        (
            'provisions:\n  "6.3":\n    evidence:\n      - title: Report\n'
            "        link: reports/q3.pdf\n",
            5,
            "link",
            "URL",
        ),
        ('provisions:\n  "6.3": {}\n', 2, "provisions.6.3", "evidence, commentary or both"),
        ("pack: code_2020\n", 1, "pack", "the form is for code_2024"),
    ],
)
def test_bad_responses_exit_2_naming_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, line: int, field: str, why: str
) -> None:
    bad = tmp_path / "responses.yaml"
    bad.write_text(body, encoding="utf-8")
    assert main(["self-assess", *INPUTS, "--responses", str(bad)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{bad}:line {line}:" in err, err
    assert field in err and why in err, err
    assert "Traceback" not in err


def test_schema_describes_the_responses_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "responses"]) == EXIT_OK
    schema = capsys.readouterr().out
    assert '"provisions"' in schema and '"governing_body_response"' in schema
