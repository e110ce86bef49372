"""A received_at with a time zone is converted to UK time before a cut-off applies (issue 12,
item 7): 16:30Z on a summer day is 17:30 BST, after a 17:00 cut-off; 15:30Z is 16:30 BST,
before it. It used to crash `cases`, `due()` and the monitor (naive against aware)."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from complaintrules import Complaint, Conventions, Engine, due
from complaintrules.cli.main import EXIT_USAGE, main

MONDAY = "2024-06-03"  # British Summer Time: UTC+1
CUTOFF = Conventions(cutoff=time(17, 0))


def _case(at: str, **more: Any) -> Complaint:
    return Complaint.model_validate(
        {"reference": "C-1", "received_on": MONDAY, "received_at": at, **more}
    )


@pytest.mark.parametrize(
    ("on", "at", "local"),
    [
        ("2024-06-03", "16:30Z", time(17, 30)),
        ("2024-06-03", "16:30+01:00", time(16, 30)),
        ("2024-01-08", "16:30Z", time(16, 30)),  # Greenwich Mean Time in winter
        ("2024-06-03", "16:30", time(16, 30)),  # no zone: UK time already
    ],
)
def test_an_aware_time_becomes_uk_time(on: str, at: str, local: time) -> None:
    case = Complaint.model_validate({"reference": "C-1", "received_on": on, "received_at": at})
    assert case.received_at == local and case.received_at.tzinfo is None
    events = Complaint.model_validate(
        {"reference": "C-1", "events": [{"type": "received", "on": on, "at": at}]}
    )
    assert events.received_at == local


def test_a_time_on_another_uk_day_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"was 00:30 on 2024-06-04 in the UK") as info:
        _case("23:30Z")
    assert info.value.errors()[0]["loc"] == ("received_at",)


@pytest.mark.parametrize(
    ("at", "ack_due"),
    [
        ("16:30Z", date(2024, 6, 11)),  # after the cut-off: counted from Tuesday
        ("15:30Z", date(2024, 6, 10)),  # before it: from Monday
    ],
)
def test_due_applies_the_cutoff_in_uk_time(at: str, ack_due: date) -> None:
    report = due(_case(at), date(2024, 6, 5), engine=Engine(conventions=CUTOFF))
    (ack,) = [o for o in report.obligations if o.kind == "acknowledge"]
    assert ack.due_by == ack_due


def test_cases_applies_the_cutoff_in_uk_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "export.csv"
    rows = [("A", "16:30Z"), ("B", "17:30"), ("C", "15:30Z"), ("D", "16:30")]
    export.write_text(
        "reference,received_on,received_at,stage1.acknowledged_on\n"
        + "".join(f"{ref},{MONDAY},{at},2024-06-11\n" for ref, at in rows)
    )
    code = main(["cases", str(export), "--cutoff", "17:00", "--as-of", "2024-06-12"])
    out, err = capsys.readouterr()
    assert code != EXIT_USAGE and "Traceback" not in err, err
    found = {r["reference"]: r["findings"] for r in map(json.loads, out.splitlines())}
    assert found["A"] == found["B"]  # 16:30Z is 17:30 in the UK: after the cut-off
    assert found["C"] == found["D"]  # 15:30Z is 16:30: before it
    assert found["A"] != found["C"]  # and the cut-off made a difference


@pytest.mark.parametrize(("at", "deadline"), [("16:30Z", "2024-06-11"), ("15:30Z", "2024-06-10")])
def test_the_monitor_applies_the_cutoff_in_uk_time(
    at: str, deadline: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(
        json.dumps({"reference": "C-1", "type": "received", "on": MONDAY, "at": at})
        + "\n"
        + json.dumps({"type": "tick", "on": "2024-06-12"})
        + "\n"
    )
    code = main(["monitor", str(events), "--cutoff", "17:00", "--format", "json"])
    out, err = capsys.readouterr()
    assert code != EXIT_USAGE and "Traceback" not in err, err
    alerts = [json.loads(line) for line in out.splitlines()]
    acknowledge = [a for a in alerts if a["stage"] == 1 and "acknowledg" in a["message"]]
    assert acknowledge and {a["deadline"] for a in acknowledge} == {deadline}
