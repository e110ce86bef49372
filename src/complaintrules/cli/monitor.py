"""``complaintrules monitor EVENTS.jsonl``: replay an event file and print alerts as they fire.

Each line is one JSON object: a case event with its reference
(``{"reference": "C-1", "type": "received", "on": "2024-05-01"}``, or the event nested
under ``"event"``) or a clock tick (``{"type": "tick", "on": "2024-05-10"}``). A line that
fails validation, or contradicts an event already applied, is reported on stderr with its
number and skipped; the replay carries on. A line repeating an event already applied (the
same ``id``, or the same content) is a duplicate: noted on stderr, counted, and ignored.

Exit codes follow the rest of the CLI: 0 nothing breached, 1 an obligation was breached (or
an extension or handler broke a rule) and the breach was not retracted later in the replay,
2 a line was rejected or the input could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from ..engine.engine import Engine
from ..io.loading import no_duplicate_keys
from ..monitor.monitor import AlertKind, Monitor, MonitorInputError, MonitorUnavailable, iter_jsonl
from ..reports.output import check_destinations, write_atomic

__all__ = ["add_monitor_command", "run_monitor"]

_FAILURES = {AlertKind.BREACHED, AlertKind.EXTENSION_INVALID, AlertKind.SAME_HANDLER}


def add_monitor_command(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    add_convention_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    parser = sub.add_parser(
        "monitor",
        help="replay a JSONL file of case events and clock ticks, printing alerts as they fire",
        description=(
            "Replay case events and clock ticks (one JSON object a line) through the live "
            "monitor and print each alert as it fires. Needs the 'live' extra "
            "(durable-rules, Python < 3.13). Exit 0 if nothing was breached, 1 if something "
            "was, 2 if a line was rejected."
        ),
    )
    parser.add_argument("events", metavar="EVENTS.jsonl", help="event file ('-' for stdin)")
    parser.add_argument("--pack", help="judge every case by this pack (default: by date)")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--restore", metavar="STATE.json", help="carry on from a saved state")
    parser.add_argument("--export", metavar="STATE.json", help="save the state at the end")
    parser.add_argument(
        "--no-fail", action="store_true", help="exit 0 even when obligations were breached"
    )
    add_convention_options(parser)


def run_monitor(args: argparse.Namespace, engine: Engine) -> int:
    # The export may replace the restored state (it is read whole first), not the events.
    check_destinations([("--export", args.export)], [("EVENTS", args.events)])
    try:
        if args.restore:
            text = Path(args.restore).read_text(encoding="utf-8")
            snapshot = json.loads(text, object_pairs_hook=no_duplicate_keys)
            monitor = Monitor.restore(snapshot, engine=engine)
        else:
            monitor = Monitor(engine=engine, pack=args.pack)
    except MonitorUnavailable as exc:
        print(f"complaintrules: {exc}", file=sys.stderr)
        return 2
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        print(
            f"complaintrules: cannot restore from {args.restore}: not a JSON snapshot ({exc})",
            file=sys.stderr,
        )
        return 2
    except (OSError, ValueError) as exc:
        print(f"complaintrules: cannot restore from {args.restore}: {exc}", file=sys.stderr)
        return 2
    try:
        if args.events == "-":
            rejected, failed, duplicates = _replay(monitor, sys.stdin, args.format)
        else:
            with Path(args.events).open(encoding="utf-8") as handle:
                rejected, failed, duplicates = _replay(monitor, handle, args.format)
    except OSError as exc:
        print(f"complaintrules: cannot read {args.events}: {exc}", file=sys.stderr)
        return 2
    try:
        if args.export:
            # Written whole or not at all: a kill during the export leaves the old state.
            write_atomic(args.export, json.dumps(monitor.export()) + "\n")
    finally:
        monitor.close()
    if duplicates:
        print(f"complaintrules: {duplicates} duplicate event(s) ignored", file=sys.stderr)
    if rejected:
        print(f"complaintrules: {rejected} line(s) rejected", file=sys.stderr)
        return 2
    return 1 if failed and not args.no_fail else 0


def _replay(monitor: Monitor, lines: TextIO, fmt: str) -> tuple[int, bool, int]:
    """(lines rejected, whether a failure stands at the end, duplicates ignored)."""
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
            if alert.kind in _FAILURES:
                failures += 1
            elif alert.kind is AlertKind.RETRACTED:
                failures -= 1
            print(json.dumps(alert.to_dict()) if fmt == "json" else str(alert), flush=True)
    return rejected, failures > 0, duplicates
