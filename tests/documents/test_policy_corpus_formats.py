"""The corpus policies that pin how stages, timescales, clocks, extensions and escalation
are read (corpus 72 onwards), read from every format, not only the one each file names:
the same words give the same verdicts from Word, PDF, HTML, Markdown and plain text.

A policy set out in a table is left to the formats that keep tables (Word, HTML,
Markdown): plain text and PDF lay a table out as lines of text.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from complaintrules import Engine
from complaintrules.io.policy_documents import read_policy_document

from .builders import FORMATS, build

pytest.importorskip("docx")
pytest.importorskip("pypdf")

CORPUS = sorted(
    p
    for p in (Path(__file__).parent / "corpus").glob("*.yaml")
    if int(p.name.split("-", 1)[0]) >= 72
)


def _cases() -> list[Any]:
    out = []
    for entry in CORPUS:
        spec = yaml.safe_load(entry.read_text())
        tabled = any(kind == "row" for kind, _ in spec["blocks"])
        for fmt in FORMATS:
            if fmt == spec["format"] or (tabled and fmt in ("txt", "pdf")):
                continue  # its own format is test_policy_corpus's
            if fmt == "pdf" and any(ord(c) > 255 for _, t in spec["blocks"] for c in str(t)):
                continue  # the test PDF writer encodes Latin-1 only
            out.append(pytest.param(entry, fmt, id=f"{entry.stem}-as-{fmt}"))
    return out


@pytest.mark.parametrize(("entry", "fmt"), _cases())
def test_corpus_policy_in_every_format(entry: Path, fmt: str, tmp_path: Path) -> None:
    spec: dict[str, Any] = yaml.safe_load(entry.read_text())
    blocks = [(kind, str(text)) for kind, text in spec["blocks"]]
    extraction = read_policy_document(build(blocks, tmp_path / f"policy.{fmt}"))
    report = Engine().evaluate_policy(extraction.policy(), on=date(2025, 1, 1))
    verdicts = {f.rule_id: f.verdict.value for f in report.findings}
    assert {rule: verdicts.get(rule) for rule in spec["expect"]} == spec["expect"]
