"""Case facts and gated checks: a case rule that only applies when a case records something.

Many case rules judge a part of a case that most cases do not have (a refusal, a remedy, a
contact restriction, a second stage). Such a rule declares the facts it needs with
:func:`complaintrules.authoring.applies_if`; where a case lacks one, the rule is not
applicable with the message the rule gives, and its check is never called.

The gate is the one place that decides this, for every path that judges cases: calling a
gated check judges the gate first, and the bulk evaluator reads each case's facts once and
skips every rule the case cannot meet, without calling it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model.facts import CaseFact, case_facts
from .rules import Outcome, Verdict

if TYPE_CHECKING:
    from ..model.case import Complaint
    from .context import Context

__all__ = ["CaseFact", "GatedCheck", "applies_at_stage", "applies_if", "case_facts"]


@dataclass(frozen=True, slots=True)
class GatedCheck:
    """A case check that only applies to cases recording every fact in ``requires``.

    Elsewhere it is not applicable, with ``otherwise`` as the message.
    """

    requires: int
    check: Callable[[Complaint, Context], Outcome]
    otherwise: str

    def applies(self, facts: int) -> bool:
        return facts & self.requires == self.requires

    def __call__(self, case: Complaint, ctx: Context) -> Outcome:
        if not self.applies(case_facts(case)):
            return Outcome(Verdict.NOT_APPLICABLE, self.otherwise)
        return self.check(case, ctx)


def applies_if(
    requires: CaseFact, check: Callable[[Complaint, Context], Outcome], *, otherwise: str
) -> GatedCheck:
    """``check`` judges only cases that record every fact in ``requires``.

    Any other case is not applicable, with ``otherwise`` as the message, and ``check`` is
    not called; so ``check`` need not test for those facts itself. The bulk evaluator reads
    each case's facts once and skips the rules a case cannot meet, which is where most of
    the time of a portfolio of ordinary cases would otherwise go.
    """
    if not requires:
        raise ValueError("applies_if needs at least one CaseFact")
    return GatedCheck(int(requires), check, otherwise)


def applies_at_stage(
    what: str,
    number: int,
    check: Callable[[Complaint, Context], Outcome],
    *,
    otherwise: str,
) -> Callable[[Complaint, Context], Outcome]:
    """``check`` gated on the fact ``what`` at stage ``number`` (see
    :meth:`CaseFact.at_stage`), for checks shared between stages. Case facts exist for
    stages 1 and 2 only: at any other stage ``check`` is returned ungated."""
    if number not in (1, 2):
        return check
    return applies_if(CaseFact.at_stage(what, number), check, otherwise=otherwise)
