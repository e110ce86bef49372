"""The guard: every verdict, message and evidence on the corpus is what it was.

Recomputes the quick digests of ``digest.py`` (beside this file) and compares them with
tests/data/digest.json. See docs/behaviour-guard.md for what to do when it fails.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _digest_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_guard_digest", HERE / "digest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["_guard_digest"] = module
    spec.loader.exec_module(module)
    return module


def _monitor_available() -> bool:
    try:
        import durable.lang  # noqa: F401
    except Exception:
        return False
    return True


HOW = """
To see what changed, dump the segments before and after and compare them:

    git stash && python tests/guard/digest.py --quick --dump /tmp/before; git stash pop
    python tests/guard/digest.py --quick --dump /tmp/after
    diff -r /tmp/before /tmp/after

(--only TEXT restricts a run to the segments whose name contains TEXT.) If the change is
intended, list it in your note and regenerate the expected digests with one command:

    python tests/guard/digest.py --update
"""


def test_the_corpus_gives_the_same_findings_as_before() -> None:
    digest = _digest_module()
    expected = json.loads((ROOT / "tests" / "data" / "digest.json").read_text())["quick"]
    if not _monitor_available():
        expected = {k: v for k, v in expected.items() if not k.startswith("monitor/")}
    found = digest.digests(digest.collect(quick=True))
    changed = digest.compare(expected, found)
    assert not changed, (
        f"{len(changed)} of {len(expected) - 1} segments changed:\n  "
        + "\n  ".join(changed)
        + "\n"
        + HOW
    )
