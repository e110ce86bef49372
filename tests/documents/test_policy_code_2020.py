"""The same readings judged against the 2020 Code: the facts the reader takes from a
document (the definition, service requests, exclusions and time limit, ways to complain,
adjustments, the Ombudsman) and the stage readings (stages named by their work, a list of
service standards, extensions in other words, a stage 2 that needs something new) feed the
2020 Code's counterparts as they feed the 2024 Code's.

Each case names a policy of the corpus (tests/documents/corpus) and the 2020 Code's
verdicts its text decides.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from complaintrules import Engine
from complaintrules.io.policy_documents import read_policy_document

from .builders import build

pytest.importorskip("docx")
pytest.importorskip("pypdf")

CORPUS = Path(__file__).parent / "corpus"

CASES = {
    # the definition: mentioned but not given; adopted by reference; narrower, own words
    "112-complaint-mentioned-not-defined-text": {"CHC20-1.2": "needs_evidence"},
    "113-definition-taken-from-the-code-word": {"CHC20-1.2": "pass"},
    "119-narrow-own-words-text": {"CHC20-1.2": "fail"},
    "140-glossary-table-word": {"CHC20-1.2": "pass", "CHC20-1.4": "pass"},
    # service requests told apart in other words
    "130-request-for-service-not-a-complaint-html": {"CHC20-1.4": "pass"},
    # exclusions under a heading, and a 6-month limit (fair under the 2020 Code)
    "120-does-not-cover-heading-markdown": {"CHC20-1.8": "pass"},
    "143-time-limit-with-no-start-text": {"CHC20-1.8": "pass"},
    # each case on its merits; a refusal explained with the Ombudsman
    "127-refusal-explained-text": {"CHC20-1.7": "pass", "CHC20-1.9": "pass"},
    # ways to complain and adjustments
    "135-post-webchat-and-any-colleague-html": {"CHC20-2.1": "pass"},
    "142-never-refuse-adjustments-markdown": {"CHC20-2.5": "pass"},
    # the Ombudsman: a right explained, and a sentence naming only their Code
    "138-take-it-to-the-ombudsman-pdf": {"CHC20-2.8": "pass"},
    "137-ombudsman-code-named-no-right-markdown": {"CHC20-2.8": "needs_evidence"},
    # timescales read but no stage: the stage provisions ask for evidence, citing them
    "149-promises-with-no-stages-text": {"CHC20-5.9": "needs_evidence"},
    # stages named by their work: a stage 2 to escalate to
    "151-investigation-then-review-stage-html": {"CHC20-5.9": "pass"},
    "153-first-step-second-step-text": {"CHC20-5.9": "pass"},
    "154-initial-response-then-asking-for-a-review-markdown": {
        "CHC20-5.9": "pass",
        "CHC20-5.13": "pass",
    },
    # a list of service standards: stage 1's timescales from its first items
    "155-service-standards-list-markdown": {"CHC20-4.1": "pass", "CHC20-5.1": "pass"},
    "157-standards-numbered-in-text-html": {"CHC20-5.1": "pass"},
    # an extension with no limit (a holding reply or letter)
    "158-holding-reply-html": {"CHC20-5.1": "fail"},
    "159-holding-letter-for-every-timescale-text": {"CHC20-5.1": "fail"},
    # "up to 10 extra working days; longer only exceptionally" is capped
    "163-extra-days-longer-only-exceptionally-text": {"CHC20-5.1": "pass"},
    # stage 2 only with something new: refusable
    "164-review-only-with-new-evidence-markdown": {"CHC20-4.14": "fail", "CHC20-5.9": "fail"},
    "165-right-not-to-escalate-html": {"CHC20-4.14": "fail", "CHC20-5.9": "fail"},
    "166-not-escalated-unless-something-new-word": {"CHC20-4.14": "fail", "CHC20-5.9": "fail"},
    "167-new-information-welcome-not-required-text": {"CHC20-5.9": "pass"},
    # the Ombudsman's Code named beside an extension gives no details
    "168-ombudsman-code-named-beside-extension-markdown": {"CHC20-5.3": "needs_evidence"},
}


@pytest.mark.parametrize(("name", "expected"), CASES.items(), ids=list(CASES))
def test_code_2020_counterparts(name: str, expected: dict[str, str], tmp_path: Path) -> None:
    spec: dict[str, Any] = yaml.safe_load((CORPUS / f"{name}.yaml").read_text())
    blocks = [(kind, str(text)) for kind, text in spec["blocks"]]
    document = build(blocks, tmp_path / f"policy.{spec['format']}")
    policy = read_policy_document(document).policy()
    report = Engine().evaluate_policy(policy, pack="code_2020", on=date(2023, 6, 1))
    verdicts = {f.rule_id: f.verdict.value for f in report.findings}
    assert {rule: verdicts.get(rule) for rule in expected} == expected
