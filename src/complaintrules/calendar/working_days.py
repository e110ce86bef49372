"""Working-day arithmetic for complaint timescales.

Convention (see docs/working-days.md):

* A working day is Monday to Friday and not an England and Wales bank holiday (the
  ``holidays`` package, country GB, subdivision ENG), nor one of the landlord's own
  closure days.
* "Within N working days of X": X itself never counts, whatever day it is. The deadline
  is the Nth working day strictly after X.

Every query is answered from a precomputed index over the calendar's years, so adding or
counting working days costs two list look-ups, never a walk day by day.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import holidays as _holidays

__all__ = ["CalendarRangeError", "WorkingCalendar"]

DEFAULT_FIRST_YEAR = 2015
DEFAULT_LAST_YEAR = 2035


class CalendarRangeError(ValueError):
    """A date fell outside the years a :class:`WorkingCalendar` was built for."""


@dataclass(frozen=True, slots=True)
class _Index:
    first: date
    last: date
    # worked_by[i]: working days from ``first`` up to and including first + i days.
    worked_by: list[int]
    # working_ordinals[k]: the ordinal of the (k+1)th working day of the range.
    working_ordinals: list[int]


class WorkingCalendar:
    """Working days in England: weekdays that are neither bank holidays nor closure days.

    ``WorkingCalendar()`` covers England and Wales bank holidays from 2015 to 2035. Pass
    ``closures`` for a landlord's own closure days (a Christmas shutdown, say) and ``years``
    to cover a different range. A date outside the range raises
    :class:`CalendarRangeError` rather than silently treating unknown years as ordinary.
    """

    def __init__(
        self,
        *,
        closures: Iterable[date] = (),
        years: tuple[int, int] = (DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR),
        region: str = "ENG",
    ) -> None:
        first_year, last_year = years
        if first_year > last_year:
            raise ValueError(f"years must be (first, last) with first <= last, got {years}")
        self.region = region
        self.years = (first_year, last_year)
        bank = _holidays.country_holidays(
            "GB", subdiv=region, years=range(first_year, last_year + 1)
        )
        self._bank_holidays: dict[date, str] = {d: str(name) for d, name in bank.items()}
        self._closures: frozenset[date] = frozenset(closures)
        self._index = self._build_index(date(first_year, 1, 1), date(last_year, 12, 31))
        # The index's bounds as ordinals, and a day's working status by offset: the
        # per-date queries below are asked millions of times in bulk evaluation.
        self._first_ordinal = self._index.first.toordinal()
        self._last_ordinal = self._index.last.toordinal()
        self._span = self._last_ordinal - self._first_ordinal
        worked_by = self._index.worked_by
        self._working: list[bool] = [
            worked_by[i] != (worked_by[i - 1] if i else 0) for i in range(len(worked_by))
        ]
        # Weekday bank holidays and closure days, sorted, for days_skipped (bisect, not a scan).
        self._special: list[date] = sorted(
            d for d in self._bank_holidays.keys() | self._closures if d.weekday() < 5
        )

    def _build_index(self, first: date, last: date) -> _Index:
        worked_by: list[int] = []
        working_ordinals: list[int] = []
        count = 0
        for ordinal in range(first.toordinal(), last.toordinal() + 1):
            if self._is_working(date.fromordinal(ordinal)):
                count += 1
                working_ordinals.append(ordinal)
            worked_by.append(count)
        return _Index(first, last, worked_by, working_ordinals)

    def _is_working(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._bank_holidays and day not in self._closures

    def _offset(self, day: date) -> int:
        ordinal = day.toordinal()
        if not self._first_ordinal <= ordinal <= self._last_ordinal:
            raise CalendarRangeError(
                f"{day.isoformat()} is outside this calendar's years "
                f"{self.years[0]}-{self.years[1]}; build WorkingCalendar(years=(first, last)) "
                "to cover it"
            )
        return ordinal - self._first_ordinal

    # -- queries -------------------------------------------------------------------------

    @property
    def closures(self) -> frozenset[date]:
        """The landlord's own closure days added to the bank holidays."""
        return self._closures

    def describe(self) -> str:
        """A one-line description for reports and evidence."""
        extra = f" plus {len(self._closures)} landlord closure day(s)" if self._closures else ""
        return (
            f"Mon-Fri excluding bank holidays of GB-{self.region} "
            f"({self.years[0]}-{self.years[1]}, holidays package){extra}"
        )

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        # The range check of _offset inlined here and below: these run several times per
        # deadline, and the method call cost as much as the look-up.
        offset = day.toordinal() - self._first_ordinal
        if offset < 0 or offset > self._span:
            self._offset(day)  # raises, naming the day
        return self._working[offset]

    def non_working_reason(self, day: date) -> str | None:
        """Why ``day`` is not a working day (weekend, a named bank holiday, closure), or None."""
        self._offset(day)
        if day in self._bank_holidays:
            return f"bank holiday: {self._bank_holidays[day]}"
        if day in self._closures:
            return "landlord closure day"
        if day.weekday() >= 5:
            return "weekend"
        return None

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``th working day strictly after ``day`` (``day`` itself never counts).

        ``n`` must be at least 1; the result must fall inside the calendar's years.
        """
        if n < 1:
            raise ValueError(f"n must be a positive number of working days, got {n}")
        index = self._index
        offset = day.toordinal() - self._first_ordinal
        if offset < 0 or offset > self._span:
            self._offset(day)  # raises, naming the day
        position = index.worked_by[offset] + n - 1
        if position >= len(index.working_ordinals):
            raise CalendarRangeError(
                f"{n} working days after {day.isoformat()} falls beyond {self.years[1]}; "
                "build WorkingCalendar(years=(first, last)) to cover it"
            )
        return date.fromordinal(index.working_ordinals[position])

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``.

        Negative when ``end`` is before ``start``, so that
        ``working_days_between(a, b) == -working_days_between(b, a)``.
        """
        first, span = self._first_ordinal, self._span
        to_end = end.toordinal() - first
        if to_end < 0 or to_end > span:
            self._offset(end)  # raises, naming the day
        to_start = start.toordinal() - first
        if to_start < 0 or to_start > span:
            self._offset(start)
        worked_by = self._index.worked_by
        return worked_by[to_end] - worked_by[to_start]

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def on_or_after(self, day: date) -> date:
        """``day`` if it is a working day, otherwise the next working day."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def days_skipped(self, start: date, end: date) -> list[tuple[date, str]]:
        """Weekday bank holidays and closure days after ``start`` up to and including ``end``.

        Weekends are left out: they are the obvious gaps. This is what evidence shows so a
        reader can check a deadline by hand.
        """
        if end <= start:
            return []
        first, span = self._first_ordinal, self._span
        if not 0 <= start.toordinal() - first <= span:
            self._offset(start)  # raises, naming the day
        if not 0 <= end.toordinal() - first <= span:
            self._offset(end)
        special = self._special
        within = special[bisect.bisect_right(special, start) : bisect.bisect_right(special, end)]
        if not within:
            return []  # the common case: no holiday or closure in the way
        return [(d, self.non_working_reason(d) or "") for d in within]

    # -- bulk ----------------------------------------------------------------------------

    def add_working_days_many(self, days: Sequence[date], n: int | Sequence[int]) -> list[date]:
        """:meth:`add_working_days` over many dates, with one ``n`` or one ``n`` per date."""
        counts = [n] * len(days) if isinstance(n, int) else list(n)
        if len(counts) != len(days):
            raise ValueError("days and n must be the same length")
        return [self.add_working_days(d, k) for d, k in zip(days, counts, strict=True)]

    def add_working_days_array(self, ordinals: Any, n: Any) -> Any:
        """:meth:`add_working_days` over a numpy array of date ordinals (``date.toordinal``).

        ``n`` is one count or an array of counts (each at least 1). Returns an int64 array
        of ordinals; an element whose day or result falls outside the calendar's years is
        -1 (the per-date method raises :class:`CalendarRangeError` for it instead).
        """
        import numpy as np

        index = self._index
        arrays = getattr(self, "_np_index", None)
        if arrays is None:
            arrays = (
                np.asarray(index.worked_by, dtype=np.int64),
                np.asarray(index.working_ordinals, dtype=np.int64),
            )
            self._np_index = arrays
        worked_by, working = arrays
        counts = np.asarray(n, dtype=np.int64)
        if counts.size and int(counts.min()) < 1:
            raise ValueError("n must be a positive number of working days (at least 1)")
        days = np.asarray(ordinals, dtype=np.int64)
        offset = days - index.first.toordinal()
        inside = (offset >= 0) & (offset < len(worked_by))
        position = worked_by[np.where(inside, offset, 0)] + counts - 1
        inside &= (position >= 0) & (position < len(working))
        return np.where(inside, working[np.where(inside, position, 0)], -1)

    def working_days_between_array(self, starts: Any, ends: Any) -> Any:
        """:meth:`working_days_between` over numpy arrays of date ordinals, element by
        element (int64). A day outside the calendar's years raises
        :class:`CalendarRangeError` naming it, as the per-date method does."""
        import numpy as np

        first = self._first_ordinal
        worked_by = getattr(self, "_np_worked_by", None)
        if worked_by is None:
            worked_by = self._np_worked_by = np.asarray(self._index.worked_by, dtype=np.int64)
        offsets = []
        for days in (ends, starts):  # the end first, as the per-date method checks it
            offset = np.asarray(days, dtype=np.int64) - first
            outside = (offset < 0) | (offset > self._span)
            if outside.any():
                self._offset(date.fromordinal(int(offset[outside][0]) + first))  # raises
            offsets.append(offset)
        to_end, to_start = offsets
        return worked_by[to_end] - worked_by[to_start]

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(region={self.region!r}, years={self.years}, "
            f"closures={len(self._closures)})"
        )
