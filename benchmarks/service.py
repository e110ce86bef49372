"""The HTTP service against the library in process (issue 16, item 1 targets).

Starts ``complaintrules serve`` on a free port of 127.0.0.1 (the ``server`` extra), then:

- one case: the median wall time of ``POST /v1/cases/evaluate`` (one keep-alive client,
  JSON in and out) against the median of validating the same case and
  ``Engine.evaluate_case`` in this process; target: within 3x;
- a batch of 1,000 cases: cases a second through ``POST /v1/batch`` against
  ``evaluate_cases`` over the same cases validated in this process; target: at least half.

    python benchmarks/service.py --runs 200
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx

from complaintrules import Complaint, Engine, evaluate_cases

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2025, 3, 31)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "complaintrules.cli.main", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
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
            one = _cases(1)[0]
            engine = Engine()
            local: list[float] = []
            remote: list[float] = []
            body = {"as_of": AS_OF.isoformat(), "case": one}
            for _ in range(args.runs):  # alternated, so both see the same load
                start = time.perf_counter()
                engine.evaluate_case(Complaint.model_validate(one), as_of=AS_OF)
                local.append(time.perf_counter() - start)
                start = time.perf_counter()
                answer = client.post("/v1/cases/evaluate", json=body)
                remote.append(time.perf_counter() - start)
                answer.raise_for_status()
            lm, rm = statistics.median(local), statistics.median(remote)
            print(
                f"one case: in process {lm * 1e3:.2f} ms, over HTTP {rm * 1e3:.2f} ms "
                f"(median of {args.runs}): {rm / lm:.1f}x (target: at most 3x)"
            )
            cases = _cases(args.batch)
            start = time.perf_counter()
            models = [Complaint.model_validate(c) for c in cases]
            for _ in evaluate_cases(models, as_of=AS_OF):
                pass
            local_s = time.perf_counter() - start
            items = [{"id": str(k), "case": c} for k, c in enumerate(cases)]
            start = time.perf_counter()
            answer = client.post("/v1/batch", json={"as_of": AS_OF.isoformat(), "items": items})
            remote_s = time.perf_counter() - start
            answer.raise_for_status()
            assert len(answer.json()["items"]) == args.batch
            print(
                f"{args.batch:,} cases: in process {args.batch / local_s:,.0f} cases/s, over "
                f"HTTP {args.batch / remote_s:,.0f} cases/s: {local_s / remote_s:.2f} of the "
                "in-process throughput (target: at least 0.5)"
            )
            print(f"load average {os.getloadavg()}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
