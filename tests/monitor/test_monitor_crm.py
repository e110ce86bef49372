"""CRM change events in (Dataverse, Salesforce), the monitor's alerts out (issue 16, item 3).

A CRM delivers record changes at least once and not always in order. Whatever the order
and however often a change comes, the alerts are the same: none repeated, none lost.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from complaintrules import Monitor
from complaintrules.cli.main import main
from complaintrules.monitor.crm import (
    CrmIngest,
    CrmInputError,
    FieldMapping,
    parse_change,
    read_changes,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "monitor"
DEFINED = {"Understanding__c": "Damp", "Outcomes_Sought__c": "Treat it"}
SF_MAPPING = FieldMapping.from_json(
    json.loads((EXAMPLES / "salesforce-mapping.json").read_text(encoding="utf-8"))
)


def _ms(day: date, hour: int = 9) -> int:
    return int(datetime(day.year, day.month, day.day, hour, tzinfo=UTC).timestamp() * 1000)


def sf_change(
    kind: str, record: str, day: date, fields: dict[str, Any], *, tx: str, hour: int = 9
) -> dict[str, Any]:
    header: dict[str, Any] = {
        "entityName": "Case",
        "recordIds": [record],
        "changeType": kind,
        "transactionKey": tx,
        "sequenceNumber": 1,
        "commitTimestamp": _ms(day, hour),
        "commitNumber": _ms(day, hour) // 1000,
    }
    if kind == "UPDATE":
        header["changedFields"] = sorted(fields)
    return {"data": {"payload": {"ChangeEventHeader": header, **fields}}}


def journeys(cases: int, seed: int) -> list[dict[str, Any]]:
    """Each case's change events, in the order the CRM committed them."""
    rng = random.Random(seed)
    start = date(2024, 4, 1)
    out = []
    for k in range(cases):
        rec = f"5003000000A{k:06d}"
        day = start + timedelta(days=rng.randrange(20))
        steps: list[tuple[date, dict[str, Any]]] = [
            (
                day,
                {
                    "CaseNumber": f"0000{k:04d}",
                    "Received_On__c": day.isoformat(),
                    "Status": "New",
                    "Understanding__c": "Damp",
                    "Outcomes_Sought__c": "Treat it",
                },
            )
        ]
        ack = day + timedelta(days=rng.choice((2, 6, 9, 12)))
        steps.append((ack, {"Stage_1_Acknowledged_On__c": ack.isoformat()}))
        steps.append((ack, {"Stage_1_Handler__c": "Ann Smith"}))
        steps.append((ack, {"Priority": "High"}))  # not a mapped field
        resp = ack + timedelta(days=rng.choice((5, 12, 20, 30)))
        if rng.random() < 0.3:
            ext = ack + timedelta(days=3)
            new_due = ext + timedelta(days=rng.choice((10, 40)))
            steps.append((ext, {"Stage_1_Extended_To__c": new_due.isoformat()}))
        steps.append((resp, {"Stage_1_Responded_On__c": resp.isoformat()}))
        last = resp
        if rng.random() < 0.3:
            esc = resp + timedelta(days=2)
            ack2 = esc + timedelta(days=rng.choice((3, 9)))
            steps.append((esc, {"Escalation_Requested_On__c": esc.isoformat()}))
            steps.append((ack2, {"Stage_2_Acknowledged_On__c": ack2.isoformat()}))
            last = ack2 + timedelta(days=rng.choice((10, 30)))
            steps.append((last, {"Stage_2_Responded_On__c": last.isoformat()}))
        steps.append((last + timedelta(days=1), {"Status": "Closed"}))
        for i, (when, fields) in enumerate(steps):
            out.append(
                sf_change("CREATE" if i == 0 else "UPDATE", rec, when, fields, tx=f"{rec}-{i}")
            )
    return out


def _alerts(
    batches: list[list[dict[str, Any]]], *, through_state: bool, settle: timedelta = timedelta(0)
) -> list[str]:
    monitor = Monitor()
    ingest = CrmIngest(monitor, SF_MAPPING, "salesforce", settle=settle)
    alerts = []
    for batch in batches:
        done = ingest.ingest((f"item {i}", p) for i, p in enumerate(batch))
        assert done.rejected == []
        alerts += [json.dumps(a.to_dict(), sort_keys=True) for a in done.alerts]
        if through_state:  # a new process carrying on from the saved state
            state = json.loads(json.dumps({**monitor.export(), "crm": ingest.export()}))
            monitor = Monitor.restore(state)
            ingest = CrmIngest(monitor, SF_MAPPING, "salesforce", settle=settle)
            ingest.restore(state["crm"])
    alerts += [json.dumps(a.to_dict(), sort_keys=True) for a in ingest.flush().alerts]
    alerts += [json.dumps(a.to_dict(), sort_keys=True) for a in monitor.tick(date(2024, 9, 1))]
    assert ingest.held == 0
    return alerts


def _commit(change: dict[str, Any]) -> int:
    return int(change["data"]["payload"]["ChangeEventHeader"]["commitTimestamp"])


def test_duplicates_and_out_of_order_changes_neither_repeat_nor_lose_an_alert() -> None:
    changes = journeys(300, seed=7)
    in_order = _alerts([changes], through_state=False)
    assert len(in_order) > 900
    assert {json.loads(a)["kind"] for a in in_order} >= {"due", "breached", "closed"}
    rng = random.Random(1)
    for through_state in (False, True):
        redelivered = changes + rng.sample(changes, len(changes) // 4)
        rng.shuffle(redelivered)
        # one batch: applied in the CRM's commit order, so the same alerts in the same order
        assert _alerts([redelivered], through_state=through_state) == in_order
        # batches by delivery window, each shuffled, with earlier changes delivered again
        # (duplicates) and some receipts and escalations a window late (the changes that
        # need them are held until they come): the same alerts, none twice
        ordered = sorted(changes, key=_commit)
        size = len(ordered) // 6 + 1
        batches = [ordered[i : i + size] for i in range(0, len(ordered), size)]
        for k in range(len(batches) - 1):
            late = [
                c
                for c in batches[k]
                if ("Received_On__c" in c["data"]["payload"])
                or ("Escalation_Requested_On__c" in c["data"]["payload"])
                if rng.random() < 0.3
            ]
            batches[k] = [c for c in batches[k] if not any(c is x for x in late)]
            batches[k + 1] += late
        seen: list[dict[str, Any]] = []
        for batch in batches:
            seen += batch
            batch += rng.sample(seen, len(batch) // 5)
            rng.shuffle(batch)
        assert sorted(_alerts(batches, through_state=through_state)) == sorted(in_order)


def test_a_settling_time_puts_changes_delivered_late_back_in_commit_order() -> None:
    rec = "500S"
    create = sf_change(
        "CREATE",
        rec,
        date(2024, 5, 1),
        {"CaseNumber": "5", "Received_On__c": "2024-05-01", **DEFINED},
        tx="1",
    )
    # the late acknowledgement is committed at 09:00, the response at 10:00; the
    # acknowledgement is delivered after the response, in the next batch
    ack = sf_change(
        "UPDATE", rec, date(2024, 5, 20), {"Stage_1_Acknowledged_On__c": "2024-05-13"}, tx="2"
    )
    resp = sf_change(
        "UPDATE", rec, date(2024, 5, 20), {"Stage_1_Responded_On__c": "2024-05-20"}, tx="3", hour=10
    )

    def alerts(batches: list[list[Any]], settle: timedelta) -> list[str]:
        monitor = Monitor()
        ingest = CrmIngest(monitor, SF_MAPPING, "salesforce", settle=settle)
        out = []
        for batch in batches:
            out += [str(a) for a in ingest.ingest(batch).alerts]
        return out + [str(a) for a in ingest.flush().alerts]

    in_order = alerts([[("1", create), ("2", ack), ("3", resp)]], timedelta(0))
    assert "2024-05-13 5 due CHC24-6.3: stage 1 response due by 2024-05-28" in in_order
    late = [[("1", create), ("3", resp)], [("2", ack)]]
    # applied as delivered, the response is judged before the acknowledgement that sets
    # its deadline, and that deadline is never announced
    assert alerts(late, timedelta(0)) != in_order
    assert alerts(late, timedelta(hours=2)) == in_order


def test_with_a_settling_time_any_lateness_within_it_gives_the_same_alerts() -> None:
    changes = journeys(200, seed=11)
    in_order = sorted(_alerts([changes], through_state=False))
    rng = random.Random(5)
    # each change delivered up to four days after its commit, some twice; a batch a day
    by_day: dict[int, list[dict[str, Any]]] = {}
    for change in changes:
        for _ in range(2 if rng.random() < 0.2 else 1):
            day = _commit(change) // 86_400_000 + rng.randrange(5)
            by_day.setdefault(day, []).append(change)
    batches = [by_day[d] for d in sorted(by_day)]
    for batch in batches:
        rng.shuffle(batch)
    for through_state in (False, True):
        got = _alerts(batches, through_state=through_state, settle=timedelta(days=5))
        assert sorted(got) == in_order


def test_a_change_older_than_the_closure_already_applied_is_reported_not_lost() -> None:
    monitor = Monitor()
    ingest = CrmIngest(monitor, SF_MAPPING, "salesforce")
    rec = "5003000000D000001"
    create = sf_change(
        "CREATE", rec, date(2024, 5, 1), {"CaseNumber": "8", "Received_On__c": "2024-05-01"}, tx="1"
    )
    closed = sf_change("UPDATE", rec, date(2024, 5, 20), {"Status": "Closed"}, tx="3")
    ingest.ingest([("line 1", create), ("line 2", closed)])
    ack = sf_change(
        "UPDATE", rec, date(2024, 5, 8), {"Stage_1_Acknowledged_On__c": "2024-05-08"}, tx="2"
    )
    done = ingest.ingest([("line 3", ack)])
    assert done.rejected == [
        (
            "line 3",
            "salesforce update of Case 5003000000D000001 (2:1): acknowledged: event for 8: "
            "type: the case was closed on 2024-05-20",
        )
    ]


def test_a_change_before_its_case_is_received_is_held_then_applied() -> None:
    monitor = Monitor()
    ingest = CrmIngest(monitor, SF_MAPPING, "salesforce")
    rec = "5003000000B000001"
    ack = sf_change(
        "UPDATE", rec, date(2024, 5, 13), {"Stage_1_Acknowledged_On__c": "2024-05-13"}, tx="t2"
    )
    done = ingest.ingest([("line 1", ack)])
    assert (done.held, done.alerts, ingest.held) == (1, [], 1)
    assert "held" in done.notes[0][1] and done.notes[0][0] == "line 1"
    create = sf_change(
        "CREATE",
        rec,
        date(2024, 5, 1),
        {"CaseNumber": "00001", "Received_On__c": "2024-05-01"},
        tx="t1",
    )
    done = ingest.ingest([("line 2", create)])
    assert [(a.kind.value, a.rule_id) for a in done.alerts] == [
        ("due", "CHC24-6.2"),
        ("breached", "CHC24-6.2"),  # acknowledged on the 13th, due by the 9th
        ("due", "CHC24-6.3"),
    ]
    assert done.released == 1 and ingest.held == 0


def test_an_older_change_arriving_after_a_newer_one_is_stale() -> None:
    monitor = Monitor()
    ingest = CrmIngest(monitor, SF_MAPPING, "salesforce")
    rec = "5003000000C000001"
    create = sf_change(
        "CREATE", rec, date(2024, 5, 1), {"CaseNumber": "7", "Received_On__c": "2024-05-01"}, tx="1"
    )
    older = sf_change("UPDATE", rec, date(2024, 5, 3), {"Stage_1_Handler__c": "Ann"}, tx="2")
    newer = sf_change("UPDATE", rec, date(2024, 5, 4), {"Stage_1_Handler__c": "Bo"}, tx="3")
    ingest.ingest([("a", create), ("b", newer)])
    done = ingest.ingest([("c", older)])
    assert done.stale == 1 and done.applied == 0
    assert done.notes == [
        ("c", "stale: salesforce update of Case 5003000000C000001 (2:1): Stage_1_Handler__c "
         "already set by a later change; ignored")
    ]  # fmt: skip
    assert monitor.export()["cases"][0]["stages"][0]["handler"] == "Bo"
    # the same change again is a duplicate, not stale
    assert ingest.ingest([("d", newer)]).duplicate == 1


def test_dataverse_remote_execution_contexts_feed_the_monitor(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        [
            "monitor",
            "--from",
            "dataverse",
            "--mapping",
            str(EXAMPLES / "dataverse-mapping.json"),
            str(EXAMPLES / "dataverse-changes.jsonl"),
            "--format",
            "json",
        ]
    )
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [(a["reference"], a["kind"], a["rule_id"], a["deadline"]) for a in out] == [
        ("CAS-01001", "due", "CHC24-6.2", "2024-05-09"),
        ("CAS-01001", "due", "CHC24-6.3", "2024-05-22"),
        ("CAS-01001", "closed", None, None),
    ]


def test_bad_change_events_are_named_and_the_rest_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = sf_change(
        "CREATE",
        "500A",
        date(2024, 5, 1),
        {"CaseNumber": "1", "Received_On__c": "2024-05-01"},
        tx="1",
    )
    other = json.loads(json.dumps(good))
    other["data"]["payload"]["ChangeEventHeader"]["entityName"] = "Account"
    no_id = json.loads(json.dumps(good))
    del no_id["data"]["payload"]["ChangeEventHeader"]["recordIds"]
    bad_date = sf_change(
        "UPDATE", "500A", date(2024, 5, 9), {"Stage_1_Acknowledged_On__c": "09/05/2024"}, tx="2"
    )
    gap = json.loads(json.dumps(good))
    gap["data"]["payload"]["ChangeEventHeader"]["changeType"] = "GAP_UPDATE"
    lines = [json.dumps(good), "{not json", json.dumps(other), json.dumps(no_id)]
    lines += [json.dumps(bad_date), json.dumps(gap), "[1, 2]"]
    events = tmp_path / "changes.jsonl"
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = str(EXAMPLES / "salesforce-mapping.json")
    code = main(["monitor", "--from", "salesforce", "--mapping", mapping, str(events)])
    captured = capsys.readouterr()
    assert code == 2
    assert "due CHC24-6.2" in captured.out  # the good change went through
    err = captured.err
    assert "line 2: not valid JSON" in err
    assert "line 3: salesforce create of Account 500A (1:1): entity: 'Account' is not the " in err
    assert "line 4: salesforce change: ChangeEventHeader.recordIds: missing" in err
    assert (
        "line 5: salesforce update of Case 500A (2:1): Stage_1_Acknowledged_On__c: expected a "
        "date (YYYY-MM-DD, an ISO 8601 date-time or /Date(ms)/), got '09/05/2024'" in err
    )
    assert "line 6: salesforce change: ChangeEventHeader.changeType: GAP_UPDATE" in err
    assert "line 7: salesforce change: expected a JSON object, got list" in err
    assert "complaintrules: 6 change(s) rejected" in err


def test_a_scheduler_ingests_then_ticks_through_a_state_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state.json"
    mapping = str(EXAMPLES / "salesforce-mapping.json")
    early = sf_change("UPDATE", "500Z", date(2024, 5, 2), {"Stage_1_Handler__c": "Ann"}, tx="2")
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps(early) + "\n", encoding="utf-8")
    args = ["monitor", "--from", "salesforce", "--mapping", mapping, "--state", str(state)]
    assert main([*args, str(first)]) == 0
    assert "1 change(s) wait for an earlier change of their record" in capsys.readouterr().err
    create = sf_change(
        "CREATE",
        "500Z",
        date(2024, 5, 1),
        {"CaseNumber": "9", "Received_On__c": "2024-05-01"},
        tx="1",
    )
    second = tmp_path / "second.jsonl"
    second.write_text(json.dumps(create) + "\n", encoding="utf-8")
    assert main([*args, str(second)]) == 0
    assert "9 due CHC24-6.2" in capsys.readouterr().out
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved["crm"]["records"][0]["pending"] == []
    # the daily tick, from cron: no events file
    assert main(["monitor", "--state", str(state), "--tick", "2024-05-10"]) == 1
    assert "9 breached CHC24-6.2" in capsys.readouterr().out
    # the state stays a monitor snapshot: --restore reads it as before
    again = tmp_path / "none.jsonl"
    again.write_text("", encoding="utf-8")
    assert main(["monitor", "--restore", str(state), str(again)]) == 0
    assert main(["monitor", "--state", str(state)]) == 2
    assert "give an events file, --tick DATE, or both" in capsys.readouterr().err


def test_mapping_and_payload_problems_name_the_field() -> None:
    with pytest.raises(CrmInputError, match=r"mapping\.events\[0\]\.type: expected one of"):
        FieldMapping.from_json({"entity": "Case", "events": [{"type": "opened", "on": "X"}]})
    with pytest.raises(CrmInputError, match="no entry for 'received'"):
        FieldMapping.from_json({"entity": "Case", "events": [{"type": "closed", "on": "X"}]})
    with pytest.raises(CrmInputError, match=r"timezone: unknown time zone"):
        FieldMapping.from_json(
            {
                "entity": "Case",
                "timezone": "Mars/Olympus",
                "events": [{"type": "received", "on": "X"}],
            }
        )
    with pytest.raises(CrmInputError, match="PrimaryEntityId: missing"):
        parse_change("dataverse", {"MessageName": "Update", "PrimaryEntityName": "incident"})
    with pytest.raises(CrmInputError, match=r"recordIds\[0\]: '500\*' stands for every record"):
        parse_change(
            "salesforce",
            {
                "ChangeEventHeader": {
                    "entityName": "Case",
                    "changeType": "UPDATE",
                    "recordIds": ["500*"],
                    "commitTimestamp": 1,
                }
            },
        )
    with pytest.raises(CrmInputError, match=r"changedFields: a Pub/Sub API bitmap"):
        parse_change(
            "salesforce",
            {
                "ChangeEventHeader": {
                    "entityName": "Case",
                    "changeType": "UPDATE",
                    "recordIds": ["500A"],
                    "commitTimestamp": 1,
                    "changedFields": ["0x0A"],
                }
            },
        )
    assert [where for where, _, _ in read_changes('[{"a": 1}, {"b": 2}]')] == ["item 1", "item 2"]
    assert [w for w, _, _ in read_changes('{\n "a": 1\n}\n')] == ["document"]


def test_dataverse_dates_lookups_and_option_sets_are_read() -> None:
    (change,) = parse_change(
        "dataverse",
        json.loads((EXAMPLES / "dataverse-changes.jsonl").read_text().splitlines()[2]),
    )
    assert change.operation == "update" and change.record == "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    mapping = FieldMapping.from_json(
        json.loads((EXAMPLES / "dataverse-mapping.json").read_text(encoding="utf-8"))
    )
    # a date-time in UTC is taken on its date in the mapping's time zone (London)
    assert mapping.events(change, {}) == [{"type": "acknowledged", "stage": 1, "on": "2024-05-08"}]
    late = parse_change(
        "dataverse",
        {
            "MessageName": "Update",
            "PrimaryEntityName": "incident",
            "PrimaryEntityId": "ABC",
            "OperationCreatedOn": "/Date(1715641200000)/",
            "InputParameters": [
                {
                    "key": "Target",
                    "value": {
                        "Attributes": [
                            # 23:30 UTC on 13 May is 00:30 on 14 May in London (BST)
                            {"key": "cr_stage1respondedon", "value": "2024-05-13T23:30:00Z"},
                            {"key": "statecode", "value": {"Value": 1}},
                        ]
                    },
                }
            ],
        },
    )
    events = mapping.events(late[0], {})
    assert events == [
        {"type": "response_issued", "stage": 1, "on": "2024-05-14"},
        {"type": "closed", "on": "2024-05-14"},
    ]


def test_the_tick_applies_changes_still_settling_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state.json"
    mapping = str(EXAMPLES / "salesforce-mapping.json")
    create = sf_change(
        "CREATE",
        "500T",
        date(2024, 5, 1),
        {"CaseNumber": "3", "Received_On__c": "2024-05-01"},
        tx="1",
    )
    changes = tmp_path / "changes.jsonl"
    changes.write_text(json.dumps(create) + "\n", encoding="utf-8")
    crm = ["--from", "salesforce", "--mapping", mapping, "--state", str(state)]
    assert main(["monitor", *crm, "--settle", "60", str(changes)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""  # committed less than an hour before the latest change seen
    assert "1 settling" in captured.err
    # a tick without the mapping cannot apply them: refused, nothing changed
    assert main(["monitor", "--state", str(state), "--tick", "2024-05-10"]) == 2
    assert "1 CRM change(s) in " in capsys.readouterr().err
    assert main(["monitor", *crm, "--tick", "2024-05-10"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "2024-05-01 3 due CHC24-6.2: stage 1 acknowledgement due by 2024-05-09",
        "2024-05-10 3 breached CHC24-6.2: no stage 1 acknowledgement by 2024-05-10; it was "
        "due by 2024-05-09",
    ]


def test_a_case_received_when_its_record_is_created() -> None:
    mapping = FieldMapping.from_json(
        {
            "entity": "incident",
            "events": [
                {"type": "received", "when": "@create", "on": "@changed"},
                {"type": "acknowledged", "stage": 1, "on": "cr_ackon"},
            ],
        }
    )
    monitor = Monitor()
    ingest = CrmIngest(monitor, mapping, "dataverse")

    def context(message: str, at: str, attributes: dict[str, Any]) -> dict[str, Any]:
        return {
            "MessageName": message,
            "PrimaryEntityName": "incident",
            "PrimaryEntityId": "6F9619FF-8B86-D011-B42D-00C04FC964FF",
            "OperationCreatedOn": at,
            "InputParameters": [{"key": "Target", "value": {"Attributes": attributes}}],
        }

    created = context("Create", "2024-05-01T08:00:00Z", {"title": "Damp"})
    acked = context("Update", "2024-05-13T08:00:00Z", {"cr_ackon": "2024-05-13"})
    done = ingest.ingest([("line 1", created), ("line 2", acked)])
    assert [(a.reference, a.kind.value) for a in done.alerts] == [
        ("6f9619ff-8b86-d011-b42d-00c04fc964ff", "due"),
        ("6f9619ff-8b86-d011-b42d-00c04fc964ff", "breached"),
        ("6f9619ff-8b86-d011-b42d-00c04fc964ff", "due"),  # the response, from the 13th
    ]
    assert done.applied == 2 and done.held == 0
