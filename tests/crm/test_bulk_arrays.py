"""The summary path counts over arrays what it once counted row by row (issue 13).

A summary run (``evaluate_file`` with no per-case results) groups a batch's rows by pack
once per distinct day of receipt, visits one by one only the rows whose shape of case has
no plan free of calls yet, notes the references seen in one go and counts months over
arrays. Each piece is held here against the row-by-row way it replaced, on generated data
with the edge cases (no rows, one row, every row rejected, repeats within a chunk), and
the whole run against the same export judged case by case.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from complaintrules import Engine
from complaintrules.bulk.evaluate import (
    BulkSummary,
    _Alone,
    _distinct_pairs,
    _Months,
    _months,
    evaluate_file,
)
from complaintrules.io.tabular import Row, RowProblem
from complaintrules.model.synthetic import HEADER, synthetic_rows

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"


def _month(ordinal: int) -> str:
    d = date.fromordinal(ordinal)
    return f"{d.year:04d}-{d.month:02d}"


#: Ranges of days: a short one (fewer days than rows), some years, any year.
RANGES = {
    "short": (date(2024, 1, 25), date(2024, 4, 2)),
    "years": (date(2019, 12, 20), date(2025, 3, 5)),
    "any-year": (date(1, 1, 1), date(9999, 12, 31)),
}


def _ordinals(rng: random.Random, n: int, span: str) -> np.ndarray[Any, Any]:
    low, high = (d.toordinal() for d in RANGES[span])
    return np.array([rng.randint(low, high) for _ in range(n)], dtype=np.int64)


SIZES = [0, 1, 2, 31, 500]


@pytest.mark.parametrize("span", list(RANGES))
@pytest.mark.parametrize("n", SIZES)
def test_months_over_arrays_count_as_each_day_counted_alone(n: int, span: str) -> None:
    rng = random.Random(f"{n}-{span}")
    days = _ordinals(rng, n, span)
    assert _months(days) == Counter(_month(d) for d in days.tolist())
    within = np.array([rng.random() < 0.7 for _ in range(n)], dtype=bool)
    if n:
        days[rng.randrange(n)] = 0  # a row with no date is never a month
    months = _Months(days, within)
    into: Counter[Any] = Counter()
    for mask in (within, within & (days % 3 == 0), np.zeros(n, dtype=bool)):
        months.add(into, "received", 1, mask)
    want: Counter[Any] = Counter()
    for mask in (within, within & (days % 3 == 0), np.zeros(n, dtype=bool)):
        for d, inside, counted in zip(days.tolist(), within.tolist(), mask.tolist(), strict=True):
            if counted:
                want[("received", 1, _month(d) if inside and d > 0 else "")] += 1
    assert into == want


def test_a_day_that_is_no_date_is_an_error_as_it_was() -> None:
    with pytest.raises(ValueError):
        _months(np.array([738000, 0], dtype=np.int64))


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("large", [False, True], ids=["flags", "high-bits"])
def test_distinct_pairs_are_those_found_row_by_row(n: int, large: bool) -> None:
    rng = random.Random(n + 100 * large)
    top = (1 << 63) - 1 if large else 64
    first = np.array([rng.choice([0, 1, 5, top, top - 1]) for _ in range(n)], dtype=np.int64)
    second = np.array([rng.random() < 0.5 for _ in range(n)], dtype=bool)
    keys, where = _distinct_pairs(first, second)
    pairs = list(zip(first.tolist(), second.tolist(), strict=True))
    assert keys == sorted(set(pairs))
    assert [keys[j] for j in where.tolist()] == pairs


def _note_one_by_one(summary: BulkSummary, rows: Sequence[Any], refs: Sequence[str]) -> None:
    for row, ref in zip(rows, refs, strict=True):
        summary.note(row, ref)


@pytest.mark.parametrize(
    "before, refs",
    [
        ([], []),
        ([], ["A"]),
        ([], ["A", "B", "C"]),
        ([], ["A", "B", "A", "A"]),  # repeats within the batch
        (["B"], ["A", "B", "C"]),  # a repeat of one seen before
        (["X"], ["A", "B"]),
    ],
)
def test_references_noted_at_once_as_one_by_one(before: list[str], refs: list[str]) -> None:
    got, want = BulkSummary(max_rejected=2), BulkSummary(max_rejected=2)
    for summary in (got, want):
        _note_one_by_one(summary, [-1] * len(before), before)
    rows: list[int | None] = list(range(len(refs)))
    got.note_all(rows, refs)
    _note_one_by_one(want, rows, refs)
    assert list(got.seen.items()) == list(want.seen.items())
    assert got.duplicates == want.duplicates
    assert got.duplicate_rows == want.duplicate_rows


@pytest.mark.parametrize("room", [0, 1, 3, 100])
@pytest.mark.parametrize("n", [0, 1, 5])
def test_rows_rejected_at_once_as_one_by_one(room: int, n: int) -> None:
    rows = [
        Row(k, None, tuple(RowProblem(k, f"c{j}", "bad") for j in range(k % 3))) for k in range(n)
    ]
    got, want = BulkSummary(max_rejected=room), BulkSummary(max_rejected=room)
    for summary in (got, want):  # one rejected before
        summary.reject(None, [RowProblem(99, "x", "bad")])
    got.reject_all(rows)
    for row in rows:
        want.reject(row, row.problems)
    assert (got.rejected_rows, got.rejected) == (want.rejected_rows, want.rejected)


class _Plan:
    def __init__(self, run: tuple[str, ...]) -> None:
        self.run = run


class _Planned:
    def __init__(self, run: tuple[str, ...]) -> None:
        self.plan = _Plan(run)


def _visited_row_by_row(
    facts: list[int], settled: list[bool], everything: int, calls: dict[int, bool]
) -> list[int]:
    """The rows the per-row loop visited: every row but those whose shape already had a
    plan that calls nothing (a plan is made on a row's first visit)."""
    plans: dict[Any, _Planned] = {}
    visited = []
    for i, (f, s) in enumerate(zip(facts, settled, strict=True)):
        shape = (f, True, everything if s else 0)
        known = plans.get(shape)
        if known is not None and not known.plan.run:
            continue
        visited.append(i)
        plans.setdefault(shape, _Planned(("check",) if calls[f] else ()))
    return visited


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("everything", [0, 3], ids=["nothing-settled", "settled"])
def test_rows_visited_alone_are_those_the_row_loop_visited(n: int, everything: int) -> None:
    rng = random.Random(n + everything)
    calls = {f: rng.random() < 0.3 for f in range(6)}
    facts = [rng.randrange(6) for _ in range(n)]
    settled = [rng.random() < 0.5 for _ in range(n)]
    plans: dict[Any, _Planned] = {}
    alone = _Alone(np.array(facts, np.int64), np.array(settled, bool), True, everything, plans)
    visited = []
    for i in alone:
        visited.append(i)
        shape = (facts[i], True, everything if settled[i] else 0)
        plans.setdefault(shape, _Planned(("check",) if calls[facts[i]] else ()))
    assert visited == _visited_row_by_row(facts, settled, everything, calls)
    assert np.flatnonzero(alone.visited).tolist() == visited
    skipped = ~alone.visited
    counted = dict(alone.counts(skipped))
    want = Counter(
        (facts[i], True, everything if settled[i] else 0) for i in np.flatnonzero(skipped).tolist()
    )
    assert counted == want
    assert all(not plans[shape].plan.run for shape in counted)


def _export(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _edge_rows(n: int) -> list[list[str]]:
    """Receipts over both Codes; the first seven rows malformed (a chunk of seven is
    all rejected), a repeat right after its first row (the same chunk), and rows
    received before any Code (no pack judges them)."""
    rows = list(synthetic_rows(n, seed=13, start=date(2023, 10, 1), days=400))
    reference = HEADER.index("Case Ref")
    logged = HEADER.index("Date Logged")
    for row in rows[:7]:
        row[reference] = ""
    rows.insert(12, list(rows[11]))
    for k in (20, 21, 35):
        rows[k][logged] = "03/02/2011"
    return rows


@pytest.mark.parametrize(
    "n, chunk", [(40, 1), (120, 7), (300, 64), (300, 1000)], ids=["1", "7", "64", "one-chunk"]
)
@pytest.mark.parametrize("as_of", [None, date(2024, 6, 30)], ids=["no-as-of", "as-of"])
def test_summary_totals_over_arrays_equal_each_case_judged(
    tmp_path: Path, n: int, chunk: int, as_of: date | None
) -> None:
    export = _export(tmp_path, _edge_rows(n))
    engine = Engine()
    got = evaluate_file(export, MAPPING, engine=engine, as_of=as_of, chunk_size=chunk)
    want = evaluate_file(
        export, MAPPING, engine=engine, as_of=as_of, chunk_size=chunk, on_result=lambda r: None
    )
    assert got.rejected_rows >= 7 + 3  # the malformed rows and those before any Code
    assert any(p.column == "received_on" for p in got.rejected)
    assert got.duplicate_rows >= 1
    assert got.packs == {"code_2020", "code_2024"}
    assert got.to_dict() == want.to_dict()
    assert list(got.seen.items()) == list(want.seen.items())
