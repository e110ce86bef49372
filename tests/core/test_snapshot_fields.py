"""Every dated field of a case is known to the snapshot (issue 12 item 1, kept in step).

The snapshot (:meth:`Complaint.as_of`) leaves out each dated event after the as-of date.
A new dated field added to the case models must be handled there too, or a snapshot would
silently judge with an event that had not happened yet. This test reads the models' fields
(pydantic's public ``model_fields``), fills every one of them with its own date after the
as-of date, and checks that the snapshot names every such event as ignored, apart from the
dates listed below that are not events.
"""

from __future__ import annotations

import itertools
import re
import types
import typing
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from enum import Enum
from typing import Any

import pytest
from pydantic import BaseModel

from complaintrules import Complaint
from complaintrules.model.case import CaseSnapshot

#: Dated fields that are not events after receipt, so a snapshot keeps them.
NOT_EVENTS = {
    "received_on": "the receipt itself: a case received after the date is not judged at all",
    "issue_occurred_on": "background: when the matter complained of happened",
    "became_aware_on": "background: when the resident became aware of it",
    "stages[].extensions[].new_due": "a promised date, not something that happened",
    "stages[].actions[].due": "a promised date",
    "stages[].remedies[].due": "a promised date",
    "contact_restrictions[].review_due": "a planned review date",
    "resident.reasonable_adjustments[].review_due": "a planned review date",
}

RECEIVED = date(2020, 1, 1)


def _unwrap(kind: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(kind)[0])
    if origin in (typing.Union, types.UnionType):
        given = [a for a in typing.get_args(kind) if a is not type(None)]
        return _unwrap(given[0]) if len(given) == 1 else kind
    return kind


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _date_paths(model: type[BaseModel], where: str = "") -> Iterator[str]:
    for name, info in model.model_fields.items():
        kind, path = _unwrap(info.annotation), f"{where}{name}"
        if typing.get_origin(kind) is list:
            inner = _unwrap(typing.get_args(kind)[0])
            if inner is date:
                yield f"{path}[]"
            elif _is_model(inner):
                yield from _date_paths(inner, f"{path}[].")
        elif kind is date:
            yield path
        elif _is_model(kind):
            yield from _date_paths(kind, f"{path}.")


def _filled(model: type[BaseModel], days: Callable[[str], date], where: str = "") -> BaseModel:
    """An instance with every field given (dates each their own), built without validation:
    only the snapshot's reading of the fields is under test here."""
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        kind, path = _unwrap(info.annotation), f"{where}{name}"
        if typing.get_origin(kind) is list:
            inner = _unwrap(typing.get_args(kind)[0])
            if inner is date:
                values[name] = [days(f"{path}[]")]
            elif _is_model(inner):
                values[name] = [_filled(inner, days, f"{path}[].")]
            elif not info.is_required():
                values[name] = info.get_default(call_default_factory=True)
        elif path == "received_on":
            values[name] = RECEIVED
        elif kind is date:
            values[name] = days(path)
        elif _is_model(kind):
            values[name] = _filled(kind, days, f"{path}.")
        elif isinstance(kind, type) and issubclass(kind, Enum):
            values[name] = next(iter(kind))
        elif kind is str:
            values[name] = name
        elif kind is bool:
            values[name] = True
        elif kind is int:
            values[name] = 1
        elif not info.is_required():
            values[name] = info.get_default(call_default_factory=True)
        else:
            raise AssertionError(f"{path}: teach this test to fill a {kind!r}")
    return model.model_construct(**values)


def _later_days() -> Callable[[str], date]:
    count = itertools.count(1)
    return lambda path: RECEIVED + timedelta(days=next(count))


EVENTS = sorted(set(_date_paths(Complaint)) - set(NOT_EVENTS))


def _named(snapshot: CaseSnapshot) -> set[str]:
    dated = (re.fullmatch(r"(.+) \(\d{4}-\d\d-\d\d\)", entry) for entry in snapshot.ignored)
    return {re.sub(r"\[\d+\]", "[]", m.group(1)) for m in dated if m}


def test_the_models_still_have_dated_fields_to_check() -> None:
    paths = set(_date_paths(Complaint))
    assert "stages[].response.issued_on" in paths and "closed_on" in paths
    assert set(NOT_EVENTS) <= paths, set(NOT_EVENTS) - paths  # the list is not stale


def test_every_dated_event_after_the_date_is_left_out_and_named() -> None:
    case = _filled(Complaint, _later_days())
    assert isinstance(case, Complaint)
    named, events = _named(case.as_of(RECEIVED)), set(EVENTS)
    assert named == events, {"not handled": events - named, "unexpected": named - events}


@pytest.mark.parametrize("event", EVENTS)
def test_one_event_after_the_date_is_enough_to_be_left_out(event: str) -> None:
    """Everything else on the receipt day: the snapshot's quick "nothing after the date"
    test must see this one event too."""
    case = _filled(Complaint, lambda path: date(2020, 2, 1) if path == event else RECEIVED)
    assert isinstance(case, Complaint)
    assert event in _named(case.as_of(RECEIVED))
