"""The options of ``complaintrules check`` for CI jobs: ``--output``, ``--waivers`` and
``--failures-only`` (see docs/ci.md). None of them changes what the exit codes mean:
``--output`` only moves the report into a file, ``--failures-only`` only shortens it, and a
waiver in force keeps its failures from failing the run until it expires."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..engine.engine import Engine
from ..reports.output import OutputError, check_destinations
from ..reports.waivers import WaiverSet, load_waivers

__all__ = ["SUFFIXES", "add_ci_options", "check_output", "check_waivers"]

#: The suffixes an ``--output`` file of each format may have (no suffix is always fine).
SUFFIXES: dict[str, tuple[str, ...]] = {
    "text": (".txt", ".log"),
    "json": (".json",),
    "junit": (".xml",),
    "sarif": (".sarif", ".json"),
    "github": (".txt", ".log"),
    "markdown": (".md", ".markdown"),
    "tap": (".tap", ".txt"),
    "azure": (".txt", ".log"),
}
#: Without ``--format``, the format an ``--output`` file's suffix names.
_BY_SUFFIX = {
    ".txt": "text",
    ".log": "text",
    ".json": "json",
    ".xml": "junit",
    ".sarif": "sarif",
    ".md": "markdown",
    ".markdown": "markdown",
    ".tap": "tap",
}


def add_ci_options(parser: argparse.ArgumentParser) -> None:
    """``--output``, ``--waivers`` and ``--failures-only`` for ``check``."""
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help=(
            "write the report to FILE (whole or not at all) instead of standard output; "
            "without --format, the suffix names the format (.json, .sarif, .xml, .md, "
            ".tap, .txt); the exit code is the same"
        ),
    )
    parser.add_argument(
        "--waivers",
        metavar="FILE",
        help=(
            "waivers file (YAML/JSON): failures of a waived rule are reported as waived "
            "and do not fail the run until the waiver expires (as of the run's date)"
        ),
    )
    parser.add_argument(
        "--failures-only",
        action="store_true",
        help="list only failing and erroring provisions and findings (totals count all)",
    )


def check_output(args: argparse.Namespace) -> None:
    """Before anything is read: settle ``args.format`` (given, else named by the output
    file's suffix, else text) and refuse an output file that is an input, whose folder is
    missing or not writable, or whose suffix names another format (exit 2)."""
    path = args.output
    if args.format is None:
        suffix = Path(path).suffix.lower() if path else ""
        if suffix and suffix not in _BY_SUFFIX:
            raise OutputError(
                f"--output {path}: the suffix {suffix!r} names no format; give --format "
                f"or one of {', '.join(sorted(_BY_SUFFIX))}"
            )
        args.format = _BY_SUFFIX.get(suffix, "text")
    if path is None:
        return
    suffix = Path(path).suffix.lower()
    if suffix and suffix not in SUFFIXES[args.format]:
        allowed = ", ".join(SUFFIXES[args.format])
        raise OutputError(
            f"--output {path}: the suffix {suffix!r} is not one for --format {args.format} "
            f"({allowed}, or none)"
        )
    inputs = [
        ("POLICY", args.policy),
        ("--document", getattr(args, "document", None)),
        ("--organisation", args.organisation),
        ("--cases", args.cases),
        ("--waivers", args.waivers),
    ]
    check_destinations([("--output", path)], inputs)


def check_waivers(args: argparse.Namespace, engine: Engine, as_of: date) -> WaiverSet | None:
    """The waivers of ``--waivers``, checked against every installed rule, judged at the
    run's as-of date (``--as-of``, else today in UK time); None without the option."""
    if args.waivers is None:
        return None
    rule_ids = {rule.id for rule in engine.registry.all_rules()}
    return load_waivers(args.waivers, rule_ids, as_of)
