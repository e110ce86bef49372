"""The Ombudsman's annual submission: the organisation's details and, per provision, whether
the landlord complies, as a CSV file or an Excel workbook ready to upload.

Comply is ``Yes``, ``No`` or ``N/A``. A provision the self-assessment still marks
``Evidence needed`` is submitted as ``No`` (a landlord cannot state it complies with
nothing to show for it), and its note says evidence is needed, so the difference is kept.

The CSV file has one table: ``Part, Item, Value, Detail``; the organisation's details come
first (part ``Organisation``), then one row per provision (part ``Provision``: the provision,
Comply, our summary of the requirement and the note). The workbook has the same in two
sheets, *Organisation* and *Provisions*, with a Yes/No/N/A list on the Comply column.
Workbooks need openpyxl: ``pip install "complaintrules[office]"``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..model.organisation import Organisation
from .docx import MissingDependencyError
from .escaping import csv_text, xml_text
from .self_assessment import Comply, FormRow, SelfAssessmentForm

__all__ = [
    "CSV_COLUMNS",
    "PROVISION_COLUMNS",
    "Submission",
    "build_submission",
    "render_submission_csv",
    "render_submission_xlsx",
    "require_openpyxl",
]

CSV_COLUMNS = ("Part", "Item", "Value", "Detail")
PROVISION_COLUMNS = ("Section", "Code provision", "Comply", "Code requirement", "Note")
_SUBMITTED = {
    Comply.YES: "Yes",
    Comply.NO: "No",
    Comply.NEEDS_EVIDENCE: "No",
    Comply.NOT_APPLICABLE: "N/A",
}
_NOTE = {
    Comply.YES: "",
    Comply.NO: "Does not comply; see the action plan.",
    Comply.NEEDS_EVIDENCE: "Evidence needed: not shown to comply yet; see the self-assessment.",
    Comply.NOT_APPLICABLE: "Nothing gave occasion to judge it in the period.",
}


@dataclass(frozen=True, slots=True)
class Submission:
    """What is submitted: the organisation's details, then a row per provision."""

    details: tuple[tuple[str, str], ...]
    provisions: tuple[tuple[str, str, str, str, str], ...]


def _row(row: FormRow) -> tuple[str, str, str, str, str]:
    return (row.section, row.provision, _SUBMITTED[row.comply], row.requirement, _NOTE[row.comply])


def build_submission(form: SelfAssessmentForm, organisation: Organisation | None) -> Submission:
    """The submission for ``form``; the details read the organisation file."""
    governance = form.governance
    tally = form.tally()
    details: list[tuple[str, str]] = [
        ("Landlord", form.landlord),
        ("Code", f"{form.pack.title} ({form.pack.name} {form.pack.version})"),
        ("Assessed as of", form.as_of.isoformat() if form.as_of else ""),
        ("Member Responsible for Complaints", governance.member_responsible or ""),
        ("Complaints officer", governance.complaints_officer or ""),
    ]
    if organisation is not None and organisation.senior_lead is not None:
        lead = organisation.senior_lead
        details.append(("Senior lead", f"{lead.name} ({lead.role})" if lead.role else lead.name))
    details += [
        (
            "Latest recorded self-assessment completed on",
            governance.completed_on.isoformat() if governance.completed_on else "",
        ),
        (
            "Approved by the governing body on",
            governance.approved_on.isoformat() if governance.approved_on else "",
        ),
        ("Approved by", governance.approved_by or ""),
    ]
    stock = organisation.housing_stock if organisation is not None else None
    if stock is not None:
        details.append(("Homes owned", str(stock.homes_owned)))
        if stock.low_cost_rental is not None:
            details.append(("Low-cost rental homes", str(stock.low_cost_rental)))
        if stock.low_cost_home_ownership is not None:
            details.append(("Low-cost home ownership homes", str(stock.low_cost_home_ownership)))
    details += [
        ("Provisions", str(len(form.rows))),
        ("Comply: Yes", str(tally[Comply.YES])),
        ("Comply: No", str(tally[Comply.NO] + tally[Comply.NEEDS_EVIDENCE])),
        ("Comply: N/A", str(tally[Comply.NOT_APPLICABLE])),
    ]
    return Submission(details=tuple(details), provisions=tuple(_row(r) for r in form.rows))


def render_submission_csv(submission: Submission) -> str:
    rows: list[Sequence[str]] = [CSV_COLUMNS]
    rows += [("Organisation", item, value, "") for item, value in submission.details]
    rows += [
        ("Provision", provision, comply, f"{section}: {requirement}" + (f" {note}" if note else ""))
        for section, provision, comply, requirement, note in submission.provisions
    ]
    return csv_text(rows)


def _openpyxl() -> Any:
    try:
        import openpyxl
        import openpyxl.worksheet.datavalidation
    except ImportError:
        raise MissingDependencyError(
            'writing an Excel workbook needs openpyxl: pip install "complaintrules[office]"'
        ) from None
    return openpyxl


def require_openpyxl() -> None:
    """Raise :class:`MissingDependencyError` (with the install command) without openpyxl."""
    _openpyxl()


def _sheet(book: Any, title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Any:
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet(title)
    for values in (header, *rows):
        sheet.append([None] * len(values))
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.value = xml_text(value)
            # text, never a formula: a name such as "=HYPERLINK(...)" is shown as written
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, name in enumerate(header, start=1):
        longest = max([len(name), *(min(len(r[column - 1]), 80) for r in rows)])
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.column_dimensions[letter].width = min(longest + 2, 82)
    return sheet


def render_submission_xlsx(submission: Submission) -> bytes:
    """The submission as an .xlsx workbook's bytes: sheets Organisation and Provisions."""
    openpyxl = _openpyxl()
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    book.remove(book.active)
    _sheet(book, "Organisation", ("Item", "Value"), submission.details)
    provisions = _sheet(book, "Provisions", PROVISION_COLUMNS, submission.provisions)
    comply = DataValidation(type="list", formula1='"Yes,No,N/A"', allow_blank=False)
    provisions.add_data_validation(comply)
    comply.add(f"C2:C{len(submission.provisions) + 1}")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
