"""HTML and Markdown from a landlord's own Jinja2 templates (issue 15, item 3)."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from complaintrules.cli.main import EXIT_OK, EXIT_USAGE, main

pytest.importorskip("jinja2")

ROOT = Path(__file__).resolve().parents[2]
LANDLORD = ROOT / "examples" / "landlord"
TEMPLATES = ROOT / "examples" / "templates"
INPUTS = [
    str(LANDLORD / "policy.yaml"),
    "--organisation",
    str(LANDLORD / "organisation.yaml"),
    "--cases",
    str(LANDLORD / "cases.yaml"),
    "--as-of",
    "2025-03-31",
    "--actions",
    str(LANDLORD / "actions.yaml"),
]


class _Checked(HTMLParser):
    """Counts tables and script elements; an unbalanced table is an error."""

    def __init__(self) -> None:
        super().__init__()
        self.open = 0
        self.tables = 0
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.open += 1
            self.tables += 1
        self.scripts += tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self.open -= tag == "table"


def _responses(tmp_path: Path, commentary: str) -> str:
    path = tmp_path / "responses.yaml"
    path.write_text(f'provisions:\n  "6.3":\n    commentary: "{commentary}"\n', encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("command", ["self-assess", "action-plan"])
def test_html_from_the_landlords_template(tmp_path: Path, command: str) -> None:
    out = tmp_path / "out.html"
    responses = _responses(tmp_path, "<script>alert(1)</script> Late in the autumn")
    args = [command, *INPUTS, "--responses", responses, "--template-dir", str(TEMPLATES)]
    assert main([*args, "--output", str(out)]) == EXIT_OK
    html = out.read_text(encoding="utf-8")
    checked = _Checked()
    checked.feed(html)
    assert checked.open == 0 and checked.tables > 0
    assert checked.scripts == 0  # the landlord's text is escaped, never run
    assert "Late in the autumn" in html
    assert "--head: #0b5d4b" in html  # the house colour from the template
    if command == "self-assess":
        assert "<svg" in html  # the chart, passed through as HTML
        assert "Member Responsible for Complaints: Helen Marsh" in html


@pytest.mark.parametrize("command", ["self-assess", "action-plan"])
def test_markdown_from_the_landlords_template(tmp_path: Path, command: str) -> None:
    out = tmp_path / "out.md"
    responses = _responses(tmp_path, "a | b <img src=x onerror=alert(1)>")
    args = [command, *INPUTS, "--responses", responses, "--template-dir", str(TEMPLATES)]
    assert main([*args, "--output", str(out)]) == EXIT_OK
    text = out.read_text(encoding="utf-8")
    assert "<img" not in text and "a \\| b &lt;img" in text
    assert "| Ref | Requirement | Commentary |" in text


def test_a_template_error_names_the_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / "form.md.j2").write_text("# {{ form.title }}\n\n{% for x in %}\n", encoding="utf-8")
    assert main(["self-assess", *INPUTS, "--template-dir", str(folder)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{folder / 'form.md.j2'}:line 3:" in err, err


def test_a_misspelt_name_in_a_template_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "form.md.j2").write_text("# {{ form.titel }}\n", encoding="utf-8")
    assert main(["self-assess", *INPUTS, "--template-dir", str(folder)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "form.md.j2" in err and "titel" in err


def test_a_missing_template_and_a_wrong_format_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["self-assess", *INPUTS, "--template-dir", str(tmp_path)]) == EXIT_USAGE
    assert "no template form.md.j2" in capsys.readouterr().err
    args = ["self-assess", *INPUTS, "--template-dir", str(TEMPLATES), "--format", "csv"]
    assert main(args) == EXIT_USAGE
    assert "--template-dir is for HTML and Markdown" in capsys.readouterr().err
