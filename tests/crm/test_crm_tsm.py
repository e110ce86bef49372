"""TSM CH01 and CH02 on one landlord's year, worked by hand (see docs/tsm.md).

Example Homes owns 2,000 homes. Its complaints in 2024/25 (April to March):

| case | stage 1 received | acknowledged | response | note |
|---|---|---|---|---|
| 1 | 2 Apr 2024 | 3 Apr | 10 Apr | on time |
| 2 | 15 Apr | 16 Apr | 24 Apr | on time; escalated 7 May, ack 8 May, reply 20 May (on time) |
| 3 | 1 May | 2 May | 20 Jun | late (due 17 May; 6 May a bank holiday) |
| 4 | 20 May | 21 May | 12 Jun | due 5 Jun; extended on 3 Jun to 14 Jun: on time with it |
| 5 | 3 Jun | 4 Jun | 11 Jun | on time |
| 6 | 24 Jun | 25 Jun | 3 Jul | on time (responded in Q2) |
| 7 | 8 Jul | 9 Jul | 15 Jul | on time |
| 8 | 1 Aug | 2 Aug | 30 Sep | late |
| 9 | 2 Sep | 3 Sep | 10 Sep | on time; escalated 20 Sep, ack 23 Sep, reply 8 Oct (on time) |
| 10 | 1 Oct | 2 Oct | 9 Oct | on time |
| 11 | 4 Nov | 5 Nov | 12 Nov | on time; escalated 25 Nov, ack 26 Nov, reply 31 Jan (late) |
| 12 | 20 Dec | 23 Dec | 8 Jan 2025 | on time (due 9 Jan, over Christmas) |
| 13 | 13 Jan 2025 | 14 Jan | 21 Jan | on time |
| 14 | 3 Feb | 4 Feb | - | withdrawn 6 Feb |
| 15 | 24 Mar | 25 Mar | 2 Apr 2025 | on time, but responded in 2025/26 |

Year: 15 stage 1 complaints (7.5 per 1,000 homes), 3 stage 2 (1.5). Stage 1 responses in
the year: 13 (cases 1-13 but 14), 11 on time (3 and 8 late) = 84.62%; counting only the
original deadline case 4 is late too: 10 = 76.92%. Stage 2 responses: 3, 2 on time = 66.67%.

Quarter 1 (April to June 2024): 6 stage 1 complaints (3.0 per 1,000), 1 stage 2 (0.5).
Stage 1 responses in Q1: cases 1-5, 4 on time = 80.0% (original deadline: 3 = 60.0%).
Stage 2: 1 response, on time = 100.0%.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaintrules import (
    Complaint,
    Engine,
    Organisation,
    ReportingPeriod,
    TsmDenominator,
    TsmExtensions,
    TsmOptions,
    measure_tsm,
)
from complaintrules.bulk.evaluate import BulkSummary, evaluate_cases

HOMES = Organisation.model_validate(
    {"name": "Example Homes", "housing_stock": {"homes_owned": 2000, "as_at": "2025-03-31"}}
)


def _case(
    n: int,
    received: str,
    ack: str,
    response: str | None,
    *,
    extension: tuple[str, str] | None = None,
    stage2: tuple[str, str, str] | None = None,
    withdrawn: str | None = None,
) -> Complaint:
    stage1: dict[str, Any] = {"number": 1, "acknowledged": {"on": ack}}
    if response:
        stage1["response"] = {"issued_on": response}
    if extension:
        stage1["extensions"] = [
            {"notified_on": extension[0], "new_due": extension[1], "reason": "Survey"}
        ]
    stages = [stage1]
    if stage2:
        stages.append(
            {
                "number": 2,
                "requested_on": stage2[0],
                "acknowledged": {"on": stage2[1]},
                "response": {"issued_on": stage2[2]},
            }
        )
    data: dict[str, Any] = {"reference": f"EH-{n}", "received_on": received, "stages": stages}
    if withdrawn:
        data["withdrawn_on"] = withdrawn
    return Complaint.model_validate(data)


CASES = [
    _case(1, "2024-04-02", "2024-04-03", "2024-04-10"),
    _case(
        2,
        "2024-04-15",
        "2024-04-16",
        "2024-04-24",
        stage2=("2024-05-07", "2024-05-08", "2024-05-20"),
    ),
    _case(3, "2024-05-01", "2024-05-02", "2024-06-20"),
    _case(4, "2024-05-20", "2024-05-21", "2024-06-12", extension=("2024-06-03", "2024-06-14")),
    _case(5, "2024-06-03", "2024-06-04", "2024-06-11"),
    _case(6, "2024-06-24", "2024-06-25", "2024-07-03"),
    _case(7, "2024-07-08", "2024-07-09", "2024-07-15"),
    _case(8, "2024-08-01", "2024-08-02", "2024-09-30"),
    _case(
        9,
        "2024-09-02",
        "2024-09-03",
        "2024-09-10",
        stage2=("2024-09-20", "2024-09-23", "2024-10-08"),
    ),
    _case(10, "2024-10-01", "2024-10-02", "2024-10-09"),
    _case(
        11,
        "2024-11-04",
        "2024-11-05",
        "2024-11-12",
        stage2=("2024-11-25", "2024-11-26", "2025-01-31"),
    ),
    _case(12, "2024-12-20", "2024-12-23", "2025-01-08"),
    _case(13, "2025-01-13", "2025-01-14", "2025-01-21"),
    _case(14, "2025-02-03", "2025-02-04", None, withdrawn="2025-02-06"),
    _case(15, "2025-03-24", "2025-03-25", "2025-04-02"),
]

YEAR = ReportingPeriod.year(2024)
Q1 = ReportingPeriod.quarter(2024, 1)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def test_periods() -> None:
    assert (YEAR.start, YEAR.end, YEAR.label) == (date(2024, 4, 1), date(2025, 3, 31), "2024/25")
    assert (Q1.start, Q1.end) == (date(2024, 4, 1), date(2024, 6, 30))
    q4 = ReportingPeriod.quarter(2024, 4)
    assert (q4.start, q4.end, q4.label) == (date(2025, 1, 1), date(2025, 3, 31), "2024/25 Q4")
    assert ReportingPeriod.parse("2024-Q3") == ReportingPeriod.quarter(2024, 3)
    assert ReportingPeriod.containing(date(2025, 2, 1)) == YEAR


def test_year(engine: Engine) -> None:
    report = measure_tsm(CASES, YEAR, organisation=HOMES, engine=engine)
    assert report.homes == 2000
    assert report.received == (15, 3)
    assert report.ch01 == (7.5, 1.5)
    assert report.responded == (13, 3)
    assert report.on_time == (11, 2)
    assert report.ch02 == (84.62, 66.67)
    assert report.acknowledgement_rate(1) == 100.0


def test_quarter(engine: Engine) -> None:
    report = measure_tsm(CASES, Q1, organisation=HOMES, engine=engine)
    assert report.received == (6, 1)
    assert report.ch01 == (3.0, 0.5)
    assert (report.responded, report.on_time) == ((5, 1), (4, 1))
    assert report.ch02 == (80.0, 100.0)


def test_original_deadline_option(engine: Engine) -> None:
    options = TsmOptions(extensions=TsmExtensions.ORIGINAL_DEADLINE)
    year = measure_tsm(CASES, YEAR, organisation=HOMES, options=options, engine=engine)
    assert year.on_time == (10, 2)
    assert year.ch02 == (76.92, 66.67)
    quarter = measure_tsm(CASES, Q1, organisation=HOMES, options=options, engine=engine)
    assert quarter.ch02 == (60.0, 100.0)


def test_received_denominator_and_withdrawn_options(engine: Engine) -> None:
    options = TsmOptions(denominator=TsmDenominator.RECEIVED, include_withdrawn=False)
    report = measure_tsm(CASES, YEAR, organisation=HOMES, options=options, engine=engine)
    # Responses to the 15 complaints received in the year: all but case 14 (14), of which
    # 12 on time (3 and 8 late); case 15's response in April 2025 counts here.
    assert (report.responded[0], report.on_time[0]) == (14, 12)
    assert report.ch02[0] == 85.71
    assert report.received == (14, 3)
    assert report.ch01 == (7.0, 1.5)


def test_no_housing_stock_means_no_ch01(engine: Engine) -> None:
    report = measure_tsm(CASES, YEAR, engine=engine)
    assert report.ch01 == (None, None)
    assert "housing_stock" in report.homes_source
    assert measure_tsm(CASES, YEAR, options=TsmOptions(homes=1000), engine=engine).ch01 == (
        15.0,
        3.0,
    )


def test_fast_and_per_case_paths_give_the_same_tallies(engine: Engine) -> None:
    fast, slow = BulkSummary(), BulkSummary()
    list(evaluate_cases(CASES, engine=engine, summary=fast, fast=True))
    list(evaluate_cases(CASES, engine=engine, summary=slow, fast=False))
    assert fast.tally.counts == slow.tally.counts
    assert fast.verdicts == slow.verdicts


def test_summary_reports_year_and_quarters(engine: Engine) -> None:
    summary = BulkSummary()
    list(evaluate_cases(CASES, engine=engine, summary=summary))
    data = summary.to_dict(organisation=HOMES)
    years = [t["period"]["label"] for t in data["tsm"]]
    assert years == ["2024/25", "2025/26"]
    first = data["tsm"][0]
    assert first["CH01"]["stage1_per_1000_homes"] == 7.5
    assert first["quarters"][0]["CH02"]["stage1_percent_within_timescale"] == 80.0
    # Case 3's late response: its deadline (17 May) is in May. (The acknowledgements
    # record no complaint definition, so CHC24-6.2 and 6.11 fail too.)
    assert data["breaches_by_month"]["2024-05"]["CHC24-6.3"] == 1
    assert data["breaches_by_month"]["2024-12"]["CHC24-6.14"] == 1  # case 11, due 24 Dec


def test_options_accept_plain_strings_for_every_enum_field() -> None:
    options = TsmOptions(
        stock="low_cost_rental",  # type: ignore[arg-type]
        extensions="original_deadline",  # type: ignore[arg-type]
        denominator="received",  # type: ignore[arg-type]
    )
    assert options.describe() == {
        "extensions": "original_deadline",
        "denominator": "received",
        "include_withdrawn": True,
        "stock": "low_cost_rental",
        "homes": None,
    }
    assert options.extensions is TsmExtensions.ORIGINAL_DEADLINE
    assert options.denominator is TsmDenominator.RECEIVED
    assert options == TsmOptions(
        stock="low_cost_rental",  # type: ignore[arg-type]
        extensions=TsmExtensions.ORIGINAL_DEADLINE,
        denominator=TsmDenominator.RECEIVED,
    )


def test_options_reject_an_unknown_string_naming_the_allowed_values() -> None:
    with pytest.raises(ValueError, match="stock must be one of homes_owned, low_cost_rental"):
        TsmOptions(stock="council_houses")  # type: ignore[arg-type]
