"""The complaint case model: one complaint, its stages and its timeline.

A case can be written as per-stage records (``stages: [...]``) or as the event list a CRM
logs (``events: [...]``); the event list is folded into stages before validation, so both
give the same :class:`Complaint`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .base import Channel, Date, InputModel, uk_received_at
from .consistency import consistent, inconsistencies, recorded_after_receipt

__all__ = [
    "CASE_LATER",
    "SNAPSHOT_KEPT",
    "STAGE_ITEMS_LATER",
    "STAGE_LATER",
    "WHOLE_STAGE_FROM",
    "Acknowledgement",
    "Action",
    "CaseEvent",
    "CaseSnapshot",
    "Complaint",
    "ComplaintDefinition",
    "ContactRestriction",
    "Extension",
    "Impact",
    "Outcome",
    "RaisedIssue",
    "ReasonableAdjustment",
    "Refusal",
    "RefusalGround",
    "Remedy",
    "RemedyKind",
    "Representative",
    "Resident",
    "Response",
    "ResponseContents",
    "Stage",
    "Tenure",
    "case_as_of",
    "split_names",
]


def split_names(text: str) -> list[str] | None:
    """Names written in one text (a CSV cell) separated by ';', each stripped of white
    space; None where it names nobody."""
    names = [name.strip() for name in text.split(";")]
    return [name for name in names if name] or None


class ComplaintDefinition(InputModel):
    """What the landlord recorded as the complaint when it acknowledged a stage."""

    understanding: str | None = None
    outcomes_sought: str | None = None
    responsible_for: str | None = None
    not_responsible_for: str | None = None
    responsibility_stated: bool | None = Field(
        default=None,
        description=(
            "The acknowledgement said which parts of the complaint the landlord is, and is "
            "not, responsible for."
        ),
    )
    clarification_requested_on: Date | None = None

    @property
    def is_complete(self) -> bool:
        return bool(self.understanding) and bool(self.outcomes_sought)


class Acknowledgement(InputModel):
    on: Date
    definition: ComplaintDefinition | None = None


class Extension(InputModel):
    """A notice telling the resident a stage's response will come later than due."""

    notified_on: Date
    new_due: Date
    reason: str | None = None
    ombudsman_details_given: bool | None = None
    good_reason: str | None = Field(
        default=None,
        description="Why an extension beyond the Code's cap is justified, if it is.",
    )
    agreed_with_resident: bool | None = Field(
        default=None,
        description="The resident agreed the extension (False: they were asked and did not).",
    )


class ResponseContents(InputModel):
    """Which of the items the Code requires a response letter to state it actually stated.

    ``None`` means unknown (the CRM did not record it), which is not the same as ``False``.
    """

    stage: bool | None = None
    complaint_definition: bool | None = None
    decision: bool | None = None
    reasons: bool | None = None
    remedy: bool | None = None
    outstanding_actions: bool | None = None
    escalation_route: bool | None = None


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"


class Impact(StrEnum):
    """How much a failing the landlord found affected the resident, in the four steps of
    the Ombudsman's remedies guidance (its table for calculating financial redress)."""

    MINOR = "minor"  # a minor failing with no lasting effect
    ADVERSE = "adverse"  # a failing that affected the resident adversely
    CONSIDERABLE = "considerable"  # a considerable failing, or a significant effect
    SEVERE = "severe"  # a serious failing with a severe or lasting effect


class Response(InputModel):
    issued_on: Date
    contents: ResponseContents = ResponseContents()
    outcome: Outcome | None = None
    all_points_addressed: bool | None = None
    impact: Impact | None = Field(
        default=None,
        description=(
            "The landlord's own assessment of how much the failing it found affected the "
            "resident: minor, adverse, considerable or severe (the Ombudsman's remedies "
            "guidance's steps)."
        ),
    )
    contributors: list[Annotated[str, Field(min_length=1)]] | None = Field(
        default=None,
        description=(
            "Who contributed to the response (staff, contractors), besides its author; an "
            "empty list records that no one did, unset means not recorded. In a CSV "
            "column, the names separated by ';'."
        ),
    )
    signed_off_by: Annotated[str, Field(min_length=1)] | None = Field(
        default=None, description="Who approved the response before it was sent."
    )
    names_staff: bool | None = Field(
        default=None,
        description=(
            "The letter names individual members of staff or contractors (rather than their roles)."
        ),
    )

    @field_validator("contributors", mode="before")
    @classmethod
    def _names_from_text(cls, value: Any) -> Any:
        return split_names(value) if isinstance(value, str) else value


class Action(InputModel):
    """An action still to do after a response: a repair, a follow-up, a promised call."""

    description: str
    due: Date | None = None
    completed_on: Date | None = None
    updates: list[Date] = []


class RemedyKind(StrEnum):
    APOLOGY = "apology"
    ACKNOWLEDGEMENT = "acknowledgement"
    EXPLANATION = "explanation"
    ACTION = "action"
    RECONSIDERED_DECISION = "reconsidered_decision"
    RECORD_CORRECTED = "record_corrected"
    FINANCIAL = "financial"
    POLICY_CHANGE = "policy_change"
    OTHER = "other"


class Remedy(InputModel):
    kind: RemedyKind
    description: str | None = None
    amount: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)] | None = Field(
        default=None,
        description=(
            "In pounds sterling: a number, or its text with or without a leading '£'; an "
            "amount in another currency, or negative, is refused."
        ),
    )
    currency: Literal["GBP"] | None = Field(
        default=None, description="GBP where given: amounts are in pounds sterling."
    )
    offered_on: Date | None = None
    due: Date | None = None
    completed_on: Date | None = None
    agreed_with_resident: bool | None = None

    @field_validator("amount", mode="before")
    @classmethod
    def _pounds(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = value.strip().replace(",", "")
        if text.startswith("£"):
            return text[1:].strip()
        if any(ch.isalpha() for ch in text) or (text and text[0] not in "0123456789+-."):
            raise ValueError(
                f"{value!r} is not an amount in pounds sterling; give a number (or '£' and "
                "a number), converted to pounds if it was paid in another currency"
            )
        return text


class RaisedIssue(InputModel):
    """A new issue the resident raised while a stage was open."""

    raised_on: Date
    description: str | None = None
    related: bool
    handled: Literal["in_response", "new_complaint", "not_yet"] = "not_yet"
    new_reference: str | None = None


class Stage(InputModel):
    """One stage of the complaint (1, 2, or under the 2020 Code an optional 3).

    Stage numbers 0 and above 3 are accepted so that data showing an informal "stage 0" or
    a fourth stage can be found and reported by the rules rather than rejected on input.
    """

    number: Annotated[int, Field(ge=0, le=9)]
    requested_on: Date | None = Field(
        default=None, description="When the request to escalate to this stage was received."
    )
    logged_on: Date | None = None
    acknowledged: Acknowledgement | None = None
    handler: str | None = None
    handler_organisation: str | None = None
    handler_assigned_on: Date | None = Field(
        default=None,
        description="When the handler was assigned (from a handler_assigned event), if known.",
    )
    extensions: list[Extension] = []
    response: Response | None = None
    actions: list[Action] = []
    remedies: list[Remedy] = []
    issues_raised: list[RaisedIssue] = []
    escalation_reasons_demanded: bool | None = None
    update_interval_agreed: bool | None = None
    update_interval_working_days: Annotated[int, Field(ge=1)] | None = Field(
        default=None,
        description="How often (in working days) the landlord agreed to update the resident.",
    )
    updates_sent: list[Date] = []


class RefusalGround(StrEnum):
    OUT_OF_TIME = "out_of_time"
    LEGAL_PROCEEDINGS = "legal_proceedings"
    ALREADY_CONSIDERED = "already_considered"
    NOT_A_COMPLAINT = "not_a_complaint"
    OTHER = "other"


class Refusal(InputModel):
    """A refusal to accept a complaint (stage 1) or to escalate it (stage 2)."""

    on: Date
    stage: Literal[1, 2] = 1
    ground: RefusalGround
    detail: str | None = None
    explanation_given: bool | None = None
    ombudsman_right_given: bool | None = None
    discretion_considered: bool | None = None
    claim_filed_on: Date | None = Field(
        default=None,
        description="For a legal_proceedings refusal: when the claim was filed at court.",
    )
    previous_reference: str | None = Field(
        default=None,
        description="For an already_considered refusal: the earlier complaint's reference.",
    )


class Representative(InputModel):
    name: str | None = None
    relationship: str | None = None
    authority_on_file: bool | None = None


class ReasonableAdjustment(InputModel):
    description: str
    agreed_on: Date
    reviews: list[Date] = []
    review_due: Date | None = None


class Resident(InputModel):
    representative: Representative | None = None
    vulnerabilities: list[str] = []
    disclosed_disability: bool | None = None
    reasonable_adjustments: list[ReasonableAdjustment] = []


class ContactRestriction(InputModel):
    imposed_on: Date
    reason: str | None = None
    reviews: list[Date] = []
    review_due: Date | None = None
    equality_act_considered: bool | None = None
    ended_on: Date | None = None


# -- event-list form ---------------------------------------------------------------------


class _Event(InputModel):
    on: Date


class ReceivedEvent(_Event):
    type: Literal["received"]
    at: time | None = Field(
        default=None, description="UK time; a time with a UTC offset is converted to UK time"
    )
    channel: Channel | None = None

    @field_validator("at")
    @classmethod
    def _in_uk_time(cls, at: time | None, info: ValidationInfo) -> time | None:
        return uk_received_at(info.data.get("on"), at)


class LoggedEvent(_Event):
    type: Literal["logged"]
    stage: int = 1


class AcknowledgedEvent(_Event):
    type: Literal["acknowledged"]
    stage: int = 1
    definition: ComplaintDefinition | None = None


class HandlerAssignedEvent(_Event):
    type: Literal["handler_assigned"]
    stage: int = 1
    handler: str
    handler_organisation: str | None = None


class ExtensionNotifiedEvent(_Event):
    type: Literal["extension_notified"]
    stage: int = 1
    new_due: Date
    reason: str | None = None
    ombudsman_details_given: bool | None = None
    good_reason: str | None = None


class ResponseIssuedEvent(_Event):
    type: Literal["response_issued"]
    stage: int = 1
    contents: ResponseContents = ResponseContents()
    outcome: Outcome | None = None
    all_points_addressed: bool | None = None


class EscalationRequestedEvent(_Event):
    type: Literal["escalation_requested"]
    stage: int = 2
    reasons_demanded: bool | None = Field(
        default=None, description="The resident was made to justify escalating."
    )


class RefusedEvent(_Event):
    type: Literal["refused"]
    stage: Literal[1, 2] = 1
    ground: RefusalGround
    detail: str | None = None
    explanation_given: bool | None = None
    ombudsman_right_given: bool | None = None
    discretion_considered: bool | None = None
    claim_filed_on: Date | None = Field(
        default=None,
        description="For a legal_proceedings refusal: when the claim was filed at court.",
    )
    previous_reference: str | None = Field(
        default=None,
        description="For an already_considered refusal: the earlier complaint's reference.",
    )


class WithdrawnEvent(_Event):
    type: Literal["withdrawn"]


class ClosedEvent(_Event):
    type: Literal["closed"]


CaseEvent = Annotated[
    ReceivedEvent
    | LoggedEvent
    | AcknowledgedEvent
    | HandlerAssignedEvent
    | ExtensionNotifiedEvent
    | ResponseIssuedEvent
    | EscalationRequestedEvent
    | RefusedEvent
    | WithdrawnEvent
    | ClosedEvent,
    Field(discriminator="type"),
]
_EVENTS = TypeAdapter(list[CaseEvent])


_ONCE = (
    ReceivedEvent,
    LoggedEvent,
    AcknowledgedEvent,
    ResponseIssuedEvent,
    EscalationRequestedEvent,
)


def _fold_events(data: dict[str, Any]) -> dict[str, Any]:
    """Turn ``events: [...]`` into the per-stage fields of a complaint, in event order."""
    try:
        events = _EVENTS.validate_python(data["events"])
    except ValidationError as exc:
        problems = "; ".join(
            "events"
            + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"])
            + f": {e['msg']}"
            for e in exc.errors()
        )
        raise ValueError(problems) from None
    out = {k: v for k, v in data.items() if k != "events"}
    if "stages" in out:
        raise ValueError("give either 'events' or 'stages', not both")
    stages: dict[int, dict[str, Any]] = {}

    def stage(n: int) -> dict[str, Any]:
        return stages.setdefault(n, {"number": n})

    # A fact recorded once (receipt; a stage's logging, acknowledgement, escalation request
    # and response): given again, the same event is a repeat and is dropped, a different
    # one contradicts the first and is refused (it used to replace it, or be ignored).
    once: dict[tuple[str, int], int] = {}
    for i, event in enumerate(events):
        if isinstance(event, _ONCE):
            key = (event.type, getattr(event, "stage", 1))
            first = once.setdefault(key, i)
            if first != i:
                if event == events[first]:
                    continue
                which = f" for stage {key[1]}" if event.type != "received" else ""
                raise ValueError(
                    f"events[{i}]: a second '{event.type}' event{which}, different from "
                    f"events[{first}]; a case records it once (correct the first, or remove "
                    "one of them)"
                )
        match event:
            case ReceivedEvent():
                out.setdefault("received_on", event.on)
                if event.at is not None:
                    out.setdefault("received_at", event.at)
                if event.channel is not None:
                    out.setdefault("channel", event.channel)
                stage(1)
            case LoggedEvent():
                stage(event.stage)["logged_on"] = event.on
            case AcknowledgedEvent():
                stage(event.stage)["acknowledged"] = Acknowledgement(
                    on=event.on, definition=event.definition
                )
            case HandlerAssignedEvent():
                stage(event.stage)["handler"] = event.handler
                stage(event.stage)["handler_assigned_on"] = event.on
                if event.handler_organisation is not None:
                    stage(event.stage)["handler_organisation"] = event.handler_organisation
            case ExtensionNotifiedEvent():
                stage(event.stage).setdefault("extensions", []).append(
                    Extension(
                        notified_on=event.on,
                        new_due=event.new_due,
                        reason=event.reason,
                        ombudsman_details_given=event.ombudsman_details_given,
                        good_reason=event.good_reason,
                    )
                )
            case ResponseIssuedEvent():
                stage(event.stage)["response"] = Response(
                    issued_on=event.on,
                    contents=event.contents,
                    outcome=event.outcome,
                    all_points_addressed=event.all_points_addressed,
                )
            case EscalationRequestedEvent():
                stage(event.stage)["requested_on"] = event.on
                if event.reasons_demanded is not None:
                    stage(event.stage)["escalation_reasons_demanded"] = event.reasons_demanded
            case RefusedEvent():
                out.setdefault("refusals", []).append(
                    Refusal.model_validate(event.model_dump(exclude={"type"}))
                )
            case WithdrawnEvent():
                out["withdrawn_on"] = event.on
            case ClosedEvent():
                out["closed_on"] = event.on
    out["stages"] = [stages[n] for n in sorted(stages)]
    return out


def _refused(data: dict[str, Any]) -> bool:
    """Whether the raw case data records a refusal to accept the complaint (stage 1)."""
    for refusal in data.get("refusals") or []:
        stage = refusal.get("stage", 1) if isinstance(refusal, dict) else refusal.stage
        if stage == 1:
            return True
    return False


class Tenure(StrEnum):
    """The resident's tenure, as the Regulator of Social Housing splits its complaint
    measures (TSM CH01 and CH02): low-cost rental accommodation, low-cost home ownership,
    or neither (a leaseholder or market tenant, say: in no TSM split)."""

    LOW_COST_RENTAL = "low_cost_rental"
    LOW_COST_HOME_OWNERSHIP = "low_cost_home_ownership"
    OTHER = "other"


class Complaint(InputModel):
    """One complaint and everything a rule needs to judge how it was handled."""

    reference: Annotated[str, Field(min_length=1)]
    landlord: str | None = Field(
        default=None,
        min_length=1,
        description=(
            "A key naming the landlord the complaint was made to, for runs over several "
            "landlords' cases: bulk totals (duplicates, verdict counts, TSM tallies) are "
            "kept per landlord. No rule reads it."
        ),
    )
    received_on: Date
    received_at: time | None = Field(
        default=None,
        description=(
            "UK time (for a cut-off); a time with a UTC offset is converted to UK time, "
            "and refused if that falls on another day than received_on"
        ),
    )
    channel: Channel | None = None
    resident: Resident = Resident()
    issue_occurred_on: Date | None = None
    became_aware_on: Date | None = None
    offered_choice_to_complain: bool | None = None
    resident_asked_to_complain: bool | None = Field(
        default=None,
        description=(
            "The resident asked to complain, so there was no choice to offer (otherwise "
            "record offered_choice_to_complain)."
        ),
    )
    service_request: str | None = Field(
        default=None, description="Reference of an open service request the complaint is about."
    )
    service_request_work_continued: bool | None = None
    staff_complained_about: list[Annotated[str, Field(min_length=1)]] | None = Field(
        default=None,
        description=(
            "The members of staff the complaint is about, by the names the stages' handler "
            "fields use; an empty list records that it names none, unset means not "
            "recorded. In a CSV column, the names separated by ';'."
        ),
    )
    earlier_complaints: list[Annotated[str, Field(min_length=1)]] | None = Field(
        default=None,
        description=(
            "References of earlier complaints about the same issue; an empty list records "
            "that there were none, unset means not recorded. In a CSV column, separated by "
            "';'."
        ),
    )
    earlier_complaints_considered: bool | None = Field(
        default=None,
        description="The earlier complaints about the same issue were considered as background.",
    )
    feedback_sought: bool | None = Field(
        default=None,
        description="The resident was asked, after closure, how their complaint was handled.",
    )
    stages: list[Stage] = []
    refusals: list[Refusal] = []
    contact_restrictions: list[ContactRestriction] = []
    withdrawn_on: Date | None = None
    closed_on: Date | None = None
    # For the annual complaints report (Code section 8) only: no rule reads these.
    category: Annotated[str, Field(min_length=1)] | None = Field(
        default=None,
        description="The service area or category the complaint is about (the landlord's own "
        "words, e.g. 'Repairs'), for the annual report's analysis by category.",
    )
    tenure: Tenure | None = Field(
        default=None,
        description="The resident's tenure: low_cost_rental, low_cost_home_ownership or "
        "other, for TSM CH01 and CH02 split by tenure.",
    )

    @field_validator("received_at")
    @classmethod
    def _in_uk_time(cls, at: time | None, info: ValidationInfo) -> time | None:
        return uk_received_at(info.data.get("received_on"), at)

    @field_validator("staff_complained_about", "earlier_complaints", mode="before")
    @classmethod
    def _names_from_text(cls, value: Any) -> Any:
        return split_names(value) if isinstance(value, str) else value

    @model_validator(mode="before")
    @classmethod
    def _accept_event_list(cls, data: Any) -> Any:
        if isinstance(data, dict) and "events" in data:
            data = _fold_events(data)
        if isinstance(data, dict) and not data.get("stages") and not _refused(data):
            # A complaint that was received and not refused is at stage 1, recorded or not:
            # so an unlogged complaint is judged overdue, never "not applicable".
            data = {**data, "stages": [{"number": 1}]}
        return data

    @model_validator(mode="after")
    def _check_consistency(self) -> Complaint:
        if not self._consistent():
            raise ValueError("; ".join(self._inconsistencies()))
        return self

    def _consistent(self) -> bool:
        """True when :meth:`_inconsistencies` finds nothing; the cheap test, run first.

        The orderings are :data:`~complaintrules.model.consistency.DATE_ORDER`, the one
        list a batch read as columns is checked against too. Naming a problem formats
        every date of the case; most cases have none to name.
        """
        return consistent(self)

    def _inconsistencies(self) -> Iterator[str]:
        """The reasons the case is refused, one message each, read off
        :data:`~complaintrules.model.consistency.DATE_ORDER` with the stages' order."""
        return inconsistencies(self)

    def dated_facts(self) -> Iterator[tuple[str, date]]:
        """Every date the case records after receipt, with the field path that holds it."""
        return recorded_after_receipt(self)

    # -- convenience for rules -------------------------------------------------------------

    def stage(self, number: int) -> Stage | None:
        """The stage with this number, if the case reached it."""
        for st in self.stages:
            if st.number == number:
                return st
        return None

    @property
    def stage_numbers(self) -> list[int]:
        """The case's stage numbers in order (the case table's ``stage_numbers``)."""
        return [st.number for st in self.stages]

    @property
    def is_open(self) -> bool:
        return self.closed_on is None and self.withdrawn_on is None

    def as_of(self, when: date) -> CaseSnapshot:
        """The case as it stood at the end of ``when``: judged as of a date, a case is
        judged on what had happened by then.

        Every dated event after ``when`` (a stage requested, logged, acknowledged or
        answered; an extension notified; an action or remedy completed; an update sent; a
        refusal, withdrawal or closure ...) is left out, as if it had not happened yet, and
        named in :attr:`CaseSnapshot.ignored`; an event on ``when`` itself counts. A stage
        whose escalation was requested after ``when`` is left out whole, and so are the
        actions and remedies of a response sent after it. A complaint received after
        ``when`` did not exist yet: the snapshot's ``case`` is None. Due dates (an
        extension's new date, an action's due date) are promises, not events, and are kept.
        """
        return case_as_of(self, when)


# -- a case as of a date ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseSnapshot:
    """A case as it stood at the end of ``as_of``: what had happened by then.

    ``case`` is None when the complaint was received after ``as_of`` (it did not exist
    yet, so it is not judged). ``ignored`` names each dated event after ``as_of`` that the
    snapshot leaves out, as ``"path (date)"``; an event on ``as_of`` itself is kept.
    """

    reference: str
    as_of: date
    case: Complaint | None
    ignored: tuple[str, ...] = ()

    @property
    def received(self) -> bool:
        return self.case is not None


# The snapshot's law, declared once: read by :func:`case_as_of` on one case and by
# :func:`complaintrules.io.flat.flat_as_of` over the columns of a CRM export.

#: A stage's events held in one field (the path of its date in the stage), each with the
#: fields of the stage that did not exist yet when the event came after the as-of date.
STAGE_LATER: dict[tuple[str, ...], tuple[str, ...]] = {
    ("requested_on",): ("requested_on",),
    ("logged_on",): ("logged_on",),
    # not yet assigned: who would handle the stage was not known yet
    ("handler_assigned_on",): ("handler", "handler_organisation", "handler_assigned_on"),
    ("acknowledged", "on"): ("acknowledged",),
    ("response", "issued_on"): ("response",),
}
#: A stage's lists whose items each carry their own event: an item whose event came after
#: the as-of date is left out (the list's name, the item's date field).
STAGE_ITEMS_LATER: dict[str, str] = {"extensions": "notified_on"}
#: From this stage number on, a stage whose escalation was requested after the as-of date
#: is left out whole, with every event it records.
WHOLE_STAGE_FROM = 2
#: The case's own events held in one field, each with the fields it takes with it.
CASE_LATER: dict[tuple[str, ...], tuple[str, ...]] = {
    ("withdrawn_on",): ("withdrawn_on",),
    ("closed_on",): ("closed_on",),
}
#: Dates the snapshot keeps whatever their day: promises (due dates) and what happened
#: before the complaint was received. Paths in the case (a stage's start with ``stage``).
SNAPSHOT_KEPT: frozenset[tuple[str, ...]] = frozenset(
    {
        ("issue_occurred_on",),
        ("became_aware_on",),
        ("stage", "extensions", "new_due"),
        ("stage", "actions", "due"),
        ("stage", "remedies", "due"),
        ("contact_restrictions", "review_due"),
    }
)


def _gone(event: tuple[str, ...], law: dict[tuple[str, ...], tuple[str, ...]]) -> dict[str, None]:
    """The fields ``event`` takes with it when it came after the as-of date."""
    return dict.fromkeys(law[event])


def _later(path: str, on: date, as_of: date, dropped: list[str]) -> bool:
    """Whether the event ``path`` on ``on`` happened after ``as_of`` (and so is dropped)."""
    if on > as_of:
        dropped.append(f"{path} ({on.isoformat()})")
        return True
    return False


def _dates(items: list[date], path: str, as_of: date, dropped: list[str]) -> list[date]:
    return [d for k, d in enumerate(items) if not _later(f"{path}[{k}]", d, as_of, dropped)]


def _stage_events(stage: Stage, where: str) -> Iterator[tuple[str, date]]:
    """Every dated event of a stage, with its path (for a stage dropped whole)."""
    if stage.requested_on:
        yield f"{where}.requested_on", stage.requested_on
    if stage.logged_on:
        yield f"{where}.logged_on", stage.logged_on
    if stage.handler_assigned_on:
        yield f"{where}.handler_assigned_on", stage.handler_assigned_on
    if stage.acknowledged:
        yield f"{where}.acknowledged.on", stage.acknowledged.on
        definition = stage.acknowledged.definition
        if definition and definition.clarification_requested_on:
            yield (
                f"{where}.acknowledged.definition.clarification_requested_on",
                definition.clarification_requested_on,
            )
    for j, ext in enumerate(stage.extensions):
        yield f"{where}.extensions[{j}].notified_on", ext.notified_on
    if stage.response:
        yield f"{where}.response.issued_on", stage.response.issued_on
    for j, action in enumerate(stage.actions):
        if action.completed_on:
            yield f"{where}.actions[{j}].completed_on", action.completed_on
        for k, d in enumerate(action.updates):
            yield f"{where}.actions[{j}].updates[{k}]", d
    for j, remedy in enumerate(stage.remedies):
        if remedy.offered_on:
            yield f"{where}.remedies[{j}].offered_on", remedy.offered_on
        if remedy.completed_on:
            yield f"{where}.remedies[{j}].completed_on", remedy.completed_on
    for j, issue in enumerate(stage.issues_raised):
        yield f"{where}.issues_raised[{j}].raised_on", issue.raised_on
    for j, d in enumerate(stage.updates_sent):
        yield f"{where}.updates_sent[{j}]", d


def _case_events(case: Complaint) -> Iterator[tuple[str, date]]:
    """Every dated event a case records after its receipt, with its path."""
    for i, st in enumerate(case.stages):
        yield from _stage_events(st, f"stages[{i}]")
    for i, ref in enumerate(case.refusals):
        yield f"refusals[{i}].on", ref.on
        if ref.claim_filed_on:
            yield f"refusals[{i}].claim_filed_on", ref.claim_filed_on
    for i, cr in enumerate(case.contact_restrictions):
        yield f"contact_restrictions[{i}].imposed_on", cr.imposed_on
        for k, d in enumerate(cr.reviews):
            yield f"contact_restrictions[{i}].reviews[{k}]", d
        if cr.ended_on:
            yield f"contact_restrictions[{i}].ended_on", cr.ended_on
    for i, ra in enumerate(case.resident.reasonable_adjustments):
        yield f"resident.reasonable_adjustments[{i}].agreed_on", ra.agreed_on
        for k, d in enumerate(ra.reviews):
            yield f"resident.reasonable_adjustments[{i}].reviews[{k}]", d
    if case.withdrawn_on:
        yield "withdrawn_on", case.withdrawn_on
    if case.closed_on:
        yield "closed_on", case.closed_on


def _stage_as_of(stage: Stage, where: str, as_of: date, dropped: list[str]) -> Stage:
    update: dict[str, Any] = {}
    if stage.requested_on and _later(f"{where}.requested_on", stage.requested_on, as_of, dropped):
        update.update(_gone(("requested_on",), STAGE_LATER))
    if stage.logged_on and _later(f"{where}.logged_on", stage.logged_on, as_of, dropped):
        update.update(_gone(("logged_on",), STAGE_LATER))
    assigned = stage.handler_assigned_on
    if assigned and _later(f"{where}.handler_assigned_on", assigned, as_of, dropped):
        update.update(_gone(("handler_assigned_on",), STAGE_LATER))
    ack = stage.acknowledged
    if ack is not None:
        if _later(f"{where}.acknowledged.on", ack.on, as_of, dropped):
            update.update(_gone(("acknowledged", "on"), STAGE_LATER))
            definition = ack.definition
            if definition and definition.clarification_requested_on:
                _later(
                    f"{where}.acknowledged.definition.clarification_requested_on",
                    definition.clarification_requested_on,
                    as_of,
                    dropped,
                )
        elif ack.definition and ack.definition.clarification_requested_on:
            asked = ack.definition.clarification_requested_on
            path = f"{where}.acknowledged.definition.clarification_requested_on"
            if _later(path, asked, as_of, dropped):
                definition = ack.definition.model_copy(update={"clarification_requested_on": None})
                update["acknowledged"] = ack.model_copy(update={"definition": definition})
    for name, on in STAGE_ITEMS_LATER.items():
        items = getattr(stage, name)
        update[name] = [
            item
            for j, item in enumerate(items)
            if not _later(f"{where}.{name}[{j}].{on}", getattr(item, on), as_of, dropped)
        ]
    response = stage.response
    unanswered = response is not None and _later(
        f"{where}.response.issued_on", response.issued_on, as_of, dropped
    )
    if unanswered:
        update.update(_gone(("response", "issued_on"), STAGE_LATER))
    actions: list[Action] = []
    for j, action in enumerate(stage.actions):
        path = f"{where}.actions[{j}]"
        if unanswered:
            # Actions are what a response promised: with the response not yet sent, they
            # had not been promised either.
            dropped.append(f"{path} (promised in the later response)")
            if action.completed_on:
                dropped.append(f"{path}.completed_on ({action.completed_on.isoformat()})")
            dropped += [
                f"{path}.updates[{k}] ({d.isoformat()})" for k, d in enumerate(action.updates)
            ]
            continue
        change: dict[str, Any] = {
            "updates": _dates(action.updates, f"{path}.updates", as_of, dropped)
        }
        if action.completed_on and _later(
            f"{path}.completed_on", action.completed_on, as_of, dropped
        ):
            change["completed_on"] = None
        actions.append(action.model_copy(update=change))
    update["actions"] = actions
    remedies: list[Remedy] = []
    for j, remedy in enumerate(stage.remedies):
        path = f"{where}.remedies[{j}]"
        if remedy.offered_on is not None:
            if _later(f"{path}.offered_on", remedy.offered_on, as_of, dropped):
                if remedy.completed_on:
                    dropped.append(f"{path}.completed_on ({remedy.completed_on.isoformat()})")
                continue
        elif unanswered:
            dropped.append(f"{path} (offered in the later response)")
            if remedy.completed_on:
                dropped.append(f"{path}.completed_on ({remedy.completed_on.isoformat()})")
            continue
        if remedy.completed_on and _later(
            f"{path}.completed_on", remedy.completed_on, as_of, dropped
        ):
            remedy = remedy.model_copy(update={"completed_on": None})
        remedies.append(remedy)
    update["remedies"] = remedies
    issues: list[RaisedIssue] = []
    for j, issue in enumerate(stage.issues_raised):
        if _later(f"{where}.issues_raised[{j}].raised_on", issue.raised_on, as_of, dropped):
            continue
        if unanswered and issue.handled == "in_response":
            issue = issue.model_copy(update={"handled": "not_yet"})
        issues.append(issue)
    update["issues_raised"] = issues
    update["updates_sent"] = _dates(stage.updates_sent, f"{where}.updates_sent", as_of, dropped)
    return stage.model_copy(update=update)


def case_as_of(case: Complaint, as_of: date) -> CaseSnapshot:
    """``case`` as it stood at the end of ``as_of``: see :meth:`Complaint.as_of`."""
    if case.received_on > as_of:
        return CaseSnapshot(case.reference, as_of, None)
    if all(on <= as_of for _, on in _case_events(case)):
        return CaseSnapshot(case.reference, as_of, case)
    dropped: list[str] = []
    stages: list[Stage] = []
    for i, st in enumerate(case.stages):
        where = f"stages[{i}]"
        if (
            st.number >= WHOLE_STAGE_FROM
            and st.requested_on is not None
            and st.requested_on > as_of
        ):
            # Escalation not yet asked for: the stage, and all that happened in it, is later.
            dropped += [f"{p} ({on.isoformat()})" for p, on in _stage_events(st, where)]
            continue
        stages.append(_stage_as_of(st, where, as_of, dropped))
    refusals: list[Refusal] = []
    for i, ref in enumerate(case.refusals):
        if _later(f"refusals[{i}].on", ref.on, as_of, dropped):
            if ref.claim_filed_on:
                _later(f"refusals[{i}].claim_filed_on", ref.claim_filed_on, as_of, dropped)
            continue
        if ref.claim_filed_on and _later(
            f"refusals[{i}].claim_filed_on", ref.claim_filed_on, as_of, dropped
        ):
            ref = ref.model_copy(update={"claim_filed_on": None})
        refusals.append(ref)
    if not stages and not any(r.stage == 1 for r in refusals):
        # Received and (as of the date) not refused: at stage 1, as the model has it.
        stages = [Stage(number=1)]
    restrictions: list[ContactRestriction] = []
    for i, cr in enumerate(case.contact_restrictions):
        path = f"contact_restrictions[{i}]"
        if _later(f"{path}.imposed_on", cr.imposed_on, as_of, dropped):
            dropped += [f"{path}.reviews[{k}] ({d.isoformat()})" for k, d in enumerate(cr.reviews)]
            if cr.ended_on:
                dropped.append(f"{path}.ended_on ({cr.ended_on.isoformat()})")
            continue
        change: dict[str, Any] = {"reviews": _dates(cr.reviews, f"{path}.reviews", as_of, dropped)}
        if cr.ended_on and _later(f"{path}.ended_on", cr.ended_on, as_of, dropped):
            change["ended_on"] = None
        restrictions.append(cr.model_copy(update=change))
    adjustments: list[ReasonableAdjustment] = []
    for i, ra in enumerate(case.resident.reasonable_adjustments):
        path = f"resident.reasonable_adjustments[{i}]"
        if _later(f"{path}.agreed_on", ra.agreed_on, as_of, dropped):
            dropped += [f"{path}.reviews[{k}] ({d.isoformat()})" for k, d in enumerate(ra.reviews)]
            continue
        reviews = _dates(ra.reviews, f"{path}.reviews", as_of, dropped)
        adjustments.append(ra.model_copy(update={"reviews": reviews}))
    update: dict[str, Any] = {
        "stages": stages,
        "refusals": refusals,
        "contact_restrictions": restrictions,
        "resident": case.resident.model_copy(update={"reasonable_adjustments": adjustments}),
    }
    if case.withdrawn_on and _later("withdrawn_on", case.withdrawn_on, as_of, dropped):
        update.update(_gone(("withdrawn_on",), CASE_LATER))
    if case.closed_on and _later("closed_on", case.closed_on, as_of, dropped):
        update.update(_gone(("closed_on",), CASE_LATER))
    return CaseSnapshot(case.reference, as_of, case.model_copy(update=update), tuple(dropped))
