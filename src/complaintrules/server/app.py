"""The HTTP service (``complaintrules serve``): the library's public API over HTTP, for
CRMs that cannot import Python (Dynamics 365, Salesforce). See docs/http.md.

Only the public API of ``complaintrules`` is used here, so the service judges exactly as
``Engine``, ``evaluate_batch`` and ``due`` do in-process.

Evaluation endpoints are ``async`` and judge in the event loop's thread: under uvicorn
that is the main thread, where the engine's rule time budget is enforced (a rule that
overruns is that rule's error finding). One process judges one request at a time; run
more processes or containers to judge more at once. Bulk jobs run in worker processes.

Speed (benchmarks/service.py): the engine is built once, when the app is made; the case
and batch endpoints answer with JSON they serialise themselves (the models above are
their documented shape in the OpenAPI document, and a test holds the two equal) rather
than through FastAPI's response validation; the decision id and the body limit are plain
ASGI middleware; no dependency runs in a thread pool.
"""

import concurrent.futures
import contextlib
import dataclasses
import hmac
import multiprocessing
import os
import tempfile
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import pydantic_core
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from complaintrules import (
    CalendarRangeError,
    Engine,
    EngineSpec,
    InputError,
    NoPackError,
    NoTimescalesError,
    Pack,
    Report,
    __version__,
    due,
    evaluate_batch,
    load_policy,
)

from .log import DecisionLog
from .models import (
    BatchIn,
    BatchResult,
    CaseIn,
    CaseResult,
    DueIn,
    DueResult,
    ErrorOut,
    FindingOut,
    Health,
    JobAccepted,
    JobStatus,
    Meta,
    PackOut,
    PackRef,
    PacksResult,
    ParametersResult,
    PolicyResult,
    Problem,
    RuleOut,
    RulesResult,
)

__all__ = ["TOKEN_ENV", "ServerSettings", "create_app"]

#: The environment variable the bearer token is read from (unless another is named).
TOKEN_ENV = "COMPLAINTRULES_API_TOKEN"
_TODAY = "today (Europe/London)"
_POLICY_TYPES = {
    "application/json": ".json",
    "application/yaml": ".yaml",
    "application/x-yaml": ".yaml",
    "text/yaml": ".yaml",
    "text/x-yaml": ".yaml",
    "text/plain": ".yaml",
}


@dataclass(frozen=True)
class ServerSettings:
    """How the service runs. ``token``: the bearer token every ``/v1`` call must carry
    (None: no authentication; health and readiness never need it)."""

    token: str | None = None
    max_body_bytes: int = 5_000_000
    max_batch_items: int = 1_000
    max_job_items: int = 100_000
    job_workers: int = 1
    max_jobs_kept: int = 100
    decision_log: str | Path | None = None

    def __repr__(self) -> str:  # never show the token, in a log or a traceback
        shown = dataclasses.replace(self, token="***" if self.token else None)
        fields = ", ".join(f"{f.name}={getattr(shown, f.name)!r}" for f in dataclasses.fields(self))
        return f"ServerSettings({fields})"


class _RefusedError(Exception):
    """A request refused with a status, an error and the problems naming fields."""

    def __init__(self, status: int, error: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.problems = list(problems)


def _field(loc: Sequence[int | str]) -> str:
    """A pydantic location as a path: ('body', 'case', 'stages', 0) -> case.stages[0]."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(body)"


def _describe_conventions(engine: Engine) -> dict[str, Any]:
    return dict(engine.conventions.describe())


# -- jobs -----------------------------------------------------------------------------------


def run_batch_job(rows: list[dict[str, Any]], spec: EngineSpec) -> dict[str, Any]:
    """A bulk job in a worker process: the batch API, its columns and metadata back as
    data."""
    table = evaluate_batch(rows, engine=spec)
    metadata = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
    return {"columns": table.to_pydict(), "metadata": metadata}


def _batch_items(
    ids: Sequence[str], columns: dict[str, list[Any]]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """:class:`BatchItemOut` data for each id, from the columns of ``evaluate_batch``'s
    table (one row per finding, rejected problem or case not judged); and the packs that
    judged, with their versions."""
    items: list[dict[str, Any]] = [
        # BatchItemOut's fields, in order
        {
            "id": item_id,
            "reference": None,
            "status": "judged",
            "pack": None,
            "pack_version": None,
            "counts": {},
            "findings": [],
            "problems": [],
        }
        for item_id in ids
    ]
    used: dict[str, str] = {}
    rows = zip(
        columns["row_index"],
        columns["reference"],
        columns["pack"],
        columns["pack_version"],
        columns["rule_id"],
        columns["rule_pack"],
        columns["provision"],
        columns["level"],
        columns["verdict"],
        columns["message"],
        columns["column"],
        strict=True,
    )
    for (
        index,
        reference,
        pack,
        version,
        rule_id,
        rule_pack,
        provision,
        level,
        verdict,
        message,
        column,
    ) in rows:
        item = items[index]
        if item["reference"] is None:
            item["reference"] = reference
        if verdict in ("rejected", "not_judged"):
            item["status"] = verdict
            field = f"items[{index}].case"
            if column:
                field += f".{column}"
            item["problems"].append({"field": field, "message": message, "line": None})
            continue
        item["pack"], item["pack_version"] = pack, version
        used[pack] = version
        counts = item["counts"]
        counts[verdict] = counts.get(verdict, 0) + 1
        # BatchFinding's fields, in order
        item["findings"].append(
            {
                "rule_id": rule_id,
                "rule_pack": rule_pack,
                "provision": provision,
                "level": level,
                "verdict": verdict,
                "message": message,
            }
        )
    return items, used


@dataclass
class _Job:
    ids: list[str]
    as_of: date | None
    as_of_source: str
    future: concurrent.futures.Future[dict[str, Any]]
    result: BatchResult | None = None


# -- the application ------------------------------------------------------------------------


def create_app(spec: EngineSpec | None = None, settings: ServerSettings | None = None) -> FastAPI:
    """The service for the engine ``spec`` describes (default: the installed packs, the
    default conventions)."""
    spec = spec if spec is not None else EngineSpec()
    settings = settings if settings is not None else ServerSettings()
    engine = spec.build()
    log = DecisionLog(settings.decision_log)
    jobs: OrderedDict[str, _Job] = OrderedDict()
    pools: list[concurrent.futures.ProcessPoolExecutor] = []

    def loaded() -> list[PackRef]:
        return [PackRef(name=p.name, version=p.version) for p in engine.registry.packs]

    # the same for every response of this app: described once
    conventions = _describe_conventions(engine)
    calendar = engine.calendar.describe()

    def meta_data(
        decision: str,
        packs: list[dict[str, str]],
        as_of: date | None = None,
        source: str | None = None,
    ) -> dict[str, Any]:
        """:class:`Meta` as plain data, in its fields' order (for the JSON the fast
        endpoints write themselves)."""
        return {
            "decision_id": decision,
            "service_version": __version__,
            "packs": packs,
            "as_of": as_of,
            "as_of_source": source,
            "conventions": conventions,
            "calendar": calendar,
        }

    def meta(
        request: Request | str,
        packs: Sequence[PackRef] | None = None,
        as_of: date | None = None,
        source: str | None = None,
    ) -> Meta:
        decision = request if isinstance(request, str) else request.state.decision_id
        return Meta(
            decision_id=decision,
            service_version=__version__,
            packs=list(packs) if packs is not None else loaded(),
            as_of=as_of,
            as_of_source=source,
            conventions=conventions,
            calendar=calendar,
        )

    def as_of_of(given: date | None) -> tuple[date, str]:
        return (given, "given") if given is not None else (engine.today(), _TODAY)

    def record(request: Request, operation: str, **entry: Any) -> None:
        request.state.logged = True
        log.write({"decision_id": request.state.decision_id, "operation": operation, **entry})

    def error_response(request: Request, status: int, error: str, problems: list[Problem]) -> Any:
        body = ErrorOut(meta=meta(request), error=error, problems=problems)
        log.write(
            {
                "decision_id": request.state.decision_id,
                "operation": _operation_of(request.scope),
                "status": status,
                "error": error,
                # where the input was wrong, never what it said
                "fields": [p.field for p in problems][:20],
            }
        )
        request.state.logged = True
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)

    bearer = HTTPBearer(auto_error=False, description=f"The token in ${TOKEN_ENV}")

    async def authorised(  # async: FastAPI runs a plain def in a thread pool
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        if settings.token is None:
            return
        given = credentials.credentials if credentials is not None else ""
        if not given or not hmac.compare_digest(given.encode(), settings.token.encode()):
            raise _RefusedError(401, "missing or wrong bearer token")

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        for pool in pools:
            pool.shutdown(wait=False, cancel_futures=True)
        log.close()

    app = FastAPI(
        lifespan=lifespan,
        title="complaintrules",
        version=__version__,
        summary="The Housing Ombudsman's Complaint Handling Code as executable rules",
        description="Judge complaint cases, batches and policies against the Code's packs. "
        "Every response states the packs and versions, the as-of date, the working-day "
        "conventions and a decision id. See docs/http.md.",
    )

    def too_large(scope: Scope, size: str) -> JSONResponse:
        """413 for a body of ``size`` bytes; 400 for a Content-Length that is no number."""
        decision = scope.setdefault("state", {}).get("decision_id") or uuid.uuid4().hex
        if size:
            status, error = 413, "request body too large"
            limit = settings.max_body_bytes
            problem = Problem(field="(body)", message=f"{size} bytes; the limit is {limit}")
        else:
            status, error = 400, "bad request"
            problem = Problem(field="Content-Length", message="expected a number of bytes")
        log.write(
            {
                "decision_id": decision,
                "operation": scope.get("path"),
                "status": status,
                "error": error,
            }
        )
        scope["state"]["logged"] = True
        body = ErrorOut(meta=meta(decision), error=error, problems=[problem])
        return JSONResponse(body.model_dump(mode="json"), status_code=status)

    # the limit is inside the middleware that gives every response its decision id
    app.add_middleware(_Limited, limit=settings.max_body_bytes, refuse=too_large)
    app.add_middleware(_Decisions, log=log)

    @app.exception_handler(_RefusedError)
    async def refused(request: Request, exc: _RefusedError) -> Any:
        return error_response(request, exc.status, exc.error, exc.problems)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Any:
        problems = []
        for e in exc.errors():
            if e.get("type") == "json_invalid":
                # the location pydantic gives is a character offset, not a field
                at = list(e.get("loc", ()))[-1:]
                why = e.get("ctx", {}).get("error", "")
                problems.append(
                    Problem(
                        field="(body)",
                        message=f"invalid JSON at character {at[0] if at else '?'}: {why}".rstrip(
                            ": "
                        ),
                    )
                )
            else:
                problems.append(
                    Problem(field=_field(e.get("loc", ())), message=str(e.get("msg", "invalid")))
                )
        return error_response(request, 422, "invalid input", problems)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Any:
        return error_response(request, exc.status_code, str(exc.detail), [])

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Any:
        # never a traceback to the caller; the server log has it
        return error_response(request, 500, f"internal error ({type(exc).__name__})", [])

    # -- health -------------------------------------------------------------------------

    @app.get("/health", operation_id="health", response_model=Health, tags=["health"])
    async def health(request: Request) -> Health:
        """Liveness: the process answers; names the packs loaded."""
        return Health(meta=meta(request), status="ok", packs=loaded())

    @app.get(
        "/ready",
        operation_id="ready",
        response_model=Health,
        responses={503: {"model": Health}},
        tags=["health"],
    )
    async def ready(request: Request) -> Any:
        """Readiness: at least one pack is loaded and no plugin clashed (503 otherwise)."""
        problems = [f"{p.plugin}: {p.problem}" for p in engine.registry.problems if p.clash]
        ok = bool(engine.registry.packs) and not problems
        if not engine.registry.packs:
            problems.append("no packs loaded")
        body = Health(
            meta=meta(request),
            status="ok" if ok else "not ready",
            packs=loaded(),
            problems=problems,
        )
        return JSONResponse(body.model_dump(mode="json"), status_code=200 if ok else 503)

    v1 = APIRouter(
        prefix="/v1",
        dependencies=[Depends(authorised)],
        responses={
            401: {"model": ErrorOut, "description": "Missing or wrong bearer token"},
            413: {"model": ErrorOut, "description": "Body larger than the limit"},
            422: {"model": ErrorOut, "description": "Bad input, naming the field"},
        },
    )

    def pack_or_refuse(name: str, where: str = "pack") -> Pack:
        try:
            return engine.pack(name)
        except NoPackError as exc:
            raise _RefusedError(
                422, "unknown pack", [Problem(field=where, message=str(exc))]
            ) from None

    def finding_data(report: Report) -> list[dict[str, Any]]:
        """The report's findings as :class:`FindingOut` data."""
        out = []
        for finding in report.findings:
            data = finding.to_dict()
            # a broken rule's traceback names the server's files: not for the caller
            data["evidence"]["computed"].pop("traceback", None)
            out.append(data)
        return out

    def findings_of(report: Report) -> list[FindingOut]:
        return [FindingOut(**data) for data in finding_data(report)]

    # -- catalogue ----------------------------------------------------------------------

    @v1.get("/packs", operation_id="listPacks", response_model=PacksResult, tags=["catalogue"])
    async def packs(request: Request) -> PacksResult:
        """The packs loaded, their versions and the dates they are in force."""
        out = [
            PackOut(
                name=p.name,
                version=p.version,
                title=p.title,
                in_force_from=p.in_force_from,
                in_force_until=p.in_force_until,
                rules=len(engine.registry.rules_for(p)),
            )
            for p in engine.registry.packs
        ]
        return PacksResult(meta=meta(request), packs=out)

    @v1.get("/rules", operation_id="listRules", response_model=RulesResult, tags=["catalogue"])
    async def rules(request: Request, pack: str | None = None) -> RulesResult:
        """The rules catalogue: every rule of every pack, or of one pack."""
        chosen = [pack_or_refuse(pack)] if pack else list(engine.registry.packs)
        out = [RuleOut(**r.describe()) for p in chosen for r in engine.registry.rules_for(p)]
        refs = [PackRef(name=p.name, version=p.version) for p in chosen]
        return RulesResult(meta=meta(request, refs), rules=out)

    @v1.get(
        "/packs/{pack}/parameters",
        operation_id="packParameters",
        response_model=ParametersResult,
        tags=["catalogue"],
    )
    async def parameters(request: Request, pack: str) -> ParametersResult:
        """A pack's dated parameters, each value with the date it applies from and its source."""
        chosen = pack_or_refuse(pack)
        return ParametersResult(
            meta=meta(request, [PackRef(name=chosen.name, version=chosen.version)]),
            pack=chosen.name,
            version=chosen.version,
            parameters=chosen.parameters.describe(),
        )

    # -- one case -----------------------------------------------------------------------

    def judging_problem(exc: Exception, received: str) -> _RefusedError:
        if isinstance(exc, NoPackError):
            return _RefusedError(422, "no pack", [Problem(field=received, message=str(exc))])
        return _RefusedError(422, "date out of range", [Problem(field=received, message=str(exc))])

    @v1.post(
        "/cases/evaluate",
        operation_id="evaluateCase",
        response_model=CaseResult,
        tags=["cases"],
    )
    async def evaluate_case(request: Request, body: CaseIn) -> Response:
        """Every case rule of the pack on one case, as it stood on ``as_of``."""
        as_of, source = as_of_of(body.as_of)
        if body.pack is not None:
            pack_or_refuse(body.pack)
        try:
            report = engine.evaluate_case(body.case, pack=body.pack, as_of=as_of)
        except (NoPackError, CalendarRangeError) as exc:
            raise judging_problem(exc, "case.received_on") from None
        refs = [{"name": p.name, "version": p.version} for p in report.packs]
        counts = report.counts()
        record(
            request,
            "evaluateCase",
            status=200,
            reference=log.mask(body.case.reference),
            packs=refs,
            as_of=as_of.isoformat(),
            counts=counts,
            failed=sorted({f.rule_id for f in report.failures}),
        )
        # CaseResult's fields, in order
        return _json(
            {
                "meta": meta_data(request.state.decision_id, refs, as_of, source),
                "reference": body.case.reference,
                "judged": body.case.received_on <= as_of,
                "counts": counts,
                "findings": finding_data(report),
            }
        )

    @v1.post("/cases/due", operation_id="due", response_model=DueResult, tags=["cases"])
    async def due_dates(request: Request, body: DueIn) -> DueResult:
        """What is owed on the case as of ``as_of``, and by when (``complaintrules.due``)."""
        as_of, source = as_of_of(body.as_of)
        if body.pack is not None:
            pack_or_refuse(body.pack)
        try:
            report = due(body.case, as_of, engine=engine, pack=body.pack)
        except NoTimescalesError as exc:
            raise _RefusedError(
                422, "no timescales", [Problem(field="pack", message=str(exc))]
            ) from None
        except (NoPackError, CalendarRangeError) as exc:
            raise judging_problem(exc, "case.received_on") from None
        chosen = engine.pack(report.pack)
        refs = [PackRef(name=chosen.name, version=chosen.version)]
        data = report.to_dict()
        record(
            request,
            "due",
            status=200,
            reference=log.mask(body.case.reference),
            packs=[r.model_dump() for r in refs],
            as_of=as_of.isoformat(),
            breached=len(report.breached),
        )
        return DueResult(meta=meta(request, refs, as_of, source), **data)

    # -- batches ------------------------------------------------------------------------

    def check_batch(body: BatchIn, limit: int) -> None:
        if len(body.items) > limit:
            raise _RefusedError(
                422,
                "too many items",
                [Problem(field="items", message=f"{len(body.items)} items; the limit is {limit}")],
            )
        seen: dict[str, int] = {}
        for index, item in enumerate(body.items):
            if item.id in seen:
                raise _RefusedError(
                    422,
                    "duplicate item id",
                    [
                        Problem(
                            field=f"items[{index}].id",
                            message=f"the same id as items[{seen[item.id]}]; ids must be unique",
                        )
                    ],
                )
            seen[item.id] = index
        if body.pack is not None:
            pack_or_refuse(body.pack)

    def batch_data(
        request: Request,
        ids: Sequence[str],
        columns: dict[str, list[Any]],
        metadata: dict[str, str],
    ) -> dict[str, Any]:
        """:class:`BatchResult` as plain data, from ``evaluate_batch``'s columns."""
        items, used = _batch_items(ids, columns)
        as_of = date.fromisoformat(metadata["complaintrules.as_of"])
        refs = [{"name": n, "version": v} for n, v in used.items()]
        source = metadata.get("complaintrules.as_of_source")
        # BatchResult's fields, in order
        return {
            "meta": meta_data(request.state.decision_id, refs, as_of, source),
            "batch_schema_version": metadata["complaintrules.batch_schema_version"],
            "items": items,
        }

    def log_batch(request: Request, operation: str, result: dict[str, Any], **extra: Any) -> None:
        as_of = result["meta"]["as_of"]
        record(
            request,
            operation,
            status=200,
            packs=result["meta"]["packs"],
            as_of=as_of.isoformat() if as_of else None,
            items=[
                {"id": log.mask(i["id"]), "status": i["status"], "counts": i["counts"]}
                for i in result["items"]
            ],
            **extra,
        )

    @v1.post("/batch", operation_id="evaluateBatch", response_model=BatchResult, tags=["cases"])
    async def batch(request: Request, body: BatchIn) -> Response:
        """Many cases at once, each with the caller's id (``evaluate_batch``). An item that
        is not a valid case is ``rejected`` with the field at fault; the rest are judged."""
        check_batch(body, settings.max_batch_items)
        as_of, source = as_of_of(body.as_of)
        rows = [item.case for item in body.items]
        try:
            table = evaluate_batch(rows, engine=engine, as_of=as_of, pack=body.pack)
        except InputError as exc:
            problems = [Problem(field="items", message=str(p)) for p in exc.problems]
            raise _RefusedError(422, "invalid batch", problems) from None
        metadata = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
        metadata["complaintrules.as_of_source"] = source
        result = batch_data(request, [i.id for i in body.items], table.to_pydict(), metadata)
        log_batch(request, "evaluateBatch", result)
        return _json(result)

    # -- bulk jobs ------------------------------------------------------------------------

    def pool() -> concurrent.futures.ProcessPoolExecutor:
        if not pools:
            context = multiprocessing.get_context("spawn")
            pools.append(
                concurrent.futures.ProcessPoolExecutor(settings.job_workers, mp_context=context)
            )
        return pools[0]

    @v1.post(
        "/jobs",
        operation_id="submitJob",
        response_model=JobAccepted,
        status_code=202,
        tags=["jobs"],
    )
    async def submit_job(request: Request, body: BatchIn) -> JobAccepted:
        """A batch judged in the background, in a worker process; poll its status URL."""
        check_batch(body, settings.max_job_items)
        as_of, source = as_of_of(body.as_of)
        job_spec = dataclasses.replace(spec, as_of=as_of, pack=body.pack)
        future = pool().submit(run_batch_job, [i.case for i in body.items], job_spec)
        job_id = request.state.decision_id
        jobs[job_id] = _Job([i.id for i in body.items], as_of, source, future)
        while len(jobs) > settings.max_jobs_kept:
            _, oldest = jobs.popitem(last=False)
            oldest.future.cancel()
        record(request, "submitJob", status=202, items=len(body.items), as_of=as_of.isoformat())
        return JobAccepted(
            meta=meta(request, None, as_of, source),
            job_id=job_id,
            status="queued",
            status_url=f"/v1/jobs/{job_id}",
        )

    @v1.get("/jobs/{job_id}", operation_id="jobStatus", response_model=JobStatus, tags=["jobs"])
    async def job_status(request: Request, job_id: str) -> JobStatus:
        """A bulk job's status (queued, running, done, failed); its result once done."""
        job = jobs.get(job_id)
        if job is None:
            raise _RefusedError(
                404, "no such job", [Problem(field="job_id", message="unknown or expired job id")]
            )
        future = job.future
        if not future.done():
            status = "running" if future.running() else "queued"
            return JobStatus(
                meta=meta(request, None, job.as_of, job.as_of_source),
                job_id=job_id,
                status=status,
                items=len(job.ids),
            )
        exc = future.exception()
        if exc is not None:
            problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return JobStatus(
                meta=meta(request, None, job.as_of, job.as_of_source),
                job_id=job_id,
                status="failed",
                items=len(job.ids),
                error=problem,
            )
        if job.result is None:
            data = future.result()
            metadata = dict(data["metadata"])
            metadata["complaintrules.as_of_source"] = job.as_of_source
            done = batch_data(request, job.ids, data["columns"], metadata)
            log_batch(request, "jobDone", done, job_id=job_id)
            job.result = BatchResult.model_validate(done)
        result = job.result
        return JobStatus(
            meta=result.meta.model_copy(update={"decision_id": request.state.decision_id}),
            job_id=job_id,
            status="done",
            items=len(job.ids),
            result=result,
        )

    # -- policy ---------------------------------------------------------------------------

    @v1.post(
        "/policy/check",
        operation_id="checkPolicy",
        response_model=PolicyResult,
        tags=["policy"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "description": "The landlord's policy, as `complaintrules schema policy` "
                "describes it, in YAML or JSON",
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "application/yaml": {"schema": {"type": "string"}},
                },
            }
        },
    )
    async def check_policy(
        request: Request,
        as_of: Annotated[date | None, Query(description="Judge on this date")] = None,
        pack: Annotated[str | None, Query(description="Default: the pack in force")] = None,
    ) -> PolicyResult:
        """A landlord's policy, provision by provision, against a pack."""
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        suffix = _POLICY_TYPES.get(kind)
        if suffix is None:
            raise _RefusedError(
                415,
                "unsupported content type",
                [
                    Problem(
                        field="Content-Type",
                        message=f"expected one of {', '.join(_POLICY_TYPES)}, got {kind!r}",
                    )
                ],
            )
        if pack is not None:
            pack_or_refuse(pack)
        given = await request.body()
        # through the library's own loader: its limits on size, nesting and aliases, and
        # its messages naming the field and line
        with tempfile.TemporaryDirectory(prefix="complaintrules-") as folder:
            path = Path(folder) / f"policy{suffix}"
            path.write_bytes(given)
            try:
                policy = load_policy(path)
            except InputError as exc:
                problems = [
                    Problem(field=p.location or "(body)", message=p.message, line=p.line)
                    for p in exc.problems
                ]
                raise _RefusedError(422, "invalid policy", problems) from None
        try:
            report = engine.evaluate_policy(policy, pack=pack, on=as_of)
        except (NoPackError, CalendarRangeError) as exc:
            raise _RefusedError(
                422, "cannot judge", [Problem(field="as_of", message=str(exc))]
            ) from None
        refs = [PackRef(name=p.name, version=p.version) for p in report.packs]
        counts = report.counts()
        record(
            request,
            "checkPolicy",
            status=200,
            packs=[r.model_dump() for r in refs],
            judged_on=report.judged_on.isoformat() if report.judged_on else None,
            counts=counts,
            failed=sorted({f.rule_id for f in report.failures}),
        )
        return PolicyResult(
            meta=meta(request, refs, report.judged_on, report.judged_on_source),
            judged_on=report.judged_on,
            counts=counts,
            findings=findings_of(report),
        )

    app.include_router(v1)
    return app


def _json(data: dict[str, Any]) -> Response:
    """A 200 response of JSON made from plain data (dates as ISO text, as pydantic writes
    them in a model's JSON), without FastAPI's validation against the response model."""
    text = pydantic_core.to_json(data, inf_nan_mode="null")  # as the models write them
    return Response(content=text, media_type="application/json")


# -- middleware -------------------------------------------------------------------------------


class _Decisions:
    """ASGI middleware: a decision id for every HTTP request (in the request's state and
    its response's X-Decision-Id header), and a decision log line for a ``/v1`` request
    that no endpoint logged. Plain ASGI rather than ``@app.middleware("http")``, which
    runs the rest of the app in a task of its own and costs a tenth of a millisecond."""

    def __init__(self, app: ASGIApp, log: DecisionLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        decision = uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["decision_id"] = decision
        state["logged"] = False
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append("X-Decision-Id", decision)
            await send(message)

        await self.app(scope, receive, send_with_id)
        if not state["logged"] and scope["path"].startswith("/v1"):
            self.log.write(
                {
                    "decision_id": decision,
                    "operation": _operation_of(scope),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                }
            )


def _operation_of(scope: Scope) -> str:
    """A logged request's operation: its route's operation id where routing found one (so a
    refused request is logged under the same name as a granted one), else its path."""
    route = scope.get("route")
    operation = getattr(route, "operation_id", None)
    return operation if isinstance(operation, str) else str(scope.get("path", ""))


# -- request size -----------------------------------------------------------------------------


class _Limited:
    """ASGI middleware that refuses a body over ``limit`` bytes with 413 before the
    application reads it (by its Content-Length, or by counting a chunked body)."""

    def __init__(
        self, app: ASGIApp, limit: int, refuse: Callable[[Scope, str], JSONResponse]
    ) -> None:
        self.app = app
        self.limit = limit
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and not length.isdigit():
            await self.refuse(scope, "")(scope, _disconnected, send)
            return
        if length is not None and int(length) > self.limit:
            await self._refuse(scope, send, length.decode("latin-1"))
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, send, f"more than {self.limit}")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send, size: str) -> None:
        await self.refuse(scope, size)(scope, _disconnected, send)


async def _disconnected() -> Message:
    return {"type": "http.disconnect"}


def token_from_env(name: str = TOKEN_ENV) -> str | None:
    """The bearer token from the environment (empty or unset: no authentication)."""
    value = os.environ.get(name, "").strip()
    return value or None
