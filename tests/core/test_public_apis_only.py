"""No code depends on a private part of another library (issue 13, item 4).

A private attribute can change in any release of the library that owns it and break
results silently; the library's public API is the contract. Each entry names a private
use the source once made and what replaced it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for folder in ("src", "packs") for p in (ROOT / folder).rglob("*.py"))

#: pattern -> what it reached into
PRIVATE = {
    r"__pydantic_(fields_set|extra|private)__": "pydantic's instance slots",
    r"vars\(BaseModel\)|BaseModel\.__dict__": "pydantic's slot descriptors",
    r"\.__set__\b": "slot descriptors written directly",
    r"object\.__new__": "instances made without their __init__",
    r"\bgc\.(disable|freeze|set_threshold)\b": "the garbage collector switched off around work",
    r"c_make_encoder|_make_iterencode|json\.encoder\.": "the json module's private encoder",
    r"durable_rules_engine": "durable-rules' C extension",
}


def _lines(pattern: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(pattern, line)
    ]


@pytest.mark.parametrize("pattern", list(PRIVATE), ids=list(PRIVATE.values()))
def test_no_private_use_of_another_library(pattern: str) -> None:
    found = _lines(pattern)
    assert found == [], f"{PRIVATE[pattern]}:\n" + "\n".join(found)


#: module globals a function may rebind, and why each is not a cache of results
GLOBALS = {
    "_WORKER": "a bulk worker process's own evaluator, built once per process",
    "_ENGINE": "the default engine (packs loaded once), not anything it concluded",
    # The rule time budget's watchdog (engine/budget.py): process-wide because a signal handler
    # and the main thread it interrupts are process-wide; none holds a result.
    "_ACTIVE": "the rule watch armed in the main thread, while a subject's rules run",
    "_STARTED": "whether this process has the SIGALRM handler and watchdog thread",
    "_REFUSED": "whether the host has a SIGALRM handler of its own (no budget then)",
    "_WAKE": "the event the idle watchdog waits on, made anew in a forked child",
}


def test_no_module_global_cache_of_results() -> None:
    """Results held in a module global outlive the call that made them and are shared
    by every engine and thread in the process."""
    found = [
        line
        for line in _lines(r"^\s*global ")
        if not set(line.split("global ", 1)[1].replace(",", " ").split()) <= set(GLOBALS)
    ]
    assert found == []


#: module-level caches (functools.lru_cache or cache), and why each holds no result
CACHES = {
    "default_engine": "testing.py: one engine with the installed packs for a test session",
    "_built": (
        "bulk/batch.py: EngineSpec.build's engines, one per engine-defining spec in a process, "
        "so a data engine's worker loads its packs once; they hold packs, never a result"
    ),
    "extension_notices": (
        "law/stage_checks.py: the shared extension-notice expression of a stage number, built "
        "once; an immutable declaration, never a result"
    ),
    "handlers_differ": (
        "law/stage_checks.py: the shared different-handlers expression of two stage numbers, "
        "built once; an immutable declaration, never a result"
    ),
    "response_contents": (
        "law/stage_checks.py: the response-contents expression of a stage number and a list "
        "of items, built once for the function form; an immutable declaration, never a result"
    ),
    "points_addressed": (
        "law/stage_checks.py: the shared points-addressed expression of a stage number, built "
        "once; an immutable declaration, never a result"
    ),
    "actions_tracked": (
        "law/stage_checks.py: the shared actions-tracked expression of a stage number, built "
        "once; an immutable declaration, never a result"
    ),
    "issues_raised": (
        "law/stage_checks.py: the shared issues-raised expression of a stage number, built "
        "once; an immutable declaration, never a result"
    ),
    "actions_tracked_at_every_stage": (
        "law/stage_checks.py: the shared actions-tracked check over every stage reached, "
        "built once; an immutable declaration, never a result"
    ),
    "points_addressed_at_every_stage": (
        "law/stage_checks.py: the shared points-addressed check over every stage reached, "
        "built once (per wording of the points); an immutable declaration, never a result"
    ),
}

_CACHE = r"(functools\.)?(lru_cache|cache)\b"


def test_no_module_level_cache_beyond_the_allowed() -> None:
    """A module-level cache is module-global state too: each is named and justified."""
    found: list[str] = []
    for path in SOURCES:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if re.match(rf"^@{_CACHE}", line):
                following = next(x for x in lines[number + 1 :] if not x.startswith("@"))
                name = re.match(r"^(?:async\s+)?def\s+(\w+)", following)
                found.append(name.group(1) if name else f"{path.name}:{number + 1}")
            elif (assigned := re.match(rf"^(\w+)\s*(?::[^=]+)?=\s*{_CACHE}", line)) is not None:
                found.append(assigned.group(1))
    assert sorted(found) == sorted(CACHES)
