"""What every rule of this pack shares: its id scheme, sections and source reference."""

from __future__ import annotations

from complaintrules.authoring import Level, rule_factory

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


rule = rule_factory(PACK_NAME, ID_PREFIX, SECTIONS, CODE_TITLE, default_level=Level.MUST)
