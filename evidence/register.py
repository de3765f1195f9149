"""The document register (sổ đăng ký tài liệu kiểm chứng): one row per document.

Headers are Vietnamese. A row either is a document (it has a reference or a date)
or records a document known to be missing (both blank: a placeholder a unit left
from its template). Every row becomes one or the other; none is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from evidence.dates import DateError, parse_date
from evidence.paths import PathEscapeError, inside
from evidence.problems import InputError, Problem, did_you_mean
from evidence.references import Reference, ReferenceFormatError, kind_from_name, parse_reference
from evidence.tables import Table, find_columns, read_table

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
}


@dataclass(frozen=True)
class Document:
    source: str  # register file name, for traces
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

    @property
    def placeholder(self) -> bool:
        """A row that records a missing document: no reference and no date."""
        return self.reference is None and self.issued is None and self.sent is None

    @property
    def effective_date(self) -> date | None:
        """The date a deadline is judged by: sent if known, else issued."""
        return self.sent or self.issued

    def cite(self) -> str:
        from evidence.dates import format_date

        ref = self.reference.raw if self.reference else "(không số)"
        when = f" ngày {format_date(self.issued)}" if self.issued else ""
        return f"{ref}{when}"


def _split_tags(text: str) -> tuple[str, ...]:
    return tuple(sorted({t.strip().lower() for t in re.split(r"[,;]", text) if t.strip()}))


def read_register(path: Path, *, case_folder: Path, units: dict[str, str]) -> list[Document]:
    """Read a register; raise InputError listing every bad cell (row and column named)."""
    table = read_table(path)
    cols = find_columns(table, COLUMNS)
    documents: list[Document] = []
    problems: list[Problem] = []
    for index, record in enumerate(table.frame.to_dict("records")):
        doc = _read_row(table, index, record, cols, case_folder, units, problems)
        if doc is not None:
            documents.append(doc)
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    return documents


def _read_row(table: Table, index: int, record: dict[str, str], cols: dict[str, str | None],
              case_folder: Path, units: dict[str, str], problems: list[Problem]) -> Document | None:
    row = table.sheet_row(index)

    def cell(field: str) -> str:
        header = cols.get(field)
        return record.get(header, "") if header else ""

    def problem(code: str, field: str, **fields: object) -> None:
        problems.append(Problem.of(code, file=table.path, row=row, column=cols.get(field) or
                                   COLUMNS[field][0], **fields))

    if not any(record.values()):
        return None  # a fully blank line is layout, not a row
    dates: dict[str, date | None] = {}
    for field in ("issued", "sent"):
        try:
            dates[field] = parse_date(cell(field))
        except DateError as exc:
            problem("E003", field, detail=str(exc))
            dates[field] = None
    reference = None
    if cell("reference"):
        try:
            reference = parse_reference(cell("reference"))
        except ReferenceFormatError as exc:
            problem("E007", "reference", value=cell("reference"), detail=exc.reason)
    kind = None
    if cell("kind"):
        kind = kind_from_name(cell("kind"))
        if kind is None:
            problem("E008", "kind", value=cell("kind"), header=COLUMNS["kind"][0],
                    allowed="KH, BC, QĐ, TB, CV… (Nghị định 30/2020/NĐ-CP)")
    elif reference is not None:
        kind = reference.kind
    if reference is not None and kind and reference.kind and reference.kind != kind:
        problem("E009", "kind", detail=f"Loại {cell('kind')!r} khác loại trong số, ký hiệu "
                                      f"{reference.raw!r} ({reference.kind})")
    unit = cell("unit") or None
    if unit is not None and unit not in units:
        problem("E004", "unit", unit=unit, hint=did_you_mean(unit, list(units)))
    file = cell("file") or None
    if file is not None:
        try:
            inside(case_folder, file)
        except PathEscapeError:
            problem("E005", "file", path=file)
    if not cell("subject"):
        problem("E009", "subject", detail="thiếu trích yếu: cần nêu tài liệu là gì")
    period = cell("period") or (str(dates["issued"].year) if dates["issued"] else None)
    return Document(
        source=table.path.name, row=row, reference=reference, issued=dates["issued"], sent=dates["sent"],
        kind=kind, subject=cell("subject"), unit=unit, tags=_split_tags(cell("tags")),
        criterion=cell("criterion") or None, requirement=cell("requirement") or None, file=file,
        period=period, note=cell("note"),
    )
