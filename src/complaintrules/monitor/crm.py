"""CRM change events in, the monitor's case events out: Dataverse and Salesforce adapters.

A CRM does not send the monitor's domain events ("stage 1 acknowledged on 9 May"); it
sends record changes ("the case record's acknowledgement-date field changed"), at least
once and not always in order. This module

* reads the two documented shapes of a change (see docs/monitor.md, "From a CRM"):
  a Dataverse ``RemoteExecutionContext`` (the body of a webhook, or of a Service Bus
  message) for a ``Create`` or ``Update`` of the case table, and a Salesforce Change Data
  Capture event (its ``ChangeEventHeader`` and body fields), into :class:`Change`;
* turns a change into case events through a :class:`FieldMapping`: which CRM field is the
  receipt date, each stage's acknowledgement, response, escalation, extension and
  handler, and when the case closes or is withdrawn;
* makes replays safe (:class:`CrmIngest`): each field's last value is kept with the
  version of the change that set it (Salesforce: commit timestamp, commit number,
  sequence number; Dataverse: the operation's time and the row version), so a redelivered
  change is a duplicate and an older change arriving after a newer one is stale for the
  fields the newer one set; the changes of one batch are applied in version order; a
  change for a record whose case has not been received yet is held until it is. Nothing is
  dropped without a word: every change ends applied, duplicate, stale, held, without a
  mapped field, or rejected with the field and the reason.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..io.loading import DuplicateKeyError, no_duplicate_keys
from .monitor import Alert, Monitor, MonitorInputError

__all__ = [
    "CRM_STATE_FORMAT",
    "Change",
    "CrmIngest",
    "CrmInputError",
    "FieldMapping",
    "Ingested",
    "parse_change",
    "read_changes",
]

#: Identifies the adapter's part of a saved state (:meth:`CrmIngest.export`).
CRM_STATE_FORMAT = "complaintrules-crm/1"

Source = Literal["dataverse", "salesforce"]
SOURCES: tuple[Source, ...] = ("dataverse", "salesforce")

#: A change's version: sortable, equal only for the same change of the same record.
Version = tuple[int, int, int, str]


class CrmInputError(ValueError):
    """A change event or a field mapping that cannot be read; the message names the field."""


# -- the normalised change -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """One change to one CRM record, as either CRM reports it."""

    source: Source
    entity: str
    record: str
    #: create, update, delete or undelete
    operation: str
    version: Version
    #: the change's identity in the CRM's own terms, to name it in reports
    key: str
    #: when the change was committed (UTC)
    changed_at: datetime
    #: the fields the change set, with their new values (None: cleared)
    values: Mapping[str, Any]
    #: other fields of the record known at the change (a Dataverse post image): read for
    #: an event's other fields, never a trigger
    image: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        return f"{self.source} {self.operation} of {self.entity} {self.record} ({self.key})"

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "entity": self.entity,
            "record": self.record,
            "operation": self.operation,
            "version": list(self.version),
            "key": self.key,
            "changed_at": self.changed_at.isoformat(),
            "values": dict(self.values),
            "image": dict(self.image),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Change:
        v = data["version"]
        return cls(
            data["source"],
            data["entity"],
            data["record"],
            data["operation"],
            (int(v[0]), int(v[1]), int(v[2]), str(v[3])),
            data["key"],
            datetime.fromisoformat(data["changed_at"]),
            dict(data["values"]),
            dict(data.get("image", {})),
        )


def _digest(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _text(obj: Mapping[str, Any], name: str, where: str = "") -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not value.strip():
        shown = "missing" if value is None else f"expected a non-empty string, got {value!r}"
        raise CrmInputError(f"{where}{name}: {shown}")
    return value.strip()


_DOTNET_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def _instant(value: Any, name: str) -> datetime:
    """A point in time: milliseconds since 1970 (a number), ``/Date(ms)/`` or ISO text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if isinstance(value, str):
        found = _DOTNET_DATE.match(value.strip())
        if found:
            return datetime.fromtimestamp(int(found.group(1)) / 1000, tz=UTC)
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise CrmInputError(
        f"{name}: expected a time (milliseconds since 1970, /Date(ms)/ or ISO 8601), got {value!r}"[
            :300
        ]
    )


def _pairs(value: Any, name: str) -> dict[str, Any]:
    """A .NET collection as Dataverse serialises it (``[{"key": K, "value": V}, ...]``), or
    an object."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, list):
        out: dict[str, Any] = {}
        for i, pair in enumerate(value):
            if not isinstance(pair, Mapping) or "key" not in pair:
                raise CrmInputError(f'{name}[{i}]: expected {{"key": ..., "value": ...}}')
            out[str(pair["key"])] = pair.get("value")
        return out
    raise CrmInputError(f"{name}: expected a list of key/value pairs, got {type(value).__name__}")


def _dataverse(obj: Mapping[str, Any]) -> list[Change]:
    """A Dataverse ``RemoteExecutionContext`` (webhook or Service Bus body)."""
    message = _text(obj, "MessageName")
    entity = _text(obj, "PrimaryEntityName")
    record = _text(obj, "PrimaryEntityId").lower()
    if "OperationCreatedOn" not in obj:
        raise CrmInputError("OperationCreatedOn: missing")
    at = _instant(obj["OperationCreatedOn"], "OperationCreatedOn")
    inputs = _pairs(obj.get("InputParameters"), "InputParameters")
    operation = message.lower()
    values: dict[str, Any] = {}
    if operation in ("create", "update"):
        target = inputs.get("Target")
        if not isinstance(target, Mapping):
            raise CrmInputError("InputParameters.Target: missing (the record the step ran on)")
        values = _pairs(target.get("Attributes"), "InputParameters.Target.Attributes")
    image: dict[str, Any] = {}
    for _, entity_image in _pairs(obj.get("PostEntityImages"), "PostEntityImages").items():
        if isinstance(entity_image, Mapping):
            image.update(_pairs(entity_image.get("Attributes"), "PostEntityImages.Attributes"))
    row = values.get("versionnumber", image.get("versionnumber"))
    row_version = int(row) if isinstance(row, int) and not isinstance(row, bool) else 0
    ident = next(
        (
            str(obj[k])
            for k in ("OperationId", "RequestId", "CorrelationId")
            if isinstance(obj.get(k), str) and obj[k].strip("0-")
        ),
        "",
    )
    key = f"{message}:{ident}" if ident else f"{message}:{_digest(record, at, values)}"
    stamp = int(at.timestamp() * 1000)
    return [
        Change(
            "dataverse",
            entity,
            record,
            operation,
            (stamp, row_version, 0, key),
            key,
            at,
            values,
            image,
        )
    ]


_SALESFORCE_OPERATIONS = {"CREATE", "UPDATE", "DELETE", "UNDELETE"}


def _salesforce(obj: Mapping[str, Any]) -> list[Change]:
    """A Salesforce Change Data Capture event: the payload (``ChangeEventHeader`` and the
    record's fields), bare or inside the Streaming API's ``{"data": {"payload": ...}}``."""
    payload: Any = obj
    if "ChangeEventHeader" not in payload and isinstance(payload.get("data"), Mapping):
        payload = payload["data"]
    if "ChangeEventHeader" not in payload and isinstance(payload.get("payload"), Mapping):
        payload = payload["payload"]
    header = payload.get("ChangeEventHeader")
    if not isinstance(header, Mapping):
        raise CrmInputError("ChangeEventHeader: missing (not a Change Data Capture event)")
    where = "ChangeEventHeader."
    entity = _text(header, "entityName", where)
    change_type = _text(header, "changeType", where).upper()
    if change_type.startswith("GAP_"):
        raise CrmInputError(
            f"ChangeEventHeader.changeType: {change_type} carries no field values (Salesforce "
            "could not capture them); read the record from Salesforce and post its events"
        )
    if change_type not in _SALESFORCE_OPERATIONS:
        raise CrmInputError(f"ChangeEventHeader.changeType: unknown change type {change_type!r}")
    records = header.get("recordIds")
    if not isinstance(records, list) or not records:
        raise CrmInputError("ChangeEventHeader.recordIds: missing (expected a list of ids)")
    for i, rec in enumerate(records):
        if not isinstance(rec, str) or not rec.strip():
            raise CrmInputError(f"ChangeEventHeader.recordIds[{i}]: expected an id, got {rec!r}")
        if "*" in rec:
            raise CrmInputError(
                f"ChangeEventHeader.recordIds[{i}]: {rec!r} stands for every record of the "
                "object (a field type conversion); read the records from Salesforce"
            )
    if "commitTimestamp" not in header:
        raise CrmInputError("ChangeEventHeader.commitTimestamp: missing")
    at = _instant(header["commitTimestamp"], "ChangeEventHeader.commitTimestamp")
    numbers = []
    for name in ("commitNumber", "sequenceNumber"):
        n = header.get(name, 0)
        if n is None:
            n = 0
        if not isinstance(n, int) or isinstance(n, bool):
            raise CrmInputError(f"ChangeEventHeader.{name}: expected a whole number, got {n!r}")
        numbers.append(n)
    body = {k: v for k, v in payload.items() if k != "ChangeEventHeader"}
    changed = header.get("changedFields") or []
    if not isinstance(changed, list):
        raise CrmInputError("ChangeEventHeader.changedFields: expected a list of field names")
    if any(isinstance(f, str) and f.startswith("0x") for f in changed):
        raise CrmInputError(
            "ChangeEventHeader.changedFields: a Pub/Sub API bitmap (0x...); decode it to "
            "field names with the event's schema before posting"
        )
    if change_type == "UPDATE" and changed:
        # the Pub/Sub API sends every field, the unchanged ones empty: changedFields says
        # which changed (a compound field's parts, like Name.FirstName, are left out)
        values = {f: body.get(f) for f in changed if isinstance(f, str) and "." not in f}
    elif change_type in ("CREATE", "UNDELETE", "UPDATE"):
        values = {k: v for k, v in body.items() if v is not None}
    else:
        values = {}
    transaction = header.get("transactionKey")
    stamp = int(at.timestamp() * 1000)
    out = []
    for rec in records:
        base = (
            f"{transaction}:{numbers[1]}"
            if isinstance(transaction, str) and transaction
            else _digest(rec, stamp, numbers, values)
        )
        out.append(
            Change(
                "salesforce",
                entity,
                rec.strip(),
                change_type.lower(),
                (stamp, numbers[0], numbers[1], base),
                base,
                at,
                values,
            )
        )
    return out


def parse_change(source: str, obj: Any) -> list[Change]:
    """The changes one CRM payload reports (a Salesforce event may name several records)."""
    if not isinstance(obj, Mapping):
        raise CrmInputError(f"expected a JSON object, got {type(obj).__name__}")
    if source == "dataverse":
        return _dataverse(obj)
    if source == "salesforce":
        return _salesforce(obj)
    raise CrmInputError(f"source: expected one of {', '.join(SOURCES)}, got {source!r}")


def read_changes(text: str) -> Iterator[tuple[str, Any, str]]:
    """(where, decoded JSON or None, problem) for each payload of ``text``: one JSON value
    a line (JSON Lines, ``line N``), or one JSON document, an object or an array
    (``item N``)."""
    stripped = text.strip()
    if stripped.startswith("[") or (stripped.startswith("{") and "\n" in stripped):
        try:
            whole = json.loads(stripped, object_pairs_hook=no_duplicate_keys)
        except (json.JSONDecodeError, DuplicateKeyError):
            whole = None  # read it line by line below, naming the bad line
        else:
            if isinstance(whole, list):
                for i, item in enumerate(whole, start=1):
                    yield f"item {i}", item, ""
                return
            yield "document", whole, ""
            return
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            yield f"line {number}", json.loads(line, object_pairs_hook=no_duplicate_keys), ""
        except json.JSONDecodeError as exc:
            yield f"line {number}", None, f"not valid JSON ({exc.msg} at column {exc.colno})"
        except DuplicateKeyError as exc:
            yield f"line {number}", None, f"{exc.key}: duplicate key"


# -- the field mapping -----------------------------------------------------------------------

#: the event field a mapping entry is triggered by when it names no ``when``
_TRIGGER = {"handler_assigned": "handler", "extension_notified": "new_due"}
#: the event fields that hold dates (converted from the CRM's forms)
_DATES = {"on", "new_due", "notified_on", "definition.clarification_requested_on"}
#: the order of one change's events: receipt, escalation, a stage's events, the end
_ORDER = {
    "received": 0,
    "escalation_requested": 1,
    "logged": 2,
    "handler_assigned": 3,
    "acknowledged": 4,
    "extension_notified": 5,
    "response_issued": 6,
    "refused": 7,
    "withdrawn": 8,
    "closed": 9,
}
_CHANGED = "@changed"  # the date of the change itself
_CREATE = "@create"  # a trigger: the record was created


@dataclass(frozen=True, slots=True)
class _Entry:
    type: str
    stage: int | None
    when: str
    equals: Any
    has_equals: bool
    #: event field (dotted for nested, ``definition.understanding``) -> CRM field,
    #: ``@changed``, or ("value", literal)
    fields: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class FieldMapping:
    """Which CRM field means what, for one case entity (docs/monitor.md, "From a CRM").

    Read from JSON by :meth:`from_json`::

        {"entity": "incident", "reference": "ticketnumber", "timezone": "Europe/London",
         "events": [
           {"type": "received", "on": "cr_receivedon"},
           {"type": "acknowledged", "stage": 1, "on": "cr_ack1on",
            "definition.understanding": "cr_understanding",
            "definition.outcomes_sought": "cr_outcomessought"},
           {"type": "closed", "when": "statecode", "equals": 1, "on": "@changed"}]}

    Each entry makes one case event of its ``type`` (and ``stage``) when its trigger field
    (``when``; by default the field its ``on`` names, or its ``handler`` for a handler and
    its ``new_due`` for an extension; ``@create`` for the record's creation) is among the
    fields a change set, with a value (equal to ``equals`` where given). Its other keys are
    the event's fields, each a CRM field, ``@changed`` (the date of the change) or
    ``{"value": literal}``; a field the change did not set is read from the record's last
    known value.
    """

    entity: str
    entries: tuple[_Entry, ...]
    reference: str | None = None
    timezone: str = "Europe/London"

    @classmethod
    def from_json(cls, data: Any, *, where: str = "mapping") -> FieldMapping:
        if not isinstance(data, Mapping):
            raise CrmInputError(f"{where}: expected a JSON object")
        unknown = sorted(set(data) - {"entity", "reference", "timezone", "events"})
        if unknown:
            raise CrmInputError(f"{where}.{unknown[0]}: unknown key")
        entity = _text(data, "entity", f"{where}.")
        reference = data.get("reference")
        if reference is not None and (not isinstance(reference, str) or not reference):
            raise CrmInputError(f"{where}.reference: expected a field name")
        timezone = data.get("timezone", "Europe/London")
        try:
            ZoneInfo(str(timezone))
        except (ZoneInfoNotFoundError, ValueError):
            raise CrmInputError(f"{where}.timezone: unknown time zone {timezone!r}") from None
        events = data.get("events")
        if not isinstance(events, list) or not events:
            raise CrmInputError(f"{where}.events: expected a list of event mappings")
        entries = []
        for i, raw in enumerate(events):
            here = f"{where}.events[{i}]"
            if not isinstance(raw, Mapping):
                raise CrmInputError(f"{here}: expected an object")
            kind = raw.get("type")
            if kind not in _ORDER:
                raise CrmInputError(
                    f"{here}.type: expected one of {', '.join(_ORDER)}, got {kind!r}"
                )
            stage = raw.get("stage")
            if stage is not None and (not isinstance(stage, int) or stage < 1):
                raise CrmInputError(f"{here}.stage: expected a stage number, got {stage!r}")
            fields: list[tuple[str, Any]] = []
            for name, src in raw.items():
                if name in ("type", "stage", "when", "equals"):
                    continue
                if isinstance(src, Mapping) and set(src) == {"value"}:
                    fields.append((name, ("value", src["value"])))
                elif isinstance(src, str) and src:
                    fields.append((name, src))
                else:
                    raise CrmInputError(
                        f"{here}.{name}: expected a CRM field name, '@changed' or "
                        f'{{"value": ...}}, got {src!r}'
                    )
            given = dict(fields)
            if "on" not in given:
                raise CrmInputError(f"{here}.on: missing (a CRM field or '@changed')")
            when = raw.get("when")
            if when is None:
                when = given.get(_TRIGGER.get(kind, "on"))
                if not isinstance(when, str) or when == _CHANGED:
                    raise CrmInputError(
                        f"{here}.when: needed, since its "
                        f"{_TRIGGER.get(kind, 'on')} names no CRM field"
                    )
            if not isinstance(when, str) or not when:
                raise CrmInputError(f"{here}.when: expected a field name or '@create'")
            entries.append(
                _Entry(kind, stage, when, raw.get("equals"), "equals" in raw, tuple(fields))
            )
        if not any(e.type == "received" for e in entries):
            raise CrmInputError(f"{where}.events: no entry for 'received' (a case starts with it)")
        return cls(entity, tuple(entries), reference, str(timezone))

    def events(self, change: Change, known: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The case events ``change`` makes (without the reference), in the order they
        apply. ``known`` holds the record's last known field values."""
        zone = ZoneInfo(self.timezone)
        out = []
        for entry in self.entries:
            if entry.when == _CREATE:
                if change.operation != "create":
                    continue
            else:
                if entry.when not in change.values:
                    continue
                trigger = _plain(change.values[entry.when])
                if trigger is None or trigger == "":
                    continue  # a field cleared makes no event
                if entry.has_equals and trigger != entry.equals:
                    continue
            event: dict[str, Any] = {"type": entry.type}
            if entry.stage is not None:
                event["stage"] = entry.stage
            for name, src in entry.fields:
                if isinstance(src, tuple):
                    value: Any = src[1]
                elif src == _CHANGED:
                    value = change.changed_at.astimezone(zone).date().isoformat()
                else:
                    value = _plain(_lookup(src, change, known))
                    if value is None:
                        continue
                    if name in _DATES:
                        value = _date(value, src, zone)
                _put(event, name, value)
            out.append(event)
        return sorted(out, key=_event_order)

    def field_names(self) -> set[str]:
        """The CRM fields the mapping reads."""
        names = {e.when for e in self.entries if e.when != _CREATE}
        for e in self.entries:
            names |= {src for _, src in e.fields if isinstance(src, str) and src != _CHANGED}
        if self.reference:
            names.add(self.reference)
        return names


def _event_order(event: Mapping[str, Any]) -> tuple[int, int, int]:
    kind = event["type"]
    if kind == "received":
        return (0, 0, 0)
    if kind in ("withdrawn", "closed"):
        return (2, 0, _ORDER[kind])
    return (1, int(event.get("stage", 1) or 1), _ORDER[kind])


def _export_record(rid: str, rec: _Record) -> dict[str, Any]:
    return {
        "record": rid,
        "reference": rec.reference,
        "received": rec.received,
        "opened": list(rec.opened),
        "fields": {k: [v, list(ver)] for k, (v, ver) in rec.fields.items()},
        "pending": [[where, c.to_json()] for where, c in rec.pending],
    }


def _import_record(data: Mapping[str, Any]) -> _Record:
    return _Record(
        data.get("reference"),
        bool(data.get("received")),
        {
            k: (v[0], (int(v[1][0]), int(v[1][1]), int(v[1][2]), str(v[1][3])))
            for k, v in data.get("fields", {}).items()
        },
        [(str(w), Change.from_json(c)) for w, c in data.get("pending", [])],
        tuple(int(n) for n in data.get("opened", [])),
    )


def _waits_for(events: list[dict[str, Any]], rec: _Record) -> str | None:
    """What a change's events wait for, if anything: the case's receipt, or the escalation
    to a later stage that they are about (a change can arrive before the one doing it)."""
    if not rec.received and not any(e["type"] == "received" for e in events):
        return "its case has not been received yet"
    opened = set(rec.opened) | {
        int(e.get("stage", 2)) for e in events if e["type"] == "escalation_requested"
    }
    for e in events:
        n = e.get("stage", 1) or 1
        if e["type"] != "escalation_requested" and n >= 2 and n not in opened:
            return f"escalation to stage {n} has not been requested yet"
    return None


def _lookup(src: str, change: Change, known: Mapping[str, Any]) -> Any:
    if src in change.values:
        return change.values[src]
    if src in change.image:
        return change.image[src]
    return known.get(src)


def _plain(value: Any) -> Any:
    """A CRM value as a plain one: a Dataverse option set or money value's ``Value``, a
    lookup's ``Name`` (else its ``Id``)."""
    if isinstance(value, Mapping):
        for name in ("Value", "Name", "Id", "value", "name", "id"):
            if name in value and value[name] is not None:
                return value[name]
        return None
    return value


def _date(value: Any, src: str, zone: ZoneInfo) -> str:
    """A CRM date as ISO text: ``YYYY-MM-DD`` as it is; a date-time (ISO with a zone,
    ``/Date(ms)/``) as its date in the mapping's time zone."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            try:
                return date.fromisoformat(text).isoformat()
            except ValueError:
                pass
        elif _DOTNET_DATE.match(text) or "T" in text:
            try:
                return _instant(text, src).astimezone(zone).date().isoformat()
            except CrmInputError:
                pass
    raise CrmInputError(
        f"{src}: expected a date (YYYY-MM-DD, an ISO 8601 date-time or /Date(ms)/), got {value!r}"[
            :300
        ]
    )


def _put(event: dict[str, Any], name: str, value: Any) -> None:
    *path, last = name.split(".")
    node = event
    for part in path:
        node = node.setdefault(part, {})
    node[last] = value


# -- ingesting, replay-safe -------------------------------------------------------------------


@dataclass(slots=True)
class _Record:
    """What the adapter knows of one CRM record."""

    reference: str | None = None
    received: bool = False
    #: mapped field -> (value, version of the change that set it)
    fields: dict[str, tuple[Any, Version]] = field(default_factory=dict)
    #: changes held until the record's case is received (or the stage they are about
    #: is escalated to), with where they came from
    pending: list[tuple[str, Change]] = field(default_factory=list)
    #: the stages after the first that the case was escalated to
    opened: tuple[int, ...] = ()


@dataclass(slots=True)
class Ingested:
    """What ingesting changes did: alerts raised, and every change accounted for."""

    alerts: list[Alert] = field(default_factory=list)
    applied: int = 0
    duplicate: int = 0
    stale: int = 0
    held: int = 0
    released: int = 0
    unmapped: int = 0
    ignored: int = 0
    #: changes waiting out the settling time after this call
    settling: int = 0
    #: (where, what) for each change that could not be read or applied
    rejected: list[tuple[str, str]] = field(default_factory=list)
    #: (where, what) for the changes taken as duplicate, stale, held or ignored
    notes: list[tuple[str, str]] = field(default_factory=list)
    #: the alerts in order, each with where the change that raised it came from
    raised: list[tuple[str, Alert]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.applied} applied, {self.duplicate} duplicate, {self.stale} stale, "
            f"{self.held} held for an earlier change ({self.released} released), "
            f"{self.unmapped} without a mapped field, {self.ignored} ignored, "
            f"{len(self.rejected)} rejected, {self.settling} settling"
        )


class CrmIngest:
    """Feeds a :class:`Monitor` from one CRM's change events through a field mapping.

    ``ingest(items)`` takes ``(where, payload)`` pairs (``where`` names the payload in
    reports, like ``line 7``), reads each as a change, applies them in version order and
    returns what happened (:class:`Ingested`). See the module docstring for how duplicates,
    stale and early changes are handled.
    """

    def __init__(
        self,
        monitor: Monitor,
        mapping: FieldMapping,
        source: str,
        *,
        remember_ended: int = 10_000,
        settle: timedelta = timedelta(0),
    ) -> None:
        if settle < timedelta(0):
            raise CrmInputError("settle: expected a time of 0 or more")
        if source not in SOURCES:
            raise CrmInputError(f"source: expected one of {', '.join(SOURCES)}, got {source!r}")
        self.monitor = monitor
        self.mapping = mapping
        self.source: Source = source
        self._fields = mapping.field_names()
        self._records: dict[str, _Record] = {}
        # records whose case ended: record -> reference (oldest first, bounded)
        self._ended: OrderedDict[str, _Record] = OrderedDict()
        self._remember_ended = remember_ended
        self.settle = settle
        # changes waiting out the settling time, and the latest commit time seen
        self._settling: list[tuple[str, Change]] = []
        self._watermark: datetime | None = None

    # -- state -------------------------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        """The adapter's state, JSON-ready (kept beside the monitor's in a state file)."""
        return {
            "format": CRM_STATE_FORMAT,
            "source": self.source,
            "entity": self.mapping.entity,
            "records": [_export_record(rid, rec) for rid, rec in self._records.items()],
            "ended": [_export_record(rid, rec) for rid, rec in self._ended.items()],
            "settling": [[where, c.to_json()] for where, c in self._settling],
            "watermark": self._watermark.isoformat() if self._watermark else None,
        }

    def restore(self, state: Any) -> None:
        """Carry on from :meth:`export`'s state (replacing what this adapter holds)."""
        if not isinstance(state, Mapping) or state.get("format") != CRM_STATE_FORMAT:
            raise CrmInputError(f"crm.format: expected {CRM_STATE_FORMAT!r}")
        if state.get("source") != self.source or state.get("entity") != self.mapping.entity:
            raise CrmInputError(
                f"crm.source: the state was saved for {state.get('source')} "
                f"{state.get('entity')}, not {self.source} {self.mapping.entity}"
            )
        try:
            records = {str(d["record"]): _import_record(d) for d in state.get("records", [])}
            ended = OrderedDict(
                (str(d["record"]), _import_record(d)) for d in state.get("ended", [])
            )
            settling = [(str(w), Change.from_json(c)) for w, c in state.get("settling", [])]
            mark = state.get("watermark")
            watermark = datetime.fromisoformat(mark) if mark else None
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise CrmInputError(f"crm: corrupt state ({exc!r})") from None
        self._records, self._ended = records, ended
        self._settling, self._watermark = settling, watermark

    @property
    def settling(self) -> int:
        """Changes waiting out the settling time."""
        return len(self._settling)

    @property
    def held(self) -> int:
        """Changes waiting for their record's case to be received."""
        return sum(len(r.pending) for r in self._records.values())

    # -- ingesting ---------------------------------------------------------------------------

    def ingest(self, items: Iterable[tuple[str, Any]], *, flush: bool = False) -> Ingested:
        done = Ingested()
        changes: list[tuple[str, Change]] = []
        for where, payload in items:
            try:
                found = parse_change(self.source, payload)
            except CrmInputError as exc:
                done.rejected.append((where, f"{self.source} change: {exc}"))
                continue
            for change in found:
                if change.entity.lower() != self.mapping.entity.lower():
                    done.rejected.append(
                        (
                            where,
                            f"{change.describe()}: entity: {change.entity!r} is not the mapped "
                            f"case entity {self.mapping.entity!r}",
                        )
                    )
                    continue
                changes.append((where, change))
        for _, change in changes:
            if self._watermark is None or change.changed_at > self._watermark:
                self._watermark = change.changed_at
        # applied in the order the CRM committed them (sorted is stable for ties); with a
        # settling time, only those committed that long before the latest commit seen, so
        # a change delivered late within it still goes first
        waiting = self._settling + changes
        if flush or not self.settle or self._watermark is None:
            ready, self._settling = waiting, []
        else:
            until = self._watermark - self.settle
            ready = [pair for pair in waiting if pair[1].changed_at <= until]
            self._settling = [pair for pair in waiting if pair[1].changed_at > until]
        ready.sort(key=lambda pair: pair[1].version)
        for where, change in ready:
            self._apply(where, change, done)
        done.settling = len(self._settling)
        return done

    def flush(self) -> Ingested:
        """Apply every change still settling (before a clock tick judges deadlines)."""
        return self.ingest((), flush=True)

    def _apply(self, where: str, change: Change, done: Ingested, *, retry: bool = False) -> None:
        if change.operation in ("delete", "undelete"):
            done.ignored += 1
            done.notes.append(
                (
                    where,
                    f"{change.describe()}: ignored (no case event follows from a "
                    f"{change.operation})",
                )
            )
            return
        # an ended case's record is kept (bounded) so a late redelivery is still known
        rec = self._ended.get(change.record) or self._records.get(change.record)
        if rec is None:  # kept once there is something to keep (not for an unmapped change)
            rec = _Record()
            if change.record not in self._ended and any(n in self._fields for n in change.values):
                self._records[change.record] = rec
        fresh = {}
        stale = []
        for name, value in change.values.items():
            if name not in self._fields:
                continue
            before = rec.fields.get(name)
            if before is None or before[1] < change.version:
                fresh[name] = value
            elif before[1] > change.version:
                stale.append(name)
        mapped = [n for n in change.values if n in self._fields]
        if mapped and not fresh and not stale:
            done.duplicate += 1
            done.notes.append((where, f"duplicate: {change.describe()} was already applied"))
            return
        if stale and fresh:
            done.notes.append(
                (
                    where,
                    f"partly stale: {change.describe()}: {', '.join(stale)} already set "
                    "by a later change; the rest applied",
                )
            )
        if stale and not fresh:
            done.stale += 1
            done.notes.append(
                (
                    where,
                    f"stale: {change.describe()}: {', '.join(stale)} already set by a "
                    "later change; ignored",
                )
            )
            return
        view = Change(
            change.source,
            change.entity,
            change.record,
            change.operation,
            change.version,
            change.key,
            change.changed_at,
            fresh,
            change.image,
        )
        known = {k: v for k, (v, _) in rec.fields.items()}
        try:
            events = self.mapping.events(view, known)
        except CrmInputError as exc:
            done.rejected.append((where, f"{change.describe()}: {exc}"))
            return
        starts = any(e["type"] == "received" for e in events)
        waits = _waits_for(events, rec)
        if waits is not None:
            if not events:
                self._remember(rec, change, fresh)
                done.unmapped += 1
                return
            rec.pending.append((where, change))
            self._records.setdefault(change.record, rec)
            if not retry:
                done.held += 1
                done.notes.append(
                    (
                        where,
                        f"held: {change.describe()}: {waits}; kept until the change that "
                        "does it arrives",
                    )
                )
            return
        if retry:
            done.released += 1
        self._remember(rec, change, fresh)
        if rec.reference is None or starts:
            ref = (
                _plain(_lookup(self.mapping.reference, change, known))
                if self.mapping.reference
                else None
            )
            rec.reference = str(ref).strip() if ref not in (None, "") else change.record
        if not events:
            done.unmapped += 1
            return
        if change.record not in self._ended:
            self._records.setdefault(change.record, rec)
        ended = False
        problems = []
        for event in events:
            try:
                posted = self.monitor.post_detailed({"reference": rec.reference, **event})
            except MonitorInputError as exc:
                problems.append(f"{event['type']}: {exc}")
                continue
            if event["type"] == "received":
                rec.received = True
            elif event["type"] == "escalation_requested":
                rec.opened = tuple(sorted({*rec.opened, int(event.get("stage", 2))}))
            if event["type"] in ("closed", "withdrawn") and posted.duplicate is None:
                ended = True
            done.alerts += posted.alerts
            done.raised += [(where, a) for a in posted.alerts]
        for problem in problems:
            done.rejected.append((where, f"{change.describe()}: {problem}"))
        if len(problems) < len(events):
            done.applied += 1
        if rec.received and rec.pending and len(problems) < len(events):
            # what was waiting for this change may go now (the rest waits on)
            waiting, rec.pending = rec.pending, []
            for held_where, held in sorted(waiting, key=lambda pair: pair[1].version):
                self._apply(held_where, held, done, retry=True)
        if ended and change.record in self._records:
            self._end(change.record)

    def _remember(self, rec: _Record, change: Change, fresh: Mapping[str, Any]) -> None:
        for name, value in fresh.items():
            rec.fields[name] = (value, change.version)

    def _end(self, record: str) -> None:
        rec = self._records.pop(record)
        rec.pending = []
        self._ended[record] = rec
        self._ended.move_to_end(record)
        while len(self._ended) > self._remember_ended:
            self._ended.popitem(last=False)
