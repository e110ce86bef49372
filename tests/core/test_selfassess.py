"""`complaintrules self-assess` and `action-plan`: the form, its four outputs, the plan."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import tempfile
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from complaintrules import Engine, PackRegistry
from complaintrules.cli.main import EXIT_OK, EXIT_USAGE, main
from complaintrules.io.loading import load_cases, load_organisation, load_policy
from complaintrules.reports.action_plan import (
    NO_ACTION,
    ActionPlan,
    build_action_plan,
    load_actions,
)
from complaintrules.reports.forms import PLAN_COLUMNS, plan_cells
from complaintrules.reports.self_assessment import (
    COLUMNS,
    Comply,
    SelfAssessmentForm,
    build_self_assessment,
)

ROOT = Path(__file__).resolve().parents[2]
LANDLORD = ROOT / "examples" / "landlord"
INPUTS = [
    str(LANDLORD / "policy.yaml"),
    "--organisation",
    str(LANDLORD / "organisation.yaml"),
    "--cases",
    str(LANDLORD / "cases.yaml"),
    "--as-of",
    "2025-03-31",
]
ACTIONS = str(LANDLORD / "actions.yaml")


def sections() -> list[str]:
    registry = PackRegistry()
    rules = registry.rules_for(registry.get("code_2024"))
    return list(dict.fromkeys(r.section for r in rules))


@pytest.fixture(scope="module")
def form() -> SelfAssessmentForm:
    engine = Engine()
    pack = engine.pack("code_2024")
    policy = load_policy(LANDLORD / "policy.yaml")
    organisation = load_organisation(LANDLORD / "organisation.yaml")
    cases = load_cases(LANDLORD / "cases.yaml")
    report = engine.evaluate(
        policy=policy, organisation=organisation, cases=cases, pack=pack, as_of=date(2025, 3, 31)
    )
    return build_self_assessment(
        report,
        engine.registry.rules_for(pack),
        pack=pack,
        policy=policy,
        organisation=organisation,
        cases=cases,
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- the form ----------------------------------------------------------------------------


def test_practice_is_compared_with_policy(form: SelfAssessmentForm) -> None:
    row = form.row("6.3")
    assert row.comply is Comply.NO
    assert row.practice is not None and row.practice.timeliness
    met, judged = row.practice.met, row.practice.judged
    assert 0 < met < judged
    pct = f"{100 * met / judged:.1f}%"
    assert (
        f"Policy compliant; in practice {met} of {judged} stage 1 responses ({pct}) were "
        "within the Code's timescale" in row.commentary
    )
    assert any(e.startswith("Policy: Example Homes Complaints Policy") for e in row.evidence)
    assert any(e.startswith("Case records:") for e in row.evidence)


def test_attestations_fill_the_rows_that_need_a_person(form: SelfAssessmentForm) -> None:
    row = form.row("4.2")
    assert row.comply is Comply.YES
    assert "Daniel Okoro" in row.commentary
    assert any("Scheme of delegation" in e for e in row.evidence)


def test_without_an_organisation_person_rows_need_evidence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "self-assess", str(LANDLORD / "policy.yaml"), "--format", "csv")
    assert code == EXIT_OK
    rows = {r["Code provision"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["4.2"]["Comply"] == "Evidence needed"
    assert "Needs a person's attestation" in rows["4.2"]["Commentary / explanation"]
    assert "Practice" not in rows["6.1"]["Commentary / explanation"]


def test_monthly_rates(form: SelfAssessmentForm) -> None:
    by_rule = {m.rule_id for m in form.monthly}
    assert {"CHC24-6.2", "CHC24-6.3"} <= by_rule
    row = form.row("6.3")
    assert row.practice is not None
    monthly = [m for m in form.monthly if m.rule_id == "CHC24-6.3"]
    assert sum(m.judged for m in monthly) == row.practice.judged
    assert all(re.fullmatch(r"\d{4}-\d{2}", m.month) for m in monthly)


# -- outputs -----------------------------------------------------------------------------


def test_markdown_has_one_table_per_section(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "self-assess", *INPUTS)
    assert code == EXIT_OK
    headings = [line[3:] for line in out.splitlines() if line.startswith("## ")]
    # the form opens with its governance and a note on how it was filled (issue 15)
    assert headings == ["Governance", "About this form", *sections()]
    header = "| " + " | ".join(COLUMNS) + " |"
    assert out.count(header) == len(sections())
    row = next(line for line in out.splitlines() if line.startswith("| 6.3 |"))
    assert "| **No** |" in row and "stage 1 responses" in row


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[str] = []
        self.svg = 0
        self.polylines = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(dict(attrs).get("class") or "")
        self.svg += tag == "svg"
        self.polylines += tag == "polyline"


def test_html_is_self_contained_with_a_chart(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "form.html"
    code, _, err = run(capsys, "self-assess", *INPUTS, "--output", str(out))
    assert code == EXIT_OK
    assert "wrote" in err
    html = out.read_text(encoding="utf-8")
    parsed = _Tables()
    parsed.feed(html)
    assert parsed.tables.count("form") == len(sections())
    assert parsed.svg == 1 and parsed.polylines >= 2
    assert "@media print" in html and "@page" in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")


def test_the_chart_ends_with_the_as_of_month(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A response sent early, before the as-of date, falls due in the next month: that month
    has not run, so it is not plotted; the caption says what was left off the chart."""
    cases = tmp_path / "cases.json"
    cases.write_text(
        '{"cases": [{"reference": "M-1", "received_on": "2025-03-03", "stages": [{"number": 1,'
        ' "acknowledged": {"on": "2025-03-04"}, "response": {"issued_on": "2025-03-10"}}]},'
        ' {"reference": "M-2", "received_on": "2025-03-26", "stages": [{"number": 1,'
        ' "acknowledged": {"on": "2025-03-27"}, "response": {"issued_on": "2025-03-28"}}]}]}',
        encoding="utf-8",
    )
    argv = ["self-assess", str(LANDLORD / "policy.yaml"), "--organisation"]
    argv += [str(LANDLORD / "organisation.yaml"), "--cases", str(cases), "--format", "html"]
    code, html, _ = run(capsys, *argv, "--as-of", "2025-03-31")
    assert code == EXIT_OK
    assert "<th>2025-03</th>" in html and "2025-04" not in html.split("<figcaption>")[0]
    assert "<th>2025-04</th>" not in html
    assert "falling due after 2025-03-31, already met" in html
    code, html, _ = run(capsys, *argv, "--as-of", "2025-04-30")
    assert code == EXIT_OK
    assert "<th>2025-04</th>" in html and "falling due after" not in html


def test_csv_one_row_per_provision(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "self-assess", *INPUTS, "--format", "csv")
    assert code == EXIT_OK
    rows = list(csv.DictReader(io.StringIO(out)))
    registry = PackRegistry()
    assert [r["Rule"] for r in rows] == [
        r.id for r in registry.rules_for(registry.get("code_2024"))
    ]
    assert {r["Comply"] for r in rows} <= {c.value for c in Comply}


def test_docx_opens_with_one_table_per_section(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    docx = pytest.importorskip("docx")
    out = tmp_path / "form.docx"
    code, _, _ = run(capsys, "self-assess", *INPUTS, "--output", str(out))
    assert code == EXIT_OK
    document = docx.Document(str(out))
    assert len(document.tables) == len(sections())
    for table, title in zip(document.tables, sections(), strict=True):
        assert [c.text for c in table.rows[0].cells] == list(COLUMNS)
        assert table.rows[1].cells[0].text.split("\n")[0].split(".")[0] == title.split()[1][0]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Governance", "About this form", *sections()]
    row = next(r for t in document.tables for r in t.rows if r.cells[0].text.startswith("6.3\n"))
    assert row.cells[2].text == "No"


def test_docx_needs_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "self-assess", *INPUTS, "--format", "docx")
    assert code == EXIT_USAGE
    assert "--output" in err


def test_docx_without_python_docx_is_a_clear_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "docx", None)  # import docx -> ImportError
    for name in [m for m in sys.modules if m.startswith("docx.")]:
        monkeypatch.delitem(sys.modules, name)  # as in a fresh process without the extra
    for command, extra in (("self-assess", []), ("action-plan", ["--actions", ACTIONS])):
        target = tmp_path / "f.docx"
        code, _, err = run(capsys, command, *INPUTS, *extra, "--output", str(target))
        assert code == EXIT_USAGE
        assert 'pip install "complaintrules[office]"' in err
        assert "Traceback" not in err
        assert not target.exists()


# -- the action plan ---------------------------------------------------------------------


def test_action_plan_reads_actions_and_lists_rows_without_one(
    form: SelfAssessmentForm,
) -> None:
    plan = build_action_plan(form, load_actions(ACTIONS), path=ACTIONS)
    refs = [r.ref for r in plan.non_compliant]
    assert refs == [r.provision for r in form.rows if r.comply is Comply.NO]
    row_63 = next(r for r in plan.non_compliant if r.ref == "6.3")
    assert len(row_63.actions) == 2
    assert row_63.actions[0].lead == "Complaints Resolution Manager"
    gaps = [r.ref for r in plan.without_action]
    assert "6.13" in gaps and "6.3" not in gaps  # 6.13 is left without an action on purpose
    assert all(r.comply is Comply.NO for r in plan.without_action)
    assert "4.3" in [r.ref for r in plan.improvements]


def test_action_plan_command_outputs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "action-plan", *INPUTS, "--actions", ACTIONS)
    assert code == EXIT_OK
    assert (
        "| Ref | Requirement | Commentary | Actions | Timescales | Lead | Status | Completed |"
        in out
    )
    assert "| 6.13 |" in out and f"**{NO_ACTION}**" in out
    assert re.search(r"\d+ non-compliant provision\(s\) without an action yet: [\d., ]*6\.13", out)
    code, out, _ = run(capsys, "action-plan", *INPUTS, "--actions", ACTIONS, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["Ref"] for r in rows} >= {"6.2", "6.3", "6.13", "4.3"}
    assert next(r for r in rows if r["Ref"] == "6.13")["Actions"] == NO_ACTION
    html = tmp_path / "plan.html"
    assert run(capsys, "action-plan", *INPUTS, "--actions", ACTIONS, "-o", str(html))[0] == 0
    assert "No action recorded yet" in html.read_text(encoding="utf-8")
    docx = pytest.importorskip("docx")
    path = tmp_path / "plan.docx"
    assert run(capsys, "action-plan", *INPUTS, "--actions", ACTIONS, "-o", str(path))[0] == 0
    tables = docx.Document(str(path)).tables
    assert [c.text for c in tables[0].rows[0].cells] == [
        "Ref",
        "Requirement",
        "Commentary",
        "Actions",
        "Timescales",
        "Lead",
        "Status",
        "Completed",
    ]


def test_self_assess_with_actions_appends_the_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "self-assess", *INPUTS, "--actions", ACTIONS)
    assert code == EXIT_OK
    assert "## Example Homes complaints improvement plan 2025/26" in out


def test_action_for_an_unknown_provision_names_file_line_and_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    actions = tmp_path / "actions.yaml"
    actions.write_text(
        "actions:\n  - provision: '6.3'\n    action: x\n  - provision: '66.3'\n    action: y\n"
    )
    code, _, err = run(capsys, "action-plan", *INPUTS, "--actions", str(actions))
    assert code == EXIT_USAGE
    assert "actions.yaml:line 4: actions[1].provision: no provision 66.3" in err
    actions.write_text("actions:\n  - provision: '6.3'\n    acton: typo\n")
    code, _, err = run(capsys, "action-plan", *INPUTS, "--actions", str(actions))
    assert code == EXIT_USAGE
    assert "line 3: actions[0].acton: unknown field" in err


def _plan_for(tmp_path: Path, form: SelfAssessmentForm, text: str) -> ActionPlan:
    actions = tmp_path / "actions.yaml"
    actions.write_text(text, encoding="utf-8")
    return build_action_plan(form, load_actions(actions), path=actions)


def _non_compliant(form: SelfAssessmentForm) -> list[str]:
    return [r.provision for r in form.rows if r.comply is Comply.NO]


def test_a_grouped_reference_shares_one_row_as_landlords_publish_it(
    tmp_path: Path, form: SelfAssessmentForm
) -> None:
    first, second = _non_compliant(form)[:2]
    plan = _plan_for(
        tmp_path,
        form,
        f"actions:\n  - provision: '{first} & {second}'\n    action: One shared fix\n",
    )
    refs = [r.ref for r in plan.non_compliant]
    assert f"{first} & {second}" in refs and first not in refs and second not in refs
    row = next(r for r in plan.non_compliant if r.ref == f"{first} & {second}")
    assert row.provisions == (first, second)
    assert row.requirement.startswith(f"{first}: ") and f"\n{second}: " in row.requirement
    assert [a.action for a in row.actions] == ["One shared fix"]
    assert row not in plan.without_action


def test_a_grouped_action_beside_an_own_action_keeps_the_rows_apart(
    tmp_path: Path, form: SelfAssessmentForm
) -> None:
    first, second = _non_compliant(form)[:2]
    plan = _plan_for(
        tmp_path,
        form,
        f"actions:\n  - provision: '{first}, {second}'\n    action: Shared fix\n"
        f"  - provision: '{second}'\n    action: Own fix\n",
    )
    rows = {r.ref: r for r in plan.non_compliant}
    assert first in rows and second in rows
    assert plan_cells(rows[first])[3] == f"Shared fix (for {first}, {second})"
    assert plan_cells(rows[second])[3] == f"Shared fix (for {first}, {second})\nOwn fix"


def test_status_completion_and_landlord_commentary_have_their_columns(
    tmp_path: Path, form: SelfAssessmentForm
) -> None:
    first = _non_compliant(form)[0]
    plan = _plan_for(
        tmp_path,
        form,
        f"actions:\n  - provision: '{first}'\n    action: Done already\n"
        "    completed_on: 2025-02-14\n    commentary: Live since February.\n"
        f"  - provision: '{first}'\n    action: Next step\n    status: started\n",
    )
    row = next(r for r in plan.non_compliant if r.ref == first)
    cells = dict(zip(PLAN_COLUMNS, plan_cells(row), strict=True))
    assert cells["Status"] == "done\nstarted"
    assert cells["Completed"] == "2025-02-14\n-"
    assert cells["Commentary"].endswith("\nLandlord: Live since February.")
    assert cells["Commentary"].startswith(row.commentary)


def test_self_assess_csv_with_actions_keeps_the_plan(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "self-assess", *INPUTS, "--actions", ACTIONS, "--format", "csv")
    assert code == EXIT_OK
    rows = {r["Code provision"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["6.13"]["Actions"] == NO_ACTION
    assert "Recruit a sixth complaint handler" in rows["6.3"]["Actions"]
    assert rows["6.3"]["Lead"].splitlines() == [
        "Complaints Resolution Manager",
        "Director of Customer Experience",
    ]
    assert {"Timescales", "Status", "Completed"} <= set(rows["6.3"])
    code, out, _ = run(capsys, "self-assess", *INPUTS, "--format", "csv")
    assert "Actions" not in out.splitlines()[0]  # no plan asked for, no plan columns


@pytest.mark.parametrize(
    ("provision", "extra", "expected"),
    [
        ("6.3 & 66.3", "", "line 2: actions[0].provision: no provision 66.3"),
        ("6.3 & 6.3", "", "line 2: actions[0].provision: provision 6.3 named twice"),
        ("6.3 &", "", "line 2: actions[0].provision:"),
        ("6.3", "    completed_on: 2025-02-30\n", "line 4: actions[0].completed_on:"),
        ("6.3", "    status: ''\n", "line 4: actions[0].status:"),
    ],
)
def test_bad_actions_name_line_and_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, provision: str, extra: str, expected: str
) -> None:
    actions = tmp_path / "actions.yaml"
    actions.write_text(
        f"actions:\n  - provision: '{provision}'\n    action: x\n{extra}", encoding="utf-8"
    )
    code, _, err = run(capsys, "action-plan", *INPUTS, "--actions", str(actions))
    assert code == EXIT_USAGE
    assert expected in err, err


def test_action_plan_needs_actions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["action-plan", *INPUTS])
    assert info.value.code == EXIT_USAGE


# -- a real browser ------------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium installed")
def test_html_renders_in_a_headless_browser(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Chromium loads the page and takes a screenshot of a sensible size (docs/self-assessment.md
    shows how to look at it). A blank or broken page gives a tiny, single-colour PNG."""
    page = tmp_path / "form.html"
    assert run(capsys, "self-assess", *INPUTS, "--output", str(page))[0] == EXIT_OK
    shot = tmp_path / "form.png"
    browser = _chromium()
    assert browser is not None
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--screenshot={shot}",
                "--window-size=1200,1600",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
            env={**os.environ, "HOME": profile},
        )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 1600)
    assert len(data) > 50_000  # text, tables and a chart; a blank page is a few KB


@pytest.mark.skipif(
    _chromium() is None or shutil.which("pdftotext") is None,
    reason="needs headless Chromium and poppler's pdftotext",
)
def test_printed_plan_keeps_a_completion_date_on_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Printed to A4 by Chromium, the plan's Completed column shows 6.5's date whole
    (it was broken after "2025-03-" by the column's width)."""
    page = tmp_path / "plan.html"
    assert run(capsys, "action-plan", *INPUTS, "--actions", ACTIONS, "-o", str(page))[0] == 0
    pdf = tmp_path / "plan.pdf"
    browser = _chromium()
    assert browser is not None
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-pdf-header-footer",
                f"--user-data-dir={profile}",
                f"--print-to-pdf={pdf}",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
            env={**os.environ, "HOME": profile},
        )
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    row = next(line for line in text.splitlines() if line.lstrip().startswith("6.5 "))
    assert row.rstrip().endswith("2025-03-20")
