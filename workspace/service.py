"""The facade: the only thing the web layer (and `cchc workspace`) calls.

Every method checks the actor's role and unit here, whatever the web layer checked before: a unit asking
for another unit's item, upload, file or register gets NotFound or Forbidden, never data. The actor is
read again from the database on each call, so a deactivated account stops at once.
"""

from __future__ import annotations

import json
import tempfile
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

from sqlalchemy import select

from engine.reports import WRITERS
from engine.reports.inputs import ReportInputs
from engine.results import Assessment
from evidence.dates import DateError, format_date, parse_date
from evidence.numbers import input_number, points_number
from evidence.problems import InputError, Problem, did_you_mean
from evidence.references import DOCUMENT_KINDS, ReferenceFormatError, parse_reference
from evidence.register import COLUMNS, inspect_register
from workspace import accounts, audit, case_store, scoring, uploads
from workspace.blobs import BlobStore
from workspace.db import migrate
from workspace.db.models import AccountRow, AppraisalRow, CaseFileRow, InputRow, RegisterRow, StagedRow, State
from workspace.errors import Forbidden, Invalid, LoginRefused, LoginThrottled, NotFound, WorkspaceError
from workspace.store import Store
from workspace.types import Account, ChecklistItem, Preview, Role, Session, Staged

__all__ = ["Account", "ChecklistItem", "Forbidden", "Invalid", "LoginRefused", "LoginThrottled", "NotFound",
           "Preview", "Role", "Session", "Staged", "Workspace", "WorkspaceError"]

H = {key: header for key, (header, _) in COLUMNS.items()}
# download kind → the `cchc report` writer (engine.reports.WRITERS) and the file name it gets
REPORTS = {"xlsx": ("ket-qua", "ket-qua.xlsx"), "html": ("bao-cao", "bao-cao.html"),
           "docx": ("ke-hoach", "ke-hoach.docx")}
MIME = {".pdf": "application/pdf",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".csv": "text/csv"}


class Workspace:
    def __init__(self, data_dir: Path, store: Store, blobs: BlobStore, max_upload: int) -> None:
        self.data_dir, self.store, self.blobs = data_dir, store, blobs
        self.max_upload = max_upload
        self.scorer = scoring.Scorer(store, blobs)
        self.warnings: list[Problem] = []  # what opening found and set right (W100), for the caller to show
        self._runs_lock = threading.Lock()

    # ---- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path, db_url: str | None = None, *, max_upload: int = uploads.MAX_UPLOAD_BYTES
             ) -> Workspace:
        """Create or upgrade the database, and remove what an interrupted write left in files/."""
        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        store = Store(data_dir, db_url)
        try:
            migrate.upgrade(store.writer)
        except Exception as exc:
            store.dispose()
            if "Can't locate revision" in str(exc):
                raise WorkspaceError("E101", found=str(exc).rsplit(" ", 1)[-1], known=migrate.head()) from None
            raise WorkspaceError("E100", url=store.url.split("@")[-1], detail=f"{type(exc).__name__}: {exc}"[:300]) \
                from None
        blobs = BlobStore(data_dir / "files")
        with store.write(case=False) as session:
            removed = blobs.sweep(session)
        ws = cls(data_dir, store, blobs, max_upload)
        if removed:
            ws.warnings.append(Problem.of("W100", count=removed, folder=str(blobs.root)))
        return ws

    def close(self) -> None:
        self.store.dispose()

    # ---- who may do what ----------------------------------------------------------------------

    def _fresh(self, actor: Account) -> Account:
        with self.store.read() as session:
            row = session.get(AccountRow, actor.id)
        if row is None or not row.active or row.username != actor.username:
            raise Forbidden("C102", detail="tài khoản không còn hoạt động")
        return accounts.as_account(row)

    def _tccb(self, actor: Account) -> Account:
        actor = self._fresh(actor)
        if actor.role is not Role.TCCB:
            raise Forbidden("C102", detail="chỉ Phòng TCCB được làm việc này")
        return actor

    def _reader_of(self, actor: Account, unit: str) -> Account:
        """TCCB and viewers read every unit; a unit only its own (another unit's is not found, not forbidden)."""
        actor = self._fresh(actor)
        if unit not in self.units():
            raise NotFound("C103", what=f"đơn vị {unit!r}")
        if actor.role is Role.UNIT and actor.unit != unit:
            raise NotFound("C103", what=f"đơn vị {unit!r}")
        return actor

    def _writer_of(self, actor: Account, unit: str) -> Account:
        actor = self._reader_of(actor, unit)
        if actor.role is Role.VIEWER:
            raise Forbidden("C102", detail="tài khoản lãnh đạo chỉ được xem")
        return actor

    # ---- accounts and sessions ------------------------------------------------------------------

    def create_account(self, actor: Account | None, username: str, full_name: str, role: Role,
                       unit: str | None, password: str) -> Account:
        """`actor` None: the command line (the first TCCB account)."""
        by = None if actor is None else self._tccb(actor).username
        return accounts.create(self.store, by, username, full_name, role, unit or None, password,
                               self.units() if not self.is_empty() else {})

    def accounts(self, actor: Account) -> list[Account]:
        self._tccb(actor)
        return accounts.all_accounts(self.store)

    def set_active(self, actor: Account, account_id: int, active: bool) -> None:
        actor = self._tccb(actor)
        if account_id == actor.id and not active:
            raise Invalid("C102", detail="không tự khóa tài khoản của chính mình")
        if not accounts.set_active(self.store, actor.username, account_id, active):
            raise NotFound("C103", what=f"tài khoản số {account_id}")

    def login(self, username: str, password: str, client: str) -> Session:
        return accounts.login(self.store, username, password, client)

    def session(self, token: str) -> tuple[Account, Session] | None:
        return accounts.session_of(self.store, token)

    def logout(self, token: str) -> None:
        accounts.logout(self.store, token)

    # ---- the case and its score -----------------------------------------------------------------

    def has_accounts(self) -> bool:
        """Whether anyone can sign in at all: `cchc serve` refuses to start otherwise (C149). No actor: it is
        asked before anyone has signed in, and it says nothing about who the accounts are."""
        with self.store.read() as session:
            return session.scalar(select(AccountRow.id).limit(1)) is not None

    def is_empty(self) -> bool:
        with self.store.read() as session:
            state = session.get(State, 1)
            return state is None or state.case_id is None

    def import_case(self, folder: Path, actor: Account | None = None) -> None:
        by = None if actor is None else self._tccb(actor).username
        case_store.import_case(self.store, self.blobs, Path(folder), by)

    def export_case(self, target: Path) -> Path:
        target = Path(target)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise Invalid("C125", path=str(target))
        self._save_run()
        case_store.export(self.store, self.blobs, target)
        return target

    def _case_text(self, name: str) -> bytes:
        with self.store.read() as session:
            row = session.get(CaseFileRow, name)
            if row is None:
                raise Invalid("C109")
            return self.blobs.read(row.sha256)

    def title(self) -> str:
        return self.scored().assessment.case_title

    def units(self) -> dict[str, str]:
        if self.is_empty():
            return {}
        return dict(self.scored().assessment.units)

    def scored(self) -> scoring.Scored:
        return self.scorer.scored()

    def assessment(self) -> Assessment:
        return self.scored().assessment

    def _save_run(self) -> None:
        """Keep this assessment as a saved run when no run has its exact content (the history)."""
        import hashlib

        from engine.reports.json_result import render
        from workspace.db.models import RunRow

        scored = self.scored()
        text = render(scored.assessment) + "\n"
        digest = hashlib.sha256(text.encode()).hexdigest()
        with self._runs_lock, self.store.write(case=False) as session:
            if session.scalar(select(RunRow.id).where(RunRow.digest == digest)) is None:
                session.add(RunRow(as_of=scored.assessment.as_of.isoformat(), digest=digest, document=text,
                                   revision=scored.revision, created_at=audit.now()))

    def report_inputs(self) -> ReportInputs:
        from engine.history import history

        self._save_run()
        result = self.assessment()
        with tempfile.TemporaryDirectory(prefix="cchc-workspace-") as folder:
            case_store.export(self.store, self.blobs, Path(folder))
            saved = history(Path(folder), result.case_id)
        return ReportInputs(result, history=saved)

    def report(self, actor: Account, kind: Literal["xlsx", "html", "docx"]) -> tuple[str, bytes]:
        import importlib

        self._fresh(actor)
        if kind not in REPORTS:
            raise NotFound("C103", what=f"loại tài liệu {kind!r}")
        writer, name = REPORTS[kind]
        module = WRITERS[writer][0]
        inputs = self.report_inputs()
        if actor.role is Role.UNIT and actor.unit:
            inputs = ReportInputs(inputs.result.for_unit(actor.unit), history=inputs.history)
            name = f"{actor.unit}-{name}"
        with tempfile.TemporaryDirectory(prefix="cchc-report-") as folder:
            out = Path(folder) / name
            importlib.import_module(module).write(inputs, out)
            return name, out.read_bytes()

    def checklist(self, actor: Account, unit: str) -> list[ChecklistItem]:
        self._reader_of(actor, unit)
        return scoring.checklist(self.scored(), unit)

    # ---- evidence: one document at a time ---------------------------------------------------------

    def stage_document(self, actor: Account, unit: str, item_key: str, filename: str, data: bytes) -> Staged:
        actor = self._writer_of(actor, unit)
        item = scoring.find_item(self.scored(), unit, item_key)
        if item is None:
            raise NotFound("C103", what="mục này trong danh sách của đơn vị")
        if not item.can_upload:
            raise Invalid("C113", detail="đây là giá trị nhập ngoài hoặc số liệu, không phải một văn bản")
        name = uploads.shown_name(filename)
        uploads.check_size(name, data, self.max_upload)
        suffix = uploads.content_type(name, data, (".pdf", ".docx"))
        header = uploads.read_header(name, data, suffix)
        header["suffix"] = suffix
        with self.store.write(case=False) as session:
            sha = self.blobs.put(session, data)
            row = StagedRow(unit=unit, item_key=item_key, filename=name, sha256=sha,
                            header=json.dumps(header, ensure_ascii=False), created_by=actor.username,
                            created_at=audit.now())
            session.add(row)
            session.flush()
            audit.record(session, actor.username, "upload.stage", f"staged:{row.id}",
                         after={"unit": unit, "item": item_key, "file": name, "sha256": sha, **header})
        return _staged(row)

    def _staged_row(self, actor: Account, staged_id: int, *, write: bool) -> tuple[Account, StagedRow]:
        actor = self._fresh(actor)
        with self.store.read() as session:
            row = session.get(StagedRow, staged_id)
        # another unit's upload is not found: its existence is not told
        if row is None or (actor.role is Role.UNIT and actor.unit != row.unit):
            raise NotFound("C103", what=f"tệp tải lên số {staged_id}")
        if write and actor.role is Role.VIEWER:
            raise Forbidden("C102", detail="tài khoản lãnh đạo chỉ được xem")
        return actor, row

    def staged(self, actor: Account, staged_id: int) -> Staged:
        return _staged(self._staged_row(actor, staged_id, write=False)[1])

    def confirm_document(self, actor: Account, staged_id: int, reference: str, issued: str, kind: str,
                         subject: str) -> int:
        actor, staged = self._staged_row(actor, staged_id, write=True)
        scored = self.scored()
        item = scoring.find_item(scored, staged.unit, staged.item_key)
        if item is None:  # met meanwhile (another upload), or the rules changed: the file stays staged
            raise NotFound("C103", what="mục này trong danh sách của đơn vị (có thể đã được đáp ứng)")
        cells = self._document_cells(scored, item, staged, reference, issued, kind, subject)
        self._check_rows([cells], {cells[H["file"]]: self.blobs.read(staged.sha256)})
        with self.store.write() as session:
            if session.get(StagedRow, staged.id) is None:
                raise NotFound("C103", what=f"tệp tải lên số {staged_id}")
            row = RegisterRow(unit=staged.unit, origin="workspace", cells=json.dumps(cells, ensure_ascii=False),
                              sha256=staged.sha256, created_by=actor.username, created_at=audit.now())
            session.add(row)
            session.delete(session.get(StagedRow, staged.id))
            session.flush()
            audit.record(session, actor.username, "register.add", f"register:{row.id}",
                         before={"staged": staged.id}, after=cells)
        return row.id

    def _document_cells(self, scored: scoring.Scored, item: ChecklistItem, staged: StagedRow, reference: str,
                        issued: str, kind: str, subject: str) -> dict[str, str]:
        """The register row a confirmed upload becomes: what the person confirmed, and what the item it answers
        says (its criterion, requirement, tags and period)."""
        problems: list[Problem] = []
        reference, kind, subject = reference.strip(), kind.strip(), " ".join(subject.split())
        try:
            parse_reference(reference)
        except ReferenceFormatError as exc:
            problems.append(Problem.of("C114", column=H["reference"], value=reference[:80], detail=exc.reason))
        day = None
        try:
            day = parse_date(issued.strip())
            if day is None:
                problems.append(Problem.of("C115", column=H["issued"], value=issued, detail="chưa ghi ngày"))
        except DateError as exc:
            problems.append(Problem.of("C115", column=H["issued"], value=issued[:40], detail=exc.reason))
        if kind not in DOCUMENT_KINDS:
            problems.append(Problem.of("C116", column=H["kind"], value=kind[:40],
                                       hint=did_you_mean(kind, list(DOCUMENT_KINDS))))
        if not subject:
            problems.append(Problem.of("C117", column=H["subject"]))
        if problems:
            raise Invalid.of(problems)
        crit = scored.scheme.criterion(item.criterion)
        requirement = next(r for r in crit.requires if r.id == item.requirement)  # type: ignore[union-attr]
        match = requirement.match  # type: ignore[union-attr]
        header = json.loads(staged.header)
        file = f"tai-lieu/{staged.unit}/{staged.sha256[:12]}-{uploads.safe_name(staged.filename, header['suffix'])}"
        return {H["reference"]: reference, H["issued"]: format_date(day), H["sent"]: "", H["kind"]: kind,
                H["subject"]: subject[:1000], H["unit"]: staged.unit, H["tags"]: ", ".join(match.tags),
                H["criterion"]: item.criterion, H["requirement"]: item.requirement, H["file"]: file,
                H["period"]: match.period or "", H["note"]: f"Tải lên kho dữ liệu: {staged.filename}",
                H["sha256"]: staged.sha256}

    def _check_rows(self, rows: list[dict[str, str]], files: dict[str, bytes]) -> None:
        """Rows read back by the register reader itself, in a scratch folder: what it refuses is refused here."""
        with tempfile.TemporaryDirectory(prefix="cchc-check-") as folder:
            root = Path(folder)
            for relative, data in files.items():
                (root / relative).parent.mkdir(parents=True, exist_ok=True)
                (root / relative).write_bytes(data)
            path = root / "kiem-tra.csv"
            path.write_bytes(case_store._appended(("\ufeff" + ",".join(
                f'"{h}"' for h in case_store.HEADERS) + "\r\n").encode(), rows))
            read = inspect_register(path, case_folder=root, units=self.units())
        if read.errors:
            raise Invalid.of(read.errors)

    def preview_document(self, actor: Account, staged_id: int, reference: str, issued: str, kind: str,
                         subject: str) -> Preview:
        """Whether this document, as the person would confirm it, meets its item and what the total becomes:
        the engine scores the case with the row added, in a scratch folder; nothing is kept."""
        actor, staged = self._staged_row(actor, staged_id, write=True)
        scored = self.scored()
        item = scoring.find_item(scored, staged.unit, staged.item_key)
        if item is None:
            raise NotFound("C103", what="mục này trong danh sách của đơn vị (có thể đã được đáp ứng)")
        cells = self._document_cells(scored, item, staged, reference, issued, kind, subject)
        data = self.blobs.read(staged.sha256)
        self._check_rows([cells], {cells[H["file"]]: data})
        after = self.scorer.preview([(cells, data)])
        criterion = next(c for c in after.criteria if c.id == item.criterion)
        met = item.requirement in criterion.met
        reasons = () if met else tuple(line for line in criterion.trace if item.label in line)
        return Preview(before=scored.assessment.total, after=after.total, met=met, reasons=reasons)

    def discard(self, actor: Account, staged_id: int) -> None:
        actor, staged = self._staged_row(actor, staged_id, write=True)
        with self.store.write(case=False) as session:
            row = session.get(StagedRow, staged.id)
            if row is not None:
                session.delete(row)
                audit.record(session, actor.username, "upload.discard", f"staged:{staged.id}",
                             before={"file": staged.filename, "sha256": staged.sha256})

    # ---- evidence: registers, datasets, inputs ------------------------------------------------------

    def import_register(self, actor: Account, unit: str, filename: str, data: bytes) -> int:
        from workspace.registers import read_register

        actor = self._writer_of(actor, unit)
        name = uploads.shown_name(filename)
        uploads.check_size(name, data, self.max_upload)
        suffix = uploads.content_type(name, data, (".xlsx", ".csv"))
        rows, untouched = read_register(name, data, suffix, unit, self.units())
        if not rows:
            raise Invalid("C126", name=name)
        with self.store.write() as session:
            have = {r.cells for r in session.scalars(select(RegisterRow).where(RegisterRow.unit == unit))}
            added = [c for c in (json.dumps(cells, ensure_ascii=False) for cells in rows) if c not in have]
            for text in dict.fromkeys(added):  # the same register uploaded twice adds nothing the second time
                session.add(RegisterRow(unit=unit, origin="workspace", cells=text, sha256=None,
                                        created_by=actor.username, created_at=audit.now()))
            audit.record(session, actor.username, "register.import", f"register:{unit}",
                         after={"file": name, "added": len(dict.fromkeys(added)), "already_there": len(rows) -
                                len(dict.fromkeys(added)), "untouched_template_rows": untouched})
        return len(dict.fromkeys(added))

    def register_rows(self, actor: Account, unit: str | None = None) -> list[dict[str, str]]:
        actor = self._fresh(actor)
        if actor.role is Role.UNIT:
            if unit is not None and unit != actor.unit:
                raise NotFound("C103", what=f"sổ đăng ký của đơn vị {unit!r}")
            unit = actor.unit
        with self.store.read() as session:
            query = select(RegisterRow).order_by(RegisterRow.id)
            if unit is not None:
                query = query.where(RegisterRow.unit == unit)
            rows = list(session.scalars(query))
        return [{**json.loads(r.cells), "_id": str(r.id), "_origin": r.origin} for r in rows]

    def upload_dataset(self, actor: Account, name: str, filename: str, data: bytes) -> None:
        from workspace.datasets import replace_dataset

        actor = self._tccb(actor)
        shown = uploads.shown_name(filename)
        uploads.check_size(shown, data, self.max_upload)
        suffix = uploads.content_type(shown, data, (".csv", ".xlsx"))
        replace_dataset(self.store, self.blobs, actor.username, name, shown, data, suffix)

    def datasets(self, actor: Account) -> list[dict[str, str]]:
        from workspace.datasets import dataset_list

        self._fresh(actor)
        return dataset_list(self.store, self.blobs)

    def inputs(self, actor: Account) -> list[dict[str, str]]:
        self._fresh(actor)
        with self.store.read() as session:
            rows = list(session.scalars(select(InputRow).order_by(InputRow.criterion, InputRow.part)))
        return [{"criterion": r.criterion, "part": r.part, "value": r.value, "source": r.source, "note": r.note or ""}
                for r in rows]

    def set_input(self, actor: Account, criterion: str, part: str, value: str, source: str, note: str = "") -> None:
        actor = self._tccb(actor)
        scheme = self.scored().scheme
        crit = scheme.criterion(criterion)
        requirement = next((r for r in crit.requires if r.id == part and r.type == "input"), None) if crit else None
        key = f"{criterion}/{part}"
        if requirement is None:
            raise NotFound("C103", what=f"giá trị nhập ngoài {key}")
        number = input_number(value.strip().replace(",", "."))
        if number is None:
            raise Invalid("C119", key=key, detail=f"giá trị {value!r} phải là số không âm (vd 0,75)")
        limit = Decimal(1) if requirement.unit == "ratio" else crit.max  # type: ignore[union-attr]
        if number > limit:
            raise Invalid("C119", key=key, detail=f"giá trị {value} lớn hơn {limit}")
        if not source.strip():
            raise Invalid("C119", key=key, detail="phải nêu nguồn của giá trị")
        with self.store.write() as session:
            row = session.get(InputRow, (criterion, part))
            before = None if row is None else {"value": row.value, "source": row.source, "note": row.note}
            if row is None:
                row = InputRow(criterion=criterion, part=part)
                session.add(row)
            row.value, row.source, row.note = format(number, "f"), source.strip(), note.strip() or None
            session.get(State, 1).inputs_edited = True  # type: ignore[union-attr]
            audit.record(session, actor.username, "input.set", f"input:{key}", before=before,
                         after={"value": row.value, "source": row.source, "note": row.note})

    # ---- the mock appraisal -----------------------------------------------------------------------

    def appraise(self, actor: Account, criterion: str, points: str, note: str) -> None:
        actor = self._tccb(actor)
        crit = self.scored().scheme.criterion(criterion)
        if crit is None:
            raise NotFound("C122", crit=criterion, hint="")
        value = points_number(points.strip().replace(",", "."))  # what the engine will read back, exactly
        if value is None:
            raise Invalid("C120", crit=criterion, detail=f"{points!r}: cần số không âm, tối đa 2 chữ số thập phân")
        if value > crit.max:
            raise Invalid("C120", crit=criterion, detail=f"phải từ 0 đến {crit.max}")
        if not note.strip():
            raise Invalid("C121", crit=criterion)
        with self.store.write() as session:
            current = session.scalar(select(AppraisalRow).where(AppraisalRow.criterion == criterion)
                                     .order_by(AppraisalRow.id.desc()).limit(1))
            row = AppraisalRow(criterion=criterion, points=format(value.normalize(), "f"), note=note.strip(),
                               by=actor.username, at=audit.now().replace(microsecond=0))
            session.add(row)
            audit.record(session, actor.username, "appraisal.set", f"criterion:{criterion}",
                         before=None if current is None else {"points": current.points, "note": current.note},
                         after={"points": row.points, "note": row.note})

    def appraisals(self, actor: Account) -> list[dict[str, str]]:
        self._fresh(actor)
        with self.store.read() as session:
            rows = list(session.scalars(select(AppraisalRow).order_by(AppraisalRow.id.desc())))
        return [{"id": str(r.id), "criterion": r.criterion, "points": r.points, "note": r.note, "by": r.by,
                 "at": r.at.isoformat(timespec="seconds")} for r in rows]

    # ---- files, audit, backup ---------------------------------------------------------------------

    def file(self, actor: Account, sha256: str) -> tuple[str, str, bytes]:
        actor = self._fresh(actor)
        sha256 = sha256.lower()
        with self.store.read() as session:
            rows = list(session.scalars(select(RegisterRow).where(RegisterRow.sha256 == sha256)))
            staged = list(session.scalars(select(StagedRow).where(StagedRow.sha256 == sha256)))
        mine = [(r.unit, json.loads(r.cells).get(H["file"], "")) for r in rows] + \
               [(s.unit, s.filename) for s in staged]
        if actor.role is Role.UNIT:
            mine = [m for m in mine if m[0] == actor.unit]
        if not mine:
            raise NotFound("C103", what="tệp này")
        name = Path(mine[0][1]).name or sha256
        return name, MIME.get(Path(name).suffix.lower(), "application/octet-stream"), self.blobs.read(sha256)

    def audit_log(self, actor: Account, limit: int = 200) -> list[dict[str, str]]:
        self._tccb(actor)
        with self.store.read() as session:
            return audit.entries(session, max(1, min(limit, 10_000)))

    def backup(self, target: Path) -> Path:
        from workspace.backup import backup

        return backup(self.store, self.blobs, Path(target))


def _staged(row: StagedRow) -> Staged:
    header = json.loads(row.header)
    issued = date.fromisoformat(header["issued"]) if header.get("issued") else None
    return Staged(row.id, row.unit, row.item_key, row.filename, row.sha256, header.get("reference"), issued,
                  header.get("kind"), header.get("subject"), list(header.get("problems") or []))


def problems_text(error: InputError | Invalid) -> list[str]:
    return [str(p) for p in error.problems]
