"""Input models: unknown keys fail, inconsistencies name the field, both case forms agree."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from complaintrules import Complaint, LandlordPolicy, Organisation
from complaintrules.models import Acknowledgement, Extension, Refusal, Response, Stage

STAGED: dict[str, Any] = {
    "reference": "C-1",
    "received_on": "2024-05-01",
    "channel": "email",
    "stages": [
        {
            "number": 1,
            "acknowledged": {"on": "2024-05-03", "definition": {"understanding": "Damp"}},
            "handler": "A",
            "handler_assigned_on": "2024-05-03",  # the event list keeps the date
            "response": {"issued_on": "2024-05-20"},
        },
        {
            "number": 2,
            "requested_on": "2024-05-28",
            "acknowledged": {"on": "2024-05-30"},
            "handler": "B",
            "handler_assigned_on": "2024-05-30",
            "extensions": [
                {"notified_on": "2024-06-20", "new_due": "2024-07-10", "reason": "Survey"}
            ],
            "response": {"issued_on": "2024-07-05"},
        },
    ],
    "closed_on": "2024-07-05",
}

EVENTS: dict[str, Any] = {
    "reference": "C-1",
    "events": [
        {"type": "received", "on": "2024-05-01", "channel": "email"},
        {"type": "acknowledged", "on": "2024-05-03", "definition": {"understanding": "Damp"}},
        {"type": "handler_assigned", "on": "2024-05-03", "handler": "A"},
        {"type": "response_issued", "on": "2024-05-20"},
        {"type": "escalation_requested", "on": "2024-05-28"},
        {"type": "acknowledged", "stage": 2, "on": "2024-05-30"},
        {"type": "handler_assigned", "stage": 2, "on": "2024-05-30", "handler": "B"},
        {
            "type": "extension_notified",
            "stage": 2,
            "on": "2024-06-20",
            "new_due": "2024-07-10",
            "reason": "Survey",
        },
        {"type": "response_issued", "stage": 2, "on": "2024-07-05"},
        {"type": "closed", "on": "2024-07-05"},
    ],
}


def _messages(exc: ValidationError) -> str:
    return " | ".join(".".join(str(p) for p in e["loc"]) + ": " + e["msg"] for e in exc.errors())


def test_event_list_and_stage_records_give_the_same_case() -> None:
    assert Complaint.model_validate(EVENTS) == Complaint.model_validate(STAGED)


def test_unknown_key_is_rejected_with_its_path() -> None:
    data = {**STAGED, "stages": [{**STAGED["stages"][0], "acknowleged": {"on": "2024-05-03"}}]}
    with pytest.raises(ValidationError) as info:
        Complaint.model_validate(data)
    assert "stages.0.acknowleged: Extra inputs are not permitted" in _messages(info.value)


def test_policy_and_organisation_forbid_unknown_keys() -> None:
    with pytest.raises(ValidationError, match="chanels"):
        LandlordPolicy.model_validate({"chanels": ["email"]})
    with pytest.raises(ValidationError, match="complaint_officer"):
        Organisation.model_validate({"name": "X", "complaint_officer": {"name": "Y"}})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["stages"][1]["response"].update(issued_on="2024-05-27"),
            "stages[1].response.issued_on (2024-05-27) is before the stage started (2024-05-28)",
        ),
        (
            lambda d: d["stages"][0]["acknowledged"].update(on="2024-04-30"),
            "stages[0].acknowledged.on (2024-04-30) is before received_on (2024-05-01)",
        ),
        (
            lambda d: d["stages"][1].pop("requested_on"),
            "stages[1].requested_on: stage 2 needs the date escalation to it was requested",
        ),
        (
            lambda d: d.update(issue_occurred_on="2024-06-01"),
            "issue_occurred_on (2024-06-01) is after received_on (2024-05-01)",
        ),
        (
            lambda d: d["stages"][1]["extensions"][0].update(new_due="2024-06-19"),
            "stages[1].extensions[0].new_due (2024-06-19) is before its notified_on",
        ),
        (
            lambda d: d["stages"].reverse(),
            "stages must be in order",
        ),
    ],
)
def test_inconsistent_timelines_name_the_field(change: Any, message: str) -> None:
    import copy

    data = copy.deepcopy(STAGED)
    change(data)
    with pytest.raises(ValidationError) as info:
        Complaint.model_validate(data)
    assert message in _messages(info.value)


def _timeline(rng: random.Random) -> Complaint:
    """A case of random dates around its receipt, built without validation."""
    received = date(2024, 5, 1)

    def day(chance: float = 0.7) -> date | None:
        return received + timedelta(days=rng.randint(-3, 40)) if rng.random() < chance else None

    stages = []
    for number in rng.choice([[], [1], [1], [1, 2], [1, 2], [2, 1], [1, 1], [1, 2, 3], [2]]):
        ack, issued = day(), day()
        stages.append(
            Stage.model_construct(
                number=number,
                requested_on=day(0.8 if number > 1 else 0.1),
                logged_on=day(0.2),
                acknowledged=Acknowledgement.model_construct(on=ack) if ack else None,
                response=Response.model_construct(issued_on=issued) if issued else None,
                extensions=[
                    Extension.model_construct(notified_on=day(1.0), new_due=day(1.0))
                    for _ in range(rng.choice([0, 0, 1, 2]))
                ],
            )
        )
    refusals = [Refusal.model_construct(on=day(1.0)) for _ in range(rng.choice([0, 0, 1]))]
    return Complaint.model_construct(
        reference="R",
        received_on=received,
        issue_occurred_on=day(0.2),
        became_aware_on=day(0.2),
        stages=stages,
        refusals=refusals,
        withdrawn_on=day(0.2),
        closed_on=day(0.4),
    )


def test_the_quick_consistency_test_agrees_with_the_named_problems() -> None:
    rng = random.Random(7)
    seen = {True: 0, False: 0}
    for _ in range(20_000):
        case = _timeline(rng)
        quick = case._consistent()
        assert quick == (not list(case._inconsistencies())), case
        seen[quick] += 1
    assert min(seen.values()) > 1_000  # both answers are well exercised


def test_bad_event_names_the_event() -> None:
    data = {
        "reference": "C",
        "events": [{"type": "received", "on": "2024-05-01"}, {"type": "acknowledged"}],
    }
    with pytest.raises(ValidationError) as info:
        Complaint.model_validate(data)
    assert "events[1].acknowledged.on: Field required" in _messages(info.value)


def test_unknown_event_type_is_rejected() -> None:
    data = {"reference": "C", "events": [{"type": "recieved", "on": "2024-05-01"}]}
    with pytest.raises(ValidationError, match="events\\[0\\]"):
        Complaint.model_validate(data)


def test_case_helpers() -> None:
    case = Complaint.model_validate(STAGED)
    assert case.stage(2) is not None and case.stage(2).handler == "B"  # type: ignore[union-attr]
    assert case.stage(3) is None
    assert not case.is_open


@pytest.mark.parametrize("model", [Complaint, LandlordPolicy, Organisation])
def test_json_schema_export(model: Any, tmp_path: Path) -> None:
    import jsonschema

    schema = model.model_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False


def test_escalation_event_can_record_whether_reasons_were_demanded() -> None:
    events = [dict(e) for e in EVENTS["events"]]
    events[4] = {**events[4], "reasons_demanded": False}
    case = Complaint.model_validate({"reference": "C-1", "events": events})
    assert case.stage(2).escalation_reasons_demanded is False  # type: ignore[union-attr]
