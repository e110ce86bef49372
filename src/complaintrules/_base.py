"""Shared pieces of the input models."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class InputModel(BaseModel):
    """Base of every input model: unknown keys are errors, so a typo fails loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


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
