"""What every rule of this pack shares: its id scheme, sections and source reference."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from complaintrules.authoring import Example, Level, Rule

PACK_NAME = "code_2024"
ID_PREFIX = "CHC24"
CODE_TITLE = "Housing Ombudsman Complaint Handling Code (2024)"

SECTIONS = {
    "1": "Section 1: Definition of a complaint",
    "2": "Section 2: Exclusions",
    "3": "Section 3: Accessibility and awareness",
    "4": "Section 4: Complaint handling staff",
    "5": "Section 5: The complaint handling process",
    "6": "Section 6: Complaint stages",
    "7": "Section 7: Putting things right",
    "8": "Section 8: Self-assessment, reporting and compliance",
    "9": "Section 9: Scrutiny and oversight",
}


def rule(
    provision: str,
    title: str,
    *,
    summary: str,
    explanation: str,
    examples: Sequence[Example],
    level: Level = Level.MUST,
    **checks: Any,
) -> Rule:
    """A rule of this pack for ``provision``; ``checks`` are case=, policy=, organisation=,
    portfolio= and attestation= as on :class:`~complaintrules.Rule`."""
    return Rule(
        id=f"{ID_PREFIX}-{provision}",
        pack=PACK_NAME,
        provision=provision,
        section=SECTIONS[provision.split(".")[0]],
        title=title,
        summary=summary,
        explanation=explanation,
        source=f"{CODE_TITLE}, provision {provision}",
        level=level,
        examples=tuple(examples),
        **checks,
    )
