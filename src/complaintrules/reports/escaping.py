"""Text from input files made safe for each output format.

Names, references, evidence and actions come from files a landlord, a CRM or a resident
wrote; they reach spreadsheets, Markdown pages, XML and Word documents. Each format gets
one helper here, used by every writer of that format:

- :func:`spreadsheet_cell` / :func:`spreadsheet_row` (CSV): a text cell that begins with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is what a spreadsheet runs as a
  formula (``=HYPERLINK(...)``, ``@SUM(...)``, ``+cmd|...``); it gets a leading apostrophe,
  which spreadsheets show as text, as OWASP recommends for CSV injection. Numbers written
  as numbers (the row number), a text cell that is a plain number such as ``-5`` or
  ``+3.5`` (a spreadsheet reads it as that number, never as a formula) and our placeholder
  for "none" (``-``, or a ``-`` line per item of a list) are left as they are.
- :func:`markdown_text`: ``&``, ``<`` and ``>`` become HTML entities, so ``<script>`` or
  ``<img onerror=...>`` is shown as text, never passed to a renderer as HTML; backslashes
  and table pipes are escaped so a value stays inside its table cell.
- :func:`terminal_text`: text for a terminal or a log. Control characters (an escape
  sequence can clear the screen, move the cursor or retitle the window; a carriage return
  can overwrite what a line said) and the bidirectional overrides that reorder what is shown
  become visible escapes such as ``\\x1b`` and ``\\u202e``. Newlines and tabs are kept.
- :func:`xml_text`: characters XML 1.0 does not allow (control characters other than tab,
  newline and carriage return; lone surrogates; U+FFFE and U+FFFF) become U+FFFD, so JUnit
  XML stays well-formed and Word documents can be written.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable, Sequence

__all__ = [
    "csv_text",
    "markdown_text",
    "spreadsheet_cell",
    "spreadsheet_row",
    "terminal_text",
    "xml_text",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Our placeholder for "none", once or a line per item ("-", "-\n-"): never a formula.
_PLACEHOLDERS = re.compile(r"-(?:\n-)*\Z")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z")
_NOT_SHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def spreadsheet_cell(value: object) -> object:
    """``value`` as a CSV cell a spreadsheet shows as written (never runs as a formula)."""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _PLACEHOLDERS.match(value)
        and not _PLAIN_NUMBER.match(value)
    ):
        return "'" + value
    return value


def spreadsheet_row(cells: Iterable[object]) -> list[object]:
    """Every cell of a CSV row through :func:`spreadsheet_cell`."""
    return [spreadsheet_cell(cell) for cell in cells]


def _one_line_break(cell: object) -> object:
    return cell.replace("\r\n", "\n").replace("\r", "\n") if isinstance(cell, str) else cell


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """``rows`` as CSV text, every cell made safe for a spreadsheet (:func:`spreadsheet_row`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # A carriage return alone is a line break to a CSV reader but, with "\n" as the line
    # terminator, not one the writer quotes for: every line break in a cell becomes "\n",
    # which the writer does quote, so the cell stays one cell.
    writer.writerows([_one_line_break(cell) for cell in spreadsheet_row(row)] for row in rows)
    return buffer.getvalue()


def markdown_text(text: str, *, newline: str = "<br>") -> str:
    """``text`` shown as written in Markdown (inside a table cell too); newlines become
    ``newline``, which is written after escaping, so ``<br>`` stays a line break."""
    escaped = html.escape(text, quote=False).replace("\\", "\\\\").replace("|", "\\|")
    return escaped.replace("\r\n", "\n").replace("\n", newline)


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 does not allow replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    """``text`` with every control character but newline and tab, and every bidirectional
    control, written as a visible escape (``\\x1b``, ``\\u202e``)."""
    return _NOT_SHOWN.sub(_visible, text)
