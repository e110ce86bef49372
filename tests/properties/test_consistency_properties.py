"""The one list of date orderings (complaintrules.model.consistency) read three ways agrees:
the model's cheap test, the model's messages, and the check over a case table."""

from __future__ import annotations

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
        numbers = draw(st.sampled_from([[2, 1], [1, 1], [2, 2], [3, 1, 2]]))
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


@bounded(50)
@given(messy_case(ordered=False))
def test_stages_out_of_order_or_repeated_are_never_consistent(case: Complaint) -> None:
    assert not consistent(case)
    assert any(case._inconsistencies())
