"""Agreement of the policy reader with the verdicts a policy's own text decides.

    python benchmarks/policy_accuracy.py DIR [--as-of YYYY-MM-DD]

Issue 14's first target: on a set of real published policies kept outside the project,
at least 90% agreement with the verdicts their text decides, and no provision passed
where the text fails it. The policies themselves never enter this repository; this
script scores a directory of them.

DIR holds the documents (``.txt``, ``.md``, ``.html``, ``.htm``, ``.docx``, ``.pdf``)
and ``DIR/expected/*.yaml``, one file per document, written by a person reading the
document before running the tool::

    document: some-policy.docx    # a file in DIR
    pack: code_2024               # optional; the default is the newest Code
    expect:                       # only provisions the text itself decides
      CHC24-6.3: {verdict: fail, where: "4.2: 10 working days from allocation"}
      CHC24-5.3: pass             # the short form, without the location

Each document goes through ``complaintrules check DOC --format json`` (the same command
a policy writer runs, in this process) and the verdict of the policy's finding for each
expected rule is compared with the expectation. A provision the tool leaves as
``needs_evidence`` or ``not_applicable`` where the text decides counts as a miss.

Prints agreement per document and overall, every miss, and every false pass (the tool
passed a provision the text fails). Exit 0 when scored, 2 on a bad directory or file.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from complaintrules.cli.main import main as complaintrules_main

SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
VERDICTS = ("pass", "fail")


@dataclass(frozen=True)
class Expectation:
    rule_id: str
    verdict: str
    where: str


@dataclass(frozen=True)
class Outcome:
    document: str
    rule_id: str
    expected: str
    got: str
    where: str
    message: str

    @property
    def agrees(self) -> bool:
        return self.expected == self.got

    @property
    def false_pass(self) -> bool:
        return self.expected == "fail" and self.got == "pass"


class SetError(Exception):
    """The directory or one of its expectation files is not as documented."""


def load_expectations(path: Path) -> tuple[str, str | None, list[Expectation]]:
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SetError(f"{path}: could not read it as YAML ({exc})") from exc
    if not isinstance(spec, dict) or not isinstance(spec.get("document"), str):
        raise SetError(f"{path}: expected a mapping with 'document' (a file name in the set)")
    expect = spec.get("expect")
    if not isinstance(expect, dict) or not expect:
        raise SetError(f"{path}: expected 'expect', a mapping of rule id to verdict")
    pack = spec.get("pack")
    if pack is not None and not isinstance(pack, str):
        raise SetError(f"{path}: 'pack' must be a pack name")
    out: list[Expectation] = []
    for rule_id, value in expect.items():
        where = ""
        if isinstance(value, dict):
            where = str(value.get("where", ""))
            value = value.get("verdict")
        if value not in VERDICTS:
            raise SetError(f"{path}: expect.{rule_id}: expected one of {', '.join(VERDICTS)}")
        out.append(Expectation(str(rule_id), str(value), where))
    return spec["document"], pack, out


def policy_findings(document: Path, pack: str | None, as_of: str) -> dict[str, dict[str, Any]]:
    """The policy's findings by rule id, from ``complaintrules check`` run in this process."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        argv = ["check", str(document), "--as-of", as_of, "--format", "json", "-o", str(report)]
        if pack:
            argv += ["--pack", pack]
        errors = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(errors):
            code = complaintrules_main(argv)
        if code == 2 or not report.exists():
            raise SetError(f"{document}: check could not read it: {errors.getvalue().strip()}")
        data = json.loads(report.read_text(encoding="utf-8"))
    return {f["rule_id"]: f for f in data["findings"] if f.get("subject") == "policy"}


def score(directory: Path, as_of: str) -> list[Outcome]:
    expected_dir = directory / "expected"
    files = sorted(expected_dir.glob("*.yaml"))
    if not files:
        raise SetError(f"{expected_dir}: no expectation files (*.yaml)")
    outcomes: list[Outcome] = []
    for path in files:
        name, pack, expectations = load_expectations(path)
        document = directory / name
        if document.suffix.lower() not in SUFFIXES or not document.is_file():
            raise SetError(f"{path}: document {name!r} is not a {'/'.join(SUFFIXES)} file in DIR")
        findings = policy_findings(document, pack, as_of)
        for e in expectations:
            finding = findings.get(e.rule_id, {})
            outcomes.append(
                Outcome(
                    name,
                    e.rule_id,
                    e.verdict,
                    str(finding.get("verdict", "no finding")),
                    e.where,
                    str(finding.get("message") or ""),
                )
            )
    return outcomes


def report(outcomes: list[Outcome]) -> str:
    lines: list[str] = []
    documents = sorted({o.document for o in outcomes})
    for name in documents:
        mine = [o for o in outcomes if o.document == name]
        agree = sum(o.agrees for o in mine)
        lines.append(f"{name:<32} {agree:>3}/{len(mine):<3} {100 * agree / len(mine):5.1f}%")
    agree = sum(o.agrees for o in outcomes)
    false_passes = [o for o in outcomes if o.false_pass]
    lines.append(
        f"overall: {agree}/{len(outcomes)} provisions agree ({100 * agree / len(outcomes):.1f}%)"
        f" over {len(documents)} document(s); false passes: {len(false_passes)}"
    )
    misses = [o for o in outcomes if not o.agrees]
    if misses:
        lines.append("misses:")
        for o in misses:
            flag = "  FALSE PASS" if o.false_pass else ""
            lines.append(f"  {o.document} {o.rule_id}: expected {o.expected}, got {o.got}{flag}")
            lines.append(f"      text: {o.where}")
            if o.message:
                lines.append(f"      tool: {o.message}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", metavar="DIR", type=Path)
    parser.add_argument("--as-of", default="2025-01-01", help="judge as of this date")
    args = parser.parse_args(argv)
    try:
        outcomes = score(args.directory, args.as_of)
    except SetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
