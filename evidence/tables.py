"""Reading tabular evidence (CSV and Excel .xlsx) into text cells, and finding columns by header.

Every cell is kept as text so that nothing is coerced silently; typed parsing happens per
column with a message that names the row and the column. Row numbers are those a person sees
in the spreadsheet: a CSV's header is row 1; an Excel sheet's header is wherever it is (a
template may put a title above it), and blank rows keep their numbers.

Excel files are read with python-calamine when a byte scan of the sheet proves it plain (no formula,
error or escaped cell, plain references within the limits: evidence/xlsx_fast.py), else with openpyxl
in read-only (streaming) mode and ``data_only=False``: a formula is read as its text (``=SUM(A1:A3)``),
never evaluated, and its cell is marked ``"formula"`` in :attr:`Table.kinds` so that a reader can
refuse it where a value is needed.
A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` is always plain text. Numbers and
Excel dates become text too (``45164``, ``26/08/2023``), with their kind kept beside them.

Merged cells (openpyxl's streaming reader sees only a merge's first cell) are read from the
sheet's ``<mergeCells>`` and never leave cells silently blank: a merge in the title block above
the header is not read at all; one touching the header row is refused (E053: each column needs its
own header); one inside a single column of the data (``B4:B7``, a unit written once for four rows)
is filled down from its first cell and said (W040); one spanning columns of the data is refused
(E055: the value belongs to one column, cchc cannot tell which).

Limits keep hostile or broken files from hanging or crashing a run: file size, unpacked size
of an .xlsx, rows, columns and characters per cell; each refusal is a problem (E015/E016), never
a traceback.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evidence.dates import format_date
from evidence.problems import InputError, Problem, did_you_mean
from evidence.table_primitives import (  # the shared primitives, named here too for the readers that import them
    HEADER_ROW,
    HEADER_SEARCH_ROWS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    SPLIT_HINT,
    CellKind,
    Table,
    _csv_cell,
    _find_header,
    _header_key,
    _too_many_rows,
    column_letter,
    repeated_headers,
    strip_control,
)
from evidence.text import (
    LEGACY_FONTS,
    TextEncodingError,
    clean,
    convert_legacy,
    decode_bytes,
    detect_legacy_font,
    fold,
    is_syllable,  # the syllable test behind detect_legacy_font, reused for one cell in a legacy column
)
from evidence.xlsx_fast import read_plain

# Hard limits for any table; a reader passes tighter ones (a register: 20 MB, 50 000 rows).
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # an .xlsx is a zip: refuse zip bombs before parsing
MAX_ROWS = 200_000
# A CSV is read column-wise (evidence/columnar.py) and kept as dictionary codes: a generated export of 1 000 000
# dossiers (348 MB) peaks at 817 MB in `cchc assess`, 500 000 (174 MB) at 546 MB (benchmarks/bench_scale.py),
# under the 1 GB goal; past these, a dataset is split into several files (case.yaml lists them or a glob).
MAX_CSV_BYTES = 384 * 1024 * 1024
MAX_CSV_ROWS = 1_000_000
# Below this size a CSV is read row by row: Arrow's threads and per-column compute calls cost more than the row
# reader spends on a few hundred rows (a case's own task and indicator lists; thirty of them in a many-case run).
# Both readers give the same table (tests/test_columnar.py).
COLUMNAR_MIN_BYTES = 64 * 1024
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
OLD_FORMATS = {".xls": "Excel 97–2003 (.xls)", ".ods": "OpenDocument (.ods)", ".xlsb": "Excel nhị phân (.xlsb)"}
SHEET_NAMES = ("so dang ky",)  # a sheet named like "Sổ đăng ký" is preferred over the first sheet

Merge = tuple[int, int, int, int]  # (first column, first row, last column, last row), 1-based like Excel



def read_table(path: Path, *, expect: Iterable[str] = (), sheet: str | None = None,
               max_bytes: int = MAX_CSV_BYTES, max_rows: int = MAX_CSV_ROWS,
               columns: Iterable[str] | None = None) -> Table:
    """A CSV or .xlsx file → :class:`Table`. Raises InputError (E001, E013, E015–E018, E023).

    Without `expect` the header is the first non-blank row. With `expect` (the headers a
    reader looks for) it is the row, among the first 30, holding most of them, so a title
    block above the header is skipped. `sheet` names the Excel sheet to read (matched ignoring
    case and accents; a CSV has only one). `max_bytes` and `max_rows` may only tighten the limits.
    `columns` (headers, matched like `expect`) limits the frame to the columns a reader uses: a CSV
    then never turns the others into Python text (their headers stay in :attr:`Table.headers`).
    """
    if not path.is_file():
        raise InputError(Problem.of("E001", file=path, path=path))
    suffix = path.suffix.lower()
    csv_file = suffix not in EXCEL_SUFFIXES
    max_bytes = min(max_bytes, MAX_CSV_BYTES if csv_file else MAX_FILE_BYTES)
    max_rows = min(max_rows, MAX_CSV_ROWS if csv_file else MAX_ROWS)
    if suffix in OLD_FORMATS:
        raise InputError(Problem.of("E016", file=path, detail=f"định dạng {OLD_FORMATS[suffix]} không được hỗ trợ; "
                                                             "hãy mở bằng Excel và lưu lại dạng .xlsx"))
    size = path.stat().st_size
    if size > max_bytes:
        detail = f"tệp {size / 1_048_576:.1f} MB, quá giới hạn {max_bytes // 1_048_576} MB".replace(".", ",")
        raise InputError(Problem.of("E015", file=path, detail=f"{detail}; {SPLIT_HINT}"))
    merges: list[Merge] = []
    try:
        if suffix in EXCEL_SUFFIXES:
            title, records, kinds, merges = _xlsx_sheet(path, max_rows, sheet)
            if isinstance(records, np.ndarray):  # a big plain sheet, kept as one 2-D array of texts
                return _build_grid(path, records, kinds, title, tuple(expect), max_rows)
            encoding = "xlsx"
        else:
            if size >= COLUMNAR_MIN_BYTES:
                from evidence.columnar import read_csv_columnar  # pyarrow loads only for a CSV worth it

                fast = read_csv_columnar(path, tuple(expect), max_rows, None if columns is None else tuple(columns))
                if fast is not None:
                    return fast
            title, kinds = None, {}
            records, encoding = _csv_records(path, max_rows)
        return _build(path, records, kinds, encoding, title, tuple(expect), max_rows, merges)
    except MemoryError:  # the limits above passed, yet this machine cannot hold the table
        raise InputError(out_of_memory(path)) from None


def out_of_memory(path: Path) -> Problem:
    """E054: what to do when a file is too big for this machine's memory (split it)."""
    what = "tệp Excel" if path.suffix.lower() in EXCEL_SUFFIXES else "tệp"
    return Problem.of("E054", file=path, what=what)


# ---- CSV ------------------------------------------------------------------------------------


def _csv_records(path: Path, max_rows: int) -> tuple[list[tuple[int, list[str]]], str]:
    try:
        text, encoding = decode_bytes(path.read_bytes())
    except TextEncodingError as exc:
        raise InputError(Problem.of("E013", file=path, detail=str(exc))) from None
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        # Excel shows each CSV record as one row, blank lines included: the record count is the row.
        for number, record in enumerate(reader, start=1):
            if number > max_rows + HEADER_SEARCH_ROWS and any(c.strip() for c in record):
                raise InputError(_too_many_rows(path, max_rows))
            if len(record) > MAX_COLUMNS and any(c.strip() for c in record[MAX_COLUMNS:]):
                raise InputError(_too_many_columns(path, number))
            records.append((number, [_csv_cell(c) for c in record[:MAX_COLUMNS]]))
    except csv.Error as exc:  # e.g. a field over the csv module's 131 072-character limit
        raise InputError(Problem.of("E013", file=path, row=reader.line_num or None,
                                    detail=f"CSV hỏng: {exc}")) from None
    return records, encoding


def escape_csv_text(text: str) -> str:
    """The inverse of the reader's rule above, for anything cchc writes to a CSV register."""
    return "'" + text if re.match(r"'*[=+\-@]", text) else text


# ---- Excel ----------------------------------------------------------------------------------


Records = list[tuple[int, list[str]]]  # (spreadsheet row, cells as text)


def _xlsx_records(path: Path, max_rows: int, wanted: str | None = None
                  ) -> tuple[str, Records, dict[tuple[int, int], CellKind], list[Merge]]:
    """(sheet name, [(row number, cells)], {(row number, column position): kind}, merged ranges) of the
    register sheet. A plain sheet is read by calamine (evidence/xlsx_fast.py), any other by openpyxl."""
    title, records, kinds, merges = _xlsx_sheet(path, max_rows, wanted)
    if isinstance(records, np.ndarray):
        return title, _grid_records(records), _cell_kinds(kinds), merges  # type: ignore[arg-type]
    return title, records, kinds, merges  # type: ignore[return-value]


def _xlsx_sheet(path: Path, max_rows: int, wanted: str | None = None
                ) -> tuple[str, Records | np.ndarray, dict[tuple[int, int], CellKind] | ColumnKinds, list[Merge]]:
    """`_xlsx_records`, but a big rectangular sheet calamine read without merged cells stays one 2-D array of
    texts (row r of the sheet at index r - 1) with its kinds per column (`ColumnKinds`): `_build_grid` reads it a
    column at a time, never a Python list or dict entry per row."""
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE file: Excel 97–2003, or an .xlsx with a password
        raise InputError(Problem.of("E016", file=path, detail="tệp là định dạng Excel 97–2003 hoặc có đặt mật khẩu; "
                                                             "hãy bỏ mật khẩu và lưu lại dạng .xlsx"))
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        detail = "không phải tệp .xlsx hợp lệ (tệp hỏng, tải về chưa hết, hoặc đổi đuôi từ định dạng khác)"
        raise InputError(Problem.of("E016", file=path, detail=detail)) from None
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES or len(members) > 10_000:
        raise InputError(Problem.of("E015", file=path, detail=f"tệp .xlsx giải nén ra {unpacked / 1_048_576:.0f} MB "
                                                             f"({len(members)} phần), quá giới hạn "
                                                             f"{MAX_UNPACKED_BYTES // 1_048_576} MB"))
    try:
        fast = read_plain(path, wanted, SHEET_NAMES, max_rows + HEADER_SEARCH_ROWS)
    except (MemoryError, ImportError, NameError):  # out of memory: E054; the others are cchc's own bugs
        raise
    except BaseException as exc:  # calamine raises its own errors, and a Rust panic is a BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        fast = None  # openpyxl reads the file again and says what is wrong with it, exactly as before
    if fast is None:
        return _openpyxl_records(path, max_rows, wanted)
    title, rows, merges = fast
    if len(rows) >= COLUMNWISE_ROWS and len({len(r) for r in rows}) == 1:
        grid, column_kinds = _calamine_grid(rows)
        if merges:
            return title, _grid_records(grid), _cell_kinds(column_kinds), merges
        return title, grid, column_kinds, merges
    records = []
    kinds = {}
    seen: dict[tuple[type, object], tuple[str, CellKind | None]] = {}  # an export repeats its dates and numbers
    for number, values in enumerate(rows, start=1):
        cells, row_kinds = _excel_row(values, seen=seen)
        for position, kind in row_kinds.items():
            kinds[(number, position)] = kind
        if any(cells):
            records.append((number, cells))
    return title, records, kinds, merges


# What pandas calls a column of one type of value (not text, not a mix in which True and 1 would be one key)
_ONE_TYPE = ("datetime", "datetime64", "floating", "integer", "boolean", "date", "time", "timedelta")


def _calamine_columns(rows: list[list[Any]]) -> tuple[Records, dict[tuple[int, int], CellKind]]:
    """`_excel_row` over a big rectangular sheet, a column at a time, as records (rows with any text)."""
    grid, column_kinds = _calamine_grid(rows)
    return _grid_records(grid), _cell_kinds(column_kinds)


def _grid_records(grid: np.ndarray) -> Records:
    """The rows of a sheet's 2-D array of texts holding any text, as records (row number, cells)."""
    filled = np.flatnonzero((grid != "").any(axis=1))
    return [(int(i) + 1, grid[i].tolist()) for i in filled]


# A sheet's cell kinds a column at a time: column position → (spreadsheet rows, their kinds), rows increasing
ColumnKinds = dict[int, tuple[np.ndarray, np.ndarray]]


def _cell_kinds(column_kinds: ColumnKinds) -> dict[tuple[int, int], CellKind]:
    """{(spreadsheet row, column position): kind}, as the row readers give kinds."""
    kinds: dict[tuple[int, int], CellKind] = {}
    for position, (rows, of_rows) in column_kinds.items():
        kinds.update(zip(zip(rows.tolist(), repeat(position)), of_rows.tolist(), strict=True))
    return kinds


def _calamine_grid(rows: list[list[Any]]) -> tuple[np.ndarray, ColumnKinds]:
    """`_excel_row` over a big rectangular sheet, a column at a time, into one 2-D array of texts and the kinds
    of its cells: a column of text only (most of an export) is recognised by pandas in C and left as it is; in
    the others each distinct value is shown once, and its kind given to its cells at once."""
    grid = np.empty((len(rows), len(rows[0])), dtype=object)
    grid[:] = rows
    kinds: ColumnKinds = {}
    seen: dict[tuple[type, object], tuple[str, CellKind | None]] = {}
    for position in range(grid.shape[1]):
        column = grid[:, position]
        if pd.api.types.infer_dtype(column, skipna=False) == "string":
            continue
        # the cells that are not text (calamine gives "" for an empty one): a column's header is text above them
        others = np.flatnonzero(np.fromiter((type(v) is not str for v in column), bool, len(column)))
        values = column[others]
        if pd.api.types.infer_dtype(values, skipna=False) in _ONE_TYPE:  # e.g. dates, text aside: each value once
            codes, uniques = pd.factorize(values, use_na_sentinel=False)  # NaN is a value here
            texts, of_uniques = _excel_cells(uniques)
            column[others] = texts[codes]
            of_cells = (of_uniques if len(of_uniques) else np.array([None], dtype=object))[codes]
            has = np.not_equal(of_cells, None)
            if has.any():
                kinds[position] = (others[has] + 1, of_cells[has])
            continue
        found: list[tuple[int, CellKind]] = []
        for i in others.tolist():
            value = column[i]
            key = (type(value), value)  # True is not 1
            shown = seen.get(key)
            if shown is None:
                shown = seen[key] = _excel_cell(value)
            column[i], kind = shown
            if kind is not None:
                found.append((i + 1, kind))
        if found:
            kinds[position] = (np.array([i for i, _ in found], dtype=np.int64), np.array([k for _, k in found],
                                                                                          dtype=object))
    return grid, kinds


# Numbers below this are whole floats that int64 holds exactly, so numpy writes them as str(int(value)) does.
_EXACT_INT = 2.0 ** 53


def _excel_cells(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`_excel_cell` over distinct calamine values of one type, as arrays of texts and kinds. A column of numbers
    (a row number, an amount: as many distinct values as rows) has its whole numbers written by numpy at once,
    exactly as ``str(int(value))``, and a column of date-times is written by Arrow; any other value goes through
    `_excel_cell` (tests/test_xlsx_scan.py compares both)."""
    texts = np.empty(len(values), dtype=object)
    kinds = np.empty(len(values), dtype=object)
    rest = np.ones(len(values), dtype=bool)
    of_type = pd.api.types.infer_dtype(values, skipna=False) if len(values) else "empty"
    if of_type == "floating":
        numbers = values.astype(np.float64)
        with np.errstate(invalid="ignore"):
            whole = np.isfinite(numbers) & (np.abs(numbers) < _EXACT_INT) & (np.floor(numbers) == numbers)
        texts[whole] = numbers[whole].astype(np.int64).astype(str).astype(object)
        kinds[whole] = "number"
        rest = ~whole
    elif of_type == "datetime" and all(type(v) is datetime and v.tzinfo is None for v in values):
        # a column of dates and times (received, due, returned): Arrow writes them, as `_excel_cell` would
        import pyarrow as pa
        import pyarrow.compute as pc

        stamps = values.astype("datetime64[us]")
        at_midnight = stamps == stamps.astype("datetime64[D]")
        arrow = pa.array(stamps)
        texts[:] = np.where(at_midnight, pc.strftime(arrow, format="%d/%m/%Y").to_numpy(zero_copy_only=False),
                            pc.strftime(arrow, format="%d/%m/%Y %H:%M").to_numpy(zero_copy_only=False))
        kinds[:] = "date"
        rest[:] = False
    for i in np.flatnonzero(rest).tolist():
        texts[i], kinds[i] = _excel_cell(values[i])
    return texts, kinds


def _excel_row(values: list[Any], data_types: list[str | None] | None = None, *,
               seen: dict[tuple[type, object], tuple[str, CellKind | None]] | None = None
               ) -> tuple[list[str], dict[int, CellKind]]:
    """A row's values (calamine's, or openpyxl's with their data types) → (texts, {position: kind}).
    Text cells, most of an export, are taken as they are without a call per cell; `seen` remembers calamine's
    other values (by type and value: True is not 1) so a date repeated down a column is formatted once."""
    kinds: dict[int, CellKind] = {}
    if data_types is None:
        cells = values  # calamine's list, ours to change
        memo = {} if seen is None else seen
        for position, value in enumerate(values):
            if type(value) is not str:
                key = (type(value), value)
                shown = memo.get(key)
                if shown is None:
                    shown = memo[key] = _excel_cell(value)
                cells[position], kind = shown
                if kind is not None:
                    kinds[position] = kind
        return cells, kinds
    cells = []
    for position, (value, data_type) in enumerate(zip(values, data_types, strict=True)):
        text, kind = _excel_cell(value, data_type)
        cells.append(text)
        if kind is not None:
            kinds[position] = kind
    return cells, kinds


def _openpyxl_records(path: Path, max_rows: int, wanted: str | None
                      ) -> tuple[str, Records, dict[tuple[int, int], CellKind], list[Merge]]:
    """The exact reader, for any sheet the fast one is unsure of: formulas kept as their text, errors,
    escapes, odd references; every damage or limit reported as a problem."""
    import openpyxl

    records: list[tuple[int, list[str]]] = []
    kinds: dict[tuple[int, int], CellKind] = {}
    try:
        # The file is opened here so that it is closed whatever openpyxl raises half-way.
        with warnings.catch_warnings(), path.open("rb") as handle:
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=False, keep_links=False)
            try:
                sheet = register_sheet(workbook, wanted)
                if sheet is None:
                    names = ", ".join(ws.title for ws in workbook.worksheets)
                    raise InputError(Problem.of("E016", file=path, detail=f"không có trang tính {wanted!r} "
                                                                         f"(các trang: {names})"))
                sheet.reset_dimensions()  # a wrong <dimension> written by other software must not cut rows
                for number, row in enumerate(sheet.iter_rows(), start=1):
                    if number > max_rows + HEADER_SEARCH_ROWS and any(c.value is not None for c in row):
                        raise InputError(_too_many_rows(path, max_rows))
                    if len(row) > MAX_COLUMNS and any(c.value is not None for c in row[MAX_COLUMNS:]):
                        raise InputError(_too_many_columns(path, number))
                    kept = row[:MAX_COLUMNS]
                    cells, row_kinds = _excel_row([getattr(c, "value", None) for c in kept],
                                                  [getattr(c, "data_type", None) for c in kept])
                    for position, kind in row_kinds.items():
                        kinds[(number, position)] = kind
                    if any(cells):
                        records.append((number, cells))
                title = sheet.title
                merges = _merged_ranges(path, sheet._worksheet_path)  # openpyxl's streaming sheet has no merges
            finally:
                workbook.close()
    except (InputError, MemoryError):
        raise
    except Exception as exc:  # openpyxl raises many types on damaged files; any of them is "unreadable"
        raise InputError(Problem.of("E016", file=path, detail=f"tệp hỏng hoặc không đúng cấu trúc .xlsx "
                                                             f"({type(exc).__name__})")) from None
    return title, records, kinds, merges


def _merged_ranges(path: Path, member: str) -> list[Merge]:
    """The sheet's merged ranges, read from its XML in one streaming pass (the rows are not kept)."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    merges: list[Merge] = []
    with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as xml:
        for _, element in iterparse(xml):
            if element.tag.endswith("}mergeCell") and element.get("ref"):
                bounds = range_boundaries(element.get("ref"))
                if None not in bounds:
                    merges.append(bounds)  # type: ignore[arg-type]
            elif element.tag.endswith("}row"):
                element.clear()  # rows were read by openpyxl already: keep memory flat
    return merges


def merge_name(merge: Merge) -> str:
    """(2, 4, 2, 7) → "B4:B7", as Excel names the range."""
    first_col, first_row, last_col, last_row = merge
    return f"{column_letter(first_col - 1)}{first_row}:{column_letter(last_col - 1)}{last_row}"


def _apply_merges(path: Path, records: Records, kinds: dict[tuple[int, int], CellKind], merges: list[Merge],
                  header_row: int) -> list[Problem]:
    """Fill single-column data merges down from their first cell (W040); refuse header merges (E053) and
    data merges across columns (E055); leave the title block above the header alone. Edits `records`."""
    problems: list[Problem] = []
    by_row = {number: cells for number, cells in records}
    for merge in sorted(merges, key=lambda m: (m[1], m[0])):
        first_col, first_row, last_col, last_row = merge
        if last_row < header_row or first_col > MAX_COLUMNS:
            continue  # the title block (or past the columns read): not data
        position = first_col - 1
        first_cells = by_row.get(first_row, [])
        value = first_cells[position] if position < len(first_cells) else ""
        if first_row <= header_row:
            problems.append(Problem.of("E053", file=path, row=header_row, range=merge_name(merge)))
            continue
        if not value.strip():
            continue  # a blank merge holds nothing that could be lost
        if last_col > first_col:
            problems.append(Problem.of("E055", file=path, row=first_row, column=column_letter(position),
                                       range=merge_name(merge), value=value[:60]))
            continue
        filled = False
        for number in range(first_row + 1, last_row + 1):
            cells = by_row.get(number)
            if cells is None:  # a row with nothing else in it stays a blank row, not a copy
                continue
            cells.extend([""] * (position + 1 - len(cells)))
            if not cells[position]:
                cells[position] = value
                filled = True
                if (first_row, position) in kinds:
                    kinds[(number, position)] = kinds[(first_row, position)]
        if filled:
            problems.append(Problem.of("W040", file=path, row=first_row, column=column_letter(position),
                                       range=merge_name(merge), value=value[:60]))
    return problems


def register_sheet(workbook: Any, wanted: str | None = None) -> Any:  # openpyxl's sheet types are private
    """The sheet named `wanted` (None if there is none), else one named like "Sổ đăng ký", else the first."""
    sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
    if not sheets:
        raise ValueError("no worksheet")
    if wanted is not None:
        return next((ws for ws in sheets if fold(ws.title).strip() == fold(wanted).strip()), None)
    named = [ws for ws in sheets if any(name in fold(ws.title) for name in SHEET_NAMES)]
    return (named or sheets)[0]


def _excel_cell(value: object, data_type: str | None = None) -> tuple[str, CellKind | None]:
    """A cell's value (openpyxl's, with its data type, or calamine's) → (text, kind)."""
    if value is None:
        return "", None
    if data_type == "f":
        return str(getattr(value, "text", value)), "formula"  # ArrayFormula carries its text in .text
    if data_type == "e":
        return str(value), "error"
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), "bool"
    if isinstance(value, datetime):
        shown = format_date(value.date()) if value.time() == time(0) else f"{format_date(value.date())} " \
                                                                          f"{value:%H:%M}"
        return shown, "date"
    if isinstance(value, date):
        return format_date(value), "date"
    if isinstance(value, time | timedelta):
        return str(value), "date"
    if isinstance(value, int | float):
        if isinstance(value, float) and value.is_integer():
            return str(int(value)), "number"
        return repr(value) if isinstance(value, float) else str(value), "number"
    return str(value), None


# ---- rows to a frame ------------------------------------------------------------------------


def _too_many_columns(path: Path, row: int) -> Problem:
    return Problem.of("E015", file=path, row=row, detail=f"hơn {MAX_COLUMNS} cột có dữ liệu")


def _build(path: Path, records: list[tuple[int, list[str]]], cell_kinds: dict[tuple[int, int], CellKind],
           encoding: str, sheet: str | None, expect: tuple[str, ...], max_rows: int,
           merges: list[Merge] | None = None) -> Table:
    problems: list[Problem] = []
    records = [(n, cells) for n, cells in records if any(c.strip() for c in cells)]
    if not records:
        return Table(path, pd.DataFrame(), encoding, HEADER_ROW, (), sheet)
    at = _find_header(records, expect)
    header_row = records[at][0]
    merged = _apply_merges(path, records, cell_kinds, merges, header_row) if merges else []
    problems += [p for p in merged if p.severity == "error"]
    header_cells = records[at][1]
    data = records[at + 1:]
    if len(data) > max_rows:
        raise InputError(_too_many_rows(path, max_rows))
    headers = [clean(h) for h in header_cells]
    seen, repeated = repeated_headers(headers, path, header_row)
    problems += repeated
    is_csv = encoding != "xlsx"
    keep = {position: header for position, header in enumerate(headers)
            if header and seen.get(_header_key(header)) == position}
    at_once = bool(data) and len(data) >= COLUMNWISE_ROWS
    if at_once:
        columnwise = _columns_at_once(path, data, headers, keep, cell_kinds, is_csv)
        problems += columnwise[0]
        _, columns, unnamed, rows, kinds = columnwise
    else:
        columns, unnamed, rows, kinds = _cell_by_cell(path, data, headers, keep, cell_kinds, is_csv, problems)
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    notes = tuple(p for p in merged if p.severity == "warning") + tuple(
        Problem.of("W025", file=path, row=header_row, column=column_letter(position),
                   header=f"{column_letter(position)} (không có tiêu đề)", count=count)
        for position, count in sorted(unnamed.items())
    )
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(data)), copy=False) if at_once else \
        pd.DataFrame(columns, dtype=object)  # the Categoricals as they are
    letters = {header: column_letter(position) for position, header in keep.items()}
    return Table(path, frame, encoding, header_row, tuple(rows), sheet, kinds, letters, notes)


# From this many data rows a table is cleaned a column at a time, each distinct text once (evidence/columnar.py),
# into Categorical columns; below it, cell by cell into plain text columns, without loading pyarrow for a
# register of a few hundred rows. Both give the same texts and the same problems (tests/test_columnar_datasets.py).
COLUMNWISE_ROWS = 2_000


def _cell_by_cell(path: Path, data: Records, headers: list[str], keep: dict[int, str],
                  cell_kinds: dict[tuple[int, int], CellKind], is_csv: bool, problems: list[Problem]
                  ) -> tuple[dict[str, list[str]], dict[int, int], list[int], dict[tuple[int, str], CellKind]]:
    columns: dict[str, list[str]] = {header: [] for header in keep.values()}
    unnamed: dict[int, int] = {}  # column position → cells with data under no header
    rows: list[int] = []
    kinds: dict[tuple[int, str], CellKind] = {}
    for index, (number, cells) in enumerate(data):
        rows.append(number)
        width = len(cells)
        if is_csv and width > len(headers):  # a CSV row longer than its header is misaligned, not extra data
            extra = [c.strip() for c in cells[len(headers):] if c.strip()]
            if extra:
                problems.append(Problem.of("E023", file=path, row=number, cells=width, headers=len(headers),
                                           extra=", ".join(extra)[:80]))
            width = len(headers)
        for position in range(max(len(headers), width)):
            text = _cell_text(path, number, headers, position, cells, problems)
            header = keep.get(position)
            if header is None:
                if text and not (position < len(headers) and headers[position]):  # data under no header
                    unnamed[position] = unnamed.get(position, 0) + 1
                continue
            columns[header].append(text)
            kind = cell_kinds.get((number, position))
            if kind is not None:
                kinds[(index, header)] = kind
    return columns, unnamed, rows, kinds


def _columns_at_once(path: Path, data: Records, headers: list[str], keep: dict[int, str],
                     cell_kinds: dict[tuple[int, int], CellKind], is_csv: bool
                     ) -> tuple[list[Problem], dict[str, Any], dict[int, int], list[int],
                                dict[tuple[int, str], CellKind]]:
    """What `_cell_by_cell` gives, a column at a time: each column's texts go to Arrow once, over-long cells
    are found by their length there, and each distinct text is cleaned once. Problems come in the order the
    cell-by-cell reading gives them (by row: a CSV row's E023, then its cells' E015 by column)."""
    found: list[tuple[int, int, Problem]] = []  # (data index, -1 for the row or the column position, problem)
    rows = [number for number, _ in data]
    width = max(len(headers), max(len(cells) for _, cells in data))
    if is_csv:  # a CSV row longer than its header is misaligned: its extra cells are E023, not data
        for index, (number, cells) in enumerate(data):
            if len(cells) > len(headers):
                extra = [c.strip() for c in cells[len(headers):] if c.strip()]
                if extra:
                    found.append((index, -1, Problem.of("E023", file=path, row=number, cells=len(cells),
                                                        headers=len(headers), extra=", ".join(extra)[:80])))
        width = len(headers)
    same_width = len({len(cells) for _, cells in data}) == 1 and len(data[0][1]) >= width
    if same_width:  # a spreadsheet's rows are as wide as its sheet: one 2-D array, a column is a slice
        grid = np.empty((len(data), len(data[0][1])), dtype=object)
        grid[:] = [cells for _, cells in data]
        return _clean_columns(path, rows, width, lambda position: grid[:, position], headers, keep, cell_kinds,
                              found)
    return _clean_columns(path, rows, width,
                          lambda position: [cells[position] if position < len(cells) else "" for _, cells in data],
                          headers, keep, cell_kinds, found)


def _clean_columns(path: Path, rows: list[int], width: int, column_at: Callable[[int], Any], headers: list[str],
                   keep: dict[int, str], cell_kinds: dict[tuple[int, int], CellKind],
                   found: list[tuple[int, int, Problem]]
                   ) -> tuple[list[Problem], dict[str, Any], dict[int, int], list[int],
                              dict[tuple[int, str], CellKind]]:
    """`_columns_at_once` past the rows' own checks: `column_at(position)` gives a column's texts, one per row of
    `rows` (spreadsheet row numbers), as Python text or as an Arrow text array; `found` holds the problems found
    so far as (data index, position, problem)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from evidence.columnar import cleaned_categorical

    columns: dict[str, Any] = {}
    unnamed: dict[int, int] = {}
    for position in range(width):
        given = column_at(position)
        texts = given if isinstance(given, pa.Array) else pa.array(given, pa.string())
        if isinstance(texts, pa.DictionaryArray) and \
                pc.any(pc.greater(pc.utf8_length(texts.dictionary), MAX_CELL_CHARS)).as_py():
            texts = texts.dictionary.take(texts.indices)  # an over-long cell: the cells one by one, as below
        long = np.zeros(0, dtype=np.int64) if isinstance(texts, pa.DictionaryArray) else \
            np.flatnonzero(pc.greater(pc.utf8_length(texts), MAX_CELL_CHARS).to_numpy(zero_copy_only=False))
        if long.size:
            column = headers[position] if position < len(headers) and headers[position] else column_letter(position)
            for index in long.tolist():
                size = len(texts[index].as_py())
                found.append((index, position, Problem.of(
                    "E015", file=path, row=rows[index], column=column,
                    detail=f"ô dài {size:,} ký tự, quá giới hạn {MAX_CELL_CHARS:,} ký tự của một ô Excel"
                    .replace(",", "."))))
            blank = np.zeros(len(texts), dtype=bool)
            blank[long] = True
            texts = pc.if_else(pa.array(blank), "", texts)
        values = cleaned_categorical(texts, apostrophe=False)
        header = keep.get(position)
        if header is not None:
            columns[header] = values
        elif not (position < len(headers) and headers[position]):  # data under no header
            count = int((values.codes[values.codes >= 0] != _blank_code(values)).sum())
            if count:
                unnamed[position] = count
    at = {number: index for index, number in enumerate(rows)}
    kinds = {(at[number], keep[position]): kind for (number, position), kind in cell_kinds.items()
             if number in at and position in keep and position < width}
    found.sort(key=lambda f: (f[0], f[1]))
    return [p for _, _, p in found], columns, unnamed, rows, kinds


def _build_grid(path: Path, grid: np.ndarray, column_kinds: ColumnKinds, sheet: str, expect: tuple[str, ...],
                max_rows: int) -> Table:
    """`_build` over a sheet kept as one 2-D array of texts (`_xlsx_sheet`: big, rectangular, no merged cells):
    blank rows found, header searched and columns cleaned a column at a time, never a Python list per row. The
    same table and problems as `_build` on the sheet's records (tests/test_columnar_datasets.py)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from evidence.columnar import NOT_SPACE

    # Each column as codes and its distinct texts (an export repeats its units, statuses and dates): Arrow and the
    # blank test see each distinct text once, never a cell
    # (every cell is text here, never a missing value: pandas' default skips a pass looking for them)
    distinct = [pd.factorize(grid[:, position]) for position in range(grid.shape[1])]
    texts = [(codes, pa.array(uniques, pa.string())) for codes, uniques in distinct]
    del distinct
    filled = np.zeros(len(grid), dtype=bool)  # `_build`'s blank row: no cell with more than spaces
    for codes, uniques in texts:
        filled |= pc.match_substring_regex(uniques, NOT_SPACE).to_numpy(zero_copy_only=False)[codes]
    numbers = np.flatnonzero(filled)
    if numbers.size - 1 < COLUMNWISE_ROWS:  # few rows with data after all: the row by row build, as for any sheet
        return _build(path, [(int(i) + 1, grid[i].tolist()) for i in numbers], _cell_kinds(column_kinds), "xlsx",
                      sheet, expect, max_rows)
    head = [(int(i) + 1, grid[i].tolist()) for i in numbers[:HEADER_SEARCH_ROWS]]
    at = _find_header(head, expect)
    header_row = head[at][0]
    data = numbers[at + 1:]
    if len(data) > max_rows:
        raise InputError(_too_many_rows(path, max_rows))
    if len(data) < COLUMNWISE_ROWS:
        return _build(path, [(int(i) + 1, grid[i].tolist()) for i in numbers], _cell_kinds(column_kinds), "xlsx",
                      sheet, expect, max_rows)
    headers = [clean(h) for h in head[at][1]]
    seen, problems = repeated_headers(headers, path, header_row)
    keep = {position: header for position, header in enumerate(headers)
            if header and seen.get(_header_key(header)) == position}
    rows = (data + 1).tolist()

    def column_at(position: int) -> pa.DictionaryArray:
        """The data rows' cells of a column, with its distinct texts in the order they first come, as Arrow's
        dictionary encoding of those cells would give them (and so `cleaned_categorical` the same categories)."""
        codes, uniques = texts[position]
        indices, first = pd.factorize(codes[data])
        return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32)), uniques.take(pa.array(first)))

    cells, columns, unnamed, rows, _ = _clean_columns(path, rows, max(len(headers), grid.shape[1]), column_at,
                                                      headers, keep, {}, [])
    problems += cells
    kinds: dict[tuple[int, str], CellKind] = {}  # (frame index, header) → kind, a column at a time
    for position, (kind_rows, of_rows) in column_kinds.items():
        if position not in keep:
            continue
        index = np.searchsorted(data, kind_rows - 1)  # the frame index of each sheet row, if it is a data row
        here = (index < len(data)) & (data[np.minimum(index, len(data) - 1)] == kind_rows - 1)
        kinds.update(zip(zip(index[here].tolist(), repeat(keep[position])), of_rows[here].tolist(), strict=True))
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    notes = tuple(Problem.of("W025", file=path, row=header_row, column=column_letter(position),
                             header=f"{column_letter(position)} (không có tiêu đề)", count=count)
                  for position, count in sorted(unnamed.items()))
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(data)), copy=False)
    letters = {header: column_letter(position) for position, header in keep.items()}
    return Table(path, frame, "xlsx", header_row, tuple(rows), sheet, kinds, letters, notes)


def _blank_code(values: Any) -> int:
    """The code of "" among a Categorical's categories (-2: none, never a code)."""
    where = np.flatnonzero(np.asarray(values.categories == "", dtype=bool))
    return int(where[0]) if where.size else -2


def _cell_text(path: Path, row: int, headers: list[str], position: int, cells: list[str],
               problems: list[Problem]) -> str:
    raw = cells[position] if position < len(cells) else ""
    if len(raw) > MAX_CELL_CHARS:
        column = headers[position] if position < len(headers) and headers[position] else column_letter(position)
        problems.append(Problem.of("E015", file=path, row=row, column=column,
                                   detail=f"ô dài {len(raw):,} ký tự, quá giới hạn {MAX_CELL_CHARS:,} ký tự của "
                                          "một ô Excel".replace(",", ".")))
        return ""
    return clean(strip_control(raw))


def find_columns(table: Table, wanted: dict[str, tuple[str, bool]]) -> dict[str, str | None]:
    """Map field → actual header. `wanted` is field → (header, required).

    Headers match ignoring case, diacritics and spacing; a missing required column is an
    E002 problem with a "did you mean" drawn from the headers present."""
    present = {_header_key(h): h for h in table.all_headers}
    found: dict[str, str | None] = {}
    problems = []
    for name, (header, required) in wanted.items():
        actual = present.get(_header_key(header))
        if actual is None and required:
            problems.append(Problem.of("E002", file=table.path, line=None, row=table.header_row, header=header,
                                       hint=did_you_mean(header, table.all_headers),
                                       columns=", ".join(table.all_headers) or "(không có)"))
        found[name] = actual
    if problems:
        raise InputError(problems)
    return found


# ---- legacy fonts ---------------------------------------------------------------------------

UNICODE_ONLY_LETTERS = re.compile("[ĂăĐđƠơƯư\u1ea0-\u1ef9\u0300-\u036f]")  # letters no legacy font reads as
_LEGACY_WORD = re.compile("[A-Za-z\u00a1-\u00ff]+")


def _fits_font(text: str, font: str) -> bool:
    """A cell too short to judge alone, in a column typed in `font`: convert it only when every
    word becomes a Vietnamese syllable and at least one was not a syllable as it stood."""
    if UNICODE_ONLY_LETTERS.search(text):
        return False
    words = [w for w in _LEGACY_WORD.findall(text) if not w.isascii()]
    if not words:
        return False
    converted = [convert_legacy(w, font) for w in words]
    return all(is_syllable(c) for c in converted) and any(not is_syllable(w) for w in words)


def convert_legacy_cells(table: Table, headers: Iterable[str]) -> tuple[Table, list[Problem]]:
    """Cells typed in TCVN3 or VNI (read as Latin-1 lookalikes, ``B¸o c¸o``) → Unicode, one W020 each.

    Converting is never silent: every converted cell is reported with the text cchc read, so the
    unit can fix its file. A column is judged as a whole first (short cells say too little alone).
    """
    frame = table.frame.copy()
    problems: list[Problem] = []
    for header in headers:
        if header not in frame.columns:
            continue
        cells = frame[header].tolist()
        suspects = [c for c in cells if c and not c.isascii()]
        if not suspects:
            continue
        column_font = detect_legacy_font(" ".join(dict.fromkeys(suspects)))
        changed = False
        for index, text in enumerate(cells):
            if not text or text.isascii():
                continue
            font = detect_legacy_font(text) or (column_font if column_font and _fits_font(text, column_font)
                                                else None)
            if font is None:
                continue
            converted = unicodedata.normalize("NFC", convert_legacy(text, font))
            if converted == text:
                continue
            cells[index] = converted
            changed = True
            problems.append(Problem.of("W020", file=table.path, row=table.sheet_row(index), column=header,
                                       font=font, example=LEGACY_FONTS[font], converted=converted))
        if changed:
            frame[header] = cells
    return (replace(table, frame=frame) if problems else table), problems


def iter_records(table: Table) -> Iterator[tuple[int, dict[str, str]]]:
    """(frame index, {header: text}) for every data row."""
    yield from enumerate(table.frame.to_dict("records"))
