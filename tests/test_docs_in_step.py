"""docs/rules/ is generated from the rule objects; this keeps the two in step.

If it fails, run `complaintrules docs` and commit the result.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from complaintrules import Pack
from complaintrules.reports.rule_docs import pages
from complaintrules.testing import default_engine

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules"
BUILT_IN = [p for p in default_engine().registry.packs if p.name in {"code_2020", "code_2024"}]


@pytest.mark.parametrize("pack", BUILT_IN, ids=lambda p: p.name)
def test_reference_pages_match_the_rules(pack: Pack) -> None:
    expected = pages(pack)
    folder = DOCS / pack.name
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    assert sorted(on_disk) == sorted(expected), "run `complaintrules docs` to regenerate"
    stale = [name for name, text in expected.items() if on_disk[name] != text]
    assert not stale, f"stale pages {stale}: run `complaintrules docs` to regenerate"


def test_every_rule_has_a_page() -> None:
    for pack in BUILT_IN:
        for rule in pack.rules:
            assert (DOCS / pack.name / f"{rule.id}.md").exists()


@pytest.mark.parametrize("pack", BUILT_IN, ids=lambda p: p.name)
def test_examples_in_the_docs_load_back_as_written(pack: Pack) -> None:
    """The YAML shown in a rule's page is valid input a policy writer can copy."""
    import yaml

    from complaintrules.io.loading import YamlLoader
    from complaintrules.reports.rule_docs import _Dumper, _plain
    from complaintrules.testing import build_subject

    for rule in pack.rules:
        for ex in rule.examples:
            shown = yaml.dump(_plain(ex.data), Dumper=_Dumper, sort_keys=False)
            loaded = yaml.load(shown, Loader=YamlLoader)  # YamlLoader is a SafeLoader
            assert build_subject(ex.subject, loaded) == build_subject(ex.subject, ex.data)
