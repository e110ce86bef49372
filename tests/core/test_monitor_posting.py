"""What the monitor posts to durable-rules (issue 13: the monitor's rate with public APIs).

Each kind of message durable judges has its rules' conditions, written once per check
(``_Check.condition``): durable is given them over ``durable.lang.m``, and the monitor
judges the same callables over a message's fields to leave out the messages no rule could
fire on. These tests hold the two readings of each condition to the same verdict, and
check that a message no rule could fire on costs durable nothing.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from complaintrules import AlertKind, Engine, Monitor

pytest.importorskip("durable", reason="the monitor needs durable-rules (the 'live' extra)")

from complaintrules.monitor.monitor import _could_fire, _Ruleset, monitor_ruleset

DAYS = (738_000, 738_001, 738_002)  # three consecutive date ordinals: before, on, after


def _messages(key: str) -> Iterator[dict[str, Any]]:
    """Messages of kind ``key`` over every boundary of its fields (dates before, on and
    after each other; flags 0 and 1; the optional ``breached`` field left out or set)."""
    judges = key.split(":", 1)[0]
    if judges == "done":
        for on, due, defined, breached in itertools.product(DAYS, DAYS, (0, 1), (None, 1)):
            message = {"t": key, "on": on, "due": due, "defined": defined}
            if breached is not None:
                message["breached"] = breached
            yield message
    elif judges == "unmet":
        for at, due in itertools.product(DAYS, DAYS):
            yield {"t": key, "at": at, "due": due}
    elif judges == "ext_notice":
        for notified, in_force in itertools.product(DAYS, DAYS):
            yield {"t": key, "index": 0, "notified": notified, "in_force": in_force}
    elif judges == "ext_cap":
        for notified, in_force, new_due, cap, good in itertools.product(
            DAYS, DAYS, DAYS, DAYS, (0, 1)
        ):
            yield {
                "t": key,
                "index": 0,
                "notified": notified,
                "in_force": in_force,
                "new_due": new_due,
                "cap": cap,
                "good": good,
            }
    elif judges == "ext_reason":
        for reason in (0, 1):
            yield {"t": key, "index": 0, "reason": reason}
    elif judges == "handlers":
        for earlier, later in itertools.product(("a. smith", "b. okafor"), repeat=2):
            yield {"t": key, "earlier": earlier, "later": later, "names": [earlier, later]}
    else:  # pragma: no cover - a new kind of message needs its boundaries here
        raise AssertionError(f"no messages written for {key}")


@pytest.mark.parametrize("pack_name", ["code_2024", "code_2020"])
def test_python_and_durable_read_each_condition_alike(pack_name: str) -> None:
    """For every kind of message a pack's ruleset judges, over every boundary of its
    fields, a message is left out exactly when durable-rules fires no rule on it."""
    pack = Engine().pack(pack_name)
    definition, _, _, could = monitor_ruleset(pack)
    assert could  # both packs have conditions to judge
    ruleset = _Ruleset(f"test-posting-{uuid.uuid4().hex}", definition)
    compared = 0
    for key, judge in could.items():
        for message in _messages(key):
            fired = ruleset.post(dict(message))
            assert judge(message) == bool(fired), (message, fired)
            compared += 1
    assert compared > 200


def _count_posts(monitor: Monitor, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    posted: list[dict[str, Any]] = []
    original = _Ruleset.post

    def spy(self: _Ruleset, message: dict[str, Any]) -> list[str]:
        posted.append(dict(message))
        return original(self, message)

    monkeypatch.setattr(_Ruleset, "post", spy)
    return posted


def test_a_message_no_rule_could_fire_on_is_not_posted(monkeypatch: pytest.MonkeyPatch) -> None:
    """An acknowledgement and a response in time fire nothing: durable-rules is not asked
    (before, each was posted and matched no rule). A late response is posted and fires."""
    monitor = Monitor(pack="code_2024")
    posted = _count_posts(monitor, monkeypatch)
    try:
        monitor.post({"reference": "C-1", "type": "received", "on": "2024-05-01"})
        definition = {"understanding": "Damp", "outcomes_sought": "Treat it"}
        acknowledged = {"type": "acknowledged", "on": "2024-05-02", "definition": definition}
        alerts = monitor.post({"reference": "C-1", **acknowledged})
        assert [a.kind for a in alerts] == [AlertKind.DUE]  # the response clock starts
        assert (
            monitor.post({"reference": "C-1", "type": "response_issued", "on": "2024-05-10"}) == []
        )
        assert posted == []
        monitor.post({"reference": "C-2", "type": "received", "on": "2024-05-01"})
        monitor.post({"reference": "C-2", **acknowledged})
        late = monitor.post({"reference": "C-2", "type": "response_issued", "on": "2024-07-01"})
        assert [a.kind for a in late] == [AlertKind.BREACHED]
        assert [m["t"] for m in posted] == ["done:respond:1"]
    finally:
        monitor.close()


def test_rules_still_fire_through_durable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message a condition holds for is decided by durable-rules: if durable fires
    nothing, the monitor raises nothing."""
    monitor = Monitor(pack="code_2024")
    monkeypatch.setattr(_Ruleset, "post", lambda self, message: [])
    try:
        monitor.post({"reference": "C-1", "type": "received", "on": "2024-05-01"})
        alerts = monitor.post({"reference": "C-1", "type": "acknowledged", "on": "2024-06-03"})
        assert AlertKind.BREACHED not in [a.kind for a in alerts]
        assert [a.kind for a in alerts] == [AlertKind.DUE]  # announced without durable
        assert monitor.tick(date(2024, 9, 1)) == []
    finally:
        monitor.close()


def test_a_condition_not_compiled_leaves_durable_to_judge() -> None:
    """An operator the compiler does not know (durable's ``$ex``, a field present) posts
    every message of the kind, rather than leaving out one durable might fire on."""
    could = _could_fire([{"$and": [{"t": "k"}, {"$ex": {"x": 1}}]}])
    assert could({"t": "k"}) and could({"t": "k", "x": 1})
    compiled = _could_fire([{"$and": [{"t": "k"}, {"$gt": {"x": {"$m": "y"}}}]}])
    assert compiled({"t": "k", "x": 2, "y": 1}) and not compiled({"t": "k", "x": 1, "y": 1})
    assert not compiled({"t": "k", "y": 1})  # a field left out: no comparison holds
