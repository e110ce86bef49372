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
from enum import IntFlag
from typing import TYPE_CHECKING

from ._rules import Outcome, Verdict

if TYPE_CHECKING:
    from ._case import Complaint
    from ._context import Context

__all__ = ["CaseFact", "GatedCheck", "applies_at_stage", "applies_if", "case_facts"]


class CaseFact(IntFlag):
    """Things a case may record, each read once per case to decide which rules apply."""

    STAGE1 = 1 << 0
    STAGE2 = 1 << 1
    STAGE1_RESPONSE = 1 << 2
    STAGE2_RESPONSE = 1 << 3
    ANY_RESPONSE = 1 << 4
    STAGE1_EXTENSION = 1 << 5
    STAGE2_EXTENSION = 1 << 6
    STAGE1_ACTIONS = 1 << 7
    STAGE2_ACTIONS = 1 << 8
    STAGE1_ISSUES = 1 << 9
    STAGE2_ISSUES = 1 << 10
    STAGE1_REFUSAL = 1 << 11
    STAGE2_REFUSAL = 1 << 12
    SERVICE_REQUEST = 1 << 13
    THIRD_PARTY = 1 << 14
    REMEDY = 1 << 15
    CONTACT_RESTRICTION = 1 << 16

    @classmethod
    def at_stage(cls, what: str, number: int) -> CaseFact:
        """The fact ``what`` (``""`` for the stage itself, ``"response"``, ``"extension"``,
        ``"actions"``, ``"issues"``) at stage 1 or 2, for checks shared between stages."""
        name = f"STAGE{number}" + (f"_{what.upper()}" if what else "")
        try:
            return cls[name]
        except KeyError:
            raise ValueError(f"no case fact {what!r} at stage {number}") from None


# Plain ints: IntFlag arithmetic costs a microsecond a time, and this runs once per case.
_STAGE = {1: int(CaseFact.STAGE1), 2: int(CaseFact.STAGE2)}
_RESPONSE = {1: int(CaseFact.STAGE1_RESPONSE), 2: int(CaseFact.STAGE2_RESPONSE)}
_EXTENSION = {1: int(CaseFact.STAGE1_EXTENSION), 2: int(CaseFact.STAGE2_EXTENSION)}
_ACTIONS = {1: int(CaseFact.STAGE1_ACTIONS), 2: int(CaseFact.STAGE2_ACTIONS)}
_ISSUES = {1: int(CaseFact.STAGE1_ISSUES), 2: int(CaseFact.STAGE2_ISSUES)}
_REFUSAL = {1: int(CaseFact.STAGE1_REFUSAL), 2: int(CaseFact.STAGE2_REFUSAL)}
_ANY_RESPONSE = int(CaseFact.ANY_RESPONSE)
_SERVICE_REQUEST = int(CaseFact.SERVICE_REQUEST)
_THIRD_PARTY = int(CaseFact.THIRD_PARTY)
_REMEDY = int(CaseFact.REMEDY)
_CONTACT_RESTRICTION = int(CaseFact.CONTACT_RESTRICTION)


def case_facts(case: Complaint) -> int:
    """The :class:`CaseFact` flags ``case`` records, as an int."""
    found = 0
    for st in case.stages:
        n = st.number
        if st.response is not None:
            found |= _ANY_RESPONSE
        if st.handler_organisation:
            found |= _THIRD_PARTY
        if st.remedies:
            found |= _REMEDY
        if n == 1 or n == 2:
            found |= _STAGE[n]
            if st.response is not None:
                found |= _RESPONSE[n]
            if st.extensions:
                found |= _EXTENSION[n]
            if st.actions:
                found |= _ACTIONS[n]
            if st.issues_raised:
                found |= _ISSUES[n]
    for refusal in case.refusals:
        found |= _REFUSAL[refusal.stage]
    if case.service_request is not None:
        found |= _SERVICE_REQUEST
    if case.contact_restrictions:
        found |= _CONTACT_RESTRICTION
    return found


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
