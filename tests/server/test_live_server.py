"""The service as a CRM meets it: `complaintrules serve` running on 127.0.0.1 (a free
port), called with curl (a non-Python client) and with httpx."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from complaintrules.io.loading import read_document

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "live-test-token-7f3a"
CURL = shutil.which("curl")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def start(command: list[str], port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise AssertionError(f"the server exited ({process.returncode}):\n{output}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the server did not answer /health within 90 s")


def stop(process: subprocess.Popen[bytes]) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output.decode(errors="replace")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    log = tmp_path_factory.mktemp("serve") / "decisions.jsonl"
    port = free_port()
    env = dict(os.environ, COMPLAINTRULES_API_TOKEN=TOKEN)
    command = [sys.executable, "-m", "complaintrules", "serve", "--port", str(port)]
    command += ["--decision-log", str(log), "--max-body-bytes", "200000"]
    process = start(command, port, env)
    yield f"http://127.0.0.1:{port}", log
    output = stop(process)
    assert TOKEN not in output  # the server's own output never shows the token
    assert "Traceback" not in output


def curl(url: str, *args: str, body: Any = None, token: str | None = TOKEN) -> tuple[int, Any]:
    assert CURL is not None, "curl is needed for these tests"
    command = [CURL, "-sS", "-o", "-", "-w", "\n%{http_code}", url, *args]
    if token is not None:
        command += ["-H", f"Authorization: Bearer {token}"]
    if body is not None:
        command += ["-H", "Content-Type: application/json", "--data-binary", "@-"]
    data = body if isinstance(body, bytes) else json.dumps(body).encode() if body else None
    done = subprocess.run(command, input=data, capture_output=True, check=True, timeout=60)
    text, _, status = done.stdout.decode().rpartition("\n")
    return int(status), json.loads(text) if text else None


def cases() -> list[dict[str, Any]]:
    data = read_document(ROOT / "examples" / "landlord" / "cases.yaml")["cases"]
    return list(json.loads(json.dumps(data, default=str)))


def test_curl_evaluates_a_case_and_a_batch(server: tuple[str, Path]) -> None:
    url, log = server
    status, body = curl(
        f"{url}/v1/cases/evaluate", body={"case": cases()[0], "as_of": "2025-03-31"}
    )
    assert status == 200, body
    assert body["meta"]["packs"] == [{"name": "code_2024", "version": "2024.1.0"}]
    assert body["counts"]["pass"] > 0
    items = [{"id": f"row-{i}", "case": c} for i, c in enumerate(cases()[:5])]
    status, body = curl(f"{url}/v1/batch", body={"items": items, "as_of": "2025-03-31"})
    assert status == 200, body
    assert [i["id"] for i in body["items"]] == [f"row-{i}" for i in range(5)]
    assert {i["status"] for i in body["items"]} == {"judged"}
    decisions = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert body["meta"]["decision_id"] in {d["decision_id"] for d in decisions}


def test_curl_without_or_with_a_wrong_token_is_refused(server: tuple[str, Path]) -> None:
    url, _ = server
    for token in (None, "wrong"):
        status, body = curl(f"{url}/v1/rules", token=token)
        assert status == 401 and body["error"] == "missing or wrong bearer token"
    status, body = curl(f"{url}/ready", token=None)
    assert status == 200 and {p["name"] for p in body["packs"]} >= {"code_2024"}


def test_bad_and_oversized_bodies_are_4xx_and_the_server_stays_up(
    server: tuple[str, Path],
) -> None:
    url, _ = server
    status, body = curl(f"{url}/v1/cases/evaluate", body=b'{"case": [')
    assert status == 422 and body["problems"][0]["field"] == "(body)"
    status, body = curl(f"{url}/v1/cases/evaluate", body={"case": {"reference": "R"}})
    assert status == 422 and body["problems"][0]["field"] == "case.received_on"
    status, body = curl(f"{url}/v1/cases/evaluate", body=b"[" + b" " * 300_000 + b"]")
    assert status == 413 and "the limit is 200000" in body["problems"][0]["message"]
    status, body = curl(f"{url}/openapi.json", token=None)
    assert status == 200 and body["openapi"].startswith("3.1")
    assert httpx.get(f"{url}/health", timeout=5).status_code == 200


def test_a_rule_overrunning_its_budget_is_an_error_finding_on_the_live_server() -> None:
    """Judging runs in uvicorn's main thread, where the engine's time budget holds."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).parent), *sys.path]))
    script = (
        "import uvicorn\n"
        "from complaintrules import EngineSpec\n"
        "from complaintrules.server import create_app\n"
        "spec = EngineSpec(plugins=('slow_rule_plugin',), rule_time_budget=0.5)\n"
        f"uvicorn.run(create_app(spec), host='127.0.0.1', port={port})\n"
    )
    process = start([sys.executable, "-c", script], port, env)
    try:
        response = httpx.post(
            f"http://127.0.0.1:{port}/v1/cases/evaluate",
            json={"case": cases()[0], "as_of": "2025-03-31"},
            timeout=60,
        )
    finally:
        stop(process)
    assert response.status_code == 200, response.text
    (finding,) = [f for f in response.json()["findings"] if f["rule_id"] == "SLOW-1"]
    assert finding["verdict"] == "error" and "0.5" in finding["message"], finding


def test_a_port_in_use_is_exit_2_without_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "complaintrules", "serve", "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2, done.stderr
    assert f"could not serve on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
