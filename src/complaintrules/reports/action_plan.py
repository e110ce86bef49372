"""The action plan for what does not comply, with actions from a YAML file the landlord keeps.

The plan has the columns landlords publish beside their self-assessment: ref (provision),
requirement, commentary, actions, timescales, lead, status and completion date. Rows come
from the self-assessment form: every provision that does not comply, then every provision
still needing evidence, then (as "improvements") compliant provisions the landlord has
chosen to act on anyway.
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
      - provision: "6.6 & 6.17"   # one action for several provisions: a grouped reference
        action: Track every promised follow-up action in the CRM with its due date.
        status: done
        completed_on: 2025-02-14
        commentary: Live for stage 1 and stage 2 responses since February.

Where the provisions an action names would each have that action and nothing else, they
share one row of the plan, referenced as written ("6.6 & 6.17").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from ..io.loading import InputError, InputProblem, _line_of, _read, _validate
from ..model.base import Date, InputModel
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


def landlord_says(text: str) -> str:
    """The landlord's own commentary, labelled so that it reads apart from ours."""
    return f"Landlord: {text}"


_PROVISION = r"\d+\.\d+"
#: Between the provisions of a grouped reference: "6.6 & 6.17", "6.6, 6.17", "6.6 and 6.17".
_BETWEEN = re.compile(r"\s*(?:&|,|\band\b)\s*")


class ActionItem(InputModel):
    """One action the landlord has committed to, for one provision or a group of them."""

    provision: Annotated[
        str,
        Field(
            pattern=rf"^{_PROVISION}(?:\s*(?:&|,|and)\s*{_PROVISION})*$",
            description="e.g. '6.3', or '6.6 & 6.17' for one action serving several provisions",
        ),
    ]
    action: Annotated[str, Field(min_length=1)]
    timescale: str | None = Field(default=None, description="e.g. 'End Q2 2025/26'")
    lead: str | None = Field(default=None, description="the role or person accountable")
    status: Annotated[str, Field(min_length=1)] | None = Field(
        default=None, description="e.g. 'not started', 'started', 'done' or a sentence"
    )
    completed_on: Date | None = Field(default=None, description="when the action was done")
    commentary: Annotated[str, Field(min_length=1)] | None = Field(
        default=None, description="the landlord's own words on this action"
    )
    pack: str | None = Field(
        default=None, description="the pack this action is for; unset means any"
    )

    @property
    def provisions(self) -> tuple[str, ...]:
        """The provisions this action serves, in the order written."""
        return tuple(_BETWEEN.split(self.provision.strip()))

    @property
    def grouped(self) -> bool:
        return len(self.provisions) > 1

    @property
    def status_text(self) -> str:
        """The status as written, else "done" when a completion date is given, else "-"."""
        return self.status or ("done" if self.completed_on else "-")


class ActionsFile(InputModel):
    """The landlord's list of improvement actions, by provision."""

    name: str | None = None
    actions: list[ActionItem] = []


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One row of the plan: a provision (or several sharing their actions) and its actions.

    ``ref`` is as shown ("6.3", or "6.6 & 6.17" for a shared row); ``refs`` the provisions.
    """

    ref: str
    rule_id: str
    section: str
    requirement: str
    commentary: str
    comply: Comply
    actions: tuple[ActionItem, ...]
    refs: tuple[str, ...] = ()

    @property
    def has_action(self) -> bool:
        return bool(self.actions)

    @property
    def provisions(self) -> tuple[str, ...]:
        return self.refs or (self.ref,)


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
    # The file's YAML nodes, read once (and only when a problem needs a line number).
    yaml_file = path is not None and not str(path).lower().endswith(".json")
    nodes: list[Any] = []
    for i, item in enumerate(actions.actions):
        if item.pack not in (None, form.pack.name):
            continue
        unknown = [p for p in item.provisions if p not in known]
        repeated = sorted({p for p in item.provisions if item.provisions.count(p) > 1})
        if unknown or repeated:
            line = None
            if yaml_file:
                nodes = nodes or [_read(Path(str(path))).node]
                line = _line_of(nodes[0], ["actions", i, "provision"])
            reason = (
                f"no provision {', '.join(unknown)} in {form.pack.name} "
                "(see `complaintrules rules`)"
                if unknown
                else f"provision {', '.join(repeated)} named twice in {item.provision!r}"
            )
            problems.append(InputProblem(f"actions[{i}].provision", reason, line))
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
            for provision in item.provisions:
                by_provision.setdefault(provision, []).append(item)

    def plan_row(row: FormRow) -> PlanRow:
        # The landlord's own words (the responses file) follow ours, labelled, as do its
        # comments on actions (see forms.plan_cells).
        landlord = [landlord_says(row.landlord_commentary)] if row.landlord_commentary else []
        landlord += [
            f"Landlord's evidence: {e.title}" + (f" ({e.link})" if e.link else "")
            for e in row.landlord_evidence
        ]
        return PlanRow(
            ref=row.provision,
            rule_id=row.rule_id,
            section=row.section,
            requirement=row.requirement,
            commentary="\n".join([row.commentary, *landlord]),
            comply=row.comply,
            actions=tuple(by_provision.get(row.provision, ())),
        )

    rows = form.rows
    return ActionPlan(
        landlord=form.landlord,
        name=actions.name,
        non_compliant=_shared(plan_row(r) for r in rows if r.comply is Comply.NO),
        needs_evidence=_shared(plan_row(r) for r in rows if r.comply is Comply.NEEDS_EVIDENCE),
        improvements=_shared(
            plan_row(r)
            for r in rows
            if r.comply in (Comply.YES, Comply.NOT_APPLICABLE) and r.provision in by_provision
        ),
    )


def _shared(rows: Iterable[PlanRow]) -> tuple[PlanRow, ...]:
    """Rows whose actions are all grouped and the same share one row, at the first's place
    (as landlords publish "6.6 & 6.17"); a row with an action of its own stays apart."""
    out: list[PlanRow] = []
    group_of: dict[tuple[int, ...], int] = {}
    for row in rows:
        key = tuple(id(a) for a in row.actions)
        if not row.actions or not all(a.grouped for a in row.actions):
            out.append(row)
            continue
        at = group_of.get(key)
        if at is None:
            group_of[key] = len(out)
            out.append(row)
            continue
        first = out[at]
        refs = (*first.provisions, row.ref)
        out[at] = PlanRow(
            ref=" & ".join(refs),
            rule_id=f"{first.rule_id} & {row.rule_id}",
            section=first.section,
            requirement=_labelled(first, row, "requirement"),
            commentary=_labelled(first, row, "commentary"),
            comply=first.comply,
            actions=first.actions,
            refs=refs,
        )
    return tuple(out)


def _labelled(first: PlanRow, row: PlanRow, name: str) -> str:
    """``first``'s text and ``row``'s, each line led by its provision once rows share."""
    before = getattr(first, name)
    if not first.refs:
        before = f"{first.ref}: {before}"
    return f"{before}\n{row.ref}: {getattr(row, name)}"
