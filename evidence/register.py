"""The document register (sổ đăng ký tài liệu kiểm chứng): one row per document.

Headers are Vietnamese. A register is a CSV or an Excel (.xlsx) file — the template
`cchc evidence template` writes is one, with a title block above its header and helper
columns after it. A row either is a document (it has a reference or a date) or records a
document known to be missing (both blank: a placeholder a unit left from its template).
Every row becomes one or the other, or is rejected with a problem naming its row and
column; none is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from evidence.dates import DateError, format_date, parse_date
from evidence.paths import PathEscapeError, inside
from evidence.problems import InputError, Problem, did_you_mean
from evidence.references import Reference, ReferenceFormatError, kind_from_name, parse_reference
from evidence.tables import Table, convert_legacy_cells, find_columns, iter_records, out_of_memory, read_table
from evidence.text import fold

COLUMNS: dict[str, tuple[str, bool]] = {
    "reference": ("Số, ký hiệu", True),
    "issued": ("Ngày ban hành", True),
    "sent": ("Ngày gửi", False),
    "kind": ("Loại", True),
    "subject": ("Trích yếu", True),
    "unit": ("Đơn vị", True),
    "tags": ("Nhãn", False),
    "criterion": ("Tiêu chí", False),
    "requirement": ("Yêu cầu", False),
    "file": ("Tệp", False),
    "period": ("Kỳ", False),
    "note": ("Ghi chú", False),
    "sha256": ("SHA-256", False),
}
# Columns a register may carry for people, never read: the template's helpers and a row counter.
HELPER_COLUMNS: tuple[str, ...] = ("Cần có", "Hạn", "STT", "Số TT", "Số thứ tự")
DATE_FIELDS = ("issued", "sent")
# A register is small: these limits are tighter than those of any table (evidence/tables.py).
MAX_REGISTER_BYTES = 20 * 1024 * 1024
MAX_REGISTER_ROWS = 50_000

_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_SERIAL = re.compile(r"[0-9]{1,7}(?:\.[0-9]+)?")


@dataclass(frozen=True)
class Document:
    source: str  # register file, relative to the case folder, for traces
    row: int
    reference: Reference | None
    issued: date | None
    sent: date | None
    kind: str | None
    subject: str
    unit: str | None
    tags: tuple[str, ...]
    criterion: str | None
    requirement: str | None
    file: str | None
    period: str | None
    note: str
    sha256: str | None = None

    @property
    def placeholder(self) -> bool:
        """A row that records a missing document: no reference and no date."""
        return self.reference is None and self.issued is None and self.sent is None

    @property
    def effective_date(self) -> date | None:
        """The date a deadline is judged by: sent if known, else issued."""
        return self.sent or self.issued

    def cite(self) -> str:
        ref = self.reference.raw if self.reference else "(không số)"
        when = f" ngày {format_date(self.issued)}" if self.issued else ""
        return f"{ref}{when}"

    def place(self) -> str:
        """Where a person finds the row: "so-dang-ky/thanh-tra.xlsx hàng 5", or "1.5.yaml dòng 12" for a
        document written in a criterion's YAML test case."""
        word = "dòng" if self.source.endswith((".yaml", ".yml")) else "hàng"
        return f"{self.source} {word} {self.row}"


@dataclass
class RegisterRead:
    """One register file read row by row: its documents, its problems, and how many rows went where."""

    path: Path
    source: str
    documents: list[Document] = field(default_factory=list)  # accepted rows, placeholders included
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0  # data rows read (blank rows and the title block are layout, not rows)
    rejected: int = 0  # rows with at least one error
    readable: bool = True

    @property
    def accepted(self) -> int:
        return self.rows - self.rejected

    @property
    def placeholders(self) -> int:
        return sum(1 for d in self.documents if d.placeholder)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def _split_tags(text: str) -> tuple[str, ...]:
    return tuple(sorted({t.strip().lower() for t in re.split(r"[,;]", text) if t.strip()}))


def source_name(path: Path, case_folder: Path) -> str:
    """A register's name in traces: its path inside the case folder ("documents.csv", "so-dang-ky/tt.xlsx")."""
    try:
        return path.resolve().relative_to(case_folder.resolve()).as_posix()
    except ValueError:
        return path.name


def inspect_register(path: Path, *, case_folder: Path, units: dict[str, str]) -> RegisterRead:
    """Read a register collecting every problem; bad rows are counted and left out, never raised.

    Only a file that cannot be read at all (missing, corrupt, too big, no required column)
    comes back with `readable=False` and its problems."""
    result = RegisterRead(path, source_name(path, case_folder))
    try:
        table = read_table(path, expect=[h for h, _ in COLUMNS.values()], max_bytes=MAX_REGISTER_BYTES,
                           max_rows=MAX_REGISTER_ROWS)
        cols = find_columns(table, COLUMNS)
    except InputError as exc:
        result.problems.extend(exc.problems)
        result.readable = False
        return result
    try:
        _read_rows(table, cols, case_folder, units, result)
    except MemoryError:  # the table fitted, its documents did not: say which file, never "internal error"
        result.problems.append(out_of_memory(path))
        result.readable = False
        result.documents = []
    return result


def _read_rows(table: Table, cols: dict[str, str | None], case_folder: Path, units: dict[str, str],
               result: RegisterRead) -> None:
    result.problems.extend(table.warnings)
    result.problems.extend(_unread_columns(table, cols))
    # A path or a hash is never text typed in a font: converting one would break it.
    typed = [h for name, h in cols.items() if h and name not in ("file", "sha256")]
    table, converted = convert_legacy_cells(table, typed)
    result.problems.extend(converted)
    used = [h for h in cols.values() if h]
    for index, record in iter_records(table):
        if not any(record[h] for h in used):
            continue  # only helper columns filled (a template row cleared by hand): layout, not a row
        row_problems: list[Problem] = []
        doc = _read_row(table, index, record, cols, case_folder, units, row_problems, result.source)
        result.rows += 1
        result.problems.extend(row_problems)
        if any(p.severity == "error" for p in row_problems):
            result.rejected += 1
        else:
            result.documents.append(doc)


def read_rows(table: Table, *, source: str, case_folder: Path, units: dict[str, str]) -> RegisterRead:
    """Register rows already in a Table (e.g. a scenario's planned documents), read like a register file's."""
    result = RegisterRead(table.path, source)
    cols = find_columns(table, COLUMNS)
    _read_rows(table, cols, case_folder, units, result)
    return result


def read_register(path: Path, *, case_folder: Path, units: dict[str, str]) -> list[Document]:
    """Read a register; raise InputError listing every bad cell (row and column named)."""
    result = inspect_register(path, case_folder=case_folder, units=units)
    if result.errors:
        raise InputError(result.problems)
    return result.documents


def _unread_columns(table: Table, cols: dict[str, str | None]) -> list[Problem]:
    """Columns with data that are neither register columns nor known helpers: say they are not read."""
    used = {h for h in cols.values() if h}
    helpers = {fold(h).replace(" ", "") for h in HELPER_COLUMNS}
    problems = []
    for header in table.frame.columns:
        if header in used or fold(header).replace(" ", "") in helpers:
            continue
        count = int((table.frame[header] != "").sum())
        if count:
            problems.append(Problem.of("W025", file=table.path, row=table.header_row, column=header,
                                       header=repr(header), count=count))
    return problems


def _read_row(table: Table, index: int, record: dict[str, str], cols: dict[str, str | None],
              case_folder: Path, units: dict[str, str], problems: list[Problem], source: str) -> Document:
    row = table.sheet_row(index)

    def problem(code: str, name: str, **fields: object) -> None:
        problems.append(Problem.of(code, file=table.path, row=row, column=cols.get(name) or COLUMNS[name][0],
                                   **fields))

    formulas: set[str] = set()
    for name, header in cols.items():  # a formula's value is unknown: cchc never evaluates one
        kind = table.kind(index, header)
        if kind in ("formula", "error") and header and record.get(header):
            problem("E017", name, what="công thức" if kind == "formula" else "lỗi Excel", value=record[header][:80])
            formulas.add(name)

    def cell(name: str) -> str:
        header = cols.get(name)
        return "" if header is None or name in formulas else record.get(header, "")

    dates: dict[str, date | None] = {}
    for name in DATE_FIELDS:
        dates[name] = _read_date(table, index, cols.get(name), cell(name),
                                 lambda code, _name=name, **fields: problem(code, _name, **fields))
    reference = None
    if cell("reference"):
        try:
            reference = parse_reference(cell("reference"))
        except ReferenceFormatError as exc:
            problem("E007", "reference", value=cell("reference")[:80], detail=exc.reason)
    kind = None
    if cell("kind"):
        kind = kind_from_name(cell("kind"))
        if kind is None:
            problem("E008", "kind", value=cell("kind")[:80], header=COLUMNS["kind"][0],
                    allowed="KH, BC, QĐ, TB, CV… (Nghị định 30/2020/NĐ-CP)")
    elif reference is not None:
        kind = reference.kind
    if reference is not None and kind and reference.kind and reference.kind != kind:
        problem("E009", "kind", detail=f"Loại {cell('kind')!r} khác loại trong số, ký hiệu "
                                      f"{reference.raw!r} ({reference.kind})")
    unit = cell("unit") or None
    if unit is not None and unit not in units:
        problem("E004", "unit", unit=unit[:80], hint=did_you_mean(unit, list(units)))
    file = cell("file") or None
    if file is not None:
        try:
            inside(case_folder, file)
        except PathEscapeError:
            problem("E005", "file", path=file[:200])
    sha256 = cell("sha256").lower() or None
    if sha256 is not None and not _SHA256.fullmatch(sha256):
        problem("E021", "sha256", value=sha256[:80])
        sha256 = None
    if not cell("subject") and "subject" not in formulas:
        problem("E009", "subject", detail="thiếu trích yếu: cần nêu tài liệu là gì")
    period = cell("period") or (str(dates["issued"].year) if dates["issued"] else None)
    doc = Document(
        source=source, row=row, reference=reference, issued=dates["issued"], sent=dates["sent"],
        kind=kind, subject=cell("subject"), unit=unit, tags=_split_tags(cell("tags")),
        criterion=cell("criterion") or None, requirement=cell("requirement") or None, file=file,
        period=period, note=cell("note"), sha256=sha256,
    )
    if doc.placeholder and file is not None and not problems:
        problems.append(Problem.of("W028", file=table.path, row=row, column=cols.get("file") or "Tệp", path=file))
    return doc


def _read_date(table: Table, index: int, header: str | None, text: str,
               problem: Callable[..., None]) -> date | None:
    """A date cell. An Excel cell formatted as a number that holds a plausible date serial (1990–2100) is
    read as that date with a W021 warning; any other bare number is an error, never a guess."""
    if not text:
        return None
    if table.kind(index, header) == "number" and _SERIAL.fullmatch(text):
        try:
            day = parse_date(float(text), allow_serial=True)
        except DateError:
            day = None
        if day is not None and 1990 <= day.year <= 2100:
            problem("W021", value=text, day=format_date(day))
            return day
    try:
        return parse_date(text)
    except DateError as exc:
        problem("E003", detail=str(exc))
        return None


def unknown_link(criterion: str | None, requirement: str | None, *, criterion_known: bool) -> str:
    """What an E010 names, as the person wrote it: the criterion, or the requirement of a known criterion."""
    if criterion is None:
        return f"yêu cầu {requirement!r} (không nêu tiêu chí)"
    if criterion_known:
        return f"yêu cầu {requirement!r} của tiêu chí {criterion!r}"
    return f"tiêu chí {criterion!r}" + (f" (yêu cầu {requirement!r})" if requirement else "")


def link_problems(documents: list[Document], folder: Path, requirements: Mapping[str, Collection[str]]
                  ) -> list[Problem]:
    """E010 for rows naming a criterion or requirement the scheme does not have, at their column.

    `requirements` maps criterion id → requirement ids; `folder` is the case folder the rows'
    `source` is relative to."""
    problems = []
    for doc in documents:
        if doc.criterion is None and doc.requirement is None:
            continue
        known = requirements.get(doc.criterion or "")
        if known is None:
            column, seen, choices = COLUMNS["criterion"][0], doc.criterion or "", list(requirements)
        elif doc.requirement is not None and doc.requirement not in known:
            column, seen, choices = COLUMNS["requirement"][0], doc.requirement, list(known)
        else:
            continue
        what = unknown_link(doc.criterion, doc.requirement, criterion_known=known is not None)
        problems.append(Problem.of("E010", file=folder / doc.source, row=doc.row, column=column, what=what,
                                   hint=did_you_mean(seen, choices)))
    return problems
