"""A corpus of policies written for these tests (tests/documents/corpus/*.yaml), each in
its own style and format, with the verdicts its text decides and the facts it states.

Each file gives ``format``, the document's ``blocks`` (see builders.py), ``expect``: the
policy verdict per rule, and optionally ``facts``: extracted values by field path (a note's
value under ``notes.NAME``; ``null`` for a fact the document is silent on).
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

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.yaml"))


def test_the_corpus_covers_every_format_and_at_least_twelve_policies() -> None:
    formats = {yaml.safe_load(p.read_text())["format"] for p in CORPUS}
    assert len(CORPUS) >= 12
    assert formats == {"docx", "pdf", "html", "md", "txt"}


@pytest.mark.parametrize("entry", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_policy(entry: Path, tmp_path: Path) -> None:
    spec: dict[str, Any] = yaml.safe_load(entry.read_text())
    blocks = [(kind, str(text)) for kind, text in spec["blocks"]]
    document = build(blocks, tmp_path / f"policy.{spec['format']}")
    extraction = read_policy_document(document)
    report = Engine().evaluate_policy(extraction.policy(), on=date(2025, 1, 1))
    verdicts = {f.rule_id: f.verdict.value for f in report.findings}
    got = {rule: verdicts.get(rule) for rule in spec["expect"]}
    assert got == spec["expect"]
    for path, expected in (spec.get("facts") or {}).items():
        fact = extraction.fact(path)
        assert (fact.value if fact is not None else None) == expected, path
        if expected is not None:
            assert fact is not None and fact.citation is not None, path
