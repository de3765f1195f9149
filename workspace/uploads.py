"""What an uploaded file is, judged by its content, and what its header says.

The name a person's browser sent is kept only as text: the stored file is named by its SHA-256, and the
type is the content's (a PDF starts with `%PDF-`; a .docx or .xlsx is a zip with its own parts, whose
unpacked size is checked before anything opens it, as evidence/ does). Headers are read exactly as
`cchc evidence scan` reads them (evidence/document_header.py).
"""

from __future__ import annotations

import io
import re
import tempfile
import unicodedata
import zipfile
from pathlib import Path

from evidence.document_header import MAX_DOCX_UNPACKED, ScanError, read_document
from evidence.messages import render
from evidence.tables import MAX_UNPACKED_BYTES
from evidence.text import fold
from workspace.errors import Invalid

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_ZIP_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
_NAMES = {".pdf": "tệp PDF", ".docx": "tệp Word (.docx)", ".xlsx": "bảng tính Excel (.xlsx)", ".csv": "tệp CSV"}


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB".replace(".", ",")


def check_size(name: str, data: bytes, limit: int) -> None:
    if len(data) > limit:
        raise Invalid("C110", name=name, size=_size(len(data)), limit=_size(limit))
    if not data:
        raise Invalid("C111", name=name, expected="tệp có nội dung", detail=" (tệp rỗng)")


def content_type(name: str, data: bytes, allowed: tuple[str, ...]) -> str:
    """The suffix the content shows (".pdf", ".docx", ".xlsx", ".csv"), one of `allowed`; Invalid otherwise."""
    expected = " hoặc ".join(_NAMES[a] for a in allowed)
    found: str | None = None
    if data.startswith(b"%PDF-"):
        found = ".pdf"
    elif data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = {m.filename for m in archive.infolist()}
                unpacked = sum(m.file_size for m in archive.infolist())
        except (zipfile.BadZipFile, ValueError, OSError):
            raise Invalid("C111", name=name, expected=expected, detail=" (tệp nén hỏng)") from None
        found = next((s for s, part in _ZIP_PARTS.items() if part in members and "[Content_Types].xml" in members),
                     None)
        limit = MAX_DOCX_UNPACKED if found == ".docx" else MAX_UNPACKED_BYTES
        if found is not None and unpacked > limit:
            raise Invalid("C111", name=name, expected=expected,
                          detail=f" (giải nén ra {_size(unpacked)}, quá giới hạn {_size(limit)})")
    elif ".csv" in allowed and b"\x00" not in data[:4096]:
        found = ".csv"
    if found not in allowed:
        raise Invalid("C111", name=name, expected=expected, detail="")
    assert found is not None
    return found


def safe_name(name: str, suffix: str) -> str:
    """A file name made of plain letters, digits, dot and dash, ending with the content's suffix."""
    stem = Path(unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]).stem
    plain = re.sub(r"[^a-z0-9]+", "-", fold(stem).lower()).strip("-")[:60] or "tep"
    return plain + suffix


def shown_name(name: str) -> str:
    """The name as a person sent it, kept as text only: no folders, no control characters, 255 at most."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")[:255] or "tep"


def read_header(name: str, data: bytes, suffix: str) -> dict[str, object]:
    """The header block, as `cchc evidence scan` reads it; a file it cannot read gives problems, not a refusal
    (the person types the header in)."""
    with tempfile.TemporaryDirectory(prefix="cchc-upload-") as folder:
        path = Path(folder) / f"tai-len{suffix}"
        path.write_bytes(data)
        try:
            scanned = read_document(path, name)
        except ScanError as exc:
            return {"reference": None, "issued": None, "kind": None, "subject": None,
                    "problems": [render("C112", name=name, detail=str(exc))]}
    h = scanned.header
    return {"reference": h.reference.raw if h.reference else None,
            "issued": h.issued.isoformat() if h.issued else None, "kind": h.kind, "subject": h.subject or None,
            "problems": list(h.notes)}
