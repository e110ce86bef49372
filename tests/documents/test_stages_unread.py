"""Stages the reader could not read are not a policy silent on its stages.

``stages_unread`` holds the sentences that time complaints where a stage is missing from
what was read; the provisions that would fail for want of that stage ask for evidence
instead, citing them, under both Codes. Without it, a missing stage still fails.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaintrules import Engine, LandlordPolicy

UNREAD = ["'Our promises', item 3: 'a senior manager will review it within 20 working days'"]
STAGE_ONE_ONLY: dict[str, Any] = {
    "stages": [{"number": 1, "acknowledge_working_days": 5, "respond_working_days": 10}]
}

MISSING_STAGE_TWO = {
    "code_2024": ["CHC24-5.3", "CHC24-6.10", "CHC24-6.11", "CHC24-6.14"],
    "code_2020": ["CHC20-5.9"],
}


def _verdicts(data: dict[str, Any], pack: str) -> dict[str, tuple[str, str]]:
    on = date(2025, 1, 1) if pack == "code_2024" else date(2023, 6, 1)
    report = Engine().evaluate_policy(LandlordPolicy.model_validate(data), pack=pack, on=on)
    return {f.rule_id: (f.verdict.value, f.message) for f in report.findings}


@pytest.mark.parametrize("pack", sorted(MISSING_STAGE_TWO))
def test_a_stage_the_reader_missed_needs_evidence_citing_the_timescales(pack: str) -> None:
    got = _verdicts({**STAGE_ONE_ONLY, "stages_unread": UNREAD}, pack)
    for rule in MISSING_STAGE_TWO[pack]:
        verdict, message = got[rule]
        assert verdict == "needs_evidence", rule
        assert "could not be read" in message and "20 working days" in message, rule


@pytest.mark.parametrize("pack", sorted(MISSING_STAGE_TWO))
def test_a_missing_stage_still_fails_when_nothing_went_unread(pack: str) -> None:
    got = _verdicts(STAGE_ONE_ONLY, pack)
    assert {got[rule][0] for rule in MISSING_STAGE_TWO[pack]} == {"fail"}


def test_no_stages_at_all_with_timescales_needs_evidence_not_a_fail() -> None:
    got = _verdicts({"stages_unread": UNREAD}, "code_2024")
    for rule in ("CHC24-6.2", "CHC24-6.3", "CHC24-6.11", "CHC24-6.14"):
        assert got[rule][0] == "needs_evidence", rule
    assert _verdicts({}, "code_2024")["CHC24-6.2"][0] == "fail"


def test_a_stage_that_was_read_is_judged_as_usual() -> None:
    got = _verdicts({**STAGE_ONE_ONLY, "stages_unread": UNREAD}, "code_2024")
    assert got["CHC24-6.2"][0] == "pass"
    assert got["CHC24-6.3"][0] == "pass"
