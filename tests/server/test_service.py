"""The HTTP service (issue 16, item 1) through Starlette's TestClient: every endpoint gives
what the library gives in-process, with the packs, as-of date, conventions and a decision
id; bad input is a 4xx naming the field; auth and size limits hold; nothing leaks."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from complaintrules import (
    Complaint,
    Engine,
    EngineSpec,
    __version__,
    due,
    evaluate_batch,
    load_policy,
)
from complaintrules.cli.main import main
from complaintrules.io.loading import read_document
from complaintrules.server import (
    ServerSettings,
    create_app,
    openapi_document,
    swagger2_document,
)
from complaintrules.server.models import (
    BatchFinding,
    BatchItemOut,
    BatchResult,
    CaseResult,
    FindingOut,
    Meta,
    PackRef,
    Problem,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "examples" / "landlord" / "cases.yaml"
POLICY = ROOT / "examples" / "landlord" / "policy.yaml"
AS_OF = date(2025, 3, 31)
TOKEN = "s3cret-token-for-tests"


def raw_cases() -> list[dict[str, Any]]:
    data = read_document(CASES)["cases"]  # the library's YAML reading ("on" is a key)
    return json.loads(json.dumps(data, default=str))  # dates as ISO text, as JSON sends them


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def findings(report_findings: list[Any]) -> list[tuple[str, str, str]]:
    return [(f["rule_id"], f["verdict"], f["message"]) for f in report_findings]


# -- one case, due, policy ----------------------------------------------------------------------


def test_a_case_is_judged_as_the_engine_judges_it(client: TestClient) -> None:
    engine = Engine()
    for data in raw_cases()[:6]:
        response = client.post(
            "/v1/cases/evaluate", json={"case": data, "as_of": AS_OF.isoformat()}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        report = engine.evaluate_case(Complaint.model_validate(data), as_of=AS_OF)
        assert findings(body["findings"]) == [
            (f.rule_id, f.verdict.value, f.message) for f in report.findings
        ]
        assert body["counts"] == report.counts()
        meta = body["meta"]
        assert meta["packs"] == [{"name": p.name, "version": p.version} for p in report.packs]
        assert meta["as_of"] == "2025-03-31" and meta["as_of_source"] == "given"
        assert meta["conventions"] == dict(report.conventions.describe())
        assert meta["decision_id"] == response.headers["X-Decision-Id"]


def test_without_as_of_the_case_is_judged_today_and_says_so(client: TestClient) -> None:
    body = client.post("/v1/cases/evaluate", json={"case": raw_cases()[0]}).json()
    assert body["meta"]["as_of_source"] == "today (Europe/London)"
    assert body["meta"]["as_of"] == Engine().today().isoformat()


def test_each_response_has_its_own_decision_id(client: TestClient) -> None:
    ids = {client.get("/health").headers["X-Decision-Id"] for _ in range(3)}
    assert len(ids) == 3


def test_due_is_the_librarys_due(client: TestClient) -> None:
    data = raw_cases()[2]
    body = client.post("/v1/cases/due", json={"case": data, "as_of": "2024-06-03"}).json()
    expected = due(Complaint.model_validate(data), date(2024, 6, 3)).to_dict()
    assert [(o["rule_id"], o["status"], o["due_by"]) for o in body["obligations"]] == [
        (o["rule_id"], o["status"], o["due_by"]) for o in expected["obligations"]
    ]
    assert body["meta"]["packs"][0]["name"] == expected["pack"]


@pytest.mark.parametrize("kind", ["application/yaml", "application/json"])
def test_a_policy_is_checked_as_the_engine_checks_it(client: TestClient, kind: str) -> None:
    text = POLICY.read_text(encoding="utf-8")
    if kind == "application/json":
        text = json.dumps(read_document(POLICY), default=str)
    response = client.post(
        "/v1/policy/check?as_of=2025-03-31", content=text.encode(), headers={"content-type": kind}
    )
    assert response.status_code == 200, response.text
    report = Engine().evaluate_policy(load_policy(POLICY), on=AS_OF)
    assert findings(response.json()["findings"]) == [
        (f.rule_id, f.verdict.value, f.message) for f in report.findings
    ]
    assert response.json()["meta"]["as_of"] == "2025-03-31"


def test_a_bad_policy_names_the_field_and_line(client: TestClient) -> None:
    response = client.post(
        "/v1/policy/check",
        content=b"name: P\nstages: 7\n",
        headers={"content-type": "application/yaml"},
    )
    assert response.status_code == 422
    (problem,) = response.json()["problems"]
    assert problem["field"] == "stages" and problem["line"] == 2
    response = client.post(
        "/v1/policy/check", content=b"name: P", headers={"content-type": "image/png"}
    )
    assert response.status_code == 415
    assert response.json()["problems"][0]["field"] == "Content-Type"


# -- batches and jobs ---------------------------------------------------------------------------


def batch_items() -> list[dict[str, Any]]:
    items = [{"id": f"crm-{i}", "case": data} for i, data in enumerate(raw_cases()[:8])]
    items.insert(3, {"id": "bad-date", "case": {"reference": "X-1", "received_on": "31/09/2024"}})
    return items


def test_a_batch_gives_each_item_its_id_and_the_batch_apis_verdicts(client: TestClient) -> None:
    items = batch_items()
    response = client.post("/v1/batch", json={"items": items, "as_of": "2025-03-31"})
    assert response.status_code == 200, response.text
    out = response.json()["items"]
    assert [i["id"] for i in out] == [i["id"] for i in items]
    table = evaluate_batch([i["case"] for i in items], as_of=AS_OF).to_pylist()
    for index, item in enumerate(out):
        rows = [r for r in table if r["row_index"] == index]
        if item["status"] == "judged":
            assert [(f["rule_id"], f["verdict"], f["message"]) for f in item["findings"]] == [
                (r["rule_id"], r["verdict"], r["message"]) for r in rows
            ]
    bad = out[3]
    assert bad["status"] == "rejected" and bad["findings"] == []
    assert bad["problems"][0]["field"] == "items[3].case.received_on"
    assert response.json()["meta"]["packs"] == [{"name": "code_2024", "version": "2024.1.0"}]


def test_a_batch_refuses_duplicate_ids_and_too_many_items() -> None:
    with TestClient(create_app(settings=ServerSettings(max_batch_items=3))) as small:
        case = raw_cases()[0]
        items = [{"id": "a", "case": case}, {"id": "b", "case": case}, {"id": "a", "case": case}]
        response = small.post("/v1/batch", json={"items": items})
        assert response.status_code == 422
        assert response.json()["problems"][0]["field"] == "items[2].id"
        items = [{"id": str(i), "case": case} for i in range(4)]
        response = small.post("/v1/batch", json={"items": items})
        assert response.status_code == 422
        assert response.json()["problems"][0] == {
            "field": "items",
            "message": "4 items; the limit is 3",
            "line": None,
        }


def test_a_bulk_job_is_polled_until_done_and_gives_the_batch_result(client: TestClient) -> None:
    items = batch_items()
    accepted = client.post("/v1/jobs", json={"items": items, "as_of": "2025-03-31"})
    assert accepted.status_code == 202, accepted.text
    url = accepted.json()["status_url"]
    deadline = time.monotonic() + 120
    while True:
        status = client.get(url).json()
        if status["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status["status"] == "done", status
    direct = client.post("/v1/batch", json={"items": items, "as_of": "2025-03-31"}).json()
    assert status["result"]["items"] == direct["items"]
    assert client.get("/v1/jobs/no-such-job").status_code == 404


# -- the JSON the fast endpoints write ----------------------------------------------------------


def expected_meta(body: dict[str, Any], packs: list[PackRef], source: str) -> Meta:
    engine = Engine()
    return Meta(
        decision_id=body["meta"]["decision_id"],
        service_version=__version__,
        packs=packs,
        as_of=AS_OF,
        as_of_source=source,
        conventions=dict(engine.conventions.describe()),
        calendar=engine.calendar.describe(),
    )


def test_the_case_json_is_the_models_own(client: TestClient) -> None:
    """The case endpoint writes its JSON itself: it is what CaseResult writes for the
    engine's report, byte for byte (fields in the model's order, dates as ISO text)."""
    engine = Engine()
    later = {"reference": "LATER-1", "received_on": "2025-04-02"}  # after as_of
    for data in [*raw_cases()[:4], later]:
        response = client.post(
            "/v1/cases/evaluate", json={"case": data, "as_of": AS_OF.isoformat()}
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        case = Complaint.model_validate(data)
        report = engine.evaluate_case(case, as_of=AS_OF)
        model = CaseResult(
            meta=expected_meta(
                body, [PackRef(name=p.name, version=p.version) for p in report.packs], "given"
            ),
            reference=case.reference,
            judged=case.received_on <= AS_OF,
            counts=report.counts(),
            findings=[FindingOut(**f.to_dict()) for f in report.findings],
        )
        assert body == model.model_dump(mode="json")
        assert response.content == model.model_dump_json().encode()
    assert body["judged"] is False


def test_the_batch_json_is_the_models_own(client: TestClient) -> None:
    """The batch endpoint writes its JSON itself: it is what BatchResult writes for the
    batch API's table, byte for byte, a rejected item included."""
    items = batch_items()
    response = client.post("/v1/batch", json={"items": items, "as_of": AS_OF.isoformat()})
    assert response.status_code == 200, response.text
    body = response.json()
    table = evaluate_batch([i["case"] for i in items], as_of=AS_OF)
    out = [
        BatchItemOut(
            id=i["id"],
            reference=None,
            status="judged",
            pack=None,
            pack_version=None,
            counts={},
            findings=[],
            problems=[],
        )
        for i in items
    ]
    used: dict[str, str] = {}
    for row in table.to_pylist():
        item = out[row["row_index"]]
        item.reference = item.reference or row["reference"]
        if row["verdict"] in ("rejected", "not_judged"):
            item.status = row["verdict"]
            field = f"items[{row['row_index']}].case"
            field += f".{row['column']}" if row["column"] else ""
            item.problems.append(Problem(field=field, message=row["message"]))
            continue
        item.pack, item.pack_version = row["pack"], row["pack_version"]
        used[row["pack"]] = row["pack_version"]
        item.counts[row["verdict"]] = item.counts.get(row["verdict"], 0) + 1
        names = ("rule_id", "rule_pack", "provision", "level", "verdict", "message")
        item.findings.append(BatchFinding(**{k: row[k] for k in names}))
    version = (table.schema.metadata or {})[b"complaintrules.batch_schema_version"].decode()
    packs = [PackRef(name=n, version=v) for n, v in used.items()]
    model = BatchResult(
        meta=expected_meta(body, packs, "given"), batch_schema_version=version, items=out
    )
    assert body == model.model_dump(mode="json")
    assert response.content == model.model_dump_json().encode()
    assert {i["status"] for i in body["items"]} == {"judged", "rejected"}


def test_a_v1_request_is_judged_in_the_event_loops_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No part of a /v1 request (the bearer check included) goes through the thread
    pool: a hop there costs time on every request, and judging belongs in the thread
    where the engine's rule time budget is enforced."""
    hops: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(func, "__name__", repr(func)))
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(settings=ServerSettings(token=TOKEN))) as guarded:
        case = raw_cases()[0]
        one = guarded.post("/v1/cases/evaluate", json={"case": case}, headers=headers)
        assert one.status_code == 200, one.text
        items = [{"id": "a", "case": case}]
        many = guarded.post("/v1/batch", json={"items": items}, headers=headers)
        assert many.status_code == 200, many.text
    assert hops == []


# -- catalogue, health ------------------------------------------------------------------------


def test_the_rules_catalogue_and_parameters(client: TestClient) -> None:
    engine = Engine()
    pack = engine.pack("code_2024")
    body = client.get("/v1/rules", params={"pack": "code_2024"}).json()
    assert [r["id"] for r in body["rules"]] == [r.id for r in engine.registry.rules_for(pack)]
    assert body["meta"]["packs"] == [{"name": "code_2024", "version": pack.version}]
    body = client.get("/v1/packs/code_2024/parameters").json()
    assert body["parameters"] == pack.parameters.describe()
    response = client.get("/v1/rules", params={"pack": "code_1999"})
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "pack"
    names = [p["name"] for p in client.get("/v1/packs").json()["packs"]]
    assert names == [p.name for p in engine.registry.packs]


def test_health_and_readiness_name_the_packs(client: TestClient) -> None:
    for path in ("/health", "/ready"):
        body = client.get(path).json()
        assert {p["name"] for p in body["packs"]} >= {"code_2020", "code_2024"}
        assert body["status"] == "ok"
    with TestClient(create_app(EngineSpec(autoload=False))) as empty:
        response = empty.get("/ready")
        assert response.status_code == 503
        assert response.json()["problems"] == ["no packs loaded"]
        assert empty.get("/health").status_code == 200


# -- bad input ----------------------------------------------------------------------------------


def test_bad_input_is_a_422_naming_the_field_and_the_server_carries_on(
    client: TestClient,
) -> None:
    case = raw_cases()[0]
    case["stages"][0]["number"] = "first"
    response = client.post("/v1/cases/evaluate", json={"case": case, "colour": "red"})
    assert response.status_code == 422
    fields = [p["field"] for p in response.json()["problems"]]
    assert fields == ["case.stages[0].number", "colour"]
    assert "Traceback" not in response.text and "first" not in response.text
    response = client.post(
        "/v1/cases/evaluate", content=b'{"case": {', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "(body)"
    assert "invalid JSON" in response.json()["problems"][0]["message"]
    response = client.post("/v1/cases/evaluate", json={"case": raw_cases()[0], "pack": "nope"})
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "pack"
    early = {"reference": "OLD-1", "received_on": "2010-01-04"}
    response = client.post("/v1/cases/evaluate", json={"case": early})
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "case.received_on"
    assert client.get("/health").status_code == 200


def test_a_broken_rule_is_an_error_finding_not_a_500(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    app = create_app(EngineSpec(plugins=("broken_rule_plugin",)))
    with TestClient(app) as broken:
        response = broken.post(
            "/v1/cases/evaluate", json={"case": raw_cases()[0], "as_of": "2025-03-31"}
        )
        assert response.status_code == 200
        (finding,) = [f for f in response.json()["findings"] if f["rule_id"] == "BROKEN-1"]
        assert finding["verdict"] == "error"
        assert "ZeroDivisionError" in finding["message"]
        assert "Traceback" not in response.text  # the server's paths stay on the server


# -- auth, size, the decision log ----------------------------------------------------------------


def test_a_token_is_needed_when_set_and_never_shown(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    settings = ServerSettings(token=TOKEN, decision_log=log)
    assert TOKEN not in repr(settings)
    with TestClient(create_app(settings=settings)) as secured:
        body = {"case": raw_cases()[0]}
        missing = secured.post("/v1/cases/evaluate", json=body)
        assert missing.status_code == 401
        assert missing.headers["WWW-Authenticate"] == "Bearer"
        wrong = secured.post(
            "/v1/cases/evaluate", json=body, headers={"Authorization": "Bearer not-it"}
        )
        assert wrong.status_code == 401
        right = secured.post(
            "/v1/cases/evaluate", json=body, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert right.status_code == 200
        assert secured.get("/health").status_code == 200  # probes need no token
        assert secured.get("/ready").status_code == 200
        document = secured.get("/openapi.json").json()
        assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    text = log.read_text(encoding="utf-8")
    assert TOKEN not in text and "not-it" not in text
    assert [json.loads(line)["status"] for line in text.splitlines()] == [401, 401, 200]


def test_without_a_token_v1_is_open(client: TestClient) -> None:
    assert client.get("/v1/packs").status_code == 200


def test_bodies_over_the_limit_are_refused_with_413() -> None:
    settings = ServerSettings(max_body_bytes=2_000)
    with TestClient(create_app(settings=settings)) as small:
        case = raw_cases()[0]
        assert small.post("/v1/cases/evaluate", json={"case": case}).status_code == 200
        big = dict(case, stages=case["stages"] * 20)
        response = small.post("/v1/cases/evaluate", json={"case": big})
        assert response.status_code == 413
        assert response.json()["problems"][0]["field"] == "(body)"
        assert response.json()["meta"]["packs"]  # still says what is loaded
        assert response.headers["X-Decision-Id"] == response.json()["meta"]["decision_id"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield b'{"case": '
            for _ in range(100):
                yield b" " * 100

        response = small.post(
            "/v1/cases/evaluate", content=chunks(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413
        assert small.get("/health").status_code == 200


def test_the_decision_log_masks_personal_fields(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    data = raw_cases()[0]
    with TestClient(create_app(settings=ServerSettings(decision_log=log))) as logged:
        one = logged.post("/v1/cases/evaluate", json={"case": data, "as_of": "2025-03-31"})
        items = [{"id": "crm-guid-1", "case": data}]
        logged.post("/v1/batch", json={"items": items, "as_of": "2025-03-31"})
        logged.post("/v1/cases/evaluate", json={"case": dict(data, stages="x")})
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [line["operation"] for line in lines] == [
        "evaluateCase",
        "evaluateBatch",
        "evaluateCase",  # refused (422), named as a granted request is
    ]
    first, batch, bad = lines
    assert first["decision_id"] == one.json()["meta"]["decision_id"]
    assert first["packs"] == [{"name": "code_2024", "version": "2024.1.0"}]
    assert first["as_of"] == "2025-03-31" and first["counts"] == one.json()["counts"]
    assert first["reference"].startswith("hmac:") and first["reference"] != data["reference"]
    assert batch["items"][0]["id"].startswith("hmac:")
    assert bad["status"] == 422 and bad["fields"] == ["case.stages"]
    text = log.read_text(encoding="utf-8")
    handler = data["stages"][0]["handler"]
    understanding = data["stages"][0]["acknowledged"]["definition"]["understanding"]
    for personal in (data["reference"], "crm-guid-1", handler, understanding):
        assert personal not in text


# -- the API description ----------------------------------------------------------------------


def test_the_openapi_documents_validate(tmp_path: Path) -> None:
    app = create_app(settings=ServerSettings(token=TOKEN))
    document = openapi_document(app, "https://rules.example.org")
    assert document["openapi"].startswith("3.1")
    validate(document)
    operations = {o["operationId"] for p in document["paths"].values() for o in p.values()}
    assert operations >= {"evaluateCase", "evaluateBatch", "due", "checkPolicy", "listRules"}
    swagger = swagger2_document(app, "https://rules.example.org/api")
    assert swagger["swagger"] == "2.0"
    assert (swagger["host"], swagger["basePath"]) == ("rules.example.org", "/api")
    validate(swagger)
    assert "#/components/" not in json.dumps(swagger)
    assert swagger["securityDefinitions"]["HTTPBearer"]["name"] == "Authorization"


def test_serve_openapi_writes_the_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "swagger.json"
    assert main(["serve", "--openapi", "--swagger2", "-o", str(out)]) == 0
    validate(json.loads(out.read_text(encoding="utf-8")))
    assert main(["serve", "--openapi"]) == 0
    assert json.loads(capsys.readouterr().out)["openapi"].startswith("3.1")
    assert main(["serve", "--swagger2"]) == 2
    assert "go with --openapi" in capsys.readouterr().err
    missing = tmp_path / "no-folder" / "x.json"
    assert main(["serve", "--openapi", "-o", str(missing)]) == 2


def test_the_server_uses_only_the_public_api() -> None:
    """The service is a client of the library like a CRM's own code: it imports the
    top-level ``complaintrules`` and its own modules, nothing internal."""
    import ast

    folder = ROOT / "src" / "complaintrules" / "server"
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                internal = node.level > 1 or (
                    node.level == 0 and (node.module or "").startswith("complaintrules.")
                )
                assert not internal, f"{path.name}:{node.lineno} imports {node.module}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("complaintrules."), path.name
