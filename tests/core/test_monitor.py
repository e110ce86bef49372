"""The live monitor: agreement with the evaluator, restart, concurrency and isolation."""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from complaintrules import Complaint, Conventions, Engine, Verdict
from complaintrules.monitor.monitor import Alert, AlertKind, Monitor, MonitorInputError

#: The code_2024 rules the monitor judges: both stages' timescales, extensions, handlers.
TIMELINESS = {
    "CHC24-6.2",
    "CHC24-6.3",
    "CHC24-6.4",
    "CHC24-6.11",
    "CHC24-6.13",
    "CHC24-6.14",
    "CHC24-6.15",
}
BREACH_KINDS = {AlertKind.BREACHED, AlertKind.EXTENSION_INVALID, AlertKind.SAME_HANDLER}
DEFINITION = {"understanding": "Damp in the bedroom", "outcomes_sought": "Treat it"}

Event = dict[str, Any]


# -- journeys ------------------------------------------------------------------------------


def _journey(rng: random.Random, reference: str, start: date) -> list[Event]:
    """One case's events, in date order, with the mistakes landlords make at random rates."""

    def later(day: date, low: int, high: int) -> date:
        return day + timedelta(days=rng.randint(low, high))

    def ev(kind: str, on: date, **fields: Any) -> Event:
        return {"reference": reference, "type": kind, "on": on.isoformat(), **fields}

    received = later(start, 0, 150)
    events = [ev("received", received)]
    handlers = ["A. Patel", "B. Okafor", "C. Jones", "D. Smith"]

    def stage(n: int, began: date) -> date:
        """Events of stage ``n`` from ``began``; returns the day its response went out (or
        the last day anything happened)."""
        last = began
        if rng.random() < 0.85:
            ack = later(began, 0, 9)
            fields: dict[str, Any] = {"stage": n}
            roll = rng.random()
            if roll < 0.8:
                fields["definition"] = DEFINITION
            elif roll < 0.9:
                fields["definition"] = {"understanding": "Damp"}
            events.append(ev("acknowledged", ack, **fields))
            last = max(last, ack)
        if rng.random() < 0.9:
            day = later(began, 0, 6)
            name = rng.choice(handlers) if n == 1 or rng.random() < 0.2 else None
            if name is None:
                first = [e for e in events if e["type"] == "handler_assigned"]
                pool = [h for h in handlers if not first or h != first[0]["handler"]]
                name = rng.choice(pool)
            if n == 2 and rng.random() < 0.5:
                name = name.upper()  # same person, different case: still the same handler
            events.append(ev("handler_assigned", day, stage=n, handler=name))
            last = max(last, day)
        if rng.random() < 0.05:
            events.append(ev("logged", later(began, 0, 3), stage=n))
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
            notified = later(began, 5, 45)
            fields = {"stage": n, "new_due": later(notified, 0, 40).isoformat()}
            if rng.random() < 0.8:
                fields["reason"] = "Surveyor's report awaited"
            if rng.random() < 0.2:
                fields["good_reason"] = "Specialist contractor"
            fields["ombudsman_details_given"] = rng.random() < 0.9
            events.append(ev("extension_notified", notified, **fields))
            last = max(last, notified)
        if rng.random() < 0.8:
            responded = later(began, 2, 40)
            events.append(ev("response_issued", responded, stage=n))
            last = max(last, responded)
        return last

    last = stage(1, received)
    if rng.random() < 0.35:
        requested = later(last, 1, 25)
        events.append(ev("escalation_requested", requested, stage=2))
        if rng.random() < 0.05:
            events.append(ev("refused", later(requested, 0, 5), stage=2, ground="out_of_time"))
        last = stage(2, requested)
    roll = rng.random()
    if roll < 0.1:
        ended = later(received, 0, 60)
        events = [e for e in events if e["on"] <= ended.isoformat()]
        events.append(ev("withdrawn", ended))
    elif roll < 0.75:
        ended = later(max(date.fromisoformat(e["on"]) for e in events), 0, 15)
        events.append(ev("closed", ended))
    order = {"received": 0, "escalation_requested": 1}
    events.sort(key=lambda e: (e["on"], order.get(e["type"], 2)))
    # a stage 2 event can only follow the escalation it belongs to
    seen_escalation = False
    kept = []
    for e in events:
        if e["type"] == "escalation_requested":
            seen_escalation = True
        if e.get("stage") == 2 and e["type"] != "escalation_requested" and not seen_escalation:
            continue
        kept.append(e)
    return kept


def journeys(seed: int, cases: int, start: date = date(2024, 4, 2)) -> dict[str, list[Event]]:
    rng = random.Random(seed)
    return {f"J-{seed}-{i}": _journey(rng, f"J-{seed}-{i}", start) for i in range(cases)}


def stream(by_case: dict[str, list[Event]], until: date | None = None) -> Iterator[Event]:
    """Every case's events merged in date order, with a clock tick before each day's events
    and a last tick at ``until`` (default: a month after the last event)."""
    events = sorted(
        (e for evs in by_case.values() for e in evs), key=lambda e: e["on"]
    )  # stable: each case keeps its own order
    if until is None:
        until = date.fromisoformat(events[-1]["on"]) + timedelta(days=30)
    day = date.fromisoformat(events[0]["on"])
    i = 0
    while day <= until:
        yield {"type": "tick", "on": day.isoformat()}
        while i < len(events) and events[i]["on"] == day.isoformat():
            yield events[i]
            i += 1
        day += timedelta(days=1)


def breaches(alerts: Sequence[Alert]) -> set[tuple[str, str]]:
    return {(a.reference, a.rule_id or "") for a in alerts if a.kind in BREACH_KINDS}


def evaluator_fails(
    by_case: dict[str, list[Event]],
    as_of: date,
    *,
    engine: Engine | None = None,
    snapshot: bool = False,
) -> set[tuple[str, str]]:
    """The evaluator's timeliness failures as of a date: of the events up to it, or (with
    ``snapshot``) of every event, leaving the engine to ignore those after it."""
    engine = engine if engine is not None else Engine()
    out = set()
    for reference, events in by_case.items():
        upto = [
            {k: v for k, v in e.items() if k != "reference"}
            for e in events
            if snapshot or e["on"] <= as_of.isoformat()
        ]
        if snapshot and upto[0]["on"] > as_of.isoformat():
            continue  # received later: the snapshot judges nothing (checked below)
        if not upto:
            continue
        case = Complaint.model_validate({"reference": reference, "events": upto})
        report = engine.evaluate_case(case, as_of=as_of)
        out |= {
            (reference, f.rule_id)
            for f in report.findings
            if f.rule_id in TIMELINESS and f.verdict is Verdict.FAIL
        }
    return out


# -- agreement with the evaluator ----------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_breaches_equal_the_evaluators_failures(seed: int) -> None:
    by_case = journeys(seed, 250)
    monitor = Monitor()
    alerts = monitor.post_many(stream(by_case))
    as_of = monitor.today
    assert as_of is not None
    expected = evaluator_fails(by_case, as_of)
    got = breaches(alerts)
    assert got == expected, {"monitor only": got - expected, "evaluator only": expected - got}
    # the journeys exercise every rule, so agreement is not vacuous
    assert {rule for _, rule in expected} == TIMELINESS


@pytest.mark.parametrize("cut", [date(2024, 6, 14), date(2024, 8, 30)])
def test_open_cases_agree_mid_stream(cut: date) -> None:
    """Stopped part way, with many cases still open: the breaches so far equal the
    evaluator's failures as of that day."""
    by_case = journeys(7, 300)
    monitor = Monitor()
    alerts = monitor.post_many(stream_until(by_case, cut))
    assert monitor.today == cut
    assert monitor.open_cases > 50
    assert breaches(alerts) == evaluator_fails(by_case, cut)


@pytest.mark.parametrize("cut", [date(2024, 6, 14), date(2024, 8, 30)])
def test_the_monitor_mid_stream_equals_the_evaluators_snapshot(cut: date) -> None:
    """Judged as of a date with every event given (later ones too), the evaluator ignores
    what happened after it: the same breaches as the monitor that has seen only that far."""
    by_case = journeys(7, 300)
    monitor = Monitor()
    alerts = monitor.post_many(stream_until(by_case, cut))
    assert breaches(alerts) == evaluator_fails(by_case, cut, snapshot=True)
    later = [
        Complaint.model_validate(
            {
                "reference": ref,
                "events": [{k: v for k, v in e.items() if k != "reference"} for e in evs],
            }
        )
        for ref, evs in by_case.items()
        if evs[0]["on"] > cut.isoformat()
    ]
    assert later or cut > date(2024, 6, 30)  # early on, cases still arrive after the cut
    report = Engine().evaluate(cases=later, as_of=cut)
    assert report.failures == [] and len(report.snapshot.not_yet_received) == len(later)


@pytest.mark.parametrize("late_acknowledgement", ["literal", "capped"])
def test_the_monitor_honours_the_late_acknowledgement_convention(
    late_acknowledgement: str,
) -> None:
    by_case = journeys(3, 250)
    engine = Engine(conventions=Conventions(late_acknowledgement=late_acknowledgement))
    monitor = Monitor(engine=engine)
    alerts = monitor.post_many(stream(by_case))
    assert monitor.today is not None
    assert breaches(alerts) == evaluator_fails(by_case, monitor.today, engine=engine)


def stream_until(by_case: dict[str, list[Event]], cut: date) -> Iterator[Event]:
    for item in stream(by_case, until=cut):
        if item["on"] <= cut.isoformat():
            yield item


def test_deadlines_come_from_the_evaluators_arithmetic() -> None:
    """Worked example of section 6: received Wed 1 May 2024, May bank holiday on the 6th."""
    monitor = Monitor()
    due = monitor.post({"reference": "W-1", "type": "received", "on": "2024-05-01"})
    assert [(a.kind, a.rule_id, a.deadline) for a in due] == [
        (AlertKind.DUE, "CHC24-6.2", date(2024, 5, 9))
    ]
    ack = monitor.post(
        {"reference": "W-1", "type": "acknowledged", "on": "2024-05-09", "definition": DEFINITION}
    )
    assert [(a.kind, a.rule_id, a.deadline) for a in ack] == [
        (AlertKind.DUE, "CHC24-6.3", date(2024, 5, 23))
    ]
    assert monitor.tick(date(2024, 5, 23)) == []
    late = monitor.tick(date(2024, 5, 24))
    assert [(a.kind, a.rule_id) for a in late] == [(AlertKind.BREACHED, "CHC24-6.3")]
    assert "due by 2024-05-23" in late[0].message


def test_ruleset_holds_no_timescale() -> None:
    """The ruleset is generated from the pack's declarations; the numbers stay in the
    parameters file and reach the monitor only through the evaluator's functions."""
    monitor = Monitor()
    definition = monitor.ruleset_definition("code_2024")
    assert {"ack_late_1", "resp_unmet_2", "ext_beyond_cap_2", "same_handler_2"} <= set(definition)
    text = json.dumps(definition)
    for number in ("5", "10", "20"):
        assert f": {number}}}" not in text and f": {number}," not in text


# -- restart -------------------------------------------------------------------------------


def test_export_and_restore_mid_stream_gives_the_same_alerts() -> None:
    items = list(stream(journeys(11, 200)))
    whole = Monitor().post_many(items)

    half = len(items) // 2
    first = Monitor()
    before = first.post_many(items[:half])
    snapshot = json.loads(json.dumps(first.export()))
    first.close()
    restored = Monitor.restore(snapshot)
    after = restored.post_many(items[half:])
    assert before + after == whole
    assert restored.export() == Monitor.restore(restored.export()).export()


def test_replaying_a_case_gives_the_same_alerts() -> None:
    items = list(stream(journeys(12, 60)))
    assert Monitor().post_many(items) == Monitor().post_many(items)


def test_restore_refuses_a_different_calendar() -> None:
    from complaintrules import WorkingCalendar

    monitor = Monitor()
    monitor.post({"reference": "R-1", "type": "received", "on": "2024-05-01"})
    other = Engine(calendar=WorkingCalendar(closures=[date(2024, 12, 27)]))
    with pytest.raises(MonitorInputError, match="calendar"):
        Monitor.restore(monitor.export(), engine=other)


# -- isolation and concurrency -------------------------------------------------------------


def _key(a: Alert) -> tuple[Any, ...]:
    return (a.reference, a.kind, a.rule_id, a.stage, a.deadline, a.on, a.message)


def test_threads_posting_concurrently() -> None:
    by_case = journeys(21, 240)
    final = {"type": "tick", "on": "2025-06-30"}
    sequential = Monitor()
    expected = Counter(
        _key(a) for a in sequential.post_many([e for evs in by_case.values() for e in evs])
    )
    expected.update(_key(a) for a in sequential.post(final))

    monitor = Monitor()
    groups: list[list[Event]] = [[], [], [], []]
    for i, evs in enumerate(by_case.values()):
        groups[i % 4] += evs
    got: Counter[tuple[Any, ...]] = Counter()
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work(events: list[Event]) -> None:
        try:
            for e in events:
                alerts = monitor.post(e)
                with lock:
                    got.update(_key(a) for a in alerts)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(g,)) for g in groups]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    got.update(_key(a) for a in monitor.post(final))
    assert got == expected

    def cases(m: Monitor) -> list[Any]:
        return sorted(m.export()["cases"], key=lambda c: c["reference"])

    assert cases(monitor) == cases(sequential)


def test_two_monitors_in_one_process_are_independent() -> None:
    first, second = Monitor(), Monitor()
    assert first.name != second.name
    received = {"reference": "T-1", "type": "received", "on": "2024-05-01"}
    assert first.post(received) == second.post(received)
    first.post({"reference": "T-1", "type": "closed", "on": "2024-05-02"})
    assert first.tracked_cases == 1  # an unacknowledged case is still judged after closure
    assert second.open_cases == 1 and first.open_cases == 0
    named = Monitor(name="my-monitor")
    assert named.name == "my-monitor"
    assert Monitor(name="my-monitor").post(received)  # same name twice is fine


def test_more_open_cases_than_durable_rules_has_states() -> None:
    """durable-rules holds at most 1024 live states per ruleset; the monitor never uses
    more than one, whatever the number of open cases."""
    monitor = Monitor()
    for i in range(3000):
        monitor.post({"reference": f"M-{i}", "type": "received", "on": "2024-05-01"})
    assert monitor.open_cases == 3000
    alerts = monitor.tick(date(2024, 5, 10))
    assert len(alerts) == 3000
    assert {a.rule_id for a in alerts} == {"CHC24-6.2"}
    for i in range(3000):
        monitor.post({"reference": f"M-{i}", "type": "withdrawn", "on": "2024-05-10"})
    assert monitor.tracked_cases == 0


def test_memory_is_released_as_cases_close() -> None:
    monitor = Monitor()
    for i in range(200):
        ref = f"F-{i}"
        monitor.post({"reference": ref, "type": "received", "on": "2024-05-01"})
        monitor.post(
            {"reference": ref, "type": "acknowledged", "on": "2024-05-02", "definition": DEFINITION}
        )
        monitor.post({"reference": ref, "type": "response_issued", "on": "2024-05-10"})
        monitor.post({"reference": ref, "type": "closed", "on": "2024-05-10"})
    assert monitor.tracked_cases == 0
    monitor.tick(date(2024, 7, 1))
    assert monitor._buckets == {} and monitor._heap == []


# -- unmatched and invalid events ----------------------------------------------------------


def test_an_event_no_rule_matches_is_not_an_error() -> None:
    monitor = Monitor()
    monitor.post({"reference": "U-1", "type": "received", "on": "2024-05-01"})
    assert monitor.post({"reference": "U-1", "type": "logged", "on": "2024-05-01"}) == []
    assert (
        monitor.post(
            {"reference": "U-1", "type": "handler_assigned", "on": "2024-05-01", "handler": "X"}
        )
        == []
    )
    refused = {"type": "refused", "on": "2024-05-02", "ground": "not_a_complaint"}
    assert monitor.post({"reference": "U-1", "event": refused}) == []
    assert monitor.tick(date(2024, 5, 2)) == []


@pytest.mark.parametrize(
    ("item", "says"),
    [
        ({"reference": "V-1", "type": "acknowledged", "on": "2024-13-01"}, "event.on"),
        ({"reference": "V-1", "type": "teleported", "on": "2024-05-02"}, "teleported"),
        ({"type": "acknowledged", "on": "2024-05-02"}, "reference"),
        ({"reference": "V-1", "type": "acknowledged", "on": "2024-05-02", "x": 1}, "event.x"),
        ({"reference": "V-2", "type": "acknowledged", "on": "2024-05-02"}, "no open case"),
        ({"reference": "V-1", "type": "received", "on": "2024-05-02"}, "already received"),
        ({"reference": "V-1", "type": "acknowledged", "on": "2024-04-30"}, "before the case"),
        (
            {"reference": "V-1", "type": "response_issued", "on": "2024-05-03", "stage": 2},
            "before escalation",
        ),
        (
            {"reference": "V-1", "type": "extension_notified", "on": "2024-05-03"},
            "event.new_due",
        ),
        (
            {
                "reference": "V-1",
                "type": "extension_notified",
                "on": "2024-05-03",
                "new_due": "2024-05-02",
            },
            "before the extension",
        ),
        ({"type": "tick", "on": "2024-05-01"}, "cannot go back"),
        ({"type": "tick"}, "tick.on"),
        ({"reference": "V-1", "type": "received", "on": "2040-01-01"}, "already received"),
    ],
)
def test_an_invalid_event_is_rejected_and_changes_nothing(item: Event, says: str) -> None:
    monitor = Monitor()
    monitor.post({"reference": "V-1", "type": "received", "on": "2024-05-01"})
    monitor.tick(date(2024, 5, 2))
    before = monitor.export()
    with pytest.raises(MonitorInputError, match=says):
        monitor.post(item)
    assert monitor.export() == before


def test_a_rejection_after_the_case_was_changed_rolls_it_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The acknowledgement has already marked the stage acknowledged and its obligation
    met when the (forced) failure comes: both are put back."""
    monitor = Monitor()
    monitor.post({"reference": "W-1", "type": "received", "on": "2024-05-01"})
    before = monitor.export()

    def fail(*_: Any, **__: Any) -> Any:
        raise MonitorInputError("forced")

    monkeypatch.setattr(Monitor, "_reschedule_response", fail)
    ack = {"reference": "W-1", "type": "acknowledged", "on": "2024-05-02"}
    with pytest.raises(MonitorInputError, match="forced"):
        monitor.post(ack)
    assert monitor.export() == before
    monkeypatch.undo()
    control = Monitor()
    control.post({"reference": "W-1", "type": "received", "on": "2024-05-01"})
    assert monitor.post(ack) == control.post(ack) != []


def test_a_date_beyond_the_calendar_is_rejected_cleanly() -> None:
    monitor = Monitor()
    before = monitor.export()
    with pytest.raises(MonitorInputError, match="2035"):
        monitor.post({"reference": "Y-1", "type": "received", "on": "2035-12-30"})
    assert monitor.export() == before


def test_events_after_closure_are_rejected() -> None:
    monitor = Monitor()
    monitor.post({"reference": "Z-1", "type": "received", "on": "2024-05-01"})
    closed = monitor.post({"reference": "Z-1", "type": "closed", "on": "2024-05-03"})
    assert [a.kind for a in closed] == [AlertKind.CLOSED]
    with pytest.raises(MonitorInputError, match="closed on 2024-05-03"):
        monitor.post({"reference": "Z-1", "type": "acknowledged", "on": "2024-05-04"})


# -- command line --------------------------------------------------------------------------


def test_cli_replays_an_event_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from complaintrules.cli.main import main

    path = tmp_path / "events.jsonl"
    lines = [
        {"reference": "C-1", "type": "received", "on": "2024-05-01"},
        {"type": "tick", "on": "2024-05-10"},
        {"reference": "C-1", "type": "closed", "on": "2024-05-10"},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    code = main(["monitor", str(path)])
    out, _ = capsys.readouterr()
    assert code == 1  # a breach is a failure, as for `check`
    assert out.splitlines() == [
        "2024-05-01 C-1 due CHC24-6.2: stage 1 acknowledgement due by 2024-05-09",
        "2024-05-10 C-1 breached CHC24-6.2: no stage 1 acknowledgement by 2024-05-10; it was "
        "due by 2024-05-09",
        "2024-05-10 C-1 closed: case closed on 2024-05-10",
    ]
    assert main(["monitor", str(path), "--format", "json", "--no-fail"]) == 0
    out, _ = capsys.readouterr()
    assert [json.loads(x)["kind"] for x in out.splitlines()] == ["due", "breached", "closed"]


def test_cli_reports_bad_lines_and_carries_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from complaintrules.cli.main import main

    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"reference": "C-1", "type": "received", "on": "2024-05-01"}\n'
        "not json\n"
        '{"reference": "C-1", "type": "acknowledged", "on": "2024-05-40"}\n'
        '{"reference": "C-1", "type": "closed", "on": "2024-05-02"}\n',
        encoding="utf-8",
    )
    code = main(["monitor", str(path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "line 2: not valid JSON" in err
    assert "line 3: invalid event for C-1: event.on" in err
    assert "closed on 2024-05-02" in out


def test_the_guides_example_runs_as_written(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/monitor.md shows the replay of examples/monitor/events.jsonl: keep it true."""
    import re
    import shlex

    from complaintrules.cli.main import main

    root = Path(__file__).resolve().parents[2]
    guide = (root / "docs" / "monitor.md").read_text(encoding="utf-8")
    block = re.search(r"```console\n(.*?)```", guide, re.DOTALL)
    assert block is not None
    lines = block.group(1).splitlines()
    command, expected = lines[0], lines[1 : lines.index("$ echo $?")]
    assert command.startswith("$ complaintrules ")
    monkeypatch.chdir(root)
    code = main(shlex.split(command)[2:])
    out, _ = capsys.readouterr()
    assert out.splitlines() == expected
    assert code == int(lines[lines.index("$ echo $?") + 1])


def test_an_acknowledgement_after_an_extension_rejudges_it() -> None:
    """Notified before the acknowledgement, an extension is judged against a provisional
    deadline; acknowledging early moves the original deadline, and the cap, earlier."""
    monitor = Monitor()
    monitor.post({"reference": "E-1", "type": "received", "on": "2024-06-11"})
    extension = {
        "type": "extension_notified",
        "on": "2024-06-16",
        "new_due": "2024-07-16",
        "reason": "Surveyor's report awaited",
    }
    assert [a.kind for a in monitor.post({"reference": "E-1", **extension})] == [AlertKind.DUE]
    ack = {"type": "acknowledged", "on": "2024-06-17", "definition": DEFINITION}
    alerts = monitor.post({"reference": "E-1", **ack})
    assert [(a.kind, a.rule_id, a.deadline) for a in alerts] == [
        (AlertKind.EXTENSION_INVALID, "CHC24-6.4", date(2024, 7, 15)),
        (AlertKind.DUE, "CHC24-6.3", date(2024, 7, 15)),
    ]


# -- the fast paths behave as the plain ones -----------------------------------------------


def test_an_open_case_is_one_object_for_the_garbage_collector() -> None:
    """Stages and obligations are plain tuples of dates, strings and numbers, which the
    collector stops tracking: an open case costs full collections its record alone."""
    import gc

    monitor = Monitor()
    monitor.post({"reference": "G-1", "type": "received", "on": "2024-05-01"})
    monitor.post(
        {"reference": "G-1", "type": "acknowledged", "on": "2024-05-02", "definition": DEFINITION}
    )
    monitor.post(
        {"reference": "G-1", "type": "handler_assigned", "on": "2024-05-02", "handler": "A"}
    )
    gc.collect()
    gc.collect()  # an outer tuple met before the tuples it holds is let go at the next pass
    case = monitor._cases["G-1"]
    assert gc.is_tracked(case)
    assert not gc.is_tracked(case.stages) and not gc.is_tracked(case.obligations)
    assert not gc.is_tracked(case.raised)


def test_stages_and_obligations_keep_the_order_they_were_opened() -> None:
    monitor = Monitor()
    ref = "O-1"
    for item in [
        {"type": "received", "on": "2024-05-01"},
        {"type": "acknowledged", "on": "2024-05-02", "definition": DEFINITION},
        {"type": "response_issued", "on": "2024-05-10"},
        {"type": "escalation_requested", "on": "2024-05-13"},
        {"type": "handler_assigned", "on": "2024-05-14", "handler": "B", "stage": 2},
        {"type": "handler_assigned", "on": "2024-05-14", "handler": "A"},
    ]:
        monitor.post({"reference": ref, **item})
    case = monitor.export()["cases"][0]
    assert [s["number"] for s in case["stages"]] == [1, 2]
    assert [s["handler"] for s in case["stages"]] == ["A", "B"]
    assert [(ob, n, status) for ob, n, _, status in case["obligations"]] == [
        ("acknowledge", 1, "met"),
        ("respond", 1, "met"),
        ("acknowledge", 2, "open"),
        ("respond", 2, "open"),
    ]
    restored = Monitor.restore(monitor.export())
    assert restored.export() == monitor.export()


def test_the_soak_benchmark_streams_the_events_it_scheduled() -> None:
    """The benchmark holds scheduled events as flat tuples; each comes back as the dict it
    was, with its own copy of the complaint definition."""
    import importlib.util

    path = Path(__file__).parents[2] / "benchmarks" / "monitor_soak.py"
    spec = importlib.util.spec_from_file_location("monitor_soak", path)
    assert spec is not None and spec.loader is not None
    soak = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(soak)
    event = {"reference": "R1-3", "stage": 2, "type": "acknowledged", "on": "2024-05-01"}
    event["definition"] = soak.DEFINITION
    back = soak._release(soak._hold(event))
    assert back == event and list(back) == list(event)
    assert back["definition"] is not soak.DEFINITION
    items = list(soak.season(1, 50, date(2024, 4, 2)))
    assert sum(1 for i in items if i["type"] == "received") == 50
    monitor = Monitor()
    for item in items:
        monitor.post(item)
    assert monitor.tracked_cases == 0
