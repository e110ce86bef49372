"""Values that used to be converted silently are refused, naming the file, line and field
(issue 12, item 9): numbers as dates, a midnight date and time with a UTC offset as a date,
and a JSON key given twice."""

from __future__ import annotations

import json
import re
import typing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from complaintrules import Complaint, InputError, load_case, load_policy, read_cases
from complaintrules.cli.main import EXIT_USAGE, main
from complaintrules.model.base import InputModel, _calendar_date
from complaintrules.monitor.monitor import iter_jsonl

CASE = {"reference": "C-1", "received_on": "2024-05-01"}


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, err


# -- numbers are not dates -----------------------------------------------------------------


@pytest.mark.parametrize("value", [1714521600, "1714521600", 1714521600.0, "20240501", 0])
def test_a_number_is_not_a_date(value: Any) -> None:
    with pytest.raises(ValidationError, match="not a number") as info:
        Complaint.model_validate({**CASE, "received_on": value})
    assert info.value.errors()[0]["loc"] == ("received_on",)


def test_a_unix_timestamp_in_a_case_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml_case = tmp_path / "case.yaml"
    yaml_case.write_text("reference: C-1\nreceived_on: 1714521600\n")
    with pytest.raises(InputError, match=r"line 2: received_on: expected a date"):
        load_case(yaml_case)
    policy = tmp_path / "policy.yaml"
    policy.write_text("name: P\n")
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([{"reference": "C-1", "received_on": "1714521600"}]))
    code, err = _cli(["check", str(policy), "--cases", str(cases)], capsys)
    assert code == EXIT_USAGE
    assert f"{cases}:[0].received_on: expected a date as YYYY-MM-DD, not a number" in err


def test_a_unix_timestamp_in_a_bulk_export_rejects_the_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "export.csv"
    export.write_text("reference,received_on\nC-1,2024-05-01\nC-2,1714521600\n")
    code, err = _cli(["cases", str(export), "--format", "summary"], capsys)
    assert code == EXIT_USAGE
    assert "row 3: column 'received_on': '1714521600' is a number, not a date" in err
    records = tmp_path / "export.jsonl"
    records.write_text(json.dumps({**CASE, "received_on": 1714521600}) + "\n")
    (row,) = read_cases(records)
    assert row.case is None
    assert row.problems[0].column == "received_on"
    assert "not a number" in row.problems[0].reason


def _annotations(tp: Any) -> typing.Iterator[Any]:
    """Every type inside ``tp``, with Annotated kept whole."""
    yield tp
    if typing.get_origin(tp) is not typing.Annotated:
        for arg in typing.get_args(tp):
            yield from _annotations(arg)


def _models(cls: type[BaseModel]) -> typing.Iterator[type[BaseModel]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _models(sub)


def test_every_date_field_of_every_input_model_refuses_numbers() -> None:
    """The checked date type is used by every date field, so a new field cannot miss it."""
    import complaintrules.models  # noqa: F401  (imports every model)

    checked = 0
    for model in set(_models(InputModel)):
        for name, field in model.model_fields.items():
            for tp in _annotations(field.annotation):
                if typing.get_origin(tp) is typing.Annotated:
                    inner, *meta = typing.get_args(tp)
                    if inner is date:
                        assert any(getattr(m, "func", None) is _calendar_date for m in meta)
                        checked += 1
                elif tp is date and tp is field.annotation:
                    validators = [getattr(m, "func", None) for m in field.metadata]
                    assert _calendar_date in validators, f"{model.__name__}.{name}"
                    checked += 1
                else:
                    assert tp is not date, f"{model.__name__}.{name} takes a bare date"
    assert checked > 50


# -- a date and time with an offset is not a date ------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2024-05-01T00:00:00+01:00",
        "2024-05-01T00:00:00Z",
        datetime(2024, 5, 1, tzinfo=timezone(timedelta(hours=2))),
    ],
)
def test_a_midnight_with_an_offset_is_refused(value: Any) -> None:
    with pytest.raises(ValidationError, match="UTC offset"):
        Complaint.model_validate({**CASE, "received_on": value})


def test_a_midnight_without_an_offset_is_still_its_date() -> None:
    case = Complaint.model_validate({**CASE, "received_on": "2024-05-01T00:00:00"})
    assert case.received_on == date(2024, 5, 1)


def test_an_offset_midnight_is_refused_in_files_and_exports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml_case = tmp_path / "case.yaml"  # YAML reads this as an aware datetime itself
    yaml_case.write_text("reference: C-1\nreceived_on: 2024-05-01T00:00:00+01:00\n")
    with pytest.raises(InputError, match=r"line 2: received_on: .*UTC offset"):
        load_case(yaml_case)
    export = tmp_path / "export.csv"
    export.write_text(
        "reference,received_on\nC-1,2024-05-01T00:00:00+01:00\nC-2,2024-05-01T00:00:00\n"
    )
    rows = list(read_cases(export))
    assert rows[0].case is None and "UTC offset" in rows[0].problems[0].reason
    # Without an offset the date is read year first (dateutil read it as 5 January).
    assert rows[1].case is not None and rows[1].case.received_on == date(2024, 5, 1)


# -- a JSON key given twice ----------------------------------------------------------------


def test_a_json_key_given_twice_is_refused_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text('{\n  "name": "A",\n  "stages": [{"number": 1}],\n  "name": "B"\n}\n')
    with pytest.raises(InputError, match=r"line 4: name: duplicate key \(first given on line 2"):
        load_policy(policy)
    code, err = _cli(["check", str(policy)], capsys)
    assert code == EXIT_USAGE
    assert f"{policy}:line 4: name: duplicate key" in err
    # The same key in two different objects is not a duplicate.
    fine = tmp_path / "fine.json"
    fine.write_text('{"name": "A", "stages": [{"number": 1}, {"number": 2}]}')
    assert load_policy(fine).name == "A"


def test_a_json_lines_key_given_twice_is_refused_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "export.jsonl"
    export.write_text(
        json.dumps(CASE) + "\n" + '{"reference": "C-2", "received_on": "2024-05-01", '
        '"received_on": "2024-06-01"}\n'
    )
    rows = list(read_cases(export))
    assert rows[0].case is not None
    assert rows[1].case is None
    assert str(rows[1].problems[0]) == "row 2: column 'received_on': duplicate key"
    code, err = _cli(["cases", str(export), "--format", "summary"], capsys)
    assert code == EXIT_USAGE
    assert "row 2: column 'received_on': duplicate key" in err
    lines = ['{"type": "tick", "on": "2024-05-01", "on": "2024-06-01"}']
    ((number, item, problem),) = list(iter_jsonl(lines))
    assert (number, item) == (1, None)
    assert problem.startswith("on: duplicate key")


def test_the_monitor_refuses_a_key_given_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"reference": "C-1", "type": "received", "on": "2024-05-01"}\n'
        '{"reference": "C-1", "type": "acknowledged", "on": "2024-05-02", "on": "2024-05-20"}\n'
    )
    code, err = _cli(["monitor", str(events)], capsys)
    assert code == EXIT_USAGE
    assert "line 2: on: duplicate key" in err


# -- an event-list fact given twice --------------------------------------------------------

RECEIVED = {"type": "received", "on": "2024-05-01"}
RESPONSE = {"type": "response_issued", "on": "2024-05-10"}


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (
            {"type": "response_issued", "on": "2024-05-20"},
            "events[2]: a second 'response_issued' event for stage 1, different from events[1]",
        ),
        (
            {"type": "received", "on": "2024-05-03"},
            "events[2]: a second 'received' event, different from events[0]",
        ),
    ],
)
def test_a_second_event_for_a_fact_recorded_once_is_refused(
    second: dict[str, str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second response used to replace the first, and a second receipt was ignored."""
    events = [RECEIVED, RESPONSE, second]
    with pytest.raises(ValidationError, match=re.escape(message)):
        Complaint.model_validate({"reference": "C-1", "events": events})
    policy = tmp_path / "policy.yaml"
    policy.write_text("name: P\n")
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([{"reference": "C-1", "events": events}]))
    code, err = _cli(["check", str(policy), "--cases", str(cases)], capsys)
    assert code == EXIT_USAGE
    assert f"{cases}:[0]: " in err and message in err


def test_a_repeated_event_is_the_same_fact() -> None:
    """At-least-once delivery repeats events: an identical repeat is not a contradiction."""
    events = [RECEIVED, RESPONSE, dict(RESPONSE), dict(RECEIVED)]
    case = Complaint.model_validate({"reference": "C-1", "events": events})
    stage = case.stage(1)
    assert stage is not None and stage.response is not None
    assert stage.response.issued_on == date(2024, 5, 10)
    escalated = [
        *events,
        {"type": "escalation_requested", "on": "2024-05-15"},
        {"type": "response_issued", "stage": 2, "on": "2024-06-01"},
    ]
    assert Complaint.model_validate({"reference": "C-1", "events": escalated}).stage(2)
