"""Reading input files: YAML (safe loading only) and JSON, with errors that name the place.

Every error names the file, the line where the YAML gives one, the field path and what was
expected. Files larger than a limit, and documents that would expand to more values or more
text than a limit (an "alias bomb", or a flat list of millions of items), are refused before
anything is built from them: the limits bound the memory a file of any content can take.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..model.case import Complaint
from ..model.organisation import Organisation
from ..model.policy import LandlordPolicy

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
#: Most values (keys, items and collections) a YAML document may hold once its aliases are
#: followed. Reading costs 500 to 750 bytes a value (node, data, checks), so this keeps a
#: file near 0.4 GB at most; the largest real inputs (case lists) are far smaller.
MAX_EXPANDED_NODES = 500_000
#: Most characters of scalar text a YAML document may hold once its aliases are followed
#: (an alias repeats its anchor's text; without aliases a file cannot exceed this).
MAX_EXPANDED_CHARS = MAX_DOCUMENT_BYTES
#: Most values a JSON document may hold (parsed JSON costs far less than YAML nodes).
MAX_JSON_VALUES = 1_000_000
#: Most problems listed for one file: a wrong type repeated a million times is one mistake,
#: and listing each would cost more memory than reading the file.
MAX_PROBLEMS = 100
#: Deepest nesting of mappings and lists accepted (the models need fewer than 10 levels).
MAX_NESTING = 100
#: Longest integer literal accepted (Python refuses to convert much longer ones).
MAX_INT_DIGITS = 1000


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

_Composer: type[Any] = YamlLoader
if getattr(yaml, "__with_libyaml__", False):  # libyaml parses ~50x faster: same nodes

    class _FastComposer(yaml.CSafeLoader):
        """libyaml's parser with :class:`YamlLoader`'s resolvers, used only to compose."""

    _FastComposer.yaml_implicit_resolvers = YamlLoader.yaml_implicit_resolvers
    _Composer = _FastComposer


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
        shown = MAX_PROBLEMS + 1  # the last says how many more there were
        # file:line 3: field: ..., but file: message when the whole file is meant
        listed = "\n".join(
            f"  {self.path}:{'' if p.line or p.location else ' '}{p}" for p in self.problems[:shown]
        )
        if len(self.problems) > shown:
            listed += f"\n  ... and {len(self.problems) - shown} more"
        super().__init__(f"{self.path}: {len(self.problems)} problem(s)\n{listed}")


@dataclass(frozen=True, slots=True)
class _Document:
    data: Any
    node: yaml.Node | None  # YAML node tree, for line numbers


def _children(node: yaml.Node) -> list[tuple[str | None, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        out: list[tuple[str | None, yaml.Node]] = []
        for key, value in node.value:
            out.append((None, key))
            out.append((str(key.value) if isinstance(key, yaml.ScalarNode) else None, value))
        return out
    if isinstance(node, yaml.SequenceNode):
        return [(None, item) for item in node.value]
    return []


def _check_nesting(path: Path, text: str) -> None:
    """Refuse a document that is nested too deep or expands too far, before composing it.

    libyaml's composer recurses in C and can overflow the stack on absurd nesting, and a
    composed node tree costs hundreds of bytes a value, so depth, values and text (with
    aliases counted at their full expansion) are counted on the flat event stream first.
    """
    try:
        _count_events(path, text, _Composer)
    except yaml.YAMLError as exc:
        # libyaml 0.2.6 (PyYAML 6.0.4) refuses deep nesting itself, in its scanner, before
        # the events above reach our limit, and in its own words. Whatever it said, re-read
        # the text up to where it stopped with the pure-Python parser, which has no limit of
        # its own, so that too-deep nesting always gets the same message of ours.
        mark = getattr(exc, "problem_mark", None)
        if _Composer is not YamlLoader and mark is not None:
            # A prefix within the limit ends mid-document: then libyaml's own error stands.
            with contextlib.suppress(yaml.YAMLError):
                _count_events(path, text[: mark.index + 1], YamlLoader)
        raise


def _count_events(path: Path, text: str, loader: type[Any]) -> None:
    """Walk the parser's events, raising :class:`InputError` past a limit.

    The limits are :data:`MAX_NESTING`, :data:`MAX_EXPANDED_NODES` and
    :data:`MAX_EXPANDED_CHARS`. An alias counts as everything its anchor holds, so an alias
    bomb is refused after reading its few lines, not after building its billions of values.
    """
    max_nodes, max_chars = MAX_EXPANDED_NODES, MAX_EXPANDED_CHARS
    depth = nodes = chars = 0
    aliased = False
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (values, characters) it holds
    open_: list[tuple[str | None, int, int]] = []  # collections open: anchor, counts at start
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.ScalarEvent):
            nodes += 1
            chars += len(event.value)
            if event.anchor is not None:
                anchors[event.anchor] = (1, len(event.value))
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise InputError(
                    path,
                    [InputProblem("", f"nested more than {MAX_NESTING} levels deep", _at(event))],
                )
            open_.append((event.anchor, nodes, chars))
            nodes += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            anchor, nodes_before, chars_before = open_.pop()
            if anchor is not None:
                anchors[anchor] = (nodes - nodes_before, chars - chars_before)
        elif isinstance(event, yaml.AliasEvent):
            # An unknown or still-open anchor is left to the composer and _inspect to name.
            held_nodes, held_chars = anchors.get(event.anchor or "", (0, 0))
            nodes += held_nodes
            chars += held_chars
            aliased = True
        else:
            continue
        if nodes > max_nodes or chars > max_chars:
            raise InputError(path, [_too_big(nodes > max_nodes, aliased, _at(event))])


def _at(event: yaml.Event) -> int | None:
    return event.start_mark.line + 1 if event.start_mark else None


def _too_big(by_nodes: bool, aliased: bool, line: int | None) -> InputProblem:
    """Why a YAML document was refused for its size: values or text, aliases or not."""
    if by_nodes:
        what = f"{MAX_EXPANDED_NODES} values (keys, items and collections)"
    else:
        what = f"{MAX_EXPANDED_CHARS} characters of text"
    holds = "YAML aliases expand to" if aliased else "the document holds"
    return InputProblem("", f"{holds} more than {what}; refusing to load it", line)


def _locate_bad_value(root: yaml.Node, exc: Exception) -> InputProblem:
    """The scalar that would not construct (a date like 2024-02-30), with line and field."""
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    seen: set[int] = set()
    while stack:
        node, field = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:str":
            try:
                YamlLoader("").construct_object(node)
            except (ValueError, yaml.YAMLError) as bad:
                return InputProblem(field, f"invalid value {node.value!r}: {bad}", _line(node))
        if isinstance(node, yaml.SequenceNode):
            for i, item in reversed(list(enumerate(node.value))):
                stack.append((item, f"{field}[{i}]"))
        for name, child in reversed(_children(node) if isinstance(node, yaml.MappingNode) else []):
            stack.append((child, (f"{field}.{name}" if field else name) if name else field))
    return InputProblem("", f"invalid YAML value: {exc}")


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _inspect(root: yaml.Node) -> InputProblem | None:
    """The first reason not to build data from a YAML node tree, or None.

    Walks the tree without recursion, following aliases once each (memoised), and refuses
    a tree that expands to more than ``max_nodes`` nodes (an alias bomb), is nested more
    than :data:`MAX_NESTING` deep, refers to itself (a recursive alias), repeats a key in a
    mapping, or holds an integer too long to convert.
    """
    max_nodes = MAX_EXPANDED_NODES
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    label: dict[int, str] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        field = label.get(key, "")
        if finished:
            kids = [child for _, child in _children(node)]
            total = 1 + sum(size[id(child)] for child in kids)
            tallest = 1 + max((height[id(child)] for child in kids), default=0)
            open_.discard(key)
            if total > max_nodes:
                return InputProblem(
                    field,
                    f"YAML aliases expand to more than {max_nodes} values (keys, items and "
                    "collections); refusing to load it",
                    _line(node),
                )
            if tallest > MAX_NESTING:
                return InputProblem(
                    field, f"nested more than {MAX_NESTING} levels deep", _line(node)
                )
            size[key], height[key] = total, tallest
            if isinstance(node, yaml.MappingNode):
                seen: dict[str, int] = {}
                for k, _ in node.value:
                    if isinstance(k, yaml.ScalarNode):
                        if k.value in seen:
                            return InputProblem(
                                str(k.value),
                                f"duplicate key (first given on line {seen[k.value]})",
                                _line(k),
                            )
                        seen[k.value] = _line(k)
            elif (
                isinstance(node, yaml.ScalarNode)
                and node.tag == "tag:yaml.org,2002:int"
                and len(node.value) > MAX_INT_DIGITS
            ):
                return InputProblem(
                    field,
                    f"a number {len(node.value)} digits long; not a sensible value",
                    _line(node),
                )
            continue
        if key in size:
            continue
        if key in open_:
            return InputProblem(field, "a YAML alias refers to itself (recursive)", _line(node))
        open_.add(key)
        stack.append((node, True))
        for name, child in _children(node):
            if id(child) in open_:
                return InputProblem(
                    name or field, "a YAML alias refers to itself (recursive)", _line(child)
                )
            if id(child) not in size:
                if name is not None:
                    path = f"{field}.{name}" if field else name
                    label.setdefault(id(child), path if len(path) < 80 else f"...{path[-76:]}")
                stack.append((child, False))
    return None


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')


def _check_json_size(path: Path, text: str) -> None:
    """Refuse JSON holding more than :data:`MAX_JSON_VALUES` values, before parsing it.

    Every value but the first follows a comma, a colon or the opening bracket of a
    container that is not empty, so counting those outside strings counts the values (keys
    included) from the text alone.
    """
    limit = MAX_JSON_VALUES
    structural = "[{,:"
    if sum(text.count(c) for c in structural) < limit:
        return  # the count with strings included is already within the limit
    bare = re.sub(r"\s+", "", _JSON_STRING.sub('""', text))
    # The first value in a container follows its bracket; an empty one holds none.
    empty = bare.count("[]") + bare.count("{}")
    if 1 + sum(bare.count(c) for c in structural) - empty > limit:
        raise InputError(
            path,
            [
                InputProblem(
                    "",
                    f"the document holds more than {limit} values (keys, items and "
                    "collections); refusing to load it",
                )
            ],
        )


class DuplicateKeyError(ValueError):
    """A JSON object gave a key twice (raised by :func:`no_duplicate_keys`)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"{key}: duplicate key in a JSON object")
        self.key = key


def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refusing a key given twice (``json`` would keep the last).

    For ``json.loads(..., object_pairs_hook=no_duplicate_keys)``.
    """
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)
    return out


_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"(\s*:)?|[\[\]{}]')


def _locate_duplicate_key(text: str, key: str) -> InputProblem:
    """Where a JSON document gives ``key`` twice in one object (read again: errors only)."""
    objects: list[dict[str, int] | None] = []  # per open bracket: keys and lines, or None
    line, counted = 1, 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            objects.append({} if token == "{" else None)
        elif token in ("]", "}"):
            if objects:
                objects.pop()
        elif match.group(1) and objects and objects[-1] is not None:
            line += text.count("\n", counted, match.start())
            counted = match.start()
            name = json.loads(token[: -len(match.group(1))])
            keys = objects[-1]
            if name == key and name in keys:
                return InputProblem(key, f"duplicate key (first given on line {keys[name]})", line)
            keys.setdefault(name, line)
    return InputProblem(key, "duplicate key")


def read_document(path: str | Path) -> Any:
    """The data in a YAML or JSON file (by extension; YAML otherwise)."""
    return _read(Path(path)).data


def _read(path: Path) -> _Document:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(path, [InputProblem("", f"cannot read file: {exc.strerror}")]) from None
    if path.is_dir():
        raise InputError(path, [InputProblem("", "is a folder; expected a YAML or JSON file")])
    if size > MAX_DOCUMENT_BYTES:
        raise InputError(
            path,
            [InputProblem("", f"file is {size} bytes; the limit is {MAX_DOCUMENT_BYTES}")],
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        # name where the byte is: its line, and its column counted in bytes
        before = exc.object[: exc.start]
        byte_line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        byte = exc.object[exc.start]
        why = f"not UTF-8 text: byte 0x{byte:02x} at column {column} ({exc.reason})"
        raise InputError(path, [InputProblem("", why, byte_line)]) from None
    except OSError as exc:  # a device, a file that went away, no permission
        raise InputError(path, [InputProblem("", f"cannot read file: {exc.strerror}")]) from None
    if not text.strip():
        raise InputError(path, [InputProblem("", "file is empty; expected a mapping of fields")])
    if path.suffix.lower() == ".json":
        _check_json_size(path, text)
        try:
            return _Document(json.loads(text, object_pairs_hook=no_duplicate_keys), None)
        except DuplicateKeyError as exc:
            raise InputError(path, [_locate_duplicate_key(text, exc.key)]) from None
        except json.JSONDecodeError as exc:
            raise InputError(
                path, [InputProblem(f"column {exc.colno}", f"invalid JSON: {exc.msg}", exc.lineno)]
            ) from None
        except RecursionError:
            raise InputError(path, [InputProblem("", "invalid JSON: nested too deeply")]) from None
        except ValueError as exc:  # e.g. an integer too long to convert
            raise InputError(path, [InputProblem("", f"invalid JSON: {exc}")]) from None
    try:
        _check_nesting(path, text)
        node = yaml.compose(text, Loader=_Composer)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(path, [InputProblem("", f"invalid YAML: {problem}", line)]) from None
    except RecursionError:
        raise InputError(path, [InputProblem("", "invalid YAML: nested too deeply")]) from None
    if node is None:
        raise InputError(path, [InputProblem("", "file has no content; expected a mapping")])
    problem = _inspect(node)
    if problem is not None:
        raise InputError(path, [problem])
    try:
        data = YamlLoader("").construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc)
        raise InputError(path, [InputProblem("", f"invalid YAML: {what}", line)]) from None
    except (ValueError, RecursionError) as exc:
        raise InputError(path, [_locate_bad_value(node, exc)]) from None
    return _Document(data, node)


def _line_of(node: yaml.Node | None, loc: Sequence[int | str], *, key: bool = False) -> int | None:
    """The line of the deepest YAML node along ``loc`` that exists; with ``key``, the line
    of the mapping key that names it (a block mapping's value starts on the next line)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        named: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for name, value in node.value:
                if name.value == part:
                    child, named = value, name
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
        line = (named if key and named is not None else node).start_mark.line + 1
    return line


def format_location(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _first_entries(data: Any, depth: int = 0) -> Any:
    """A copy of ``data`` with every list and mapping cut to its first entries."""
    if depth > MAX_NESTING:
        return data
    if isinstance(data, dict):
        return {
            k: _first_entries(v, depth + 1) for k, v in itertools.islice(data.items(), MAX_PROBLEMS)
        }
    if isinstance(data, list):
        return [_first_entries(v, depth + 1) for v in data[:MAX_PROBLEMS]]
    return data


def _fewer_errors(model: type[BaseModel], data: Any, exc: ValidationError) -> ValidationError:
    """The first of very many errors, without turning each of them into Python objects.

    A list of a million wrong values gives a million errors, and listing them all would
    take gigabytes; validating again with every list and mapping cut short names the first
    ones, at the same places.
    """
    if exc.error_count() <= MAX_PROBLEMS:
        return exc
    try:
        model.model_validate(_first_entries(data))
    except ValidationError as fewer:
        return fewer
    return exc  # the errors were all beyond the cut: list them as they are


def _problems(
    exc: ValidationError,
    node: yaml.Node | None,
    prefix: Sequence[int | str] = (),
    count: int | None = None,
) -> Iterator[InputProblem]:
    """The problems of ``exc``, at most :data:`MAX_PROBLEMS`, then how many more there were
    (``count`` problems in all, when ``exc`` holds only the first of them)."""
    count = max(count or 0, exc.error_count())
    listed = 0
    for err in exc.errors(include_url=False, include_context=False):
        if listed == MAX_PROBLEMS:
            break
        listed += 1
        loc = [*prefix, *(p for p in err["loc"] if isinstance(p, int | str))]
        # Tagged unions add the tag as a location step; it is not a field.
        loc = [p for p in loc if not (isinstance(p, str) and p.endswith("Event"))]
        message = err["msg"].removeprefix("Value error, ")  # pydantic's, not ours
        if err["type"] == "extra_forbidden":
            message = "unknown field (check the spelling; see `complaintrules schema`)"
        elif (
            "input" in err
            and err["type"] not in ("missing",)
            and not isinstance(err["input"], dict | list)
        ):
            message = f"{message} (got {err['input']!r})"
        yield InputProblem(format_location(loc) or "(top level)", message, _line_of(node, loc))
    if count > listed:
        where = format_location(prefix) or "(top level)"
        yield InputProblem(where, f"and {count - listed} more problem(s) like these, not listed")


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
        fewer = _fewer_errors(model, doc.data, exc)
        problems = list(_problems(fewer, doc.node, count=exc.error_count()))
    raise InputError(path, problems)


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
    unlisted = 0
    for i, item in enumerate(data):
        try:
            cases.append(Complaint.model_validate(item))
        except ValidationError as exc:
            if len(problems) < MAX_PROBLEMS:
                fewer = _fewer_errors(Complaint, item, exc)
                problems += _problems(fewer, doc.node, [*prefix, i], exc.error_count())
            else:
                unlisted += exc.error_count()
    if unlisted:
        where = format_location(prefix) or "(top level)"
        problems.append(InputProblem(where, f"and {unlisted} more problem(s) in later cases"))
    if problems:
        raise InputError(p, problems)
    return cases
