"""The monitor's rule language, and a pure-Python evaluator of the rulesets written in it.

The monitor generates one durable-rules ruleset per pack from the pack's declarations
(:func:`complaintrules.monitor.monitor.monitor_ruleset`). Its conditions are built here,
over :data:`m`, a stand-in for ``durable.lang.m`` that writes the same JSON definition
durable-rules would (``tests/monitor/test_monitor_fallback.py`` compares the two for every
rule of every pack), so generating the ruleset no longer needs durable-rules.

That JSON is the one source of each condition. durable-rules runs it where it imports;
:class:`PythonRuleset` runs the very same JSON where it does not (Python 3.13 and later,
whose C API durable-rules' extension no longer builds against), by compiling each rule's
condition into a Python expression (:func:`python_source`). Only the part of durable's
language the monitor uses is supported: comparisons of a field with a number, a string or
another field, joined with ``&`` and ``|``. Anything else is refused when the ruleset is
built, never judged differently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "ABSENT",
    "PythonRuleset",
    "UnsupportedConditionError",
    "m",
    "python_source",
]


class UnsupportedConditionError(ValueError):
    """A condition outside the part of durable's language the Python evaluator judges."""


class _Absent:
    """A field the message does not carry (``breached`` where no breach was raised): no
    comparison with it holds, as durable-rules matches no condition on a missing field."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return False

    __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __eq__
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


class _Condition:
    """A node of a condition over the message ``m``, written as durable's JSON by
    :meth:`define`, in exactly the shape ``durable.lang`` writes it (an ``&`` or ``|``
    chain nested on the left is flattened into one list, as durable does)."""

    __slots__ = ("_left", "_op", "_right")

    def __init__(self, left: Any, op: str | None = None, right: Any = None) -> None:
        self._left = left
        self._op = op
        self._right = right

    # comparisons of a field (a node without an operator) with a value or another field
    def _compare(self, op: str, other: Any) -> _Condition:
        if self._op is not None or not isinstance(self._left, str):
            raise UnsupportedConditionError("a comparison needs a message field on its left")
        return _Condition(self._left, op, other)

    def __lt__(self, other: Any) -> _Condition:
        return self._compare("$lt", other)

    def __le__(self, other: Any) -> _Condition:
        return self._compare("$lte", other)

    def __gt__(self, other: Any) -> _Condition:
        return self._compare("$gt", other)

    def __ge__(self, other: Any) -> _Condition:
        return self._compare("$gte", other)

    def __eq__(self, other: Any) -> _Condition:  # type: ignore[override]
        return self._compare("$eq", other)

    def __ne__(self, other: Any) -> _Condition:  # type: ignore[override]
        return self._compare("$neq", other)

    __hash__ = None  # type: ignore[assignment]

    def __and__(self, other: _Condition) -> _Condition:
        return _Condition(self, "$and", other)

    def __or__(self, other: _Condition) -> _Condition:
        return _Condition(self, "$or", other)

    def define(self) -> dict[str, Any]:
        """The JSON durable-rules is given for this condition."""
        right = self._right.define() if isinstance(self._right, _Condition) else self._right
        op = self._op
        if op in ("$and", "$or"):
            assert isinstance(self._left, _Condition)
            left = self._left.define()
            parts = left[op] + [right] if op in left else [left, right]
            return {op: parts}
        assert isinstance(self._left, str)
        if op is None:  # a field used as a value: {"$m": name}
            return {"$m": self._left}
        if op == "$eq":
            return {self._left: right}
        return {op: {self._left: right}}


class _Message:
    """``m``: ``m.due`` is the message's field ``due``."""

    __slots__ = ()

    def __getattr__(self, name: str) -> _Condition:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Condition(name)


#: The message a condition is written over, as durable-rules' ``m`` is.
m = _Message()

#: durable's comparison operators (in a rule's JSON definition) and Python's
_OPERATORS = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<=", "$neq": "!="}


def python_source(node: Mapping[str, Any]) -> str:
    """A durable-rules condition (the JSON a rule's ``m`` is defined by) written as a Python
    expression over a message dict ``m``; a field the message lacks reads as ``A``
    (:data:`ABSENT`). Raises :class:`UnsupportedConditionError` for anything but the ``$and`` /
    ``$or`` of comparisons the monitor's checks are made of."""
    if not isinstance(node, Mapping) or len(node) != 1:
        raise UnsupportedConditionError(f"not a single-operator condition: {node!r}")
    ((op, operand),) = node.items()
    if op in ("$and", "$or"):
        if not isinstance(operand, list) or not operand:
            raise UnsupportedConditionError(f"{op} needs a list of conditions: {node!r}")
        joined = " and " if op == "$and" else " or "
        return "(" + joined.join(python_source(part) for part in operand) + ")"

    def value(v: Any) -> str:
        if isinstance(v, Mapping) and set(v) == {"$m"} and isinstance(v["$m"], str):
            return f"m.get({v['$m']!r}, A)"
        if isinstance(v, int | float | str) and not isinstance(v, bool):
            return repr(v)
        raise UnsupportedConditionError(f"not a field or a number or string: {v!r}")

    if op in _OPERATORS:
        if not isinstance(operand, Mapping) or len(operand) != 1:
            raise UnsupportedConditionError(f"not a comparison: {node!r}")
        ((name, other),) = operand.items()
        return f"(m.get({name!r}, A) {_OPERATORS[op]} {value(other)})"
    if op.startswith("$"):
        raise UnsupportedConditionError(f"an operator the monitor does not judge in Python: {op}")
    return f"(m.get({op!r}, A) == {value(operand)})"


Predicate = Callable[[Mapping[str, Any]], bool]


def compile_condition(node: Mapping[str, Any]) -> Predicate:
    """:func:`python_source` compiled into a function of the message."""
    # the text is written from the ruleset's own definition, never from a message
    compiled: Predicate = eval(
        "lambda m: " + python_source(node), {"__builtins__": {}, "A": ABSENT}
    )
    return compiled


def _kind(node: Mapping[str, Any]) -> str | None:
    """The message kind (``t``) a condition requires, where it begins with ``t == KIND``
    (every condition the monitor generates does): used to look a message's rules up."""
    parts = node.get("$and")
    if isinstance(parts, list) and parts:
        first = parts[0]
        if isinstance(first, Mapping) and len(first) == 1 and isinstance(first.get("t"), str):
            return str(first["t"])
    if len(node) == 1 and isinstance(node.get("t"), str):
        return str(node["t"])
    return None


class PythonRuleset:
    """A ruleset generated for durable-rules, judged in Python: the fallback where
    durable-rules cannot be imported.

    It takes the same definition (``{rule: {"all": [{"m": CONDITION}]}}``) and has the same
    :meth:`post` as the monitor's durable ruleset: the names of the rules a message fires,
    in the order the rules are defined. Each rule must match a single message (one ``m``
    in ``all``), as every rule the monitor generates does; anything else is refused here
    rather than judged differently from durable. A message fires a rule when the rule's
    condition holds for it; a field the message lacks satisfies no comparison, as in
    durable. Nothing is remembered between messages (the monitor's rules join no events).
    """

    def __init__(self, name: str, definition: Mapping[str, Any]) -> None:
        self.name = name
        by_kind: dict[str | None, list[tuple[str, Predicate]]] = {}
        order: list[tuple[str, Predicate, str | None]] = []
        for rule, spec in definition.items():
            if not isinstance(spec, Mapping) or set(spec) - {"all", "run"}:
                raise UnsupportedConditionError(f"{rule}: only 'all' rules are judged in Python")
            terms = spec.get("all")
            if not isinstance(terms, list) or len(terms) != 1:
                raise UnsupportedConditionError(f"{rule}: a rule must match exactly one message")
            ((alias, condition),) = dict(terms[0]).items()
            if alias != "m":
                raise UnsupportedConditionError(f"{rule}: a rule's message must be named 'm'")
            order.append((rule, compile_condition(condition), _kind(condition)))
        # a message of kind K is judged by K's rules and by any rule not tied to a kind,
        # kept in the order the rules were defined
        kinds = {kind for _, _, kind in order if kind is not None}
        for kind in kinds:
            by_kind[kind] = [(r, p) for r, p, k in order if k in (kind, None)]
        self._untied = [(r, p) for r, p, k in order if k is None]
        self._by_kind = by_kind

    def post(self, message: Mapping[str, Any]) -> list[str]:
        """The names of the rules ``message`` fires ([] when none matches), in definition
        order."""
        rules = self._by_kind.get(message.get("t"), self._untied)
        return [rule for rule, holds in rules if holds(message)]

    def close(self) -> None:
        """Nothing to release."""
