"""Hostile and random input to the register readers: they accept it or raise InputError, never another
exception, never hang. Formulas stay text both ways (read and written), zip bombs and XML bombs are
refused before they cost anything."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from evidence.document_header import parse_header
from evidence.problems import InputError
from evidence.register import COLUMNS, inspect_register
from evidence.scan import _Sheet
from evidence.tables import read_table, strip_control
from evidence.text import clean, encode_legacy

UNITS = {"tccb": "Phòng Tổ chức cán bộ"}
HEADERS = [h for h, _ in COLUMNS.values()]
SETTINGS = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])

_VIET = ["Báo cáo", "Kế hoạch", "Quyết định", "thi hành pháp luật", "Hà Giang", "ngày 26 tháng 8 năm 2023"]
texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["=1+1", "=HYPERLINK(\"http://x\",\"bấm\")", "+84 912", "-5", "@SUM(A1)", "=cmd|' /C calc'!A0",
                     "62/KH-SNN-TCCB", "26/8/2023", "31/2/2023", "45164", "KH", "Công văn", "../../etc/passwd",
                     "/etc/passwd", "C:\\Windows", "tccb", "'=1+1", "\x00\x01\x1f", "a" * 40_000]),
    st.sampled_from(_VIET).map(lambda s: unicodedata.normalize("NFD", s)),
    st.sampled_from(_VIET).flatmap(lambda s: st.sampled_from([encode_legacy(s, "TCVN3"), encode_legacy(s, "VNI")])),
    st.text(alphabet=st.characters(codec="latin-1"), max_size=30),
)
cells = st.one_of(texts, st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
                  st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2200, 1, 1)),
                  st.dates(min_value=date(1900, 3, 1)), st.booleans(), st.none())


def _xlsx_value(value: object) -> object:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # an .xlsx cannot hold control characters at all
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None  # nor NaN or infinity
    return value


@SETTINGS
@given(rows=st.lists(st.lists(cells, max_size=len(HEADERS) + 2), max_size=6), formulas=st.booleans())
def test_random_xlsx_registers_are_read_or_refused(tmp_path: Path, rows: list[list[object]], formulas: bool) -> None:
    path = tmp_path / "so.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(sheet.max_row + (column == 1), column, _xlsx_value(value))
            if isinstance(cell.value, str) and not formulas:
                cell.data_type = "s"
    book.save(path)
    result = inspect_register(path, case_folder=tmp_path, units=UNITS)
    rejected_rows = {p.row for p in result.errors}
    assert len(rejected_rows) == result.rejected or not result.readable
    assert result.accepted == len(result.documents)  # `accepted` is rows − rejected: each accepted row is here
    assert result.rows <= len(rows)  # never more rows than written (blank ones are layout)
    for doc in result.documents:
        assert doc.subject == unicodedata.normalize("NFC", doc.subject)


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes_as_csv_or_xlsx(tmp_path: Path, data: bytes) -> None:
    for name in ("so.csv", "so.xlsx"):
        path = tmp_path / name
        path.write_bytes(data)
        try:
            read_table(path, expect=HEADERS)
        except InputError as exc:
            assert exc.problems and all(p.code.startswith("E") for p in exc.problems)


@SETTINGS
@given(rows=st.lists(st.lists(texts, max_size=len(HEADERS) + 2), max_size=6),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1258"]))
def test_random_csv_registers_are_read_or_refused(tmp_path: Path, rows: list[list[str]], encoding: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADERS, *rows])
    path = tmp_path / "so.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    result = inspect_register(path, case_folder=tmp_path, units=UNITS)
    assert result.accepted == len(result.documents) and result.rows <= len(rows)
    assert {p.row for p in result.errors if p.row} <= set(range(1, len(rows) + 2))  # the header or a row written
    for doc in result.documents:
        assert doc.file is None or not doc.file.startswith(("/", "..", "C:"))


@SETTINGS
@given(values=st.lists(texts, min_size=1, max_size=5), excel=st.booleans())
def test_text_written_by_the_scan_reads_back_as_written(tmp_path: Path, values: list[str], excel: bool) -> None:
    """What the scan writes (subjects from untrusted files) comes back exactly, never as a formula."""
    path = tmp_path / ("so.xlsx" if excel else "so.csv")
    sheet = _Sheet(path, None)
    for column, header in enumerate(HEADERS):
        sheet.set(1, column, header)
    values = [v[:30_000] for v in values]
    for row, value in enumerate(values, start=2):
        sheet.set(row, HEADERS.index("Trích yếu"), value or "x")
        sheet.set(row, HEADERS.index("Số, ký hiệu"), f"{row}/BC-SNN")
    sheet.save()
    table = read_table(path, expect=HEADERS)
    assert list(table.frame["Trích yếu"]) == [clean(strip_control(v or "x")) for v in values]
    assert not any(kind == "formula" for kind in table.kinds.values())


@SETTINGS
@given(text=st.text(max_size=3000))
def test_parse_header_never_fails(text: str) -> None:
    header = parse_header(text)
    assert isinstance(header.notes, tuple)


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("evidence.tables.MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (8 * 1024 * 1024) + b"</a>")
    assert path.stat().st_size < 100_000
    with pytest.raises(InputError) as exc:
        read_table(path)
    assert [p.code for p in exc.value.problems] == ["E015"]  # refused from the zip directory, before parsing


def test_xml_entity_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "so.xlsx"
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    book.save(path)
    laughs = "".join(f'<!ENTITY l{i} "{"&l" + str(i - 1) + ";" * 1 if i else "ha"}{("&l" + str(i - 1) + ";") * 9}">'
                     if i else '<!ENTITY l0 "hahahahaha">' for i in range(10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE worksheet [{laughs}]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/worksheets/sheet1.xml"] = bomb.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    try:
        table = read_table(path)
        assert sum(len(c) for c in table.frame.columns) < 10_000_000
    except InputError as exc:
        assert [p.code for p in exc.problems] in (["E016"], ["E015"])


def test_too_many_columns_and_huge_cells(tmp_path: Path) -> None:
    path = tmp_path / "rong.xlsx"
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    book.active.cell(2, 300, "dữ liệu ở cột 300")
    book.save(path)
    with pytest.raises(InputError) as exc:
        read_table(path)
    assert [(p.code, p.row) for p in exc.value.problems] == [("E015", 2)]
    csv_path = tmp_path / "dai.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADERS, ["1/KH-SNN", "x" * 40_000]])
    csv_path.write_text(buffer.getvalue(), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_table(csv_path)
    assert [(p.code, p.row, p.column) for p in exc.value.problems] == [("E015", 2, "Ngày ban hành")]


# ---- what a reader accepts, it reads right: round trips of generated registers ---------------------------

_SUBJECTS = st.lists(st.sampled_from(_VIET), min_size=1, max_size=4).map(" ".join)
_GOOD_ROWS = st.tuples(st.integers(1, 9999), st.sampled_from(["BC", "KH", "QĐ", "TB"]),
                       st.dates(date(2000, 1, 1), date(2030, 12, 31)), _SUBJECTS)


@SETTINGS
@given(good=st.lists(_GOOD_ROWS, max_size=8), bad=st.lists(st.integers(0, 8), max_size=4), excel=st.booleans())
def test_a_register_reads_back_as_written(tmp_path: Path, good: list[tuple], bad: list[int], excel: bool) -> None:
    """Every row written is counted once: accepted + rejected = rows written, and each accepted row comes back
    with the number, date and subject written (a reader that dropped, merged or shifted rows would fail)."""
    rows: list[list[object]] = [[f"{n}/{kind}-SNN", f"{d.day}/{d.month}/{d.year}", kind, subject, "tccb"]
                                for n, kind, d, subject in good]
    for at in sorted(bad, reverse=True):  # an impossible date: the row is rejected, never dropped unseen
        rows.insert(min(at, len(rows)), ["1/BC-SNN", "31/02/2024", "BC", "Báo cáo", "tccb"])
    headers = ["Số, ký hiệu", "Ngày ban hành", "Loại", "Trích yếu", "Đơn vị"]
    path = tmp_path / ("so.xlsx" if excel else "so.csv")
    if excel:
        book = openpyxl.Workbook()
        for row in [headers, *rows]:
            book.active.append(row)
        book.save(path)
    else:
        buffer = io.StringIO()
        csv.writer(buffer).writerows([headers, *rows])
        path.write_text(buffer.getvalue(), encoding="utf-8")
    result = inspect_register(path, case_folder=tmp_path, units=UNITS)
    assert (result.rows, result.rejected, len(result.documents)) == (len(rows), len(bad), len(good))
    assert sorted({p.row for p in result.errors}) == [i + 2 for i, r in enumerate(rows) if r[1] == "31/02/2024"]
    read = [(d.reference.number if d.reference else None, d.kind, d.issued, d.subject) for d in result.documents]
    assert read == [(str(n), kind, d, unicodedata.normalize("NFC", subject)) for n, kind, d, subject in good]
