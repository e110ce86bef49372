"""The request and response bodies of the HTTP service; the OpenAPI document is made from
these models, so a CRM's generated client (C#, Apex) gets named, typed fields."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from complaintrules import Complaint

__all__ = [
    "BatchIn",
    "BatchItemIn",
    "BatchItemOut",
    "BatchResult",
    "CaseIn",
    "CaseResult",
    "DueIn",
    "DueResult",
    "ErrorOut",
    "FindingOut",
    "Health",
    "JobAccepted",
    "JobStatus",
    "Meta",
    "PackOut",
    "PackRef",
    "PacksResult",
    "ParametersResult",
    "PolicyResult",
    "Problem",
    "RuleOut",
    "RulesResult",
]


class _In(BaseModel):
    # an unknown field is an error naming it, as in every input file of the library
    model_config = ConfigDict(extra="forbid")


class PackRef(BaseModel):
    name: str
    version: str


class Meta(BaseModel):
    """What every response states: which decision this is and what it was judged by."""

    decision_id: str = Field(description="Unique id of this response; also in X-Decision-Id")
    service_version: str
    packs: list[PackRef] = Field(
        description="The packs that judged (or, for a response that judges nothing, the "
        "packs loaded), with their versions"
    )
    as_of: date | None = Field(description="The date the cases were judged as of")
    as_of_source: str | None = Field(
        description="'given', or how the date was chosen: 'today (Europe/London)'"
    )
    conventions: dict[str, Any] = Field(description="The working-day conventions used")
    calendar: str


class Problem(BaseModel):
    field: str = Field(description="Where the problem is, as a path: case.stages[0].number")
    message: str
    line: int | None = Field(default=None, description="For a YAML or JSON policy body")


class ErrorOut(BaseModel):
    meta: Meta
    error: str
    problems: list[Problem] = []


class FindingOut(BaseModel):
    rule_id: str
    provision: str
    pack: str
    subject: str
    subject_ref: str
    verdict: Literal["pass", "fail", "not_applicable", "needs_evidence", "error"]
    level: Literal["must", "should"]
    message: str
    evidence: dict[str, Any]


class CaseIn(_In):
    case: Complaint
    as_of: date | None = Field(
        default=None, description="Judge the case as it stood on this date (default: today)"
    )
    pack: str | None = Field(
        default=None, description="Judge by this pack (default: the one in force on receipt)"
    )


class CaseResult(BaseModel):
    meta: Meta
    reference: str
    judged: bool = Field(description="False when the case was received after as_of")
    counts: dict[str, int]
    findings: list[FindingOut]


class DueIn(_In):
    case: Complaint
    as_of: date | None = Field(default=None, description="Default: today (Europe/London)")
    pack: str | None = None


class ObligationOut(BaseModel):
    stage: int
    kind: str
    what: str
    rule_id: str
    status: str
    due_by: date
    original_due: date
    latest_extension: date | None
    done_on: date | None
    working_days_left: int | None
    working_days_late: int | None
    message: str
    evidence: dict[str, Any]


class DueResult(BaseModel):
    meta: Meta
    reference: str
    pack: str
    open: bool
    received: bool
    events_ignored: list[str]
    next: list[ObligationOut]
    breached: list[ObligationOut]
    obligations: list[ObligationOut]


class BatchItemIn(_In):
    id: str = Field(min_length=1, max_length=200, description="The caller's id for this item")
    case: dict[str, Any] = Field(
        description="A case in the shape of `complaintrules schema case`; an item that does "
        "not validate is reported as rejected, the rest are still judged"
    )


class BatchIn(_In):
    items: list[BatchItemIn]
    as_of: date | None = None
    pack: str | None = None


class BatchFinding(BaseModel):
    rule_id: str
    rule_pack: str
    provision: str
    level: str
    verdict: str
    message: str


class BatchItemOut(BaseModel):
    id: str
    reference: str | None
    status: Literal["judged", "rejected", "not_judged"]
    pack: str | None
    pack_version: str | None
    counts: dict[str, int]
    findings: list[BatchFinding]
    problems: list[Problem] = Field(
        description="Why a rejected item was rejected, or why not judged"
    )


class BatchResult(BaseModel):
    meta: Meta
    batch_schema_version: str
    items: list[BatchItemOut]


class JobAccepted(BaseModel):
    meta: Meta
    job_id: str
    status: Literal["queued", "running", "done", "failed"]
    status_url: str


class JobStatus(BaseModel):
    meta: Meta
    job_id: str
    status: Literal["queued", "running", "done", "failed"]
    items: int
    result: BatchResult | None = None
    error: str | None = None


class PolicyResult(BaseModel):
    meta: Meta
    judged_on: date | None
    counts: dict[str, int]
    findings: list[FindingOut]


class RuleOut(BaseModel):
    id: str
    pack: str
    provision: str
    section: str
    title: str
    level: str
    subjects: list[str]
    summary: str
    source: str
    attestation: str | None


class RulesResult(BaseModel):
    meta: Meta
    rules: list[RuleOut]


class PackOut(BaseModel):
    name: str
    version: str
    title: str
    in_force_from: date
    in_force_until: date | None
    rules: int


class PacksResult(BaseModel):
    meta: Meta
    packs: list[PackOut]


class ParametersResult(BaseModel):
    meta: Meta
    pack: str
    version: str
    parameters: dict[str, Any]


class Health(BaseModel):
    meta: Meta
    status: Literal["ok", "not ready"]
    packs: list[PackRef]
    problems: list[str] = []
