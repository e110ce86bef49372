"""The Regulator of Social Housing's complaint measures, TSM CH01 and CH02.

Definitions used (see docs/tsm.md for the sources and the reasoning):

* **CH01** (complaints relative to the size of the landlord): stage 1 complaints received
  in the period, per 1,000 homes; and the same for stage 2 complaints, counted on the date
  the escalation request was received. Homes: the organisation's ``housing_stock``
  (``homes_owned`` unless told otherwise). Complaints refused before stage 1 began (no
  stage recorded) are not counted.
* **CH02** (complaints responded to within the Code's timescales): of the stage 1 (stage
  2) responses issued in the period, the share issued by the deadline the Code allows,
  computed by the same deadline functions as rules CHC24-6.3 and 6.14. By default a
  response within a valid extension (notified in time, within the cap or with a good
  reason) counts as on time.

Everything is tallied by calendar month, so any period made of whole months (a quarter,
the reporting year from April to March) is a sum of months.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from ..model.case import Complaint
from ..model.organisation import HousingStock, Organisation

__all__ = [
    "CaseTimes",
    "ReportingPeriod",
    "StageTimes",
    "TsmDenominator",
    "TsmExtensions",
    "TsmOptions",
    "TsmReport",
    "TsmTally",
]


class TsmExtensions(StrEnum):
    """Whether a response within a valid extension counts as within the Code's timescales."""

    #: On time if by the deadline as moved by valid extensions (the default).
    VALID_EXTENSION_COUNTS = "valid_extension_counts"
    #: On time only if by the original, unextended deadline.
    ORIGINAL_DEADLINE = "original_deadline"


class TsmDenominator(StrEnum):
    """Which complaints CH02 is a share of."""

    #: Responses issued in the period (by response date): the default.
    RESPONDED = "responded"
    #: Responses to complaints received in the period (by receipt / escalation date).
    RECEIVED = "received"


class StockField(StrEnum):
    HOMES_OWNED = "homes_owned"
    LOW_COST_RENTAL = "low_cost_rental"
    LOW_COST_HOME_OWNERSHIP = "low_cost_home_ownership"


@dataclass(frozen=True, slots=True)
class TsmOptions:
    """The choices CH01 and CH02 make where the regulator's text leaves room."""

    extensions: TsmExtensions = TsmExtensions.VALID_EXTENSION_COUNTS
    denominator: TsmDenominator = TsmDenominator.RESPONDED
    include_withdrawn: bool = True
    stock: StockField = StockField.HOMES_OWNED
    #: Homes to divide by, overriding the organisation's housing stock.
    homes: int | None = None

    def __post_init__(self) -> None:
        # Accept the plain strings a caller (or a config file) gives: each enum field is
        # coerced, so an unknown value fails here with the allowed values, not later.
        for name, kind in (
            ("extensions", TsmExtensions),
            ("denominator", TsmDenominator),
            ("stock", StockField),
        ):
            value = getattr(self, name)
            if not isinstance(value, kind):
                try:
                    coerced = kind(value)
                except ValueError:
                    allowed = ", ".join(m.value for m in kind)
                    raise ValueError(
                        f"TsmOptions.{name} must be one of {allowed}; got {value!r}"
                    ) from None
                object.__setattr__(self, name, coerced)

    def describe(self) -> dict[str, Any]:
        return {
            "extensions": self.extensions.value,
            "denominator": self.denominator.value,
            "include_withdrawn": self.include_withdrawn,
            "stock": self.stock.value,
            "homes": self.homes,
        }


@dataclass(frozen=True, slots=True)
class ReportingPeriod:
    """A run of whole months: a TSM reporting year (April to March) or one of its quarters."""

    start: date
    end: date
    label: str

    @classmethod
    def year(cls, first_year: int) -> ReportingPeriod:
        """The reporting year 1 April ``first_year`` to 31 March of the next year."""
        return cls(
            date(first_year, 4, 1),
            date(first_year + 1, 3, 31),
            f"{first_year}/{(first_year + 1) % 100:02d}",
        )

    @classmethod
    def quarter(cls, first_year: int, q: int) -> ReportingPeriod:
        """Quarter ``q`` (1 = April to June) of the reporting year starting April ``first_year``."""
        if q not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1 to 4, got {q}")
        month = 4 + 3 * (q - 1)
        year = first_year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        end_month = month + 2
        end = date(year, end_month + 1, 1) if end_month < 12 else date(year + 1, 1, 1)
        return cls(
            date(year, month, 1),
            date.fromordinal(end.toordinal() - 1),
            f"{first_year}/{(first_year + 1) % 100:02d} Q{q}",
        )

    @classmethod
    def parse(cls, text: str) -> ReportingPeriod:
        """``2024`` (the year from April 2024) or ``2024-Q1``."""
        head, _, tail = text.partition("-")
        try:
            first = int(head)
            if not tail:
                return cls.year(first)
            if tail.upper().startswith("Q"):
                return cls.quarter(first, int(tail[1:]))
        except ValueError:
            pass
        raise ValueError(f"expected a reporting year like 2024 or a quarter like 2024-Q1: {text!r}")

    @classmethod
    def containing(cls, day: date) -> ReportingPeriod:
        return cls.year(day.year if day.month >= 4 else day.year - 1)

    def months(self) -> Iterator[str]:
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            yield f"{y:04d}-{m:02d}"
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)


@dataclass(frozen=True, slots=True)
class StageTimes:
    """What CH01/CH02 need of one stage of one case."""

    received: date
    responded: date | None
    on_time: bool | None  # by the deadline moved by valid extensions
    on_time_original: bool | None  # by the original deadline
    #: "in_time", "late", "overdue" or None (not acknowledged and not yet due)
    acknowledgement: str | None = None


@dataclass(frozen=True, slots=True)
class CaseTimes:
    stage1: StageTimes | None
    stage2: StageTimes | None
    withdrawn: bool = False


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(slots=True)
class TsmTally:
    """Monthly counts from which CH01 and CH02 are computed for any whole-month period.

    Keys are (measure, stage, "YYYY-MM"); measures: received, responded, on_time,
    on_time_original (by response month), received_responded, received_on_time,
    received_on_time_original (by receipt month) and ack_in_time, ack_late, ack_overdue.
    """

    counts: Counter[tuple[str, int, str]] = field(default_factory=Counter)
    withdrawn: Counter[tuple[str, int, str]] = field(default_factory=Counter)

    def add(self, times: CaseTimes) -> None:
        for n, st in ((1, times.stage1), (2, times.stage2)):
            if st is None:
                continue
            counts = self.counts
            received = _month(st.received)
            if times.withdrawn:
                self.withdrawn[("received", n, received)] += 1
            counts[("received", n, received)] += 1
            if st.acknowledgement is not None:
                counts[(f"ack_{st.acknowledgement}", n, received)] += 1
            if st.responded is not None:
                responded = _month(st.responded)
                counts[("responded", n, responded)] += 1
                counts[("received_responded", n, received)] += 1
                if st.on_time:
                    counts[("on_time", n, responded)] += 1
                    counts[("received_on_time", n, received)] += 1
                if st.on_time_original:
                    counts[("on_time_original", n, responded)] += 1
                    counts[("received_on_time_original", n, received)] += 1

    def merge(self, other: TsmTally) -> None:
        self.counts.update(other.counts)
        self.withdrawn.update(other.withdrawn)

    def total(self, measure: str, stage: int, period: ReportingPeriod) -> int:
        return sum(self.counts.get((measure, stage, m), 0) for m in period.months())

    def months(self) -> list[str]:
        return sorted({m for _, _, m in self.counts})

    def periods(self) -> list[ReportingPeriod]:
        """Every reporting year the tallies touch (by any month counted)."""
        years = set()
        for m in self.months():
            y, mm = int(m[:4]), int(m[5:])
            years.add(y if mm >= 4 else y - 1)
        return [ReportingPeriod.year(y) for y in sorted(years)]

    def report(
        self,
        period: ReportingPeriod,
        options: TsmOptions | None = None,
        organisation: Organisation | None = None,
    ) -> TsmReport:
        return TsmReport.from_tally(self, period, options or TsmOptions(), organisation)


def _ratio(numerator: int, denominator: int, scale: float = 100.0) -> float | None:
    if denominator <= 0:
        return None
    return round(numerator * scale / denominator, 2)


@dataclass(frozen=True, slots=True)
class TsmReport:
    """CH01 and CH02 for one period, with the counts behind each figure."""

    period: ReportingPeriod
    options: TsmOptions
    homes: int | None
    homes_source: str
    received: tuple[int, int]
    responded: tuple[int, int]
    on_time: tuple[int, int]
    acknowledged: dict[int, dict[str, int]]

    @classmethod
    def from_tally(
        cls,
        tally: TsmTally,
        period: ReportingPeriod,
        options: TsmOptions,
        organisation: Organisation | None,
    ) -> TsmReport:
        homes, source = _homes(options, organisation)
        by_received = options.denominator is TsmDenominator.RECEIVED
        original = options.extensions is TsmExtensions.ORIGINAL_DEADLINE
        on_time_key = ("received_" if by_received else "") + (
            "on_time_original" if original else "on_time"
        )
        responded_key = "received_responded" if by_received else "responded"
        received = []
        for n in (1, 2):
            count = tally.total("received", n, period)
            if not options.include_withdrawn:
                count -= sum(tally.withdrawn.get(("received", n, m), 0) for m in period.months())
            received.append(count)
        return cls(
            period=period,
            options=options,
            homes=homes,
            homes_source=source,
            received=(received[0], received[1]),
            responded=(
                tally.total(responded_key, 1, period),
                tally.total(responded_key, 2, period),
            ),
            on_time=(tally.total(on_time_key, 1, period), tally.total(on_time_key, 2, period)),
            acknowledged={
                n: {k: tally.total(f"ack_{k}", n, period) for k in ("in_time", "late", "overdue")}
                for n in (1, 2)
            },
        )

    @property
    def ch01(self) -> tuple[float | None, float | None]:
        """Stage 1 and stage 2 complaints received per 1,000 homes."""
        if not self.homes:
            return (None, None)
        return (
            _ratio(self.received[0], self.homes, 1000.0),
            _ratio(self.received[1], self.homes, 1000.0),
        )

    @property
    def ch02(self) -> tuple[float | None, float | None]:
        """Percentage of stage 1 and stage 2 responses within the Code's timescales."""
        return (
            _ratio(self.on_time[0], self.responded[0]),
            _ratio(self.on_time[1], self.responded[1]),
        )

    def acknowledgement_rate(self, stage: int) -> float | None:
        """Percentage of acknowledgements due that were made in time."""
        a = self.acknowledged[stage]
        return _ratio(a["in_time"], a["in_time"] + a["late"] + a["overdue"])

    def to_dict(self) -> dict[str, Any]:
        ch01, ch02 = self.ch01, self.ch02
        return {
            "period": {
                "label": self.period.label,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
            },
            "options": self.options.describe(),
            "homes": self.homes,
            "homes_source": self.homes_source,
            "CH01": {
                "stage1_per_1000_homes": ch01[0],
                "stage2_per_1000_homes": ch01[1],
                "stage1_received": self.received[0],
                "stage2_received": self.received[1],
            },
            "CH02": {
                "stage1_percent_within_timescale": ch02[0],
                "stage2_percent_within_timescale": ch02[1],
                "stage1_within_timescale": self.on_time[0],
                "stage1_responses": self.responded[0],
                "stage2_within_timescale": self.on_time[1],
                "stage2_responses": self.responded[1],
            },
            "acknowledgement": {
                f"stage{n}": {
                    **self.acknowledged[n],
                    "percent_in_time": self.acknowledgement_rate(n),
                }
                for n in (1, 2)
            },
        }


def _homes(options: TsmOptions, organisation: Organisation | None) -> tuple[int | None, str]:
    if options.homes is not None:
        return options.homes, "given (--homes)"
    stock: HousingStock | None = organisation.housing_stock if organisation else None
    if stock is None:
        return None, "no housing stock given: CH01 needs the organisation's housing_stock"
    value = getattr(stock, options.stock.value)
    if value is None:
        return None, f"housing_stock.{options.stock.value} is not given"
    return value, f"housing_stock.{options.stock.value} as at {stock.as_at.isoformat()}"


def case_times(case: Complaint, obligations: Iterable[Any]) -> CaseTimes:
    """CH01/CH02 facts of a case from its :func:`~complaintrules.due` obligations."""
    from ..engine.due import ObligationStatus

    by = {(o.stage, o.kind): o for o in obligations}
    stages: list[StageTimes | None] = []
    for n in (1, 2):
        stage = case.stage(n)
        received = case.received_on if n == 1 else (stage.requested_on if stage else None)
        if stage is None or received is None:
            stages.append(None)
            continue
        respond = by.get((n, "respond"))
        ack = by.get((n, "acknowledge"))
        responded = stage.response.issued_on if stage.response else None
        on_time = on_time_original = None
        if respond is not None and responded is not None:
            on_time = responded <= respond.due_by
            on_time_original = responded <= respond.original_due
        ack_status = None
        if ack is not None:
            ack_status = {
                ObligationStatus.DONE_ON_TIME: "in_time",
                ObligationStatus.DONE_LATE: "late",
                ObligationStatus.OVERDUE: "overdue",
            }.get(ack.status)
        stages.append(StageTimes(received, responded, on_time, on_time_original, ack_status))
    return CaseTimes(stages[0], stages[1], withdrawn=case.withdrawn_on is not None)
