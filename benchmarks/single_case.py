"""One case through the engine against validating it: the single-case target of issue 13.

    python benchmarks/single_case.py              # both cases, text
    python benchmarks/single_case.py --json       # the same figures as JSON
    python benchmarks/single_case.py --rounds 60  # more rounds on a noisy machine

Target (issue 13): ``Engine().evaluate_case`` on a typical two-stage case takes at most 4x
the time of ``Complaint.model_validate`` on the same data.

The cases: the first two-stage case of examples/landlord/cases.json (received in 2024, so
judged by code_2024), and the same case moved 52 weeks earlier (every date, so every
weekday stays a weekday; received in 2023, so judged by code_2020). Both are judged as of
2025-03-31, as the behaviour guard judges them.

How: each round times (in CPU time of this process, so that other processes' work on a
shared machine is not counted) a block of ``model_validate`` calls, then a block of
``evaluate_case`` calls on the validated case, so a machine that slows down part way
through slows both alike; the figures are the medians of the per-call times of the rounds,
and the ratio is the median of the rounds' own ratios. The load average is printed before
and after: on a shared machine, compare figures taken at a similar load (or run an old and
a new tree alternately).

The per-rule table times each case rule's check alone (the rule's own work, a gated check
through its gate, without the engine around it) and lists the ten dearest; what the engine adds
around the checks (contexts, parameter evidence, findings, the report, the as-of snapshot)
is the remainder, shown as "engine overhead".

These are the benchmark's figures, not unit tests: they depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from complaintrules import Complaint, Engine
from complaintrules.law.context import Context

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "examples" / "landlord" / "cases.json"
AS_OF = date(2025, 3, 31)
TARGET_RATIO = 4.0


def two_stage_case() -> dict[str, Any]:
    """The first case of the example landlord that went to stage 2, as data."""
    cases = json.loads(CASES.read_text(encoding="utf-8"))["cases"]
    found: dict[str, Any] = next(c for c in cases if len(c.get("stages", [])) == 2)
    return found


def shifted(data: Any, days: int) -> Any:
    """``data`` with every ISO date moved by ``days``."""
    if isinstance(data, dict):
        return {k: shifted(v, days) for k, v in data.items()}
    if isinstance(data, list):
        return [shifted(v, days) for v in data]
    if isinstance(data, str) and len(data) == 10 and data[4] == "-" and data[7] == "-":
        try:
            return (date.fromisoformat(data) + timedelta(days=days)).isoformat()
        except ValueError:
            return data
    return data


def _per_call(fn: Callable[[], object], calls: int) -> float:
    started = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - started) / calls


def bench_case(engine: Engine, data: dict[str, Any], rounds: int, calls: int) -> dict[str, Any]:
    case = Complaint.model_validate(data)
    report = engine.evaluate_case(case, as_of=AS_OF)
    validate = lambda: Complaint.model_validate(data)  # noqa: E731
    evaluate = lambda: engine.evaluate_case(case, as_of=AS_OF)  # noqa: E731
    for fn in (validate, evaluate):
        _per_call(fn, calls)  # warm up
    v_times, e_times = [], []
    for _ in range(rounds):
        v_times.append(_per_call(validate, calls))
        e_times.append(_per_call(evaluate, calls))
    v_med, e_med = statistics.median(v_times), statistics.median(e_times)
    ratios = [e / v for v, e in zip(v_times, e_times, strict=True)]
    rules = rule_costs(engine, case, max(calls, 50))
    checks = sum(r["median_us"] for r in rules)
    return {
        "reference": case.reference,
        "received_on": case.received_on.isoformat(),
        "pack": report.packs[0].name,
        "stages": len(case.stages),
        "findings": len(report.findings),
        "model_validate_median_us": round(v_med * 1e6, 1),
        "evaluate_case_median_us": round(e_med * 1e6, 1),
        "ratio_median": round(statistics.median(ratios), 2),
        "ratio_target": TARGET_RATIO,
        "target_met": statistics.median(ratios) <= TARGET_RATIO,
        "rule_checks_us": round(checks, 1),
        "engine_overhead_us": round(e_med * 1e6 - checks, 1),
        "dearest_rules": sorted(rules, key=lambda r: -r["median_us"])[:10],
    }


def rule_costs(engine: Engine, case: Complaint, calls: int) -> list[dict[str, Any]]:
    """Each case rule's check alone, on the case as of the date."""
    judged = case.as_of(AS_OF).case
    assert judged is not None
    pack = engine.pack(on=judged.received_on)
    out = []
    for rule in engine.registry.rules_for(pack):
        check = rule.case
        if check is None:
            continue
        # One context per rule, reused: its making is the engine's cost, not the rule's.
        ctx = Context(pack, engine.calendar, engine.conventions, judged.received_on, AS_OF)

        def once(check: Any = check, ctx: Context = ctx) -> object:
            return check(judged, ctx)

        once()
        samples = [_per_call(once, calls // 5 or 1) for _ in range(5)]
        out.append({"rule": rule.id, "median_us": round(statistics.median(samples) * 1e6, 2)})
    return out


def _show(figures: dict[str, Any]) -> str:
    lines = [
        f"{figures['reference']} (received {figures['received_on']}, {figures['pack']}, "
        f"{figures['stages']} stages, {figures['findings']} findings)",
        f"  Complaint.model_validate  {figures['model_validate_median_us']:8.1f} us",
        f"  Engine().evaluate_case    {figures['evaluate_case_median_us']:8.1f} us",
        f"  ratio                     {figures['ratio_median']:8.2f}x  (target <= "
        f"{figures['ratio_target']:g}x: {'met' if figures['target_met'] else 'NOT met'})",
        f"  rule checks alone         {figures['rule_checks_us']:8.1f} us",
        f"  engine overhead           {figures['engine_overhead_us']:8.1f} us",
        "  dearest rule checks:",
    ]
    lines += [f"    {r['rule']:<16} {r['median_us']:7.2f} us" for r in figures["dearest_rules"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="alternating rounds per case")
    parser.add_argument("--calls", type=int, default=200, help="calls per timed block")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    load_before = os.getloadavg()
    engine = Engine()
    data = two_stage_case()
    results = [
        bench_case(engine, data, args.rounds, args.calls),
        bench_case(engine, shifted(data, -364), args.rounds, args.calls),
    ]
    out = {
        "python": sys.version.split()[0],
        "cpus_available": len(os.sched_getaffinity(0)),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cases": results,
    }
    if args.json:
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    print(
        f"python {out['python']}, {out['cpus_available']} cpu(s); load average "
        f"{out['load_average_before'][0]} before, {out['load_average_after'][0]} after"
    )
    for figures in results:
        print(_show(figures))


if __name__ == "__main__":
    main()
