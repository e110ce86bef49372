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

:func:`case_table` builds the table from :class:`Complaint` objects; :func:`from_targets`
from the flat table a columnar reader makes, whose column names are the mapping targets of
:data:`complaintrules._tabular.TARGETS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._expr import STAGE_NUMBERS
from ._gates import CaseFact

if TYPE_CHECKING:
    from ._case import Complaint

__all__ = [
    "CASE_SCHEMA",
    "CASE_TABLE_VERSION",
    "STAGE_NUMBERS",
    "STAGE_TYPE",
    "case_facts_column",
    "case_table",
    "from_targets",
    "stage_column",
]

#: Bumped whenever :data:`CASE_SCHEMA` changes shape.
CASE_TABLE_VERSION = 1


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
_RESPONSE = _struct(issued_on=_DATE, contents=_CONTENTS, outcome=_STR, all_points_addressed=_BOOL)
_ACTION = _struct(description=_STR, due=_DATE, completed_on=_DATE, updates=_DATES)
_REMEDY = _struct(
    kind=_STR,
    description=_STR,
    amount=_STR,
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


def stage_column(number: int) -> str:
    """The name of stage ``number``'s column."""
    return f"stage{number}"


_TOP: list[tuple[str, pa.DataType]] = [
    ("reference", _STR),
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
    ("stage_numbers", pa.list_(pa.int8())),
    *((stage_column(n), STAGE_TYPE) for n in STAGE_NUMBERS),
    ("refusals", pa.list_(_REFUSAL)),
    ("contact_restrictions", pa.list_(_RESTRICTION)),
    ("withdrawn_on", _DATE),
    ("closed_on", _DATE),
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


# -- from the flat table of a columnar reader -----------------------------------------------

#: What a definition recorded only as "yes" holds (as the row reader records it).
_RECORDED_TEXT = "(recorded in the CRM)"


def _column(flat: pa.Table, name: str, kind: pa.DataType) -> pa.Array:
    """Column ``name`` of ``flat`` as ``kind`` (all null when the table lacks it)."""
    if name not in flat.column_names:
        return pa.nulls(flat.num_rows, kind)
    column = flat.column(name).combine_chunks()
    if not column.type.equals(kind):
        try:
            column = column.cast(kind)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise ValueError(
                f"column {name!r} holds {column.type}; expected {kind} ({exc})"
            ) from None
    return column


def _present(*arrays: pa.Array) -> pa.Array:
    """Per row: any of ``arrays`` holds a value."""
    found = pc.is_valid(arrays[0])
    for array in arrays[1:]:
        found = pc.or_(found, pc.is_valid(array))
    return found


def _struct_of(fields: Mapping[str, pa.Array], kind: pa.StructType, valid: pa.Array) -> pa.Array:
    arrays = [fields.get(f.name, pa.nulls(len(valid), f.type)) for f in kind]
    return pa.StructArray.from_arrays(
        arrays, fields=list(kind), mask=pc.invert(valid.fill_null(False))
    )


def _empty_lists(n: int, kind: pa.DataType) -> pa.Array:
    return pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), pa.nulls(0, kind))


def _one_or_none(item: pa.Array, valid: pa.Array) -> pa.Array:
    """Per row a list holding that row's ``item`` where ``valid``, else an empty list."""
    keep = np.asarray(valid.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    offsets = np.concatenate([[0], np.cumsum(keep)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), item.filter(pa.array(keep)))


def _flat_stage(flat: pa.Table, number: int) -> tuple[pa.Array, pa.Array]:
    """Stage ``number``'s struct column from the flat targets ``stage<n>.*``, and which rows
    record anything at that stage."""
    n = flat.num_rows
    p = f"stage{number}."

    def get(name: str, kind: pa.DataType) -> pa.Array:
        return _column(flat, p + name, kind)

    ack_on = get("acknowledged_on", _DATE)
    understanding = get("understanding", _STR)
    sought = get("outcomes_sought", _STR)
    recorded = get("definition_recorded", _BOOL)
    said = pc.fill_null(recorded, False)
    has_definition = pc.or_(said, _present(understanding, sought))
    orphan = pc.and_(has_definition, pc.is_null(ack_on))
    if pc.any(orphan).as_py():
        row = pc.index(orphan, True).as_py()
        raise ValueError(
            f"row {row}: a stage {number} definition but no acknowledgement date "
            f"(stage{number}.acknowledged_on)"
        )
    placeholder = pa.scalar(_RECORDED_TEXT, _STR)
    no_text = pa.scalar(None, _STR)
    definition = _struct_of(
        {
            "understanding": pc.coalesce(understanding, pc.if_else(said, placeholder, no_text)),
            "outcomes_sought": pc.coalesce(sought, pc.if_else(said, placeholder, no_text)),
        },
        _DEFINITION,
        has_definition,
    )
    acknowledged = _struct_of(
        {"on": ack_on, "definition": definition},
        STAGE_TYPE.field("acknowledged").type,
        pc.is_valid(ack_on),
    )
    issued = get("response_on", _DATE)
    outcome = get("outcome", _STR)
    unanswered = pc.and_(pc.is_valid(outcome), pc.is_null(issued))
    if pc.any(unanswered).as_py():
        row = pc.index(unanswered, True).as_py()
        raise ValueError(f"row {row}: a stage {number} outcome but no response date")
    contents = _struct_of({}, _CONTENTS, pa.array(np.ones(n, dtype=bool)))
    response = _struct_of(
        {"issued_on": issued, "contents": contents, "outcome": outcome},
        _RESPONSE,
        pc.is_valid(issued),
    )
    notified = get("extension_notified_on", _DATE)
    new_due = get("extension_new_due", _DATE)
    ext_fields = {
        "notified_on": notified,
        "new_due": new_due,
        "reason": get("extension_reason", _STR),
        "ombudsman_details_given": get("extension_ombudsman_details_given", _BOOL),
        "good_reason": get("extension_good_reason", _STR),
    }
    extended = _present(*ext_fields.values())
    half = pc.and_(extended, pc.or_(pc.is_null(notified), pc.is_null(new_due)))
    if pc.any(half).as_py():
        raise ValueError(
            f"row {pc.index(half, True).as_py()}: a stage {number} extension needs both "
            f"{p}extension_notified_on and {p}extension_new_due"
        )
    everything = pa.array(np.ones(n, dtype=bool))
    extension = _struct_of(ext_fields, _EXTENSION, everything)
    fields: dict[str, pa.Array] = {
        "number": pa.array(np.full(n, number, dtype=np.int8)),
        "requested_on": get("requested_on", _DATE) if number > 1 else pa.nulls(n, _DATE),
        "logged_on": get("logged_on", _DATE),
        "acknowledged": acknowledged,
        "handler": get("handler", _STR),
        "handler_organisation": get("handler_organisation", _STR),
        "extensions": _one_or_none(extension, extended),
        "response": response,
    }
    for name in ("actions", "remedies", "issues_raised", "updates_sent"):
        fields[name] = _empty_lists(n, STAGE_TYPE.field(name).type.value_type)
    mine = [flat.column(c).combine_chunks() for c in flat.column_names if c.startswith(p)]
    recorded_any = _present(*mine) if mine else pa.array(np.zeros(n, dtype=bool))
    return _struct_of(fields, STAGE_TYPE, everything), recorded_any


def from_targets(flat: pa.Table) -> pa.Table:
    """The case table of a flat table whose columns are mapping targets
    (``received_on``, ``stage1.acknowledged_on``, ``stage2.handler`` ...; see
    :data:`complaintrules._tabular.TARGETS`), already typed (dates ``date32``, yes/no
    ``bool``, time ``time64``/``time32``, channel and outcome their model value as text)
    and with missing values null.

    The cases are the ones the row reader builds from the same values: stage 1 always,
    stage 2 where any ``stage2.*`` column holds a value; a definition recorded only as
    yes holds the reader's placeholder text; response contents unknown; no refusals,
    contact restrictions or resident facts. A row the row reader would refuse for its
    shape (a definition without an acknowledgement date, an outcome without a response
    date, half an extension) raises ValueError naming the row (counted from 0).
    """
    unknown = [c for c in flat.column_names if c not in _flat_targets()]
    if unknown:
        raise ValueError(
            f"columns {unknown} are not mapping targets; expected names such as "
            "'received_on' or 'stage1.acknowledged_on'"
        )
    n = flat.num_rows
    columns: dict[str, pa.Array] = {}
    for name, kind in _TOP:
        if name in ("reference", "received_on") and name not in flat.column_names:
            raise ValueError(f"the table has no {name!r} column, which every case needs")
        columns[name] = _column(flat, name, kind)
    stage1, _ = _flat_stage(flat, 1)
    stage2, reached = _flat_stage(flat, 2)
    reached = reached.fill_null(False)
    columns["stage1"] = stage1
    columns["stage2"] = pc.if_else(reached, stage2, pa.nulls(n, STAGE_TYPE))
    numbers = pc.if_else(
        reached,
        pa.scalar([1, 2], pa.list_(pa.int8())),
        pa.scalar([1], pa.list_(pa.int8())),
    )
    columns["stage_numbers"] = numbers
    for name in ("refusals", "contact_restrictions"):
        columns[name] = _empty_lists(n, CASE_SCHEMA.field(name).type.value_type)
    resident = CASE_SCHEMA.field("resident").type
    columns["resident"] = _struct_of(
        {
            "vulnerabilities": _empty_lists(n, _STR),
            "reasonable_adjustments": _empty_lists(
                n, resident.field("reasonable_adjustments").type.value_type
            ),
        },
        resident,
        pa.array(np.ones(n, dtype=bool)),
    )
    return pa.Table.from_arrays([columns[f.name] for f in CASE_SCHEMA], schema=CASE_SCHEMA)


def _flat_targets() -> frozenset[str]:
    from ._tabular import TARGETS  # the reader's module: only needed for this check

    return frozenset(TARGETS)


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
    :func:`complaintrules._gates.case_facts` finds them on the model."""
    n = table.num_rows
    found = np.zeros(n, dtype=np.int64)
    for number in STAGE_NUMBERS:
        stage = table.column(stage_column(number)).combine_chunks()
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
    refusals = table.column("refusals").combine_chunks()
    if len(pc.list_flatten(refusals)):
        stages = pc.struct_field(pc.list_flatten(refusals), "stage").to_numpy(zero_copy_only=False)
        parents = pc.list_parent_indices(refusals).to_numpy(zero_copy_only=False)
        for number, flag in ((1, CaseFact.STAGE1_REFUSAL), (2, CaseFact.STAGE2_REFUSAL)):
            rows = parents[stages == number]
            found[rows] |= int(flag)
    found |= _flags(pc.is_valid(table.column("service_request")), CaseFact.SERVICE_REQUEST)
    restrictions = _lengths(table.column("contact_restrictions").combine_chunks())
    found |= _flags(restrictions > 0, CaseFact.CONTACT_RESTRICTION)
    return found
