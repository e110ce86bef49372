"""The landlord's complaints policy, as a policy writer describes it in YAML.

Every field is optional: a draft that does not say something yields ``needs_evidence`` for
the provisions that depend on it, never a silent pass. ``None`` means "the policy does not
say"; ``False`` means "the policy says no".
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, HttpUrl, field_validator, model_validator

from .base import Channel, Date, InputModel

__all__ = [
    "LINKED_FIELDS",
    "RESPONSE_ITEMS",
    "ClockStart",
    "ExclusionsPolicy",
    "ExtensionPolicy",
    "LandlordPolicy",
    "LinkedDocument",
    "LinkedDocumentKind",
    "PeriodUnit",
    "PolicyClockStart",
    "PolicyPeriod",
    "PolicyStage",
    "PublicationPolicy",
    "ServiceRequestPolicy",
    "ThirdPartyPolicy",
    "UnacceptableBehaviourPolicy",
]


class ClockStart(StrEnum):
    """The event a stage's response timescale counts from."""

    RECEIPT = "receipt"
    LOGGING = "logging"
    ACKNOWLEDGEMENT = "acknowledgement"
    ESCALATION_REQUEST = "escalation_request"


class PolicyClockStart(StrEnum):
    """The event a policy says a stage's response time counts from: the case clocks'
    events (:class:`ClockStart`, same values) and one a policy may name that a case has no
    date for, the allocation of the complaint to an investigating officer."""

    RECEIPT = "receipt"
    LOGGING = "logging"
    ACKNOWLEDGEMENT = "acknowledgement"
    ESCALATION_REQUEST = "escalation_request"
    ALLOCATION = "allocation"


class PeriodUnit(StrEnum):
    """The unit a policy states a period in; ``days`` is a bare "days" with no unit."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


def most_working_days(calendar_days: int) -> int:
    """The most weekdays any run of ``calendar_days`` days after a trigger day holds."""
    weeks, rest = divmod(calendar_days, 7)
    return 5 * weeks + min(rest, 5)


def most_working_days_in_months(months: int) -> int:
    """The most weekdays in the days after any date up to the same date ``months`` later
    (2024 and 2025 tried day by day: every weekday pattern and month length occurs)."""
    best = 0
    start = date(2024, 1, 1)
    for offset in range(731):
        day = start + timedelta(days=offset)
        y, m = divmod(day.month - 1 + months, 12)
        try:
            end = day.replace(year=day.year + y, month=m + 1)
        except ValueError:  # 31 January + 1 month: the month's last day
            end = (
                date(day.year + y, m + 2, 1) - timedelta(days=1)
                if m < 11
                else date(day.year + y, 12, 31)
            )
        span = (end - day).days
        weekdays = sum(1 for k in range(1, span + 1) if (day + timedelta(days=k)).weekday() < 5)
        best = max(best, weekdays)
    return best


class PolicyPeriod(InputModel):
    """A period as the policy states it: ``{amount: 28, unit: calendar_days}``.

    The Code counts in working days. A period in another unit is compared by the most
    working days it can hold, so that no policy passes on a reading kinder than its words
    (bank holidays only ever shorten a run of working days): 14 calendar days hold at most
    10 working days and 15 hold 11, a week 5, a month 23. A bare "days" is read as working
    days, the larger reading.
    """

    amount: Annotated[int, Field(ge=0, le=400)]
    unit: PeriodUnit = PeriodUnit.WORKING_DAYS
    aim_only: bool | None = Field(
        default=None,
        description="The policy states the period only as an aim ('we aim to', 'normally').",
    )

    @property
    def most_working_days(self) -> int:
        """The most working days the period can hold (see the class's docstring)."""
        if self.unit in (PeriodUnit.WORKING_DAYS, PeriodUnit.DAYS):
            return self.amount
        if self.unit is PeriodUnit.CALENDAR_DAYS:
            return most_working_days(self.amount)
        if self.unit is PeriodUnit.WEEKS:
            return 5 * self.amount
        return most_working_days_in_months(self.amount)

    @property
    def written(self) -> str:
        """The period in words: "28 calendar days", "1 month"."""
        unit = self.unit.value.replace("_", " ")
        return f"{self.amount} {unit[:-1] if self.amount == 1 else unit}"

    def as_working_days(self) -> str:
        """The period with its reading in working days, for messages: "10 working days",
        "15 calendar days (at most 11 working days)"."""
        if self.unit is PeriodUnit.WORKING_DAYS:
            return self.written
        if self.unit is PeriodUnit.DAYS:
            return f"{self.written} (no unit given: read as working days)"
        return f"{self.written} (at most {self.most_working_days} working days)"


class ExtensionPolicy(InputModel):
    max_working_days: Annotated[int, Field(ge=0)] | None = None
    uncapped: bool | None = Field(
        default=None,
        description=(
            "The policy allows extensions with no limit on their length (true); leave "
            "unset, or set max_working_days, where it gives a limit."
        ),
    )
    cap_aim_only: bool | None = Field(
        default=None,
        description=(
            "The cap in max_working_days is stated only as an aim ('we aim to keep any "
            "extension within ...'), not as a limit."
        ),
    )
    beyond_max_only_with_good_reason: bool | None = None
    resident_told_before_deadline: bool | None = None
    reasons_given: bool | None = None
    ombudsman_details_given: bool | None = None
    agreed_with_resident_beyond_max: bool | None = Field(
        default=None,
        description="Extensions beyond the maximum are agreed with the resident.",
    )

    @model_validator(mode="after")
    def _cap_or_none(self) -> ExtensionPolicy:
        if self.uncapped and self.max_working_days is not None:
            raise ValueError(
                "uncapped is true but max_working_days is set: an extension either has a "
                "limit (max_working_days) or none (uncapped: true)"
            )
        if self.cap_aim_only is not None and self.max_working_days is None:
            raise ValueError(
                "cap_aim_only says whether the cap is only an aim: set max_working_days to "
                "the cap the policy aims for"
            )
        return self


#: The items a response letter states, as the policy model names them
#: (``stages[].response_contents``).
RESPONSE_ITEMS = (
    "stage",
    "complaint_definition",
    "decision",
    "reasons",
    "remedy",
    "outstanding_actions",
    "escalation_route",
)


class PolicyStage(InputModel):
    """One stage as the policy describes it."""

    number: Annotated[int, Field(ge=0, le=9)]
    name: str | None = None
    informal: bool = Field(
        default=False, description="The policy calls this stage informal or 'stage 0'."
    )
    handler: str | None = Field(
        default=None,
        description="Who handles this stage, as the policy names the role ('Service Manager').",
    )
    acknowledge_working_days: Annotated[int, Field(ge=0)] | None = None
    respond_working_days: Annotated[int, Field(ge=0)] | None = None
    acknowledge_within: PolicyPeriod | None = Field(
        default=None,
        description=(
            "The acknowledgement period in the policy's own unit (instead of "
            "acknowledge_working_days)."
        ),
    )
    respond_within: PolicyPeriod | None = Field(
        default=None,
        description=(
            "The response period in the policy's own unit (instead of respond_working_days)."
        ),
    )
    respond_from: PolicyClockStart | None = None
    logged_after: PolicyPeriod | None = Field(
        default=None,
        description=(
            "How long the policy lets pass before a complaint is logged at this stage, such "
            "as a first attempt to resolve it ('if we cannot put it right within five "
            "working days, we log it at stage 1'): the acknowledgement comes after it."
        ),
    )
    extension: ExtensionPolicy | None = None
    different_handler: bool | None = Field(
        default=None, description="The policy says a different person handles this stage."
    )
    discretionary: bool | None = Field(
        default=None,
        description=(
            "The landlord may refuse or withhold this stage at its own discretion (true), "
            "not only on the policy's exclusion grounds."
        ),
    )
    escalation_reasons_required: bool | None = Field(
        default=None, description="The policy asks residents to justify escalating."
    )
    response_contents: list[str] | None = Field(
        default=None,
        description=(
            "Items the policy says the response letter states: stage, complaint_definition, "
            "decision, reasons, remedy, outstanding_actions, escalation_route."
        ),
    )

    @field_validator("response_contents")
    @classmethod
    def _known_items(cls, items: list[str] | None) -> list[str] | None:
        unknown = [i for i in items or [] if i not in RESPONSE_ITEMS]
        if unknown:
            raise ValueError(
                f"unknown response item(s) {', '.join(map(repr, unknown))}; the items are: "
                + ", ".join(RESPONSE_ITEMS)
            )
        return items

    @model_validator(mode="after")
    def _one_way_per_period(self) -> PolicyStage:
        for what in ("acknowledge", "respond"):
            days = getattr(self, f"{what}_working_days")
            within: PolicyPeriod | None = getattr(self, f"{what}_within")
            if days is None or within is None:
                continue
            if within.unit is not PeriodUnit.WORKING_DAYS or within.amount != days:
                raise ValueError(
                    f"stage {self.number} gives its {what} period twice, as "
                    f"{what}_working_days ({days}) and {what}_within ({within.written}); "
                    "give one of them"
                )
        return self

    def period(self, what: Literal["acknowledge", "respond"]) -> PolicyPeriod | None:
        """The stage's ``what`` period as the policy states it (from ``<what>_within``, or
        ``<what>_working_days`` in working days), or None where the policy is silent."""
        within: PolicyPeriod | None = getattr(self, f"{what}_within")
        if within is not None:
            return within
        days: int | None = getattr(self, f"{what}_working_days")
        return None if days is None else PolicyPeriod(amount=days)


class ExclusionsPolicy(InputModel):
    time_limit_months: Annotated[int, Field(ge=0)] | None = None
    time_limit_from_awareness: bool | None = Field(
        default=None,
        description="The time limit also runs from when the resident became aware of the issue.",
    )
    discretion_beyond_time_limit: bool | None = None
    grounds: list[str] | None = Field(
        default=None, description="The circumstances in which a complaint is not accepted."
    )
    blanket_exclusions: list[str] | None = Field(
        default=None,
        description="Whole categories excluded without looking at the circumstances.",
    )
    refusal_explained_with_ombudsman_right: bool | None = None
    each_case_on_merits: bool | None = None


class ServiceRequestPolicy(InputModel):
    distinguished_from_complaints: bool | None = None
    recorded_monitored_reviewed: bool | None = None
    complaint_while_request_open: bool | None = None


class PublicationPolicy(InputModel):
    url: HttpUrl | None = None
    accessible_format: bool | None = None
    describes_stages_and_timescales: bool | None = None
    how_publicised: str | None = None
    publicises_ombudsman_and_code: bool | None = None
    website_explains_how_to_complain: bool | None = None
    ombudsman_contact_in_correspondence: bool | None = Field(
        default=None,
        description="The Ombudsman's contact details go out in regular correspondence.",
    )


class UnacceptableBehaviourPolicy(InputModel):
    exists: bool | None = None
    restrictions_proportionate: bool | None = None
    restrictions_reviewed: bool | None = None
    review_interval_months: Annotated[int, Field(ge=0)] | None = None
    equality_act_regard: bool | None = None


class LinkedDocumentKind(StrEnum):
    """What a document the complaints policy links to covers."""

    COMPENSATION = "compensation"
    UNACCEPTABLE_BEHAVIOUR = "unacceptable_behaviour"
    REASONABLE_ADJUSTMENTS = "reasonable_adjustments"
    OTHER = "other"


class LinkedDocument(InputModel):
    """A document the policy names for part of its subject (its compensation or
    unacceptable behaviour policy), by title and, where given, its link."""

    kind: LinkedDocumentKind
    title: Annotated[str, Field(min_length=1)]
    link: str | None = Field(
        default=None, description="Where the document is: a web address or a file name."
    )


#: Fields a linked document of a kind answers when the policy itself leaves them unset: a
#: policy that links its unacceptable behaviour policy has one.
LINKED_FIELDS = {
    "unacceptable_behaviour.exists": LinkedDocumentKind.UNACCEPTABLE_BEHAVIOUR,
    "reasonable_adjustments": LinkedDocumentKind.REASONABLE_ADJUSTMENTS,
}


class ThirdPartyPolicy(InputModel):
    handled_within_same_stages: bool | None = None
    landlord_responsible_for_compliance: bool | None = None


class LandlordPolicy(InputModel):
    """What a landlord's complaints policy says, provision by provision."""

    name: str | None = None
    version: str | None = None
    approved_on: Date | None = Field(
        default=None, description="When the governing body approved the policy (YYYY-MM-DD)."
    )
    # Section 1: what a complaint is
    complaint_definition: str | None = None
    uses_ombudsman_definition: bool | None = None
    word_complaint_not_required: bool | None = None
    offers_choice_to_complain: bool | None = None
    service_requests: ServiceRequestPolicy | None = None
    survey_feedback_signposts_complaints: bool | None = None
    logs_complaint_when_requested: bool | None = Field(
        default=None,
        description=(
            "A matter is logged as a complaint when the resident asks, or when it needs "
            "further enquiries to resolve."
        ),
    )
    escalation_request_timescale: str | None = Field(
        default=None,
        description="How long a resident has to ask for escalation, as the policy states it.",
    )
    escalation_refusal_grounds: list[str] | None = Field(
        default=None, description="The grounds on which the policy declines to escalate."
    )
    # Section 2: exclusions
    exclusions: ExclusionsPolicy | None = None
    # Section 3: accessibility and awareness
    channels: list[Channel] | None = None
    reasonable_adjustments: bool | None = None
    adjustments_recorded_and_reviewed: bool | None = Field(
        default=None,
        description=(
            "Agreed reasonable adjustments and disclosed disabilities are recorded, and "
            "adjustments are kept under active review."
        ),
    )
    any_staff_can_take_complaints: bool | None = None
    social_media_complaints: bool | None = None
    publication: PublicationPolicy | None = None
    representatives_allowed: bool | None = None
    accompanied_at_meetings: bool | None = Field(
        default=None,
        description="Residents may be represented or accompanied at any meeting.",
    )
    ombudsman_right_explained: bool | None = None
    # Section 5: process
    single_policy: bool | None = None
    no_detriment_for_complaining: bool | None = None
    stages: list[PolicyStage] | None = None
    stages_unread: list[str] | None = Field(
        default=None,
        description=(
            "Set by the document reader: sentences that time how complaints are "
            "acknowledged or answered where it could not tell which stage they belong to "
            "(a stage is missing). The stage provisions then ask for evidence: the "
            "document is not silent, its stages were not read."
        ),
    )
    third_parties: ThirdPartyPolicy | None = None
    records_complaint_definition: bool | None = None
    update_frequency_agreed_when_late: bool | None = None
    remedies_at_any_stage: bool | None = None
    unacceptable_behaviour: UnacceptableBehaviourPolicy | None = None
    # Section 6: stages
    triage: bool | None = None
    respond_when_answer_known: bool | None = None
    new_issues_handled: bool | None = None
    # Section 7: putting things right
    remedies_guidance_considered: bool | None = None
    remedy_types: list[str] | None = None
    # Documents the policy relies on for part of its subject
    linked_documents: list[LinkedDocument] | None = None

    @field_validator("stages")
    @classmethod
    def _one_stage_per_number(cls, stages: list[PolicyStage] | None) -> list[PolicyStage] | None:
        first: dict[int, int] = {}
        for i, st in enumerate(stages or []):
            if st.number in first:
                raise ValueError(
                    f"stage {st.number} is described twice (stages[{first[st.number]}] and "
                    f"stages[{i}]); give each stage once, with its own number"
                )
            first[st.number] = i
        return stages

    def linked(self, kind: LinkedDocumentKind) -> LinkedDocument | None:
        """The first document of ``kind`` the policy links to, if any."""
        return next((d for d in self.linked_documents or [] if d.kind is kind), None)

    def stage(self, number: int) -> PolicyStage | None:
        for st in self.stages or []:
            if st.number == number:
                return st
        return None
