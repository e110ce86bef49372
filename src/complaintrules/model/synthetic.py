"""Seeded synthetic CRM exports, for the benchmark and the bulk tests.

Rows use the column names of the example CRM export (``examples/crm/mapping.yaml``): UK
day-first dates, yes/no flags and the CRM's own codes. Most cases are handled on time;
some are late, extended (within the cap, over it, notified too late), escalated,
withdrawn or still open, so that every branch of the timeliness rules is exercised.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from ..calendar.working_days import WorkingCalendar

__all__ = ["HEADER", "synthetic_rows", "write_synthetic_csv"]

HEADER = [
    "Case Ref",
    "Date Logged",
    "Time Logged",
    "Contact Method",
    "S1 Acknowledged",
    "S1 Definition Agreed",
    "S1 Officer",
    "S1 Extension Notified",
    "S1 Extended To",
    "S1 Extension Reason",
    "S1 HOS Details Given",
    "S1 Response Sent",
    "S1 Outcome",
    "S2 Requested",
    "S2 Acknowledged",
    "S2 Definition Agreed",
    "S2 Officer",
    "S2 Extension Notified",
    "S2 Extended To",
    "S2 Extension Reason",
    "S2 HOS Details Given",
    "S2 Response Sent",
    "S2 Outcome",
    "Withdrawn",
    "Closed",
]

_METHODS = ["Telephone", "E-mail", "Web", "Letter", "Walk-in"]
_OUTCOMES = ["Upheld", "Partly Upheld", "Not Upheld"]
_OFFICERS = ["J Smith", "P Kaur", "L Evans", "M Osei", "R Novak", "T Byrne"]
_REVIEWERS = ["Head of Customer Experience", "Director of Housing"]
_BAD = [
    ("Date Logged", "31/02/2025"),
    ("Date Logged", "not a date"),
    ("Contact Method", "Carrier pigeon"),
    ("S1 Definition Agreed", "perhaps"),
    ("Case Ref", ""),
    ("S1 Acknowledged", "01/01/2020"),  # before receipt
    ("S1 Outcome", "Sort of"),
]


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def synthetic_rows(
    n: int,
    *,
    seed: int = 2024,
    start: date = date(2024, 4, 1),
    days: int = 365,
    malformed: float = 0.0,
    calendar: WorkingCalendar | None = None,
) -> Iterator[list[str]]:
    """``n`` CSV rows (without the header); a share ``malformed`` of them deliberately bad.

    Deterministic for a given seed. A malformed row has exactly one bad cell, chosen from a
    list of typical export mistakes (an impossible date, an unknown code, a blank
    reference, an acknowledgement before receipt).
    """
    rng = random.Random(seed)
    cal = calendar or WorkingCalendar()
    add = cal.add_working_days
    first = start.toordinal()
    for i in range(n):
        received = date.fromordinal(first + rng.randrange(days))
        row = dict.fromkeys(HEADER, "")
        row["Case Ref"] = f"CRM-{i + 1:07d}"
        row["Date Logged"] = _d(received)
        row["Time Logged"] = f"{rng.randrange(7, 20):02d}:{rng.randrange(60):02d}"
        row["Contact Method"] = rng.choice(_METHODS)
        scenario = rng.random()
        ack_late = scenario < 0.05
        ack: date | None = add(received, rng.randint(6, 9) if ack_late else rng.randint(1, 5))
        if rng.random() < 0.03:
            ack = None
        officer = rng.choice(_OFFICERS)
        row["S1 Officer"] = officer
        if ack is not None:
            row["S1 Acknowledged"] = _d(ack)
            row["S1 Definition Agreed"] = "Y" if rng.random() < 0.97 else "N"
        clock = ack if ack is not None and not ack_late else add(received, 5)
        due = add(clock, 10)
        kind = rng.random()
        response: date | None
        if kind < 0.70:
            response = add(clock, rng.randint(1, 10))
        elif kind < 0.78:
            response = add(due, rng.randint(1, 8))  # late
        elif kind < 0.90:  # extended
            notified = add(clock, rng.randint(3, 11))  # sometimes after the deadline
            extra = rng.choice([5, 10, 10, 14, 20])
            new_due = add(due, extra)
            row["S1 Extension Notified"] = _d(notified)
            row["S1 Extended To"] = _d(new_due)
            row["S1 Extension Reason"] = "" if rng.random() < 0.1 else "Survey needed"
            row["S1 HOS Details Given"] = "Y" if rng.random() < 0.9 else "N"
            response = add(due, rng.randint(1, extra + 3))
        elif kind < 0.95:
            response = None  # still open, or withdrawn
            if rng.random() < 0.4:
                row["Withdrawn"] = _d(add(received, rng.randint(1, 15)))
        else:
            response = None
        if response is not None:
            row["S1 Response Sent"] = _d(response)
            row["S1 Outcome"] = rng.choice(_OUTCOMES)
            if rng.random() < 0.12:  # escalated
                requested = cal.on_or_after(response + timedelta(days=rng.randint(2, 30)))
                row["S2 Requested"] = _d(requested)
                ack2 = add(requested, rng.randint(1, 7))
                row["S2 Acknowledged"] = _d(ack2)
                row["S2 Definition Agreed"] = "Y"
                row["S2 Officer"] = officer if rng.random() < 0.03 else rng.choice(_REVIEWERS)
                clock2 = min(ack2, add(requested, 5))
                due2 = add(clock2, 20)
                if rng.random() < 0.15:
                    notified2 = add(clock2, rng.randint(10, 21))
                    new_due2 = add(due2, rng.choice([10, 20, 25]))
                    row["S2 Extension Notified"] = _d(notified2)
                    row["S2 Extended To"] = _d(new_due2)
                    row["S2 Extension Reason"] = "Independent survey"
                    row["S2 HOS Details Given"] = "Y"
                    reply2 = add(due2, rng.randint(1, 22))
                else:
                    reply2 = add(clock2, rng.randint(8, 24))
                if rng.random() < 0.9:
                    row["S2 Response Sent"] = _d(reply2)
                    row["S2 Outcome"] = rng.choice(_OUTCOMES)
                    row["Closed"] = _d(reply2)
            else:
                row["Closed"] = _d(response)
        if malformed and rng.random() < malformed:
            column, value = rng.choice(_BAD)
            row[column] = value
        yield [row[h] for h in HEADER]


def write_synthetic_csv(path: str | Path, n: int, **kwargs: object) -> Path:
    """Write ``n`` synthetic rows (with the header) to ``path``."""
    p = Path(path)
    with p.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(synthetic_rows(n, **kwargs))  # type: ignore[arg-type]
    return p
