"""The self-assessment shows every case, including those judged under the other Code
(issue 12, item 3): on the row of the equivalent provision, or listed as having none."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from complaintrules import Complaint, Engine, Verdict, read_cases
from complaintrules.cli.main import EXIT_OK, main
from complaintrules.model.synthetic import write_synthetic_csv
from complaintrules.reports.forms import render_form_csv, render_form_markdown
from complaintrules.reports.html import render_form_html
from complaintrules.reports.self_assessment import (
    NO_EQUIVALENT,
    Comply,
    SelfAssessmentForm,
    build_self_assessment,
)
from complaintrules.testing import default_engine

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"
CUTOVER = date(2024, 4, 1)

#: The issue's two scenarios: (first day received, days, as of).
SCENARIOS = {
    "april_2023_to_march_2024": (date(2023, 4, 1), 366, date(2024, 5, 31)),
    "year_spanning_april_2024": (date(2023, 10, 1), 366, date(2024, 10, 31)),
}


def _cases(tmp: Path, start: date, days: int) -> list[Complaint]:
    path = write_synthetic_csv(tmp / "export.csv", 120, start=start, days=days, seed=12)
    cases = [row.case for row in read_cases(path, MAPPING) if row.case is not None]
    assert len(cases) == 120
    return cases


@pytest.fixture(scope="module", params=sorted(SCENARIOS))
def scenario(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[Complaint], date, SelfAssessmentForm]:
    start, days, as_of = SCENARIOS[request.param]
    cases = _cases(tmp_path_factory.mktemp(request.param), start, days)
    engine = default_engine()
    report = engine.evaluate(cases=cases, as_of=as_of)
    pack = report.packs[0]
    assert pack.name == "code_2024"  # the form of the Code in force on the as-of date
    form = build_self_assessment(report, engine.registry.rules_for(pack), pack=pack, cases=cases)
    return cases, as_of, form


def test_cases_in_equal_cases_shown(
    scenario: tuple[list[Complaint], date, SelfAssessmentForm],
) -> None:
    cases, _, form = scenario
    assert form.case_refs() == {c.reference for c in cases}
    earlier = sum(c.received_on < CUTOVER for c in cases)
    assert earlier > 0
    (other,) = form.other_codes
    assert other[0] == "code_2020" and other[2] == earlier


def test_counts_on_the_form_equal_the_per_code_engine_counts(
    scenario: tuple[list[Complaint], date, SelfAssessmentForm],
) -> None:
    """Each case judged alone, under the pack the engine picks for its date: every rule's
    verdict counts are found on the form (on its own row, on each equivalent row, or under
    no equivalent), none lost, none changed."""
    cases, as_of, form = scenario
    engine = default_engine()
    expected: dict[tuple[str, str], Counter[Verdict]] = {}
    for case in cases:
        for f in engine.evaluate_case(case, as_of=as_of).findings:
            expected.setdefault((f.pack, f.rule_id), Counter())[f.verdict] += 1
    shown: dict[tuple[str, str], list[Counter[Verdict]]] = {}
    for row in (*form.rows, *form.no_equivalent):
        own = Counter(f.verdict for f in row.findings if f.subject.value == "case")
        if own:
            shown.setdefault((form.pack.name, row.rule_id), []).append(own)
        for other in row.other_code:
            key = (other.pack, other.rule_id)
            shown.setdefault(key, []).append(Counter(f.verdict for f in other.findings))
    assert set(shown) == set(expected)
    for key, counts in shown.items():
        assert all(c == expected[key] for c in counts), key


def test_other_code_failures_show_as_no_on_the_equivalent_rows(
    scenario: tuple[list[Complaint], date, SelfAssessmentForm],
) -> None:
    """The issue: the 2024 form said "0 No" for cases the 2020 form fails."""
    cases, as_of, form = scenario
    engine = default_engine()
    earlier = [c for c in cases if c.received_on < CUTOVER]
    report = engine.evaluate(cases=earlier, pack="code_2020", as_of=as_of)
    failed = {f.rule_id for f in report.findings if f.verdict is Verdict.FAIL}
    assert failed
    equivalents = engine.pack("code_2020").equivalents
    on_form = {row.rule_id for row in form.rows}
    for rule_id in failed:
        targets = [t for t in equivalents.get(rule_id, ()) if t in on_form]
        rows = [form.row(t) for t in targets] or [
            r for r in form.no_equivalent if r.rule_id == rule_id
        ]
        assert rows, rule_id
        for row in rows:
            assert row.comply is Comply.NO, (rule_id, row.rule_id)
            assert any(o.rule_id == rule_id for o in row.other_code)
            assert "judged under the Housing Ombudsman Complaint Handling Code (July 2020" in (
                row.commentary
            )


def test_no_equivalent_findings_are_listed(
    scenario: tuple[list[Complaint], date, SelfAssessmentForm],
) -> None:
    _, _, form = scenario
    listed = {row.rule_id for row in form.no_equivalent}
    assert {"CHC20-5.18", "CHC20-5.19", "CHC20-5.20"} <= listed
    assert form.all_sections[-1].title == NO_EQUIVALENT
    assert all(row.rule_id not in {r.rule_id for r in form.rows} for row in form.no_equivalent)


def test_every_format_says_so(
    scenario: tuple[list[Complaint], date, SelfAssessmentForm],
) -> None:
    _, _, form = scenario
    count = form.other_codes[0][2]
    note = f"Note: {count} cases in this period were judged under the"
    markdown = render_form_markdown(form)
    assert note in markdown
    assert f"## {NO_EQUIVALENT}" in markdown
    assert "| code_2020 5.18 |" in markdown
    html = render_form_html(form)
    assert note in html and f"<h2>{NO_EQUIVALENT}</h2>" in html
    rows = list(csv.DictReader(io.StringIO(render_form_csv(form))))
    by_rule = {r["Rule"]: r for r in rows}
    assert by_rule["CHC20-5.18"]["Section"] == NO_EQUIVALENT
    assert "judged under" in by_rule["CHC24-6.3"]["Commentary / explanation"]


def test_docx_says_so(scenario: tuple[list[Complaint], date, SelfAssessmentForm]) -> None:
    docx = pytest.importorskip("docx")
    from complaintrules.reports.docx import render_form_docx

    _, _, form = scenario
    document = docx.Document(io.BytesIO(render_form_docx(form)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Note: {form.other_codes[0][2]} cases in this period" in text
    assert NO_EQUIVALENT in text
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert any(c.startswith("code_2020 5.18") for c in cells)


def test_self_assess_command_shows_the_other_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start, days, as_of = SCENARIOS["year_spanning_april_2024"]
    cases = _cases(tmp_path, start, days)
    cases_file = tmp_path / "cases.json"
    cases_file.write_text(
        json.dumps([c.model_dump(mode="json", exclude_none=True) for c in cases]),
        encoding="utf-8",
    )
    policy = ROOT / "examples" / "landlord" / "policy.yaml"
    argv = ["self-assess", str(policy), "--cases", str(cases_file), "--as-of", str(as_of)]
    assert main([*argv, "--format", "csv"]) == EXIT_OK
    out = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert any(r["Section"] == NO_EQUIVALENT for r in rows)
    row = next(r for r in rows if r["Rule"] == "CHC24-6.3")
    assert "as its provision 5.1 (CHC20-5.1)" in row["Commentary / explanation"]
    assert main(argv) == EXIT_OK
    assert "judged under the Housing Ombudsman" in capsys.readouterr().out


def test_a_form_of_the_older_code_shows_newer_cases(tmp_path: Path) -> None:
    """The map is read in both directions: 2024 cases on a 2020 form."""
    cases = _cases(tmp_path, date(2024, 1, 1), 182)
    engine = Engine()
    report = engine.evaluate(cases=cases, on=date(2024, 3, 31), as_of=date(2024, 7, 31))
    pack = report.packs[0]
    assert pack.name == "code_2020"
    form = build_self_assessment(report, engine.registry.rules_for(pack), pack=pack, cases=cases)
    assert form.case_refs() == {c.reference for c in cases}
    assert [name for name, _, _ in form.other_codes] == ["code_2024"]
    assert any(o.rule_id == "CHC24-6.3" for o in form.row("5.1").other_code)
