"""``complaintrules read-policy``: a policy document read into the YAML a writer reviews,
and the policy source every command that takes a POLICY shares (YAML, JSON or a
document, with ``--document`` beside a reviewed YAML)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..io.loading import InputError, InputProblem
from ..model.policy import LandlordPolicy
from ..reports.output import check_destinations, write_atomic

if TYPE_CHECKING:
    from ..io.policy_documents import Disagreement

__all__ = [
    "POLICY_HELP",
    "PolicySource",
    "add_document_option",
    "add_read_policy_command",
    "policy_source",
    "run_read_policy",
]

EXIT_OK = 0
#: The suffixes of a policy document, for the help of every command taking a POLICY:
#: those of ``io.policy_documents.DOCUMENT_SUFFIXES`` (a test holds the two the same),
#: written here because that package compiles its many patterns when it is imported,
#: which every command would pay for (``cases`` reads no policy) just to build its help.
_DOCUMENT_SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".md", ".markdown", ".txt")
POLICY_HELP = (
    f"the policy: YAML or JSON, or the policy document itself ({', '.join(_DOCUMENT_SUFFIXES)})"
)


@dataclass(frozen=True, slots=True)
class PolicySource:
    """The policy a command judges, the citations of its values (when a document was
    read) and where a reviewed policy file and its document disagree."""

    policy: LandlordPolicy
    citations: Mapping[str, str] | None
    disagreements: list[Disagreement]


def add_document_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--document",
        metavar="DOC",
        help="the policy document a reviewed POLICY (YAML/JSON) was read from: the file "
        "wins, its values are cited from the document, and every disagreement is reported",
    )


def policy_source(args: argparse.Namespace) -> PolicySource:
    """POLICY (and --document) as the command's options give them."""
    from ..io.policy_documents import (
        DOCUMENT_SUFFIXES,
        disagreements,
        is_policy_document,
        load_policy_source,
        read_policy_document,
    )

    policy, extraction = load_policy_source(args.policy)
    document = getattr(args, "document", None)
    if document is None:
        cites = extraction.citations() if extraction is not None else None
        return PolicySource(policy, cites, [])
    if extraction is not None:
        raise InputError(
            document,
            [
                InputProblem(
                    "--document",
                    f"goes beside a reviewed policy in YAML or JSON, but POLICY "
                    f"({args.policy}) is itself a document",
                )
            ],
        )
    if not is_policy_document(document):
        raise InputError(
            document,
            [
                InputProblem(
                    "--document", f"expected a policy document ({', '.join(DOCUMENT_SUFFIXES)})"
                )
            ],
        )
    read = read_policy_document(document)
    return PolicySource(policy, read.citations(), disagreements(policy, read))


def print_disagreements(source: PolicySource, args: argparse.Namespace, out: Any) -> None:
    if getattr(args, "document", None) is None:
        return
    if not source.disagreements:
        print(f"Document {args.document} and {args.policy} agree on every value read.", file=out)
        return
    print(
        f"Document {args.document} and {args.policy} disagree on "
        f"{len(source.disagreements)} value(s) ({args.policy} was judged):",
        file=out,
    )
    for d in source.disagreements:
        print(f"  {d}", file=out)


def add_read_policy_command(sub: Any) -> None:
    parser = sub.add_parser(
        "read-policy",
        help="read a policy document (.docx, .pdf, .html, .md, .txt) into a policy YAML",
        description=(
            "Read a complaints policy document and write the policy it describes as YAML, "
            "every value with a comment citing the section and the words it rests on, for "
            "the policy writer to review; facts the document is silent on are listed. "
            "Exit 0 when written, 2 on a usage or input error."
        ),
    )
    parser.add_argument("document", metavar="DOC", help="the policy document")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the YAML here; else stdout")


def run_read_policy(args: argparse.Namespace) -> int:
    from ..io.policy_documents import (
        DOCUMENT_SUFFIXES,
        State,
        is_policy_document,
        read_policy_document,
        render_policy_yaml,
    )

    check_destinations([("--output", args.output)], [("DOC", args.document)])
    if not is_policy_document(args.document):
        raise InputError(
            args.document,
            [InputProblem("", f"expected a policy document ({', '.join(DOCUMENT_SUFFIXES)})")],
        )
    extraction = read_policy_document(args.document)
    text = render_policy_yaml(extraction)
    said = sum(
        1 for f in extraction.facts if f.state is not State.SILENT and f.citation is not None
    )
    silent = sum(1 for f in extraction.facts if f.state is State.SILENT)
    if args.output:
        write_atomic(args.output, text)
        print(
            f"wrote {args.output}: {said} value(s) read with citations, {silent} silent",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text)
    return EXIT_OK
