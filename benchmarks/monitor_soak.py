"""Soak test of the live monitor: 100,000 complaints open at once, then all closed.

Run:  python benchmarks/monitor_soak.py [--cases 100000] [--rounds 2] [--tracemalloc]
      python benchmarks/monitor_soak.py --baseline ../other-checkout [--runs 3] ...

Each round streams a season of case events with a clock tick per day:

* days 0-9: every case is received (10,000 a day), acknowledged 0-6 days later (a few
  late, one in ten without a complaint definition) and given a handler;
* responses go out mostly on time (some late, one in ten after an extension); one case in
  five escalates to stage 2, which is acknowledged, handled and answered (one in a hundred
  by the stage 1 handler); no case closes before day 13, so all the round's cases are open
  at once;
* every case then closes, and ticks run on past every deadline (200 days a round).

It prints one JSON object: events per second (all events and ticks through
``Monitor.post``: time inside ``post``, wall time of the round including generating the
events, and process CPU time, the figure least disturbed by other work on the machine),
alerts by kind, and memory (resident set size; with ``--tracemalloc``
also the Python heap, which is slower to measure) at the start, with every case open,
after every case has closed, and after a second round through the same monitor. Memory
that stays flat as cases close shows as the same figure after each round. ``figures``
sums up what issue 13 asks for: events per second in ``post`` (the median of the rounds),
the resident memory with every case open and after they all closed.

With ``--baseline DIR`` (another checkout of complaintrules, for example a ``git worktree``
of main) the same events run through this checkout's monitor and DIR's, each in a fresh
process, alternately (this, baseline, this, ... ``--runs`` times each), so both are
measured in the same period on the same machine; it prints every run, the medians and the
ratio this / baseline.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from complaintrules import Monitor

RECEIPT_DAYS = 10  # every case of a round arrives within ten days
DEFINITION = {"understanding": "Damp in the bedroom", "outcomes_sought": "Treat the damp"}


def rss_mb() -> float:
    """Current resident set size in MiB (Linux), else the peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return peak_rss_mb()


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def heap_mb() -> float | None:
    return tracemalloc.get_traced_memory()[0] / (1024 * 1024) if tracemalloc.is_tracing() else None


#: Scheduled events wait as flat tuples of keys and values in turn, the complaint definition
#: replaced by this marker, and become dicts (each with its own copy of the definition) only
#: when streamed. A tuple of strings and
#: numbers is not tracked by the garbage collector, where a waiting dict holding the
#: definition would be: a queue of ~400,000 dicts would make the collector's full passes
#: during ``Monitor.post`` measure the benchmark's own queue rather than the monitor.
_DEFINED = "<definition>"


def _hold(event: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(
        pair
        for key, value in event.items()
        for pair in (key, _DEFINED if key == "definition" else value)
    )


def _release(held: tuple[Any, ...]) -> dict[str, Any]:
    event = dict(zip(held[::2], held[1::2], strict=True))
    if "definition" in event:
        event["definition"] = dict(DEFINITION)
    return event


def season(round_no: int, cases: int, start: date) -> Iterator[dict[str, Any]]:
    """The round's events in date order, a tick at the start of every day."""
    days = [(start + timedelta(days=d)).isoformat() for d in range(400)]
    per_day = max(1, -(-cases // RECEIPT_DAYS))
    receipt_days = -(-cases // per_day)
    by_day: dict[int, list[tuple[Any, ...]]] = {}

    def at(day: int, event: dict[str, Any]) -> None:
        by_day.setdefault(day, []).append(_hold(event))

    for day in range(200):
        yield {"type": "tick", "on": days[day]}
        if day < receipt_days:
            for i in range(day * per_day, min(cases, (day + 1) * per_day)):
                yield {"reference": f"R{round_no}-{i}", "type": "received", "on": days[day]}
                _plan_case(at, days, f"R{round_no}-{i}", i, day, receipt_days)
        for held in by_day.pop(day, ()):
            yield _release(held)


def _plan_case(at: Any, days: list[str], r: str, i: int, day: int, receipt_days: int) -> None:
    """Schedule one case's later events (most on time, some late, some escalated)."""
    ack = day + i % 7  # 0-6 days: a few past the 5 working days
    event: dict[str, Any] = {"reference": r, "type": "acknowledged", "on": days[ack]}
    if i % 10:
        event["definition"] = DEFINITION
    at(ack, event)
    at(ack, {"reference": r, "type": "handler_assigned", "on": days[ack], "handler": f"H{i % 40}"})
    reply = ack + 4 + i % 13  # mostly within 10 working days of acknowledgement
    if i % 10 == 3:
        at(ack + 3, {
            "reference": r, "type": "extension_notified", "on": days[ack + 3],
            "new_due": days[reply + 10], "reason": "Surveyor's report awaited",
            "ombudsman_details_given": True,
        })  # fmt: skip
        reply += 8
    at(reply, {"reference": r, "type": "response_issued", "on": days[reply]})
    # no case closes before every case of the round has been received
    close = max(reply, receipt_days) + 3 + i % 30
    if i % 5 == 0:
        asked = reply + 2
        ack2 = asked + 1 + i % 5
        s2 = {"reference": r, "stage": 2}
        at(asked, {**s2, "type": "escalation_requested", "on": days[asked]})
        at(ack2, {**s2, "type": "acknowledged", "on": days[ack2], "definition": DEFINITION})
        handler = f"H{i % 40}" if i % 100 == 0 else f"S{i % 7}"
        at(ack2, {**s2, "type": "handler_assigned", "on": days[ack2], "handler": handler})
        at(ack2 + 25, {**s2, "type": "response_issued", "on": days[ack2 + 25]})
        close = max(ack2 + 26, receipt_days) + 3 + i % 10
    at(close, {"reference": r, "type": "closed", "on": days[close]})


def run_round(monitor: Monitor, round_no: int, cases: int, start: date) -> dict[str, Any]:
    kinds: Counter[str] = Counter()
    events = ticks = 0
    peak_open = 0
    at_peak: dict[str, Any] = {}
    busy = 0.0
    clock = time.perf_counter
    began = clock()
    cpu_began = time.process_time()
    for item in season(round_no, cases, start):
        if item["type"] == "tick":
            ticks += 1
            open_now = monitor.open_cases
            if open_now > peak_open:
                peak_open = open_now
                if open_now == cases:
                    gc.collect()
                    at_peak = {"rss_mb": round(rss_mb(), 1), "heap_mb": heap_mb()}
        else:
            events += 1
        t0 = clock()
        alerts = monitor.post(item)
        busy += clock() - t0
        for alert in alerts:
            kinds[alert.kind.value] += 1
    wall = clock() - began
    cpu = time.process_time() - cpu_began
    gc.collect()
    posted = events + ticks
    return {
        "round": round_no,
        "cases": cases,
        "peak_open_cases": peak_open,
        "events": events,
        "ticks": ticks,
        "alerts": dict(sorted(kinds.items())),
        "seconds_in_post": round(busy, 2),
        "seconds_wall": round(wall, 2),
        "events_per_second": round(posted / busy),
        "events_per_second_wall": round(posted / wall),
        "cpu_seconds": round(cpu, 2),
        "events_per_cpu_second": round(posted / cpu),
        "memory_with_all_open": at_peak,
        "memory_after_all_closed": {"rss_mb": round(rss_mb(), 1), "heap_mb": heap_mb()},
        "cases_still_tracked": monitor.tracked_cases,
    }


def figures(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures issue 13 asks for, from a run's rounds."""
    return {
        "events_per_second": round(statistics.median(r["events_per_second"] for r in rounds)),
        "events_per_cpu_second": round(
            statistics.median(r["events_per_cpu_second"] for r in rounds)
        ),
        "peak_open_cases": max(r["peak_open_cases"] for r in rounds),
        "rss_mb_with_all_open": [r["memory_with_all_open"].get("rss_mb") for r in rounds],
        "rss_mb_after_all_closed": [r["memory_after_all_closed"]["rss_mb"] for r in rounds],
    }


def _checkout_path(checkout: Path, into: Path) -> str:
    """A PYTHONPATH that imports complaintrules and its packs from ``checkout``: its source
    folder, and a folder of links giving each pack the module name its pyproject maps."""
    config = tomllib.loads((checkout / "pyproject.toml").read_text(encoding="utf-8"))
    folders = config["tool"]["setuptools"]["package-dir"]
    for module, folder in folders.items():
        if module:
            (into / module).symlink_to((checkout / folder).resolve(), target_is_directory=True)
    return os.pathsep.join([str((checkout / folders.get("", "src")).resolve()), str(into)])


def compare(args: argparse.Namespace, passed: list[str]) -> None:
    """This checkout against ``args.baseline``, alternately, each run a fresh process."""
    checkout = Path(args.baseline)
    with tempfile.TemporaryDirectory() as links:
        roots = {"this": Path(__file__).resolve().parents[1], "baseline": checkout.resolve()}
        paths = {}
        for which, root in roots.items():
            (Path(links) / which).mkdir()
            paths[which] = _checkout_path(root, Path(links) / which)
        runs: dict[str, list[dict[str, Any]]] = {"this": [], "baseline": []}
        for _ in range(args.runs):
            for which, path in paths.items():
                env = {**os.environ, "PYTHONPATH": path}
                # the baseline may predate the choice of rules engine
                chosen = ["--rules-engine", args.rules_engine] if which == "this" else []
                done = subprocess.run(
                    [sys.executable, __file__, *passed, *chosen],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                result = json.loads(done.stdout)
                runs[which].append(
                    {"load_average_at_start": result["load_average_at_start"]} | result["figures"]
                )
    medians = {
        which: {
            "events_per_second": round(statistics.median(r["events_per_second"] for r in got)),
            "events_per_cpu_second": round(
                statistics.median(r["events_per_cpu_second"] for r in got)
            ),
        }
        for which, got in runs.items()
    }
    print(
        json.dumps(
            {
                "benchmark": "monitor_soak",
                "compared": {which: str(root) for which, root in roots.items()},
                "cases": args.cases,
                "rounds": args.rounds,
                "runs": runs,
                "medians": medians,
                "ratio_this_to_baseline": {
                    key: round(medians["this"][key] / medians["baseline"][key], 2)
                    for key in medians["this"]
                },
            },
            indent=2,
        )
    )


def _installed(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tracemalloc", action="store_true", help="also trace the Python heap")
    parser.add_argument(
        "--baseline", metavar="DIR", help="another checkout to compare with, run alternately"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each with --baseline")
    parser.add_argument(
        "--rules-engine",
        choices=["auto", "durable", "python"],
        default="auto",
        help="what runs the monitor's ruleset (this checkout only with --baseline)",
    )
    args = parser.parse_args()
    if args.baseline:
        passed = ["--cases", str(args.cases), "--rounds", str(args.rounds)]
        compare(args, passed + (["--tracemalloc"] if args.tracemalloc else []))
        return
    if args.tracemalloc:
        tracemalloc.start()
    # a checkout before the pure-Python evaluator has no choice: durable-rules
    monitor = Monitor() if args.rules_engine == "auto" else Monitor(rules_engine=args.rules_engine)
    gc.collect()
    out: dict[str, Any] = {
        "benchmark": "monitor_soak",
        "python": platform.python_version(),
        "durable_rules": _installed("durable-rules"),
        "rules_engine": getattr(monitor, "rules_engine", "durable"),
        "tracemalloc": args.tracemalloc,
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg()[0],
        "memory_at_start": {"rss_mb": round(rss_mb(), 1), "heap_mb": heap_mb()},
        "rounds": [],
    }
    for r in range(args.rounds):
        start = date(2024, 4, 2) + timedelta(days=240 * r)
        out["rounds"].append(run_round(monitor, r + 1, args.cases, start))
    out["load_average_at_end"] = os.getloadavg()[0]
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    out["figures"] = figures(out["rounds"])
    if args.tracemalloc:
        out["peak_heap_mb"] = round(tracemalloc.get_traced_memory()[1] / (1024 * 1024), 1)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
