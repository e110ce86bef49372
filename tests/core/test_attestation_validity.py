"""Attestations are valid for a while (issue 12, item 4): an expired or future-dated one
needs evidence, with the reason, for every attestation rule of both built-in packs."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
import yaml

from complaintrules import Engine, Finding, Organisation, ParameterSet, Verdict
from complaintrules.testing import default_engine


def _org(*attestations: tuple[str, str]) -> Organisation:
    return Organisation.model_validate(
        {
            "name": "Example Homes",
            "attestations": [
                {
                    "provision": provision,
                    "statement": "Met, as the evidence shows.",
                    "evidence": ["Complaints audit"],
                    "on": on,
                    "by": "Complaints Manager",
                }
                for provision, on in attestations
            ],
        }
    )


def _attestation(
    org: Organisation, rule_id: str, on: date, engine: Engine | None = None
) -> Finding:
    engine = engine or default_engine()
    pack = rule_id.split("-")[0]
    name = {"CHC24": "code_2024", "CHC20": "code_2020"}[pack]
    found = [
        f
        for f in engine.organisation_findings(org, pack=name, on=on)
        if f.rule_id == rule_id and f.subject.value == "attestation"
    ]
    assert len(found) == 1
    return found[0]


def test_an_attestation_from_2019_does_not_pass_3_3_in_2025() -> None:
    finding = _attestation(_org(("3.3", "2019-05-01")), "CHC24-3.3", date(2025, 3, 31))
    assert finding.verdict is Verdict.NEEDS_EVIDENCE
    assert "dated 2019-05-01, valid 12 months to 2020-05-01" in finding.message
    assert "judged as of 2025-03-31" in finding.message
    assert finding.evidence.parameters["attestation.valid_months"]["value"] == 12


def test_an_attestation_dated_2030_does_not_pass_9_6() -> None:
    finding = _attestation(_org(("9.6", "2030-01-01")), "CHC24-9.6", date(2025, 3, 31))
    assert finding.verdict is Verdict.NEEDS_EVIDENCE
    assert "dated 2030-01-01, in the future (judged as of 2025-03-31)" in finding.message


def test_the_issue_examples_through_evaluate_as_of() -> None:
    org = _org(("3.3", "2019-05-01"), ("9.6", "2030-01-01"))
    report = default_engine().evaluate(organisation=org, as_of=date(2025, 6, 1))
    for rule_id in ("CHC24-3.3", "CHC24-9.6"):
        (finding,) = [f for f in report.for_rule(rule_id) if f.subject.value == "attestation"]
        assert finding.verdict is Verdict.NEEDS_EVIDENCE, finding.message


@pytest.mark.parametrize(
    ("rule_id", "signed", "last_valid_day"),
    [
        ("CHC24-3.3", "2024-06-01", date(2025, 6, 1)),
        ("CHC24-9.6", "2024-02-29", date(2025, 2, 28)),  # no 29 February in 2025
        ("CHC20-3.3", "2022-07-15", date(2023, 7, 15)),
        ("CHC20-7.4", "2023-03-31", date(2024, 3, 31)),
    ],
)
def test_last_valid_day_passes_and_the_next_day_needs_evidence(
    rule_id: str, signed: str, last_valid_day: date
) -> None:
    org = _org((rule_id.split("-")[1], signed))
    on_last = _attestation(org, rule_id, last_valid_day)
    assert on_last.verdict is Verdict.PASS, on_last.message
    assert on_last.evidence.computed["valid_until"] == last_valid_day.isoformat()
    day_after = date.fromordinal(last_valid_day.toordinal() + 1)
    after = _attestation(org, rule_id, day_after)
    assert after.verdict is Verdict.NEEDS_EVIDENCE
    assert f"valid 12 months to {last_valid_day.isoformat()}" in after.message
    assert f"judged as of {day_after.isoformat()}" in after.message


@pytest.mark.parametrize(
    ("rule_id", "signed"),
    [("CHC24-6.20", "2024-06-01"), ("CHC20-5.6", "2023-02-01")],
)
def test_signed_the_day_after_the_date_judged_is_in_the_future(rule_id: str, signed: str) -> None:
    org = _org((rule_id.split("-")[1], signed))
    day_before = date.fromordinal(date.fromisoformat(signed).toordinal() - 1)
    assert _attestation(org, rule_id, day_before).verdict is Verdict.NEEDS_EVIDENCE
    assert "in the future" in _attestation(org, rule_id, day_before).message
    assert _attestation(org, rule_id, date.fromisoformat(signed)).verdict is Verdict.PASS


def test_a_valid_older_attestation_counts_when_a_newer_one_is_future_dated() -> None:
    org = _org(("9.6", "2025-01-10"), ("9.6", "2030-01-01"))
    assert _attestation(org, "CHC24-9.6", date(2025, 3, 31)).verdict is Verdict.PASS


@pytest.mark.parametrize("pack", ["code_2024", "code_2020"])
def test_every_attestation_rule_of_the_pack_expires(pack: str) -> None:
    """One mechanism for all: no attestation rule of either pack keeps an old attestation."""
    engine = default_engine()
    rules = [r for r in engine.pack(pack).rules if r.attestation]
    assert rules
    on = date(2024, 3, 31) if pack == "code_2020" else date(2025, 3, 31)
    org = _org(*((r.provision, "2020-01-01") for r in rules))
    for rule in rules:
        finding = _attestation(org, rule.id, on, engine)
        assert finding.verdict is Verdict.NEEDS_EVIDENCE, (rule.id, finding.message)
        assert "has expired" in finding.message


def test_the_validity_is_the_packs_dated_parameter(tmp_path: Path) -> None:
    """The core reads the parameter the pack names: a pack saying 6 months is obeyed."""
    engine = default_engine()
    pack = engine.pack("code_2024")
    assert pack.attestation_validity == "attestation.valid_months"
    raw = yaml.safe_load(Path(pack.parameters.origin).read_text(encoding="utf-8"))
    raw["parameters"][pack.attestation_validity]["values"][0]["value"] = 6
    (tmp_path / "parameters.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    six = dataclasses.replace(pack, parameters=ParameterSet.from_yaml(tmp_path / "parameters.yaml"))
    org = _org(("3.3", "2024-06-01"))
    findings = engine.organisation_findings(org, pack=six, on=date(2024, 12, 2))
    (finding,) = [
        f for f in findings if f.rule_id == "CHC24-3.3" and f.subject.value == "attestation"
    ]
    assert finding.verdict is Verdict.NEEDS_EVIDENCE
    assert "valid 6 months to 2024-12-01" in finding.message
    assert _attestation(org, "CHC24-3.3", date(2024, 12, 2)).verdict is Verdict.PASS
