"""The HTTP service against the library in process (issue 16, item 1 targets).

Starts ``complaintrules serve`` on a free port of 127.0.0.1 (the ``server`` extra), with a
decision log in a temporary folder as a deployment would have, then:

- one case: the median wall time of ``POST /v1/cases/evaluate`` (one keep-alive
  connection, the JSON body encoded once) against the median of validating the same case
  (``Complaint.model_validate``) and ``Engine.evaluate_case`` in this process; target:
  within 3x. The calls alternate, so both sides see the same load. The HTTP side is timed
  with the standard library's ``http.client`` (a client that costs little, as a CRM's
  compiled client would) and, for comparison, with ``httpx``, whose own Python costs
  about a quarter of a millisecond a request;
- a batch of 1,000 cases: cases a second through ``POST /v1/batch`` against validating the
  same cases and ``evaluate_cases`` over them in this process, with an engine built
  beforehand as the server builds its own at start-up; the median of ``--batch-runs``
  alternated runs, after one untimed run of each side; target: at least half.

Both sides do the same work: the server parses and validates the request (the batch
endpoint reads each item's case as ``evaluate_batch`` does) and judges it; the in-process
side validates and judges. The load average is printed before and after: the figures
mean little on a loaded machine.

    python benchmarks/service.py --runs 200
"""

from __future__ import annotations

import argparse
import copy
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

from complaintrules import Complaint, Engine, evaluate_cases

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2025, 3, 31)
_JSON = {"content-type": "application/json"}


def _cases(n: int) -> list[dict[str, object]]:
    data = json.loads((ROOT / "examples" / "landlord" / "cases.json").read_text("utf-8"))
    base = data["cases"]
    out = []
    for k in range(n):
        case = copy.deepcopy(base[k % len(base)])
        case["reference"] = f"{case['reference']}-{k}"
        out.append(case)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post(connection: http.client.HTTPConnection, path: str, body: bytes) -> bytes:
    connection.request("POST", path, body=body, headers=_JSON)
    answer = connection.getresponse()
    data = answer.read()
    if answer.status != 200:
        raise SystemExit(f"{path}: {answer.status} {data[:500]!r}")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="single-case calls per side")
    parser.add_argument("--batch", type=int, default=1000, help="cases in the batch")
    parser.add_argument("--batch-runs", type=int, default=5, help="timed batch runs per side")
    args = parser.parse_args()
    port = _free_port()
    folder = tempfile.TemporaryDirectory(prefix="complaintrules-bench-")
    command = [sys.executable, "-m", "complaintrules.cli.main", "serve", "--port", str(port)]
    command += ["--decision-log", str(Path(folder.name) / "decisions.jsonl")]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(300):
                try:
                    if client.get("/ready").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            else:
                raise SystemExit("the server did not become ready")
            print(f"load average {os.getloadavg()}")
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            one = _cases(1)[0]
            engine = Engine()
            body = json.dumps({"as_of": AS_OF.isoformat(), "case": one}).encode()
            for _ in range(20):  # warm both sides
                engine.evaluate_case(Complaint.model_validate(one), as_of=AS_OF)
                _post(connection, "/v1/cases/evaluate", body)
                client.post("/v1/cases/evaluate", content=body, headers=_JSON)
            local: list[float] = []
            remote: list[float] = []
            remote_httpx: list[float] = []
            for _ in range(args.runs):  # alternated, so every side sees the same load
                start = time.perf_counter()
                engine.evaluate_case(Complaint.model_validate(one), as_of=AS_OF)
                local.append(time.perf_counter() - start)
                start = time.perf_counter()
                _post(connection, "/v1/cases/evaluate", body)
                remote.append(time.perf_counter() - start)
                start = time.perf_counter()
                client.post("/v1/cases/evaluate", content=body, headers=_JSON).raise_for_status()
                remote_httpx.append(time.perf_counter() - start)
            lm, rm = statistics.median(local), statistics.median(remote)
            hm = statistics.median(remote_httpx)
            print(
                f"one case: in process {lm * 1e3:.2f} ms, over HTTP {rm * 1e3:.2f} ms "
                f"(median of {args.runs}): {rm / lm:.1f}x (target: at most 3x); "
                f"with httpx as the client {hm * 1e3:.2f} ms ({hm / lm:.1f}x)"
            )
            cases = _cases(args.batch)
            items = [{"id": str(k), "case": c} for k, c in enumerate(cases)]
            batch = json.dumps({"as_of": AS_OF.isoformat(), "items": items}).encode()

            def in_process() -> float:
                start = time.perf_counter()
                models = [Complaint.model_validate(c) for c in cases]
                for _ in evaluate_cases(models, engine=engine, as_of=AS_OF):
                    pass
                return time.perf_counter() - start

            def over_http() -> float:
                start = time.perf_counter()
                answer = _post(connection, "/v1/batch", batch)
                took = time.perf_counter() - start
                assert len(json.loads(answer)["items"]) == args.batch
                return took

            in_process()
            over_http()
            local_runs, remote_runs = [], []
            for _ in range(args.batch_runs):
                local_runs.append(in_process())
                remote_runs.append(over_http())
            local_s, remote_s = statistics.median(local_runs), statistics.median(remote_runs)
            print(
                f"{args.batch:,} cases: in process {args.batch / local_s:,.0f} cases/s, over "
                f"HTTP {args.batch / remote_s:,.0f} cases/s (median of {args.batch_runs}): "
                f"{local_s / remote_s:.2f} of the in-process throughput (target: at least 0.5)"
            )
            print(f"load average {os.getloadavg()}")
            connection.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        folder.cleanup()


if __name__ == "__main__":
    main()
