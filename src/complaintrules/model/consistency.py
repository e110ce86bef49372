"""The order a case's dates must keep, written once as data.

:data:`DATE_ORDER` lists every pair of dates of which the second may not come before the
first (where both are recorded), each with the words naming it when it is broken, and
:data:`ESCALATION_NEEDS_REQUEST` the stages that need the date escalation to them was
requested. Three readers run the one list:

- :func:`consistent` on a :class:`~complaintrules.models.Complaint` (the model's own
  validation, ``Complaint._consistent``), a function generated from the list once, at
  import, so each case pays for plain attribute reads and comparisons only;
- :func:`inconsistencies`, the messages naming each broken ordering, in the words and
  the order the list gives (``Complaint._inconsistencies``: the reasons a rejected row
  is given), and
- :func:`consistent_rows` over a case table (:mod:`complaintrules.model.columns`), so a
  batch read as columns is checked without building a case per row.

A path names where a date is read: ``case.<field>``; ``stage.<path>`` on each stage
(``stage.start`` being the day the stage started: the receipt at stage 1, the escalation
request after it); ``stage1.<path>`` on the case's stage 1; ``extension.<field>`` on each
extension of each stage; ``refusal.<field>`` on each refusal. The tests hold the three
readers to the same verdict on generated cases. That stages come in order, each number
once, is a shape the case table holds by construction (one column per stage number), and
the model checks and names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    from .case import Complaint

__all__ = [
    "DATE_ORDER",
    "ESCALATION_NEEDS_REQUEST",
    "NotBefore",
    "consistent",
    "consistent_rows",
    "inconsistencies",
    "recorded_after_receipt",
]

#: When a broken ordering is named, in turn: ``first`` (the case's own dates against its
#: receipt, before the stages' order is named), ``receipt`` (each date recorded after the
#: receipt, stage by stage with each stage's extensions, then the refusals, then the
#: case's own), ``stage`` (stage by stage: its dates against its start, then its
#: extensions'). Within a turn, in the order of :data:`DATE_ORDER`.
Turn = Literal["first", "receipt", "stage"]


@dataclass(frozen=True, slots=True)
class NotBefore:
    """The date at ``later`` may not come before the date at ``earlier`` (both paths as
    the module's docstring reads them), where both are recorded; ``stages`` limits a check
    on each stage to those stage numbers (None: every stage).

    ``says`` is the message naming a break, formatted with ``earlier`` and ``later`` (the
    dates) and ``earlier_at`` and ``later_at`` (where they are recorded, as
    ``stages[0].logged_on``); ``named`` is the turn it is named in (:data:`Turn`). An
    ``implied`` ordering follows from the others (a stage starts no earlier than the
    receipt), so the checks skip it and only the messages name it.
    """

    earlier: str
    later: str
    says: str
    named: Turn
    stages: tuple[int, ...] | None = None
    implied: bool = False

    @property
    def scope(self) -> str:
        """Where the check runs once: on the case, on each stage, extension or refusal."""
        roots = {self.earlier.split(".", 1)[0], self.later.split(".", 1)[0]}
        for scope in ("extension", "refusal", "stage"):
            if scope in roots:
                return scope
        return "case"


_AFTER = "{earlier_at} ({earlier}) is after {later_at} ({later})"
_BEFORE = "{later_at} ({later}) is before {earlier_at} ({earlier})"
_BEFORE_START = "{later_at} ({later}) is before the stage started ({earlier})"
_BEFORE_ANSWER = "{later_at} ({later}) is before the stage 1 response it escalates from ({earlier})"
_BEFORE_NOTICE = "{later_at} ({later}) is before its notified_on ({earlier})"

#: Every ordering a case's dates must keep (see the module's docstring), in the order
#: their breaks are named within each turn.
DATE_ORDER: tuple[NotBefore, ...] = (
    NotBefore("case.issue_occurred_on", "case.received_on", _AFTER, "first"),
    NotBefore("case.became_aware_on", "case.received_on", _AFTER, "first"),
    NotBefore("case.received_on", "stage.requested_on", _BEFORE, "receipt"),
    NotBefore("case.received_on", "stage.logged_on", _BEFORE, "receipt", implied=True),
    NotBefore("case.received_on", "stage.acknowledged.on", _BEFORE, "receipt", implied=True),
    NotBefore("case.received_on", "extension.notified_on", _BEFORE, "receipt"),
    NotBefore("case.received_on", "stage.response.issued_on", _BEFORE, "receipt", implied=True),
    NotBefore("case.received_on", "refusal.on", _BEFORE, "receipt"),
    NotBefore("case.received_on", "case.withdrawn_on", _BEFORE, "receipt"),
    NotBefore("case.received_on", "case.closed_on", _BEFORE, "receipt"),
    # escalated no earlier than the stage 1 response it escalates from
    NotBefore("stage1.response.issued_on", "stage.requested_on", _BEFORE_ANSWER, "stage", (2,)),
    NotBefore("stage.start", "stage.acknowledged.on", _BEFORE_START, "stage"),
    NotBefore("stage.start", "stage.response.issued_on", _BEFORE_START, "stage"),
    NotBefore("stage.start", "stage.logged_on", _BEFORE_START, "stage"),
    NotBefore("extension.notified_on", "extension.new_due", _BEFORE_NOTICE, "stage"),
)

#: Stages from this number on need the date escalation to them was requested (their start).
ESCALATION_NEEDS_REQUEST = 2

_NEEDS_REQUEST = "{at}: stage {number} needs the date escalation to it was requested"


# -- on a case (the model) ---------------------------------------------------------------

# The test on a case runs for every case read, so it is generated from DATE_ORDER once, at
# import, as Python source: each ordering becomes the few attribute reads and comparisons
# it would take written out, with none of the cost of reading the list at each case (about
# half the time of a loop over compiled readers). The source is kept in _CONSISTENT_SOURCE.


def _steps(path: str) -> tuple[str, ...]:
    """The names read in turn for ``path``: its root, then its fields (``stage.start`` is
    read as the root ``start``: the day the stage started, worked out per stage)."""
    return ("start",) if path == "stage.start" else tuple(path.split("."))


#: Roots that may be missing when a check reads them (a case need not have a stage 1).
_MAY_BE_MISSING = frozenset({"stage1"})


def _read(path: str, name: str) -> list[str]:
    """Source lines setting ``name`` to the date at ``path``, None where a step on the way
    is unset (the roots ``case``, ``stage``, ``start``, ``extension`` and ``refusal`` are
    always there when their checks run)."""
    root, *fields = _steps(path)
    for step in (root, *fields):
        if not step.isidentifier():
            raise ValueError(f"DATE_ORDER: {path!r} is not a path of field names")
    if not fields:
        return [f"{name} = {root}"]
    if root in _MAY_BE_MISSING:
        lines, deeper = [f"{name} = {root}"], fields
    else:
        lines, deeper = [f"{name} = {root}.{fields[0]}"], fields[1:]
    lines += [f"{name} = None if {name} is None else {name}.{field}" for field in deeper]
    return lines


def _checks(scope: str, indent: int) -> str:
    """Source of the checks of ``scope`` (implied ones skipped), returning False on a break."""
    lines: list[str] = []
    for check in DATE_ORDER:
        if check.scope != scope or check.implied:
            continue
        body = [*_read(check.earlier, "earlier"), "if earlier is not None:"]
        body += ["    " + line for line in _read(check.later, "later")]
        body += ["    if later is not None and later < earlier:", "        return False"]
        if check.stages is not None:
            body = [f"if number in {check.stages!r}:", *("    " + line for line in body)]
        lines += body
    return "\n".join(" " * indent + line for line in lines) or " " * indent + "pass"


_CONSISTENT_SOURCE = f"""\
def consistent(case):
    stage1 = None
    for stage in case.stages:
        if stage.number == 1:
            stage1 = stage
            break
{_checks("case", 4)}
    received = case.received_on
    previous = -1
    for stage in case.stages:
        number = stage.number
        if number <= previous:
            return False  # repeated or out of order
        previous = number
        start = received
        if number >= {ESCALATION_NEEDS_REQUEST!r}:
            start = stage.requested_on
            if start is None:
                return False
{_checks("stage", 8)}
        for extension in stage.extensions:
{_checks("extension", 12)}
    for refusal in case.refusals:
{_checks("refusal", 8)}
    return True
"""


def _generated() -> Callable[[Complaint], bool]:
    namespace: dict[str, Any] = {}
    exec(compile(_CONSISTENT_SOURCE, "<DATE_ORDER>", "exec"), namespace)
    test: Callable[[Complaint], bool] = namespace["consistent"]
    return test


#: Whether a case keeps DATE_ORDER: the function generated from _CONSISTENT_SOURCE.
_keeps_order = _generated()


def consistent(case: Complaint) -> bool:
    """Whether ``case``'s dates keep :data:`DATE_ORDER`, each stage past the first has its
    escalation date, and its stages come in order, each number once."""
    return _keeps_order(case)


# -- naming what is broken ---------------------------------------------------------------


def _value(path: str, where: dict[str, Any]) -> Any:
    """The date at ``path``, its root read from ``where``; None where a step is unset."""
    item: Any = where
    for step, name in enumerate(_steps(path)):
        if item is None:
            return None
        item = item[name] if step == 0 else getattr(item, name)
    return item


#: One ordering read while naming: the check (None: stage ``stage`` lacks its escalation
#: date), the index of the stage and of the extension or refusal it was read on, and the
#: earlier and the later date as recorded.
_Read = tuple["NotBefore | None", int, int, Any, Any]


def _walk(case: Complaint, turn: Turn) -> Iterator[_Read]:
    """Each ordering named in ``turn`` (see :data:`Turn`), read on each place it applies."""
    checks = [check for check in DATE_ORDER if check.named == turn]
    received = case.received_on
    # messages measure a stage from the receipt while its escalation date is missing,
    # and read stage 1 as the stage just before stage 2 (the same stage when the stages
    # are in order, which is named first otherwise)
    where: dict[str, Any] = {"case": case}
    stages = case.stages
    for i, stage in enumerate(stages):
        number = stage.number
        before = stages[i - 1] if i else None
        where["stage1"] = before if before is not None and before.number == 1 else None
        where["stage"], where["start"] = stage, received
        if number >= ESCALATION_NEEDS_REQUEST:
            if stage.requested_on is not None:
                where["start"] = stage.requested_on
            elif turn == "stage":
                yield None, i, -1, None, None
        for check in checks:
            if check.stages is not None and number not in check.stages:
                continue
            if check.scope == "stage":
                yield check, i, -1, _value(check.earlier, where), _value(check.later, where)
            elif check.scope == "extension":
                for j, extension in enumerate(stage.extensions):
                    where["extension"] = extension
                    earlier, later = _value(check.earlier, where), _value(check.later, where)
                    yield check, i, j, earlier, later
    for k, refusal in enumerate(case.refusals):
        where["refusal"] = refusal
        for check in checks:
            if check.scope == "refusal":
                yield check, -1, k, _value(check.earlier, where), _value(check.later, where)
    for check in checks:
        if check.scope == "case":
            yield check, -1, -1, _value(check.earlier, where), _value(check.later, where)


def _at(path: str, stage: int, element: int) -> str:
    """Where ``path`` is recorded in the case (``element``: the extension or refusal)."""
    root, _, rest = path.partition(".")
    if root == "stage":
        return f"stages[{stage}].{rest}"
    if root == "extension":
        return f"stages[{stage}].extensions[{element}].{rest}"
    if root == "refusal":
        return f"refusals[{element}].{rest}"
    return rest if root == "case" else path


def _named(case: Complaint, turn: Turn) -> Iterator[str]:
    """The messages of what ``case`` breaks that are named in ``turn``."""
    for check, stage, element, earlier, later in _walk(case, turn):
        if check is None:
            number = case.stages[stage].number
            yield _NEEDS_REQUEST.format(at=f"stages[{stage}].requested_on", number=number)
        elif earlier is not None and later is not None and later < earlier:
            yield check.says.format(
                earlier=earlier,
                later=later,
                earlier_at=_at(check.earlier, stage, element),
                later_at=_at(check.later, stage, element),
            )


def inconsistencies(case: Complaint) -> Iterator[str]:
    """A message for each ordering of :data:`DATE_ORDER` that ``case`` breaks, each stage
    past the first without its escalation date, and stages repeated or out of order: the
    reasons the model refuses the case, in the order they are named (see :data:`Turn`)."""
    yield from _named(case, "first")
    numbers = [stage.number for stage in case.stages]
    if len(set(numbers)) != len(numbers):
        yield f"stages: stage numbers repeat ({numbers})"
    elif numbers != sorted(numbers):
        yield f"stages: stages must be in order ({numbers})"
    yield from _named(case, "receipt")
    yield from _named(case, "stage")


def recorded_after_receipt(case: Complaint) -> Iterator[tuple[str, date]]:
    """Every date ``case`` records that may not come before its receipt, with where it is
    recorded: the later dates of the orderings named in the ``receipt`` turn."""
    for check, stage, element, _, later in _walk(case, "receipt"):
        if check is not None and later is not None:
            yield _at(check.later, stage, element), later


# -- over a case table -------------------------------------------------------------------

_Check = tuple[tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]], "tuple[int, ...] | None"]


def _getter(path: str) -> tuple[str, tuple[str, ...]]:
    """``path`` as its root and the fields read from it (``stage.start``: root ``start``)."""
    root, *names = _steps(path)
    return root, tuple(names)


#: The checks of each scope as (root, names) paths, for the table (implied ones skipped).
_BY_SCOPE: dict[str, tuple[_Check, ...]] = {
    scope: tuple(
        (_getter(c.earlier), _getter(c.later), c.stages)
        for c in DATE_ORDER
        if c.scope == scope and not c.implied
    )
    for scope in ("case", "stage", "extension", "refusal")
}


def consistent_rows(table: pa.Table) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Per row of the case table ``table``, whether its case keeps :data:`DATE_ORDER` and
    each stage past the first has its escalation date: :func:`consistent` over columns."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from .columns import STAGE_NUMBERS, one_array, stage_column

    n = table.num_rows
    ok = np.ones(n, dtype=bool)
    # no date32 day number (days from 1970, years 1 to 9999) comes near it
    missing = np.iinfo(np.int32).min
    null_day = pa.scalar(missing, pa.int32())

    def days(array: Any) -> Any:
        """Day numbers of a date column, ``missing`` where null (two compute calls, and
        a numpy view of the result)."""
        return pc.fill_null(pc.cast(array, pa.int32()), null_day).to_numpy()

    def field(array: Any, names: Sequence[str]) -> Any:
        for name in names:
            array = pc.struct_field(array, name)
        return array

    def case_days(names: Sequence[str]) -> Any:
        return days(field(one_array(table.column(names[0])), names[1:]))

    received = case_days(("received_on",))
    stage1 = one_array(table.column(stage_column(1)))

    def resolve(
        root: str, names: tuple[str, ...], stage: Any, start: Any, element: Any, parents: Any
    ) -> Any:
        """Day numbers of one path, per row (or per list element with ``parents``)."""
        if root == "case":
            found = case_days(names)
        elif root == "stage1":
            found = days(field(stage1, names))
        elif root == "start":
            found = start
        elif root == "stage":
            found = days(field(stage, names))
        else:  # an element of a list: read per element
            return days(field(element, names))
        return found if parents is None else found[parents]

    def breaks(pairs: Sequence[_Check], number: int | None, stage: Any, start: Any) -> Any:
        bad = np.zeros(n, dtype=bool)
        for (root_a, a), (root_b, b), stages in pairs:
            if stages is not None and number not in stages:
                continue
            first = resolve(root_a, a, stage, start, None, None)
            then = resolve(root_b, b, stage, start, None, None)
            bad |= (first != missing) & (then != missing) & (then < first)
        return bad

    def element_breaks(
        pairs: Sequence[_Check], lists: Any, number: int | None, stage: Any, start: Any
    ) -> Any:
        bad = np.zeros(n, dtype=bool)
        if not pairs or not len(pc.list_flatten(lists)):
            return bad
        element = pc.list_flatten(lists)
        parents = np.asarray(pc.list_parent_indices(lists).to_numpy(zero_copy_only=False))
        for (root_a, a), (root_b, b), stages in pairs:
            if stages is not None and number not in stages:
                continue
            first = resolve(root_a, a, stage, start, element, parents)
            then = resolve(root_b, b, stage, start, element, parents)
            wrong = (first != missing) & (then != missing) & (then < first)
            bad[parents[wrong]] = True
        return bad

    ok &= ~breaks(_BY_SCOPE["case"], None, None, None)
    for number in STAGE_NUMBERS:
        stage = one_array(table.column(stage_column(number)))
        reached = np.asarray(pc.is_valid(stage).to_numpy(zero_copy_only=False), dtype=bool)
        if not reached.any():
            continue
        if number >= ESCALATION_NEEDS_REQUEST:
            start = days(pc.struct_field(stage, "requested_on"))
            ok &= ~(reached & (start == missing))
        else:
            start = received
        ok &= ~(reached & breaks(_BY_SCOPE["stage"], number, stage, start))
        extensions = pc.struct_field(stage, "extensions")
        ok &= ~(reached & element_breaks(_BY_SCOPE["extension"], extensions, number, stage, start))
    refusals = one_array(table.column("refusals"))
    ok &= ~element_breaks(_BY_SCOPE["refusal"], refusals, None, None, None)
    return ok
