"""The extracted policy as YAML for the writer to review, and where a reviewed YAML and the
document disagree."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ...model.policy import LandlordPolicy
from .extract import Extraction, State

__all__ = ["Disagreement", "disagreements", "flatten_policy", "render_policy_yaml"]


def flatten_policy(policy: LandlordPolicy) -> dict[str, Any]:
    """Field path -> value for every field the policy sets (stages keyed by number:
    ``stages[1].respond_working_days``), the paths findings and citations use."""
    data = policy.model_dump(mode="json", exclude_none=True)
    out: dict[str, Any] = {}
    stages = data.pop("stages", None) or []
    _flatten(data, "", out)
    for stage in stages:
        number = stage.pop("number")
        _flatten(stage, f"stages[{number}].", out)
        out.setdefault(f"stages[{number}].number", number)
    return out


def _flatten(data: dict[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, dict):
            _flatten(value, f"{prefix}{key}.", out)
        else:
            out[f"{prefix}{key}"] = value


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string


def _comment(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def render_policy_yaml(extraction: Extraction) -> str:
    """The policy read from the document as YAML that ``complaintrules check`` loads, every
    value preceded by a comment citing where the document says it; facts the policy model
    has no field for, and what the document is silent on, are listed in comments at the
    end."""
    policy = extraction.policy()
    doc = extraction.document
    by_path = {f.path: f for f in extraction.facts}
    lines = [
        f"# Read from {doc.path} by `complaintrules read-policy`.",
        "# Review every value against the cited words before relying on it: a reviewed file",
        "# wins over the document (`complaintrules check THIS.yaml --document DOCUMENT`",
        "# reports where the two disagree).",
    ]

    def cite(path: str, indent: str) -> None:
        fact = by_path.get(path)
        if fact is None or fact.citation is None:
            return
        lines.append(f"{indent}# {_comment(fact.citation.render())}")
        if fact.note:
            lines.append(f"{indent}# note: {_comment(fact.note)}")

    def emit(data: dict[str, Any], prefix: str, indent: str) -> None:
        for key, value in data.items():
            path = f"{prefix}{key}"
            if isinstance(value, dict):
                cite(path, indent)  # a period read as one fact: {amount, unit}
                lines.append(f"{indent}{key}:")
                emit(value, f"{path}.", indent + "  ")
                continue
            cite(path, indent)
            if isinstance(value, list):
                items = ", ".join(_scalar(v) for v in value)
                lines.append(f"{indent}{key}: [{items}]")
            else:
                lines.append(f"{indent}{key}: {_scalar(value)}")

    data = policy.model_dump(mode="json", exclude_none=True)
    stages = data.pop("stages", None)
    name = data.pop("name", None)
    if name is not None:
        lines.append(f"name: {_scalar(name)}")
    emit(data, "", "")
    if stages:
        lines.append("stages:")
        for stage in stages:
            number = stage.pop("number")
            lines.append(f"  - number: {number}")
            emit(stage, f"stages[{number}].", "    ")
    # (a hedged value has its field: aim_only or cap_aim_only, with the note above it)
    notes = [f for f in extraction.facts if f.path.startswith("notes.")]
    if notes:
        lines += ["", "# Also read, with no field in the policy model (for the reviewer):"]
        for f in notes:
            what = f.note or f"{f.path}: {f.value}"
            lines.append(f"#   {f.path.removeprefix('notes.')}: {_comment(what)}")
            if f.citation is not None:
                lines.append(f"#     {_comment(f.citation.render())}")
    silent = [f.path for f in extraction.facts if f.state is State.SILENT and not f.hedged]
    if silent:
        lines += [
            "",
            "# The document is silent on (the provisions that need these will ask for evidence):",
        ]
        lines += [f"#   {p}" for p in silent]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A field where the reviewed policy and the document differ."""

    path: str
    reviewed: Any  # None: the reviewed policy does not set it
    document: Any  # None: the document does not say it (or the reader did not find it)
    citation: str | None

    def __str__(self) -> str:
        if self.document is None:
            return f"{self.path}: the policy file says {self.reviewed!r}; the document is silent"
        where = f" ({self.citation})" if self.citation else ""
        if self.reviewed is None:
            return (
                f"{self.path}: the document says {self.document!r}{where}; the policy file "
                "does not set it"
            )
        return (
            f"{self.path}: the policy file says {self.reviewed!r}; the document says "
            f"{self.document!r}{where}"
        )


#: Fields only a person writes (they are never read from a document).
_NOT_READ = re.compile(r"^(name|version|approved_on|complaint_definition)$|\.name$")


def disagreements(reviewed: LandlordPolicy, extraction: Extraction) -> list[Disagreement]:
    """Where the reviewed policy and the document differ, field by field: values both give
    that differ, values the document gives that the file leaves out, and values the file
    gives on a fact the reader looks for where the document is silent."""
    ours = flatten_policy(reviewed)
    theirs = flatten_policy(extraction.policy())
    cites = extraction.citations()
    silent = {f.path for f in extraction.facts if f.state is State.SILENT}
    out: list[Disagreement] = []
    for path in sorted(set(ours) | set(theirs)):
        if _NOT_READ.search(path) or path.endswith(".number"):
            continue
        mine, doc = ours.get(path), theirs.get(path)
        if mine == doc:
            continue
        if doc is None and path not in silent:
            continue  # a field the reader does not look for
        parent = path.rsplit(".", 1)[0]  # a part of a period: the period's citation
        out.append(Disagreement(path, mine, doc, cites.get(path) or cites.get(parent)))
    return out
