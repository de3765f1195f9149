"""A consistent copy of the workspace: its database and its files, and the way back.

SQLite: the sqlite3 backup API copies the database page by page while writers wait for nothing but
their turn; PostgreSQL: every table read in one REPEATABLE READ transaction (one snapshot) and written
as JSON. Files are immutable under their SHA-256, so the ones the copied rows reference are copied after.
`restore` rebuilds a data directory (SQLite) or an empty PostgreSQL database from such a copy.
"""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import MetaData, Table, insert, select, text
from sqlalchemy.engine import make_url

from workspace.db import migrate
from workspace.db.models import Base
from workspace.errors import Invalid, WorkspaceError
from workspace.store import Store

if TYPE_CHECKING:
    from workspace.blobs import BlobStore

SQLITE_COPY = "workspace.db"
LOGICAL_COPY = "workspace.sql.json"
FILES = "files"


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def backup(store: Store, blobs: BlobStore, target: Path) -> Path:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise Invalid("C125", path=str(target))
    target.mkdir(parents=True, exist_ok=True)
    if store.sqlite:
        source = sqlite3.connect(make_url(store.url).database)
        copy = sqlite3.connect(target / SQLITE_COPY)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        # closing(): a sqlite3 connection's own `with` commits but never closes (Python 3.13 warns)
        with closing(sqlite3.connect(target / SQLITE_COPY)) as check:
            shas = {row[0] for row in check.execute("SELECT sha256 FROM blobs")}
    else:
        shas = _logical_copy(store, target / LOGICAL_COPY)
    for sha in sorted(shas):
        destination = target / FILES / sha[:2] / sha
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(blobs.path(sha), destination)
    return target


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode()}
    return value


def _value(value: object) -> object:
    if isinstance(value, dict) and "datetime" in value:
        return datetime.fromisoformat(value["datetime"])
    if isinstance(value, dict) and "bytes" in value:
        return base64.b64decode(value["bytes"])
    return value


def _logical_copy(store: Store, out: Path) -> set[str]:
    with store.reader.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
            data = {table.name: [{k: _cell(v) for k, v in row._mapping.items()}
                                 for row in connection.execute(select(table))] for table in _tables()}
    out.write_text(json.dumps({"alembic": revision, "tables": data}, ensure_ascii=False), encoding="utf-8")
    return {row["sha256"] for row in data["blobs"]}


def restore(source: Path, data_dir: Path, db_url: str | None = None) -> None:
    """Rebuild a workspace from a backup: `data_dir` (new or empty) gets the files; the database is the
    data directory's SQLite file (from a SQLite copy), or `db_url`, an empty PostgreSQL database (from a
    logical copy)."""
    if data_dir.exists() and any(data_dir.iterdir()):
        raise Invalid("C125", path=str(data_dir))
    files = source / FILES
    if db_url is None and (source / SQLITE_COPY).is_file():
        data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / SQLITE_COPY, data_dir / SQLITE_COPY)
    elif (source / LOGICAL_COPY).is_file():
        data_dir.mkdir(parents=True, exist_ok=True)
        _load_logical(json.loads((source / LOGICAL_COPY).read_text(encoding="utf-8")), Store(data_dir, db_url))
    else:
        raise WorkspaceError("E102", path=str(source), detail=f"không có {SQLITE_COPY} hay {LOGICAL_COPY}")
    if files.is_dir():
        shutil.copytree(files, data_dir / FILES)


def _load_logical(copy: dict, store: Store) -> None:
    try:
        migrate.upgrade(store.writer, copy["alembic"])
        with store.writer.begin() as connection:
            reflected = MetaData()
            reflected.reflect(connection)
            for table in _tables():
                rows = copy["tables"].get(table.name, [])
                if table.name == "state":
                    connection.execute(reflected.tables["state"].delete())
                if rows:
                    connection.execute(insert(reflected.tables[table.name]),
                                       [{k: _value(v) for k, v in row.items()} for row in rows])
            if not store.sqlite:  # the id sequences continue after the rows copied
                for table in _tables():
                    if "id" in table.c and table.name != "state":
                        connection.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
    finally:
        store.dispose()
