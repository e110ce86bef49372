"""What the tests of expressions (tests/core/test_expressions*.py) share: a throwaway rule
around a check, the context the engine judges one case in, an expression's value on each
case by both backends, and a rule judged over a table of cases beside the same rule on
each case alone. Each test keeps its own assertions; these only gather the two sides."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from complaintrules import Complaint, Engine, Finding, Outcome, Verdict
from complaintrules.authoring import lit, when
from complaintrules.law.context import Context
from complaintrules.law.expressions import _array, _Columns, _Row, judge_table
from complaintrules.law.packs import Pack
from complaintrules.law.rules import Level, Rule
from complaintrules.model.columns import case_table

if TYPE_CHECKING:
    import pyarrow as pa


def rule_of(
    check: Any, rule_id: str = "TEST-1.1", *, pack: str = "code_2024", level: Level = Level.MUST
) -> Rule:
    """A rule of ``pack`` whose case check is ``check`` (its provision the number in
    ``rule_id``), for judging the check over a table."""
    return Rule(
        id=rule_id,
        pack=pack,
        provision=rule_id.split("-", 1)[1],
        section="test",
        title="t",
        summary="s",
        explanation="e",
        source="test",
        level=level,
        case=check,
    )


def context_of(engine: Engine, pack: Pack, case: Complaint, as_of: date | None = None) -> Context:
    """The context ``engine`` judges ``case`` in alone under ``pack`` (as of ``as_of``)."""
    return Context(pack, engine.calendar, engine.conventions, case.received_on, as_of)


def both_backends(
    expr: Any,
    cases: Sequence[Complaint],
    values: dict[str, Any],
    context: Callable[[Complaint], Context] | None = None,
) -> list[tuple[Any, Any]]:
    """``expr`` on each of ``cases``: (the Python backend's value, the Arrow backend's over a
    table of all of them), both given the parameter ``values``. With ``context``, each
    Python value is also held to the generated function's, run in the context it gives."""
    n = len(cases)
    arrow = _array(expr._arrow(_Columns(case_table(cases), values, n)), n).to_pylist()
    # the generated function is read through a check reporting the value as two facts
    check = when(lit(False), Verdict.PASS, "never").otherwise(
        Verdict.PASS, "ok", facts={"v": expr, "again": expr}
    )
    out = []
    for case, got in zip(cases, arrow, strict=True):
        python = expr._py(_Row(case, values))
        if context is not None:
            assert check(case, context(case)).facts == {"v": python, "again": python}
        out.append((python, got))
    return out


class Judged(NamedTuple):
    """One case judged by a rule both ways."""

    case: Complaint
    verdict: Verdict  # over the table of every case
    finding: Finding  # over that table, explained
    single: Outcome  # the rule's check on the case alone
    context: Context  # the context the check ran in alone


def judged_both_ways(
    rule: Rule,
    cases: Sequence[Complaint],
    *,
    engine: Engine,
    pack: Pack,
    as_of: date | None = None,
) -> list[Judged]:
    """Each of ``cases`` judged by ``rule`` over a table of all of them (every row
    explained) and by its check on the case alone, in the engine's context for it."""
    table = judge_table(
        rule, case_table(cases), engine=engine, pack=pack, as_of=as_of, explain="all"
    )
    judged = []
    for i, case in enumerate(cases):
        context = context_of(engine, pack, case, as_of)
        assert rule.case is not None
        single = rule.case(case, context)
        judged.append(Judged(case, table.verdicts[i], table.findings[i], single, context))
    return judged


def findings_beside_run(
    rule: Rule, cases: Sequence[Complaint], *, engine: Engine, pack: Pack
) -> list[tuple[Finding, Finding]]:
    """Each of ``cases``: (its finding from ``rule`` over a table of all of them, and the
    finding the engine makes of the rule's check run on the case alone)."""
    table = judge_table(rule, case_table(cases), engine=engine, pack=pack, explain="all")
    out = []
    for i, case in enumerate(cases):
        context = context_of(engine, pack, case)
        alone = engine._run(rule, rule.subjects[0], case.reference, rule.case, case, context)
        out.append((table.findings[i], alone))
    return out


def findings_beside_engine(
    rule: Rule,
    cases: Sequence[Complaint],
    *,
    engine: Engine,
    pack: Pack,
    as_of: date | None = None,
    table: pa.Table | None = None,
) -> list[tuple[Verdict, Finding, Finding]]:
    """Each of ``cases``: (its verdict and finding from ``rule``, a rule of ``pack``, over
    ``table``, the case table of all of them (built here if not given), and the engine's
    own finding of the case judged alone by that rule)."""
    table = case_table(cases) if table is None else table
    batch = judge_table(rule, table, engine=engine, pack=pack, as_of=as_of, explain="all")
    out = []
    for i, case in enumerate(cases):
        (alone,) = engine.case_findings(case, pack=pack, as_of=as_of, rules=[rule.id])
        out.append((batch.verdicts[i], batch.findings[i], alone))
    return out
