"""The README's Python tour runs as written, and its printed failures are the real ones."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_python_tour_runs_and_its_comments_are_true() -> None:
    (block,) = re.findall(r"```python\n(.*?)```", README, re.DOTALL)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {})
    printed = out.getvalue().splitlines()
    shown = [line[2:] for line in block.splitlines() if line.startswith("# CHC")]
    assert len(printed) == len(shown)
    for got, claimed in zip(printed, shown, strict=True):
        assert got.startswith(claimed.removesuffix("..."))
