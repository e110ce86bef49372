"""``complaintrules serve``: the HTTP service (docs/http.md), or its API description.

FastAPI and uvicorn come with the optional ``server`` extra; without them the command says
how to install it and exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..model.conventions import Conventions, LateAcknowledgement, NonWorkingDayReceipt
from ..reports.output import check_destinations, write_atomic

if TYPE_CHECKING:
    from ..bulk.batch import EngineSpec

__all__ = ["add_serve_command", "run_serve"]

_EXTRA = (
    "complaintrules serve needs the optional server extra: pip install 'complaintrules[server]'"
)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def add_serve_command(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    add_convention_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    parser = sub.add_parser(
        "serve",
        help="run the HTTP service for CRMs (needs the server extra), or write its OpenAPI",
        description=(
            "Serve the rules over HTTP (docs/http.md): a case, a batch, due dates, a policy, "
            "the rules catalogue and parameters. With --openapi, write the API description "
            "instead (OpenAPI 3.1, or Swagger 2.0 with --swagger2) and exit."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument(
        "--token-env",
        default="COMPLAINTRULES_API_TOKEN",
        metavar="NAME",
        help="environment variable holding the bearer token every /v1 call must carry "
        "(default: COMPLAINTRULES_API_TOKEN; unset or empty: no authentication)",
    )
    parser.add_argument(
        "--max-body-bytes", type=_positive, default=5_000_000, help="largest request body"
    )
    parser.add_argument(
        "--max-batch-items", type=_positive, default=1_000, help="most items in one /v1/batch"
    )
    parser.add_argument(
        "--max-job-items", type=_positive, default=100_000, help="most items in one /v1/jobs"
    )
    parser.add_argument(
        "--job-workers", type=_positive, default=1, help="worker processes for bulk jobs"
    )
    parser.add_argument(
        "--decision-log",
        metavar="PATH",
        help="append a JSON line per request to PATH ('-': standard output); personal "
        "fields masked (docs/http.md)",
    )
    parser.add_argument(
        "--openapi", action="store_true", help="write the OpenAPI document and exit"
    )
    parser.add_argument(
        "--swagger2", action="store_true", help="with --openapi: Swagger 2.0 (Power Platform)"
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="with --openapi: write to FILE")
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="with --openapi: the address clients call (servers; host and basePath in 2.0)",
    )
    add_convention_options(parser)


def _spec(args: argparse.Namespace) -> EngineSpec:
    from ..bulk.batch import EngineSpec  # pyarrow, loaded only when serving

    conventions = Conventions(
        late_acknowledgement=LateAcknowledgement(args.late_acknowledgement),
        non_working_day_receipt=NonWorkingDayReceipt(args.non_working_day_receipt),
        cutoff=args.cutoff,
    )
    return EngineSpec(
        autoload=False if args.no_autoload else None,
        blocked=tuple(args.block),
        conventions=conventions,
        closures=tuple(args.closure),
        rule_time_budget=args.rule_timeout,
    )


def run_serve(args: argparse.Namespace) -> int:
    if (args.swagger2 or args.output or args.public_url) and not args.openapi:
        print(
            "complaintrules serve: --swagger2, --output and --public-url go with --openapi",
            file=sys.stderr,
        )
        return 2
    if args.output:
        check_destinations([("--output", args.output)], [])
    try:
        import uvicorn

        from ..server import ServerSettings, create_app, token_from_env
        from ..server.openapi import openapi_document, swagger2_document
    except ImportError as exc:
        print(f"{_EXTRA} ({exc})", file=sys.stderr)
        return 2
    settings = ServerSettings(
        token=token_from_env(args.token_env),
        max_body_bytes=args.max_body_bytes,
        max_batch_items=args.max_batch_items,
        max_job_items=args.max_job_items,
        job_workers=args.job_workers,
        decision_log=args.decision_log,
    )
    app = create_app(_spec(args), settings)
    if args.openapi:
        make = swagger2_document if args.swagger2 else openapi_document
        document: dict[str, Any] = make(app, args.public_url)
        text = json.dumps(document, indent=2) + "\n"
        if args.output:
            write_atomic(args.output, text)
        else:
            sys.stdout.write(text)
        return 0
    auth = "bearer token required" if settings.token else "no authentication"
    print(
        f"complaintrules serve: {auth}; decision log: {args.decision_log or 'off'}", file=sys.stderr
    )
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    except SystemExit as exc:  # uvicorn exits 1 when it cannot listen (a port in use)
        if exc.code not in (None, 0):
            print(
                f"complaintrules serve: could not serve on {args.host}:{args.port} "
                "(see the message above)",
                file=sys.stderr,
            )
            return 2
    return 0
