"""Reading a landlord's complaints policy from the document itself: Word (.docx), PDF,
HTML, Markdown or plain text, fact by fact, each fact cited to the section and sentence it
rests on.

:func:`read_policy_document` gives an :class:`Extraction`; its :meth:`~Extraction.policy`
is the policy model the rules judge, :meth:`~Extraction.citations` the place and words
behind each value, and :func:`render_policy_yaml` the YAML a writer reviews.
"""

from __future__ import annotations

from pathlib import Path

from ...model.policy import LandlordPolicy
from ..loading import load_policy
from .extract import Citation, Extraction, Fact, State, extract_policy
from .review import Disagreement, disagreements, flatten_policy, render_policy_yaml
from .structure import DOCUMENT_SUFFIXES, Block, PolicyText, read_policy_text

__all__ = [
    "DOCUMENT_SUFFIXES",
    "Block",
    "Citation",
    "Disagreement",
    "Extraction",
    "Fact",
    "PolicyText",
    "State",
    "disagreements",
    "extract_policy",
    "flatten_policy",
    "is_policy_document",
    "load_policy_source",
    "read_policy_document",
    "read_policy_text",
    "render_policy_yaml",
]


#: Suffixes of documents that cannot be read: refused with a message saying what can, not
#: read as YAML (any other suffix is read as YAML, as before).
UNREADABLE_SUFFIXES = (".doc", ".rtf", ".odt", ".pages", ".wpd", ".xls", ".xlsx", ".pptx")


def is_policy_document(path: str | Path) -> bool:
    """True for a file read as a document (by suffix), not as YAML or JSON; an old binary
    .doc or another office format counts, so that it gets the document reader's message."""
    return Path(path).suffix.lower() in (*DOCUMENT_SUFFIXES, *UNREADABLE_SUFFIXES)


def read_policy_document(path: str | Path) -> Extraction:
    """The facts of a policy document (raises :class:`~..loading.InputError`, naming the
    file and what was expected, when it cannot be read)."""
    return extract_policy(read_policy_text(path))


def load_policy_source(path: str | Path) -> tuple[LandlordPolicy, Extraction | None]:
    """A policy from YAML or JSON, or read from a document (then with its extraction)."""
    if is_policy_document(path):
        extraction = read_policy_document(path)
        return extraction.policy(), extraction
    return load_policy(path), None
