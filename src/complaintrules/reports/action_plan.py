"""The action plan for what does not comply, with actions from a YAML file the landlord keeps.

The plan has the columns landlords publish beside their self-assessment: ref (provision),
requirement, commentary, actions, timescales, lead. Rows come from the self-assessment
form: every provision that does not comply, then every provision still needing evidence,
then (as "improvements") compliant provisions the landlord has chosen to act on anyway.
A provision that does not comply and has no action in the file is listed as such, so a
gap in the plan is visible rather than silently missing.

The actions file (``complaintrules schema actions`` prints its JSON Schema)::

    name: Example Homes complaints improvement plan
    actions:
      - provision: "6.3"
        action: Weekly report of stage 1 cases due within 3 working days to team leads.
        timescale: End Q1 2025/26
        lead: Complaints Resolution Manager
        status: started
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field

from ..io.loading import InputError, InputProblem, _line_of, _read, _validate
from ..model.base import InputModel
from .self_assessment import Comply, FormRow, SelfAssessmentForm

__all__ = [
    "ActionItem",
    "ActionPlan",
    "ActionsFile",
    "PlanRow",
    "build_action_plan",
    "load_actions",
]

#: Shown in the actions column of a row that needs an action and has none.
NO_ACTION = "No action recorded yet"


class ActionItem(InputModel):
    """One action the landlord has committed to for a provision."""

    provision: Annotated[str, Field(pattern=r"^\d+\.\d+$", description="e.g. '6.3'")]
    action: Annotated[str, Field(min_length=1)]
    timescale: str | None = Field(default=None, description="e.g. 'End Q2 2025/26'")
    lead: str | None = Field(default=None, description="the role or person accountable")
    status: str | None = None
    pack: str | None = Field(
        default=None, description="the pack this action is for; unset means any"
    )


class ActionsFile(InputModel):
    """The landlord's list of improvement actions, by provision."""

    name: str | None = None
    actions: list[ActionItem] = []


@dataclass(frozen=True, slots=True)
class PlanRow:
    ref: str
    rule_id: str
    section: str
    requirement: str
    commentary: str
    comply: Comply
    actions: tuple[ActionItem, ...]

    @property
    def has_action(self) -> bool:
        return bool(self.actions)


@dataclass(frozen=True, slots=True)
class ActionPlan:
    landlord: str
    name: str | None
    non_compliant: tuple[PlanRow, ...]
    needs_evidence: tuple[PlanRow, ...]
    improvements: tuple[PlanRow, ...]

    @property
    def without_action(self) -> list[PlanRow]:
        """Provisions that do not comply and have no action yet (the plan's gaps)."""
        return [r for r in self.non_compliant if not r.has_action]

    @property
    def tables(self) -> list[tuple[str, tuple[PlanRow, ...]]]:
        """The plan's tables with their headings, leaving out empty ones."""
        named = [
            ("Action plan for non-compliant provisions", self.non_compliant),
            ("Provisions still needing evidence", self.needs_evidence),
            ("Improvements to compliant provisions", self.improvements),
        ]
        return [(title, rows) for title, rows in named if rows]


def load_actions(path: str | Path) -> ActionsFile:
    """The actions file (YAML or JSON), with the same checks as every other input."""
    p = Path(path)
    return _validate(ActionsFile, p, _read(p))


def _check_provisions(
    actions: ActionsFile, form: SelfAssessmentForm, path: str | Path | None
) -> None:
    known = {row.provision for row in form.rows}
    problems = []
    for i, item in enumerate(actions.actions):
        if item.pack not in (None, form.pack.name):
            continue
        if item.provision not in known:
            line = None
            if path is not None and not str(path).lower().endswith(".json"):
                line = _line_of(_read(Path(path)).node, ["actions", i, "provision"])
            problems.append(
                InputProblem(
                    f"actions[{i}].provision",
                    f"no provision {item.provision} in {form.pack.name} "
                    "(see `complaintrules rules`)",
                    line,
                )
            )
    if problems:
        raise InputError(path or "actions", problems)


def build_action_plan(
    form: SelfAssessmentForm, actions: ActionsFile | None = None, *, path: str | Path | None = None
) -> ActionPlan:
    """The action plan for ``form``; ``path`` (of the actions file) is for error messages."""
    actions = actions or ActionsFile()
    _check_provisions(actions, form, path)
    by_provision: dict[str, list[ActionItem]] = {}
    for item in actions.actions:
        if item.pack in (None, form.pack.name):
            by_provision.setdefault(item.provision, []).append(item)

    def plan_row(row: FormRow) -> PlanRow:
        return PlanRow(
            ref=row.provision,
            rule_id=row.rule_id,
            section=row.section,
            requirement=row.requirement,
            commentary=row.commentary,
            comply=row.comply,
            actions=tuple(by_provision.get(row.provision, ())),
        )

    rows = form.rows
    return ActionPlan(
        landlord=form.landlord,
        name=actions.name,
        non_compliant=tuple(plan_row(r) for r in rows if r.comply is Comply.NO),
        needs_evidence=tuple(plan_row(r) for r in rows if r.comply is Comply.NEEDS_EVIDENCE),
        improvements=tuple(
            plan_row(r)
            for r in rows
            if r.comply in (Comply.YES, Comply.NOT_APPLICABLE) and r.provision in by_provision
        ),
    )
