"""The map from the 2022 Code's provisions to their 2024 equivalents."""

from __future__ import annotations

import re

import pytest
from complaintrules_code_2020 import EQUIVALENTS_TO, PACK

from complaintrules.testing import default_engine

# Every provision of the 2024 Code, as the 2024 self-assessments number them (seeds/003 and
# seeds/004): an equivalent must be one of these whether or not code_2024 has its rule yet.
CODE_2024 = {
    f"CHC24-{section}.{n}"
    for section, first, last in [
        (1, 2, 6),
        (2, 1, 5),
        (3, 1, 7),
        (4, 1, 3),
        (5, 1, 15),
        (6, 1, 20),
        (7, 1, 4),
        (8, 1, 5),
        (9, 1, 8),
    ]
    for n in range(first, last + 1)
}

TARGETS = sorted({t for targets in PACK.equivalents.values() for t in targets})


def test_the_map_points_at_code_2024() -> None:
    assert EQUIVALENTS_TO == "code_2024"


def test_every_rule_of_the_pack_is_mapped_and_nothing_else() -> None:
    assert set(PACK.equivalents) == {r.id for r in PACK.rules}


def test_every_target_is_a_2024_provision() -> None:
    strangers = [t for t in TARGETS if t not in CODE_2024]
    assert not strangers, strangers


@pytest.mark.parametrize("target", TARGETS)
def test_every_target_exists_in_the_installed_code_2024_pack(target: str) -> None:
    pack = default_engine().registry.get(EQUIVALENTS_TO)
    section = re.match(r"CHC24-(\d+)\.", target)
    assert section
    in_section = [r for r in pack.rules if r.provision.split(".")[0] == section.group(1)]
    if not in_section:
        pytest.skip(f"code_2024 section {section.group(1)} has no rules yet")
    assert target in {r.id for r in pack.rules}


def test_the_examples_in_the_issue() -> None:
    assert "CHC24-6.3" in PACK.equivalents["CHC20-5.1"]
    assert set(PACK.equivalents["CHC20-1.8"]) == {"CHC24-2.2", "CHC24-2.3"}


def test_the_third_stage_has_no_2024_equivalent_but_the_limit_does() -> None:
    for rule_id in ("CHC20-5.18", "CHC20-5.19", "CHC20-5.20"):
        assert PACK.equivalents[rule_id] == ()
    assert PACK.equivalents["CHC20-5.17"] == ("CHC24-5.3",)


def test_the_reverse_lookup_finds_the_2020_provisions_behind_a_2024_rule() -> None:
    behind = sorted(k for k, v in PACK.equivalents.items() if "CHC24-6.4" in v)
    assert behind == ["CHC20-5.1", "CHC20-5.2"]


def test_the_registry_looks_equivalents_up_both_ways() -> None:
    registry = default_engine().registry
    assert "CHC24-6.3" in registry.equivalents("CHC20-5.1")
    assert set(registry.equivalents("CHC24-6.4")) >= {"CHC20-5.1", "CHC20-5.2"}
    assert registry.equivalents("CHC20-5.19") == ()
