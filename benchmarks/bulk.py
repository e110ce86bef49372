"""Speed and memory of bulk evaluation, printed as JSON.

    python benchmarks/bulk.py                 # 1,000,000 cases (takes a few minutes)
    python benchmarks/bulk.py --cases 100000  # a quicker look

Figures (targets from issue 6, for a 2-core machine):

1. ``bulk``: N seeded synthetic cases from a CSV export (examples/crm/mapping.yaml)
   through every code_2024 case rule and the TSM summary: wall time (target: 1,000,000 in
   under 60 s) and peak memory (target: under 2 GB, main process plus workers).
2. ``deadlines``: deadline computations per second in bulk (target: at least 1,000,000),
   vectorised over the calendar's working-day index; also per date through the index,
   and a naive baseline counting day by day with the holidays package, with the ratio.
3. ``single_case``: one case (as data, validation included) through the whole code_2024
   pack: median time (target: under 1 ms).
4. ``cases_vs_dictreader`` (issue 13): CPU time of a whole ``complaintrules cases`` run
   (one process, ``--format summary``) on N-row CSV exports against the CPU time of merely
   parsing the same file into dicts with ``csv.DictReader`` in this run: the ratio
   (target: at most 3), the run's peak memory, and where an in-process run spends its CPU
   (read, convert, rules). For a code_2024 export, and a code_2020 one (cases received in
   2023), and with ``--inhouse`` one with examples/inhouse_pack installed.
   ``--ratio-sizes 100000,1000000 --ratio-runs 3`` chooses; ``--only-ratio`` skips
   the rest; ``--other-python <venv>/bin/python`` times another checkout too, run for run,
   through the interpreter of a virtual environment it is installed in (its own src/ and
   its own packs: another src/ with this checkout's packs would not be that checkout).

These are the benchmark's figures, not unit tests: they depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import holidays
import numpy as np

from complaintrules import Engine, WorkingCalendar, evaluate_file, validate_case
from complaintrules.bulk.evaluate import array_judged, default_jobs
from complaintrules.model.synthetic import HEADER, synthetic_rows, write_synthetic_csv

ROOT = Path(__file__).resolve().parents[1]
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"


def _rss_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # Linux reports KiB


def python_speed() -> float:
    """CPU seconds for ten million steps of a plain Python loop: a yardstick of the machine,
    so that figures from runs on a busier or slower machine can be compared."""
    started = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return round(time.process_time() - started, 2)


def bench_bulk(n: int, jobs: int, seed: int, keep: Path | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = keep or Path(tmp) / "export.csv"
        started = time.perf_counter()
        write_synthetic_csv(path, n, seed=seed)
        generated = time.perf_counter() - started
        engine = Engine()
        started = time.perf_counter()
        summary = evaluate_file(path, MAPPING, engine=engine, as_of=date(2025, 3, 31), jobs=jobs)
        report = summary.to_dict()
        seconds = time.perf_counter() - started
        size = path.stat().st_size
    main_mb, worker_mb = _rss_mb(resource.RUSAGE_SELF), _rss_mb(resource.RUSAGE_CHILDREN)
    year = report["tsm"][0] if report["tsm"] else {}
    return {
        "cases": n,
        "csv_megabytes": round(size / 1e6, 1),
        "generate_seconds": round(generated, 1),
        "jobs": jobs,
        "seconds": round(seconds, 2),
        "cases_per_second": round(n / seconds),
        "rows": report["rows"],
        "rules": len(report["verdicts"]),
        "tsm_first_year": {"CH01": year.get("CH01"), "CH02": year.get("CH02")},
        "peak_rss_mb": {
            "main": main_mb,
            "largest_worker": worker_mb,
            "total_upper_bound": round(main_mb + jobs * worker_mb, 1),
        },
    }


def bench_deadlines(n: int, seed: int, naive_sample: int) -> dict[str, Any]:
    cal = WorkingCalendar()
    rng = random.Random(seed)
    first = date(2024, 1, 1).toordinal()
    ordinals = np.asarray([first + rng.randrange(730) for _ in range(n)], dtype=np.int64)
    days = [date.fromordinal(int(o)) for o in ordinals[:naive_sample]]
    cal.add_working_days_array(ordinals[:10], 10)  # build the arrays once
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        due = cal.add_working_days_array(ordinals, 10)
        runs.append(time.perf_counter() - started)
    vectorised = n / min(runs)
    started = time.perf_counter()
    indexed = [cal.add_working_days(d, 10) for d in days]
    indexed_rate = len(days) / (time.perf_counter() - started)
    bank = holidays.country_holidays("GB", subdiv="ENG", years=range(2015, 2036))

    def naive(day: date, count: int) -> date:
        while count:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in bank:
                count -= 1
        return day

    started = time.perf_counter()
    walked = [naive(d, 10) for d in days]
    naive_rate = len(days) / (time.perf_counter() - started)
    assert walked == indexed == [date.fromordinal(int(o)) for o in due[:naive_sample]]
    return {
        "computations": n,
        "vectorised_per_second": round(vectorised),
        "indexed_per_date_per_second": round(indexed_rate),
        "naive_day_by_day_per_second": round(naive_rate),
        "naive_sample": naive_sample,
        "ratio_vectorised_to_naive": round(vectorised / naive_rate, 1),
        "ratio_indexed_to_naive": round(indexed_rate / naive_rate, 1),
        "same_deadlines_as_naive": True,
    }


def bench_single_case(runs: int) -> dict[str, Any]:
    engine = Engine()
    case = {
        "reference": "BENCH-1",
        "received_on": "2024-12-20",
        "channel": "phone",
        "stages": [
            {
                "number": 1,
                "acknowledged": {
                    "on": "2024-12-23",
                    "definition": {"understanding": "Damp", "outcomes_sought": "Treat it"},
                },
                "handler": "A. Patel",
                "extensions": [
                    {
                        "notified_on": "2025-01-06",
                        "new_due": "2025-01-20",
                        "reason": "Survey",
                        "ombudsman_details_given": True,
                    }
                ],
                "response": {"issued_on": "2025-01-17", "outcome": "upheld"},
            },
            {
                "number": 2,
                "requested_on": "2025-01-27",
                "acknowledged": {"on": "2025-01-29"},
                "handler": "B. Okafor",
            },
        ],
    }
    findings = validate_case(case, engine=engine, as_of=date(2025, 3, 31))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        validate_case(case, engine=engine, as_of=date(2025, 3, 31))
        times.append(time.perf_counter() - started)
    times.sort()
    return {
        "rules": len(findings),
        "runs": runs,
        "median_ms": round(statistics.median(times) * 1000, 3),
        "p90_ms": round(times[int(runs * 0.9)] * 1000, 3),
    }


def bench_rules(n: int, seed: int) -> dict[str, Any]:
    """CPU time per case of each case rule on synthetic cases (where bulk time goes)."""
    from complaintrules.io.tabular import _converter, load_mapping
    from complaintrules.law.context import Context
    from complaintrules.model.synthetic import HEADER, synthetic_rows

    converter = _converter(load_mapping(MAPPING), HEADER)
    rows = (converter.convert(i, r) for i, r in enumerate(synthetic_rows(n, seed=seed)))
    cases = [row.case for row in rows if row.case is not None]
    engine = Engine()
    pack = engine.pack("code_2024")
    rules = [r for r in engine.registry.rules_for(pack) if r.case is not None]
    as_of = date(2025, 3, 31)
    contexts = [
        Context(pack, engine.calendar, engine.conventions, c.received_on, as_of) for c in cases
    ]
    cost: dict[str, float] = {}
    for rule in rules:
        check = rule.case
        assert check is not None
        started = time.process_time()
        for case, ctx in zip(cases, contexts, strict=True):
            check(case, ctx)
        cost[rule.id] = (time.process_time() - started) / len(cases) * 1e6
    raw = list(synthetic_rows(n, seed=seed))
    started = time.process_time()
    for row_number, values in enumerate(raw):
        converter.convert(row_number, values)
    convert = (time.process_time() - started) / n * 1e6
    ranked = sorted(cost.items(), key=lambda kv: -kv[1])
    return {
        "cases": len(cases),
        "case_rules": len(rules),
        "all_rules_microseconds_per_case": round(sum(cost.values()), 1),
        "array_judged_rules_microseconds_per_case_when_run_one_by_one": round(
            sum(v for k, v in cost.items() if k in array_judged(rules)), 1
        ),
        "read_and_validate_microseconds_per_row": round(convert, 1),
        "costliest_rules_microseconds_per_case": {k: round(v, 1) for k, v in ranked[:10]},
    }


def _dictreader_cpu(path: Path) -> float:
    started = time.process_time()
    with path.open(encoding="utf-8", newline="") as handle:
        for _ in csv.DictReader(handle):
            pass
    return time.process_time() - started


def _cli_cpu(
    path: Path, pack: str | None, python: Path | None = None, extra: Path | None = None
) -> tuple[float, float]:
    """CPU seconds and peak memory (MB) of one ``complaintrules cases`` run in a child,
    under ``python`` (another checkout's virtual environment) or this interpreter."""
    command = [
        str(python or sys.executable), "-m", "complaintrules", "cases", str(path),
        "--mapping", str(MAPPING),
        "--as-of", "2025-03-31", "--format", "summary", "--no-fail", "--allow-rejected",
        "--jobs", "1", "--no-progress",
    ]  # fmt: skip
    if pack:
        command += ["--pack", pack]
    env = dict(os.environ)
    if extra is not None:  # a folder of extra packs
        env["PYTHONPATH"] = str(extra)
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        raise SystemExit(f"complaintrules cases failed ({child.returncode}): {err.decode()}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _split(path: Path) -> dict[str, float]:
    """CPU seconds of an in-process run, split into reading, converting and the rules."""
    from complaintrules.bulk.evaluate import BulkEvaluator, BulkSummary
    from complaintrules.io.tabular import CaseReader

    clock = time.process_time
    spent = {"read": 0.0, "convert": 0.0, "rules": 0.0}
    engine = Engine()
    evaluator = BulkEvaluator(engine, as_of=date(2025, 3, 31), messages=False, results=False)
    summary = BulkSummary()
    reader = CaseReader(path, MAPPING)
    converter = reader.converter
    try:
        from complaintrules.io.columnar import convert_batch, raw_batches, rechunk
    except ImportError:  # code before issue 13: records read and converted one by one
        records = reader.raw_records()
        while True:
            started = clock()
            chunk = [item for _, item in zip(range(5000), records, strict=False)]
            split = converter.split(chunk)
            spent["read"] += clock() - started
            if not chunk:
                break
            started = clock()
            rows = [converter.convert(n, r) for n, r in split]
            good = [(r.row, r.case) for r in rows if r.case is not None]
            spent["convert"] += clock() - started
            started = clock()
            evaluator.evaluate(good, summary)
            spent["rules"] += clock() - started
    else:
        # as `cases --format summary` runs: batches of the columnar chunk size, converted
        # without a case object per row, every rule judged over the columns
        from complaintrules.bulk.evaluate import COLUMNAR_CHUNK_SIZE

        batches = rechunk(raw_batches(reader), COLUMNAR_CHUNK_SIZE)
        while True:
            started = clock()
            raw = next(batches, None)
            spent["read"] += clock() - started
            if raw is None:
                break
            started = clock()
            flat = convert_batch(raw, converter, cases=False)
            spent["convert"] += clock() - started
            started = clock()
            evaluator.evaluate_columns(flat, summary)
            spent["rules"] += clock() - started
    return {k: round(v, 2) for k, v in spent.items()}


def _install_inhouse(folder: Path) -> Path:
    """examples/inhouse_pack installed into ``folder`` (put on PYTHONPATH to load it)."""
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
            "--no-build-isolation", "--target", str(folder),
            str(ROOT / "examples" / "inhouse_pack"),
        ],
        check=True,
    )  # fmt: skip
    return folder


def bench_ratio(
    sizes: list[int],
    runs: int,
    seed: int,
    other: Path | None = None,
    split: bool = True,
    inhouse: bool = False,
) -> dict[str, Any]:
    """``complaintrules cases`` CPU against csv.DictReader CPU on the same files."""
    out: dict[str, Any] = {}
    exports: list[tuple[str, int, date, bool]] = [
        (f"code_2024_{n}", n, date(2024, 4, 1), False) for n in sizes
    ]
    exports.append((f"code_2020_{sizes[0]}", sizes[0], date(2023, 1, 1), False))
    if inhouse:
        exports.append(
            (f"code_2024_with_inhouse_pack_{sizes[0]}", sizes[0], date(2024, 4, 1), True)
        )
    with tempfile.TemporaryDirectory() as tmp:
        packs = _install_inhouse(Path(tmp) / "packs") if inhouse else None
        for name, n, start, extra in exports:
            with_packs = packs if extra else None
            path = Path(tmp) / f"{name}.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(HEADER)
                writer.writerows(synthetic_rows(n, seed=seed, start=start, days=365))
            cases, baseline, peaks, others, other_peaks = [], [], [], [], []
            for _ in range(runs):  # alternated, so a busy spell hits both
                baseline.append(_dictreader_cpu(path))
                cpu, peak = _cli_cpu(path, None, None, with_packs)
                cases.append(cpu)
                peaks.append(peak)
                if other is not None:
                    cpu, peak = _cli_cpu(path, None, other, with_packs)
                    others.append(cpu)
                    other_peaks.append(peak)
            median_cases = statistics.median(cases)
            median_base = statistics.median(baseline)
            out[name] = {
                "rows": n,
                "cases_cpu_seconds": [round(c, 2) for c in cases],
                "dictreader_cpu_seconds": [round(b, 3) for b in baseline],
                "ratio_median": round(median_cases / median_base, 1),
                "peak_rss_mb_median": round(statistics.median(peaks), 1),
            }
            if split and not extra:
                out[name]["split_cpu_seconds_in_process"] = _split(path)
            if other is not None:
                out[name]["other"] = {
                    "python": str(other),
                    "cases_cpu_seconds": [round(c, 2) for c in others],
                    "ratio_median": round(statistics.median(others) / median_base, 1),
                    "peak_rss_mb_median": round(statistics.median(other_peaks), 1),
                }
    out["target"] = "ratio at most 3"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--deadlines", type=int, default=1_000_000)
    parser.add_argument("--naive-sample", type=int, default=100_000)
    parser.add_argument("--single-runs", type=int, default=2000)
    parser.add_argument("--rule-sample", type=int, default=5000)
    parser.add_argument("--keep", type=Path, help="write the generated CSV here and keep it")
    parser.add_argument("--skip-bulk", action="store_true")
    parser.add_argument("--ratio-sizes", default="100000,1000000")
    parser.add_argument("--ratio-runs", type=int, default=3)
    parser.add_argument("--skip-ratio", action="store_true")
    parser.add_argument("--only-ratio", action="store_true")
    parser.add_argument(
        "--other-python",
        type=Path,
        help="also time the checkout installed in this interpreter's virtual environment",
    )
    parser.add_argument("--no-split", action="store_true")
    parser.add_argument(
        "--inhouse", action="store_true", help="also time a run with examples/inhouse_pack"
    )
    args = parser.parse_args()
    if args.only_ratio:
        sizes = [int(n) for n in args.ratio_sizes.split(",")]
        ratio = {
            "python_loop_10m_cpu_seconds": python_speed(),
            "loadavg_at_start": os.getloadavg(),
            "cases_vs_dictreader": bench_ratio(
                sizes,
                args.ratio_runs,
                args.seed,
                args.other_python,
                not args.no_split,
                args.inhouse,
            ),
            "loadavg_at_end": os.getloadavg(),
        }
        json.dump(ratio, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    out: dict[str, Any] = {
        "machine": {
            "cpus_available": len(os.sched_getaffinity(0)),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "numpy": np.__version__,
            "python_loop_10m_cpu_seconds_at_start": python_speed(),
        },
        "deadlines": bench_deadlines(args.deadlines, args.seed, args.naive_sample),
        "single_case": bench_single_case(args.single_runs),
        "rules": bench_rules(args.rule_sample, args.seed),
    }
    if not args.skip_bulk:
        out["bulk"] = bench_bulk(args.cases, args.jobs, args.seed, args.keep)
    if not args.skip_ratio:
        sizes = [int(n) for n in args.ratio_sizes.split(",")]
        out["cases_vs_dictreader"] = bench_ratio(sizes, args.ratio_runs, args.seed)
    # again at the end: a shared machine can slow down part way through
    out["machine"]["python_loop_10m_cpu_seconds_at_end"] = python_speed()
    targets = {
        "deadlines_per_second_at_least_1e6": out["deadlines"]["vectorised_per_second"] >= 1_000_000,
        "single_case_median_under_1ms": out["single_case"]["median_ms"] < 1.0,
    }
    if "bulk" in out:
        bulk = out["bulk"]
        scaled = bulk["seconds"] * 1_000_000 / bulk["cases"]
        targets["million_cases_under_60s"] = scaled < 60
        targets["peak_memory_under_2gb"] = bulk["peak_rss_mb"]["total_upper_bound"] < 2048
        if bulk["cases"] != 1_000_000:
            targets["note"] = f"bulk time scaled linearly from {bulk['cases']} cases"
    out["targets_met"] = targets
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
