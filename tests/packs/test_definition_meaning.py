"""Provision 1.2 of both Codes: a policy's definition of a complaint is compared by meaning
(accepted phrasings for each part, narrowing qualifiers named), not by exact words."""

from __future__ import annotations

import pytest

from complaintrules import LandlordPolicy, Verdict
from complaintrules.testing import default_engine

ENGINE = default_engine()
RULES = {"code_2024": "CHC24-1.2", "code_2020": "CHC20-1.2"}

OMBUDSMAN = (
    "An expression of dissatisfaction, however made, about the standard of service, actions "
    "or lack of action by the landlord, its own staff, or those acting on its behalf, "
    "affecting a resident or group of residents."
)


def _judge(rule_id: str, definition: str) -> tuple[Verdict, str]:
    pack = next(name for name, rid in RULES.items() if rid == rule_id)
    policy = LandlordPolicy.model_validate(
        {"name": "Example Homes", "complaint_definition": definition}
    )
    findings = ENGINE.policy_findings(policy, pack=pack)
    (finding,) = [f for f in findings if f.rule_id == rule_id]
    return finding.verdict, finding.message


@pytest.mark.parametrize("rule_id", sorted(RULES.values()))
def test_the_ombudsmans_own_words_pass(rule_id: str) -> None:
    assert _judge(rule_id, OMBUDSMAN)[0] is Verdict.PASS


@pytest.mark.parametrize("rule_id", sorted(RULES.values()))
@pytest.mark.parametrize(
    ("resident", "residents"),
    [
        ("customer", "customers"),
        ("tenant", "tenants"),
        ("leaseholder", "leaseholders"),
        ("Customer", "Customers"),
    ],
)
def test_accepted_names_for_the_parties_pass(rule_id: str, resident: str, residents: str) -> None:
    text = OMBUDSMAN.replace("a resident or group of residents", f"a {resident} or {residents}")
    verdict, message = _judge(rule_id, text)
    assert verdict is Verdict.PASS, message


@pytest.mark.parametrize("rule_id", sorted(RULES.values()))
def test_no_party_named_fails_naming_the_part(rule_id: str) -> None:
    text = OMBUDSMAN.replace(", affecting a resident or group of residents", "")
    verdict, message = _judge(rule_id, text)
    assert verdict is Verdict.FAIL
    assert "leaves out the residents affected" in message


@pytest.mark.parametrize("rule_id", sorted(RULES.values()))
@pytest.mark.parametrize(
    ("narrowed", "words"),
    [
        ("A formal expression of dissatisfaction", "'formal'"),
        ("An expression of dissatisfaction made in writing", "'made in writing'"),
        ("An expression of dissatisfaction, made only in writing", "'made only in writing'"),
        (
            "An expression of dissatisfaction submitted using our online form",
            "'using our online form'",
        ),
        (
            "An expression of dissatisfaction (not a first-time request for a repair)",
            "'first-time'",
        ),
        ("An expression of dissatisfaction, other than a first report", "'first report'"),
    ],
)
def test_narrowing_qualifiers_fail_with_the_words_that_narrow(
    rule_id: str, narrowed: str, words: str
) -> None:
    text = OMBUDSMAN.replace("An expression of dissatisfaction", narrowed)
    verdict, message = _judge(rule_id, text)
    assert verdict is Verdict.FAIL
    assert f"narrows it: {words}" in message


@pytest.mark.parametrize("rule_id", sorted(RULES.values()))
@pytest.mark.parametrize(
    "wider",
    [
        "An informal expression of dissatisfaction",
        "An expression of dissatisfaction, however made (in person, by phone or in writing)",
        "An expression of dissatisfaction, however made, first or repeated",
    ],
)
def test_words_that_do_not_narrow_pass(rule_id: str, wider: str) -> None:
    text = OMBUDSMAN.replace("An expression of dissatisfaction, however made", wider)
    if "however made" not in text:
        text = text.replace("dissatisfaction,", "dissatisfaction, however made,", 1)
    verdict, message = _judge(rule_id, text)
    assert verdict is Verdict.PASS, message


@pytest.mark.parametrize("rule_id", sorted(RULES.values()))
def test_each_missing_part_is_named(rule_id: str) -> None:
    text = "An expression of dissatisfaction about our service affecting a tenant."
    verdict, message = _judge(rule_id, text)
    assert verdict is Verdict.FAIL
    for part in ("however it is made", "lack of action", "those acting for the landlord"):
        assert part in message
    assert "dissatisfaction," not in message.split("looked for")[0]
