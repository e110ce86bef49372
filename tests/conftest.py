"""Shared test settings: no test depends on the real clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from complaintrules.calendar import clock as _clock

#: The instant every test runs at unless it sets its own (the library's "today" is the UK
#: date of this instant): a fixed day, so results do not change with the date tests run.
FIXED_NOW = datetime(2025, 6, 30, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(_clock, "now", lambda: FIXED_NOW)
    yield
