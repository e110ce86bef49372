"""The order a case's dates must keep, written once as data.

:data:`DATE_ORDER` lists every pair of dates of which the second may not come before the
first (where both are recorded), and :data:`ESCALATION_NEEDS_REQUEST` the stages that need
the date escalation to them was requested. Two readers run the one list:

- :func:`consistent` on a :class:`~complaintrules.models.Complaint` (the model's own
  validation, ``Complaint._consistent``), and
- :func:`consistent_rows` over a case table (:mod:`complaintrules.model.columns`), so a
  batch read as columns is checked without building a case per row.

A path names where a date is read: ``case.<field>``; ``stage.<path>`` on each stage
(``stage.start`` being the day the stage started: the receipt at stage 1, the escalation
request after it); ``stage1.<path>`` on the case's stage 1; ``extension.<field>`` on each
extension of each stage; ``refusal.<field>`` on each refusal. The messages naming a
problem are the model's (``Complaint._inconsistencies``); the tests hold the three to the
same verdict on generated cases. That stages come in order, each number once, is a shape
the case table holds by construction (one column per stage number) and the model checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

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
]


@dataclass(frozen=True, slots=True)
class NotBefore:
    """The date at ``later`` may not come before the date at ``earlier`` (both paths as
    the module's docstring reads them), where both are recorded; ``stages`` limits a check
    on each stage to those stage numbers (None: every stage)."""

    earlier: str
    later: str
    stages: tuple[int, ...] | None = None

    @property
    def scope(self) -> str:
        """Where the check runs once: on the case, on each stage, extension or refusal."""
        roots = {self.earlier.split(".", 1)[0], self.later.split(".", 1)[0]}
        for scope in ("extension", "refusal", "stage"):
            if scope in roots:
                return scope
        return "case"


#: Every ordering a case's dates must keep (see the module's docstring).
DATE_ORDER: tuple[NotBefore, ...] = (
    NotBefore("case.issue_occurred_on", "case.received_on"),
    NotBefore("case.became_aware_on", "case.received_on"),
    NotBefore("case.received_on", "stage.requested_on"),
    # escalated no earlier than the stage 1 response it escalates from
    NotBefore("stage1.response.issued_on", "stage.requested_on", stages=(2,)),
    NotBefore("stage.start", "stage.logged_on"),
    NotBefore("stage.start", "stage.acknowledged.on"),
    NotBefore("stage.start", "stage.response.issued_on"),
    NotBefore("case.received_on", "extension.notified_on"),
    NotBefore("extension.notified_on", "extension.new_due"),
    NotBefore("case.received_on", "refusal.on"),
    NotBefore("case.received_on", "case.withdrawn_on"),
    NotBefore("case.received_on", "case.closed_on"),
)

#: Stages from this number on need the date escalation to them was requested (their start).
ESCALATION_NEEDS_REQUEST = 2


# -- on a case (the model) ---------------------------------------------------------------

#: Where a path's root is found while a case is checked (``stage.start`` is read as the
#: root ``start``: the day the stage started, worked out per stage).
_ROOTS = ("case", "stage1", "stage", "start", "extension", "refusal")


def _getter(path: str) -> tuple[str, tuple[str, ...]]:
    root, _, rest = path.partition(".")
    if (root, rest) == ("stage", "start"):
        return "start", ()
    return root, tuple(rest.split("."))


def _reader(names: tuple[str, ...]) -> Callable[[Any], Any]:
    """A function reading ``names`` in turn from an object, None where a step is None."""
    if not names:
        return lambda item: item
    if len(names) == 1:
        (first,) = names

        def one(item: Any) -> Any:
            return None if item is None else getattr(item, first)

        return one

    def deeper(item: Any) -> Any:
        for name in names:
            if item is None:
                return None
            item = getattr(item, name)
        return item

    return deeper


#: A check compiled for a case: the root and reader of the earlier date, of the later,
#: and the stage numbers it is limited to.
_Compiled = tuple[int, Callable[[Any], Any], int, Callable[[Any], Any], "tuple[int, ...] | None"]


def _compiled(scope: str) -> tuple[_Compiled, ...]:
    out: list[_Compiled] = []
    for check in DATE_ORDER:
        if check.scope != scope:
            continue
        (root_a, a), (root_b, b) = _getter(check.earlier), _getter(check.later)
        out.append(
            (_ROOTS.index(root_a), _reader(a), _ROOTS.index(root_b), _reader(b), check.stages)
        )
    return tuple(out)


_CASE, _STAGE, _EXTENSION, _REFUSAL = (
    _compiled(scope) for scope in ("case", "stage", "extension", "refusal")
)


def _broken(checks: tuple[_Compiled, ...], items: list[Any], number: int = -1) -> bool:
    for root_a, read_a, root_b, read_b, stages in checks:
        if stages is not None and number not in stages:
            continue
        a = read_a(items[root_a])
        if a is None:
            continue
        b = read_b(items[root_b])
        if b is not None and b < a:
            return True
    return False


def consistent(case: Complaint) -> bool:
    """Whether ``case``'s dates keep :data:`DATE_ORDER`, each stage past the first has its
    escalation date, and its stages come in order, each number once."""
    stage1 = None
    for stage in case.stages:
        if stage.number == 1:
            stage1 = stage
            break
    items: list[Any] = [case, stage1, None, None, None, None]
    if _broken(_CASE, items):
        return False
    received = case.received_on
    previous = -1
    for stage in case.stages:
        number = stage.number
        if number <= previous:
            return False  # repeated or out of order
        previous = number
        start: date | None = received
        if number >= ESCALATION_NEEDS_REQUEST:
            start = stage.requested_on
            if start is None:
                return False
        items[2] = stage
        items[3] = start
        if _broken(_STAGE, items, number):
            return False
        for extension in stage.extensions:
            items[4] = extension
            if _broken(_EXTENSION, items, number):
                return False
    for refusal in case.refusals:
        items[5] = refusal
        if _broken(_REFUSAL, items):
            return False
    return True


# -- over a case table -------------------------------------------------------------------

_Check = tuple[tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]], "tuple[int, ...] | None"]

#: The checks of each scope as (root, names) paths, for the table.
_BY_SCOPE: dict[str, tuple[_Check, ...]] = {
    scope: tuple(
        (_getter(c.earlier), _getter(c.later), c.stages) for c in DATE_ORDER if c.scope == scope
    )
    for scope in ("case", "stage", "extension", "refusal")
}


def consistent_rows(table: pa.Table) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Per row of the case table ``table``, whether its case keeps :data:`DATE_ORDER` and
    each stage past the first has its escalation date: :func:`consistent` over columns."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from .columns import STAGE_NUMBERS, stage_column

    n = table.num_rows
    ok = np.ones(n, dtype=bool)
    missing = np.iinfo(np.int64).min

    def days(array: Any) -> Any:
        """Day numbers of a date column, ``missing`` where null."""
        values = pc.cast(array, pa.int32()).to_numpy(zero_copy_only=False)
        valid = np.asarray(pc.is_valid(array).to_numpy(zero_copy_only=False), dtype=bool)
        return np.where(valid, np.nan_to_num(values, nan=0).astype(np.int64), missing)

    def field(array: Any, names: Sequence[str]) -> Any:
        for name in names:
            array = pc.struct_field(array, name)
        return array

    def case_days(names: Sequence[str]) -> Any:
        return days(field(table.column(names[0]).combine_chunks(), names[1:]))

    received = case_days(("received_on",))
    stage1 = table.column(stage_column(1)).combine_chunks()

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
        stage = table.column(stage_column(number)).combine_chunks()
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
    refusals = table.column("refusals").combine_chunks()
    ok &= ~element_breaks(_BY_SCOPE["refusal"], refusals, None, None, None)
    return ok
