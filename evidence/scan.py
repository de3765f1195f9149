"""Scan a folder of signed PDF and Word files into a register, so nobody retypes them.

A Vietnamese administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I) opens with a fixed
block: the issuing body and the national motto, then ``Số: 62/KH-SNN-TCCB`` and
``Hà Giang, ngày 26 tháng 8 năm 2023``, then the kind in capitals (KẾ HOẠCH, BÁO CÁO, QUYẾT
ĐỊNH…) and the subject under it — or, for a công văn, ``V/v …`` under the number. This module
reads that block from a PDF's text layer (pypdf) or a .docx (python-docx, tables included: Word
templates put the block in a borderless table) and adds one register row per file, with its
SHA-256.

Rows people entered are never changed: a row whose `Tệp` names a scanned file only gets its
*empty* cells filled (and not even those when the file disagrees with what the row says: that
is listed instead). Every file not added is listed with the reason: an image-only PDF, a
password, a damaged file, another format, or a file already registered.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from evidence.dates import DateError, format_date, parse_date
from evidence.paths import PathEscapeError, inside
from evidence.problems import InputError, Problem
from evidence.references import DOCUMENT_KINDS, Reference, ReferenceFormatError, kind_from_name, parse_reference
from evidence.register import COLUMNS
from evidence.registers import sha256_file
from evidence.tables import (
    EXCEL_SUFFIXES,
    UNICODE_ONLY_LETTERS,
    Table,
    escape_csv_text,
    find_columns,
    read_table,
    strip_control,
)
from evidence.text import LEGACY_FONTS, TextEncodingError, clean, convert_legacy, decode_bytes, detect_legacy_font, fold

SCANNED_SUFFIXES = (".pdf", ".docx")
MAX_SCANNED_BYTES = 50 * 1024 * 1024
MAX_DOCX_UNPACKED = 200 * 1024 * 1024
PDF_PAGES = 2  # the header block is on the first page; a second page catches a long subject
HEADER_LINES = 60  # the block is at the top: reading further only finds dates and numbers of other documents
MIN_TEXT = 20  # fewer characters than this in a PDF means an image without a text layer
SCAN_NOTE = "Quét tự động từ tệp; kiểm tra lại trước khi gửi"
NOT_SCANNED = {
    ".doc": "Word 97–2003 (.doc): hãy lưu lại dạng .docx hoặc xuất PDF",
    ".jpg": "ảnh chụp, không có chữ để đọc: cần bản PDF có lớp chữ (OCR)",
    ".jpeg": "ảnh chụp, không có chữ để đọc: cần bản PDF có lớp chữ (OCR)",
    ".png": "ảnh chụp, không có chữ để đọc: cần bản PDF có lớp chữ (OCR)",
    ".tif": "ảnh quét, không có chữ để đọc: cần bản PDF có lớp chữ (OCR)",
    ".tiff": "ảnh quét, không có chữ để đọc: cần bản PDF có lớp chữ (OCR)",
}


class ScanError(Exception):
    """A file that cannot be read; ``str()`` is the reason, in Vietnamese."""


# ---- the header block -----------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    reference: Reference | None = None
    place: str | None = None
    issued: date | None = None
    kind: str | None = None  # a code of DOCUMENT_KINDS
    subject: str = ""
    notes: tuple[str, ...] = ()  # what was not found or did not agree, in Vietnamese


_NUMBER = re.compile(
    r"\bS[ốỐoOóÓồ]\s*(?:,\s*k[ýy]\s*hi[ệe]u)?\s*[:.]\s*"
    r"(?P<ref>[0-9]{1,7}\s*(?:/\s*[0-9]{4}\s*)?/\s*[^\s,;/]+(?:\s*-\s*[^\s,;]+)*)",
    re.IGNORECASE,
)
_PLACE_DATE = re.compile(
    r",?\s*ng[àa]y\s+(?P<day>[0-9]{1,2})\s+th[áa]ng\s+(?P<month>[0-9]{1,2})\s+n[ăa]m\s+(?P<year>[0-9]{4})",
    re.IGNORECASE,
)
_SUBJECT_START = re.compile(r"^(?:V/v|V\.v|Về việc)\b[:.]?\s*", re.IGNORECASE)
# Lines that open the body, not a subject's continuation ("Căn cứ …", "Kính gửi: …", "I. MỤC ĐÍCH").
_STOP = re.compile(
    r"^(?:can cu|thuc hien|kinh gui|theo de nghi|xet de nghi|phan |chuong |dieu [0-9]|muc |"
    r"[ivx]+\.|[0-9]+\.|[a-z]\)|noi nhan)", re.IGNORECASE)
_RULE = re.compile(r"^[-_–—=*.·…\s]{3,}$")
_MOTTO = ("cong hoa xa hoi chu nghia viet nam", "doc lap - tu do - hanh phuc", "doc lap tu do hanh phuc")
_KIND_TITLES = sorted(((fold(name), code) for code, name in DOCUMENT_KINDS.items() if code != "CV"),
                      key=lambda item: -len(item[0]))


def _title_kind(line: str) -> tuple[str, str] | None:
    """(kind code, rest of the line) when `line` is a title in capitals naming a kind: "KẾ HOẠCH"."""
    letters = [c for c in line if c.isalpha()]
    # Only ASCII letters must be capitals: TCVN3 has no capital toned letters, so "BÁO CÁO" typed in
    # .VnTimeH comes back from conversion as "BáO CáO".
    if len(letters) < 2 or any(c.islower() and c.isascii() for c in letters):
        return None
    folded = fold(line)  # as long as `line`: each NFC letter folds to one letter
    for name, code in _KIND_TITLES:
        if folded == name or folded.startswith(name + " "):
            return code, line[len(name):].strip()
    return None


def _place(before: str) -> tuple[str | None, int]:
    """The place ending `before` ("… Hà Giang") and where it starts: its trailing capitalised words."""
    words = list(re.finditer(r"\S+", before))
    start = len(before)
    taken = 0
    for word in reversed(words):
        if taken == 5 or not word[0][0].isupper():
            break
        start, taken = word.start(), taken + 1
    place = before[start:].strip(" ,:;")
    return (place or None), start


def _is_caps_line(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and not any(c.islower() for c in letters) and " " in line


def _subject_lines(lines: list[str], start: int, *, first_free: bool = True) -> list[str]:
    """The subject under a title: up to 4 lines, until a rule, the body, the signer's title in capitals."""
    out: list[str] = []
    for line in lines[start:start + 4]:
        opens_body = _STOP.match(fold(line)) and (out or not first_free)  # "Thực hiện …" may be a subject
        if _RULE.match(line) or opens_body or _is_caps_line(line) or _PLACE_DATE.search(line):
            break
        if _NUMBER.search(line) or len(line) > 200:
            break
        out.append(line)
    return out


def parse_header(text: str) -> Header:
    """The reference, place and date, kind and subject of a Vietnamese administrative document's text."""
    lines = [clean(line) for line in text.splitlines()]
    lines = [line for line in lines if line][:HEADER_LINES]
    notes: list[str] = []
    reference = None
    reference_line = -1
    for i, line in enumerate(lines):
        if match := _NUMBER.search(line):
            reference_line = i
            try:
                reference = parse_reference(match["ref"])
            except ReferenceFormatError as exc:
                notes.append(f"số, ký hiệu {match['ref']!r} không đọc được ({exc.reason})")
            break
    if reference_line < 0:
        notes.append("không thấy dòng “Số: …”")

    place = issued = None
    for line in lines:
        if (match := _PLACE_DATE.search(line)) is None:
            continue
        try:
            issued = parse_date(f"ngày {match['day']} tháng {match['month']} năm {match['year']}")
        except DateError as exc:
            notes.append(str(exc))
            break
        place, _ = _place(line[:match.start()])
        break
    if issued is None and not any("ngày" in n for n in notes):
        notes.append("không thấy dòng địa danh, ngày tháng năm")

    kind = subject_lines = None
    for i, line in enumerate(lines):
        if fold(line) in _MOTTO:
            continue
        if found := _title_kind(line):
            kind, rest = found
            subject_lines = ([rest] if rest else []) + _subject_lines(lines, i + 1)
            break
    if not subject_lines:  # a công văn: "V/v …" under the number
        for i, line in enumerate(lines):
            if _SUBJECT_START.match(line):
                first = line
                if date_match := _PLACE_DATE.search(line):  # "V/v … Hà Giang, ngày …" read as one line
                    first = line[:_place(line[:date_match.start()])[1]]
                subject_lines = [first.strip(), *_subject_lines(lines, i + 1, first_free=False)]
                break
    if reference is not None and reference.kind:
        if kind and kind != reference.kind:
            notes.append(f"tiêu đề là {DOCUMENT_KINDS[kind]} nhưng số, ký hiệu ghi loại {reference.kind}; "
                         "dùng loại trong số, ký hiệu")
        kind = reference.kind
    subject = " ".join(subject_lines or []).strip()
    if not subject:
        notes.append("không thấy trích yếu")
    return Header(reference, place, issued, kind, subject, tuple(notes))


# ---- reading files --------------------------------------------------------------------------


@contextmanager
def _quiet() -> Iterator[None]:
    """pypdf and python-docx warn and log about every oddity of real files; the scan reports its own."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        with _quiet():
            reader = PdfReader(path, strict=False)
            if reader.is_encrypted and not reader.decrypt(""):  # signed PDFs often carry an empty user password
                raise ScanError("PDF có mật khẩu mở tệp")
            pages = [page.extract_text() or "" for page in reader.pages[:PDF_PAGES]]
    except ScanError:
        raise
    except (FileNotDecryptedError, NotImplementedError):
        raise ScanError("PDF được mã hóa, không đọc được") from None
    except PdfReadError as exc:
        raise ScanError(f"PDF hỏng ({exc})"[:200]) from None
    except Exception as exc:  # pypdf raises many types on damaged files; each is "damaged", never a crash
        raise ScanError(f"PDF hỏng hoặc không đúng cấu trúc ({type(exc).__name__})") from None
    text = "\n".join(pages)
    if len(clean(text)) < MIN_TEXT:
        raise ScanError("PDF là ảnh quét, không có lớp chữ: cần bản PDF có lớp chữ (OCR) hoặc bản Word")
    return text


def docx_text(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(m.file_size for m in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ScanError("tệp Word hỏng (không phải .docx hợp lệ)") from None
    if unpacked > MAX_DOCX_UNPACKED:
        raise ScanError(f"tệp Word giải nén ra {unpacked // 1_048_576} MB, quá giới hạn")
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        with _quiet():
            document = docx.Document(str(path))
            lines: list[str] = []
            for block in document.element.body.iterchildren():
                tag = block.tag.rsplit("}", 1)[-1]
                if tag == "p":
                    lines.append(Paragraph(block, document).text)
                elif tag == "tbl":  # the header block of Word templates is a borderless table
                    for row in DocxTable(block, document).rows:
                        for cell in row.cells:
                            lines.extend(p.text for p in cell.paragraphs)
                if len(lines) > HEADER_LINES * 4:
                    break
    except Exception as exc:  # python-docx raises many types on damaged files
        raise ScanError(f"tệp Word hỏng hoặc không đúng cấu trúc ({type(exc).__name__})") from None
    return "\n".join(lines)


@dataclass(frozen=True)
class ScannedFile:
    path: Path
    relative: str  # to the case folder, with "/"
    sha256: str
    header: Header
    font: str | None = None  # the legacy font the text was typed in, if any (converted)


def read_document(path: Path, relative: str) -> ScannedFile:
    """One PDF or DOCX → its header block; ScanError says why a file cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in SCANNED_SUFFIXES:
        raise ScanError(NOT_SCANNED.get(suffix, "không phải tệp PDF hoặc Word (.docx)"))
    size = path.stat().st_size
    if size > MAX_SCANNED_BYTES:
        raise ScanError(f"tệp {size // 1_048_576} MB, quá giới hạn {MAX_SCANNED_BYTES // 1_048_576} MB")
    if size == 0:
        raise ScanError("tệp rỗng")
    text = pdf_text(path) if suffix == ".pdf" else docx_text(path)
    text = unicodedata.normalize("NFC", text)
    # A document typed in .VnTime/VNI-Times keeps the legacy bytes in its text layer; lines already in
    # Unicode (a digital-signature stamp, a header added later) are left as they are.
    legacy_lines = [line for line in text.splitlines() if not UNICODE_ONLY_LETTERS.search(line)]
    font = detect_legacy_font("\n".join(legacy_lines))
    if font is not None:
        text = "\n".join(line if UNICODE_ONLY_LETTERS.search(line) else convert_legacy(line, font)
                         for line in text.splitlines())
    header = parse_header(text)
    if font is not None:
        header = Header(header.reference, header.place, header.issued, header.kind, header.subject,
                        (*header.notes, f"văn bản gõ bằng phông {font} ({LEGACY_FONTS[font]}), đã chuyển sang Unicode"))
    return ScannedFile(path, relative, sha256_file(path), header, font)


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
        if self.excel:
            self._open_excel(table is not None)
        elif table is not None:
            self._open_csv()
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
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".cchc-", suffix=self.path.suffix, dir=folder)
        os.close(handle)
        try:
            if self.excel:
                self.workbook.save(temporary)
            else:
                with open(temporary, "w", encoding="utf-8-sig", newline="") as out:
                    csv.writer(out, lineterminator=self.newline).writerows(self.records)
            os.replace(temporary, self.path)  # all or nothing: a register is never left half-written
        except OSError as exc:
            Path(temporary).unlink(missing_ok=True)
            raise InputError(Problem.of("E022", file=self.path, path=str(self.path),
                                        detail=exc.strerror or type(exc).__name__)) from None


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
