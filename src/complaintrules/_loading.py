"""Reading input files: YAML (safe loading only) and JSON, with errors that name the place.

Every error names the file, the line where the YAML gives one, the field path and what was
expected. Documents whose aliases would expand to an enormous tree (an "alias bomb") and
files larger than a limit are refused before anything is built from them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ._case import Complaint
from ._organisation import Organisation
from ._policy import LandlordPolicy

__all__ = [
    "InputError",
    "InputProblem",
    "YamlLoader",
    "load_case",
    "load_cases",
    "load_organisation",
    "load_policy",
    "read_document",
]

M = TypeVar("M", bound=BaseModel)

#: Largest input file read whole (bytes). Bulk case files stream through other readers.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
#: Largest number of nodes a YAML document may expand to once aliases are followed.
MAX_EXPANDED_NODES = 2_000_000


class YamlLoader(yaml.SafeLoader):
    """Safe loading with YAML 1.2 booleans: only true/false are booleans.

    Under YAML 1.1 ``on``, ``off``, ``yes`` and ``no`` are booleans too, which would turn
    the field name ``on:`` (used for dates throughout the models) into ``True``.
    """


_BOOL = "tag:yaml.org,2002:bool"
YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
YamlLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True, slots=True)
class InputProblem:
    location: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        loc = f"{self.location}: " if self.location else ""
        return f"{where}{loc}{self.message}"


class InputError(ValueError):
    """An input file that could not be read or did not validate."""

    def __init__(self, path: str | Path, problems: Sequence[InputProblem]) -> None:
        self.path = str(path)
        self.problems = list(problems)
        listed = "\n".join(f"  {self.path}:{p}" for p in self.problems)
        super().__init__(f"{self.path}: {len(self.problems)} problem(s)\n{listed}")


@dataclass(frozen=True, slots=True)
class _Document:
    data: Any
    node: yaml.Node | None  # YAML node tree, for line numbers


def _expanded_size(node: yaml.Node, limit: int) -> int:
    sizes: dict[int, int] = {}

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        total = 1
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                total += size(k) + size(v)
                if total > limit:
                    break
        elif isinstance(n, yaml.SequenceNode):
            for item in n.value:
                total += size(item)
                if total > limit:
                    break
        sizes[key] = total
        return total

    return size(node)


def read_document(path: str | Path) -> Any:
    """The data in a YAML or JSON file (by extension; YAML otherwise)."""
    return _read(Path(path)).data


def _read(path: Path) -> _Document:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(path, [InputProblem("", f"cannot read file: {exc.strerror}")]) from None
    if size > MAX_DOCUMENT_BYTES:
        raise InputError(
            path,
            [InputProblem("", f"file is {size} bytes; the limit is {MAX_DOCUMENT_BYTES}")],
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, [InputProblem("", f"not UTF-8 text ({exc.reason})")]) from None
    if not text.strip():
        raise InputError(path, [InputProblem("", "file is empty; expected a mapping of fields")])
    if path.suffix.lower() == ".json":
        try:
            return _Document(json.loads(text), None)
        except json.JSONDecodeError as exc:
            raise InputError(
                path, [InputProblem(f"column {exc.colno}", f"invalid JSON: {exc.msg}", exc.lineno)]
            ) from None
    try:
        node = yaml.compose(text, Loader=YamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(path, [InputProblem("", f"invalid YAML: {problem}", line)]) from None
    if node is None:
        raise InputError(path, [InputProblem("", "file has no content; expected a mapping")])
    if _expanded_size(node, MAX_EXPANDED_NODES) > MAX_EXPANDED_NODES:
        raise InputError(
            path,
            [
                InputProblem(
                    "",
                    "YAML aliases expand to more than "
                    f"{MAX_EXPANDED_NODES} nodes; refusing to load it",
                )
            ],
        )
    try:
        data = YamlLoader("").construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(path, [InputProblem("", f"invalid YAML: {exc}", line)]) from None
    return _Document(data, node)


def _line_of(node: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """The line of the deepest YAML node along ``loc`` that exists."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    child = value
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            child = node.value[part]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def format_location(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _problems(
    exc: ValidationError, node: yaml.Node | None, prefix: Sequence[int | str] = ()
) -> Iterator[InputProblem]:
    for err in exc.errors(include_url=False):
        loc = [*prefix, *(p for p in err["loc"] if isinstance(p, int | str))]
        # Tagged unions add the tag as a location step; it is not a field.
        loc = [p for p in loc if not (isinstance(p, str) and p.endswith("Event"))]
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field (check the spelling; see `complaintrules schema`)"
        elif (
            "input" in err
            and err["type"] not in ("missing",)
            and not isinstance(err["input"], dict | list)
        ):
            message = f"{message} (got {err['input']!r})"
        yield InputProblem(format_location(loc) or "(top level)", message, _line_of(node, loc))


def _validate(model: type[M], path: Path, doc: _Document) -> M:
    if not isinstance(doc.data, dict):
        raise InputError(
            path,
            [
                InputProblem(
                    "(top level)",
                    f"expected a mapping of {model.__name__} fields, got {type(doc.data).__name__}",
                    _line_of(doc.node, []),
                )
            ],
        )
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(path, list(_problems(exc, doc.node))) from None


def load_policy(path: str | Path) -> LandlordPolicy:
    """A landlord's complaints policy from YAML or JSON."""
    p = Path(path)
    return _validate(LandlordPolicy, p, _read(p))


def load_organisation(path: str | Path) -> Organisation:
    """Organisation facts and attestations from YAML or JSON."""
    p = Path(path)
    return _validate(Organisation, p, _read(p))


def load_case(path: str | Path) -> Complaint:
    """One complaint case from YAML or JSON."""
    p = Path(path)
    return _validate(Complaint, p, _read(p))


def load_cases(path: str | Path) -> list[Complaint]:
    """Cases from a YAML/JSON list (or a mapping with a ``cases`` list); all must validate."""
    p = Path(path)
    doc = _read(p)
    data = doc.data
    prefix: list[int | str] = []
    if isinstance(data, dict) and "cases" in data:
        data = data["cases"]
        prefix = ["cases"]
    if not isinstance(data, list):
        raise InputError(p, [InputProblem("(top level)", "expected a list of cases")])
    cases: list[Complaint] = []
    problems: list[InputProblem] = []
    for i, item in enumerate(data):
        try:
            cases.append(Complaint.model_validate(item))
        except ValidationError as exc:
            problems += _problems(exc, doc.node, [*prefix, i])
    if problems:
        raise InputError(p, problems)
    return cases
