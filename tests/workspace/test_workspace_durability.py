"""Nothing lost: concurrent uploads all land, a crash between writing a file and committing leaves no half row
and no orphan, a backup restores to the same workspace, and a database of the first schema upgrades in place."""

from __future__ import annotations

import hashlib
import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import SEED
from workspace.db.models import Blob, StagedRow
from workspace.service import Role, Workspace

UNIT_PASSWORD = "mat-khau-don-vi-2026"


def pdf(n: int) -> bytes:
    """A small, distinct PDF: its header is not readable (no text layer), which staging reports, not refuses."""
    return b"%PDF-1.4\n%" + f"tai lieu so {n}".encode() + b"\n%%EOF\n"


def unit_item(ws: Workspace, unit: str = "thanh-tra"):  # type: ignore[no-untyped-def]
    account = next(a for a in ws.accounts(tccb_of(ws)) if a.unit == unit)
    return account, next(i for i in ws.checklist(account, unit) if i.can_upload)


def tccb_of(ws: Workspace):  # type: ignore[no-untyped-def]
    return ws.session(ws.login("tccb", "mat-khau-tccb-2026", "127.0.0.1").token)[0]


def count(ws: Workspace, model) -> int:  # type: ignore[no-untyped-def]
    with ws.store.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)))


def files_on_disk(data_dir: Path) -> set[str]:
    return {p.name for p in (data_dir / "files").glob("??/*")}


def test_twenty_uploads_at_once_from_threads_all_land(workspace, tccb, data_dir) -> None:
    workspace.create_account(tccb, "thanhtra", "Thanh tra", Role.UNIT, "thanh-tra", UNIT_PASSWORD)
    unit, item = unit_item(workspace)
    with ThreadPoolExecutor(max_workers=20) as pool:
        staged = list(pool.map(lambda n: workspace.stage_document(unit, "thanh-tra", item.key, f"{n}.pdf", pdf(n)),
                               range(20)))
    assert len({s.id for s in staged}) == 20
    assert count(workspace, StagedRow) == 20
    assert {s.sha256 for s in staged} == {hashlib.sha256(pdf(n)).hexdigest() for n in range(20)}
    assert {s.sha256 for s in staged} <= files_on_disk(data_dir)


def _upload_from_process(data_dir: str, db_url: str, n: int) -> int:
    ws = Workspace.open(Path(data_dir), db_url)
    try:
        account = ws.session(ws.login("thanhtra", UNIT_PASSWORD, f"10.1.0.{n}").token)[0]
        item = next(i for i in ws.checklist(account, "thanh-tra") if i.can_upload)
        return ws.stage_document(account, "thanh-tra", item.key, f"{n}.pdf", pdf(100 + n)).id
    finally:
        ws.close()


def test_twenty_uploads_at_once_from_separate_processes_all_land(workspace, tccb, data_dir, db_url) -> None:
    workspace.create_account(tccb, "thanhtra", "Thanh tra", Role.UNIT, "thanh-tra", UNIT_PASSWORD)
    workspace.assessment()
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes=4) as pool:
        ids = pool.starmap(_upload_from_process, [(str(data_dir), db_url, n) for n in range(20)])
    assert len(set(ids)) == 20
    assert count(workspace, StagedRow) == 20
    assert {hashlib.sha256(pdf(100 + n)).hexdigest() for n in range(20)} <= files_on_disk(data_dir)


class Crash(Exception):
    pass


def test_a_crash_between_file_and_commit_leaves_no_half_row_and_no_orphan(workspace, tccb, data_dir, db_url,
                                                                           monkeypatch) -> None:
    from workspace import blobs

    workspace.create_account(tccb, "thanhtra", "Thanh tra", Role.UNIT, "thanh-tra", UNIT_PASSWORD)
    unit, item = unit_item(workspace)
    rows, known = count(workspace, StagedRow), count(workspace, Blob)
    real_put = blobs.BlobStore.put

    def put_then_crash(self, session, data):  # type: ignore[no-untyped-def]
        real_put(self, session, data)  # the file is on disk, its row not yet committed
        raise Crash

    monkeypatch.setattr(blobs.BlobStore, "put", put_then_crash)
    with pytest.raises(Crash):
        workspace.stage_document(unit, "thanh-tra", item.key, "x.pdf", pdf(999))
    monkeypatch.undo()
    orphan = hashlib.sha256(pdf(999)).hexdigest()
    assert orphan in files_on_disk(data_dir)  # what the crash left
    (data_dir / "files" / "tmp" / "upload-half").write_bytes(b"%PDF-half")  # a temp file a crash left mid-write
    assert (count(workspace, StagedRow), count(workspace, Blob)) == (rows, known)
    workspace.close()
    reopened = Workspace.open(data_dir, db_url)
    try:
        assert orphan not in files_on_disk(data_dir)
        assert [w.code for w in reopened.warnings] == ["W100"]
        assert not list((data_dir / "files" / "tmp").iterdir())
        assert (count(reopened, StagedRow), count(reopened, Blob)) == (rows, known)
        assert files_on_disk(data_dir) == {b for b in files_on_disk(data_dir)}  # every file left has its row
        with reopened.store.read() as session:
            assert files_on_disk(data_dir) == set(session.scalars(select(Blob.sha256)))
    finally:
        reopened.close()


def test_a_backup_restores_to_the_same_workspace(workspace, tccb, tmp_path, db_url, capsys) -> None:
    from test_workspace_uploads import report_docx

    from workspace.backup import restore

    workspace.create_account(tccb, "thanhtra", "Thanh tra", Role.UNIT, "thanh-tra", UNIT_PASSWORD)
    unit, _ = unit_item(workspace)
    item = next(i for i in workspace.checklist(unit, "thanh-tra") if i.criterion == "2.2")
    document = report_docx()
    staged = workspace.stage_document(unit, "thanh-tra", item.key, "bc.docx", document)
    workspace.confirm_document(unit, staged.id, staged.reference, "20/11/2023", "BC", staged.subject)
    workspace.appraise(tccb, "2.2", "0.5", "Thử")
    total = workspace.assessment().total
    copy = workspace.backup(tmp_path / "sao-luu")
    workspace.appraise(tccb, "1.1", "0", "after the backup: not in it")

    if db_url.startswith("sqlite"):
        restored_url = None
    else:
        import psycopg

        restored_url = db_url.rsplit("/", 1)[0] + "/restored_" + db_url.rsplit("/", 1)[1]
        with psycopg.connect(db_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{restored_url.rsplit("/", 1)[1]}"')
    restore(copy, tmp_path / "restored", restored_url)
    again = Workspace.open(tmp_path / "restored", restored_url)
    try:
        assert again.assessment().total == total
        assert again.login("thanhtra", UNIT_PASSWORD, "x").token
        assert [a["criterion"] for a in again.appraisals(tccb_of(again))] == ["2.2"]
        assert again.file(tccb_of(again), staged.sha256)[2] == document
        again.appraise(tccb_of(again), "3.1", "0", "a new row after restore gets a new id")
    finally:
        again.close()


def test_a_database_of_the_first_schema_upgrades_in_place_with_its_data(tmp_path, db_url) -> None:
    from workspace.db import migrate
    from workspace.store import Store

    data_dir = tmp_path / "old"
    data_dir.mkdir()
    store = Store(data_dir, db_url)
    migrate.upgrade(store.writer, "0001")  # as the first release left it
    store.dispose()
    assert migrate.head() == "0002"
    # the first release imported the case and made an account: written with its own schema, not today's models
    old = Store(data_dir, db_url)
    assert migrate.current(old.writer) == "0001"
    from sqlalchemy import inspect

    assert "runs" not in inspect(old.writer).get_table_names()
    old.dispose()
    # data written at 0001 through the workspace code paths that 0001 has (no runs table yet)
    from workspace import accounts, case_store
    from workspace.blobs import BlobStore

    store = Store(data_dir, db_url)
    case_store.import_case(store, BlobStore(data_dir / "files"), SEED, None)
    accounts.create(store, None, "tccb", "TCCB", Role.TCCB, None, "mat-khau-tccb-2026", {})
    store.dispose()

    ws = Workspace.open(data_dir, db_url)
    try:
        assert migrate.current(ws.store.writer) == "0002"
        assert ws.login("tccb", "mat-khau-tccb-2026", "x").token
        assert str(ws.assessment().total) == "75.66"
        ws.export_case(tmp_path / "export")  # the new table is used
        assert (tmp_path / "export" / "lich-su").is_dir()
    finally:
        ws.close()


def test_a_discarded_upload_s_file_is_removed_on_reopening(workspace, tccb, data_dir, db_url) -> None:
    workspace.create_account(tccb, "thanhtra", "Thanh tra", Role.UNIT, "thanh-tra", UNIT_PASSWORD)
    unit, item = unit_item(workspace)
    kept = workspace.stage_document(unit, "thanh-tra", item.key, "kept.pdf", pdf(1))
    gone = workspace.stage_document(unit, "thanh-tra", item.key, "gone.pdf", pdf(2))
    workspace.discard(unit, gone.id)
    workspace.close()
    reopened = Workspace.open(data_dir, db_url)
    try:
        assert kept.sha256 in files_on_disk(data_dir) and gone.sha256 not in files_on_disk(data_dir)
        assert count(reopened, Blob) == len(files_on_disk(data_dir))
        assert reopened.staged(tccb_of(reopened), kept.id).sha256 == kept.sha256
    finally:
        reopened.close()
