"""The fast way to read a plain .xlsx sheet: python-calamine (Rust), used only where it reads exactly what
openpyxl would.

calamine reads a 100 000-row export in about a second where openpyxl's cell objects take half a minute, but
it differs from openpyxl on exactly the cells cchc must not misread: it returns a formula's cached value
(cchc reports formulas, E017, and never takes their result), an error cell as a blank, ``_x000D_`` escapes
decoded; and it allocates the sheet's whole bounding rectangle up front, so a tiny file with one cell at
``XFD1048576`` aborts the process (a Rust allocation failure, not a Python exception).

So calamine's rows are used only when a streaming pass over the sheet's XML bytes (and the shared strings) has
found none of that: every cell's start tag exactly as Excel, LibreOffice and openpyxl write a value cell
(``<c r="B12" s="3" t="s">``: a plain reference within the row and column limits, a string, number or
boolean type, so no error, ISO-date or formula-string cell), every row with its plain number, no formula
element, no ``_xHHHH_`` escape, no comment, CDATA or DTD, no namespace prefix on a cell or string element,
no phonetic run, every ``<v>`` a plain number of at most 15 integer digits (an entity XML does not define
makes calamine fail, and then openpyxl reads the file). The pass is C-speed byte searching with ``re``, it
parses nothing: patterns whose alternatives all follow a "<" (so they are tried only where a tag starts, and a
cell's reference is checked in the one look-ahead that reads its start tag), over pieces of the XML that never end
between a cell's start tag and its value, decompressed on a second thread. It comes in two parts: the guard
(cell tags and their limits, DTD, prefixes: what could harm the process) runs before calamine is called; the
rest (formulas, values, dates, escapes) runs on a second thread while calamine parses, and if it finds anything
calamine's rows are dropped (`read_plain`). A sheet the scan is unsure of is simply
handed to openpyxl, cchc's exact reader, whose results and messages are today's. Unsure never means wrong, only
slower (tests/test_xlsx_fast.py compares both readers, tests/test_xlsx_scan.py the scan with the one before it).
"""

from __future__ import annotations

import queue
import re
import threading
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence.text import fold

CHUNK = 1 << 20
_REF = r"(?:[A-F]?[A-Z]|G[A-R])[1-9][0-9]{0,6}"  # A1 … GR9999999: a column openpyxl reads, no leading zero
_NUMBER = r"[-+]?[0-9]{1,15}(?:\.[0-9]*)?(?:[eE][-+]?[0-9]{1,3})?"  # a float both read alike (≤ 15 digits)
_TYPE = r'(?: t="(?:s|n|b|inlineStr)")?'  # a string, number or boolean cell: no error, ISO-date or formula string
_PREFIXED = re.compile(rb":(?:c|row|v|is|t|r|f|sheetData|si|rPh)[\s/>]")  # a prefixed cell or string element
_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")  # openpyxl keeps "_x000D_", calamine decodes it
_STRINGS_MARKUP = re.compile(rb"<!|<rPh[\s/>]")  # phonetic runs: the readers differ on them


def _above(limit: int) -> str:
    """A regex for the decimal numbers (no leading zero) greater than `limit`, then a closing quote."""
    digits = str(limit)
    longer = [rf"[1-9][0-9]{{{len(digits)},}}"]
    same = [digits[:i] + f"[{int(d) + 1}-9]" + f"[0-9]{{{len(digits) - i - 1}}}"
            for i, d in enumerate(digits) if d != "9"]
    return "(?:" + "|".join(longer + same) + ')"'


def _guard(row_limit: int) -> re.Pattern[bytes]:
    """What calamine must never be given, for the process's sake: a "<c" start tag not exactly as Excel,
    LibreOffice and openpyxl write a value cell (``<c r="B12" s="3" t="s">``: a plain reference within the
    columns and `row_limit`, a string, number or boolean type), whose place calamine would allocate; a comment,
    CDATA section or DTD. Both follow one "<", so `re` tries them only where a tag starts, and the reference's
    limits are read inside the one look-ahead that reads the start tag."""
    cell = r'r="(?:[A-F]?[A-Z]|G[A-R])' + _row(row_limit) + r'"(?: s="[0-9]{1,5}")?' + _TYPE + "/?>"
    return re.compile(("<(?:c(?! " + cell + r")[\s/>]|!)").encode())


def _values(row_limit: int, date_styles: frozenset[int]) -> re.Pattern[bytes]:
    """What calamine would read differently from openpyxl, in a sheet `_guard` passed:

    - a formula element (calamine would give its cached value), whatever its kind (shared, array, data table);
    - a ``<v>`` that is not a plain number (NaN, 20-digit integers, blanks);
    - a row without its plain number, or past the limit (openpyxl gives E015);
    - a cell in a date style (`date_styles`) whose serial the readers turn into different things: past year 9999
      (openpyxl: #VALUE!), negative, or in 1900's first days, which Excel counts with a 29 February that never
      was."""
    markup = r'<(?:row(?! r="' + _row(row_limit) + r'"[\s/>])[\s/>]|f[\s/>]|v>(?!' + _NUMBER + "</v>)"
    if date_styles:
        styles = "|".join(str(s) for s in sorted(date_styles))
        odd_serial = r"(?:\+?[0-9]{7}|\+?[0-9]{1,2}[.<]|-|[^<]*[eE])"
        markup += r'|c r="' + _REF + r'" s="(?:' + styles + r')"(?: t="n")?><v>' + odd_serial
    return re.compile((markup + ")").encode())


def _row(limit: int) -> str:
    """A row number in a reference: no leading zero, not past `limit`."""
    return "(?!" + _above(limit) + ")[1-9][0-9]{0,6}"


def _sheet_patterns(row_limit: int, date_styles: frozenset[int]) -> list[re.Pattern[bytes]]:
    """Everything in a sheet's XML that sends it to openpyxl: the guard's part, then the values' part."""
    return [*_guard_patterns(row_limit), *_value_patterns(row_limit, date_styles)]


def _guard_patterns(row_limit: int) -> list[re.Pattern[bytes]]:
    return [_guard(row_limit), _PREFIXED]  # calamine reads a prefixed cell element as a cell too


def _value_patterns(row_limit: int, date_styles: frozenset[int]) -> list[re.Pattern[bytes]]:
    return [_values(row_limit, date_styles), _ESCAPE]


@dataclass(frozen=True)
class Sheet:
    name: str
    member: str  # the sheet's part in the zip, e.g. "xl/worksheets/sheet1.xml"


def worksheets(path: Path) -> tuple[list[Sheet], str | None, frozenset[int]]:
    """The workbook's worksheets in order, as openpyxl lists them (chart sheets and missing parts left out; none
    for a workbook counting dates from 1904, which openpyxl reads),
    the shared strings part and the cell styles openpyxl reads as dates. openpyxl's own first steps: they read
    only the package's small index parts and the styles."""
    import warnings

    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
    from openpyxl.styles.stylesheet import Stylesheet
    from openpyxl.utils.datetime import WINDOWS_EPOCH
    from openpyxl.xml.constants import ARC_STYLE
    from openpyxl.xml.functions import fromstring

    reader = ExcelReader(str(path), read_only=True, keep_links=False)
    try:
        reader.read_manifest()
        reader.read_workbook()
        sheets = [Sheet(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
                  if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
        strings = reader.package.find(SHARED_STRINGS)
        dates: frozenset[int] = frozenset()
        if reader.wb.epoch != WINDOWS_EPOCH:  # 1904 dates: left to openpyxl
            sheets = []
        elif ARC_STYLE in reader.valid_files:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                dates = frozenset(Stylesheet.from_tree(fromstring(reader.archive.read(ARC_STYLE))).date_formats)
    finally:
        reader.archive.close()
    return sheets, (strings.PartName[1:] if strings is not None else None), dates


def choose(sheets: list[Sheet], wanted: str | None, preferred: tuple[str, ...]) -> Sheet | None:
    """The same choice as tables.register_sheet makes on openpyxl's workbook."""
    if not sheets:
        return None
    if wanted is not None:
        return next((s for s in sheets if fold(s.name).strip() == fold(wanted).strip()), None)
    named = [s for s in sheets if any(name in fold(s.name) for name in preferred)]
    return (named or sheets)[0]


def _blocks(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The part's bytes, CHUNK at a time, decompressed on a second thread: zlib lets go of the GIL, so the
    searching of one block and the decompressing of the next overlap. At most two blocks wait in between."""
    blocks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def put(item: bytes | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                blocks.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            with archive.open(member) as stream:  # zipfile stops at the size the zip declares
                while block := stream.read(CHUNK):
                    if not put(block):
                        return
            put(None)
        except BaseException as exc:  # a damaged part: raised where the blocks are read, as before
            put(exc)

    worker = threading.Thread(target=read, name="cchc-xlsx-inflate", daemon=True)
    worker.start()
    try:
        while (item := blocks.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()  # the reader stopped early (a match): the thread ends at its next block
        worker.join()


def _chunks(archive: zipfile.ZipFile, member: str, cut: bytes = b"<") -> Iterator[bytes]:
    """The part's bytes in pieces that never split markup: each piece ends before its last `cut` (for a sheet
    "<c", so a cell's start tag and its ``<v>`` are searched together, as the date check needs), else before its
    last "<" that does not open a ``<v>``. Either way no piece ends between a cell's start tag and its value,
    whatever the size of a block (tests/test_xlsx_scan.py moves the boundary through every byte of a sheet); a
    piece ending inside a ``<v>`` leaves it without its ``</v>``, which is not plain (unsure, never wrong)."""
    tail = b""
    for block in _blocks(archive, member):
        data = tail + block
        at = data.rfind(cut)
        if at <= 0:
            at = data.rfind(b"<")
            if data.startswith(b"<v", at):  # "<v>", perhaps not yet whole
                at = data.rfind(b"<", 0, at)
        if at <= 0:  # one piece of markup longer than a block: keep reading until it ends
            tail = data
            continue
        yield data[:at]
        tail = data[at:]
    if tail:
        yield tail


def _none_in(archive: zipfile.ZipFile, parts: list[tuple[str, bytes, list[re.Pattern[bytes]]]]) -> bool:
    """Whether none of the patterns occurs in its part: (part, where its pieces are cut, patterns)."""
    for member, cut, patterns in parts:
        with closing(_chunks(archive, member, cut)) as chunks:  # a match stops the decompressing thread too
            if any(pattern.search(data) for data in chunks for pattern in patterns):
                return False
    return True


def _value_parts(archive: zipfile.ZipFile, sheet: Sheet, strings: str | None, row_limit: int,
                 date_styles: frozenset[int]) -> list[tuple[str, bytes, list[re.Pattern[bytes]]]]:
    parts = [(sheet.member, b"<c", _value_patterns(row_limit, date_styles))]
    if strings is not None and strings in archive.namelist():
        parts.append((strings, b"<", [_STRINGS_MARKUP, _PREFIXED, _ESCAPE]))
    return parts


def plain_sheet(archive: zipfile.ZipFile, sheet: Sheet, strings: str | None, row_limit: int,
                date_styles: frozenset[int] = frozenset()) -> bool:
    """True when calamine reads this sheet exactly as openpyxl does (see the module's docstring)."""
    return _none_in(archive, [(sheet.member, b"<c", _guard_patterns(row_limit))]) and \
        _none_in(archive, _value_parts(archive, sheet, strings, row_limit, date_styles))


def read_plain(path: Path, wanted: str | None, preferred: tuple[str, ...], row_limit: int
               ) -> tuple[str, list[list[Any]], list[tuple[int, int, int, int]]] | None:
    """(sheet name, rows of values from row 1, merged ranges as (first col, first row, last col, last row))
    read by calamine, or None when the sheet is not plain and openpyxl must read it.

    calamine starts once the guard has passed over the sheet: nothing in it can then harm the process. The
    rest of the scan (formulas, values, dates, escapes, the shared strings) runs on a second thread while
    calamine parses, which lets go of the GIL; if it finds anything, calamine's rows are dropped unread."""
    sheets, strings, dates = worksheets(path)
    with zipfile.ZipFile(path) as archive:
        sheet = choose(sheets, wanted, preferred)
        if sheet is None or sum(s.name == sheet.name for s in sheets) > 1:
            return None
        if not _none_in(archive, [(sheet.member, b"<c", _guard_patterns(row_limit))]):
            return None
    import python_calamine

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cchc-xlsx-values") as pool:
        def values_plain() -> bool:
            with zipfile.ZipFile(path) as archive:  # its own handle: the reads of two threads never interleave
                return _none_in(archive, _value_parts(archive, sheet, strings, row_limit, dates))

        plain = pool.submit(values_plain)
        try:
            with python_calamine.CalamineWorkbook.from_path(str(path)) as workbook:
                data = workbook.get_sheet_by_name(sheet.name)
                if not plain.result():  # a formula or a value calamine reads otherwise: openpyxl reads the sheet
                    return None
                rows = data.to_python(skip_empty_area=False)
                merges = [(c0 + 1, r0 + 1, c1 + 1, r1 + 1) for (r0, c0), (r1, c1) in data.merged_cell_ranges or []]
        except BaseException:
            plain.cancel()
            raise
    return sheet.name, rows, merges
