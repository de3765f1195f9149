"""The registers of a case: one file, or a folder of them (one per unit), merged.

TCCB collects a register from every unit. `documents:` in case.yaml may name a folder; every
``*.csv`` and ``*.xlsx`` in it is read, in name order, so the result never depends on the
file system. The same document reported twice — same reference and date, or the same file
(SHA-256) — is kept once, at the first place it appears, and every other place is listed
(W022); what the later row adds (tags, a requirement it answers, the file) is kept. Two rows
that cannot both be right — one reference with two dates, one file with two references — are
errors naming both places (E019, E020).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from evidence.dates import format_date
from evidence.paths import PathEscapeError, inside
from evidence.problems import Problem
from evidence.register import Document, RegisterRead, inspect_register, source_name
from evidence.tables import EXCEL_SUFFIXES, OLD_FORMATS
from evidence.text import fold

REGISTER_SUFFIXES = (".csv", *EXCEL_SUFFIXES)
_LOCK_PREFIXES = ("~$", ".~lock.")  # Excel and LibreOffice lock files while a workbook is open


@dataclass
class Registers:
    documents: list[Document] = field(default_factory=list)
    files: list[RegisterRead] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # every file's, then the folder's and the merge's
    hashes: dict[str, str] = field(default_factory=dict)  # case-relative path → SHA-256 (registers and evidence)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def register_files(target: Path, case_folder: Path) -> tuple[list[Path], list[Problem]]:
    """The register files `target` names (itself, or the registers in a folder), and what was skipped."""
    if not target.is_dir():
        return [target], []
    files: list[Path] = []
    skipped: list[Problem] = []
    for path in sorted(target.iterdir(), key=lambda p: p.name):
        if path.name.startswith("."):
            continue
        relative = source_name(path, case_folder)
        try:  # a symlink in the folder may lead out of the case: confine by the resolved path
            inside(case_folder, os.path.relpath(path, case_folder))
        except (PathEscapeError, ValueError):
            skipped.append(Problem.of("E005", file=path, path=path.name))
            continue
        if path.is_dir():
            if any(p.suffix.lower() in REGISTER_SUFFIXES for p in path.rglob("*")):
                skipped.append(Problem.of("W026", file=path, path=relative,
                                          reason="thư mục con không được đọc; đặt sổ đăng ký ngay trong thư mục"))
            continue
        suffix = path.suffix.lower()
        if path.name.startswith(_LOCK_PREFIXES):
            skipped.append(Problem.of("W026", file=path, path=relative,
                                      reason="tệp khóa tạm của Excel (sổ đang mở); đóng Excel rồi chạy lại"))
        elif suffix in REGISTER_SUFFIXES:
            files.append(path)
        elif suffix in OLD_FORMATS:
            files.append(path)  # read_table says why it cannot read it: an error, not a skip
        else:
            skipped.append(Problem.of("W026", file=path, path=relative,
                                      reason="chỉ đọc sổ đăng ký dạng .csv hoặc .xlsx"))
    if not files:
        skipped.append(Problem.of("E024", file=target, path=source_name(target, case_folder)))
    return files, skipped


def load_registers(target: Path, *, case_folder: Path, units: dict[str, str]) -> Registers:
    """Read one register or a folder of them; collect every problem, never raise for bad rows."""
    out = Registers()
    files, skipped = register_files(target, case_folder)
    for path in files:
        read = inspect_register(path, case_folder=case_folder, units=units)
        out.files.append(read)
        out.problems.extend(read.problems)
        if read.readable and path.is_file():
            out.hashes[read.source] = sha256_file(path)
    out.problems.extend(skipped)
    documents = [d for read in out.files for d in read.documents]
    out.documents, merge_problems = merge_documents(documents, case_folder, out.hashes)
    out.problems.extend(merge_problems)
    return out


def _file_hash(doc: Document, case_folder: Path, hashes: dict[str, str], problems: list[Problem]) -> str | None:
    """SHA-256 of the file a row names (cached in `hashes`); W023 when it is missing, W024 when it changed."""
    if doc.file is None:
        return doc.sha256
    try:
        target = inside(case_folder, doc.file)
    except PathEscapeError:
        return doc.sha256  # already an E005 on the row
    key = target.relative_to(case_folder.resolve()).as_posix()
    if key not in hashes:
        if not target.is_file():
            problems.append(Problem.of("W023", file=case_folder.resolve() / doc.source, row=doc.row, column="Tệp",
                                       path=doc.file))
            return doc.sha256
        hashes[key] = sha256_file(target)
    actual = hashes[key]
    if doc.sha256 and doc.sha256 != actual:
        problems.append(Problem.of("W024", file=case_folder.resolve() / doc.source, row=doc.row, column="SHA-256",
                                   path=doc.file))
    return actual


def _same_link(a: Document, b: Document) -> bool:
    return (a.criterion, a.requirement) == (b.criterion, b.requirement)


def _absorb(kept: Document, dup: Document) -> Document:
    """The kept row with what the duplicate adds: its tags, its link, its dates and file if the kept row lacks them."""
    linked = kept.criterion is not None or kept.requirement is not None
    return replace(
        kept,
        tags=tuple(sorted(set(kept.tags) | set(dup.tags))),
        criterion=kept.criterion if linked else dup.criterion,
        requirement=kept.requirement if linked else dup.requirement,
        issued=kept.issued or dup.issued,
        sent=kept.sent or dup.sent,
        period=kept.period or dup.period,
        file=kept.file or dup.file,
        sha256=kept.sha256 or dup.sha256,
        reference=kept.reference or dup.reference,
    )


def merge_documents(documents: list[Document], case_folder: Path,
                    hashes: dict[str, str] | None = None) -> tuple[list[Document], list[Problem]]:
    """Keep each document once, in first-seen order; list duplicates (W022) and conflicts (E019, E020)."""
    hashes = {} if hashes is None else hashes
    problems: list[Problem] = []
    kept: list[Document] = []
    by_reference: dict[str, int] = {}  # folded canonical reference → index in `kept`
    by_sha: dict[str, int] = {}
    for doc in documents:
        sha = _file_hash(doc, case_folder, hashes, problems)
        if doc.placeholder:
            kept.append(doc)  # a missing document is not evidence: two templates may both list it
            continue
        ref_key = fold(doc.reference.canonical) if doc.reference else None
        at = by_reference.get(ref_key) if ref_key else None
        if at is None and sha is not None:
            at = by_sha.get(sha)
        if at is None:
            if ref_key:
                by_reference.setdefault(ref_key, len(kept))
            if sha is not None:
                by_sha.setdefault(sha, len(kept))
            kept.append(replace(doc, sha256=sha) if sha and doc.file else doc)
            continue
        first = kept[at]
        where = {"file": case_folder.resolve() / doc.source, "row": doc.row}
        if first.reference and doc.reference and fold(first.reference.canonical) != fold(doc.reference.canonical):
            problems.append(Problem.of("E020", **where, column="Tệp", first_reference=first.reference.raw,
                                       first=first.place(), second_reference=doc.reference.raw))
            continue
        if first.issued and doc.issued and first.issued != doc.issued:
            ref = doc.reference or first.reference
            problems.append(Problem.of("E019", **where, column="Ngày ban hành", reference=ref.raw if ref else "",
                                       first_date=format_date(first.issued), first=first.place(),
                                       second_date=format_date(doc.issued)))
            continue
        if first.criterion and doc.criterion and not _same_link(first, doc):
            # One document answering two requirements: both links stand; it is still listed once per link.
            problems.append(Problem.of("W022", **where, what=doc.cite(), first=first.place(),
                                       action=f"dùng cho yêu cầu {doc.criterion}/{doc.requirement or '?'} "
                                              f"ngoài {first.criterion}/{first.requirement or '?'}, giữ cả hai"))
            kept.append(replace(doc, sha256=sha) if sha and doc.file else doc)
            continue
        problems.append(Problem.of("W022", **where, what=doc.cite(), first=first.place(),
                                   action="chỉ tính một lần (giữ hàng đầu tiên, gộp nhãn và liên kết)"))
        kept[at] = _absorb(first, doc)
        if sha is not None:
            by_sha.setdefault(sha, at)
        if ref_key:
            by_reference.setdefault(ref_key, at)
    return kept, problems
