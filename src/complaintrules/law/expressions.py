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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from enum import Enum
from functools import partial
from keyword import iskeyword
from string import Formatter
from typing import TYPE_CHECKING, Any, Protocol

from ..model.facts import STAGE_NUMBERS
from ..model.policy import ClockStart
from .gates import GatedCheck
from .rules import Evidence, Finding, Outcome, Rule, Subject, Verdict
from .timeliness import CLOCK_LABELS as _CLOCK_LABELS
from .timeliness import ClockRule
from .timeliness import response_clock_law as _clock_law
from .timeliness import response_clock_note as _clock_words
from .timeliness import response_clock_one_case as _one_case
from .timeliness import stage_start as _stage_start

if TYPE_CHECKING:
    import numpy as np
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
    "ItemOutcomes",
    "ItemTable",
    "StageRef",
    "TableVerdicts",
    "Verdicts",
    "as_of",
    "case_field",
    "each_fact",
    "field_facts",
    "item",
    "item_outcomes",
    "judge_table",
    "lit",
    "param",
    "response_clock",
    "stage",
    "stages",
    "table_judged",
    "text",
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

# (a list is read as it is: ``_plain`` would return it unchanged, after two type tests)
_PLAIN_TYPES = frozenset({bool, str, int, float, type(None), date, list})


@dataclass(slots=True)
class _Columns:
    """What an expression reads over a table: its columns, parameters, the current items."""

    table: pa.Table
    params: Mapping[str, Any]
    size: int
    item: Any = None
    cache: dict[Any, Any] = field(default_factory=dict)
    #: Inside a list (see :meth:`items`): the enclosing rows, and the row of each item.
    parent: _Columns | None = None
    rows: Any = None
    #: The rows of ``table`` read, in order (None: every row): a column is taken for
    #: them when first read, so a part of a wide table is never copied whole.
    index: Any = None
    #: Parts read by every rule judged over ``table`` (see :func:`judge_table`'s
    #: ``shared``), and the key of the rows read here among them (None: not shared).
    shared: dict[Any, Any] | None = None
    rows_key: Any = None
    #: Made by :meth:`subset`: the columns these rows were taken from, and where (a
    #: pyarrow int64 array of positions there), so a part already computed there is
    #: taken for these rows rather than computed again (see :func:`_once_per_table`).
    origin: _Columns | None = None
    at: Any = None

    def column(self, name: str) -> pa.Array:
        found = self.cache.get(name)
        if found is None:
            if self.parent is not None:  # a case's value, repeated for each of its items
                found = self.parent.column(name).take(self.rows)
            else:
                found = self.once(("\x00column", name), lambda: self._read(name))
            self.cache[name] = found
        return found

    def field(self, name: str, path: tuple[str, ...]) -> pa.Array:
        """The field at ``path`` of column ``name`` (a struct): read once per rows here,
        however many conditions and rules read it."""
        if not path:
            return self.column(name)
        key = ("\x00field", name, path)
        found = self.cache.get(key)
        if found is None:
            if self.parent is not None:  # the cases' field, repeated for their items
                found = self.parent.field(name, path).take(self.rows)
            elif self.index is None or name in self.cache:
                found = self.once(key, lambda: _struct_path(self.column(name), path))
            else:  # some rows of the table: this field taken for them, not the whole record
                from ..model.columns import one_array

                index = self.index
                whole = self.table.column(name)
                found = self.once(key, lambda: _struct_path(one_array(whole), path).take(index))
            self.cache[key] = found
        return found

    def item_field(self, path: tuple[str, ...]) -> pa.Array:
        """The field at ``path`` of the current items, read once here."""
        key = ("\x00item", path)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = _struct_path(self.item, path)
        return found

    def _read(self, name: str) -> pa.Array:
        from ..model.columns import one_array  # (pyarrow is loaded only where tables are)

        column = self.table.column(name)
        return one_array(column if self.index is None else column.take(self.index))

    def once(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()`` (an array, a value per row), made once for these rows of the table
        however many rules read it, where the rules share their parts (else once here);
        for some rows, taken from the value made for every row where there is one."""
        shared = self.shared
        if shared is None or self.rows_key is None or self.parent is not None:
            return make()
        found = shared.get((key, self.rows_key), _UNSET)
        if found is _UNSET:
            whole = shared.get((key, "all"), _UNSET) if self.index is not None else _UNSET
            found = make() if whole is _UNSET else whole.take(self.index)
            shared[(key, self.rows_key)] = found
        return found

    def subset(self, rows: Any) -> _Columns:
        """These columns at ``rows`` (positions here, a numpy array in order), read as
        columns of their own: what is read over them is read for those rows alone."""
        import numpy as np
        import pyarrow as pa

        taken = pa.array(rows, pa.int64())
        if self.parent is not None:  # items: their own values, and their cases' rows
            item = None if self.item is None else self.item.take(taken)
            return _Columns(
                self.table,
                self.params,
                len(rows),
                item,
                parent=self.parent,
                rows=self.rows.take(taken),
                origin=self,
                at=taken,
            )
        whole = np.asarray(rows, np.int64)
        if self.index is not None:
            whole = np.asarray(self.index.to_numpy(zero_copy_only=False), np.int64)[whole]
        index = pa.array(whole, pa.int64())
        if self.shared is None or self.rows_key is None:
            return _Columns(self.table, self.params, len(rows), index=index, origin=self, at=taken)
        sharing = _sharing(self.shared, whole, self.table.num_rows)
        return _Columns(
            self.table, self.params, len(rows), index=index, origin=self, at=taken, **sharing
        )

    def items(self, lists: Any) -> tuple[_Columns, Any]:
        """The items of ``lists`` (a list per row) as rows of their own, each reading its
        case's values as well as its own (so a per-item condition may compare an item with
        a fact of the case); and each item's row here (a numpy array)."""
        import pyarrow.compute as pc

        flat = pc.list_flatten(lists)
        parents = pc.list_parent_indices(lists)
        inner = _Columns(self.table, self.params, len(flat), flat, parent=self, rows=parents)
        return inner, parents.to_numpy(zero_copy_only=False)


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
    if not path:  # the object itself
        return _plain
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
    if isinstance(value, _PyValues):  # one value per row (dumped records), not a constant
        return pa.array(list(value))
    return pa.repeat(pa.scalar(value), size) if value is not None else pa.nulls(size)


def _per_row(value: Any, size: int) -> list[Any]:
    """``value`` (an expression's value over a table) as one Python value per row."""
    if isinstance(value, _PyValues):
        return list(value)
    found: list[Any] = _array(value, size).to_pylist()
    return found


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

#: The item given to a part read outside any list (so ``item()`` there is refused), as
#: distinct from an item that is itself missing (None: a list holding nulls), which
#: ``item()`` reads as unknown, as a table's null item reads.
_NO_ITEM: Any = object()


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
    if isinstance(expr, _ItemField):
        return True
    if isinstance(expr, _Aggregate | _Each | _Map):
        # a list's predicate, text and values read its own items, not an item outside it:
        # the whole is read once per case (and shared) unless the list itself is an item's
        return _reads_item(expr.items)
    return any(_reads_item(e) for e in _children(expr))


def _shared_parts(roots: Sequence[Expr], per_item: bool = False) -> dict[Expr, int]:
    """The parts worth computing once per case: read more than once across ``roots``,
    not plain constants or parameters, and not depending on the list item being tested
    (unless ``per_item``: the parts computed once per item, by a function of one item)."""
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
        if n > 1
        and not isinstance(e, _Literal | _Param | _AsOf)
        and (per_item or not _reads_item(e))
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
        item = _NO_ITEM if env.item is None else env.item
        return self._compile()(_Frame(env.case), env.params, item)

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
        self,
        template: str,
        *,
        where: Expr | None = None,
        sep: str = ", ",
        limit: int | None = None,
        **values: Expr,
    ) -> Expr:
        """Text: ``template`` formatted for each item of this list meeting ``where`` (the
        first ``limit`` of them), over ``values`` (read per item) and ``{index}`` (the
        item's place in the whole list), joined by ``sep``; for messages."""
        _text_options("each", where, sep, limit)
        return _Each(self, where, ((None, template),), tuple(values.items()), sep, limit)

    def each_of(
        self,
        *clauses: tuple[Expr, str],
        where: Expr | None = None,
        sep: str = "; ",
        limit: int | None = None,
        **values: Expr,
    ) -> Expr:
        """Text: for each item of this list meeting ``where`` (the first ``limit`` of
        them), in turn, every clause ``(condition, template)`` whose condition holds for it,
        formatted as in :meth:`each`, all joined by ``sep``; for messages listing what each
        item lacks. ``where`` and the conditions may read the case beside the item."""
        _text_options("each_of", where, sep, limit)
        return _Each(self, where, tuple(clauses), tuple(values.items()), sep, limit)

    # -- lists mapped, searched and bounded (see also :func:`stages`) --
    def map(self, value: Expr) -> Expr:
        """This list's items each turned into ``value`` (over :func:`item`), in order;
        missing where the list is."""
        return _Map(self, value)

    def contains(self, value: Any) -> Expr:
        """This list holds ``value`` (missing items match nothing); unknown where the list
        or the value is missing."""
        return _Contains(self, _lift(value))

    def flat(self, path: str) -> Expr:
        """The lists at ``path`` of this list's items, one after another, as one list
        (every stage's remedies: ``stages().flat("remedies")``). Each entry is a record:
        ``item("item")`` the inner item, ``item("index")`` its place in its own list,
        ``item("outer")`` the item holding it and ``item("outer_index")`` that one's place;
        missing where this list is."""
        return _Flat(self, _path(path))

    def max(self) -> Expr:
        """The largest of this list's values (dates, numbers, text), missing ones left out;
        missing for an empty or missing list."""
        return _Bound("max", self)

    def min(self) -> Expr:
        """The smallest of this list's values, as :meth:`max`."""
        return _Bound("min", self)

    # -- lists filtered and reduced to their distinct values --
    def filter(self, predicate: Expr) -> Expr:
        """The items of this list for which ``predicate`` (over :func:`item`, and it may
        read the case) holds, in order; missing where the list is."""
        return _Filter(self, predicate)

    def distinct(self) -> Expr:
        """This list's distinct values (dates, numbers, text), missing ones left out, in
        ascending order; missing where the list is."""
        return _Distinct(self)

    def greatest(self, *others: Any) -> Expr:
        """The largest of this value and ``others`` (dates, numbers, text), missing ones
        left out; missing where all are."""
        return _Greatest((self, *(_lift(o) for o in others)))

    def widest_gap(self, dates: Expr, end: Any, *, after_start: bool = False) -> Expr:
        """The longest stretch without a date, counted in working days: the days are this
        date, each of ``dates`` before ``end`` (with ``after_start``, only those after this
        date too) and ``end``, in order; the first pair furthest apart, as a record read
        with :meth:`get`: ``from``, ``to`` and ``days`` (working days after ``from`` up to
        and including ``to``). Missing where this date or ``end`` is, or no two days
        differ."""
        return _WidestGap(self, dates, _lift(end), after_start)

    def get(self, name: str) -> Expr:
        """A field of a record (such as :meth:`widest_gap`'s); missing where it is."""
        return _Get(self, name)

    def length(self) -> Expr:
        """How many items this list has; missing where the list is (a stage the case did
        not reach), where :meth:`count` gives 0."""
        return _Length(self)

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

    # working days, over the evaluation's calendar and conventions
    def max_upto(self, limit: Any) -> Expr:
        """The largest of the list's values not greater than ``limit`` (a value read
        beside the list, such as a deadline: the last update sent by then), missing ones
        left out; missing where none is, or the list or ``limit`` is."""
        return _MaxUpTo(self, _lift(limit))

    def choose(self, a: Any, b: Any) -> Expr:
        """``a`` where this condition holds, else ``b`` (an unknown condition chooses
        ``b``): a value, such as a stage's parameter or a word of a message, chosen per
        case or per item."""
        return _Choose(self, _lift(a), _lift(b))

    def clock_start(self, at: Any = None) -> Expr:
        """Day 0 of a clock started by this date (received at ``at``, a time, if given),
        as the evaluation's conventions place it: a non-working day or a time after the
        cut-off may move it to the next working day."""
        return _ClockStart(self, _lift(at) if at is not None else None)

    def clock_note(self, at: Any = None, *, received: str = "received") -> Expr:
        """Text: why :meth:`clock_start` is the day it is, the conventions' own note, with
        "received" in it reworded as ``received`` (say ``"escalation requested"``)."""
        return _ClockStart(self, _lift(at) if at is not None else None, received)

    def add_working_days(self, n: Any) -> Expr:
        """The ``n``th working day strictly after this date (this date never counts), by
        the evaluation's calendar (holidays and closures)."""
        return _AddWorkingDays(self, _lift(n))

    def working_days_to(self, end: Any) -> Expr:
        """Working days after this date up to and including ``end`` (negative when
        ``end`` is earlier)."""
        return _WorkingDaysTo(self, _lift(end))

    def days_skipped_to(self, end: Any) -> Expr:
        """A list of text: each weekday bank holiday or closure day after this date up to
        and including ``end``, as ``"2024-05-06 (bank holiday: ...)"``, for evidence."""
        return _WorkingDaysTo(self, _lift(end), skipped=True)

    def dump(self, *, exclude_none: bool = False) -> Expr:
        """A record (or a list of records) as JSON values, as the model's
        ``model_dump(mode="json")`` gives it (dates as ISO text), for evidence; missing
        stays missing. ``exclude_none`` leaves out the fields not recorded."""
        return _Dump(self, exclude_none)

    def among(self, names: Any) -> Expr:
        """This text is one of the texts of the list ``names`` (a person among the names a
        case records), compared case-folded with runs of white space made single; unknown
        when either is missing."""
        return _Among(self, _lift(names))


def _text_options(method: str, where: Any, sep: Any, limit: Any) -> None:
    """Refuse, when the check is written, options of ``each``/``each_of`` that are not what
    they must be: a value meant for the template passed under the name of an option
    (``limit=param(...)`` to write ``{limit}``) would otherwise fail on every case."""
    wrong = [
        (name, want)
        for name, value, ok, want in (
            ("where", where, where is None or isinstance(where, Expr), "a condition or None"),
            ("sep", sep, isinstance(sep, str), "text"),
            (
                "limit",
                limit,
                limit is None or (isinstance(limit, int) and not isinstance(limit, bool)),
                "a whole number or None",
            ),
        )
        if not ok
    ]
    if wrong:
        name, want = wrong[0]
        raise TypeError(
            f"{method}(): {name} is its option and must be {want}; a value for the "
            f"template cannot be named {name!r} (give it another name, as {{{name}_value}})"
        )


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
        return env.field(self.path[0], self.path[1:])


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

        return env.field(stage_column(self.number), self.path)


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
            if item is _NO_ITEM:
                raise ValueError("item(...) is only meaningful inside any(), all() or count()")
            return read(item)

        return field

    def _arrow(self, env: _Columns) -> Any:
        if env.item is None:
            raise ValueError("item(...) is only meaningful inside any(), all() or count()")
        return env.item_field(self.path)


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


def _case_level(arrow: Callable[[Any, _Columns], Any]) -> Callable[[Any, _Columns], Any]:
    """An Arrow backend that, read inside a list for a part reading no item (a case's own
    list: the first of its stage numbers, say), is read over the cases and repeated for
    each item, rather than over each item's copy of the case's list."""

    def hoisted(self: Any, env: _Columns) -> Any:
        found = _made(self, env)
        if found is not _UNSET:
            return found
        parent = env.parent
        if parent is not None and not _reads_item(self):
            value = _taken_at(hoisted(self, parent), parent.size, env.rows)
        else:
            value = arrow(self, env)
        env.cache[("\x00once", id(self))] = (self, value)
        return value

    return hoisted


def _made(part: Expr, env: _Columns) -> Any:
    """``part``'s value over ``env`` where it is already known (``_UNSET`` where not):
    made over ``env`` itself; else made over the columns ``env``'s rows were taken from
    (:meth:`_Columns.subset`: the rows a later branch still judges), or, for a part
    reading no item, over the cases of ``env``'s items, and taken for ``env``'s rows. A
    part here is a function of its row alone, so its value taken for some rows is the
    value it has over those rows. Parts are known by identity, kept beside the value so
    the key cannot be taken by another part."""
    key = ("\x00once", id(part))
    found = env.cache.get(key)
    if found is not None and found[0] is part:
        return found[1]
    value = _UNSET
    if env.origin is not None:
        value = _made(part, env.origin)
        if value is not _UNSET:
            value = _taken_at(value, env.origin.size, env.at)
    if value is _UNSET and env.parent is not None:
        found = _made(part, env.parent)
        if found is not _UNSET and not _reads_item(part):  # (the tree walked only then)
            value = _taken_at(found, env.parent.size, env.rows)
    if value is not _UNSET:
        env.cache[key] = (part, value)
    return value


def _taken_at(value: Any, size: int, at: Any) -> Any:
    """``value`` (a part's value over ``size`` rows) at positions ``at`` (an integer
    pyarrow array)."""
    if isinstance(value, _PyValues):  # values Arrow cannot hold
        return _PyValues([value[r] for r in at.to_pylist()])
    return _array(value, size).take(at)


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

    @_case_level
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
            inner, parents = env.items(lists)
            held = _array(self.predicate._arrow(inner), inner.size)
            mask = np.asarray(pc.fill_null(held, False).to_numpy(zero_copy_only=False), bool)
            met = np.bincount(parents[mask], minlength=env.size)
        if self.kind == "count":
            return pa.array(met)
        return pa.array(met > 0 if self.kind == "any" else met == lengths)

    def _params(self) -> Iterator[str]:
        yield from self.items._params()
        if self.predicate is not None:
            yield from self.predicate._params()


def _once_per_table(arrow: Callable[[Any, _Columns], Any]) -> Callable[[Any, _Columns], Any]:
    """An Arrow backend computed once per table read (per :class:`_Columns`): a part that
    several conditions, values and the evidence read (a stage's clock, its deadline, the
    last update by then) is counted once, not once per reader, nor again for the rows a
    later branch judges, nor per item where it reads no item and its cases have it
    (see :func:`_made`)."""

    def once(self: Any, env: _Columns) -> Any:
        found = _made(self, env)
        if found is not _UNSET:
            return found
        value = arrow(self, env)
        env.cache[("\x00once", id(self))] = (self, value)
        return value

    return once


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
    """A total over a list's items. The items' values are added as exact decimals in
    Python in both backends (over a table, the values of the items kept, read from the
    items' arrays), so the totals agree to the last digit; per-item values may read only
    the item and parameters."""

    items: Expr
    value: Expr
    where: Expr | None

    def _build(self, c: _Compiler) -> Fn:
        items, value = c(self.items), self.value._compile()
        where = self.where._compile() if self.where is not None else None

        def total(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            return _total(items(case, params, item), value, where, params)

        return total

    @_once_per_table
    def _arrow(self, env: _Columns) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        # the items' values and conditions over the items' arrays; only the values kept
        # are read into Python, to be added exactly
        lists = _array(self.items._arrow(env), env.size)
        inner, rows = env.items(lists)
        if self.where is not None and inner.size:
            held = pc.fill_null(_array(self.where._arrow(inner), inner.size), False)
            kept = np.flatnonzero(np.asarray(held.to_numpy(zero_copy_only=False), bool))
            inner, rows = inner.subset(kept), rows[kept]
        # (a row with no value kept totals 0)
        out: Any = np.zeros(env.size, dtype=np.float64)
        if inner.size:  # (a value is read only for an item that is there and kept)
            from .decimal_sums import decimal_text_totals

            found = self.value._arrow(inner)
            # plain decimal text added exactly over arrays; anything else item by item, in
            # Python, only for the rows with a value
            summed = decimal_text_totals(found, rows, env.size)
            if summed is not None:
                out = summed
            else:
                totals: dict[int, Decimal] = {}
                for r, v in zip(rows.tolist(), _per_row(found, inner.size), strict=True):
                    if v is not None:
                        totals[r] = totals.get(r, Decimal(0)) + Decimal(v)
                if totals:
                    out[list(totals)] = [float(t) for t in totals.values()]
        missing = np.asarray(pc.is_null(lists).to_numpy(zero_copy_only=False), dtype=bool)
        return pa.array(out, pa.float64(), mask=missing)

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


def _per_item(
    items: Expr,
    where: Expr | None,
    env: _Columns,
    tests: Sequence[Expr] = (),
    limit: int | None = None,
    values: Sequence[tuple[str, Expr]] = (),
) -> list[list[Any]]:
    """Per row of ``env``, the (index, item) of each item meeting ``where``; the items are
    read back from Arrow (as dicts), so this serves messages and evidence, row by row.
    ``where``, ``tests`` and ``values`` are judged over the items' columns, so they may
    read the case as well as the item; with ``tests``, each entry is (index, item, whether
    each test holds, the ``values`` by name), and per-item values read by Python from the
    item may read only the item and parameters. With ``limit``, only the first ``limit``
    items meeting ``where``."""
    import numpy as np
    import pyarrow.compute as pc

    lists = _array(items._arrow(env), env.size)
    inner, parents = env.items(lists)
    lengths = np.asarray(
        pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False), np.int64
    )
    starts = np.cumsum(lengths) - lengths

    def held(test: Expr) -> list[bool]:
        found = pc.fill_null(_array(test._arrow(inner), inner.size), False)
        return [bool(v) for v in found.to_numpy(zero_copy_only=False)]

    kept = held(where) if where is not None else [True] * inner.size
    met = [held(t) for t in tests]
    read = [(name, _per_row(e._arrow(inner), inner.size)) for name, e in values]
    found = inner.item.to_pylist()
    out: list[list[Any]] = [[] for _ in range(env.size)]
    for k, (row, ok) in enumerate(zip(parents.tolist(), kept, strict=True)):
        if ok:
            index = k - int(starts[row])
            if tests:
                named = {name: column[k] for name, column in read}
                out[row].append((index, found[k], tuple(m[k] for m in met), named))
            else:
                out[row].append((index, found[k]))
    return out if limit is None else [found[:limit] for found in out]


@dataclass(frozen=True, slots=True)
class _Each(Expr):
    items: Expr
    where: Expr | None
    clauses: tuple[tuple[Expr | None, str], ...]
    values: tuple[tuple[str, Expr], ...]
    sep: str
    limit: int | None = None

    def _build(self, c: _Compiler) -> Fn:
        items, values = c(self.items), [(k, c(e)) for k, e in self.values]
        where = c(self.where) if self.where is not None else None
        clauses = [(c(cond) if cond is not None else None, t) for cond, t in self.clauses]
        sep, limit = self.sep, self.limit

        def each(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            return sep.join(
                template.format(index=i, **{k: f(case, params, x) for k, f in values})
                for i, x in _kept(items(case, params, item), where, case, params)[:limit]
                for condition, template in clauses
                if condition is None or condition(case, params, x) is True
            )

        return each

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow as pa

        sep = self.sep
        # the clauses' conditions and the values over the items' columns (they may read
        # the case too)
        tests = [cond if cond is not None else _Literal(True) for cond, _ in self.clauses]
        templates = [t for _, t in self.clauses]
        rows = _per_item(self.items, self.where, env, tests, self.limit, self.values)
        return pa.array(
            [
                sep.join(
                    template.format(index=i, **named)
                    for i, _, met, named in kept
                    for template, ok in zip(templates, met, strict=True)
                    if ok
                )
                for kept in rows
            ],
            pa.string(),
        )

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
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        names = _constant_names(self.names, env)
        if not names:
            return pa.repeat(pa.scalar("", pa.string()), env.size)
        record = _array(self.record._arrow(env), env.size)
        met = []
        for name in names:
            value = pc.struct_field(record, name)
            found = (
                pc.fill_null(pc.invert(value), False) if self.test == "false" else pc.is_null(value)
            )
            met.append(np.asarray(found.to_numpy(zero_copy_only=False), bool))
        # one text per distinct set of fields met (a handful), spread over the rows: each
        # set as a number, a bit per field (as rows of flags where there are too many)
        if len(names) < 63:
            sets = np.zeros(env.size, np.int64)
            for bit, m in enumerate(met):
                sets |= m.astype(np.int64) << bit
            found, where = np.unique(sets, return_inverse=True)
            patterns = [[bool(k >> bit & 1) for bit in range(len(names))] for k in found.tolist()]
        else:
            flags = np.stack(met, axis=1)
            rows, where = np.unique(flags, axis=0, return_inverse=True)
            patterns = rows.tolist()
        texts = [self.sep.join([n for n, ok in zip(names, p, strict=True) if ok]) for p in patterns]
        return pa.array(texts, pa.string()).take(pa.array(where.reshape(-1), pa.int64()))

    def _params(self) -> Iterator[str]:
        yield from self.record._params()
        yield from self.names._params()


# -- records as JSON, for evidence -------------------------------------------------------------


def _json(value: Any, exclude_none: bool) -> Any:
    """``value`` (a model, or a record read back from a table as a dict) as JSON values."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=exclude_none)
    if isinstance(value, dict):
        return {
            k: _json(v, exclude_none) for k, v in value.items() if v is not None or not exclude_none
        }
    if isinstance(value, list):
        return [_json(v, exclude_none) for v in value]
    if isinstance(value, date | time):  # a datetime is a date
        return value.isoformat()
    return _plain(value)


class _PyValues(list[Any]):
    """Per-row values made in Python over a table that Arrow could not hold as they are
    (records whose missing fields are left out): read back as they are."""


@dataclass(frozen=True, slots=True)
class _Dump(Expr):
    value: Expr
    exclude_none: bool

    def _build(self, c: _Compiler) -> Fn:
        value, exclude = c(self.value), self.exclude_none

        def dump(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            v = value(case, params, item)
            return None if v is None else _json(v, exclude)

        return dump

    def _arrow(self, env: _Columns) -> Any:
        values = _array(self.value._arrow(env), env.size).to_pylist()
        return _PyValues(None if v is None else _json(v, self.exclude_none) for v in values)

    def _params(self) -> Iterator[str]:
        yield from self.value._params()


# -- the as-of date --------------------------------------------------------------------------

#: The key the as-of date travels under among an expression's parameters, in both backends
#: (so list closures and per-item text read it as they read parameters); no parameter can
#: be so named, as a parameter's name has no brackets.
_AS_OF = "as_of()"


@dataclass(frozen=True, slots=True)
class _AsOf(Expr):
    """The date the case is judged as of (unknown when none is given)."""

    def _build(self, c: _Compiler) -> Fn:
        return lambda case, params, item: params.get(_AS_OF)

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow as pa

        return pa.scalar(env.params.get(_AS_OF), pa.date32())


def _reads_as_of(exprs: Iterable[Expr]) -> bool:
    """Whether any of ``exprs`` reads the as-of date."""
    # each part looked at once: a check's parts share their own parts many times over
    seen: set[int] = set()
    todo = list(exprs)
    while todo:
        e = todo.pop()
        if id(e) not in seen:
            if isinstance(e, _AsOf):
                return True
            seen.add(id(e))
            todo.extend(_children(e))
    return False


def as_of() -> Expr:
    """The date the case is judged as of (``as_of=`` of the engine, the batch or
    :func:`judge_table`): an open obligation is overdue when its date is before it. Unknown
    when no as-of date is given, so a comparison with it is unknown too."""
    return _AsOf()


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
                listed, found = names(case, params, _NO_ITEM), values(case, params, _NO_ITEM)
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
    #: values of the item the key names besides ``{index}`` (``{number}``: a stage's)
    key_values: tuple[tuple[str, Expr], ...] = ()

    def _exprs(self) -> list[Expr]:
        value = self.value
        found = [self.items, *([self.where] if self.where is not None else [])]
        found += [e for _, e in self.key_values]
        return found + ([value] if isinstance(value, Expr) else list(value.values()))

    def _rows(self, env: _Columns) -> list[Any]:
        return _per_item(self.items, self.where, env)

    def _generated(self) -> tuple[str, Any, Any, bool]:
        """This evidence for the generated one-case function (see :func:`_each_entries`)."""
        value = self.value
        if isinstance(value, Expr):
            made = _item_function([value])
        else:
            made = _item_function(list(value.values()), list(value))
        keys = self.key_values
        named = _item_function([e for _, e in keys], [k for k, _ in keys]) if keys else None
        flat = "{name}" in self.key and not isinstance(value, Expr)
        return self.key, made, named, flat

    def _compile(
        self, c: _Compiler | None = None
    ) -> Callable[[Any, Mapping[str, Any], Any], dict[str, Any]]:
        """The entries of one case (its items read from the case, or given as ``item``
        already filtered, as :func:`_per_item` gives them)."""
        c = c or _Compiler()
        items = c(self.items)
        where = c(self.where) if self.where is not None else None
        key = self.key
        if self.key_values:
            key_values = [(k, e._compile()) for k, e in self.key_values]
            value_of = EachFact(self.items, "{index}", self.value)._compile(c)

            # with {name} too, one entry per item and name, as the one-case backend gives
            per_name = "{name}" in key and not isinstance(self.value, Expr)

            def keyed(case: Any, params: Mapping[str, Any], kept: Any) -> dict[str, Any]:
                if case is not None:
                    kept = _kept(items(case, params, _NO_ITEM), where, case, params)
                values = value_of(None, params, kept)
                out: dict[str, Any] = {}
                for (i, x), v in zip(kept, values.values(), strict=True):
                    named = {k: f(None, params, x) for k, f in key_values}
                    if per_name:
                        for name, one in v.items():
                            out[key.format(index=i, name=name, **named)] = one
                    else:
                        out[key.format(index=i, **named)] = v
                return out

            return keyed
        if "{name}" in key and not isinstance(self.value, Expr):
            named = [(k, e._compile()) for k, e in self.value.items()]

            def flat(case: Any, params: Mapping[str, Any], kept: Any) -> dict[str, Any]:
                if case is not None:
                    kept = _kept(items(case, params, _NO_ITEM), where, case, params)
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
                kept = _kept(items(case, params, _NO_ITEM), where, case, params)
            return {key.format(index=i): value(params, x) for i, x in kept}

        return entries


def each_fact(
    items: Expr,
    key: str,
    value: Expr | Mapping[str, Expr],
    *,
    where: Expr | None = None,
    keys: Mapping[str, Expr] | None = None,
) -> EachFact:
    """Evidence for each item of ``items`` meeting ``where`` (see :class:`EachFact`);
    ``keys`` gives the item's values the key names besides ``{index}``. A key naming a
    value not given is refused here, when the check is written."""
    named = {n for _, n, _, _ in Formatter().parse(key) if n is not None}
    unknown = named - {"index", "name", *(keys or {})}
    if unknown:
        raise ValueError(f"each_fact: key {key!r} names {sorted(unknown)}, not given in keys=")
    return EachFact(items, key, value, where, tuple((keys or {}).items()))


# -- the stages as a list; lists mapped, searched and bounded -----------------------------------


@dataclass(frozen=True, slots=True)
class _Stages(Expr):
    """The case's stages in order, as a list (for checks over every stage)."""

    def _build(self, c: _Compiler) -> Fn:
        return lambda case, params, item: case.case.stages

    def _arrow(self, env: _Columns) -> Any:
        if env.parent is not None:  # inside a list: each item's case's stages
            return _array(self._arrow(env.parent), env.parent.size).take(env.rows)
        found = env.cache.get(" stages")
        if found is None:
            found = env.cache[" stages"] = env.once(" stages", lambda: _stage_list(env))
        return found


def _stage_list(env: _Columns) -> pa.Array:
    """Per case of ``env``'s table, its stages as a list: the stage columns the case
    reached, in number order (the model keeps a case's stages in that order)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..model.columns import STAGE_TYPE, stage_column

    n = env.size
    columns = [env.column(stage_column(k)) for k in STAGE_NUMBERS]
    reached = np.stack(
        [np.asarray(pc.is_valid(c).to_numpy(zero_copy_only=False), bool) for c in columns]
    ).reshape(len(columns), n)
    offsets = np.concatenate([[0], np.cumsum(reached.sum(axis=0))]).astype(np.int32)
    # only the stages some case reached are copied (most tables reach two or three)
    held = np.flatnonzero(reached.any(axis=1))
    if not len(held):
        values = pa.array([], STAGE_TYPE)
    elif len(held) == 1 and reached[held[0]].all():  # every case, one stage: as it is
        values = columns[held[0]]
    else:
        rows, numbers = np.nonzero(reached[held].T)  # by case, then stage number
        values = pa.concat_arrays([columns[k] for k in held]).take(
            pa.array(numbers * n + rows, pa.int64())
        )
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values)


def _regroup(lists: Any, values: Sequence[Any]) -> list[Any]:
    """:func:`_rebuild` for values made in Python: a list per row of ``lists`` holding
    ``values`` (one per item, in order), None where ``lists`` is."""
    out: list[Any] = []
    start = 0
    for n in lists.value_lengths().to_pylist():
        if n is None:
            out.append(None)
        else:
            out.append(list(values[start : start + n]))
            start += n
    return out


def _rebuild(lists: Any, values: Any) -> pa.Array:
    """A list per row of ``lists`` holding ``values`` (one per item of ``lists``, in
    order), null where ``lists`` is."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    lengths = np.asarray(
        pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False), np.int64
    )
    offsets = pa.array(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32), pa.int32())
    if not lists.null_count:
        return pa.ListArray.from_arrays(offsets, values)
    return pa.ListArray.from_arrays(offsets, values, mask=pc.is_null(lists))


@dataclass(frozen=True, slots=True)
class _Map(Expr):
    items: Expr
    value: Expr

    def _build(self, c: _Compiler) -> Fn:
        items, value = c(self.items), c(self.value)

        def mapped(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            found = items(case, params, item)
            return None if found is None else [value(case, params, x) for x in found]

        return mapped

    @_case_level
    def _arrow(self, env: _Columns) -> Any:
        lists = _array(self.items._arrow(env), env.size)
        inner, _ = env.items(lists)
        value = self.value._arrow(inner)
        if isinstance(value, _PyValues):  # values Arrow cannot hold (dumped records)
            return _PyValues(_regroup(lists, value))
        return _rebuild(lists, _array(value, inner.size))

    def _params(self) -> Iterator[str]:
        yield from self.items._params()
        yield from self.value._params()


# -- lists of lists, flattened ---------------------------------------------------------------


class _Within:
    """An entry of a flattened list (see :meth:`Expr.flat`), read as a record."""

    __slots__ = ("index", "item", "outer", "outer_index")

    def __init__(self, item: Any, index: int, outer: Any, outer_index: int) -> None:
        self.item, self.index, self.outer, self.outer_index = item, index, outer, outer_index


@dataclass(frozen=True, slots=True)
class _Flat(Expr):
    items: Expr
    path: tuple[str, ...]

    def _build(self, c: _Compiler) -> Fn:
        items, read = c(self.items), _reader(self.path)

        def flat(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            found = items(case, params, item)
            if found is None:
                return None
            return [
                _Within(y, i, x, k)
                for k, x in enumerate(found)
                for i, y in enumerate(read(x) or ())
            ]

        return flat

    def _arrow(self, env: _Columns) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        def places(lists: Any) -> tuple[Any, Any]:
            """Each item's row and its place in its own list (numpy arrays)."""
            rows = np.asarray(pc.list_parent_indices(lists).to_numpy(zero_copy_only=False))
            lengths = np.asarray(
                pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False),
                np.int64,
            )
            starts = np.cumsum(lengths) - lengths
            return rows.astype(np.int64), np.arange(len(rows), dtype=np.int64) - starts[rows]

        lists = _array(self.items._arrow(env), env.size)
        outer = pc.list_flatten(lists)
        outer_rows, outer_index = places(lists)
        inner_lists = _struct_path(outer, self.path)
        inner = pc.list_flatten(inner_lists)
        held, index = places(inner_lists)
        taken = pa.array(held, pa.int64())
        records = pa.StructArray.from_arrays(
            [inner, pa.array(index, pa.int64()), outer.take(taken), pa.array(outer_index[held])],
            names=["item", "index", "outer", "outer_index"],
        )
        counts = np.bincount(outer_rows[held], minlength=env.size)
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        offsets_array = pa.array(offsets, pa.int32())
        if lists.null_count:  # (null where the list is, by its validity: nothing copied)
            return pa.ListArray.from_arrays(offsets_array, records, mask=pc.is_null(lists))
        return pa.ListArray.from_arrays(offsets_array, records)

    def _params(self) -> Iterator[str]:
        yield from self.items._params()


@dataclass(frozen=True, slots=True)
class _Contains(Expr):
    items: Expr
    value: Expr

    def _build(self, c: _Compiler) -> Fn:
        items, value = c(self.items), c(self.value)

        def contains(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            found, v = items(case, params, item), value(case, params, item)
            if found is None or v is None:
                return None
            return any(x is not None and x == v for x in found)

        return contains

    def _arrow(self, env: _Columns) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        lists = _array(self.items._arrow(env), env.size)
        v = _array(self.value._arrow(env), env.size)
        flat = pc.list_flatten(lists)
        rows = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
        same = pc.equal(flat, v.take(pa.array(rows, pa.int64())))
        met = np.asarray(pc.fill_null(same, False).to_numpy(zero_copy_only=False), bool)
        found = pa.array(np.bincount(rows[met], minlength=env.size) > 0)
        unknown = pc.or_(pc.is_null(lists), pc.is_null(v))
        return pc.if_else(unknown, pa.nulls(env.size, pa.bool_()), found)

    def _params(self) -> Iterator[str]:
        yield from self.items._params()
        yield from self.value._params()


@dataclass(frozen=True, slots=True)
class _Bound(Expr):
    kind: str
    items: Expr

    def _build(self, c: _Compiler) -> Fn:
        items, pick = c(self.items), (max if self.kind == "max" else min)

        def bound(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            found = [x for x in items(case, params, item) or () if x is not None]
            return pick(found) if found else None

        return bound

    @_case_level
    def _arrow(self, env: _Columns) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        lists = _array(self.items._arrow(env), env.size)
        flat = pc.list_flatten(lists)
        rows = pc.list_parent_indices(lists)
        dated = flat.type == pa.date32()
        if dated or pa.types.is_signed_integer(flat.type):
            # whole numbers and dates (stage numbers, days): over numpy arrays
            held = (flat.cast(pa.int32()) if dated else flat).cast(pa.int64())
            known = np.asarray(pc.is_valid(held).to_numpy(zero_copy_only=False), bool)
            values = np.asarray(pc.fill_null(held, 0).to_numpy(zero_copy_only=False), np.int64)
            where = np.asarray(rows.to_numpy(zero_copy_only=False), np.int64)[known]
            values = values[known]
            start = np.iinfo(np.int64).min if self.kind == "max" else np.iinfo(np.int64).max
            found = np.full(env.size, start, np.int64)
            (np.maximum if self.kind == "max" else np.minimum).at(found, where, values)
            present = np.zeros(env.size, bool)
            present[where] = True
            out = pa.array(np.where(present, found, 0), pa.int64(), mask=~present)
            return (out.cast(pa.int32()) if dated else out).cast(flat.type)
        grouped = (
            pa.table({"row": rows, "value": flat}).group_by("row").aggregate([("value", self.kind)])
        )
        place = np.full(env.size, -1, dtype=np.int64)
        place[grouped.column("row").to_numpy()] = np.arange(grouped.num_rows)
        picks = pa.array(place, pa.int64(), mask=place < 0)
        return grouped.column(f"value_{self.kind}").combine_chunks().take(picks)

    def _params(self) -> Iterator[str]:
        yield from self.items._params()


@dataclass(frozen=True, slots=True)
class _Length(Expr):
    """How many items a list has; missing where the list is."""

    items: Expr

    def _build(self, c: _Compiler) -> Fn:
        items = c(self.items)

        def length(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            found = items(case, params, item)
            return None if found is None else len(found)

        return length

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow.compute as pc

        return pc.list_value_length(_array(self.items._arrow(env), env.size))

    def _params(self) -> Iterator[str]:
        yield from self.items._params()


def stages() -> Expr:
    """The case's stages, in order, as a list: read each one's facts with :func:`item`
    (``item("number")``, ``item("response.outcome")``) in ``any``, ``each`` ..."""
    return _Stages()


# -- lists filtered and reduced to their distinct values ----------------------------------------


@dataclass(frozen=True, slots=True)
class _Filter(Expr):
    items: Expr
    predicate: Expr

    def _build(self, c: _Compiler) -> Fn:
        items, predicate = c(self.items), c(self.predicate)

        def kept(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            found = items(case, params, item)
            if found is None:
                return None
            return [x for x in found if predicate(case, params, x) is True]

        return kept

    def _arrow(self, env: _Columns) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        lists = _array(self.items._arrow(env), env.size)
        inner, parents = env.items(lists)
        held = _array(self.predicate._arrow(inner), inner.size)
        mask = np.asarray(pc.fill_null(held, False).to_numpy(zero_copy_only=False), bool)
        values = pc.list_flatten(lists)
        if not mask.all():  # (every item kept, the usual case: the items as they are)
            values = values.filter(pa.array(mask))
        counts = np.bincount(parents[mask], minlength=env.size)
        offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
        if not lists.null_count:
            return pa.ListArray.from_arrays(offsets, values)
        return pa.ListArray.from_arrays(offsets, values, mask=pc.is_null(lists))

    def _params(self) -> Iterator[str]:
        yield from self.items._params()
        yield from self.predicate._params()


@dataclass(frozen=True, slots=True)
class _Distinct(Expr):
    items: Expr

    def _build(self, c: _Compiler) -> Fn:
        items = c(self.items)

        def distinct(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            found = items(case, params, item)
            if found is None:
                return None
            return sorted({x for x in found if x is not None})

        return distinct

    def _arrow(self, env: _Columns) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        lists = _array(self.items._arrow(env), env.size)
        flat = pc.list_flatten(lists)
        rows = pc.list_parent_indices(lists)
        pairs = (
            pa.table({"row": rows, "value": flat})
            .filter(pc.is_valid(flat))
            .group_by(["row", "value"])
            .aggregate([])
            .sort_by([("row", "ascending"), ("value", "ascending")])
        )
        counts = np.bincount(pairs.column("row").to_numpy().astype(np.int64), minlength=env.size)
        offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
        values = pairs.column("value").combine_chunks().cast(flat.type)
        if not lists.null_count:
            return pa.ListArray.from_arrays(offsets, values)
        return pa.ListArray.from_arrays(offsets, values, mask=pc.is_null(lists))

    def _params(self) -> Iterator[str]:
        yield from self.items._params()


@dataclass(frozen=True, slots=True)
class _Greatest(Expr):
    values: tuple[Expr, ...]

    def _build(self, c: _Compiler) -> Fn:
        values = [c(v) for v in self.values]

        def greatest(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            found = [x for f in values if (x := f(case, params, item)) is not None]
            return max(found) if found else None

        return greatest

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow.compute as pc

        arrays = [_array(v._arrow(env), env.size) for v in self.values]
        return pc.max_element_wise(*arrays, skip_nulls=True)

    def _params(self) -> Iterator[str]:
        for v in self.values:
            yield from v._params()


def _widest_gap(
    cal: WorkingCalendar, start: Any, dates: Any, end: Any, after_start: bool
) -> dict[str, Any] | None:
    if start is None or end is None:
        return None
    between = (d for d in dates or () if d is not None and d < end)
    if after_start:
        between = (d for d in between if d > start)
    from itertools import pairwise

    points = sorted({start, *between, end})
    best: dict[str, Any] | None = None
    for a, b in pairwise(points):
        days = cal.working_days_between(a, b)
        if best is None or days > best["days"]:
            best = {"from": a, "to": b, "days": days}
    return best


def _gap_type() -> Any:
    import pyarrow as pa

    return pa.struct([("from", pa.date32()), ("to", pa.date32()), ("days", pa.int64())])


@dataclass(frozen=True, slots=True)
class _Get(Expr):
    record: Expr
    name: str

    def _build(self, c: _Compiler) -> Fn:
        record, name = c(self.record), self.name

        def get(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            found = record(case, params, item)
            return None if found is None else found[name]

        return get

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow.compute as pc

        return pc.struct_field(_array(self.record._arrow(env), env.size), self.name)

    def _params(self) -> Iterator[str]:
        yield from self.record._params()


# -- working days, over the engine's calendar and conventions ---------------------------------
#
# A check that counts working days reads the evaluation's WorkingCalendar and Conventions:
# they travel with the parameters under keys no pack parameter can have, put there by the
# generated function (from its context) and by judge_table (from its engine). Over a table
# the counting is the calendar's own array arithmetic on date ordinals; the day a clock
# starts, its note and the days skipped are computed once per distinct value, in Python.

_CALENDAR = "\x00calendar"
_CONVENTIONS = "\x00conventions"
_EPOCH = date(1970, 1, 1).toordinal()


def calendar_params(calendar: WorkingCalendar, conventions: Conventions) -> dict[str, Any]:
    """The entries a working-day expression reads beside the parameters."""
    return {_CALENDAR: calendar, _CONVENTIONS: conventions}


def _ordinals(array: Any) -> tuple[Any, Any]:
    """(ordinals, valid) of a date32 array as numpy int64 and bool arrays (0 where null)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    days = array.cast(pa.int32()) if array.type != pa.int32() else array
    valid = np.asarray(pc.is_valid(days).to_numpy(zero_copy_only=False), bool)
    values = np.asarray(pc.fill_null(days, 0).to_numpy(zero_copy_only=False), np.int64)
    return np.where(valid, values + _EPOCH, 0), valid


def _date_array(ordinals: Any, valid: Any) -> Any:
    import pyarrow as pa

    days = pa.array(ordinals - _EPOCH, pa.int32(), mask=~valid)
    return days.cast(pa.date32())


def _counts(value: Any, size: int) -> tuple[Any, Any]:
    """(counts, valid) of an integer expression's value over a table (a scalar repeated)."""
    import numpy as np
    import pyarrow.compute as pc

    if value is None:
        return np.zeros(size, np.int64), np.zeros(size, bool)
    if isinstance(value, int):
        return np.full(size, value, np.int64), np.ones(size, bool)
    array = _array(value, size)
    valid = np.asarray(pc.is_valid(array).to_numpy(zero_copy_only=False), bool)
    counts = np.asarray(pc.fill_null(array, 0).to_numpy(zero_copy_only=False), np.int64)
    return counts, valid


def _clock_note(
    conventions: Conventions, calendar: WorkingCalendar, day: date, at: Any, word: str
) -> str:
    note = conventions.effective_receipt(calendar, day, at)[1]
    return note if word == "received" else note.replace("received", word)


def _skipped_text(calendar: WorkingCalendar, start: date, end: date) -> list[str]:
    return [f"{d.isoformat()} ({why})" for d, why in calendar.days_skipped(start, end)]


def _pairs(left: Any, right: Any, fn: Callable[[Any, Any], Any], kind: pa.DataType) -> Any:
    """``fn`` of each distinct (left, right) pair of two arrays, computed once per pair in
    Python; null where either is null."""
    import pyarrow as pa

    done: dict[tuple[Any, Any], Any] = {}
    out: list[Any] = []
    for a, b in zip(left.to_pylist(), right.to_pylist(), strict=True):
        if a is None:
            out.append(None)
            continue
        key = (a, b)
        found = done.get(key, _UNSET)
        if found is _UNSET:
            found = done[key] = fn(a, b)
        out.append(found)
    return pa.array(out, kind)


class _WorkingDays(Expr):
    """A value counted in working days: reads the calendar and conventions."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class _ClockStart(_WorkingDays):
    """Day 0 of a clock started by ``day`` (received at ``at``, or at no stated time), as
    the conventions place it; with ``word``, the note saying why, ``received`` in it
    reworded (``"escalation requested"``)."""

    day: Expr
    at: Expr | None
    word: str | None = None

    def _build(self, c: _Compiler) -> Fn:
        day = c(self.day)
        at = c(self.at) if self.at is not None else None
        word = self.word

        def start(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            d = day(case, params, item)
            if d is None:
                return None
            t = at(case, params, item) if at is not None else None
            cal, conv = params[_CALENDAR], params[_CONVENTIONS]
            if word is None:
                return conv.effective_receipt(cal, d, t)[0]
            return _clock_note(conv, cal, d, t, word)

        return start

    @_once_per_table
    def _arrow(self, env: _Columns) -> Any:
        import pyarrow as pa

        cal, conv = env.params[_CALENDAR], env.params[_CONVENTIONS]
        days = _array(self.day._arrow(env), env.size)
        times = (
            _array(self.at._arrow(env), env.size)
            if self.at is not None
            else pa.nulls(env.size, pa.time64("us"))
        )
        word = self.word
        if word is None:
            return _pairs(
                days, times, lambda d, t: conv.effective_receipt(cal, d, t)[0], pa.date32()
            )
        return _pairs(days, times, lambda d, t: _clock_note(conv, cal, d, t, word), pa.string())

    def _params(self) -> Iterator[str]:
        yield from self.day._params()
        if self.at is not None:
            yield from self.at._params()


@dataclass(frozen=True, slots=True)
class _AddWorkingDays(_WorkingDays):
    day: Expr
    n: Expr

    def _build(self, c: _Compiler) -> Fn:
        day, n = c(self.day), c(self.n)

        def add(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            d, k = day(case, params, item), n(case, params, item)
            return None if d is None or k is None else params[_CALENDAR].add_working_days(d, k)

        return add

    @_once_per_table
    def _arrow(self, env: _Columns) -> Any:
        import numpy as np

        cal = env.params[_CALENDAR]
        ordinals, valid = _ordinals(_array(self.day._arrow(env), env.size))
        counts, known = _counts(self.n._arrow(env), env.size)
        valid &= known
        inside = date(cal.years[0], 1, 1).toordinal()  # any day the calendar covers
        found = cal.add_working_days_array(
            np.where(valid, ordinals, inside), np.where(valid, counts, 1)
        )
        bad = valid & (found < 0)
        if bad.any():  # the per-date method raises for it, with its own message
            k = int(np.flatnonzero(bad)[0])
            cal.add_working_days(date.fromordinal(int(ordinals[k])), int(counts[k]))
        return _date_array(np.where(valid, found, 0), valid)

    def _params(self) -> Iterator[str]:
        yield from self.day._params()
        yield from self.n._params()


@dataclass(frozen=True, slots=True)
class _WorkingDaysTo(_WorkingDays):
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is
    earlier); with ``skipped``, the text of the weekday holidays and closures between."""

    start: Expr
    end: Expr
    skipped: bool = False

    def _build(self, c: _Compiler) -> Fn:
        start, end, skipped = c(self.start), c(self.end), self.skipped

        def between(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            a, b = start(case, params, item), end(case, params, item)
            if a is None or b is None:
                return None
            if skipped:
                return _skipped_text(params[_CALENDAR], a, b)
            return params[_CALENDAR].working_days_between(a, b)

        return between

    @_once_per_table
    def _arrow(self, env: _Columns) -> Any:
        import numpy as np
        import pyarrow as pa

        cal = env.params[_CALENDAR]
        starts = _array(self.start._arrow(env), env.size)
        ends = _array(self.end._arrow(env), env.size)
        if self.skipped:
            return _pairs(
                starts,
                ends,
                lambda a, b: None if b is None else _skipped_text(cal, a, b),
                pa.list_(pa.string()),
            )
        a, a_valid = _ordinals(starts)
        b, b_valid = _ordinals(ends)
        valid = a_valid & b_valid
        found = cal.working_days_between_array(a[valid], b[valid])
        out = np.zeros(env.size, np.int64)
        out[valid] = found
        return pa.array(out, pa.int64(), mask=~valid)

    def _params(self) -> Iterator[str]:
        yield from self.start._params()
        yield from self.end._params()


@dataclass(frozen=True, slots=True)
class _WidestGap(_WorkingDays):
    """:meth:`Expr.widest_gap`; over a table, counted row by row by the calendar."""

    start: Expr
    dates: Expr
    end: Expr
    after_start: bool

    def _build(self, c: _Compiler) -> Fn:
        start, dates, end, after = c(self.start), c(self.dates), c(self.end), self.after_start

        def gap(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            return _widest_gap(
                params[_CALENDAR],
                start(case, params, item),
                dates(case, params, item),
                end(case, params, item),
                after,
            )

        return gap

    @_once_per_table
    def _arrow(self, env: _Columns) -> Any:
        import pyarrow as pa

        cal, after, n = env.params[_CALENDAR], self.after_start, env.size
        starts = _array(self.start._arrow(env), n).to_pylist()
        lists = _array(self.dates._arrow(env), n).to_pylist()
        ends = _array(self.end._arrow(env), n).to_pylist()
        return pa.array(
            [_widest_gap(cal, a, d, b, after) for a, d, b in zip(starts, lists, ends, strict=True)],
            _gap_type(),
        )

    def _params(self) -> Iterator[str]:
        yield from self.start._params()
        yield from self.dates._params()
        yield from self.end._params()


# -- a value chosen by a condition; a stage's response clock --------------------------------


@dataclass(frozen=True, slots=True)
class _Choose(Expr):
    """:meth:`Expr.choose`: ``a`` where the condition holds, else ``b``."""

    condition: Expr
    a: Expr
    b: Expr

    def _build(self, c: _Compiler) -> Fn:
        condition, a, b = c(self.condition), c(self.a), c(self.b)

        def choose(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            if condition(case, params, item) is True:
                return a(case, params, item)
            return b(case, params, item)

        return choose

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        held = pc.fill_null(_array(self.condition._arrow(env), env.size), False)
        a, b = _array(self.a._arrow(env), env.size), _array(self.b._arrow(env), env.size)
        if a.type == pa.null():  # a missing value on one side takes the other's type
            a = a.cast(b.type)
        elif b.type == pa.null():
            b = b.cast(a.type)
        return pc.if_else(held, a, b)

    def _params(self) -> Iterator[str]:
        yield from self.condition._params()
        yield from self.a._params()
        yield from self.b._params()


def _up_to(values: Any, limit: Any) -> Any:
    if values is None or limit is None:
        return None
    kept = [v for v in values if v is not None and v <= limit]
    return max(kept) if kept else None


@dataclass(frozen=True, slots=True)
class _MaxUpTo(Expr):
    """:meth:`Expr.max_upto`; over a table, in arrays for dates, else row by row in Python."""

    items: Expr
    limit: Expr

    def _build(self, c: _Compiler) -> Fn:
        items, limit = c(self.items), c(self.limit)
        return lambda case, params, item: _up_to(
            items(case, params, item), limit(case, params, item)
        )

    @_once_per_table
    def _arrow(self, env: _Columns) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        lists = _array(self.items._arrow(env), env.size)
        limit = self.limit._arrow(env)
        kind = lists.type.value_type
        if kind == pa.date32() and _array(limit, env.size).type == pa.date32():
            # dates (the usual case): over the flattened items as day numbers, no Python
            # per row; the latest kept day per row, 0 where none is
            limits, bounded = _ordinals(_array(limit, env.size))
            days, kept = _ordinals(pc.list_flatten(lists))
            # each flattened item's row (a null list gives no items, whatever it spans)
            lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False)
            rows = np.repeat(np.arange(env.size), np.asarray(lengths, np.int64))
            kept &= bounded[rows] & (days <= limits[rows])
            latest = np.zeros(env.size, np.int64)
            np.maximum.at(latest, rows[kept], days[kept])
            return _date_array(latest, latest > 0)
        limits = _per_row(limit, env.size)
        found = [_up_to(v, b) for v, b in zip(lists.to_pylist(), limits, strict=True)]
        return pa.array(found, kind)

    def _params(self) -> Iterator[str]:
        yield from self.items._params()
        yield from self.limit._params()


def _clock_type() -> Any:
    import pyarrow as pa

    return pa.struct([("day", pa.date32()), ("label", pa.string()), ("note", pa.string())])


def _response_clock(
    calendar: WorkingCalendar, conventions: Conventions, values: Sequence[Any]
) -> dict[str, Any] | None:
    """The record :func:`response_clock` gives, from its parts' values (see there): the
    timeliness judge's law over one case, worded by its text function."""
    reached, number, requested, acknowledged, logged, received, at, start, ack_days = values
    if reached is not True or number is None or received is None or start is None:
        return None
    if ack_days is None:
        return None
    facts = (number, received, at, requested, acknowledged, logged)
    day, rule, placed = _one_case(calendar, conventions, *facts, ClockStart(start), ack_days)
    if rule == ClockRule.NO_START:
        return None
    note = _clock_words(rule, day, placed, number, acknowledged, logged, ack_days)
    return {"day": day, "label": _CLOCK_LABELS[rule], "note": note}


def _mask(array: Any) -> Any:
    import numpy as np

    return np.asarray(array.to_numpy(zero_copy_only=False), bool)


@dataclass(frozen=True, slots=True)
class _ClockColumns:
    """A response clock over a table: its record's fields as arrays, ``note`` worded
    (row by row) only when first read."""

    fields: dict[str, Any]
    note: Callable[[], Any]

    def field(self, name: str) -> Any:
        found = self.fields.get(name)
        if found is None:
            found = self.fields[name] = self.note()
        return found


def _placed(env: _Columns, calendar: WorkingCalendar, conventions: Conventions) -> Any:
    """The days the conventions have placed as a clock's day 0 over ``env``'s table (see
    :class:`~complaintrules.law.timescale_columns.ClockArrays`), kept beside the parts the
    rules judged over the table share, for this calendar and these conventions: each
    distinct receipt day is placed once per table, however many clocks read it. None
    where nothing is shared."""
    root = env
    while root.parent is not None:  # a list's items: their cases' table
        root = root.parent
    if root.shared is None:
        return None
    key = ("\x00placed", id(calendar), id(conventions))
    found = root.shared.get(key)
    if found is None or found[0] is not calendar or found[1] is not conventions:
        found = root.shared[key] = (calendar, conventions, {})
    return found[2]


def _clock_columns(
    calendar: WorkingCalendar,
    conventions: Conventions,
    values: Sequence[Any],
    size: int,
    placed: dict[int, int] | None = None,
) -> _ClockColumns | None:
    """The clock's day and law's rule over a table, by the timeliness judge's own law
    (:func:`~complaintrules.law.timeliness.response_clock_law`) run over arrays; None
    where a part is not of the type the table holds it in, or where some row would raise
    (a day outside the calendar's years, a count below one, a clock start that is none):
    the record, row by row, then decides and raises as it does. ``placed``: the days the
    conventions have placed already for this table (see :class:`ClockArrays`)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from .timescale_columns import ClockArrays

    arrays = [_array(v, size) for v in values]
    reached, number, requested, acknowledged, logged, received, at, start, ack_days = arrays

    def kind(array: Any, test: Callable[[Any], bool]) -> bool:
        return bool(test(array.type) or pa.types.is_null(array.type))

    if not (
        kind(reached, pa.types.is_boolean)
        and all(kind(a, pa.types.is_integer) for a in (number, ack_days))
        and all(kind(a, lambda t: t == pa.date32()) for a in (requested, acknowledged))
        and all(kind(a, lambda t: t == pa.date32()) for a in (logged, received))
        and kind(at, pa.types.is_temporal)
        and kind(start, pa.types.is_string)
    ):
        return None
    if pa.types.is_null(at.type):
        micros = np.full(size, -1, np.int64)
    else:
        if not pa.types.is_time(at.type):
            return None
        us = at.cast(pa.time64("us")).cast(pa.int64())
        micros = np.asarray(pc.fill_null(us, -1).to_numpy(zero_copy_only=False), np.int64)
    starts = pc.index_in(start.cast(pa.string()), value_set=pa.array([c.value for c in ClockStart]))

    def counts(array: Any) -> tuple[Any, Any]:
        if pa.types.is_null(array.type):
            return np.zeros(size, np.int64), np.zeros(size, bool)
        return _counts(array, size)

    numbers, ack = counts(number), counts(ack_days)
    received_on = _ordinals(received)
    live = np.zeros(size, bool)
    if pa.types.is_boolean(reached.type):
        live = _mask(pc.fill_null(reached, False))
    live &= numbers[1] & received_on[1] & ack[1] & _mask(start.is_valid())
    if (live & ~_mask(starts.is_valid())).any():
        return None  # a clock start that is none: the record raises
    ops = ClockArrays(calendar, conventions, live, placed)
    day, rule = _clock_law(
        ops,
        number=numbers[0],
        received_on=received_on[0],
        received_at=micros,
        requested_on=_ordinals(requested)[0],
        acknowledged_on=_ordinals(acknowledged)[0],
        logged_on=_ordinals(logged)[0],
        respond_from=np.asarray(pc.fill_null(starts, -1).to_numpy(zero_copy_only=False)),
        ack_days=ack[0],
    )
    if ops.refused.any():
        return None
    valid = live & (rule != ClockRule.NO_START)
    rule = np.where(valid, rule, 0)
    label = pa.array(_CLOCK_LABELS).take(pa.array(rule, pa.int64(), mask=~valid))

    def note() -> Any:
        # the words, once per distinct clock, only for a reader of the note
        picked = np.flatnonzero(valid)
        rows = pa.array(picked, pa.int64())
        begun = [a.take(rows).to_pylist() for a in (number, received, at, requested)]
        rest = [a.take(rows).to_pylist() for a in (acknowledged, logged, ack_days)]
        found: list[Any] = [None] * size
        done: dict[tuple[Any, ...], str] = {}
        days = _date_array(day, valid).take(rows).to_pylist()
        codes = rule[picked].tolist()
        for k, r in enumerate(picked.tolist()):
            facts = tuple(p[k] for p in begun)
            key = (codes[k], days[k], *facts, *(p[k] for p in rest))
            text = done.get(key)
            if text is None:
                placed = _stage_start(calendar, conventions, *facts)
                text = done[key] = _clock_words(
                    codes[k], days[k], placed, facts[0], *(p[k] for p in rest)
                )
            found[r] = text
        return pa.array(found, pa.string())

    return _ClockColumns({"day": _date_array(day, valid), "label": label}, note)


@dataclass(frozen=True, slots=True)
class _ClockField(_Get):
    """A field of a response clock's record (:meth:`_ResponseClock.get`): over a table,
    read from the clock's arrays alone, so no note is worded unless it is read."""

    def _arrow(self, env: _Columns) -> Any:
        assert isinstance(self.record, _ResponseClock)
        return self.record._field(env, self.name)


@dataclass(frozen=True, slots=True)
class _ResponseClock(_WorkingDays):
    """:func:`response_clock`: its parts are the stage's facts, the case's receipt and
    the two parameters; the record is decided by the timeliness judge's own law
    (:func:`~complaintrules.law.timeliness.response_clock_law`), for one case and over a
    table's arrays alike, its words by that judge's own text function."""

    parts: tuple[Expr, ...]

    def get(self, name: str) -> Expr:
        return _ClockField(self, name)

    def is_null(self) -> Expr:
        return self.get("day").is_null()  # a record is missing exactly where its day is

    def not_null(self) -> Expr:
        return self.get("day").not_null()

    def _build(self, c: _Compiler) -> Fn:
        parts = [c(e) for e in self.parts]

        def clock(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            values = [f(case, params, item) for f in parts]
            return _response_clock(params[_CALENDAR], params[_CONVENTIONS], values)

        return clock

    def _columns(self, env: _Columns) -> _ClockColumns:
        """The clock over the table, once per table read."""
        import pyarrow as pa
        import pyarrow.compute as pc

        key = ("\x00clock", id(self))
        cached = env.cache.get(key)
        if cached is not None and cached[0] is self:
            found: _ClockColumns = cached[1]
            return found
        cal, conv = env.params[_CALENDAR], env.params[_CONVENTIONS]
        values = [e._arrow(env) for e in self.parts]
        found_or_none = _clock_columns(cal, conv, values, env.size, _placed(env, cal, conv))
        if found_or_none is None:
            # the record row by row, once per distinct set of parts (raising where it does)
            done: dict[tuple[Any, ...], Any] = {}
            out = []
            for row in zip(*(_per_row(v, env.size) for v in values), strict=True):
                record = done.get(row, _UNSET)
                if record is _UNSET:
                    record = done[row] = _response_clock(cal, conv, row)
                out.append(record)
            records = pa.array(out, _clock_type())
            fields = {n: pc.struct_field(records, n) for n in ("day", "label", "note")}
            found_or_none = _ClockColumns(fields, lambda: fields["note"])
        env.cache[key] = (self, found_or_none)
        return found_or_none

    def _field(self, env: _Columns, name: str) -> Any:
        import pyarrow.compute as pc

        found = self._columns(env)
        if name not in ("day", "label", "note"):
            return pc.struct_field(self._arrow(env), name)  # refused, as a record refuses
        return found.field(name)

    @_once_per_table
    def _arrow(self, env: _Columns) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        names = ("day", "label", "note")
        fields = [self._columns(env).field(n) for n in names]
        valid = pc.is_valid(fields[0])
        return pa.StructArray.from_arrays(fields, fields=list(_clock_type()), mask=pc.invert(valid))

    def _params(self) -> Iterator[str]:
        for e in self.parts:
            yield from e._params()


def response_clock(of: int | Expr, *, respond_from: Any, ack_days: Any) -> Expr:
    """Day 0 of a stage's response clock, as a record: ``day``, ``label`` (what started
    it: ``"acknowledgement"``, ``"logging deadline"``, ``"receipt"`` ...) and ``note`` (the
    note a deadline counted from it gives: how the stage and the clock started, empty
    where there is nothing to say).

    ``of`` is a stage number, or ``item()`` inside a list of stages (:func:`stages`).
    ``respond_from`` is what the clock counts from (a :class:`ClockStart` value, usually
    a stage's dated parameter), ``ack_days`` the acknowledgement (or logging) timescale a
    late or missing acknowledgement is measured against. The stage starts at receipt
    (stage 1, at the time received) or the escalation request, placed by the
    conventions; missing where the stage is not reached, its escalation request is not
    dated, or a parameter is missing. Decided by the same function as the per-case
    timeliness judge (:func:`complaintrules.law.timeliness.response_clock`).
    """
    if isinstance(of, int):
        ref = stage(of)
        reached: Expr = ref.reached()
        number: Expr = _Literal(of)

        def fact(path: str) -> Expr:
            return ref.field(path)

    elif isinstance(of, _ItemField) and not of.path:
        reached, number = of.not_null(), item("number")

        def fact(path: str) -> Expr:
            return item(path)

    else:
        raise ValueError("response_clock: give a stage number, or item() inside stages()")
    parts = (
        reached,
        number,
        fact("requested_on"),
        fact("acknowledged.on"),
        fact("logged_on"),
        case_field("received_on"),
        case_field("received_at"),
        _lift(respond_from),
        _lift(ack_days),
    )
    return _ResponseClock(parts)


def _reads_calendar(roots: Sequence[Expr]) -> bool:
    """Whether any of ``roots`` counts working days (so needs the calendar beside the
    parameters)."""
    return any(isinstance(e, _WorkingDays) or _reads_calendar(list(_children(e))) for e in roots)


# -- text from a template --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Template(Expr):
    template: str
    values: tuple[tuple[str, Expr], ...]

    def _build(self, c: _Compiler) -> Fn:
        template, values = self.template, [(k, c(e)) for k, e in self.values]

        def text(case: Any, params: Mapping[str, Any], item: Any) -> Any:
            found = {k: f(case, params, item) for k, f in values}
            return None if None in found.values() else template.format(**found)

        return text

    def _arrow(self, env: _Columns) -> Any:
        import pyarrow as pa

        names = [k for k, _ in self.values]
        columns = [_array(e._arrow(env), env.size).to_pylist() for _, e in self.values]
        template = self.template
        return pa.array(
            [
                None if None in row else template.format(**dict(zip(names, row, strict=True)))
                for row in zip(*columns, strict=True)
            ]
            if columns
            else [template.format()] * env.size,
            pa.string(),
        )

    def _params(self) -> Iterator[str]:
        for _, e in self.values:
            yield from e._params()


def text(template: str, **values: Any) -> Expr:
    """Text: ``template`` (a :meth:`str.format` template) formatted over ``values``, for
    evidence; unknown when any value is. Give dates as :meth:`Expr.iso`."""
    named = [n for _, n, _, _ in Formatter().parse(template) if n is not None]
    missing = [n for n in named if n not in values]
    if missing:
        raise ValueError(f"text: template {template!r} names {missing}, not among the values")
    return _Template(template, tuple((k, _lift(v)) for k, v in values.items()))


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


def _not_plain(value: Any) -> Any:
    """:func:`_plain` of a value whose type the generated code found not plain (the test
    is not made twice): an enum by value, a decimal as text, a record as it is."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def _field_values(obj: Any, listed: Sequence[str]) -> list[Any]:
    if obj is None:
        return [None] * len(listed)
    if type(obj) is dict:
        return [obj[n] for n in listed]
    plain = _PLAIN_TYPES
    return [v if type(v := getattr(obj, n)) in plain else _not_plain(v) for n in listed]


def _fields_that(listed: Sequence[str], values: list[Any], wanted: Any, sep: str) -> str:
    if wanted not in values:  # the usual case, in C: nothing equals it, so nothing is it
        return ""
    return sep.join([n for n, v in zip(listed, values, strict=True) if v is wanted])


def _item_function(exprs: Sequence[Expr], keys: Sequence[str] | None = None) -> Any:
    """A generated function of (case, context, parameters, item) giving ``exprs[0]`` for
    one item (with ``keys``: a dict of each key's expression), each part read more than
    once computed once per item."""
    g = _Gen(_shared_parts(exprs, per_item=True), item="item")
    g.names["_Frame"] = _Frame
    lines = ["def value(case, ctx, params, item):"]
    if g.shared:
        lines.append("    " + " = ".join(f"_v{i}" for i in range(len(g.shared))) + " = _UNSET")
    if keys is None:
        lines.append(f"    return {g.expr(exprs[0])}")
    else:
        pairs = ", ".join(f"{k!r}: {g.expr(e)}" for k, e in zip(keys, exprs, strict=True))
        lines.append(f"    return {{{pairs}}}")
    source = "\n".join(lines) + "\n"
    namespace = dict(g.names, __source__=source)
    exec(compile(source, "<item expression>", "exec"), namespace)
    return namespace["value"]


def _items_kept(test: Any, found: Any, case: Any, ctx: Any, params: Any) -> list[tuple[int, Any]]:
    """(index, item) of each item of ``found`` for which ``test`` (None: any) holds."""
    if test is None:
        return list(enumerate(found or ()))
    return [(i, x) for i, x in enumerate(found or ()) if test(case, ctx, params, x) is True]


def _items_text(
    found: Any, each: tuple[Any, Any, Any, str, int | None], case: Any, ctx: Any, params: Any
) -> str:
    """The text of :meth:`Expr.each_of` for one case: ``each`` is (where, clauses, values,
    separator, limit) with generated functions of one item."""
    where, clauses, values, sep, limit = each
    kept = _items_kept(where, found, case, ctx, params)
    return sep.join(
        [
            template.format(index=i, **values(case, ctx, params, x))
            for i, x in (kept if limit is None else kept[:limit])
            for condition, template in clauses
            if condition is None or condition(case, ctx, params, x) is True
        ]
    )


def _each_entries(
    kept: Sequence[tuple[int, Any]],
    spec: tuple[str, Any, Any, bool],
    case: Any,
    ctx: Any,
    params: Any,
) -> dict[str, Any]:
    """The evidence of :class:`EachFact` for the items ``kept`` of one case: ``spec`` is
    (key, value, key values, one entry per name) with generated functions of one item."""
    key, value, key_values, flat = spec
    out: dict[str, Any] = {}
    for i, x in kept:
        named = key_values(case, ctx, params, x) if key_values is not None else {}
        found = value(case, ctx, params, x)
        if flat:
            for name, v in found.items():
                out[key.format(index=i, name=name, **named)] = v
        else:
            out[key.format(index=i, **named)] = found
    return out


def _bound(pick: Callable[[list[Any]], Any], found: Any) -> Any:
    """The largest or smallest (``pick``) of ``found``'s values, missing ones left out."""
    values = [x for x in found or () if x is not None]
    return pick(values) if values else None


# Plain loops with the item function's arguments named: a generator over ``*args`` costs
# more than the predicate it calls, and these run for every list of every case.
def _items_any(test: Callable[..., Any], found: Any, case: Any, ctx: Any, params: Any) -> bool:
    for x in found or ():  # noqa: SIM110 (see above: a generator costs more)
        if test(case, ctx, params, x) is True:
            return True
    return False


def _items_all(test: Callable[..., Any], found: Any, case: Any, ctx: Any, params: Any) -> bool:
    for x in found or ():  # noqa: SIM110 (see above: a generator costs more)
        if test(case, ctx, params, x) is not True:
            return False
    return True


def _items_count(test: Callable[..., Any], found: Any, case: Any, ctx: Any, params: Any) -> int:
    n = 0
    for x in found or ():
        if test(case, ctx, params, x) is True:
            n += 1
    return n


def _items_total(
    value: Callable[..., Any], where: Any, found: Any, ctx: Any, params: Any
) -> float | None:
    """:func:`_total` with generated functions of one item (given no case: a total's
    per-item values read only the item and the parameters)."""
    if found is None:
        return None
    total = Decimal(0)
    for x in found:
        if where is not None and where(None, ctx, params, x) is not True:
            continue
        v = value(None, ctx, params, x)
        if v is not None:
            total += Decimal(v)
    return float(total)


def _greatest(values: Sequence[Any]) -> Any:
    found = [x for x in values if x is not None]
    return max(found) if found else None


def _template_text(template: str, found: dict[str, Any]) -> str | None:
    return None if None in found.values() else template.format(**found)


class _Gen:
    """Generates the source of one case's judgement: names for constants and helpers, and
    a local variable for each shared part."""

    def __init__(self, shared: Mapping[Expr, int], item: str = "_NO_ITEM") -> None:
        self.shared = shared
        #: the local variable holding the list item, in a function of one item
        self.item = item
        self.names: dict[str, Any] = {
            "_PT": _PLAIN_TYPES,
            "_plain": _not_plain,
            "_stage_of": _stage_of,
            "_field_values": _field_values,
            "_fields_that": _fields_that,
            "_months_after": _months_after,
            "_ITEMS_any": _items_any,
            "_items_text": _items_text,
            "_items_kept": _items_kept,
            "_each_entries": _each_entries,
            "_bound": _bound,
            "_ITEMS_all": _items_all,
            "_ITEMS_count": _items_count,
            "_items_total": _items_total,
            "_greatest": _greatest,
            "_template_text": _template_text,
            "_UNSET": _UNSET,
            "_NO_ITEM": _NO_ITEM,
            "Outcome": Outcome,
            "_later": Outcome.later,
            "_response_clock": _response_clock,
        }
        self.count = 0

    def _item_function(self, e: Expr) -> str:
        """The name of a generated function of (case, context, parameters, item) giving
        ``e`` for one item, each part read more than once computed once per item."""
        return self.name(_item_function([e]), "f")

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
        if isinstance(e, _AsOf):
            return "ctx.as_of"
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
        if isinstance(e, _Stages):
            return "case.stages"
        if isinstance(e, _Map):
            # the value read per item inline, in a list comprehension over the items
            t, x = self.tmp(), self.tmp()
            found = self.expr(e.items)
            outer = self.item, self.shared
            self.item, self.shared = x, {}
            try:
                value = self.expr(e.value)
            finally:
                self.item, self.shared = outer
            return f"(None if ({t} := {found}) is None else [{value} for {x} in {t}])"
        if isinstance(e, _Bound):
            return f"_bound({e.kind}, {self.expr(e.items)})"
        if isinstance(e, _Length):
            t = self.tmp()
            return f"(None if ({t} := {self.expr(e.items)}) is None else len({t}))"
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
        if isinstance(e, _AddWorkingDays):
            a, b = self.tmp(), self.tmp()
            day, n = self.expr(e.day), self.expr(e.n)
            return (
                f"(None if ({a} := {day}) is None or ({b} := {n}) is None "
                f"else params[{_CALENDAR!r}].add_working_days({a}, {b}))"
            )
        if isinstance(e, _WorkingDaysTo) and not e.skipped:
            a, b = self.tmp(), self.tmp()
            start, end = self.expr(e.start), self.expr(e.end)
            return (
                f"(None if ({a} := {start}) is None or ({b} := {end}) is None "
                f"else params[{_CALENDAR!r}].working_days_between({a}, {b}))"
            )
        if isinstance(e, _Each):
            each = (
                _item_function([e.where]) if e.where is not None else None,
                [(_item_function([c]) if c is not None else None, t) for c, t in e.clauses],
                _item_function([v for _, v in e.values], [k for k, _ in e.values]),
                e.sep,
                e.limit,
            )
            found = self.expr(e.items)
            return f"_items_text({found}, {self.name(each, 'x')}, case, ctx, params)"
        if isinstance(e, _Aggregate) and e.predicate is not None:
            # the predicate as a function of one item, generated too (its parts shared)
            # an empty (or missing) list, the usual case, is answered inline
            t, empty = self.tmp(), {"any": "False", "all": "True"}.get(e.kind, "0")
            held, found = self._item_function(e.predicate), self.expr(e.items)
            call = f"_ITEMS_{e.kind}({held}, {t}, case, ctx, params)"
            return f"({empty} if not ({t} := {found}) else {call})"
        if isinstance(e, _Choose):
            return f"({self.expr(e.a)} if {self.expr(e.condition)} is True else {self.expr(e.b)})"
        if isinstance(e, _Get):
            t = self.tmp()
            return f"(None if ({t} := {self.expr(e.record)}) is None else {t}[{e.name!r}])"
        if isinstance(e, _ResponseClock):
            parts = ", ".join(self.expr(p) for p in e.parts)
            cal, conv = f"params[{_CALENDAR!r}]", f"params[{_CONVENTIONS!r}]"
            return f"_response_clock({cal}, {conv}, ({parts}))"
        if isinstance(e, _Filter):
            # the predicate read per item inline, in a list comprehension over the items
            t, x = self.tmp(), self.tmp()
            found = self.expr(e.items)
            outer = self.item, self.shared
            self.item, self.shared = x, {}
            try:
                held = self.expr(e.predicate)
            finally:
                self.item, self.shared = outer
            return f"(None if ({t} := {found}) is None else [{x} for {x} in {t} if {held} is True])"
        if isinstance(e, _ItemField) and self.item != "_NO_ITEM":
            if not e.path:
                return self.plain(self.item)
            return self.path(self.item, e.path)
        if isinstance(e, _OrElse):
            # the value where it is present (truthy), else the other, read only then
            t = self.tmp()
            return f"({t} if ({t} := {self.expr(e.value)}) else {self.expr(e.other)})"
        if isinstance(e, _Formatted):
            t = self.tmp()
            spec = self.name(e.spec)
            return f"(None if ({t} := {self.expr(e.value)}) is None else format({t}, {spec}))"
        if isinstance(e, _Greatest):
            return f"_greatest(({''.join(self.expr(v) + ', ' for v in e.values)}))"
        if isinstance(e, _Template):
            pairs = ", ".join(f"{k!r}: {self.expr(v)}" for k, v in e.values)
            return f"_template_text({self.name(e.template)}, {{{pairs}}})"
        if isinstance(e, _Sum):
            # the per-item value (and condition) as generated functions of one item
            value = self._item_function(e.value)
            where = self._item_function(e.where) if e.where is not None else "None"
            return f"_items_total({value}, {where}, {self.expr(e.items)}, ctx, params)"
        # anything else: its compiled closure, over the case's frame
        return f"{self.name(e._compile(), 'h')}(_Frame(case), params, {self.item})"


def _forget(ctx: Context, names: Sequence[str], had: Set[str]) -> None:
    """Take the parameters ``names`` out of ``ctx``'s evidence, but those it had before."""
    for name in names:
        if name not in had:
            ctx.used.pop(name, None)


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


def item(path: str = "") -> Expr:
    """A fact of the list item being tested, inside ``any``, ``all`` or ``count`` (the
    item itself without a path, as for :meth:`Expr.dump`)."""
    return _ItemField(_path(path) if path else ())


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
    # True: all; False: none; names: only those, in that order
    computed: bool | tuple[str, ...] = True
    facts: bool | tuple[str, ...] = True
    parameters: bool = True


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
        computed: bool | Sequence[str] = True,
        facts: bool | Sequence[str] = True,
        parameters: bool = True,
    ) -> Verdicts:
        """Another branch, tried after those before it; ``computed=False`` reports the
        facts but not the computed values (which may not be known on this branch);
        ``facts=False`` reports only the per-item facts (``each_facts``), not the others
        (which belong to the other branches); ``parameters=False`` names none of the
        expression's parameters in the evidence (the branch is decided without them).
        ``facts`` and ``computed`` may instead name the facts and computed values this
        branch reports, in order (the others belong to other branches)."""
        branch = _Branch(
            condition,
            Verdict(verdict),
            message,
            evidence,
            computed if isinstance(computed, bool) else tuple(computed),
            facts if isinstance(facts, bool) else tuple(facts),
            parameters,
        )
        return Verdicts((*self.branches, branch))

    def per_item(
        self,
        verdict: Verdict,
        message: str,
        *,
        values: Mapping[str, Expr] | None = None,
        facts: Mapping[str, Expr] | None = None,
        computed: Mapping[str, Expr] | None = None,
        omit_empty: Sequence[str] = (),
    ) -> ItemTable:
        """The verdict when no branch holds, completing a table judged once per item of a
        list (see :func:`item_outcomes`): conditions, ``values``, ``facts`` and
        ``computed`` read the item (and may read the case); messages and the keys of
        ``facts`` are templates over ``values`` and ``{index}``, the item's place in the
        list. A branch given ``computed=False`` reports no computed values; those named in
        ``omit_empty`` are left out where empty (no text, or missing)."""
        branches = (*self.branches, _Branch(None, Verdict(verdict), message, True))
        return ItemTable(
            branches,
            dict(values or {}),
            dict(facts or {}),
            dict(computed or {}),
            tuple(omit_empty),
        )

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
        reported: Sequence[str] | None = None,
        parameters_where: Mapping[str, Expr] | None = None,
    ) -> CaseExpression:
        """The verdict when no branch holds, which completes the table.

        Messages are :meth:`str.format` templates over ``values`` (``{handler}``); ``facts``
        (then ``each_facts``, per list item) and ``computed`` name the values the outcome's
        evidence records, on every branch given ``evidence=True`` (the default). ``tag``
        labels the check for tools that look for a kind of check without a rule id (the
        monitor finds the different-handlers checks by theirs); it plays no part in judging.
        ``reported`` names the facts and computed values this branch reports, in order,
        where the others belong to other branches (see :meth:`when`); all without it.
        ``parameters_where`` maps parameters to conditions: each is read as the
        expression's parameters are, but named in the evidence only where its condition
        holds (a stage's parameters, where the case reached the stage).
        """
        last = _Branch(None, Verdict(verdict), message, evidence)
        if reported is not None:
            last = _Branch(
                None,
                Verdict(verdict),
                message,
                evidence,
                tuple(n for n in reported if n in (computed or {})),
                tuple(n for n in reported if n in (facts or {})),
            )
            unknown = set(reported) - set(facts or {}) - set(computed or {})
            if unknown:
                raise ValueError(f"reported names {sorted(unknown)}, neither facts nor computed")
        return CaseExpression(
            (*self.branches, last),
            dict(values or {}),
            dict(facts or {}),
            dict(computed or {}),
            tuple(each_facts),
            tag,
            dict(parameters_where or {}),
        )


#: The parts whose value can fail on some cases' data, even in a well-made declaration:
#: working days (a date outside the calendar's years), months after a date (past the last
#: year) and a value formatted by a spec or a template (a spec the value does not take).
_MAY_FAIL = (_WorkingDays, _MonthsAfter, _Formatted, _Template)


def _wording_may_fail(
    exprs: Sequence[Expr], template: str, per_item: Sequence[Expr] = (), of_item: bool = False
) -> bool:
    """Whether wording from ``exprs`` (a branch's message values and evidence, read once
    per case unless ``of_item``), ``per_item`` (read for each item of a list) and the
    message ``template`` could raise on some case: a part in :data:`_MAY_FAIL`, a format
    spec or conversion in the template, or a read of a list item outside a function of
    one item, which is refused."""
    if any(spec or conversion for _, n, spec, conversion in Formatter().parse(template) if n):
        return True
    if not of_item and any(_reads_outer_item(e) for e in exprs):
        return True
    return any(_fails_somewhere(e) for e in [*exprs, *per_item])


def _reads_outer_item(e: Expr) -> bool:
    """Whether ``e`` reads a list item it is not itself going through (as a list's
    predicate, values or total read their own list's items)."""
    if isinstance(e, _ItemField):
        return True
    if isinstance(e, _Aggregate | _Each | _Map | _Sum | _Filter):
        return _reads_outer_item(e.items)
    return any(_reads_outer_item(child) for child in _children(e))


def _fails_somewhere(e: Expr) -> bool:
    return isinstance(e, _MAY_FAIL) or any(_fails_somewhere(child) for child in _children(e))


def _worded(
    verdict: str,
    lines: Sequence[str],
    result: str,
    g: _Gen,
    wording: Sequence[Expr],
    template: str,
    per_item: Sequence[Expr] = (),
    of_item: bool = False,
) -> list[str]:
    """The statements returning an outcome with ``verdict`` (a generated name) worded by
    ``lines`` then ``result`` (its message, facts and computed values).

    Worded when first read (see :meth:`Outcome.later`) where the wording cannot fail:
    the verdict is decided, and whatever could go wrong in deciding it has gone wrong (an
    error finding), before the check returns. Where the wording could fail on some case's
    data (:func:`_wording_may_fail`), it is worded now, as before, so such a failure is
    still the rule's error. The parts shared with the conditions are the judging
    function's own variables, so a part read there is not read again.
    """
    if _wording_may_fail(wording, template, per_item, of_item):
        return [*lines, f"return Outcome({verdict}, {result})"]
    shared = ", ".join(f"_v{i}" for i in range(len(g.shared)))
    words = ["def _words():"]
    if shared:
        words.append(f"    nonlocal {shared}")
    words += [f"    {line}" for line in [*lines, f"return {result}"]]
    return [*words, f"return _later({verdict}, _words)"]


def _reported(found: Mapping[str, Any], chosen: bool | tuple[str, ...]) -> list[tuple[str, Any]]:
    """The entries of ``found`` a branch reports: all, none, or those it names, in order."""
    if chosen is True:
        return list(found.items())
    if chosen is False:
        return []
    return [(k, found[k]) for k in chosen]


def when(
    condition: Expr,
    verdict: Verdict,
    message: str,
    *,
    evidence: bool = True,
    computed: bool | Sequence[str] = True,
    facts: bool | Sequence[str] = True,
    parameters: bool = True,
) -> Verdicts:
    """The first branch of a verdict table: ``verdict`` with ``message`` where
    ``condition`` holds (see :meth:`Verdicts.otherwise` for messages and evidence)."""
    return Verdicts(()).when(
        condition,
        verdict,
        message,
        evidence=evidence,
        computed=computed,
        facts=facts,
        parameters=parameters,
    )


def _first_call(check: CaseExpression | ItemOutcomes) -> Callable[[Complaint, Context], Outcome]:
    """The Python backend of ``check``, generated now and kept: generating it when the
    check is declared would make importing a pack compile every check of it, most of which
    a command never calls on one case (a bulk summary judges them over tables)."""
    call = check._compile()
    object.__setattr__(check, "_call", call)
    return call


@dataclass(frozen=True, slots=True)
class _TableFacts:
    """What :func:`judge_table` reads of a check, the same for every table: computed
    from the check's parts on first use and kept on it (as :func:`_first_call` keeps its
    Python backend), not walked again for each batch."""

    parameters: tuple[str, ...]
    reads_as_of: bool
    branches: tuple[_Branch, ...]
    #: each branch's verdict code, and whether it names no parameter
    codes: np.ndarray[Any, np.dtype[np.int64]]
    unnamed: tuple[bool, ...]


def _table_facts(check: CaseExpression | ItemOutcomes) -> _TableFacts:
    found = check._facts
    if found is None:
        import numpy as np

        branches = check.branches
        codes = np.asarray([_VERDICT_CODE[b.verdict] for b in branches], dtype=np.int64)
        codes.flags.writeable = False
        found = _TableFacts(
            check.parameters,
            check.reads_as_of,
            branches,
            codes,
            tuple(not b.parameters for b in branches),
        )
        object.__setattr__(check, "_facts", found)
    return found


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
    #: parameters named in the evidence only where their condition holds
    parameters_where: Mapping[str, Expr] = field(default_factory=dict)
    #: the Python backend, generated on the first call (see :func:`_first_call`)
    _call: Callable[[Complaint, Context], Outcome] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    #: what judging a table reads of the check itself (see :func:`_table_facts`)
    _facts: _TableFacts | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for b in self.branches:
            for chosen, found, what in (
                (b.facts, self.facts, "facts"),
                (b.computed, self.computed, "computed"),
            ):
                if not isinstance(chosen, bool) and not set(chosen) <= set(found):
                    raise ValueError(
                        f"a branch reports {what} {sorted(set(chosen) - set(found))}, which "
                        f"are not among the {what} given ({', '.join(found) or 'none'})"
                    )
            try:
                b.message.format(**dict.fromkeys(self.values, ""))
            except (KeyError, IndexError) as exc:
                raise ValueError(
                    f"message {b.message!r} names {exc}, which is not among the values "
                    f"({', '.join(self.values) or 'none given'})"
                ) from None

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
        return tuple(_with_where(found, self.parameters_where))

    @property
    def reads_as_of(self) -> bool:
        """Whether the expression reads the as-of date (:func:`as_of`)."""
        exprs = [b.condition for b in self.branches if b.condition is not None]
        exprs += [*self.values.values(), *self.facts.values(), *self.computed.values()]
        for each in self.each_facts:
            exprs += each._exprs()
        return _reads_as_of(exprs)

    def __call__(self, case: Complaint, ctx: Context) -> Outcome:
        """The Python backend: one case, no Arrow."""
        call = self._call
        if call is None:
            call = _first_call(self)
        return call(case, ctx)

    def _compile(self) -> Callable[[Complaint, Context], Outcome]:
        """The Python backend, made once: one function generated from the verdict table,
        each part read more than once computed once per case (see :class:`_Gen`)."""
        names = self.parameters
        roots = [b.condition for b in self.branches if b.condition is not None]
        roots += [*self.values.values(), *self.facts.values(), *self.computed.values()]
        for group in self.each_facts:
            roots += group._exprs()
        roots += self.parameters_where.values()
        shared = _shared_parts(roots)
        g = _Gen(shared)
        g.names["_Frame"] = _Frame
        g.names["_forget"] = _forget
        lines = ["def call(case, ctx):"]
        forget = bool(names) and not all(b.parameters for b in self.branches)
        if forget:  # the parameters recorded before this check read them are kept
            lines.append(f"    _had = ctx.used.keys() & {g.name(frozenset(names))}")
        calendar = _reads_calendar(roots)
        if names or self.reads_as_of or calendar:
            read = ", ".join(f"{n!r}: ctx.param({n!r})" for n in names)
            if self.reads_as_of:  # for the closures: inline code reads ctx.as_of
                read += f"{', ' if names else ''}{_AS_OF!r}: ctx.as_of"
            if calendar:  # the working-day expressions read these beside the parameters
                read += f"{', ' if read else ''}{_CALENDAR!r}: ctx.calendar"
                read += f", {_CONVENTIONS!r}: ctx.conventions"
            lines.append(f"    params = {{{read}}}")
        else:
            lines.append(f"    params = {g.name({})}")
        if shared:
            lines.append("    " + " = ".join(f"_v{i}" for i in range(len(shared))) + " = _UNSET")
        for b in self.branches:
            body = self._outcome_source(b, g)
            if forget and not b.parameters:
                body = [f"_forget(ctx, {g.name(names)}, _had)", *body]
            if b.condition is None:
                lines += [f"    {line}" for line in body]
            else:
                lines.append(f"    if {g.expr(b.condition)} is True:")
                lines += [f"        {line}" for line in body]
        source = "\n".join(lines) + "\n"
        namespace = dict(g.names, __source__=source)  # kept for reading while debugging
        exec(compile(source, "<case expression>", "exec"), namespace)
        call: Callable[[Complaint, Context], Outcome] = namespace["call"]
        return _recording_where(call, self.parameters_where)

    def _outcome_source(self, b: _Branch, g: _Gen) -> list[str]:
        """The statements returning branch ``b``'s outcome: worded when first read, unless
        its wording could fail on some case (see :func:`_wording_may_fail`)."""
        message = g.name(b.message, "m")
        verdict = g.name(b.verdict, "verdict")
        formatted = "{" in b.message or "}" in b.message  # "{{" too, formatted to "{"
        named = _named(b.message) if formatted else []
        if formatted:
            args = [
                f"{k}={g.expr(self.values[k])}"
                if k.isidentifier() and not iskeyword(k)
                else f"**{{{k!r}: {g.expr(self.values[k])}}}"
                for k in named
            ]
            message = f"{message}.format({', '.join(args)})"
        wording = [self.values[k] for k in named]
        if not b.evidence:
            if not formatted:  # a plain message: nothing to word
                return [f"return Outcome({verdict}, {message})"]
            return _worded(verdict, [], f"{message}, {{}}, {{}}", g, wording, b.message)
        facts_of, computed_of = _reported(self.facts, b.facts), _reported(self.computed, b.computed)
        wording += [e for _, e in facts_of] + [e for _, e in computed_of]
        facts = ", ".join(f"{k!r}: {g.expr(e)}" for k, e in facts_of)
        computed = ", ".join(f"{k!r}: {g.expr(e)}" for k, e in computed_of)
        if not self.each_facts:
            result = f"{message}, {{{facts}}}, {{{computed}}}"
            return _worded(verdict, [], result, g, wording, b.message)
        lines = [f"_m = {message}", f"_found = {{{facts}}}"]
        per_item: list[Expr] = []  # read in a function of one item
        for group in self.each_facts:
            if isinstance(group, EachFact):
                wording.append(group.items)
                per_item += group._exprs()
            else:
                wording += group._exprs()
            if isinstance(group, FieldFacts):
                before, after = group.key.replace("{{", "{").replace("}}", "}").split("{name}")
                entries = g.name(_field_entries(before, after), "fe")
                names = g.expr(group.names)
                values = g.expr(_FieldValues(group.record, group.names))
                lines.append(f"_found.update({entries}({names}, {values}))")
            else:
                where = group.where
                test = g.name(_item_function([where]), "f") if where is not None else "None"
                kept = f"_items_kept({test}, {g.expr(group.items)}, case, ctx, params)"
                spec = g.name(group._generated(), "e")
                lines.append(f"_found.update(_each_entries({kept}, {spec}, case, ctx, params))")
        result = f"_m, _found, {{{computed}}}"
        return _worded(verdict, lines, result, g, wording, b.message, per_item=per_item)

    # -- the Arrow backend --------------------------------------------------------------------

    def _unrecorded(self, env: _Columns) -> list[set[str]]:
        return _unrecorded(self.parameters_where, env)

    def _branches(self, env: _Columns) -> Any:
        """Per row, the index of the branch that decides it (a numpy array)."""
        return _chosen(self.branches, env)

    def _explain(self, env: _Columns, chosen: Sequence[int]) -> list[Outcome]:
        """The outcomes of the rows of ``env`` (only those asked for), their branches
        ``chosen``: messages and evidence are read over these rows alone."""

        def column(exprs: Mapping[str, Expr]) -> dict[str, list[Any]]:
            return {k: _per_row(e._arrow(env), env.size) for k, e in exprs.items()}

        words, facts, computed = column(self.values), column(self.facts), column(self.computed)
        per_item = [(each._compile(), each._rows(env)) for each in self.each_facts]
        out = []
        for row, i in enumerate(chosen):
            b = self.branches[i]
            message = b.message.format(**{k: v[row] for k, v in words.items()})
            if b.evidence:
                found = {k: v[row] for k, v in _reported(facts, b.facts)}
                for entries, kept in per_item:
                    found.update(entries(None, env.params, kept[row]))
                out.append(
                    Outcome(
                        b.verdict,
                        message,
                        found,
                        {k: v[row] for k, v in _reported(computed, b.computed)},
                    )
                )
            else:
                out.append(Outcome(b.verdict, message))
        return out

    def _computed(self, env: _Columns, chosen: Any, names: Sequence[str]) -> dict[str, list[Any]]:
        """Per row of ``env``, its branch ``chosen`` (-1: a row not asked for), each of the
        computed values ``names`` its outcome reports (:meth:`_explain`), None where it
        reports none: read off the arrays, no outcome built."""
        import numpy as np

        picked = np.asarray(chosen, dtype=np.int64)
        out: dict[str, list[Any]] = {n: [None] * env.size for n in names}
        for name in names:
            if name not in self.computed:
                continue
            says = [i for i, b in enumerate(self.branches) if _reports(b, self.computed, name)]
            wanted = np.flatnonzero(np.isin(picked, says))
            found = _taken(self.computed[name]._arrow(env), env.size, wanted) if says else []
            for r, value in zip(wanted.tolist(), found, strict=True):
                out[name][r] = value
        return out


# -- one outcome per item, combined -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemTable:
    """A verdict table judged for each item of a list (built by :meth:`Verdicts.per_item`)."""

    branches: tuple[_Branch, ...]
    values: Mapping[str, Expr]
    facts: Mapping[str, Expr]
    computed: Mapping[str, Expr] = field(default_factory=dict)
    omit_empty: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        blank = dict.fromkeys(self.values, "")
        for template in [b.message for b in self.branches] + list(self.facts):
            try:
                template.format(index=0, **blank)
            except (KeyError, IndexError) as exc:
                raise ValueError(
                    f"template {template!r} names {exc}, which is neither {{index}} nor among "
                    f"the values ({', '.join(self.values) or 'none given'})"
                ) from None

    def _exprs(self) -> list[Expr]:
        found = [b.condition for b in self.branches if b.condition is not None]
        return [*found, *self.values.values(), *self.facts.values(), *self.computed.values()]

    def _compile(
        self, keep: bool = False
    ) -> Callable[[Any, Any, Mapping[str, Any], int, Any], Outcome | None]:
        """The outcome of one item, a function of (case, context, parameters, index, item)
        generated as a verdict table's is (each part read more than once computed once per
        item); None where the branch taken is not applicable: nothing to report (unless
        ``keep``: see :func:`item_outcomes`)."""
        g = _Gen(_shared_parts(self._exprs(), per_item=True), item="item")
        g.names["_Frame"], g.names["_item_words"] = _Frame, _item_words
        key_names = [n for k in self.facts for n in _named(k)]
        facts = ", ".join(f"{k!r}: {g.expr(e)}" for k, e in self.facts.items())
        omit = g.name(self.omit_empty, "omit")
        lines = ["def outcome(case, ctx, params, index, item):"]
        if g.shared:
            lines.append("    " + " = ".join(f"_v{i}" for i in range(len(g.shared))) + " = _UNSET")
        for b in self.branches:
            if b.verdict is Verdict.NOT_APPLICABLE and not keep:
                body = "return None"
            else:
                # only the values this branch's message and evidence name
                named = dict.fromkeys(n for n in _named(b.message) + key_names if n != "index")
                values = ", ".join(f"{k!r}: {g.expr(self.values[k])}" for k in named)
                reported = _reported(self.computed, b.computed) if b.evidence else []
                computed = ", ".join(f"{k!r}: {g.expr(e)}" for k, e in reported)
                words = (
                    f"*_item_words({g.name(b)}, index, {{{values}}}, {{{facts}}}, "
                    f"{{{computed}}}, {omit}),"  # a tuple: returned, or given to Outcome
                )
                wording = [self.values[k] for k in named] + [e for _, e in reported]
                wording += self.facts.values()  # read on every branch, as ever
                template = b.message + "".join(self.facts)
                verdict = g.name(b.verdict, "verdict")
                body = "\n".join(_worded(verdict, [], words, g, wording, template, of_item=True))
            if b.condition is None:
                lines += [f"    {line}" for line in body.split("\n")]
            else:
                lines.append(f"    if {g.expr(b.condition)} is True:")
                lines += [f"        {line}" for line in body.split("\n")]
        source = "\n".join(lines) + "\n"
        namespace = dict(g.names, __source__=source)
        exec(compile(source, "<item table>", "exec"), namespace)
        outcome: Callable[[Any, Any, Mapping[str, Any], int, Any], Outcome | None]
        outcome = namespace["outcome"]
        return outcome

    def __iter__(self) -> Iterator[_Branch]:
        return iter(self.branches)


def _item_outcome(
    b: _Branch,
    index: int,
    values: Mapping[str, Any],
    facts: Mapping[str, Any],
    computed: Mapping[str, Any] | None = None,
    omit_empty: Sequence[str] = (),
    keep: bool = False,
) -> Outcome | None:
    if b.verdict is Verdict.NOT_APPLICABLE and not keep:
        return None
    return Outcome(b.verdict, *_item_words(b, index, values, facts, computed, omit_empty))


def _item_words(
    b: _Branch,
    index: int,
    values: Mapping[str, Any],
    facts: Mapping[str, Any],
    computed: Mapping[str, Any] | None = None,
    omit_empty: Sequence[str] = (),
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The message, facts and computed values of one item's outcome, branch ``b``."""
    if not b.evidence:
        return b.message.format(index=index, **values), {}, {}
    found = {} if not computed else dict(computed)
    for k in omit_empty:
        if k in found and found[k] in (None, ""):
            del found[k]
    return (
        b.message.format(index=index, **values),
        {k.format(index=index, **values): v for k, v in facts.items()},
        found,
    )


def _combined(
    outcomes: Sequence[Outcome], sep: str, join_failures: bool = False, keep: bool = False
) -> Outcome | None:
    """The first failing outcome (``join_failures``: every failing one together), else the
    first needing evidence, else every pass together (messages joined by ``sep``,
    evidence merged in order), else (``keep``) the first not applicable; None for none."""
    if join_failures:
        fails = [o for o in outcomes if o.verdict is Verdict.FAIL]
        if len(fails) > 1:
            return _together(Verdict.FAIL, fails, sep)
    for verdict in (Verdict.FAIL, Verdict.NEEDS_EVIDENCE):
        for o in outcomes:
            if o.verdict is verdict:
                return o
    if keep:
        passes = [o for o in outcomes if o.verdict is Verdict.PASS]
        if not passes:
            return outcomes[0] if outcomes else None
        outcomes = passes
    if not outcomes:
        return None
    return _together(Verdict.PASS, outcomes, sep)


def _together(verdict: Verdict, outcomes: Sequence[Outcome], sep: str) -> Outcome:
    """``outcomes`` as one with ``verdict``, worded when first read (as they are)."""
    return Outcome.later(verdict, partial(_together_words, outcomes, sep))


def _together_words(
    outcomes: Sequence[Outcome], sep: str
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    facts: dict[str, Any] = {}
    computed: dict[str, Any] = {}
    for o in outcomes:
        facts.update(o.facts)
        computed.update(o.computed)
    return sep.join(o.message for o in outcomes), facts, computed


def _chosen(branches: Sequence[_Branch], env: _Columns) -> Any:
    """Per row of ``env``, the index of the branch that decides it (a numpy array).

    A branch's condition is judged only where no earlier branch decided the row, as the
    one-case backend judges it: once fewer than half the rows read are still open, over
    those rows alone (so a part counted row by row, a widest gap say, is counted only
    for them), and not at all once every row is decided."""
    import numpy as np
    import pyarrow.compute as pc

    chosen = np.full(env.size, len(branches) - 1, dtype=np.int64)
    where = np.arange(env.size)  # the row of ``env`` each row of ``now`` is
    now, open_rows = env, np.ones(env.size, dtype=bool)
    for i, b in enumerate(branches[:-1]):
        assert b.condition is not None
        still = int(np.count_nonzero(open_rows))
        if not still:
            break
        if 2 * still <= now.size:
            keep = np.flatnonzero(open_rows)
            now, where, open_rows = now.subset(keep), where[keep], np.ones(still, dtype=bool)
        held = _array(b.condition._arrow(now), now.size)
        mask = np.asarray(pc.fill_null(held, False).to_numpy(zero_copy_only=False), bool)
        mask &= open_rows
        chosen[where[mask]] = i
        open_rows &= ~mask
    return chosen


def _reports(b: _Branch, computed: Mapping[str, Expr], name: str) -> bool:
    """Whether branch ``b``'s outcome reports the computed value ``name``."""
    if not b.evidence or name not in computed:
        return False
    return b.computed is True or (not isinstance(b.computed, bool) and name in b.computed)


def _taken(value: Any, size: int, rows: Any) -> list[Any]:
    """``value`` (an expression's value over a table of ``size`` rows) at ``rows``, as
    Python values."""
    import pyarrow as pa

    if isinstance(value, _PyValues):
        return [value[i] for i in rows]
    found: list[Any] = _array(value, size).take(pa.array(rows, pa.int64())).to_pylist()
    return found


_COMBINED = (Verdict.FAIL, Verdict.NEEDS_EVIDENCE, Verdict.PASS)
_KEPT = (*_COMBINED, Verdict.NOT_APPLICABLE)


@dataclass(frozen=True, slots=True)
class ItemOutcomes:
    """A case check judging each item of a list by one or more :class:`ItemTable` and
    combining the items' outcomes (see :func:`item_outcomes`); judged on one case or over
    a table like a :class:`CaseExpression`."""

    items: Expr
    tables: tuple[ItemTable, ...]
    none: CaseExpression
    sep: str = "; "
    join_failures: bool = False
    tag: tuple[Any, ...] = field(default=(), compare=False)
    #: parameters named in the evidence only where their condition holds
    parameters_where: Mapping[str, Expr] = field(default_factory=dict)
    #: the first not-applicable item outcome decides where nothing else is reported
    keep_not_applicable: bool = False
    #: the Python backend, generated on the first call (see :func:`_first_call`)
    _call: Callable[[Complaint, Context], Outcome] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    #: what judging a table reads of the check itself (see :func:`_table_facts`)
    _facts: _TableFacts | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def _kinds(self) -> tuple[Verdict, ...]:
        return _KEPT if self.keep_not_applicable else _COMBINED

    @property
    def branches(self) -> tuple[_Branch, ...]:
        """The verdicts a row can get, by index: ``none``'s branches (an empty list, or
        nothing to report), then a failing item, one needing evidence, every item passing
        (and with ``keep_not_applicable``, an item not applicable)."""
        combined = tuple(_Branch(None, v, "", True) for v in self._kinds)
        return (*self.none.branches, *combined)

    def _exprs(self) -> list[Expr]:
        return [self.items, *(e for t in self.tables for e in t._exprs())]

    @property
    def parameters(self) -> tuple[str, ...]:
        found: dict[str, None] = dict.fromkeys(self.none.parameters)
        for e in self._exprs():
            found.update(dict.fromkeys(e._params()))
        return tuple(_with_where(found, self.parameters_where))

    @property
    def reads_as_of(self) -> bool:
        return self.none.reads_as_of or _reads_as_of(self._exprs())

    def __call__(self, case: Complaint, ctx: Context) -> Outcome:
        """The Python backend: one case, no Arrow."""
        call = self._call
        if call is None:
            call = _first_call(self)
        return call(case, ctx)

    def _compile(self) -> Callable[[Complaint, Context], Outcome]:
        items = _item_function([self.items])
        keep = self.keep_not_applicable
        tables = [t._compile(keep) for t in self.tables]
        names, dated, none, sep = self.parameters, self.reads_as_of, self.none, self.sep
        join, calendar = self.join_failures, _reads_calendar(self._exprs())

        def call(case: Complaint, ctx: Context) -> Outcome:
            params: dict[str, Any] = {n: ctx.param(n) for n in names}
            if dated:
                params[_AS_OF] = ctx.as_of
            if calendar:  # the working-day expressions read these beside the parameters
                params.update(calendar_params(ctx.calendar, ctx.conventions))
            outcomes = [
                found
                for i, x in enumerate(items(case, ctx, params, None) or [])
                for table in tables
                if (found := table(case, ctx, params, i, x)) is not None
            ]
            return _combined(outcomes, sep, join, keep) or none(case, ctx)

        return _recording_where(call, self.parameters_where)

    def _unrecorded(self, env: _Columns) -> list[set[str]]:
        return _unrecorded(self.parameters_where, env)

    # -- the Arrow backend --------------------------------------------------------------------

    def _verdicts(self, env: _Columns) -> tuple[Any, list[Any], Any]:
        """The items' environment, per table each item's branch, and each item's row."""
        lists = _array(self.items._arrow(env), env.size)
        inner, rows = env.items(lists)
        return inner, [_chosen(t.branches, inner) for t in self.tables], rows

    def _branches(self, env: _Columns) -> Any:
        import numpy as np

        _, chosen, rows = self._verdicts(env)
        combined = self._kinds
        found = {v: np.zeros(env.size, dtype=bool) for v in combined}
        for table, picks in zip(self.tables, chosen, strict=True):
            kinds = np.array([b.verdict for b in table.branches], dtype=object)[picks]
            for v in combined:
                found[v][rows[kinds == v]] = True
        result = self.none._branches(env)
        k = len(self.none.branches)
        for offset, v in reversed(list(enumerate(combined))):
            result = np.where(found[v], k + offset, result)
        return result

    def _explain(self, env: _Columns, chosen: Sequence[int]) -> list[Outcome]:
        import numpy as np

        k = len(self.none.branches)
        none = self.none._explain(env, [min(i, k - 1) for i in chosen])
        inner, picks, rows = self._verdicts(env)
        starts = np.searchsorted(rows, np.arange(env.size)) if len(rows) else None
        per_row: list[list[Outcome]] = [[] for _ in range(env.size)]
        per_table = []
        for table, pick in zip(self.tables, picks, strict=True):
            values = {n: _per_row(e._arrow(inner), inner.size) for n, e in table.values.items()}
            facts = {n: _per_row(e._arrow(inner), inner.size) for n, e in table.facts.items()}
            computed = {n: _per_row(e._arrow(inner), inner.size) for n, e in table.computed.items()}
            per_table.append((table, pick, values, facts, computed))
        for j in range(inner.size):
            row = int(rows[j])
            assert starts is not None
            for table, pick, values, facts, computed in per_table:
                b = table.branches[int(pick[j])]
                found = _item_outcome(
                    b,
                    j - int(starts[row]),
                    {n: v[j] for n, v in values.items()},
                    {n: v[j] for n, v in facts.items()},
                    {n: v[j] for n, v in _reported(computed, b.computed)},
                    table.omit_empty,
                    self.keep_not_applicable,
                )
                if found is not None:
                    per_row[row].append(found)
        out = []
        for r, i in enumerate(chosen):
            got = (
                _combined(per_row[r], self.sep, self.join_failures, self.keep_not_applicable)
                if i >= k
                else None
            )
            out.append(got if got is not None else none[r])
        return out

    def _computed(self, env: _Columns, chosen: Any, names: Sequence[str]) -> dict[str, list[Any]]:
        """Per row of ``env``, its branch ``chosen`` (-1: a row not asked for), each of the
        computed values ``names`` its combined outcome reports (:meth:`_explain`), None
        where it reports none. Which item's outcome gives each value is decided over the
        items' arrays as :func:`_combined` decides it (where outcomes are merged, the last
        reporting it; else the first outcome of the row's verdict), and the value is read
        only for the items that give one: no outcome, message or evidence is built."""
        import numpy as np

        picked = np.asarray(chosen, dtype=np.int64)
        k = len(self.none.branches)
        out = self.none._computed(env, np.where(picked < k, picked, -1), names)
        if not (picked >= k).any():
            return out
        inner, picks, rows = self._verdicts(env)
        kinds, t = self._kinds, len(self.tables)
        # the row's verdict (an index into kinds), -1 where none decides or not asked
        row_kind = np.where(picked >= k, picked - k, -1)
        # the items' outcomes in the order they are combined (by item, then by table): the
        # verdict of each (-1: reports nothing) and whether it takes part in its row's
        kind = np.stack(
            [
                np.asarray([kinds.index(b.verdict) if b.verdict in kinds else -1 for b in tb])[p]
                for tb, p in zip(self.tables, picks, strict=True)
            ],
            axis=1,
        ).reshape(-1)
        owner = np.repeat(np.asarray(rows, np.int64), t)
        counted = (kind >= 0) & (kind == row_kind[owner])
        counts = np.bincount(owner[counted], minlength=env.size)
        fail, passed = kinds.index(Verdict.FAIL), kinds.index(Verdict.PASS)
        merged = (row_kind == passed) | (self.join_failures & (row_kind == fail) & (counts > 1))
        # the first outcome of each row's verdict
        at = np.flatnonzero(counted)
        heads, first = np.unique(owner[at], return_index=True)
        head = np.full(env.size, -1, np.int64)
        head[heads] = at[first]
        branch = np.stack(picks, axis=1).reshape(-1)
        for name in names:
            values: dict[int, Any] = {}  # per outcome reporting the value: the value
            for j, table in enumerate(self.tables):
                says = np.asarray([_reports(b, table.computed, name) for b in table], bool)
                if not says.any():
                    continue
                here = np.flatnonzero(counted[j::t] & says[branch[j::t]])
                found = _taken(table.computed[name]._arrow(inner), inner.size, here)
                for i, value in zip(here.tolist(), found, strict=True):
                    if name in table.omit_empty and value in (None, ""):
                        continue  # left out of the outcome's evidence
                    values[i * t + j] = value
            # where outcomes are merged the last one reporting the value gives it
            last = np.full(env.size, -1, np.int64)
            giving = np.asarray(sorted(values), np.int64)
            if len(giving):
                tails, ends = np.unique(owner[giving][::-1], return_index=True)
                last[tails] = giving[::-1][ends]
            column = out[name]
            for r in np.flatnonzero(row_kind >= 0).tolist():
                column[r] = values.get(int(last[r] if merged[r] else head[r]))
        return out


def item_outcomes(
    items: Expr,
    *tables: ItemTable,
    none: CaseExpression,
    sep: str = "; ",
    join_failures: bool = False,
    parameters_where: Mapping[str, Expr] | None = None,
    keep_not_applicable: bool = False,
) -> ItemOutcomes:
    """A case check made of one outcome per item of ``items`` and table of ``tables`` (in
    item order, then table order; a table's not-applicable branch reports nothing),
    combined: the first failing outcome decides, with its own message and evidence (with
    ``join_failures``, every failing outcome together, as passes are); else the first
    needing evidence; else every pass together (messages joined by ``sep``, evidence
    merged). ``none`` (a verdict table over the case) judges a case whose list has nothing
    to report. ``parameters_where``: as for :meth:`Verdicts.otherwise`. With
    ``keep_not_applicable`` a not-applicable branch reports too (its message and evidence):
    where no item fails, needs evidence or passes, the first such outcome decides."""
    return ItemOutcomes(
        items,
        tuple(tables),
        none,
        sep,
        join_failures,
        parameters_where=dict(parameters_where or {}),
        keep_not_applicable=keep_not_applicable,
    )


# -- parameters named in the evidence where a condition holds ----------------------------------


def _with_where(found: dict[str, None], where: Mapping[str, Expr]) -> dict[str, None]:
    """The parameters read: ``found``, then those ``where`` names and its conditions read."""
    for name, condition in where.items():
        found.update(dict.fromkeys(condition._params()))
        found[name] = None
    return found


def _recording_where(
    call: Callable[[Complaint, Context], Outcome], where: Mapping[str, Expr]
) -> Callable[[Complaint, Context], Outcome]:
    """``call``, then the parameters of ``where`` whose condition does not hold on the case
    taken out of the evidence (but those recorded before it ran)."""
    if not where:
        return call
    roots = list(where.values())
    # every condition in one generated function, the parts they share read once
    held = _item_function(roots, [f"c{i}" for i in range(len(roots))])
    names = tuple(dict.fromkeys(n for e in roots for n in e._params()))
    dated, calendar = _reads_as_of(roots), _reads_calendar(roots)
    named = list(where)

    def recorded(case: Complaint, ctx: Context) -> Outcome:
        used = ctx.used
        had = [n in used for n in named]
        outcome = call(case, ctx)
        params: dict[str, Any] = {n: used[n].value for n in names if n in used}
        if dated:
            params[_AS_OF] = ctx.as_of
        if calendar:
            params.update(calendar_params(ctx.calendar, ctx.conventions))
        held_now = held(case, ctx, params, None).values()
        for name, before, ok in zip(named, had, held_now, strict=True):
            if ok is not True and not before:
                used.pop(name, None)
        return outcome

    return recorded


def _unrecorded(where: Mapping[str, Expr], env: _Columns) -> list[set[str]]:
    """Per row of ``env``, the parameters of ``where`` whose condition does not hold."""
    import pyarrow.compute as pc

    out: list[set[str]] = [set() for _ in range(env.size)]
    for name, condition in where.items():
        held = pc.fill_null(_array(condition._arrow(env), env.size), False).to_pylist()
        for row, ok in enumerate(held):
            if not ok:
                out[row].add(name)
    return out


# -- judging a table ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class TableVerdicts:
    """One rule judged over a case table: every row's verdict, as a code, and the findings
    of the rows asked for (by row number).

    The verdicts are kept as an array of codes (indexes into :data:`VERDICT_ORDER`), so a
    caller counting them or looking for the failing rows does so over the array
    (:meth:`counts`, :meth:`rows`) and no Python object is made per row; :attr:`verdicts`
    gives them as a list of :class:`Verdict` where one is wanted."""

    rule_id: str
    #: every row's verdict: its index in :data:`VERDICT_ORDER` (numpy int64, read-only)
    codes: np.ndarray[Any, np.dtype[np.int64]]
    findings: dict[int, Finding]
    #: per computed value asked for, its value on each failing row (None elsewhere)
    computed: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def verdicts(self) -> list[Verdict]:
        """Every row's verdict as a list (made from :attr:`codes` on each call)."""
        order = VERDICT_ORDER
        return [order[c] for c in self.codes.tolist()]

    def counts(self) -> dict[Verdict, int]:
        """How many rows have each verdict (a verdict no row has is left out)."""
        import numpy as np

        found = np.bincount(self.codes, minlength=len(VERDICT_ORDER))
        return {VERDICT_ORDER[k]: int(found[k]) for k in np.flatnonzero(found).tolist()}

    def rows(self, verdict: Verdict) -> np.ndarray[Any, np.dtype[np.intp]]:
        """The numbers of the rows with ``verdict``, in order."""
        import numpy as np

        return np.flatnonzero(self.codes == VERDICT_CODES[verdict])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TableVerdicts):
            return NotImplemented
        import numpy as np

        return (
            self.rule_id == other.rule_id
            and np.array_equal(self.codes, other.codes)
            and self.findings == other.findings
            and self.computed == other.computed
        )


def expression_of(
    check: object,
) -> tuple[CaseExpression | ItemOutcomes, GatedCheck | None] | None:
    """The expression behind a case check (and its gate, if gated); None for a function."""
    if isinstance(check, CaseExpression | ItemOutcomes):
        return check, None
    if isinstance(check, GatedCheck) and isinstance(check.check, CaseExpression | ItemOutcomes):
        return check.check, check
    return None


def table_judged(rule: Rule) -> bool:
    """Whether :func:`judge_table` judges ``rule``'s case check over a table's columns: a
    check written as an expression (gated or not), or a timescale declaration whose
    precondition, if any, is an expression reading no parameter. Other rules are judged
    one case at a time."""
    timescale = rule.timescale
    if timescale is not None:
        check = timescale.precondition
        return check is None or (isinstance(check, CaseExpression) and not check.parameters)
    return expression_of(rule.case) is not None


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
    facts: np.ndarray[Any, np.dtype[np.int64]] | None = None,
    computed: Sequence[str] = (),
    shared: dict[Any, Any] | None = None,
) -> TableVerdicts:
    """Judge ``rule``'s case expression, or its timescale declaration, over every row of
    ``table`` (a case table, cases already as they stood on ``as_of``; see
    :mod:`complaintrules.model.columns`).

    Each row is judged as :meth:`Engine.case_findings` judges its case against ``pack``:
    parameters in force on its receipt date, the rule's gate first. ``explain`` names the
    rows whose findings (message and evidence) are built: row numbers, ``"all"``, or
    ``"failures"`` (rows failing or in error). A rule that raises is reported, as the
    engine reports it, as an error on each row of the group of receipt dates it raised on;
    the other rows and rules are not affected.

    A timescale declaration is judged by
    :func:`~complaintrules.law.timescale_columns.judge_timescale_table`: verdicts from
    arrays, findings by the per-case judge. A timescale rule ``table_judged`` refuses is
    still judged correctly, its rows one case at a time.

    ``facts``: the table's :func:`~complaintrules.model.columns.case_facts_column`, when the
    caller judges several rules over one table (read once, not once per gated rule).

    ``computed`` names computed values (``"deadline"``) wanted for every failing row, as its
    finding's evidence would report them (None where it reports none): they come back as
    columns in :attr:`TableVerdicts.computed`, read over the failing rows' arrays without
    building their findings (the month of each breach, in a summary). A row whose values
    cannot be computed is in error, as it would be were its finding built. Case expressions
    only: a timescale's deadlines come from
    :func:`~complaintrules.law.timescale_columns.timescale_arrays`.

    ``shared``: a dict the caller gives every rule it judges over this one ``table`` (an
    empty dict at first, a new one for another table), in which the parts the rules have
    in common (each column read for a set of rows, the case's list of stages) are kept,
    so each is made once per table, not once per rule.
    """
    import numpy as np
    import pyarrow as pa

    if rule.timescale is not None:
        from .timescale_columns import judge_timescale_table

        if computed:
            raise TypeError(f"rule {rule.id}: computed= is for case expressions")

        return judge_timescale_table(
            rule, table, engine=engine, pack=pack, as_of=as_of, explain=explain
        )
    found = expression_of(rule.case)
    if found is None:
        raise TypeError(f"rule {rule.id}: its case check is a function; judge it per case")
    if shared is not None and shared.setdefault(_SHARED_TABLE, table) is not table:
        raise ValueError("judge_table: shared= holds the parts of another table")
    expression, gate = found
    n = table.num_rows
    # Per row: its verdict (an index into _VERDICT_LIST), the group of receipt dates it
    # was judged with (-1: none) and the branch that decided it; all as arrays, so no
    # Python runs per row except for the rows whose findings are built.
    code = np.full(n, _VERDICT_CODE[Verdict.ERROR], dtype=np.int64)
    row_group = np.full(n, -1, dtype=np.int64)
    row_branch = np.zeros(n, dtype=np.int64)
    outcomes: dict[int, Outcome | Finding] = {}
    unrecorded: dict[int, set[str]] = {}  # per row, parameters its conditions leave out
    asked = np.zeros(n, dtype=bool)
    if explain == "all":
        asked[:] = True
    elif not isinstance(explain, str):
        asked[np.asarray(list(explain), dtype=np.int64)] = True
    failures = explain == "failures"
    facts_of = _table_facts(expression)  # the check's own facts: read once, not per table
    dated, names = facts_of.reads_as_of, facts_of.parameters
    branch_codes, branch_unnamed = facts_of.codes, facts_of.unnamed
    fail_code = _VERDICT_CODE[Verdict.FAIL]
    live = np.ones(n, dtype=bool)
    if gate is not None:
        if facts is None:
            from ..model.columns import case_facts_column

            facts = case_facts_column(table)
        applies = (facts & gate.requires) == gate.requires
        code[~applies] = _VERDICT_CODE[Verdict.NOT_APPLICABLE]
        for r in np.flatnonzero(~applies & asked).tolist():
            outcomes[r] = Outcome(Verdict.NOT_APPLICABLE, gate.otherwise)
        live = applies
    # Rows whose receipt dates share the parameters' values are judged together: the
    # parameters are read once per distinct receipt date.
    days, where = _receipt_days(table, live, shared)
    live_rows = np.flatnonzero(live)
    keys: dict[tuple[Any, ...], int] = {}
    group_context: list[tuple[Context, dict[str, Any]]] = []
    day_group = np.full(len(days), -1, dtype=np.int64)
    failed_days: dict[int, Finding] = {}
    firsts = _period_firsts(pack, names, days)
    alone = firsts == np.arange(len(days))
    for k in np.flatnonzero(alone).tolist():
        ordinal = int(days[k])
        day = None if ordinal == _NO_DAY else _DAY_ZERO + timedelta(days=ordinal)
        ctx = _context(engine, pack, day, as_of)  # type: ignore[arg-type]
        try:
            values = {name: ctx.param(name) for name in names}
            if dated:
                values[_AS_OF] = ctx.as_of
            values.update(calendar_params(ctx.calendar, ctx.conventions))
        except Exception as exc:
            failed_days[k] = _error(rule, "", exc, ctx)
            continue
        # same values from the same dated entries: the same evidence too
        key = (repr(ctx.parameters_evidence()),)
        g = keys.get(key)
        if g is None:
            g = keys[key] = len(group_context)
            group_context.append((ctx, values))
        day_group[k] = g
    later = np.flatnonzero(~alone)  # a later day reading the same dated values: its group
    day_group[later] = day_group[firsts[later]]
    for k in later.tolist() if failed_days else []:
        failed = failed_days.get(int(firsts[k]))
        if failed is not None:
            failed_days[k] = failed
    groups = np.full(n, -1, dtype=np.int64)
    groups[live_rows] = day_group[where]
    if failed_days:
        day_of = np.full(n, -1, dtype=np.int64)
        day_of[live_rows] = where
        for r in np.flatnonzero(live & (groups < 0) & (asked | failures)).tolist():
            outcomes[r] = failed_days[int(day_of[r])]
    # per group: its columns, its rows, and where they are among the columns' rows
    judged: dict[int, tuple[_Columns, Any, Any]] = {}
    for g, (ctx, values) in enumerate(group_context):
        members = np.flatnonzero(groups == g)
        chosen = None
        if len(group_context) == 1 and n > len(members) and 2 * len(members) >= n:
            # Most rows but not all (a gate leaves a few out): judged over every row and
            # read for its own, so the table's columns and the parts the rules share are
            # read as they are rather than copied for these rows (each row's verdict is
            # its own values' alone). Should that raise, the group is judged over its own
            # rows as below, so an error is theirs.
            env = _Columns(table, values, n, **_sharing(shared, None, n))
            with suppress(Exception):
                chosen = expression._branches(env)[members]
                judged[g] = (env, members, members)
        if chosen is None:
            # every row, in order (the usual case: one set of parameter values): no copy
            whole = len(members) == n
            index = None if whole else pa.array(members, pa.int64())
            env = _Columns(table, values, len(members), index=index, **_sharing(shared, members, n))
            judged[g] = (env, members, None)  # its parts, for the rows explained or read after
            try:
                chosen = expression._branches(env)
            except Exception as exc:
                error = _error(rule, "", exc, ctx)
                for r in members[asked[members] | failures].tolist():
                    outcomes[r] = error
                continue
        code[members] = branch_codes[chosen]
        row_group[members] = g
        row_branch[members] = chosen
        pick = asked[members]
        if failures:
            pick |= code[members] == fail_code
        if not pick.any():
            continue
        wanted = members[pick]
        at = judged[g][2]
        sub = env.subset(np.flatnonzero(pick) if at is None else at[pick])
        try:
            explained = expression._explain(sub, chosen[pick].tolist())
        except Exception as exc:
            error = _error(rule, "", exc, ctx)
            code[wanted] = _VERDICT_CODE[Verdict.ERROR]
            for r in wanted.tolist():
                outcomes[r] = error
            continue
        for r, outcome in zip(wanted.tolist(), explained, strict=True):
            outcomes[r] = outcome
        if expression.parameters_where:
            for r, left_out in zip(wanted.tolist(), expression._unrecorded(sub), strict=True):
                unrecorded[r] = left_out
    columns: dict[str, list[Any]] = {name: [None] * n for name in computed}
    for g, (ctx, _) in enumerate(group_context if computed else []):
        # the failing rows of the group, their values read as their findings would be
        failing = np.flatnonzero((row_group == g) & (code == fail_code))
        if not len(failing):
            continue
        env, members, at = judged[g]
        sub = env.subset(np.searchsorted(members, failing) if at is None else failing)
        try:
            read = expression._computed(sub, row_branch[failing], computed)
        except Exception as exc:
            error = _error(rule, "", exc, ctx)
            code[failing] = _VERDICT_CODE[Verdict.ERROR]
            for r in failing.tolist():
                if asked[r] or failures:
                    outcomes[r] = error
            continue
        for name, per_row in read.items():
            column = columns[name]
            for r, value in zip(failing.tolist(), per_row, strict=True):
                column[r] = value
    code.flags.writeable = False
    findings: dict[int, Finding] = {}
    if not outcomes:
        return TableVerdicts(rule.id, code, findings, columns)
    listed = sorted(outcomes)
    references = dict(
        zip(
            listed,
            table.column("reference").take(pa.array(listed, pa.int64())).to_pylist(),
            strict=True,
        )
    )
    for r in listed:
        got = outcomes[r]
        verdict = _VERDICT_LIST[code[r]]
        if not (asked[r] or (failures and verdict in (Verdict.FAIL, Verdict.ERROR))):
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
        g = int(row_group[r])
        if g >= 0:
            parameters = group_context[g][0].parameters_evidence()
            if branch_unnamed[int(row_branch[r])]:
                parameters = {k: v for k, v in parameters.items() if k not in names}
        else:
            parameters = {"pack_version": pack.version}
        if unrecorded.get(r):
            parameters = {k: v for k, v in parameters.items() if k not in unrecorded[r]}
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
    return TableVerdicts(rule.id, code, findings, columns)


def _period_firsts(pack: Pack, names: Sequence[str], days: Any) -> Any:
    """Per distinct receipt day of a table (day numbers in ascending order, ``_NO_DAY``
    for none, a numpy array), the first of the days reading the same dated value of each
    parameter ``names``: days with the same read the same values, so they are judged with
    one context. A day read alone is its own first (no receipt date, or a parameter with
    no value in force or not in the pack: its error names the day)."""
    import numpy as np

    own = np.arange(len(days))
    parameters = pack.parameters
    if not len(days) or any(name not in parameters for name in names):
        return own
    read = days != _NO_DAY
    positions = []
    for name in names:
        since = [v.since.toordinal() - _EPOCH for v in parameters[name].values]
        found = np.searchsorted(np.asarray(since, np.int64), days, side="right") - 1
        read &= found >= 0
        positions.append(found)
    rows = np.flatnonzero(read)
    if not len(rows):
        return own
    if not names:  # every day reads the same (no value at all)
        own[rows] = rows[0]
        return own
    # the first day of each distinct combination of values in force (days ascending)
    periods = np.stack(positions, axis=1)[rows]
    _, first, inverse = np.unique(periods, axis=0, return_index=True, return_inverse=True)
    own[rows] = rows[first[np.ravel(inverse)]]
    return own


def _receipt_days(table: pa.Table, live: Any, shared: dict[Any, Any] | None) -> tuple[Any, Any]:
    """The distinct receipt days (day numbers, ``_NO_DAY`` for none) of ``table``'s
    ``live`` rows (a numpy mask), and each live row's place among them: what
    ``np.unique(..., return_inverse=True)`` gives. The whole table's are read once per
    ``shared`` (every rule judged over the table), then narrowed to a rule's live rows
    by counting, not sorting again."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    found = shared.get(_RECEIPT_DAYS) if shared is not None else None
    if found is None:
        received = table.column("received_on").combine_chunks()
        raw = pc.fill_null(received.cast(pa.int32()), _NO_DAY).to_numpy(zero_copy_only=False)
        found = _distinct(np.asarray(raw, dtype=np.int64), _NO_DAY)
        for array in found:
            array.flags.writeable = False  # read by every rule: never changed in place
        if shared is not None:
            shared[_RECEIPT_DAYS] = found
    days, where = found
    if live.all():
        return days, where
    picked = where[live]
    present = np.bincount(picked, minlength=len(days)) > 0
    return days[present], (np.cumsum(present) - 1)[picked]


def _distinct(values: Any, missing: int) -> tuple[Any, Any]:
    """``np.unique(values, return_inverse=True)`` of an int64 numpy array whose values,
    but for ``missing`` (a value below every other), are day numbers: counted over their
    range where it is narrow (the receipt days of a batch), not sorted; sorted otherwise."""
    import numpy as np

    absent = values == missing
    rest = values[~absent] if absent.any() else values
    if not len(rest):
        return np.unique(values, return_inverse=True)
    low, high = int(rest.min()), int(rest.max())
    span = high - low + 2  # (slot 0: ``missing``)
    if low <= missing or span > 4 * len(values) + 4096:
        return np.unique(values, return_inverse=True)
    slot = np.where(absent, 0, values - (low - 1))
    present = np.zeros(span, dtype=bool)
    present[slot] = True
    rank = np.cumsum(present) - 1
    found = np.flatnonzero(present) + (low - 1)
    if present[0]:
        found[0] = missing
    return found.astype(np.int64), rank[slot].astype(np.intp)


def _sharing(shared: dict[Any, Any] | None, rows: Any, size: int) -> dict[str, Any]:
    """The fields of a :class:`_Columns` reading ``rows`` (a numpy array; None: every
    row) of a table of ``size`` rows whose parts are kept in ``shared``: the rows' key is
    the rows themselves (every row: a short key)."""
    if shared is None:
        return {}
    every = rows is None or len(rows) == size
    return {"shared": shared, "rows_key": "all" if every else rows.tobytes()}


#: The table whose parts a ``shared`` dict holds (see :func:`judge_table`).
_SHARED_TABLE = "\x00table"
#: The receipt days of that table (see :func:`_receipt_days`).
_RECEIPT_DAYS = "\x00receipt days"
#: The verdicts in the order of their codes in :attr:`TableVerdicts.codes`.
VERDICT_ORDER: tuple[Verdict, ...] = tuple(Verdict)
#: Each verdict's code in :attr:`TableVerdicts.codes`.
VERDICT_CODES: Mapping[Verdict, int] = {v: k for k, v in enumerate(VERDICT_ORDER)}
_VERDICT_LIST = list(VERDICT_ORDER)
_VERDICT_CODE = dict(VERDICT_CODES)
#: A missing receipt date, among the day numbers of the receipt dates.
_NO_DAY = -(2**31)
_DAY_ZERO = date(1970, 1, 1)


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
