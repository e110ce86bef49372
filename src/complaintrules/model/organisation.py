"""Organisation facts: governance, reporting, stock, and people's attestations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, HttpUrl, model_validator

from .base import Date, InputModel

__all__ = [
    "AnnualReport",
    "Appointment",
    "Attestation",
    "BoardReport",
    "EvidenceDocument",
    "ExceptionalCircumstance",
    "HousingStock",
    "LearningEntry",
    "OmbudsmanDetermination",
    "OmbudsmanFinding",
    "OmbudsmanRequest",
    "Organisation",
    "OrganisationalChange",
    "SelfAssessment",
    "StaffObjective",
    "StakeholderReport",
    "Training",
    "YearVolumes",
]


class Appointment(InputModel):
    """A named person or team holding a role."""

    name: str
    role: str | None = None
    appointed_on: Date | None = None
    on_governing_body: bool | None = None
    reports_to_governing_body: bool | None = None
    remedy_limit: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)] | None = Field(
        default=None,
        description=(
            "The most, in pounds, the holder may award to put a complaint right without "
            "referring it to anyone else (their delegated authority)."
        ),
    )


class BoardReport(InputModel):
    """A paper on complaints that went to the governing body (or the MRC)."""

    on: Date
    covers: list[str] = Field(
        default=[],
        description=(
            "What it covered: volumes_and_performance, themes_and_trends, "
            "ombudsman_investigations, annual_report."
        ),
    )
    presented_by: Annotated[str, Field(min_length=1)] | None = Field(
        default=None,
        description=(
            "Who brought it to the governing body (the Member Responsible for Complaints, "
            "by the name member_responsible_for_complaints gives, or another)."
        ),
    )


class AnnualReport(InputModel):
    """The annual complaints performance and service improvement report."""

    period_start: Date
    period_end: Date
    contents: list[str] = Field(
        default=[],
        description=(
            "Sections it contains: self_assessment, performance_analysis, "
            "ombudsman_noncompliance_findings, service_improvements, "
            "ombudsman_annual_letter, other_ombudsman_reports."
        ),
    )
    reported_to_governing_body_on: Date | None = None
    published_on: Date | None = None
    url: HttpUrl | None = None
    governing_body_response_published_on: Date | None = None


class SelfAssessment(InputModel):
    completed_on: Date
    approved_by_governing_body_on: Date | None = None
    approved_by: str | None = Field(
        default=None,
        description="The governing body (or its committee) that approved it, e.g. 'Board'.",
    )
    published_on: Date | None = None
    reason: str | None = None
    third_stage_reasons: str | None = Field(
        default=None,
        description="Why the landlord keeps a third complaint stage (2020/2022 Code only).",
    )


class OrganisationalChange(InputModel):
    """A restructure, merger or change of procedure that calls for a fresh self-assessment."""

    on: Date
    description: str


class ExceptionalCircumstance(InputModel):
    """An event (a cyber attack, say) that stopped the landlord meeting the Code."""

    started_on: Date
    description: str
    ombudsman_informed_on: Date | None = None
    residents_informed_on: Date | None = None
    published_on: Date | None = None
    expected_return_on: Date | None = None


class OmbudsmanRequest(InputModel):
    """The Ombudsman asking, after an investigation, for the self-assessment to be reviewed
    and updated (2024 Code, 8.4)."""

    requested_on: Date
    investigation: str | None = Field(
        default=None, description="The Ombudsman's reference for the investigation."
    )
    due_on: Date | None = Field(
        default=None, description="The date the Ombudsman asked for the update by."
    )
    met_on: Date | None = Field(
        default=None, description="When the reviewed self-assessment was completed and sent."
    )


class OmbudsmanFinding(StrEnum):
    """The Ombudsman's finding on a complaint it investigated (the most serious one, where
    it made several), as its determinations word them."""

    SEVERE_MALADMINISTRATION = "severe_maladministration"
    MALADMINISTRATION = "maladministration"
    SERVICE_FAILURE = "service_failure"
    REASONABLE_REDRESS = "reasonable_redress"
    NO_MALADMINISTRATION = "no_maladministration"
    OUTSIDE_JURISDICTION = "outside_jurisdiction"


class OmbudsmanDetermination(InputModel):
    """The Ombudsman's determination on one of the landlord's complaints, for the annual
    complaints report (2024 Code, 8.1). Keyed to the complaint's case reference, which
    may be a complaint of an earlier year."""

    case: Annotated[str, Field(min_length=1)] = Field(
        description="The reference of the complaint the Ombudsman determined."
    )
    determined_on: Date
    finding: OmbudsmanFinding
    reference: Annotated[str, Field(min_length=1)] | None = Field(
        default=None, description="The Ombudsman's own reference for the case."
    )
    code_non_compliance: bool | None = Field(
        default=None,
        description="The Ombudsman found the landlord had not complied with the Code.",
    )
    summary: Annotated[str, Field(min_length=1)] | None = None


class StaffObjective(InputModel):
    in_place: bool
    covers_third_parties: bool | None = None
    share_of_relevant_staff: Annotated[float, Field(ge=0, le=1)] | None = None


class Training(InputModel):
    on: Date
    audience: str
    topic: str | None = None


class StakeholderReport(InputModel):
    on: Date
    audience: str
    summary: str | None = None


class HousingStock(InputModel):
    homes_owned: Annotated[int, Field(ge=0)]
    as_at: Date
    low_cost_rental: Annotated[int, Field(ge=0)] | None = None
    low_cost_home_ownership: Annotated[int, Field(ge=0)] | None = None


class YearVolumes(InputModel):
    """One past reporting year's complaint volumes, as the landlord reported them for the
    Tenant Satisfaction Measure CH01: complaints received in the year and homes owned at
    its end."""

    year_ending: Date = Field(description="The last day of the reporting year.")
    homes_owned: Annotated[int, Field(gt=0)]
    stage1_complaints: Annotated[int, Field(ge=0)]
    stage2_complaints: Annotated[int, Field(ge=0)] | None = None


class LearningEntry(InputModel):
    """One lesson drawn from a complaint, keyed to the complaint's case reference, and the
    action it led to."""

    case: Annotated[str, Field(min_length=1)] = Field(
        description="The reference of the complaint the lesson came from."
    )
    lesson: Annotated[str, Field(min_length=1)] | None = None
    lesson_on: Date | None = Field(default=None, description="When the lesson was recorded.")
    action: Annotated[str, Field(min_length=1)] | None = Field(
        default=None, description="The change to the service decided because of it."
    )
    action_due: Date | None = None
    action_done_on: Date | None = None


class EvidenceDocument(InputModel):
    """A document an attestation rests on: its title, where to find it (a link or the
    landlord's own document reference) and its date."""

    title: Annotated[str, Field(min_length=1)]
    link: HttpUrl | None = None
    reference: Annotated[str, Field(min_length=1)] | None = None
    dated: Date

    @model_validator(mode="after")
    def _findable(self) -> EvidenceDocument:
        if self.link is None and self.reference is None:
            raise ValueError("give the document's link or its reference, so it can be found")
        return self

    def cite(self) -> str:
        """The document as a form cites it: title (link or reference, dated ...)."""
        where = "; ".join(str(w) for w in (self.reference, self.link) if w is not None)
        return f"{self.title} ({where}, dated {self.dated.isoformat()})"


class Attestation(InputModel):
    """A person's signed statement that a provision is (or is not) met, with its evidence."""

    provision: Annotated[str, Field(pattern=r"^\d+\.\d+$")]
    complies: bool = True
    statement: Annotated[str, Field(min_length=1)]
    evidence: Annotated[
        list[Annotated[str, Field(min_length=1)] | EvidenceDocument], Field(min_length=1)
    ] = Field(
        description=(
            "What it rests on: each a document named by its title, link or reference and "
            "date ({title, link or reference, dated}), or a line of text."
        )
    )
    on: Date
    by: Annotated[str, Field(min_length=1)]
    pack: str | None = Field(
        default=None,
        description="The pack it is given for; unset means any pack with this provision.",
    )


class Organisation(InputModel):
    """Governance facts about the landlord, and its people's attestations."""

    name: str
    complaints_officer: Appointment | None = None
    senior_lead: Appointment | None = None
    member_responsible_for_complaints: Appointment | None = None
    governing_body_reports: list[BoardReport] = []
    annual_reports: list[AnnualReport] = []
    self_assessments: list[SelfAssessment] = []
    organisational_changes: list[OrganisationalChange] = []
    exceptional_circumstances: list[ExceptionalCircumstance] = []
    ombudsman_requests: list[OmbudsmanRequest] | None = Field(
        default=None,
        description=(
            "Requests from the Ombudsman to review the self-assessment; an empty list "
            "records that there were none, unset means not recorded."
        ),
    )
    staff_objective: StaffObjective | None = None
    training: list[Training] = []
    stakeholder_reports: list[StakeholderReport] = []
    service_request_reviews: list[Date] = []
    learning_log: list[LearningEntry] | None = Field(
        default=None,
        description=(
            "Lessons from complaints, each keyed to a case reference; an empty list records "
            "that none were drawn, unset means not recorded."
        ),
    )
    housing_stock: HousingStock | None = None
    complaint_volumes: list[YearVolumes] = Field(
        default=[],
        description=(
            "Earlier reporting years' complaint volumes (CH01), one entry a year, to read "
            "the trend of the volume the cases give."
        ),
    )
    attestations: list[Attestation] = []
    ombudsman_determinations: list[OmbudsmanDetermination] | None = Field(
        default=None,
        description=(
            "The Ombudsman's determinations on the landlord's complaints, for the annual "
            "report; an empty list records that there were none, unset means not recorded."
        ),
    )

    @model_validator(mode="after")
    def _one_entry_a_year(self) -> Organisation:
        seen: dict[date, int] = {}
        for i, v in enumerate(self.complaint_volumes):
            if v.year_ending in seen:
                raise ValueError(
                    f"complaint_volumes[{i}] repeats the year ending "
                    f"{v.year_ending.isoformat()} of complaint_volumes[{seen[v.year_ending]}]; "
                    "give one entry a year"
                )
            seen[v.year_ending] = i
        return self

    def attestation_for(
        self, provision: str, pack: str, *, on: date | None = None
    ) -> Attestation | None:
        """The most recent attestation for ``provision`` that applies to ``pack`` (with
        ``on``, the most recent signed on or before that date)."""
        matching = [
            a
            for a in self.attestations
            if a.provision == provision
            and (a.pack is None or a.pack == pack)
            and (on is None or a.on <= on)
        ]
        return max(matching, key=lambda a: a.on) if matching else None
