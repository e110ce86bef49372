"""Case checks written once, as expressions, and run over one case or a table of cases.

A pack writes a case check as a verdict table over the case's fields::

    reasons = stage(2).field("escalation_reasons_demanded")
    check = (
        when(reasons.is_null(), Verdict.NEEDS_EVIDENCE, "the case does not record ...")
        .when(reasons.is_true(), Verdict.FAIL, "the resident was required to ...")
        .otherwise(Verdict.PASS, "the resident was not asked ...",
                   facts={"stage2.escalation_reasons_demanded": reasons})
    )

The result, a :class:`CaseExpression`, is a case check like any other (a callable
``(case, ctx) -> Outcome``, so gates and the engine's error isolation apply unchanged),
judged on one :class:`Complaint` by a plain-Python backend that needs no Arrow; and
:func:`judge_table` judges the same expression over a case table
(:mod:`complaintrules.model.columns`) with ``pyarrow.compute``, giving every row's verdict and
building messages and evidence only for the rows asked for. Both backends are generated
from the one expression: there is no second copy of the law to keep in step.

Values follow SQL's rules for unknowns: a comparison with a missing value is unknown, ``&``
and ``|`` are Kleene logic, and a branch whose condition is unknown is not taken. Enum
values are compared and shown as their text.
"""

from __future__ import annotations

import operator
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from keyword import iskeyword
from string import Formatter
from typing import TYPE_CHECKING, Any, Protocol

from ..model.facts import STAGE_NUMBERS
from .gates import GatedCheck
from .rules import Evidence, Finding, Outcome, Rule, Subject, Verdict

if TYPE_CHECKING:
    import pyarrow as pa

    from ..calendar.working_days import WorkingCalendar
    from ..model.case import Complaint
    from ..model.conventions import Conventions
    from .context import Context
    from .packs import Pack

__all__ = [
    "CaseExpression",
    "EachFact",
    "Expr",
    "FieldFacts",
    "StageRef",
    "TableVerdicts",
    "Verdicts",
    "case_field",
    "each_fact",
    "field_facts",
    "item",
    "judge_table",
    "lit",
    "param",
    "stage",
    "when",
]


# -- the two evaluation environments ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    """What an expression reads on one case: the case, parameters, the current list item."""

    case: Complaint
    params: Mapping[str, Any]
    item: Any = None


#: The Python backend of an expression: a function of (case, parameters, current item),
#: made once from the expression by :meth:`Expr._compile`.
Fn = Callable[[Any, Mapping[str, Any], Any], Any]

_PLAIN_TYPES = frozenset({bool, str, int, float, type(None), date})


@dataclass(slots=True)
class _Columns:
    """What an expression reads over a table: its columns, parameters, the current items."""

    table: pa.Table
    params: Mapping[str, Any]
    size: int
    item: Any = None
    cache: dict[str, Any] = field(default_factory=dict)

    def column(self, name: str) -> pa.Array:
        found = self.cache.get(name)
        if found is None:
            found = self.cache[name] = self.table.column(name).combine_chunks()
        return found


def _plain(value: Any) -> Any:
    """A model value as the table holds it: enums by value, decimals as exact text."""
    if type(value) in _PLAIN_TYPES:
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def _walk(obj: Any, path: Sequence[str]) -> Any:
    for part in path:
        if obj is None:
            return None
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return _plain(obj)


def _reader(path: tuple[str, ...]) -> Callable[[Any], Any]:
    """A function reading ``path`` below a model object (or a dict read back from Arrow)."""
    if len(path) == 1:
        (name,) = path

        def one(obj: Any) -> Any:
            if obj is None:
                return None
            value = obj[name] if type(obj) is dict else getattr(obj, name)
            return value if type(value) in _PLAIN_TYPES else _plain(value)

        return one
    # On a model (the one-case backend) the whole path is read in C; a missing record on
    # the way (None) raises AttributeError, and the careful walk then answers.
    getter = operator.attrgetter(".".join(path))

    def many(obj: Any) -> Any:
        if obj is None or type(obj) is dict:
            return _walk(obj, path)
        try:
            value = getter(obj)
        except AttributeError:
            return _walk(obj, path)
        return value if type(value) in _PLAIN_TYPES else _plain(value)

    return many


def _array(value: Any, size: int) -> pa.Array:
    """``value`` as an array of ``size`` rows (a scalar, such as a parameter, repeated)."""
    import pyarrow as pa

    if isinstance(value, pa.ChunkedArray):
        return value.combine_chunks()
    if isinstance(value, pa.Array):
        return value
    if isinstance(value, pa.Scalar):
        return pa.repeat(value, size)
    return pa.repeat(pa.scalar(value), size) if value is not None else pa.nulls(size)


def _struct_path(array: Any, path: Sequence[str]) -> Any:
    import pyarrow.compute as pc

    for part in path:
        array = pc.struct_field(array, part)
    return array


class _Frame:
    """One case being judged by the closures of an expression's parts (lists, per-item
    text), as the generated function calls them."""

    __slots__ = ("case",)

    def __init__(self, case: Any) -> None:
        self.case = case


#: A shared part not yet computed, in the generated function.
_UNSET: Any = object()


class _Compiler:
    """Compiles expressions into closures of (frame, parameters, item), the Python
    backend of the parts the generated function does not inline (see :class:`_Gen`)."""

    __slots__ = ()

    def __call__(self, expr: Expr) -> Fn:
        return expr._build(self)


def _parts(value: Any) -> Iterator[Expr]:
    """The expressions directly inside ``value`` (an expression's field)."""
    if isinstance(value, Expr):
        yield value
    elif isinstance(value, tuple):
        for v in value:
            yield from _parts(v)


def _children(expr: Expr) -> Iterator[Expr]:
    for name in expr.__dataclass_fields__:  # type: ignore[attr-defined]
        yield from _parts(getattr(expr, name))
    yield from expr._hidden()


def _reads_item(expr: Expr) -> bool:
    return isinstance(expr, _ItemField) or any(_reads_item(e) for e in _children(expr))


def _shared_parts(roots: Sequence[Expr]) -> dict[Expr, int]:
    """The parts worth computing once per case: read more than once across ``roots``,
    not plain constants or parameters, and not depending on the list item being tested."""
    seen: dict[Expr, int] = {}

    def visit(e: Expr) -> None:
        with suppress(TypeError):  # unhashable (a literal list): never shared
            seen[e] = seen.get(e, 0) + 1
        for child in _children(e):
            visit(child)

    for root in roots:
        visit(root)
    found = [
        e
        for e, n in seen.items()
        if n > 1 and not isinstance(e, _Literal | _Param) and not _reads_item(e)
    ]
    return {e: slot for slot, e in enumerate(found)}


# -- expressions ---------------------------------------------------------------------------


class Expr:
    """A value read from a case (or computed from such values), typed by the case model.

    Build one with :func:`case_field`, :func:`stage`, :func:`item`, :func:`param` or
    :func:`lit`, and combine with the methods below and ``&``, ``|``, ``~``.
    """

    __slots__ = ()

    def _build(self, c: _Compiler) -> Fn:
        """The Python backend of this expression, its parts compiled by ``c``."""
        raise NotImplementedError

    def _compile(self) -> Fn:
        """The Python backend of this expression on its own (no values shared with other
        expressions); it reads the case from a :class:`_Frame`."""
        return _Compiler()(self)

    def _hidden(self) -> tuple[Expr, ...]:
        """Parts the Python backend reads that are not fields of this expression (the stage
        record behind a stage's field), so they are shared as the visible parts are."""
        return ()

    def _py(self, env: _Row) -> Any:
        return self._compile()(_Frame(env.case), env.params, env.item)

    def _arrow(self, env: _Columns) -> Any:
        raise NotImplementedError

    def _params(self) -> Iterator[str]:
        yield from ()

    # comparisons (unknown when either side is)
    def eq(self, other: Any) -> Expr:
        return _Compare("equal", self, _lift(other))

    def ne(self, other: Any) -> Expr:
        return _Compare("not_equal", self, _lift(other))

    def lt(self, other: Any) -> Expr:
        return _Compare("less", self, _lift(other))

    def le(self, other: Any) -> Expr:
        return _Compare("less_equal", self, _lift(other))

    def gt(self, other: Any) -> Expr:
        return _Compare("greater", self, _lift(other))

    def ge(self, other: Any) -> Expr:
        return _Compare("greater_equal", self, _lift(other))

    # tests that are never unknown
    def is_null(self) -> Expr:
        """The value is missing."""
        return _Test("null", self)

    def not_null(self) -> Expr:
        """The value is recorded."""
        return _Test("valid", self)

    def is_true(self) -> Expr:
        """The value is recorded as true (missing is not true)."""
        return _Test("true", self)

    def is_false(self) -> Expr:
        """The value is recorded as false (missing is not false)."""
        return _Test("false", self)

    def present(self) -> Expr:
        """The value is recorded and not empty: a non-empty text or list, a true yes/no."""
        return _Test("present", self)

    # boolean logic (Kleene)
    def __and__(self, other: Expr) -> Expr:
        return _Logic("and", self, other)

    def __or__(self, other: Expr) -> Expr:
        return _Logic("or", self, other)

    def __invert__(self) -> Expr:
        return _Not(self)

    # lists
    def any(self, predicate: Expr) -> Expr:
        """This list has an item for which ``predicate`` (over :func:`item`) holds."""
        return _Aggregate("any", self, predicate)

    def all(self, predicate: Expr) -> Expr:
        """``predicate`` holds for every item of this list (true for an empty list)."""
        return _Aggregate("all", self, predicate)

    def count(self, predicate: Expr | None = None) -> Expr:
        """How many items of this list meet ``predicate`` (all of them without one)."""
        return _Aggregate("count", self, predicate)

    def sum(self, value: Expr, *, where: Expr | None = None) -> Expr:
        """The total of ``value`` (read per item, a decimal number or its text) over the
        items of this list meeting ``where``, as a float; an item whose value is missing
        adds nothing, an empty list totals 0, a missing list is unknown."""
        return _Sum(self, value, where)

    def each(
        self, template: str, *, where: Expr | None = None, sep: str = ", ", **values: Expr
    ) -> Expr:
        """Text: ``template`` formatted for each item of this list meeting ``where``, over
        ``values`` (read per item) and ``{index}`` (the item's place in the whole list),
        joined by ``sep``; for messages."""
        return _Each(self, where, ((None, template),), tuple(values.items()), sep)

    def each_of(
        self,
        *clauses: tuple[Expr, str],
        where: Expr | None = None,
        sep: str = "; ",
        **values: Expr,
    ) -> Expr:
        """Text: for each item of this list meeting ``where``, in turn, every clause
        ``(condition, template)`` whose condition holds for it, formatted as in
        :meth:`each`, all joined by ``sep``; for messages listing what each item lacks."""
        return _Each(self, where, tuple(clauses), tuple(values.items()), sep)

    def months_after(self, months: Any) -> Expr:
        """The date ``months`` calendar months after this one (the month's last day where
        it is shorter), as :func:`dateutil.relativedelta.relativedelta` counts them."""
        return _MonthsAfter(self, _lift(months))

    def iso(self) -> Expr:
        """A date as its ISO text (``2024-05-01``), for evidence and messages."""
        return _Text(self, "isoformat")

    def formatted(self, spec: str) -> Expr:
        """A value as text by a :func:`format` spec (``".2f"`` for a sum of money), for
        messages; missing stays missing."""
        format(0.0, spec)  # an unknown spec is refused when the check is written
        return _Formatted(self, spec)

    def casefold(self) -> Expr:
        """Text compared without regard to case: Unicode case-folding, as
        :meth:`str.casefold` (missing stays missing)."""
        return _Text(self, "casefold")

    def fields_that(self, names: Expr, test: str, *, sep: str = ", ") -> Expr:
        """Text: the names, among ``names`` (a list, usually a parameter), of this record's
        yes/no fields whose value is ``test`` (``"false"`` or ``"null"``), in the order of
        ``names``, joined by ``sep``; empty when there are none (a missing record's fields
        are all null)."""
        if test not in ("false", "null"):
            raise ValueError(f"fields_that: test {test!r} is neither 'false' nor 'null'")
        return _FieldsThat(self, names, test, sep)

    def or_else(self, other: Any) -> Expr:
        """This value where it is :meth:`present`, else ``other``."""
        return _OrElse(self, _lift(other))

    def among(self, names: Any) -> Expr:
        """This text is one of the texts of the list ``names`` (a person among the names a
        case records), compared case-folded with runs of white space made single; unknown
        when either is missing."""
        return _Among(self, _lift(names))


def _lift(value: Any) -> Expr:
    return value if isinstance(value, Expr) else _Literal(_plain(value))


@dataclass(frozen=True, slots=True)
class _Literal(Expr):
    value: Any

    def _build(self, c: _Compiler) -> Fn:
        value = self.value
        return lambda case, params, item: value

    def _arrow(self, env: _Columns) -> Any:
        return self.value


@dataclass(frozen=True, slots=True)
class _Param(Expr):
    name: str

    def _build(self, c: _Compiler) -> Fn:
        name = self.name
        return lambda case, params, item: params[name]

    def _arrow(self, env: _Columns) -> Any:
        return env.params[self.name]

    def _params(self) -> Iterator[str]:
        yield self.name


@dataclass(frozen=True, slots=True)
class _CaseField(Expr):
    path: tuple[str, ...]

    def _build(self, c: _Compiler) -> Fn:
        if len(self.path) == 1:
            (name,) = self.path

            def top(case: Any, params: Mapping[str, Any], item: Any) -> Any:
                value = getattr(case.case, name)
                return value if type(value) in _PLAIN_TYPES else _plain(value)

            return top
        read = _reader(self.path)
        return lambda case, params, item: read(case.case)

    def _arrow(self, env: _Columns) -> Any:
        return _struct_path(env.column(self.path[0]), self.path[1:])


@dataclass(frozen=True, slots=True)
class _Stage(Expr):
    """Stage ``number``'s record (Python backend only: the table reads a stage's fields
    from its column)."""

    number: int

    def _build(self, c: _Compiler) -> Fn:
        number = self.number

        def record(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            for st in case.case.stages:
                if st.number == number:
                    return st
            return None

        return record

    def _arrow(self, env: _Columns) -> Any:
        raise TypeError("a stage's record is read over a table by its fields")


@dataclass(frozen=True, slots=True)
class _StageField(Expr):
    number: int
    path: tuple[str, ...]

    def _build(self, c: _Compiler) -> Fn:
        read, record = _reader(self.path), c(_Stage(self.number))
        return lambda case, params, item: read(record(case, params, item))

    def _hidden(self) -> tuple[Expr, ...]:
        return (_Stage(self.number),)

    def _arrow(self, env: _Columns) -> Any:
        from ..model.columns import stage_column

        return _struct_path(env.column(stage_column(self.number)), self.path)


@dataclass(frozen=True, slots=True)
class _StageReached(Expr):
    number: int

    def _build(self, c: _Compiler) -> Fn:
        record = c(_Stage(self.number))
        return lambda case, params, item: record(case, params, item) is not None

    def _hidden(self) -> tuple[Expr, ...]:
        return (_Stage(self.number),)

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow.compute as pc

        from ..model.columns import stage_column

        return pc.is_valid(env.column(stage_column(self.number)))


@dataclass(frozen=True, slots=True)
class _ItemField(Expr):
    path: tuple[str, ...]

    def _build(self, c: _Compiler) -> Fn:
        read = _reader(self.path)

        def field(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            if item is None:
                raise ValueError("item(...) is only meaningful inside any(), all() or count()")
            return read(item)

        return field

    def _arrow(self, env: _Columns) -> Any:
        if env.item is None:
            raise ValueError("item(...) is only meaningful inside any(), all() or count()")
        return _struct_path(env.item, self.path)


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "equal": operator.eq,
    "not_equal": operator.ne,
    "less": operator.lt,
    "less_equal": operator.le,
    "greater": operator.gt,
    "greater_equal": operator.ge,
}


@dataclass(frozen=True, slots=True)
class _Compare(Expr):
    op: str
    left: Expr
    right: Expr

    def _build(self, c: _Compiler) -> Fn:
        left, right, op = c(self.left), c(self.right), _COMPARE[self.op]

        def compare(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            a, b = left(case, params, item), right(case, params, item)
            return None if a is None or b is None else bool(op(a, b))

        return compare

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow.compute as pc

        a, b = self.left._arrow(env), self.right._arrow(env)
        return pc.call_function(self.op, [_array(a, env.size), b])

    def _params(self) -> Iterator[str]:
        yield from self.left._params()
        yield from self.right._params()


@dataclass(frozen=True, slots=True)
class _Test(Expr):
    kind: str
    value: Expr

    def _build(self, c: _Compiler) -> Fn:
        v = c(self.value)
        # one closure per kind: this runs on every case
        if self.kind == "null":
            return lambda case, params, item: v(case, params, item) is None
        if self.kind == "valid":
            return lambda case, params, item: v(case, params, item) is not None
        if self.kind == "true":
            return lambda case, params, item: v(case, params, item) is True
        if self.kind == "false":
            return lambda case, params, item: v(case, params, item) is False

        def present(case: Any, params: Mapping[str, Any], item: Any) -> bool:
            found = v(case, params, item)
            return found is not None and bool(found)

        return present

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        v = _array(self.value._arrow(env), env.size)
        if self.kind == "null":
            return pc.is_null(v)
        if self.kind == "valid":
            return pc.is_valid(v)
        if self.kind == "true":
            return pc.fill_null(v, False)
        if self.kind == "false":
            return pc.fill_null(pc.invert(v), False)
        kind = v.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            found = pc.greater(pc.utf8_length(v), 0)
        elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
            found = pc.greater(pc.list_value_length(v), 0)
        elif pa.types.is_boolean(kind):
            found = v
        elif pa.types.is_integer(kind) or pa.types.is_floating(kind):
            found = pc.not_equal(v, 0)
        else:
            found = pc.is_valid(v)
        return pc.fill_null(found, False)

    def _params(self) -> Iterator[str]:
        yield from self.value._params()


@dataclass(frozen=True, slots=True)
class _Logic(Expr):
    op: str
    left: Expr
    right: Expr

    def _build(self, c: _Compiler) -> Fn:
        left, right = c(self.left), c(self.right)
        stop = self.op != "and"  # the value that decides: false for and, true for or

        def logic(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            a, b = left(case, params, item), right(case, params, item)
            if a is stop or b is stop:
                return stop
            return None if a is None or b is None else not stop

        return logic

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow.compute as pc

        a = _array(self.left._arrow(env), env.size)
        b = _array(self.right._arrow(env), env.size)
        return pc.and_kleene(a, b) if self.op == "and" else pc.or_kleene(a, b)

    def _params(self) -> Iterator[str]:
        yield from self.left._params()
        yield from self.right._params()


@dataclass(frozen=True, slots=True)
class _Not(Expr):
    value: Expr

    def _build(self, c: _Compiler) -> Fn:
        value = c(self.value)

        def negate(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            v = value(case, params, item)
            return None if v is None else not v

        return negate

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow.compute as pc

        return pc.invert(_array(self.value._arrow(env), env.size))

    def _params(self) -> Iterator[str]:
        yield from self.value._params()


@dataclass(frozen=True, slots=True)
class _Aggregate(Expr):
    """any / all / count over a list, the predicate read per item (unknown counts as no)."""

    kind: str
    items: Expr
    predicate: Expr | None

    def _build(self, c: _Compiler) -> Fn:
        items, kind = c(self.items), self.kind
        predicate = c(self.predicate) if self.predicate is not None else None

        def aggregate(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            found = items(case, params, item) or []
            if predicate is None:
                met = len(found)
            else:
                met = sum(predicate(case, params, x) is True for x in found)
            if kind == "count":
                return met
            return met > 0 if kind == "any" else met == len(found)

        return aggregate

    def _arrow(self, env: _Columns) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        lists = _array(self.items._arrow(env), env.size)
        lengths = np.asarray(
            pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False),
            dtype=np.int64,
        )
        if self.predicate is None:
            met = lengths
        else:
            flat = pc.list_flatten(lists)
            parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
            inner = _Columns(env.table, env.params, len(flat), flat, env.cache)
            held = _array(self.predicate._arrow(inner), len(flat))
            mask = np.asarray(pc.fill_null(held, False).to_numpy(zero_copy_only=False), bool)
            met = np.bincount(parents[mask], minlength=env.size)
        if self.kind == "count":
            return pa.array(met)
        return pa.array(met > 0 if self.kind == "any" else met == lengths)

    def _params(self) -> Iterator[str]:
        yield from self.items._params()
        if self.predicate is not None:
            yield from self.predicate._params()


def _total(
    found: Sequence[Any] | None, value: Fn, where: Fn | None, params: Mapping[str, Any]
) -> float | None:
    if found is None:
        return None
    total = Decimal(0)
    for x in found:
        if where is not None and where(None, params, x) is not True:
            continue
        v = value(None, params, x)
        if v is not None:
            total += Decimal(v)
    return float(total)


@dataclass(frozen=True, slots=True)
class _Sum(Expr):
    """A total over a list's items. The items' values are added as exact decimals, row by
    row in Python in both backends (a list read back from Arrow as dicts), so the totals
    agree to the last digit; per-item values may read only the item and parameters."""

    items: Expr
    value: Expr
    where: Expr | None

    def _build(self, c: _Compiler) -> Fn:
        items, value = c(self.items), self.value._compile()
        where = self.where._compile() if self.where is not None else None

        def total(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            return _total(items(case, params, item), value, where, params)

        return total

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow as pa

        value = self.value._compile()
        where = self.where._compile() if self.where is not None else None
        lists = _array(self.items._arrow(env), env.size).to_pylist()
        return pa.array([_total(found, value, where, env.params) for found in lists], pa.float64())

    def _params(self) -> Iterator[str]:
        yield from self.items._params()
        yield from self.value._params()
        if self.where is not None:
            yield from self.where._params()


def _kept(
    found: Sequence[Any] | None, where: Fn | None, case: Any, params: Mapping[str, Any]
) -> list[tuple[int, Any]]:
    """(index, item) of each item of ``found`` meeting ``where``."""
    return [
        (i, x) for i, x in enumerate(found or []) if where is None or where(case, params, x) is True
    ]


def _per_item(items: Expr, where: Expr | None, env: _Columns) -> list[list[tuple[int, Any]]]:
    """Per row of ``env``, the (index, item) of each item meeting ``where``; the items are
    read back from Arrow (as dicts), so this serves messages and evidence, row by row, and
    per-item values may read only the item and parameters."""
    test = where._compile() if where is not None else None
    lists = _array(items._arrow(env), env.size).to_pylist()
    return [_kept(found, test, None, env.params) for found in lists]


@dataclass(frozen=True, slots=True)
class _Each(Expr):
    items: Expr
    where: Expr | None
    clauses: tuple[tuple[Expr | None, str], ...]
    values: tuple[tuple[str, Expr], ...]
    sep: str

    def _texter(self) -> Callable[[Sequence[tuple[int, Any]], Mapping[str, Any]], str]:
        values = [(k, e._compile()) for k, e in self.values]
        clauses = [(c._compile() if c is not None else None, t) for c, t in self.clauses]
        sep = self.sep

        def text(kept: Sequence[tuple[int, Any]], params: Mapping[str, Any]) -> str:
            return sep.join(
                template.format(index=i, **{k: f(None, params, x) for k, f in values})
                for i, x in kept
                for condition, template in clauses
                if condition is None or condition(None, params, x) is True
            )

        return text

    def _build(self, c: _Compiler) -> Fn:
        items, text = c(self.items), self._texter()
        where = c(self.where) if self.where is not None else None

        def each(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            return text(_kept(items(case, params, item), where, case, params), params)

        return each

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow as pa

        text = self._texter()
        rows = _per_item(self.items, self.where, env)
        return pa.array([text(kept, env.params) for kept in rows], pa.string())

    def _params(self) -> Iterator[str]:
        yield from self.items._params()
        if self.where is not None:
            yield from self.where._params()
        for condition, _ in self.clauses:
            if condition is not None:
                yield from condition._params()
        for _, e in self.values:
            yield from e._params()


@dataclass(frozen=True, slots=True)
class _OrElse(Expr):
    value: Expr
    other: Expr

    def _build(self, c: _Compiler) -> Fn:
        value, other = c(self.value), c(self.other)

        def or_else(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            v = value(case, params, item)
            return v if v is not None and bool(v) else other(case, params, item)

        return or_else

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow.compute as pc

        v = _array(self.value._arrow(env), env.size)
        o = _array(self.other._arrow(env), env.size)
        return pc.if_else(_array(_Test("present", self.value)._arrow(env), env.size), v, o)

    def _params(self) -> Iterator[str]:
        yield from self.value._params()
        yield from self.other._params()


def _months_after(day: date, months: int) -> date:
    from dateutil.relativedelta import relativedelta

    result: date = day + relativedelta(months=months)
    return result


def _per_value(array: Any, fn: Callable[[Any], Any], kind: pa.DataType) -> Any:
    """``fn`` of each distinct value of ``array`` (computed once per value in Python, so
    both backends compute alike), spread back over its rows; null stays null."""
    import pyarrow as pa

    encoded = array.dictionary_encode()
    done = pa.array([fn(v) for v in encoded.dictionary.to_pylist()], kind)
    return done.take(encoded.indices)


@dataclass(frozen=True, slots=True)
class _MonthsAfter(Expr):
    value: Expr
    months: Expr

    def _build(self, c: _Compiler) -> Fn:
        value, months = c(self.value), c(self.months)

        def after(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            day, n = value(case, params, item), months(case, params, item)
            return None if day is None or n is None else _months_after(day, n)

        return after

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow as pa

        days = _array(self.value._arrow(env), env.size)
        months = self.months._arrow(env)
        if isinstance(months, pa.Array | pa.ChunkedArray | pa.Scalar):
            n = _array(months, env.size).to_pylist()
            firsts = days.to_pylist()
            return pa.array(
                [
                    None if d is None or k is None else _months_after(d, k)
                    for d, k in zip(firsts, n, strict=True)
                ],
                pa.date32(),
            )
        if months is None:
            return pa.nulls(env.size, pa.date32())
        return _per_value(days, lambda d: _months_after(d, months), pa.date32())

    def _params(self) -> Iterator[str]:
        yield from self.value._params()
        yield from self.months._params()


@dataclass(frozen=True, slots=True)
class _Text(Expr):
    """A value's text by one of its own methods: ``isoformat`` of a date, ``casefold`` of a
    text. Over a table, each distinct value is turned once by the same method in Python,
    so the backends agree (Arrow has lower-casing but not Unicode case-folding: "Straße"
    folds to "strasse")."""

    value: Expr
    method: str

    def _build(self, c: _Compiler) -> Fn:
        value, method = c(self.value), self.method

        def text(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            v = value(case, params, item)
            return None if v is None else getattr(v, method)()

        return text

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow as pa

        values = _array(self.value._arrow(env), env.size)
        if pa.types.is_large_string(values.type) or pa.types.is_dictionary(values.type):
            values = values.cast(pa.string())
        method = self.method
        return _per_value(values, lambda v: getattr(v, method)(), pa.string())

    def _params(self) -> Iterator[str]:
        yield from self.value._params()


@dataclass(frozen=True, slots=True)
class _Formatted(Expr):
    """A value as text by a format spec; over a table each distinct value is formatted
    once in Python, so the backends give the same text."""

    value: Expr
    spec: str

    def _build(self, c: _Compiler) -> Fn:
        value, spec = c(self.value), self.spec

        def text(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            v = value(case, params, item)
            return None if v is None else format(v, spec)

        return text

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow as pa

        values = _array(self.value._arrow(env), env.size)
        spec = self.spec
        return _per_value(values, lambda v: format(v, spec), pa.string())

    def _params(self) -> Iterator[str]:
        yield from self.value._params()


def _name_key(text: str) -> str:
    return " ".join(text.casefold().split())


def _among(value: Any, names: Any) -> bool | None:
    if value is None or names is None:
        return None
    key = _name_key(value)
    return any(_name_key(n) == key for n in names if n is not None)


@dataclass(frozen=True, slots=True)
class _Among(Expr):
    """A text among a list's texts. Over a table each row is compared in Python, as on one
    case, so the backends fold and compare alike."""

    value: Expr
    names: Expr

    def _build(self, c: _Compiler) -> Fn:
        value, names = c(self.value), c(self.names)

        def among(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            return _among(value(case, params, item), names(case, params, item))

        return among

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow as pa

        values = _array(self.value._arrow(env), env.size).to_pylist()
        names = self.names._arrow(env)
        if isinstance(names, pa.Array | pa.ChunkedArray | pa.Scalar):
            listed = _array(names, env.size).to_pylist()
        else:
            listed = [names] * env.size
        found = [_among(v, n) for v, n in zip(values, listed, strict=True)]
        return pa.array(found, pa.bool_())

    def _params(self) -> Iterator[str]:
        yield from self.value._params()
        yield from self.names._params()


def _constant_names(names: Expr, env: _Columns) -> list[str]:
    """The field names a list-valued expression gives over a table: the same for every row
    (a parameter or a constant, as the rows of a group share their parameters)."""
    found = names._arrow(env)
    if not isinstance(found, list | tuple) or not all(isinstance(n, str) for n in found):
        raise TypeError("the names of the fields to read must be a parameter or a constant list")
    return list(found)


@dataclass(frozen=True, slots=True)
class _FieldValues(Expr):
    """The values of the fields of ``record`` that ``names`` names, in order (Python backend
    only: read once per case by :class:`_FieldsThat` and :class:`FieldFacts`)."""

    record: Expr
    names: Expr

    def _build(self, c: _Compiler) -> Fn:
        record, names = c(self.record), c(self.names)

        def values(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            obj, listed = record(case, params, item), names(case, params, item)
            if obj is None:
                return [None] * len(listed)
            if type(obj) is dict:
                return [obj[n] for n in listed]
            found = [getattr(obj, n) for n in listed]
            return [v if type(v) in _PLAIN_TYPES else _plain(v) for v in found]

        return values

    def _arrow(self, env: _Columns) -> Any:
        raise TypeError("fields are read over a table one by one")

    def _params(self) -> Iterator[str]:
        yield from self.record._params()
        yield from self.names._params()


@dataclass(frozen=True, slots=True)
class _FieldsThat(Expr):
    record: Expr
    names: Expr
    test: str
    sep: str

    def _build(self, c: _Compiler) -> Fn:
        names, values = c(self.names), c(_FieldValues(self.record, self.names))
        wanted, sep = (False if self.test == "false" else None), self.sep

        def fields_that(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            found = values(case, params, item)
            listed = names(case, params, item)
            return sep.join([n for n, v in zip(listed, found, strict=True) if v is wanted])

        return fields_that

    def _hidden(self) -> tuple[Expr, ...]:
        return (_FieldValues(self.record, self.names),)

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        names = _constant_names(self.names, env)
        if not names:
            return pa.repeat(pa.scalar("", pa.string()), env.size)
        record = _array(self.record._arrow(env), env.size)
        empty, sep = pa.scalar("", pa.string()), pa.scalar(self.sep, pa.string())
        text = pa.repeat(empty, env.size)
        for name in names:
            value = pc.struct_field(record, name)
            met = (
                pc.fill_null(pc.invert(value), False) if self.test == "false" else pc.is_null(value)
            )
            # the separator only between names: where this one is met and text precedes it
            gap = pc.if_else(pc.and_(met, pc.greater(pc.utf8_length(text), 0)), sep, empty)
            piece = pc.if_else(met, pa.scalar(name, pa.string()), empty)
            text = pc.binary_join_element_wise(text, gap, piece, empty)
        return text

    def _params(self) -> Iterator[str]:
        yield from self.record._params()
        yield from self.names._params()


@dataclass(frozen=True, slots=True)
class FieldFacts:
    """Evidence entries, one per name in ``names`` (a list, usually a parameter): the key
    ``key`` formatted with ``{name}``, the value that field of ``record`` (None where the
    record is missing)."""

    record: Expr
    names: Expr
    key: str

    def _exprs(self) -> list[Expr]:
        return [self.record, self.names, _FieldValues(self.record, self.names)]

    def _compile(
        self, c: _Compiler | None = None
    ) -> Callable[[Any, Mapping[str, Any], Any], dict[str, Any]]:
        """The entries of one case (or, with ``case`` None, of the (record, names) given
        as the payload, as :meth:`_rows` gives them per row of a table)."""
        c = c or _Compiler()
        names, values = c(self.names), c(_FieldValues(self.record, self.names))
        # the key is "<before>{name}<after>": joined, not formatted, on every case
        before, after = self.key.replace("{{", "{").replace("}}", "}").split("{name}")

        def entries(case: Any, params: Mapping[str, Any], payload: Any) -> dict[str, Any]:
            if case is not None:
                listed, found = names(case, params, None), values(case, params, None)
            else:
                obj, listed = payload
                found = [None] * len(listed) if obj is None else [obj[n] for n in listed]
            return {before + n + after: v for n, v in zip(listed, found, strict=True)}

        return entries

    def _rows(self, env: _Columns) -> list[Any]:
        names = _constant_names(self.names, env)
        records = _array(self.record._arrow(env), env.size).to_pylist()
        return [(obj, names) for obj in records]


def field_facts(record: Expr, names: Expr, key: str) -> FieldFacts:
    """Evidence for each field of ``record`` named in ``names`` (see :class:`FieldFacts`);
    ``key`` names the field once, with ``{name}``, and nothing else."""
    if [n for _, n, _, _ in Formatter().parse(key) if n is not None] != ["name"]:
        raise ValueError(f"field_facts: key {key!r} must name each field once, as {{name}}")
    return FieldFacts(record, names, key)


@dataclass(frozen=True, slots=True)
class EachFact:
    """Evidence entries, one per item of a list meeting ``where``: the key ``key`` formatted
    with ``{index}``, the value ``value`` read per item (a mapping gives an object; with
    ``{name}`` in the key, a mapping gives one entry per name instead)."""

    items: Expr
    key: str
    value: Expr | Mapping[str, Expr]
    where: Expr | None = None

    def _exprs(self) -> list[Expr]:
        value = self.value
        found = [self.items, *([self.where] if self.where is not None else [])]
        return found + ([value] if isinstance(value, Expr) else list(value.values()))

    def _rows(self, env: _Columns) -> list[Any]:
        return _per_item(self.items, self.where, env)

    def _compile(
        self, c: _Compiler | None = None
    ) -> Callable[[Any, Mapping[str, Any], Any], dict[str, Any]]:
        """The entries of one case (its items read from the case, or given as ``item``
        already filtered, as :func:`_per_item` gives them)."""
        c = c or _Compiler()
        items = c(self.items)
        where = c(self.where) if self.where is not None else None
        key = self.key
        if "{name}" in key and not isinstance(self.value, Expr):
            named = [(k, e._compile()) for k, e in self.value.items()]

            def flat(case: Any, params: Mapping[str, Any], kept: Any) -> dict[str, Any]:
                if case is not None:
                    kept = _kept(items(case, params, None), where, case, params)
                return {
                    key.format(index=i, name=k): f(None, params, x)
                    for i, x in kept
                    for k, f in named
                }

            return flat
        if isinstance(self.value, Expr):
            one = self.value._compile()

            def value(params: Mapping[str, Any], x: Any) -> Any:
                return one(None, params, x)
        else:
            fields = [(k, e._compile()) for k, e in self.value.items()]

            def value(params: Mapping[str, Any], x: Any) -> Any:
                return {k: f(None, params, x) for k, f in fields}

        def entries(case: Any, params: Mapping[str, Any], kept: Any) -> dict[str, Any]:
            if case is not None:
                kept = _kept(items(case, params, None), where, case, params)
            return {key.format(index=i): value(params, x) for i, x in kept}

        return entries


def each_fact(
    items: Expr, key: str, value: Expr | Mapping[str, Expr], *, where: Expr | None = None
) -> EachFact:
    """Evidence for each item of ``items`` meeting ``where`` (see :class:`EachFact`)."""
    return EachFact(items, key, value, where)


# -- the one-case backend, generated -----------------------------------------------------------
#
# A verdict table is compiled into one Python function per expression (its source made
# from the expression, then compiled once): each part read more than once is computed once
# per case into a local variable, and the simple operations are inlined, so a case is
# judged with no more calls than a hand-written check would make. Parts the generator does
# not inline (lists, per-item text) call their compiled closures.

_OPERATORS = {
    "equal": "==",
    "not_equal": "!=",
    "less": "<",
    "less_equal": "<=",
    "greater": ">",
    "greater_equal": ">=",
}


def _stage_of(case: Any, number: int) -> Any:
    for st in case.stages:
        if st.number == number:
            return st
    return None


def _field_values(obj: Any, listed: Sequence[str]) -> list[Any]:
    if obj is None:
        return [None] * len(listed)
    if type(obj) is dict:
        return [obj[n] for n in listed]
    plain = _PLAIN_TYPES
    return [v if type(v := getattr(obj, n)) in plain else _plain(v) for n in listed]


def _fields_that(listed: Sequence[str], values: list[Any], wanted: Any, sep: str) -> str:
    if wanted not in values:  # the usual case, in C: nothing equals it, so nothing is it
        return ""
    return sep.join([n for n, v in zip(listed, values, strict=True) if v is wanted])


class _Gen:
    """Generates the source of one case's judgement: names for constants and helpers, and
    a local variable for each shared part."""

    def __init__(self, shared: Mapping[Expr, int]) -> None:
        self.shared = shared
        self.names: dict[str, Any] = {
            "_PT": _PLAIN_TYPES,
            "_plain": _plain,
            "_stage_of": _stage_of,
            "_field_values": _field_values,
            "_fields_that": _fields_that,
            "_months_after": _months_after,
            "_UNSET": _UNSET,
            "Outcome": Outcome,
        }
        self.count = 0

    def name(self, value: Any, prefix: str = "k") -> str:
        self.count += 1
        found = f"{prefix}{self.count}"
        self.names[found] = value
        return found

    def tmp(self) -> str:
        self.count += 1
        return f"_t{self.count}"

    def expr(self, e: Expr) -> str:
        src = self._inline(e)
        try:
            slot = self.shared.get(e)
        except TypeError:
            slot = None
        if slot is None:
            return src
        v = f"_v{slot}"
        return f"({v} if {v} is not _UNSET else ({v} := {src}))"

    def plain(self, src: str) -> str:
        t = self.tmp()
        return f"({t} if type({t} := {src}) in _PT else _plain({t}))"

    def path(self, record: str, path: Sequence[str]) -> str:
        """``path`` read below the model object ``record`` (missing where a record on the
        way is), attribute by attribute; the value as the table holds it."""
        *records, last = path
        for part in records:
            t = self.tmp()
            record = f"(None if ({t} := {record}) is None else {t}.{part})"
        t = self.tmp()
        return f"(None if ({t} := {record}) is None else {self.plain(f'{t}.{last}')})"

    def _inline(self, e: Expr) -> str:
        if isinstance(e, _Literal):
            return self.name(e.value)
        if isinstance(e, _Param):
            return f"params[{e.name!r}]"
        if isinstance(e, _CaseField):
            if len(e.path) == 1:
                return self.plain(f"case.{e.path[0]}")
            return self.path(self.plain(f"case.{e.path[0]}"), e.path[1:])
        if isinstance(e, _Stage):
            return f"_stage_of(case, {e.number})"
        if isinstance(e, _StageField):
            return self.path(self.expr(_Stage(e.number)), e.path)
        if isinstance(e, _StageReached):
            return f"({self.expr(_Stage(e.number))} is not None)"
        if isinstance(e, _Compare):
            a, b = self.tmp(), self.tmp()
            left, right = self.expr(e.left), self.expr(e.right)
            return (
                f"(None if ({a} := {left}) is None or ({b} := {right}) is None "
                f"else {a} {_OPERATORS[e.op]} {b})"
            )
        if isinstance(e, _Test):
            v = self.expr(e.value)
            if e.kind == "present":
                t = self.tmp()
                return f"(False if ({t} := {v}) is None else bool({t}))"
            test = {"null": "is None", "valid": "is not None", "true": "is True"}
            return f"({v} {test.get(e.kind, 'is False')})"
        if isinstance(e, _Logic):
            a, b = self.tmp(), self.tmp()
            stop = "False" if e.op == "and" else "True"
            left, right = self.expr(e.left), self.expr(e.right)
            return (
                f"({stop} if ({a} := {left}) is {stop} or ({b} := {right}) is {stop} "
                f"else (None if {a} is None or {b} is None else not {stop}))"
            )
        if isinstance(e, _Not):
            t = self.tmp()
            return f"(None if ({t} := {self.expr(e.value)}) is None else not {t})"
        if isinstance(e, _Text):
            t = self.tmp()
            return f"(None if ({t} := {self.expr(e.value)}) is None else {t}.{e.method}())"
        if isinstance(e, _Aggregate) and e.kind == "count" and e.predicate is None:
            t = self.tmp()
            return f"(len({t}) if ({t} := {self.expr(e.items)}) else 0)"
        if isinstance(e, _MonthsAfter):
            a, b = self.tmp(), self.tmp()
            day, months = self.expr(e.value), self.expr(e.months)
            return (
                f"(None if ({a} := {day}) is None or ({b} := {months}) is None "
                f"else _months_after({a}, {b}))"
            )
        if isinstance(e, _FieldValues):
            return f"_field_values({self.expr(e.record)}, {self.expr(e.names)})"
        if isinstance(e, _FieldsThat):
            names = self.expr(e.names)
            values = self.expr(_FieldValues(e.record, e.names))
            wanted = "False" if e.test == "false" else "None"
            return f"_fields_that({names}, {values}, {wanted}, {e.sep!r})"
        # anything else: its compiled closure, over the case's frame
        return f"{self.name(e._compile(), 'h')}(_Frame(case), params, None)"


def _field_entries(before: str, after: str) -> Callable[[Sequence[str], list[Any]], Any]:
    # The keys of each list of names (a parameter's value: a handful per pack), made once:
    # text built and hashed afresh on every case costs more than the rest of the check.
    keys: dict[tuple[str, ...], tuple[str, ...]] = {}

    def entries(listed: Sequence[str], values: list[Any]) -> dict[str, Any]:
        names = tuple(listed)
        found = keys.get(names)
        if found is None:
            found = keys[names] = tuple(before + n + after for n in names)
        return dict(zip(found, values, strict=True))

    return entries


# -- how authors name values ----------------------------------------------------------------


def _path(dotted: str) -> tuple[str, ...]:
    parts = tuple(dotted.split("."))
    if not all(parts):
        raise ValueError(f"field path {dotted!r} has an empty part")
    return parts


def case_field(path: str) -> Expr:
    """A fact of the case itself, by its dotted path on :class:`Complaint`
    (``"service_request"``, ``"resident.disclosed_disability"``, ``"refusals"``)."""
    return _CaseField(_path(path))


@dataclass(frozen=True, slots=True)
class StageRef:
    """Stage ``number`` of a case: :meth:`field` reads its facts, :meth:`reached` whether the
    case has it."""

    number: int

    def field(self, path: str) -> Expr:
        """A fact of the stage by its dotted path on :class:`Stage` (``"handler"``,
        ``"response.contents.reasons"``, ``"extensions"``); missing where the case did not
        reach the stage."""
        return _StageField(self.number, _path(path))

    def reached(self) -> Expr:
        return _StageReached(self.number)


def stage(number: int) -> StageRef:
    """Stage ``number`` of the case."""
    if number not in STAGE_NUMBERS:
        raise ValueError(f"stage {number}: the case model numbers stages 0 to 9")
    return StageRef(number)


def item(path: str) -> Expr:
    """A fact of the list item being tested, inside ``any``, ``all`` or ``count``."""
    return _ItemField(_path(path))


def param(name: str) -> Expr:
    """The pack's parameter ``name`` in force on the case's receipt date (it is then
    recorded in the evidence, as :meth:`Context.param` records it)."""
    return _Param(name)


def lit(value: Any) -> Expr:
    """A constant."""
    return _Literal(_plain(value))


# -- verdict tables ----------------------------------------------------------------------------


def _named(template: str) -> list[str]:
    """The values a message template names, each once."""
    found = (n.split(".")[0].split("[")[0] for _, n, _, _ in Formatter().parse(template) if n)
    return list(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class _Branch:
    condition: Expr | None
    verdict: Verdict
    message: str
    evidence: bool
    computed: bool = True


@dataclass(frozen=True, slots=True)
class Verdicts:
    """A verdict table being built: the first branch whose condition holds decides."""

    branches: tuple[_Branch, ...]

    def when(
        self,
        condition: Expr,
        verdict: Verdict,
        message: str,
        *,
        evidence: bool = True,
        computed: bool = True,
    ) -> Verdicts:
        """Another branch, tried after those before it; ``computed=False`` reports the
        facts but not the computed values (which may not be known on this branch)."""
        branch = _Branch(condition, Verdict(verdict), message, evidence, computed)
        return Verdicts((*self.branches, branch))

    def otherwise(
        self,
        verdict: Verdict,
        message: str,
        *,
        evidence: bool = True,
        values: Mapping[str, Expr] | None = None,
        facts: Mapping[str, Expr] | None = None,
        each_facts: Sequence[EachFact | FieldFacts] = (),
        computed: Mapping[str, Expr] | None = None,
        tag: tuple[Any, ...] = (),
    ) -> CaseExpression:
        """The verdict when no branch holds, which completes the table.

        Messages are :meth:`str.format` templates over ``values`` (``{handler}``); ``facts``
        (then ``each_facts``, per list item) and ``computed`` name the values the outcome's
        evidence records, on every branch given ``evidence=True`` (the default). ``tag``
        labels the check for tools that look for a kind of check without a rule id (the
        monitor finds the different-handlers checks by theirs); it plays no part in judging.
        """
        return CaseExpression(
            (*self.branches, _Branch(None, Verdict(verdict), message, evidence)),
            dict(values or {}),
            dict(facts or {}),
            dict(computed or {}),
            tuple(each_facts),
            tag,
        )


def when(
    condition: Expr,
    verdict: Verdict,
    message: str,
    *,
    evidence: bool = True,
    computed: bool = True,
) -> Verdicts:
    """The first branch of a verdict table: ``verdict`` with ``message`` where
    ``condition`` holds (see :meth:`Verdicts.otherwise` for messages and evidence)."""
    return Verdicts(()).when(condition, verdict, message, evidence=evidence, computed=computed)


@dataclass(frozen=True, slots=True)
class CaseExpression:
    """A case check written as a verdict table; call it on one case like any case check,
    or judge a table of cases with :func:`judge_table`."""

    branches: tuple[_Branch, ...]
    values: Mapping[str, Expr]
    facts: Mapping[str, Expr]
    computed: Mapping[str, Expr]
    each_facts: tuple[EachFact | FieldFacts, ...] = ()
    tag: tuple[Any, ...] = field(default=(), compare=False)
    _call: Callable[[Complaint, Context], Outcome] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for b in self.branches:
            try:
                b.message.format(**dict.fromkeys(self.values, ""))
            except (KeyError, IndexError) as exc:
                raise ValueError(
                    f"message {b.message!r} names {exc}, which is not among the values "
                    f"({', '.join(self.values) or 'none given'})"
                ) from None
        object.__setattr__(self, "_call", self._compile())

    @property
    def parameters(self) -> tuple[str, ...]:
        """The parameters the expression reads, each once, in the order it reads them."""
        found: dict[str, None] = {}
        exprs = [b.condition for b in self.branches if b.condition is not None]
        exprs += [*self.values.values(), *self.facts.values(), *self.computed.values()]
        for each in self.each_facts:
            exprs += each._exprs()
        for e in exprs:
            found.update(dict.fromkeys(e._params()))
        return tuple(found)

    def __call__(self, case: Complaint, ctx: Context) -> Outcome:
        """The Python backend: one case, no Arrow."""
        return self._call(case, ctx)

    def _compile(self) -> Callable[[Complaint, Context], Outcome]:
        """The Python backend, made once: one function generated from the verdict table,
        each part read more than once computed once per case (see :class:`_Gen`)."""
        names = self.parameters
        roots = [b.condition for b in self.branches if b.condition is not None]
        roots += [*self.values.values(), *self.facts.values(), *self.computed.values()]
        for group in self.each_facts:
            roots += group._exprs()
        shared = _shared_parts(roots)
        g = _Gen(shared)
        g.names["_Frame"] = _Frame
        lines = ["def call(case, ctx):"]
        if names:
            read = ", ".join(f"{n!r}: ctx.param({n!r})" for n in names)
            lines.append(f"    params = {{{read}}}")
        else:
            lines.append(f"    params = {g.name({})}")
        if shared:
            lines.append("    " + " = ".join(f"_v{i}" for i in range(len(shared))) + " = _UNSET")
        for b in self.branches:
            body = self._outcome_source(b, g)
            if b.condition is None:
                lines += [f"    {line}" for line in body]
            else:
                lines.append(f"    if {g.expr(b.condition)} is True:")
                lines += [f"        {line}" for line in body]
        source = "\n".join(lines) + "\n"
        namespace = dict(g.names, __source__=source)  # kept for reading while debugging
        exec(compile(source, "<case expression>", "exec"), namespace)
        call: Callable[[Complaint, Context], Outcome] = namespace["call"]
        return call

    def _outcome_source(self, b: _Branch, g: _Gen) -> list[str]:
        """The statements returning branch ``b``'s outcome."""
        message = g.name(b.message, "m")
        verdict = g.name(b.verdict, "verdict")
        if "{" in b.message or "}" in b.message:
            args = [
                f"{k}={g.expr(self.values[k])}"
                if k.isidentifier() and not iskeyword(k)
                else f"**{{{k!r}: {g.expr(self.values[k])}}}"
                for k in _named(b.message)
            ]
            message = f"{message}.format({', '.join(args)})"
        if not b.evidence:
            return [f"return Outcome({verdict}, {message})"]
        facts = ", ".join(f"{k!r}: {g.expr(e)}" for k, e in self.facts.items())
        computed = ", ".join(f"{k!r}: {g.expr(e)}" for k, e in self.computed.items() if b.computed)
        if not self.each_facts:
            return [f"return Outcome({verdict}, {message}, {{{facts}}}, {{{computed}}})"]
        lines = [f"_m = {message}", f"_found = {{{facts}}}"]
        for group in self.each_facts:
            if isinstance(group, FieldFacts):
                before, after = group.key.replace("{{", "{").replace("}}", "}").split("{name}")
                entries = g.name(_field_entries(before, after), "fe")
                names = g.expr(group.names)
                values = g.expr(_FieldValues(group.record, group.names))
                lines.append(f"_found.update({entries}({names}, {values}))")
            else:
                entries = g.name(group._compile(), "e")
                lines.append(f"_found.update({entries}(_Frame(case), params, None))")
        lines.append(f"return Outcome({verdict}, _m, _found, {{{computed}}})")
        return lines

    # -- the Arrow backend --------------------------------------------------------------------

    def _branches(self, env: _Columns) -> Any:
        """Per row, the index of the branch that decides it (a numpy array)."""
        import numpy as np
        import pyarrow.compute as pc

        chosen = np.full(env.size, len(self.branches) - 1, dtype=np.int64)
        open_rows = np.ones(env.size, dtype=bool)
        for i, b in enumerate(self.branches[:-1]):
            assert b.condition is not None
            held = _array(b.condition._arrow(env), env.size)
            mask = np.asarray(pc.fill_null(held, False).to_numpy(zero_copy_only=False), bool)
            mask &= open_rows
            chosen[mask] = i
            open_rows &= ~mask
        return chosen

    def _explain(self, env: _Columns, chosen: Sequence[int]) -> list[Outcome]:
        """The outcomes of the rows of ``env`` (only those asked for), their branches
        ``chosen``: messages and evidence are read over these rows alone."""

        def column(exprs: Mapping[str, Expr]) -> dict[str, list[Any]]:
            return {k: _array(e._arrow(env), env.size).to_pylist() for k, e in exprs.items()}

        words, facts, computed = column(self.values), column(self.facts), column(self.computed)
        per_item = [(each._compile(), each._rows(env)) for each in self.each_facts]
        out = []
        for row, i in enumerate(chosen):
            b = self.branches[i]
            message = b.message.format(**{k: v[row] for k, v in words.items()})
            if b.evidence:
                found = {k: v[row] for k, v in facts.items()}
                for entries, kept in per_item:
                    found.update(entries(None, env.params, kept[row]))
                out.append(
                    Outcome(
                        b.verdict,
                        message,
                        found,
                        {k: v[row] for k, v in computed.items()} if b.computed else {},
                    )
                )
            else:
                out.append(Outcome(b.verdict, message))
        return out


# -- judging a table ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TableVerdicts:
    """One rule judged over a case table: every row's verdict, and the findings of the rows
    asked for (by row number)."""

    rule_id: str
    verdicts: list[Verdict]
    findings: dict[int, Finding]


def expression_of(check: object) -> tuple[CaseExpression, GatedCheck | None] | None:
    """The expression behind a case check (and its gate, if gated); None for a function."""
    if isinstance(check, CaseExpression):
        return check, None
    if isinstance(check, GatedCheck) and isinstance(check.check, CaseExpression):
        return check.check, check
    return None


class JudgingSettings(Protocol):
    """What judging a table needs of an engine: its calendar and conventions (an
    :class:`~complaintrules.Engine` has both; the law does not depend on the engine)."""

    @property
    def calendar(self) -> WorkingCalendar: ...

    @property
    def conventions(self) -> Conventions: ...


def judge_table(
    rule: Rule,
    table: pa.Table,
    *,
    engine: JudgingSettings,
    pack: Pack,
    as_of: date | None = None,
    explain: Sequence[int] | str = (),
) -> TableVerdicts:
    """Judge ``rule``'s case expression over every row of ``table`` (a case table, cases
    already as they stood on ``as_of``; see :mod:`complaintrules.model.columns`).

    Each row is judged as :meth:`Engine.case_findings` judges its case against ``pack``:
    parameters in force on its receipt date, the rule's gate first. ``explain`` names the
    rows whose findings (message and evidence) are built: row numbers, ``"all"``, or
    ``"failures"`` (rows failing or in error). A rule that raises is reported, as the
    engine reports it, as an error on each row of the group of receipt dates it raised on;
    the other rows and rules are not affected.
    """
    import numpy as np
    import pyarrow as pa

    found = expression_of(rule.case)
    if found is None:
        raise TypeError(f"rule {rule.id}: its case check is a function; judge it per case")
    expression, gate = found
    n = table.num_rows
    verdicts: list[Verdict | None] = [None] * n
    outcomes: dict[int, Outcome | Finding] = {}
    contexts: dict[int, Context] = {}
    asked = (
        set(range(n)) if explain == "all" else set() if isinstance(explain, str) else set(explain)
    )
    failures = explain == "failures"
    rows = np.arange(n)
    if gate is not None:
        from ..model.columns import case_facts_column

        facts = case_facts_column(table)
        applies = (facts & gate.requires) == gate.requires
        for r in rows[~applies]:
            verdicts[r] = Verdict.NOT_APPLICABLE
            if r in asked:
                outcomes[int(r)] = Outcome(Verdict.NOT_APPLICABLE, gate.otherwise)
        rows = rows[applies]
    # Rows whose receipt dates share the parameters' values are judged together.
    received = table.column("received_on").to_pylist()
    groups: dict[tuple[Any, ...], list[int]] = {}
    group_context: dict[tuple[Any, ...], tuple[Context, dict[str, Any]]] = {}
    by_day: dict[date, tuple[Any, ...]] = {}
    failed_days: dict[date, Finding] = {}
    for r in rows.tolist():
        day = received[r]
        key = by_day.get(day)
        if key is None and day not in failed_days:
            ctx = _context(engine, pack, day, as_of)
            try:
                values = {name: ctx.param(name) for name in expression.parameters}
            except Exception as exc:
                failed_days[day] = _error(rule, "", exc, ctx)
            else:
                # same values from the same dated entries: the same evidence too
                key = by_day[day] = (repr(ctx.parameters_evidence()),)
                group_context.setdefault(key, (ctx, values))
        if key is None:
            verdicts[r] = Verdict.ERROR
            contexts[r] = _context(engine, pack, day, as_of)
            outcomes[r] = failed_days[day]
            continue
        groups.setdefault(key, []).append(r)
    for key, members in groups.items():
        ctx, values = group_context[key]
        part = table.take(pa.array(members, pa.int64()))
        env = _Columns(part, values, len(members))
        try:
            chosen = expression._branches(env)
        except Exception as exc:
            error = _error(rule, "", exc, ctx)
            for r in members:
                verdicts[r] = Verdict.ERROR
                outcomes[r] = error
            continue
        for r, i in zip(members, chosen.tolist(), strict=True):
            verdicts[r] = expression.branches[i].verdict
            contexts[r] = ctx
        wanted = [
            (k, r)
            for k, r in enumerate(members)
            if r in asked or (failures and verdicts[r] is Verdict.FAIL)
        ]
        if wanted:
            picked = part.take(pa.array([k for k, _ in wanted], pa.int64()))
            sub = _Columns(picked, values, len(wanted))
            try:
                explained = expression._explain(sub, [int(chosen[k]) for k, _ in wanted])
            except Exception as exc:
                error = _error(rule, "", exc, ctx)
                for _, r in wanted:
                    verdicts[r] = Verdict.ERROR
                    outcomes[r] = error
                continue
            for (_, r), outcome in zip(wanted, explained, strict=True):
                outcomes[r] = outcome
    references = table.column("reference").to_pylist()
    findings: dict[int, Finding] = {}
    for r, got in outcomes.items():
        wanted_row = r in asked or (failures and verdicts[r] in (Verdict.FAIL, Verdict.ERROR))
        if not wanted_row:
            continue
        if isinstance(got, Finding):
            findings[r] = Finding(
                got.rule_id,
                got.provision,
                got.pack,
                got.subject,
                references[r],
                got.verdict,
                got.level,
                got.message,
                got.evidence,
            )
            continue
        ctx = contexts.get(r) or _context(engine, pack, received[r], as_of)
        parameters = ctx.parameters_evidence() if r in contexts else {"pack_version": pack.version}
        findings[r] = Finding(
            rule_id=rule.id,
            provision=rule.provision,
            pack=rule.pack,
            subject=Subject.CASE,
            subject_ref=references[r],
            verdict=got.verdict,
            level=rule.level,
            message=got.message,
            evidence=Evidence(facts=got.facts, parameters=parameters, computed=got.computed),
        )
    done = [v if v is not None else Verdict.ERROR for v in verdicts]
    return TableVerdicts(rule.id, done, findings)


def _context(engine: JudgingSettings, pack: Pack, on: date, as_of: date | None) -> Context:
    from .context import Context

    return Context(pack, engine.calendar, engine.conventions, on, as_of)


def _error(rule: Rule, ref: str, exc: BaseException, ctx: Context) -> Finding:
    """The finding of a rule that raised, as the engine reports it."""
    return Finding(
        rule_id=rule.id,
        provision=rule.provision,
        pack=rule.pack,
        subject=Subject.CASE,
        subject_ref=ref,
        verdict=Verdict.ERROR,
        level=rule.level,
        message=f"rule raised {type(exc).__name__}: {exc}",
        evidence=Evidence(
            parameters=ctx.parameters_evidence(),
            computed={"traceback": traceback.format_exc(limit=4)},
        ),
    )
