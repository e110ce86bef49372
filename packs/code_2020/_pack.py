"""The pack object: rules in Code order, the dated parameters they read, and the map to the
2024 Code's equivalent provisions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import yaml

from complaintrules import Pack, ParameterSet

from . import (
    section_1_definition,
    section_2_accessibility,
    section_3_personnel,
    section_4_principles,
    section_5_stages,
    section_6_remedies,
    section_7_learning,
    section_8_self_assessment,
)
from ._common import CODE_TITLE, ID_PREFIX, PACK_NAME

_HERE = Path(__file__).parent


def _load_equivalents(path: Path) -> tuple[str, dict[str, tuple[str, ...]]]:
    """(target pack, rule id here -> equivalent rule ids there) from ``equivalents.yaml``."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where built with it
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("equivalents"), Mapping):
        raise ValueError(f"{path}: expected 'target_pack' and an 'equivalents' mapping")
    target = str(raw["target_pack"])
    out: dict[str, tuple[str, ...]] = {}
    for key, value in raw["equivalents"].items():
        if not str(key).startswith(f"{ID_PREFIX}-"):
            raise ValueError(f"{path}: {key!r} is not a {ID_PREFIX} rule id")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{path}: {key}: expected a list of rule ids, got {value!r}")
        out[str(key)] = tuple(value)
    return target, out


RULES = (
    *section_1_definition.RULES,
    *section_2_accessibility.RULES,
    *section_3_personnel.RULES,
    *section_4_principles.RULES,
    *section_5_stages.RULES,
    *section_6_remedies.RULES,
    *section_7_learning.RULES,
    *section_8_self_assessment.RULES,
)

#: The pack the equivalents map points into, and the map itself (rule id -> ids there).
EQUIVALENTS_TO, _EQUIVALENTS = _load_equivalents(_HERE / "equivalents.yaml")

_unknown = sorted(set(_EQUIVALENTS) - {r.id for r in RULES})
if _unknown:
    raise ValueError(f"equivalents.yaml names rules this pack does not have: {_unknown}")

PACK = Pack(
    name=PACK_NAME,
    title=CODE_TITLE,
    version="2022.1.0",
    # The first Code was published in July 2020; the rules follow its 2022 revision (in
    # effect from 1 April 2022), whose numbering is the only one confirmed. Cases from July
    # 2020 to March 2022 are judged by the same rules; see parameters.yaml.
    in_force_from=date(2020, 7, 1),
    in_force_until=date(2024, 3, 31),
    rules=RULES,
    # Every attestation rule of this pack reads its validity from this parameter.
    attestation_validity="attestation.valid_months",
    parameters=ParameterSet.from_yaml(_HERE / "parameters.yaml"),
    description=(
        "The Code of July 2020 as revised in 2022, until 31 March 2024: stage 1 acknowledged "
        "and logged in 5 days and answered in 10 working days from logging; stage 2 in 20 "
        "working days from the escalation request; an optional third stage (20 working "
        "days), never more than three; extensions of a further 10 days without good reason; "
        "a 6-month time limit for complaints. Provisions are 'must' or 'should' as in the "
        "2022 self-assessment form; 'should' shortfalls are reported as warnings."
    ),
    equivalents=_EQUIVALENTS,
)
