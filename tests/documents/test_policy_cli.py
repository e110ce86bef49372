"""`complaintrules read-policy`, and `check` / `self-assess` given the policy document:
end to end, and every bad document an exit 2 naming the file and what was expected."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from complaintrules.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from complaintrules.io.loading import load_policy
from complaintrules.io.policy_documents import read_policy_document
from complaintrules.io.policy_documents import structure as reader_structure

from .builders import build, pdf_bytes
from .policies import COMPLIANT, FAULTY

pytest.importorskip("docx")
pypdf = pytest.importorskip("pypdf")


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.parametrize("fmt", ["docx", "pdf", "html", "md", "txt"])
def test_read_policy_writes_yaml_that_check_loads_with_a_citation_per_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    doc = build(COMPLIANT, tmp_path / f"policy.{fmt}")
    out = tmp_path / "policy.yaml"
    code, _, err = _run(["read-policy", str(doc), "-o", str(out)], capsys)
    assert code == EXIT_OK and f"wrote {out}" in err
    text = out.read_text()
    assert load_policy(out) == read_policy_document(doc).policy()
    # every value line is preceded by the comment that cites it (the name is the title)
    lines = text.splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("#") or stripped.endswith(":") or not stripped:
            continue
        if stripped.startswith(("name:", "- number:", "informal:")):
            continue
        comments = [c for c in lines[max(0, i - 2) : i] if c.strip().startswith("# ")]
        assert comments, f"no citation above {line!r}"
    assert "  # 4.2: 'We will send our full response within 10 working days" in text
    assert yaml.safe_load(text)["stages"][0]["respond_working_days"] == 10


def test_check_reads_the_document_and_cites_it_beside_each_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = build(FAULTY, tmp_path / "procedure.docx")
    code, out, _ = _run(["check", str(doc), "--as-of", "2025-01-01"], capsys)
    assert code == EXIT_FAILED
    assert "FAIL  CHC24-2.3" in out
    assert (
        "cites Ashdown Living Customer Feedback Procedure, 1.2: 'Complaints must be raised "
        "within six months of the incident taking place.'"
    ) in out
    assert "cites Ashdown Living Customer Feedback Procedure, 2: 'Informal resolution'" in out


def test_check_passes_a_compliant_document_on_what_it_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = build(COMPLIANT, tmp_path / "policy.pdf")
    code, out, _ = _run(["check", str(doc), "--as-of", "2025-01-01", "--format", "json"], capsys)
    import json

    verdicts = {f["rule_id"]: f["verdict"] for f in json.loads(out)["findings"]}
    assert code == EXIT_OK
    for rule in ("CHC24-1.2", "CHC24-2.3", "CHC24-5.2", "CHC24-5.3", "CHC24-6.3", "CHC24-6.14"):
        assert verdicts[rule] == "pass", rule


def test_a_reviewed_yaml_wins_and_disagreements_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = build(FAULTY, tmp_path / "procedure.md")
    reviewed = tmp_path / "reviewed.yaml"
    _run(["read-policy", str(doc), "-o", str(reviewed)], capsys)
    # the reviewer corrects the time limit (say the board has approved 12 months)
    reviewed.write_text(
        reviewed.read_text().replace("time_limit_months: 6", "time_limit_months: 12")
    )
    code, out, _ = _run(
        ["check", str(reviewed), "--document", str(doc), "--as-of", "2025-01-01", "-v"], capsys
    )
    assert code == EXIT_FAILED
    assert f"Document {doc} and {reviewed} disagree on 1 value(s) ({reviewed} was judged):" in out
    assert (
        "exclusions.time_limit_months: the policy file says 12; the document says 6 "
        "(Ashdown Living Customer Feedback Procedure, 1.2: 'Complaints must be raised within "
        "six months of the incident taking place.')"
    ) in out
    # the file was judged: 2.3 fails on awareness only, no longer on the six months
    finding = out[out.index("FAIL  CHC24-2.3") :].splitlines()[1]
    assert "runs only from the issue" in finding and "6 months" not in finding


def test_the_same_file_and_document_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = build(COMPLIANT, tmp_path / "policy.html")
    reviewed = tmp_path / "reviewed.yaml"
    _run(["read-policy", str(doc), "-o", str(reviewed)], capsys)
    code, out, _ = _run(
        ["check", str(reviewed), "--document", str(doc), "--as-of", "2025-01-01"], capsys
    )
    assert code == EXIT_OK
    assert f"Document {doc} and {reviewed} agree on every value read." in out


def test_document_beside_a_document_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = build(COMPLIANT, tmp_path / "policy.md")
    code, _, err = _run(["check", str(doc), "--document", str(doc)], capsys)
    assert code == EXIT_USAGE and "is itself a document" in err


def test_self_assess_cites_the_policy_in_the_evidence_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = build(FAULTY, tmp_path / "procedure.txt")
    code, out, _ = _run(
        ["self-assess", str(doc), "--as-of", "2025-01-01", "--format", "csv"], capsys
    )
    assert code == EXIT_OK
    row = next(line for line in out.splitlines() if ",CHC24-6.3," in line)
    assert (
        "Ashdown Living Customer Feedback Procedure, 3.2: 'We will reply within 15 calendar" in row
    )
    assert "respond_working_days" not in row  # the policy's words, not field names


def test_read_policy_keeps_a_period_in_its_own_unit_with_its_citation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = build(
        [
            ("h1", "Harbourside Homes Complaints Procedure"),
            ("h2", "3 Stage 1"),
            ("p", "3.1 We will answer within 15 calendar days of acknowledging your complaint."),
            ("h2", "4 Stage 2"),
            ("p", "4.1 Escalations may be refused where we think the stage 1 reply was complete."),
        ],
        tmp_path / "procedure.docx",
    )
    out = tmp_path / "procedure.yaml"
    assert _run(["read-policy", str(doc), "-o", str(out)], capsys)[0] == EXIT_OK
    lines = out.read_text().splitlines()
    at = lines.index("    respond_within:")
    assert lines[at - 2].startswith("    # 3.1: 'We will answer within 15 calendar days")
    assert lines[at - 1] == "    # note: written as 15 calendar days: at most 11 working days"
    assert load_policy(out) == read_policy_document(doc).policy()
    code, text, _ = _run(
        ["check", str(out), "--document", str(doc), "--as-of", "2025-01-01"], capsys
    )
    assert code == EXIT_FAILED and "agree on every value read" in text
    assert "15 calendar days (at most 11 working days)" in text  # 6.3 fails on it
    assert "refuse stage 2 at its own discretion" in text  # 6.10


_TIME_LIMIT = (
    "Ashdown Living Customer Feedback Procedure, 1.2: 'Complaints must be raised within six "
    "months of the incident taking place.'"
)


def test_json_findings_cite_the_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    doc = build(FAULTY, tmp_path / "procedure.docx")
    code, out, _ = _run(["check", str(doc), "--as-of", "2025-01-01", "--format", "json"], capsys)
    assert code == EXIT_FAILED
    data = json.loads(out)
    assert data["schema_version"] == "1.2"
    finding = next(f for f in data["findings"] if f["rule_id"] == "CHC24-2.3")
    assert finding["citations"] == [_TIME_LIMIT]
    response = next(f for f in data["findings"] if f["rule_id"] == "CHC24-6.3")
    assert response["verdict"] == "fail"  # 15 calendar days from allocation
    assert any(
        c.startswith("Ashdown Living Customer Feedback Procedure, 3.2: ")
        for c in response["citations"]
    )
    assert all("stages[" not in c for f in data["findings"] for c in f.get("citations", []))


def test_a_yaml_policy_gains_no_citations_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    policy = Path(__file__).parents[2] / "examples" / "landlord" / "policy.yaml"
    _, out, _ = _run(["check", str(policy), "--as-of", "2025-01-01", "--format", "json"], capsys)
    assert all("citations" not in f for f in json.loads(out)["findings"])


@pytest.mark.parametrize("fmt", ["sarif", "markdown", "github"])
def test_ci_formats_cite_the_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    doc = build(FAULTY, tmp_path / "procedure.md")
    code, out, _ = _run(["check", str(doc), "--as-of", "2025-01-01", "--format", fmt], capsys)
    assert code == EXIT_FAILED
    if fmt == "sarif":
        import json

        results = json.loads(out)["runs"][0]["results"]
        result = next(r for r in results if r["ruleId"] == "CHC24-2.3")
        assert result["properties"]["policyCitations"] == [_TIME_LIMIT]
        assert f"Cited: {_TIME_LIMIT}" in result["message"]["text"]
    elif fmt == "markdown":
        row = next(line for line in out.splitlines() if "`CHC24-2.3`" in line)
        assert "cited: Ashdown Living Customer Feedback Procedure, 1.2: 'Complaints must" in row
    else:
        line = next(x for x in out.splitlines() if "CHC24-2.3" in x and x.startswith("::error"))
        assert "%0ACited: Ashdown Living Customer Feedback Procedure, 1.2" in line


def test_the_html_self_assessment_cites_the_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = build(FAULTY, tmp_path / "procedure.pdf")
    code, out, _ = _run(
        ["self-assess", str(doc), "--as-of", "2025-01-01", "--format", "html"], capsys
    )
    assert code == EXIT_OK
    assert "Ashdown Living Customer Feedback Procedure, 1.2: &#x27;Complaints must be raised" in out
    assert "exclusions.time_limit_months" not in out


# -- bad documents ----------------------------------------------------------------------


def _refused(path: Path, capsys: pytest.CaptureFixture[str], *expected: str) -> None:
    for argv in (["check", str(path)], ["read-policy", str(path)]):
        code, _out, err = _run(argv, capsys)
        assert code == EXIT_USAGE, argv
        assert f"{path}: " in err
        for words in expected:
            assert words in err


def test_a_docx_that_is_not_a_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "policy.docx"
    path.write_text("Complaints policy, typed in a text editor")
    _refused(path, capsys, "not a Word document: a .docx is a zip archive")


def test_a_zip_that_is_not_a_word_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "policy.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    _refused(path, capsys, "without word/document.xml")


def test_a_docx_that_unpacks_too_far(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = build(COMPLIANT, tmp_path / "policy.docx")
    monkeypatch.setattr(reader_structure, "MAX_UNPACKED_BYTES", 1000)
    _refused(path, capsys, "would unpack to", "zip bomb")


def test_an_old_binary_doc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "policy.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    _refused(path, capsys, "old binary Word (.doc)", "save it as .docx")


def test_a_corrupt_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "policy.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ntrailer garbage")
    _refused(path, capsys, "a damaged PDF that cannot be read")


def test_a_file_that_is_not_a_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "policy.pdf"
    path.write_text("<html>not a pdf</html>")
    _refused(path, capsys, "not a PDF")


def test_a_password_protected_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = pypdf.PdfReader(io.BytesIO(pdf_bytes([["Stage 1", "We reply in 10 working days."]])))
    writer = pypdf.PdfWriter()
    for page in plain.pages:
        writer.add_page(page)
    writer.encrypt("secret", algorithm="RC4-128")
    path = tmp_path / "policy.pdf"
    with path.open("wb") as f:
        writer.write(f)
    _refused(path, capsys, "password-protected")


def test_a_scanned_pdf_with_no_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "policy.pdf"
    path.write_bytes(pdf_bytes([[], []]))
    _refused(path, capsys, "no text layer")


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_an_empty_document(tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str) -> None:
    path = tmp_path / f"policy{suffix}"
    path.write_text("<html><body> </body></html>" if suffix == ".html" else "\n\n")
    _refused(path, capsys, f"no text found in the {suffix} document")


def test_an_empty_word_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import docx

    path = tmp_path / "policy.docx"
    docx.Document().save(str(path))
    _refused(path, capsys, "no text found in the .docx document")


def test_an_unknown_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "policy.rtf"
    path.write_text("{\\rtf1 Complaints policy}")
    _refused(path, capsys, "unknown suffix '.rtf'", ".docx, .pdf, .html")


def test_a_missing_reader_names_the_extra(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = build(COMPLIANT, tmp_path / "policy.pdf")
    monkeypatch.setitem(sys.modules, "pypdf", None)  # as if not installed
    _refused(path, capsys, 'reading a PDF needs pypdf: pip install "complaintrules[documents]"')


def test_read_policy_will_not_overwrite_its_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = build(COMPLIANT, tmp_path / "policy.md")
    before = doc.read_bytes()
    code, _, _err = _run(["read-policy", str(doc), "-o", str(doc)], capsys)
    assert code == EXIT_USAGE and doc.read_bytes() == before


def test_a_docx_with_an_oversized_xml_part(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = build(COMPLIANT, tmp_path / "policy.docx")
    monkeypatch.setattr(reader_structure, "MAX_XML_PART_BYTES", 500)
    _refused(path, capsys, "bytes of XML; the limit is 500")


def test_a_document_that_is_not_a_complaints_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A policy in Welsh (or any document that never mentions complaints) is refused once,
    not reported as silent on every provision."""
    path = tmp_path / "polisi.md"
    path.write_text(
        "# Polisi Cwynion\n\nByddwn yn ymateb o fewn 10 diwrnod gwaith.\n", encoding="utf-8"
    )
    _refused(path, capsys, "never mentions complaints", "in English")
