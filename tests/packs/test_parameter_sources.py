"""Every parameter's source cites provisions that exist, in the Code it names."""

from __future__ import annotations

import re

import pytest

from complaintrules.testing import default_engine

_ENGINE = default_engine()
PACKS = {pack.name: pack for pack in _ENGINE.registry.packs}

#: The editions of the Code each built-in pack encodes, as a source names them.
OWN_EDITIONS = {"code_2024": {"2024"}, "code_2020": {"2020", "2022"}}
#: The pack holding each edition's provisions, for a source that cross-refers to another.
PACK_OF_EDITION = {"2024": "code_2024", "2022": "code_2020", "2020": "code_2020"}

_NUMBER = r"\d+\.\d+"
# "provision 6.2", "provisions 2.2 and 2.3", "provision 9.7 (a)-(d)"
_CITED = re.compile(rf"provisions? ({_NUMBER}(?:(?:,| and) {_NUMBER})*)")
# "compare 2024 provision 7.1": a provision of another edition, named with its year
_CROSS = re.compile(rf"(\d{{4}}) provisions? ({_NUMBER})")
_EDITION = re.compile(r"(?:Complaint Handling Code|July) (\d{4})")
# a quoted phrase of several words (one common word, 'annual', proves nothing)
_QUOTED = re.compile(r"'([^' ]+(?: [^' ]+)+)'")


def _sources(pack_name: str) -> list[tuple[str, str]]:
    params = PACKS[pack_name].parameters
    return [(name, value.source) for name in params for value in params[name].values]


def _provisions(pack_name: str) -> set[str]:
    return {r.provision for r in _ENGINE.registry.all_rules() if r.pack == pack_name}


@pytest.mark.parametrize("pack_name", sorted(OWN_EDITIONS))
def test_every_cited_provision_exists_in_its_own_pack(pack_name: str) -> None:
    own = _provisions(pack_name)
    problems = []
    cited_any = 0
    for name, source in _sources(pack_name):
        editions = set(_EDITION.findall(source))
        foreign = editions - OWN_EDITIONS[pack_name]
        if foreign:
            problems.append(f"{name}: cites the {sorted(foreign)} Code as its source: {source!r}")
        crossed = _CROSS.findall(source)
        for year, number in crossed:
            other = _provisions(PACK_OF_EDITION[year])
            if number not in other:
                problems.append(f"{name}: {year} provision {number} does not exist: {source!r}")
        rest = _CROSS.sub("", source)
        for group in _CITED.findall(rest):
            for number in re.findall(_NUMBER, group):
                cited_any += 1
                if number not in own:
                    problems.append(f"{name}: provision {number} is not in {pack_name}")
    assert cited_any, f"no provision citations found in {pack_name}'s parameters"
    assert not problems, "\n".join(problems)


def test_the_2024_pack_does_not_gloss_its_provisions_with_the_2022_codes_words() -> None:
    """Words code_2020 quotes from the 2022 Code, found in a code_2024 source, must be
    attributed there to the 2022 Code, not passed off as a 2024 provision's."""
    quoted_2022 = {
        phrase.casefold()
        for _, source in _sources("code_2020")
        if "Code 2022" in source
        for phrase in _QUOTED.findall(source)
    }
    assert quoted_2022
    problems = [
        f"{name}: {phrase!r} is the 2022 Code's wording: {source!r}"
        for name, source in _sources("code_2024")
        for phrase in quoted_2022
        if phrase in source.casefold() and "2022" not in source
    ]
    assert not problems, "\n".join(problems)


def test_a_missing_provision_is_reported() -> None:
    """The test above can fail: a citation of a provision the pack lacks is caught."""
    own = _provisions("code_2024")
    assert "3.1" in own and "3.9" not in own
    assert [
        m
        for g in _CITED.findall("Complaint Handling Code 2024, provision 3.9")
        for m in re.findall(_NUMBER, g)
    ] == ["3.9"]
