"""The case table: a batch of cases held as Arrow columns, for rules written as expressions.

Layout (:data:`CASE_SCHEMA`, version :data:`CASE_TABLE_VERSION`): one row per case; the
case's own facts as top-level columns named as on :class:`~complaintrules.Complaint`; and
**one struct column per stage number the model allows** (``stage0`` ... ``stage9``), null
where the case did not reach that stage, each struct laid out as
:class:`~complaintrules.models.Stage` (``acknowledged`` and ``response`` nested structs,
``extensions``, ``actions``, ``remedies``, ``issues_raised`` and ``updates_sent`` lists).
Refusals, contact restrictions and the resident's facts are a list of structs and a struct.

Why a column per stage number and not a list of stages: a rule names the stage it judges
("the stage 2 handler"), so with a column per number the path an expression reads in
Arrow (``stage2`` -> ``handler``) is the path it reads on the model (``case.stage(2)`` ->
``handler``), and reading a stage is one struct-field lookup rather than a search of a list
per row. The cost of the stages few cases reach is a validity bit per row. Every column
path is the model's attribute path, so one expression addresses both.

The table holds every field of the model (a test checks it), with these types: dates
``date32``, ``received_at`` ``time64[us]``, yes/no ``bool``, enums (channel, outcome,
remedy kind, refusal ground) their value as ``string``, a remedy's ``amount`` its decimal
text (exact), ``stage_numbers`` the case's stage numbers in order.

:func:`case_table` builds the table from :class:`Complaint` objects;
:func:`complaintrules.io.flat.from_targets` from the flat table a columnar reader makes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .facts import STAGE_NUMBERS, CaseFact

if TYPE_CHECKING:
    from .case import Complaint

__all__ = [
    "CASE_SCHEMA",
    "CASE_TABLE_VERSION",
    "STAGE_NUMBERS",
    "STAGE_TYPE",
    "case_facts_column",
    "case_table",
    "complaints",
    "one_array",
    "stage_column",
]

#: Bumped whenever :data:`CASE_SCHEMA` changes shape.
CASE_TABLE_VERSION = 3


_DATE = pa.date32()
_STR = pa.string()
_BOOL = pa.bool_()
_DATES = pa.list_(_DATE)


def _struct(**fields: pa.DataType) -> pa.StructType:
    return pa.struct(list(fields.items()))


_DEFINITION = _struct(
    understanding=_STR,
    outcomes_sought=_STR,
    responsible_for=_STR,
    not_responsible_for=_STR,
    responsibility_stated=_BOOL,
    clarification_requested_on=_DATE,
)
_EXTENSION = _struct(
    notified_on=_DATE,
    new_due=_DATE,
    reason=_STR,
    ombudsman_details_given=_BOOL,
    good_reason=_STR,
    agreed_with_resident=_BOOL,
)
_CONTENTS = _struct(
    stage=_BOOL,
    complaint_definition=_BOOL,
    decision=_BOOL,
    reasons=_BOOL,
    remedy=_BOOL,
    outstanding_actions=_BOOL,
    escalation_route=_BOOL,
)
_RESPONSE = _struct(
    issued_on=_DATE,
    contents=_CONTENTS,
    outcome=_STR,
    all_points_addressed=_BOOL,
    impact=_STR,
    contributors=pa.list_(_STR),
    signed_off_by=_STR,
    names_staff=_BOOL,
)
_ACTION = _struct(description=_STR, due=_DATE, completed_on=_DATE, updates=_DATES)
_REMEDY = _struct(
    kind=_STR,
    description=_STR,
    amount=_STR,
    currency=_STR,
    offered_on=_DATE,
    due=_DATE,
    completed_on=_DATE,
    agreed_with_resident=_BOOL,
)
_ISSUE = _struct(raised_on=_DATE, description=_STR, related=_BOOL, handled=_STR, new_reference=_STR)

#: One stage of a case, laid out as :class:`~complaintrules.models.Stage`.
STAGE_TYPE = _struct(
    number=pa.int8(),
    requested_on=_DATE,
    logged_on=_DATE,
    acknowledged=_struct(on=_DATE, definition=_DEFINITION),
    handler=_STR,
    handler_organisation=_STR,
    handler_assigned_on=_DATE,
    extensions=pa.list_(_EXTENSION),
    response=_RESPONSE,
    actions=pa.list_(_ACTION),
    remedies=pa.list_(_REMEDY),
    issues_raised=pa.list_(_ISSUE),
    escalation_reasons_demanded=_BOOL,
    update_interval_agreed=_BOOL,
    update_interval_working_days=pa.int32(),
    updates_sent=_DATES,
)
_REFUSAL = _struct(
    on=_DATE,
    stage=pa.int8(),
    ground=_STR,
    detail=_STR,
    explanation_given=_BOOL,
    ombudsman_right_given=_BOOL,
    discretion_considered=_BOOL,
    claim_filed_on=_DATE,
    previous_reference=_STR,
)
_RESTRICTION = _struct(
    imposed_on=_DATE,
    reason=_STR,
    reviews=_DATES,
    review_due=_DATE,
    equality_act_considered=_BOOL,
    ended_on=_DATE,
)
_RESIDENT = _struct(
    representative=_struct(name=_STR, relationship=_STR, authority_on_file=_BOOL),
    vulnerabilities=pa.list_(_STR),
    disclosed_disability=_BOOL,
    reasonable_adjustments=pa.list_(
        _struct(description=_STR, agreed_on=_DATE, reviews=_DATES, review_due=_DATE)
    ),
)


def one_array(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """A table's column as one array: its only chunk as it is, several chunks joined
    (``combine_chunks`` copies the data even of a column of one chunk)."""
    if isinstance(column, pa.ChunkedArray):
        return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return column


def stage_column(number: int) -> str:
    """The name of stage ``number``'s column."""
    return f"stage{number}"


_TOP: list[tuple[str, pa.DataType]] = [
    ("reference", _STR),
    ("landlord", _STR),
    ("received_on", _DATE),
    ("received_at", pa.time64("us")),
    ("channel", _STR),
    ("resident", _RESIDENT),
    ("issue_occurred_on", _DATE),
    ("became_aware_on", _DATE),
    ("offered_choice_to_complain", _BOOL),
    ("resident_asked_to_complain", _BOOL),
    ("service_request", _STR),
    ("service_request_work_continued", _BOOL),
    ("staff_complained_about", pa.list_(_STR)),
    ("earlier_complaints", pa.list_(_STR)),
    ("earlier_complaints_considered", _BOOL),
    ("feedback_sought", _BOOL),
    ("stage_numbers", pa.list_(pa.int8())),
    *((stage_column(n), STAGE_TYPE) for n in STAGE_NUMBERS),
    ("refusals", pa.list_(_REFUSAL)),
    ("contact_restrictions", pa.list_(_RESTRICTION)),
    ("withdrawn_on", _DATE),
    ("closed_on", _DATE),
    ("category", _STR),
    ("tenure", _STR),
]

#: The case's own facts: the top-level columns but the stages.
_TOP_FACTS = [
    name
    for name, _ in _TOP
    if name not in {"stage_numbers", *(stage_column(n) for n in STAGE_NUMBERS)}
]

#: The case table's schema (see the module's docstring).
CASE_SCHEMA = pa.schema(
    [pa.field(name, kind) for name, kind in _TOP],
    metadata={"complaintrules.case_table_version": str(CASE_TABLE_VERSION)},
)


def _plain(value: Any) -> Any:
    """A model dump's value as Arrow takes it: enums by value, decimals as exact text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(case: Complaint) -> dict[str, Any]:
    data: dict[str, Any] = _plain(case.model_dump())
    stages = data.pop("stages")
    data["stage_numbers"] = [s["number"] for s in stages]
    for stage in stages:
        data[stage_column(stage["number"])] = stage
    return data


def case_table(cases: Iterable[Complaint]) -> pa.Table:
    """The case table of ``cases``, one row each in their order (see the module's docstring).

    Lossless: every field of every case is in its row.
    """
    return pa.Table.from_pylist([_row(c) for c in cases], schema=CASE_SCHEMA)


def _present(value: Any) -> Any:
    """A row's value with the fields it does not record left out (the model's defaults)."""
    if isinstance(value, dict):
        return {k: _present(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_present(v) for v in value]
    return value


def complaints(
    table: pa.Table,
    rows: Iterable[int],
    *,
    columns: Sequence[str] | None = None,
    stage_fields: Sequence[str] | None = None,
) -> list[Complaint]:
    """The cases of ``rows`` (row numbers of the case table ``table``), as models: the
    inverse of :func:`case_table`, for judging a few rows of a table one case at a time.

    ``columns`` (the case's own facts) and ``stage_fields`` (each stage's) limit what is
    read to what a check reads, the rest left to the model's defaults; unset, every field
    is read.
    """
    from .case import Complaint

    wanted = list(rows)
    if not wanted:
        return []
    picked = table.take(pa.array(wanted, pa.int64()))
    names = [*(columns if columns is not None else _TOP_FACTS), "stage_numbers"]
    out = picked.select(names).to_pylist()
    stages: list[list[Any]] = []
    for number in STAGE_NUMBERS:
        record = one_array(picked.column(stage_column(number)))
        if stage_fields is None:
            stages.append(record.to_pylist())
            continue
        valid = record.is_valid().to_pylist()
        parts = [pc.struct_field(record, name).to_pylist() for name in stage_fields]
        stages.append(
            [
                dict(zip(stage_fields, values, strict=True)) if ok else None
                for ok, *values in zip(valid, *parts, strict=True)
            ]
        )
    cases = []
    for k, row in enumerate(out):
        numbers = row.pop("stage_numbers") or []
        row["stages"] = [stages[n][k] for n in numbers]
        cases.append(Complaint.model_validate(_present(row)))
    return cases


# -- from the flat table of a columnar reader -----------------------------------------------

#: What a definition recorded only as "yes" holds (as the row reader records it).
# -- case facts over a table -----------------------------------------------------------------


def _lengths(array: pa.Array) -> np.ndarray[Any, np.dtype[np.int64]]:
    found = pc.fill_null(pc.list_value_length(array), 0)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)


def _flags(mask: pa.Array | np.ndarray[Any, Any], flag: CaseFact) -> np.ndarray[Any, Any]:
    if isinstance(mask, pa.Array | pa.ChunkedArray):
        mask = mask.fill_null(False).to_numpy(zero_copy_only=False)
    return np.where(np.asarray(mask, dtype=bool), int(flag), 0).astype(np.int64)


def case_facts_column(table: pa.Table) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Per row, the :class:`CaseFact` flags of its case, as
    :func:`complaintrules.model.facts.case_facts` finds them on the model."""
    n = table.num_rows
    found = np.zeros(n, dtype=np.int64)
    for number in STAGE_NUMBERS:
        stage = one_array(table.column(stage_column(number)))
        reached = pc.is_valid(stage)
        if not pc.any(reached).as_py():
            continue
        response = pc.is_valid(pc.struct_field(stage, "response"))
        found |= _flags(response, CaseFact.ANY_RESPONSE)
        handler_org = pc.struct_field(stage, "handler_organisation")
        found |= _flags(pc.greater(pc.utf8_length(handler_org), 0), CaseFact.THIRD_PARTY)
        found |= _flags(_lengths(pc.struct_field(stage, "remedies")) > 0, CaseFact.REMEDY)
        if number in (1, 2):
            found |= _flags(reached, CaseFact.at_stage("", number))
            found |= _flags(response, CaseFact.at_stage("response", number))
            for what, name in (
                ("extension", "extensions"),
                ("actions", "actions"),
                ("issues", "issues_raised"),
            ):
                counted = _lengths(pc.struct_field(stage, name)) > 0
                found |= _flags(counted, CaseFact.at_stage(what, number))
    refusals = one_array(table.column("refusals"))
    if len(pc.list_flatten(refusals)):
        stages = pc.struct_field(pc.list_flatten(refusals), "stage").to_numpy(zero_copy_only=False)
        parents = pc.list_parent_indices(refusals).to_numpy(zero_copy_only=False)
        for number, flag in ((1, CaseFact.STAGE1_REFUSAL), (2, CaseFact.STAGE2_REFUSAL)):
            rows = parents[stages == number]
            found[rows] |= int(flag)
    found |= _flags(pc.is_valid(table.column("service_request")), CaseFact.SERVICE_REQUEST)
    restrictions = _lengths(one_array(table.column("contact_restrictions")))
    found |= _flags(restrictions > 0, CaseFact.CONTACT_RESTRICTION)
    return found
