"""The monitor under at-least-once delivery (issue 12, items 9 and 17): a redelivered event
is a counted no-op, a contradicting one is refused, ids make posting idempotent, across a
restore too, and an on-time event delivered after the tick that judged it withdraws the
breach alert."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from complaintrules.monitor.monitor import AlertKind, Monitor, MonitorInputError

DEFINITION = {"understanding": "Damp in the bedroom", "outcomes_sought": "Treat it"}
V1_SNAPSHOT = Path(__file__).parents[1] / "data" / "monitor-snapshot-v1.json"

Event = dict[str, Any]


def received(ref: str = "D-1", on: str = "2024-05-01", **more: Any) -> Event:
    return {"reference": ref, "type": "received", "on": on, **more}


def acknowledged(ref: str = "D-1", on: str = "2024-05-03", **more: Any) -> Event:
    return {"reference": ref, "type": "acknowledged", "on": on, "definition": DEFINITION, **more}


def responded(ref: str = "D-1", on: str = "2024-05-15", **more: Any) -> Event:
    return {"reference": ref, "type": "response_issued", "on": on, **more}


def opened(*events: Event) -> Monitor:
    monitor = Monitor()
    monitor.post(received())
    for event in events:
        monitor.post(event)
    return monitor


# -- exact repeats without an id -------------------------------------------------------------


@pytest.mark.parametrize(
    "repeat",
    [
        received(),
        acknowledged(),
        responded(),
        {"reference": "D-1", "type": "handler_assigned", "on": "2024-05-03", "handler": "A"},
        {"reference": "D-1", "type": "logged", "on": "2024-05-02"},
        {
            "reference": "D-1",
            "type": "extension_notified",
            "on": "2024-05-10",
            "new_due": "2024-05-24",
            "reason": "Survey awaited",
        },
    ],
    ids=["received", "acknowledged", "response", "handler", "logged", "extension"],
)
def test_an_exact_repeat_is_a_counted_no_op(repeat: Event) -> None:
    monitor = opened()
    if repeat["type"] != "received":
        monitor.post(repeat)
    before = monitor.export()
    posted = monitor.post_detailed(dict(repeat))
    assert posted.alerts == [] and posted.duplicate is not None
    assert "D-1" in posted.duplicate and repeat["type"] in posted.duplicate
    assert monitor.duplicates == 1
    after = monitor.export()
    assert after.pop("duplicates") == 1 and before.pop("duplicates") == 0
    assert after == before


def test_a_repeat_with_the_default_stage_spelled_out_is_the_same_event() -> None:
    monitor = opened(acknowledged())
    assert monitor.post_detailed(acknowledged(stage=1)).duplicate is not None


def test_a_repeated_acknowledgement_raises_no_second_alert() -> None:
    """A late acknowledgement breaches 6.2 once, however often it is delivered."""
    monitor = opened()
    late = acknowledged(on="2024-05-13")
    first = monitor.post(late)
    assert AlertKind.BREACHED in [a.kind for a in first]
    assert monitor.post(late) == []
    assert monitor.duplicates == 1


def test_a_redelivered_closure_of_a_forgotten_case_is_a_duplicate() -> None:
    monitor = opened(acknowledged(), responded())
    closed = {"reference": "D-1", "type": "closed", "on": "2024-05-16"}
    monitor.post(closed)
    assert monitor.tracked_cases == 0
    assert monitor.post_detailed(closed).duplicate is not None
    assert monitor.post_detailed(received()).duplicate is not None
    with pytest.raises(MonitorInputError, match=r"D-1.*closed on 2024-05-16"):
        monitor.post(received(on="2024-06-01"))


# -- contradicting repeats -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "says"),
    [
        (
            None,
            received(on="2024-05-02"),
            r"D-1: .*already received on 2024-05-01.*'received'.*2024-05-02",
        ),
        (
            acknowledged(),
            acknowledged(on="2024-05-06"),
            r"D-1: .*stage 1 was already acknowledged on 2024-05-03.*'acknowledged'.*2024-05-06",
        ),
        (
            acknowledged(),
            {"reference": "D-1", "type": "acknowledged", "on": "2024-05-03"},
            r"D-1: .*'acknowledged'.*same date, 2024-05-03, but with other fields different",
        ),
        (
            responded(),
            responded(on="2024-05-16"),
            r"D-1: .*response was already issued on 2024-05-15.*'response_issued'.*2024-05-16",
        ),
        (
            {"reference": "D-1", "type": "logged", "on": "2024-05-01"},
            {"reference": "D-1", "type": "logged", "on": "2024-05-02"},
            r"D-1: .*already logged on 2024-05-01.*'logged'.*2024-05-02",
        ),
    ],
    ids=["received", "acknowledged", "acknowledged-definition", "response", "logged"],
)
def test_a_contradicting_repeat_is_refused_naming_both(
    first: Event | None, second: Event, says: str
) -> None:
    monitor = opened(*([first] if first else []))
    before = monitor.export()
    with pytest.raises(MonitorInputError, match=says):
        monitor.post(second)
    assert monitor.export() == before
    assert monitor.duplicates == 0


def test_a_second_response_no_longer_replaces_the_first() -> None:
    """A late second response used to overwrite an on-time first one (and breach 6.3)."""
    monitor = opened(acknowledged(), responded(on="2024-05-10"))
    with pytest.raises(MonitorInputError):
        monitor.post(responded(on="2024-06-30"))
    stage = monitor.export()["cases"][0]["stages"][0]
    assert stage["responded_on"] == "2024-05-10"


# -- ids -------------------------------------------------------------------------------------


def test_the_same_id_with_the_same_content_is_a_duplicate() -> None:
    monitor = Monitor()
    monitor.post(received(id="e-1"))
    assert monitor.post_detailed(received(id="e-1")).duplicate is not None
    monitor.post(acknowledged(id=7))
    assert monitor.post_detailed(acknowledged(id="7")).duplicate is not None
    nested = {
        "reference": "D-1",
        "id": "e-3",
        "event": {"type": "response_issued", "on": "2024-05-15"},
    }
    monitor.post(nested)
    assert monitor.post_detailed(nested).duplicate is not None
    assert monitor.duplicates == 3


def test_the_same_id_with_other_content_is_refused_naming_the_id_and_case() -> None:
    monitor = Monitor()
    monitor.post(received(id="e-1"))
    monitor.post(received("D-2", id="e-2"))
    before = monitor.export()
    with pytest.raises(
        MonitorInputError, match=r"D-1: id: 'e-2' was already used .*'received' event for D-2"
    ):
        monitor.post(acknowledged(id="e-2"))
    with pytest.raises(MonitorInputError, match=r"D-1: id: 'e-1' was already used"):
        monitor.post(acknowledged(id="e-1"))
    assert monitor.export() == before


def test_an_id_reused_names_the_first_event_with_its_article() -> None:
    monitor = Monitor()
    monitor.post(received(id="e-1"))
    monitor.post(acknowledged(id="e-2"))
    with pytest.raises(MonitorInputError, match=r"\(an 'acknowledged' event for D-1\)"):
        monitor.post(received("D-2", id="e-2"))


def test_a_bad_id_is_refused() -> None:
    monitor = Monitor()
    with pytest.raises(MonitorInputError, match=r"^id: expected a non-empty string"):
        monitor.post(received(id=""))
    with pytest.raises(MonitorInputError, match=r"^id: "):
        monitor.post(received(id=["x"]))


def test_a_tick_may_carry_an_id() -> None:
    monitor = Monitor()
    assert monitor.post({"type": "tick", "on": "2024-05-01", "id": "t-1"}) == []
    assert monitor.today == date(2024, 5, 1)


# -- across a restore ------------------------------------------------------------------------


def test_posting_stays_idempotent_across_export_and_restore() -> None:
    monitor = Monitor()
    monitor.post(received(id="e-1"))
    monitor.post(acknowledged(id="e-2"))
    monitor.post(received("D-2"))
    monitor.post({"reference": "D-2", "type": "withdrawn", "on": "2024-05-02", "id": "e-9"})
    snapshot = json.loads(json.dumps(monitor.export()))
    assert snapshot["format"] == "complaintrules-monitor/2"
    restored = Monitor.restore(snapshot)
    assert restored.post_detailed(received(id="e-1")).duplicate is not None
    assert restored.post_detailed(acknowledged()).duplicate is not None
    assert (
        restored.post_detailed(
            {"reference": "D-2", "type": "withdrawn", "on": "2024-05-02", "id": "e-9"}
        ).duplicate
        is not None
    )
    with pytest.raises(MonitorInputError, match="'e-2' was already used"):
        restored.post(responded(id="e-2"))
    with pytest.raises(MonitorInputError, match="already acknowledged"):
        restored.post(acknowledged(on="2024-05-07"))
    assert restored.duplicates == 3
    assert Monitor.restore(restored.export()).export() == restored.export()


def test_a_version_1_snapshot_still_restores() -> None:
    """Written by the monitor before event ids (commit 91f4c82)."""
    snapshot = json.loads(V1_SNAPSHOT.read_text(encoding="utf-8"))
    assert snapshot["format"] == "complaintrules-monitor/1"
    monitor = Monitor.restore(snapshot)
    assert monitor.open_cases == 3 and monitor.today == date(2024, 5, 16)
    # S-1 was acknowledged on 3 May: the same again is a duplicate, another date is refused
    assert monitor.post_detailed(acknowledged("S-1")).duplicate is not None
    with pytest.raises(MonitorInputError, match=r"S-1: .*already acknowledged on 2024-05-03"):
        monitor.post(acknowledged("S-1", on="2024-05-07"))
    # and it carries on judging: S-1's response is due by 20 May
    alerts = monitor.tick(date(2024, 5, 21))
    assert ("S-1", AlertKind.BREACHED, "CHC24-6.3") in [
        (a.reference, a.kind, a.rule_id) for a in alerts
    ]
    assert monitor.export()["format"] == "complaintrules-monitor/2"


# -- the late-delivered, on-time response ----------------------------------------------------


def _breached_response(deadline: str = "2024-05-20") -> Monitor:
    """D-1's stage 1 response was due by ``deadline`` (10 working days from the
    acknowledgement on Friday 3 May, 6 May a bank holiday); the next day's tick has raised
    the breach."""
    monitor = opened(acknowledged())
    alerts = monitor.tick(date(2024, 5, 21))
    assert [(a.kind, a.rule_id, a.deadline) for a in alerts] == [
        (AlertKind.BREACHED, "CHC24-6.3", date.fromisoformat(deadline))
    ]
    return monitor


def test_an_on_time_response_delivered_after_the_tick_retracts_the_breach() -> None:
    monitor = _breached_response()
    alerts = monitor.post(responded(on="2024-05-16"))
    assert [(a.reference, a.kind, a.rule_id, a.stage, a.deadline) for a in alerts] == [
        ("D-1", AlertKind.RETRACTED, "CHC24-6.3", 1, date(2024, 5, 20))
    ]
    assert "withdrawn" in alerts[0].message and "stage 1 response" in alerts[0].message
    assert "2024-05-16" in alerts[0].message and "2024-05-20" in alerts[0].message
    assert monitor.post(responded(on="2024-05-16")) == []  # redelivered: nothing more


def test_the_boundary_the_deadline_day_retracts_the_day_after_does_not() -> None:
    """Delivered after the tick that breached it: a response dated on the deadline was in
    time and withdraws the breach; one dated the next day was late and withdraws nothing."""
    on_the_day = _breached_response()
    assert [a.kind for a in on_the_day.post(responded(on="2024-05-20"))] == [AlertKind.RETRACTED]
    day_after = _breached_response()
    assert day_after.post(responded(on="2024-05-21")) == []
    assert day_after.post(responded(on="2024-05-21")) == []  # nor its redelivery


def test_an_on_time_acknowledgement_delivered_after_the_tick_retracts_the_breach() -> None:
    monitor = Monitor()
    monitor.post(received())
    breach = monitor.tick(date(2024, 5, 10))
    assert [(a.kind, a.rule_id) for a in breach] == [(AlertKind.BREACHED, "CHC24-6.2")]
    alerts = monitor.post(acknowledged(on="2024-05-09"))
    assert [(a.kind, a.rule_id) for a in alerts] == [
        (AlertKind.RETRACTED, "CHC24-6.2"),
        (AlertKind.DUE, "CHC24-6.3"),  # the response clock starts at the acknowledgement
    ]


def test_the_cli_counts_duplicates_and_a_retracted_breach_does_not_fail_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from complaintrules.cli.main import main

    lines = [
        received(id="e-1"),
        received(id="e-1"),
        acknowledged(),
        acknowledged(),
        {"type": "tick", "on": "2024-05-21"},
        responded(on="2024-05-16"),
    ]
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert main(["monitor", str(events), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    kinds = [json.loads(line)["kind"] for line in out.splitlines()]
    assert kinds.count("breached") == 1 and kinds[-1] == "retracted"
    assert "line 2: duplicate" in err and "line 4: duplicate" in err
    assert "2 duplicate event(s) ignored" in err


def test_an_events_digest_is_its_canonical_json_for_every_kind() -> None:
    """The digests kept in a snapshot (``seen``) are of the event's canonical JSON: the
    per-class serializer the monitor uses writes the same bytes as ``model_dump_json``, so
    a snapshot written before still recognises a redelivered event."""
    import hashlib
    import typing

    from complaintrules.model.case import CaseEvent
    from complaintrules.monitor.monitor import _TO_JSON, _digest, parse_stream_item

    kinds = typing.get_args(typing.get_args(CaseEvent)[0])
    assert set(_TO_JSON) == set(kinds)
    items: list[Event] = [
        received(at="09:30"),
        {"reference": "D-1", "type": "logged", "on": "2024-05-02", "stage": 2},
        acknowledged(definition={**DEFINITION, "responsible_for": "Repairs"}),
        {"reference": "D-1", "type": "handler_assigned", "on": "2024-05-03", "handler": "Ä. Ng"},
        {
            "reference": "D-1",
            "type": "extension_notified",
            "on": "2024-05-10",
            "new_due": "2024-05-24",
            "reason": "Survey",
            "good_reason": "Specialist",
            "ombudsman_details_given": True,
        },
        responded(contents={"decision": True, "remedy": False}),
        {"reference": "D-1", "type": "escalation_requested", "on": "2024-05-16", "stage": 2},
        {
            "reference": "D-1",
            "type": "refused",
            "on": "2024-05-17",
            "stage": 2,
            "ground": "out_of_time",
        },
        {"reference": "D-1", "type": "withdrawn", "on": "2024-05-18"},
        {"reference": "D-1", "type": "closed", "on": "2024-05-19"},
    ]
    seen = set()
    for item in items:
        event = parse_stream_item(item).event  # type: ignore[union-attr]
        seen.add(type(event))
        canonical = event.model_dump_json().encode()
        assert _digest(event) == hashlib.blake2b(canonical, digest_size=8).digest()
    assert seen == set(kinds)
