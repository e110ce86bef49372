"""The evaluator: error isolation, evidence, reports and the choice of pack."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import date

import pytest

from complaintrules import (
    Complaint,
    Conventions,
    Engine,
    LateAcknowledgement,
    Organisation,
    Outcome,
    Pack,
    PackRegistry,
    Rule,
    Verdict,
    hookimpl,
)
from complaintrules.authoring import Subject, example

CASE = Complaint.model_validate(
    {
        "reference": "E-1",
        "received_on": "2024-05-01",
        "stages": [
            {
                "number": 1,
                "acknowledged": {"on": "2024-05-13"},
                "response": {"issued_on": "2024-05-24"},
            }
        ],
    }
)


def _boom(case: Complaint, ctx: object) -> object:
    raise ZeroDivisionError("deliberately broken")


BROKEN = Rule(
    id="BROKEN-1",
    pack="broken",
    provision="1",
    section="Broken",
    title="Broken rule",
    summary="Always raises.",
    explanation="",
    source="test",
    case=_boom,  # type: ignore[arg-type]
    examples=(
        example(Subject.CASE, Verdict.ERROR, "raises", reference="X", received_on="2024-05-01"),
    ),
)


class AddsBrokenRule:
    @hookimpl
    def complaintrules_extra_rules(self, pack: Pack) -> Sequence[Rule]:
        return [BROKEN]


def test_a_raising_rule_becomes_an_error_finding_and_the_run_goes_on() -> None:
    engine = Engine(registry=PackRegistry(plugins=[AddsBrokenRule()]))
    report = engine.evaluate_case(CASE)
    (broken,) = report.for_rule("BROKEN-1")
    assert broken.verdict is Verdict.ERROR
    assert "ZeroDivisionError: deliberately broken" in broken.message
    assert "traceback" in broken.evidence.computed
    # the other rules still ran
    assert report.verdicts("CHC24-6.2") == {Verdict.FAIL}
    assert report.counts()["error"] == 1
    assert report.counts()["failures"] >= 2


def test_evidence_lets_a_reader_check_the_deadline_by_hand() -> None:
    report = Engine().evaluate_case(CASE)
    (ack,) = report.for_rule("CHC24-6.2")
    computed = ack.evidence.computed
    assert computed["deadline"] == "2024-05-09"
    assert computed["working_days_elapsed"] == 7
    assert computed["non_working_weekdays_skipped"] == ["2024-05-06 (bank holiday: May Day)"]
    params = ack.evidence.parameters
    assert params["pack_version"] == "2024.1.0"
    assert params["stage1.acknowledge_working_days"]["value"] == 5
    assert "6.2" in params["stage1.acknowledge_working_days"]["source"]


def test_late_acknowledgement_conventions_are_shown_and_applied() -> None:
    literal = Engine().evaluate_case(CASE).for_rule("CHC24-6.3")[0]
    # literal (the default): the clock starts at the actual acknowledgement 2024-05-13
    # -> due 2024-05-28
    assert literal.verdict is Verdict.PASS
    assert literal.evidence.computed["deadline"] == "2024-05-28"
    assert "literal" in literal.evidence.computed["clock_note"]
    capped_engine = Engine(conventions=Conventions(late_acknowledgement=LateAcknowledgement.CAPPED))
    capped = capped_engine.evaluate_case(CASE).for_rule("CHC24-6.3")[0]
    # capped: the clock starts at the acknowledgement deadline 2024-05-09 -> due 2024-05-23
    assert capped.verdict is Verdict.FAIL
    assert capped.evidence.computed["deadline"] == "2024-05-23"
    assert "capped" in capped.evidence.computed["clock_note"]
    report = capped_engine.evaluate_case(CASE)
    assert report.to_dict()["conventions"]["late_acknowledgement"] == "capped"


def _late_ack(response_on: str) -> Complaint:
    """Received Wed 1 May 2024, acknowledgement due 9 May, acknowledged late on 13 May."""
    return Complaint.model_validate(
        {
            "reference": "LATE",
            "received_on": "2024-05-01",
            "stages": [
                {
                    "number": 1,
                    "acknowledged": {"on": "2024-05-13"},
                    "response": {"issued_on": response_on},
                }
            ],
        }
    )


@pytest.mark.parametrize(
    ("response_on", "by_default", "capped"),
    [
        # 10 working days after 13 May, skipping the bank holiday of Mon 27 May: 28 May.
        ("2024-05-23", Verdict.PASS, Verdict.PASS),  # also the capped deadline (9 May + 10)
        ("2024-05-24", Verdict.PASS, Verdict.FAIL),
        ("2024-05-28", Verdict.PASS, Verdict.FAIL),  # the 10th working day after acknowledging
        ("2024-05-29", Verdict.FAIL, Verdict.FAIL),  # the 11th
    ],
)
def test_by_default_a_late_acknowledgement_starts_the_response_clock_as_the_code_words_it(
    response_on: str, by_default: Verdict, capped: Verdict
) -> None:
    """Issue 12 item 5: 6.3 counts 10 working days from the actual acknowledgement."""
    assert Conventions().late_acknowledgement is LateAcknowledgement.LITERAL
    case = _late_ack(response_on)
    (default,) = Engine().evaluate_case(case).for_rule("CHC24-6.3")
    assert default.verdict is by_default
    assert default.evidence.computed["deadline"] == "2024-05-28"
    strict = Engine(conventions=Conventions(late_acknowledgement=LateAcknowledgement.CAPPED))
    (judged,) = strict.evaluate_case(case).for_rule("CHC24-6.3")
    assert judged.verdict is capped
    assert judged.evidence.computed["deadline"] == "2024-05-23"


def test_with_no_acknowledgement_the_response_clock_starts_at_its_deadline() -> None:
    case = Complaint.model_validate(
        {
            "reference": "NOACK",
            "received_on": "2024-05-01",
            "stages": [{"number": 1, "response": {"issued_on": "2024-05-24"}}],
        }
    )
    for conventions in (Conventions(), Conventions(late_acknowledgement="capped")):
        (finding,) = Engine(conventions=conventions).evaluate_case(case).for_rule("CHC24-6.3")
        assert finding.evidence.computed["deadline"] == "2024-05-23"  # 9 May + 10
        assert finding.verdict is Verdict.FAIL


def test_every_report_format_names_the_late_acknowledgement_convention() -> None:
    from complaintrules.reports.formats import render_report
    from complaintrules.reports.summary import render_text

    engine = Engine(conventions=Conventions(late_acknowledgement=LateAcknowledgement.CAPPED))
    report = engine.evaluate(cases=[CASE], as_of=date(2024, 6, 28))
    rules = engine.registry.rules_for(report.packs[0])
    assert "late acknowledgement: capped" in render_text(report, rules)
    assert report.to_dict()["conventions"]["late_acknowledgement"] == "capped"
    for fmt in ("junit", "sarif", "github", "markdown"):
        assert "capped" in render_report(fmt, report, rules), fmt


def test_open_case_needs_an_as_of_date_to_be_overdue() -> None:
    open_case = Complaint.model_validate(
        {"reference": "O", "received_on": "2024-05-01", "stages": [{"number": 1}]}
    )
    engine = Engine()
    without = engine.evaluate_case(open_case).for_rule("CHC24-6.2")[0]
    assert without.verdict is Verdict.NOT_APPLICABLE
    assert "as-of" in without.message
    on_last_day = engine.evaluate_case(open_case, as_of=date(2024, 5, 9)).for_rule("CHC24-6.2")[0]
    assert on_last_day.verdict is Verdict.NOT_APPLICABLE
    day_after = engine.evaluate_case(open_case, as_of=date(2024, 5, 10)).for_rule("CHC24-6.2")[0]
    assert day_after.verdict is Verdict.FAIL


def test_attestation_rules_without_an_organisation_say_what_is_needed() -> None:
    report = Engine().evaluate(pack="code_2024")
    (finding,) = [f for f in report.for_rule("CHC24-4.2") if f.subject is Subject.ATTESTATION]
    assert finding.verdict is Verdict.NEEDS_EVIDENCE
    assert "would settle it" in finding.message


def test_every_pack_rule_gets_a_finding_in_a_full_evaluation() -> None:
    engine = Engine()
    report = engine.evaluate(
        policy=None, organisation=Organisation(name="X"), cases=[CASE], pack="code_2024"
    )
    ruled = {f.rule_id for f in report.findings}
    pack_rules = {r.id for r in engine.registry.get("code_2024").rules}
    assert pack_rules - ruled == {
        r.id for r in engine.registry.get("code_2024").rules if r.subjects == (Subject.POLICY,)
    }


def test_report_is_deterministic_json() -> None:
    engine = Engine()
    first = json.dumps(engine.evaluate_case(CASE, as_of=date(2024, 6, 1)).to_dict(), sort_keys=True)
    second = json.dumps(
        engine.evaluate_case(CASE, as_of=date(2024, 6, 1)).to_dict(), sort_keys=True
    )
    assert first == second
    data = json.loads(first)
    assert data["schema_version"] == "1.2"
    assert data["packs"] == [{"name": "code_2024", "version": "2024.1.0"}]


def test_an_outcome_is_frozen_with_its_own_empty_evidence() -> None:
    first, second = Outcome(Verdict.PASS, "fine"), Outcome(Verdict.PASS, "fine")
    assert first == second == Outcome(Verdict.PASS, "fine", {}, {})
    assert first.facts == first.computed == {} and first.facts is not second.facts
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.message = "changed"  # type: ignore[misc]
    changed = dataclasses.replace(first, verdict=Verdict.FAIL, facts={"a": 1})
    assert (changed.verdict, changed.message, changed.facts) == (Verdict.FAIL, "fine", {"a": 1})
