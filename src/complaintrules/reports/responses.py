"""The landlord's own words on the forms: a responses file, keyed by provision.

The library fills the self-assessment from what it can check; a landlord also cites its
own documents and explains its position (the cases the Ombudsman raised with it, the work
under way). The responses file holds those words, and the forms show them beside what the
library computed, each labelled as the landlord's::

    pack: code_2024                 # optional: refused if the form is for another Code
    governing_body_response:        # optional: published with the self-assessment (8.2)
      text: The Board reviewed this self-assessment and ...
      on: 2025-06-19
      by: Board of Example Homes
    provisions:
      "1.4":
        evidence:
          - title: Complaints Policy, section 5 (service requests)
            link: https://www.example-homes.org.uk/complaints/policy#s5
          - title: Service request closure report (internal)
        commentary: >-
          Two cases the Ombudsman raised with us were logged as service requests ...

Every provision named must be on the form, every commentary must say something and every
link must be a web address (http or https); anything else is an input error naming the
file, line and field, so nothing the landlord wrote is silently left off the form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, HttpUrl, model_validator

from ..io.loading import InputError, InputProblem, _line_of, _read, _validate
from ..model.base import Date, InputModel

__all__ = [
    "EvidenceItem",
    "GoverningBodyResponse",
    "LandlordResponse",
    "ResponsesFile",
    "check_responses",
    "load_responses",
]

#: Text that must say something: not empty, not only spaces (spaces are stripped first).
_Text = Annotated[str, Field(min_length=1, pattern=r"\S")]


class EvidenceItem(InputModel):
    """A document the landlord cites: its title, and where to read it if it is online."""

    title: _Text = Field(description="e.g. 'Complaints Policy, section 5'")
    link: HttpUrl | None = Field(
        default=None, description="a web address (http or https); leave out for internal papers"
    )


class LandlordResponse(InputModel):
    """The landlord's evidence and commentary for one provision."""

    evidence: list[EvidenceItem] = []
    commentary: _Text | None = Field(default=None, description="the landlord's own words")

    @model_validator(mode="after")
    def _says_something(self) -> LandlordResponse:
        if not self.evidence and self.commentary is None:
            raise ValueError("give evidence, commentary or both")
        return self


class GoverningBodyResponse(InputModel):
    """The governing body's response to the self-assessment and annual report."""

    text: _Text
    on: Date | None = None
    by: _Text | None = Field(default=None, description="e.g. 'Board of Example Homes'")


class ResponsesFile(InputModel):
    """The landlord's own words for the forms (``complaintrules schema responses``)."""

    pack: str | None = Field(default=None, description="the pack (Code) these are for")
    governing_body_response: GoverningBodyResponse | None = None
    provisions: dict[Annotated[str, Field(pattern=r"^\d+\.\d+$")], LandlordResponse] = {}


def load_responses(path: str | Path) -> ResponsesFile:
    """The responses file (YAML or JSON), with the same checks as every other input."""
    p = Path(path)
    return _validate(ResponsesFile, p, _read(p))


def check_responses(
    responses: ResponsesFile,
    *,
    pack: str,
    provisions: set[str],
    path: str | Path | None = None,
) -> None:
    """Refuse a response for a provision not on the form (or a file for another pack)."""
    p = Path(path) if path is not None else None
    node = _read(p).node if p is not None and p.suffix.lower() != ".json" else None
    problems = []
    if responses.pack is not None and responses.pack != pack:
        problems.append(
            InputProblem(
                "pack",
                f"the responses are for {responses.pack}, the form is for {pack} "
                "(use --pack, or change the file's pack)",
                _line_of(node, ["pack"]),
            )
        )
    for provision in responses.provisions:
        if provision not in provisions:
            problems.append(
                InputProblem(
                    f"provisions.{provision}",
                    f"no provision {provision} in {pack} (see `complaintrules rules`)",
                    _line_of(node, ["provisions", provision], key=True),
                )
            )
    if problems:
        raise InputError(path or "responses", problems)
