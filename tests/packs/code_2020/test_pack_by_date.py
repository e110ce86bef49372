"""The changeover: received on or before 31 March 2024, code_2020; from 1 April 2024, code_2024.

Easter 2024 straddles it: Good Friday is 29 March and Easter Monday 1 April.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from complaintrules import Complaint, Engine
from complaintrules.testing import assert_fails, assert_passes, default_engine


def received(on: str, **stage: Any) -> Complaint:
    return Complaint.model_validate(
        {"reference": f"R-{on}", "received_on": on, "stages": [{"number": 1, **stage}]}
    )


def test_the_pack_declares_its_dates() -> None:
    pack = default_engine().registry.get("code_2020")
    assert pack.in_force_from == date(2020, 7, 1)
    assert pack.in_force_until == date(2024, 3, 31)
    assert pack.in_force_on(date(2024, 3, 31))
    assert not pack.in_force_on(date(2024, 4, 1))
    assert not pack.in_force_on(date(2020, 6, 30))


def test_received_on_the_last_day_is_judged_by_code_2020() -> None:
    report = Engine().evaluate_case(received("2024-03-31"))
    assert [p.name for p in report.packs] == ["code_2020"]
    assert {f.pack for f in report.findings} == {"code_2020"}


def test_received_on_the_first_day_of_the_2024_code_is_judged_by_code_2024() -> None:
    report = Engine().evaluate_case(received("2024-04-01"))
    assert [p.name for p in report.packs] == ["code_2024"]
    assert {f.pack for f in report.findings} == {"code_2024"}


def test_received_good_friday_is_code_2020() -> None:
    report = Engine().evaluate_case(received("2024-03-29"))
    assert [p.name for p in report.packs] == ["code_2020"]


def test_naming_a_pack_overrides_the_date() -> None:
    report = Engine().evaluate_case(received("2024-03-31"), pack="code_2024")
    assert [p.name for p in report.packs] == ["code_2024"]
    report = Engine().evaluate_case(received("2024-04-02"), pack="code_2020")
    assert [p.name for p in report.packs] == ["code_2020"]


def test_a_march_case_keeps_the_2020_rules_after_the_changeover() -> None:
    # Received Thu 28 March 2024: 5 working days skip Good Friday and Easter Monday, so the
    # acknowledgement is due Mon 8 April, judged by code_2020's 4.1 though it falls in April.
    on_time = received("2024-03-28", acknowledged={"on": "2024-04-08"}, logged_on="2024-04-08")
    late = received("2024-03-28", acknowledged={"on": "2024-04-09"}, logged_on="2024-04-09")
    assert_passes(on_time, "CHC20-4.1")
    assert_fails(late, "CHC20-4.1")
    report = Engine().evaluate_case(on_time)
    assert [p.name for p in report.packs] == ["code_2020"]


def test_a_march_stage1_clock_skips_easter_2024() -> None:
    # Logged Thu 28 March; 10 working days from logging skip Good Friday and Easter Monday
    # and end on Mon 15 April.
    before = received(
        "2024-03-26",
        logged_on="2024-03-28",
        acknowledged={"on": "2024-03-28"},
        response={"issued_on": "2024-04-15"},
    )
    assert_passes(before, "CHC20-5.1")
    late = received(
        "2024-03-26",
        logged_on="2024-03-28",
        acknowledged={"on": "2024-03-28"},
        response={"issued_on": "2024-04-16"},
    )
    assert_fails(late, "CHC20-5.1")


def test_a_portfolio_spanning_the_changeover_uses_both_packs() -> None:
    report = Engine().evaluate_portfolio([received("2024-03-31"), received("2024-04-01")])
    assert {p.name for p in report.packs} >= {"code_2020", "code_2024"}
    by_case = {(f.subject_ref, f.pack) for f in report.findings if f.subject.value == "case"}
    assert ("R-2024-03-31", "code_2020") in by_case
    assert ("R-2024-04-01", "code_2024") in by_case
    assert ("R-2024-03-31", "code_2024") not in by_case
