"""The fast way to read a plain .xlsx sheet: python-calamine (Rust), used only where it reads exactly what
openpyxl would.

calamine reads a 100 000-row export in about a second where openpyxl's cell objects take half a minute, but
it differs from openpyxl on exactly the cells cchc must not misread: it returns a formula's cached value
(cchc reports formulas, E017, and never takes their result), an error cell as a blank, ``_x000D_`` escapes
decoded; and it allocates the sheet's whole bounding rectangle up front, so a tiny file with one cell at
``XFD1048576`` aborts the process (a Rust allocation failure, not a Python exception).

So a sheet goes to calamine only after one streaming pass over its XML bytes (and the shared strings) has
found none of that: no formula element, no error, ISO-date or formula-string cell, no ``_xHHHH_`` escape,
no comment, CDATA or DTD, no namespace prefix on a cell, no entity other than XML's own, every cell and row
with a plain ``r="B12"`` reference inside the row and column limits, every ``<v>`` a plain number of at most
15 integer digits. The pass is C-speed byte searching (``re`` and ``bytes.count``), it parses nothing: a
sheet it is unsure of is simply handed to openpyxl, cchc's exact reader, whose results and messages are
today's. Unsure never means wrong, only slower (tests/test_xlsx_fast.py compares both readers).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence.text import fold

CHUNK = 1 << 20

# Anything here sends the sheet to openpyxl.
_SHEET_SUSPECT = re.compile(
    rb"<(?:[\w.-]+:)?f[\s/>]"  # a formula (or a prefixed formula element anywhere)
    rb"|\st\s*=\s*[\"'](?:e|d|str)[\"']"  # error, ISO-date or formula-string cell
    rb"|_x[0-9A-Fa-f]{4}_"  # an escaped character: openpyxl keeps it, calamine decodes it
    rb"|<!"  # comment, CDATA section or DTD
    rb"|&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)"  # an entity XML does not define
    rb"|<[\w.-]+:(?:c|row|v|is|t|r|sheetData|mergeCell)[\s/>]"  # a prefixed cell element
    rb"|<c r=\"(?![A-Z]{1,3}[0-9]{1,7}\")"  # a cell reference that is not plain
    rb"|<row r=\"(?![0-9]{1,7}\")"
    rb"|<v>(?![-+]?[0-9]{1,15}(?:\.[0-9]*)?(?:[eE][-+]?[0-9]{1,3})?</v>)"  # not a plain number
    rb"|<c r=\"(?:[A-Z]{3}|[H-Z][A-Z]|G[S-Z])[0-9]"  # past column GR (200): openpyxl says E015 exactly
)
_STRINGS_SUSPECT = re.compile(
    rb"_x[0-9A-Fa-f]{4}_|<!|<rPh[\s/>]"  # escapes, comments/DTD, phonetic runs
    rb"|&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)"
    rb"|<[\w.-]+:(?:si|t|r)[\s/>]"
)
_CELL_STARTS = (b"<c ", b"<c>", b"<c/", b"<c\t", b"<c\n", b"<c\r")
_ROW_STARTS = (b"<row ", b"<row>", b"<row/", b"<row\t", b"<row\n", b"<row\r")


@dataclass(frozen=True)
class Sheet:
    name: str
    member: str  # the sheet's part in the zip, e.g. "xl/worksheets/sheet1.xml"


def worksheets(path: Path) -> tuple[list[Sheet], str | None]:
    """The workbook's worksheets in order, as openpyxl lists them (chart sheets and missing parts left out),
    and the shared strings part. openpyxl's own first steps: they read only the package's small index parts."""
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader

    reader = ExcelReader(str(path), read_only=True, keep_links=False)
    try:
        reader.read_manifest()
        reader.read_workbook()
        sheets = [Sheet(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
                  if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
        strings = reader.package.find(SHARED_STRINGS)
    finally:
        reader.archive.close()
    return sheets, (strings.PartName[1:] if strings is not None else None)


def choose(sheets: list[Sheet], wanted: str | None, preferred: tuple[str, ...]) -> Sheet | None:
    """The same choice as tables.register_sheet makes on openpyxl's workbook."""
    if not sheets:
        return None
    if wanted is not None:
        return next((s for s in sheets if fold(s.name).strip() == fold(wanted).strip()), None)
    named = [s for s in sheets if any(name in fold(s.name) for name in preferred)]
    return (named or sheets)[0]


def _chunks(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The part's bytes in pieces that never split markup: each piece ends before its last "<"."""
    with archive.open(member) as stream:  # zipfile stops at the size the zip declares
        tail = b""
        while block := stream.read(CHUNK):
            data = tail + block
            cut = data.rfind(b"<")
            if cut <= 0:  # one piece of markup longer than a block: keep reading until it ends
                tail = data
                continue
            yield data[:cut]
            tail = data[cut:]
        if tail:
            yield tail


def _plain_rows(data: bytes, row_limit: int) -> bool:
    """Every cell and row start carries a plain reference, and none is past `row_limit`."""
    cells, rows = sum(data.count(s) for s in _CELL_STARTS), sum(data.count(s) for s in _ROW_STARTS)
    if cells != data.count(b'<c r="') or rows != data.count(b'<row r="'):
        return False
    digits = len(str(row_limit))
    big = re.compile(rb'<(?:c r="[A-Z]{1,3}|row r=")([0-9]{%d,7})"' % digits)
    return all(int(m.group(1)) <= row_limit for m in big.finditer(data))


def plain_sheet(archive: zipfile.ZipFile, sheet: Sheet, strings: str | None, row_limit: int) -> bool:
    """True when calamine reads this sheet exactly as openpyxl does (see the module's docstring)."""
    for data in _chunks(archive, sheet.member):
        if _SHEET_SUSPECT.search(data) or not _plain_rows(data, row_limit):
            return False
    if strings is not None and strings in archive.namelist():
        return not any(_STRINGS_SUSPECT.search(data) for data in _chunks(archive, strings))
    return True


def read_plain(path: Path, wanted: str | None, preferred: tuple[str, ...], row_limit: int
               ) -> tuple[str, list[list[Any]], list[tuple[int, int, int, int]]] | None:
    """(sheet name, rows of values from row 1, merged ranges as (first col, first row, last col, last row))
    read by calamine, or None when the sheet is not plain and openpyxl must read it."""
    sheets, strings = worksheets(path)
    with zipfile.ZipFile(path) as archive:
        sheet = choose(sheets, wanted, preferred)
        if sheet is None or sum(s.name == sheet.name for s in sheets) > 1:
            return None
        if not plain_sheet(archive, sheet, strings, row_limit):
            return None
    import python_calamine

    with python_calamine.CalamineWorkbook.from_path(str(path)) as workbook:
        data = workbook.get_sheet_by_name(sheet.name)
        rows = data.to_python(skip_empty_area=False)
        merges = [(c0 + 1, r0 + 1, c1 + 1, r1 + 1) for (r0, c0), (r1, c1) in data.merged_cell_ranges or []]
    return sheet.name, rows, merges
