"""The pack object: rules in Code order and the dated parameters they read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from complaintrules import Pack, ParameterSet

from . import (
    section_1_definition,
    section_2_exclusions,
    section_3_accessibility,
    section_4_staff,
    section_5_process,
    section_6_stages,
    section_7_remedies,
    section_8_reporting,
    section_9_oversight,
)
from ._common import CODE_TITLE, PACK_NAME

PACK = Pack(
    name=PACK_NAME,
    title=CODE_TITLE,
    version="2024.1.0",
    in_force_from=date(2024, 4, 1),
    in_force_until=None,
    rules=(
        *section_1_definition.RULES,
        *section_2_exclusions.RULES,
        *section_3_accessibility.RULES,
        *section_4_staff.RULES,
        *section_5_process.RULES,
        *section_6_stages.RULES,
        *section_7_remedies.RULES,
        *section_8_reporting.RULES,
        *section_9_oversight.RULES,
    ),
    # Every attestation rule of this pack reads its validity from this parameter.
    attestation_validity="attestation.valid_months",
    parameters=ParameterSet.from_yaml(Path(__file__).with_name("parameters.yaml")),
    description=(
        "The statutory Code from 1 April 2024: two stages, acknowledgement in 5 working "
        "days, responses in 10 and 20 working days from acknowledgement."
    ),
)
