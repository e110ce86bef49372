"""Working-day arithmetic: both sides of weekends, Easter, Christmas, New Year substitute
days and the one-off bank holidays of 2022 and 2023."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintrules import (
    CalendarRangeError,
    Conventions,
    NonWorkingDayReceipt,
    WorkingCalendar,
)

CAL = WorkingCalendar()


def naive_add(day: date, n: int) -> date:
    """Day-by-day reference implementation."""
    while n:
        day += timedelta(days=1)
        if CAL.is_working_day(day):
            n -= 1
    return day


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 5, 10), date(2024, 5, 13)),  # Friday -> Monday
        (date(2024, 5, 11), date(2024, 5, 13)),  # Saturday -> Monday: Saturday never counts
        (date(2024, 5, 12), date(2024, 5, 13)),  # Sunday -> Monday
        (date(2024, 3, 28), date(2024, 4, 2)),  # Good Friday and Easter Monday 2024
        (date(2023, 4, 6), date(2023, 4, 11)),  # Easter 2023
        (date(2022, 12, 23), date(2022, 12, 28)),  # Boxing Day + Christmas substitute (27th)
        (date(2021, 12, 24), date(2021, 12, 29)),  # 2021: both Christmas days substituted
        (date(2022, 12, 30), date(2023, 1, 3)),  # New Year 2023 substitute Monday 2 Jan
        (date(2021, 12, 31), date(2022, 1, 4)),  # New Year 2022 substitute Monday 3 Jan
        (date(2022, 6, 1), date(2022, 6, 6)),  # Spring bank holiday moved + Platinum Jubilee
        (date(2022, 9, 16), date(2022, 9, 20)),  # State funeral, Monday 19 Sept 2022
        (date(2023, 5, 5), date(2023, 5, 9)),  # Coronation, Monday 8 May 2023
    ],
)
def test_next_working_day_skips_weekends_and_holidays(day: date, expected: date) -> None:
    assert CAL.add_working_days(day, 1) == expected


@pytest.mark.parametrize(
    "holiday",
    [
        date(2022, 6, 2),
        date(2022, 6, 3),
        date(2022, 9, 19),
        date(2023, 5, 8),
        date(2024, 3, 29),
        date(2024, 4, 1),
        date(2022, 12, 27),
        date(2023, 1, 2),
        date(2024, 12, 25),
        date(2024, 12, 26),
    ],
)
def test_bank_holidays_are_not_working_days(holiday: date) -> None:
    assert not CAL.is_working_day(holiday)
    assert (CAL.non_working_reason(holiday) or "").startswith("bank holiday")


@pytest.mark.parametrize(
    "day", [date(2022, 6, 1), date(2022, 9, 20), date(2023, 5, 9), date(2024, 12, 27)]
)
def test_days_beside_holidays_are_working_days(day: date) -> None:
    assert CAL.is_working_day(day)


def test_five_working_days_across_christmas_2024() -> None:
    # Fri 20 Dec: Mon 23, Tue 24, (25, 26 holidays), Fri 27, Mon 30, Tue 31.
    assert CAL.add_working_days(date(2024, 12, 20), 5) == date(2024, 12, 31)
    assert CAL.working_days_between(date(2024, 12, 20), date(2024, 12, 31)) == 5
    assert CAL.working_days_between(date(2024, 12, 20), date(2024, 12, 30)) == 4


def test_counting_excludes_start_and_includes_end() -> None:
    monday, tuesday = date(2024, 5, 13), date(2024, 5, 14)
    assert CAL.working_days_between(monday, monday) == 0
    assert CAL.working_days_between(monday, tuesday) == 1
    assert CAL.working_days_between(tuesday, monday) == -1
    # A weekend end adds nothing: Friday to Sunday is 0 working days.
    assert CAL.working_days_between(date(2024, 5, 10), date(2024, 5, 12)) == 0


def test_closure_days_are_skipped() -> None:
    shutdown = WorkingCalendar(closures=[date(2024, 12, 27), date(2024, 12, 30)])
    assert shutdown.add_working_days(date(2024, 12, 20), 5) == date(2025, 1, 3)
    assert shutdown.non_working_reason(date(2024, 12, 27)) == "landlord closure day"
    assert "closure" in shutdown.describe()


def test_days_skipped_lists_weekday_holidays_only() -> None:
    skipped = CAL.days_skipped(date(2024, 12, 20), date(2024, 12, 31))
    assert [d for d, _ in skipped] == [date(2024, 12, 25), date(2024, 12, 26)]


def test_outside_the_calendar_years_is_a_clear_error() -> None:
    with pytest.raises(CalendarRangeError, match="2036-01-02 is outside"):
        CAL.is_working_day(date(2036, 1, 2))
    with pytest.raises(CalendarRangeError, match="falls beyond 2035"):
        CAL.add_working_days(date(2035, 12, 30), 10)
    wider = WorkingCalendar(years=(2030, 2040))
    assert wider.is_working_day(date(2036, 1, 2))


def test_n_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        CAL.add_working_days(date(2024, 5, 1), 0)


def test_bulk_matches_single() -> None:
    days = [date(2024, 5, 1) + timedelta(days=i) for i in range(40)]
    assert CAL.add_working_days_many(days, 10) == [CAL.add_working_days(d, 10) for d in days]


@given(
    day=st.dates(min_value=date(2016, 1, 1), max_value=date(2033, 12, 31)),
    n=st.integers(min_value=1, max_value=60),
)
def test_index_agrees_with_day_by_day_walk(day: date, n: int) -> None:
    result = CAL.add_working_days(day, n)
    assert result == naive_add(day, n)
    assert CAL.is_working_day(result)
    assert CAL.working_days_between(day, result) == n
    assert CAL.working_days_between(day, result - timedelta(days=1)) == n - 1


class TestReceiptConventions:
    saturday = date(2024, 5, 11)

    def test_default_counts_from_the_day_it_arrived(self) -> None:
        day, note = Conventions().effective_receipt(CAL, self.saturday)
        assert day == self.saturday
        assert CAL.add_working_days(day, 5) == date(2024, 5, 17)
        assert "non-working day" in note

    def test_next_working_day_option_moves_day_zero(self) -> None:
        conventions = Conventions(non_working_day_receipt=NonWorkingDayReceipt.NEXT_WORKING_DAY)
        day, _ = conventions.effective_receipt(CAL, self.saturday)
        assert day == date(2024, 5, 13)
        assert CAL.add_working_days(day, 5) == date(2024, 5, 20)

    def test_cutoff_time(self) -> None:
        conventions = Conventions(cutoff=time(17, 0))
        friday = date(2024, 5, 10)
        assert conventions.effective_receipt(CAL, friday, time(16, 59))[0] == friday
        moved, note = conventions.effective_receipt(CAL, friday, time(17, 0))
        assert moved == date(2024, 5, 13)
        assert "cut-off" in note
        # Without a time recorded, the cut-off cannot apply.
        assert conventions.effective_receipt(CAL, friday)[0] == friday


def test_vectorised_add_rejects_non_positive_counts() -> None:
    np = pytest.importorskip("numpy")
    day = np.array([date(2024, 5, 1).toordinal()])
    with pytest.raises(ValueError, match="positive"):
        CAL.add_working_days_array(day, 0)
    with pytest.raises(ValueError, match="positive"):
        CAL.add_working_days_array(np.repeat(day, 2), np.array([5, -1]))
    (result,) = CAL.add_working_days_array(day, 5)
    assert date.fromordinal(int(result)) == date(2024, 5, 9)
