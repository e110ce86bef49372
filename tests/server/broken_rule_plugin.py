"""A plugin whose one extra rule raises on every case (for the service's tests)."""

from __future__ import annotations

from collections.abc import Sequence

from complaintrules import Complaint, Pack, Rule, hookimpl
from complaintrules.authoring import Context, Outcome


def _raises(case: Complaint, ctx: Context) -> Outcome:
    raise ZeroDivisionError("this rule is broken on purpose")


BROKEN = Rule(
    id="BROKEN-1",
    pack="broken_plugin",
    provision="B1",
    section="Tests",
    title="A rule that always raises",
    summary="Raises on every case, so the service's handling of a broken rule is tested.",
    explanation="Used only by tests/server.",
    source="tests/server/broken_rule_plugin.py",
    case=_raises,
)


@hookimpl
def complaintrules_extra_rules(pack: Pack) -> Sequence[Rule]:
    return [BROKEN] if pack.name == "code_2024" else []
