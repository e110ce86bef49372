"""The guard: one SHA-256 per segment of everything the library concludes on today's corpus.

Run from the repository's root::

    python tests/guard/digest.py                  # the whole corpus, every segment's digest
    python tests/guard/digest.py --quick          # the subset the test suite checks
    python tests/guard/digest.py --check          # compare with tests/data/digest.json
    python tests/guard/digest.py --dump DIR       # also write each segment's JSON lines
    python tests/guard/digest.py --update         # rewrite tests/data/digest.json (both sizes)
    python tests/guard/digest.py --update --quick # rewrite only the subset the test checks

A segment is source x path x pack x conventions x as-of date. Its digest is the SHA-256 of
its canonical JSON lines (sorted keys, dates in ISO form, enums by value, in the order the
library returned them), so two runs dumped to two directories can be compared with
``diff -r``. Nothing non-deterministic goes in: no timings, no file paths, no tracebacks.

Sources:

* ``generated``: seeded synthetic CRM exports (``complaintrules.model.synthetic``, the example
  CRM mapping), 5,000 cases received April 2024 to March 2025 (code_2024) and 2,314
  received April 2022 to March 2024 (code_2020), read from CSV with 1% malformed rows;
* ``examples``: the example landlord's cases (YAML, JSON and CSV), the example CRM export,
  the example policies and organisation, and every worked example of every rule of both
  packs and of the in-house example pack (examples/inhouse_pack);
* ``journeys``: every YAML case test under tests/journeys, each test's whole findings;
* ``monitor``: the monitor's alerts over examples/monitor/events.jsonl and over a seeded
  season of events (benchmarks/monitor_soak.py) received in each Code's time.

Paths: ``read`` (each row's case as the model dumps it, or its problems), ``engine``
(``Engine.case_findings`` per case, with evidence), ``bulk`` (``evaluate_cases`` with a
summary, vectorised), ``bulk-nosummary``, ``bulk-slow`` (``fast=False``), ``file``
(``evaluate_file`` on the CSV: results and summary), ``due`` (``due()`` at the as-of
date) and ``alerts`` (the monitor).

Conventions: every combination of non-working-day receipt (count from receipt, next
working day), cut-off (none, 17:00) and late acknowledgement (capped, literal); as-of
dates: none and 2025-03-31.

``--quick`` (the test) keeps the same segments but judges a fixed share of each
generated source (every 10th case), one convention in four on the per-case engine path
over the generated source, and the monitor's season at 300 cases instead of 3,000.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import json
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import Enum
from itertools import product
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel

import complaintrules
from complaintrules import (
    BulkSummary,
    Complaint,
    Conventions,
    Engine,
    LandlordPolicy,
    LateAcknowledgement,
    NonWorkingDayReceipt,
    Organisation,
    PackRegistry,
    WorkingCalendar,
    due,
    evaluate_cases,
    evaluate_file,
    load_cases,
    load_organisation,
    load_policy,
    read_cases,
)
from complaintrules.calendar import clock as _clock
from complaintrules.model.synthetic import HEADER, synthetic_rows
from complaintrules.testing import run_example

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "tests" / "data" / "digest.json"
AS_OF = date(2025, 3, 31)
#: (pack, first receipt date, days of receipts, cases, seed)
GENERATED = [
    ("code_2024", date(2024, 4, 1), 365, 5000, 2024),
    ("code_2020", date(2022, 4, 1), 730, 2314, 2020),
]
MALFORMED = 0.01
QUICK_STRIDE = 10
#: the bulk path's variants: (name, vectorised, with a summary)
BULK = [("bulk", True, True), ("bulk-nosummary", True, False), ("bulk-slow", False, True)]
SEASON = {"full": 3000, "quick": 300}

Line = dict[str, Any]


# -- canonical JSON ------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot canonicalise {type(value).__name__}")


def canonical(record: Any) -> str:
    return json.dumps(record, sort_keys=True, default=_plain, ensure_ascii=False)


# -- settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    name: str
    conventions: Conventions


def conventions() -> list[Setting]:
    out = []
    for receipt, cutoff, late in product(
        NonWorkingDayReceipt, [None, time(17, 0)], LateAcknowledgement
    ):
        name = (
            f"{receipt.value}+cutoff-{cutoff.strftime('%H%M') if cutoff else 'none'}+{late.value}"
        )
        out.append(Setting(name, Conventions(
            non_working_day_receipt=receipt, cutoff=cutoff, late_acknowledgement=late
        )))  # fmt: skip
    return out


def _iso(day: date | None) -> str:
    return day.isoformat() if day else "none"


# -- sources -------------------------------------------------------------------------------


def _load_module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _inhouse() -> ModuleType:
    sys.path.insert(0, str(ROOT / "examples" / "inhouse_pack"))
    try:
        import acme_inhouse_rules
    finally:
        sys.path.pop(0)
    return acme_inhouse_rules


def write_generated(folder: Path, quick: bool) -> list[tuple[str, Path]]:
    out = []
    for pack, start, days, n, seed in GENERATED:
        path = folder / f"{pack}.csv"
        rows = synthetic_rows(n, seed=seed, start=start, days=days, malformed=MALFORMED)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for i, row in enumerate(rows):
                if not quick or i % QUICK_STRIDE == 0:
                    writer.writerow(row)
        out.append((pack, path))
    return out


# -- paths ---------------------------------------------------------------------------------


def read_lines(path: Path, mapping: Path) -> tuple[list[Line], list[Complaint]]:
    lines: list[Line] = []
    cases: list[Complaint] = []
    for row in read_cases(path, mapping):
        if row.case is None:
            lines.append({"row": row.row, "problems": [p.to_dict() for p in row.problems]})
        else:
            cases.append(row.case)
            lines.append({"row": row.row, "case": row.case.model_dump(mode="json")})
    return lines, cases


def _same(lines: list[Line]) -> list[Line]:
    return lines


def engine_lines(engine: Engine, cases: Iterable[Complaint], as_of: date | None) -> Iterator[Line]:
    for case in cases:
        for finding in engine.case_findings(case, as_of=as_of):
            yield {"case": case.reference, **finding.to_dict()}


def bulk_lines(
    engine: Engine, cases: list[Complaint], as_of: date | None, fast: bool, summary: bool
) -> Iterator[Line]:
    totals = BulkSummary() if summary else None
    for result in evaluate_cases(cases, engine=engine, as_of=as_of, fast=fast, summary=totals):
        yield result.to_dict()
    if totals is not None:
        yield {"summary": totals.to_dict()}


def file_lines(engine: Engine, path: Path, mapping: Path, as_of: date | None) -> list[Line]:
    lines: list[Line] = []
    summary = evaluate_file(
        path, mapping, engine=engine, as_of=as_of, on_result=lambda r: lines.append(r.to_dict())
    )
    lines.append({"summary": summary.to_dict()})
    return lines


def due_lines(engine: Engine, cases: Iterable[Complaint], as_of: date) -> Iterator[Line]:
    for case in cases:
        yield due(case, as_of, engine=engine).to_dict()


def policy_lines(
    engine: Engine, policy: LandlordPolicy, pack: str, on: date, organisation: Organisation
) -> list[Line]:
    found = engine.policy_findings(policy, pack=pack, on=on, organisation=organisation)
    return [f.to_dict() for f in found]


def organisation_lines(
    engine: Engine, organisation: Organisation, pack: str, on: date
) -> list[Line]:
    return [f.to_dict() for f in engine.organisation_findings(organisation, pack=pack, on=on)]


def alert_lines(engine: Engine, events: Iterable[Mapping[str, Any]]) -> Iterator[Line]:
    from complaintrules import Monitor

    monitor = Monitor(engine=engine)
    try:
        for item in events:
            for alert in monitor.post(item):
                yield alert.to_dict()
    finally:
        monitor.close()


# -- the corpus ----------------------------------------------------------------------------


#: segment name -> SHA-256 of its canonical JSON lines
Segments = dict[str, str]


class Collector:
    """Runs each segment, hashing its lines as they come (none are kept)."""

    def __init__(self, dump: Path | None, only: str | None) -> None:
        self.segments: Segments = {}
        self.dump = dump
        self.only = only

    def add(self, name: str, make: Callable[..., Iterable[Line]], *args: Any) -> None:
        if self.only is not None and self.only not in name:
            return
        sha = hashlib.sha256()
        out = None
        if self.dump is not None:
            out = (self.dump / f"{name.replace('/', '__')}.jsonl").open("w", encoding="utf-8")
        try:
            for line in make(*args):
                text = canonical(line) + "\n"
                sha.update(text.encode())
                if out is not None:
                    out.write(text)
        finally:
            if out is not None:
                out.close()
        self.segments[name] = sha.hexdigest()


def _cases_by_pack(engine: Engine, cases: Iterable[Complaint]) -> dict[str, list[Complaint]]:
    out: dict[str, list[Complaint]] = {}
    for case in cases:
        out.setdefault(engine.pack(on=case.received_on).name, []).append(case)
    return out


def generated(c: Collector, folder: Path, quick: bool) -> None:
    mapping = ROOT / "examples" / "crm" / "mapping.yaml"
    for pack, path in write_generated(folder, quick):
        lines, cases = read_lines(path, mapping)
        c.add(f"generated/read/{pack}", _same, lines)
        for k, setting in enumerate(conventions()):
            engine = Engine(conventions=setting.conventions)
            for as_of in (None, AS_OF):
                tail = f"{pack}/{setting.name}/{_iso(as_of)}"
                # the per-case engine is the slowest path: the quick run keeps it for the
                # default conventions and one other in four
                if not quick or k % 4 == 0:
                    c.add(f"generated/engine/{tail}", engine_lines, engine, cases, as_of)
                for path_name, fast, summary in BULK:
                    c.add(
                        f"generated/{path_name}/{tail}",
                        bulk_lines,
                        engine,
                        cases,
                        as_of,
                        fast,
                        summary,
                    )
                c.add(f"generated/file/{tail}", file_lines, engine, path, mapping, as_of)
                if as_of is not None:
                    c.add(f"generated/due/{tail}", due_lines, engine, cases, as_of)


def examples(c: Collector) -> None:
    landlord = ROOT / "examples" / "landlord"
    crm = ROOT / "examples" / "crm"
    default = Engine()
    landlord_csv = read_lines(landlord / "cases.csv", landlord / "crm-mapping.yaml")
    crm_export = read_lines(crm / "export.csv", crm / "mapping.yaml")
    c.add("examples/read/landlord-csv", _same, landlord_csv[0])
    c.add("examples/read/crm-export", _same, crm_export[0])
    sources = {
        "landlord-yaml": load_cases(landlord / "cases.yaml"),
        "landlord-json": load_cases(landlord / "cases.json"),
        "landlord-csv": landlord_csv[1],
        "crm-export": crm_export[1],
    }
    for setting in conventions():
        engine = Engine(conventions=setting.conventions)
        for source, all_cases in sources.items():
            for pack, cases in _cases_by_pack(default, all_cases).items():
                for as_of in (None, AS_OF):
                    tail = f"{source}/{pack}/{setting.name}/{_iso(as_of)}"
                    c.add(f"examples/engine/{tail}", engine_lines, engine, cases, as_of)
                    for path_name, fast, summary in BULK:
                        c.add(
                            f"examples/{path_name}/{tail}",
                            bulk_lines, engine, cases, as_of, fast, summary,
                        )  # fmt: skip
                    if as_of is not None:
                        c.add(f"examples/due/{tail}", due_lines, engine, cases, as_of)
    organisation = load_organisation(landlord / "organisation.yaml")
    policies = {
        "landlord-policy": load_policy(landlord / "policy.yaml"),
        "draft-noncompliant-policy": load_policy(
            ROOT / "examples" / "draft-noncompliant-policy.yaml"
        ),
    }
    for pack, on in (("code_2024", AS_OF), ("code_2020", date(2023, 3, 31))):
        for name, policy in policies.items():
            c.add(
                f"examples/policy/{name}/{pack}",
                policy_lines,
                default,
                policy,
                pack,
                on,
                organisation,
            )
        c.add(
            f"examples/organisation/landlord-organisation/{pack}",
            organisation_lines, default, organisation, pack, on,
        )  # fmt: skip
    # every rule's worked examples, the in-house pack's too
    registry = PackRegistry(plugins=[_inhouse()])
    engine = Engine(registry=registry)
    by_pack: dict[str, list[Line]] = {}
    for rule in registry.all_rules():
        for i, ex in enumerate(rule.examples):
            found = run_example(rule, ex, engine=engine)
            by_pack.setdefault(rule.pack, []).append(
                {"rule": rule.id, "example": i, "title": ex.title, **found.to_dict()}
            )
    for pack, lines in by_pack.items():
        c.add(f"examples/worked/{pack}", _same, lines)


def journeys(c: Collector) -> None:
    from complaintrules.pytest_plugin import load_case_tests

    for path in sorted((ROOT / "tests" / "journeys").glob("*.yaml")):
        doc, _ = load_case_tests(path)
        lines: list[Line] = []
        for test in doc.tests:
            base = doc.conventions or Conventions()
            own = test.conventions
            conv = (
                base
                if own is None
                else base.model_copy(update={k: getattr(own, k) for k in own.model_fields_set})
            )
            cal = WorkingCalendar(closures=[*doc.closures, *test.closures])
            engine = Engine(conventions=conv, calendar=cal)
            as_of = test.as_of or doc.as_of
            on = test.on or doc.on
            pack = test.pack or doc.pack
            found = []
            if test.case is not None:
                found = engine.case_findings(
                    test.case, pack=pack, as_of=as_of, organisation=test.organisation
                )
                if as_of is not None:
                    report = due(test.case, as_of, engine=engine, pack=pack)
                    lines.append({"test": test.name, "due": report.to_dict()})
            else:
                if test.policy is not None:
                    found += engine.policy_findings(
                        test.policy, pack=pack, on=on, organisation=test.organisation
                    )
                if test.organisation is not None:
                    found += engine.organisation_findings(test.organisation, pack=pack, on=on)
            lines += [{"test": test.name, **f.to_dict()} for f in found]
        c.add(f"journeys/engine/{path.stem}", _same, lines)


def monitor(c: Collector, quick: bool) -> None:
    try:
        from complaintrules import Monitor

        Monitor().close()
    except complaintrules.MonitorUnavailable:
        return  # no durable-rules here: the monitor's segments are left out (and reported)
    soak = _load_module("_guard_monitor_soak", ROOT / "benchmarks" / "monitor_soak.py")
    stream = ROOT / "examples" / "monitor" / "events.jsonl"
    example_events = [
        json.loads(line) for line in stream.read_text(encoding="utf-8").splitlines() if line
    ]
    size = SEASON["quick" if quick else "full"]
    for setting in conventions():
        engine = Engine(conventions=setting.conventions)
        c.add(
            f"monitor/alerts/example-events/{setting.name}",
            alert_lines,
            engine,
            example_events,
        )
        for pack, start in (("code_2024", date(2024, 4, 2)), ("code_2020", date(2023, 6, 1))):
            c.add(
                f"monitor/alerts/season-{pack}/{setting.name}",
                alert_lines,
                engine,
                soak.season(1, size, start),
            )


#: The instant the library's "today" is read from while collecting: whatever judges at
#: today (a worked example with no date, a policy without --as-of) gives the same findings
#: on any day the guard runs. The same instant as the tests' (tests/conftest.py).
FIXED_NOW = datetime(2025, 6, 30, 11, 0, tzinfo=UTC)


def collect(quick: bool, dump: Path | None = None, only: str | None = None) -> Segments:
    c = Collector(dump, only)
    real_now = _clock.now
    _clock.now = lambda: FIXED_NOW
    try:
        with tempfile.TemporaryDirectory() as folder:
            generated(c, Path(folder), quick)
        examples(c)
        journeys(c)
        monitor(c, quick)
    finally:
        _clock.now = real_now
    return c.segments


def digests(segments: Segments) -> dict[str, str]:
    out = dict(sorted(segments.items()))
    total = hashlib.sha256("".join(f"{k} {v}\n" for k, v in out.items()).encode())
    return {"TOTAL": total.hexdigest(), **out}


def compare(expected: Mapping[str, str], found: Mapping[str, str]) -> list[str]:
    """Segments whose digest changed, appeared or disappeared (the total aside)."""
    names = (set(expected) | set(found)) - {"TOTAL"}
    return sorted(n for n in names if expected.get(n) != found.get(n))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the subset the test checks")
    parser.add_argument("--dump", type=Path, help="write each segment's JSON lines here")
    parser.add_argument("--only", help="only segments whose name contains this")
    parser.add_argument("--check", action="store_true", help=f"compare with {EXPECTED.name}")
    parser.add_argument(
        "--update", action="store_true", help=f"rewrite {EXPECTED.relative_to(ROOT)}"
    )
    args = parser.parse_args(argv)
    if args.update and args.only:
        parser.error("--update rewrites every segment: drop --only")
    if args.dump is not None:
        args.dump.mkdir(parents=True, exist_ok=True)
    if args.update:
        # both sizes unless --quick (then the full digests stay as they were)
        sizes = ["quick"] if args.quick else ["full", "quick"]
    else:
        sizes = ["quick" if args.quick else "full"]
    found = {
        size: digests(collect(size == "quick", args.dump if size == sizes[0] else None, args.only))
        for size in sizes
    }
    if args.update:
        stored = json.loads(EXPECTED.read_text(encoding="utf-8")) if EXPECTED.exists() else {}
        stored.update(found)
        EXPECTED.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        for size in sizes:
            print(f"wrote {EXPECTED.relative_to(ROOT)}: {len(found[size]) - 1} {size} segments")
        return 0
    size = sizes[0]
    for name, value in found[size].items():
        print(f"{value}  {name}")
    if args.check:
        expected = json.loads(EXPECTED.read_text(encoding="utf-8"))[size]
        if args.only:
            expected = {k: v for k, v in expected.items() if args.only in k}
            found[size].pop("TOTAL")
        changed = compare(expected, found[size])
        for name in changed:
            print(f"CHANGED {name}", file=sys.stderr)
        return 1 if changed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
