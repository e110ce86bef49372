"""Shared pieces of the input models."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

__all__ = ["UK_TIME_ZONE", "Channel", "Date", "InputModel", "uk_received_at", "uk_wall_clock"]

#: The time zone a naive time in the models is in, and aware times are converted to.
UK_TIME_ZONE = "Europe/London"


class InputModel(BaseModel):
    """Base of every input model: unknown keys are errors, so a typo fails loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _calendar_date(value: Any) -> Any:
    """Refuse, before pydantic reads a date, what its lax mode would silently convert.

    pydantic reads a number (or a string of digits) as a Unix timestamp, and a date and
    time at midnight with a UTC offset as the date it names in that offset's zone. A date
    in these models is a calendar date in the UK: neither is one.
    """
    kind = type(value)
    if kind is date or (kind is str and len(value) == 10 and value[4] == "-"):
        return value  # the usual date or YYYY-MM-DD text, quickly (checked for every date)
    if isinstance(value, bool | int | float | Decimal) or (
        isinstance(value, str) and _NUMBER.fullmatch(value.strip())
    ):
        raise PydanticCustomError(
            "date_not_number",
            "expected a date as YYYY-MM-DD, not a number (numbers are not read as dates, "
            "not even as Unix timestamps)",
        )
    moment = value
    if isinstance(value, str) and len(value.strip()) > 10:
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return value  # pydantic names what is wrong with it
    if isinstance(moment, datetime) and moment.utcoffset() is not None:
        raise PydanticCustomError(
            "date_with_offset",
            "expected a date as YYYY-MM-DD, got a date and time with a UTC offset; give "
            "the date it was in the UK",
        )
    if isinstance(value, str) and len(value.strip()) <= 10:
        try:
            date.fromisoformat(value.strip())
        except ValueError:  # such as 21/03/2024: no ISO date at all
            raise PydanticCustomError("date_format", "expected a date as YYYY-MM-DD") from None
    return value


#: The type of every date field of the input models: a calendar date (YYYY-MM-DD, a date
#: object, or a date and time at midnight without an offset), never a number or a moment
#: in another time zone (see :func:`_calendar_date`).
Date = Annotated[date, BeforeValidator(_calendar_date)]


def uk_wall_clock(on: date, at: time) -> tuple[date, time]:
    """The UK date and time (naive) of time ``at`` on day ``on``.

    A time without a zone is UK time already and comes back as it is. A time with one (a
    UTC offset, ``16:30Z``) is the moment ``at`` on ``on`` in its own zone, as the UK's
    clocks showed it: 16:30Z on a summer day is 17:30 (BST), on a winter day 16:30 (GMT).
    """
    if at.tzinfo is None:
        return on, at
    moment = datetime.combine(on, at).astimezone(ZoneInfo(UK_TIME_ZONE))
    return moment.date(), moment.time()


def uk_received_at(on: Any, at: time | None) -> time | None:
    """``at`` on receipt day ``on`` as UK time, refusing a time that is another UK day.

    Shared by the case model (``received_at``) and the ``received`` event (``at``), so a
    cut-off time compares UK clock times whichever way a case arrived.
    """
    if at is None or at.tzinfo is None or not isinstance(on, date):
        return at  # naive: UK time already (or the date failed, and says so itself)
    local_on, local_at = uk_wall_clock(on, at)
    if local_on != on:
        raise PydanticCustomError(
            "received_at_other_uk_day",
            "{at} on {on} was {local} in the UK, another day: give the date and time of "
            "receipt as they were in the UK",
            {
                "at": at.isoformat(),
                "on": on.isoformat(),
                "local": f"{local_at.isoformat('minutes')} on {local_on.isoformat()}",
            },
        )
    return local_at


class Channel(StrEnum):
    """How a complaint reached the landlord."""

    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    WEB_FORM = "web_form"
    IN_PERSON = "in_person"
    SOCIAL_MEDIA = "social_media"
    APP = "app"
    OTHER = "other"
