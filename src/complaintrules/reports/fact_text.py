"""What a finding read, as words a reader of the form understands.

Findings record the facts they read by field (``service_requests.distinguished_from_complaints``
with the value ``True``); the form shows them as text: "service requests: distinguished from
complaints: yes", a time limit as "12 months", a list of board papers as their dates and
what they covered. No field path and no Python value reaches the form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["describe_facts", "fact_value"]

_STAGE = re.compile(r"^stages\[(\d+)\]$")
#: Field name endings that are units: the unit follows the value instead.
_UNITS = (("_working_days", "working days"), ("_months", "months"), ("_days", "days"))
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_LONGEST = 160


def _words(name: str) -> str:
    return name.replace("_", " ").strip()


def fact_value(value: Any, *, unit: str = "") -> str:
    """A fact's value as text: yes/no, lists joined, records as their fields' values."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "not stated"
    if isinstance(value, Mapping):
        parts = [fact_value(v) for k, v in value.items() if k != "on" and v not in (None, [])]
        on = value.get("on")
        inner = "; ".join(parts)
        if on is not None:
            return f"{on} ({inner})" if inner else str(on)
        return inner or "none"
    if isinstance(value, list | tuple):
        return ", ".join(fact_value(v) for v in value) or "none"
    if isinstance(value, float) and 0 <= value <= 1 and unit == "share":
        return f"{100 * value:.0f}%"
    text = str(value)
    if _IDENTIFIER.match(text) and "_" in text:
        text = _words(text)  # a code word such as volumes_and_performance
    if unit and unit != "share":
        text = f"{text} {unit}"
    return text if len(text) <= _LONGEST else text[: _LONGEST - 3].rstrip() + "..."


def _label(key: str) -> tuple[str, str]:
    """The words for a fact's field path, and the unit its value is in."""
    parts = str(key).removeprefix("policy.").split(".")
    words = []
    unit = ""
    for i, part in enumerate(parts):
        stage = _STAGE.match(part)
        if stage:
            words.append(f"stage {stage.group(1)}")
            continue
        last = i == len(parts) - 1
        if last:
            for ending, name in _UNITS:
                if part.endswith(ending) and part != ending.lstrip("_"):
                    part, unit = part.removesuffix(ending), name
                    break
            if part.startswith("share_of"):
                unit = "share"
            if part.endswith("_on") and part != "on":
                part = part.removesuffix("_on") + " on"
        words.append(_words(part))
    return ", ".join(w for w in words if w), unit


def describe_facts(facts: Mapping[str, Any]) -> str:
    """Facts as "label: value" clauses joined by semicolons, never as code."""
    clauses = []
    for key, value in facts.items():
        label, unit = _label(key)
        clauses.append(f"{label}: {fact_value(value, unit=unit)}" if label else fact_value(value))
    return "; ".join(clauses)
