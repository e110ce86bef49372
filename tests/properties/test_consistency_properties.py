"""The one list of date orderings (complaintrules.model.consistency) read three ways agrees:
the model's cheap test, the model's messages, and the check over a case table; and the
messages read off that list are, word for word and in order, the ones the model wrote by
hand before (they reach the rejected-row output and the behaviour guard)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from complaintrules.model.case import (
    Acknowledgement,
    Complaint,
    Extension,
    Refusal,
    RefusalGround,
    Response,
    Stage,
)
from complaintrules.model.columns import case_table
from complaintrules.model.consistency import consistent, consistent_rows

from .strategies import bounded

BASE = date(2024, 6, 3)


def _day() -> st.SearchStrategy[date | None]:
    """A date a few days either side of the receipt (BASE), or none."""
    return st.one_of(st.none(), st.integers(-6, 30).map(lambda k: BASE + timedelta(days=k)))


@st.composite
def _stage(draw: st.DrawFn, number: int) -> Stage:
    ack = draw(_day())
    issued = draw(_day())
    extensions = []
    for _ in range(draw(st.integers(0, 2))):
        notified, due = draw(_day()), draw(_day())
        if notified is not None and due is not None:
            extensions.append(Extension(notified_on=notified, new_due=due))
    return Stage(
        number=number,
        requested_on=draw(_day()),
        logged_on=draw(_day()),
        acknowledged=Acknowledgement(on=ack) if ack else None,
        extensions=extensions,
        response=Response(issued_on=issued) if issued else None,
    )


@st.composite
def messy_case(draw: st.DrawFn, ordered: bool) -> Complaint:
    """A case whose dates may break any ordering, built without the model's consistency
    check (``model_construct``, a public pydantic API) so it can be judged by each reader."""
    if ordered:
        numbers = draw(st.sampled_from([[1], [1, 2], [2], [0, 1], [1, 3], [1, 2, 3]]))
    else:
        numbers = draw(st.sampled_from([[2, 1], [1, 1], [2, 2], [3, 1, 2], [1, 3, 2], [2, 1, 2]]))
    refusals = []
    for _ in range(draw(st.integers(0, 2))):
        on = draw(_day())
        if on is not None:
            refusals.append(Refusal(on=on, ground=RefusalGround.OTHER))
    fields: dict[str, Any] = {
        "reference": "R1",
        "received_on": BASE,
        "issue_occurred_on": draw(_day()),
        "became_aware_on": draw(_day()),
        "withdrawn_on": draw(_day()),
        "closed_on": draw(_day()),
        "stages": [draw(_stage(n)) for n in numbers],
        "refusals": refusals,
    }
    return Complaint.model_construct(**fields)


@bounded(300)
@given(messy_case(ordered=True))
def test_the_model_and_the_case_table_read_the_one_ordering_list_alike(case: Complaint) -> None:
    verdict = consistent(case)
    assert verdict is case._consistent()
    assert verdict is not any(case._inconsistencies())
    assert bool(consistent_rows(case_table([case]))[0]) is verdict


@bounded(60)
@given(st.lists(messy_case(ordered=True), min_size=2, max_size=12))
def test_a_case_table_of_many_rows_is_judged_row_by_row_alike(cases: list[Complaint]) -> None:
    # rows with and without each date side by side: each row's verdict is its own case's
    verdicts = consistent_rows(case_table(cases))
    assert [bool(v) for v in verdicts] == [consistent(case) for case in cases]


@bounded(50)
@given(messy_case(ordered=False))
def test_stages_out_of_order_or_repeated_are_never_consistent(case: Complaint) -> None:
    assert not consistent(case)
    assert any(case._inconsistencies())


def _dated_facts_as_once_written(case: Complaint) -> Iterator[tuple[str, date]]:
    """``Complaint.dated_facts`` as it was written by hand, frozen with the oracle below."""
    for i, stage in enumerate(case.stages):
        where = f"stages[{i}]"
        if stage.requested_on:
            yield f"{where}.requested_on", stage.requested_on
        if stage.logged_on:
            yield f"{where}.logged_on", stage.logged_on
        if stage.acknowledged:
            yield f"{where}.acknowledged.on", stage.acknowledged.on
        for j, ext in enumerate(stage.extensions):
            yield f"{where}.extensions[{j}].notified_on", ext.notified_on
        if stage.response:
            yield f"{where}.response.issued_on", stage.response.issued_on
    for i, refusal in enumerate(case.refusals):
        yield f"refusals[{i}].on", refusal.on
    if case.withdrawn_on:
        yield "withdrawn_on", case.withdrawn_on
    if case.closed_on:
        yield "closed_on", case.closed_on


def _messages_as_once_written(case: Complaint) -> Iterator[str]:
    """The oracle: ``Complaint._inconsistencies`` as it was written by hand before its
    messages were read off ``DATE_ORDER``, frozen here (and only here) to hold the
    generated messages to the same words in the same order."""
    received = case.received_on
    for name in ("issue_occurred_on", "became_aware_on"):
        value = getattr(case, name)
        if value is not None and value > received:
            yield f"{name} ({value}) is after received_on ({received})"
    numbers = [s.number for s in case.stages]
    if len(set(numbers)) != len(numbers):
        yield f"stages: stage numbers repeat ({numbers})"
    elif numbers != sorted(numbers):
        yield f"stages: stages must be in order ({numbers})"
    for path, value in _dated_facts_as_once_written(case):
        if value < received:
            yield f"{path} ({value}) is before received_on ({received})"
    for i, stage in enumerate(case.stages):
        where = f"stages[{i}]"
        start = received
        first = case.stages[i - 1] if i and stage.number == 2 else None
        if stage.number >= 2:
            if stage.requested_on is None:
                yield (
                    f"{where}.requested_on: stage {stage.number} needs the date "
                    "escalation to it was requested"
                )
            else:
                start = stage.requested_on
                if (
                    first is not None
                    and first.number == 1
                    and first.response is not None
                    and stage.requested_on < first.response.issued_on
                ):
                    yield (
                        f"{where}.requested_on ({stage.requested_on}) is before the stage 1 "
                        f"response it escalates from ({first.response.issued_on})"
                    )
        for label, value in (
            ("acknowledged.on", stage.acknowledged.on if stage.acknowledged else None),
            ("response.issued_on", stage.response.issued_on if stage.response else None),
            ("logged_on", stage.logged_on),
        ):
            if value is not None and value < start:
                yield f"{where}.{label} ({value}) is before the stage started ({start})"
        for j, ext in enumerate(stage.extensions):
            if ext.new_due < ext.notified_on:
                yield (
                    f"{where}.extensions[{j}].new_due ({ext.new_due}) is before "
                    f"its notified_on ({ext.notified_on})"
                )


@bounded(400)
@given(st.booleans().flatmap(lambda ordered: messy_case(ordered=ordered)))
def test_the_messages_read_off_the_ordering_list_are_the_ones_once_written_by_hand(
    case: Complaint,
) -> None:
    assert list(case._inconsistencies()) == list(_messages_as_once_written(case))
    assert list(case.dated_facts()) == list(_dated_facts_as_once_written(case))
