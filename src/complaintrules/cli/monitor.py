"""``complaintrules monitor EVENTS.jsonl``: replay an event file and print alerts as they fire.

Each line is one JSON object: a case event with its reference
(``{"reference": "C-1", "type": "received", "on": "2024-05-01"}``, or the event nested
under ``"event"``) or a clock tick (``{"type": "tick", "on": "2024-05-10"}``). A line that
fails validation, or contradicts an event already applied, is reported on stderr with its
number and skipped; the replay carries on. A line repeating an event already applied (the
same ``id``, or the same content) is a duplicate: noted on stderr, counted, and ignored.

With ``--from dataverse`` or ``--from salesforce`` each line (or the file, one JSON document)
is instead a CRM change event, turned into case events through ``--mapping MAP.json``
(:mod:`complaintrules.monitor.crm`). ``--tick DATE`` moves the clock after the events (or
alone, with no events file), so a scheduler can post the day's tick; ``--state STATE.json``
carries on from the state file when it exists and saves it at the end.

Exit codes follow the rest of the CLI: 0 nothing breached, 1 an obligation was breached (or
an extension or handler broke a rule) and the breach was not retracted later in the replay,
2 a line was rejected or the input could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..engine.engine import Engine
from ..io.loading import no_duplicate_keys
from ..monitor.engines import RULES_ENGINES
from ..reports.output import check_destinations, write_atomic

__all__ = ["add_monitor_command", "run_monitor"]

if TYPE_CHECKING:  # the monitor is loaded only when the command runs
    from ..monitor.crm import CrmIngest, Ingested
    from ..monitor.monitor import Alert, Monitor


def _failures() -> frozenset[Any]:
    """The alert kinds that count as failures."""
    from ..monitor.monitor import AlertKind

    return frozenset({AlertKind.BREACHED, AlertKind.EXTENSION_INVALID, AlertKind.SAME_HANDLER})


def add_monitor_command(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    add_convention_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    parser = sub.add_parser(
        "monitor",
        help="replay a JSONL file of case events and clock ticks, printing alerts as they fire",
        description=(
            "Replay case events and clock ticks (one JSON object a line) through the live "
            "monitor and print each alert as it fires; or CRM change events (--from "
            "dataverse|salesforce with --mapping). Runs on durable-rules (the 'live' extra, "
            "Python < 3.13) where it imports, else on the pure-Python evaluator of the same "
            "ruleset. Exit 0 if nothing was breached, 1 if something was, 2 if a line was "
            "rejected."
        ),
    )
    parser.add_argument(
        "events",
        metavar="EVENTS.jsonl",
        nargs="?",
        help="event file ('-' for stdin); may be left out with --tick",
    )
    parser.add_argument("--pack", help="judge every case by this pack (default: by date)")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument(
        "--from",
        dest="source",
        choices=["events", "dataverse", "salesforce"],
        default="events",
        help="what the file holds: the monitor's own events (default), Dataverse "
        "RemoteExecutionContext or Salesforce Change Data Capture change events",
    )
    parser.add_argument(
        "--mapping",
        metavar="MAP.json",
        help="with --from dataverse|salesforce: which CRM field is which date (docs/monitor.md)",
    )
    parser.add_argument(
        "--settle",
        metavar="MINUTES",
        type=int,
        default=0,
        help="with --from dataverse|salesforce: apply a change only once changes committed "
        "MINUTES later have been seen, so one delivered that late still goes in commit order "
        "(the rest wait in the state; --tick applies them first)",
    )
    parser.add_argument(
        "--tick",
        metavar="DATE",
        help="after the events, move the clock to DATE (YYYY-MM-DD or 'today')",
    )
    parser.add_argument("--restore", metavar="STATE.json", help="carry on from a saved state")
    parser.add_argument("--export", metavar="STATE.json", help="save the state at the end")
    parser.add_argument(
        "--state",
        metavar="STATE.json",
        help="carry on from STATE.json if it exists and save it there at the end "
        "(for a scheduler; instead of --restore and --export)",
    )
    parser.add_argument(
        "--rules-engine",
        choices=RULES_ENGINES,
        default=None,
        help="what runs the generated ruleset: durable-rules, the pure-Python evaluator, "
        "or auto (durable-rules where it imports; default, or COMPLAINTRULES_MONITOR_ENGINE)",
    )
    parser.add_argument(
        "--no-fail", action="store_true", help="exit 0 even when obligations were breached"
    )
    add_convention_options(parser)


def _usage(problem: str) -> int:
    print(f"complaintrules: {problem}", file=sys.stderr)
    return 2


def run_monitor(args: argparse.Namespace, engine: Engine) -> int:
    from ..monitor.crm import CrmIngest, CrmInputError, FieldMapping
    from ..monitor.monitor import Monitor, MonitorInputError, MonitorUnavailable

    if args.state and (args.restore or args.export):
        return _usage("--state replaces --restore and --export: give one or the other")
    if args.events is None and args.tick is None:
        return _usage("monitor: give an events file, --tick DATE, or both")
    crm = args.source != "events"
    if crm and not args.mapping:
        return _usage(f"--from {args.source} needs --mapping MAP.json (docs/monitor.md)")
    if args.mapping and not crm:
        return _usage("--mapping is for --from dataverse or --from salesforce")
    tick: date | None = None
    if args.tick is not None:
        try:
            tick = date.today() if args.tick == "today" else date.fromisoformat(args.tick)
        except ValueError:
            return _usage(f"--tick: expected a date (YYYY-MM-DD) or 'today', got {args.tick!r}")
    restore = args.restore or (args.state if args.state and Path(args.state).exists() else None)
    export = args.export or args.state
    # The export may replace the restored state (it is read whole first), not the events.
    check_destinations(
        [("--export", export)], [("EVENTS", args.events), ("--mapping", args.mapping)]
    )
    mapping: FieldMapping | None = None
    if crm:
        try:
            raw = json.loads(Path(args.mapping).read_text(encoding="utf-8"))
            mapping = FieldMapping.from_json(raw, where=args.mapping)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            return _usage(f"cannot read --mapping {args.mapping}: {exc}")
        except CrmInputError as exc:
            return _usage(f"--mapping: {exc}")
    saved: dict[str, Any] = {}
    try:
        if restore:
            text = Path(restore).read_text(encoding="utf-8")
            saved = json.loads(text, object_pairs_hook=no_duplicate_keys)
            monitor = Monitor.restore(saved, engine=engine, rules_engine=args.rules_engine)
        else:
            monitor = Monitor(engine=engine, pack=args.pack, rules_engine=args.rules_engine)
    except MonitorUnavailable as exc:
        print(f"complaintrules: {exc}", file=sys.stderr)
        return 2
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        print(
            f"complaintrules: cannot restore from {restore}: not a JSON snapshot ({exc})",
            file=sys.stderr,
        )
        return 2
    except (OSError, ValueError) as exc:
        where = f"cannot restore from {restore}: " if restore else ""
        print(f"complaintrules: {where}{exc}", file=sys.stderr)
        return 2
    ingest: CrmIngest | None = None
    if args.settle < 0:
        return _usage(f"--settle: expected 0 or more minutes, got {args.settle}")
    kept = saved.get("crm") if isinstance(saved, dict) else None
    if mapping is not None:
        ingest = CrmIngest(monitor, mapping, args.source, settle=timedelta(minutes=args.settle))
        if kept is not None:
            try:
                ingest.restore(kept)
            except CrmInputError as exc:
                return _usage(f"cannot restore from {restore}: {exc}")
    elif tick is not None and isinstance(kept, dict) and kept.get("settling"):
        return _usage(
            f"--tick: {len(kept['settling'])} CRM change(s) in {restore} are still settling; "
            f"give --from {kept.get('source')} and --mapping so they are applied before the tick"
        )
    rejected = duplicates = 0
    failures = 0
    try:
        if args.events is not None:
            if ingest is not None:
                rejected, failures = _ingest(ingest, _read(args.events), args.format)
            elif args.events == "-":
                rejected, failures, duplicates = _replay(monitor, sys.stdin, args.format)
            else:
                with Path(args.events).open(encoding="utf-8") as handle:
                    rejected, failures, duplicates = _replay(monitor, handle, args.format)
        if tick is not None:
            if ingest is not None and ingest.settling:
                flushed = ingest.flush()
                rejected += _report(ingest, flushed)
                failures += _show(flushed.alerts, args.format)
            try:
                alerts = monitor.tick(tick)
            except MonitorInputError as exc:
                print(f"--tick: {exc}", file=sys.stderr)
                rejected += 1
                alerts = []
            failures += _show(alerts, args.format)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"complaintrules: cannot read {args.events}: {exc}", file=sys.stderr)
        return 2
    try:
        if export:
            state = monitor.export()
            if ingest is not None:
                state["crm"] = ingest.export()
            elif isinstance(saved, dict) and saved.get("crm") is not None:
                state["crm"] = saved["crm"]  # kept for the next CRM run
            # Written whole or not at all: a kill during the export leaves the old state.
            write_atomic(export, json.dumps(state) + "\n")
    finally:
        monitor.close()
    if duplicates:
        print(f"complaintrules: {duplicates} duplicate event(s) ignored", file=sys.stderr)
    if rejected:
        noun = "change(s)" if ingest is not None else "line(s)"
        print(f"complaintrules: {rejected} {noun} rejected", file=sys.stderr)
        return 2
    return 1 if failures > 0 and not args.no_fail else 0


def _show(alerts: list[Alert], fmt: str) -> int:
    """Print alerts; the failures they raise minus those they retract."""
    from ..monitor.monitor import AlertKind

    failing = _failures()
    failures = 0
    for alert in alerts:
        if alert.kind in failing:
            failures += 1
        elif alert.kind is AlertKind.RETRACTED:
            failures -= 1
        print(json.dumps(alert.to_dict()) if fmt == "json" else str(alert), flush=True)
    return failures


def _read(source: str) -> str:
    return sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")


def _ingest(ingest: CrmIngest, text: str, fmt: str) -> tuple[int, int]:
    """Ingest a text of CRM change events: (changes rejected, failures standing)."""
    from ..monitor.crm import read_changes

    items = []
    unread: list[tuple[str, str]] = []
    for where, value, problem in read_changes(text):
        if problem:
            unread.append((where, problem))
        else:
            items.append((where, value))
    result = ingest.ingest(items)
    result.rejected = sorted(unread + result.rejected, key=lambda pair: _position(pair[0]))
    rejected = _report(ingest, result)
    return rejected, _show(result.alerts, fmt)


def _position(where: str) -> int:
    """The number in ``line 7`` or ``item 7`` (0 for ``document``), to report in order."""
    last = where.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def _report(ingest: CrmIngest, result: Ingested) -> int:
    """Say on stderr what became of each change; the number rejected."""
    for where, problem in result.rejected:
        print(f"{where}: {problem}", file=sys.stderr)
    for where, note in sorted(result.notes, key=lambda pair: _position(pair[0])):
        print(f"{where}: {note}", file=sys.stderr)
    print(f"complaintrules: changes: {result.summary()}", file=sys.stderr)
    if ingest.held:
        print(
            f"complaintrules: {ingest.held} change(s) wait for an earlier change of their "
            "record (kept in the state)",
            file=sys.stderr,
        )
    return len(result.rejected)


def _replay(monitor: Monitor, lines: TextIO, fmt: str) -> tuple[int, int, int]:
    """(lines rejected, failures standing at the end, duplicates ignored)."""
    from ..monitor.monitor import AlertKind, MonitorInputError, iter_jsonl

    failing = _failures()
    rejected = duplicates = 0
    # failures raised minus those retracted: a retraction always follows its own breach
    failures = 0
    for number, item, problem in iter_jsonl(lines):
        if item is None:
            print(f"line {number}: {problem}", file=sys.stderr)
            rejected += 1
            continue
        try:
            posted = monitor.post_detailed(item)
        except MonitorInputError as exc:
            print(f"line {number}: {exc}", file=sys.stderr)
            rejected += 1
            continue
        if posted.duplicate is not None:
            duplicates += 1
            print(f"line {number}: duplicate: {posted.duplicate}", file=sys.stderr)
        for alert in posted.alerts:
            if alert.kind in failing:
                failures += 1
            elif alert.kind is AlertKind.RETRACTED:
                failures -= 1
            print(json.dumps(alert.to_dict()) if fmt == "json" else str(alert), flush=True)
    return rejected, failures, duplicates
