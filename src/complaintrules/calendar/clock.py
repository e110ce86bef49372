"""Today's date, taken in UK time: the one place the library reads the clock.

The Code applies to landlords in England, so "today" is the date in Europe/London,
whatever the machine's own time zone. Tests replace :data:`now` (or pass a ``today``
callable to :class:`~complaintrules.Engine`) so that no result depends on the real clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

__all__ = ["TODAY_SOURCE", "UK", "now", "uk_today"]

UK = ZoneInfo("Europe/London")

#: How a report says its date was defaulted to today.
TODAY_SOURCE = "today (Europe/London)"


def _utc_now() -> datetime:
    return datetime.now(UTC)


#: The current instant, time-zone aware; replaceable in tests.
now: Callable[[], datetime] = _utc_now


def uk_today() -> date:
    """Today's date in England (Europe/London), from :data:`now`."""
    instant = now()
    if instant.tzinfo is None:
        raise ValueError("the clock must give a time-zone-aware instant")
    return instant.astimezone(UK).date()
