"""docs/guarantees.md names the tests that hold each promise: they exist, and every section
names at least one; the README links to the page."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "guarantees.md"
_NAMED = re.compile(r"`((?:tests|benchmarks|docs)/[\w./-]+\.(?:py|md))`")


def _sections() -> dict[str, str]:
    parts = re.split(r"^## (.+)$", PAGE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_named_file_exists() -> None:
    named = _NAMED.findall(PAGE.read_text(encoding="utf-8"))
    assert len(named) >= 20
    missing = [name for name in named if not (ROOT / name).is_file()]
    assert missing == []


def test_every_promise_names_the_tests_that_hold_it() -> None:
    sections = _sections()
    for title in (
        "A result as of a date is a snapshot",
        'The judging date is never a silent "today"',
        "Nothing is silently dropped or converted",
        "Plugins cannot take over or stop a run",
        "Inputs are bounded",
        "Output files are safe to write",
        "Exit codes",
    ):
        body = sections[title]
        held = body.split("Held by:", 1)[1]
        assert re.search(r"`tests/[\w/]+/test_\w+\.py`", held), title


def test_the_page_names_the_battery_and_the_guard() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert "`benchmarks/hostile_inputs.py`" in text
    assert "(behaviour-guard.md)" in text


def test_the_readme_links_the_page() -> None:
    assert "(docs/guarantees.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
