"""The entry of the pre-commit hooks in ``.pre-commit-hooks.yaml`` that take file names.

pre-commit calls a hook's entry with the hook's arguments, then the names of the staged
files that match its pattern, as many as fit on a command line (possibly in several
calls). ``complaintrules check`` judges one policy, so this runs it once per file with the
same options and exits with the worst code: 2 if any file could not be read, else 1 if any
failed, else 0 (the codes of ``check``, docs/ci.md)::

    python -m complaintrules.cli.hook policy [options] POLICY...
    python -m complaintrules.cli.hook organisation ORG...

``policy`` judges each policy on its own against the Code; ``organisation`` reads each
organisation file and reports what does not validate (the checks that need the policy
as well run in the ``complaintrules-config`` hook, which names both files).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..io.loading import InputError, load_organisation
from ..reports.formats import FORMATS
from .main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from .main import main as cli_main

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m complaintrules.cli.hook",
        description="pre-commit entry: run complaintrules on each file named.",
    )
    kinds = parser.add_subparsers(dest="kind", required=True)
    policy = kinds.add_parser("policy", help="check each policy file against the Code")
    # The options of `check` that make sense for a policy judged alone, passed through.
    policy.add_argument("--pack")
    policy.add_argument("--as-of", metavar="YYYY-MM-DD")
    policy.add_argument("--format", choices=FORMATS)
    policy.add_argument("--waivers", metavar="FILE")
    policy.add_argument("--failures-only", action="store_true")
    strictness = policy.add_mutually_exclusive_group()
    strictness.add_argument("--strict", action="store_true")
    strictness.add_argument("--no-fail", action="store_true")
    policy.add_argument("files", nargs="*", metavar="POLICY")
    organisation = kinds.add_parser("organisation", help="validate each organisation file")
    organisation.add_argument("files", nargs="*", metavar="ORG")
    return parser


def _worst(codes: Sequence[int]) -> int:
    if EXIT_USAGE in codes:
        return EXIT_USAGE
    if EXIT_FAILED in codes:
        return EXIT_FAILED
    return max(codes, default=EXIT_OK)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    codes: list[int] = []
    if args.kind == "organisation":
        for name in args.files:
            try:
                load_organisation(name)
            except InputError as exc:
                print(f"complaintrules: {exc}", file=sys.stderr)
                codes.append(EXIT_USAGE)
            else:
                codes.append(EXIT_OK)
        return _worst(codes)
    options: list[str] = []
    for option in ("pack", "as_of", "format", "waivers"):
        value = getattr(args, option)
        if value is not None:
            options += [f"--{option.replace('_', '-')}", value]
    for flag in ("failures_only", "strict", "no_fail"):
        if getattr(args, flag):
            options.append(f"--{flag.replace('_', '-')}")
    for name in args.files:
        print(f"== {name}", flush=True)
        code = cli_main(["check", name, *options])
        sys.stdout.flush()
        codes.append(code)
    return _worst(codes)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
