"""Shared pieces of the input models."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

__all__ = ["Channel", "Date", "InputModel"]


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
    return value


#: The type of every date field of the input models: a calendar date (YYYY-MM-DD, a date
#: object, or a date and time at midnight without an offset), never a number or a moment
#: in another time zone (see :func:`_calendar_date`).
Date = Annotated[date, BeforeValidator(_calendar_date)]


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
