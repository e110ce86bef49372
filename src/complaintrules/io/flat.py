"""The columnar reader's flat table turned into the case table the expressions read.

A CRM export read in columns gives one flat column per mapping target
(:data:`complaintrules.io.tabular.TARGETS`: ``received_on``, ``stage1.acknowledged_on``,
``stage2.handler`` ...); :func:`from_targets` lays those out as
:data:`complaintrules.model.columns.CASE_SCHEMA`, giving the cases the row-by-row reader
makes from the same values.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..model.case import split_names
from ..model.columns import CASE_SCHEMA, STAGE_TYPE
from .tabular import TARGETS

__all__ = ["from_targets"]

# The case table's types, read off its schema so the two cannot drift apart.
_DATE = pa.date32()
_STR = pa.string()
_BOOL = pa.bool_()
_TOP = [(field.name, field.type) for field in CASE_SCHEMA]
_ACKNOWLEDGED = STAGE_TYPE.field("acknowledged").type
_DEFINITION = _ACKNOWLEDGED.field("definition").type
_RESPONSE = STAGE_TYPE.field("response").type
_CONTENTS = _RESPONSE.field("contents").type
_EXTENSION = STAGE_TYPE.field("extensions").type.value_type


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


def _names(flat: pa.Table, name: str, kind: pa.DataType) -> pa.Array:
    """Column ``name``, names separated by ';' in one text, as a list of names per row,
    split as the case model splits them."""
    if name not in flat.column_names:
        return pa.nulls(flat.num_rows, kind)
    texts = _column(flat, name, _STR).to_pylist()
    return pa.array([None if t is None else split_names(t) for t in texts], kind)


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
    contributors = _names(flat, p + "contributors", _RESPONSE.field("contributors").type)
    signed_off_by = get("signed_off_by", _STR)
    names_staff = get("names_staff", _BOOL)
    for what, values in (
        ("outcome", outcome),
        ("contributors", contributors),
        ("signed_off_by", signed_off_by),
        ("names_staff", names_staff),
    ):
        unanswered = pc.and_(pc.is_valid(values), pc.is_null(issued))
        if pc.any(unanswered).as_py():
            row = pc.index(unanswered, True).as_py()
            raise ValueError(f"row {row}: a stage {number} {what} but no response date")
    contents = _struct_of({}, _CONTENTS, pa.array(np.ones(n, dtype=bool)))
    response = _struct_of(
        {
            "issued_on": issued,
            "contents": contents,
            "outcome": outcome,
            "contributors": contributors,
            "signed_off_by": signed_off_by,
            "names_staff": names_staff,
        },
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
    :data:`complaintrules.io.tabular.TARGETS`), already typed (dates ``date32``, yes/no
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
        if name in ("staff_complained_about", "earlier_complaints"):
            columns[name] = _names(flat, name, kind)
            continue
        columns[name] = _column(flat, name, kind)
    stage1, _ = _flat_stage(flat, 1)
    stage2, reached = _flat_stage(flat, 2)
    reached = reached.fill_null(False)
    columns["stage1"] = stage1
    # a null stage 2 where no stage 2 column holds a value: taken from one null row
    # appended (a take is several times cheaper than if_else over this nested type)
    picks = np.where(reached.to_numpy(zero_copy_only=False), np.arange(n), n)
    with_null = pa.concat_arrays([stage2, pa.nulls(1, STAGE_TYPE)])
    columns["stage2"] = with_null.take(pa.array(picks))
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
    return frozenset(TARGETS)
