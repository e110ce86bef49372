"""No silent "today" (issue 12, item 2): every output states the date it judged at, and
"today" is the date in England, whatever the machine's time zone."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from complaintrules import Engine, LandlordPolicy
from complaintrules.calendar import clock as _clock
from complaintrules.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
POLICY = str(ROOT / "examples" / "landlord" / "policy.yaml")
ORGANISATION = str(ROOT / "examples" / "landlord" / "organisation.yaml")
CASES = str(ROOT / "examples" / "landlord" / "cases.yaml")

# 22:30 UTC on 31 March 2024 is 23:30 that day in London (BST) but 11:30 on 1 April in
# Auckland: the machine's local date would be a day later, and under the other Code.
BEFORE_MIDNIGHT_UK = datetime(2024, 3, 31, 22, 30, tzinfo=UTC)
# 00:30 UTC on 15 January 2025 is 00:30 in London (GMT) and 13:30 in Auckland.
WINTER = datetime(2025, 1, 15, 0, 30, tzinfo=UTC)


@pytest.fixture(params=["Pacific/Auckland", "Europe/London"])
def machine_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def _at(monkeypatch: pytest.MonkeyPatch, instant: datetime) -> None:
    monkeypatch.setattr(_clock, "now", lambda: instant)


def test_today_is_the_uk_date_whatever_the_machine_zone(
    machine_zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, BEFORE_MIDNIGHT_UK)
    local = BEFORE_MIDNIGHT_UK.astimezone().date()  # what the machine's own clock says
    assert local == (date(2024, 4, 1) if machine_zone == "Pacific/Auckland" else date(2024, 3, 31))
    assert _clock.uk_today() == date(2024, 3, 31)
    assert Engine().today() == date(2024, 3, 31)


@pytest.mark.parametrize(
    ("instant", "uk_date", "pack"),
    [(BEFORE_MIDNIGHT_UK, "2024-03-31", "code_2020"), (WINTER, "2025-01-15", "code_2024")],
)
def test_without_as_of_the_report_records_the_date_it_used(
    machine_zone: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    instant: datetime,
    uk_date: str,
    pack: str,
) -> None:
    _at(monkeypatch, instant)
    args = ["check", POLICY, "--organisation", ORGANISATION, "--cases", CASES, "--no-fail"]
    assert main([*args, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["as_of"] == uk_date
    assert report["as_of_source"] == "today (Europe/London)"
    assert report["judged_on"] == uk_date
    assert report["packs"][0]["name"] == pack  # the pack in force that day
    # the same files as of that date, given: the same findings
    assert main([*args, "--format", "json", "--as-of", uk_date]) == 0
    given = json.loads(capsys.readouterr().out)
    assert given["as_of_source"] == "given"
    assert given["findings"] == report["findings"]
    for fmt in ("text", "markdown", "junit", "sarif", "github"):
        assert main([*args, "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert uk_date in out and "today (Europe/London)" in out, fmt


def test_cases_without_as_of_records_the_uk_date(
    machine_zone: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _at(monkeypatch, BEFORE_MIDNIGHT_UK)
    crm = ROOT / "examples" / "crm"
    export, mapping = str(crm / "export.csv"), str(crm / "mapping.yaml")
    code = main(
        [
            "cases",
            export,
            "--mapping",
            mapping,
            "--format",
            "summary",
            "--no-fail",
            "--allow-rejected",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["as_of"], report["as_of_source"]) == ("2024-03-31", "today (Europe/London)")
    # the summary on standard error words it as the other outputs do (it read
    # "as of D (today (Europe/London))")
    assert main(["cases", export, "--mapping", mapping, "--no-fail", "--allow-rejected"]) == 0
    assert "as of 2024-03-31, today (Europe/London): " in capsys.readouterr().err


def test_the_library_default_is_the_injected_uk_today() -> None:
    policy = LandlordPolicy.model_validate({"name": "P"})
    engine = Engine(today=lambda: date(2025, 2, 3))
    report = engine.evaluate_policy(policy, pack="code_2024")
    assert (report.judged_on, report.judged_on_source) == (
        date(2025, 2, 3),
        "today (Europe/London)",
    )
    assert report.to_dict()["judged_on"] == "2025-02-03"
    ended = engine.evaluate_policy(policy, pack="code_2020")
    assert (ended.judged_on, ended.judged_on_source) == (
        date(2024, 3, 31),
        "the last day code_2020 was in force",
    )
    given = engine.evaluate(policy=policy, as_of=date(2024, 6, 1))
    assert (given.as_of_source, given.judged_on, given.judged_on_source) == (
        "given",
        date(2024, 6, 1),
        "given",
    )


def test_the_self_assessment_states_the_date_it_used(
    machine_zone: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _at(monkeypatch, BEFORE_MIDNIGHT_UK)
    assert main(["self-assess", POLICY, "--organisation", ORGANISATION]) == 0
    out = capsys.readouterr().out
    assert "as of 2024-03-31, today (Europe/London)" in out
