"""The annual complaints performance and service improvement report (issue 15 items 5, 6).

A small year worked by hand (period 1 April 2025 to 31 March 2026, judged as of 30 April
2026; 1,000 homes: 800 low-cost rental, 200 low-cost home ownership):

- B-ONTIME (LCRA, Repairs): acknowledged Mon 2 June 2025; 10 working days from then is
  Mon 16 June (3, 4, 5, 6, 9, 10, 11, 12, 13, 16 June): answered on 16 June, the last
  compliant day. Upheld.
- C-LATE (LCHO, Repairs): the same dates, answered on 17 June, one day late. Not upheld;
  escalated on 20 June and answered in time at stage 2 (partly upheld).
- A-LASTDAY (LCRA, ASB): received on 31 March 2026, the period's last day (counts in
  CH01); answered on 1 April 2026, after the period (not in CH02).
- D-NEXTYEAR: received on 1 April 2026, the first day after: in no figure of the period.
- E-RESOLVED-LASTDAY (tenure other, Repairs): answered in time on 27 March 2026, closed on
  31 March 2026, the period's last day. Partly upheld.
- F-REFUSED: refused on 1 July 2025 as out of time; never at stage 1.
- G-PRIOR (LCRA, Repairs): received 31 March 2025, the day before the period; due by Mon 14
  April 2025 (1, 2, 3, 4, 7, 8, 9, 10, 11, 14 April); answered a day late on 15 April,
  closed then. No outcome recorded.

CH01: stage 1 received in the period B, C, A, E = 4 (4.0 per 1,000 homes); stage 2 C = 1
(1.0). LCRA: B, A = 2 of 800 homes (2.5). LCHO: C = 1 of 200 (5.0), stage 2 1 (5.0).
CH02: stage 1 responses issued in the period B, C, E, G; in time B, E: 2 of 4 (50%); stage
2 1 of 1. LCRA: B, G: 1 of 2 (50%). LCHO: C: 0 of 1.
Practice, cases received in the period (B, C, A, E, F): stage 1 responses 3 of 4 (C late);
cases resolved in it (B, C, E, G): 2 of 4 (C and G late).
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest
from pydantic import ValidationError

from complaintrules import Complaint
from complaintrules.cli.main import EXIT_OK, EXIT_USAGE, main

ROOT = Path(__file__).resolve().parents[2]
POLICY = str(ROOT / "examples" / "landlord" / "policy.yaml")
TEMPLATES = ROOT / "examples" / "templates"
DEFINITION = "definition: {understanding: the repair, outcomes_sought: a fix}"

CASES = f"""
- reference: B-ONTIME
  received_on: 2025-06-02
  tenure: low_cost_rental
  category: Repairs
  stages:
    - number: 1
      acknowledged: {{on: 2025-06-02, {DEFINITION}}}
      response: {{issued_on: 2025-06-16, outcome: upheld}}
  closed_on: 2025-06-16
- reference: C-LATE
  received_on: 2025-06-02
  tenure: low_cost_home_ownership
  category: Repairs
  stages:
    - number: 1
      acknowledged: {{on: 2025-06-02, {DEFINITION}}}
      response: {{issued_on: 2025-06-17, outcome: not_upheld}}
    - number: 2
      requested_on: 2025-06-20
      acknowledged: {{on: 2025-06-20, {DEFINITION}}}
      response: {{issued_on: 2025-07-01, outcome: partly_upheld}}
  closed_on: 2025-07-01
- reference: A-LASTDAY
  received_on: 2026-03-31
  tenure: low_cost_rental
  category: Anti-social behaviour
  stages:
    - number: 1
      acknowledged: {{on: 2026-03-31, {DEFINITION}}}
      response: {{issued_on: 2026-04-01, outcome: not_upheld}}
  closed_on: 2026-04-01
- reference: D-NEXTYEAR
  received_on: 2026-04-01
  tenure: low_cost_rental
  stages:
    - number: 1
      acknowledged: {{on: 2026-04-01, {DEFINITION}}}
- reference: E-RESOLVED-LASTDAY
  received_on: 2026-03-16
  tenure: other
  category: Repairs
  stages:
    - number: 1
      acknowledged: {{on: 2026-03-16, {DEFINITION}}}
      response: {{issued_on: 2026-03-27, outcome: partly_upheld}}
  closed_on: 2026-03-31
- reference: F-REFUSED
  received_on: 2025-07-01
  refusals:
    - {{on: 2025-07-01, ground: out_of_time, detail: The matter dates from 2023.}}
- reference: G-PRIOR
  received_on: 2025-03-31
  tenure: low_cost_rental
  category: Repairs
  stages:
    - number: 1
      acknowledged: {{on: 2025-03-31, {DEFINITION}}}
      response: {{issued_on: 2025-04-15}}
  closed_on: 2025-04-15
"""

ORGANISATION = """
name: Test Homes
housing_stock:
  {homes_owned: 1000, as_at: 2026-03-31, low_cost_rental: 800, low_cost_home_ownership: 200}
ombudsman_determinations:
  - {case: OLD-1, determined_on: 2025-06-10, finding: maladministration,
     reference: "202400001", code_non_compliance: true}
  - {case: OLD-2, determined_on: 2026-04-02, finding: service_failure}
learning_log:
  - {case: B-ONTIME, lesson: Book repairs at the first call, lesson_on: 2025-06-20,
     action: New booking script, action_due: 2025-08-01, action_done_on: 2025-07-20}
  - {case: G-PRIOR, lesson: A lesson of the year before, lesson_on: 2025-03-31}
annual_reports:
  - {period_start: 2025-04-01, period_end: 2026-03-31, reported_to_governing_body_on: 2026-06-18}
"""


@pytest.fixture
def year(tmp_path: Path) -> list[str]:
    cases = tmp_path / "cases.yaml"
    cases.write_text(CASES, encoding="utf-8")
    organisation = tmp_path / "organisation.yaml"
    organisation.write_text(ORGANISATION, encoding="utf-8")
    return [
        "annual-report",
        POLICY,
        "--organisation",
        str(organisation),
        "--cases",
        str(cases),
        "--as-of",
        "2026-04-30",
    ]


def _json(args: list[str], tmp_path: Path) -> dict:  # type: ignore[type-arg]
    out = tmp_path / "annual.json"
    assert main([*args, "--output", str(out)]) == EXIT_OK
    return json.loads(out.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_measures_of_a_hand_worked_year(year: list[str], tmp_path: Path) -> None:
    report = _json([*year, "--period", "2025-04-01:2026-03-31"], tmp_path)
    tsm = report["tsm"]
    assert tsm["all"]["CH01"] == {
        "stage1_per_1000_homes": 4.0,  # B, C, A (received on the last day), E; not D, G
        "stage2_per_1000_homes": 1.0,
        "stage1_received": 4,
        "stage2_received": 1,
    }
    assert tsm["low_cost_rental"]["homes"] == 800
    assert tsm["low_cost_rental"]["CH01"]["stage1_received"] == 2  # B and A
    assert tsm["low_cost_rental"]["CH01"]["stage1_per_1000_homes"] == 2.5
    assert tsm["low_cost_home_ownership"]["CH01"]["stage1_per_1000_homes"] == 5.0
    assert tsm["low_cost_home_ownership"]["CH01"]["stage2_per_1000_homes"] == 5.0
    ch02 = tsm["all"]["CH02"]
    # B on its last compliant day is in time; C a day late is not; A answered after the
    # period is not counted; G received before the period but answered in it is (late).
    assert (ch02["stage1_within_timescale"], ch02["stage1_responses"]) == (2, 4)
    assert ch02["stage1_percent_within_timescale"] == 50.0
    assert (ch02["stage2_within_timescale"], ch02["stage2_responses"]) == (1, 1)
    lcra = tsm["low_cost_rental"]["CH02"]
    assert (lcra["stage1_within_timescale"], lcra["stage1_responses"]) == (1, 2)  # B, G
    lcho = tsm["low_cost_home_ownership"]["CH02"]
    assert (lcho["stage1_within_timescale"], lcho["stage1_responses"]) == (0, 1)  # C
    assert report["tenure_counts"] == {
        "low_cost_rental": 2,
        "low_cost_home_ownership": 1,
        "other": 1,
        "not_recorded": 1,  # F, refused
    }
    assert report["outcomes"]["stage1"] == {
        "upheld": 1,
        "partly_upheld": 1,
        "not_upheld": 1,
        "not_recorded": 1,
    }
    assert report["outcomes"]["stage2"]["partly_upheld"] == 1
    assert report["escalation"] == {"stage1_responses": 4, "escalated": 1, "percent": 25.0}
    assert report["categories"] == [
        {"category": "Repairs", "complaints": 3, "escalated": 1, "upheld_or_partly": 3},
        {
            "category": "Anti-social behaviour",
            "complaints": 1,
            "escalated": 0,
            "upheld_or_partly": 0,
        },
    ]
    assert [(r["case"], r["stage"]) for r in report["refusals"]] == [("F-REFUSED", 1)]
    assert "12 months" in report["refusals"][0]["reason"]
    assert [d["case"] for d in report["determinations"]] == ["OLD-1"]  # not 2 April 2026
    assert [e["case"] for e in report["learning"]] == ["B-ONTIME"]
    months = {m["month"]: m for m in report["months"]}
    assert len(months) == 12 and "2026-04" not in months
    assert months["2026-03"]["received"] == [2, 0]  # A on the 31st, E
    assert months["2025-06"]["responded"] == [2, 0] and months["2025-06"]["on_time"] == [1, 0]
    assert "Reported to the governing body on 2026-06-18." in report["governance"]


def test_practice_by_cases_received_or_resolved(year: list[str], tmp_path: Path) -> None:
    received = _json([*year, "--period", "2025"], tmp_path)["practice"]
    resolved = _json([*year, "--period", "2025", "--practice-basis", "resolved"], tmp_path)[
        "practice"
    ]

    def rate(practice: dict, rule: str) -> tuple[int, int, list[str]]:  # type: ignore[type-arg]
        found = next(t for t in practice["timescales"] if t["rule_id"] == rule)
        return found["met"], found["judged"], found["not_met"]

    assert received["basis"] == "received" and received["cases"] == 5  # B, C, A, E, F
    assert rate(received, "CHC24-6.3") == (3, 4, ["C-LATE"])
    assert rate(received, "CHC24-6.2") == (4, 4, [])
    assert resolved["basis"] == "resolved" and resolved["cases"] == 4  # B, C, E, G
    assert rate(resolved, "CHC24-6.3") == (2, 4, ["C-LATE", "G-PRIOR"])
    assert received["combined"][0] == {"stage": 1, "met": 3, "judged": 4, "percent": 75.0}
    assert resolved["combined"][0] == {"stage": 1, "met": 2, "judged": 4, "percent": 50.0}
    assert received["combined"][1] == {"stage": 2, "met": 1, "judged": 1, "percent": 100.0}
    assert "resolved from 2025-04-01 to 2026-03-31" in resolved["statement"]


def test_the_self_assessment_states_its_practice_basis(
    year: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    given = ["self-assess", *year[1:6], "--as-of", "2026-04-30"]
    assert main(given) == EXIT_OK
    every_case = capsys.readouterr().out
    assert main([*given, "--period", "2025", "--practice-basis", "resolved"]) == EXIT_OK
    resolved = capsys.readouterr().out
    # Without a period every case counts (D overdue, G late), as before, and says so.
    assert "3 of 6 stage 1 responses (50.0%) were within the Code's timescale" in every_case
    assert (
        "Practice figures count all the 7 cases given (no reporting period was set)." in every_case
    )
    assert (
        "in practice 2 of 4 stage 1 responses (50.0%) were within the Code's timescale "
        "(cases resolved 2025-04-01 to 2026-03-31)" in resolved
    )
    assert "Practice figures count the 4 cases resolved from 2025-04-01 to 2026-03-31" in resolved
    assert (
        "Stage 1, acknowledged and responded to within the Code's timescales: 2 of 4 (50.0%)."
        in resolved
    )


class _Checked(HTMLParser):
    """Balanced sections and tables, no scripts, the SVG charts counted."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = {"table": 0, "section": 0, "svg": 0}
        self.count = {"table": 0, "svg": 0, "script": 0, "rect": 0}
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.depth:
            self.depth[tag] += 1
        if tag in self.count:
            self.count[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.depth:
            self.depth[tag] -= 1
            assert self.depth[tag] >= 0, f"</{tag}> without its start"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("templates", [False, True])
def test_html_parses_with_its_charts(year: list[str], tmp_path: Path, templates: bool) -> None:
    out = tmp_path / "annual.html"
    args = [*year, "--period", "2025", "--output", str(out)]
    if templates:
        args += ["--template-dir", str(TEMPLATES)]
    assert main(args) == EXIT_OK
    checked = _Checked()
    checked.feed(out.read_text(encoding="utf-8"))
    checked.close()
    assert all(depth == 0 for depth in checked.depth.values())
    assert checked.count["script"] == 0
    assert checked.count["svg"] >= 2  # received each month; share in time each month
    assert checked.count["rect"] >= 3  # the bars: two in June, two in March, ...
    text = " ".join(checked.text)
    for words in (
        "Low-cost home ownership (LCHO)",
        "Complaints refused",
        "Maladministration",
        "Book repairs at the first call",
        "Self-assessment against the Complaint Handling Code: Test Homes",
    ):
        assert words in text


def _charts(html: str) -> list[str]:
    return re.findall(r"<svg class=\"chart\".*?</svg>", html, flags=re.S)


def test_chart_lines_leave_a_gap_for_a_month_without_figures(
    year: list[str], tmp_path: Path
) -> None:
    """A line joins only the points of months one after another: in the hand-worked year
    stage 1 responses fall in April, June and March, so no line is drawn (it was one line
    from April through June to March); the share axis is in per cent."""
    out = tmp_path / "annual.html"
    assert main([*year, "--period", "2025", "--output", str(out)]) == EXIT_OK
    received, in_time, *_ = _charts(out.read_text(encoding="utf-8"))
    assert "<polyline" not in in_time
    assert in_time.count("<circle") == 4  # April, June, March at stage 1; July at stage 2
    assert ">100%</text>" in in_time and ">50%</text>" in in_time
    assert "%</text>" not in received  # complaints, not a share


def test_every_chart_line_joins_months_one_after_another(tmp_path: Path) -> None:
    """The example landlord's year: the stage 2 lines of the report's chart and of the
    appended form's monthly chart break where a month has no stage 2 response."""
    out = tmp_path / "annual.html"
    landlord = ROOT / "examples" / "landlord"
    args = ["annual-report", POLICY, "--period", "2024", "--as-of", "2025-03-31"]
    args += ["--organisation", str(landlord / "organisation.yaml")]
    args += ["--cases", str(landlord / "cases.yaml"), "--output", str(out)]
    assert main(args) == EXIT_OK
    charts = _charts(out.read_text(encoding="utf-8"))
    assert len(charts) == 3  # received, share in time, the form's on-time rates
    gaps = 0
    for chart in charts:
        # month labels sit under the axis, one per month, evenly spaced
        labels = [float(x) for x in re.findall(r'<text x="([\d.]+)"[^>]*>\d{4}-\d{2}<', chart)]
        step = labels[1] - labels[0]
        for line in re.findall(r'<polyline points="([^"]+)"', chart):
            xs = [float(p.split(",")[0]) for p in line.split()]
            assert all(abs(b - a - step) < 0.2 for a, b in pairwise(xs))
        points = len(re.findall(r"<circle", chart))
        joined = sum(len(line.split()) for line in re.findall(r'points="([^"]+)"', chart))
        gaps += points - joined
    assert gaps > 0  # some month stands alone (2024-06 at stage 2 in both)


def test_word_opens_with_the_tables(year: list[str], tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    out = tmp_path / "annual.docx"
    assert main([*year, "--period", "2025", "--output", str(out)]) == EXIT_OK
    document = docx.Document(str(out))
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["Low-cost rental accommodation (LCRA)", "800", "2", "2.5", "0", "0"] in rows
    # the trend's table, kept beside its charts: June, B and C received, C escalated
    assert ["2025-06", "2", "1", "1 of 2", "50.0%", "0 of 0", "-"] in rows
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Appendix: the self-assessment against the Code" in headings


def test_word_draws_the_trend_charts_as_pictures(year: list[str], tmp_path: Path) -> None:
    """Item 5: the month-by-month charts are images in Word, each with its caption, and
    the document still opens."""
    docx = pytest.importorskip("docx")
    pytest.importorskip("matplotlib")
    from docx.enum.shape import WD_INLINE_SHAPE

    out = tmp_path / "annual.docx"
    assert main([*year, "--period", "2025", "--output", str(out)]) == EXIT_OK
    document = docx.Document(str(out))
    # received; share in time; then the appended form's on-time rates by month
    pictures = document.inline_shapes
    assert [p.type for p in pictures] == [WD_INLINE_SHAPE.PICTURE] * 3
    # as wide as drawn (8 inches), so their text reads at 8 point; two fit a page
    assert all(abs(p.width.cm - 20.32) < 0.01 for p in pictures)
    assert all(p.height.cm < 8 for p in pictures)
    with zipfile.ZipFile(out) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        assert len(media) == 3
        assert all(package.read(n).startswith(b"\x89PNG") for n in media)
    texts = [p.text for p in document.paragraphs]
    assert "Complaints received each month (stage 2: escalation requests)." in texts
    assert any(t.startswith("Share of the responses issued each month") for t in texts)
    assert not any("not drawn" in t for t in texts)


def test_word_says_when_it_cannot_draw_the_charts(
    year: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without matplotlib the charts are not silently dropped: the document says why, and
    the table of the same figures is still there."""
    docx = pytest.importorskip("docx")
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)  # importing it fails, as if absent
    out = tmp_path / "annual.docx"
    assert main([*year, "--period", "2025", "--output", str(out)]) == EXIT_OK
    document = docx.Document(str(out))
    assert len(document.inline_shapes) == 0
    notes = [p.text for p in document.paragraphs if "not drawn" in p.text]
    assert notes == [
        "The charts of these figures are not drawn in this document: drawing them needs "
        'matplotlib (pip install "complaintrules[office]"). The table below holds every figure.',
        # the appended form's chart
        "The chart of on-time rates by month is not drawn in this document: drawing it needs "
        'matplotlib (pip install "complaintrules[office]"). Each provision\'s total follows.',
    ]
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["2025-06", "2", "1", "1 of 2", "50.0%", "0 of 0", "-"] in rows


def test_the_notes_state_the_tsm_options_in_words(
    year: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The notes name each TSM option and say what it was, not Python's spelling of it
    (the example landlord's report read "include_withdrawn True, ... homes None")."""
    assert main([*year, "--period", "2025"]) == EXIT_OK
    notes = [line for line in capsys.readouterr().out.splitlines() if "Options used" in line]
    assert len(notes) == 1
    assert notes[0].endswith(
        "Options used: extensions: a response within a valid extension counts as in time; "
        "denominator: responses issued in the period; withdrawn complaints "
        "(include_withdrawn): counted; homes: the housing stock's homes_owned."
    )
    assert not re.search(r"\b(True|False|None)\b", notes[0])


def test_markdown_is_the_default(year: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*year, "--period", "2025"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith(
        "# Annual complaints performance and service improvement report 2025/26: Test Homes"
    )
    assert "| Low-cost home ownership (LCHO) | 200 | 1 | 5 | 1 | 5 |" in out
    assert "## Appendix: the self-assessment against the Code" in out


@pytest.mark.parametrize(
    ("period", "why"),
    [
        ("2025-04-02:2026-03-31", "a month's first day to a month's last day"),
        ("2025-04-01:2026-03-30", "a month's first day to a month's last day"),
        ("2026-04-01:2025-03-31", "ends (2025-03-31) before it starts"),
        ("April", "expected a reporting year"),
    ],
)
def test_a_bad_period_is_a_usage_error(
    year: list[str], period: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:  # argparse's own usage error
        main([*year, "--period", period])
    assert exited.value.code == EXIT_USAGE
    assert why in capsys.readouterr().err


def test_periods() -> None:
    from complaintrules.reports.annual import parse_period

    assert parse_period("2025-04-01:2026-03-31").label == "2025/26"
    quarter = parse_period("2025-07-01:2025-09-30")
    assert quarter.label == "1 July 2025 to 30 September 2025"
    assert list(quarter.months()) == ["2025-07", "2025-08", "2025-09"]


def test_tenure_and_category_are_validated() -> None:
    case = {"reference": "X", "received_on": "2025-05-01"}
    given = Complaint.model_validate(
        {**case, "tenure": "low_cost_home_ownership", "category": "ASB"}
    )
    assert (given.tenure, given.category) == ("low_cost_home_ownership", "ASB")
    assert Complaint.model_validate(case).tenure is None  # optional
    with pytest.raises(ValidationError, match="low_cost_rental"):  # the values allowed
        Complaint.model_validate({**case, "tenure": "council"})
    with pytest.raises(ValidationError, match="at least 1 character"):
        Complaint.model_validate({**case, "category": ""})


def test_a_crm_export_with_a_bad_tenure_names_the_row_and_column(
    year: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "Ref,Received,Area,Tenure\n"
        "K-1,2025-05-01,Repairs,GN\n"
        "K-2,2025-05-02,Repairs,Leasehold shop\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "format: csv\ncolumns:\n  reference: Ref\n  received_on: Received\n"
        "  category: Area\n  tenure:\n    column: Tenure\n"
        "    values: {GN: low_cost_rental, SO: low_cost_home_ownership}\n",
        encoding="utf-8",
    )
    args = [*year, "--period", "2025", "--mapping", str(mapping)]
    args[args.index("--cases") + 1] = str(export)
    assert main(args) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "row 3" in err and "Tenure" in err and "low_cost_rental" in err
    assert "row 2" not in err  # GN maps to low_cost_rental
    export.write_text("Ref,Received,Area,Tenure\nK-1,2025-05-01,Repairs,SO\n", encoding="utf-8")
    report = _json(args, tmp_path)
    assert report["tsm"]["low_cost_home_ownership"]["CH01"]["stage1_received"] == 1
    assert report["categories"][0]["category"] == "Repairs"


def test_the_output_may_not_overwrite_an_input(
    year: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    cases = year[year.index("--cases") + 1]
    assert main([*year, "--period", "2025", "--output", cases]) == EXIT_USAGE
    assert "--cases" in capsys.readouterr().err
