"""What every cchc workbook shares: typed cells, tables with frozen headers and filters, A4 printing,
safe sheet names, and a file that is the same bytes for the same assessment.

Numbers are numeric cells, never text, so that people can add them up. Their look follows the
reader's Excel: an xlsx number format names a decimal *separator position*, not a character, and
Excel draws it with the reader's locale (75,66 on a Vietnamese Windows, 75.66 on an English one).
No number format can force a comma while keeping the cell a number; a text cell "75,66" would
read right and add up to nothing. We keep numbers and let the locale show them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from evidence.safe_write import write_atomically

POINTS = "0.00"  # 2 decimals, as the council rounds; the separator follows the reader's locale
DATE = "DD/MM/YYYY"
HEADER_FILL = "1F4E78"
GROUP_FILL = "DDEBF7"
MAX_WIDTH = 60  # characters; longer text wraps
MIN_WIDTH = 6
SHEET_NAME_MAX = 31
_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")
_RESERVED = {"history"}  # Excel keeps this name for itself


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text, points, date, int
    width: int | None = None  # fixed width; None: fit the text (up to MAX_WIDTH)


def sheet_name(wanted: str, taken: Iterable[str]) -> str:
    """A name Excel accepts (≤ 31 characters, none of \\ / ? * : [ ], not quoted, not "History"),
    unique among `taken` compared without case, as Excel compares them."""
    base = _FORBIDDEN.sub("-", wanted).strip("'").strip() or "Trang"
    if base.lower() in _RESERVED:
        base = f"{base} (1)"
    base = base[:SHEET_NAME_MAX]
    used = {t.lower() for t in taken}
    name, n = base, 1
    while name.lower() in used:
        n += 1
        suffix = f"~{n}"
        name = base[:SHEET_NAME_MAX - len(suffix)] + suffix
    return name


def new_workbook() -> Any:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def put(sheet: Any, row: int, column: int, value: object, kind: str = "text") -> Any:
    """One cell of the given kind. Text stays text (a "=…" from a register never becomes a formula);
    points are numbers with 2 decimals; dates are dates."""
    cell = sheet.cell(row, column)
    if value is None or value == "":
        return cell
    if kind == "text":
        cell.value = str(value)
        cell.data_type = "s"
    elif kind == "points":
        if not isinstance(value, int | Decimal):
            raise TypeError(f"points must be a number, not {type(value).__name__}")
        cell.value = value
        cell.number_format = POINTS
    elif kind == "int":
        cell.value = int(value)  # type: ignore[call-overload]
    elif kind == "date":
        if not isinstance(value, date):
            raise TypeError(f"a date cell needs a date, not {type(value).__name__}")
        cell.value = datetime(value.year, value.month, value.day)
        cell.number_format = DATE
    else:
        raise ValueError(kind)
    return cell


def title(sheet: Any, row: int, text: str, *, size: int = 13, bold: bool = True, span: int = 1) -> int:
    from openpyxl.styles import Alignment, Font

    cell = put(sheet, row, 1, text)
    cell.font = Font(bold=bold, size=size)
    if span > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return row + 1


def table(sheet: Any, top: int, columns: Sequence[Column], rows: Sequence[Sequence[object]], *,
          main: bool = True, fills: Sequence[str | None] | None = None) -> int:
    """A header at row `top` and the rows below it; returns the next free row. The `main` table of a
    sheet gets the frozen header, the filter and the repeated print titles (a sheet has one of each)."""
    from openpyxl.styles import Alignment, Font, PatternFill

    for i, col in enumerate(columns, start=1):
        cell = put(sheet, top, i, col.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(rows, start=top + 1):
        fill = fills[r - top - 1] if fills else None
        for i, (col, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = put(sheet, r, i, value, col.kind)
            if col.kind == "text":
                cell.alignment = wrap
            else:
                cell.alignment = Alignment(vertical="top")
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
                cell.font = Font(bold=True)
    last = top + len(rows)
    if main:
        from openpyxl.utils import get_column_letter

        sheet.freeze_panes = sheet.cell(top + 1, 1).coordinate
        sheet.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{max(last, top + 1)}"
        sheet.print_title_rows = f"{top}:{top}"
    fit_widths(sheet, columns, [[c.header for c in columns], *rows])
    fit_heights(sheet, top, columns, [[c.header for c in columns], *rows])
    return last + 1


LINE_HEIGHT = 15  # points per line of 11-point text


def _lines(text: str, width: float) -> int:
    """Lines a text takes in a column `width` characters wide, wrapped (a rough count, by characters)."""
    per_line = max(int(width) - 1, 1)
    return sum(max(1, -(-len(line) // per_line)) for line in text.split("\n"))


def fit_heights(sheet: Any, top: int, columns: Sequence[Column], rows: Sequence[Sequence[object]]) -> None:
    """Row heights that hold the wrapped text: Excel sizes rows itself on opening, LibreOffice and printing
    do not, and wrapped cells then run over the rows below them."""
    from openpyxl.utils import get_column_letter

    widths = [sheet.column_dimensions[get_column_letter(i + 1)].width or MIN_WIDTH for i in range(len(columns))]
    for r, values in enumerate(rows, start=top):
        lines = max((_lines(_shown(value, col.kind), width)
                     for col, value, width in zip(columns, values, widths, strict=True)
                     if col.kind == "text" or r == top),  # every header is text
                    default=1)
        if lines > 1:
            sheet.row_dimensions[r].height = LINE_HEIGHT * lines


def _shown(value: object, kind: str) -> str:
    if value is None:
        return ""
    if kind == "date":
        return "00/00/0000"
    if kind == "points" and isinstance(value, int | Decimal):
        return f"{value:.2f}"
    return str(value)


def fit_widths(sheet: Any, columns: Sequence[Column], rows: Sequence[Sequence[object]]) -> None:
    """Column widths that fit the longest line of each column (a header may wrap on its words), at most
    MAX_WIDTH: longer text wraps. Never narrower than a width an earlier table on the sheet needed."""
    from openpyxl.utils import get_column_letter

    for i, col in enumerate(columns):
        letter = get_column_letter(i + 1)
        if col.width is not None:
            width = col.width
        else:
            longest = max((len(line) for values in rows[1:] for line in _shown(values[i], col.kind).split("\n")),
                          default=0)
            header_word = max((len(w) for w in col.header.split()), default=0)
            width = min(max(longest, header_word, MIN_WIDTH) + 2, MAX_WIDTH)
        current = sheet.column_dimensions[letter].width if letter in sheet.column_dimensions else None
        sheet.column_dimensions[letter].width = max(width, current or 0)


def print_a4_landscape(sheet: Any) -> None:
    """A4, landscape, every column on one page's width (as many pages down as it takes)."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5


def save(workbook: Any, out: Path, as_of: date) -> None:
    """Save with fixed metadata: properties dated from the as-of date, creator "cchc", and zip entries
    stamped with that date too, so the same assessment gives the same bytes (openpyxl stamps the
    current time into both otherwise; its `save_workbook` sets `modified` to now, so its writer is
    called directly)."""
    from openpyxl.writer.excel import ExcelWriter

    stamp = datetime(as_of.year, as_of.month, as_of.day)
    props = workbook.properties
    props.creator = props.lastModifiedBy = "cchc"
    props.created = props.modified = stamp
    buffer = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, \
            zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(max(as_of.year, 1980), as_of.month, as_of.day, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    data = fixed.getvalue()
    write_atomically(out, lambda temporary: temporary.write_bytes(data))
