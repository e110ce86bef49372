"""Regenerate a year of Example Homes' complaints (April 2024 to March 2025), three ways:

- ``cases.yaml``: the case model as a person reads it, each case with a comment naming its
  scenario;
- ``cases.json``: the same cases as JSON (``{"cases": [...]}``), as a system would send them;
- ``cases.csv``: a CRM-style export (UK dates, the CRM's own column names and codes), read
  with the column mapping ``crm-mapping.yaml`` (see docs/crm-integration.md).

Deterministic (seeded): run ``python examples/landlord/make_cases.py`` and the files come
out the same. Most cases are handled well; some are deliberately not, so the example
report has something to find.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from complaintrules import WorkingCalendar

OUT = Path(__file__).with_name("cases.yaml")
OUT_JSON = Path(__file__).with_name("cases.json")
OUT_CSV = Path(__file__).with_name("cases.csv")
CAL = WorkingCalendar()
ALL_ITEMS = dict.fromkeys(
    (
        "stage",
        "complaint_definition",
        "decision",
        "reasons",
        "remedy",
        "outstanding_actions",
        "escalation_route",
    ),
    True,
)
HANDLERS = ["J. Smith", "P. Kaur", "L. Evans", "M. Osei", "R. Novak"]
REVIEWERS = ["Head of Customer Experience", "Director of Housing"]
SUBJECTS = [
    ("Damp and mould in the bathroom not treated", "Treat the mould and fix the extractor fan"),
    ("Repair appointment missed twice", "A firm appointment and an apology"),
    ("Noise from a neighbour not acted on", "Action under the tenancy agreement"),
    ("Service charge increase not explained", "A breakdown of the charge"),
    ("Rude call handler", "An apology"),
    ("Boiler out of action for a week", "Compensation for the days without heating"),
]

# Scenario -> weight. Late and broken ones are kept rare, as in a reasonable landlord.
SCENARIOS = {
    "on time": 52,
    "on time, escalated": 10,
    "extended within the cap": 6,
    "acknowledged late": 4,
    "responded late": 5,
    "extension over the cap without good reason": 2,
    "extension notice without Ombudsman details": 2,
    "extension notified after the deadline": 2,
    "escalated, same handler at both stages": 1,
    "escalated, stage 2 late": 2,
    "refused as out of time, properly explained": 2,
    "refused, Ombudsman right not given": 1,
    "open at year end, overdue": 2,
    "open at year end, not yet due": 3,
}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # write every value out: no &anchors in an example people read


def wd(day: date, n: int) -> date:
    return CAL.add_working_days(day, n)


def build(i: int, scenario: str, rng: random.Random) -> dict[str, Any]:
    received = date(2024, 4, 1) + timedelta(days=rng.randrange(0, 330))
    understanding, outcome = rng.choice(SUBJECTS)
    definition = {"understanding": understanding, "outcomes_sought": outcome}
    handler = rng.choice(HANDLERS)
    ack = wd(received, rng.randint(1, 5))
    if scenario == "acknowledged late":
        ack = wd(received, rng.randint(6, 9))
    stage1: dict[str, Any] = {
        "number": 1,
        "acknowledged": {"on": ack, "definition": definition},
        "handler": handler,
    }
    ack_due = wd(received, 5)
    respond_clock = min(ack, ack_due)
    due = wd(respond_clock, 10)
    response_on = wd(respond_clock, rng.randint(3, 10))
    extensions: list[dict[str, Any]] = []
    if scenario == "responded late":
        response_on = wd(due, rng.randint(1, 6))
    if scenario.startswith("extension") or scenario == "extended within the cap":
        notified = wd(respond_clock, rng.randint(6, 9))
        if scenario == "extension notified after the deadline":
            notified = wd(due, 2)
        extra = 14 if scenario == "extension over the cap without good reason" else 10
        new_due = wd(due, extra)
        extensions.append(
            {
                "notified_on": notified,
                "new_due": new_due,
                "reason": "Specialist survey needed",
                "ombudsman_details_given": scenario != "extension notice without Ombudsman details",
            }
        )
        response_on = new_due
    case: dict[str, Any] = {
        "reference": f"EH-{received:%y%m}-{i:03d}",
        "received_on": received,
        "channel": rng.choice(["phone", "email", "web_form", "letter", "in_person"]),
        "issue_occurred_on": received - timedelta(days=rng.randint(3, 120)),
        "offered_choice_to_complain": True,
        "stages": [stage1],
    }
    if extensions:
        stage1["extensions"] = extensions
    if scenario.startswith("refused"):
        case["issue_occurred_on"] = received - timedelta(days=rng.randint(400, 700))
        case["became_aware_on"] = case["issue_occurred_on"]  # they knew at once
        case["stages"] = []
        case["refusals"] = [
            {
                "on": wd(received, 3),
                "stage": 1,
                "ground": "out_of_time",
                "detail": "The matter dates from more than 12 months ago.",
                "explanation_given": True,
                "ombudsman_right_given": scenario == "refused as out of time, properly explained",
                "discretion_considered": True,
            }
        ]
        case["closed_on"] = wd(received, 3)
        return case
    if scenario.startswith("open at year end"):
        as_of = date(2025, 3, 31)
        days_back = 25 if scenario.endswith("overdue") else 2
        received = CAL.add_working_days(as_of - timedelta(days=45), 1)
        if days_back == 2:
            received = as_of - timedelta(days=3)
        case["received_on"] = received
        case["issue_occurred_on"] = received - timedelta(days=20)
        case["reference"] = f"EH-{received:%y%m}-{i:03d}"
        ack = wd(received, 2)
        stage1["acknowledged"] = {"on": ack, "definition": definition}
        return case
    stage1["response"] = {
        "issued_on": response_on,
        "contents": ALL_ITEMS,
        "outcome": rng.choice(["not_upheld", "partly_upheld", "upheld"]),
        "all_points_addressed": True,
    }
    if stage1["response"]["outcome"] != "not_upheld":
        stage1["remedies"] = [
            {"kind": "apology", "offered_on": response_on, "completed_on": response_on}
        ]
    if "escalated" not in scenario:
        case["closed_on"] = response_on
        return case
    requested = response_on + timedelta(days=rng.randint(3, 20))
    requested = CAL.on_or_after(requested)
    ack2 = wd(requested, rng.randint(1, 5))
    reply2 = wd(ack2, rng.randint(10, 20))
    if scenario == "escalated, stage 2 late":
        reply2 = wd(ack2, rng.randint(22, 26))
    stage2 = {
        "number": 2,
        "requested_on": requested,
        "acknowledged": {"on": ack2, "definition": definition},
        "handler": handler if "same handler" in scenario else rng.choice(REVIEWERS),
        "escalation_reasons_demanded": False,
        "response": {
            "issued_on": reply2,
            "contents": ALL_ITEMS,
            "outcome": "not_upheld",
            "all_points_addressed": True,
        },
    }
    case["stages"].append(stage2)
    case["closed_on"] = reply2
    return case


def annotate(case: dict[str, Any]) -> None:
    """Facts that follow from a case's dates (no random draws, so the cases stay the same):
    each acknowledgement says what the landlord is and is not responsible for (5.7); a
    stage that runs past the Code's timescale records whether update intervals were agreed
    (5.9): yes when the resident was sent an extension notice, no when it simply ran late."""
    as_of = date(2025, 3, 31)
    # For the annual report: the service area from the complaint's subject, and the tenure
    # from the reference (one home in sixteen is shared ownership), with no random draw.
    first = case["stages"][0] if case["stages"] else {}  # a refused case has no stage
    definition = first.get("acknowledged", {}).get("definition", {})
    subject = definition.get("understanding", "")
    if subject:
        case["category"] = _AREAS[subject.split()[0]]
    number = int(case["reference"].rsplit("-", 1)[-1])
    case["tenure"] = "low_cost_home_ownership" if number % 16 == 5 else "low_cost_rental"
    for stage in case["stages"]:
        ack = stage.get("acknowledged")
        if ack is None:
            continue
        ack["definition"]["responsibility_stated"] = True
        if stage["number"] == 1:
            start = min(ack["on"], wd(case["received_on"], 5))
            due = wd(start, 10)
        else:
            due = wd(ack["on"], 20)
        done = stage.get("response", {}).get("issued_on")
        if (done or as_of) > due:
            stage["update_interval_agreed"] = bool(stage.get("extensions"))


def main() -> None:
    rng = random.Random(20250331)
    names = list(SCENARIOS)
    weights = [SCENARIOS[n] for n in names]
    chunks = [
        "# Example Homes: complaints received April 2024 to March 2025.\n"
        "# Generated by make_cases.py (seeded); each case says what kind it is.\n"
        "cases:\n"
    ]
    rows = []
    for i in range(1, 121):
        scenario = rng.choices(names, weights)[0]
        case = build(i, scenario, rng)
        annotate(case)
        rows.append((scenario, case))
    rows.sort(key=lambda pair: pair[1]["received_on"])
    for scenario, case in rows:
        body = yaml.dump([case], Dumper=_Dumper, sort_keys=False, width=100)
        body = body.replace("'on':", "on:")
        chunks.append(f"  # {scenario}\n" + "".join(f"  {line}\n" for line in body.splitlines()))
    OUT.write_text("".join(chunks), encoding="utf-8")
    print(f"wrote {len(rows)} cases to {OUT}")
    cases = [case for _, case in rows]
    OUT_JSON.write_text(
        json.dumps({"cases": cases}, indent=1, default=date.isoformat) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(cases)} cases to {OUT_JSON}")
    exported = [crm_row(scenario, case) for scenario, case in rows]
    kept = [row for row in exported if row is not None]
    with OUT_CSV.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CRM_COLUMNS)
        writer.writeheader()
        writer.writerows(kept)
    print(f"wrote {len(kept)} cases to {OUT_CSV} ({len(exported) - len(kept)} refused left out)")


# -- the CRM-style export ----------------------------------------------------------------

CRM_COLUMNS = [
    "Case Ref",
    "Date Logged",
    "Contact Method",
    "Category",
    "Status",
    "Issue Date",
    "S1 Acknowledged",
    "S1 Complaint Summary",
    "S1 Outcome Sought",
    "S1 Officer",
    "S1 Extension Notified",
    "S1 Extended To",
    "S1 Extension Reason",
    "S1 HOS Details Given",
    "S1 Response Sent",
    "S1 Outcome",
    "S2 Requested",
    "S2 Acknowledged",
    "S2 Definition Agreed",
    "S2 Officer",
    "S2 Response Sent",
    "S2 Outcome",
    "Closed",
    "Tenure",
]
_CHANNELS = {
    "phone": "Telephone",
    "email": "E-mail",
    "web_form": "Web",
    "letter": "Letter",
    "in_person": "Walk-in",
}
_OUTCOMES = {"upheld": "Upheld", "partly_upheld": "Partly Upheld", "not_upheld": "Not Upheld"}
#: The service area of each kind of complaint (by its summary's first word).
_AREAS = {
    "Damp": "Repairs",
    "Repair": "Repairs",
    "Noise": "Anti-social behaviour",
    "Service": "Rent and service charges",
    "Rude": "Staff conduct",
    "Boiler": "Repairs",
}
_CATEGORIES = {
    "Damp": "Repairs - Damp & Mould",
    "Repair": "Repairs - Appointments",
    "Noise": "ASB - Noise",
    "Service": "Rent & Service Charges",
    "Rude": "Staff Conduct",
    "Boiler": "Repairs - Heating",
}


def _uk(day: Any) -> str:
    return day.strftime("%d/%m/%Y") if isinstance(day, date) else ""


def crm_row(scenario: str, case: dict[str, Any]) -> dict[str, str] | None:
    """One case as the CRM exports it; None for a refused case (the export has no refusal
    columns, so refused cases live only in cases.yaml and cases.json)."""
    if case.get("refusals"):
        return None
    stages = {st["number"]: st for st in case["stages"]}
    s1, s2 = stages.get(1, {}), stages.get(2, {})
    ack1 = s1.get("acknowledged", {})
    definition = ack1.get("definition", {})
    ext = (s1.get("extensions") or [{}])[0]
    understanding = definition.get("understanding", "")
    row = {
        "Case Ref": case["reference"],
        "Date Logged": _uk(case["received_on"]),
        "Contact Method": _CHANNELS[case["channel"]],
        "Category": _CATEGORIES[understanding.split()[0]] if understanding else "",
        "Status": "Closed" if case.get("closed_on") else "Open",
        "Issue Date": _uk(case.get("issue_occurred_on")),
        "S1 Acknowledged": _uk(ack1.get("on")),
        "S1 Complaint Summary": understanding,
        "S1 Outcome Sought": definition.get("outcomes_sought", ""),
        "S1 Officer": s1.get("handler", ""),
        "S1 Extension Notified": _uk(ext.get("notified_on")),
        "S1 Extended To": _uk(ext.get("new_due")),
        "S1 Extension Reason": ext.get("reason", ""),
        "S1 HOS Details Given": {True: "Y", False: "N"}.get(ext.get("ombudsman_details_given"), ""),
        "S1 Response Sent": _uk(s1.get("response", {}).get("issued_on")),
        "S1 Outcome": _OUTCOMES.get(s1.get("response", {}).get("outcome", ""), ""),
        "S2 Requested": _uk(s2.get("requested_on")),
        "S2 Acknowledged": _uk(s2.get("acknowledged", {}).get("on")),
        "S2 Definition Agreed": (
            ("Y" if s2["acknowledged"].get("definition") else "N") if s2.get("acknowledged") else ""
        ),
        "S2 Officer": s2.get("handler", ""),
        "S2 Response Sent": _uk(s2.get("response", {}).get("issued_on")),
        "S2 Outcome": _OUTCOMES.get(s2.get("response", {}).get("outcome", ""), ""),
        "Closed": _uk(case.get("closed_on")),
        "Tenure": {"low_cost_rental": "GN", "low_cost_home_ownership": "SO"}[case["tenure"]],
    }
    return row


if __name__ == "__main__":
    main()
