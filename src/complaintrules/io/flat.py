"""The columnar reader's flat table turned into the case table the expressions read.

A CRM export read in columns gives one flat column per mapping target
(:data:`complaintrules.io.tabular.TARGETS`: ``received_on``, ``stage1.acknowledged_on``,
``stage2.handler`` ...); :func:`from_targets` lays those out as
:data:`complaintrules.model.columns.CASE_SCHEMA`, giving the cases the row-by-row reader
makes from the same values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..model.case import (
    CASE_LATER,
    SNAPSHOT_KEPT,
    STAGE_ITEMS_LATER,
    STAGE_LATER,
    WHOLE_STAGE_FROM,
    split_names,
)
from ..model.columns import CASE_SCHEMA, STAGE_TYPE, one_array
from .tabular import TARGETS

__all__ = ["FlatSnapshot", "flat_as_of", "from_targets"]

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
_TARGET_NAMES = frozenset(TARGETS)


def _column(flat: pa.Table, name: str, kind: pa.DataType) -> pa.Array:
    """Column ``name`` of ``flat`` as ``kind`` (all null when the table lacks it)."""
    index = flat.schema.get_field_index(name)
    if index < 0:
        return pa.nulls(flat.num_rows, kind)
    column = one_array(flat.column(index))
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
    index = flat.schema.get_field_index(name)
    if index < 0 or flat.column(index).null_count == flat.num_rows:
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
    arrays = [fields[f.name] if f.name in fields else pa.nulls(len(valid), f.type) for f in kind]
    return pa.StructArray.from_arrays(
        arrays, fields=list(kind), mask=pc.invert(valid.fill_null(False))
    )


def _empty_lists(
    n: int, kind: pa.DataType, absent: pa.Array | None = None, offsets: pa.Array | None = None
) -> pa.Array:
    """Per row an empty list (null where ``absent``); ``offsets``: n + 1 zeros (int32),
    when the caller holds them already."""
    if offsets is None:
        offsets = _zeros(n)
    return pa.ListArray.from_arrays(offsets, pa.nulls(0, kind), mask=absent)


def _zeros(n: int) -> pa.Array:
    """The offsets of ``n`` empty lists (one array serves every list column of a table)."""
    return pa.array(np.zeros(n + 1, dtype=np.int32))


def _one_or_none(item: pa.Array, valid: pa.Array, absent: pa.Array | None = None) -> pa.Array:
    """Per row a list holding that row's ``item`` where ``valid``, else an empty list
    (null where ``absent``)."""
    keep = np.asarray(valid.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    offsets = np.concatenate([[0], np.cumsum(keep)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), item.filter(pa.array(keep)), mask=absent)


def _flat_stage(
    flat: pa.Table, number: int, optional: bool = False, zeros: pa.Array | None = None
) -> pa.Array:
    """Stage ``number``'s struct column from the flat targets ``stage<n>.*``; with
    ``optional``, null (and every value under it null) in the rows that record nothing
    at that stage. ``zeros``: the offsets of the table's empty lists (:func:`_zeros`)."""
    n = flat.num_rows
    p = f"stage{number}."
    everything = pa.array(np.ones(n, dtype=bool))
    zeros = _zeros(n) if zeros is None else zeros
    if optional:
        names = flat.column_names
        mine = [one_array(flat.column(k)) for k, c in enumerate(names) if c.startswith(p)]
        reached = _present(*mine).fill_null(False) if mine else pa.array(np.zeros(n, bool))
    else:
        reached = everything
    absent = pc.invert(reached)

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
    contents = _struct_of({}, _CONTENTS, reached)
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
    extension = _struct_of(ext_fields, _EXTENSION, everything)
    fields: dict[str, pa.Array] = {
        "number": pa.array(
            np.full(n, number, dtype=np.int8),
            mask=np.asarray(absent.to_numpy(zero_copy_only=False), dtype=bool),
        ),
        "requested_on": get("requested_on", _DATE) if number > 1 else pa.nulls(n, _DATE),
        "logged_on": get("logged_on", _DATE),
        "acknowledged": acknowledged,
        "handler": get("handler", _STR),
        "handler_organisation": get("handler_organisation", _STR),
        "extensions": _one_or_none(extension, extended, absent if optional else None),
        "response": response,
    }
    for name in ("actions", "remedies", "issues_raised", "updates_sent"):
        kind = STAGE_TYPE.field(name).type.value_type
        fields[name] = _empty_lists(n, kind, absent if optional else None, zeros)
    return _struct_of(fields, STAGE_TYPE, reached)


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
    date, half an extension) raises ValueError naming the row (counted from 0); so does
    a column that is no mapping target, or one named twice.
    """
    names = flat.column_names
    unknown = [c for c in names if c not in _TARGET_NAMES]
    if unknown:
        raise ValueError(
            f"columns {unknown} are not mapping targets; expected names such as "
            "'received_on' or 'stage1.acknowledged_on'"
        )
    if len(set(names)) < len(names):
        repeated = sorted({c for c in names if names.count(c) > 1})
        raise ValueError(f"columns {repeated} appear more than once; expected each once")
    n = flat.num_rows
    zeros = _zeros(n)
    columns: dict[str, pa.Array] = {}
    for name, kind in _TOP:
        if name in ("reference", "received_on") and name not in names:
            raise ValueError(f"the table has no {name!r} column, which every case needs")
        if name in ("staff_complained_about", "earlier_complaints"):
            columns[name] = _names(flat, name, kind)
            continue
        columns[name] = _column(flat, name, kind)
    columns["stage1"] = _flat_stage(flat, 1, zeros=zeros)
    # a null stage 2 where no stage 2 column holds a value (built null, every value under
    # it null too: neither a take nor an if_else over this nested type)
    stage2 = columns["stage2"] = _flat_stage(flat, 2, optional=True, zeros=zeros)
    reached = np.asarray(stage2.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(1 + reached, out=offsets[1:])
    numbers = np.full(int(offsets[-1]), 1, dtype=np.int8)
    numbers[offsets[1:][reached] - 1] = 2  # [1, 2] where stage 2 is reached, else [1]
    columns["stage_numbers"] = pa.ListArray.from_arrays(
        pa.array(offsets), pa.array(numbers), type=CASE_SCHEMA.field("stage_numbers").type
    )
    for name in ("refusals", "contact_restrictions"):
        columns[name] = _empty_lists(n, CASE_SCHEMA.field(name).type.value_type, None, zeros)
    resident = CASE_SCHEMA.field("resident").type
    columns["resident"] = _struct_of(
        {
            "vulnerabilities": _empty_lists(n, _STR, None, zeros),
            "reasonable_adjustments": _empty_lists(
                n, resident.field("reasonable_adjustments").type.value_type, None, zeros
            ),
        },
        resident,
        pa.array(np.ones(n, dtype=bool)),
    )
    return pa.Table.from_arrays([columns[f.name] for f in CASE_SCHEMA], schema=CASE_SCHEMA)


# -- the snapshot over columns ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlatSnapshot:
    """A flat table as of a date (:func:`flat_as_of`)."""

    #: the flat table with what had not happened yet by the date left out
    table: pa.Table
    #: per row, how many events the snapshot left out (as ``CaseSnapshot.ignored`` counts)
    ignored: np.ndarray[Any, np.dtype[np.int64]]
    #: per row, whether this snapshot decides the row; where False, take the case's own
    #: (:meth:`Complaint.as_of`): a row with a later date the declarations do not cover
    handled: np.ndarray[Any, np.dtype[np.bool_]]
    #: per row, whether the snapshot left any of its values out (its other rows are the
    #: flat table's own)
    changed: np.ndarray[Any, np.dtype[np.bool_]]


#: A stage's escalation request: from stage WHOLE_STAGE_FROM, a later one drops the stage.
_ASKED: tuple[str | int, ...] = ("requested_on",)


def _event(target: str) -> tuple[tuple[str | int, ...] | None, bool]:
    """The parts an event column takes with it when later (None: not an event), and
    whether the snapshot keeps the column's date whatever its day."""
    spec = TARGETS[target]
    keys = spec.keys
    if spec.stage is None:
        path = tuple(str(k) for k in keys)
        if path in CASE_LATER:
            return keys, False
        return None, path in SNAPSHOT_KEPT or target == "received_on"
    named = tuple(str(k) for k in keys)
    if named in STAGE_LATER:
        return keys, False
    if len(keys) == 3 and STAGE_ITEMS_LATER.get(str(keys[0])) == keys[2]:
        return keys[:2], False  # the item, at its index
    return None, ("stage", str(keys[0]), str(keys[-1])) in SNAPSHOT_KEPT


def _gone_with(event: tuple[str | int, ...], stage: int | None) -> list[str]:
    """The targets an event takes with it (those under the parts it makes go)."""
    parts: list[tuple[str | int, ...]]
    if stage is None:
        parts = [(name,) for name in CASE_LATER[tuple(str(k) for k in event)]]
    elif len(event) == 2 and isinstance(event[1], int):  # an item of a list
        parts = [event]
    else:
        parts = [(name,) for name in STAGE_LATER[tuple(str(k) for k in event)]]
    return [
        t
        for t, spec in TARGETS.items()
        if spec.stage == stage and any(spec.keys[: len(p)] == p for p in parts)
    ]


def flat_as_of(flat: pa.Table, as_of: date) -> FlatSnapshot:
    """``flat`` (typed mapping-target columns, as :func:`from_targets` takes) as each row's
    case stood at the end of ``as_of``, read off the model's own declarations of the
    snapshot (:data:`complaintrules.model.case.STAGE_LATER` and its neighbours), so the
    case table laid out from it is the table of the cases' :meth:`Complaint.as_of`
    (a property test holds the two together). Rows received after ``as_of`` are left as
    they are (they are not judged)."""
    n = flat.num_rows
    when = pa.scalar(as_of, _DATE)
    columns = {name: one_array(flat.column(name)) for name in flat.column_names}
    ignored = np.zeros(n, dtype=np.int64)
    handled = np.ones(n, dtype=bool)

    def later(name: str) -> np.ndarray[Any, np.dtype[np.bool_]]:
        found = pc.fill_null(pc.greater(columns[name], when), False)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)

    def present(name: str) -> np.ndarray[Any, np.dtype[np.bool_]]:
        found = pc.is_valid(columns[name]).to_numpy(zero_copy_only=False)
        return np.asarray(found, dtype=bool)

    events: list[tuple[str, tuple[str | int, ...], int | None]] = []
    for name in flat.column_names:
        if name not in TARGETS or TARGETS[name].kind != "date":
            continue
        event, kept = _event(name)
        if event is not None:
            events.append((name, event, TARGETS[name].stage))
        elif not kept:
            handled &= ~present(name)  # an event the declarations do not cover
    gone = np.zeros((len(flat.column_names), n), dtype=bool)
    index = {name: i for i, name in enumerate(flat.column_names)}
    whole: dict[int, np.ndarray[Any, np.dtype[np.bool_]]] = {}
    for number in {stage for _, _, stage in events if stage is not None}:
        requested = next(
            (
                t
                for t in columns
                if t in TARGETS and TARGETS[t].keys == _ASKED and TARGETS[t].stage == number
            ),
            None,
        )
        if number < WHOLE_STAGE_FROM or requested is None:
            continue
        drop = later(requested)
        whole[number] = drop
        for name in flat.column_names:
            if TARGETS.get(name) is not None and TARGETS[name].stage == number:
                gone[index[name]] |= drop
        for name, _, stage in events:
            if stage == number:
                ignored += drop & present(name)
    for name, event, stage in events:
        after = later(name)
        if stage in whole:
            after &= ~whole[stage]
        ignored += after
        for target in _gone_with(event, stage):
            if target in index:
                gone[index[target]] |= after
    arrays = []
    for name in flat.column_names:
        column = columns[name]
        drop = gone[index[name]]
        if drop.any():
            column = pc.if_else(pa.array(drop), pa.nulls(n, column.type), column)
        arrays.append(column)
    table = pa.Table.from_arrays(arrays, names=flat.column_names)
    return FlatSnapshot(table, ignored, handled, np.asarray(gone.any(axis=0), dtype=bool))
