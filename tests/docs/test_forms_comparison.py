"""docs/forms-comparison.md (issue 15, "Done when"): the side-by-side comparison names the
seeds it compares with, every picture it shows exists and is small, and the script that
redraws them says what it skips when a tool is missing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "forms-comparison.md"
RENDER = ROOT / "docs" / "images" / "forms" / "render.py"
SEEDS = (
    "000_cfadf5009c8cf3ce",
    "001_6f8c9941a6669b91",
    "002_4d4583e3c503cd9d",
    "003_a3922548dd44adcf",
    "004_e8b4253bbd7fa2a7",
)


def _text() -> str:
    return PAGE.read_text(encoding="utf-8")


def test_the_page_names_each_seed() -> None:
    text = _text()
    missing = [seed for seed in SEEDS if seed not in text]
    assert missing == []


def test_every_picture_exists_is_a_small_png_and_has_a_description() -> None:
    pictures = re.findall(r"!\[([^\]]*)\]\(([^)]+)\)", _text())
    assert len(pictures) >= 6
    for alt, target in pictures:
        path = PAGE.parent / target
        assert path.is_file(), target
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", target
        assert path.stat().st_size < 150_000, target
        assert len(alt) > 20, f"{target}: describe what the picture shows"
    # HTML and Word pictures of each of the three documents
    names = {Path(t).stem for _, t in pictures}
    for document in ("self-assessment", "action-plan", "annual-report"):
        assert any(n.startswith(f"{document}-html") for n in names), document
        assert any(n.startswith(f"{document}-word") for n in names), document


def test_every_picture_in_the_folder_is_shown() -> None:
    shown = {Path(t).name for t in re.findall(r"\]\((images/forms/[^)]+\.png)\)", _text())}
    on_disk = {p.name for p in (PAGE.parent / "images" / "forms").glob("*.png")}
    assert on_disk == shown


def test_the_page_documents_the_commands_and_the_script() -> None:
    text = _text()
    for command in ("complaintrules self-assess", "complaintrules action-plan"):
        assert command in text
    assert "complaintrules annual-report" in text
    assert "python docs/images/forms/render.py" in text
    assert '## Checked for issue 15\'s "Done when"' in text


def test_the_script_skips_clearly_without_its_tools(tmp_path: Path) -> None:
    """With no Chromium, LibreOffice or poppler on the PATH, every picture is skipped with
    a line naming the missing tool and how to install it, and nothing is written."""
    pytest.importorskip("PIL")
    out = tmp_path / "pictures"
    result = subprocess.run(
        [sys.executable, str(RENDER), "--out", str(out)],
        capture_output=True,
        text=True,
        env={"PATH": str(tmp_path), "PYTHONPATH": str(ROOT / "src")},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    skipped = [line for line in result.stdout.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 8
    assert "skipped self-assessment-html-top: chromium not found (apt-get install chromium)" in (
        skipped
    )
    assert (
        "skipped action-plan-word: soffice not found (apt-get install libreoffice-writer)"
        in skipped
    )
    assert list(out.glob("*.png")) == []
