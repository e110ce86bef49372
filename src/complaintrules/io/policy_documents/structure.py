"""A policy document's text and structure: numbered sections, paragraphs, list items, table
rows, from Word, PDF, HTML, Markdown or plain text.

Every reader gives the same shape, a :class:`PolicyText`: blocks in reading order, each with
its kind, its own number where the document numbers it (typed, like "4.1", or Word's
automatic numbering), the heading it sits under, and its text. The extraction that follows
(:mod:`.extract`) never looks at the file format again. Reading is offline and
deterministic: the same file always gives the same blocks.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..loading import MAX_DOCUMENT_BYTES, InputError, InputProblem

__all__ = [
    "DOCUMENT_SUFFIXES",
    "Block",
    "PolicyText",
    "read_policy_text",
    "sentences",
]

#: The suffixes read as policy documents (anything else is YAML or JSON).
DOCUMENT_SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".md", ".markdown", ".txt")
#: Most bytes the parts of a .docx may expand to: a "zip bomb" is refused before unpacking.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
#: Most bytes one XML part of a .docx may hold (its text is parsed whole; a 100-page
#: policy's document.xml is a few megabytes).
MAX_XML_PART_BYTES = 64 * 1024 * 1024
#: Most pages of a PDF read (a policy runs to tens of pages).
MAX_PDF_PAGES = 1000

_INSTALL = 'pip install "complaintrules[documents]"'


@dataclass(frozen=True, slots=True)
class Block:
    """One heading, paragraph, list item or table row, in reading order."""

    kind: str  # "heading", "paragraph", "item" or "row"
    text: str
    number: str | None = None  # the block's own number ("4.1", "b)"), if it has one
    level: int = 0  # heading level (1 = top); 0 for other blocks


@dataclass(slots=True)
class PolicyText:
    """A policy document as blocks in reading order, with where each block sits."""

    path: str
    title: str | None
    blocks: list[Block] = field(default_factory=list)

    def place(self, index: int) -> str:
        """Where block ``index`` is, as a landlord would cite it: its own number ("4.1"),
        else its section's number and the paragraph's place in it ("4, paragraph 2"), else
        the heading's words ("'Stage two', paragraph 2"), else "paragraph 7"."""
        block = self.blocks[index]
        if block.number and block.kind != "heading" and "." in block.number:
            return block.number
        heading_at = next(
            (i for i in range(index, -1, -1) if self.blocks[i].kind == "heading"), None
        )
        if heading_at is None:
            if block.number:
                return block.number
            return f"paragraph {index + 1}"
        heading = self.blocks[heading_at]
        if heading_at == index:
            return heading.number or f"'{heading.text}'"
        nth = index - heading_at
        where = heading.number or f"'{_short(heading.text)}'"
        if block.number:
            return f"{where}, {block.number}"
        return f"{where}, paragraph {nth}"

    def headings_above(self, index: int) -> list[int]:
        """The indexes of the headings block ``index`` sits under, outermost first."""
        out: list[int] = []
        level = 99
        for i in range(index, -1, -1):
            b = self.blocks[i]
            if b.kind == "heading" and b.level < level:
                out.append(i)
                level = b.level
                if level <= 1:
                    break
        return out[::-1]

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


_SPACE = re.compile(r"\s+")
# A typed number at the start of a heading or paragraph: "4", "4.1", "4.1.2", "4.1." but not
# a date or a time ("12.30pm") and not a count ("10 working days").
_NUMBER = re.compile(r"^(?P<n>(?:\d{1,2}\.){1,3}\d{0,2}|\d{1,2}\.?(?=\s+[A-Z]))\s+(?=\S)")
_ITEM = re.compile(r"^(?:[-*•●▪◦]|\(?[a-z]\)|\(?[ivx]{1,4}\)|\d{1,2}\))\s+")
_STAGE_HEAD = re.compile(
    r"^(stage\s+\w+|(?:step|level|tier|phase)\s+(?:\d|one|two|three)|(?:the\s+)?(?:first|second|"
    r"third|final|last)\s+stage|informal|front[- ]?line|early resolution)\b",
    re.I,
)


#: A heading naming stage 1 by what it does: "Investigation stage", "Resolve", "First
#: step", "Initial response", "Acknowledging your complaint".
STAGE_ONE_BY_WORK = re.compile(
    r"^\W*(?:the\s+|our\s+)?(?:(?:formal\s+|full\s+)?investigat\w*|resol(?:ve|ution)|"
    r"first\s+(?:step|response|look)|initial\s+(?:response|investigation|reply|stage|step)|"
    r"acknowledg\w*)(?:\s+(?:stage|step))?\b",
    re.I,
)
#: A heading naming stage 2 by what it does: "Review stage", "Review", "Asking for a
#: review", "Second step", "Appeal".
STAGE_TWO_BY_WORK = re.compile(
    r"^\W*(?:the\s+|our\s+)?(?:(?:complaint|final|internal|stage)\s+)?(?:review|appeal)"
    r"(?:\s+(?:stage|step|of\s+(?:your|the)\s+complaint))?\W*$|"
    r"^\W*(?:asking|requesting|how\s+to\s+ask|how\s+to\s+request)\s+(?:us\s+)?(?:for\s+)?"
    r"an?\s+(?:review|appeal)\b|^\W*second\s+(?:step|response|look)\b",
    re.I,
)


_STAGE_NAMED = re.compile(r"\bstage\s+(?:\d|one|two|three|zero)\b", re.I)


def _clean(text: str) -> str:
    # typographic apostrophes read as plain ones, so "don\u2019t" matches as "don't" does
    text = text.replace("\u00a0", " ").replace("\u2019", "'").replace("\u2018", "'")
    return _SPACE.sub(" ", text).strip()


def _split_number(text: str) -> tuple[str | None, str]:
    m = _NUMBER.match(text)
    if not m:
        return None, text
    return m.group("n").rstrip("."), text[m.end() :]


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (a full stop, question or exclamation mark followed by
    a space and a capital letter or digit ends one; "e.g." and "i.e." do not)."""
    guarded = re.sub(r"\b(e\.g|i\.e|etc|no|approx|St|Mr|Mrs|Ms|Dr)\.", r"\1<DOT>", text)
    parts = re.split(r"(?<=[.!?;])\s+(?=[A-Z0-9(\"'‘“])", guarded)
    return [p.replace("<DOT>", ".").strip() for p in parts if p.strip()]


def _refuse(path: Path, message: str) -> InputError:
    return InputError(path, [InputProblem("", message)])


def read_policy_text(path: str | Path) -> PolicyText:
    """The blocks of a policy document, by its suffix (see :data:`DOCUMENT_SUFFIXES`).

    Raises :class:`InputError` naming the file and what was expected: an unknown suffix, a
    file that is not what its suffix says, a password-protected or scanned PDF, an empty
    document, a .docx that would unpack to more than :data:`MAX_UNPACKED_BYTES`.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".doc":
        raise _refuse(
            p,
            "an old binary Word (.doc) file cannot be read; save it as .docx (Word: File, "
            "Save As, Word Document) or as PDF and read that",
        )
    if suffix not in DOCUMENT_SUFFIXES:
        raise _refuse(
            p,
            f"unknown suffix {suffix or '(none)'!r}; expected a policy document "
            f"({', '.join(DOCUMENT_SUFFIXES)}) or a policy in YAML or JSON",
        )
    try:
        if p.is_dir():
            raise _refuse(p, f"is a folder; expected a {suffix} file")
        size = p.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise _refuse(p, f"file is {size} bytes; the limit is {MAX_DOCUMENT_BYTES}")
        data = p.read_bytes()
    except OSError as exc:
        raise _refuse(p, f"cannot read file: {exc.strerror}") from None
    if suffix == ".docx":
        doc = _read_docx(p, data)
    elif suffix == ".pdf":
        doc = _read_pdf(p, data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise _refuse(p, "not text in UTF-8 or Windows-1252") from None
        if suffix in (".html", ".htm"):
            doc = _read_html(p, text)
        elif suffix in (".md", ".markdown"):
            doc = _read_markdown(p, text)
        else:
            doc = _read_plain(p, text)
    if not any(b.text for b in doc.blocks):
        raise _refuse(p, f"no text found in the {suffix} document; expected a policy's text")
    if not re.search(r"complain", doc.text, re.I):
        # Nothing could be read as a complaints policy (another document, or another
        # language): say so once, rather than report every provision as unsaid.
        raise _refuse(
            p,
            "the document never mentions complaints; expected a complaints policy written "
            "in English",
        )
    return doc


# -- plain text and PDF lines --------------------------------------------------------------


def _blocks_from_lines(lines: list[str]) -> list[Block]:
    """Blocks from lines of text: a blank line ends a paragraph; a short line that starts
    with a section number ("4.1 Stage one") or names a stage is a heading; a line starting
    with a bullet or "a)" is a list item; other lines join the paragraph they continue."""
    blocks: list[Block] = []
    current: list[str] = []
    current_number: str | None = None
    current_kind = "paragraph"

    def flush() -> None:
        nonlocal current, current_number, current_kind
        if current:
            blocks.append(Block(current_kind, _clean(" ".join(current)), current_number))
        current, current_number, current_kind = [], None, "paragraph"

    for at, raw in enumerate(lines):
        line = _clean(raw)
        if not line:
            flush()
            continue
        number, rest = _split_number(line)
        following = _clean(lines[at + 1]) if at + 1 < len(lines) else ""
        is_short = (
            len(line) <= 70
            and not line.endswith((".", ",", ";", ":"))
            and not following[:1].islower()  # a wrapped line the next one continues
            # the wrapped end of a paragraph or list item ("... from the date of" then
            # "stage 2 request"): a heading does not start in lower case
            and not (current and line[:1].islower())
        )
        if is_short and (
            number is not None
            or _STAGE_HEAD.match(line)
            or line.isupper()
            # a short line that names a stage anywhere in it: "Review stage - stage 2"
            or (len(line) <= 40 and _STAGE_NAMED.search(line))
            # or by what it does: "Investigation", "First step", "Review"
            or (
                len(line) <= 40
                and (STAGE_ONE_BY_WORK.search(line) or STAGE_TWO_BY_WORK.search(line))
            )
        ):
            flush()
            level = number.count(".") + 2 if number else 1
            blocks.append(Block("heading", rest if number else line, number, level))
            continue
        item = _ITEM.match(line)
        if number is not None or item:
            flush()
            if item:
                current_kind = "item"
                current_number = (
                    item.group().strip().strip("()") if item.group()[0] not in ("-*•●▪◦") else None
                )
                rest = line[item.end() :]
            current_number = number if number is not None else current_number
            current = [rest]
            continue
        current.append(line)
    flush()
    first = blocks[0] if blocks else None
    if (
        first
        and first.kind == "paragraph"
        and len(first.text) <= 80
        and first.number is None
        and not first.text.endswith((".", ",", ";", ":"))
    ):
        blocks[0] = Block("heading", first.text, None, 1)  # the title line
    return blocks


def _read_plain(path: Path, text: str) -> PolicyText:
    lines = text.splitlines()
    if any(len(line) > 150 for line in lines):
        # Lines are not wrapped (text copied from a page or saved from a word processor):
        # each line is a paragraph of its own.
        lines = [x for line in lines for x in (line, "")]
    blocks = _blocks_from_lines(lines)
    title = next((b.text for b in blocks if b.kind == "heading"), None)
    return PolicyText(str(path), title, blocks)


# -- Markdown ------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_ORDERED = re.compile(r"^\s*(\d{1,3})[.)]\s+")
_MD_BULLET = re.compile(r"^\s*[-*+]\s+")
_MD_INLINE = re.compile(r"(\*\*|__|`|\[([^\]]*)\]\([^)]*\))")


def _md_inline(text: str) -> str:
    return _clean(_MD_INLINE.sub(lambda m: m.group(2) or "", text))


def _read_markdown(path: Path, text: str) -> PolicyText:
    blocks: list[Block] = []
    para: list[str] = []
    title: str | None = None

    def flush() -> None:
        if para:
            number, rest = _split_number(_md_inline(" ".join(para)))
            blocks.append(Block("paragraph", rest, number))
            para.clear()

    for line in text.splitlines():
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            number, rest = _split_number(_md_inline(heading.group(2)))
            level = len(heading.group(1))
            if title is None and level == 1:
                title = rest
            blocks.append(Block("heading", rest, number, level))
        elif line.strip().startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            blocks.append(Block("row", _md_inline(" | ".join(c for c in cells if c))))
        elif _MD_ORDERED.match(line) or _MD_BULLET.match(line):
            flush()
            ordered = _MD_ORDERED.match(line)
            number = ordered.group(1) if ordered else None
            rest = line[(ordered or _MD_BULLET.match(line)).end() :]  # type: ignore[union-attr]
            blocks.append(Block("item", _md_inline(rest), number))
        elif not line.strip():
            flush()
        elif blocks and blocks[-1].kind == "item" and line.startswith((" ", "\t")) and not para:
            last = blocks[-1]
            blocks[-1] = Block("item", _clean(f"{last.text} {_md_inline(line)}"), last.number)
        else:
            para.append(line)
    flush()
    return PolicyText(str(path), title, blocks)


# -- HTML (the standard library's parser: no dependency) ----------------------------------


class _HtmlBlocks(HTMLParser):
    _SKIP = frozenset({"script", "style", "nav", "header", "footer", "noscript", "template"})
    _BLOCK = frozenset({"p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "div", "dd", "dt"})
    _BLOCK_LIKE = frozenset({"td", "th", "br", "section", "article", "ul", "ol", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.title: str | None = None
        self._text: list[str] = []
        self._kind: str | None = None
        self._level = 0
        self._number: str | None = None
        self._skip = 0
        self._in_title = False
        self._lists: list[list[int] | None] = []  # per open list: [counter] if ordered
        self._cells: list[str] = []

    def _flush(self) -> None:
        text = _clean("".join(self._text))
        self._text = []
        if self._kind == "tr":
            if self._cells or text:
                cells = [*self._cells, text] if text else self._cells
                self.blocks.append(Block("row", " | ".join(c for c in cells if c)))
            self._cells = []
            return
        if not text:
            return
        if self._kind and self._kind.startswith("h") and self._kind[1:].isdigit():
            number, rest = _split_number(text)
            self.blocks.append(Block("heading", rest, number, int(self._kind[1:])))
        elif self._kind == "li":
            number, rest = _split_number(text)
            self.blocks.append(Block("item", rest, number or self._number))
        else:
            number, rest = _split_number(text)
            self.blocks.append(Block("paragraph", rest, number))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
            return
        if tag == "title":
            self._in_title = True
            return
        if tag in ("ol", "ul"):
            self._flush()
            start = dict(attrs).get("start")
            first = int(start) - 1 if start and start.isdigit() else 0
            self._lists.append([first] if tag == "ol" else None)
        elif tag in ("td", "th") and self._kind == "tr":
            cell = _clean("".join(self._text))
            if cell:
                self._cells.append(cell)
            self._text = []
        elif tag == "br":
            self._text.append(" ")
        elif tag in self._BLOCK:
            if self._kind != "tr":
                self._flush()
                self._kind = tag
            if tag == "li":
                counter = self._lists[-1] if self._lists else None
                if counter is not None:
                    counter[0] += 1
                    self._number = str(counter[0])
                else:
                    self._number = None

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag == "title":
            self._in_title = False
            return
        if tag in ("ol", "ul"):
            self._flush()
            if self._lists:
                self._lists.pop()
            self._kind = None
        elif tag in ("td", "th") and self._kind == "tr":
            cell = _clean("".join(self._text))
            if cell:
                self._cells.append(cell)
            self._text = []
        elif tag in self._BLOCK and (self._kind != "tr" or tag == "tr"):
            self._flush()
            self._kind = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = _clean((self.title or "") + data) or None
        elif not self._skip:
            self._text.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _read_html(path: Path, text: str) -> PolicyText:
    parser = _HtmlBlocks()
    parser.feed(text)
    parser.close()
    h1 = next((b.text for b in parser.blocks if b.kind == "heading" and b.level == 1), None)
    return PolicyText(str(path), h1 or parser.title, parser.blocks)


# -- Word (.docx) --------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _open_docx(path: Path, data: bytes) -> Any:
    """The python-docx document, after checking that the file is a zip that will not
    unpack to more than :data:`MAX_UNPACKED_BYTES`."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            names = {info.filename for info in infos}
            biggest_xml = max(
                (i.file_size for i in infos if i.filename.endswith((".xml", ".rels"))), default=0
            )
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(
            path,
            "not a Word document: a .docx is a zip archive, and this file is not one (an old "
            ".doc, or a file renamed to .docx?); save it from Word as .docx or PDF",
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse(
            path,
            f"the .docx would unpack to {unpacked} bytes; the limit is {MAX_UNPACKED_BYTES} "
            "(refused as a possible zip bomb)",
        )
    if biggest_xml > MAX_XML_PART_BYTES:
        raise _refuse(
            path,
            f"a part of the .docx would unpack to {biggest_xml} bytes of XML; the limit is "
            f"{MAX_XML_PART_BYTES}",
        )
    if "word/document.xml" not in names:
        raise _refuse(path, "a zip archive without word/document.xml; expected a Word document")
    try:
        import docx
    except ImportError:
        raise _refuse(path, f"reading a Word document needs python-docx: {_INSTALL}") from None
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a damaged package
        raise _refuse(path, f"a damaged Word document ({type(exc).__name__}: {exc})") from None


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out += letters
            n -= value
    return out


def _format_number(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class _WordNumbering:
    """Word's automatic numbering, counted as Word counts it: one counter per list and
    level, deeper levels restarting when a shallower one moves on."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> lvl -> fmt
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in numbering.iter(f"{_W}abstractNum"):
            lvls: dict[int, tuple[str, str, int]] = {}
            for lvl in an.iter(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                lvls[ilvl] = (
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{_W}val", "") if text is not None else "",
                    int(start.get(f"{_W}val", "1")) if start is not None else 1,
                )
            abstract[an.get(f"{_W}abstractNumId", "")] = lvls
        for num in numbering.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                aid = ref.get(f"{_W}val", "")
                self.abstract_of[num.get(f"{_W}numId", "")] = aid
                self.levels[num.get(f"{_W}numId", "")] = abstract.get(aid, {})

    def next(self, num_id: str, ilvl: int) -> str | None:
        lvls = self.levels.get(num_id)
        if not lvls or ilvl not in lvls:
            return None
        key = self.abstract_of.get(num_id, num_id)  # lists sharing a definition count on
        counters = self.counters.setdefault(key, {})
        fmt, text, start = lvls[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt in ("bullet", "none"):
            return None

        def level_value(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            k_fmt, _, k_start = lvls.get(k, ("decimal", "", 1))
            return _format_number(counters.get(k, k_start), k_fmt)

        shown = re.sub(r"%(\d)", level_value, text).strip()
        return shown.rstrip(".").strip("()") or None


def _style_info(document: Any) -> dict[str, tuple[str, Any]]:
    """Style id -> (style name, the style's own numbering element or None)."""
    out: dict[str, tuple[str, Any]] = {}
    for style in document.styles:
        element = style.element
        num_pr = element.find(f"{_W}pPr/{_W}numPr")
        out[style.style_id] = (style.name or "", num_pr)
    return out


def _heading_level(style_name: str, p_pr: Any) -> int:
    m = re.fullmatch(r"(?i)heading\s*(\d)", style_name)
    if m:
        return int(m.group(1))
    if style_name.lower() == "title":
        return 1
    if p_pr is not None:
        outline = p_pr.find(f"{_W}outlineLvl")
        if outline is not None:
            return int(outline.get(f"{_W}val", "0")) + 1
    return 0


def _paragraph_text(p: Any) -> str:
    parts: list[str] = []
    for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
        parts.append(node.text or "" if node.tag == f"{_W}t" else " ")
    return _clean("".join(parts))


def _read_docx(path: Path, data: bytes) -> PolicyText:
    document = _open_docx(path, data)
    numbering = _WordNumbering(document)
    styles = _style_info(document)
    blocks: list[Block] = []
    for child in _body_elements(document.element.body):
        if child.tag == f"{_W}p":
            _docx_paragraph(child, numbering, styles, blocks)
        elif child.tag == f"{_W}tbl":
            for row in child.iter(f"{_W}tr"):
                cells: list[str] = []
                for cell in row.iter(f"{_W}tc"):
                    text = _clean(" ".join(_paragraph_text(p) for p in cell.iter(f"{_W}p")))
                    if text and (not cells or cells[-1] != text):  # merged cells repeat
                        cells.append(text)
                if cells:
                    blocks.append(Block("row", " | ".join(cells)))
    title = document.core_properties.title or next(
        (b.text for b in blocks if b.kind == "heading"), None
    )
    return PolicyText(str(path), title or None, blocks)


def _body_elements(parent: Any) -> Any:
    """The body's paragraphs and tables in order, including those inside content controls
    (a cover page or a template's fields wrap their paragraphs in one)."""
    for child in parent.iterchildren():
        if child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _body_elements(content)
        elif child.tag == f"{_W}customXml":
            yield from _body_elements(child)
        else:
            yield child


def _docx_paragraph(
    p: Any, numbering: _WordNumbering, styles: dict[str, tuple[str, Any]], blocks: list[Block]
) -> None:
    text = _paragraph_text(p)
    p_pr = p.find(f"{_W}pPr")
    style_id = None
    num_pr = None
    if p_pr is not None:
        style = p_pr.find(f"{_W}pStyle")
        style_id = style.get(f"{_W}val") if style is not None else None
        num_pr = p_pr.find(f"{_W}numPr")
    style_name, style_num = styles.get(style_id or "", ("", None))
    num_pr = num_pr if num_pr is not None else style_num
    number: str | None = None
    if num_pr is not None:
        num_id = num_pr.find(f"{_W}numId")
        ilvl = num_pr.find(f"{_W}ilvl")
        if num_id is not None and num_id.get(f"{_W}val", "0") != "0":
            number = numbering.next(
                num_id.get(f"{_W}val", ""),
                int(ilvl.get(f"{_W}val", "0")) if ilvl is not None else 0,
            )
    if not text:
        return
    typed, rest = _split_number(text)
    if typed is not None and number is None:
        number, text = typed, rest
    level = _heading_level(style_name, p_pr)
    if level:
        blocks.append(Block("heading", text, number, level))
    elif num_pr is not None or "list" in style_name.lower():
        blocks.append(Block("item", text, number))
    else:
        blocks.append(Block("paragraph", text, number))


# -- PDF -----------------------------------------------------------------------------------


def _read_pdf(path: Path, data: bytes) -> PolicyText:
    try:
        import pypdf
        from pypdf.errors import PdfReadError
    except ImportError:
        raise _refuse(path, f"reading a PDF needs pypdf: {_INSTALL}") from None
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise _refuse(path, "not a PDF (it does not start with %PDF); expected a PDF document")
    # pypdf logs what it repairs; the error below (or nothing) is what the writer needs
    pdf_log = logging.getLogger("pypdf")
    level = pdf_log.level
    pdf_log.setLevel(logging.ERROR + 10)
    try:
        return _read_pdf_pages(path, pypdf, PdfReadError, data)
    finally:
        pdf_log.setLevel(level)


def _read_pdf_pages(path: Path, pypdf: Any, read_error: type[Exception], data: bytes) -> PolicyText:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Many PDFs are encrypted with an empty password only to restrict printing.
            opened = False
            try:
                opened = bool(reader.decrypt(""))
            except Exception:  # missing crypto support, unknown algorithm
                opened = False
            if not opened:
                raise _refuse(
                    path,
                    "the PDF is password-protected; save an unprotected copy and read that",
                )
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise _refuse(path, f"{len(pages)} pages; the limit is {MAX_PDF_PAGES}")
        page_lines = [(page.extract_text() or "").splitlines() for page in pages]
        lines: list[str] = []
        for text in _without_running_lines(page_lines):
            lines.extend(text)  # a page break is not a paragraph break: text runs on
        title = None
        meta = reader.metadata
        if meta is not None and meta.title:
            title = str(meta.title)
    except InputError:
        raise
    except (read_error, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise _refuse(path, f"a damaged PDF that cannot be read ({exc})") from None
    except Exception as exc:  # pypdf raises other kinds on malformed files
        raise _refuse(
            path, f"a damaged PDF that cannot be read ({type(exc).__name__}: {exc})"
        ) from None
    if not any(line.strip() for line in lines):
        raise _refuse(
            path,
            "the PDF has no text layer (a scanned image?); run it through OCR or export the "
            "policy from Word as PDF or .docx, and read that",
        )
    blocks = _blocks_from_lines(_join_pdf_lines(lines))
    title = title or next((b.text for b in blocks if b.kind == "heading"), None)
    return PolicyText(str(path), title, blocks)


_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}\s*(?:(?:of|/)\s*\d{1,4})?\s*$", re.I)


def _without_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Pages without their page numbers and running headers or footers: a line at the top
    or bottom of a page that recurs (page numbers aside) on at least half the pages, when there
    are three or more, is the page's furniture, not the policy's text."""

    def key(line: str) -> str:
        return re.sub(r"page\s*\d+(?:\s*(?:of|/)\s*\d+)?", "page #", _clean(line).lower())

    edges: dict[str, int] = {}
    for lines in pages:
        ends = {key(x) for x in [*lines[:2], *lines[-2:]] if x.strip()}
        for k in ends:
            edges[k] = edges.get(k, 0) + 1
    running = {k for k, n in edges.items() if len(pages) >= 3 and n * 2 >= len(pages)}
    out = []
    for lines in pages:
        kept = [
            x
            for i, x in enumerate(lines)
            if not _PAGE_NUMBER.match(x)
            and not ((i < 2 or i >= len(lines) - 2) and key(x) in running)
        ]
        out.append(kept)
    return out


def _join_pdf_lines(lines: list[str]) -> list[str]:
    """PDF text comes as wrapped lines; a line ending mid-sentence continues on the next
    (the paragraph logic joins those), a hyphen at a line's end joins the word."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].endswith("-") and line[:1].islower():
            out[-1] = out[-1][:-1] + line
        else:
            out.append(line)
    return out
