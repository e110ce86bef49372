"""The live monitor: alerts as a CRM streams case events, on durable-rules (or, where it
cannot be imported, the same generated ruleset judged in Python).

How it is built (see docs/monitor.md):

* **State lives here, not in durable-rules.** Each open complaint is a small record in a
  Python dict keyed by its reference (the folded events: dates, handlers, extensions) with
  its open obligations. durable-rules holds at most 1024 live states per ruleset, so the
  ruleset is only ever posted with one session id: its rules match single messages, every
  message is consumed by the rule it matches (or matches none), and nothing accumulates
  there. 100,000 open cases cost 100,000 small Python records and one durable state.
* **The numbers exist once.** Deadlines come from the evaluator's own functions
  (:func:`acknowledgement_deadline`, :func:`response_deadline`, :func:`review_extensions`)
  with the pack's dated parameters read through a :class:`Context`. The ruleset, its
  conditions and the alert texts are generated from the pack's declarations (each declared
  obligation gets the checks of its kind, see :func:`_checks`); its conditions compare
  dates the monitor computed, so no timescale is copied into it. Announcements (a deadline
  set, a case ended) have no condition and are raised without durable-rules.
* **Time is explicit.** A ``{"type": "tick", "on": DATE}`` event moves "today"; a tick only
  touches the obligations whose deadline it passes (deadlines are bucketed by date).
  durable-rules' own timers count real seconds and are not used.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import json
import os
import sys
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from ..calendar.working_days import CalendarRangeError
from ..engine.engine import Engine
from ..io.loading import DuplicateKeyError, no_duplicate_keys
from ..law.context import Context
from ..law.packs import Pack
from ..law.parameters import UnknownParameterError
from ..law.plugins import NoPackError
from ..law.stage_checks import acknowledgement_deadline, handler_stages, response_deadline
from ..law.timeliness import Deadline, review_extensions
from ..law.timescale import Obligation as TimescaleObligation
from ..law.timescale import Timescale, declared_stages
from ..model.base import Date, InputModel
from ..model.case import (
    AcknowledgedEvent,
    Acknowledgement,
    CaseEvent,
    ClosedEvent,
    Complaint,
    EscalationRequestedEvent,
    Extension,
    ExtensionNotifiedEvent,
    HandlerAssignedEvent,
    LoggedEvent,
    ReceivedEvent,
    RefusedEvent,
    ResponseIssuedEvent,
    Stage,
    WithdrawnEvent,
)
from ..model.policy import ClockStart
from .engines import RULES_ENGINES as RULES_ENGINES  # the command line reads it there
from .evaluator import ABSENT, PythonRuleset, python_source
from .evaluator import m as _m

__all__ = [
    "SNAPSHOT_FORMAT",
    "Alert",
    "AlertKind",
    "Monitor",
    "MonitorInputError",
    "MonitorUnavailable",
    "Posted",
    "StreamEvent",
    "Tick",
    "monitor_ruleset",
    "resolve_rules_engine",
]

#: Identifies an exported monitor state (:meth:`Monitor.export`); bumped on a breaking change.
#: Version 2 added what keeps posting idempotent across a restore (each case's applied
#: events and ids, and the recently ended cases); version 1 snapshots are migrated.
SNAPSHOT_FORMAT = "complaintrules-monitor/2"
_SNAPSHOT_V1 = "complaintrules-monitor/1"

#: How many ended (closed or withdrawn) cases the monitor remembers after it stops tracking
#: them, so that a redelivered event for one is recognised as a duplicate.
REMEMBER_ENDED = 10_000

_ACK, _RESP = "acknowledge", "respond"
#: The rule ids of a missing-definition alert, which may belong to another rule than the
#: acknowledgement's (see Timescale.definition_by).
_DEFINITION = "definition"
_OPEN, _MET, _BREACHED = "open", "met", "breached"


# -- errors and public records -------------------------------------------------------------


class MonitorUnavailable(RuntimeError):  # noqa: N818 - the name says what it means
    """durable-rules was asked for (``rules_engine="durable"``) but is not installed or
    cannot be imported (it does not on Python 3.13+). Without that request the monitor
    falls back to the pure-Python evaluator of the same ruleset."""


class MonitorInputError(ValueError):
    """A streamed event was rejected; the monitor's state is exactly as before it."""


class AlertKind(StrEnum):
    DUE = "due"
    BREACHED = "breached"
    EXTENSION_INVALID = "extension_invalid"
    SAME_HANDLER = "same_handler"
    CLOSED = "closed"
    #: an earlier breach alert withdrawn: the obligation was met in time after all (the
    #: event saying so was delivered after the tick that judged it)
    RETRACTED = "retracted"


@dataclass(frozen=True, slots=True)
class Alert:
    """Something the monitor raised about one case.

    ``on`` is the date of the event or clock tick that raised it; ``deadline`` is the
    obligation's deadline where there is one.
    """

    reference: str
    kind: AlertKind
    on: date
    message: str
    rule_id: str | None = None
    stage: int | None = None
    deadline: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "kind": self.kind.value,
            "on": self.on.isoformat(),
            "rule_id": self.rule_id,
            "stage": self.stage,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "message": self.message,
        }

    def __str__(self) -> str:
        rule = f" {self.rule_id}" if self.rule_id else ""
        return f"{self.on.isoformat()} {self.reference} {self.kind.value}{rule}: {self.message}"


class Tick(InputModel):
    """A clock event: ``today`` is now ``on``."""

    type: Literal["tick"]
    on: Date


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One case event as streamed: the case's reference, the event and, optionally, the
    CRM's id for it (posting is idempotent by id)."""

    reference: str
    event: CaseEvent
    id: str | None = None


class Posted(NamedTuple):
    """What posting one item did (:meth:`Monitor.post_detailed`)."""

    alerts: list[Alert]
    #: why the item was taken as a repeat of one already applied (None when it was applied)
    duplicate: str | None = None


class _Duplicate(str):
    """What :meth:`Monitor._event` returns for a repeat: the reason, instead of alerts."""

    __slots__ = ()


#: each event class's JSON serializer (pydantic's public ``TypeAdapter.serializer``): the
#: same bytes as ``event.model_dump_json().encode()``, without the keyword handling around
#: it and the text decoded only to be encoded again
_TO_JSON: Mapping[type[Any], Callable[[Any], bytes]] = MappingProxyType(
    {
        kind: TypeAdapter(kind).serializer.to_json
        for kind in (
            ReceivedEvent,
            LoggedEvent,
            AcknowledgedEvent,
            HandlerAssignedEvent,
            ExtensionNotifiedEvent,
            ResponseIssuedEvent,
            EscalationRequestedEvent,
            RefusedEvent,
            WithdrawnEvent,
            ClosedEvent,
        )
    }
)


def _digest(event: CaseEvent) -> bytes:
    """8 bytes standing for the event's content (its canonical JSON, defaults included, so
    ``"stage": 1`` given or left out is the same event)."""
    return hashlib.blake2b(_TO_JSON[type(event)](event), digest_size=8).digest()


def _seen(seen: bytes, digest: bytes) -> bool:
    """Whether ``digest`` is one of the 8-byte digests packed in ``seen``."""
    at = seen.find(digest)
    while at != -1:
        if at % 8 == 0:
            return True
        at = seen.find(digest, at + 1)
    return False


def _event_id(value: Any) -> str:
    """A stream item's ``id``: a non-empty string (a whole number is taken as its text)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip() and len(value) <= 200:
        return value.strip()
    raise MonitorInputError(
        f"id: expected a non-empty string of at most 200 characters, got {value!r}"[:300]
    )


_EVENT = TypeAdapter[CaseEvent](CaseEvent)
# the adapter's core validator, called directly: TypeAdapter.validate_python only adds
# argument handling around it
_validate_event: Callable[[Any], CaseEvent] = _EVENT.validator.validate_python


def _describe_errors(exc: ValidationError, prefix: str) -> str:
    """One line per problem, naming the field path (``event.on``, ``event.new_due`` ...)."""
    parts = []
    for e in exc.errors():
        loc = list(e["loc"])
        # the discriminated union puts the event type first in the path: drop it
        if loc and isinstance(loc[0], str) and loc[0] in _EVENT_TYPES and len(loc) > 1:
            loc = loc[1:]
        path = prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)
        got = e.get("input")
        shown = f" (got {got!r})" if got is not None and not isinstance(got, dict) else ""
        parts.append(f"{path}: {e['msg']}{shown}")
    return "; ".join(parts)


_EVENT_TYPES = frozenset(
    {
        "received",
        "logged",
        "acknowledged",
        "handler_assigned",
        "extension_notified",
        "response_issued",
        "escalation_requested",
        "refused",
        "withdrawn",
        "closed",
    }
)


def parse_stream_item(item: Mapping[str, Any] | StreamEvent | Tick) -> StreamEvent | Tick:
    """Validate one streamed item: a tick, or a case event with its reference.

    A case event is ``{"reference": R, "event": {...}}`` or the same flattened
    (``{"reference": R, "type": "received", "on": ...}``).
    """
    parsed = _parse(item)
    return StreamEvent(*parsed) if type(parsed) is tuple else parsed  # type: ignore[return-value]


def _parse(
    item: Mapping[str, Any] | StreamEvent | Tick,
) -> tuple[str, CaseEvent, str | None] | Tick:
    """:func:`parse_stream_item`, a case event given as (reference, event, id) (cheaper
    than building a frozen StreamEvent for every event)."""
    if type(item) is not dict:  # the common case (decoded JSON) skips these checks
        if isinstance(item, StreamEvent):
            ident = None if item.id is None else _event_id(item.id)
            return item.reference, item.event, ident
        if isinstance(item, Tick):
            return item
        if not isinstance(item, Mapping):
            raise MonitorInputError(f"expected a JSON object, got {type(item).__name__}")
    ident = None
    if "id" in item:
        # the stream's envelope, like the reference: not part of the case event
        ident = _event_id(item["id"])
        item = {k: v for k, v in item.items() if k != "id"}
    if item.get("type") == "tick":
        try:
            # a tick needs no id: the same tick again passes no new deadline
            return Tick.model_validate(item)
        except ValidationError as exc:
            raise MonitorInputError("invalid tick: " + _describe_errors(exc, "tick")) from None
    reference = item.get("reference")
    if not isinstance(reference, str) or not reference.strip():
        raise MonitorInputError(
            "reference: every case event needs the case's reference (a non-empty string)"
            + (f", got {reference!r}" if reference is not None else "")
        )
    if "event" in item:
        extra = sorted(k for k in item if k not in ("reference", "event"))
        if extra:
            raise MonitorInputError(f"{', '.join(extra)}: unexpected beside 'event' and 'id'")
        raw = item["event"]
        prefix = "event"
    else:
        raw = dict(item)
        del raw["reference"]
        prefix = "event"
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise MonitorInputError(f"event: expected an object, got {type(raw).__name__}")
    try:
        event = _validate_event(raw)
    except ValidationError as exc:
        raise MonitorInputError(
            f"invalid event for {reference.strip()}: " + _describe_errors(exc, prefix)
        ) from None
    return reference.strip(), event, ident


# -- durable-rules -------------------------------------------------------------------------


def _load_durable() -> tuple[Any, Any]:
    """The durable-rules engine module and its rule language, or MonitorUnavailable."""
    major, minor = sys.version_info[0], sys.version_info[1]
    if (major, minor) >= (3, 13):
        raise MonitorUnavailable(
            "the event monitor needs durable-rules, which does not import on Python "
            f"{major}.{minor} (it uses C APIs removed in 3.13). Run the monitor on Python "
            "3.11 or 3.12 with the 'live' extra: pip install 'complaintrules[live]'. "
            "The rest of complaintrules works here."
        )
    try:
        import durable.engine as engine
        import durable.lang as lang
    except ImportError as exc:
        raise MonitorUnavailable(
            "the event monitor needs durable-rules, which is not installed "
            f"({exc}). Install the 'live' extra on Python < 3.13: "
            "pip install 'complaintrules[live]'."
        ) from None
    return engine, lang


#: The environment variable that chooses the monitor's rules engine when ``Monitor`` is
#: not told (``auto``, ``durable`` or ``python``).
RULES_ENGINE_ENV = "COMPLAINTRULES_MONITOR_ENGINE"


def resolve_rules_engine(choice: str | None = None) -> Literal["durable", "python"]:
    """Which engine runs the monitor's generated ruleset: ``durable`` (durable-rules) or
    ``python`` (:class:`~complaintrules.monitor.evaluator.PythonRuleset`, the same
    definition judged in Python).

    ``choice`` (else the ``COMPLAINTRULES_MONITOR_ENGINE`` environment variable, else
    ``auto``): ``auto`` takes durable-rules where it imports and the Python evaluator where
    it does not (Python 3.13 and later, or the 'live' extra not installed); ``durable``
    insists on durable-rules (:class:`MonitorUnavailable` saying why where it cannot be
    imported); ``python`` always takes the Python evaluator.
    """
    where = "rules_engine"
    if choice is None:
        choice = os.environ.get(RULES_ENGINE_ENV, "").strip().lower() or "auto"
        where = RULES_ENGINE_ENV
    if choice not in RULES_ENGINES:
        raise ValueError(f"{where}: expected one of {', '.join(RULES_ENGINES)}, got {choice!r}")
    if choice == "python":
        return "python"
    if choice == "durable":
        _load_durable()
        return "durable"
    try:
        _load_durable()
    except MonitorUnavailable:
        return "python"
    return "durable"


def _declared_rule_ids(pack: Pack) -> dict[str, dict[int, str]]:
    """Which rule each monitored obligation belongs to, from the pack's declarations: its
    timescale declarations (with the rules they name for extensions and the complaint
    definition) and its different-handlers checks."""
    out: dict[str, dict[int, str]] = {}
    for n, stage in declared_stages(pack.rules).items():
        for word, rule_id in (
            (_ACK, stage.rule_id(TimescaleObligation.ACKNOWLEDGE)),
            (_RESP, stage.rule_id(TimescaleObligation.RESPOND)),
            ("extension", stage.extensions_rule),
            (_DEFINITION, stage.definition_rule),
        ):
            if rule_id is not None:
                out.setdefault(word, {})[n] = rule_id
    for r in pack.rules:
        pair = handler_stages(r.case)
        if pair is not None and pair[1] == pair[0] + 1:
            out.setdefault("handler", {}).setdefault(pair[1], r.id)
    return out


def _rule_id(ids: Mapping[str, Mapping[int, str]], what: _RuleMeaning) -> str | None:
    """The rule an alert belongs to: a missing definition's rule where one is named (a map
    given without one keeps the acknowledgement's), else the obligation's."""
    if what.stage is None:
        return None
    if what.check == "undefined" and _DEFINITION in ids:
        return ids[_DEFINITION].get(what.stage)
    return ids.get(what.obligation, {}).get(what.stage)


# -- the ruleset, generated from the declarations ------------------------------------------


def _day(ordinal: int) -> date:
    return date.fromordinal(ordinal)


#: An alert's text: (noun of the obligation, stage, message) -> (message, deadline).
_Text = Callable[[str, int, Mapping[str, Any]], tuple[str, "date | None"]]


def _due_text(noun: str, n: int, m: Mapping[str, Any]) -> tuple[str, date | None]:
    due = _day(m["due"])
    return f"stage {n} {noun} due by {due}", due


def _late_text(noun: str, n: int, m: Mapping[str, Any]) -> tuple[str, date | None]:
    due = _day(m["due"])
    return f"stage {n} {noun} on {_day(m['on'])}, after its deadline {due}", due


def _undefined_text(noun: str, n: int, m: Mapping[str, Any]) -> tuple[str, date | None]:
    return (
        f"stage {n} acknowledged on {_day(m['on'])} without a complete complaint "
        "definition (our understanding and the outcome sought)",
        _day(m["due"]),
    )


def _unmet_text(noun: str, n: int, m: Mapping[str, Any]) -> tuple[str, date | None]:
    due = _day(m["due"])
    return f"no stage {n} {noun} by {_day(m['at'])}; it was due by {due}", due


def _retract_text(noun: str, n: int, m: Mapping[str, Any]) -> tuple[str, date | None]:
    due = _day(m["due"])
    return (
        f"the breach alert for the stage {n} {noun} is withdrawn: the {noun} dated "
        f"{_day(m['on'])} was within its deadline {due} (the event came after the tick that "
        "had judged the deadline passed)",
        due,
    )


def _after_deadline_text(noun: str, n: int, m: Mapping[str, Any]) -> tuple[str, date | None]:
    in_force = _day(m["in_force"])
    return (
        f"extensions[{m['index']}] at stage {n} was notified on {_day(m['notified'])}, "
        f"after the deadline then in force {in_force}, so it does not extend it",
        in_force,
    )


def _beyond_cap_text(noun: str, n: int, m: Mapping[str, Any]) -> tuple[str, date | None]:
    cap = _day(m["cap"])
    return (
        f"extensions[{m['index']}] at stage {n} moves the deadline to {_day(m['new_due'])}, "
        f"beyond {cap} (the latest date without a recorded good reason), so only that date "
        "counts",
        cap,
    )


def _no_reason_text(noun: str, n: int, m: Mapping[str, Any]) -> tuple[str, date | None]:
    return f"extensions[{m['index']}] at stage {n} gives the resident no reason", None


def _same_text(noun: str, n: int, m: Mapping[str, Any]) -> tuple[str, date | None]:
    names = m["names"]
    return f"{names[1]} handles stage {n}, having handled stage {n - 1}", None


def _end_text(noun: str, n: int, m: Mapping[str, Any]) -> tuple[str, date | None]:
    return f"case {m['how']} on {_day(m['on'])}", None


class _Check(NamedTuple):
    """One alert a kind of declared obligation can raise: the message it judges, the
    condition durable-rules judges on it, and the alert's kind and text.

    A check without a condition is an announcement (a deadline set, a case ended): every
    message of its kind raises it, so it is raised without asking durable-rules, which
    would have nothing to judge (and an action it runs costs about twice a message it
    merely matches against)."""

    name: str
    kind: AlertKind
    #: the kind of message it judges (what the monitor posts)
    judges: str
    #: over durable's ``m``, beyond the message's kind; None: an announcement
    condition: Callable[[Any], Any] | None
    text: _Text


_ANNOUNCED = None


#: A field the message does not carry (``breached`` where no breach was raised): no
#: comparison with it holds, as durable-rules matches no condition on it
#: (tests/core/test_monitor_posting.py holds durable and :func:`_could_fire` to the same
#: verdicts).
_ABSENT = ABSENT
_python = python_source


#: A message kind's rules judged in Python: whether any of them could fire on a message.
_Could = Callable[[Mapping[str, Any]], bool]


def _could_fire(conditions: list[Mapping[str, Any]]) -> _Could:
    """Whether any of ``conditions`` (the JSON conditions durable-rules is given for the
    rules judging one kind of message) holds for a message, compiled from that JSON into
    one Python expression. A message none of them holds for is not posted (durable would
    match it to no rule, at several times the cost of judging it here); one that any holds
    for is posted, and durable's verdict decides what fires."""
    try:
        source = "lambda m: " + " or ".join(_python(c) for c in conditions)
    except ValueError:
        return _posted  # a condition not written in Python here: durable judges every message
    # the text is written above from the ruleset's own definition, never from a message
    could: _Could = eval(source, {"__builtins__": {}, "A": _ABSENT})
    return could


def _posted(message: Mapping[str, Any]) -> bool:
    return True


def _ack_and_response_checks(*, definition: bool) -> tuple[_Check, ...]:
    breach = AlertKind.BREACHED
    checks = [
        _Check("due", AlertKind.DUE, "due", _ANNOUNCED, _due_text),
        _Check("late", breach, "done", lambda m: m.on > m.due, _late_text),
    ]
    if definition:
        checks.append(
            _Check(
                "undefined",
                breach,
                "done",
                lambda m: (m.on <= m.due) & (m.defined == 0),
                _undefined_text,
            )
        )
    checks += [
        _Check("unmet", breach, "unmet", lambda m: m.at > m.due, _unmet_text),
        # done in time (with a definition, where one is asked for) after a tick had
        # already judged it unmet
        _Check(
            "retract",
            AlertKind.RETRACTED,
            "done",
            lambda m: (m.on <= m.due) & (m.defined == 1) & (m.breached == 1),
            _retract_text,
        ),
    ]
    return tuple(checks)


_EXTENSION_CHECKS = (
    _Check(
        "after_deadline",
        AlertKind.EXTENSION_INVALID,
        "ext_notice",
        lambda m: m.notified > m.in_force,
        _after_deadline_text,
    ),
    _Check(
        "beyond_cap",
        AlertKind.EXTENSION_INVALID,
        "ext_cap",
        lambda m: (m.notified <= m.in_force) & (m.new_due > m.cap) & (m.good == 0),
        _beyond_cap_text,
    ),
    _Check(
        "no_reason",
        AlertKind.EXTENSION_INVALID,
        "ext_reason",
        lambda m: m.reason == 0,
        _no_reason_text,
    ),
)
_HANDLER_CHECK = _Check(
    "handler", AlertKind.SAME_HANDLER, "handlers", lambda m: m.earlier == m.later, _same_text
)
_END_CHECK = _Check("end", AlertKind.CLOSED, "end", _ANNOUNCED, _end_text)


def _checks(obligation: TimescaleObligation, *, require_definition: bool) -> tuple[_Check, ...]:
    """What the monitor checks for one declared obligation of a stage."""
    if obligation is TimescaleObligation.EXTEND:
        return _EXTENSION_CHECKS
    return _ack_and_response_checks(
        definition=obligation is TimescaleObligation.ACKNOWLEDGE and require_definition
    )


#: How an obligation is named in rule names, rule-id maps, alert keys and texts:
#: (word, rule-name prefix, noun).
_NAMES = {
    TimescaleObligation.ACKNOWLEDGE: (_ACK, "ack", "acknowledgement"),
    TimescaleObligation.RESPOND: (_RESP, "resp", "response"),
    TimescaleObligation.EXTEND: ("extension", "ext", "extension"),
}


def _key(judges: str, word: str, stage: int | None) -> str:
    """The kind of a message and what it is about: its ``t`` (one field for durable to
    match on, rather than three)."""
    return judges if stage is None else f"{judges}:{word}:{stage}"


@dataclass(frozen=True, slots=True)
class _RuleMeaning:
    kind: AlertKind
    obligation: str  # acknowledge, respond, extension, handler, end
    stage: int | None
    # due, late, undefined, unmet, retract, after_deadline, beyond_cap, no_reason, handler, end
    check: str
    noun: str = ""
    text: _Text = _end_text


def _monitored(pack: Pack) -> list[tuple[TimescaleObligation, int, bool]]:
    """(obligation, stage, whether an acknowledgement must record the complaint definition)
    for each obligation ``pack`` declares, in stage order; none for a pack that declares no
    timescale (the monitor never guesses a pack's parameter names).

    A stage's extensions are watched where a declaration judges them (its own, or a
    response declared ``with_extensions``); a definition is asked for where a declaration
    names the rule judging it."""
    found: list[tuple[TimescaleObligation, int, bool]] = []
    for n, stage in declared_stages(pack.rules).items():
        if stage.get(TimescaleObligation.ACKNOWLEDGE) is not None:
            found.append((TimescaleObligation.ACKNOWLEDGE, n, stage.definition_rule is not None))
        if stage.get(TimescaleObligation.RESPOND) is not None:
            found.append((TimescaleObligation.RESPOND, n, False))
        if stage.extensions_rule is not None:
            found.append((TimescaleObligation.EXTEND, n, False))
    return found


def _handler_stages(pack: Pack) -> list[int]:
    """The later stage of each pair of consecutive stages whose handlers the pack requires
    to differ (its checks built with ``different_handlers``)."""
    found = set()
    for r in pack.rules:
        pair = handler_stages(r.case)
        if pair is not None and pair[1] == pair[0] + 1:
            found.add(pair[1])
    return sorted(found)


def monitor_ruleset(
    pack: Pack,
) -> tuple[dict[str, Any], dict[str, _RuleMeaning], dict[str, str], dict[str, _Could]]:
    """The durable-rules ruleset for ``pack``, generated from its declarations: its JSON
    definition, what each rule means, the announcements (message kind -> rule name)
    raised without durable-rules, and for each kind of message durable judges whether any
    of its rules could fire (:func:`_could_fire`, from the same conditions).

    Each obligation a rule declares (a stage's acknowledgement, response or extensions,
    see :class:`Timescale`) gets the checks of its kind (:func:`_checks`), and each pair
    of stages whose handlers must differ a same-handler check. Conditions compare dates
    the monitor computed with the evaluator's functions; no timescale appears in them.
    The same definition runs on durable-rules or, where it cannot be imported, on the
    pure-Python :class:`~complaintrules.monitor.evaluator.PythonRuleset`.
    """
    # conditions are written over the rule language's ``m``, which writes the JSON
    # durable-rules' own ``m`` writes: durable is needed to run the ruleset, not to build it
    m = _m
    rules: dict[str, Any] = {}
    meaning: dict[str, _RuleMeaning] = {}
    announced: dict[str, str] = {}
    conditions: dict[str, list[Mapping[str, Any]]] = {}

    def add(name: str, word: str, noun: str, stage: int | None, check: _Check) -> None:
        meaning[name] = _RuleMeaning(check.kind, word, stage, check.name, noun, check.text)
        key = _key(check.judges, word, stage)
        if check.condition is None:
            announced[key] = name
        else:
            condition = ((m.t == key) & check.condition(m)).define()
            rules[name] = {"all": [{"m": condition}]}
            conditions.setdefault(key, []).append(condition)

    for obligation, n, require_definition in _monitored(pack):
        word, prefix, noun = _NAMES[obligation]
        for check in _checks(obligation, require_definition=require_definition):
            add(f"{prefix}_{check.name}_{n}", word, noun, n, check)
    for n in _handler_stages(pack):
        add(f"same_handler_{n}", "handler", "", n, _HANDLER_CHECK)
    add("ended", "end", "", None, _END_CHECK)
    return rules, meaning, announced, {key: _could_fire(c) for key, c in conditions.items()}


_RULESET_COUNTER = itertools.count(1)


class _Ruleset:
    """One durable-rules ruleset, run synchronously through ``durable.engine.Ruleset``.

    Each rule's action records its own name, so the rules a message fired are exactly the
    actions durable ran for it, in its order. The ruleset is not registered with a durable
    ``Host``: a host's background threads dispatch pending actions themselves, which could
    run an action outside :meth:`post` and lose its alert. Every message is posted with
    the same (default) session id, so the ruleset never holds more than one live state.
    """

    def __init__(self, name: str, definition: Mapping[str, Any]) -> None:
        engine, _ = _load_durable()
        self.name = name
        self._not_handled = engine.MessageNotHandledException
        self._fired: list[str] = []
        rules = {rule: {**spec, "run": self._recorder(rule)} for rule, spec in definition.items()}
        self._rules = engine.Ruleset(name, None, rules)

    def _recorder(self, rule: str) -> Callable[[Any], None]:
        fired = self._fired

        def run(c: Any) -> None:
            fired.append(rule)

        return run

    def post(self, message: dict[str, Any]) -> list[str]:
        """The names of the rules the message fired ([] when none matched).

        The message carries no ``sid`` (durable's default session, ``"0"``) and no ``id``
        (durable's check for a message asserted twice would only cost time here: each is
        consumed by the rule it fires)."""
        try:
            state = self._rules.assert_event(message)
        except self._not_handled:
            return []
        failed: list[BaseException] = []

        def done(error: BaseException | None, _: Any) -> None:
            if error is not None:
                failed.append(error)

        self._fired.clear()
        self._rules.do_actions(state, done)
        if failed:
            raise RuntimeError(f"durable-rules failed on a message: {message}") from failed[0]
        fired = self._fired[:]
        self._fired.clear()
        return fired

    def close(self) -> None:
        """Nothing to release through durable's public API: it has no call that deletes a
        ruleset (the engine keeps it, about 0.7 MB, until the process ends), and deleting
        the session state aborts the process when no message has matched yet."""


# -- per-case state ------------------------------------------------------------------------


class _StageState(NamedTuple):
    """One stage as its events built it: a view of the plain tuple the case stores."""

    number: int
    requested_on: date | None = None
    logged_on: date | None = None
    acknowledged_on: date | None = None
    defined: bool = False
    handler: str | None = None
    extensions: tuple[Extension, ...] = ()
    responded_on: date | None = None

    def but(self, **changes: Any) -> _StageState:
        """A copy with ``changes`` (cheaper than ``_replace``)."""
        values = list(self)
        for name, value in changes.items():
            values[_STAGE_FIELDS[name]] = value
        return tuple.__new__(_StageState, values)


_STAGE_FIELDS = {name: i for i, name in enumerate(_StageState._fields)}


#: An obligation: (deadline, status).
_Obligation = tuple[date, str]

#: What planning an event may change: stages, obligations, withdrawn and closed dates.
_Checkpoint = tuple[
    tuple[tuple[Any, ...], ...], tuple[tuple[str, int, date, str], ...], date | None, date | None
]


@dataclass(slots=True)
class _CaseState:
    """One open case.

    Its stages and obligations are held as tuples of plain tuples (dates, strings,
    numbers), each replaced whole rather than changed in place. The garbage collector
    stops tracking a plain tuple of such values at its first pass (it does not for named
    tuples or dicts holding new tuples), so an event leaves no new tracked object behind to
    be promoted to the oldest generation, and an open case is one tracked object (this
    record). With 100,000 open cases that is most of what full collections cost. Both
    tuples keep first-insertion order, as the dicts they replace did.
    """

    reference: str
    pack: str
    received_on: date
    received_at: time | None = None
    # (number, requested_on, logged_on, acknowledged_on, defined, handler, extensions,
    # responded_on) per stage, in the order the stages were opened
    stages: tuple[tuple[Any, ...], ...] = ()
    withdrawn_on: date | None = None
    closed_on: date | None = None
    # (obligation, stage, deadline, status), in the order they were opened
    obligations: tuple[tuple[str, int, date, str], ...] = ()
    raised: tuple[str, ...] = ()  # alert keys
    # the 8-byte digests of the events applied, packed (bytes are not tracked by the
    # garbage collector), and the CRM's ids for them: what makes a redelivery a duplicate
    seen: bytes = b""
    ids: tuple[str, ...] = ()
    # restored from a version 1 snapshot, which kept no digests: a once-only event repeated
    # on the date already recorded is taken as a duplicate
    migrated: bool = False
    # not exported: looked up again from the pack after a restore
    params: dict[int, _StageParams] | None = field(default=None, repr=False, compare=False)

    @property
    def ended(self) -> bool:
        return self.closed_on is not None or self.withdrawn_on is not None

    def start_of(self, stage: _StageState) -> date | None:
        return self.received_on if stage.number <= 1 else stage.requested_on

    # -- stages --------------------------------------------------------------------------

    def stage(self, n: int) -> _StageState | None:
        for raw in self.stages:
            if raw[0] == n:
                return tuple.__new__(_StageState, raw)
        return None

    def has_stage(self, n: int) -> bool:
        return any(raw[0] == n for raw in self.stages)

    def stage_numbers(self) -> list[int]:
        return [raw[0] for raw in self.stages]

    def all_stages(self) -> list[_StageState]:
        return [tuple.__new__(_StageState, raw) for raw in self.stages]

    def put_stage(self, stage: _StageState) -> _StageState:
        """Store ``stage`` (replacing the stage of its number) and return it."""
        raw = tuple(stage)
        n = raw[0]
        stages = self.stages
        if len(stages) == 1 and stages[0][0] == n:  # the usual case: stage 1 alone
            self.stages = (raw,)
            return stage
        for i, old in enumerate(stages):
            if old[0] == n:
                self.stages = (*stages[:i], raw, *stages[i + 1 :])
                return stage
        self.stages = (*stages, raw)
        return stage

    # -- obligations ---------------------------------------------------------------------

    def obligation(self, ob: str, n: int) -> _Obligation | None:
        for entry in self.obligations:
            if entry[1] == n and entry[0] == ob:
                return entry[2], entry[3]
        return None

    def obligation_items(self) -> list[tuple[tuple[str, int], _Obligation]]:
        """Like ``dict.items()`` of a map (obligation, stage) -> (deadline, status)."""
        return [((o, k), (due, status)) for o, k, due, status in self.obligations]

    def set_obligation(self, ob: str, n: int, due: date, status: str) -> None:
        entry = (ob, n, due, status)
        obligations = self.obligations
        if len(obligations) == 2:  # the usual case: stage 1's two obligations
            first, second = obligations
            if first[1] == n and first[0] == ob:
                self.obligations = (entry, second)
                return
            if second[1] == n and second[0] == ob:
                self.obligations = (first, entry)
                return
        for i, old in enumerate(obligations):
            if old[1] == n and old[0] == ob:
                self.obligations = (*obligations[:i], entry, *obligations[i + 1 :])
                return
        self.obligations = (*obligations, entry)

    def has_open_obligation(self) -> bool:
        return _OPEN in [entry[3] for entry in self.obligations]

    # -- rollback ------------------------------------------------------------------------

    def checkpoint(self) -> _Checkpoint:
        """What planning an event may change, to put back if the event is rejected (the
        tuples are never changed in place, so holding them is enough)."""
        return self.stages, self.obligations, self.withdrawn_on, self.closed_on

    def rollback(self, saved: _Checkpoint) -> None:
        self.stages, self.obligations, self.withdrawn_on, self.closed_on = saved


class _Ended(NamedTuple):
    """A case no longer tracked (closed or withdrawn, nothing left to judge), remembered so
    that a redelivered event for it is known as a duplicate."""

    how: str
    on: date
    received_on: date
    seen: bytes
    ids: tuple[str, ...]


#: The once-only events (as in the case model's event list): what a repeat is compared with.
_ONCE_WORDS = {
    "received": "the case was already received",
    "logged": "stage {n} was already logged",
    "acknowledged": "stage {n} was already acknowledged",
    "response_issued": "stage {n}'s response was already issued",
    "escalation_requested": "escalation to stage {n} was already requested",
}
#: where a stage keeps the date of each once-only event
_ONCE_FIELD = {
    "logged": _STAGE_FIELDS["logged_on"],
    "acknowledged": _STAGE_FIELDS["acknowledged_on"],
    "response_issued": _STAGE_FIELDS["responded_on"],
    "escalation_requested": _STAGE_FIELDS["requested_on"],
}


def _clock_names(timescale: Timescale) -> tuple[Any, ...]:
    """The parameters a response or extension declaration counts its clock with."""
    return (timescale.days, timescale.clock, timescale.acknowledge_days, timescale.extension_cap)


@dataclass(frozen=True, slots=True)
class _StageParams:
    ack_days: int | None
    respond_days: int | None
    respond_from: ClockStart | None
    extension_cap: int | None
    #: the acknowledgement timescale the response clock counts from
    clock_ack_days: int | None
    #: whether an acknowledgement must record the complaint definition
    require_definition: bool
    #: whether the stage's extensions are judged (extension_invalid alerts)
    check_extensions: bool
    #: the clock the extensions are judged by, (days, clock start, acknowledgement days,
    #: cap), where their declaration names other parameters than the response's (None:
    #: the response's)
    extension_clock: tuple[int, ClockStart, int, int] | None = None


# -- the monitor ---------------------------------------------------------------------------

#: What a committed event does, in order, as plain data (cheaper than a closure per step):
#: ``(_POST, message)``, ``(_SCHEDULE, obligation, stage, deadline)``,
#: ``(_ANNOUNCE, obligation, stage, deadline, due message)`` (schedule, then post) and
#: ``(_END, [(obligation, stage, deadline) stopped], how)``.
_Step = tuple[Any, ...]
_POST, _SCHEDULE, _ANNOUNCE, _END = range(4)


def _announce(ob: str, n: int, due: date) -> _Step:
    return (_ANNOUNCE, ob, n, due, {"t": f"due:{ob}:{n}", "due": due.toordinal()})


#: A pack's ruleset; for each of its rules what it means and the rule id its alerts carry;
#: the rule each announcement raises (by message kind); and for each kind of message
#: durable judges, whether a message of it could fire a rule.
_PackRules = tuple[
    "_Ruleset | PythonRuleset",
    dict[str, tuple[_RuleMeaning, str | None]],
    dict[str, tuple[str, ...]],
    dict[str, _Could],
]


class Monitor:
    """Raises alerts as case events and clock ticks stream in.

    ``post(item)`` takes one streamed item (a mapping as decoded from JSON, a
    :class:`StreamEvent` or a :class:`Tick`) and returns the alerts it raised, in order.
    An event that matches no rule returns ``[]``; one that fails validation raises
    :class:`MonitorInputError` and changes nothing. Many threads may post to one monitor;
    many monitors may live in one process (each has its own uniquely named ruleset).

    ``pack`` names the pack to judge every case by; by default each case is judged by the
    pack in force on its receipt date, as the evaluator does. Deadlines use ``engine``'s
    calendar and conventions (default: ``Engine()``).

    ``rules_engine`` chooses what runs the generated ruleset (see
    :func:`resolve_rules_engine`): by default durable-rules where it imports, else the
    pure-Python evaluator of the same ruleset; :attr:`rules_engine` says which was taken.
    """

    def __init__(
        self,
        *,
        engine: Engine | None = None,
        pack: str | None = None,
        rule_ids: Mapping[str, Mapping[str, Mapping[int, str]]] | None = None,
        name: str | None = None,
        remember_ended: int = REMEMBER_ENDED,
        rules_engine: str | None = None,
    ) -> None:
        # chosen (and durable-rules loaded) at construction, so a missing engine fails
        # here with the reason, not at the first event
        self.rules_engine = resolve_rules_engine(rules_engine)
        if remember_ended < 0:
            raise ValueError("remember_ended: expected 0 or more cases")
        self.engine = engine if engine is not None else Engine()
        self.pack_name = pack
        self.name = (
            name or f"complaintrules-monitor-{next(_RULESET_COUNTER)}-{uuid.uuid4().hex[:8]}"
        )
        # a pack's own map replaces the ids its declarations give (see _ruleset)
        self._rule_ids = {
            k: {o: dict(s) for o, s in v.items()} for k, v in (rule_ids or {}).items()
        }
        self._lock = threading.RLock()
        self._cases: dict[str, _CaseState] = {}
        self._open = 0
        self._today: date | None = None
        self._buckets: dict[int, list[tuple[str, str, int]]] = {}
        self._heap: list[int] = []
        self._rulesets: dict[str, _PackRules] = {}
        self._params: dict[tuple[str, date], dict[int, _StageParams]] = {}
        self._deadlines: dict[tuple[Any, ...], Deadline] = {}
        self._reviews: dict[tuple[Any, ...], tuple[date, date]] = {}
        self._packs: dict[str, Pack] = {}
        self._pack_by_date: dict[date, Pack] = {}
        # (rule, due) or (rule, how, on) -> alert key, message, deadline: the same few
        # texts recur across cases (due and closed alerts are most of them)
        self._texts: dict[tuple[Any, ...], tuple[str, str, date | None]] = {}
        # idempotent posting: ids of the events applied to tracked and remembered cases ->
        # (reference, digest, event type); ended cases remembered, oldest first
        self._ids: dict[str, tuple[str, bytes, str]] = {}
        self._ended: OrderedDict[str, _Ended] = OrderedDict()
        self._remember_ended = remember_ended
        self._duplicates = 0

    # -- public API ----------------------------------------------------------------------

    @property
    def today(self) -> date | None:
        """The date of the latest clock tick (None before the first)."""
        return self._today

    @property
    def open_cases(self) -> int:
        """Cases received and neither closed nor withdrawn."""
        return self._open

    @property
    def duplicates(self) -> int:
        """Events taken as repeats of ones already applied (and ignored) so far."""
        return self._duplicates

    @property
    def tracked_cases(self) -> int:
        """Cases held in memory: open ones, and ended ones with a deadline still to judge."""
        return len(self._cases)

    def post(self, item: Mapping[str, Any] | StreamEvent | Tick) -> list[Alert]:
        """Apply one streamed item and return the alerts it raised."""
        parsed = _parse(item)
        with self._lock:
            if type(parsed) is tuple:
                result = self._event(*parsed)
                return [] if type(result) is _Duplicate else result  # type: ignore[return-value]
            assert isinstance(parsed, Tick)
            return self._tick(parsed.on)

    def post_detailed(self, item: Mapping[str, Any] | StreamEvent | Tick) -> Posted:
        """:meth:`post`, also saying whether the item was a duplicate (and why)."""
        parsed = _parse(item)
        with self._lock:
            if type(parsed) is tuple:
                result = self._event(*parsed)
                if type(result) is _Duplicate:
                    return Posted([], str(result))
                assert isinstance(result, list)
                return Posted(result)
            assert isinstance(parsed, Tick)
            return Posted(self._tick(parsed.on))

    def post_many(self, items: Iterable[Mapping[str, Any] | StreamEvent | Tick]) -> list[Alert]:
        """Post items in order; stops at the first invalid one (raising), keeping the rest."""
        out: list[Alert] = []
        for item in items:
            out += self.post(item)
        return out

    def tick(self, on: date) -> list[Alert]:
        """Move today to ``on``; alerts for every obligation whose deadline it passed."""
        return self.post(Tick(type="tick", on=on))

    def close(self) -> None:
        """Release the durable-rules rulesets (also done when the monitor is collected)."""
        with self._lock:
            for ruleset, _, _, _ in self._rulesets.values():
                ruleset.close()
            self._rulesets.clear()

    def ruleset_definition(self, pack: str | None = None) -> dict[str, Any]:
        """The durable-rules definition this monitor uses for ``pack`` (JSON-ready)."""
        chosen = self.engine.pack(pack or self.pack_name)
        definition, _, _, _ = monitor_ruleset(chosen)
        return definition

    # -- export / restore ----------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot of the whole state (see :meth:`restore`)."""
        with self._lock:
            return {
                "format": SNAPSHOT_FORMAT,
                "pack": self.pack_name,
                "calendar": self.engine.calendar.describe(),
                "conventions": self.engine.conventions.model_dump(mode="json"),
                "today": self._today.isoformat() if self._today else None,
                "cases": [
                    {**_export_case(c), "ids": self._export_ids(c.ids)}
                    for c in self._cases.values()
                ],
                "ended": [
                    {
                        "reference": reference,
                        "how": gone.how,
                        "on": gone.on.isoformat(),
                        "received_on": gone.received_on.isoformat(),
                        "seen": gone.seen.hex(),
                        "ids": self._export_ids(gone.ids),
                    }
                    for reference, gone in self._ended.items()
                ],
                "duplicates": self._duplicates,
            }

    def _export_ids(self, ids: tuple[str, ...]) -> list[list[str]]:
        """[id, digest of the event it names, event type] for each id."""
        out = []
        for ident in ids:
            _, digest, kind = self._ids[ident]
            out.append([ident, digest.hex(), kind])
        return out

    def _import_ids(self, reference: str, ids: list[list[str]]) -> tuple[str, ...]:
        for ident, digest, kind in ids:
            self._ids[ident] = (reference, bytes.fromhex(digest), kind)
        return tuple(ident for ident, _, _ in ids)

    @classmethod
    def restore(
        cls,
        snapshot: Mapping[str, Any],
        *,
        engine: Engine | None = None,
        rule_ids: Mapping[str, Mapping[str, Mapping[int, str]]] | None = None,
        name: str | None = None,
        remember_ended: int = REMEMBER_ENDED,
        rules_engine: str | None = None,
    ) -> Monitor:
        """A new monitor carrying on from ``snapshot`` (from :meth:`export`).

        The engine must count working days the same way as the one that exported it (same
        calendar and conventions), or the restored deadlines would differ. A version 1
        snapshot (before event ids) is migrated: its cases carry no record of the events
        applied, so a once-only event repeated on the date already recorded counts as a
        duplicate, and other repeats for them are applied as before.
        """
        if not isinstance(snapshot, Mapping):
            raise MonitorInputError(
                "(top level): expected a monitor snapshot (a JSON object), got "
                f"{type(snapshot).__name__}"
            )
        version = snapshot.get("format")
        if version not in (SNAPSHOT_FORMAT, _SNAPSHOT_V1):
            raise MonitorInputError(
                f"format: not a monitor snapshot ({version!r}, "
                f"expected {SNAPSHOT_FORMAT!r} or {_SNAPSHOT_V1!r})"
            )
        snapshot = _checked_snapshot(snapshot)
        monitor = cls(
            engine=engine,
            pack=snapshot.get("pack"),
            rule_ids=rule_ids,
            name=name,
            remember_ended=remember_ended,
            rules_engine=rules_engine,
        )
        mine = monitor.engine
        # a pack this engine lacks would refuse every later event, or end the restore
        # without naming the snapshot
        named = [("pack", snapshot.get("pack"))] + [
            (f"cases[{i}].pack", data.get("pack"))
            for i, data in enumerate(snapshot.get("cases", []))
        ]
        for where, pack_name in named:
            if pack_name is not None:
                try:
                    mine.pack(pack_name)
                except NoPackError as exc:
                    raise MonitorInputError(f"{where}: {exc}") from None
        if snapshot.get("calendar") != mine.calendar.describe():
            raise MonitorInputError(
                f"calendar: the snapshot counted working days with {snapshot.get('calendar')!r}, "
                f"this engine with {mine.calendar.describe()!r}"
            )
        if snapshot.get("conventions") != mine.conventions.model_dump(mode="json"):
            raise MonitorInputError(
                "conventions: the snapshot used different working-day conventions "
                f"({snapshot.get('conventions')}) from this engine's"
            )
        today = snapshot.get("today")
        monitor._today = date.fromisoformat(today) if today else None
        try:
            for data in snapshot.get("cases", []):
                case = _import_case(data)
                case.migrated = case.migrated or version == _SNAPSHOT_V1
                case.ids = monitor._import_ids(case.reference, data.get("ids", []))
                monitor._cases[case.reference] = case
                monitor._open += not case.ended
                for (ob, n), (due, status) in case.obligation_items():
                    if status == _OPEN:
                        monitor._schedule(case.reference, ob, n, due)
            for data in snapshot.get("ended", []):
                gone = _Ended(
                    data["how"],
                    date.fromisoformat(data["on"]),
                    date.fromisoformat(data["received_on"]),
                    bytes.fromhex(data["seen"]),
                    monitor._import_ids(data["reference"], data["ids"]),
                )
                monitor._ended[data["reference"]] = gone
            while len(monitor._ended) > remember_ended:
                _, gone = monitor._ended.popitem(last=False)
                for ident in gone.ids:
                    monitor._ids.pop(ident, None)
            monitor._duplicates = snapshot.get("duplicates", 0)
        except (KeyError, TypeError, ValueError) as exc:
            raise MonitorInputError(f"cases: corrupt snapshot ({exc!r})") from None
        return monitor

    # -- rulesets, parameters, deadlines -------------------------------------------------

    def _pack_for(self, received_on: date) -> Pack:
        """The pack for a case received on ``received_on`` (remembered per date)."""
        pack = self._pack_by_date.get(received_on)
        if pack is None:
            try:
                pack = self.engine.pack(self.pack_name, on=received_on)
            except NoPackError as exc:
                raise MonitorInputError(f"event.on: {exc}") from None
            if len(self._pack_by_date) > 10_000:
                self._pack_by_date.clear()
            self._pack_by_date[received_on] = pack
        return pack

    def _pack_named(self, name: str) -> Pack:
        pack = self._packs.get(name)
        if pack is None:
            pack = self._packs[name] = self.engine.pack(name)
        return pack

    def _ruleset(self, pack: Pack) -> _PackRules:
        found = self._rulesets.get(pack.name)
        if found is None:
            definition, meaning, announced, could = monitor_ruleset(pack)
            ids = self._rule_ids.get(pack.name)
            if ids is None:
                ids = _declared_rule_ids(pack)
            engine = _Ruleset if self.rules_engine == "durable" else PythonRuleset
            found = (
                engine(f"{self.name}:{pack.name}", definition),
                {name: (what, _rule_id(ids, what)) for name, what in meaning.items()},
                {key: (name,) for key, name in announced.items()},
                could,
            )
            self._rulesets[pack.name] = found
        return found

    def _case_params(self, pack: Pack, case: _CaseState) -> dict[int, _StageParams]:
        """The stage parameters in force for ``case`` (fixed by its pack and receipt date),
        held on the case: several are read for every event."""
        found = case.params
        if found is None:
            found = case.params = self._stage_params(pack, case.received_on)
        return found

    def _stage_params(self, pack: Pack, on: date) -> dict[int, _StageParams]:
        key = (pack.name, on)
        found = self._params.get(key)
        if found is not None:
            return found
        ctx = self._context(pack, on)

        def read(name: str | None) -> Any:
            return ctx.param(name) if name is not None and name in pack.parameters else None

        def clock(value: ClockStart | str | None) -> ClockStart | None:
            if value is None or isinstance(value, ClockStart):
                return value
            found = read(value)
            return None if found is None else ClockStart(found)

        try:
            found = {}
            for n, stage in declared_stages(pack.rules).items():
                ack = stage.get(TimescaleObligation.ACKNOWLEDGE)
                respond = stage.get(TimescaleObligation.RESPOND)
                extend = stage.get(TimescaleObligation.EXTEND)
                if ack is None and respond is None and extend is None:
                    continue
                ack_days = read(ack.days) if ack else None
                extension_clock = None
                if extend is not None and (
                    respond is None or _clock_names(extend) != _clock_names(respond)
                ):
                    # the extensions' declaration names its own clock: judged by it
                    starts = clock(extend.clock)
                    assert starts is not None  # the pack's parameters were checked
                    extension_clock = (
                        read(extend.days),
                        starts,
                        read(extend.acknowledge_days) or 0,
                        read(extend.extension_cap) or 0,
                    )
                found[n] = _StageParams(
                    ack_days,
                    read(respond.days) if respond else None,
                    clock(respond.clock) if respond else None,
                    read(respond.extension_cap) if respond else None,
                    ack_days
                    if respond is None or respond.acknowledge_days == (ack and ack.days)
                    else read(respond.acknowledge_days),
                    stage.definition_rule is not None,
                    stage.extensions_rule is not None,
                    extension_clock,
                )
        except UnknownParameterError as exc:
            raise MonitorInputError(f"event.on: {exc}") from None
        if len(self._params) > 10_000:
            self._params.clear()
        self._params[key] = found
        return found

    def _context(self, pack: Pack, on: date) -> Context:
        return Context(pack, self.engine.calendar, self.engine.conventions, on)

    def _remember(self, key: tuple[Any, ...], result: Deadline | None) -> Deadline:
        """Cache a computed deadline (callers look the cache up first, without building a
        closure for the computation on every call)."""
        if result is None:  # pragma: no cover - stage starts are checked before
            raise MonitorInputError("the stage has no date to count from")
        if len(self._deadlines) > 50_000:
            self._deadlines.clear()
        self._deadlines[key] = result
        return result

    def _views(self, case: _CaseState, stage: _StageState) -> tuple[Complaint, Stage]:
        """The evaluator's models of this case and stage, for its deadline functions."""
        view = Stage.model_construct(
            number=stage.number,
            requested_on=stage.requested_on,
            logged_on=stage.logged_on,
            acknowledged=Acknowledgement.model_construct(on=stage.acknowledged_on)
            if stage.acknowledged_on
            else None,
            extensions=list(stage.extensions),
        )
        complaint = Complaint.model_construct(
            reference=case.reference,
            received_on=case.received_on,
            received_at=case.received_at,
            stages=[view],
        )
        return complaint, view

    def _ack_deadline(self, pack: Pack, case: _CaseState, stage: _StageState) -> Deadline | None:
        params = self._case_params(pack, case).get(stage.number)
        if params is None or params.ack_days is None:
            return None
        ack_days = params.ack_days
        key = (
            "ack",
            pack.name,
            stage.number <= 1,
            case.received_on,
            case.received_at,
            stage.requested_on,
            ack_days,
        )
        found = self._deadlines.get(key)
        if found is not None:
            return found
        complaint, view = self._views(case, stage)
        return self._remember(
            key,
            acknowledgement_deadline(
                self._context(pack, case.received_on), complaint, view, ack_days
            ),
        )

    def _response_deadline(
        self,
        pack: Pack,
        case: _CaseState,
        stage: _StageState,
        clock: tuple[int, ClockStart, int, int] | None = None,
    ) -> tuple[Deadline, date, date] | None:
        """(original deadline, deadline after extensions, cap date) for a stage's response,
        by the response's declaration or by ``clock`` (days, clock start, acknowledgement
        days, extension cap)."""
        params = self._case_params(pack, case).get(stage.number)
        if params is None:
            return None
        if clock is not None:
            respond_days, respond_from, ack_days, cap = clock
        elif params.respond_days is None or params.respond_from is None:
            return None
        else:
            # a stage with no acknowledgement timescale passes 0, as the packs' checks do
            ack_days, respond_days, respond_from = (
                params.clock_ack_days or 0,
                params.respond_days,
                params.respond_from,
            )
            cap = params.extension_cap or 0
        key = (
            "respond",
            pack.name,
            stage.number <= 1,
            case.received_on,
            case.received_at,
            stage.requested_on,
            stage.acknowledged_on,
            stage.logged_on,
            ack_days,
            respond_days,
            respond_from,
        )
        original = self._deadlines.get(key)
        if original is None:
            complaint, view = self._views(case, stage)
            original = self._remember(
                key,
                response_deadline(
                    self._context(pack, case.received_on),
                    complaint,
                    view,
                    respond_days=respond_days,
                    respond_from=respond_from,
                    ack_days=ack_days,
                ),
            )
        if not stage.extensions:
            return original, original.due, original.due
        # review_extensions reads only these fields of each extension, in notified order
        review_key = (
            "review",
            original.due,
            cap,
            tuple((e.notified_on, e.new_due, bool(e.good_reason)) for e in stage.extensions),
        )
        reviewed = self._reviews.get(review_key)
        if reviewed is None:
            _, view = self._views(case, stage)
            ctx = self._context(pack, case.received_on)
            review = review_extensions(ctx, view, original, cap)
            reviewed = (review.effective_due, review.cap_due)
            if len(self._reviews) > 50_000:
                self._reviews.clear()
            self._reviews[review_key] = reviewed
        return original, reviewed[0], reviewed[1]

    # -- scheduling ------------------------------------------------------------------------

    def _schedule(self, reference: str, ob: str, n: int, due: date) -> None:
        day = due.toordinal()
        bucket = self._buckets.get(day)
        if bucket is None:
            bucket = self._buckets[day] = []
            heapq.heappush(self._heap, day)
        bucket.append((reference, ob, n))

    def _forget_if_done(self, case: _CaseState) -> None:
        if case.ended and not case.has_open_obligation():
            self._cases.pop(case.reference, None)
            how = "closed" if case.closed_on is not None else "withdrawn"
            when = case.closed_on or case.withdrawn_on
            assert when is not None
            self._ended[case.reference] = _Ended(how, when, case.received_on, case.seen, case.ids)
            self._ended.move_to_end(case.reference)
            while len(self._ended) > self._remember_ended:
                _, gone = self._ended.popitem(last=False)
                for ident in gone.ids:
                    self._ids.pop(ident, None)

    # -- handling events -----------------------------------------------------------------

    def _tick(self, on: date) -> list[Alert]:
        if self._today is not None and on < self._today:
            raise MonitorInputError(
                f"tick.on: the clock cannot go back (today is {self._today.isoformat()}, "
                f"tick is {on.isoformat()})"
            )
        self._today = on
        limit = on.toordinal()
        alerts: list[Alert] = []
        while self._heap and self._heap[0] < limit:
            day = heapq.heappop(self._heap)
            for reference, ob, n in sorted(set(self._buckets.pop(day, ()))):
                case = self._cases.get(reference)
                if case is None:
                    continue
                obligation = case.obligation(ob, n)
                if obligation is None or obligation[1] != _OPEN:
                    continue
                if obligation[0].toordinal() != day:
                    continue  # moved since it was scheduled (stale entry)
                alerts += self._unmet(case, ob, n, obligation[0], on)
                self._forget_if_done(case)
        return alerts

    def _unmet(self, case: _CaseState, ob: str, n: int, due: date, at: date) -> list[Alert]:
        message = {"t": f"unmet:{ob}:{n}", "at": at.toordinal(), "due": due.toordinal()}
        alerts = self._fire(case, message, at)
        if alerts:
            case.set_obligation(ob, n, due, _BREACHED)
        return alerts

    def _reject(self, reference: str, problem: str) -> MonitorInputError:
        return MonitorInputError(f"event for {reference}: {problem}")

    def _duplicate(
        self, reference: str, event: CaseEvent, ident: str | None, digest: bytes, why: str
    ) -> _Duplicate:
        """Count a repeat (and remember a new id for it); the reason it is one."""
        self._duplicates += 1
        if ident is not None and ident not in self._ids:
            case = self._cases.get(reference)
            if case is not None:
                case.ids += (ident,)
                self._ids[ident] = (reference, digest, event.type)
            elif (gone := self._ended.get(reference)) is not None:
                self._ended[reference] = gone._replace(ids=(*gone.ids, ident))
                self._ids[ident] = (reference, digest, event.type)
        return _Duplicate(
            f"event for {reference}: a repeat of the '{event.type}' event of "
            f"{event.on.isoformat()} already applied ({why}); ignored"
        )

    def _repeat(
        self,
        reference: str,
        event: CaseEvent,
        ident: str | None,
        digest: bytes,
        current: _CaseState | None,
    ) -> _Duplicate | None:
        """A duplicate if the event was applied already (by its id, or by its content);
        refuses an id given before to a different event, or a once-only event (receipt, a
        stage's logging, acknowledgement, escalation request or response) that differs from
        the one applied, as the case model's event list does."""
        if ident is not None:
            known = self._ids.get(ident)
            if known is not None:
                if known[0] == reference and known[1] == digest:
                    return self._duplicate(reference, event, ident, digest, f"id {ident!r}")
                raise self._reject(
                    reference,
                    f"id: {ident!r} was already used for a different event "
                    f"({'an' if known[2][0] in 'aeiou' else 'a'} "
                    f"'{known[2]}' event for {known[0]}); an id names one event",
                )
        if current is None:
            gone = self._ended.get(reference)
            if gone is None:
                return None
            if _seen(gone.seen, digest):
                return self._duplicate(reference, event, ident, digest, "same content")
            raise self._reject(
                reference,
                f"type: the case (received on {gone.received_on.isoformat()}) was {gone.how} "
                f"on {gone.on.isoformat()}; this '{event.type}' event of "
                f"{event.on.isoformat()} is not one already applied to it",
            )
        if _seen(current.seen, digest):
            return self._duplicate(reference, event, ident, digest, "same content")
        kind = event.type
        words = _ONCE_WORDS.get(kind)
        if words is None:
            return None
        if kind == "received":
            n = 1
            first: date | None = current.received_on
        else:
            n = event.stage  # type: ignore[union-attr]
            for raw in current.stages:
                if raw[0] == n:
                    first = raw[_ONCE_FIELD[kind]]
                    break
            else:
                return None
        if first is None:
            return None
        if first == event.on:
            if current.migrated:  # its first event's other fields were not kept
                return self._duplicate(reference, event, ident, digest, "same date")
            differs = f"on the same date, {first.isoformat()}, but with other fields different"
        else:
            differs = f"on {event.on.isoformat()}"
        raise self._reject(
            reference,
            f"type: {words.format(n=n)} on {first.isoformat()}; a second '{event.type}' "
            f"event, {differs}, contradicts it (a case records it once: correct the first "
            "in the CRM rather than send another)",
        )

    def _event(
        self, reference: str, event: CaseEvent, ident: str | None = None
    ) -> list[Alert] | _Duplicate:
        digest = _digest(event)
        current = self._cases.get(reference)
        repeat = self._repeat(reference, event, ident, digest, current)
        if repeat is not None:
            return repeat
        if isinstance(event, ReceivedEvent):
            pack = self._pack_for(event.on)
            case = _CaseState(reference, pack.name, event.on, event.at)
            plan = self._plan(pack, None, case, event)
        else:
            if current is None:
                raise self._reject(
                    reference,
                    "reference: no open case with this reference (a case starts with a "
                    "'received' event; closed cases are forgotten)",
                )
            if current.closed_on is not None or current.withdrawn_on is not None:
                how = "closed" if current.closed_on else "withdrawn"
                when = current.closed_on or current.withdrawn_on
                assert when is not None
                raise self._reject(reference, f"type: the case was {how} on {when.isoformat()}")
            if event.on < current.received_on:
                raise self._reject(
                    reference,
                    f"on: {event.on.isoformat()} is before the case was received "
                    f"({current.received_on.isoformat()})",
                )
            pack = self._pack_named(current.pack)
            case = current
            saved = case.checkpoint()
            try:
                plan = self._plan(pack, current, case, event)
            except BaseException:
                case.rollback(saved)
                raise
        # everything above may raise without having touched the monitor's state
        case.seen += digest
        if ident is not None:
            case.ids += (ident,)
            self._ids[ident] = (reference, digest, event.type)
        self._cases[reference] = case
        ended = case.closed_on is not None or case.withdrawn_on is not None
        if current is None:
            self._open += 1
        elif ended:
            self._open -= 1
        alerts = self._run(case, plan, event.on) if plan else []
        if ended:
            self._forget_if_done(case)
        return alerts

    def _run(self, case: _CaseState, plan: list[_Step], on: date) -> list[Alert]:
        """Carry out a committed event's steps in order; the alerts they raised."""
        alerts: list[Alert] = []
        for step in plan:
            what = step[0]
            if what == _POST:
                alerts += self._fire(case, step[1], on)
            elif what == _ANNOUNCE:
                self._schedule(case.reference, step[1], step[2], step[3])
                alerts += self._fire(case, step[4], on)
            elif what == _SCHEDULE:
                self._schedule(case.reference, step[1], step[2], step[3])
            else:
                alerts += self._stop_clocks(case, step[1], step[2], on)
        return alerts

    def _stage_for(self, reference: str, case: _CaseState, n: int, what: str) -> _StageState:
        stage = case.stage(n)
        if stage is None:
            if n >= 2:
                raise self._reject(
                    reference,
                    f"stage: {what} at stage {n} before escalation to stage {n} was requested",
                )
            stage = case.put_stage(_StageState(n))
        return stage

    def _check_after_start(
        self, reference: str, case: _CaseState, stage: _StageState, on: date, what: str
    ) -> None:
        start = case.start_of(stage)
        if start is not None and on < start:
            raise self._reject(
                reference,
                f"on: {what} on {on.isoformat()} is before stage {stage.number} started "
                f"({start.isoformat()})",
            )

    def _plan(
        self,
        pack: Pack,
        before: _CaseState | None,
        case: _CaseState,
        event: CaseEvent,
    ) -> list[_Step]:
        """Apply ``event`` to ``case`` and return the steps that post its messages once the
        change is committed. If this raises, the caller rolls ``case`` back."""
        ref = case.reference
        on = event.on
        steps: list[_Step] = []
        try:
            # most frequent first: the classes are distinct, so the order changes nothing else
            match event:
                case AcknowledgedEvent():
                    stage = self._stage_for(ref, case, event.stage, "an acknowledgement")
                    self._check_after_start(ref, case, stage, on, "acknowledged")
                    definition = event.definition
                    stage = case.put_stage(
                        stage.but(
                            acknowledged_on=on,
                            defined=definition is not None and definition.is_complete,
                        )
                    )
                    params = self._case_params(pack, case).get(stage.number)
                    # a definition counts only where the declaration asks for one
                    defined = stage.defined or not (params and params.require_definition)
                    steps += self._done(pack, case, stage, _ACK, on, defined=defined)
                    if stage.extensions:  # an earlier clock start moves the cap too
                        steps += self._extension_checks(pack, case, stage, on)
                    starts = self._clock_starts(pack, case, stage.number, logging=False)
                    steps += self._reschedule_response(pack, case, stage, on, starts=starts)
                case HandlerAssignedEvent():
                    stage = self._stage_for(ref, case, event.stage, "a handler")
                    stage = case.put_stage(stage.but(handler=event.handler))
                    steps += self._handlers(case, stage.number, on)
                case ResponseIssuedEvent():
                    stage = self._stage_for(ref, case, event.stage, "a response")
                    self._check_after_start(ref, case, stage, on, "response issued")
                    stage = case.put_stage(stage.but(responded_on=on))
                    steps += self._done(pack, case, stage, _RESP, on)
                case ClosedEvent():
                    case.closed_on = on
                    steps += self._end(case, on, "closed")
                case ReceivedEvent():
                    stage = case.put_stage(_StageState(1))
                    steps += self._open_stage(pack, case, stage, on)
                case EscalationRequestedEvent():
                    n = event.stage
                    if n < 2:
                        raise self._reject(ref, "stage: escalation is to stage 2 or later")
                    existing = case.stage(n)
                    if existing is not None:
                        previous = existing.requested_on
                        raise self._reject(
                            ref,
                            f"type: escalation to stage {n} was already requested"
                            + (f" on {previous.isoformat()}" if previous else ""),
                        )
                    stage = case.put_stage(_StageState(n, requested_on=on))
                    steps += self._open_stage(pack, case, stage, on)
                case ExtensionNotifiedEvent():
                    stage = self._stage_for(ref, case, event.stage, "an extension")
                    self._check_after_start(ref, case, stage, on, "extension notified")
                    if event.new_due < on:
                        raise self._reject(
                            ref,
                            f"new_due: {event.new_due.isoformat()} is before the extension "
                            f"was notified ({on.isoformat()})",
                        )
                    extension = Extension(
                        notified_on=on,
                        new_due=event.new_due,
                        reason=event.reason,
                        ombudsman_details_given=event.ombudsman_details_given,
                        good_reason=event.good_reason,
                    )
                    stage = case.put_stage(stage.but(extensions=(*stage.extensions, extension)))
                    steps += self._extension_checks(pack, case, stage, on)
                    steps += self._reschedule_response(pack, case, stage, on, starts=False)
                case LoggedEvent():
                    stage = self._stage_for(ref, case, event.stage, "logging")
                    self._check_after_start(ref, case, stage, on, "logged")
                    stage = case.put_stage(stage.but(logged_on=on))
                    if stage.extensions:
                        steps += self._extension_checks(pack, case, stage, on)
                    starts = self._clock_starts(pack, case, stage.number, logging=True)
                    steps += self._reschedule_response(pack, case, stage, on, starts=starts)
                case WithdrawnEvent():
                    case.withdrawn_on = on
                    steps += self._end(case, on, "withdrawn")
                case RefusedEvent():
                    pass  # recorded by the CRM; no timeliness rule turns on it
        except CalendarRangeError as exc:
            raise self._reject(ref, f"on: {exc}") from None
        return steps

    # -- what each event posts -------------------------------------------------------------

    def _fire(self, case: _CaseState, message: dict[str, Any], on: date) -> list[Alert]:
        found = self._rulesets.get(case.pack)
        ruleset, meaning, announced, could = (
            found if found else self._ruleset(self._pack_named(case.pack))
        )
        t = message["t"]
        # an announcement has no condition to judge: raised without asking durable-rules
        fired: Iterable[str] | None = announced.get(t)
        if fired is None:
            judge = could.get(t)
            if judge is None or not judge(message):
                return []  # no rule's condition holds (or no rule judges it): none would fire
            fired = ruleset.post(message)
        alerts = []
        for rule_name in fired:
            what, rule_id = meaning[rule_name]
            alert = self._alert(case, rule_name, what, rule_id, message, on)
            if alert is not None:
                alerts.append(alert)
        return alerts

    def _open_stage(
        self, pack: Pack, case: _CaseState, stage: _StageState, on: date
    ) -> list[_Step]:
        steps: list[_Step] = []
        n = stage.number
        ack = self._ack_deadline(pack, case, stage)
        if ack is not None:
            case.set_obligation(_ACK, n, ack.due, _OPEN)
            steps.append(_announce(_ACK, n, ack.due))
        response = self._response_deadline(pack, case, stage)
        if response is not None:
            _, due, _ = response
            case.set_obligation(_RESP, n, due, _OPEN)
            params = self._case_params(pack, case)[n]
            if params.respond_from in (ClockStart.RECEIPT, ClockStart.ESCALATION_REQUEST):
                steps.append(_announce(_RESP, n, due))
            else:
                steps.append((_SCHEDULE, _RESP, n, due))
        return steps

    def _reschedule_response(
        self, pack: Pack, case: _CaseState, stage: _StageState, on: date, *, starts: bool
    ) -> list[_Step]:
        """Recompute a stage's response deadline after ``on``'s event; announce it when the
        event started the response clock (``starts``) or moved the deadline."""
        obligation = case.obligation(_RESP, stage.number)
        if obligation is None:
            return []
        response = self._response_deadline(pack, case, stage)
        if response is None:  # pragma: no cover - the obligation exists, so params do
            return []
        due = response[1]
        was, status = obligation
        moved = due != was
        case.set_obligation(_RESP, stage.number, due, status)
        if status != _OPEN or not (moved or starts):
            return []
        return [_announce(_RESP, stage.number, due)]

    def _clock_starts(self, pack: Pack, case: _CaseState, n: int, *, logging: bool) -> bool:
        """Whether an acknowledgement (or, with ``logging``, a logging) of stage ``n``
        starts its response clock under the pack's ``respond_from``."""
        params = self._case_params(pack, case).get(n)
        start = params.respond_from if params else None
        if logging:
            return start is ClockStart.LOGGING
        return start in (ClockStart.ACKNOWLEDGEMENT, ClockStart.LOGGING)

    def _done(
        self,
        pack: Pack,
        case: _CaseState,
        stage: _StageState,
        ob: str,
        on: date,
        *,
        defined: bool = True,
    ) -> list[_Step]:
        obligation = case.obligation(ob, stage.number)
        if obligation is None:
            return []
        due = obligation[0]
        if ob == _RESP:
            response = self._response_deadline(pack, case, stage)
            if response is not None:
                due = response[1]
        case.set_obligation(ob, stage.number, due, _MET)
        message = {
            "t": f"done:{ob}:{stage.number}",
            "on": on.toordinal(),
            "due": due.toordinal(),
            "defined": int(defined),
        }
        if obligation[1] == _BREACHED:
            # a tick already raised a breach for it: done in time after all withdraws that
            # alert (left out otherwise, where no retraction rule can match)
            message["breached"] = 1
        return [(_POST, message)]

    def _extension_checks(
        self, pack: Pack, case: _CaseState, stage: _StageState, on: date
    ) -> list[_Step]:
        """Judge each extension as the evaluator's review does: in the order notified,
        against the deadline in force before it and the cap after the original deadline."""
        n = stage.number
        params = self._case_params(pack, case).get(n)
        if params is None or not params.check_extensions:
            return []
        # the clock the extensions' own declaration names (by default the response's)
        clock = params.extension_clock
        if clock is None and case.obligation(_RESP, n) is None:
            return []
        ordered = sorted(enumerate(stage.extensions), key=lambda pair: pair[1].notified_on)
        notice, capped, reason = (
            f"ext_notice:extension:{n}",
            f"ext_cap:extension:{n}",
            (f"ext_reason:extension:{n}"),
        )
        messages: list[dict[str, Any]] = []
        for k, (i, ext) in enumerate(ordered):
            before = stage.but(extensions=tuple(e for _, e in ordered[:k]))
            response = self._response_deadline(pack, case, before, clock)
            if response is None:  # no start to count from yet
                return []
            in_force = response[1].toordinal()
            cap = self._response_deadline(pack, case, stage.but(extensions=(ext,)), clock)
            assert cap is not None
            notified = ext.notified_on.toordinal()
            messages += [
                {"t": notice, "index": i, "notified": notified, "in_force": in_force},
                {
                    "t": capped,
                    "index": i,
                    "notified": notified,
                    "in_force": in_force,
                    "new_due": ext.new_due.toordinal(),
                    "cap": cap[2].toordinal(),
                    "good": int(bool(ext.good_reason)),
                },
                {"t": reason, "index": i, "reason": int(bool(ext.reason))},
            ]
        return [(_POST, message) for message in messages]

    def _handlers(self, case: _CaseState, n: int, on: date) -> list[_Step]:
        numbers = case.stage_numbers()
        if n - 1 not in numbers and n + 1 not in numbers:
            return []  # no neighbouring stage to compare handlers with
        messages = []
        for earlier, later in ((n - 1, n), (n, n + 1)):
            first, second = case.stage(earlier), case.stage(later)
            if first and second and first.handler and second.handler:
                messages.append(
                    {
                        "t": f"handlers:handler:{later}",
                        "earlier": first.handler.casefold(),
                        "later": second.handler.casefold(),
                        "names": [first.handler, second.handler],
                    }
                )
        return [(_POST, message) for message in messages]

    def _end(self, case: _CaseState, on: date, how: str) -> list[_Step]:
        """Closing or withdrawing stops the clocks the evaluator stops, as it does.

        Withdrawal stops every clock. Closure stops a stage's response clock unless the
        case went on to a later stage; it does not excuse an acknowledgement. An obligation
        already past its deadline on that day is breached; one still running that is not
        stopped stays scheduled, so a later tick can judge it.
        """
        checks: list[tuple[str, int, date]] = []
        for (ob, n), (due, status) in sorted(case.obligation_items()):
            if status != _OPEN:
                continue
            stopped = how == "withdrawn" or (
                ob == _RESP and not any(s > n for s in case.stage_numbers())
            )
            if stopped:
                checks.append((ob, n, due))
        return [(_END, checks, how)]

    def _stop_clocks(
        self, case: _CaseState, checks: list[tuple[str, int, date]], how: str, on: date
    ) -> list[Alert]:
        """The step of :meth:`_end`: judge the stopped obligations, then post the end."""
        alerts: list[Alert] = []
        for ob, n, due in checks:
            alerts += self._unmet(case, ob, n, due, on)
            current = case.obligation(ob, n)
            if current is not None and current[1] == _OPEN:
                case.set_obligation(ob, n, due, "void")
        return alerts + self._fire(case, {"t": "end", "how": how, "on": on.toordinal()}, on)

    # -- alerts ----------------------------------------------------------------------------

    def _alert(
        self,
        case: _CaseState,
        rule: str,
        meaning: _RuleMeaning,
        rule_id: str | None,
        m: Mapping[str, Any],
        on: date,
    ) -> Alert | None:
        check = meaning.check
        if check == "due":
            text_key: tuple[Any, ...] | None = (rule, m["due"])
        elif check == "end":
            text_key = (rule, m.get("how"), m["on"])
        else:
            text_key = None
        texts = self._texts.get(text_key) if text_key is not None else None
        if texts is None:
            texts = (
                self._alert_key(meaning, m),
                *meaning.text(meaning.noun, meaning.stage or 0, m),
            )
            if text_key is not None:
                if len(self._texts) > 50_000:
                    self._texts.clear()
                self._texts[text_key] = texts
        key, message, deadline = texts
        if key in case.raised:
            return None
        case.raised += (key,)
        return Alert(case.reference, meaning.kind, on, message, rule_id, meaning.stage, deadline)

    @staticmethod
    def _alert_key(meaning: _RuleMeaning, m: Mapping[str, Any]) -> str:
        """What makes an alert a repeat within its case (raised once per case)."""
        n = meaning.stage
        if meaning.kind is AlertKind.DUE:
            key = f"due:{meaning.obligation}:{n}:{m['due']}"
        elif meaning.kind is AlertKind.BREACHED:
            key = f"breached:{meaning.obligation}:{n}"
        elif meaning.kind is AlertKind.EXTENSION_INVALID:
            key = f"extension:{n}:{m['index']}:{meaning.check}"
        elif meaning.kind is AlertKind.SAME_HANDLER:
            key = f"handler:{n}"
        elif meaning.kind is AlertKind.RETRACTED:
            key = f"retracted:{meaning.obligation}:{n}"
        else:
            key = "end"
        return sys.intern(key)  # the same few keys recur in every case


# -- snapshot helpers ----------------------------------------------------------------------


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _from_iso(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class _SnapshotStage(BaseModel):
    number: int
    requested_on: Date | None = None
    logged_on: Date | None = None
    acknowledged_on: Date | None = None
    defined: bool = False
    handler: str | None = None
    extensions: list[Extension] = []
    responded_on: Date | None = None


#: packed 8-byte event digests, as hexadecimal text
_DIGESTS = r"^(?:[0-9a-f]{16})*$"


class _SnapshotEnded(BaseModel):
    reference: str
    how: Literal["closed", "withdrawn"]
    on: Date
    received_on: Date
    seen: str = Field("", pattern=_DIGESTS)
    ids: list[tuple[str, str, str]] = []


class _SnapshotCase(BaseModel):
    reference: str
    pack: str
    received_on: Date
    received_at: time | None = None
    withdrawn_on: Date | None = None
    closed_on: Date | None = None
    stages: list[_SnapshotStage] = []
    obligations: list[tuple[str, int, Date, str]] = []
    raised: list[str] = []
    seen: str = Field("", pattern=_DIGESTS)
    ids: list[tuple[str, str, str]] = []
    migrated: bool = False


class _Snapshot(BaseModel):
    """The shape :meth:`Monitor.export` writes, checked before a restore reads it."""

    format: str
    pack: str | None = None
    calendar: Any = None  # compared with the engine's as they are
    conventions: Any = None
    today: Date | None = None
    cases: list[_SnapshotCase] = []
    ended: list[_SnapshotEnded] = []  # from version 2
    duplicates: int = Field(0, ge=0)


def _checked_snapshot(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """``snapshot`` after checking its shape, or a MonitorInputError naming the field."""
    try:
        return _Snapshot.model_validate(snapshot).model_dump(mode="json")
    except ValidationError as exc:
        problems = []
        for e in exc.errors(include_url=False):
            path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"])
            got = e.get("input")
            shown = f" (got {got!r})" if not isinstance(got, dict | list) else ""
            problems.append(f"{path.lstrip('.') or '(top level)'}: {e['msg']}{shown}"[:300])
        raise MonitorInputError("; ".join(problems[:10])) from None


def _export_case(case: _CaseState) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "pack": case.pack,
        "received_on": case.received_on.isoformat(),
        "received_at": case.received_at.isoformat() if case.received_at else None,
        "withdrawn_on": _iso(case.withdrawn_on),
        "closed_on": _iso(case.closed_on),
        "stages": [
            {
                "number": s.number,
                "requested_on": _iso(s.requested_on),
                "logged_on": _iso(s.logged_on),
                "acknowledged_on": _iso(s.acknowledged_on),
                "defined": s.defined,
                "handler": s.handler,
                "extensions": [e.model_dump(mode="json") for e in s.extensions],
                "responded_on": _iso(s.responded_on),
            }
            for s in case.all_stages()
        ],
        "obligations": [
            [ob, n, due.isoformat(), status] for ob, n, due, status in case.obligations
        ],
        "raised": sorted(case.raised),
        "seen": case.seen.hex(),
        "migrated": case.migrated,
    }


def _import_case(data: Mapping[str, Any]) -> _CaseState:
    at = data.get("received_at")
    case = _CaseState(
        reference=data["reference"],
        pack=data["pack"],
        received_on=date.fromisoformat(data["received_on"]),
        received_at=time.fromisoformat(at) if at else None,
        withdrawn_on=_from_iso(data.get("withdrawn_on")),
        closed_on=_from_iso(data.get("closed_on")),
        raised=tuple(sorted(set(data.get("raised", [])))),
        seen=bytes.fromhex(data.get("seen", "")),
        migrated=bool(data.get("migrated")),
    )
    for s in data.get("stages", []):
        case.put_stage(
            _StageState(
                number=int(s["number"]),
                requested_on=_from_iso(s.get("requested_on")),
                logged_on=_from_iso(s.get("logged_on")),
                acknowledged_on=_from_iso(s.get("acknowledged_on")),
                defined=bool(s.get("defined")),
                handler=s.get("handler"),
                extensions=tuple(Extension.model_validate(e) for e in s.get("extensions", [])),
                responded_on=_from_iso(s.get("responded_on")),
            )
        )
    for ob, n, due, status in data.get("obligations", []):
        case.set_obligation(str(ob), int(n), date.fromisoformat(due), str(status))
    return case


def iter_jsonl(lines: Iterable[str]) -> Iterator[tuple[int, Mapping[str, Any] | None, str]]:
    """(line number, decoded object or None, error) for each non-blank line of a JSONL text."""
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            value = json.loads(text, object_pairs_hook=no_duplicate_keys)
        except json.JSONDecodeError as exc:
            yield number, None, f"not valid JSON ({exc.msg} at column {exc.colno})"
            continue
        except DuplicateKeyError as exc:
            yield number, None, f"{exc.key}: duplicate key (JSON would keep the last value)"
            continue
        if not isinstance(value, dict):
            yield number, None, f"expected a JSON object, got {type(value).__name__}"
            continue
        yield number, value, ""
