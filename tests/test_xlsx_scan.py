"""The byte scan that decides whether calamine may read a sheet (evidence/xlsx_fast.py): its one pattern flags
exactly what the three patterns before it flagged, and a formula or an odd date serial is found wherever a
block of the decompressed XML happens to end, down to a block of one byte."""

from __future__ import annotations

import re
import threading
import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence import tables, xlsx_fast
from evidence.tables import read_table

SHEET = "xl/worksheets/sheet1.xml"

# ---- the patterns before this change, kept as the oracle ---------------------------------------------------------
_REF = r"(?:[A-F]?[A-Z]|G[A-R])[1-9][0-9]{0,6}"
_NUMBER = r"[-+]?[0-9]{1,15}(?:\.[0-9]*)?(?:[eE][-+]?[0-9]{1,3})?"
_OLD_MARKUP = (
    r'<c(?! r="' + _REF + r'"(?: s="[0-9]{1,5}")?(?: t="(?:s|n|b|inlineStr)")?/?>)[\s/>]'
    r'|<row(?! r="[1-9][0-9]{0,6}"[\s/>])[\s/>]'
    r"|<f[\s/>]"
    r"|<v>(?!" + _NUMBER + r"</v>)"
    r"|<!"
)


def _old_patterns(row_limit: int, date_styles: frozenset[int]) -> list[re.Pattern[bytes]]:
    beyond = xlsx_fast._above(row_limit)
    markup = _OLD_MARKUP + r'|<c r="[A-Z]{1,3}' + beyond + r'|<row r="' + beyond
    if date_styles:
        styles = "|".join(str(s) for s in sorted(date_styles))
        odd_serial = r"(?:\+?[0-9]{7}|\+?[0-9]{1,2}[.<]|-|[^<]*[eE])"
        markup += r'|<c r="' + _REF + r'" s="(?:' + styles + r')"(?: t="n")?><v>' + odd_serial
    return [re.compile(markup.encode()), xlsx_fast._PREFIXED, xlsx_fast._ESCAPE]


# pieces of sheet XML, plain and not, from which the property test below strings fragments together
PIECES = [
    '<row r="1">', '<row r="2" spans="1:3">', '<row r="300000">', '<row r="200031">', '<row>', "</row>",
    '<c r="A1"', '<c r="GR2"', '<c r="GS2"', '<c r="XFD1"', '<c r="A200030"', '<c r="A200031"', '<c r="B07"',
    "<c", '<c t="s" r="A1"', " s=\"1\"", " s=\"12\"", " s=\"2\"", " s=\"123456\"", ' t="n"', ' t="s"', ' t="b"',
    ' t="e"', ' t="str"', ' t="d"', ' t="inlineStr"', ">", "/>", "<v>", "-5", "45000", "45000.5", "1234567",
    "59", "5.", "1e5", "2.5E-3", "123456789012345678", "NaN", "", "</v>", "</c>", "<f>SUM(A1:A3)</f>",
    '<f t="shared" ref="B2:B9" si="0">A2*2</f>', '<f t="shared" si="0"/>', '<f t="array" ref="C2">A1:A3*2</f>',
    "<is><t>chữ</t></is>", "<is><t>a_x000D_b</t></is>", "<!-- ghi chú -->", "<![CDATA[x]]>", '<x:c r="A1">',
    "<cols>", '<col min="1" max="2"/>', "<sheetData>", "</sheetData>", '<mergeCell ref="A1:B2"/>',
]


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=14),
       limit=st.sampled_from([5, 99, 200_030, 1_000_000]), styles=st.sampled_from([(), (1,), (1, 12), (2,)]))
def test_the_one_pattern_flags_exactly_what_the_patterns_before_it_flagged(pieces: list[str], limit: int,
                                                                          styles: tuple[int, ...]) -> None:
    text = "".join(pieces).encode()
    dates = frozenset(styles)
    before = any(p.search(text) for p in _old_patterns(limit, dates))
    now = any(p.search(text) for p in xlsx_fast._sheet_patterns(limit, dates))
    assert now == before, text


# ---- real sheets, every block boundary ---------------------------------------------------------------------------


def _dated_book(path: Path) -> Path:
    """A small register with a number column and a date column (a date style, as Excel writes one)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Số", "Ngày", "Ghi chú"])
    for n in range(1, 6):
        sheet.append([n, date(2024, 1, n), f"dòng {n}"])
        sheet.cell(n + 1, 2).number_format = "dd/mm/yyyy"
    workbook.save(path)
    return path


def _patched(path: Path, old: bytes, new: bytes) -> Path:
    out = path.with_name("sua-" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == SHEET:
                assert old in data, data[:2000]
                data = data.replace(old, new)
            target.writestr(member, data)
    return out


def _plain_with_blocks_of(path: Path, sizes: range | tuple[int, ...], monkeypatch: pytest.MonkeyPatch
                          ) -> list[int]:
    """The block sizes (of `sizes`) with which the scan finds the sheet plain."""
    sheets, strings, dates = xlsx_fast.worksheets(path)
    plain = []
    with zipfile.ZipFile(path) as archive:
        for size in sizes:
            monkeypatch.setattr(xlsx_fast, "CHUNK", size)
            if xlsx_fast.plain_sheet(archive, sheets[0], strings, 1030, dates):
                plain.append(size)
    return plain


def _every_size(path: Path) -> range:
    """Every block size from one byte to the whole sheet: the boundary falls once after every byte."""
    with zipfile.ZipFile(path) as archive:
        return range(1, archive.getinfo(SHEET).file_size + 2)


def _cell(path: Path, ref: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(SHEET)
    found = re.search(rb'<c r="' + ref.encode() + rb'".*?</c>', xml)
    assert found is not None
    return found.group()


def test_a_plain_sheet_is_plain_with_any_block_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _dated_book(tmp_path / "so.xlsx")
    # a block boundary inside a <v> can make the scan unsure (slower, never wrong); at the real size it is plain
    sizes = (xlsx_fast.CHUNK, 1 << 10)
    assert _plain_with_blocks_of(path, sizes, monkeypatch) == list(sizes)


@pytest.mark.parametrize(("name", "formula"), [
    ("plain", b"<f>A3*2</f>"),
    ("shared, its first cell", b'<f t="shared" ref="B3:B4" si="0">A3*2</f>'),
    ("shared, a cell that only points at it", b'<f t="shared" si="0"/>'),
    ("array", b'<f t="array" ref="B3">A3:A3*2</f>'),
    ("data table", b'<f t="dataTable" ref="B3" dt2D="0" dtr="0" r1="A1"/>'),
])
def test_a_formula_of_any_kind_is_found_at_every_block_boundary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                name: str, formula: bytes) -> None:
    path = _dated_book(tmp_path / "so.xlsx")
    cell = _cell(path, "B3")
    value = re.search(rb"<v>.*?</v>", cell).group()  # its cached value stays: calamine would read just that
    path = _patched(path, cell, cell.replace(value, formula + value))
    assert _plain_with_blocks_of(path, _every_size(path), monkeypatch) == []
    monkeypatch.undo()
    table = read_table(path)  # openpyxl's reading: the formula cell is marked, its row kept (E017 in a dataset)
    assert table.kind(1, "Ngày") == "formula" and table.sheet_row(1) == 3


@pytest.mark.parametrize("serial", [b"-5", b"59", b"59.5", b"2958466", b"4.5E4"])
def test_an_odd_date_serial_is_found_at_every_block_boundary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            serial: bytes) -> None:
    """Negative, in 1900's first days, past year 9999, or written with an exponent: the readers differ, so the
    sheet goes to openpyxl, even where the block ends right after the cell's start tag."""
    path = _dated_book(tmp_path / "so.xlsx")
    cell = _cell(path, "B4")
    value = re.search(rb"<v>.*?</v>", cell).group()
    path = _patched(path, cell, cell.replace(value, b"<v>" + serial + b"</v>"))
    assert _plain_with_blocks_of(path, _every_size(path), monkeypatch) == []
    monkeypatch.undo()
    assert tables._xlsx_records(path, 100) == tables._openpyxl_records(path, 100, None)


def test_a_cell_past_the_row_limit_is_found_in_the_tag_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _dated_book(tmp_path / "so.xlsx")
    cell = _cell(path, "C6")
    path = _patched(path, cell, cell.replace(b'r="C6"', b'r="C1031"'))
    assert _plain_with_blocks_of(path, (1, 7, 64, 1 << 20), monkeypatch) == []


def _inflating_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "cchc-xlsx-inflate"]


def test_a_scan_stopped_by_a_match_leaves_no_thread_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _dated_book(tmp_path / "so.xlsx")
    cell = _cell(path, "B2")
    path = _patched(path, cell, cell.replace(b"<v>", b"<f>1+1</f><v>"))
    assert _plain_with_blocks_of(path, (16,), monkeypatch) == []  # found in an early block: the rest is never read
    assert _inflating_threads() == []


def test_a_damaged_part_is_an_error_where_the_blocks_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A part whose bytes do not match its CRC raises in the reader as before (then openpyxl says what is wrong),
    and the thread that inflated it is gone."""
    path = _dated_book(tmp_path / "so.xlsx")
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SHEET)
    raw = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + info.compress_size // 2] ^= 0xFF
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(bytes(raw))
    with pytest.raises((zipfile.BadZipFile, zlib.error, EOFError)):  # whichever zipfile meets first
        _plain_with_blocks_of(broken, (64,), monkeypatch)
    assert _inflating_threads() == []


# ---- whole numbers written at once -------------------------------------------------------------------------------


@given(st.lists(st.floats() | st.sampled_from([-0.0, 2.0 ** 53, 2.0 ** 53 - 1, -(2.0 ** 53), 1e20, 0.5]),
                min_size=1, max_size=30))
def test_a_column_of_numbers_is_written_as_one_cell_at_a_time_would_be(numbers: list[float]) -> None:
    values = np.array(numbers, dtype=object)
    texts, kinds = tables._excel_cells(values)
    assert list(zip(texts.tolist(), kinds.tolist(), strict=True)) == [tables._excel_cell(v) for v in numbers]


@given(st.lists(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59))
                | st.dates(min_value=date(1900, 1, 1)).map(lambda d: datetime(d.year, d.month, d.day)),
                min_size=1, max_size=30))
def test_a_column_of_date_times_is_written_as_one_cell_at_a_time_would_be(stamps: list[datetime]) -> None:
    values = np.array(stamps, dtype=object)
    texts, kinds = tables._excel_cells(values)
    assert list(zip(texts.tolist(), kinds.tolist(), strict=True)) == [tables._excel_cell(v) for v in stamps]


# ---- the two parts of the scan in read_plain ---------------------------------------------------------------------


def test_calamine_is_never_called_on_a_sheet_the_guard_refuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cell past the limits is what makes calamine allocate without end: the guard runs before calamine starts."""
    import python_calamine

    path = _dated_book(tmp_path / "so.xlsx")
    cell = _cell(path, "C6")
    path = _patched(path, cell, cell.replace(b'r="C6"', b'r="XFD6"'))

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("calamine was called")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refused)
    assert xlsx_fast.read_plain(path, None, tables.SHEET_NAMES, 1030) is None


def test_a_formula_found_beside_calamine_drops_its_rows(tmp_path: Path) -> None:
    """The value part finds the formula while calamine parses: calamine's rows are not used, openpyxl reads the
    sheet, and neither thread outlives the reading."""
    path = _dated_book(tmp_path / "so.xlsx")
    cell = _cell(path, "B5")
    path = _patched(path, cell, cell.replace(b"<v>", b'<f t="shared" ref="B5:B6" si="0">A5</f><v>'))
    assert xlsx_fast.read_plain(path, None, tables.SHEET_NAMES, 1030) is None
    assert [t for t in threading.enumerate() if t.name.startswith("cchc-xlsx")] == []
    assert read_table(path).kind(3, "Ngày") == "formula"
