"""The reader: the same policy read from Word, PDF, HTML, Markdown and text gives the same
blocks where the formats can say the same, and the same facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from complaintrules.io.policy_documents import read_policy_document, read_policy_text

from .builders import FORMATS, build
from .policies import COMPLIANT, FAULTY, SPARSE

pytest.importorskip("docx")
pytest.importorskip("pypdf")


@pytest.mark.parametrize("spec", [COMPLIANT, FAULTY, SPARSE], ids=["compliant", "faulty", "sparse"])
def test_every_format_reads_to_the_same_policy(tmp_path: Path, spec: list[tuple[str, str]]) -> None:
    readings = {}
    for fmt in FORMATS:
        extraction = read_policy_document(build(spec, tmp_path / f"policy.{fmt}"))
        readings[fmt] = (
            extraction.policy().model_dump(mode="json", exclude_none=True),
            sorted(
                (f.path, f.state.value, f.citation.place if f.citation else None)
                for f in extraction.facts
            ),
        )
    first = readings["docx"]
    for fmt, reading in readings.items():
        assert reading == first, fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_numbered_sections_are_kept_as_written(tmp_path: Path, fmt: str) -> None:
    doc = read_policy_text(build(COMPLIANT, tmp_path / f"policy.{fmt}"))
    assert doc.title == "Brookfield Homes Complaints Policy"
    headings = [(b.number, b.text) for b in doc.blocks if b.kind == "heading" and b.number]
    assert headings[:2] == [("1", "What a complaint is"), ("2", "Time limits")]
    at = next(i for i, b in enumerate(doc.blocks) if b.text.startswith("We will acknowledge"))
    assert doc.blocks[at].number == "4.1"
    assert doc.place(at) == "4.1"


def test_word_numbering_lists_and_tables(tmp_path: Path) -> None:
    """Word's own list numbering (not typed) and table rows become blocks, cited by the
    section and the item's number."""
    spec = [
        ("h1", "Policy"),
        ("h2", "3 Complaints we will not accept"),
        ("li", "Matters already decided by a court."),
        ("li", "Claims for damage that belong with an insurer."),
        ("h2", "4 Timescales"),
        ("row", "Step | Acknowledge | Respond"),
        ("row", "Stage 1 | 5 working days | 10 working days"),
        ("row", "Stage 2 | 5 working days | 20 working days"),
    ]
    path = build(spec, tmp_path / "policy.docx")
    doc = read_policy_text(path)
    items = [(b.number, b.text) for b in doc.blocks if b.kind == "item"]
    assert items == [
        ("1", "Matters already decided by a court."),
        ("2", "Claims for damage that belong with an insurer."),
    ]
    second = next(i for i, b in enumerate(doc.blocks) if b.text.startswith("Claims"))
    assert doc.place(second) == "3, 2"
    assert doc.blocks[1].text == "Complaints we will not accept"
    rows = [b.text for b in doc.blocks if b.kind == "row"]
    assert rows[1] == "Stage 1 | 5 working days | 10 working days"
    policy = read_policy_document(path).policy()
    assert policy.stage(1) is not None and policy.stage(1).respond_working_days == 10  # type: ignore[union-attr]
    assert policy.stage(2) is not None and policy.stage(2).respond_working_days == 20  # type: ignore[union-attr]


def test_html_ignores_navigation_scripts_and_footers(tmp_path: Path) -> None:
    """The page around the policy (menus, scripts, footers) is not read as the policy:
    the builder puts "Stage 5", "Stage 7" and "Stage 9" there."""
    extraction = read_policy_document(build(COMPLIANT, tmp_path / "policy.html"))
    assert [s.number for s in extraction.policy().stages or []] == [1, 2]


def test_unnumbered_sections_are_cited_by_heading(tmp_path: Path) -> None:
    spec = [
        ("h1", "Policy"),
        ("h2", "How long we take"),
        ("p", "Some background first."),
        ("p", "Stage 1: we will respond within 10 working days of receiving your complaint."),
    ]
    extraction = read_policy_document(build(spec, tmp_path / "policy.md"))
    fact = extraction.fact("stages[1].respond_working_days")
    assert fact is not None and fact.citation is not None
    assert fact.citation.place == "'How long we take', paragraph 2"
    assert extraction.citations()["stages[1].respond_working_days"].startswith(
        "Policy, 'How long we take', paragraph 2: 'Stage 1: we will respond"
    )


def test_reading_is_deterministic(tmp_path: Path) -> None:
    path = build(FAULTY, tmp_path / "policy.pdf")
    assert read_policy_document(path).facts == read_policy_document(path).facts


def test_the_guides_example_document_is_the_one_in_the_tests(tmp_path: Path) -> None:
    """examples/draft-policy.docx is built from NORTHFIELD_DRAFT (rebuild it with
    ``python -m tests.documents.policies`` after changing the text)."""
    from .policies import NORTHFIELD_DRAFT

    example = Path(__file__).resolve().parents[2] / "examples" / "draft-policy.docx"
    fresh = build(NORTHFIELD_DRAFT, tmp_path / "draft-policy.docx")
    assert read_policy_document(example).facts == read_policy_document(fresh).facts


def forty_pages() -> list[tuple[str, str]]:
    """A compliant policy padded to about forty pages (benchmarks/policy_reader.py too)."""
    spec = list(COMPLIANT)
    for section in range(7, 47):  # about a page each
        spec.append(("h2", f"{section} Further guidance part {section}"))
        for para in range(1, 9):
            spec.append(
                (
                    "p",
                    f"{section}.{para} We keep records of every contact and review them with "
                    "the resident where that helps. Staff receive training each year, and "
                    "managers check a sample of cases every month to learn from them.",
                )
            )
    return spec


def test_a_forty_page_policy_is_read_whole(tmp_path: Path) -> None:
    spec = forty_pages()
    for fmt in ("docx", "pdf"):
        path = build(spec, tmp_path / f"long.{fmt}")
        # its time to read is a figure of benchmarks/policy_reader.py, not of this test
        extraction = read_policy_document(path)
        assert extraction.fact("stages[1].respond_working_days").value == 10  # type: ignore[union-attr]


def test_word_heading_numbering_in_the_styles(tmp_path: Path) -> None:
    """Headings numbered by Word itself (multi-level numbering attached to the heading
    styles, as most Word policies are): the numbers are counted as Word shows them."""
    import docx
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        etree.fromstring(
            f'<w:abstractNum xmlns:w="{w}" w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="%1"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="%1.%2"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(
        etree.fromstring(f'<w:num xmlns:w="{w}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    for style, level in (("Heading 1", 0), ("Heading 2", 1)):
        element = document.styles[style].element
        p_pr = element.find(f"{{{w}}}pPr")
        if p_pr is None:
            p_pr = etree.SubElement(element, f"{{{w}}}pPr")
        p_pr.insert(
            0,
            etree.fromstring(
                f'<w:numPr xmlns:w="{w}"><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
            ),
        )
    document.add_heading("Oakhill Homes Complaints Policy", 0)
    document.add_heading("Stage 1", 1)
    document.add_heading("Acknowledging complaints", 2)
    document.add_paragraph("We will acknowledge your complaint within 5 working days.")
    document.add_heading("Responding", 2)
    document.add_paragraph("We will respond within 10 working days of acknowledging it.")
    document.add_heading("Stage 2", 1)
    document.add_heading("Responding", 2)
    document.add_paragraph("We will respond within 20 working days of the escalation request.")
    path = tmp_path / "policy.docx"
    document.save(str(path))

    doc = read_policy_text(path)
    headings = [(b.number, b.text) for b in doc.blocks if b.kind == "heading"]
    assert headings == [
        (None, "Oakhill Homes Complaints Policy"),
        ("1", "Stage 1"),
        ("1.1", "Acknowledging complaints"),
        ("1.2", "Responding"),
        ("2", "Stage 2"),
        ("2.1", "Responding"),
    ]
    extraction = read_policy_document(path)
    assert extraction.citations()["stages[1].respond_working_days"] == (
        "Oakhill Homes Complaints Policy, 1.2, paragraph 1: 'We will respond within 10 "
        "working days of acknowledging it.'"
    )
    assert extraction.policy().stage(2).respond_working_days == 20  # type: ignore[union-attr]


def test_pdf_page_furniture_is_not_read_as_the_policy(tmp_path: Path) -> None:
    """A running header and "Page N of M" footers on every page are dropped, so they do not
    break a paragraph that runs over a page."""
    from .builders import pdf_bytes

    header = "Oakhill Homes - Complaints Policy v2"
    pages = [
        [header, "4 Stage 1", "4.1 We will respond within ten", "Page 1 of 3"],
        [header, "working days of acknowledging your complaint.", "5 Stage 2", "Page 2 of 3"],
        [
            header,
            "5.1 We will respond within 20 working days of",
            "the escalation request.",
            "Page 3 of 3",
        ],
    ]
    path = tmp_path / "policy.pdf"
    path.write_bytes(pdf_bytes(pages, title="Oakhill Homes Complaints Policy"))
    doc = read_policy_text(path)
    assert all("Page" not in b.text and header not in b.text for b in doc.blocks)
    extraction = read_policy_document(path)
    fact = extraction.fact("stages[1].respond_working_days")
    assert fact is not None and fact.value == 10
    assert fact.citation is not None and fact.citation.quote == (
        "We will respond within ten working days of acknowledging your complaint."
    )
    assert extraction.policy().stage(2).respond_working_days == 20  # type: ignore[union-attr]


def test_word_content_controls_are_read(tmp_path: Path) -> None:
    """Paragraphs inside a content control (as templates and cover pages have) are read."""
    import docx
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    document = docx.Document()
    document.add_heading("Stage 1", 1)
    body = document.element.body
    sdt = etree.fromstring(
        f'<w:sdt xmlns:w="{w}"><w:sdtContent><w:p><w:r><w:t>We will respond within 10 '
        "working days of acknowledging your complaint.</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    body.insert(len(body) - 1, sdt)  # before the section properties
    path = tmp_path / "policy.docx"
    document.save(str(path))
    assert read_policy_document(path).policy().stage(1).respond_working_days == 10  # type: ignore[union-attr]
