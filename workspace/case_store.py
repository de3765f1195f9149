"""The case folder as interchange: a folder imported into the database, and the database written back
out as a folder `cchc assess` reads.

Import keeps every file of the folder as it was (under its SHA-256) and reads what the workspace edits
into rows: the register's documents (shown, not re-exported: the register file is), the entered values,
the saved runs. Export writes the files back, then what the workspace added: its register rows into the
case's register (appended to a CSV register; one CSV per unit in a folder of registers), the uploaded
files under `tai-lieu/`, inputs.yaml when a value was changed, `tham-dinh-thu.yaml` (the mock appraisal)
and `lich-su/` (the saved runs).
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from engine.history import HISTORY_DIR
from evidence.case import load_case, read_case_file
from evidence.dates import format_date
from evidence.paths import PathEscapeError, inside
from evidence.problems import InputError
from evidence.register import COLUMNS, Document
from evidence.text import decode_bytes
from workspace import audit
from workspace.blobs import BlobStore
from workspace.db.models import AppraisalRow, CaseFileRow, InputRow, RegisterRow, RunRow, State
from workspace.errors import Invalid
from workspace.store import Store

APPRAISAL_FILE = "tham-dinh-thu.yaml"
HEADERS = [header for header, _ in COLUMNS.values()]


def document_cells(doc: Document) -> dict[str, str]:
    """A register row as text under the register's headers (the inverse of evidence/register.py)."""
    values = {
        "reference": doc.reference.raw if doc.reference else "",
        "issued": format_date(doc.issued) if doc.issued else "",
        "sent": format_date(doc.sent) if doc.sent else "",
        "kind": doc.kind or "", "subject": doc.subject, "unit": doc.unit or "", "tags": ", ".join(doc.tags),
        "criterion": doc.criterion or "", "requirement": doc.requirement or "", "file": doc.file or "",
        "period": doc.period or "", "note": doc.note, "sha256": doc.sha256 or "",
    }
    return {COLUMNS[key][0]: value for key, value in values.items()}


def _case_files(folder: Path) -> list[tuple[str, Path]]:
    """Every file of the folder (case-relative POSIX path, file), hidden ones and saved runs aside; a link
    that leads out of the folder is not followed (the engine refuses it too, E005)."""
    out = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            relative = (Path(root) / name).relative_to(folder).as_posix()
            if relative.split("/", 1)[0] == HISTORY_DIR:
                continue
            try:
                path = inside(folder, relative)
            except PathEscapeError:
                continue
            if path.is_file():
                out.append((relative, path))
    return out


def import_case(store: Store, blobs: BlobStore, folder: Path, actor: str | None) -> str:
    """Read a case folder into an empty workspace; the case id. Invalid when the folder cannot be assessed."""
    from engine.pipeline import prepare

    folder = folder.resolve()
    try:
        _, evidence = prepare(folder)
    except InputError as exc:
        errors = [p for p in exc.problems if p.severity == "error"] or exc.problems
        raise Invalid("C127", problems=errors, count=len(errors), first=errors[0].message) from None
    case, _ = read_case_file(folder)
    register = inside(folder, case.documents)
    if register.is_file() and register.suffix.lower() != ".csv":
        raise Invalid("C123", path=case.documents, suffix=register.suffix)
    runs = sorted((folder / HISTORY_DIR).glob("*.json")) if (folder / HISTORY_DIR).is_dir() else []
    with store.write() as session:
        state = session.get(State, 1)
        assert state is not None
        if state.case_id is not None:
            raise Invalid("C108", case=state.case_id)
        files = _case_files(folder)
        for relative, path in files:
            session.add(CaseFileRow(path=relative, sha256=blobs.put(session, path.read_bytes())))
        for doc in evidence.documents:
            session.add(RegisterRow(unit=doc.unit or "", origin="import", cells=json.dumps(document_cells(doc),
                                    ensure_ascii=False), sha256=None, created_by=actor, created_at=audit.now()))
        for (criterion, part), value in evidence.inputs.items():
            session.add(InputRow(criterion=criterion, part=part, value=format(value.value, "f"), source=value.source,
                                 note=None if value.note is None else str(value.note)))
        for path in runs:
            text = path.read_text(encoding="utf-8")
            import hashlib

            session.add(RunRow(as_of=path.stem, digest=hashlib.sha256(text.encode()).hexdigest(), document=text,
                               revision=session.info["revision"], created_at=audit.now()))
        state.case_id, state.register_path, state.inputs_edited = case.id, case.documents, False
        audit.record(session, actor, "case.import", f"case:{case.id}",
                     after={"folder": str(folder), "files": len(files), "documents": len(evidence.documents)})
    return case.id


@dataclass
class Snapshot:
    """Everything an export writes, read in one transaction."""

    revision: int
    register_path: str
    inputs_edited: bool
    files: dict[str, str]  # case-relative path → SHA-256
    rows: list[RegisterRow]  # the workspace's own register rows
    inputs: list[InputRow]
    appraisals: dict[str, AppraisalRow]  # the override in force, per criterion
    runs: dict[str, str]  # as-of → the newest saved run of that date


def snapshot(session: DbSession, *, runs: bool = True) -> Snapshot:
    state = session.get(State, 1)
    assert state is not None
    if state.case_id is None:
        raise Invalid("C109")
    appraisals: dict[str, AppraisalRow] = {}
    for row in session.scalars(select(AppraisalRow).order_by(AppraisalRow.id)):
        appraisals[row.criterion] = row
    saved: dict[str, str] = {}
    if runs:
        for run in session.scalars(select(RunRow).order_by(RunRow.id)):
            saved[run.as_of] = run.document
    return Snapshot(
        state.revision, state.register_path or "documents.csv", state.inputs_edited,
        {r.path: r.sha256 for r in session.scalars(select(CaseFileRow))},
        list(session.scalars(select(RegisterRow).where(RegisterRow.origin == "workspace").order_by(RegisterRow.id))),
        list(session.scalars(select(InputRow).order_by(InputRow.criterion, InputRow.part))),
        appraisals, saved,
    )


def _write(target: Path, relative: str, data: bytes) -> None:
    path = inside(target, relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _yaml_text(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def inputs_yaml(rows: list[InputRow]) -> str:
    lines = ["# Giá trị nhập ngoài, ghi từ kho dữ liệu cchc (workspace)."]
    current = None
    for row in rows:
        if row.criterion != current:
            lines.append(f"{_yaml_text(row.criterion)}:")
            current = row.criterion
        lines += [f"  {_yaml_text(row.part)}:", f"    value: {Decimal(row.value)}",
                  f"    source: {_yaml_text(row.source)}"]
        if row.note:
            lines.append(f"    note: {_yaml_text(row.note)}")
    return "\n".join(lines) + "\n"


def appraisal_yaml(appraisals: dict[str, AppraisalRow]) -> str:
    """The mock appraisal file in the contract's format (docs/workspace.md)."""
    lines = ["# Thẩm định thử: điểm Phòng TCCB chấm thay Hội đồng, kèm nhận xét (kho dữ liệu cchc)."]
    for criterion in sorted(appraisals, key=_criterion_order):
        row = appraisals[criterion]
        lines += [f"{_yaml_text(criterion)}:", f"  points: {Decimal(row.points)}", f"  note: {_yaml_text(row.note)}",
                  f"  by: {_yaml_text(row.by)}", f"  at: {row.at.isoformat(timespec='seconds')}"]
    return "\n".join(lines) + "\n"


def _criterion_order(criterion: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in criterion.split("."))


def _csv_text(records: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(records)
    return out.getvalue()


def _appended(original: bytes, rows: list[dict[str, str]]) -> bytes:
    """A CSV register with rows added under its own header (columns it lacks added at the end); the rows it
    had keep their row numbers, so every trace that cites one still points at it."""
    text, _ = decode_bytes(original)
    records = list(csv.reader(io.StringIO(text, newline="")))
    at = next((i for i, r in enumerate(records) if HEADERS[0] in [c.strip() for c in r]), None)
    if at is None:  # the engine read it, so this does not happen; never lose the rows in any case
        raise RuntimeError("sổ đăng ký không có dòng tiêu đề")
    header = [c.strip() for c in records[at]]
    extra = [h for h in HEADERS if h not in header and any(r.get(h) for r in rows)]
    records[at] = records[at] + extra
    header += extra
    records += [[r.get(h, "") for h in header] for r in rows]
    return ("\ufeff" + _csv_text(records)).encode("utf-8")


def export(store: Store, blobs: BlobStore, target: Path, *, runs: bool = True) -> int:
    """Write the case folder into `target` (empty or new); the revision written."""
    with store.read() as session:
        snap = snapshot(session, runs=runs)
    target.mkdir(parents=True, exist_ok=True)
    for relative, sha in snap.files.items():
        _write(target, relative, blobs.read(sha))
    added = [json.loads(r.cells) for r in snap.rows]
    for row in snap.rows:
        cells = json.loads(row.cells)
        if row.sha256 and cells.get(COLUMNS["file"][0]):
            _write(target, cells[COLUMNS["file"][0]], blobs.read(row.sha256))
    if added:
        register = inside(target, snap.register_path)
        if register.is_dir():
            by_unit: dict[str, list[dict[str, str]]] = {}
            for cells in added:
                by_unit.setdefault(cells.get(COLUMNS["unit"][0], ""), []).append(cells)
            for unit, cells_list in by_unit.items():
                records = [HEADERS] + [[c.get(h, "") for h in HEADERS] for c in cells_list]
                (register / f"kho-du-lieu-{unit or 'chung'}.csv").write_bytes(
                    ("\ufeff" + _csv_text(records)).encode("utf-8"))
        else:
            register.write_bytes(_appended(register.read_bytes(), added))
    if snap.inputs_edited:
        case, _ = read_case_file(target)
        _write(target, case.inputs or "inputs.yaml", inputs_yaml(snap.inputs).encode("utf-8"))
    if snap.appraisals:
        _write(target, APPRAISAL_FILE, appraisal_yaml(snap.appraisals).encode("utf-8"))
    for as_of, document in snap.runs.items():
        _write(target, f"{HISTORY_DIR}/{as_of}.json", document.encode("utf-8"))
    return snap.revision


def check_exported(folder: Path) -> None:
    """The exported folder reads as a case (a bug in the workspace otherwise)."""
    load_case(folder)
