"""The policy's own words beside a finding: the citations of the facts it read.

Citations come from a policy read from its document (``complaintrules check policy.docx``,
or ``--document`` beside a reviewed YAML): field path -> "Title, 4.1: '...'". A finding
names the facts it read by field path, sometimes with a ``policy.`` prefix and sometimes
without the stage (``extension.max_working_days``); both are matched here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..engine.engine import Report
from ..law.rules import Finding

__all__ = ["cite_report", "finding_citations"]

_STAGE_KEY = re.compile(r"^stages\[(\d)\]\.")


def finding_citations(finding: Finding, citations: Mapping[str, str] | None) -> list[str]:
    """The citations behind ``finding``'s facts, in the order it read them, each once."""
    if not citations:
        return []
    return _cite(finding.evidence.facts.keys(), citations, finding.message)


def _stage_of(key: str) -> str | None:
    m = _STAGE_KEY.match(key)
    return m.group(1) if m else None


def _cite(keys: Iterable[object], citations: Mapping[str, str], message: str) -> list[str]:
    out: list[str] = []
    names = [str(k).removeprefix("policy.") for k in keys]
    stages = {m.group(1) for k in names if (m := _STAGE_KEY.match(k))}
    if not stages:  # "extension.max_working_days": the message names the stage
        stages = set(re.findall(r"\bstage (\d)\b", message, re.I)[:1])
    for key in names:
        if key in citations:
            found: list[str] = [citations[key]]
        elif key == "stages":
            found = [v for k, v in citations.items() if re.fullmatch(r"stages\[\d\]\.name", k)]
        else:
            # "extension.max_working_days": the stage is in another key, else any stage's
            found = [
                v
                for k, v in citations.items()
                if k.endswith(f".{key}") and (not stages or _stage_of(k) in stages)
            ]
        out += [c for c in found if c not in out]
    return out


def cite_report(report: Report, citations: Mapping[str, str] | None) -> dict[str, Any]:
    """``report.to_dict()`` with each finding's ``citations`` (the policy's place and words
    behind the facts it read) where the policy was read from its document; a finding with
    nothing to cite, or a report with no document behind it, gains no field."""
    data = report.to_dict()
    if citations:
        for finding, row in zip(report.findings, data["findings"], strict=True):
            cited = finding_citations(finding, citations)
            if cited:
                row["citations"] = cited
    return data
