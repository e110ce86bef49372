"""Every primitive of the expression language gives the same value in both backends on
drawn cases: missing values, empty lists and lists holding nulls, dates at bank holidays
(the working-day builders), with and without an as-of date. Each primitive is a fact of
one check, so the one-case backend (the generated function) and the table's are compared
through the findings they build."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from complaintrules import Complaint, Engine, Verdict
from complaintrules.authoring import as_of, case_field, item, lit, stage, stages, text, when
from complaintrules.models import Refusal, Remedy
from core.expression_helpers import judged_both_ways, rule_of
from properties.strategies import bounded, complaint

ENGINE = Engine()

_RECEIVED = case_field("received_on")
_CLOSED = case_field("closed_on")
_S1 = stage(1)
_S2 = stage(2)
_ISSUED1 = _S1.field("response.issued_on")
_LOGGED = stages().map(item("logged_on"))
_REMEDIES = stages().flat("remedies")
_AMOUNTS = _REMEDIES.map(item("item.amount"))
_LIMIT = lit(20)

#: name -> expression: each primitive over values that may be missing, lists that may be
#: empty or hold nulls, dates that may fall on a bank holiday or weekend
PRIMITIVES: dict[str, Any] = {
    "eq": _ISSUED1.eq(_CLOSED),
    "lt": _ISSUED1.lt(_S2.field("requested_on")),
    "null": _ISSUED1.is_null(),
    "present": _S1.field("handler").present(),
    "true": _S2.field("escalation_reasons_demanded").is_true(),
    "kleene": _ISSUED1.lt(_CLOSED) & _S2.reached() | ~_CLOSED.not_null(),
    "or_else": _CLOSED.or_else(case_field("withdrawn_on")),
    "greatest": _RECEIVED.greatest(_ISSUED1, _CLOSED),
    "months_after": _ISSUED1.months_after(1),
    "iso": _ISSUED1.iso(),
    "casefold": _S1.field("handler").casefold(),
    "among": _S2.field("handler").among(stages().map(item("handler"))),
    "add_wd": _ISSUED1.add_working_days(_LIMIT),
    "add_wd_received": _RECEIVED.add_working_days(5),
    "wd_to": _RECEIVED.working_days_to(_ISSUED1),
    "wd_to_asof": _RECEIVED.working_days_to(as_of()),
    "skipped": _RECEIVED.days_skipped_to(_ISSUED1),
    "clock_start": _RECEIVED.clock_start(case_field("received_at")),
    "clock_note": _RECEIVED.clock_note(case_field("received_at")),
    "text": text("on {d}", d=_ISSUED1.iso()),
    "choose": _ISSUED1.not_null().choose("answered", "open"),
    "formatted": _REMEDIES.sum(item("item.amount")).formatted(".2f"),
    "as_of_lt": _ISSUED1.lt(as_of()),
    # lists: empty, missing (a stage not reached), holding nulls
    "map": _LOGGED,
    "max": _LOGGED.max(),
    "min": _LOGGED.min(),
    "length": _S2.field("remedies").length(),
    "count": _LOGGED.count(item().not_null()),
    "any_null": _LOGGED.any(item().is_null()),
    "all": _LOGGED.all(item().lt(_CLOSED)),
    "contains": _LOGGED.contains(_RECEIVED),
    "distinct": _LOGGED.distinct(),
    "filter": _LOGGED.filter(item().not_null()),
    "sum": _REMEDIES.sum(item("item.amount"), where=item("item.kind").eq("financial")),
    "amounts": _AMOUNTS,
    "each": _REMEDIES.each("{k}:{a}", k=item("item.kind"), a=item("item.amount")),
    "each_of": stages().each_of(
        (item("logged_on").is_null(), "stage {n} not logged"),
        (item("response").is_null(), "stage {n} open"),
        n=item("number"),
    ),
    "max_upto": _LOGGED.max_upto(_ISSUED1),
    "dump": _S1.field("response").dump(exclude_none=True),
    "dumps": case_field("refusals").map(item().dump(exclude_none=True)),
    "responses": stages().map(item("response")).map(item("outcome")),
    "wd_items": stages().map(item("logged_on").working_days_to(item("response.issued_on"))),
    "response_dumps": stages().map(item("response")).map(item().dump(exclude_none=True)),
    "remedy_dumps": _REMEDIES.map(item("item").dump()),
    "each_limit": _REMEDIES.each(
        "{i}", where=item("item.amount").not_null(), limit=1, i=item("index")
    ),
    "gap": _RECEIVED.widest_gap(_LOGGED, _CLOSED.or_else(as_of())).get("days"),
    "fields_that": _S1.field("response.contents").fields_that(lit(["decision", "reasons"]), "null"),
    "upto_as_of": _LOGGED.max_upto(as_of()),
    "kinds": _REMEDIES.map(item("item.kind")).distinct(),
}


RULE = rule_of(
    when(lit(False), Verdict.PASS, "never").otherwise(Verdict.PASS, "ok", facts=PRIMITIVES)
)


@st.composite
def _drawn(draw: st.DrawFn) -> Complaint:
    """A drawn case with missing facts, remedies (amounts missing or not) and refusals."""
    case: Complaint = draw(complaint())
    stages_ = []
    for s in case.stages:
        update: dict[str, Any] = {}
        if draw(st.booleans()):
            update["logged_on"] = None
        if draw(st.booleans()):
            update["handler"] = draw(st.sampled_from(["A. Smith", "a  SMITH", "Straße"]))
        update["remedies"] = [
            Remedy(
                kind=draw(st.sampled_from(["apology", "financial"])),
                amount=draw(st.sampled_from([None, "50", "12.5"])),
            )
            for _ in range(draw(st.integers(0, 2)))
        ]
        stages_.append(s.model_copy(update=update))
    refusals = [
        Refusal(on=case.received_on, stage=1, ground="other")
        for _ in range(draw(st.integers(0, 1)))
    ]
    closed = draw(st.none() | st.integers(0, 90).map(lambda k: case.received_on + timedelta(k)))
    return case.model_copy(update={"stages": stages_, "refusals": refusals, "closed_on": closed})


def _agree(cases: list[Complaint], as_of_day: date | None) -> None:
    pack = ENGINE.pack("code_2024")
    for case, verdict, found, single, _ in judged_both_ways(
        RULE, cases, engine=ENGINE, pack=pack, as_of=as_of_day
    ):
        assert verdict is single.verdict, case.reference
        got = found.evidence.facts
        for name in PRIMITIVES:
            assert got[name] == single.facts[name], (name, case.reference)


@bounded(60)
@given(st.lists(_drawn(), min_size=1, max_size=6), st.none() | st.integers(0, 150))
def test_every_primitive_agrees_in_both_backends(cases: list[Complaint], days: int | None) -> None:
    cases = [c.model_copy(update={"reference": f"P-{i}"}) for i, c in enumerate(cases)]
    as_of_day = None if days is None else min(c.received_on for c in cases) + timedelta(days)
    _agree(cases, as_of_day)
