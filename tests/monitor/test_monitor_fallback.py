"""The pure-Python evaluator of the monitor's generated ruleset (issue 16, item 3).

Where durable-rules cannot be imported (Python 3.13 and later) the monitor runs the very
ruleset it generates for durable on :class:`PythonRuleset`. Here, where durable-rules
imports, both run side by side: the ruleset's JSON written by our rule language equals the
JSON ``durable.lang`` writes, and a soak stream (thousands of events, duplicates and
out-of-order deliveries included) raises exactly the same alerts, in the same order, and
the same rejections on both.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from complaintrules import Engine, Monitor, MonitorInputError
from complaintrules.monitor import monitor as monitor_module
from complaintrules.monitor.evaluator import (
    PythonRuleset,
    UnsupportedConditionError,
    m,
    python_source,
)

PACKS = ("code_2024", "code_2020")
DEFINITION = {"understanding": "Damp in the bedroom", "outcomes_sought": "Treat the damp"}


@pytest.mark.parametrize("pack_name", PACKS)
def test_the_rule_language_writes_the_json_durable_writes(
    pack_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lang = pytest.importorskip("durable.lang")
    pack = Engine().pack(pack_name)
    ours, _, _, _ = monitor_module.monitor_ruleset(pack)
    monkeypatch.setattr(monitor_module, "_m", lang.m)
    theirs, _, _, _ = monitor_module.monitor_ruleset(pack)
    assert ours == theirs
    assert len(ours) > 10


def test_the_rule_language_flattens_and_nests_as_durable_does() -> None:
    cond = (m.t == "k") & (m.a <= m.b) & (m.c == 0)
    assert cond.define() == {"$and": [{"t": "k"}, {"$lte": {"a": {"$m": "b"}}}, {"c": 0}]}
    nested = (m.t == "k") & ((m.a > 1) | (m.b != "x"))
    assert nested.define() == {
        "$and": [{"t": "k"}, {"$or": [{"$gt": {"a": 1}}, {"$neq": {"b": "x"}}]}]
    }


def _values(field: str) -> tuple[Any, ...]:
    """Three consecutive date ordinals (before, on, after) and the flags. Only ``breached``
    is ever left out of a message the monitor posts (None: left out); durable-rules'
    verdict on a comparison with a field a message lacks is not consistent (``a <= b``
    holds and ``a > b`` does not when ``b`` is missing), so no other field is left out."""
    values: tuple[Any, ...] = (0, 1, 738_000, 738_001, 738_002)
    return (None, *values) if field == "breached" else values


def _fields(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if not key.startswith("$"):
                found.add(key)
            if isinstance(value, dict) and set(value) == {"$m"}:
                found.add(value["$m"])
            found |= _fields(value)
    elif isinstance(node, list):
        for part in node:
            found |= _fields(part)
    return found


def _boundary_messages(definition: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """For each kind of message the ruleset judges, every combination of its fields' values
    across the boundaries."""
    by_kind: dict[str, set[str]] = {}
    for spec in definition.values():
        condition = spec["all"][0]["m"]
        kind = condition["$and"][0]["t"]
        by_kind.setdefault(kind, set()).update(_fields(condition) - {"t"})
    for kind, names in sorted(by_kind.items()):
        ordered = sorted(names)
        for combo in itertools.product(*(_values(n) for n in ordered)):
            message: dict[str, Any] = {"t": kind}
            message.update({n: v for n, v in zip(ordered, combo, strict=True) if v is not None})
            yield message


@pytest.mark.parametrize("pack_name", PACKS)
def test_python_and_durable_fire_the_same_rules_on_every_boundary(pack_name: str) -> None:
    pytest.importorskip("durable")
    definition, _, _, _ = monitor_module.monitor_ruleset(Engine().pack(pack_name))
    durable = monitor_module._Ruleset(f"test-fallback-{pack_name}-{random.random()}", definition)
    python = PythonRuleset("python", definition)
    judged = fired = 0
    for message in _boundary_messages(definition):
        expected = durable.post(dict(message))
        assert python.post(message) == expected, message
        # the generated rules of one kind of message exclude each other, so the order in
        # which several would fire never arises
        assert len(expected) <= 1
        judged += 1
        fired += bool(expected)
    assert judged > 1000 and fired > 100


def test_the_python_evaluator_refuses_what_it_does_not_judge() -> None:
    with pytest.raises(UnsupportedConditionError, match=r"\$mt"):
        PythonRuleset("x", {"r": {"all": [{"m": {"$and": [{"t": "k"}, {"$mt": {"a": "b"}}]}}]}})
    with pytest.raises(UnsupportedConditionError, match="exactly one message"):
        PythonRuleset("x", {"r": {"all": [{"m": {"t": "k"}}, {"n": {"t": "j"}}]}})
    with pytest.raises(UnsupportedConditionError, match="only 'all' rules"):
        PythonRuleset("x", {"r": {"any": [{"m": {"t": "k"}}]}})
    assert python_source({"$gt": {"a": {"$m": "b"}}}) == "(m.get('a', A) > m.get('b', A))"


def test_a_missing_field_satisfies_no_comparison_as_in_durable() -> None:
    rules = PythonRuleset(
        "x",
        {
            "ne": {"all": [{"m": {"$and": [{"t": "k"}, {"$neq": {"a": 1}}]}}]},
            "lt": {"all": [{"m": {"$and": [{"t": "k"}, {"$lt": {"a": {"$m": "b"}}}]}}]},
        },
    )
    assert rules.post({"t": "k"}) == []
    assert rules.post({"t": "k", "a": 0, "b": 5}) == ["ne", "lt"]
    assert rules.post({"t": "other", "a": 0, "b": 5}) == []


# -- the soak stream ---------------------------------------------------------------------


def soak_stream(cases: int, seed: int) -> list[dict[str, Any]]:
    """A season of events for ``cases`` complaints with a tick a day, as a CRM might
    deliver it: some events repeated (at once or days later), some delivered after the
    tick of a later day, some for a case before its receipt, and some contradicting
    what was delivered before."""
    rng = random.Random(seed)
    start = date(2024, 4, 1)
    by_day: dict[int, list[dict[str, Any]]] = {}

    def at(day: int, item: dict[str, Any]) -> None:
        by_day.setdefault(day, []).append(item)

    for k in range(cases):
        ref = f"S-{k}"
        day = rng.randrange(0, 40)
        on = start + timedelta(days=day)
        evs: list[tuple[int, dict[str, Any]]] = [(day, {"type": "received", "on": on})]
        ack = day + rng.choice((1, 3, 5, 7, 9, 12))
        defined = rng.random() > 0.1
        evs.append(
            (
                ack,
                {
                    "type": "acknowledged",
                    "on": start + timedelta(days=ack),
                    **({"definition": DEFINITION} if defined else {}),
                },
            )
        )
        evs.append(
            (ack, {"type": "handler_assigned", "on": start + timedelta(days=ack), "handler": "A"})
        )
        resp = ack + rng.choice((5, 10, 15, 20, 30))
        if rng.random() < 0.2:
            ext = ack + rng.randrange(3, 25)
            evs.append(
                (
                    ext,
                    {
                        "type": "extension_notified",
                        "on": start + timedelta(days=ext),
                        "new_due": start + timedelta(days=ext + rng.choice((5, 15, 30))),
                        **({"reason": "survey needed"} if rng.random() < 0.7 else {}),
                        **({"good_reason": "contractor"} if rng.random() < 0.3 else {}),
                    },
                )
            )
            resp = max(resp, ext + 1)
        if rng.random() < 0.85:
            evs.append((resp, {"type": "response_issued", "on": start + timedelta(days=resp)}))
        last = resp
        if rng.random() < 0.2:
            esc = resp + rng.randrange(1, 10)
            evs.append(
                (
                    esc,
                    {"type": "escalation_requested", "stage": 2, "on": start + timedelta(days=esc)},
                )
            )
            ack2 = esc + rng.choice((2, 5, 8))
            evs.append(
                (
                    ack2,
                    {
                        "type": "acknowledged",
                        "stage": 2,
                        "on": start + timedelta(days=ack2),
                        "definition": DEFINITION,
                    },
                )
            )
            evs.append(
                (
                    ack2,
                    {
                        "type": "handler_assigned",
                        "stage": 2,
                        "on": start + timedelta(days=ack2),
                        "handler": rng.choice(("a", "B")),
                    },
                )
            )
            last = ack2 + rng.choice((10, 20, 40))
            evs.append(
                (last, {"type": "response_issued", "stage": 2, "on": start + timedelta(days=last)})
            )
        end = last + rng.randrange(0, 5)
        kind = "withdrawn" if rng.random() < 0.05 else "closed"
        evs.append((end, {"type": kind, "on": start + timedelta(days=end)}))
        for deliver, event in evs:
            item = {"reference": ref, **event, "on": event["on"].isoformat()}
            if "new_due" in item:
                item["new_due"] = item["new_due"].isoformat()
            roll = rng.random()
            if roll < 0.08:  # delivered late: after the next day's tick, or later still
                at(deliver + rng.randrange(1, 4), item)
            elif roll < 0.10 and event["type"] != "received":  # before its case's receipt
                at(day - 1 if day else 0, item)
                at(deliver, item)
            else:
                at(deliver, item)
            if rng.random() < 0.10:  # redelivered, at once or days later
                at(deliver + rng.choice((0, 0, 2, 6)), dict(item))
            if rng.random() < 0.01 and event["type"] == "acknowledged":
                at(deliver + 1, {**item, "on": (start + timedelta(days=ack + 1)).isoformat()})
    stream: list[dict[str, Any]] = []
    for day in range(max(by_day) + 40):
        items = by_day.get(day, [])
        rng.shuffle(items)  # no order within a day
        stream += items
        stream.append({"type": "tick", "on": (start + timedelta(days=day + 1)).isoformat()})
    return stream


def _run(engine_name: str, stream: list[dict[str, Any]]) -> tuple[list[Any], ...]:
    monitor = Monitor(rules_engine=engine_name)
    assert monitor.rules_engine == engine_name
    alerts: list[tuple[int, dict[str, Any]]] = []
    rejected: list[tuple[int, str]] = []
    duplicates: list[tuple[int, str]] = []
    for i, item in enumerate(stream):
        try:
            posted = monitor.post_detailed(item)
        except MonitorInputError as exc:
            rejected.append((i, str(exc)))
            continue
        if posted.duplicate is not None:
            duplicates.append((i, posted.duplicate))
        alerts += [(i, a.to_dict()) for a in posted.alerts]
    return alerts, rejected, duplicates, [monitor.export()]


def test_durable_and_python_fire_the_same_alerts_on_a_soak_stream() -> None:
    pytest.importorskip("durable")
    stream = soak_stream(2000, seed=16)
    assert len(stream) > 10_000
    durable = _run("durable", stream)
    python = _run("python", stream)
    alerts, rejected, duplicates, _ = durable
    kinds = {a["kind"] for _, a in alerts}
    # the stream exercises every kind of alert, repeats and rejections
    assert kinds == {
        "due",
        "breached",
        "extension_invalid",
        "same_handler",
        "closed",
        "retracted",
    }
    assert len(duplicates) > 500 and len(rejected) > 50
    assert python[0] == alerts  # same alerts (ids, rule ids, texts) in the same order
    assert python[1] == rejected
    assert python[2] == duplicates
    assert python[3] == durable[3]  # and the same state at the end


def test_the_python_evaluator_alone_gives_the_documented_soak_result() -> None:
    """Runs without durable-rules too: repeats change nothing on the fallback."""
    stream = soak_stream(300, seed=3)
    once = _run("python", [item for item in stream])
    again = _run("python", [x for item in stream for x in (item, item)])
    assert again[0] == [(2 * i, a) for i, a in once[0]]
