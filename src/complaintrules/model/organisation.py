"""Organisation facts: governance, reporting, stock, and people's attestations."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, HttpUrl

from .base import Date, InputModel

__all__ = [
    "AnnualReport",
    "Appointment",
    "Attestation",
    "BoardReport",
    "ExceptionalCircumstance",
    "HousingStock",
    "OmbudsmanRequest",
    "Organisation",
    "OrganisationalChange",
    "SelfAssessment",
    "StaffObjective",
    "StakeholderReport",
    "Training",
]


class Appointment(InputModel):
    """A named person or team holding a role."""

    name: str
    role: str | None = None
    appointed_on: Date | None = None
    on_governing_body: bool | None = None
    reports_to_governing_body: bool | None = None


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


class Attestation(InputModel):
    """A person's signed statement that a provision is (or is not) met, with its evidence."""

    provision: Annotated[str, Field(pattern=r"^\d+\.\d+$")]
    complies: bool = True
    statement: Annotated[str, Field(min_length=1)]
    evidence: Annotated[list[str], Field(min_length=1)]
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
    housing_stock: HousingStock | None = None
    attestations: list[Attestation] = []

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
