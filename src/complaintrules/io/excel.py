"""Excel workbooks (.xlsx) read row by row, as CRM exports often come.

openpyxl (the ``office`` extra) reads the workbook in read-only mode, so a large sheet is
streamed rather than loaded whole. The first row of the sheet is the header; rows are
numbered as Excel shows them (the header is row 1); a row with no value in any cell is
no row, as a blank line of a CSV export is none. Cells come typed as Excel holds them:
a date cell as its date (a date and time at midnight as its date, one with a time of day
as its ISO text, which the date readers read as a CSV value), a time cell as its time, a
whole number as its digits (a reference typed as a number stays ``1234``, not
``1234.0``), a yes/no cell as a boolean; text as it is.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from .loading import InputError, InputProblem

__all__ = ["EXCEL_SUFFIXES", "excel_header", "excel_rows", "excel_sheet"]

#: File name endings read as an Excel workbook.
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def _open(path: Path) -> Any:
    try:
        import openpyxl
    except ImportError:
        raise InputError(
            path,
            [
                InputProblem(
                    "",
                    "reading an Excel workbook needs openpyxl: "
                    "pip install 'complaintrules[office]'",
                )
            ],
        ) from None
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(
            path, [InputProblem("", f"cannot read as an Excel workbook (.xlsx): {exc}")]
        ) from None
    except Exception as exc:  # openpyxl's own InvalidFileException and parse errors
        raise InputError(
            path, [InputProblem("", f"cannot read as an Excel workbook (.xlsx): {exc}")]
        ) from None


def _sheet(path: Path, book: Any, sheet: str | None) -> Any:
    names = list(book.sheetnames)
    if sheet is None:
        if not names:
            raise InputError(path, [InputProblem("", "the workbook has no sheet")])
        return book[names[0]]
    if sheet not in names:
        raise InputError(
            path,
            [
                InputProblem(
                    f"sheet {sheet!r}",
                    f"no such sheet; the workbook's sheets: {', '.join(map(repr, names))}",
                )
            ],
        )
    return book[sheet]


def excel_sheet(path: Path, sheet: str | None = None) -> str:
    """The name of the sheet read: ``sheet``, or the workbook's first."""
    book = _open(path)
    try:
        return str(_sheet(path, book, sheet).title)
    finally:
        book.close()


def _value(value: Any) -> Any:
    """A cell's value as the column readers take it (see the module's docstring)."""
    if isinstance(value, datetime):
        if value.tzinfo is None and value.time() == time(0):
            return value.date()
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return value


def _rows(path: Path, sheet: str | None) -> Iterator[tuple[int, list[Any]]]:
    book = _open(path)
    try:
        found = _sheet(path, book, sheet)
        title = found.title
        try:
            for number, values in enumerate(found.iter_rows(min_row=1, values_only=True), 1):
                yield number, [_value(v) for v in values]
        except InputError:
            raise
        except Exception as exc:  # a damaged sheet part of the workbook
            raise InputError(
                path, [InputProblem(f"sheet {title!r}", f"cannot read the sheet: {exc}")]
            ) from None
    finally:
        book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def excel_header(path: Path, sheet: str | None = None) -> list[str]:
    """The column names of the sheet (its first row), or why they cannot be read."""
    for _, values in _rows(path, sheet):
        header = [_text(v) for v in values]
        while header and not header[-1]:
            header.pop()
        if not header:
            break
        return header
    name = excel_sheet(path, sheet)
    raise InputError(
        path,
        [InputProblem(f"sheet {name!r}, row 1", "is empty; expected the header (column names)")],
    )


def excel_rows(path: Path, sheet: str | None = None) -> Iterator[tuple[int, list[Any]]]:
    """(Excel row number, cell values) for each row below the header that holds a value;
    cells beyond the header's width are kept only when one of them holds a value (the
    row is then rejected for having more cells than the header names)."""
    width = len(excel_header(path, sheet))
    rows = _rows(path, sheet)
    next(rows, None)  # the header
    for number, values in rows:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(values) > width and all(v is None for v in values[width:]):
            values = values[:width]
        yield number, values
