"""What a case records, as flags read once per case: which stages it reached, whether it
has a response, extensions, refusals, remedies... The gates of the case rules
(:mod:`complaintrules.law.gates`) decide from these which rules apply; the case table
computes the same flags over columns (:func:`complaintrules.model.columns.case_facts_column`).
"""

from __future__ import annotations

from enum import IntFlag
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .case import Complaint

__all__ = ["STAGE_NUMBERS", "CaseFact", "case_facts"]

#: The stage numbers the case model accepts (``Stage.number``, 0 to 9).
STAGE_NUMBERS = range(10)


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
