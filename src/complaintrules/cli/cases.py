"""``complaintrules cases``: a CRM export through the case rules, with TSM CH01/CH02.

Per-case findings go to ``--output`` (standard output by default) as JSON Lines or CSV;
the summary (rows in/evaluated/rejected, verdicts per rule, CH01, CH02, acknowledgement
rates, breaches by month) goes to ``--summary`` as JSON, or is printed as text on standard
error. ``--format summary`` prints the summary JSON on standard output instead of
findings. Exit codes as for every command: 0 nothing failed, 1 a must-level rule failed,
2 a usage or input error (an unreadable file, a bad mapping, a mapped column missing).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from ..bulk.jobs import default_jobs
from ..engine.engine import Engine
from ..io.loading import load_organisation
from ..reports.escaping import spreadsheet_row, terminal_text
from ..reports.output import (
    OutputError,
    atomic_writer,
    check_destinations,
    format_for_output,
    write_atomic,
)
from ..reports.tsm import ReportingPeriod, StockField, TsmDenominator, TsmExtensions, TsmOptions
from .common import judging_date

if TYPE_CHECKING:  # the bulk path (numpy, pyarrow) is loaded only when a command runs it
    from ..bulk.evaluate import BulkSummary, CaseResult

__all__ = ["add_cases_command", "run_cases"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _period(text: str) -> ReportingPeriod:
    try:
        return ReportingPeriod.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_cases_command(
    sub: Any,
    parse_date: Callable[[str], date],
    add_convention_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    cases = sub.add_parser(
        "cases",
        help="evaluate a CRM export of cases (CSV, JSON Lines, JSON, Parquet); TSM CH01/CH02",
        description=(
            "Evaluate every case of a CRM export against the case rules, streaming, and "
            "summarise: verdicts per rule, TSM CH01 and CH02, acknowledgement rates and "
            "breaches by month. Rows that fail validation are listed with row, column and "
            "reason; rows in = rows evaluated + rows rejected + rows received after the "
            "--as-of date (counted, not judged)."
        ),
    )
    cases.add_argument("file", metavar="FILE", help="cases: .csv, .jsonl, .json, .parquet or .xlsx")
    cases.add_argument(
        "--sheet",
        metavar="NAME",
        help="the sheet of an Excel workbook to read (default: the first)",
    )
    cases.add_argument("--mapping", metavar="MAP", help="column-mapping file (YAML)")
    cases.add_argument(
        "--organisation", metavar="ORG", help="organisation file (housing stock for CH01)"
    )
    cases.add_argument(
        "--as-of",
        type=parse_date,
        metavar="YYYY-MM-DD",
        help="judge the cases as of this date (default: today in UK time, stated in the summary)",
    )
    cases.add_argument("--pack", help="judge every case by this pack (default: by its date)")
    cases.add_argument(
        "--landlord",
        metavar="KEY",
        help="landlord key of the cases whose row gives none (a mapping may map a column to "
        "'landlord'); totals are kept per landlord",
    )
    cases.add_argument(
        "--format",
        choices=["jsonl", "csv", "parquet", "summary"],
        default=None,
        help="per-case findings as JSON Lines (one case a line), CSV or Parquet (one "
        "finding a row; Parquet needs --output), or only the summary as JSON on standard "
        "output (default: from --output's suffix, .jsonl, .csv or .parquet, else jsonl)",
    )
    cases.add_argument(
        "--output",
        metavar="PATH",
        help="write findings here, a .jsonl, .csv or .parquet file (default: stdout)",
    )
    cases.add_argument("--summary", metavar="PATH", help="write the summary JSON here (.json)")
    tsm = cases.add_argument_group("TSM CH01/CH02 (see docs/tsm.md)")
    tsm.add_argument(
        "--period",
        type=_period,
        action="append",
        metavar="YEAR|YEAR-Qn",
        help="reporting period: 2024 is April 2024 to March 2025, 2024-Q1 its first quarter "
        "(repeatable; default: every reporting year in the data, with its quarters)",
    )
    tsm.add_argument("--homes", type=int, metavar="N", help="homes for CH01 (else the stock)")
    tsm.add_argument(
        "--stock",
        choices=[s.value for s in StockField],
        default=StockField.HOMES_OWNED.value,
        help="which housing-stock figure CH01 divides by (default: homes_owned)",
    )
    tsm.add_argument(
        "--tsm-extensions",
        choices=[e.value for e in TsmExtensions],
        default=TsmExtensions.VALID_EXTENSION_COUNTS.value,
        help="whether a response within a valid extension is on time for CH02",
    )
    tsm.add_argument(
        "--tsm-denominator",
        choices=[d.value for d in TsmDenominator],
        default=TsmDenominator.RESPONDED.value,
        help="CH02 as a share of responses issued in the period (default) or of responses "
        "to complaints received in it",
    )
    tsm.add_argument(
        "--tsm-exclude-withdrawn",
        action="store_true",
        help="leave withdrawn complaints out of CH01",
    )
    run = cases.add_argument_group("running")
    run.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help=f"worker processes (default: the CPUs available, here {default_jobs()})",
    )
    run.add_argument(
        "--no-fast",
        action="store_true",
        help="judge the timeliness rules case by case instead of over arrays",
    )
    progress = run.add_mutually_exclusive_group()
    progress.add_argument("--progress", action="store_true", help="always show progress")
    progress.add_argument("--no-progress", action="store_true", help="never show progress")
    run.add_argument(
        "--no-fail", action="store_true", help="report only; exit 0 even when rules fail"
    )
    run.add_argument(
        "--allow-rejected",
        action="store_true",
        help="rows that fail validation are listed but do not make the exit code 2",
    )
    add_convention_options(cases)


def _options(args: argparse.Namespace) -> TsmOptions:
    return TsmOptions(
        extensions=TsmExtensions(args.tsm_extensions),
        denominator=TsmDenominator(args.tsm_denominator),
        include_withdrawn=not args.tsm_exclude_withdrawn,
        stock=StockField(args.stock),
        homes=args.homes,
    )


_CSV_HEADER = ["row", "reference", "pack", "rule_id", "verdict", "message"]
_FINDINGS_SUFFIX = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}


def _check_formats(args: argparse.Namespace) -> None:
    """Settle --format from --output's suffix; refuse a file name that promises another."""
    if args.format == "summary" and args.output:
        raise OutputError(
            f"--output {args.output}: --format summary prints the summary on standard "
            "output and writes no findings; use --summary PATH to write it to a file"
        )
    args.format = format_for_output(
        "--output", args.output, args.format, _FINDINGS_SUFFIX, default="jsonl"
    )
    format_for_output("--summary", args.summary, "json", {".json": "json"}, default="json")
    if args.format == "parquet" and not args.output:
        raise OutputError("--format parquet: a Parquet file is binary; give --output PATH.parquet")


def run_cases(args: argparse.Namespace, engine: Engine) -> int:
    from ..bulk.evaluate import Progress, evaluate_file

    # Before anything is read: an output must not overwrite an input or fail after the run.
    check_destinations(
        [("--output", args.output), ("--summary", args.summary)],
        [("FILE", args.file), ("--mapping", args.mapping), ("--organisation", args.organisation)],
    )
    _check_formats(args)
    organisation = load_organisation(args.organisation) if args.organisation else None
    if args.homes is not None and args.homes <= 0:
        print("complaintrules: --homes must be a positive number", file=sys.stderr)
        return EXIT_USAGE
    jobs = args.jobs if args.jobs is not None else default_jobs()
    if jobs < 1:
        print("complaintrules: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE

    as_of, source = judging_date(args, engine)
    enabled = True if args.progress else False if args.no_progress else None
    progress = Progress(sys.stderr, enabled=enabled)
    with ExitStack() as stack:
        on_result: Callable[[CaseResult], None] | None = None
        if args.format == "parquet":
            handle = stack.enter_context(atomic_writer(args.output, "wb"))
            table_writer = stack.enter_context(_ParquetFindings(handle))
            on_result = table_writer.add
        elif args.format != "summary":
            out: IO[str] = (
                stack.enter_context(atomic_writer(args.output, "w", newline=""))
                if args.output
                else sys.stdout
            )
            keyed = args.landlord is not None or _maps_landlord(args.mapping)
            on_result = _writer(args.format, out, landlord=keyed)
        summary = evaluate_file(
            args.file,
            args.mapping,
            engine=engine,
            pack=args.pack,
            as_of=as_of,
            organisation=organisation,
            fast=not args.no_fast,
            on_result=on_result,
            jobs=jobs,
            progress=progress,
            blocked=args.block,
            autoload=False if args.no_autoload else None,
            landlord=args.landlord,
            sheet=args.sheet,
        )
    report = summary.to_dict(options=_options(args), organisation=organisation, periods=args.period)
    report["as_of"] = as_of.isoformat()
    report["as_of_source"] = source
    report["conventions"] = engine.conventions.describe()
    report["calendar"] = engine.calendar.describe()
    if args.summary:
        write_atomic(args.summary, json.dumps(report, indent=2) + "\n")
    if args.format == "summary":
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif not args.summary:
        sys.stderr.write(render_summary(summary, report))
    every = summary.pooled()  # every landlord's rows and failures
    source = args.file
    if args.sheet is not None:
        source = f"{args.file} (sheet {args.sheet!r})"
    _list_rejected(every, source)
    _list_duplicates(report)
    if every.rejected_rows and not args.allow_rejected:
        # Bad rows are an input error: a CI job must not pass on an export it could not read.
        return EXIT_USAGE
    if args.no_fail or not every.failures:
        return EXIT_OK
    return EXIT_FAILED


class _ParquetFindings:
    """Findings written to a Parquet file, one row per finding, a row group per 50,000:
    ``row`` (int64), ``reference``, ``landlord``, ``pack``, ``rule_id``, ``verdict``,
    ``message`` (text)."""

    SCHEMA_FIELDS = ("row", "reference", "landlord", "pack", "rule_id", "verdict", "message")

    def __init__(self, handle: IO[bytes], rows_per_group: int = 50_000) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        fields = [pa.field("row", pa.int64())]
        fields += [pa.field(name, pa.string()) for name in self.SCHEMA_FIELDS[1:]]
        self.schema = pa.schema(fields)
        self._writer = pq.ParquetWriter(handle, self.schema)
        self._columns: list[list[Any]] = [[] for _ in self.SCHEMA_FIELDS]
        self._size = rows_per_group

    def add(self, result: CaseResult) -> None:
        columns = self._columns
        for rule_id, verdict, message in result.verdicts:
            for column, value in zip(
                columns,
                (
                    result.row,
                    result.reference,
                    result.landlord,
                    result.pack,
                    rule_id,
                    verdict.value,
                    message,
                ),
                strict=True,
            ):
                column.append(value)
        if len(columns[0]) >= self._size:
            self._flush()

    def _flush(self) -> None:
        if self._columns[0]:
            self._writer.write_table(
                self._pa.Table.from_arrays(
                    [
                        self._pa.array(c, type=f.type)
                        for c, f in zip(self._columns, self.schema, strict=True)
                    ],
                    schema=self.schema,
                )
            )
            self._columns = [[] for _ in self.SCHEMA_FIELDS]

    def __enter__(self) -> _ParquetFindings:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self._flush()
        self._writer.close()


def _maps_landlord(mapping: str | None) -> bool:
    from ..io.tabular import load_mapping

    return mapping is not None and load_mapping(mapping).spec("landlord") is not None


def _writer(fmt: str, out: IO[str], *, landlord: bool = False) -> Callable[[CaseResult], None]:
    if fmt == "csv" and landlord:
        writer = csv.writer(out)
        writer.writerow(["row", "reference", "landlord", *_CSV_HEADER[2:]])

        def write_keyed_csv(result: CaseResult) -> None:
            for rule_id, verdict, message in result.verdicts:
                writer.writerow(
                    spreadsheet_row(
                        [
                            result.row,
                            result.reference,
                            result.landlord,
                            result.pack,
                            rule_id,
                            verdict.value,
                            message,
                        ]
                    )
                )

        return write_keyed_csv
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(_CSV_HEADER)

        def write_csv(result: CaseResult) -> None:
            for rule_id, verdict, message in result.verdicts:
                # The reference and messages carry the export's text: no cell runs as a formula.
                writer.writerow(
                    spreadsheet_row(
                        [result.row, result.reference, result.pack, rule_id, verdict.value, message]
                    )
                )

        return write_csv

    def write_jsonl(result: CaseResult) -> None:
        out.write(json.dumps(result.to_dict()) + "\n")

    return write_jsonl


def _list_rejected(summary: BulkSummary, source: object, limit: int = 20) -> None:
    if not summary.rejected_rows:
        return
    print(
        f"complaintrules: {source}: {summary.rejected_rows} row(s) rejected "
        "(all of them are in the summary's 'rejected' list):",
        file=sys.stderr,
    )
    # Each line names the file as well as the row, so a log line alone says where to look.
    for problem in summary.rejected[:limit]:
        print(terminal_text(f"  {source}: {problem}"), file=sys.stderr)
    if len(summary.rejected) > limit:
        print(f"  ... and {len(summary.rejected) - limit} more problem(s)", file=sys.stderr)


def _list_duplicates(report: dict[str, Any], limit: int = 20) -> None:
    count, listed = report["rows"]["duplicates"], report["duplicates"]
    if not count:
        return
    print(
        f"complaintrules: warning: {count} row(s) repeat the reference of an "
        "earlier row; every row was evaluated and counted, so the TSM counts include the "
        "repeats (all of them are in the summary's 'duplicates' list):",
        file=sys.stderr,
    )
    for item in listed[:limit]:
        whose = f" of landlord {item['landlord']}" if item.get("landlord") else ""
        print(
            terminal_text(
                f"  row {item['row']}: {item['reference']}{whose} (first at row "
                f"{item['first_row']})"
            ),
            file=sys.stderr,
        )
    if len(listed) > limit:
        print(f"  ... and {len(listed) - limit} more", file=sys.stderr)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def render_summary(summary: BulkSummary, report: dict[str, Any]) -> str:
    """The summary as a few lines of text, for a terminal."""
    rows, conv = report["rows"], report["conventions"]
    lines = [
        "conventions: receipt on a non-working day: "
        f"{conv['non_working_day_receipt']}; cut-off: {conv['cutoff'] or 'none'}; "
        f"late acknowledgement: {conv['late_acknowledgement']}",
        f"rows: {rows['in']} in, {rows['evaluated']} evaluated, {rows['rejected']} rejected, "
        f"{rows['duplicates']} repeating an earlier reference; "
        f"{report['cases_failed']} case(s) with a must-level failure",
        "verdicts per rule (pass / fail / not applicable / needs evidence / error):",
    ]
    if report["as_of"]:
        snap = report["snapshot"]
        given = (
            "" if report.get("as_of_source") in (None, "given") else f", {report['as_of_source']}"
        )
        lines.insert(
            -1,
            f"as of {report['as_of']}{given}: {snap['cases_not_yet_received']} case(s) received "
            f"after it (counted, not judged); {snap['events_ignored']} event(s) after it "
            f"ignored in {snap['cases_with_events_ignored']} case(s)",
        )
    for rule_id, counts in report["verdicts"].items():
        lines.append(
            f"  {rule_id:<12} {counts['pass']:>8} {counts['fail']:>8} "
            f"{counts['not_applicable']:>8} {counts['needs_evidence']:>8} {counts['error']:>6}"
        )
    measures = [("", entry) for entry in report["tsm"]]
    for key, part in report.get("landlords", {}).items():
        measures += [(f" (landlord {key})", entry) for entry in part["tsm"]]
    for whose, entry in measures:
        ch01, ch02, ack = entry["CH01"], entry["CH02"], entry["acknowledgement"]
        per = (
            f"{ch01['stage1_per_1000_homes']} / {ch01['stage2_per_1000_homes']} per 1,000 homes"
            if entry["homes"]
            else f"needs housing stock ({entry['homes_source']})"
        )
        lines.append(
            f"TSM {entry['period']['label']}{whose}: CH01 stage 1/2 {ch01['stage1_received']} / "
            f"{ch01['stage2_received']} complaints, {per}; CH02 stage 1 "
            f"{_pct(ch02['stage1_percent_within_timescale'])} "
            f"({ch02['stage1_within_timescale']}/{ch02['stage1_responses']}), stage 2 "
            f"{_pct(ch02['stage2_percent_within_timescale'])} "
            f"({ch02['stage2_within_timescale']}/{ch02['stage2_responses']}); acknowledged in "
            f"time {_pct(ack['stage1']['percent_in_time'])} / "
            f"{_pct(ack['stage2']['percent_in_time'])}"
        )
    if report["breaches_by_month"]:
        lines.append("breaches by month:")
        for month, by_rule in report["breaches_by_month"].items():
            listed = ", ".join(f"{r} {n}" for r, n in by_rule.items())
            lines.append(f"  {month}: {sum(by_rule.values())} ({listed})")
    return terminal_text("\n".join(lines)) + "\n"
