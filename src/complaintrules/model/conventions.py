"""Explicit, configurable choices where the Code is silent; every finding shows them."""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..calendar.working_days import WorkingCalendar
from .base import uk_wall_clock

__all__ = ["Conventions", "LateAcknowledgement", "NonWorkingDayReceipt"]


class NonWorkingDayReceipt(StrEnum):
    """How to treat a complaint received on a weekend, bank holiday or closure day."""

    #: Day 0 is the day it arrived; day 1 is the next working day (the default: it never
    #: grants the landlord a day the Code's wording does not).
    COUNT_FROM_RECEIPT = "count_from_receipt"
    #: Treat it as received on the next working day, which becomes day 0.
    NEXT_WORKING_DAY = "next_working_day"


class LateAcknowledgement(StrEnum):
    """How a late acknowledgement affects a response deadline counted from acknowledgement."""

    #: The response clock starts at the actual acknowledgement, whenever it was, as the
    #: Code's wording counts it (the default). Only where there was no acknowledgement
    #: does it start at the acknowledgement deadline.
    LITERAL = "literal"
    #: The response clock starts at the earlier of the actual acknowledgement and the last
    #: day the acknowledgement was due, so acknowledging late never buys more time (stricter
    #: than the text: an option, named in every report).
    CAPPED = "capped"


class Conventions(BaseModel):
    """The working-day conventions an evaluation uses; shown in every report and finding."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    non_working_day_receipt: NonWorkingDayReceipt = NonWorkingDayReceipt.COUNT_FROM_RECEIPT
    cutoff: time | None = None
    late_acknowledgement: LateAcknowledgement = LateAcknowledgement.LITERAL

    def effective_receipt(
        self, calendar: WorkingCalendar, received_on: date, received_at: time | None = None
    ) -> tuple[date, str]:
        """Day 0 of a clock that starts at receipt, and why.

        A ``received_at`` with a time zone is compared in UK time (the models convert it on
        input; this covers a case built without validation).
        """
        if received_at is not None and received_at.tzinfo is not None:
            received_on, received_at = uk_wall_clock(received_on, received_at)
        if not calendar.is_working_day(received_on):
            if self.non_working_day_receipt is NonWorkingDayReceipt.NEXT_WORKING_DAY:
                moved = calendar.next_working_day(received_on)
                return moved, f"received on a non-working day; treated as received {moved}"
            return received_on, "received on a non-working day; counted from that day"
        if self.cutoff is not None and received_at is not None and received_at >= self.cutoff:
            moved = calendar.next_working_day(received_on)
            return moved, (
                f"received at {received_at.isoformat('minutes')}, after the "
                f"{self.cutoff.isoformat('minutes')} cut-off; treated as received {moved}"
            )
        return received_on, "counted from the day of receipt"

    def summary(self) -> str:
        """The conventions in one line, as every human-readable report names them."""
        cutoff = self.cutoff.isoformat("minutes") if self.cutoff else "none"
        return (
            f"receipt on a non-working day: {self.non_working_day_receipt.value}; "
            f"cut-off: {cutoff}; late acknowledgement: {self.late_acknowledgement.value}"
        )

    def describe(self) -> dict[str, Any]:
        return {
            "working_day": "Mon-Fri, not a bank holiday (England and Wales) or closure day",
            "counting": "day 0 is the trigger date; the deadline is the Nth working day after it",
            "non_working_day_receipt": self.non_working_day_receipt.value,
            "cutoff": self.cutoff.isoformat("minutes") if self.cutoff else None,
            "late_acknowledgement": self.late_acknowledgement.value,
        }
