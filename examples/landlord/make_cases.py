"""Regenerate cases.yaml: a year of Example Homes' complaints (April 2024 to March 2025).

Deterministic (seeded): run ``python examples/landlord/make_cases.py`` and the file comes
out the same. Most cases are handled well; some are deliberately not, each with a comment
naming what went wrong, so the example report has something to find.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from complaintrules import WorkingCalendar

OUT = Path(__file__).with_name("cases.yaml")
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
                "ombudsman_details_given": scenario
                != "extension notice without Ombudsman details",
            }
        )
        response_on = new_due
    case: dict[str, Any] = {
        "reference": f"EH-{received:%y%m}-{i:03d}",
        "received_on": received,
        "channel": rng.choice(["phone", "email", "web_form", "letter", "in_person"]),
        "issue_occurred_on": received - timedelta(days=rng.randint(3, 120)),
        "stages": [stage1],
    }
    if extensions:
        stage1["extensions"] = extensions
    if scenario.startswith("refused"):
        case["issue_occurred_on"] = received - timedelta(days=rng.randint(400, 700))
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
        rows.append((scenario, build(i, scenario, rng)))
    rows.sort(key=lambda pair: pair[1]["received_on"])
    for scenario, case in rows:
        body = yaml.dump([case], Dumper=_Dumper, sort_keys=False, width=100)
        body = body.replace("'on':", "on:")
        chunks.append(f"  # {scenario}\n" + "".join(f"  {line}\n" for line in body.splitlines()))
    OUT.write_text("".join(chunks), encoding="utf-8")
    print(f"wrote {len(rows)} cases to {OUT}")


if __name__ == "__main__":
    main()
