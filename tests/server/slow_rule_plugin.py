"""A plugin whose one extra rule runs far past any time budget (for the service's tests)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from complaintrules import Complaint, Pack, Rule, hookimpl
from complaintrules.authoring import Context, Outcome


def _sleeps(case: Complaint, ctx: Context) -> Outcome:
    time.sleep(30)
    raise AssertionError("the time budget should have stopped this rule")


SLOW = Rule(
    id="SLOW-1",
    pack="slow_plugin",
    provision="B1",
    section="Tests",
    title="A rule that never ends in time",
    summary="Sleeps on every case, so the rule time budget in the service is tested.",
    explanation="Used only by tests/server.",
    source="tests/server/slow_rule_plugin.py",
    case=_sleeps,
)


@hookimpl
def complaintrules_extra_rules(pack: Pack) -> Sequence[Rule]:
    return [SLOW] if pack.name == "code_2024" else []
