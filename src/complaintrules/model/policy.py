"""The landlord's complaints policy, as a policy writer describes it in YAML.

Every field is optional: a draft that does not say something yields ``needs_evidence`` for
the provisions that depend on it, never a silent pass. ``None`` means "the policy does not
say"; ``False`` means "the policy says no".
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, HttpUrl, field_validator

from .base import Channel, Date, InputModel

__all__ = [
    "ClockStart",
    "ExclusionsPolicy",
    "ExtensionPolicy",
    "LandlordPolicy",
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


class ExtensionPolicy(InputModel):
    max_working_days: Annotated[int, Field(ge=0)] | None = None
    beyond_max_only_with_good_reason: bool | None = None
    resident_told_before_deadline: bool | None = None
    reasons_given: bool | None = None
    ombudsman_details_given: bool | None = None
    agreed_with_resident_beyond_max: bool | None = Field(
        default=None,
        description="Extensions beyond the maximum are agreed with the resident.",
    )


class PolicyStage(InputModel):
    """One stage as the policy describes it."""

    number: Annotated[int, Field(ge=0, le=9)]
    name: str | None = None
    informal: bool = Field(
        default=False, description="The policy calls this stage informal or 'stage 0'."
    )
    acknowledge_working_days: Annotated[int, Field(ge=0)] | None = None
    respond_working_days: Annotated[int, Field(ge=0)] | None = None
    respond_from: ClockStart | None = None
    extension: ExtensionPolicy | None = None
    different_handler: bool | None = Field(
        default=None, description="The policy says a different person handles this stage."
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

    def stage(self, number: int) -> PolicyStage | None:
        for st in self.stages or []:
            if st.number == number:
                return st
        return None
