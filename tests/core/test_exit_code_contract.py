"""Inputs that gave a traceback (exit 1) or were accepted when they should not be (issue 12,
item 16): each is now exit 2 with a message naming the file and the field, or, for a rule's
evidence, a report written all the same."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from complaintrules import (
    Complaint,
    LandlordPolicy,
    Pack,
    PackRegistry,
    ParameterSet,
    Rule,
    Stage,
    hookimpl,
)
from complaintrules.authoring import passed
from complaintrules.cli import common as cli_common
from complaintrules.cli.main import EXIT_USAGE, main
from complaintrules.law.rules import Evidence, jsonable


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_a_folder_given_as_a_file_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "policy.yaml"
    folder.mkdir()
    code, _, err = _run(["check", str(folder)], capsys)
    assert code == EXIT_USAGE
    assert f"{folder}: is a folder; expected a YAML or JSON file" in err  # was "{folder}:is"
    policy = tmp_path / "p.yaml"
    policy.write_text("name: P\n")
    code, _, err = _run(["check", str(policy), "--organisation", str(tmp_path)], capsys)
    assert code == EXIT_USAGE and "is a folder" in err


@pytest.mark.parametrize("name", ["export.csv", "export"])
def test_a_folder_given_as_a_case_export_is_named_a_folder(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # it read "no such file", or "cannot tell the format" for a name without a suffix
    folder = tmp_path / name
    folder.mkdir()
    code, _, err = _run(["cases", str(folder), "--as-of", "2024-06-01"], capsys)
    assert code == EXIT_USAGE
    assert "is a folder; expected a case export file (CSV, JSON Lines or JSON)" in err


# -- corrupt monitor snapshots ---------------------------------------------------------------


def _corrupt(good: dict[str, Any], shape: str) -> Any:
    bad = copy.deepcopy(good)
    case = bad["cases"][0]
    if shape == "top_level_list":
        return [bad]
    if shape == "today_a_number":
        bad["today"] = 20240605
    elif shape == "cases_a_dict":
        bad["cases"] = {case["reference"]: case}
    elif shape == "missing_key":
        del case["received_on"]
    elif shape == "wrong_type_in_a_case":
        case["stages"][0]["acknowledged_on"] = ["2024-06-04"]
    elif shape == "unknown_pack":
        bad["pack"] = "code_1999"
    elif shape == "unknown_pack_of_a_case":
        case["pack"] = "code_1999"
    return bad


SHAPES = {
    "top_level_list": "(top level): expected a monitor snapshot (a JSON object), got list",
    "today_a_number": "today: expected a date as YYYY-MM-DD, not a number",
    "cases_a_dict": "cases: Input should be a valid list",
    "missing_key": "cases[0].received_on: Field required",
    "wrong_type_in_a_case": "cases[0].stages[0].acknowledged_on: Input should be a valid date",
    "not_json": "not a JSON snapshot",
    # the pack was accepted and every later case refused naming its event's date, or the
    # restore ended without naming the snapshot
    "unknown_pack": "pack: no pack named 'code_1999'",
    "unknown_pack_of_a_case": "cases[0].pack: no pack named 'code_1999'",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_corrupt_monitor_snapshot_names_the_field(
    shape: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"reference": "C-1", "type": "received", "on": "2024-06-03"}\n'
        '{"reference": "C-1", "type": "acknowledged", "on": "2024-06-04"}\n'
        '{"type": "tick", "on": "2024-06-05"}\n'
    )
    state = tmp_path / "state.json"
    main(["monitor", str(events), "--export", str(state)])
    capsys.readouterr()
    snapshot = tmp_path / "snapshot.json"
    if shape == "not_json":
        snapshot.write_bytes(b"\x00\xff not json")
    else:
        snapshot.write_text(json.dumps(_corrupt(json.loads(state.read_text()), shape)))
    tick = tmp_path / "tick.jsonl"
    tick.write_text('{"type": "tick", "on": "2024-06-20"}\n')
    code, _, err = _run(["monitor", str(tick), "--restore", str(snapshot)], capsys)
    assert code == EXIT_USAGE
    assert f"cannot restore from {snapshot}: " in err
    assert SHAPES[shape] in err
    # and the snapshot as exported still restores
    code, out, err = _run(["monitor", str(tick), "--restore", str(state)], capsys)
    assert code != EXIT_USAGE and "breached" in out, err


# -- evidence that JSON cannot hold ----------------------------------------------------------


class _Opaque:
    def __str__(self) -> str:
        return "<opaque thing>"


def _odd_evidence_pack() -> Pack:
    rule = Rule(
        id="ODD-1",
        pack="odd",
        provision="1",
        section="Odd",
        title="Puts sets and objects in its evidence",
        summary="A rule written outside this project.",
        explanation="",
        source="test",
        policy=lambda policy, ctx: passed(
            "looked", facts={"channels": {"phone", "email"}}, seen=_Opaque(), on=date(2024, 5, 1)
        ),
    )
    return Pack(
        name="odd",
        title="Odd",
        version="0",
        in_force_from=date(2000, 1, 1),
        in_force_until=None,
        rules=(rule,),
        parameters=ParameterSet({}),
    )


class _OddPlugin:
    @hookimpl
    def complaintrules_packs(self) -> Sequence[Pack]:
        return [_odd_evidence_pack()]


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "markdown", "github", "text"])
def test_evidence_json_cannot_hold_still_gives_a_report(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        cli_common, "PackRegistry", lambda **_: PackRegistry(autoload=False, plugins=[_OddPlugin()])
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text("name: P\n")
    code, out, err = _run(["check", str(policy), "--pack", "odd", "--format", fmt], capsys)
    assert code == 0, err
    if fmt == "json":
        (finding,) = json.loads(out)["findings"]
        assert finding["evidence"]["facts"] == {"channels": ["email", "phone"]}
        assert finding["evidence"]["computed"] == {"seen": "<opaque thing>", "on": "2024-05-01"}


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text")


def test_evidence_that_cannot_be_shown_as_text_still_gives_a_report() -> None:
    # str() of a third-party object is plugin code too: it raised through the JSON writer
    converted = jsonable({"seen": _Unprintable(), "more": [_Unprintable()]})
    assert converted == {
        "seen": "<_Unprintable that cannot be shown as text>",
        "more": ["<_Unprintable that cannot be shown as text>"],
    }


def test_jsonable_fallbacks() -> None:
    value = {1: {frozenset({2, 1}), (3, "x")}, "nested": [{"a": {None}}]}
    converted = jsonable(value)
    assert json.loads(json.dumps(converted)) == converted
    assert converted["nested"] == [{"a": [None]}]
    assert sorted(map(str, converted["1"])) == sorted(map(str, [[1, 2], [3, "x"]]))
    plain = Evidence(facts={"a": 1})
    assert plain.to_dict()["facts"] == {"a": 1}


def test_evidence_that_is_not_a_finite_number_is_strict_json() -> None:
    """json.dumps writes NaN and Infinity, which strict JSON readers refuse."""
    evidence = Evidence(computed={"rate": float("nan"), "ratio": [float("inf"), -math.inf, 0.5]})
    text = json.dumps(evidence.to_dict(), allow_nan=False)  # raises on NaN or infinity
    assert json.loads(text)["computed"] == {"rate": "nan", "ratio": ["inf", "-inf", 0.5]}


# -- policy and case models ------------------------------------------------------------------


def test_two_policy_stages_with_one_number_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("name: P\nstages:\n  - number: 1\n  - number: 1\n")
    code, _, err = _run(["check", str(policy)], capsys)
    assert code == EXIT_USAGE
    assert f"{policy}:line 3: stages: " in err
    assert "stage 1 is described twice (stages[0] and stages[1])" in err
    # in our words: pydantic's "Value error, " prefix was left on the model's own message
    assert f"{policy}:line 3: stages: stage 1 is described twice" in err
    with pytest.raises(ValidationError, match="described twice"):
        LandlordPolicy.model_validate({"stages": [{"number": 2}, {"number": 2}]})


STAGE1 = {"number": 1, "response": {"issued_on": "2024-05-20"}}


def test_stage_2_requested_before_the_stage_1_response_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    early = {"number": 2, "requested_on": "2024-05-10"}
    data = {"reference": "C-1", "received_on": "2024-05-01", "stages": [STAGE1, early]}
    with pytest.raises(ValidationError, match=r"stages\[1\].requested_on \(2024-05-10\) is before"):
        Complaint.model_validate(data)
    # the quick test that bulk reading relies on agrees
    unchecked = Complaint.model_construct(
        reference="C-1",
        received_on=date(2024, 5, 1),
        stages=[Stage.model_validate(STAGE1), Stage.model_validate(early)],
    )
    assert not unchecked._consistent() and list(unchecked._inconsistencies())
    on_the_day = {"number": 2, "requested_on": "2024-05-20"}
    assert Complaint.model_validate({**data, "stages": [STAGE1, on_the_day]}).stage(2)
    policy = tmp_path / "policy.yaml"
    policy.write_text("name: P\n")
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps({"cases": [data]}))
    code, _, err = _run(["check", str(policy), "--cases", str(cases)], capsys)
    assert code == EXIT_USAGE
    assert f"{cases}:cases[0]: " in err
    assert "stages[1].requested_on (2024-05-10) is before the stage 1 response" in err
    export = tmp_path / "export.csv"
    export.write_text(
        "reference,received_on,stage1.response_on,stage2.requested_on\n"
        "C-1,2024-05-01,2024-05-20,2024-05-10\n"
    )
    code, _, err = _run(["cases", str(export), "--format", "summary"], capsys)
    assert code == EXIT_USAGE
    assert "row 2: column 'stage2.requested_on': " in err
    assert "before the stage 1 response" in err


def test_approved_on_is_a_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("name: P\napproved_on: 21/03/2024\n")
    code, _, err = _run(["check", str(policy)], capsys)
    assert code == EXIT_USAGE
    assert f"{policy}:line 2: approved_on: " in err and "'21/03/2024'" in err
    # in our words (it read "Input should be a valid date or datetime, invalid character
    # in year")
    assert "approved_on: expected a date as YYYY-MM-DD (got '21/03/2024')" in err
    assert LandlordPolicy.model_validate({"approved_on": "2024-03-21"}).approved_on == date(
        2024, 3, 21
    )
