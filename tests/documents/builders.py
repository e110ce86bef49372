"""Test documents written in our own words, built in every format the reader takes.

A policy is a list of (kind, text) blocks: ``h1``/``h2``/``h3`` headings (numbers typed in
the text, as most policies do), ``p`` paragraphs, ``li`` numbered list items and ``row``
table rows (cells separated by ``|``). Each builder writes the same blocks in its format,
so one policy can be read from all five and the readings compared.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from pathlib import Path

Spec = Sequence[tuple[str, str]]

FORMATS = ("docx", "pdf", "html", "md", "txt")


def build(spec: Spec, path: Path) -> Path:
    """Write ``spec`` to ``path`` in the format its suffix names."""
    suffix = path.suffix.lstrip(".")
    {"docx": write_docx, "pdf": write_pdf, "html": write_html, "md": write_md, "txt": write_txt}[
        suffix
    ](spec, path)
    return path


def write_docx(spec: Spec, path: Path) -> None:
    import docx

    document = docx.Document()
    table = None
    for kind, text in spec:
        if kind == "row":
            cells = [c.strip() for c in text.split("|")]
            if table is None:
                table = document.add_table(rows=0, cols=len(cells))
            row = table.add_row()
            for cell, value in zip(row.cells, cells, strict=True):
                cell.text = value
            continue
        table = None
        if kind.startswith("h"):
            document.add_heading(text, level=int(kind[1]))
        elif kind == "li":
            document.add_paragraph(text, style="List Number")  # Word numbers these itself
        else:
            document.add_paragraph(text)
    document.save(str(path))


def write_html(spec: Spec, path: Path) -> None:
    out = [
        "<!DOCTYPE html><html><head><title>Policy page</title>",
        "<style>p { margin: 0 }</style><script>var x = 'Stage 9';</script></head><body>",
        "<nav><a href='/'>Home</a> <a href='/stage-5'>Stage 5 complaints</a></nav><main>",
    ]
    open_list = open_table = False
    for kind, text in spec:
        if kind != "li" and open_list:
            out.append("</ol>")
            open_list = False
        if kind != "row" and open_table:
            out.append("</table>")
            open_table = False
        if kind.startswith("h"):
            out.append(f"<h{kind[1]}>{html.escape(text)}</h{kind[1]}>")
        elif kind == "li":
            if not open_list:
                out.append("<ol>")
                open_list = True
            out.append(f"<li>{html.escape(text)}</li>")
        elif kind == "row":
            if not open_table:
                out.append("<table>")
                open_table = True
            cells = "".join(f"<td>{html.escape(c.strip())}</td>" for c in text.split("|"))
            out.append(f"<tr>{cells}</tr>")
        else:
            out.append(f"<p>{html.escape(text)}</p>")
    out.append("</ol>" if open_list else "")
    out.append("</table>" if open_table else "")
    out.append("</main><footer>Stage 7 of our site map</footer></body></html>")
    path.write_text("\n".join(out), encoding="utf-8")


def write_md(spec: Spec, path: Path) -> None:
    out: list[str] = []
    n = 0
    header_done = False
    for kind, text in spec:
        if kind != "li":
            n = 0
        if kind != "row":
            header_done = False
        if kind.startswith("h"):
            out += ["#" * int(kind[1]) + " " + text, ""]
        elif kind == "li":
            n += 1
            out.append(f"{n}. {text}")
        elif kind == "row":
            cells = [c.strip() for c in text.split("|")]
            out.append("| " + " | ".join(cells) + " |")
            if not header_done:
                out.append("|" + "---|" * len(cells))
                header_done = True
        else:
            out += [text, ""]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _plain_lines(spec: Spec, width: int) -> list[str]:
    out: list[str] = []
    n = 0
    for kind, text in spec:
        n = n + 1 if kind == "li" else 0
        if kind.startswith("h"):
            out += ["", text, ""]
        elif kind == "li":
            out += textwrap.wrap(f"{n}) {text}", width)
        elif kind == "row":
            out += textwrap.wrap(" - ".join(c.strip() for c in text.split("|")), width)
        else:
            out += [*textwrap.wrap(text, width), ""]
    return out


def write_txt(spec: Spec, path: Path) -> None:
    path.write_text("\n".join(_plain_lines(spec, 88)) + "\n", encoding="utf-8")


def _pdf_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(pages: Sequence[Sequence[str]], *, title: str | None = None) -> bytes:
    """A small PDF with one text line per entry, in Helvetica (a standard font: nothing
    embedded); an empty page list entry makes a page with no text (like a scan)."""
    objects: list[bytes] = []
    page_ids = []
    font_id = 3
    next_id = 4
    bodies: list[tuple[int, bytes]] = []
    for lines in pages:
        page_id, content_id = next_id, next_id + 1
        next_id += 2
        page_ids.append(page_id)
        ops = ["BT", "/F1 10 Tf", "13 TL", "50 800 Td"]
        for line in lines:
            ops.append(f"({_pdf_text(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1") if lines else b""
        bodies.append(
            (
                page_id,
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content_id} 0 R "
                f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode(),
            )
        )
        bodies.append(
            (content_id, b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        )
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    info_id = next_id
    numbered = [
        (1, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (2, f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode()),
        (font_id, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
        *bodies,
        (info_id, f"<< /Title ({_pdf_text(title or '')}) >>".encode()),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number, body in sorted(numbered):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
        objects.append(body)
    xref = len(out)
    out += f"xref\n0 {len(numbered) + 1}\n0000000000 65535 f \n".encode()
    for number in range(1, len(numbered) + 1):
        out += f"{offsets[number]:010d} 00000 n \n".encode()
    trailer = f"<< /Size {len(numbered) + 1} /Root 1 0 R"
    trailer += f" /Info {info_id} 0 R >>" if title else " >>"
    out += f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def write_pdf(spec: Spec, path: Path) -> None:
    lines = _plain_lines(spec, 90)
    title = next((t for k, t in spec if k == "h1"), None)
    pages = [lines[i : i + 55] for i in range(0, len(lines), 55)] or [[]]
    path.write_bytes(pdf_bytes(pages, title=title))
