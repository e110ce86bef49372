"""Issue 17 item 3: an attestation names its evidence (title, link or document reference,
date), and the self-assessment form shows it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from complaintrules import Engine, Organisation, Verdict
from complaintrules.reports.forms import render_form_markdown
from complaintrules.reports.self_assessment import build_self_assessment

ENGINE = Engine()
DOCUMENT = {
    "title": "Scheme of delegation",
    "reference": "GOV-DEL-2024",
    "link": "https://intranet.example.org/governance/delegation.pdf",
    "dated": "2024-04-15",
}


def _organisation(*evidence: Any) -> Organisation:
    return Organisation.model_validate(
        {
            "name": "Example Homes",
            "attestations": [
                {
                    "provision": "4.2",
                    "statement": "The officer may award up to 1,000 pounds.",
                    "evidence": list(evidence),
                    "on": "2024-06-01",
                    "by": "Head of Governance",
                }
            ],
        }
    )


def test_a_document_is_cited_in_the_finding_and_on_the_form() -> None:
    org = _organisation(DOCUMENT, "Officer's job description")
    pack = ENGINE.pack("code_2024")
    report = ENGINE.evaluate(organisation=org, pack=pack, as_of=date(2024, 12, 31))
    (finding,) = [f for f in report.for_rule("CHC24-4.2") if f.subject.value == "attestation"]
    assert finding.verdict is Verdict.PASS
    assert finding.evidence.facts["attestation.evidence"] == [
        DOCUMENT,
        "Officer's job description",
    ]
    form = build_self_assessment(
        report, ENGINE.registry.rules_for(pack), pack=pack, organisation=org
    )
    (row,) = [r for r in form.rows if r.rule_id == "CHC24-4.2"]
    cited = (
        "Scheme of delegation (GOV-DEL-2024; "
        "https://intranet.example.org/governance/delegation.pdf, dated 2024-04-15); "
        "Officer's job description (attested by Head of Governance, 2024-06-01)"
    )
    assert cited in row.evidence
    assert "Scheme of delegation (GOV-DEL-2024;" in render_form_markdown(form)


@pytest.mark.parametrize(
    ("document", "field", "words"),
    [
        ({"title": "Minutes", "dated": "2024-04-15"}, "evidence.0", "link or its reference"),
        ({"title": "Minutes", "reference": "M-1"}, "evidence.0", "dated"),
        ({"reference": "M-1", "dated": "2024-04-15"}, "evidence.0", "title"),
        ({**DOCUMENT, "link": "not a link"}, "evidence.0", "link"),
        ("", "evidence.0", ""),
    ],
)
def test_a_document_that_cannot_be_found_is_refused_naming_the_field(
    document: Any, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _organisation(document)
    text = str(caught.value)
    assert f"attestations.0.{field}" in text and words in text, text
