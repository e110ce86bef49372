"""Redraw the pictures of docs/forms-comparison.md from the example landlord.

    python docs/images/forms/render.py [--out DIR]

It writes the self-assessment, the action plan and the annual report for
examples/landlord (the documented commands, as of 2025-03-31), then:

- HTML: a screenshot of a part of each page with headless Chromium (the part is chosen by
  hiding what comes before an element of the page, so no coordinates are hard-coded);
- Word: the document converted to PDF by LibreOffice (``soffice``), and one page of it
  drawn as PNG by poppler's ``pdftoppm`` at a low resolution;
- every PNG reduced to a palette of 256 colours with Pillow, so each stays small.

Chromium, LibreOffice and poppler come from the system's package manager (on Debian:
``apt-get install chromium libreoffice-writer poppler-utils``); Pillow comes with
matplotlib (``pip install "complaintrules[office]"``). A picture whose tool is missing is
skipped with a line saying which tool and how to install it; the others are still drawn.
The exit code is 0 when every picture that could be drawn was, 1 when a tool failed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
LANDLORD = ROOT / "examples" / "landlord"
INPUTS = [
    str(LANDLORD / "policy.yaml"),
    "--organisation",
    str(LANDLORD / "organisation.yaml"),
    "--cases",
    str(LANDLORD / "cases.yaml"),
    "--responses",
    str(LANDLORD / "responses.yaml"),
    "--as-of",
    "2025-03-31",
]
#: Each document, from the command the docs give for it.
DOCUMENTS = {
    "self-assessment": ["self-assess", *INPUTS],
    "action-plan": ["action-plan", *INPUTS, "--actions", str(LANDLORD / "actions.yaml")],
    "annual-report": ["annual-report", *INPUTS, "--period", "2024"],
}
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
INSTALL = {
    "chromium": "apt-get install chromium",
    "soffice": "apt-get install libreoffice-writer",
    "pdftoppm": "apt-get install poppler-utils",
    "pdftotext": "apt-get install poppler-utils",
}


@dataclass(frozen=True)
class HtmlShot:
    """A screenshot of ``document``'s page from the element starting with ``anchor``."""

    name: str
    document: str
    anchor: str | None  # None: the top of the page
    height: int


@dataclass(frozen=True)
class WordPage:
    """The first page of ``document`` in Word whose text holds ``marker``."""

    name: str
    document: str
    marker: str | None  # None: the first page


HTML_SHOTS = (
    HtmlShot("self-assessment-html-top", "self-assessment", None, 1500),
    HtmlShot("self-assessment-html-section", "self-assessment", "<h2>Section 1:", 1300),
    HtmlShot("action-plan-html", "action-plan", None, 1100),
    HtmlShot("annual-report-html-tsm", "annual-report", None, 1150),
    HtmlShot("annual-report-html-charts", "annual-report", "<section id='trend'>", 830),
)
WORD_PAGES = (
    WordPage("self-assessment-word", "self-assessment", "Landlord:"),
    WordPage("action-plan-word", "action-plan", None),
    WordPage("annual-report-word-charts", "annual-report", "Complaints received each month"),
)
#: Hides everything before the element marked ``id="shot"`` (and before its ancestors).
_FROM_ANCHOR = (
    "<style>body *:has(~ #shot), body *:has(~ * #shot) { display: none !important; }"
    "body { margin-top: 0 !important; } #shot { margin-top: 8px !important; }</style>"
)


def _tool(*names: str) -> str | None:
    return next((found for n in names if (found := shutil.which(n))), None)


def _skip(picture: str, tool: str) -> None:
    print(f"skipped {picture}: {tool} not found ({INSTALL[tool]})")


def _write_documents(work: Path) -> dict[str, Path]:
    from complaintrules.cli.main import main

    stems: dict[str, Path] = {}
    for name, args in DOCUMENTS.items():
        for suffix in (".html", ".docx"):
            out = work / f"{name}{suffix}"
            if main([*args, "--output", str(out)]) != 0:
                raise SystemExit(f"complaintrules {args[0]} failed for {out.name}")
        stems[name] = work / name
    return stems


def _small(png: Path, out: Path) -> None:
    """``png`` reduced to 256 colours (text and flat fills survive it) and saved as ``out``."""
    from PIL import Image

    with Image.open(png) as image:
        # the octree method keeps small patches of colour (a green "Yes" in a grey page)
        # that the default median cut merges into grey
        reduced = image.convert("RGB").quantize(
            colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
        reduced.save(out, optimize=True)
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


def _screenshot(chromium: str, shot: HtmlShot, stems: dict[str, Path], out: Path) -> bool:
    page = stems[shot.document].with_suffix(".html")
    html = page.read_text(encoding="utf-8")
    if shot.anchor is not None:
        if shot.anchor not in html:
            print(f"failed {shot.name}: {shot.anchor!r} is not in {page.name}")
            return False
        if " id=" in shot.anchor:  # the element has an id of its own
            target = _id(shot.anchor)
        else:
            tag = shot.anchor.removeprefix("<").split(" ", 1)[0].split(">", 1)[0]
            marked = shot.anchor.replace(f"<{tag}", f"<{tag} id='shot'", 1)
            html = html.replace(shot.anchor, marked, 1)
            target = "#shot"
        html = html.replace("</head>", _FROM_ANCHOR.replace("#shot", target) + "</head>", 1)
    else:
        html = html.replace("</head>", "<style>body { margin-top: 0 !important; }</style></head>")
    copy = page.with_name(f"{shot.name}.html")
    copy.write_text(html, encoding="utf-8")
    raw = page.with_name(f"{shot.name}.raw.png")
    profile = tempfile.mkdtemp(prefix="chromium-")
    try:
        result = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",  # run as root in a container, Chromium needs it
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--window-size=1200,{shot.height}",
                f"--screenshot={raw}",
                copy.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if result.returncode != 0 or not raw.is_file():
        print(f"failed {shot.name}: chromium exited {result.returncode}")
        return False
    _small(raw, out / f"{shot.name}.png")
    return True


def _id(anchor: str) -> str:
    """``#trend`` for an anchor such as ``<section id='trend'>``."""
    return "#" + anchor.split("id=", 1)[1].strip("'\">").split("'")[0].split('"')[0]


def _word_page(
    soffice: str, pdftoppm: str, pdftotext: str, page: WordPage, stems: dict[str, Path], out: Path
) -> bool:
    docx = stems[page.document].with_suffix(".docx")
    pdf = docx.with_suffix(".pdf")
    if not pdf.is_file():
        profile = Path(tempfile.mkdtemp(prefix="soffice-"))
        try:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(docx.parent),
                    str(docx),
                ],
                capture_output=True,
                timeout=300,
                check=False,
            )
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        if not pdf.is_file():
            print(f"failed {page.name}: LibreOffice did not convert {docx.name}")
            return False
    number = 1
    if page.marker is not None:
        text = subprocess.run(
            [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        pages = [i for i, p in enumerate(text.split("\f"), 1) if page.marker in p]
        if not pages:
            print(f"failed {page.name}: no page of {pdf.name} holds {page.marker!r}")
            return False
        number = pages[0]
    prefix = pdf.with_name(page.name)
    pick = ["-f", str(number), "-l", str(number), "-singlefile"]
    subprocess.run([pdftoppm, "-png", "-r", "60", *pick, str(pdf), str(prefix)], check=True)
    _small(prefix.with_suffix(".png"), out / f"{page.name}.png")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNGs")
    args = parser.parse_args(argv)
    try:
        import PIL  # noqa: F401  (Pillow keeps the pictures small)
    except ImportError:
        print('skipped every picture: Pillow not found (pip install "complaintrules[office]")')
        return 0
    chromium = _tool(*CHROMIUM)
    soffice = _tool("soffice", "libreoffice")
    pdftoppm, pdftotext = _tool("pdftoppm"), _tool("pdftotext")
    word_missing = next(
        (
            name
            for name, found in (
                ("soffice", soffice),
                ("pdftoppm", pdftoppm),
                ("pdftotext", pdftotext),
            )
            if found is None
        ),
        None,
    )
    if chromium is None:
        for shot in HTML_SHOTS:
            _skip(shot.name, "chromium")
    if word_missing is not None:
        for page in WORD_PAGES:
            _skip(page.name, word_missing)
    if chromium is None and word_missing is not None:
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    ok = True
    with tempfile.TemporaryDirectory(prefix="forms-") as folder:
        stems = _write_documents(Path(folder))
        if chromium is not None:
            for shot in HTML_SHOTS:
                ok &= _screenshot(chromium, shot, stems, args.out)
        if soffice is not None and pdftoppm is not None and pdftotext is not None:
            for page in WORD_PAGES:
                ok &= _word_page(soffice, pdftoppm, pdftotext, page, stems, args.out)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
