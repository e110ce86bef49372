"""CHC20-5.9: an open escalation is not failed before its stage 2 response falls due.

The 2020/2022 Code sets no stage 2 acknowledgement timescale, so an escalation has until
its stage 2 response is due (20 working days from the request, 5.13) to be taken in. The
request below is on Wednesday 10 May 2023; the spring bank holiday (29 May) is skipped, so
the response is due on Thursday 8 June 2023 (7 June without the holiday).
"""

from __future__ import annotations

from datetime import date

import pytest

from complaintrules import Complaint, Engine, Verdict

_CASE = {
    "reference": "ESC-1",
    "received_on": "2023-04-17",
    "stages": [
        {
            "number": 1,
            "acknowledged": {"on": "2023-04-18"},
            "response": {"issued_on": "2023-04-28"},
        },
        {"number": 2, "requested_on": "2023-05-10"},
    ],
}


def _finding(as_of: date | None, **changes: object):  # type: ignore[no-untyped-def]
    case = Complaint.model_validate({**_CASE, **changes})
    report = Engine().evaluate_case(case, as_of=as_of)
    (finding,) = [f for f in report.findings if f.rule_id == "CHC20-5.9"]
    return finding


@pytest.mark.parametrize("as_of", [date(2023, 5, 11), date(2023, 6, 7), date(2023, 6, 8)])
def test_open_escalation_up_to_the_response_deadline_is_not_yet_judged(as_of: date) -> None:
    finding = _finding(as_of)
    assert finding.verdict is Verdict.NOT_APPLICABLE
    assert "not yet due" in finding.message
    assert "2023-06-08" in finding.message  # the bank holiday moved the deadline a day


def test_open_escalation_the_day_after_the_response_deadline_fails() -> None:
    finding = _finding(date(2023, 6, 9))
    assert finding.verdict is Verdict.FAIL
    assert "neither taken into stage 2" in finding.message


def test_a_closed_escalation_never_taken_in_fails_whatever_the_date() -> None:
    assert _finding(date(2023, 5, 20), closed_on="2023-05-19").verdict is Verdict.FAIL


def test_an_escalation_taken_in_passes() -> None:
    stages = [
        *_CASE["stages"][:1],
        {"number": 2, "requested_on": "2023-05-10", "acknowledged": {"on": "2023-05-12"}},
    ]  # type: ignore[index]
    assert _finding(date(2023, 5, 20), stages=stages).verdict is Verdict.PASS
