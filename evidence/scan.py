"""Scan a folder of signed PDF and Word files into a register, so nobody retypes them.

Each file's header block (number, place and date, kind, subject: `evidence.document_header`)
becomes one register row, with the file's SHA-256.

Rows people entered are never changed: a row whose `Tệp` names a scanned file only gets its
*empty* cells filled (and not even those when the file disagrees with what the row says: that
is listed instead). Every file not added is listed with the reason: an image-only PDF, a
password, a damaged file, another format, or a file already registered.
"""

from __future__ import annotations

import csv
import io
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from evidence.dates import DateError, format_date, parse_date
from evidence.document_header import ScanError, ScannedFile, read_document
from evidence.paths import PathEscapeError, inside
from evidence.problems import InputError, Problem
from evidence.references import DOCUMENT_KINDS, ReferenceFormatError, kind_from_name, parse_reference
from evidence.register import COLUMNS
from evidence.registers import sha256_file
from evidence.safe_write import check_writable, write_atomically
from evidence.tables import (
    EXCEL_SUFFIXES,
    Table,
    escape_csv_text,
    find_columns,
    out_of_memory,
    read_table,
    strip_control,
)
from evidence.text import TextEncodingError, clean, decode_bytes, fold

SCAN_NOTE = "Quét tự động từ tệp; kiểm tra lại trước khi gửi"


# ---- the register being written -------------------------------------------------------------


class _Sheet:
    """A register file as rows of cells, edited in place: the CSV's records or the workbook's sheet."""

    def __init__(self, path: Path, table: Table | None) -> None:
        self.path = path
        self.excel = path.suffix.lower() in EXCEL_SUFFIXES
        self.header_row = table.header_row if table is not None else 1
        self.newline = "\r\n"
        self.workbook: Any = None
        self.records: list[list[str]] = []
        self.converted = False
        try:
            if self.excel:
                self._open_excel(table is not None)
            elif table is not None:
                self._open_csv()
        except MemoryError:  # openpyxl's editable workbook holds every cell: far more than the streaming read
            raise InputError(out_of_memory(path)) from None
        self.headers = self._header_cells()

    def _open_excel(self, exists: bool) -> None:
        import openpyxl

        from evidence.tables import register_sheet

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if exists:
                self.workbook = openpyxl.load_workbook(self.path, keep_vba=self.path.suffix.lower() == ".xlsm")
            else:
                self.workbook = openpyxl.Workbook()
                self.workbook.active.title = "Sổ đăng ký"
        self.sheet = register_sheet(self.workbook)

    def _open_csv(self) -> None:
        try:
            text, encoding = decode_bytes(self.path.read_bytes())
        except TextEncodingError as exc:
            raise InputError(Problem.of("E022", file=self.path, path=str(self.path), detail=str(exc))) from None
        self.converted = encoding == "cp1258"  # written back as UTF-8: Windows-1258 cannot hold every NFC letter
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.records = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]

    def _header_cells(self) -> list[str]:
        if self.excel:
            row = next(self.sheet.iter_rows(min_row=self.header_row, max_row=self.header_row), ())
            return [clean(c.value) for c in row]
        return [clean(c) for c in self.records[self.header_row - 1]] if self.records else []

    def column(self, header: str) -> int:
        """0-based position of `header`; a column the register lacks is added after its last header
        (never between existing columns: that would move cells people entered)."""
        key = fold(header).replace(" ", "")
        for i, existing in enumerate(self.headers):
            if fold(existing).replace(" ", "") == key:
                return i
        position = len(self.headers)
        while position and not self.headers[position - 1]:
            position -= 1
        self.headers[position:] = [header]
        self.set(self.header_row, position, header)
        return position

    def last_row(self) -> int:
        if self.excel:
            last = self.header_row
            for row in self.sheet.iter_rows(min_row=self.header_row + 1):
                if any(c.value not in (None, "") for c in row):
                    last = row[0].row
            return last
        while self.records and not any(c.strip() for c in self.records[-1]):
            self.records.pop()  # trailing blank lines are layout
        return max(len(self.records), self.header_row)

    def get(self, row: int, position: int) -> str:
        if self.excel:
            return clean(self.sheet.cell(row, position + 1).value)
        record = self.records[row - 1] if row - 1 < len(self.records) else []
        return clean(record[position]) if position < len(record) else ""

    def set(self, row: int, position: int, value: str | date) -> None:
        if isinstance(value, str):
            value = strip_control(value)  # text read from an untrusted file
        if self.excel:
            cell = self.sheet.cell(row, position + 1)
            cell.value = value
            if isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"
            else:
                cell.data_type = "s"  # text from a file is never stored as a formula
            return
        while len(self.records) < row:
            self.records.append([])
        record = self.records[row - 1]
        record.extend([""] * (position + 1 - len(record)))
        text = format_date(value) if isinstance(value, date) else value
        record[position] = escape_csv_text(text)  # Excel opening the CSV never runs it; cchc reads it back as is

    def save(self) -> None:
        """All or nothing, keeping the file's mode and owner; a read-only register is refused (E022)."""
        write_atomically(self.path, self._write)

    def _write(self, temporary: Path) -> None:
        if self.excel:
            self.workbook.save(temporary)
        else:
            with open(temporary, "w", encoding="utf-8-sig", newline="") as out:
                csv.writer(out, lineterminator=self.newline).writerows(self.records)


# ---- the scan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Added:
    row: int
    file: ScannedFile


@dataclass(frozen=True)
class Filled:
    row: int
    relative: str
    columns: tuple[str, ...]


@dataclass
class ScanReport:
    register: Path
    added: list[Added] = field(default_factory=list)
    filled: list[Filled] = field(default_factory=list)
    already: list[tuple[str, str]] = field(default_factory=list)  # (file, where it is registered)
    problems: list[Problem] = field(default_factory=list)  # W027 (not read), W029 (disagrees with a row)
    files_seen: int = 0
    rewritten_as_utf8: bool = False


def _files(folder: Path, skip: set[Path]) -> Iterator[Path]:
    for path in sorted(folder.rglob("*"), key=lambda p: p.as_posix()):
        if path.is_file() and path.resolve() not in skip and not any(
                part.startswith(".") for part in path.relative_to(folder).parts):
            yield path


def _existing(table: Table | None, cols: dict[str, str | None], case_folder: Path
              ) -> tuple[dict[str, int], dict[str, int]]:
    """(case-relative Tệp → row, SHA-256 → row) of the register's rows, hashing files rows name."""
    by_file: dict[str, int] = {}
    by_sha: dict[str, int] = {}
    if table is None:
        return by_file, by_sha
    file_col, sha_col = cols.get("file"), cols.get("sha256")
    for index, record in enumerate(table.frame.to_dict("records")):
        row = table.sheet_row(index)
        if sha_col and record.get(sha_col):
            by_sha.setdefault(record[sha_col].lower(), row)
        name = record.get(file_col, "") if file_col else ""
        if not name:
            continue
        try:
            target = inside(case_folder, name)
        except PathEscapeError:
            continue
        key = target.relative_to(case_folder.resolve()).as_posix()
        by_file.setdefault(key, row)
        if target.is_file():
            by_sha.setdefault(sha256_file(target), row)
    return by_file, by_sha


def scan_folder(folder: Path, register: Path, *, case_folder: Path, unit: str | None = None) -> ScanReport:
    """Add every readable PDF/DOCX under `folder` to `register` (created if absent); see the module doc."""
    case_folder = case_folder.resolve()
    if not folder.is_dir():
        raise InputError(Problem.of("E001", file=folder, path=folder))
    for target in (folder, register):
        try:
            inside(case_folder, os.path.relpath(target.resolve(), case_folder))
        except (PathEscapeError, ValueError):
            raise InputError(Problem.of("E005", file=target, path=str(target))) from None
    suffix = register.suffix.lower()
    if suffix not in (".csv", *EXCEL_SUFFIXES):
        raise InputError(Problem.of("E022", file=register, path=str(register),
                                    detail="sổ đăng ký phải có đuôi .csv hoặc .xlsx"))
    check_writable(register)  # before the scan, not after it: a read-only register is refused at once
    table, cols = None, {}
    if register.exists():
        table = read_table(register, expect=[h for h, _ in COLUMNS.values()])
        cols = find_columns(table, COLUMNS)  # a register without its required columns is refused, not extended
    sheet = _Sheet(register, table)
    report = ScanReport(register, rewritten_as_utf8=sheet.converted)
    positions = {name: sheet.column(header) for name, (header, _) in COLUMNS.items()}
    by_file, by_sha = _existing(table, cols, case_folder)
    next_row = sheet.last_row() + 1
    changed = table is None

    for path in _files(folder, {register.resolve()}):
        report.files_seen += 1
        relative = path.relative_to(folder).as_posix()
        try:
            relative = inside(case_folder, os.path.relpath(path, case_folder)).relative_to(case_folder).as_posix()
        except (PathEscapeError, ValueError):
            report.problems.append(Problem.of("W027", file=path, path=relative,
                                              reason="liên kết trỏ ra ngoài thư mục hồ sơ"))
            continue
        if path.name.startswith(("~$", ".~lock.")):
            report.problems.append(Problem.of("W027", file=path, path=relative,
                                              reason="tệp khóa tạm của Word/Excel (tệp đang mở)"))
            continue
        row = by_file.get(relative)
        try:
            scanned = read_document(path, relative)
        except ScanError as exc:
            report.problems.append(Problem.of("W027", file=path, path=relative, reason=str(exc)))
            if row is not None and not sheet.get(row, positions["sha256"]):  # the row still gets its file's hash
                sheet.set(row, positions["sha256"], sha256_file(path))
                report.filled.append(Filled(row, relative, (COLUMNS["sha256"][0],)))
                changed = True
            continue
        if row is not None:
            filled = _fill(sheet, row, positions, scanned, unit, report)
            if filled:
                changed = True
                report.filled.append(Filled(row, relative, filled))
            elif filled is not None:  # None: it disagrees with the row, already listed (W029)
                report.already.append((relative, f"hàng {row}"))
            by_sha.setdefault(scanned.sha256, row)
            continue
        if scanned.sha256 in by_sha:
            report.already.append((relative, f"hàng {by_sha[scanned.sha256]} (cùng nội dung, SHA-256)"))
            continue
        header = scanned.header
        if header.reference is None and header.issued is None:
            reason = "không tìm thấy số, ký hiệu và ngày ban hành trong tệp (" + "; ".join(header.notes) + ")"
            report.problems.append(Problem.of("W027", file=path, path=relative, reason=reason))
            continue
        _add(sheet, next_row, positions, scanned, unit)
        report.added.append(Added(next_row, scanned))
        by_file[relative] = by_sha[scanned.sha256] = next_row
        next_row += 1
        changed = True
    if changed:
        sheet.save()
    return report


def _subject(scanned: ScannedFile) -> tuple[str, str | None]:
    if scanned.header.subject:
        return scanned.header.subject, None
    return scanned.path.stem, "trích yếu lấy tạm từ tên tệp"


def _add(sheet: _Sheet, row: int, positions: dict[str, int], scanned: ScannedFile, unit: str | None) -> None:
    header = scanned.header
    subject, subject_note = _subject(scanned)
    notes = [SCAN_NOTE, *(n for n in (subject_note,) if n), *header.notes]
    values: dict[str, str | date | None] = {
        "reference": header.reference.raw if header.reference else None,
        "issued": header.issued,
        "kind": DOCUMENT_KINDS.get(header.kind) if header.kind else None,
        "subject": subject,
        "unit": unit,
        "file": scanned.relative,
        "note": "; ".join(notes),
        "sha256": scanned.sha256,
    }
    for name, value in values.items():
        if value:
            sheet.set(row, positions[name], value)


def _fill(sheet: _Sheet, row: int, positions: dict[str, int], scanned: ScannedFile, unit: str | None,
          report: ScanReport) -> tuple[str, ...] | None:
    """Fill the empty cells of a row a person tied to this file; list (W029) what disagrees, change nothing else."""
    header = scanned.header
    cells = {name: sheet.get(row, position) for name, position in positions.items()}
    disagree: list[str] = []
    if cells["reference"] and header.reference:
        try:
            typed = parse_reference(cells["reference"]).canonical
        except ReferenceFormatError:
            typed = cells["reference"]
        if fold(typed) != fold(header.reference.canonical):
            disagree.append(f"số, ký hiệu trong sổ {cells['reference']!r}, trong tệp {header.reference.raw!r}")
    if cells["issued"] and header.issued:
        try:
            typed_date = parse_date(cells["issued"])
        except DateError:
            typed_date = None
        if typed_date and typed_date != header.issued:
            disagree.append(f"ngày trong sổ {cells['issued']}, trong tệp {format_date(header.issued)}")
    row_kind = kind_from_name(cells["kind"]) if cells["kind"] else None
    if row_kind and header.kind and row_kind != header.kind:
        disagree.append(f"loại trong sổ {cells['kind']!r}, trong tệp {DOCUMENT_KINDS[header.kind]}")
    if cells["sha256"] and cells["sha256"].lower() != scanned.sha256:
        disagree.append("SHA-256 trong sổ khác tệp hiện tại")
    if disagree:
        report.problems.append(Problem.of("W029", file=sheet.path, row=row, path=scanned.relative,
                                          detail="; ".join(disagree)))
        return None
    values: dict[str, str | date | None] = {
        "reference": header.reference.raw if header.reference else None,
        "issued": header.issued,
        "kind": DOCUMENT_KINDS.get(header.kind) if header.kind else None,
        "subject": header.subject or None,
        "unit": unit,
        "sha256": scanned.sha256,
    }
    if cells["subject"] and header.subject and fold(cells["subject"]) != fold(header.subject):
        values["note"] = f"Trích yếu trong tệp: {header.subject}"  # so a reviewer sees what the file says
    filled = []
    for name, value in values.items():
        if value and not cells[name]:
            sheet.set(row, positions[name], value)
            filled.append(COLUMNS[name][0])
    return tuple(filled)
