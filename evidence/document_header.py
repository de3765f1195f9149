"""The header block of a Vietnamese administrative document, read from a PDF or a .docx.

Nghị định 30/2020/NĐ-CP (Phụ lục I) fixes the block: the issuing body and the national motto,
then ``Số: 62/KH-SNN-TCCB`` and ``Hà Giang, ngày 26 tháng 8 năm 2023``, then the kind in capitals
(KẾ HOẠCH, BÁO CÁO, QUYẾT ĐỊNH…) and the subject under it — or, for a công văn, ``V/v …`` under
the number. Text comes from a PDF's text layer (pypdf) or a .docx (python-docx, tables included:
Word templates put the block in a borderless table). `evidence.scan` turns these into register rows.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from evidence.dates import DateError, parse_date
from evidence.references import DOCUMENT_KINDS, Reference, ReferenceFormatError, parse_reference
from evidence.registers import sha256_file
from evidence.tables import (
    UNICODE_ONLY_LETTERS,
)
from evidence.text import LEGACY_FONTS, clean, convert_legacy, detect_legacy_font, fold

SCANNED_SUFFIXES = (".pdf", ".docx")
MAX_SCANNED_BYTES = 50 * 1024 * 1024
MAX_DOCX_UNPACKED = 200 * 1024 * 1024
PDF_PAGES = 2  # the header block is on the first page; a second page catches a long subject
HEADER_LINES = 60  # the block is at the top: reading further only finds dates and numbers of other documents
MIN_TEXT = 20  # fewer characters than this in a PDF means an image without a text layer
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


