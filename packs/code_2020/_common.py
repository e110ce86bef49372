"""What every rule of this pack shares: its id scheme, sections and source reference."""

from __future__ import annotations

from complaintrules.authoring import rule_factory

PACK_NAME = "code_2020"
ID_PREFIX = "CHC20"
CODE_TITLE = "Housing Ombudsman Complaint Handling Code (July 2020, revised 2022)"

# Section titles of the 2022 revision, as its self-assessment form heads them.
SECTIONS = {
    "1": "Section 1: Definition of a complaint",
    "2": "Section 2: Accessibility and awareness",
    "3": "Section 3: Complaint handling personnel",
    "4": "Section 4: Complaint handling principles",
    "5": "Section 5: Complaint stages",
    "6": "Section 6: Putting things right",
    "7": "Section 7: Continuous learning and improvement",
    "8": "Section 8: Self-assessment and compliance",
}


# No default level: every provision of the 2022 Code sits in either its mandatory ("must")
# or its best-practice ("should") list, and each rule must say which.
rule = rule_factory(PACK_NAME, ID_PREFIX, SECTIONS, CODE_TITLE)
